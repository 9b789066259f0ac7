// Validate an AsyncAPI document with @asyncapi/parser.
//
//   node check.mjs ASYNCAPI.yaml
//
// Run by ctest as common_unit_asyncapi_valid on docs/asyncapi.yaml;
// `scripts/stack.sh deps` installs the parser (npm ci here). It fails,
// printing every diagnostic of severity error (the document is not valid
// AsyncAPI, a $ref points nowhere, a schema is malformed, ...), and prints
// warnings without failing. compare.mjs (common_unit_asyncapi_contract)
// checks that the document says what the contract's table says.
import { readFileSync } from "node:fs";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node check.mjs ASYNCAPI.yaml");
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"), { source: file });

const where = (d) => {
  const path = d.path?.length ? d.path.join(".") : "(document)";
  const line = d.range?.start ? `:${d.range.start.line + 1}` : "";
  return `${file}${line} ${path}`;
};
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning))
  console.error(`warning: ${where(d)}: ${d.message} (${d.code})`);
if (errors.length > 0 || !document) {
  console.error(`${file}: not a valid AsyncAPI document (${errors.length} errors):`);
  for (const d of errors) console.error(`  ${where(d)}: ${d.message} (${d.code})`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()}`);
