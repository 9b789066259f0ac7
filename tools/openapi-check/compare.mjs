// Compare an OpenAPI document with the gateway's route table.
//
//   node compare.mjs CG-GATEWAY OPENAPI.yaml
//
// Run by ctest as gateway_unit_openapi_routes on docs/api/openapi.yaml. It
// asks the gateway what each route takes and answers (`cg-gateway
// --routes-json`, services/gateway/src/routes/route_doc.h) and fails, naming every
// difference at once, when the document
//   - lacks an operation of the table or names one the table lacks;
//   - states another permission in the operation's x-permission, or marks
//     a public route as needing a login (security) or the reverse;
// and, for a route that forwards to a service (whose row says all of it):
//   - answers success with another status;
//   - documents a request body member the route does not take, or lacks
//     one it takes, or documents a body for a route that reads none;
//   - lacks a query parameter the route reads, or names one it ignores;
//   - lacks a top-level member of the answer or documents one the answer
//     never holds (answers a presenter writes by hand are not compared);
//   - documents a member as an array or an object when it is not, or the
//     reverse (a schema that says neither is not compared).
// The answers' name members (handler_name beside handler_id, ...) are part
// of what the gateway prints: it reads them from its table of names.
// $ref is followed, and allOf, oneOf and anyOf are read as the union of
// their members.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const [gateway, file] = process.argv.slice(2);
if (!gateway || !file) {
  console.error("usage: node compare.mjs CG-GATEWAY OPENAPI.yaml");
  process.exit(2);
}
const routes = JSON.parse(execFileSync(gateway, ["--routes-json"], { encoding: "utf8" }));
const doc = parse(readFileSync(file, "utf8"));
const problems = [];
const METHODS = ["get", "put", "post", "delete", "head", "options", "patch", "trace"];

// The node a local $ref ("#/components/schemas/Clue") points to, followed
// until it is not a reference.
function resolve(node) {
  for (let hops = 0; node && typeof node === "object" && node.$ref; hops++) {
    if (hops > 32 || !node.$ref.startsWith("#/")) throw new Error(`cannot follow $ref ${node.$ref}`);
    node = node.$ref
      .slice(2)
      .split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((at, key) => (at == null ? undefined : at[key]), doc);
    if (node === undefined) throw new Error("a $ref points nowhere");
  }
  return node;
}

// The members a schema of an object documents (key -> schema), or null
// when it documents none (no properties anywhere in it).
function members(schema) {
  const s = resolve(schema);
  if (!s || typeof s !== "object") return null;
  let out = null;
  const add = (m) => {
    if (m) out = Object.assign(out ?? {}, m);
  };
  if (s.properties) add(s.properties);
  for (const k of ["allOf", "oneOf", "anyOf"]) for (const part of s[k] ?? []) add(members(part));
  return out;
}

// "array", "object", "scalar", or null when the schema does not say.
function kindOf(schema) {
  const s = resolve(schema);
  if (!s || typeof s !== "object") return null;
  const types = [].concat(s.type ?? []).filter((t) => t !== "null");
  if (types.includes("array")) return "array";
  if (types.includes("object")) return "object";
  if (types.length > 0) return "scalar";
  if (s.items) return "array";
  if (s.properties || s.additionalProperties) return "object";
  if (s.const !== undefined || s.enum) return "scalar";
  const parts = [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]
    .filter((p) => {
      const r = resolve(p);
      return !(r && (r.type === "null" || r.const === null));
    })
    .map(kindOf)
    .filter((k) => k !== null);
  return parts.length > 0 && parts.every((k) => k === parts[0]) ? parts[0] : null;
}

// The JSON schema of a request body or a response, or undefined.
function jsonSchema(node) {
  return resolve(node)?.content?.["application/json"]?.schema;
}

// Compare the keys a route has ({key, kind}) with the members a schema
// documents; `what` names them in the messages ("body", "answer").
function compareMembers(where, what, keys, documented) {
  const docKeys = documented ?? {};
  for (const k of keys) {
    if (!(k.key in docKeys)) {
      const names = k.names ? " (a name the gateway puts beside an id)" : "";
      problems.push(`${where}: the ${what} member "${k.key}"${names} is missing from the document`);
      continue;
    }
    const kind = kindOf(docKeys[k.key]);
    if (kind !== null && kind !== k.kind)
      problems.push(`${where}: the ${what} member "${k.key}" is documented as ${kind}, the route has ${k.kind}`);
  }
  const known = new Set(keys.map((k) => k.key));
  for (const key of Object.keys(docKeys))
    if (!known.has(key))
      problems.push(`${where}: the document's ${what} member "${key}" is not one the route has`);
}

function compareOperation(route, item, op) {
  const where = `${route.method} ${route.path}`;
  const permission = op["x-permission"];
  if (permission === undefined)
    problems.push(`${where}: the document states no x-permission (the route needs ${route.permission})`);
  else if (permission !== route.permission)
    problems.push(`${where}: the document's x-permission is ${permission}, the route needs ${route.permission}`);
  const open = Array.isArray(op.security) && op.security.length === 0;
  if (open !== route.public)
    problems.push(
      route.public
        ? `${where}: public, but the document asks for a login (security: [] is missing)`
        : `${where}: needs a login, but the document says security: []`,
    );
  if (!route.forwards) return;

  const status = String(route.status);
  const successes = Object.keys(op.responses ?? {}).filter((c) => /^2\d\d$/.test(c));
  if (!successes.includes(status))
    problems.push(`${where}: answers ${status} on success, the document lacks that response`);
  for (const c of successes)
    if (c !== status) problems.push(`${where}: the document has a ${c} answer, the route answers ${status}`);

  if (route.body === null) {
    if (op.requestBody) problems.push(`${where}: the document has a request body, the route reads none`);
  } else {
    const schema = op.requestBody ? jsonSchema(op.requestBody) : undefined;
    if (route.body.length > 0 && schema === undefined)
      problems.push(`${where}: the route takes a JSON body, the document has none`);
    else compareMembers(where, "body", route.body, members(schema));
  }

  const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
  const query = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
  for (const name of route.query)
    if (!query.has(name)) problems.push(`${where}: the query parameter "${name}" is missing from the document`);
  for (const name of query)
    if (!route.query.includes(name))
      problems.push(`${where}: the document's query parameter "${name}" is not one the route reads`);

  if (route.reply.hand_written || !op.responses?.[status]) return;
  const reply = jsonSchema(op.responses[status]);
  const documented = reply === undefined ? null : members(reply);
  if (documented === null) problems.push(`${where}: the document shows no members of the ${status} answer`);
  else compareMembers(where, "answer", route.reply.keys, documented);
}

const seen = new Set();
for (const route of routes) {
  const key = `${route.method} ${route.path}`;
  seen.add(key);
  const item = doc.paths?.[route.path];
  const op = item?.[route.method.toLowerCase()];
  if (!op) problems.push(`${key}: a route of the gateway, missing from the document`);
  else compareOperation(route, item, op);
}
for (const [path, item] of Object.entries(doc.paths ?? {}))
  for (const method of METHODS)
    if (item[method] && !seen.has(`${method.toUpperCase()} ${path}`))
      problems.push(`${method.toUpperCase()} ${path}: in the document, not a route of the gateway`);

if (problems.length > 0) {
  console.error(`${file} differs from the gateway's route table (${problems.length}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`${file}: the ${routes.length} routes of the gateway, as the route table says`);
