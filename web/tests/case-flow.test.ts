import { describe, expect, it } from 'vitest';
import {
  CASE_STAGES,
  caseActions,
  caseFiltersFromQuery,
  caseFiltersToQuery,
  caseListQuery,
  deadlineTag,
  emptyCaseFilters,
  emptyItemForm,
  executeBody,
  fenToYuan,
  isDate,
  itemActions,
  itemBody,
  itemFields,
  ITEM_KINDS,
  measureBody,
  measuresFromDossier,
  stageIndex,
  validateExecute,
  validateExtension,
  validateInvestigator,
  validateItem,
  validateMeasure,
  validateReport,
  validateReviewer,
  yuanToFen,
} from '@/lib/caseFlow';
import type { CaseExtension, CaseRecord, DispositionItem, DossierEntry } from '@/api/types';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const THIRD = '44444444-4444-4444-8444-444444444444';

function kase(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    number: 'AJ-2026-east-00001',
    clue_id: '55555555-5555-4555-8555-555555555555',
    org_path: 'hq.east',
    stage: 'filed',
    subjects: [{ name: '张某', person_id: null, position: null, org_unit: null }],
    summary: 's',
    filed_by: OTHER,
    filed_at: '2026-03-04T05:06:07Z',
    filing_disposal_id: 'd',
    investigators: [OTHER],
    measures: 0,
    items: [],
    extension: null,
    ...over,
  };
}

function item(over: Partial<DispositionItem> = {}): DispositionItem {
  return {
    id: 'i1',
    kind: 'party_discipline',
    measure: 'warning',
    subject: '张某',
    subject_person_id: null,
    amount_fen: null,
    text: null,
    unit_path: null,
    deadline: null,
    added_by: OTHER,
    executed: false,
    executed_on: null,
    executed_note: null,
    executed_by: null,
    ...over,
  };
}

function ext(state: string, by: string): CaseExtension {
  return { state, days: 30, reason: 'r', requested_by: by, decided_by: null, decision_reason: null };
}

const inspector = { id: ME, roles: ['inspector'] };
const lead = { id: ME, roles: ['inspection_lead'] };
const auditor = { id: ME, roles: ['auditor'] };

describe('stages', () => {
  it('orders the six stages and knows no others', () => {
    expect(CASE_STAGES).toEqual(['filed', 'investigation', 'investigation_reported', 'review', 'disposition_decided', 'closed']);
    expect(stageIndex('review')).toBe(3);
    expect(stageIndex('registered')).toBe(-1);
  });
});

describe('deadlines', () => {
  it('colours each state plainly and an unknown one grey', () => {
    expect(['on_time', 'due_soon', 'overdue', 'later', null].map(deadlineTag)).toEqual(['success', 'warning', 'danger', 'info', 'info']);
  });
});

describe('steps a user sees on a case', () => {
  it('lets only an investigator (or a lead) take the investigators steps', () => {
    expect(caseActions(kase(), inspector).has('start_investigation')).toBe(false);
    expect(caseActions(kase({ investigators: [OTHER, ME] }), inspector).has('start_investigation')).toBe(true);
    expect(caseActions(kase(), lead).has('start_investigation')).toBe(true);
    expect([...caseActions(kase({ investigators: [ME] }), auditor)]).toEqual([]);
    const inv = kase({ stage: 'investigation', investigators: [ME] });
    expect(caseActions(inv, inspector).has('log_measure')).toBe(true);
    expect(caseActions({ ...inv, investigators: [OTHER] }, inspector).has('log_measure')).toBe(false);
  });

  it('offers the report only after a measure is logged', () => {
    const inv = kase({ stage: 'investigation', investigators: [ME] });
    expect(caseActions(inv, inspector).has('submit_report')).toBe(false);
    expect(caseActions({ ...inv, measures: 1 }, inspector).has('submit_report')).toBe(true);
    expect(caseActions({ ...inv, stage: 'filed', measures: 1 }, inspector).has('submit_report')).toBe(false);
  });

  it('lets investigators ask for one extension and another lead decide it', () => {
    const inv = kase({ stage: 'investigation', investigators: [OTHER, ME] });
    expect(caseActions(inv, inspector).has('request_extension')).toBe(true);
    // A lead who is not an investigator does not ask.
    expect(caseActions({ ...inv, investigators: [OTHER] }, lead).has('request_extension')).toBe(false);
    expect(caseActions({ ...inv, extension: ext('rejected', ME) }, inspector).has('request_extension')).toBe(false);
    const pending = caseActions({ ...inv, extension: ext('pending', OTHER) }, lead);
    expect(pending.has('approve_extension') && pending.has('reject_extension')).toBe(true);
    expect(caseActions({ ...inv, extension: ext('pending', ME) }, lead).has('approve_extension')).toBe(false);
    expect(caseActions({ ...inv, extension: ext('pending', OTHER) }, inspector).has('approve_extension')).toBe(false);
    expect(caseActions({ ...inv, extension: ext('approved', OTHER) }, lead).has('approve_extension')).toBe(false);
  });

  it('keeps the team to leads in filed and investigation, the handler staying', () => {
    expect(caseActions(kase(), lead).has('add_investigator')).toBe(true);
    expect(caseActions(kase(), lead).has('remove_investigator')).toBe(false);
    expect(caseActions(kase({ investigators: [OTHER, THIRD] }), lead).has('remove_investigator')).toBe(true);
    expect(caseActions(kase({ stage: 'review' }), lead).has('add_investigator')).toBe(false);
    expect(caseActions(kase({ investigators: [ME] }), inspector).has('add_investigator')).toBe(false);
  });

  it('gives review, items, decision and closure to leads in their stages', () => {
    expect(caseActions(kase({ stage: 'investigation_reported' }), lead).has('start_review')).toBe(true);
    expect(caseActions(kase({ stage: 'investigation_reported', investigators: [ME] }), inspector).has('start_review')).toBe(false);
    const review = kase({ stage: 'review' });
    expect(caseActions(review, lead).has('add_item')).toBe(true);
    expect(caseActions(review, lead).has('decide_disposition')).toBe(false);
    expect(caseActions({ ...review, items: [item()] }, lead).has('decide_disposition')).toBe(true);
    const decided = kase({ stage: 'disposition_decided', items: [item({ executed: true }), item({ id: 'i2' })] });
    expect(caseActions(decided, lead).has('close')).toBe(false);
    expect(caseActions({ ...decided, items: [item({ executed: true })] }, lead).has('close')).toBe(true);
    expect([...caseActions({ ...decided, stage: 'closed' }, lead)]).toEqual([]);
  });

  it('removes items in review and marks each executed once after the decision', () => {
    expect([...itemActions(kase({ stage: 'review' }), item(), lead)]).toEqual(['remove_item']);
    expect([...itemActions(kase({ stage: 'review', investigators: [ME] }), item(), inspector)]).toEqual([]);
    const decided = kase({ stage: 'disposition_decided', investigators: [OTHER, ME] });
    expect([...itemActions(decided, item(), inspector)]).toEqual(['execute_item']);
    expect([...itemActions(decided, item({ executed: true }), inspector)]).toEqual([]);
    expect([...itemActions({ ...decided, investigators: [OTHER] }, item(), inspector)]).toEqual([]);
    expect([...itemActions({ ...decided, investigators: [OTHER] }, item(), lead)]).toEqual(['execute_item']);
  });
});

describe('forms', () => {
  it('checks dates as real days', () => {
    expect(isDate('2026-02-28')).toBe(true);
    expect(isDate('2026-02-30')).toBe(false);
    expect(isDate('2026-2-1')).toBe(false);
  });

  it('checks a measure and trims what it sends', () => {
    expect(validateMeasure({ kind: '', date: '', who: ' ', summary: '' })).toEqual({
      kind: 'validate.required',
      date: 'validate.required',
      who: 'validate.required',
      summary: 'validate.required',
    });
    expect(validateMeasure({ kind: 'talk', date: '2026-13-01', who: 'x', summary: 'y' })).toEqual({ date: 'caseFlow.dateInvalid' });
    expect(validateMeasure({ kind: 'talk', date: '2026-03-01', who: '字'.repeat(201), summary: 'y' })).toEqual({ who: 'validate.tooLong' });
    const f = { kind: 'evidence', date: '2026-03-01', who: ' 李四 ', summary: ' 调取合同 ' };
    expect(validateMeasure(f)).toEqual({});
    expect(measureBody(f)).toEqual({ kind: 'evidence', date: '2026-03-01', who: '李四', summary: '调取合同' });
  });

  it('checks the report, the reviewer and a new investigator', () => {
    expect(validateReport(' ')).toEqual({ report: 'validate.required' });
    expect(validateReport('字'.repeat(5001))).toEqual({ report: 'validate.tooLong' });
    expect(validateReport('查明事实')).toEqual({});
    expect(validateReviewer('x', [OTHER])).toEqual({ reviewer_id: 'validate.uuid' });
    expect(validateReviewer(` ${OTHER.toUpperCase()} `, [OTHER])).toEqual({ reviewer_id: 'caseFlow.reviewerIsInvestigator' });
    expect(validateReviewer(ME, [OTHER])).toEqual({});
    expect(validateInvestigator(OTHER, [OTHER])).toEqual({ investigator_id: 'caseFlow.alreadyInvestigator' });
    expect(validateInvestigator(ME, [OTHER])).toEqual({});
  });

  it('checks the extension: 1 to 365 whole days and a reason', () => {
    expect(validateExtension('', '')).toEqual({ days: 'validate.required', reason: 'validate.required' });
    for (const d of ['0', '366', '1.5', '-3', 'ten']) expect(validateExtension(d, 'r').days).toBe('caseFlow.daysRange');
    expect(validateExtension(' 30 ', 'more witnesses')).toEqual({});
  });

  it('checks an executed mark and leaves an empty note out', () => {
    expect(validateExecute({ date: '', note: '' })).toEqual({ date: 'validate.required' });
    expect(validateExecute({ date: '2026-05-01', note: '' })).toEqual({});
    expect(executeBody('i1', { date: '2026-05-01', note: '  ' })).toEqual({ item_id: 'i1', date: '2026-05-01' });
    expect(executeBody('i1', { date: '2026-05-01', note: ' 已宣布 ' })).toEqual({ item_id: 'i1', date: '2026-05-01', note: '已宣布' });
  });
});

describe('disposition items', () => {
  it('shows each kind its own fields', () => {
    expect(itemFields('party_discipline')).toEqual(['measure', 'subject']);
    expect(itemFields('government_sanction')).toEqual(['measure', 'subject']);
    expect(itemFields('organizational_handling')).toEqual(['measure', 'subject']);
    expect(itemFields('transfer_judicial')).toEqual(['subject']);
    expect(itemFields('illicit_gains')).toEqual(['subject', 'amount']);
    expect(itemFields('rectification')).toEqual(['text', 'unit_code', 'deadline']);
    expect(itemFields('nonsense')).toEqual([]);
    expect(ITEM_KINDS).toHaveLength(6);
  });

  it('converts yuan to fen exactly', () => {
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1.1')).toBe(110);
    expect(yuanToFen('¥12,345.67')).toBe(1234567);
    expect(yuanToFen('50000')).toBe(5000000);
    for (const bad of ['', '0', '0.00', '1.234', '-5', 'abc', '1e3', '10000000000000.01']) expect(yuanToFen(bad)).toBeNull();
    expect(fenToYuan(1234567)).toBe('12,345.67');
    expect(fenToYuan(5)).toBe('0.05');
  });

  it('checks the fields of the chosen kind only', () => {
    const subjects = ['张某'];
    expect(validateItem(emptyItemForm(), subjects)).toEqual({ kind: 'validate.required' });
    expect(validateItem({ ...emptyItemForm(), kind: 'party_discipline', measure: 'demerit' }, subjects)).toEqual({
      measure: 'validate.required',
      subject: 'validate.required',
    });
    expect(validateItem({ ...emptyItemForm(), kind: 'transfer_judicial', subject: '王五' }, subjects)).toEqual({
      subject: 'caseFlow.notASubject',
    });
    expect(validateItem({ ...emptyItemForm(), kind: 'illicit_gains', subject: '张某', amount: '1.234' }, subjects)).toEqual({
      amount_fen: 'caseFlow.amountInvalid',
    });
    expect(validateItem({ ...emptyItemForm(), kind: 'rectification', unit_code: 'East!', deadline: '2026-02-30' }, subjects)).toEqual({
      text: 'validate.required',
      unit_code: 'caseFlow.unitCodeInvalid',
      deadline: 'caseFlow.dateInvalid',
    });
    expect(validateItem({ ...emptyItemForm(), kind: 'government_sanction', measure: 'demerit', subject: '张某' }, subjects)).toEqual({});
  });

  it('sends only the kind own fields, the amount in fen', () => {
    const typed = { kind: 'illicit_gains', measure: 'warning', subject: '张某', amount: '3,000.5', text: 'left over', unit_code: 'east', deadline: '2026-06-01' };
    expect(itemBody(typed)).toEqual({ kind: 'illicit_gains', subject: '张某', amount_fen: 300050 });
    expect(itemBody({ ...typed, kind: 'rectification', text: ' 完善采购制度 ' })).toEqual({
      kind: 'rectification',
      text: '完善采购制度',
      unit_code: 'east',
      deadline: '2026-06-01',
    });
    expect(itemBody({ ...typed, kind: 'party_discipline' })).toEqual({ kind: 'party_discipline', measure: 'warning', subject: '张某' });
  });
});

describe('measures from the dossier', () => {
  it('reads the case.measure_logged entries only', () => {
    const entry = (seq: number, action: string, summary: Record<string, unknown> | null): DossierEntry => ({
      seq,
      at: '',
      at_ms: 0,
      actor_id: ME,
      action,
      summary,
      summary_text: '',
      prev_hash: '',
      hash: '',
    });
    const rows = measuresFromDossier([
      entry(1, 'case.filed', { clue_id: 'c' }),
      entry(2, 'case.measure_logged', { kind: 'talk', date_ms: String(Date.UTC(2026, 2, 5)), who: '李四', summary: '谈话' }),
      entry(3, 'case.measure_logged', null),
    ]);
    expect(rows).toEqual([{ seq: 2, kind: 'talk', date: '2026-03-05', who: '李四', summary: '谈话' }]);
  });
});

describe('case list filters', () => {
  it('round-trips through the URL and drops malformed values', () => {
    const f = { ...emptyCaseFilters(), stage: 'review', overdue: true, q: ' 张某 ', sort: 'deadline' as const };
    expect(caseFiltersToQuery(f)).toEqual({ stage: 'review', overdue: 'true', q: '张某', sort: 'deadline' });
    expect(caseFiltersFromQuery(caseFiltersToQuery(f))).toEqual({ ...f, q: '张某' });
    expect(caseFiltersFromQuery({ stage: 'registered', overdue: 'yes', sort: 'name', q: ['a'] })).toEqual(emptyCaseFilters());
  });

  it('builds the API query with the page size and cursor', () => {
    const q = new URLSearchParams(caseListQuery({ ...emptyCaseFilters(), overdue: true }, 20, 'abc'));
    expect(Object.fromEntries(q)).toEqual({ overdue: 'true', limit: '20', cursor: 'abc' });
    expect(caseListQuery(emptyCaseFilters(), 20, null)).toBe('limit=20');
  });
});
