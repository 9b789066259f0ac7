/* Rectification (整改) as the console sees it (docs/rectification.md): the
 * sources, a task's stages, which steps a user may see on a task in each
 * stage, the forms of the batch page and the task page (what each checks
 * and what it sends), the ledger's filters kept in the URL and the
 * workbench's count by stage. The rectification service decides; these
 * rules only keep away buttons that would certainly be refused, and its
 * 409 reason is still shown when one is. */
import type { RectifyTask } from '@/api/types';
import { chars, type Errors } from '@/lib/validate';
import { checkDate, checkText, isDate } from '@/lib/caseFlow';

/* The sources (the table `sources` of the service), in the order the
 * form offers them. */
export const RECTIFY_SOURCES = [
  'inspection_tour',
  'inspection',
  'audit',
  'supervision',
  'case_recommendation',
  'risk_alert',
] as const;

/* A task's stages in order, as the steps bar shows them. */
export const TASK_STAGES = ['assigned', 'in_progress', 'closure_requested', 'verified', 'closed'] as const;

export const SEVERITIES = ['general', 'serious', 'major'] as const;

/* The service's limit on a plan's measures (PLAN_MEASURES_MAX). */
export const MEASURES_MAX = 30;

export function taskStageIndex(stage: string): number {
  return (TASK_STAGES as readonly string[]).indexOf(stage);
}

/* --- who may do what ------------------------------------------------------- */

export type TaskAction = 'plan' | 'add_evidence' | 'request_closure' | 'verify' | 'reject' | 'close' | 'recheck' | 'relapse';

/* The order the task page offers the steps in. */
export const TASK_STEP_ORDER: readonly TaskAction[] = [
  'plan',
  'add_evidence',
  'request_closure',
  'verify',
  'reject',
  'close',
  'recheck',
  'relapse',
];

export interface RectifyActor {
  id: string;
  roles: readonly string[];
  unitPath: string; // the user's org unit's path (hq.east)
}

/* Whether org path `path` is `scope` or a unit below it. */
export function within(path: string, scope: string): boolean {
  return !!scope && (path === scope || path.startsWith(`${scope}.`));
}

type TaskFacts = Pick<
  RectifyTask,
  'stage' | 'org_path' | 'measures' | 'parties_pending' | 'requested_by' | 'verifications' | 'round' | 'recheck_state'
>;

export const OFFICE_ROLES = ['inspector', 'inspection_lead'] as const;

function isOffice(actor: RectifyActor): boolean {
  return OFFICE_ROLES.some((r) => actor.roles.includes(r));
}

/* The unit leader of the task's responsible unit (or a unit above it). */
export function actsForUnit(t: Pick<RectifyTask, 'org_path'>, actor: RectifyActor): boolean {
  return actor.roles.includes('unit_leader') && within(t.org_path, actor.unitPath);
}

/* The parties this user may still accept for in the task's current round:
 * none when they asked for closure, belong to the responsible unit, or
 * accepted for a party this round already (each party by another person). */
export function partiesFor(t: TaskFacts, actor: RectifyActor): string[] {
  if (t.stage !== 'closure_requested' || !isOffice(actor)) return [];
  if (t.requested_by === actor.id || within(actor.unitPath, t.org_path)) return [];
  const accepted = (t.verifications ?? []).some((v) => v.round === t.round && v.verifier_id === actor.id && v.verdict === 'accepted');
  return accepted ? [] : [...(t.parties_pending ?? [])];
}

/* The steps this user may see on this task now. */
export function taskActions(t: TaskFacts, actor: RectifyActor): Set<TaskAction> {
  const out = new Set<TaskAction>();
  const unit = actsForUnit(t, actor);
  const measures = t.measures ?? [];
  switch (t.stage) {
    case 'assigned':
      if (unit) out.add('plan');
      break;
    case 'in_progress':
      if (!unit) break;
      out.add('plan');
      if (measures.length) out.add('add_evidence');
      // Closure needs evidence for every measure: without it, it is refused.
      if (measures.length && measures.every((m) => m.evidence_count > 0)) out.add('request_closure');
      break;
    case 'closure_requested':
      if (partiesFor(t, actor).length) {
        out.add('verify');
        out.add('reject');
      }
      break;
    case 'verified':
      if (actor.roles.includes('inspection_lead')) out.add('close');
      break;
    case 'closed':
      // The office's re-check (回头看), never by the unit's own people: a
      // relapse of any closed task, the fix holding only of a drawn one.
      if (!isOffice(actor) || within(actor.unitPath, t.org_path)) break;
      if (t.recheck_state === 'pending') out.add('recheck');
      out.add('relapse');
      break;
    default:
      break;
  }
  return out;
}

/* Whether the user may add documents to the task's file: its unit's leader
 * while the work is open. */
export function canUploadEvidence(t: Pick<RectifyTask, 'stage' | 'org_path'>, actor: RectifyActor): boolean {
  return actsForUnit(t, actor) && (t.stage === 'assigned' || t.stage === 'in_progress');
}

/* --- forms ------------------------------------------------------------------ */

const UNIT_CODE = /^[a-z0-9_]{1,64}$/;

function checkUnit(e: Errors, v: string): void {
  const u = v.trim();
  if (!u) e.unit_code = 'validate.required';
  else if (!UNIT_CODE.test(u)) e.unit_code = 'caseFlow.unitCodeInvalid';
}

function optionalDate(e: Errors, field: string, v: string): void {
  if (v && !isDate(v)) e[field] = 'caseFlow.dateInvalid';
}

/* The trimmed values of the fields named, leaving out the empty ones. */
function trimmed<K extends string>(f: Record<K, string>, keys: readonly K[], required: readonly K[] = []): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = f[k].trim();
    if (v || required.includes(k)) out[k] = v;
  }
  return out;
}

export interface BatchForm {
  source: string;
  source_ref: string;
  title: string;
  unit_code: string;
  feedback_on: string;
  oversight: string;
}

export const BATCH_FIELDS = ['source', 'source_ref', 'title', 'unit_code', 'feedback_on', 'oversight'] as const;

export function emptyBatchForm(): BatchForm {
  return { source: '', source_ref: '', title: '', unit_code: '', feedback_on: '', oversight: '' };
}

export function validateBatch(f: BatchForm): Errors {
  const e: Errors = {};
  if (!(RECTIFY_SOURCES as readonly string[]).includes(f.source)) e.source = 'validate.required';
  checkText(e, 'title', f.title, true, 200);
  checkText(e, 'source_ref', f.source_ref, false, 100);
  checkText(e, 'oversight', f.oversight, false, 200);
  checkUnit(e, f.unit_code);
  checkDate(e, 'feedback_on', f.feedback_on);
  return e;
}

export function batchBody(f: BatchForm): Partial<BatchForm> {
  return trimmed(f, BATCH_FIELDS, ['source', 'title', 'unit_code', 'feedback_on']);
}

export interface ProblemForm {
  description: string;
  category: string;
  severity: string;
  basis: string;
}

export const PROBLEM_FIELDS = ['description', 'category', 'severity', 'basis'] as const;

export function emptyProblemForm(): ProblemForm {
  return { description: '', category: '', severity: 'general', basis: '' };
}

export function validateProblem(f: ProblemForm): Errors {
  const e: Errors = {};
  checkText(e, 'description', f.description, true, 4000);
  checkText(e, 'category', f.category, false, 100);
  if (!(SEVERITIES as readonly string[]).includes(f.severity)) e.severity = 'validate.required';
  checkText(e, 'basis', f.basis, false, 1000);
  return e;
}

export function problemBody(f: ProblemForm): Partial<ProblemForm> {
  return trimmed(f, PROBLEM_FIELDS, ['description', 'severity']);
}

export interface TaskForm {
  text: string;
  unit_code: string;
  leader: string;
  first_responsible: string;
  deadline_on: string; // '' for the source's report period
}

export const TASK_FIELDS = ['text', 'unit_code', 'leader', 'first_responsible', 'deadline_on'] as const;

export function emptyTaskForm(): TaskForm {
  return { text: '', unit_code: '', leader: '', first_responsible: '', deadline_on: '' };
}

export function validateTask(f: TaskForm): Errors {
  const e: Errors = {};
  checkText(e, 'text', f.text, true, 4000);
  checkUnit(e, f.unit_code);
  checkText(e, 'leader', f.leader, true, 100);
  checkText(e, 'first_responsible', f.first_responsible, false, 100);
  optionalDate(e, 'deadline_on', f.deadline_on);
  return e;
}

export function taskBody(f: TaskForm): Partial<TaskForm> {
  return trimmed(f, TASK_FIELDS, ['text', 'unit_code', 'leader']);
}

export interface ResponsibilityForm {
  problem_id: string; // '' for the whole batch
  person: string;
  position: string;
  duty: string;
}

export const RESPONSIBILITY_FIELDS = ['problem_id', 'person', 'position', 'duty'] as const;

export function emptyResponsibilityForm(): ResponsibilityForm {
  return { problem_id: '', person: '', position: '', duty: '' };
}

export function validateResponsibility(f: ResponsibilityForm): Errors {
  const e: Errors = {};
  checkText(e, 'person', f.person, true, 100);
  checkText(e, 'position', f.position, false, 100);
  checkText(e, 'duty', f.duty, true, 500);
  return e;
}

export function responsibilityBody(f: ResponsibilityForm): Partial<ResponsibilityForm> {
  return trimmed(f, RESPONSIBILITY_FIELDS, ['person', 'duty']);
}

/* A measure of the plan as the form holds it. */
export interface PlanMeasure {
  text: string;
  milestone_on: string;
}

/* The plan form: the task's measures when it has a plan (a revision), else
 * one empty measure. */
export function planForm(t: Pick<RectifyTask, 'measures'>): PlanMeasure[] {
  const ms = (t.measures ?? []).map((m) => ({ text: m.text, milestone_on: m.milestone_on ?? '' }));
  return ms.length ? ms : [{ text: '', milestone_on: '' }];
}

/* Errors under measures[i].text and measures[i].milestone_on, as the
 * service names them; the count under measures. */
export function validatePlan(ms: readonly PlanMeasure[]): Errors {
  const e: Errors = {};
  if (!ms.length || ms.length > MEASURES_MAX) e.measures = 'rectify.measuresCount';
  ms.forEach((m, i) => {
    checkText(e, `measures[${i}].text`, m.text, true, 1000);
    checkDate(e, `measures[${i}].milestone_on`, m.milestone_on);
  });
  return e;
}

export function planBody(ms: readonly PlanMeasure[]): { measures: PlanMeasure[] } {
  return { measures: ms.map((m) => ({ text: m.text.trim(), milestone_on: m.milestone_on })) };
}

export interface EvidenceForm {
  measure: string; // the measure's number
  sha256: string; // a document of the task's file
  effective_on: string;
  description: string;
}

export const EVIDENCE_FIELDS = ['measure', 'sha256', 'effective_on', 'description'] as const;

export function emptyEvidenceForm(): EvidenceForm {
  return { measure: '', sha256: '', effective_on: '', description: '' };
}

const SHA256 = /^[0-9a-f]{64}$/;

/* today: YYYY-MM-DD; the day the fix took effect is never in the future. */
export function validateEvidence(f: EvidenceForm, measures: readonly number[], today: string): Errors {
  const e: Errors = {};
  if (!measures.includes(Number(f.measure))) e.measure = 'validate.required';
  if (!SHA256.test(f.sha256)) e.sha256 = 'rectify.pickDocument';
  checkDate(e, 'effective_on', f.effective_on);
  if (!e.effective_on && f.effective_on > today) e.effective_on = 'rectify.inFuture';
  checkText(e, 'description', f.description, true, 1000);
  return e;
}

export function evidenceBody(f: EvidenceForm): { measure: number; sha256: string; effective_on: string; description: string } {
  return { measure: Number(f.measure), sha256: f.sha256, effective_on: f.effective_on, description: f.description.trim() };
}

export function validateVerdict(party: string, parties: readonly string[], reason: string | null): Errors {
  const e: Errors = {};
  if (!parties.includes(party)) e.party = 'validate.required';
  if (reason !== null) checkText(e, 'reason', reason, true, 2000);
  return e;
}

/* --- the ledger's and the batch list's filters -------------------------------- */

export interface LedgerFilters {
  stage: string;
  source: string;
  unit: string; // an org unit code: that unit and every unit below it
  overdue: boolean;
  relapsed: boolean;
  q: string;
  from: string; // deadline on or after, YYYY-MM-DD
  to: string; // deadline on or before
  sort: '' | 'deadline'; // '' is the API's default: newest first
  recheck: string; // the re-check queue (pending) and its results (held, relapsed)
  case_id: string; // the tasks a case's recommendations became
}

export const RECHECK_STATES = ['pending', 'held', 'relapsed'] as const;

export function emptyLedgerFilters(): LedgerFilters {
  return {
    stage: '',
    source: '',
    unit: '',
    overdue: false,
    relapsed: false,
    q: '',
    from: '',
    to: '',
    sort: '',
    recheck: '',
    case_id: '',
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function oneOf(v: unknown, list: readonly string[]): string {
  return typeof v === 'string' && list.includes(v) ? v : '';
}

function unitOf(v: unknown): string {
  return typeof v === 'string' && UNIT_CODE.test(v) ? v : '';
}

/* Filters from the page's query (a shared link); anything malformed is
 * dropped rather than refused, so the API never answers it 400. */
export function ledgerFiltersFromQuery(query: Record<string, unknown>): LedgerFilters {
  const f = emptyLedgerFilters();
  f.stage = oneOf(query.stage, TASK_STAGES);
  f.source = oneOf(query.source, RECTIFY_SOURCES);
  f.unit = unitOf(query.unit);
  f.overdue = query.overdue === 'true';
  f.relapsed = query.relapsed === 'true';
  if (typeof query.q === 'string' && chars(query.q.trim()) <= 100) f.q = query.q.trim();
  if (typeof query.from === 'string' && isDate(query.from)) f.from = query.from;
  if (typeof query.to === 'string' && isDate(query.to)) f.to = query.to;
  if (f.from && f.to && f.to < f.from) f.to = '';
  if (query.sort === 'deadline') f.sort = 'deadline';
  f.recheck = oneOf(query.recheck, RECHECK_STATES);
  if (typeof query.case_id === 'string' && UUID.test(query.case_id)) f.case_id = query.case_id.toLowerCase();
  return f;
}

/* The query for the URL: only what is set. */
export function ledgerFiltersToQuery(f: LedgerFilters): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of ['stage', 'source', 'unit', 'q', 'from', 'to', 'sort', 'recheck', 'case_id'] as const)
    if (f[k].trim()) q[k] = f[k].trim();
  if (f.overdue) q.overdue = 'true';
  if (f.relapsed) q.relapsed = 'true';
  return q;
}

/* The filters under the API's own names (the ledger, its export and the
 * overview's figures take the same ones). */
export function ledgerParams(f: LedgerFilters): URLSearchParams {
  const names: Record<string, string> = { unit: 'unit_code', from: 'deadline_from', to: 'deadline_to' };
  const q = new URLSearchParams();
  const clean = ledgerFiltersFromQuery(ledgerFiltersToQuery(f));
  for (const [k, v] of Object.entries(ledgerFiltersToQuery(clean))) q.set(names[k] ?? k, v);
  return q;
}

/* The ledger as a file (XLSX or CSV) with the filters shown. */
export function ledgerExportHref(f: LedgerFilters, format: 'xlsx' | 'csv'): string {
  const q = ledgerParams(f);
  q.set('format', format);
  return `/api/v1/rectify/tasks/export?${q}`;
}

/* The API's query: the filters under the API's own names, a page size and
 * the cursor to go on from. */
export function ledgerQuery(f: LedgerFilters, limit: number, cursor: string | null): string {
  const q = ledgerParams(f);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export interface BatchFilters {
  source: string;
  unit: string;
}

export function batchFiltersFromQuery(query: Record<string, unknown>): BatchFilters {
  return { source: oneOf(query.source, RECTIFY_SOURCES), unit: unitOf(query.unit) };
}

export function batchFiltersToQuery(f: BatchFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.source) q.source = f.source;
  if (f.unit.trim()) q.unit = f.unit.trim();
  return q;
}

export function batchListQuery(f: BatchFilters, limit: number, cursor: string | null): string {
  const clean = batchFiltersFromQuery(batchFiltersToQuery(f));
  const q = new URLSearchParams();
  if (clean.source) q.set('source', clean.source);
  if (clean.unit) q.set('unit_code', clean.unit);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

/* --- the unit leader's workbench ------------------------------------------------ */

/* How many tasks are in each stage, every stage listed (0 too), in order. */
export function countByStage(tasks: readonly Pick<RectifyTask, 'stage'>[]): { stage: string; count: number }[] {
  const counts = new Map<string, number>(TASK_STAGES.map((s) => [s, 0]));
  for (const t of tasks) counts.set(t.stage, (counts.get(t.stage) ?? 0) + 1);
  return [...counts].map(([stage, count]) => ({ stage, count }));
}
