/* A case's life after filing (立案后) as the console sees it
 * (docs/case-lifecycle.md): its stages, which steps a user may see in each,
 * the forms of those steps (what each checks and what it sends), and the
 * case list's filters kept in the URL. The case service decides; these
 * rules only keep buttons away that would certainly be refused, and its
 * 409 reason is still shown when one is. */
import type { CaseRecord, DossierEntry } from '@/api/types';
import { chars, type Errors } from '@/lib/validate';
import { TEXT_MAX, validateId, type Actor } from '@/lib/clueFlow';
import { LIMITS } from '@/lib/limits.generated';

/* The stages in order, as the steps bar shows them. */
export const CASE_STAGES = ['filed', 'investigation', 'investigation_reported', 'review', 'disposition_decided', 'closed'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

/* The position of a stage on the bar; -1 for one this console does not know. */
export function stageIndex(stage: string): number {
  return (CASE_STAGES as readonly string[]).indexOf(stage);
}

export type CaseAction =
  | 'start_investigation'
  | 'add_investigator'
  | 'remove_investigator'
  | 'log_measure'
  | 'submit_report'
  | 'request_extension'
  | 'approve_extension'
  | 'reject_extension'
  | 'start_review'
  | 'add_item'
  | 'remove_item'
  | 'decide_disposition'
  | 'execute_item'
  | 'close';

/* The order the page offers the steps in. */
export const CASE_STEP_ORDER: readonly CaseAction[] = [
  'start_investigation',
  'log_measure',
  'submit_report',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'add_investigator',
  'remove_investigator',
  'start_review',
  'add_item',
  'decide_disposition',
  'close',
];

const TEAM_STAGES = ['filed', 'investigation'];

type CaseFacts = Pick<CaseRecord, 'stage' | 'investigators' | 'measures' | 'items' | 'extension'>;

/* The steps this user may see on this case now. remove_item and
 * execute_item are offered on each item (itemActions). */
export function caseActions(c: CaseFacts, actor: Actor): Set<CaseAction> {
  const out = new Set<CaseAction>();
  const lead = actor.roles.includes('inspection_lead');
  const investigator = (c.investigators ?? []).includes(actor.id);
  // The investigators' steps: an inspector only as one of them, a lead always.
  const acts = lead || (actor.roles.includes('inspector') && investigator);
  const items = c.items ?? [];
  const ext = c.extension ?? null;
  switch (c.stage) {
    case 'filed':
      if (acts) out.add('start_investigation');
      break;
    case 'investigation':
      if (acts) out.add('log_measure');
      // The report needs a measure logged first: without one it is refused.
      if (acts && (c.measures ?? 0) > 0) out.add('submit_report');
      // Only an investigator asks, and only once whatever became of it.
      if (investigator && !ext) out.add('request_extension');
      // A lead other than the requester decides.
      if (lead && ext?.state === 'pending' && ext.requested_by !== actor.id) {
        out.add('approve_extension');
        out.add('reject_extension');
      }
      break;
    case 'investigation_reported':
      if (lead) out.add('start_review');
      break;
    case 'review':
      if (lead) out.add('add_item');
      if (lead && items.length > 0) out.add('decide_disposition');
      break;
    case 'disposition_decided':
      if (lead && items.every((i) => i.executed)) out.add('close');
      break;
    default:
      break;
  }
  if (lead && TEAM_STAGES.includes(c.stage)) {
    out.add('add_investigator');
    // The clue's handler (the first) stays: there must be a named one to remove.
    if ((c.investigators ?? []).length > 1) out.add('remove_investigator');
  }
  return out;
}

/* The steps on one disposition item: removed by a lead in review, marked
 * executed once by an investigator or a lead after the decision. */
export function itemActions(c: CaseFacts, item: { executed: boolean }, actor: Actor): Set<'remove_item' | 'execute_item'> {
  const out = new Set<'remove_item' | 'execute_item'>();
  const lead = actor.roles.includes('inspection_lead');
  const investigator = actor.roles.includes('inspector') && (c.investigators ?? []).includes(actor.id);
  if (c.stage === 'review' && lead) out.add('remove_item');
  if (c.stage === 'disposition_decided' && !item.executed && (lead || investigator)) out.add('execute_item');
  return out;
}

/* The colour of a deadline's state: green on time, amber in the last days,
 * red once overdue; grey for a state this console does not know. */
export function deadlineTag(state: string | null | undefined): 'success' | 'warning' | 'danger' | 'info' {
  if (state === 'on_time') return 'success';
  if (state === 'due_soon') return 'warning';
  if (state === 'overdue') return 'danger';
  return 'info';
}

/* --- forms ---------------------------------------------------------------- */

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/* A calendar date YYYY-MM-DD that exists (no 2024-02-30). */
export function isDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/* A free-text field: required or not, at most max characters. Shared by
 * the rectification forms (src/lib/rectify.ts). */
export function checkText(e: Errors, field: string, v: string, required: boolean, max = TEXT_MAX): void {
  const s = v.trim();
  if (!s) {
    if (required) e[field] = 'validate.required';
  } else if (chars(s) > max) e[field] = 'validate.tooLong';
}

/* A required calendar day. */
export function checkDate(e: Errors, field: string, v: string): void {
  if (!v) e[field] = 'validate.required';
  else if (!isDate(v)) e[field] = 'caseFlow.dateInvalid';
}

export const MEASURE_KINDS = ['talk', 'evidence', 'other'] as const;

export interface MeasureForm {
  kind: string;
  date: string;
  who: string;
  summary: string;
}

export function validateMeasure(f: MeasureForm): Errors {
  const e: Errors = {};
  if (!(MEASURE_KINDS as readonly string[]).includes(f.kind)) e.kind = 'validate.required';
  checkDate(e, 'date', f.date);
  checkText(e, 'who', f.who, true, 200);
  checkText(e, 'summary', f.summary, true);
  return e;
}

export function measureBody(f: MeasureForm): MeasureForm {
  return { kind: f.kind, date: f.date, who: f.who.trim(), summary: f.summary.trim() };
}

export function validateReport(report: string): Errors {
  const e: Errors = {};
  checkText(e, 'report', report, true);
  return e;
}

/* A reviewer (审理人员): an account id, never one of the investigators. */
export function validateReviewer(id: string, investigators: readonly string[]): Errors {
  const e = validateId('reviewer_id', id);
  if (!e.reviewer_id && investigators.some((i) => i.toLowerCase() === id.trim().toLowerCase()))
    e.reviewer_id = 'caseFlow.reviewerIsInvestigator';
  return e;
}

/* An investigator to add: an account id not already on the team. */
export function validateInvestigator(id: string, investigators: readonly string[]): Errors {
  const e = validateId('investigator_id', id);
  if (!e.investigator_id && investigators.some((i) => i.toLowerCase() === id.trim().toLowerCase()))
    e.investigator_id = 'caseFlow.alreadyInvestigator';
  return e;
}

/* The days of the one extension (CG_CASE_EXTENSION_MAX_DAYS is at most
 * this; the service refuses more than its setting with the limit named). */
export const EXTENSION_DAYS_MAX = LIMITS.EXTENSION_DAYS_CEILING;

export function validateExtension(days: string, reason: string): Errors {
  const e: Errors = {};
  const d = days.trim();
  if (!d) e.days = 'validate.required';
  else if (!/^[0-9]+$/.test(d) || Number(d) < 1 || Number(d) > EXTENSION_DAYS_MAX) e.days = 'caseFlow.daysRange';
  checkText(e, 'reason', reason, true);
  return e;
}

export interface ExecuteForm {
  date: string;
  note: string;
}

export function validateExecute(f: ExecuteForm): Errors {
  const e: Errors = {};
  checkDate(e, 'date', f.date);
  checkText(e, 'note', f.note, false);
  return e;
}

export function executeBody(itemId: string, f: ExecuteForm): { item_id: string; date: string; note?: string } {
  const note = f.note.trim();
  return note ? { item_id: itemId, date: f.date, note } : { item_id: itemId, date: f.date };
}

/* --- disposition items (处分/处理) ----------------------------------------- */

export const ITEM_KINDS = [
  'party_discipline',
  'government_sanction',
  'organizational_handling',
  'transfer_judicial',
  'illicit_gains',
  'rectification',
] as const;

/* Each kind's measures (glossary: 党纪处分, 政务处分, 组织处理), as the case
 * service accepts them. */
export const ITEM_MEASURES: Record<string, readonly string[]> = {
  party_discipline: ['warning', 'serious_warning', 'removal_from_posts', 'probation', 'expulsion'],
  government_sanction: ['warning', 'demerit', 'major_demerit', 'demotion', 'dismissal', 'expulsion'],
  organizational_handling: ['criticism_education', 'self_criticism', 'admonishment', 'job_adjustment'],
};

export type ItemField = 'measure' | 'subject' | 'amount' | 'text' | 'unit_code' | 'deadline';

/* The fields the item form shows for a kind. */
export function itemFields(kind: string): ItemField[] {
  if (ITEM_MEASURES[kind]) return ['measure', 'subject'];
  if (kind === 'transfer_judicial') return ['subject'];
  if (kind === 'illicit_gains') return ['subject', 'amount'];
  if (kind === 'rectification') return ['text', 'unit_code', 'deadline'];
  return [];
}

export interface ItemForm {
  kind: string;
  measure: string;
  subject: string;
  amount: string; // yuan as typed, e.g. "12,345.60"
  text: string;
  unit_code: string;
  deadline: string;
}

export function emptyItemForm(): ItemForm {
  return { kind: '', measure: '', subject: '', amount: '', text: '', unit_code: '', deadline: '' };
}

/* The gateway's ceiling: 10^15 fen. */
const FEN_MAX = 1e15;

/* An amount in yuan as typed (thousands separators and a ¥ allowed, at most
 * two decimals) to whole fen (分), or null when it is not one or not above
 * zero. Done on the digits, not with floating point: 0.29 yuan is 29 fen. */
export function yuanToFen(typed: string): number | null {
  const s = typed.trim().replace(/^[¥￥]\s*/, '').replace(/[,，\s]/g, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen) || fen <= 0 || fen > FEN_MAX) return null;
  return fen;
}

/* Fen back to yuan for reading: 1234567 -> "12,345.67". */
export function fenToYuan(fen: number): string {
  const yuan = Math.floor(fen / 100);
  const rest = String(fen % 100).padStart(2, '0');
  return `${yuan.toLocaleString('en-US')}.${rest}`;
}

const UNIT_CODE = /^[a-z0-9_]{1,64}$/;

/* subjects: the case's subjects' names, one of which an item names. */
export function validateItem(f: ItemForm, subjects: readonly string[]): Errors {
  const e: Errors = {};
  if (!(ITEM_KINDS as readonly string[]).includes(f.kind)) {
    e.kind = 'validate.required';
    return e;
  }
  const fields = itemFields(f.kind);
  if (fields.includes('measure') && !(ITEM_MEASURES[f.kind] ?? []).includes(f.measure)) e.measure = 'validate.required';
  if (fields.includes('subject')) {
    if (!f.subject) e.subject = 'validate.required';
    else if (!subjects.includes(f.subject)) e.subject = 'caseFlow.notASubject';
  }
  if (fields.includes('amount')) {
    if (!f.amount.trim()) e.amount_fen = 'validate.required';
    else if (yuanToFen(f.amount) === null) e.amount_fen = 'caseFlow.amountInvalid';
  }
  if (fields.includes('text')) checkText(e, 'text', f.text, true);
  if (fields.includes('unit_code')) {
    const u = f.unit_code.trim();
    if (!u) e.unit_code = 'validate.required';
    else if (!UNIT_CODE.test(u)) e.unit_code = 'caseFlow.unitCodeInvalid';
  }
  if (fields.includes('deadline')) checkDate(e, 'deadline', f.deadline);
  return e;
}

export interface ItemBody {
  kind: string;
  measure?: string;
  subject?: string;
  amount_fen?: number;
  text?: string;
  unit_code?: string;
  deadline?: string;
}

/* The body of POST .../items: only the kind's own fields, so a value typed
 * under another kind is not sent by mistake. Call after validateItem. */
export function itemBody(f: ItemForm): ItemBody {
  const body: ItemBody = { kind: f.kind };
  for (const field of itemFields(f.kind)) {
    if (field === 'amount') body.amount_fen = yuanToFen(f.amount) ?? 0;
    else if (field === 'measure' || field === 'subject' || field === 'deadline') body[field] = f[field];
    else body[field] = f[field].trim();
  }
  return body;
}

/* --- what the dossier tells ------------------------------------------------ */

export interface MeasureRow {
  seq: number;
  kind: string;
  date: string;
  who: string;
  summary: string;
}

/* The investigation measures logged on a case. The case answer counts them
 * only (measures); each one is a case.measure_logged entry of the case's
 * dossier, whose summary holds kind, date_ms, who and summary. */
export function measuresFromDossier(entries: readonly DossierEntry[]): MeasureRow[] {
  const out: MeasureRow[] = [];
  for (const e of entries) {
    if (e.action !== 'case.measure_logged' || !e.summary) continue;
    const s = e.summary;
    const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : typeof s[k] === 'number' ? String(s[k]) : '');
    const ms = Number(str('date_ms'));
    out.push({
      seq: e.seq,
      kind: str('kind'),
      date: Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString().slice(0, 10) : '',
      who: str('who'),
      summary: str('summary'),
    });
  }
  return out;
}

/* --- the case list's filters ------------------------------------------------ */

export interface CaseFilters {
  stage: string;
  overdue: boolean;
  q: string;
  sort: '' | 'deadline'; // '' is the API's default: newest filing first
}

export function emptyCaseFilters(): CaseFilters {
  return { stage: '', overdue: false, q: '', sort: '' };
}

/* Filters from the page's query (a shared link); anything malformed is
 * dropped rather than refused, so an old link still opens the list. */
export function caseFiltersFromQuery(query: Record<string, unknown>): CaseFilters {
  const f = emptyCaseFilters();
  if (typeof query.stage === 'string' && stageIndex(query.stage) >= 0) f.stage = query.stage;
  f.overdue = query.overdue === 'true';
  if (typeof query.q === 'string' && chars(query.q) <= 200) f.q = query.q;
  if (query.sort === 'deadline') f.sort = 'deadline';
  return f;
}

/* The query for the URL: only what is set. */
export function caseFiltersToQuery(f: CaseFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.stage) q.stage = f.stage;
  if (f.overdue) q.overdue = 'true';
  if (f.q.trim()) q.q = f.q.trim();
  if (f.sort) q.sort = f.sort;
  return q;
}

/* The API call's query: the filters as the gateway takes them, a page size
 * and the cursor of the page to go on from. */
export function caseListQuery(f: CaseFilters, limit: number, cursor: string | null): string {
  const q = new URLSearchParams(caseFiltersToQuery(f));
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}
