#!/usr/bin/env node
// Demo integrity files (廉政档案) for an empty system, loaded through the
// public HTTP API as the demo accounts, exactly as people would enter them:
// in each province five cadres' files with their key positions, relatives
// and the businesses these own or run, and records (an appraisal, a talk,
// a gift handed in, and in the east a sanction in its influence period);
// last year's personal matters reports (个人有关事项报告) of cadre.east and
// cadre.west and each province's round of last year; last year's
// verification (查核) in each province, the east's compared and waiting for
// the office's verdict on a concealed company stake, the west's concluded;
// this year's round open in both provinces with its due day ahead, so the
// cadres are reminded; and an opinion request (廉洁意见回复) by hr.east
// for three east cadres, whose proposals wait for the lead.
//
//   node scripts/demo-integrity.mjs <gateway url>     (CG_DEMO_PASSWORD set)
//
// scripts/stack.sh seed runs it after the rectification demo. It loads
// nothing when cadre.east or cadre.west has an integrity file already (a
// second run adds nothing). Dates are relative to today, so the demo looks
// the same whenever it is loaded. It needs Node.js 18 or later (fetch) and
// nothing from npm.
import { creditCode } from './credit-code.mjs';
import { ApiError, demoClient } from './demo-api.mjs';

const base = (process.argv[2] || process.env.CG_GATEWAY_URL || '').replace(/\/$/, '');
const password = process.env.CG_DEMO_PASSWORD || '';
if (!base || !password) {
  console.error('usage: CG_DEMO_PASSWORD=... node scripts/demo-integrity.mjs <gateway url>');
  process.exit(2);
}


// --- days -----------------------------------------------------------------

const DAY_MS = 86400000;
const todayMs = Date.UTC(
  new Date().getUTCFullYear(),
  new Date().getUTCMonth(),
  new Date().getUTCDate(),
);
// The day `offset` days from today (negative: in the past), YYYY-MM-DD.
const day = (offset) => new Date(todayMs + offset * DAY_MS).toISOString().slice(0, 10);
const year = new Date(todayMs).getUTCFullYear();
const lastYear = year - 1;

// This year's round is due three weeks from today, and its reminders begin
// at once (the round reminds from 30 days before the due day). Last year's
// round was due on the same day a year earlier, which has passed.
const DUE_IN_DAYS = 21;
const REMIND_DAYS = 30;
const dueThisYear = day(DUE_IN_DAYS);
const dueLastYear = (() => {
  const d = new Date(`${dueThisYear}T00:00:00Z`);
  // February 29 a year back is March 1.
  return new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate()))
    .toISOString()
    .slice(0, 10);
})();

// --- HTTP -----------------------------------------------------------------

const as = demoClient(base, password, 'demo-integrity');

// --- the files ------------------------------------------------------------
//
// Each cadre: the file's header, the relatives (with the businesses they
// own or run), and the records the office enters. A record's `ago` is how
// many days before today it happened. `account` marks the files of the
// demo accounts cadre.east and cadre.west, whose person ids are their
// accounts' (upper('HR-' || username), services/gateway/src/handlers/seed.c).

const CADRE_EAST = 'HR-CADRE.EAST';
const CADRE_WEST = 'HR-CADRE.WEST';

const companies = {
  hengxin: { name: 'A市恒信电力物资有限公司', code: creditCode('91', '320100', '7425086M') },
  jinghua: { name: 'A市景华医疗器械有限公司', code: creditCode('91', '320100', '5531792K') },
  guoping: { name: 'B市国平五金经营部', code: creditCode('92', '320200', '0618345D') },
  ruida: { name: 'A市瑞达信息技术有限公司', code: creditCode('91', '320100', '3362017P') },
  xiyuan: { name: 'C市西园餐饮店', code: creditCode('92', '620100', '2190478H') },
  qilian: { name: '西部祁连建材贸易有限公司', code: creditCode('91', '620000', '6648253R') },
  tianrun: { name: 'C市天润合伙建筑劳务事务所（有限合伙）', code: creditCode('91', '620100', '4075912C') },
};

const provinces = [
  {
    province: 'east',
    office: 'inspector.east',
    lead: 'lead.east',
    cadres: [
      {
        person_id: CADRE_EAST,
        account: 'cadre.east',
        name: '林文斌',
        unit_code: 'city_a',
        position: 'A市供电公司物资部主任',
        grade: '正科',
        key_position: 'materials',
        key_since_on: '2021-04-01',
        relatives: [
          { name: '陈静', relation: 'spouse', employer: 'A市第一人民医院', position: '主治医师' },
          { name: '林浩', relation: 'child', employer: '华东银行A市分行', position: '客户经理' },
          {
            name: '林文军',
            relation: 'sibling',
            employer: 'A市景华医疗器械有限公司',
            position: '执行董事',
            businesses: [{ company: 'jinghua', role: 'legal_representative', share_percent: 0 }],
          },
        ],
        records: [
          {
            section: 'appraisal',
            title: `${lastYear}年度中层干部民主测评`,
            detail: '参评42人，“好”和“较好”票合计39票，廉洁自律方面无反映。',
            ago: 300,
          },
          {
            section: 'talk',
            title: '任职廉政谈话',
            detail: '由A市供电公司纪委书记谈话，提醒物资采购岗位廉洁风险，本人签订廉洁承诺书。',
            ago: 200,
          },
        ],
      },
      {
        person_id: 'HR-EAST-0102',
        name: '黄海涛',
        unit_code: 'east',
        position: '华东省电力公司财务资产部副主任',
        grade: '副处',
        key_position: 'finance',
        key_since_on: '2019-07-01',
        relatives: [
          { name: '王丽', relation: 'spouse', employer: '华东省第二中学', position: '教师' },
          { name: '黄振华', relation: 'parent', employer: '退休', position: '' },
        ],
        records: [
          {
            section: 'gift',
            title: '上交供应商所送购物卡',
            detail: '春节前收到供应商寄送的购物卡一张，当日交纪委登记上交，已退回寄送单位。',
            value_fen: 200000,
            ago: 90,
          },
          {
            section: 'appraisal',
            title: `${lastYear}年度处级干部民主测评`,
            detail: '参评56人，“好”票51票，“较好”票5票。',
            ago: 320,
          },
        ],
      },
      {
        person_id: 'HR-EAST-0103',
        name: '郑国华',
        unit_code: 'city_b',
        position: 'B市供电公司物资采购中心主任',
        grade: '正科',
        key_position: 'procurement',
        key_since_on: '2020-01-06',
        relatives: [
          { name: '刘红梅', relation: 'spouse', employer: 'B市税务局', position: '科员' },
          {
            name: '郑国平',
            relation: 'sibling',
            employer: 'B市国平五金经营部',
            position: '经营者',
            businesses: [{ company: 'guoping', role: 'sole_proprietor', share_percent: 100 }],
          },
        ],
        records: [
          {
            // A sanction decided before the province's cases were kept on
            // the platform, so no case event brings it: the lead enters it
            // as the office's record, and its influence period runs.
            by: 'lead',
            section: 'discipline',
            title: '党内警告处分',
            detail: '违规接受供应商宴请两次，经B市供电公司纪委研究并报党委决定，给予党内警告处分。',
            kind: 'party_discipline',
            measure: 'warning',
            ago: 150,
          },
          {
            section: 'talk',
            title: '受处分后回访谈话',
            detail: '纪委回访教育，本人对错误认识到位，表示在采购工作中严格执行回避和廉洁规定。',
            ago: 60,
          },
        ],
      },
      {
        person_id: 'HR-EAST-0104',
        name: '吴敏',
        unit_code: 'city_a',
        position: 'A市供电公司财务部主任',
        grade: '正科',
        key_position: 'finance',
        key_since_on: '2022-02-14',
        relatives: [
          {
            name: '刘洋',
            relation: 'spouse',
            employer: 'A市瑞达信息技术有限公司',
            position: '技术总监',
            businesses: [{ company: 'ruida', role: 'shareholder', share_percent: 15 }],
          },
        ],
        records: [
          {
            section: 'talk',
            title: '节前廉洁提醒谈话',
            detail: '中秋国庆前对财务岗位人员集体提醒谈话。',
            ago: 70,
          },
        ],
      },
      {
        person_id: 'HR-EAST-0105',
        name: '许志远',
        unit_code: 'city_b',
        position: 'B市供电公司副总经理',
        grade: '副处',
        key_position: 'project_construction',
        key_since_on: '2023-05-01',
        relatives: [
          { name: '赵晓雯', relation: 'spouse', employer: 'B市自然资源局', position: '副科长' },
          { name: '许诺', relation: 'child', employer: '华东大学', position: '在读研究生' },
        ],
        records: [
          {
            section: 'appraisal',
            title: `${lastYear}年度领导班子成员民主测评`,
            detail: '参评63人，“好”票58票，“较好”票5票。',
            ago: 310,
          },
        ],
      },
    ],
  },
  {
    province: 'west',
    office: 'inspector.west',
    lead: 'lead.west',
    cadres: [
      {
        person_id: CADRE_WEST,
        account: 'cadre.west',
        name: '马俊',
        unit_code: 'city_c',
        position: 'C市供电公司财务部主任',
        grade: '正科',
        key_position: 'finance',
        key_since_on: '2020-09-01',
        relatives: [
          { name: '杨芳', relation: 'spouse', employer: 'C市人民政府办公室', position: '四级调研员' },
          { name: '马晓雪', relation: 'child', employer: '西部省第一中学', position: '学生' },
        ],
        records: [
          {
            section: 'talk',
            title: '财务岗位廉政谈话',
            detail: '由C市供电公司纪委书记谈话，重点提醒资金支付和账户变更环节的风险。',
            ago: 240,
          },
        ],
      },
      {
        person_id: 'HR-WEST-0202',
        name: '何丽娟',
        unit_code: 'west',
        position: '西部省电力公司物资部主任',
        grade: '正处',
        key_position: 'materials',
        key_since_on: '2018-03-12',
        relatives: [
          {
            name: '孙伟',
            relation: 'spouse',
            employer: '西部祁连建材贸易有限公司',
            position: '总经理',
            businesses: [{ company: 'qilian', role: 'manager', share_percent: 0 }],
          },
        ],
        records: [
          {
            section: 'appraisal',
            title: `${lastYear}年度处级干部民主测评`,
            detail: '参评48人，“好”票40票，“较好”票7票，“一般”票1票。',
            ago: 305,
          },
        ],
      },
      {
        person_id: 'HR-WEST-0203',
        name: '罗建军',
        unit_code: 'city_c',
        position: 'C市供电公司副总经理',
        grade: '副处',
        key_position: 'project_construction',
        key_since_on: '2021-08-01',
        relatives: [
          { name: '周萍', relation: 'spouse', employer: 'C市第三小学', position: '教师' },
          {
            name: '罗建兵',
            relation: 'sibling',
            employer: 'C市天润合伙建筑劳务事务所（有限合伙）',
            position: '普通合伙人',
            businesses: [{ company: 'tianrun', role: 'partner', share_percent: 40 }],
          },
        ],
        records: [
          {
            section: 'gift',
            title: '上交施工单位所送茶叶',
            detail: '工程验收后施工单位送来茶叶两盒，次日交纪委登记上交。',
            value_fen: 96000,
            ago: 45,
          },
        ],
      },
      {
        person_id: 'HR-WEST-0204',
        name: '唐晓燕',
        unit_code: 'city_c',
        position: 'C市供电公司采购管理中心副主任',
        grade: '副科',
        key_position: 'procurement',
        key_since_on: '2024-01-02',
        relatives: [
          {
            name: '唐建国',
            relation: 'parent',
            employer: 'C市西园餐饮店',
            position: '经营者',
            businesses: [{ company: 'xiyuan', role: 'sole_proprietor', share_percent: 100 }],
          },
        ],
        records: [
          {
            section: 'talk',
            title: '新任采购岗位廉政谈话',
            detail: '到岗谈话，签订采购岗位廉洁承诺书。',
            ago: 180,
          },
        ],
      },
      {
        person_id: 'HR-WEST-0205',
        name: '邓强',
        unit_code: 'west',
        position: '西部省电力公司人力资源部副主任',
        grade: '副处',
        key_position: 'hr',
        key_since_on: '2022-06-01',
        relatives: [{ name: '钱晓琳', relation: 'spouse', employer: '西部省人民医院', position: '护士长' }],
        records: [],
      },
    ],
  },
];

// --- last year's reports ----------------------------------------------------
//
// Every item of the form answered (the form's fifteen items, docs/integrity.md),
// with entries where the cadre has something to report and `none` elsewhere.

const FORM_ITEMS = [
  'marriage', 'passports', 'trips_abroad', 'hmt_permits', 'hmt_trips', 'children_marriages',
  'emigration', 'family_employment', 'family_criminal', 'salary', 'outside_income', 'housing',
  'securities', 'company_stakes', 'businesses',
];

const entry = (fields) => ({
  fields: Object.entries(fields).map(([name, value]) => ({ name, value: String(value) })),
});

function report(answers) {
  return FORM_ITEMS.map((item) =>
    answers[item] ? { item, entries: answers[item].map(entry) } : { item, none: true },
  );
}

const reports = {
  [CADRE_EAST]: report({
    marriage: [{ status: '已婚', spouse_name: '陈静', since_on: '2001-05-01' }],
    passports: [
      { number: 'E52836104', issued_on: '2019-03-12', expires_on: '2029-03-11', kept_by: 'A市供电公司党委组织部' },
    ],
    family_employment: [
      { name: '陈静', relation: 'spouse', employer: 'A市第一人民医院', position: '主治医师' },
      { name: '林浩', relation: 'child', employer: '华东银行A市分行', position: '客户经理' },
    ],
    salary: [{ annual_yuan: '238600' }],
    housing: [
      { owner: '本人、陈静共有', address: 'A市滨江路88号3栋1201室', area_m2: '128.6', use: '自住', acquired_on: '2012-06-15' },
      { owner: '陈静', address: 'A市幸福路16号2单元302室', area_m2: '76', use: '出租', acquired_on: '2005-09-20' },
    ],
    securities: [{ holder: '陈静', name: '华夏成长混合', code: '000001', value_yuan: '52000' }],
  }),
  [CADRE_WEST]: report({
    marriage: [{ status: '已婚', spouse_name: '杨芳', since_on: '2006-10-01' }],
    hmt_permits: [
      { number: 'C61472390', issued_on: '2021-07-05', expires_on: '2031-07-04', kept_by: 'C市供电公司党委组织部' },
    ],
    hmt_trips: [
      { destination: '香港', from_on: `${lastYear}-07-20`, to_on: `${lastYear}-07-25`, purpose: '探亲旅游' },
    ],
    family_employment: [
      { name: '杨芳', relation: 'spouse', employer: 'C市人民政府办公室', position: '四级调研员' },
    ],
    salary: [{ annual_yuan: '214300' }],
    housing: [
      { owner: '本人、杨芳共有', address: 'C市南河路25号1栋801室', area_m2: '112.4', use: '自住', acquired_on: '2010-04-28' },
    ],
  }),
};

// --- last year's verifications ---------------------------------------------
//
// What the registers show about each key case's report of last year: the
// east's cadre.east has a company stake of the spouse that the report does
// not declare (a concealment, 瞒报, left for the office to decide); the
// west's cadre.west has a flat the land register shows larger than
// reported, which the verifier overrides with the reason, so the
// verification concludes that the report was true (如实报告).

const verifications = {
  east: {
    keyCase: CADRE_EAST,
    keyReason: 'promotion_candidate',
    references: [
      {
        item: 'housing',
        note: '不动产登记信息查询',
        fields: { owner: '林文斌、陈静', address: 'A市滨江路88号3栋1201室', area_m2: '128.6' },
      },
      {
        item: 'company_stakes',
        note: '国家企业信用信息公示系统查询',
        fields: {
          holder: '陈静',
          company: companies.hengxin.name,
          credit_code: companies.hengxin.code,
          share_percent: '30',
          amount_yuan: '600000',
        },
      },
      { item: 'salary', note: '单位财务部门工资发放记录', fields: { annual_yuan: '238600' } },
    ],
  },
  west: {
    keyCase: CADRE_WEST,
    keyReason: 'reserve_cadre',
    references: [
      {
        item: 'housing',
        note: '不动产登记信息查询',
        fields: { owner: '马俊、杨芳', address: 'C市南河路25号1栋801室', area_m2: '119.9' },
      },
      { item: 'salary', note: '单位财务部门工资发放记录', fields: { annual_yuan: '214300' } },
    ],
    // The verdict on each finding of an item; the others are confirmed.
    overrides: {
      housing: {
        kind: 'consistent',
        reason: '不动产登记面积含地下储藏室7.5平方米，本人报告的是住房建筑面积，不含储藏室，不属漏报。',
      },
    },
    conclude: true,
  },
};

// --- loading --------------------------------------------------------------

const counts = {
  files: 0, relatives: 0, records: 0, reports: 0, rounds: 0, draws: 0, verifications: 0, references: 0,
};

async function openFile(p, c) {
  const office = as(p.office);
  const file = await office.create('/api/v1/integrity/cadres', {
    person_id: c.person_id,
    name: c.name,
    unit_code: c.unit_code,
    position: c.position,
    grade: c.grade,
    key_position: c.key_position,
    key_since_on: c.key_since_on,
  });
  const id = file.cadre.id;
  counts.files++;
  for (const r of c.relatives) {
    const body = { name: r.name, relation: r.relation, employer: r.employer, position: r.position };
    if (r.businesses) {
      body.businesses = r.businesses.map((b) => ({
        company: companies[b.company].name,
        credit_code: companies[b.company].code,
        role: b.role,
        share_percent: b.share_percent,
      }));
    }
    await office.create(`/api/v1/integrity/cadres/${id}/relatives`, body);
    counts.relatives++;
  }
  for (const r of c.records) {
    const body = { section: r.section, title: r.title, detail: r.detail, happened_on: day(-r.ago) };
    if (r.kind) Object.assign(body, { kind: r.kind, measure: r.measure });
    if (r.value_fen) body.value_fen = r.value_fen;
    await as(r.by === 'lead' ? p.lead : p.office).create(`/api/v1/integrity/cadres/${id}/records`, body);
    counts.records++;
  }
  return id;
}

// The cadre's own report of last year, saved and submitted as their
// account. It is submitted before the office enters last year's round: the
// demo's files are opened today, so a round entered first, whose due day
// has passed, would mark these reports late, which in the history the demo
// stands for they were not.
async function submitLastYear(c) {
  const me = as(c.account);
  await me.put('/api/v1/integrity/me/report', { year: lastYear, items: reports[c.person_id] });
  await me.create('/api/v1/integrity/me/report/submit', { year: lastYear });
  counts.reports++;
}

async function openRound(p, roundYear, dueOn) {
  await as(p.lead).create('/api/v1/integrity/rounds', {
    year: roundYear,
    unit_code: p.province,
    due_on: dueOn,
    remind_days: REMIND_DAYS,
  });
  counts.rounds++;
}

// Last year's draw over the province: the key case and, by lot, the
// platform's usual share of the others. The key case's verification gets
// the reference records and the comparison; the west's is decided and
// concluded. Answers the ids of the cadres the draw chose.
async function verify(p, fileIds) {
  const v = verifications[p.province];
  const office = as(p.office);
  const keyId = fileIds[v.keyCase];
  const draw = await office.create('/api/v1/integrity/verification-draws', {
    year: lastYear,
    unit_code: p.province,
    share_percent: 10,
    seed: `demo-${p.province}-${lastYear}`,
    key_cadres: [{ cadre_id: keyId, reason: v.keyReason }],
  });
  counts.draws++;
  counts.verifications += draw.by_share + draw.by_key;
  for (const r of v.references) {
    await office.create(`/api/v1/integrity/cadres/${keyId}/references`, {
      year: lastYear,
      item: r.item,
      note: r.note,
      fields: Object.entries(r.fields).map(([name, value]) => ({ name, value })),
    });
    counts.references++;
  }
  const list = await office.get(`/api/v1/integrity/verifications?year=${lastYear}&unit_code=${p.province}`);
  const mine = (list.verifications || []).find((x) => x.cadre_id === keyId);
  if (!mine) throw new ApiError(`${p.province}: the draw made no verification of the key case`);
  let compared = await office.post(`/api/v1/integrity/verifications/${mine.id}/compare`, {});
  if (v.conclude) {
    for (const f of compared.findings || []) {
      const o = v.overrides?.[f.item];
      const verdict = o
        ? { verdict: 'overridden', kind: o.kind, reason: o.reason }
        : { verdict: 'confirmed' };
      compared = await as(p.lead).create(`/api/v1/integrity/findings/${f.id}/decide`, verdict);
    }
    await as(p.lead).create(`/api/v1/integrity/verifications/${mine.id}/conclude`, {});
  }
  return draw.cadre_ids || [];
}

// hr.east asks for the opinions on three east cadres before a promotion:
// the one with a sanction in its influence period (the service proposes an
// objection), one against whom nothing stands (no objection) and
// cadre.east, whose verification is under way (cannot conclude yet). The
// clean one is the first of the east's other cadres the draw did not
// choose, since a verification under way stands in the way too.
async function requestOpinions(drawn, fileIds) {
  const clean = ['HR-EAST-0102', 'HR-EAST-0105', 'HR-EAST-0104'].find(
    (pid) => !drawn.includes(fileIds[pid]),
  );
  await as('hr.east').create('/api/v1/integrity/opinion-requests', {
    purpose: 'promotion',
    note: `${year}年第四批中层干部选拔任用：拟提拔人选党风廉政意见征求`,
    person_ids: ['HR-EAST-0103', clean, CADRE_EAST],
  });
}

async function hasFile(office, personId) {
  const r = await as(office).get(`/api/v1/integrity/cadres?q=${encodeURIComponent(personId)}`);
  return (r.items || []).some((c) => c.person_id === personId);
}

async function main() {
  if ((await hasFile('lead.east', CADRE_EAST)) || (await hasFile('lead.west', CADRE_WEST))) {
    console.log('demo-integrity: the demo cadres have integrity files already; demo files not loaded');
    return;
  }
  const fileIds = {};
  for (const p of provinces) {
    for (const c of p.cadres) fileIds[c.person_id] = await openFile(p, c);
  }
  for (const p of provinces) {
    for (const c of p.cadres.filter((x) => x.account)) await submitLastYear(c);
    await openRound(p, lastYear, dueLastYear);
  }
  let drawnEast = [];
  for (const p of provinces) {
    const drawn = await verify(p, fileIds);
    if (p.province === 'east') drawnEast = drawn;
  }
  for (const p of provinces) await openRound(p, year, dueThisYear);
  await requestOpinions(drawnEast, fileIds);
  console.log(
    `demo-integrity: loaded ${counts.files} integrity files (${counts.relatives} relatives, ` +
      `${counts.records} records), ${counts.reports} reports of ${lastYear}, ${counts.rounds} rounds, ` +
      `${counts.draws} draws of ${lastYear} (${counts.verifications} verifications, ` +
      `${counts.references} reference records) and 1 opinion request`,
  );
  await as.logoutAll();
}

main().catch((e) => {
  console.error(`demo-integrity: ${e instanceof ApiError ? e.message : e.stack}`);
  process.exit(1);
});
