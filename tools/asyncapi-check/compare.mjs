// Compare an AsyncAPI document with the enterprise events' contract.
//
//   node compare.mjs CG-PUBLISH ASYNCAPI.yaml
//
// Run by ctest as common_unit_asyncapi_contract on docs/asyncapi.yaml. It
// asks the publisher for the contract (`cg-publish --list-json`: every
// subject of common/src/enterprise.c with its message and summary, and the
// JSON form of every message reachable from them, read from the protobuf
// descriptors) and fails, naming every difference at once, when the
// document
//   - lacks a channel for a subject of the contract, has a channel whose
//     address is not one, or two channels for one subject;
//   - gives a channel other than exactly one message, or a message whose
//     x-protobuf-message or summary is not the contract's, or whose
//     contentType is not application/protobuf;
//   - gives a message headers that lack one of the CloudEvents headers
//     (ce-id, ce-source, ce-type, ce-time, ce-specversion,
//     ce-datacontenttype, Nats-Msg-Id), do not mark ce-id, ce-source,
//     ce-type, ce-specversion and Nats-Msg-Id required, or pin ce-type to
//     another subject;
//   - has no send operation on the channel with x-jetstream naming the
//     stream CG_ENTERPRISE and its 120 s duplicate window;
//   - lacks a payload property the message has (by its JSON key), or has
//     one it lacks; states another JSON type, or another format where
//     either says date-time or date (other formats, such as email, are
//     the document's own); makes an array of a field that is not repeated
//     or the reverse; and the same, recursively, for nested messages; a
//     schema whose x-protobuf-message names another message than the
//     field's.
// $ref is followed, and allOf, oneOf and anyOf are read as the union of
// their members. A shared schema (components.schemas.X) is compared once
// for each message it stands for, and its differences are named there.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const STREAM = "CG_ENTERPRISE";
const DUPLICATE_WINDOW_S = 120;
const CONTENT_TYPE = "application/protobuf";
const HEADERS = ["ce-id", "ce-source", "ce-type", "ce-time", "ce-specversion", "ce-datacontenttype", "Nats-Msg-Id"];
const REQUIRED_HEADERS = ["ce-id", "ce-source", "ce-type", "ce-specversion", "Nats-Msg-Id"];
const TIME_FORMATS = ["date-time", "date"];

const [publisher, file] = process.argv.slice(2);
if (!publisher || !file) {
  console.error("usage: node compare.mjs CG-PUBLISH ASYNCAPI.yaml");
  process.exit(2);
}
let contract;
try {
  contract = JSON.parse(execFileSync(publisher, ["--list-json"], { encoding: "utf8" }));
} catch (e) {
  console.error(`${publisher} --list-json: ${e.message}`);
  process.exit(2);
}
const doc = parse(readFileSync(file, "utf8"));
const problems = [];

// Follow a local $ref ("#/components/schemas/UnitRef") until the node is
// not a reference; returns { node, ref } with the last reference followed.
function follow(node) {
  let ref = null;
  for (let hops = 0; node && typeof node === "object" && node.$ref; hops++) {
    if (hops > 32 || !node.$ref.startsWith("#/")) throw new Error(`cannot follow $ref ${node.$ref}`);
    ref = node.$ref;
    node = node.$ref
      .slice(2)
      .split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((at, key) => (at == null ? undefined : at[key]), doc);
    if (node === undefined) throw new Error(`$ref ${ref} points nowhere`);
  }
  return { node, ref };
}
const resolve = (node) => follow(node).node;
const parts = (s) => [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])];

// The schema a property stands for and where to name its differences: a
// $ref, or an allOf of one $ref beside a description, is named by the
// reference ("components.schemas.UnitRef"), anything else by `where`.
function target(schema, where) {
  const { node, ref } = follow(schema);
  if (ref) return { node, where: ref.slice(2).replace(/\//g, ".") };
  if (node && !node.properties && parts(node).length === 1 && parts(node)[0].$ref) return target(parts(node)[0], where);
  return { node, where };
}

// The properties a schema documents (key -> schema), through $ref and
// allOf/oneOf/anyOf; null when it documents none.
function members(schema) {
  const s = resolve(schema);
  if (!s || typeof s !== "object") return null;
  let out = null;
  if (s.properties) out = { ...s.properties };
  for (const p of parts(s)) {
    const m = members(p);
    if (m) out = Object.assign(out ?? {}, m);
  }
  return out;
}

// Every value a keyword takes in a schema and the schemas it combines.
function collect(schema, keyword, out = new Set()) {
  const s = resolve(schema);
  if (!s || typeof s !== "object") return out;
  for (const v of [].concat(s[keyword] ?? [])) out.add(v);
  for (const p of parts(s)) collect(p, keyword, out);
  return out;
}
const required = (schema) => collect(schema, "required");

// The JSON type a schema states ("null" aside), "" when none, or the types
// joined by "|" when it states several.
function typeOf(schema) {
  return [...collect(schema, "type")].filter((t) => t !== "null").sort().join("|");
}

// The element schema of an array schema, or undefined.
function itemsOf(schema) {
  const s = resolve(schema);
  if (!s || typeof s !== "object") return undefined;
  if (s.items) return s.items;
  for (const p of parts(s)) {
    const i = itemsOf(p);
    if (i) return i;
  }
  return undefined;
}

const compared = new Set();

// Compare the payload schema of message `name` with its fields.
function compareMessage(where, name, schema) {
  const spec = contract.messages?.[name];
  if (!spec) {
    problems.push(`${where}: the contract lists no message ${name}`);
    return;
  }
  const t = target(schema, where);
  const key = `${t.where} ${name}`;
  if (t.where !== where && compared.has(key)) return;
  compared.add(key);
  where = t.where;
  const s = t.node;
  const named = s?.["x-protobuf-message"];
  if (named !== undefined && named !== name)
    problems.push(`${where}: x-protobuf-message is ${named}, the contract has ${name} here`);
  const type = typeOf(s);
  if (type !== "object") problems.push(`${where}: ${name} documented as type "${type}", not "object"`);
  const props = members(s) ?? {};
  for (const f of spec.fields) {
    const at = `${where}.properties.${f.key}`;
    const what = `${name} field ${f.proto} (${f.number})`;
    if (!(f.key in props)) {
      problems.push(`${where}: the property "${f.key}" (${what}) is missing from the document`);
      continue;
    }
    let elem = props[f.key];
    const docType = typeOf(elem);
    if (f.repeated) {
      if (docType !== "array") {
        problems.push(`${at}: ${what} is repeated, the document has type "${docType}", not "array"`);
        continue;
      }
      elem = itemsOf(elem);
      if (elem === undefined) {
        problems.push(`${at}: ${what} is repeated, the document's array has no items`);
        continue;
      }
    } else if (docType === "array") {
      problems.push(`${at}: ${what} is not repeated, the document has an array`);
      continue;
    }
    const elemAt = f.repeated ? `${at}.items` : at;
    const elemType = typeOf(elem);
    if (elemType !== f.type) {
      problems.push(`${elemAt}: ${what} is of type "${f.type}", the document has "${elemType}"`);
      continue;
    }
    const formats = [...collect(elem, "format")].filter((x) => TIME_FORMATS.includes(x));
    const want = f.format || null;
    if (formats.length > 1 || (formats[0] ?? null) !== want)
      problems.push(
        `${elemAt}: ${what} has ${want ? `format "${want}"` : "no time format"}, the document has ${
          formats.length ? `format "${formats.join('", "')}"` : "none"
        }`,
      );
    if (f.type === "object") compareMessage(elemAt, f.message, elem);
  }
  const known = new Set(spec.fields.map((f) => f.key));
  for (const k of Object.keys(props))
    if (!known.has(k)) problems.push(`${where}: the property "${k}" is not a field of ${name}`);
}

// What is wrong with the headers of several messages (usually a shared
// schema) is named once, with the messages it concerns.
const headerProblems = new Map();
const headerProblem = (where, text) => headerProblems.set(text, [...(headerProblems.get(text) ?? []), where]);

function compareHeaders(where, subject, headers) {
  if (headers === undefined) {
    headerProblem(where, "no headers (the CloudEvents headers)");
    return;
  }
  const props = members(headers) ?? {};
  for (const h of HEADERS) if (!(h in props)) headerProblem(where, `the header ${h} is missing`);
  const req = required(headers);
  for (const h of REQUIRED_HEADERS) if (!req.has(h)) headerProblem(where, `the header ${h} is not marked required`);
  // The ce-type of each alternative that pins it must be the subject.
  const pinned = [];
  const walk = (schema) => {
    const s = resolve(schema);
    if (!s || typeof s !== "object") return;
    const ct = s.properties?.["ce-type"];
    if (ct) for (const v of [...collect(ct, "const"), ...collect(ct, "enum")]) pinned.push(v);
    for (const p of parts(s)) walk(p);
  };
  walk(headers);
  for (const v of pinned)
    if (v !== subject) problems.push(`${where}.headers: ce-type is pinned to ${v}, the subject is ${subject}`);
}

const events = contract.events ?? [];
const channels = Object.entries(doc.channels ?? {});
const subjects = new Set(events.map((e) => e.subject));
for (const [id, ch] of channels) {
  const address = resolve(ch)?.address;
  if (!subjects.has(address))
    problems.push(`channels.${id}: address ${address ?? "(none)"} is not a subject of the contract`);
}

const operations = Object.entries(doc.operations ?? {}).map(([id, op]) => [id, resolve(op)]);
for (const ev of events) {
  const mine = channels.filter(([, ch]) => resolve(ch)?.address === ev.subject);
  if (mine.length === 0) {
    problems.push(`${ev.subject}: a subject of the contract (${ev.message}), missing from the document`);
    continue;
  }
  if (mine.length > 1) problems.push(`${ev.subject}: ${mine.length} channels (${mine.map(([id]) => id).join(", ")})`);
  const [id, raw] = mine[0];
  const ch = resolve(raw);
  const where = `channels.${id}`;
  if (ch.summary !== undefined && ch.summary !== ev.summary)
    problems.push(`${where}: summary "${ch.summary}", the contract says "${ev.summary}"`);
  const msgs = Object.entries(ch.messages ?? {});
  if (msgs.length !== 1) problems.push(`${where}: ${msgs.length} messages, one expected (${ev.message})`);
  for (const [mid, rawMsg] of msgs) {
    const t = target(rawMsg, `${where}.messages.${mid}`);
    const msg = t.node;
    const at = t.where;
    if (msg["x-protobuf-message"] !== ev.message)
      problems.push(`${at}: x-protobuf-message is ${msg["x-protobuf-message"] ?? "missing"}, the contract has ${ev.message}`);
    if (msg.summary !== ev.summary)
      problems.push(`${at}: summary "${msg.summary ?? ""}", the contract says "${ev.summary}"`);
    const ct = msg.contentType ?? doc.defaultContentType;
    if (ct !== CONTENT_TYPE) problems.push(`${at}: contentType ${ct ?? "(none)"}, expected ${CONTENT_TYPE}`);
    compareHeaders(at, ev.subject, msg.headers);
    if (msg.payload === undefined) problems.push(`${at}: no payload`);
    else compareMessage(`${at}.payload`, ev.message, msg.payload);
  }

  const sends = operations.filter(([, op]) => op?.action === "send" && op.channel && resolve(op.channel) === ch);
  if (sends.length === 0) problems.push(`${ev.subject}: no send operation on ${where}`);
  for (const [oid, op] of sends) {
    const js = resolve(op["x-jetstream"]) ?? {};
    if (js.stream !== STREAM) problems.push(`operations.${oid}: x-jetstream.stream is ${js.stream ?? "missing"}, not ${STREAM}`);
    if (js["duplicate-window-s"] !== DUPLICATE_WINDOW_S)
      problems.push(
        `operations.${oid}: x-jetstream.duplicate-window-s is ${js["duplicate-window-s"] ?? "missing"}, not ${DUPLICATE_WINDOW_S}`,
      );
  }
}

for (const [text, wheres] of headerProblems)
  problems.push(
    wheres.length === 1 ? `${wheres[0]}.headers: ${text}` : `headers of ${wheres.length} messages: ${text} (${wheres.join(", ")})`,
  );

if (problems.length > 0) {
  console.error(`${file} differs from the contract of ${publisher} --list-json (${problems.length}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`${file}: the ${events.length} subjects of the contract, with their messages, as ${publisher} --list-json says`);
