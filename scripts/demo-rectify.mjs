#!/usr/bin/env node
// Demo rectification (整改) data for an empty system, loaded through the
// public HTTP API as the demo accounts, exactly as people would enter it:
// in each province a batch of findings from an inspection tour (巡视) with
// its problem, task and responsibility lists, the tasks walked to every
// stage (assigned; in progress with a plan and evidence; closure requested
// after a rejected round; verified; closed off and held at a re-check;
// closed off and relapsed at a re-check; one left overdue, one due soon,
// for the escalation ladder to warn and remind), and city_a's yearly
// responsibility list (主体责任清单) with recorded work, the office's
// verdicts and, from December 1, its scores.
//
//   node scripts/demo-rectify.mjs <gateway url>     (CG_DEMO_PASSWORD set)
//
// scripts/stack.sh seed runs it after the gateway's own seed. It loads
// nothing when any rectification batch exists (a second run adds nothing),
// and leaves city_a's list alone when the year has one. Dates are relative
// to today, so the demo looks the same whenever it is loaded. It needs
// Node.js 18 or later (fetch), which scripts/stack.sh deps installs for
// web/ anyway, and nothing from npm.
import { ApiError, demoClient } from './demo-api.mjs';

const base = (process.argv[2] || process.env.CG_GATEWAY_URL || '').replace(/\/$/, '');
const password = process.env.CG_DEMO_PASSWORD || '';
if (!base || !password) {
  console.error('usage: CG_DEMO_PASSWORD=... node scripts/demo-rectify.mjs <gateway url>');
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

// --- HTTP -----------------------------------------------------------------

const as = demoClient(base, password, 'demo-rectify');

// A small PDF of its own: the document a piece of evidence or a record of
// work points at (the service reads its type from the content).
let pdfCount = 0;
function pdf(label) {
  pdfCount++;
  return Buffer.from(
    `%PDF-1.4\n% CleanGrid demo ${pdfCount}: ${label}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

// --- the tours' findings ---------------------------------------------------
//
// Each task names the stage it is walked to (`to`), its plan (measures:
// text and the milestone in days from today), and what else happens on
// the way: a rejected first round (`reject`), a re-check that finds the
// fix held or the problem back (`recheck`), evidence still missing for the
// plan's last measure (`partial`). Deadlines (days from today) are more
// than the ladder's seven days of notice away, except for the two tasks
// meant to climb it: one due in under a week (a reminder) and one already
// overdue (an overdue warning with a final deadline), each within one tick
// of the ladder (CG_RECTIFY_LADDER_TICK_MS) after loading.

const tours = [
  {
    province: 'east',
    batch: {
      source: 'inspection_tour',
      source_ref: `XS-${year}-DEMO-EAST`,
      title: `总部党组第二轮巡视华东省电力公司反馈问题整改（${year}）`,
      unit_code: 'east',
      feedback_on: day(-75),
      oversight: '总部党组巡视工作领导小组办公室',
    },
    registrar: 'inspector',
    unitLeader: 'unitlead.east',
    office: 'inspector.east',
    group: 'lead',
    closer: 'lead.east',
    rechecker: 'inspector.east',
    problems: [
      {
        description:
          'A市供电公司2025年配网工程物资采购中，3个项目合计486万元未按规定公开招标，以单一来源方式采购，采购决策未经“三重一大”集体研究。',
        category: '违规采购',
        severity: 'serious',
        basis: '《招标投标法》第三条；公司《物资采购管理办法》第十二条',
      },
      {
        description:
          '部分差旅费、会议费报销单据缺少部门负责人审批签字，2025年抽查发现42笔、金额12.6万元未经审批即报销。',
        category: '财务管理',
        severity: 'general',
        basis: '公司《费用报销管理规定》第八条',
      },
      {
        description:
          'B市供电公司财务部门在供应商申请变更收款账户时未向供应商书面核实，即按变更后的账户支付货款一笔，金额38万元，存在资金安全风险。',
        category: '资金安全',
        severity: 'major',
        basis: '公司《资金支付安全管理办法》第十五条',
      },
      {
        description:
          '职工食堂账目收支不清，未单独建账，食材采购无验收和入库记录，2025年食堂支出中有9.8万元无法提供原始凭证。',
        category: '食堂管理',
        severity: 'general',
        basis: '公司《职工食堂管理办法》第六条、第十条',
      },
      {
        description: '公务用车使用登记不全，抽查发现节假日公务用车出车记录与派车单不符的情况5次。',
        category: '公务用车',
        severity: 'general',
        basis: '《党政机关公务用车管理办法》',
      },
      {
        description:
          '以“技术服务费”名义向本单位职工发放津补贴，2025年合计21.5万元，未经上级单位批准。',
        category: '违规发放津补贴',
        severity: 'serious',
        basis: '中央八项规定及其实施细则精神；公司《薪酬管理办法》',
      },
    ],
    responsibilities: [
      { person: '王志强', position: '华东省电力公司党委书记、董事长', duty: '巡视整改第一责任人，对整改工作负总责，主持研究整改方案' },
      { person: '陈立新', position: '华东省电力公司总会计师', duty: '财务报销、资金支付两方面问题整改的分管领导', problem: 2 },
      { person: '刘海燕', position: 'A市供电公司总经理', duty: '物资采购问题整改的具体责任人，组织逐项核查采购项目', problem: 1 },
    ],
    tasks: [
      {
        problem: 1, unit_code: 'city_a', leader: '刘海燕', first_responsible: '张国栋', deadline: 10, to: 'closed', recheck: 'held',
        text: '对3个未公开招标项目逐项核查，补充集体决策程序，追究相关人员责任；修订采购管理细则，明确公开招标限额。',
        measures: [['逐项核查3个采购项目并形成核查报告', -50], ['修订《物资采购管理细则》并印发执行', -35]],
        evidence: ['3个采购项目核查报告及党委会会议纪要', '《物资采购管理细则（2026年修订）》印发文件'],
        finding: '回头看抽查2026年以来12个采购项目，均按规定公开招标，整改成效保持。',
      },
      {
        problem: 1, unit_code: 'city_b', leader: '赵明', first_responsible: '孙建华', deadline: 15, to: 'closed', recheck: 'relapse',
        text: '举一反三排查B市供电公司近三年物资采购项目，对应招未招项目全部整改。',
        measures: [['排查近三年采购项目并建立台账', -45]],
        evidence: ['近三年物资采购排查台账（共86个项目）'],
        finding: '回头看发现2026年第三季度又有1个配网项目以“紧急抢修”名义直接采购，金额52万元，问题反弹。',
        relapseDeadline: 30,
      },
      {
        problem: 2, unit_code: 'city_a', leader: '陈立新', first_responsible: '周红', deadline: 12, to: 'closure_requested',
        reject: '补充的审批签字为事后补签，未说明原因；请提供整改后新报销单据的审批抽查记录。',
        text: '对42笔未经审批的报销逐笔补办审批或追回款项，完善费用报销线上审批流程。',
        measures: [['42笔报销逐笔补办审批或追回', -30], ['上线费用报销线上审批流程', -15]],
        evidence: ['42笔报销整改明细表及追回款项凭证', '费用报销线上审批流程上线通知及抽查记录'],
      },
      {
        problem: 3, unit_code: 'city_b', leader: '陈立新', first_responsible: '孙建华', deadline: 20, to: 'verified',
        text: '建立供应商收款账户变更双人书面核实制度，对近两年所有账户变更逐笔复核。',
        measures: [['制定账户变更书面核实制度', -40], ['复核近两年供应商账户变更记录', -20]],
        evidence: ['《供应商收款账户变更核实办法》', '近两年27笔账户变更复核记录'],
      },
      {
        problem: 4, unit_code: 'city_b', leader: '赵明', first_responsible: '李卫东', deadline: 5, to: 'in_progress', partial: true,
        text: '食堂单独建账，建立食材采购验收入库制度，对2025年无凭证支出逐笔查明。',
        measures: [['食堂单独建账并明确专人管理', -20], ['建立食材采购验收入库制度', -10], ['查明9.8万元无凭证支出', 3]],
        evidence: ['食堂独立账簿开设记录及管理人员任命文件', '《食材采购验收入库管理制度》'],
      },
      {
        problem: 5, unit_code: 'city_a', leader: '刘海燕', first_responsible: '张国栋', deadline: 45, to: 'assigned',
        text: '规范公务用车派车登记，安装车辆定位系统，对节假日用车情况逐次说明并处理。',
      },
      {
        problem: 6, unit_code: 'city_b', leader: '赵明', first_responsible: '孙建华', deadline: -6, to: 'assigned',
        text: '立即停止违规发放津补贴，清退已发放的21.5万元，对相关责任人提出处理意见。',
      },
    ],
  },
  {
    province: 'west',
    batch: {
      source: 'inspection_tour',
      source_ref: `XS-${year}-DEMO-WEST`,
      title: `总部党组第二轮巡视西部省电力公司反馈问题整改（${year}）`,
      unit_code: 'west',
      feedback_on: day(-70),
      oversight: '总部党组巡视工作领导小组办公室',
    },
    registrar: 'inspector',
    unitLeader: 'unitlead.west',
    office: 'inspector.west',
    group: 'lead',
    closer: 'lead.west',
    rechecker: 'inspector.west',
    problems: [
      {
        description:
          'C市供电公司将2个变电站土建工程化整为零、拆分为7个小额合同，规避公开招标，合同总额312万元。',
        category: '违规采购',
        severity: 'serious',
        basis: '《招标投标法实施条例》第二十四条',
      },
      {
        description: '工程项目违规分包，中标单位将主体工程转包给无资质的施工队，项目管理部门未发现、未制止。',
        category: '工程管理',
        severity: 'major',
        basis: '《建筑法》第二十八条、第二十九条',
      },
      {
        description: '省公司本部2025年业务招待费报销中有17笔无接待清单和公函，金额6.3万元。',
        category: '财务管理',
        severity: 'general',
        basis: '公司《业务招待费管理办法》第九条',
      },
      {
        description: '供应商在合同履行期间三次变更收款账户，财务人员仅凭电子邮件即办理变更，未电话回访核实。',
        category: '资金安全',
        severity: 'serious',
        basis: '公司《资金支付安全管理办法》第十五条',
      },
      {
        description: 'C市供电公司职工食堂对外承包后，承包费收入未入账，形成账外资金4.2万元。',
        category: '食堂管理',
        severity: 'serious',
        basis: '《会计法》第十六条',
      },
      {
        description: '加油卡管理混乱，12张加油卡未与车辆绑定，部分加油记录与车辆行驶里程明显不符。',
        category: '公务用车',
        severity: 'general',
        basis: '公司《车辆管理办法》第二十一条',
      },
    ],
    responsibilities: [
      { person: '李建国', position: '西部省电力公司党委书记、董事长', duty: '巡视整改第一责任人，对整改工作负总责' },
      { person: '马文涛', position: 'C市供电公司总经理', duty: '工程招标与分包问题整改的具体责任人', problem: 1 },
      { person: '杨秀兰', position: '西部省电力公司财务资产部主任', duty: '业务招待费和供应商账户变更问题整改的牵头责任人', problem: 4 },
    ],
    tasks: [
      {
        problem: 1, unit_code: 'city_c', leader: '马文涛', first_responsible: '何勇', deadline: 12, to: 'closed', recheck: 'held',
        text: '对拆分的7个合同逐一核查，依规追究相关人员责任；建立同一项目合同合并审查机制。',
        measures: [['核查7个拆分合同并提出问责意见', -45], ['建立合同合并审查机制', -30]],
        evidence: ['7个合同核查报告及问责处理决定', '《工程合同合并审查实施办法》'],
        finding: '回头看抽查2026年以来全部土建合同，未发现拆分规避招标情况。',
      },
      {
        problem: 5, unit_code: 'city_c', leader: '马文涛', first_responsible: '何勇', deadline: 16, to: 'closed', recheck: 'relapse',
        text: '将食堂承包费收入全部纳入单位账内核算，清理账外资金，规范食堂承包合同管理。',
        measures: [['4.2万元账外资金全部入账', -40], ['重新签订食堂承包合同并明确收入入账', -25]],
        evidence: ['账外资金入账凭证', '新签订的食堂承包合同'],
        finding: '回头看发现2026年下半年食堂承包费又有1.5万元通过工会账户收取，未入单位账。',
        relapseDeadline: 25,
      },
      {
        problem: 3, unit_code: 'west', leader: '杨秀兰', first_responsible: '周涛', deadline: 15, to: 'closure_requested',
        text: '对17笔无清单、无公函的业务招待费逐笔核查，不能说明的由个人承担；严格执行“一事一单”。',
        measures: [['17笔业务招待费逐笔核查', -25]],
        evidence: ['17笔业务招待费核查处理清单'],
      },
      {
        problem: 4, unit_code: 'west', leader: '杨秀兰', first_responsible: '周涛', deadline: 18, to: 'verified',
        reject: '未提供电话回访的记录，仅有制度文本不足以证明已执行；请补充近三个月回访台账。',
        text: '供应商收款账户变更一律电话回访并留存记录，对在履行合同的账户变更全面复核。',
        measures: [['制定账户变更电话回访制度', -35], ['全面复核在履行合同的账户变更', -15]],
        evidence: ['《供应商账户变更回访制度》', '在履行合同账户变更复核台账及近三个月回访记录'],
      },
      {
        problem: 2, unit_code: 'city_c', leader: '马文涛', first_responsible: '何勇', deadline: 4, to: 'in_progress', partial: true,
        text: '解除违规分包合同，对中标单位列入不良行为记录，追究项目管理人员责任。',
        measures: [['解除违规分包合同并重新组织施工', -15], ['追究项目管理人员责任', 2]],
        evidence: ['解除分包合同通知书及新施工合同'],
      },
      {
        problem: 6, unit_code: 'city_c', leader: '马文涛', first_responsible: '何勇', deadline: 40, to: 'assigned',
        text: '加油卡全部与车辆一一绑定，逐月核对加油量与行驶里程，对异常记录逐笔查明。',
      },
      {
        problem: 2, unit_code: 'city_c', leader: '马文涛', first_responsible: '何勇', deadline: -4, to: 'assigned',
        text: '对近三年所有工程项目开展分包情况专项排查，形成排查报告报省公司。',
      },
    ],
  },
];

// city_a's yearly responsibility list for clean governance
// (党风廉政建设主体责任清单): set by the office, the unit's recorded work,
// the office's verdicts, and from December 1 the year's scores.
const dutyList = {
  unit_code: 'city_a',
  setter: 'lead.east',
  recorder: 'unitlead.east',
  verifier: 'inspector.east',
  scorer: 'lead.east',
  items: [
    { text: '党委每季度专题研究党风廉政建设工作', leader: '刘海燕', standard: '每季度至少一次，形成会议纪要' },
    { text: '开展领导干部廉政谈话', leader: '刘海燕', from_month: 3, to_month: 6, standard: '中层以上干部谈话全覆盖' },
    { text: '落实巡视反馈问题整改', leader: '张国栋', standard: '按期完成整改并报送整改报告' },
    { text: '开展物资采购领域廉洁风险排查', leader: '张国栋', from_month: 4, to_month: 9, standard: '形成风险清单和防控措施' },
    { text: '组织廉洁警示教育', leader: '周红', standard: '全年不少于两次，覆盖全体员工' },
  ],
  // item, note, the share of the year so far (0..1) that the work was
  // done at, the office's verdict and, when refused, why.
  records: [
    { item: 1, note: '一季度党委会专题研究党风廉政建设工作', at: 0.2, verdict: 'confirm' },
    { item: 1, note: '二季度党委会专题研究党风廉政建设工作', at: 0.45, verdict: 'confirm' },
    { item: 2, note: '完成中层以上干部廉政谈话38人次', at: 0.4, verdict: 'confirm' },
    { item: 4, note: '完成物资采购廉洁风险排查', at: 0.6, verdict: 'refuse', reason: '只有排查通知，未见风险清单和防控措施，请补充后重新记录。' },
    { item: 5, note: '组织观看警示教育片并召开以案促改专题会', at: 0.7 },
  ],
  scores: [
    { item: 1, outcome: 'done', score: 95, note: '专题研究按季度开展，纪实完整' },
    { item: 2, outcome: 'done', score: 90, note: '谈话覆盖全部中层以上干部' },
    { item: 4, outcome: 'partly', score: 60, note: '风险清单未形成，防控措施不具体' },
  ],
};

// --- walking a task ----------------------------------------------------------

const counts = { batches: 0, problems: 0, tasks: 0, responsibilities: 0, steps: 0 };

async function step(user, taskId, suffix, body = {}) {
  counts.steps++;
  return as(user).post(`/api/v1/rectify/tasks/${taskId}${suffix}`, body);
}

// Evidence for measure seq (1-based) of the task: a document of the task's
// own file, in effect `ago` days before today.
async function addEvidence(tour, taskId, seq, description, ago) {
  const doc = await as(tour.unitLeader).upload(
    `/api/v1/rectify/tasks/${taskId}/documents?name=${encodeURIComponent(`${description}.pdf`)}`,
    pdf(`${tour.province} task evidence ${seq}`),
    'application/pdf',
  );
  await step(tour.unitLeader, taskId, '/evidence', {
    measure: seq,
    sha256: doc.sha256,
    effective_on: day(-ago),
    description,
  });
}

// The office's verifier and re-checker of a task: the province's own,
// except for a task of the provincial company itself, whose own people may
// not verify it; headquarters' inspector does.
const officeOf = (tour, t) => (t.unit_code === tour.province ? 'inspector' : tour.office);

// Walk the task to the stage its spec names, up to closure (re-checks come
// after every task of the batch is closed off, for the draw).
async function walk(tour, taskId, t) {
  if (t.to === 'assigned') return;
  await step(tour.unitLeader, taskId, '/plan', {
    measures: t.measures.map(([text, offset]) => ({ text, milestone_on: day(offset) })),
  });
  const proved = t.partial ? t.evidence.length : t.measures.length;
  for (let i = 0; i < proved; i++) {
    const last = t.reject && i === t.measures.length - 1;
    // Without the last proof, the first round is rejected; it comes after.
    if (!last) await addEvidence(tour, taskId, i + 1, t.evidence[i], 20 - 2 * i);
  }
  if (t.to === 'in_progress') return;
  if (t.reject) {
    if (t.measures.length > 1) {
      // A first request with the last measure proved by an earlier document.
      const first = await as(tour.unitLeader).upload(
        `/api/v1/rectify/tasks/${taskId}/documents?name=${encodeURIComponent('整改情况说明.pdf')}`,
        pdf(`${tour.province} first round`),
        'application/pdf',
      );
      await step(tour.unitLeader, taskId, '/evidence', {
        measure: t.measures.length,
        sha256: first.sha256,
        effective_on: day(-12),
        description: '整改情况说明',
      });
    }
    await step(tour.unitLeader, taskId, '/closure-request');
    await step(officeOf(tour, t), taskId, '/reject', { party: 'office', reason: t.reject });
    await addEvidence(tour, taskId, t.measures.length, t.evidence[t.measures.length - 1], 3);
  }
  await step(tour.unitLeader, taskId, '/closure-request');
  if (t.to === 'closure_requested') return;
  await step(officeOf(tour, t), taskId, '/verify', { party: 'office' });
  await step(tour.group, taskId, '/verify', { party: 'inspection_group' });
  if (t.to === 'verified') return;
  await step(tour.closer, taskId, '/close');
}

async function loadTour(tour) {
  const reg = as(tour.registrar);
  const batch = await reg.create('/api/v1/rectify/batches', tour.batch);
  counts.batches++;
  const problemIds = [];
  for (const p of tour.problems) {
    const made = await reg.create(`/api/v1/rectify/batches/${batch.id}/problems`, p);
    problemIds.push(made.id);
    counts.problems++;
  }
  for (const r of tour.responsibilities) {
    const body = { person: r.person, position: r.position, duty: r.duty };
    if (r.problem) body.problem_id = problemIds[r.problem - 1];
    await reg.create(`/api/v1/rectify/batches/${batch.id}/responsibilities`, body);
    counts.responsibilities++;
  }
  const taskIds = [];
  for (const t of tour.tasks) {
    const made = await reg.create(`/api/v1/rectify/problems/${problemIds[t.problem - 1]}/tasks`, {
      text: t.text,
      unit_code: t.unit_code,
      leader: t.leader,
      first_responsible: t.first_responsible,
      deadline_on: day(t.deadline),
    });
    taskIds.push(made.id);
    counts.tasks++;
  }
  for (let i = 0; i < tour.tasks.length; i++) await walk(tour, taskIds[i], tour.tasks[i]);

  // 回头看: the office draws every closed task of the batch and records
  // what it found; a relapse reopens the task with a new deadline.
  const draw = await as(tour.rechecker).post('/api/v1/rectify/rechecks', {
    batch_id: batch.id,
    share_percent: 100,
    seed: `demo-${tour.province}-${year}`,
    due_on: day(30),
  });
  for (let i = 0; i < tour.tasks.length; i++) {
    const t = tour.tasks[i];
    if (!t.recheck) continue;
    const rechecker = t.unit_code === tour.province ? 'inspector' : tour.rechecker;
    if (!draw.task_ids.includes(taskIds[i])) throw new ApiError(`the draw left out task ${i + 1}`);
    if (t.recheck === 'held') {
      await step(rechecker, taskIds[i], '/recheck', { finding: t.finding });
    } else {
      await step(rechecker, taskIds[i], '/relapse', {
        finding: t.finding,
        deadline_on: day(t.relapseDeadline),
      });
    }
  }
}

async function loadDutyList() {
  const d = dutyList;
  const table = await as(d.setter).get(
    `/api/v1/rectify/duty-lists?year=${year}&unit_code=${d.unit_code}`,
  );
  if ((table.items || []).some((e) => e.unit_code === d.unit_code)) {
    console.log(`demo-rectify: ${d.unit_code} has a responsibility list for ${year}; left as it is`);
    return false;
  }
  const list = await as(d.setter).post('/api/v1/rectify/duty-lists', {
    unit_code: d.unit_code,
    year,
    items: d.items,
  });
  const yearStart = Date.UTC(year, 0, 1);
  for (const r of d.records) {
    const doc = await as(d.recorder).upload(
      `/api/v1/rectify/duty-lists/${list.id}/documents?name=${encodeURIComponent(`${r.note}.pdf`)}`,
      pdf(`duty item ${r.item}`),
      'application/pdf',
    );
    // A day this year, not after today.
    const doneOn = new Date(yearStart + Math.floor(((todayMs - yearStart) / DAY_MS) * r.at) * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const after = await as(d.recorder).post(`/api/v1/rectify/duty-lists/${list.id}/records`, {
      item: r.item,
      note: r.note,
      done_on: doneOn,
      sha256: doc.sha256,
    });
    // The answer is the list; the new record is the item's with this document.
    const rec = after.items[r.item - 1].records.find((x) => x.sha256 === doc.sha256);
    if (r.verdict === 'confirm') {
      await as(d.verifier).post(`/api/v1/rectify/duty-lists/${list.id}/confirm`, { record_id: rec.id });
    } else if (r.verdict === 'refuse') {
      await as(d.verifier).post(`/api/v1/rectify/duty-lists/${list.id}/refuse`, {
        record_id: rec.id,
        reason: r.reason,
      });
    }
  }
  // The office scores from December 1 of the list's year on.
  if (new Date(todayMs).getUTCMonth() === 11) {
    for (const s of d.scores) await as(d.scorer).post(`/api/v1/rectify/duty-lists/${list.id}/scores`, s);
  }
  return true;
}

async function main() {
  const existing = await as('lead').get('/api/v1/rectify/batches?limit=1');
  if ((existing.items || []).length > 0) {
    console.log('demo-rectify: rectification batches exist already; demo batches not loaded');
    return;
  }
  for (const tour of tours) await loadTour(tour);
  const duty = await loadDutyList();
  console.log(
    `demo-rectify: loaded ${counts.batches} inspection tour batches (${counts.problems} problems, ` +
      `${counts.tasks} tasks, ${counts.responsibilities} responsibilities, ${counts.steps} steps)` +
      (duty ? `, and city_a's responsibility list for ${year}` : ''),
  );
  await as.logoutAll();
}

main().catch((e) => {
  console.error(`demo-rectify: ${e instanceof ApiError ? e.message : e.stack}`);
  process.exit(1);
});
