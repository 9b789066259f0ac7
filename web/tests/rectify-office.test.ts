import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/client';
import type { DutyItem, DutyRecord, RectifyTask } from '@/api/types';
import {
  emptyLedgerFilters,
  ledgerExportHref,
  ledgerFiltersFromQuery,
  ledgerFiltersToQuery,
  ledgerQuery,
  taskActions,
} from '@/lib/rectify';
import {
  IMPORT_COLUMNS,
  averageDays,
  drawBody,
  emptyDrawForm,
  importErrorRows,
  importTemplate,
  isImportRefusal,
  ladderRungs,
  recheckBody,
  statFigureQuery,
  statRows,
  validateDraw,
  validateRecheck,
} from '@/lib/rectifyOffice';
import {
  canJudgeRecord,
  canScore,
  dutyExportHref,
  dutyListBody,
  dutyListForm,
  dutyRecordBody,
  dutyScoreBody,
  dutyTableQuery,
  emptyDutyItem,
  recordsFor,
  validYear,
  validateDutyList,
  validateDutyRecord,
  validateDutyScore,
} from '@/lib/duty';
import en from '@/locales/en';
import zh from '@/locales/zh-CN';

const LEAD = { id: 'lead', roles: ['inspection_lead'], unitPath: 'hq' };
const EAST_INSPECTOR = { id: 'insp-east', roles: ['inspector'], unitPath: 'hq.east' };
const CITY_LEADER = { id: 'u-city', roles: ['unit_leader'], unitPath: 'hq.east.city_a' };
const AUDITOR = { id: 'aud', roles: ['auditor'], unitPath: 'hq' };
const CASE = '0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f';

function closed(over: Partial<RectifyTask> = {}): RectifyTask {
  return {
    stage: 'closed',
    org_path: 'hq.east.city_a',
    measures: [],
    parties_pending: [],
    requested_by: null,
    verifications: [],
    round: 1,
    recheck_state: null,
    ...over,
  } as RectifyTask;
}

describe('re-check and relapse', () => {
  it('offers relapse of any closed task and a re-check of a drawn one, to the office outside the unit', () => {
    expect([...taskActions(closed(), LEAD)]).toEqual(['relapse']);
    expect([...taskActions(closed({ recheck_state: 'pending' }), LEAD)].sort()).toEqual(['recheck', 'relapse']);
    expect([...taskActions(closed({ recheck_state: 'held' }), LEAD)]).toEqual(['relapse']);
    // The east inspector is of the task's unit's line (the unit is below it).
    expect(taskActions(closed({ org_path: 'hq.east' }), EAST_INSPECTOR).size).toBe(0);
    expect(taskActions(closed({ org_path: 'hq.east', recheck_state: 'pending' }), { ...EAST_INSPECTOR, unitPath: 'hq.east.city_a' }).size).toBe(0);
    expect(taskActions(closed({ recheck_state: 'pending' }), CITY_LEADER).size).toBe(0);
    expect(taskActions(closed({ recheck_state: 'pending' }), AUDITOR).size).toBe(0);
    expect(taskActions(closed({ stage: 'verified', recheck_state: 'pending' }), EAST_INSPECTOR).has('recheck')).toBe(false);
  });

  it('checks the finding and a relapse deadline after today, and sends the deadline only for a relapse', () => {
    expect(validateRecheck({ finding: ' ', deadline_on: '' }, false, '2026-06-01')).toEqual({ finding: 'validate.required' });
    expect(validateRecheck({ finding: 'holds', deadline_on: '2026-06-01' }, true, '2026-06-01')).toEqual({ deadline_on: 'recheck.deadlinePast' });
    expect(validateRecheck({ finding: 'back', deadline_on: '2026-02-30' }, true, '2026-01-01')).toEqual({ deadline_on: 'caseFlow.dateInvalid' });
    expect(validateRecheck({ finding: 'x'.repeat(2001), deadline_on: '' }, false, '2026-01-01')).toEqual({ finding: 'validate.tooLong' });
    expect(recheckBody({ finding: ' back ', deadline_on: '2026-07-01' }, true)).toEqual({ finding: 'back', deadline_on: '2026-07-01' });
    expect(recheckBody({ finding: 'holds', deadline_on: '2026-07-01' }, false)).toEqual({ finding: 'holds' });
    expect(recheckBody({ finding: 'back', deadline_on: '' }, true)).toEqual({ finding: 'back' });
  });

  it('lists the ladder rungs in order, with those climbed', () => {
    expect(ladderRungs({ ladder: ['reminded', 'overdue_warned'] })).toEqual([
      { rung: 'reminded', reached: true },
      { rung: 'overdue_warned', reached: true },
      { rung: 'accountability_proposed', reached: false },
    ]);
    expect(ladderRungs({}).every((r) => !r.reached)).toBe(true);
  });
});

describe('the ledger filters beyond the first ones', () => {
  it('keeps the re-check state and the case from the URL and drops malformed ones', () => {
    const f = ledgerFiltersFromQuery({ recheck: 'pending', case_id: CASE.toUpperCase() });
    expect(f.recheck).toBe('pending');
    expect(f.case_id).toBe(CASE);
    expect(ledgerFiltersToQuery(f)).toEqual({ recheck: 'pending', case_id: CASE });
    const bad = ledgerFiltersFromQuery({ recheck: 'maybe', case_id: 'not-a-uuid' });
    expect(bad.recheck).toBe('');
    expect(bad.case_id).toBe('');
  });

  it('sends them under the API names, and the export takes the same filters without paging', () => {
    const f = { ...emptyLedgerFilters(), recheck: 'relapsed', case_id: CASE, unit: 'east', overdue: true };
    const q = new URLSearchParams(ledgerQuery(f, 20, null));
    expect(q.get('recheck')).toBe('relapsed');
    expect(q.get('case_id')).toBe(CASE);
    expect(q.get('unit_code')).toBe('east');
    const href = ledgerExportHref(f, 'csv');
    expect(href.startsWith('/api/v1/rectify/tasks/export?')).toBe(true);
    const e = new URLSearchParams(href.split('?')[1]);
    expect(e.get('format')).toBe('csv');
    expect(e.get('overdue')).toBe('true');
    expect(e.get('unit_code')).toBe('east');
    expect(e.has('limit')).toBe(false);
    expect(new URLSearchParams(ledgerExportHref(emptyLedgerFilters(), 'xlsx').split('?')[1]).toString()).toBe('format=xlsx');
  });
});

describe('the CSV import', () => {
  it('offers a template with the Chinese headers the gateway reads, with a BOM and CRLF', () => {
    const csv = importTemplate([['1', 'a, "b"', '', '', '', 't', 'city_a', 'l', '', '']]);
    expect(csv.startsWith('\ufeff问题序号,问题描述,问题类别,严重程度,依据,整改任务,责任单位代码,责任领导,第一责任人,整改期限\r\n')).toBe(true);
    expect(csv).toContain('1,"a, ""b""",,,,t,city_a,l,,\r\n');
    expect(IMPORT_COLUMNS.filter((c) => c.required).map((c) => c.key)).toEqual(['problem_no', 'problem', 'task', 'unit_code', 'leader']);
  });

  it('turns the 400 errors into rows by line, reading the field when line or column is missing', () => {
    const e = new ApiError(
      400,
      {
        detail: 'the file has 3 problems; nothing was imported',
        errors: [
          { field: 'line 3.unit_code', line: 3, column: '责任单位代码', description: 'west is not below the batch' },
          { field: 'line 2.deadline', description: 'must be a date' },
          { field: 'file', line: 0, description: 'empty' },
        ],
      },
      null,
    );
    expect(isImportRefusal(e)).toBe(true);
    expect(importErrorRows(e.errors)).toEqual([
      { line: 0, column: '', message: 'empty' },
      { line: 2, column: 'deadline', message: 'must be a date' },
      { line: 3, column: '责任单位代码', message: 'west is not below the batch' },
    ]);
    expect(isImportRefusal(new ApiError(413, { detail: 'too large' }, null))).toBe(false);
  });
});

describe('the draw', () => {
  it('needs a unit; the batch a UUID, the share 0 to 100, the due day after today', () => {
    const f = { ...emptyDrawForm(), unit_code: '' };
    expect(validateDraw(f, '2026-01-01')).toEqual({ unit_code: 'validate.required' });
    expect(
      validateDraw({ unit_code: 'east', batch_id: 'x', share_percent: '101', seed: 's'.repeat(101), due_on: '2026-01-01' }, '2026-01-01'),
    ).toEqual({ batch_id: 'recheck.batchInvalid', share_percent: 'recheck.shareInvalid', seed: 'validate.tooLong', due_on: 'recheck.deadlinePast' });
    expect(validateDraw({ unit_code: 'east', batch_id: CASE, share_percent: '0', seed: '', due_on: '2026-03-01' }, '2026-01-01')).toEqual({});
  });

  it('sends only what is given, the share as a number', () => {
    expect(drawBody({ unit_code: ' east ', batch_id: '', share_percent: '25', seed: '', due_on: '' })).toEqual({ unit_code: 'east', share_percent: 25 });
    expect(drawBody({ unit_code: 'east', batch_id: CASE.toUpperCase(), share_percent: '', seed: ' s1 ', due_on: '2026-09-01' })).toEqual({
      unit_code: 'east',
      batch_id: CASE,
      seed: 's1',
      due_on: '2026-09-01',
    });
  });
});

describe('the overview figures', () => {
  const base = { ...emptyLedgerFilters(), source: 'audit', sort: 'deadline' as const };

  it('opens the ledger filtered to what each figure counts', () => {
    expect(statFigureQuery(base, 'unit', 'hq.east.city_a', 'overdue')).toEqual({ source: 'audit', unit: 'city_a', overdue: 'true' });
    expect(statFigureQuery(base, 'all', '', 'total')).toEqual({ source: 'audit' });
    expect(statFigureQuery(base, 'source', 'inspection', 'relapsed')).toEqual({ source: 'inspection', relapsed: 'true' });
    expect(statFigureQuery(base, 'stage', 'in_progress', 'total')).toEqual({ source: 'audit', stage: 'in_progress' });
    expect(statFigureQuery(base, 'all', '', 'closed')).toEqual({ source: 'audit', stage: 'closed' });
    expect(statFigureQuery(base, 'stage', 'closed', 'closed')).toEqual({ source: 'audit', stage: 'closed' });
    expect(statFigureQuery(base, 'stage', 'assigned', 'closed')).toBeNull();
    expect(statFigureQuery(base, 'all', '', 'on_time')).toBeNull();
  });

  it('lists the groups with tasks in the workflow order, and the days to close', () => {
    const row = (key: string, total: number) => ({ key, total, on_time: 0, overdue: 0, closed: 0, relapsed: 0, average_days_to_close: 0 });
    expect(statRows([row('closed', 2), row('assigned', 1), row('verified', 0)], ['assigned', 'in_progress', 'closed']).map((r) => r.key)).toEqual([
      'assigned',
      'closed',
    ]);
    expect(statRows([row('hq.west', 1), row('hq.east', 3)]).map((r) => r.key)).toEqual(['hq.east', 'hq.west']);
    expect(averageDays({ closed: 0, average_days_to_close: 0 })).toBe('-');
    expect(averageDays({ closed: 3, average_days_to_close: 12.345 })).toBe('12.3');
  });
});

describe('responsibility lists', () => {
  const list = { org_path: 'hq.east.city_a', year: 2026 };
  const item = { seq: 1, outcome: null, scored_at: null } as DutyItem;
  const rec = { id: 'r1', state: 'recorded', recorded_by: 'u-city' } as DutyRecord;

  it('lets the unit record, the office of another unit judge and score from December 1, once', () => {
    expect(recordsFor(list, CITY_LEADER)).toBe(true);
    expect(recordsFor(list, { ...CITY_LEADER, unitPath: 'hq.west' })).toBe(false);
    expect(canJudgeRecord(list, item, rec, LEAD)).toBe(true);
    expect(canJudgeRecord(list, item, rec, { ...LEAD, unitPath: 'hq.east.city_a' })).toBe(false);
    expect(canJudgeRecord(list, item, { ...rec, recorded_by: 'lead' }, LEAD)).toBe(false);
    expect(canJudgeRecord(list, item, { ...rec, state: 'confirmed' }, LEAD)).toBe(false);
    expect(canJudgeRecord(list, item, rec, AUDITOR)).toBe(false);
    expect(canScore(list, item, LEAD, '2026-11-30')).toBe(false);
    expect(canScore(list, item, LEAD, '2026-12-01')).toBe(true);
    expect(canScore(list, { ...item, outcome: 'done', scored_at: 'x' }, LEAD, '2026-12-02')).toBe(false);
  });

  it('checks a list and sends its months as numbers, the whole year left out', () => {
    const f = dutyListForm(2026);
    expect(f).toEqual({ unit_code: '', year: '2026', items: [emptyDutyItem()] });
    expect(validateDutyList({ unit_code: 'City', year: '1999', items: [] })).toEqual({
      unit_code: 'caseFlow.unitCodeInvalid',
      year: 'duty.yearInvalid',
      items: 'duty.itemsCount',
    });
    const bad = validateDutyList({ unit_code: 'city_a', year: '2026', items: [{ text: 'a', leader: '', from_month: '13', to_month: '2', standard: 's' }] });
    expect(bad).toEqual({ 'items[0].leader': 'validate.required', 'items[0].from_month': 'duty.monthInvalid' });
    expect(validateDutyList({ unit_code: 'city_a', year: '2026', items: [{ text: 'a', leader: 'l', from_month: '6', to_month: '3', standard: 's' }] })).toEqual({
      'items[0].to_month': 'duty.monthOrder',
    });
    expect(
      dutyListBody({
        unit_code: ' city_a ',
        year: '2026',
        items: [
          { text: ' a ', leader: 'l', from_month: '3', to_month: '6', standard: 's' },
          { text: 'b', leader: 'l', from_month: '', to_month: '', standard: 's' },
        ],
      }),
    ).toEqual({
      unit_code: 'city_a',
      year: 2026,
      items: [
        { text: 'a', leader: 'l', standard: 's', from_month: 3, to_month: 6 },
        { text: 'b', leader: 'l', standard: 's' },
      ],
    });
  });

  it('checks a record (a day of the year, not in the future, a document) and a score', () => {
    const sha = 'a'.repeat(64);
    expect(validateDutyRecord({ item: '1', note: 'n', done_on: '2025-12-31', sha256: sha }, 2026, [1], '2026-05-01')).toEqual({ done_on: 'duty.notInYear' });
    expect(validateDutyRecord({ item: '1', note: 'n', done_on: '2026-05-02', sha256: sha }, 2026, [1], '2026-05-01')).toEqual({ done_on: 'rectify.inFuture' });
    expect(validateDutyRecord({ item: '2', note: '', done_on: '2026-04-01', sha256: 'x' }, 2026, [1], '2026-05-01')).toEqual({
      item: 'validate.required',
      note: 'validate.required',
      sha256: 'rectify.pickDocument',
    });
    expect(dutyRecordBody({ item: '1', note: ' n ', done_on: '2026-04-01', sha256: sha })).toEqual({ item: 1, note: 'n', done_on: '2026-04-01', sha256: sha });
    expect(validateDutyScore({ outcome: 'maybe', score: '101', note: '' })).toEqual({ outcome: 'validate.required', score: 'duty.scoreInvalid' });
    expect(dutyScoreBody(2, { outcome: 'partly', score: '70', note: ' ' })).toEqual({ item: 2, outcome: 'partly', score: 70 });
  });

  it('reads the year from the URL and builds the table and export paths', () => {
    expect(validYear('2026')).toBe(2026);
    expect(validYear('1999')).toBeNull();
    expect(validYear(['2026'])).toBeNull();
    expect(dutyTableQuery(2026, 'east')).toBe('/api/v1/rectify/duty-lists?year=2026&unit_code=east');
    expect(dutyTableQuery(2026, 'Bad Unit')).toBe('/api/v1/rectify/duty-lists?year=2026');
    expect(dutyExportHref(2026, '')).toBe('/api/v1/rectify/duty-lists/export?year=2026&format=xlsx');
  });
});

describe('labels', () => {
  it('names every re-check state, rung, outcome and record state in both languages', () => {
    for (const m of [en, zh] as unknown as Record<string, Record<string, string>>[]) {
      for (const s of ['pending', 'held', 'relapsed']) expect(m.recheckState[s]).toBeTruthy();
      for (const r of ['reminded', 'overdue_warned', 'accountability_proposed']) expect(m.ladderRung[r]).toBeTruthy();
      for (const o of ['done', 'partly', 'not_done']) expect(m.dutyOutcome[o]).toBeTruthy();
      for (const s of ['recorded', 'confirmed', 'refused']) expect(m.dutyRecordState[s]).toBeTruthy();
      expect(m.source.rectification).toBeTruthy();
    }
  });
});

describe('messages', () => {
  it('compiles every message of both languages (a "|" or "@" in a text breaks vue-i18n)', async () => {
    const { createI18n } = await import('vue-i18n');
    // The development build reports a message that does not compile on the
    // console rather than throwing, as the production build does.
    const said: string[] = [];
    const spies = (['warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void said.push(args.map(String).join(' '))),
    );
    const leaves = (o: Record<string, unknown>, pre = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? leaves(v as Record<string, unknown>, `${pre}${k}.`) : [`${pre}${k}`]));
    for (const [locale, messages] of Object.entries({ en, 'zh-CN': zh })) {
      const errors: string[] = [];
      // Typed loosely: the messages' own type is too deep for the compiler here.
      const make = createI18n as unknown as (o: object) => { global: { t: (key: string, named: object) => string } };
      const i18n = make({ legacy: false, locale, messages: { [locale]: messages }, missingWarn: false, fallbackWarn: false });
      for (const key of leaves(messages as Record<string, unknown>)) {
        try {
          i18n.global.t(key, {});
        } catch (e) {
          errors.push(`${locale} ${key}: ${String(e)}`);
        }
      }
      expect(errors).toEqual([]);
    }
    spies.forEach((s) => s.mockRestore());
    expect(said.filter((m) => /compil|SyntaxError/i.test(m))).toEqual([]);
  });
});
