#!/usr/bin/env node
// A generator of realistic enterprise event streams (ent.<system>.<entity>.<verb>,
// proto/cleangrid/enterprise/v1) with planted red flags, as JSON lines for
// cg-publish: {"subject", "id", "source", "time", "data"}, sorted by time.
// Deterministic for a seed; streams (memory does not grow with --events).
// README.md beside it describes the world, the options and every planted
// case; check.mjs re-computes the indicators from a stream and a manifest.
//
//   node tools/enterprise-gen/gen.mjs [--seed N] [--events N] [--now YYYY-MM-DD]
//        [--start YYYY-MM-DD] [--days D] [--clean] [--only CODE[,CODE]]
//        [--manifest FILE] > events.jsonl
import { writeFileSync } from 'node:fs';
import {
  BENFORD, CATEGORIES, CATEGORY, CODES, CODE_CHARS, DAY_MS, DEMO_CADRES, DEMO_COMPANIES, PHI, RESERVED_NAMES, RULES,
  Rng, UNIT, UNITS, YUAN, addYears, creditCode, frac, groupOf, idNumber, isoDay, isoTime, parseDay,
  thresholdOf,
} from './world.mjs';

// --- options -----------------------------------------------------------------

function usage(msg) {
  if (msg) console.error(`gen.mjs: ${msg}`);
  console.error(
    'usage: node tools/enterprise-gen/gen.mjs [--seed N] [--events N] [--now YYYY-MM-DD]\n' +
      '         [--start YYYY-MM-DD] [--days D] [--clean] [--only CODE[,CODE]] [--manifest FILE]\n' +
      `codes: ${CODES.join(' ')}`,
  );
  process.exit(2);
}

function parseOptions(argv) {
  const o = { seed: 1, events: 5000, now: null, start: null, days: 365, clean: false, only: null, manifest: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--seed') o.seed = Number(value());
    else if (a === '--events') o.events = Number(value());
    else if (a === '--now') o.now = value();
    else if (a === '--start') o.start = value();
    else if (a === '--days') o.days = Number(value());
    else if (a === '--clean') o.clean = true;
    else if (a === '--only') o.only = value().split(',').filter(Boolean);
    else if (a === '--manifest') o.manifest = value();
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) usage('--seed must be an integer from 0 to 4294967295');
  if (!Number.isInteger(o.events) || o.events < 4500 || o.events > 100_000_000) usage('--events must be from 4500 to 100000000');
  if (!Number.isInteger(o.days) || o.days < 180 || o.days > 1460) usage('--days must be from 180 to 1460');
  for (const c of o.only || []) if (!CODES.includes(c)) usage(`--only: no indicator ${c}`);
  if (o.clean && o.only) usage('--clean and --only exclude each other');
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  if (o.start !== null) {
    o.startMs = parseDay(o.start);
    if (Number.isNaN(o.startMs)) usage('--start must be a day YYYY-MM-DD');
    o.endMs = o.startMs + o.days * DAY_MS;
    o.nowMs = o.now !== null ? parseDay(o.now) : o.endMs;
  } else {
    o.nowMs = o.now !== null ? parseDay(o.now) : today;
    o.endMs = o.nowMs;
    o.startMs = o.endMs - o.days * DAY_MS;
  }
  if (Number.isNaN(o.nowMs)) usage('--now must be a day YYYY-MM-DD');
  o.planted = new Set(o.clean ? [] : o.only || CODES);
  return o;
}

// --- output: a heap of scheduled events, written in time order -------------

class Heap {
  constructor() {
    this.a = [];
  }
  get size() {
    return this.a.length;
  }
  peek() {
    return this.a[0];
  }
  static less(x, y) {
    return x.t < y.t || (x.t === y.t && x.q < y.q);
  }
  push(x) {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!Heap.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && Heap.less(a[l], a[m])) m = l;
        if (r < a.length && Heap.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

function generate(o) {
  const rng = new Rng(o.seed ^ 0x5eed);
  const heap = new Heap();
  let queued = 0;
  let nextId = 0;
  // The ids carry a hash of the options: two different streams never share
  // an id (JetStream would drop the second as a duplicate), the same
  // options always give the same ids.
  let h = 2166136261;
  for (const ch of JSON.stringify([o.seed, o.events, o.startMs, o.days, o.nowMs, o.clean, o.only])) {
    h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  }
  const idPrefix = `eg-${h.toString(16).padStart(8, '0')}`;
  // The documents' own numbers (tenders, payments, claims) carry it too,
  // shorter: two streams never number the same tender or claim, so one
  // stream's events are never taken for replays of another's.
  const docTag = h.toString(16).padStart(8, '0').slice(0, 4).toUpperCase();
  const counts = {};
  const emitted = new Set(); // the ids of planted and near-miss events, once written
  const watched = new Set();
  let written = 0;
  let buf = '';
  const { startMs, endMs, nowMs, days } = o;

  // Schedule an event; answers its id.
  let planting = false; // events scheduled by a planted case's plan are watched
  function ev(t, subject, source, data) {
    const id = `${idPrefix}-${++nextId}`;
    if (planting) watched.add(id);
    heap.push({ t, q: queued++, id, subject, source, data });
    return id;
  }
  // Schedule work that runs at its time, in time order (it may emit events
  // built from the state of then, or schedule more work).
  const later = (t, fn) => heap.push({ t, q: queued++, fn });
  // Emit an event at once (from work running at time t).
  // Answers the id, or null when the time falls outside the period.
  function now(t, subject, source, data) {
    const id = `${idPrefix}-${++nextId}`;
    return write({ t, id, subject, source, data }) ? id : null;
  }
  function write(e) {
    if (e.t < startMs || e.t >= endMs) return false;
    buf += `{"subject":"${e.subject}","id":"${e.id}","source":"${e.source}","time":"${isoTime(e.t)}","data":${JSON.stringify(e.data)}}\n`;
    counts[e.subject] = (counts[e.subject] || 0) + 1;
    written++;
    if (watched.has(e.id)) emitted.add(e.id);
    return true;
  }

  // A time of the working day (08:30 to 18:00 in China, UTC+8: 00:30 to
  // 10:00 UTC, the same date), on whole seconds.
  const workTime = (dayMs) => dayMs + 1800000 + Math.floor(rng.next() * 34200) * 1000;
  const dayOf = (t) => t - (t % DAY_MS);

  // --- names, people, companies ---------------------------------------------

  const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
  const GIVEN_M = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建国成志新文博海亮永东';
  const GIVEN_F = '芳娜敏静丽艳娟霞燕玲婷雪慧莉倩萍颖琳洁晶佳琪欣怡红梅兰月英秀珍凤慧悦璐晓';
  function personName(male, surname) {
    for (;;) {
      const given = male ? GIVEN_M : GIVEN_F;
      const n = (surname || rng.pick(SURNAMES)) + rng.pick(given) + (rng.chance(0.6) ? rng.pick(given) : '');
      if (!RESERVED_NAMES.has(n)) return n;
    }
  }
  const idSeen = new Set();
  function newIdNumber(region, bornFrom, bornTo, male) {
    for (;;) {
      const y = rng.int(bornFrom, bornTo);
      const birth = `${y}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
      let seq = rng.int(0, 998);
      if ((seq % 2 === 1) !== male) seq++;
      const id = idNumber(region, birth, seq);
      if (!idSeen.has(id)) {
        idSeen.add(id);
        return id;
      }
    }
  }
  // A natural person of the registers (a relative, a shareholder).
  function registeredPerson(region, { male = rng.chance(0.55), name, surname, born = [1950, 2000] } = {}) {
    return { name: name || personName(male, surname), id_number: newIdNumber(region, born[0], born[1], male) };
  }

  // Employees: P-<PROVINCE>-NNNN, one post each.
  const personSeq = { EAST: 0, WEST: 0, HQ: 0 };
  const people = []; // every generated employee
  const byId = new Map();
  function newPerson(unit, position, key, since, opts = {}) {
    const prov = unit.province.toUpperCase();
    const male = opts.male ?? rng.chance(0.6);
    const p = {
      person_id: opts.person_id || `P-${prov}-${String(++personSeq[prov]).padStart(4, '0')}`,
      name: opts.name || personName(male),
      male,
      id_number: newIdNumber(unit.region, 1962, 1998, male),
      unit: unit.code,
      position,
      key,
      since,
      claims: 0,
      relatives: null,
    };
    byId.set(p.person_id, p);
    return p;
  }
  const ref = (p) => ({ person_id: p.person_id, name: p.name });
  const unitRef = (code) => ({ unit_code: code, name: UNIT[code].name });
  const compRef = (c) => ({ credit_code: c.code, name: c.name });

  const codeSeen = new Set();
  const nameSeen = new Set();
  const BRANDS = '华信恒达瑞丰宏远鼎盛汇通安泰金源中兴永昌天成博远正大诚信隆基海纳东方明阳振华新宇国泰万和嘉禾宝利联创同力开元兴业';
  const CITY_PREFIX = { '320000': '华东', '320100': 'A市', '320200': 'B市', '620000': '西部', '620100': 'C市', '110000': '北京' };
  const OTHER_REGIONS = ['330100', '340100', '370100', '610100', '510100', '440300'];
  const OTHER_PREFIX = { '330100': '杭州', '340100': '合肥', '370100': '济南', '610100': '西安', '510100': '成都', '440300': '深圳' };
  const BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '交通银行', '招商银行', '兴业银行'];
  const bankAccount = () => `62${String(rng.int(1e8, 9.99e8))}${String(rng.int(1e8, 9.99e8))}`;
  function newCompany(category, opts = {}) {
    const cat = CATEGORY[category];
    let region = opts.region;
    if (!region) {
      region = rng.chance(0.7) ? rng.pick(UNITS.filter((u) => u.code !== 'hq')).region : rng.pick(OTHER_REGIONS);
    }
    let code = opts.code;
    while (!code || (!opts.code && codeSeen.has(code))) {
      let body = '';
      for (let i = 0; i < 8; i++) body += CODE_CHARS[rng.int(0, 30)];
      code = creditCode('91', region, body);
    }
    codeSeen.add(code);
    let name = opts.name;
    while (!name || (!opts.name && nameSeen.has(name))) {
      const brand = BRANDS[rng.int(0, BRANDS.length - 1)] + BRANDS[rng.int(0, BRANDS.length - 1)];
      name = `${CITY_PREFIX[region] || OTHER_PREFIX[region]}${brand}${rng.pick(cat.words)}有限公司`;
    }
    nameSeen.add(name);
    const c = {
      code,
      name,
      category,
      region,
      account: bankAccount(),
      bank: rng.pick(BANKS),
      changedAt: -Infinity,
      target: 0.2,
      bids: 0,
      wins: 0,
      lastContract: '',
      legal: null,
      shareholders: [],
    };
    // The register: a legal representative and one to three shareholders.
    if (opts.register) opts.register(c);
    else {
      c.legal = registeredPerson(region, { born: [1960, 1990] });
      const n = rng.int(1, 3);
      let left = 10000;
      for (let i = 0; i < n; i++) {
        const bp = i === n - 1 ? left : Math.round((left * rng.uniform(0.4, 0.8)) / 100) * 100;
        left -= bp;
        const person = i === 0 && rng.chance(0.6) ? c.legal : registeredPerson(region, { born: [1955, 1995] });
        c.shareholders.push({ person, bp });
      }
    }
    return c;
  }

  // --- the units' posts -----------------------------------------------------

  const scale = Math.sqrt(o.events);
  const staffPerUnit = Math.max(14, Math.min(300, Math.round(8 + scale / 6)));
  const POSTS = [
    ['总经理', ''],
    ['副总经理', 'project_construction'],
    ['财务部主任', 'finance'],
    ['物资部主任', 'materials'],
    ['采购中心主任', 'procurement'],
    ['人力资源部主任', 'hr'],
    ['建设部主任', 'project_construction'],
    ['财务部副主任', 'finance'],
    ['采购专责', 'procurement'],
    ['物资专责', 'materials'],
  ];
  const STAFF_POSTS = ['综合管理部专责', '运维检修部专责', '营销部专责', '安全监察部专责', '调度控制中心值班员', '办公室秘书', '党建部专责', '变电运维班班长', '配电运检班班员', '客户服务中心专责'];
  const units = {};
  const keySinceMax = addYears(nowMs, -RULES.rotationYears) + 120 * DAY_MS; // normal key posts: under 5 years minus 4 months
  for (const u of UNITS) {
    const us = { code: u.code, leader: null, finance: null, deputy: null, procurement: null, staff: [], keyPeople: [] };
    units[u.code] = us;
    const demo = DEMO_CADRES.filter((c) => c.unit_code === u.code);
    const titles = new Set();
    for (const c of demo) {
      const p = newPerson(u, c.position, c.key_position, parseDay(c.key_since_on), {
        person_id: c.person_id,
        name: c.name,
        male: !['吴敏', '何丽娟', '唐晓燕'].includes(c.name),
      });
      p.demo = c;
      titles.add(c.position.replace(u.name, '').replace(/^(华东省电力公司|西部省电力公司)/, ''));
      us.staff.push(p);
    }
    for (const [title, key] of POSTS) {
      if (titles.has(title)) continue;
      const since = key ? rng.int(keySinceMax, startMs - 30 * DAY_MS) : rng.int(startMs - 12 * 365 * DAY_MS, startMs - 30 * DAY_MS);
      us.staff.push(newPerson(u, `${u.name}${title}`, key, dayOf(since)));
    }
    while (us.staff.length < staffPerUnit) {
      const since = rng.int(startMs - 15 * 365 * DAY_MS, startMs - 30 * DAY_MS);
      us.staff.push(newPerson(u, `${u.name}${rng.pick(STAFF_POSTS)}`, '', dayOf(since)));
    }
    const find = (re) => us.staff.find((p) => re.test(p.position));
    us.leader = find(/[^副]总经理$/);
    us.deputy = find(/副总经理$/);
    us.finance = find(/财务(资产)?部(副)?主任$/);
    us.procurement = find(/(采购|物资)/);
    for (const p of us.staff) p.head = p.demo || POSTS.some(([title]) => p.position.endsWith(title));
    people.push(...us.staff);
  }
  const claimants = people.slice();

  // --- the suppliers --------------------------------------------------------

  // A tender makes about 8.9 events; the registers, HR and the planted
  // cases and near misses take about 1,000 whatever the volume (600 in a
  // clean stream).
  const tendersTotal = Math.round((o.events * 0.7 - (o.clean ? 600 : 1000)) / 8.9);
  // A category with bids enough for 12 suppliers of 20 bids or more each
  // is a rich one: its suppliers' win ratios are compared (win_ratio). In
  // a thin one no supplier bids more than 4 times (so none is compared);
  // new suppliers come when the pool's have bid 4 times.
  const pools = {};
  const thin = new Set();
  const targetOff = {};
  for (const cat of CATEGORIES) {
    const bids = tendersTotal * cat.weight * 5.2;
    let n = Math.min(80, Math.floor(bids / 20));
    if (n < 12) {
      thin.add(cat.code);
      n = Math.max(8, Math.round(bids / 3.5));
    }
    targetOff[cat.code] = rng.next();
    pools[cat.code] = [];
    for (let j = 0; j < n; j++) poolCompany(cat.code);
  }
  function poolCompany(cat) {
    const c = newCompany(cat);
    // Each supplier's share of its bids that it wins, spread evenly (a
    // low-discrepancy sequence) from 0.04 to 0.40.
    c.target = 0.04 + 0.36 * frac(targetOff[cat] + pools[cat].length * PHI);
    pools[cat].push(c);
    return c;
  }
  const special = []; // companies outside the pools (the demo's, the planted cases')

  // --- the selection of bidders and winners ----------------------------------
  //
  // A tender's bidders come from its category's pool; the winner is the
  // bidder furthest below its target win ratio, so that every supplier's
  // ratio stays near its target and no one dominates by chance. Guards keep
  // the normal stream clear of the rules: no supplier takes a large share
  // of a unit's awards, and no unit buys by inquiry from one supplier more
  // than half the tender threshold within 30 days.

  const shareState = {};
  for (const u of UNITS) shareState[u.code] = { queue: [], head: 0, total: 0, by: new Map() };
  function shareAdd(unitCode, c, t, v) {
    const s = shareState[unitCode];
    s.queue.push({ t, code: c.code, v });
    s.total += v;
    const x = s.by.get(c.code) || { sum: 0, n: 0 };
    x.sum += v;
    x.n++;
    s.by.set(c.code, x);
  }
  function shareAt(unitCode, t) {
    const s = shareState[unitCode];
    const from = t - RULES.supplierShareWindowDays * DAY_MS;
    while (s.head < s.queue.length && s.queue[s.head].t <= from) {
      const e = s.queue[s.head++];
      s.total -= e.v;
      const x = s.by.get(e.code);
      x.sum -= e.v;
      x.n--;
    }
    if (s.head > 4096 && s.head * 2 > s.queue.length) {
      s.queue = s.queue.slice(s.head);
      s.head = 0;
    }
    return s;
  }
  const splitState = new Map(); // unit|credit code -> [{day, v}]
  function splitSum(unitCode, c, day) {
    const list = splitState.get(`${unitCode}|${c.code}`) || [];
    let sum = 0;
    for (const x of list) if (Math.abs(x.day - day) <= (RULES.splitWindowDays + 5) * DAY_MS) sum += x.v;
    return sum;
  }
  function splitAdd(unitCode, c, day, v) {
    const k = `${unitCode}|${c.code}`;
    const list = splitState.get(k) || [];
    // Only the recent ones matter.
    while (list.length && list[0].day < day - 100 * DAY_MS) list.shift();
    list.push({ day, v });
    splitState.set(k, list);
  }
  // Whether c may win this award by the guards (a losing bid harms no rule).
  function eligible(c, unitCode, t, estimate, small, signDay, category) {
    const s = shareAt(unitCode, t);
    const x = s.by.get(c.code);
    if (x && x.n + 1 >= RULES.supplierShareMinAwards - 1 && (x.sum + estimate) / (s.total + estimate) > 0.3) return false;
    if (small && splitSum(unitCode, c, signDay) + estimate > thresholdOf(category) / 2) return false;
    return true;
  }
  const score = (c) => (c.wins + 1) / ((c.bids + 1) * c.target);
  // A supplier wins only while its win ratio stays within its target,
  // counting fewer than 5 bids as 5: every ratio ends at or below its
  // target, near the pool's common fraction of it, and the targets' even
  // spread keeps the category's upper fence above the highest of them.
  const capped = (c) => (c.wins + 1) / Math.max(c.bids + 1, RULES.winRatioMinBids) <= c.target;
  function pickWinner(cands) {
    let best = null;
    if (cands.length && thin.has(cands[0].category)) {
      for (const c of cands) if (!best || c.wins < best.wins) best = c;
      return best;
    }
    for (const c of cands) if (capped(c) && (!best || score(c) < score(best))) best = c;
    if (best) return best;
    for (const c of cands) if (!best || (c.wins + 1) / (c.bids + 1) < (best.wins + 1) / (best.bids + 1)) best = c;
    return best;
  }

  // Gaps between the winner and the runner-up, per peer group (province and
  // category): evenly spread from 2.5 % to 5 %, so the group's lower fence
  // stays near 1.25 % and only a planted case falls below it.
  const gapSeq = new Map();
  function nextGap(province, category) {
    const k = `${province}|${category}`;
    const g = gapSeq.get(k) || { n: 0, off: rng.next() };
    gapSeq.set(k, g);
    return 0.025 + 0.025 * frac(g.off + g.n++ * PHI);
  }

  // --- a tender, from publication to the last payment -------------------------

  const tenderSeq = {};
  function tender(spec) {
    const u = UNIT[spec.unit];
    const cat = spec.category;
    const t0 = spec.t0 ?? workTime(spec.day);
    const year = new Date(t0).getUTCFullYear();
    const prov = u.province.toUpperCase();
    tenderSeq[prov] = (tenderSeq[prov] || 0) + 1;
    const tenderId = `ZB-${prov}-${year}-${docTag}${String(tenderSeq[prov]).padStart(6, '0')}`;
    const method = spec.method;
    const estimate = spec.estimate;
    const deadline = t0 + spec.periodDays * DAY_MS;
    const awardAt = workTime(dayOf(deadline) + (spec.awardDays ?? rng.int(3, 12)) * DAY_MS);
    const signDay = dayOf(awardAt) + (spec.signDays ?? rng.int(3, 12)) * DAY_MS;
    const small = RULES.splitMethods.includes(method);
    // Bidders.
    const forced = spec.bidders || [];
    const want = Math.max(forced.length, spec.nBids);
    let pool = pools[cat].filter((c) => !forced.includes(c));
    if (thin.has(cat)) {
      pool = pool.filter((c) => c.bids < RULES.winRatioMinBids - 1);
      while (pool.length < want * 2 + 6) {
        const c = poolCompany(cat);
        companyExtract(dayOf(t0) + 60000, c);
        pool.push(c);
      }
    }
    // Who may win: not the planted loser, and within the guards.
    const mayWin = (c) => c !== spec.loser && eligible(c, u.code, t0, estimate, small, signDay, cat);
    const canWin = (c) => mayWin(c) && (thin.has(cat) || capped(c));
    let others = rng.sample(pool, Math.min(pool.length, want - forced.length + 6));
    // A single bidder is the one the pool can best afford to win.
    if (want === 1 && forced.length === 0) others = [pickWinner(others.filter(mayWin)) || others[0]];
    others = others.slice(0, want - forced.length);
    // When no bidder could win (within its cap and the guards), one that
    // can joins (there is always a supplier with few wins).
    if (!spec.winner && !others.concat(forced).some(canWin)) {
      const extra = pool.filter((c) => !others.includes(c) && canWin(c));
      if (extra.length) others[want === 1 && forced.length === 0 ? 0 : others.length] = rng.pick(extra);
    }
    const bidders = [...forced, ...others];
    let winner = spec.winner;
    if (!winner) {
      winner = pickWinner(bidders.filter(mayWin)) || pickWinner(bidders.filter((c) => c !== spec.loser));
    }
    // Prices (whole yuan): the winner at 70-95 % of the estimate, the
    // runner-up a gap above, the others spread up to 3-15 % above the winner.
    const ratio = spec.priceRatio ?? rng.uniform(0.7, 0.95);
    const winPrice = Math.round((estimate * ratio) / YUAN) * YUAN;
    const prices = [winPrice];
    if (bidders.length > 1) {
      const gap = spec.gap ?? nextGap(u.province, cat);
      const runner = Math.round((winPrice * (1 + gap)) / YUAN) * YUAN;
      prices.push(runner);
      const spread = Math.max(gap + 0.01, rng.uniform(0.03, 0.15));
      const taken = new Set(prices);
      for (let i = 2; i < bidders.length; i++) {
        let p = Math.round((winPrice * (1 + gap + rng.next() * (spread - gap))) / YUAN) * YUAN;
        while (p <= runner || taken.has(p)) p += YUAN;
        taken.add(p);
        prices.push(p);
      }
      const rest = prices.slice(2).sort((a, b) => a - b);
      if (spec.identical && rest.length >= 2) rest[1] = rest[0];
      if (spec.nearIdentical && rest.length >= 2) rest[1] = rest[0] + YUAN;
      prices.splice(2, rest.length, ...rest);
    }
    // The winner takes the lowest price, the others in random order.
    const losers = rng.sample(bidders.filter((c) => c !== winner), bidders.length - 1);
    const bids = [winner, ...losers].map((c, i) => ({ c, price: prices[i] }));
    for (const b of bids) b.c.bids++;
    winner.wins++;
    shareAdd(u.code, winner, awardAt, winPrice);
    if (small) splitAdd(u.code, winner, signDay, winPrice);

    const src = `erp.${u.province}`;
    const officer = units[u.code].procurement;
    const ids = { tender: null, bids: [], award: null, contract: null };
    const pub = {
      tender_id: tenderId,
      buyer: unitRef(u.code),
      title: `${u.name}${year}年${CATEGORY[cat].name}${method === 'single_source' ? '单一来源采购' : method === 'inquiry' ? '询价采购' : '采购项目'}`,
      category: cat,
      method,
      estimated_value_fen: estimate,
      published_at: isoTime(t0),
      bid_deadline_at: isoTime(deadline),
    };
    if (spec.emergency) pub.emergency = true;
    if (spec.international) pub.international = true;
    pub.officer = ref(officer);
    ids.tender = ev(t0, 'ent.procurement.tender.published', src, pub);
    bids.forEach((b, i) => {
      const at = t0 + DAY_MS / 2 + Math.floor(rng.next() * (deadline - t0 - DAY_MS) / 1000) * 1000;
      ids.bids.push(
        ev(at, 'ent.procurement.bid.submitted', src, {
          tender_id: tenderId,
          bid_id: `${tenderId}-B${i + 1}`,
          supplier: compRef(b.c),
          price_fen: b.price,
          submitted_at: isoTime(at),
        }),
      );
    });
    const awardBids = bids.slice().sort((x, y) => x.price - y.price || (x.c.code < y.c.code ? -1 : 1));
    const awardId = `${tenderId}-A`;
    const approver = units[u.code].leader;
    ids.award = ev(awardAt, 'ent.procurement.award.made', src, {
      tender_id: tenderId,
      award_id: awardId,
      buyer: unitRef(u.code),
      category: cat,
      method,
      estimated_value_fen: estimate,
      winner: compRef(winner),
      price_fen: winPrice,
      bids: awardBids.map((b) => ({ supplier: compRef(b.c), price_fen: b.price, qualified: true })),
      awarded_at: isoTime(awardAt),
      approver: ref(approver),
    });
    const contractId = `HT-${tenderId.slice(3)}`;
    const signAt = workTime(signDay);
    ids.contract = ev(signAt, 'ent.procurement.contract.signed', src, {
      contract_id: contractId,
      tender_id: tenderId,
      award_id: awardId,
      buyer: unitRef(u.code),
      supplier: compRef(winner),
      amount_fen: winPrice,
      signed_on: isoDay(signDay),
      signer: ref(approver),
      category: cat,
    });
    later(signAt, () => {
      winner.lastContract = contractId;
    });
    // Payments: an advance of 30 % and the rest on delivery.
    const finance = units[u.code].finance;
    const advance = Math.round((winPrice * 0.3) / YUAN) * YUAN;
    payment(workTime(signDay + rng.int(10, 20) * DAY_MS), u.code, winner, advance, contractId, finance);
    payment(workTime(signDay + rng.int(60, 150) * DAY_MS), u.code, winner, winPrice - advance, contractId, finance);
    // Works change: a change order (签证) or two, and the contract's new amount.
    if (groupOf(cat) === 'works' && rng.chance(0.3)) {
      let amount = winPrice;
      const n = rng.int(1, 2);
      for (let i = 1; i <= n; i++) {
        const day = signDay + rng.int(30, 120) * DAY_MS;
        const change = Math.round((amount * rng.uniform(-0.04, 0.12)) / YUAN) * YUAN;
        const at = workTime(day);
        ev(at, 'ent.projects.change_order.issued', `pm.${u.province}`, {
          project_id: `XM-${tenderId.slice(3)}`,
          project_name: `${u.name}${CATEGORY[cat].name}（${tenderId.slice(-6)}）`,
          unit: unitRef(u.code),
          contract_id: contractId,
          contractor: compRef(winner),
          change_order_id: `${contractId}-BG${i}`,
          amount_fen: change,
          contract_amount_fen: amount,
          reason: rng.pick(['地质条件变化', '设计变更', '工程量清单漏项', '业主要求变更', '材料价格调整']),
          issued_on: isoDay(day),
          approver: ref(units[u.code].deputy || approver),
        });
        if (rng.chance(0.6)) {
          const cday = day + rng.int(5, 20) * DAY_MS;
          ev(workTime(cday), 'ent.procurement.contract.changed', src, {
            contract_id: contractId,
            change_id: `${contractId}-C${i}`,
            buyer: unitRef(u.code),
            supplier: compRef(winner),
            old_amount_fen: amount,
            new_amount_fen: amount + change,
            reason: '工程变更签证结算',
            changed_on: isoDay(cday),
            approver: ref(approver),
          });
          amount += change;
        }
      }
    }
    return { tenderId, awardId, contractId, ids, winner, winPrice, prices, bids, estimate, signDay, awardAt, t0, deadline };
  }

  // A payment into the supplier's account of the day. A normal payment of a
  // million yuan or more within 30 days of an account change waits until
  // the change is more than 32 days old (finance's own control, and the
  // rule's clear margin); a planted one (exact) goes as it is.
  let paymentSeq = 0;
  function payment(t, unitCode, c, amount, contractId, approver, exact = null) {
    const id = `FK-${UNIT[unitCode].province.toUpperCase()}-${docTag}${String(++paymentSeq).padStart(7, '0')}`;
    const run = (at) => {
      if (!exact && amount >= RULES.accountChangePaymentFen && at - c.changedAt <= 32 * DAY_MS) {
        later(workTime(dayOf(c.changedAt) + 33 * DAY_MS), run);
        return;
      }
      const eid = now(at, 'ent.finance.payment.made', `finance.${UNIT[unitCode].province}`, {
        payment_id: id,
        payer: unitRef(unitCode),
        payee: compRef(c),
        amount_fen: amount,
        bank_account: exact?.account || c.account,
        contract_id: contractId,
        paid_at: isoTime(at),
        approver: ref(approver),
      });
      if (exact && eid) {
        exact.ids.push(eid);
        emitted.add(eid);
      }
    };
    later(t, run);
    return id;
  }

  function accountChange(t, c, unitCode, changedBy, hold = null) {
    later(t, (at) => {
      const old = c.account;
      c.account = hold?.account || bankAccount();
      c.bank = rng.pick(BANKS);
      c.changedAt = at;
      const eid = now(at, 'ent.finance.supplier_account.changed', `finance.${UNIT[unitCode].province}`, {
        supplier: compRef(c),
        unit: unitRef(unitCode),
        old_account: old,
        new_account: c.account,
        bank_name: c.bank,
        changed_at: isoTime(at),
        changed_by: ref(changedBy),
      });
      if (hold && eid) {
        hold.ids.push(eid);
        emitted.add(eid);
      }
    });
  }

  // --- the register: companies and households -------------------------------

  function companyExtract(t, c) {
    return ev(t, 'ent.register.company.extracted', 'register.compliance', {
      company: compRef(c),
      legal_representative: { name: c.legal.name, id_number: c.legal.id_number },
      shareholders: c.shareholders.map((s) =>
        s.person
          ? { person: { name: s.person.name, id_number: s.person.id_number }, share_basis_points: s.bp }
          : { company: compRef(s.company), share_basis_points: s.bp },
      ),
      address: `${CITY_PREFIX[c.region] || OTHER_PREFIX[c.region]}${rng.pick(['建设路', '解放路', '人民路', '工业园区', '高新区科技路', '经济开发区'])}${rng.int(1, 300)}号`,
      phone: `0${rng.int(10, 99)}-${rng.int(60000000, 89999999)}`,
      email: `office@${c.code.slice(-6).toLowerCase()}.example.cn`,
      extracted_on: isoDay(t),
    });
  }
  // A cadre's family as the household register shows it: the declared
  // relatives of a demo cadre, and (generated) the family of others; extra
  // members may be added before the extract is taken.
  function family(p) {
    if (p.relatives) return p.relatives;
    const region = UNIT[p.unit].region;
    const born = Number(p.id_number.slice(6, 10));
    const rel = [];
    if (p.demo) {
      for (const r of p.demo.relatives) {
        const age = { spouse: 0, child: 28, parent: -26, sibling: 0 }[r.relation];
        rel.push({ relation: r.relation, person: registeredPerson(region, { name: r.name, born: [born + age - 3, born + age + 3] }), demo: r });
      }
    } else {
      const surname = p.name[0];
      if (rng.chance(0.85)) rel.push({ relation: 'spouse', person: registeredPerson(region, { male: !p.male, born: [born - 4, born + 4] }) });
      for (let i = rng.int(0, 2); i > 0; i--) rel.push({ relation: 'child', person: registeredPerson(region, { surname, born: [born + 24, born + 34] }) });
      for (let i = rng.int(0, 2); i > 0; i--) rel.push({ relation: 'parent', person: registeredPerson(region, { born: [born - 32, born - 22] }) });
      for (let i = rng.int(0, 2); i > 0; i--) rel.push({ relation: 'sibling', person: registeredPerson(region, { surname, born: [born - 6, born + 6] }) });
    }
    p.relatives = rel;
    return rel;
  }
  function householdExtract(t, p) {
    return ev(t, 'ent.register.household.extracted', 'register.compliance', {
      person: ref(p),
      id_number: p.id_number,
      members: family(p).map((m) => ({ person: { name: m.person.name, id_number: m.person.id_number }, relation: m.relation })),
      extracted_on: isoDay(t),
    });
  }

  // --- HR -----------------------------------------------------------------------

  let orderSeq = 0;
  const orderNo = (unitCode, t) => `${UNIT[unitCode].province === 'west' ? '西电' : UNIT[unitCode].province === 'east' ? '华电' : '总部'}人〔${new Date(t).getUTCFullYear()}〕${++orderSeq}号`;
  function appointed(t, p) {
    return ev(t, 'ent.hr.person.appointed', `hr.${UNIT[p.unit].province}`, {
      person: ref(p),
      unit: unitRef(p.unit),
      position: p.position,
      key_position: p.key || undefined,
      effective_on: isoDay(p.since),
      order_no: orderNo(p.unit, p.since),
    });
  }
  // Move p to a new post (unit, title, key) from day on; answers the event id.
  function transfer(p, day, unitCode, position, key) {
    const t = workTime(day);
    const from = { unit: p.unit, position: p.position, key: p.key };
    const id = ev(t, 'ent.hr.person.transferred', `hr.${UNIT[unitCode].province}`, {
      person: ref(p),
      from_unit: unitRef(from.unit),
      from_position: from.position,
      from_key_position: from.key || undefined,
      to_unit: unitRef(unitCode),
      to_position: position,
      to_key_position: key || undefined,
      effective_on: isoDay(day),
      order_no: orderNo(unitCode, day),
    });
    Object.assign(p, { unit: unitCode, position, key, since: day });
    return id;
  }

  // --- the planted cases ----------------------------------------------------------

  const cases = [];
  const nearMisses = [];
  const plans = new Map(); // day index -> [fn]
  const plan = (dayIndex, fn) => {
    const d = Math.max(1, Math.min(days - 70, Math.round(dayIndex)));
    if (!plans.has(d)) plans.set(d, []);
    plans.get(d).push(fn);
  };
  const at = (fraction) => fraction * days;
  const planted = (code) => o.planted.has(code);
  function record(list, code, key, entity, eventIds, expected, extra = {}) {
    const c = { code, key, entity, event_ids: eventIds, expected, ...extra };
    list.push(c);
    return c;
  }
  const caseOf = (code, key, entity, ids, expected) => record(cases, code, key, entity, ids, expected);
  const missOf = (code, key, entity, ids, expected, why) => record(nearMisses, code, key, entity, ids, expected, { why });
  const tenderIds = (r) => [r.ids.tender, ...r.ids.bids, r.ids.award];
  const bigEstimate = (cat) => Math.round(rng.logUniform(Math.max(CATEGORY[cat].lo, 1e6), CATEGORY[cat].hi) / 1000) * 1000 * YUAN;
  const normalSpec = (day, unit, category, extra = {}) => ({
    day, unit, category, method: 'open', estimate: bigEstimate(category), periodDays: rng.int(20, 30), nBids: rng.int(4, 7), ...extra,
  });
  const EAST_UNITS = ['east', 'city_a', 'city_b'];
  const WEST_UNITS = ['west', 'city_c'];
  const both = (i) => (i % 2 === 0 ? EAST_UNITS[(i >> 1) % 3] : WEST_UNITS[(i >> 1) % 2]);

  // single_bid: an open or invited tender with one bid; near misses: two bids, and single source.
  if (planted('single_bid')) {
    for (let i = 0; i < 4; i++) {
      plan(at(0.15 + 0.13 * i), (day) => {
        const method = i % 2 ? 'invited' : 'open';
        const r = tender(normalSpec(day, both(i), rng.pick(['materials.cable', 'works.line', 'services.design']), { method, nBids: 1 }));
        caseOf('single_bid', r.tenderId, { unit_code: both(i), credit_code: r.winner.code }, tenderIds(r), { method, bids: 1 });
      });
    }
  }
  plan(at(0.3), (day) => {
    const r = tender(normalSpec(day, 'city_a', 'materials.meter', { nBids: 2 }));
    missOf('single_bid', r.tenderId, { unit_code: 'city_a' }, tenderIds(r), { method: 'open', bids: 2 }, 'two bids');
  });
  plan(at(0.35), (day) => {
    const est = Math.round(thresholdOf('services.it') * 0.08 / 100000) * 100000;
    const r = tender({ day, unit: 'city_c', category: 'services.it', method: 'single_source', estimate: est, periodDays: 16, nBids: 1 });
    missOf('single_bid', r.tenderId, { unit_code: 'city_c' }, tenderIds(r), { method: 'single_source', bids: 1 }, 'single source');
  });

  // short_bid_period: below 15 days (10 emergency, 25 international); near misses at the limits.
  if (planted('short_bid_period')) {
    const shorts = [
      { unit: 'city_a', periodDays: 9 },
      { unit: 'city_c', periodDays: 12, method: 'invited' },
      { unit: 'city_b', periodDays: 7, emergency: true },
      { unit: 'west', periodDays: 20, international: true, category: 'materials.transformer' },
      { unit: 'east', periodDays: 14 },
    ];
    shorts.forEach((s, i) => {
      plan(at(0.2 + 0.1 * i), (day) => {
        const r = tender(normalSpec(day, s.unit, s.category || 'materials.switchgear', s));
        const limit = s.emergency ? 10 : s.international ? 25 : 15;
        caseOf('short_bid_period', r.tenderId, { unit_code: s.unit }, [r.ids.tender], {
          period_days: s.periodDays, limit_days: limit, emergency: !!s.emergency, international: !!s.international,
        });
      });
    });
  }
  [
    { unit: 'city_b', periodDays: 15 },
    { unit: 'city_c', periodDays: 10, emergency: true },
    { unit: 'east', periodDays: 25, international: true, category: 'materials.transformer' },
  ].forEach((s, i) => {
    plan(at(0.25 + 0.12 * i), (day) => {
      const r = tender(normalSpec(day, s.unit, s.category || 'works.substation', s));
      missOf('short_bid_period', r.tenderId, { unit_code: s.unit }, [r.ids.tender], { period_days: s.periodDays }, 'exactly the limit');
    });
  });

  // close_prices: a runner-up 0.1-0.3 % above the winner in the large peer
  // groups; a near miss at 1.9 % (the normal gaps are 2.5-5 %).
  const closeGroups = [['east', 'city_a', 'materials.cable'], ['west', 'city_c', 'materials.cable'], ['east', 'city_b', 'works.substation'], ['west', 'west', 'works.line']];
  const minPeers = {};
  if (planted('close_prices')) {
    closeGroups.forEach(([prov, unit, cat], i) => {
      minPeers[`${prov}|${cat}`] = 30;
      plan(at(0.3 + 0.1 * i), (day) => {
        const gap = [0.001, 0.0025, 0.0015, 0.003][i];
        const r = tender(normalSpec(day, unit, cat, { gap }));
        caseOf('close_prices', r.tenderId, { unit_code: unit, credit_code: r.winner.code }, tenderIds(r), {
          province: prov, category: cat, winner_price_fen: r.prices[0], runner_up_price_fen: r.prices[1],
          ratio: (r.prices[1] - r.prices[0]) / r.prices[0],
        });
      });
    });
  }
  minPeers['east|materials.cable'] = 30;
  plan(at(0.55), (day) => {
    const r = tender(normalSpec(day, 'city_b', 'materials.cable', { gap: 0.019 }));
    missOf('close_prices', r.tenderId, { unit_code: 'city_b' }, tenderIds(r), { ratio: (r.prices[1] - r.prices[0]) / r.prices[0] }, 'above the fence');
  });

  // win_ratio: a supplier outside the pools that wins nearly all its bids in
  // a category, in both provinces; a near miss wins 4 of 4 (too few bids).
  function plantedSupplier(category, label) {
    const c = newCompany(category);
    c.label = label;
    special.push(c);
    return c;
  }
  if (planted('win_ratio')) {
    // In the two richest categories (or twice the richest).
    const rich = CATEGORIES.filter((c) => !thin.has(c.code)).sort((a, b) => b.weight - a.weight).map((c) => c.code);
    if (rich.length === 0) throw new Error('win_ratio: no category has suppliers enough to compare (more --events)');
    [[rich[0], 8, 7], [rich[1] || rich[0], 7, 6]].forEach(([cat, nb, nw], k) => {
      const c = plantedSupplier(cat, 'win_ratio');
      const ids = [];
      let left = nb;
      for (let i = 0; i < nb; i++) {
        plan(at(0.12 + (0.6 * i) / nb + 0.02 * k), (day) => {
          const wins = i < nw;
          const r = tender(normalSpec(day, both(i + k), cat, { bidders: [c], winner: wins ? c : null, loser: wins ? null : c }));
          ids.push(r.ids.award);
          if (--left === 0) caseOf('win_ratio', `${cat}|${c.code}`, { credit_code: c.code, category: cat }, ids, { bids: nb, wins: nw, ratio: nw / nb });
        });
      }
    });
  }
  {
    const c = plantedSupplier('materials.meter', 'win_ratio near miss');
    const ids = [];
    for (let i = 0; i < 4; i++) {
      plan(at(0.2 + 0.1 * i), (day) => {
        const r = tender(normalSpec(day, both(i), 'materials.meter', { bidders: [c], winner: c }));
        ids.push(r.ids.award);
        if (ids.length === 4) missOf('win_ratio', `materials.meter|${c.code}`, { credit_code: c.code }, ids, { bids: 4, wins: 4 }, 'fewer than 5 bids');
      });
    }
  }

  // identical_bids: two losing bids at the same price; a near miss one yuan apart.
  if (planted('identical_bids')) {
    for (let i = 0; i < 4; i++) {
      plan(at(0.18 + 0.14 * i), (day) => {
        const r = tender(normalSpec(day, both(i + 1), rng.pick(['materials.cable', 'materials.switchgear', 'works.substation']), { nBids: rng.int(4, 7), identical: true }));
        caseOf('identical_bids', r.tenderId, { unit_code: both(i + 1) }, tenderIds(r), { price_fen: r.prices[3] });
      });
    }
  }
  plan(at(0.45), (day) => {
    const r = tender(normalSpec(day, 'city_c', 'materials.switchgear', { nBids: 5, nearIdentical: true }));
    missOf('identical_bids', r.tenderId, { unit_code: 'city_c' }, tenderIds(r), { prices_fen: [r.prices[2], r.prices[3]] }, 'one yuan apart');
  });

  // heavy_discount: the winner below half the estimate; near misses at 0.50 and 0.51.
  if (planted('heavy_discount')) {
    [0.38, 0.45, 0.41, 0.48].forEach((ratio, i) => {
      plan(at(0.22 + 0.12 * i), (day) => {
        const r = tender(normalSpec(day, both(i), rng.pick(['services.design', 'works.substation', 'materials.transformer']), { priceRatio: ratio }));
        caseOf('heavy_discount', r.tenderId, { unit_code: both(i), credit_code: r.winner.code }, tenderIds(r), {
          price_fen: r.winPrice, estimated_value_fen: r.estimate, ratio: r.winPrice / r.estimate,
        });
      });
    });
  }
  [0.5, 0.51].forEach((ratio, i) => {
    plan(at(0.4 + 0.1 * i), (day) => {
      const spec = normalSpec(day, both(i + 2), 'services.design', { priceRatio: ratio });
      spec.estimate = Math.round(spec.estimate / (2 * YUAN)) * 2 * YUAN;
      const r = tender(spec);
      missOf('heavy_discount', r.tenderId, { unit_code: both(i + 2) }, tenderIds(r), { ratio: r.winPrice / r.estimate }, ratio === 0.5 ? 'exactly half' : 'a discount of 0.49');
    });
  });

  // supplier_share: one supplier (outside the pools, in six materials
  // categories) takes six large awards of a unit within 60 days, each
  // 0.4 of the unit's awarded value of the past year so far; the near
  // miss takes four (fewer than five awards).
  const MATERIALS = CATEGORIES.filter((c) => groupOf(c.code) === 'materials').map((c) => c.code);
  function shareRun(unit, n, startFrac, list, why) {
    const c = plantedSupplier(MATERIALS[0], 'supplier_share');
    const ids = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      plan(at(startFrac) + i * 10, (day) => {
        const s = shareAt(unit, day);
        const cat = MATERIALS[i % MATERIALS.length];
        const estimate = Math.max(5e6 * YUAN, Math.round((0.4 * s.total) / 0.8 / (1000 * YUAN)) * 1000 * YUAN);
        const r = tender(normalSpec(day, unit, cat, { bidders: [c], winner: c, estimate, priceRatio: 0.8 }));
        ids.push(r.ids.award);
        total += r.winPrice;
        if (ids.length === n) {
          const entity = { unit_code: unit, credit_code: c.code };
          const exp = { awards: n, value_fen: total };
          if (why) missOf('supplier_share', `${unit}|${c.code}`, entity, ids, exp, why);
          else caseOf('supplier_share', `${unit}|${c.code}`, entity, ids, exp);
        }
      });
    }
  }
  if (planted('supplier_share')) {
    shareRun('city_b', 6, 0.45, cases, null);
    shareRun('city_c', 6, 0.5, cases, null);
  }
  shareRun('city_a', 4, 0.55, nearMisses, 'four awards');

  // split_purchase: three inquiry or single-source purchases of one unit
  // from one supplier within 30 days, each below the tender threshold,
  // together above it; near misses: 35 days apart, and a sum below it.
  function splitRun(unit, cat, parts, spacing, startFrac, why) {
    const c = plantedSupplier(cat, 'split_purchase');
    const th = thresholdOf(cat);
    const ids = [];
    const amounts = [];
    parts.forEach((share, i) => {
      plan(at(startFrac) + i * spacing, (day) => {
        const method = i === 1 ? 'single_source' : 'inquiry';
        const estimate = Math.round((th * share) / 0.9 / (1000 * YUAN)) * 1000 * YUAN;
        const r = tender({ day, unit, category: cat, method, estimate, periodDays: 16, awardDays: 5, signDays: 5, nBids: method === 'inquiry' ? 3 : 1, bidders: [c], winner: c, priceRatio: 0.9 });
        ids.push(r.ids.contract);
        amounts.push(r.winPrice);
        if (ids.length === parts.length) {
          const exp = { threshold_fen: th, amounts_fen: amounts, sum_fen: amounts.reduce((a, b) => a + b, 0) };
          if (why) missOf('split_purchase', `${unit}|${c.code}`, { unit_code: unit, credit_code: c.code }, ids, exp, why);
          else caseOf('split_purchase', `${unit}|${c.code}`, { unit_code: unit, credit_code: c.code }, ids, exp);
        }
      });
    });
  }
  if (planted('split_purchase')) {
    splitRun('city_a', 'materials.hardware', [0.36, 0.38, 0.37], 8, 0.3, null);
    splitRun('city_c', 'services.it', [0.4, 0.38, 0.39], 9, 0.5, null);
    splitRun('west', 'works.line', [0.6, 0.55], 12, 0.6, null);
  }
  splitRun('city_b', 'materials.hardware', [0.9, 0.9, 0.9], 36, 0.2, 'each 30-day window holds one');
  splitRun('city_c', 'services.consulting', [0.45, 0.45], 10, 0.4, 'the sum stays below the threshold');

  // --- claims ---------------------------------------------------------------------
  //
  // A claim's amount is log-uniform from 10 to 10,000 yuan: its first digit
  // follows Benford's law, and each claimant's digits keep to it closely,
  // so even 50 claims of one person conform.
  const CLAIM_CATS = ['travel', 'hospitality', 'office', 'training', 'communication', 'vehicle'];
  let claimSeq = 0;
  let lastClaimId = '';
  function claim(t, p, approver, amountFen, category) {
    const u = UNIT[p.unit];
    const claimedOn = dayOf(t) - rng.int(1, 10) * DAY_MS;
    const id = `BX-${u.province.toUpperCase()}-${docTag}${String(++claimSeq).padStart(7, '0')}`;
    lastClaimId = id;
    return ev(t, 'ent.finance.expense.claimed', `finance.${u.province}`, {
      claim_id: id,
      unit: unitRef(p.unit),
      claimant: ref(p),
      approver: ref(approver),
      amount_fen: amountFen,
      category,
      claimed_on: isoDay(claimedOn),
      approved_at: isoTime(t),
    });
  }
  function benfordAmount(p) {
    // The first digit furthest behind its Benford share of the claimant's
    // claims so far (every digit's count stays within one of its share),
    // then a mantissa uniform within that digit.
    const n = ++p.claims;
    if (!p.digits) p.digits = new Array(10).fill(0);
    let d = 1;
    for (let k = 2; k <= 9; k++) if (n * BENFORD[k] - p.digits[k] > n * BENFORD[d] - p.digits[d]) d = k;
    p.digits[d]++;
    const m = Math.log10(d) + rng.next() * (Math.log10(d + 1) - Math.log10(d));
    const r = rng.next();
    const decade = r < 0.3 ? 1 : r < 0.75 ? 2 : 3;
    return Math.max(1000, Math.round(10 ** (decade + m) * 100));
  }
  function approverOf(p) {
    const us = units[p.unit];
    for (const a of [us.finance, us.leader, us.deputy]) if (a && a !== p) return a;
    return us.staff.find((x) => x !== p);
  }

  // self_approval: the claimant approves their own claim; the near miss is a
  // namesake (same name, another person).
  const selfUnits = ['city_a', 'east', 'city_b', 'city_c', 'west', 'city_c'];
  if (planted('self_approval')) {
    selfUnits.forEach((unit, i) => {
      plan(at(0.1 + 0.12 * i), (day) => {
        const p = units[unit].staff.find((x) => !x.demo && x.position.endsWith('财务部副主任'));
        const id = claim(workTime(day), p, p, benfordAmount(p), 'hospitality');
        caseOf('self_approval', `claim:${lastClaimId}`, { person_id: p.person_id, unit_code: unit }, [id], { claimant: p.person_id, approver: p.person_id });
      });
    });
  }
  for (const unit of ['city_b', 'west']) {
    const boss = units[unit].leader;
    const twin = newPerson(UNIT[unit], `${UNIT[unit].name}${rng.pick(STAFF_POSTS)}`, '', dayOf(startMs - 400 * DAY_MS), { name: boss.name, male: boss.male });
    units[unit].staff.push(twin);
    people.push(twin);
    plan(at(unit === 'west' ? 0.6 : 0.3), (day) => {
      const id = claim(workTime(day), twin, boss, benfordAmount(twin), 'travel');
      missOf('self_approval', `claim:${lastClaimId}`, { person_id: twin.person_id }, [id], { claimant: twin.person_id, approver: boss.person_id }, 'a namesake approves');
    });
  }

  // benford: a claimant whose claims sit just under the 5,000-yuan approval
  // limit (4,800-4,999 yuan); near misses: 49 such claims (too few), and a
  // frequent claimant with 60 ordinary claims.
  function claimRun(unit, n, odd, list, why) {
    const p = newPerson(UNIT[unit], `${UNIT[unit].name}${rng.pick(STAFF_POSTS)}`, '', dayOf(startMs - 900 * DAY_MS));
    units[unit].staff.push(p);
    people.push(p);
    const ids = [];
    const span = (days - 80) / n;
    for (let i = 0; i < n; i++) {
      plan(10 + i * span, (day) => {
        const amount = odd ? rng.int(480000, 499900) : benfordAmount(p);
        ids.push(claim(workTime(day), p, approverOf(p), amount, rng.pick(CLAIM_CATS)));
        if (ids.length === n) {
          const entity = { person_id: p.person_id, unit_code: unit };
          if (why) missOf('benford', `person:${p.person_id}`, entity, ids, { claims: n }, why);
          else caseOf('benford', `person:${p.person_id}`, entity, ids, { claims: n, amounts_yuan: '4800-4999' });
        }
      });
    }
  }
  if (planted('benford')) {
    claimRun('city_a', 64, true, cases, null);
    claimRun('city_c', 57, true, cases, null);
  }
  claimRun('city_b', 49, true, nearMisses, 'fewer than 50 claims');
  claimRun('west', 60, false, nearMisses, 'conforms to Benford');

  // account_change_payment: a supplier's account changes, and within 30 days
  // a payment of a million yuan or more goes into the new account; near
  // misses: 31 days later, and 999,999.99 yuan within 30 days.
  function accountRun(unit, cat, daysAfter, amountFen, startFrac, why) {
    plan(at(startFrac), (day) => {
      const c = rng.pick(pools[cat]);
      const hold = { account: bankAccount(), ids: [] };
      const t = workTime(day);
      const fin = units[unit].finance;
      accountChange(t, c, unit, fin, hold);
      const payAt = t + daysAfter * DAY_MS;
      const pid = payment(payAt, unit, c, amountFen, c.lastContract, fin, hold);
      later(payAt + 1000, () => {
        const days2 = (payAt - t) / DAY_MS;
        const exp = { new_account: hold.account, amount_fen: amountFen, days: Math.round(days2 * 100) / 100 };
        const entity = { credit_code: c.code, unit_code: unit };
        if (why) missOf('account_change_payment', `payment:${pid}`, entity, hold.ids, exp, why);
        else caseOf('account_change_payment', `payment:${pid}`, entity, hold.ids, exp);
      });
    });
  }
  if (planted('account_change_payment')) {
    accountRun('city_a', 'materials.cable', 6, 1_850_000 * YUAN, 0.3, null);
    accountRun('city_c', 'works.substation', 21, 3_200_000 * YUAN, 0.45, null);
    accountRun('east', 'materials.transformer', 29, 1_000_000 * YUAN, 0.55, null);
    accountRun('west', 'services.design', 12, 1_240_000 * YUAN, 0.65, null);
  }
  accountRun('city_b', 'works.line', 31.1, 2_400_000 * YUAN, 0.35, '31 days after the change');
  accountRun('city_c', 'materials.switchgear', 9, 1_000_000 * YUAN - 1, 0.6, 'one fen under a million yuan');

  // rotation: a key position held more than 5 years: the demo cadres whose
  // key_since_on is that old, and a generated one per province; near
  // misses: 5 years less 10 days, and one transferred before its five years.
  // Without the indicator, the demo's long holders are rotated early in
  // the period (to a post that is not a key one).
  const rotationLimit = addYears(nowMs, -RULES.rotationYears);
  const rotationWatch = []; // [person, list, why] whose appointment ids become known at day 0
  for (const p of people.filter((x) => x.demo && x.since < rotationLimit)) {
    if (planted('rotation')) rotationWatch.push([p, cases, null]);
    else {
      plan(at(0.05) + people.indexOf(p) % 7, (day) => {
        const id = transfer(p, day, p.unit, `${UNIT[p.unit].name}综合管理部主任`, '');
        missOf('rotation', `person:${p.person_id}`, { person_id: p.person_id }, [id], { transferred_on: isoDay(day) }, 'rotated this year');
      });
    }
  }
  function keyHolder(unit, title, key, since) {
    const p = newPerson(UNIT[unit], `${UNIT[unit].name}${title}`, key, since);
    units[unit].staff.push(p);
    people.push(p);
    return p;
  }
  if (planted('rotation')) {
    rotationWatch.push([keyHolder('city_b', '物资供应中心主任', 'materials', addYears(nowMs, -7) - 40 * DAY_MS), cases, null]);
    rotationWatch.push([keyHolder('city_c', '工程结算中心主任', 'project_construction', addYears(nowMs, -6) + 45 * DAY_MS), cases, null]);
  }
  rotationWatch.push([keyHolder('city_a', '招标管理中心主任', 'procurement', addYears(nowMs, -5) + 10 * DAY_MS), nearMisses, 'five years less ten days']);
  {
    // Transferred before the five years are up (they would be 100 days
    // before --now): no moment of the period sees the post past the limit,
    // so an evaluation as the events come fires no more than one at the end.
    const p = keyHolder('west', '资金管理中心主任', 'finance', addYears(nowMs, -5) + 100 * DAY_MS);
    plan(at(0.4), (day) => {
      const id = transfer(p, day, 'city_c', `${UNIT.city_c.name}资金管理中心主任`, 'finance');
      missOf('rotation', `person:${p.person_id}`, { person_id: p.person_id }, [id], { transferred_on: isoDay(day) }, 'transferred before five years');
    });
  }

  // conflict_declared: a unit awards the company of a declared relative of
  // one of its cadres (the integrity demo's); near miss: an award to such
  // a company by a unit none of whose cadres declared it.
  const demoCompanies = {};
  for (const [key, d] of Object.entries(DEMO_COMPANIES)) {
    const region = d.code.slice(2, 8);
    demoCompanies[key] = newCompany(d.category, {
      code: d.code,
      name: d.name,
      region,
      register: (c) => {
        const cadre = DEMO_CADRES.find((x) => x.relatives.some((r) => r.company === key));
        const rel = cadre.relatives.find((r) => r.company === key);
        const person = family(byId.get(cadre.person_id)).find((m) => m.demo === rel).person;
        c.legal = rel.register.legal ? person : registeredPerson(region, { born: [1960, 1985] });
        if (rel.register.bp) c.shareholders.push({ person, bp: rel.register.bp });
        if (rel.register.bp !== 10000) c.shareholders.push({ person: c.legal === person ? registeredPerson(region) : c.legal, bp: 10000 - (rel.register.bp || 0) });
      },
    });
    demoCompanies[key].label = 'demo';
    special.push(demoCompanies[key]);
  }
  let conflicts = 0;
  function conflictAward(unit, company, list, code, why, expected) {
    plan(at(0.15) + 11 * conflicts++, (day) => {
      const cat = company.category;
      const small = cat === 'services.catering' || company.code[1] === '2';
      const spec = small
        ? { day, unit, category: cat, method: 'inquiry', estimate: Math.round(thresholdOf(cat) * 0.1 / (1000 * YUAN)) * 1000 * YUAN, periodDays: 16, nBids: 3 }
        : normalSpec(day, unit, cat);
      const r = tender({ ...spec, bidders: [company], winner: company });
      const entity = { unit_code: unit, credit_code: company.code };
      if (why) missOf(code, r.tenderId, entity, tenderIds(r).slice(-1), expected, why);
      else caseOf(code, r.tenderId, entity, [r.ids.award], expected);
    });
  }
  if (planted('conflict_declared')) {
    for (const [key, unit] of [['jinghua', 'city_a'], ['ruida', 'city_a'], ['guoping', 'city_b'], ['qilian', 'west'], ['tianrun', 'city_c'], ['xiyuan', 'city_c']]) {
      const cadre = DEMO_CADRES.find((x) => x.unit_code === unit && x.relatives.some((r) => r.company === key));
      const rel = cadre.relatives.find((r) => r.company === key);
      conflictAward(unit, demoCompanies[key], cases, 'conflict_declared', null, { cadre: cadre.person_id, relative: rel.name, relation: rel.relation, company: demoCompanies[key].name });
    }
  }
  conflictAward('city_c', demoCompanies.jinghua, nearMisses, 'conflict_declared', 'no cadre of city_c declared it', {});
  conflictAward('east', demoCompanies.tianrun, nearMisses, 'conflict_declared', 'no cadre of east declared it', {});

  // conflict_undeclared: the household register shows a relative the cadre
  // did not declare, the company register shows that relative in a
  // company, and the cadre's unit awards it; near misses: the same company
  // awarded by another unit, and a namesake (another identity number).
  function undeclared(cadreId, relation, category, role, unit, otherUnit) {
    const cadre = byId.get(cadreId);
    const rel = family(cadre);
    const surname = cadre.name[0];
    const region = UNIT[cadre.unit].region;
    const born = Number(cadre.id_number.slice(6, 10));
    const person = registeredPerson(region, { surname: relation === 'sibling' ? surname : undefined, male: relation === 'spouse' ? !cadre.male : true, born: [born - 5, born + 5] });
    rel.push({ relation, person });
    const c = newCompany(category, {
      region,
      register: (x) => {
        x.legal = role === 'legal' ? person : registeredPerson(region);
        x.shareholders.push({ person, bp: 6000 }, { person: registeredPerson(region), bp: 4000 });
      },
    });
    c.label = 'undeclared';
    special.push(c);
    if (planted('conflict_undeclared')) {
      conflictAward(unit, c, cases, 'conflict_undeclared', null, { cadre: cadre.person_id, relative: person.name, id_number: person.id_number, relation, company: c.name });
    }
    conflictAward(otherUnit, c, nearMisses, 'conflict_undeclared', `awarded by ${otherUnit}, not the cadre's unit`, {});
    return { person, company: c };
  }
  undeclared('HR-EAST-0105', 'sibling', 'works.line', 'legal', 'city_b', 'city_a');
  const deng = undeclared('HR-WEST-0205', 'sibling', 'materials.switchgear', 'shareholder', 'west', 'city_c');
  undeclared(units.city_c.staff.find((x) => !x.demo && x.position.endsWith('采购中心主任')).person_id, 'spouse', 'services.design', 'shareholder', 'city_c', 'west');
  {
    // A namesake of 邓强's undeclared brother holds a company west buys from.
    const twin = registeredPerson(UNIT.west.region, { name: deng.person.name });
    const c = newCompany('materials.switchgear', {
      region: UNIT.west.region,
      register: (x) => {
        x.legal = twin;
        x.shareholders.push({ person: twin, bp: 10000 });
      },
    });
    special.push(c);
    conflictAward('west', c, nearMisses, 'conflict_undeclared', 'a namesake (another identity number)', {});
  }

  // --- normal traffic --------------------------------------------------------------

  const claimsTotal = o.events * 0.25;
  const hrRate = (o.events * 0.012) / days;
  const accountRate = Math.max(4, o.events * 0.002) / days;
  const tenderRate = tendersTotal / days;
  const claimRate = claimsTotal / days;
  const weekday = (dayMsV) => {
    const wd = new Date(dayMsV).getUTCDay();
    return wd === 0 || wd === 6 ? 0.2 / 0.7714 : 1 / 0.7714;
  };
  function poisson(lambda) {
    if (lambda < 30) {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = 1;
      for (;;) {
        p *= rng.next();
        if (p <= l) return k;
        k++;
      }
    }
    const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * g));
  }
  const buyingUnits = UNITS.filter((u) => u.weight > 0);
  // Peer groups a planted case needs at least 30 awards in get extra
  // tenders when the volume gives fewer.
  const extra = [];
  for (const [k, need] of Object.entries(minPeers)) {
    const [prov, cat] = k.split('|');
    const share = buyingUnits.filter((u) => u.province === prov).reduce((a, u) => a + u.weight, 0);
    const expected = tendersTotal * CATEGORY[cat].weight * share * 0.85;
    for (let i = 0; i < need - expected; i++) extra.push([Math.floor(((i + 0.5) * (days - 60)) / (need - expected)), prov, cat]);
  }
  extra.sort((x, y) => x[0] - y[0]);

  function normalTender(day, unit, cat) {
    const c = CATEGORY[cat];
    const th = thresholdOf(cat);
    const spec = { day, unit, category: cat };
    if (rng.chance(0.35)) {
      spec.method = rng.chance(0.7) ? 'inquiry' : 'single_source';
      spec.estimate = Math.round((th * rng.logUniform(0.01, 0.12)) / (1000 * YUAN)) * 1000 * YUAN;
      spec.periodDays = rng.int(16, 20);
      spec.nBids = spec.method === 'single_source' ? 1 : rng.int(3, 5);
    } else {
      const r = rng.next();
      spec.method = r < 0.72 ? 'open' : r < 0.87 ? 'invited' : 'competitive_negotiation';
      spec.estimate = Math.round(rng.logUniform(c.lo, c.hi) / 1000) * 1000 * YUAN;
      spec.nBids = rng.int(3, 8);
      if (spec.method !== 'competitive_negotiation' && rng.chance(0.02)) {
        spec.emergency = true;
        spec.periodDays = rng.int(11, 14);
      } else if (spec.method === 'open' && (cat === 'materials.transformer' || cat === 'materials.switchgear') && rng.chance(0.06)) {
        spec.international = true;
        spec.periodDays = rng.int(26, 40);
      } else spec.periodDays = spec.method === 'competitive_negotiation' ? rng.int(16, 25) : rng.int(20, 35);
    }
    tender(spec);
  }

  function day0() {
    // The HR system's current posts, the registers' extracts of the
    // suppliers and of the key-position holders' households.
    let t = startMs + 3600000;
    for (const p of people) {
      const id = appointed((t += 3000), p);
      const w = rotationWatch.find((x) => x[0] === p);
      if (w) {
        const [, list, why] = w;
        const exp = { key_position: p.key, effective_on: isoDay(p.since) };
        if (why) missOf('rotation', `person:${p.person_id}`, { person_id: p.person_id, unit_code: p.unit }, [id], exp, why);
        else caseOf('rotation', `person:${p.person_id}`, { person_id: p.person_id, unit_code: p.unit }, [id], exp);
      }
    }
    t = startMs + 4 * 3600000;
    for (const p of people) if (p.key) householdExtract((t += 2000), p);
    t = startMs + 6 * 3600000;
    for (const c of [...Object.values(pools).flat(), ...special]) companyExtract((t += 1000), c);
  }

  function normalDay(d, day) {
    const f = weekday(day);
    for (let n = poisson(tenderRate * f); n > 0; n--) {
      const u = rng.weighted(buyingUnits, (x) => x.weight);
      normalTender(day, u.code, rng.weighted(CATEGORIES, (c) => c.weight).code);
    }
    while (extra.length && extra[0][0] <= d) {
      const [, prov, cat] = extra.shift();
      normalTender(day, rng.pick(buyingUnits.filter((u) => u.province === prov)).code, cat);
    }
    for (let n = poisson(claimRate * f); n > 0; n--) {
      const p = claimants[Math.floor(rng.next() * claimants.length)];
      claim(workTime(day), p, approverOf(p), benfordAmount(p), rng.pick(CLAIM_CATS));
    }
    for (let n = poisson(accountRate * f); n > 0; n--) {
      const c = rng.pick(pools[rng.weighted(CATEGORIES, (x) => x.weight).code]);
      const u = rng.pick(buyingUnits);
      accountChange(workTime(day), c, u.code, units[u.code].finance);
    }
    for (let n = poisson(hrRate * f); n > 0; n--) hrEvent(day);
    // Yearly appraisals in the third week of January.
    const dt = new Date(day);
    if (dt.getUTCMonth() === 0 && dt.getUTCDate() === 20) {
      let t = day + 1800000;
      for (const p of Object.values(units).flatMap((x) => x.staff)) {
        t += 1000;
        ev(t, 'ent.hr.appraisal.recorded', `hr.${UNIT[p.unit].province}`, {
          person: ref(p),
          unit: unitRef(p.unit),
          year: dt.getUTCFullYear() - 1,
          result: rng.weighted(['excellent', 'competent', 'basically_competent', 'incompetent'], (r) => ({ excellent: 0.2, competent: 0.74, basically_competent: 0.05, incompetent: 0.01 })[r]),
        });
      }
    }
  }

  // HR traffic: swaps of two staff of a province (轮岗交流), new staff, a
  // retirement, now and then an adverse action. Demo cadres and the
  // planted people keep their posts.
  const movable = (p) => !p.head && !p.key && claimants.includes(p);
  function hrEvent(day) {
    const r = rng.next();
    const u = rng.pick(buyingUnits);
    const us = units[u.code];
    if (r < 0.4) {
      const p = rng.pick(us.staff);
      const others = buyingUnits.filter((x) => x.province === u.province && x.code !== u.code);
      if (!movable(p) || others.length === 0) return;
      const to = rng.pick(others).code;
      const q = units[to].staff.find((x) => movable(x) && rng.chance(0.2));
      if (!q) return;
      const [pp, pu, qp, qu] = [p.position.replace(UNIT[p.unit].name, ''), p.unit, q.position.replace(UNIT[q.unit].name, ''), q.unit];
      transfer(p, day, qu, `${UNIT[qu].name}${pp}`, '');
      transfer(q, day, pu, `${UNIT[pu].name}${qp}`, '');
      us.staff.splice(us.staff.indexOf(p), 1, q);
      units[to].staff.splice(units[to].staff.indexOf(q), 1, p);
    } else if (r < 0.75) {
      const p = newPerson(u, `${u.name}${rng.pick(STAFF_POSTS)}`, '', day);
      us.staff.push(p);
      people.push(p);
      claimants.push(p);
      appointed(workTime(day), p);
    } else if (r < 0.93) {
      const p = rng.pick(us.staff);
      if (!movable(p) || us.staff.length <= staffPerUnit / 2) return;
      us.staff.splice(us.staff.indexOf(p), 1);
      claimants.splice(claimants.indexOf(p), 1);
      ev(workTime(day), 'ent.hr.person.removed', `hr.${u.province}`, {
        person: ref(p),
        unit: unitRef(p.unit),
        position: p.position,
        effective_on: isoDay(day),
        reason: rng.pick(['retirement', 'retirement', 'resignation', 'other']),
        order_no: orderNo(p.unit, day),
      });
    } else {
      const p = rng.pick(us.staff);
      if (p.demo) return;
      ev(workTime(day), 'ent.hr.adverse_action.taken', `hr.${u.province}`, {
        person: ref(p),
        unit: unitRef(p.unit),
        kind: rng.pick(['admonishment', 'criticism', 'suspension', 'demotion']),
        reason: rng.pick(['违反考勤纪律', '安全生产责任落实不到位', '工作失职造成损失', '违反工作纪律']),
        decided_on: isoDay(day),
        order_no: orderNo(p.unit, day),
      });
    }
  }

  // --- the run -----------------------------------------------------------------------

  async function run(out) {
    const flush = async () => {
      if (!buf) return;
      const chunk = buf;
      buf = '';
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    };
    for (let d = 0; d < days; d++) {
      const day = startMs + d * DAY_MS;
      planting = true;
      if (d === 0) day0();
      for (const fn of plans.get(d) || []) fn(day);
      planting = false;
      normalDay(d, day);
      while (heap.size && heap.peek().t < day + DAY_MS) {
        const it = heap.pop();
        if (it.fn) it.fn(it.t);
        else write(it);
      }
      if (buf.length > 1 << 20) await flush();
    }
    await flush();
    const missing = [...cases, ...nearMisses].filter((c) => c.event_ids.length === 0 || c.event_ids.some((id) => !emitted.has(id)));
    if (missing.length) throw new Error(`planted events fell outside the period: ${missing.map((c) => `${c.code} ${c.key}`).join(', ')}`);
    return {
      generator: 'tools/enterprise-gen/gen.mjs',
      seed: o.seed,
      events_requested: o.events,
      events: written,
      start: isoDay(startMs),
      end: isoDay(endMs),
      days,
      now: isoDay(nowMs),
      clean: o.clean,
      planted: [...o.planted],
      counts,
      cases,
      near_misses: nearMisses,
    };
  }
  return run;
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const run = generate(o);
  const manifest = await run(process.stdout);
  if (o.manifest) writeFileSync(o.manifest, JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e) => {
  console.error(`gen.mjs: ${e.stack || e.message}`);
  process.exit(1);
});
