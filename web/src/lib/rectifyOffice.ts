/* The office's side of rectification beyond a task's steps
 * (docs/rectification.md): a batch's lists imported from a CSV file and
 * the errors of a refused file, the re-check (回头看) and relapse
 * (整改反弹) forms, the draw of tasks for re-checks, the escalation
 * ladder's rungs as the task page shows them, and the overview's figures
 * with the ledger each opens. Pure rules: the pages and the unit tests
 * share them. */
import type { ApiError, FieldError } from '@/api/client';
import type { RectifyCount, RectifyTask } from '@/api/types';
import type { Errors } from '@/lib/validate';
import { checkDate, checkText, isDate } from '@/lib/caseFlow';
import { unitCode } from '@/lib/dashboard';
import { ledgerFiltersFromQuery, ledgerFiltersToQuery, type LedgerFilters } from '@/lib/rectify';

/* --- the CSV import of a batch's lists ----------------------------------------- */

/* The columns of the import file: key, the Chinese header the template
 * uses, whether it is required. */
export const IMPORT_COLUMNS = [
  { key: 'problem_no', header: '问题序号', required: true },
  { key: 'problem', header: '问题描述', required: true },
  { key: 'category', header: '问题类别', required: false },
  { key: 'severity', header: '严重程度', required: false },
  { key: 'basis', header: '依据', required: false },
  { key: 'task', header: '整改任务', required: true },
  { key: 'unit_code', header: '责任单位代码', required: true },
  { key: 'leader', header: '责任领导', required: true },
  { key: 'first_responsible', header: '第一责任人', required: false },
  { key: 'deadline', header: '整改期限', required: false },
] as const;

/* One field of a CSV row, quoted when it needs to be (RFC 4180). */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/* The template: a byte order mark (Excel then reads it as UTF-8), the
 * Chinese headers and rows of an example, CRLF as Excel writes it. */
export function importTemplate(example: readonly (readonly string[])[] = TEMPLATE_EXAMPLE): string {
  const rows = [IMPORT_COLUMNS.map((c) => c.header), ...example];
  return `\ufeff${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

const TEMPLATE_EXAMPLE = [
  ['1', '物资采购未按规定公开招标', '采购管理', '较重', '《招标投标法》第三条', '重新组织公开招标', 'city_a', '王副总经理', '李总经理', '2026-12-31'],
  ['1', '物资采购未按规定公开招标', '采购管理', '较重', '《招标投标法》第三条', '修订采购管理制度', 'city_a', '王副总经理', '李总经理', ''],
];

/* An error of a refused file as the page's table shows it. */
export interface ImportErrorRow {
  line: number; // the file's physical line; 0 the whole file
  column: string;
  message: string;
}

const LINE_FIELD = /^line (\d+)\.(\w+)$/;

/* The 400's errors as rows by line: the line and column the answer gives,
 * or read from the field ("line 3.unit_code") when it gives none. */
export function importErrorRows(errors: readonly FieldError[]): ImportErrorRow[] {
  const rows = errors.map((e) => {
    const m = LINE_FIELD.exec(e.field ?? '');
    const line = typeof e.line === 'number' ? e.line : m ? Number(m[1]) : 0;
    const column = e.column ?? (m ? m[2] : e.field === 'file' || !e.field ? '' : e.field);
    return { line, column, message: e.description };
  });
  return rows.sort((a, b) => a.line - b.line);
}

/* Whether a refusal is the import's own list of the file's problems. */
export function isImportRefusal(e: ApiError): boolean {
  return e.status === 400 && e.errors.length > 0;
}

/* The file as the gateway takes it: text/csv whatever the browser typed
 * (Windows calls a .csv application/vnd.ms-excel, some systems nothing). */
export function csvBody(file: Blob): Blob {
  return new Blob([file], { type: 'text/csv' });
}

/* --- re-check and relapse --------------------------------------------------------- */

export interface RecheckForm {
  finding: string;
  deadline_on: string; // relapse only; '' for a month on
}

export function emptyRecheckForm(): RecheckForm {
  return { finding: '', deadline_on: '' };
}

/* today: YYYY-MM-DD; a relapse's new deadline lies after today. */
export function validateRecheck(f: RecheckForm, relapse: boolean, today: string): Errors {
  const e: Errors = {};
  checkText(e, 'finding', f.finding, true, 2000);
  if (relapse && f.deadline_on) {
    if (!isDate(f.deadline_on)) e.deadline_on = 'caseFlow.dateInvalid';
    else if (f.deadline_on <= today) e.deadline_on = 'recheck.deadlinePast';
  }
  return e;
}

export function recheckBody(f: RecheckForm, relapse: boolean): { finding: string; deadline_on?: string } {
  const body: { finding: string; deadline_on?: string } = { finding: f.finding.trim() };
  if (relapse && f.deadline_on) body.deadline_on = f.deadline_on;
  return body;
}

/* --- the draw ---------------------------------------------------------------------- */

export interface DrawForm {
  unit_code: string;
  batch_id: string;
  share_percent: string;
  seed: string;
  due_on: string;
}

export const DRAW_FIELDS = ['unit_code', 'batch_id', 'share_percent', 'seed', 'due_on'] as const;

export function emptyDrawForm(): DrawForm {
  return { unit_code: '', batch_id: '', share_percent: '10', seed: '', due_on: '' };
}

const UNIT_CODE = /^[a-z0-9_]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validateDraw(f: DrawForm, today: string): Errors {
  const e: Errors = {};
  const unit = f.unit_code.trim();
  if (!unit) e.unit_code = 'validate.required';
  else if (!UNIT_CODE.test(unit)) e.unit_code = 'caseFlow.unitCodeInvalid';
  if (f.batch_id.trim() && !UUID.test(f.batch_id.trim())) e.batch_id = 'recheck.batchInvalid';
  const share = f.share_percent.trim();
  if (share && !(/^\d{1,3}$/.test(share) && Number(share) <= 100)) e.share_percent = 'recheck.shareInvalid';
  checkText(e, 'seed', f.seed, false, 100);
  if (f.due_on) {
    checkDate(e, 'due_on', f.due_on);
    if (!e.due_on && f.due_on <= today) e.due_on = 'recheck.deadlinePast';
  }
  return e;
}

export function drawBody(f: DrawForm): Record<string, string | number> {
  const body: Record<string, string | number> = { unit_code: f.unit_code.trim() };
  if (f.batch_id.trim()) body.batch_id = f.batch_id.trim().toLowerCase();
  if (f.share_percent.trim()) body.share_percent = Number(f.share_percent.trim());
  if (f.seed.trim()) body.seed = f.seed.trim();
  if (f.due_on) body.due_on = f.due_on;
  return body;
}

/* --- the escalation ladder ------------------------------------------------------- */

export const LADDER_RUNGS = ['reminded', 'overdue_warned', 'accountability_proposed'] as const;

export interface Rung {
  rung: string;
  reached: boolean;
}

/* Every rung in order, with whether the task has climbed it. */
export function ladderRungs(t: Pick<RectifyTask, 'ladder'>): Rung[] {
  const climbed = new Set(t.ladder ?? []);
  return LADDER_RUNGS.map((rung) => ({ rung, reached: climbed.has(rung) }));
}

/* --- the overview's figures ---------------------------------------------------- */

export type StatGroup = 'all' | 'unit' | 'source' | 'stage';
export type StatFigure = 'total' | 'on_time' | 'overdue' | 'closed' | 'relapsed';

export const STAT_FIGURES: readonly StatFigure[] = ['total', 'on_time', 'overdue', 'closed', 'relapsed'];

/* The ledger's query (its URL, ledgerFiltersFromQuery()) that lists what a
 * figure counts, over the overview's filters: a group's key sets the unit,
 * source or stage; the figure adds overdue, closed or relapsed. null where
 * no ledger filter counts the same tasks (on time: neither overdue nor
 * closed). */
export function statFigureQuery(
  base: LedgerFilters,
  group: StatGroup,
  key: string,
  figure: StatFigure,
): Record<string, string> | null {
  if (figure === 'on_time') return null;
  const f: LedgerFilters = { ...base, sort: '' };
  if (group === 'unit') f.unit = unitCode(key);
  if (group === 'source') f.source = key;
  if (group === 'stage') f.stage = key;
  if (figure === 'overdue') f.overdue = true;
  if (figure === 'relapsed') f.relapsed = true;
  if (figure === 'closed') {
    if (f.stage && f.stage !== 'closed') return null;
    f.stage = 'closed';
  }
  return ledgerFiltersToQuery(ledgerFiltersFromQuery(ledgerFiltersToQuery(f)));
}

/* Groups with tasks, by count then key; a group of none says nothing. */
export function statRows(rows: readonly RectifyCount[] | undefined, order: readonly string[] = []): RectifyCount[] {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...(rows ?? [])]
    .filter((r) => r.total > 0)
    .sort((a, b) => (order.length ? rank(a.key) - rank(b.key) : 0) || a.key.localeCompare(b.key));
}

/* Days as the overview shows them: one decimal, "-" when nothing closed. */
export function averageDays(r: Pick<RectifyCount, 'average_days_to_close' | 'closed'>): string {
  return r.closed > 0 && Number.isFinite(r.average_days_to_close) ? r.average_days_to_close.toFixed(1) : '-';
}
