// Validate an OpenAPI document against the schema of its version.
//
// Run by ctest as gateway_unit_openapi_valid on docs/api/openapi.yaml;
// `scripts/stack.sh deps` installs the validator (npm ci here). The route
// table is checked against the document by gateway_unit_openapi_doc and
// compare.mjs (gateway_unit_openapi_routes); this checks that the document
// itself is valid OpenAPI 3.1.
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
if (!file) {
  console.error("usage: node check.mjs OPENAPI.yaml");
  process.exit(2);
}
const validator = new Validator();
const result = await validator.validate(file);
if (!result.valid) {
  console.error(`${file}: not valid OpenAPI ${validator.version}`);
  for (const e of [].concat(result.errors ?? [])) console.error(JSON.stringify(e));
  process.exit(1);
}
if (validator.version !== "3.1") {
  console.error(`${file}: OpenAPI ${validator.version}, expected 3.1`);
  process.exit(1);
}
console.log(`${file}: valid OpenAPI ${validator.version}`);
