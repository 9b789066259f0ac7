#!/usr/bin/env node
// Re-computes the risk indicators of a generated enterprise event stream
// (gen.mjs) by the rules the risk service applies (README.md, "The
// indicators"), in plain JavaScript, and compares them with the manifest
// of planted cases: per indicator, how many planted cases fire, how many
// near misses fire (none should), and how many hits nobody planted.
//
//   node tools/enterprise-gen/check.mjs --stream events.jsonl --manifest manifest.json [--strict]
//        [--demo scripts/demo-integrity.mjs]
//
// It also checks that the stream is sorted by time, its ids unique, every
// unified social credit code and identity number valid; and with --demo,
// that the demo cadres, relatives and companies of world.mjs are the ones
// that script loads (same names, ids, days and credit codes).
//
// Exits 1 when a planted case does not fire, a near miss fires, or (a
// --clean stream) anything fires; with --strict also when an unplanted hit
// appears in a planted stream. A hit is keyed like the manifest's cases:
// the tender id, "claim:<id>", "payment:<id>", "person:<id>",
// "<unit>|<credit code>" or "<category>|<credit code>".
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  BENFORD, CODES, DAY_MS, DEMO_CADRES, DEMO_COMPANIES, RULES, addYears, creditCode, declaredAt, groupOf, idNumberValid,
  parseDay, provinceOf, quantile8, thresholdOf,
} from './world.mjs';

function usage(msg) {
  if (msg) console.error(`check.mjs: ${msg}`);
  console.error('usage: node tools/enterprise-gen/check.mjs --stream FILE --manifest FILE [--now YYYY-MM-DD] [--clean] [--strict] [--demo FILE]');
  process.exit(2);
}

const o = { stream: null, manifest: null, now: null, clean: false, strict: false, demo: null };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--stream') o.stream = value();
    else if (a === '--manifest') o.manifest = value();
    else if (a === '--now') o.now = value();
    else if (a === '--clean') o.clean = true;
    else if (a === '--strict') o.strict = true;
    else if (a === '--demo') o.demo = value();
    else usage(`unknown argument ${a}`);
  }
  if (!o.stream) usage('--stream is needed');
}
const manifest = o.manifest ? JSON.parse(readFileSync(o.manifest, 'utf8')) : { cases: [], near_misses: [] };
const clean = o.clean || manifest.clean === true;
const nowMs = parseDay(o.now || manifest.now || '');
if (Number.isNaN(nowMs)) usage('--now (or a manifest with now) is needed');

const ms = (s) => Date.parse(s);

// --- read the stream -----------------------------------------------------------

const tenders = new Map(); // tender id -> published data
const awards = [];
const contracts = [];
const claims = [];
const payments = [];
const accountChanges = new Map(); // credit code -> [{t, account}]
const hr = new Map(); // person id -> [{t, kind, unit, key}]
const households = []; // {cadre, members}
const registers = new Map(); // credit code -> [{name, id_number}]
let lines = 0;
let lastTime = '';
const problems = [];
const ids = new Set();
const codeOk = (c) => typeof c === 'string' && c.length === 18 && creditCode(c.slice(0, 2), c.slice(2, 8), c.slice(8, 16)) === c;
// Every credit_code and id_number anywhere in the event's data.
function validate(x, where) {
  if (Array.isArray(x)) {
    for (const y of x) validate(y, where);
  } else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'credit_code' && !codeOk(v)) problems.push(`${where}: credit code ${v} is not valid`);
      else if (k === 'id_number' && !idNumberValid(v)) problems.push(`${where}: identity number ${v} is not valid`);
      else validate(v, where);
    }
  }
}
if (o.demo) {
  const text = readFileSync(o.demo, 'utf8').replace(/\s+/g, ' ');
  const need = [];
  for (const c of Object.values(DEMO_COMPANIES)) {
    need.push(`'${c.name}'`, `creditCode('${c.code.slice(0, 2)}', '${c.code.slice(2, 8)}', '${c.code.slice(8, 16)}')`);
  }
  for (const c of DEMO_CADRES) {
    need.push(`'${c.person_id}'`, `name: '${c.name}'`, `position: '${c.position}'`, `key_since_on: '${c.key_since_on}'`);
    for (const r of c.relatives) need.push(`name: '${r.name}', relation: '${r.relation}'`);
  }
  for (const n of need) if (!text.includes(n)) problems.push(`${o.demo} does not say ${n} (world.mjs does)`);
}

const rl = createInterface({ input: createReadStream(o.stream), crlfDelay: Infinity });
for await (const line of rl) {
  if (!line) continue;
  lines++;
  const e = JSON.parse(line);
  if (e.time < lastTime) problems.push(`line ${lines}: not sorted by time`);
  lastTime = e.time;
  if (ids.has(e.id)) problems.push(`line ${lines}: id ${e.id} again`);
  ids.add(e.id);
  validate(e.data, `line ${lines}`);
  const d = e.data;
  switch (e.subject) {
    case 'ent.procurement.tender.published':
      tenders.set(d.tender_id, d);
      break;
    case 'ent.procurement.award.made':
      awards.push({ ...d, t: ms(d.awarded_at), eid: e.id });
      break;
    case 'ent.procurement.contract.signed':
      contracts.push({ ...d, t: parseDay(d.signed_on), eid: e.id });
      break;
    case 'ent.finance.expense.claimed':
      claims.push(d);
      break;
    case 'ent.finance.payment.made':
      payments.push({ ...d, t: ms(d.paid_at) });
      break;
    case 'ent.finance.supplier_account.changed': {
      const list = accountChanges.get(d.supplier.credit_code) || [];
      list.push({ t: ms(d.changed_at), account: d.new_account });
      accountChanges.set(d.supplier.credit_code, list);
      break;
    }
    case 'ent.hr.person.appointed':
    case 'ent.hr.person.transferred':
    case 'ent.hr.person.removed': {
      const kind = e.subject.split('.')[3];
      const list = hr.get(d.person.person_id) || [];
      list.push({
        t: parseDay(d.effective_on),
        kind,
        unit: kind === 'transferred' ? d.to_unit.unit_code : d.unit.unit_code,
        key: kind === 'transferred' ? d.to_key_position || '' : kind === 'removed' ? '' : d.key_position || '',
      });
      hr.set(d.person.person_id, list);
      break;
    }
    case 'ent.register.household.extracted':
      households.push({ cadre: d.person.person_id, members: d.members || [] });
      break;
    case 'ent.register.company.extracted': {
      const people = [];
      if (d.legal_representative?.id_number) people.push(d.legal_representative);
      for (const s of d.shareholders || []) if (s.person?.id_number) people.push(s.person);
      registers.set(d.company.credit_code, people);
      break;
    }
    default:
      break;
  }
}

// --- the indicators ----------------------------------------------------------------

const hits = new Map(); // code -> Map(key -> detail)
const skipped = [];
function hit(code, key, detail) {
  if (!hits.has(code)) hits.set(code, new Map());
  if (!hits.get(code).has(key)) hits.get(code).set(key, detail);
}
function fences(values) {
  const s = values.slice().sort((a, b) => a - b);
  const q1 = quantile8(s, 0.25);
  const q3 = quantile8(s, 0.75);
  return { q1, q3, lower: q1 - 1.5 * (q3 - q1), upper: q3 + 1.5 * (q3 - q1) };
}
const lowest2 = (bids) => bids.map((b) => b.price_fen).sort((a, b) => a - b);

// single_bid
for (const a of awards) {
  if (RULES.singleBidMethods.includes(a.method) && (a.bids || []).length === 1) hit('single_bid', a.tender_id, { method: a.method });
}

// short_bid_period
for (const t of tenders.values()) {
  const limit = t.emergency ? RULES.bidPeriodDays.emergency : t.international ? RULES.bidPeriodDays.international : RULES.bidPeriodDays.normal;
  const period = (ms(t.bid_deadline_at) - ms(t.published_at)) / DAY_MS;
  if (period < limit) hit('short_bid_period', t.tender_id, { period_days: period, limit_days: limit });
}

// close_prices: per peer group (province, category) with 20 awards or more.
{
  const groups = new Map();
  for (const a of awards) {
    if ((a.bids || []).length < 2) continue;
    const [w, r] = lowest2(a.bids);
    const k = `${provinceOf(a.buyer.unit_code)}|${a.category}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push({ a, ratio: (r - a.price_fen) / a.price_fen, w });
  }
  for (const [k, list] of groups) {
    if (list.length < RULES.closePricesMinGroup) continue;
    const f = fences(list.map((x) => x.ratio));
    if (f.q1 <= 0 || f.lower <= 0) {
      skipped.push(`close_prices ${k}: Q1 ${f.q1.toFixed(4)}, lower fence ${f.lower.toFixed(4)}`);
      continue;
    }
    for (const x of list) if (x.ratio < f.lower) hit('close_prices', x.a.tender_id, { ratio: x.ratio, fence: f.lower, group: k });
  }
}

// win_ratio: per category, among suppliers with 5 bids or more.
{
  const cats = new Map();
  for (const a of awards) {
    if (!cats.has(a.category)) cats.set(a.category, new Map());
    const m = cats.get(a.category);
    for (const b of a.bids || []) {
      const s = m.get(b.supplier.credit_code) || { bids: 0, wins: 0 };
      s.bids++;
      m.set(b.supplier.credit_code, s);
    }
    const s = m.get(a.winner.credit_code) || { bids: 0, wins: 0 };
    s.wins++;
    m.set(a.winner.credit_code, s);
  }
  for (const [cat, m] of cats) {
    const list = [...m].filter(([, s]) => s.bids >= RULES.winRatioMinBids).map(([code, s]) => ({ code, ...s, ratio: s.wins / s.bids }));
    if (list.length === 0) continue;
    const f = fences(list.map((x) => x.ratio));
    if (f.q1 <= 0 || f.upper <= 0) {
      skipped.push(`win_ratio ${cat}: Q1 ${f.q1.toFixed(4)}`);
      continue;
    }
    for (const x of list) if (x.ratio > f.upper) hit('win_ratio', `${cat}|${x.code}`, { ratio: x.ratio, fence: f.upper, bids: x.bids });
  }
}

// identical_bids
for (const a of awards) {
  const prices = lowest2(a.bids || []);
  for (let i = 1; i < prices.length; i++) if (prices[i] === prices[i - 1]) hit('identical_bids', a.tender_id, { price_fen: prices[i] });
}

// heavy_discount
for (const a of awards) {
  if (a.estimated_value_fen > 0 && a.price_fen / a.estimated_value_fen < RULES.heavyDiscount) {
    hit('heavy_discount', a.tender_id, { ratio: a.price_fen / a.estimated_value_fen });
  }
}

// supplier_share: at each award, the past 365 days of the unit's awards.
{
  const byUnit = new Map();
  for (const a of awards) {
    if (!byUnit.has(a.buyer.unit_code)) byUnit.set(a.buyer.unit_code, []);
    byUnit.get(a.buyer.unit_code).push(a);
  }
  for (const [unit, list] of byUnit) {
    list.sort((x, y) => x.t - y.t);
    let head = 0;
    let total = 0;
    const by = new Map();
    for (const a of list) {
      total += a.price_fen;
      const s = by.get(a.winner.credit_code) || { sum: 0, n: 0 };
      s.sum += a.price_fen;
      s.n++;
      by.set(a.winner.credit_code, s);
      while (list[head].t <= a.t - RULES.supplierShareWindowDays * DAY_MS) {
        const old = list[head++];
        total -= old.price_fen;
        const x = by.get(old.winner.credit_code);
        x.sum -= old.price_fen;
        x.n--;
      }
      if (s.n >= RULES.supplierShareMinAwards && s.sum / total > RULES.supplierShare) {
        hit('supplier_share', `${unit}|${a.winner.credit_code}`, { share: s.sum / total, awards: s.n });
      }
    }
  }
}

// split_purchase: inquiry and single-source contracts below the threshold,
// of one unit with one supplier, whose sum within 30 days passes it.
{
  const pairs = new Map();
  for (const c of contracts) {
    const method = tenders.get(c.tender_id)?.method;
    if (!RULES.splitMethods.includes(method)) continue;
    const th = thresholdOf(c.category);
    if (!(c.amount_fen < th)) continue;
    const k = `${c.buyer.unit_code}|${c.supplier.credit_code}|${groupOf(c.category)}`;
    if (!pairs.has(k)) pairs.set(k, []);
    pairs.get(k).push(c);
  }
  for (const [k, list] of pairs) {
    list.sort((x, y) => x.t - y.t);
    const th = thresholdOf(list[0].category);
    let head = 0;
    let sum = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      sum += c.amount_fen;
      while (c.t - list[head].t > RULES.splitWindowDays * DAY_MS) sum -= list[head++].amount_fen;
      if (i > head && sum > th) {
        const [unit, code] = k.split('|');
        hit('split_purchase', `${unit}|${code}`, { sum_fen: sum, threshold_fen: th });
      }
    }
  }
}

// self_approval
for (const c of claims) {
  if (c.claimant.person_id === c.approver.person_id) hit('self_approval', `claim:${c.claim_id}`, { person_id: c.claimant.person_id });
}

// benford: first digits of a claimant's amounts (50 claims or more).
{
  const by = new Map();
  for (const c of claims) {
    const d = Number(String(c.amount_fen)[0]);
    const x = by.get(c.claimant.person_id) || new Array(10).fill(0);
    x[d]++;
    by.set(c.claimant.person_id, x);
  }
  for (const [pid, counts] of by) {
    const n = counts.reduce((a, b) => a + b, 0);
    if (n < RULES.benfordMinClaims) continue;
    let mad = 0;
    for (let d = 1; d <= 9; d++) mad += Math.abs(counts[d] / n - BENFORD[d]);
    mad /= 9;
    if (mad > RULES.benfordMad) hit('benford', `person:${pid}`, { claims: n, mad });
  }
}

// account_change_payment
for (const p of payments) {
  if (p.amount_fen < RULES.accountChangePaymentFen) continue;
  for (const c of accountChanges.get(p.payee.credit_code) || []) {
    if (c.account === p.bank_account && c.t <= p.t && p.t - c.t <= RULES.accountChangeDays * DAY_MS) {
      hit('account_change_payment', `payment:${p.payment_id}`, { days: (p.t - c.t) / DAY_MS, amount_fen: p.amount_fen });
    }
  }
}

// rotation: the person's latest post is a key one, taken more than 5 years before now.
const limit = addYears(nowMs, -RULES.rotationYears);
const unitOfPerson = new Map();
for (const [pid, list] of hr) {
  list.sort((x, y) => x.t - y.t);
  const last = list[list.length - 1];
  if (last.kind !== 'removed') unitOfPerson.set(pid, last.unit);
  if (last.kind !== 'removed' && last.key && last.t < limit) hit('rotation', `person:${pid}`, { key_position: last.key, since: new Date(last.t).toISOString().slice(0, 10) });
}

// conflict_declared: the winner is a declared relative's company (by the
// credit code declared, or by the relative's name in the company's
// register entry) of a cadre of the buying unit.
for (const a of awards) {
  const { names, codes } = declaredAt(a.buyer.unit_code);
  const code = a.winner.credit_code;
  const why = codes.get(code) || (registers.get(code) || []).map((p) => names.get(p.name)).find(Boolean);
  if (why) hit('conflict_declared', a.tender_id, why);
}

// conflict_undeclared: by identity number, a household member of a cadre
// of the buying unit is in the winner's register entry, and is not among
// the cadre's declared relatives.
{
  const relativesOf = new Map(); // id number -> [{cadre, name}]
  for (const h of households) {
    for (const m of h.members) {
      const list = relativesOf.get(m.person.id_number) || [];
      list.push({ cadre: h.cadre, name: m.person.name });
      relativesOf.set(m.person.id_number, list);
    }
  }
  for (const a of awards) {
    const unit = a.buyer.unit_code;
    const declared = declaredAt(unit);
    for (const p of registers.get(a.winner.credit_code) || []) {
      for (const r of relativesOf.get(p.id_number) || []) {
        if (unitOfPerson.get(r.cadre) !== unit) continue;
        const d = declared.names.get(r.name);
        if (d && d.cadre === r.cadre) continue;
        hit('conflict_undeclared', a.tender_id, { cadre: r.cadre, relative: r.name });
      }
    }
  }
}

// --- the report --------------------------------------------------------------------

let failed = problems.length > 0;
for (const p of problems.slice(0, 5)) console.log(`problem: ${p}`);
console.log(`${lines} events, ${awards.length} awards, ${claims.length} claims; ${clean ? 'clean' : 'planted'} stream, now ${new Date(nowMs).toISOString().slice(0, 10)}`);
console.log('indicator                planted  fired  near-misses  fired  unplanted');
for (const code of CODES) {
  const h = hits.get(code) || new Map();
  const planted = manifest.cases.filter((c) => c.code === code);
  const misses = manifest.near_misses.filter((c) => c.code === code);
  const fired = planted.filter((c) => h.has(c.key));
  const missFired = misses.filter((c) => h.has(c.key));
  const known = new Set([...planted, ...misses].map((c) => c.key));
  const unplanted = [...h.keys()].filter((k) => !known.has(k));
  console.log(`${code.padEnd(24)} ${String(planted.length).padStart(7)} ${String(fired.length).padStart(6)} ${String(misses.length).padStart(12)} ${String(missFired.length).padStart(6)} ${String(unplanted.length).padStart(10)}`);
  for (const c of planted.filter((x) => !h.has(x.key))) {
    console.log(`  FAIL planted ${code} ${c.key} did not fire (${JSON.stringify(c.expected)})`);
    failed = true;
  }
  for (const c of missFired) {
    console.log(`  FAIL near miss ${code} ${c.key} fired (${c.why}): ${JSON.stringify(h.get(c.key))}`);
    failed = true;
  }
  for (const k of unplanted.slice(0, 5)) console.log(`  ${clean || o.strict ? 'FAIL ' : ''}unplanted ${code} ${k}: ${JSON.stringify(h.get(k))}`);
  if (unplanted.length && (clean || o.strict)) failed = true;
}
for (const s of skipped) console.log(`skipped: ${s}`);
console.log(failed ? 'FAILED' : 'ok');
process.exit(failed ? 1 : 0);
