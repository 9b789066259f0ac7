// The world of the enterprise event generator (gen.mjs) and the rules its
// checker (check.mjs) applies: the demo org tree, the demo cadres with
// their declared relatives and businesses (the same as
// scripts/demo-integrity.mjs loads into the integrity service), the
// procurement categories and thresholds, the indicators' limits, and the
// small helpers both need. Nothing here depends on a seed.
import { CODE_CHARS, creditCode } from '../../scripts/credit-code.mjs';

export { CODE_CHARS, creditCode };

export const DAY_MS = 86400000;
export const YUAN = 100; // fen

// --- time ------------------------------------------------------------------

// "2026-03-01" as Unix ms at midnight UTC; NaN when it is no such day.
export function parseDay(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s || '')) return NaN;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s ? NaN : t;
}
export const isoTime = (t) => new Date(t).toISOString().slice(0, 19) + 'Z';
export const isoDay = (t) => new Date(t).toISOString().slice(0, 10);
// The same day `years` calendar years earlier or later (February 29 becomes
// March 1), at midnight UTC.
export function addYears(t, years) {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate());
}

// --- a small deterministic PRNG (mulberry32) --------------------------------

export class Rng {
  constructor(seed) {
    this.s = seed >>> 0;
  }
  next() {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  uniform(lo, hi) {
    return lo + this.next() * (hi - lo);
  }
  logUniform(lo, hi) {
    return Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(a) {
    return a[Math.floor(this.next() * a.length)];
  }
  weighted(items, weightOf) {
    let total = 0;
    for (const x of items) total += weightOf(x);
    let r = this.next() * total;
    for (const x of items) if ((r -= weightOf(x)) < 0) return x;
    return items[items.length - 1];
  }
  // n distinct items of a (n <= a.length), in random order.
  sample(a, n) {
    const idx = a.map((_, i) => i);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, n).map((i) => a[i]);
  }
}

// The fractional part of the golden ratio: k * PHI mod 1 spreads evenly over
// [0, 1) for k = 0, 1, 2, ... (a low-discrepancy sequence), which keeps the
// generated statistics (price gaps, win ratios, Benford's digits) close to
// their targets even in small samples.
export const PHI = (Math.sqrt(5) - 1) / 2;
export const frac = (x) => x - Math.floor(x);

// --- the org tree (services/gateway/src/handlers/seed.c) -------------------

export const UNITS = [
  { code: 'hq', name: '总部', province: 'hq', region: '110000', weight: 0 },
  { code: 'east', name: '华东省电力公司', province: 'east', region: '320000', weight: 0.15 },
  { code: 'city_a', name: 'A市供电公司', province: 'east', region: '320100', weight: 0.25 },
  { code: 'city_b', name: 'B市供电公司', province: 'east', region: '320200', weight: 0.2 },
  { code: 'west', name: '西部省电力公司', province: 'west', region: '620000', weight: 0.15 },
  { code: 'city_c', name: 'C市供电公司', province: 'west', region: '620100', weight: 0.25 },
];
export const UNIT = Object.fromEntries(UNITS.map((u) => [u.code, u]));
export const provinceOf = (unitCode) => UNIT[unitCode]?.province || '';

// --- procurement ------------------------------------------------------------
//
// A category's group (the part before the dot) sets its tender threshold:
// below it a unit may buy by inquiry or from a single source.

export const THRESHOLD_FEN = {
  materials: 2_000_000 * YUAN,
  services: 1_000_000 * YUAN,
  works: 4_000_000 * YUAN,
};
export const groupOf = (category) => category.split('.')[0];
export const thresholdOf = (category) => THRESHOLD_FEN[groupOf(category)];

// weight: share of the tenders; lo/hi: a large tender's estimate in yuan;
// words: what the suppliers' names say.
export const CATEGORIES = [
  { code: 'materials.cable', name: '电力电缆', weight: 0.2, lo: 3e5, hi: 2e7, words: ['电缆', '线缆'] },
  { code: 'materials.transformer', name: '配电变压器', weight: 0.12, lo: 5e5, hi: 3e7, words: ['变压器', '电气'] },
  { code: 'materials.switchgear', name: '开关柜', weight: 0.09, lo: 3e5, hi: 1.5e7, words: ['开关', '电气设备'] },
  { code: 'materials.meter', name: '智能电能表', weight: 0.07, lo: 2e5, hi: 8e6, words: ['仪表', '计量'] },
  { code: 'materials.hardware', name: '电力金具', weight: 0.05, lo: 1e5, hi: 3e6, words: ['金具', '五金'] },
  { code: 'materials.safety', name: '安全工器具', weight: 0.03, lo: 1e5, hi: 2e6, words: ['安全用品', '防护用品'] },
  { code: 'services.design', name: '工程设计', weight: 0.09, lo: 2e5, hi: 5e6, words: ['电力设计', '工程咨询'] },
  { code: 'services.it', name: '信息系统运维', weight: 0.06, lo: 2e5, hi: 6e6, words: ['信息技术', '软件'] },
  { code: 'services.consulting', name: '管理咨询', weight: 0.03, lo: 1e5, hi: 2e6, words: ['咨询', '管理顾问'] },
  { code: 'services.catering', name: '食堂餐饮服务', weight: 0.02, lo: 1e5, hi: 1.5e6, words: ['餐饮', '后勤服务'] },
  { code: 'works.substation', name: '变电站土建及安装工程', weight: 0.12, lo: 1e6, hi: 4e7, words: ['电力工程', '建设工程'] },
  { code: 'works.line', name: '配电线路工程', weight: 0.12, lo: 8e5, hi: 3e7, words: ['输变电工程', '电力安装'] },
];
export const CATEGORY = Object.fromEntries(CATEGORIES.map((c) => [c.code, c]));

// --- the indicators' rules (what the risk service applies) -----------------

export const RULES = {
  bidPeriodDays: { normal: 15, emergency: 10, international: 25 },
  closePricesMinGroup: 20,
  winRatioMinBids: 5,
  heavyDiscount: 0.5,
  supplierShare: 0.5,
  supplierShareMinAwards: 5,
  supplierShareWindowDays: 365,
  splitWindowDays: 30,
  splitMethods: ['inquiry', 'single_source'],
  singleBidMethods: ['open', 'invited'],
  benfordMinClaims: 50,
  benfordMad: 0.015,
  accountChangeDays: 30,
  accountChangePaymentFen: 1_000_000 * YUAN,
  rotationYears: 5,
};

// The indicators' codes, in the order the checker reports them.
export const CODES = [
  'single_bid', 'short_bid_period', 'close_prices', 'win_ratio', 'identical_bids', 'heavy_discount',
  'supplier_share', 'split_purchase', 'self_approval', 'benford', 'account_change_payment', 'rotation',
  'conflict_declared', 'conflict_undeclared',
];

export const BENFORD = Array.from({ length: 10 }, (_, d) => (d === 0 ? 0 : Math.log10(1 + 1 / d)));

// The p-quantile of sorted values by Hyndman and Fan's type 8 (the
// median-unbiased one cardinal-rs uses).
export function quantile8(sorted, p) {
  const n = sorted.length;
  const h = (n + 1 / 3) * p + 1 / 3;
  if (h <= 1) return sorted[0];
  if (h >= n) return sorted[n - 1];
  const lo = Math.floor(h);
  return sorted[lo - 1] + (h - lo) * (sorted[lo] - sorted[lo - 1]);
}

// --- identity numbers (居民身份证号码, GB 11643) --------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// The 18-character number of region (6 digits), birth (YYYYMMDD) and
// sequence (0..999, odd for a man): its last character is the ISO 7064
// MOD 11-2 check character.
export function idNumber(region, birth, seq) {
  const first = region + birth + String(seq).padStart(3, '0');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first[i]) * ID_WEIGHTS[i];
  const check = (12 - (sum % 11)) % 11;
  return first + (check === 10 ? 'X' : String(check));
}
export function idNumberValid(s) {
  return /^\d{17}[\dX]$/.test(s) && idNumber(s.slice(0, 6), s.slice(6, 14), Number(s.slice(14, 17))) === s;
}

// --- the demo's people (scripts/demo-integrity.mjs) --------------------------
//
// The companies and cadres the integrity demo declares, with the same
// names and credit codes: an award by a cadre's unit to a company a
// declared relative owns or runs is what `conflict_declared` finds.
// A company's `category` is what it sells here; `register` is how the
// company register shows the relative (legal representative or
// shareholder). A市恒信电力物资 (cadre.east's spouse's concealed stake,
// the demo's verification) is left out: whether it would be a declared
// or an undeclared conflict is the verification's question, not a test's.

export const DEMO_COMPANIES = {
  jinghua: { name: 'A市景华医疗器械有限公司', code: creditCode('91', '320100', '5531792K'), category: 'materials.safety' },
  guoping: { name: 'B市国平五金经营部', code: creditCode('92', '320200', '0618345D'), category: 'materials.hardware' },
  ruida: { name: 'A市瑞达信息技术有限公司', code: creditCode('91', '320100', '3362017P'), category: 'services.it' },
  xiyuan: { name: 'C市西园餐饮店', code: creditCode('92', '620100', '2190478H'), category: 'services.catering' },
  qilian: { name: '西部祁连建材贸易有限公司', code: creditCode('91', '620000', '6648253R'), category: 'materials.hardware' },
  tianrun: { name: 'C市天润合伙建筑劳务事务所（有限合伙）', code: creditCode('91', '620100', '4075912C'), category: 'works.line' },
};

// Each relative: name, relation and, when they own or run a business, the
// company (a key of DEMO_COMPANIES), the declared role and how the
// register shows them (legal_representative, or shareholder with
// basis points).
export const DEMO_CADRES = [
  {
    person_id: 'HR-CADRE.EAST', name: '林文斌', unit_code: 'city_a', position: 'A市供电公司物资部主任',
    key_position: 'materials', key_since_on: '2021-04-01',
    relatives: [
      { name: '陈静', relation: 'spouse' },
      { name: '林浩', relation: 'child' },
      { name: '林文军', relation: 'sibling', company: 'jinghua', role: 'legal_representative', register: { legal: true } },
    ],
  },
  {
    person_id: 'HR-EAST-0102', name: '黄海涛', unit_code: 'east', position: '华东省电力公司财务资产部副主任',
    key_position: 'finance', key_since_on: '2019-07-01',
    relatives: [{ name: '王丽', relation: 'spouse' }, { name: '黄振华', relation: 'parent' }],
  },
  {
    person_id: 'HR-EAST-0103', name: '郑国华', unit_code: 'city_b', position: 'B市供电公司物资采购中心主任',
    key_position: 'procurement', key_since_on: '2020-01-06',
    relatives: [
      { name: '刘红梅', relation: 'spouse' },
      { name: '郑国平', relation: 'sibling', company: 'guoping', role: 'sole_proprietor', register: { legal: true, bp: 10000 } },
    ],
  },
  {
    person_id: 'HR-EAST-0104', name: '吴敏', unit_code: 'city_a', position: 'A市供电公司财务部主任',
    key_position: 'finance', key_since_on: '2022-02-14',
    relatives: [{ name: '刘洋', relation: 'spouse', company: 'ruida', role: 'shareholder', register: { bp: 1500 } }],
  },
  {
    person_id: 'HR-EAST-0105', name: '许志远', unit_code: 'city_b', position: 'B市供电公司副总经理',
    key_position: 'project_construction', key_since_on: '2023-05-01',
    relatives: [{ name: '赵晓雯', relation: 'spouse' }, { name: '许诺', relation: 'child' }],
  },
  {
    person_id: 'HR-CADRE.WEST', name: '马俊', unit_code: 'city_c', position: 'C市供电公司财务部主任',
    key_position: 'finance', key_since_on: '2020-09-01',
    relatives: [{ name: '杨芳', relation: 'spouse' }, { name: '马晓雪', relation: 'child' }],
  },
  {
    person_id: 'HR-WEST-0202', name: '何丽娟', unit_code: 'west', position: '西部省电力公司物资部主任',
    key_position: 'materials', key_since_on: '2018-03-12',
    relatives: [{ name: '孙伟', relation: 'spouse', company: 'qilian', role: 'manager', register: { legal: true } }],
  },
  {
    person_id: 'HR-WEST-0203', name: '罗建军', unit_code: 'city_c', position: 'C市供电公司副总经理',
    key_position: 'project_construction', key_since_on: '2021-08-01',
    relatives: [
      { name: '周萍', relation: 'spouse' },
      { name: '罗建兵', relation: 'sibling', company: 'tianrun', role: 'partner', register: { bp: 4000 } },
    ],
  },
  {
    person_id: 'HR-WEST-0204', name: '唐晓燕', unit_code: 'city_c', position: 'C市供电公司采购管理中心副主任',
    key_position: 'procurement', key_since_on: '2024-01-02',
    relatives: [{ name: '唐建国', relation: 'parent', company: 'xiyuan', role: 'sole_proprietor', register: { legal: true, bp: 10000 } }],
  },
  {
    person_id: 'HR-WEST-0205', name: '邓强', unit_code: 'west', position: '西部省电力公司人力资源部副主任',
    key_position: 'hr', key_since_on: '2022-06-01',
    relatives: [{ name: '钱晓琳', relation: 'spouse' }],
  },
];

// The declared relatives of the cadres of a unit (the integrity files'
// people): a map of name -> {cadre, relative}, and the credit codes of
// their declared businesses.
export function declaredAt(unitCode) {
  const names = new Map();
  const codes = new Map();
  for (const c of DEMO_CADRES) {
    if (c.unit_code !== unitCode) continue;
    for (const r of c.relatives) {
      names.set(r.name, { cadre: c.person_id, relative: r.name });
      if (r.company) codes.set(DEMO_COMPANIES[r.company].code, { cadre: c.person_id, relative: r.name });
    }
  }
  return { names, codes };
}

// Every name the demo uses: generated people never take one, so a namesake
// never makes a conflict by accident.
export const RESERVED_NAMES = new Set(DEMO_CADRES.flatMap((c) => [c.name, ...c.relatives.map((r) => r.name)]));
