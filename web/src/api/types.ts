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

/* --- integrity files (廉政档案, docs/integrity.md) --- */

/* A cadre (干部) and the header of their integrity file. */
export interface Cadre {
  id: string;
  person_id: string;
  name: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  position: string;
  grade: string;
  key_position: string; // '' when the cadre holds none
  key_since_on: string | null;
  version: number;
  created_at: string | null;
  updated_at: string | null;
  relative_count: number;
  record_count: number;
  sanctions_in_effect: number;
}

/* A company a relative owns or runs (经商办企业). */
export interface RelativeBusiness {
  company: string;
  credit_code: string;
  role: string;
  share_percent: number;
}

export interface Relative {
  id: string;
  cadre_id: string;
  name: string;
  relation: string;
  employer: string;
  position: string;
  person_id: string;
  businesses: RelativeBusiness[];
  version: number;
  updated_at: string | null;
}

/* A record of one of the file's sections. */
export interface FileRecord {
  id: string;
  cadre_id: string;
  person_id: string;
  section: string;
  title: string;
  detail: string;
  happened_on: string | null;
  kind: string;
  measure: string;
  influence_until_on: string | null;
  in_effect: boolean;
  source: string; // office | case
  source_ref: string;
  value_fen: number;
  internal: boolean;
  recorded_by: string;
  recorded_by_name?: string | null;
  recorded_at: string | null;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
}

/* GET /api/v1/integrity/cadres/{id} and /me. */
export interface CadreFile {
  cadre: Cadre;
  relatives: Relative[];
  records: FileRecord[];
}

/* One version of a part of a file (its history). */
export interface FileVersion {
  entity: string; // cadre | relative | record
  entity_id: string;
  version: number;
  data_json: string;
  changed_by: string;
  changed_by_name?: string | null;
  changed_at: string | null;
  change: string; // created | updated | removed
}

export interface ReportField {
  name: string;
  value: string;
}

export interface ReportEntry {
  fields: ReportField[];
}

export interface ReportItemAnswer {
  item: string;
  none: boolean;
  entries: ReportEntry[];
}

/* The yearly personal matters report (个人有关事项报告). */
export interface PersonalReport {
  id: string; // '' for a report not saved yet
  cadre_id: string;
  year: number;
  version: number;
  state: string; // new | draft | submitted
  items: ReportItemAnswer[];
  corrects_id: string;
  correction_reason: string;
  prefilled_from_year: number;
  submitted_at: string | null;
  submitted_by: string;
  submitted_by_name?: string | null;
  late: boolean;
  created_at: string | null;
  updated_at: string | null;
}

export interface ReportFormField {
  name: string;
  type: string; // text | day | number | relation | credit_code
  required: boolean;
  label_zh: string;
  label_en: string;
}

export interface ReportFormItem {
  name: string;
  part: string; // family | property
  label_zh: string;
  label_en: string;
  key_field: string;
  amount_field: string;
  fields: ReportFormField[];
}

export interface ReportForm {
  items: ReportFormItem[];
}

/* A yearly round and how many of its cadres stand where. */
export interface ReportRound {
  id: string;
  year: number;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  due_on: string | null;
  remind_days: number;
  opened_by: string;
  opened_by_name?: string | null;
  opened_at: string | null;
  cadres: number;
  submitted: number;
  late: number;
  overdue: number;
  drafts: number;
  not_started: number;
}

export interface RoundCadre {
  cadre_id: string;
  person_id: string;
  name: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  state: string; // submitted | late | overdue | draft | not_started
}

/* GET /api/v1/integrity/me/report: the report, its round, the reminders. */
export interface OwnReport {
  report: PersonalReport;
  round: ReportRound | null;
  reminders: FileRecord[];
}

export interface ReferenceRecord {
  id: string;
  cadre_id: string;
  item: string;
  fields: ReportField[];
  source: string;
  note: string;
  entered_by: string;
  entered_by_name?: string | null;
  entered_at: string | null;
  year: number;
}

export interface VerificationFinding {
  id: string;
  item: string;
  key: string;
  kind: string; // consistent | omission | concealment
  explanation: string;
  reported: ReportEntry | null;
  reference: ReportEntry | null;
  verdict: string; // '' | confirmed | overridden
  final_kind: string;
  verdict_reason: string;
  decided_by: string;
  decided_by_name?: string | null;
  decided_at: string | null;
}

/* A verification (查核) of one cadre's report of a year. */
export interface Verification {
  id: string;
  cadre_id: string;
  person_id: string;
  name: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  year: number;
  draw_id: string;
  reason: string; // random | key
  key_reason: string;
  state: string; // drawn | compared | concluded
  report_id: string;
  result: string;
  concluded_by: string;
  concluded_by_name?: string | null;
  concluded_at: string | null;
  created_at: string | null;
  findings: VerificationFinding[];
  references: ReferenceRecord[];
}

export interface VerificationDraw {
  id: string;
  year: number;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  share_percent: number;
  seed: string;
  population: number;
  by_share: number;
  by_key: number;
  drawn_by: string;
  drawn_at: string | null;
  cadre_ids: string[];
}

/* What stands for a candidate, as the office reads it. */
export interface OpinionBasis {
  sanctions_in_effect: FileRecord[];
  open_clue_ids: string[];
  verification_result: string;
  verification_year: number;
  verification_under_way: boolean;
  overdue_report_years: number[];
  no_file: boolean;
}

/* An integrity opinion (廉洁意见回复) on one candidate. HR reads a signed
 * opinion's conclusion and words, and nothing of what it rests on. */
export interface Opinion {
  id: string;
  request_id: string;
  cadre_id: string;
  person_id: string;
  name: string;
  proposed: string;
  proposed_reason: string;
  basis: OpinionBasis | null;
  conclusion: string;
  text: string;
  state: string; // proposed | signed
  signed_by: string;
  signed_by_name?: string | null;
  signed_at: string | null;
  edited_by: string;
  edited_by_name?: string | null;
}

export interface OpinionRequest {
  id: string;
  org_path: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
  purpose: string;
  note: string;
  requested_by: string;
  requested_by_name?: string | null;
  created_at: string | null;
  candidates: number;
  signed: number;
  opinions: Opinion[];
}
