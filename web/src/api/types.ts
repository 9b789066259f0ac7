/* The shapes of the gateway's answers that the console reads (docs/api.md). */

/* An org unit's two names, as the public unit lookup and the statistics'
 * unit_names give them. */
export interface UnitNames {
  name: string;
  name_zh: string;
}

/* GET /api/v1/public/units/{code}: the unit a QR code names. */
export interface PublicUnit extends UnitNames {
  code: string;
}

export interface OrgUnit {
  code: string;
  name: string;
  name_zh: string;
  path: string;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  /* One to four roles; a gateway from before it sent role only. */
  roles?: string[];
  role?: string;
  person_id?: string | null;
  org_unit: OrgUnit;
}

export interface LoginAnswer {
  csrf_token: string;
  expires_at: string;
  user: User;
}

export interface Clue {
  id: string;
  /* The register number (线索编号), XS-<year>-<unit code>-<sequence>. */
  number: string;
  source: string;
  source_ref: string;
  category: string;
  content: string;
  location?: string;
  accused_person?: string;
  accused_unit?: string;
  anonymous: boolean;
  org_path: string;
  /* Names beside ids (docs/api.md): absent when the gateway could not look
   * them up, null when no account or unit has the id or path. */
  unit_name?: string | null;
  unit_name_zh?: string | null;
  status: string;
  created_at: string;
  /* Registration and disposal. */
  subjects?: ClueSubject[];
  /* Subject names that may name an account here and wait for an inspection
   * lead to confirm (the person it is) or clear (nobody here): until then
   * the clue is hidden from any account the name may name. */
  held_names?: string[];
  categories?: string[];
  summary?: string;
  received_date?: string | null;
  handler_id?: string | null;
  handler_name?: string | null;
  source_link?: string | null;
  merged_into?: string | null;
  linked_clue_ids?: string[];
  disposal?: Disposal | null;
  case_id?: string | null;
  /* The present stage's deadline and how near it is (null: none). */
  deadline?: string | null;
  deadline_state?: 'on_time' | 'due_soon' | 'overdue' | null;
}

export interface ClueSubject {
  name: string;
  person_id: string | null;
  position: string | null;
  org_unit: string | null;
}

export interface Disposal {
  id: string;
  way: string;
  reason: string;
  conclusion: string | null;
  state: string; // pending, approved, rejected
  proposed_by: string;
  proposed_by_name?: string | null;
  proposed_at: string;
  decided_by: string | null;
  decided_by_name?: string | null;
  decided_at: string | null;
  decision_reason: string | null;
}

export interface CaseRecord {
  id: string;
  /* The register number (案件编号), AJ-<year>-<unit code>-<sequence>. */
  number: string;
  clue_id: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  stage: string;
  subjects: ClueSubject[];
  summary: string;
  filed_by: string;
  filed_by_name?: string | null;
  filed_at: string;
  filing_disposal_id: string;
  /* After filing (立案后): the investigation, review and disposition. Older
   * gateways leave these out, hence optional. */
  report?: string;
  reviewer_id?: string;
  reviewer_name?: string | null;
  measures?: number;
  investigators?: string[];
  /* The investigators' names in the order of investigators. */
  investigator_names?: (string | null)[];
  deadline?: string | null;
  deadline_state?: string | null;
  items?: DispositionItem[];
  extension?: CaseExtension | null;
}

export interface DossierEntry {
  seq: number;
  at: string;
  at_ms: number;
  actor_id: string;
  /* null for a step with no account behind it: the console shows the system. */
  actor_name?: string | null;
  action: string;
  summary: Record<string, unknown> | null;
  summary_text: string;
  prev_hash: string;
  hash: string;
}

export interface DossierVerify {
  whole: boolean;
  first_bad_seq: number | null;
}

export interface DocumentInfo {
  sha256: string;
  size: number;
  content_type: string;
  name: string;
  added_by: string;
  added_by_name?: string | null;
  added_at: string;
  already_linked?: boolean;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ReportRequest {
  category: string;
  content: string;
  location?: string;
  accused_person?: string;
  accused_unit?: string;
  unit_code?: string;
  /* The QR code's channel, kept with the report. */
  channel?: string;
  anonymous: boolean;
  reporter_name?: string;
  reporter_phone?: string;
}

export interface ReportAnswer {
  report_id: string;
  receipt: string;
  status: string;
  submitted_at: string;
}

export interface ReportStatus {
  status: string;
  submitted_at: string;
  updated_at: string;
}

/* GET /api/v1/people: an account of the caller's scope. */
export interface Person {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  unit: OrgUnit;
}

/* GET /api/v1/clues/statistics: counts for the dashboard. by_unit is keyed
 * by org path, by_month by YYYY-MM. */
export interface ClueStatistics {
  total: number;
  overdue: number;
  by_stage: Record<string, number>;
  by_source: Record<string, number>;
  by_category: Record<string, number>;
  by_unit: Record<string, number>;
  /* The units of by_unit by the same keys (null: no such unit). */
  unit_names?: Record<string, UnitNames | null>;
  by_month: Record<string, number>;
}

/* --- cases after filing (docs/case-lifecycle.md) --- */

export interface DispositionItem {
  id: string;
  kind: string;
  measure: string | null;
  subject: string | null;
  subject_person_id: string | null;
  amount_fen: number | null;
  text: string | null;
  unit_path: string | null;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  deadline: string | null; // YYYY-MM-DD
  added_by: string;
  added_by_name?: string | null;
  executed: boolean;
  executed_on: string | null; // YYYY-MM-DD
  executed_note: string | null;
  executed_by: string | null;
  executed_by_name?: string | null;
}

export interface CaseExtension {
  state: string; // pending, approved, rejected
  days: number;
  reason: string;
  requested_by: string;
  requested_by_name?: string | null;
  decided_by: string | null;
  decided_by_name?: string | null;
  decision_reason: string | null;
}

/* --- rectification (整改, docs/rectification.md) --- */

/* A batch (整改批次): what one source found in one unit. */
export interface RectifyBatch {
  id: string;
  source: string;
  source_ref: string;
  title: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  feedback_on: string | null; // YYYY-MM-DD
  oversight: string;
  created_by: string;
  created_at: string;
  problem_count: number;
  task_count: number;
  closed_count: number;
}

/* A line of the problem list (问题清单). */
export interface RectifyProblem {
  id: string;
  batch_id: string;
  seq: number;
  description: string;
  category: string;
  severity: string; // general | serious | major
  basis: string;
  created_at: string;
}

/* A line of the responsibility list (责任清单); problem_id "" or null for
 * the whole batch. */
export interface RectifyResponsibility {
  id: string;
  batch_id: string;
  problem_id: string | null;
  person: string;
  position: string;
  duty: string;
}

export interface RectifyMeasure {
  seq: number;
  text: string;
  milestone_on: string | null;
  evidence_count: number;
}

export interface RectifyEvidence {
  id: string;
  measure: number;
  sha256: string;
  effective_on: string | null;
  description: string;
  added_by: string;
  added_by_name?: string | null;
  added_at: string;
}

export interface RectifyVerification {
  round: number;
  party: string;
  verifier_id: string;
  verifier_name?: string | null;
  verdict: string; // accepted | rejected
  reason: string;
  verified_at: string;
}

/* A task (整改任务) of the task list and the ledger. */
export interface RectifyTask {
  id: string;
  batch_id: string;
  problem_id: string;
  source: string;
  text: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  leader: string;
  first_responsible: string;
  deadline_on: string | null;
  stage: string;
  measures: RectifyMeasure[];
  evidence: RectifyEvidence[];
  verifications: RectifyVerification[];
  parties_required: string[];
  parties_pending: string[];
  round: number;
  requested_by: string | null;
  requested_by_name?: string | null;
  rejection_reason: string | null;
  relapsed: boolean;
  relapse_count: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  deadline_state: string | null; // on_time | due_soon | overdue; null once closed
  problem_description: string;
  batch_title: string;
  case_id: string | null;
  /* The escalation ladder (督办): the rungs climbed, in order; the final
   * deadline the overdue warning set; the clue accountability became. */
  ladder?: string[];
  final_deadline_on?: string | null;
  accountability_clue_id?: string | null;
  /* The re-check (回头看): pending, held or relapsed; null when never drawn. */
  recheck_state?: string | null;
  recheck_due_on?: string | null;
  recheck_draw_id?: string | null;
}

/* POST /api/v1/rectify/rechecks: the draw as recorded. */
export interface RecheckDraw {
  id: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  batch_id: string | null;
  share_percent: number;
  seed: string;
  due_on: string;
  drawn_by: string;
  drawn_at: string;
  population: number;
  by_category: number;
  by_share: number;
  task_ids: string[];
}

/* The figures of one group of tasks (RectifyCount). */
export interface RectifyCount {
  key: string;
  total: number;
  on_time: number;
  overdue: number;
  closed: number;
  relapsed: number;
  average_days_to_close: number;
}

/* GET /api/v1/rectify/statistics. */
export interface RectifyStatistics {
  all: RectifyCount;
  by_unit: RectifyCount[];
  by_source: RectifyCount[];
  by_stage: RectifyCount[];
  unit_names?: Record<string, { name: string; name_zh: string } | null>;
}

/* POST /api/v1/rectify/batches/{id}/import: what the import added. */
export interface RectifyImportAnswer {
  problems: number;
  tasks: number;
  ignored_columns?: string[];
}

/* Responsibility lists (责任清单) and their assessment (纪实考核). */
export interface DutyRecord {
  id: string;
  item: number;
  note: string;
  done_on: string | null;
  sha256: string;
  recorded_by: string;
  recorded_by_name?: string | null;
  recorded_at: string | null;
  state: string; // recorded | confirmed | refused
  verifier_id: string | null;
  verifier_name?: string | null;
  verified_at: string | null;
  reason: string | null;
}

export interface DutyItem {
  seq: number;
  text: string;
  leader: string;
  from_month: number;
  to_month: number;
  standard: string;
  outcome: string | null; // done | partly | not_done
  score: number;
  score_note: string;
  scored_by: string | null;
  scored_at: string | null;
  record_count: number;
  confirmed_count: number;
  records?: DutyRecord[];
}

export interface DutyList {
  id: string;
  org_path: string;
  unit_code: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  year: number;
  created_by: string;
  created_at: string | null;
  updated_at: string | null;
  items?: DutyItem[];
  item_count: number;
  scored_count: number;
  score_total: number;
  score_average: number;
  done_count: number;
  partly_count: number;
  not_done_count: number;
}

/* GET /api/v1/rectify/batches/{id}: the batch with its three lists. */
export interface RectifyBatchFile {
  batch: RectifyBatch;
  problems: RectifyProblem[];
  tasks: RectifyTask[];
  responsibilities: RectifyResponsibility[];
}
