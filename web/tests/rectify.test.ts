import { describe, expect, it } from 'vitest';
import {
  RECTIFY_SOURCES,
  TASK_STAGES,
  batchBody,
  batchListQuery,
  countByStage,
  emptyBatchForm,
  emptyEvidenceForm,
  emptyLedgerFilters,
  emptyProblemForm,
  emptyTaskForm,
  evidenceBody,
  ledgerFiltersFromQuery,
  ledgerFiltersToQuery,
  ledgerQuery,
  partiesFor,
  planBody,
  planForm,
  problemBody,
  responsibilityBody,
  taskActions,
  taskBody,
  validateBatch,
  validateEvidence,
  validatePlan,
  validateProblem,
  validateResponsibility,
  validateTask,
  validateVerdict,
  within,
  canUploadEvidence,
} from '@/lib/rectify';
import type { RectifyTask } from '@/api/types';
import en from '@/locales/en';
import zh from '@/locales/zh-CN';

const UNIT_LEADER = { id: 'u-east', roles: ['unit_leader'], unitPath: 'hq.east' };
const CITY_LEADER = { id: 'u-city', roles: ['unit_leader'], unitPath: 'hq.east.city_a' };
const WEST_LEADER = { id: 'u-west', roles: ['unit_leader'], unitPath: 'hq.west' };
const INSPECTOR = { id: 'insp', roles: ['inspector'], unitPath: 'hq' };
const LEAD = { id: 'lead', roles: ['inspection_lead'], unitPath: 'hq' };
const EAST_INSPECTOR = { id: 'insp-east', roles: ['inspector'], unitPath: 'hq.east' };
const AUDITOR = { id: 'aud', roles: ['auditor'], unitPath: 'hq' };

function task(over: Partial<RectifyTask> = {}): RectifyTask {
  return {
    id: 't1',
    batch_id: 'b1',
    problem_id: 'p1',
    source: 'inspection_tour',
    text: 'Re-tender',
    org_path: 'hq.east.city_a',
    leader: 'Wang',
    first_responsible: 'Li',
    deadline_on: '2027-01-01',
    stage: 'assigned',
    measures: [],
    evidence: [],
    verifications: [],
    parties_required: [],
    parties_pending: [],
    round: 0,
    requested_by: null,
    rejection_reason: null,
    relapsed: false,
    relapse_count: 0,
    created_at: '',
    updated_at: '',
    closed_at: null,
    deadline_state: 'on_time',
    problem_description: '',
    batch_title: '',
    case_id: null,
    ...over,
  };
}

const M1 = { seq: 1, text: 'Cancel', milestone_on: '2026-12-20', evidence_count: 1 };
const M2 = { seq: 2, text: 'Re-tender', milestone_on: '2026-12-28', evidence_count: 0 };

const actions = (t: RectifyTask, a: typeof INSPECTOR) => [...taskActions(t, a)].sort();

describe('which steps a role sees in which stage', () => {
  it('lets the unit above or of the task plan an assigned task, nobody else', () => {
    const t = task();
    expect(actions(t, UNIT_LEADER)).toEqual(['plan']);
    expect(actions(t, CITY_LEADER)).toEqual(['plan']);
    expect(actions(t, WEST_LEADER)).toEqual([]);
    for (const a of [INSPECTOR, LEAD, AUDITOR]) expect(actions(t, a)).toEqual([]);
  });

  it('offers evidence once there is a plan and closure once every measure has evidence', () => {
    expect(actions(task({ stage: 'in_progress' }), UNIT_LEADER)).toEqual(['plan']);
    expect(actions(task({ stage: 'in_progress', measures: [M1, M2] }), UNIT_LEADER)).toEqual(['add_evidence', 'plan']);
    expect(actions(task({ stage: 'in_progress', measures: [M1, { ...M2, evidence_count: 2 }] }), UNIT_LEADER)).toEqual([
      'add_evidence',
      'plan',
      'request_closure',
    ]);
    expect(actions(task({ stage: 'in_progress', measures: [M1] }), LEAD)).toEqual([]);
  });

  it('lets the office verify or reject for a pending party, never the asker, the unit or one who accepted', () => {
    const t = task({
      stage: 'closure_requested',
      round: 1,
      parties_required: ['office', 'inspection_group'],
      parties_pending: ['office', 'inspection_group'],
      requested_by: 'u-east',
    });
    expect(actions(t, INSPECTOR)).toEqual(['reject', 'verify']);
    expect(partiesFor(t, INSPECTOR)).toEqual(['office', 'inspection_group']);
    expect(actions(t, UNIT_LEADER)).toEqual([]);
    expect(actions(t, AUDITOR)).toEqual([]);
    // Of the responsible unit's subtree's scope: the service refuses.
    expect(actions(t, { ...EAST_INSPECTOR, unitPath: 'hq.east.city_a' })).toEqual([]);
    // The one who asked may not verify.
    expect(actions(t, { ...INSPECTOR, id: 'u-east' })).toEqual([]);
    // An inspector who accepted for one party leaves the other to someone else.
    const after = task({
      ...t,
      parties_pending: ['inspection_group'],
      verifications: [{ round: 1, party: 'office', verifier_id: 'insp', verdict: 'accepted', reason: '', verified_at: '' }],
    });
    expect(actions(after, INSPECTOR)).toEqual([]);
    expect(partiesFor(after, LEAD)).toEqual(['inspection_group']);
    // An acceptance of an earlier round does not count.
    expect(partiesFor({ ...after, round: 2 }, INSPECTOR)).toEqual(['inspection_group']);
  });

  it('lets a lead close off a verified task, and only the office re-check a closed one', () => {
    expect(actions(task({ stage: 'verified' }), LEAD)).toEqual(['close']);
    expect(actions(task({ stage: 'verified' }), INSPECTOR)).toEqual([]);
    for (const a of [INSPECTOR, LEAD]) expect(actions(task({ stage: 'closed' }), a)).toEqual(['relapse']);
    for (const a of [AUDITOR, UNIT_LEADER]) expect(actions(task({ stage: 'closed' }), a)).toEqual([]);
  });

  it('lets the unit upload while the work is open', () => {
    expect(canUploadEvidence(task({ stage: 'in_progress' }), UNIT_LEADER)).toBe(true);
    expect(canUploadEvidence(task({ stage: 'closure_requested' }), UNIT_LEADER)).toBe(false);
    expect(canUploadEvidence(task({ stage: 'in_progress' }), INSPECTOR)).toBe(false);
  });

  it('compares org paths by whole units', () => {
    expect(within('hq.east.city_a', 'hq.east')).toBe(true);
    expect(within('hq.east', 'hq.east')).toBe(true);
    expect(within('hq.eastern', 'hq.east')).toBe(false);
    expect(within('hq.east', '')).toBe(false);
  });
});

describe('the forms', () => {
  it('checks a batch and sends only what is filled in', () => {
    expect(Object.keys(validateBatch(emptyBatchForm())).sort()).toEqual(['feedback_on', 'source', 'title', 'unit_code']);
    const f = { ...emptyBatchForm(), source: 'audit', title: ' Audit 2026 ', unit_code: 'east', feedback_on: '2026-11-01' };
    expect(validateBatch(f)).toEqual({});
    expect(batchBody(f)).toEqual({ source: 'audit', title: 'Audit 2026', unit_code: 'east', feedback_on: '2026-11-01' });
    expect(validateBatch({ ...f, unit_code: 'East!' }).unit_code).toBe('caseFlow.unitCodeInvalid');
    expect(validateBatch({ ...f, feedback_on: '2026-02-30' }).feedback_on).toBe('caseFlow.dateInvalid');
    expect(validateBatch({ ...f, source: 'gossip' }).source).toBe('validate.required');
    expect(validateBatch({ ...f, title: 'x'.repeat(201) }).title).toBe('validate.tooLong');
  });

  it('checks a problem, a task and a responsibility', () => {
    expect(validateProblem(emptyProblemForm())).toEqual({ description: 'validate.required' });
    expect(problemBody({ ...emptyProblemForm(), description: ' d ' })).toEqual({ description: 'd', severity: 'general' });
    expect(Object.keys(validateTask(emptyTaskForm())).sort()).toEqual(['leader', 'text', 'unit_code']);
    const t = { ...emptyTaskForm(), text: 'fix', unit_code: 'city_a', leader: 'Wang' };
    expect(validateTask(t)).toEqual({});
    // No deadline: the service counts the source's report period.
    expect(taskBody(t)).toEqual({ text: 'fix', unit_code: 'city_a', leader: 'Wang' });
    expect(validateTask({ ...t, deadline_on: '2026-13-01' }).deadline_on).toBe('caseFlow.dateInvalid');
    expect(Object.keys(validateResponsibility({ problem_id: '', person: '', position: '', duty: '' })).sort()).toEqual(['duty', 'person']);
    expect(responsibilityBody({ problem_id: '', person: 'Li', position: '', duty: '第一责任人' })).toEqual({ person: 'Li', duty: '第一责任人' });
  });

  it('checks a plan under the names the service gives its fields', () => {
    expect(validatePlan([])).toEqual({ measures: 'rectify.measuresCount' });
    expect(validatePlan([{ text: '', milestone_on: '' }])).toEqual({
      'measures[0].text': 'validate.required',
      'measures[0].milestone_on': 'validate.required',
    });
    expect(validatePlan(Array.from({ length: 31 }, () => ({ text: 'a', milestone_on: '2026-12-01' }))).measures).toBe('rectify.measuresCount');
    expect(planBody([{ text: ' a ', milestone_on: '2026-12-01' }])).toEqual({ measures: [{ text: 'a', milestone_on: '2026-12-01' }] });
    // A revision starts from the plan as it is.
    expect(planForm(task({ measures: [M1] }))).toEqual([{ text: 'Cancel', milestone_on: '2026-12-20' }]);
    expect(planForm(task())).toEqual([{ text: '', milestone_on: '' }]);
  });

  it('checks evidence: a measure of the plan, a document, a day not in the future', () => {
    const sha = 'a'.repeat(64);
    expect(Object.keys(validateEvidence(emptyEvidenceForm(), [1, 2], '2026-12-06')).sort()).toEqual([
      'description',
      'effective_on',
      'measure',
      'sha256',
    ]);
    const f = { measure: '2', sha256: sha, effective_on: '2026-12-06', description: ' minutes ' };
    expect(validateEvidence(f, [1, 2], '2026-12-06')).toEqual({});
    expect(validateEvidence({ ...f, measure: '3' }, [1, 2], '2026-12-06').measure).toBe('validate.required');
    expect(validateEvidence({ ...f, effective_on: '2026-12-07' }, [1, 2], '2026-12-06').effective_on).toBe('rectify.inFuture');
    expect(evidenceBody(f)).toEqual({ measure: 2, sha256: sha, effective_on: '2026-12-06', description: 'minutes' });
  });

  it('checks a verdict: a pending party, and a reason to reject', () => {
    expect(validateVerdict('', ['office'], null)).toEqual({ party: 'validate.required' });
    expect(validateVerdict('office', ['office'], null)).toEqual({});
    expect(validateVerdict('office', ['office'], ' ')).toEqual({ reason: 'validate.required' });
  });
});

describe('the ledger and the batch list', () => {
  it('reads filters from a link, dropping what is malformed', () => {
    const f = ledgerFiltersFromQuery({
      stage: 'in_progress',
      source: 'nope',
      unit: 'city_a',
      overdue: 'true',
      relapsed: 'yes',
      q: ' tender ',
      from: '2026-12-01',
      to: '2026-11-01',
      sort: 'deadline',
    });
    expect(f).toEqual({
      ...emptyLedgerFilters(),
      stage: 'in_progress',
      unit: 'city_a',
      overdue: true,
      q: 'tender',
      from: '2026-12-01',
      sort: 'deadline',
    });
    expect(ledgerFiltersFromQuery(ledgerFiltersToQuery(f))).toEqual(f);
  });

  it('asks the API under its own names', () => {
    const f = { ...emptyLedgerFilters(), unit: 'east', from: '2026-12-01', to: '2027-01-31', relapsed: true, sort: 'deadline' as const };
    const q = new URLSearchParams(ledgerQuery(f, 20, 'c1'));
    expect(Object.fromEntries(q)).toEqual({
      unit_code: 'east',
      deadline_from: '2026-12-01',
      deadline_to: '2027-01-31',
      relapsed: 'true',
      sort: 'deadline',
      limit: '20',
      cursor: 'c1',
    });
    expect(batchListQuery({ source: 'audit', unit: 'west' }, 20, null)).toBe('source=audit&unit_code=west&limit=20');
  });

  it('counts tasks by stage, every stage listed in order', () => {
    const counts = countByStage([task(), task({ stage: 'closed' }), task({ stage: 'closed' })]);
    expect(counts.map((c) => c.stage)).toEqual([...TASK_STAGES]);
    expect(counts.find((c) => c.stage === 'closed')?.count).toBe(2);
    expect(counts.find((c) => c.stage === 'verified')?.count).toBe(0);
  });

  it('names every source, stage, severity and party in both languages', () => {
    for (const loc of [en, zh] as unknown as Record<string, Record<string, string>>[]) {
      for (const s of RECTIFY_SOURCES) expect(loc.rectifySource[s]).toBeTruthy();
      for (const s of TASK_STAGES) expect(loc.taskStage[s]).toBeTruthy();
      for (const p of ['office', 'inspection_group']) expect(loc.party[p]).toBeTruthy();
    }
    expect(zh.rectifySource.inspection_tour).toBe('巡视');
  });
});
