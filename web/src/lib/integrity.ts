/* Integrity files (廉政档案) as the console sees them (docs/integrity.md):
 * the words of the file's sections, relations and key positions, the
 * unified social credit code's check, the yearly personal matters report
 * (个人有关事项报告) as a form of items and entries (what each field takes,
 * what is checked before a draft is saved and before it is submitted, and
 * the server's field errors put back beside the fields), the office's
 * forms (a cadre, a relative, a record, a round, a draw, a reference
 * record, a finding's verdict, an opinion request and an opinion's words),
 * the lists' filters kept in the URL and the overview's figures. The
 * integrity service decides; these rules only keep what would certainly be
 * refused from being sent. Pure: the pages and the unit tests share them. */
import type { FieldError } from '@/api/client';
import type {
  OpinionRequest,
  ReportForm,
  ReportFormField,
  ReportFormItem,
  ReportItemAnswer,
  ReportRound,
  Verification,
  VerificationFinding,
} from '@/api/types';
import { LIMITS } from '@/lib/limits.generated';
import { chars, type Errors } from '@/lib/validate';
import { ITEM_MEASURES, checkDate, checkText, isDate, yuanToFen } from '@/lib/caseFlow';

/* --- the words of the service's tables ---------------------------------------- */

/* The sections (the table `sections`) the office enters records into;
 * verification and opinion records are written by the service itself. */
export const RECORD_SECTIONS = ['appraisal', 'audit', 'complaint', 'discipline', 'clue_conclusion', 'talk', 'reminder', 'gift'] as const;

/* Every section a file shows, in the order the file page lists them. */
export const FILE_SECTIONS = [...RECORD_SECTIONS, 'verification', 'opinion'] as const;

export const RELATIONS = ['spouse', 'child', 'child_spouse', 'parent', 'sibling'] as const;

export const KEY_POSITIONS = ['procurement', 'finance', 'hr', 'project_construction', 'materials'] as const;

export const BUSINESS_ROLES = ['shareholder', 'legal_representative', 'manager', 'sole_proprietor', 'partner'] as const;

export const DISCIPLINE_KINDS = ['party_discipline', 'government_sanction', 'organizational_handling'] as const;

export const ROUND_STATES = ['submitted', 'late', 'overdue', 'draft', 'not_started'] as const;

export const VERIFICATION_STATES = ['drawn', 'compared', 'concluded'] as const;

export const FINDING_KINDS = ['consistent', 'omission', 'concealment'] as const;

export const KEY_REASONS = ['promotion_candidate', 'reserve_cadre', 'named_in_clue', 'other'] as const;

export const OPINION_PURPOSES = ['promotion', 'award', 'other'] as const;

export const OPINION_CONCLUSIONS = ['no_objection', 'objection', 'cannot_conclude'] as const;

/* The service's limits (services/integrity/src/rules.c, reports.c,
 * opinions.c): a business list, a report's entries, a field's value. */
export const BUSINESSES_MAX = 20;
export const ENTRIES_MAX = 50;
export const VALUE_MAX = 200;
export const CANDIDATES_MAX = 1000;

const UNIT_CODE = /^[a-z0-9_]{1,64}$/;
const PERSON_ID = /^[A-Za-z0-9._-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/* --- values of the report's fields ----------------------------------------------- */

/* The 31 characters of a unified social credit code (统一社会信用代码) in
 * the order of their values: digits and the capitals without I, O, S, V
 * and Z (GB 32100-2015). */
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/* Whether code is a unified social credit code: 18 characters whose last
 * is the check character of the other 17, each weighted by 3^i mod 31,
 * as the service computes it (integrity_credit_code_valid). */
export function creditCodeValid(code: string): boolean {
  if (code.length !== 18) return false;
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    const v = CODE_CHARS.indexOf(code[i]);
    if (v < 0) return false;
    sum += v * weight;
    weight = (weight * 3) % 31;
  }
  return CODE_CHARS.indexOf(code[17]) === (31 - (sum % 31)) % 31;
}

/* A number as the form takes it: digits with at most one decimal point
 * between digits, not negative, at most 15 characters (96.5, 260000). */
export function reportNumberValid(v: string): boolean {
  return v.length <= 15 && /^\d+(\.\d+)?$/.test(v);
}

/* A day as the service takes it: one that exists, from 1900 on. */
export function reportDayValid(v: string): boolean {
  return isDate(v) && Number(v.slice(0, 4)) >= 1900;
}

/* A value as it is sent: trimmed, and a credit code in capitals, since
 * people type them either way and the register prints capitals. */
export function normalizeValue(type: string, v: string): string {
  const s = v.trim();
  return type === 'credit_code' ? s.toUpperCase() : s;
}

/* The i18n key of what is wrong with one value of a field, or null. */
export function fieldValueError(f: Pick<ReportFormField, 'type' | 'required'>, raw: string, complete: boolean): string | null {
  const v = normalizeValue(f.type, raw);
  if (!v) return complete && f.required ? 'validate.required' : null;
  if (chars(v) > VALUE_MAX) return 'validate.tooLong';
  if (f.type === 'day' && !reportDayValid(v)) return 'caseFlow.dateInvalid';
  if (f.type === 'number' && !reportNumberValid(v)) return 'integrity.numberInvalid';
  if (f.type === 'credit_code' && !creditCodeValid(v)) return 'integrity.creditCodeInvalid';
  if (f.type === 'relation' && !(RELATIONS as readonly string[]).includes(v)) return 'validate.required';
  return null;
}

/* --- the report as the form holds it ---------------------------------------------- */

/* How an item is answered: not yet, none (无此类情况), or with entries. */
export type Answer = '' | 'none' | 'entries';

/* One item of the form being filled: each entry its fields by name. */
export interface DraftItem {
  item: string;
  answer: Answer;
  entries: Record<string, string>[];
}

/* An empty entry of item: every field of the form, empty. */
export function emptyEntry(item: Pick<ReportFormItem, 'fields'>): Record<string, string> {
  return Object.fromEntries(item.fields.map((f) => [f.name, '']));
}

/* The form filled with a report's answers, in the form's order: an item
 * the report does not answer is unanswered; a field the form no longer
 * has is dropped. */
export function draftFromItems(form: ReportForm, items: readonly ReportItemAnswer[] | null | undefined): DraftItem[] {
  return form.items.map((fi) => {
    const a = (items ?? []).find((x) => x.item === fi.name);
    if (!a) return { item: fi.name, answer: '' as Answer, entries: [] };
    if (a.none) return { item: fi.name, answer: 'none' as Answer, entries: [] };
    const entries = (a.entries ?? []).map((e) => {
      const out = emptyEntry(fi);
      for (const f of e.fields ?? []) if (f.name in out) out[f.name] = f.value;
      return out;
    });
    return { item: fi.name, answer: 'entries' as Answer, entries };
  });
}

/* The items as PUT /me/report takes them: the answered ones, in the
 * form's order, each entry's fields that hold a value, in the form's
 * order. */
export function itemsBody(form: ReportForm, draft: readonly DraftItem[]): ReportItemAnswer[] {
  const out: ReportItemAnswer[] = [];
  for (const fi of form.items) {
    const d = draft.find((x) => x.item === fi.name);
    if (!d || !d.answer) continue;
    if (d.answer === 'none') {
      out.push({ item: fi.name, none: true, entries: [] });
      continue;
    }
    out.push({
      item: fi.name,
      none: false,
      entries: d.entries.map((e) => ({
        fields: fi.fields
          .map((f) => ({ name: f.name, value: normalizeValue(f.type, e[f.name] ?? '') }))
          .filter((f) => f.value !== ''),
      })),
    });
  }
  return out;
}

/* The key of an item's own error, and of a field of one of its entries:
 * by the item's name, so an error stays beside its field whatever was
 * sent before it. */
export function itemKey(item: string): string {
  return item;
}

export function fieldKey(item: string, entry: number, field: string): string {
  return `${item}.${entry}.${field}`;
}

/* The checks of the report before it is sent. complete: before a
 * submission (every item answered, with an entry or none, and every
 * required field given); a draft is saved with the formats checked only. */
export function validateDraft(form: ReportForm, draft: readonly DraftItem[], complete: boolean): Errors {
  const e: Errors = {};
  for (const fi of form.items) {
    const d = draft.find((x) => x.item === fi.name);
    const answer = d?.answer ?? '';
    if (!answer) {
      if (complete) e[itemKey(fi.name)] = 'integrity.answerItem';
      continue;
    }
    if (answer === 'none' || !d) continue;
    if (complete && !d.entries.length) e[itemKey(fi.name)] = 'integrity.needEntry';
    if (d.entries.length > ENTRIES_MAX) e[itemKey(fi.name)] = 'integrity.tooManyEntries';
    d.entries.forEach((entry, j) => {
      for (const f of fi.fields) {
        const msg = fieldValueError(f, entry[f.name] ?? '', complete);
        if (msg) e[fieldKey(fi.name, j, f.name)] = msg;
      }
    });
  }
  return e;
}

const ITEM_ERROR = /^items\[(\d+)\](?:\.(item|entries)(?:\[(\d+)\](?:\.([a-z_0-9]+))?)?)?$/;

/* The server's field errors of a report (items[i].entries[j].field, as it
 * names them by the position in the items sent) beside the form's fields;
 * "must answer <item>" beside that item; anything else under "_". */
export function reportServerErrors(errors: readonly FieldError[], sent: readonly ReportItemAnswer[]): Errors {
  const e: Errors = {};
  const put = (k: string, v: string) => {
    if (!(k in e)) e[k] = v;
  };
  for (const err of errors) {
    const m = ITEM_ERROR.exec(err.field ?? '');
    const item = m ? sent[Number(m[1])]?.item : undefined;
    if (m && item) {
      if (m[4] !== undefined) put(fieldKey(item, Number(m[3]), m[4]), err.description);
      else put(itemKey(item), err.description);
      continue;
    }
    const missing = err.field === 'items' ? /must answer ([a-z_0-9]+)/.exec(err.description) : null;
    if (missing) {
      put(itemKey(missing[1]), err.description);
      continue;
    }
    if (err.field === 'correction_reason' || err.field === 'year') {
      put(err.field, err.description);
      continue;
    }
    e._ = e._ ? `${e._}; ${err.field}: ${err.description}` : `${err.field}: ${err.description}`;
  }
  return e;
}

/* What the report page shows and offers for the report the API answered:
 * a new report or a draft is filled in; a submitted one is read, with the
 * correction offered; a draft after a submission is a correction, whose
 * submission asks for its reason. */
export function reportMode(state: string): 'edit' | 'read' {
  return state === 'submitted' ? 'read' : 'edit';
}

export function isCorrection(r: { state: string; version: number }): boolean {
  return r.state !== 'submitted' && r.version > 1;
}

/* The year a link names (?year=), or this year: the form takes 2000 to 2100. */
export function reportYear(v: unknown, now: Date = new Date()): number {
  const n = typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : NaN;
  return n >= 2000 && n <= 2100 ? n : now.getUTCFullYear();
}

export function validateCorrection(reason: string): Errors {
  const e: Errors = {};
  checkText(e, 'correction_reason', reason, true, LIMITS.TEXT_MAX);
  return e;
}

/* A label of the form (an item's or a field's) in the page's language. */
export function formLabel(x: { label_zh: string; label_en: string }, locale: string): string {
  return locale.startsWith('zh') ? x.label_zh || x.label_en : x.label_en || x.label_zh;
}

/* --- the office's forms -------------------------------------------------------------- */

function checkUnit(e: Errors, field: string, v: string): void {
  const u = v.trim();
  if (!u) e[field] = 'validate.required';
  else if (!UNIT_CODE.test(u)) e[field] = 'caseFlow.unitCodeInvalid';
}

function checkPersonId(e: Errors, field: string, v: string, required: boolean): void {
  const s = v.trim();
  if (!s) {
    if (required) e[field] = 'validate.required';
  } else if (!PERSON_ID.test(s)) e[field] = 'integrity.personIdInvalid';
}

/* A day that is required (or not) and never after today (YYYY-MM-DD). */
function checkPastDay(e: Errors, field: string, v: string, today: string, required: boolean): void {
  if (!v) {
    if (required) e[field] = 'validate.required';
  } else if (!isDate(v)) e[field] = 'caseFlow.dateInvalid';
  else if (v > today) e[field] = 'rectify.inFuture';
}

export interface CadreForm {
  person_id: string;
  name: string;
  unit_code: string;
  position: string;
  grade: string;
  key_position: string;
  key_since_on: string;
}

export const CADRE_FIELDS = ['person_id', 'name', 'unit_code', 'position', 'grade', 'key_position', 'key_since_on'] as const;

export function emptyCadreForm(): CadreForm {
  return { person_id: '', name: '', unit_code: '', position: '', grade: '', key_position: '', key_since_on: '' };
}

export function validateCadre(f: CadreForm, today: string): Errors {
  const e: Errors = {};
  checkPersonId(e, 'person_id', f.person_id, true);
  checkText(e, 'name', f.name, true, 100);
  checkUnit(e, 'unit_code', f.unit_code);
  checkText(e, 'position', f.position, false, 200);
  checkText(e, 'grade', f.grade, false, 40);
  if (f.key_position && !(KEY_POSITIONS as readonly string[]).includes(f.key_position)) e.key_position = 'validate.required';
  checkPastDay(e, 'key_since_on', f.key_since_on, today, false);
  if (!e.key_since_on && f.key_since_on && !f.key_position) e.key_since_on = 'integrity.sinceNeedsKey';
  return e;
}

export function cadreBody(f: CadreForm): Partial<CadreForm> {
  const out: Partial<CadreForm> = {};
  for (const k of CADRE_FIELDS) {
    const v = f[k].trim();
    if (v) out[k] = v;
  }
  return out;
}

export interface BusinessForm {
  company: string;
  credit_code: string;
  role: string;
  share_percent: string;
}

export interface RelativeForm {
  name: string;
  relation: string;
  employer: string;
  position: string;
  person_id: string;
  businesses: BusinessForm[];
}

export const RELATIVE_FIELDS = ['name', 'relation', 'employer', 'position', 'person_id', 'businesses'] as const;

export function emptyRelativeForm(): RelativeForm {
  return { name: '', relation: '', employer: '', position: '', person_id: '', businesses: [] };
}

export function emptyBusiness(): BusinessForm {
  return { company: '', credit_code: '', role: '', share_percent: '0' };
}

/* The form of a relative already on the file, for its next version. */
export function relativeForm(r: {
  name: string;
  relation: string;
  employer: string;
  position: string;
  person_id: string;
  businesses: { company: string; credit_code: string; role: string; share_percent: number }[];
}): RelativeForm {
  return {
    name: r.name,
    relation: r.relation,
    employer: r.employer,
    position: r.position,
    person_id: r.person_id,
    businesses: (r.businesses ?? []).map((b) => ({
      company: b.company,
      credit_code: b.credit_code,
      role: b.role,
      share_percent: String(b.share_percent ?? 0),
    })),
  };
}

/* cadrePerson: the file's own person id, which no relative may carry. */
export function validateRelative(f: RelativeForm, cadrePerson = ''): Errors {
  const e: Errors = {};
  checkText(e, 'name', f.name, true, 100);
  if (!(RELATIONS as readonly string[]).includes(f.relation)) e.relation = 'validate.required';
  checkText(e, 'employer', f.employer, false, 200);
  checkText(e, 'position', f.position, false, 200);
  checkPersonId(e, 'person_id', f.person_id, false);
  if (!e.person_id && f.person_id.trim() && f.person_id.trim().toUpperCase() === cadrePerson.toUpperCase())
    e.person_id = 'integrity.ownPersonId';
  if (f.businesses.length > BUSINESSES_MAX) e.businesses = 'integrity.tooManyBusinesses';
  f.businesses.forEach((b, i) => {
    checkText(e, `businesses[${i}].company`, b.company, true, 200);
    if (!creditCodeValid(normalizeValue('credit_code', b.credit_code))) e[`businesses[${i}].credit_code`] = 'integrity.creditCodeInvalid';
    if (!(BUSINESS_ROLES as readonly string[]).includes(b.role)) e[`businesses[${i}].role`] = 'validate.required';
    const share = b.share_percent.trim();
    if (!reportNumberValid(share) || Number(share) > 100) e[`businesses[${i}].share_percent`] = 'integrity.shareInvalid';
  });
  return e;
}

export interface RelativeBody {
  name: string;
  relation: string;
  employer: string;
  position: string;
  person_id: string;
  businesses: { company: string; credit_code: string; role: string; share_percent: number }[];
}

/* A relative's body: the whole relative (a change gives it all again). */
export function relativeBody(f: RelativeForm): RelativeBody {
  return {
    name: f.name.trim(),
    relation: f.relation,
    employer: f.employer.trim(),
    position: f.position.trim(),
    person_id: f.person_id.trim(),
    businesses: f.businesses.map((b) => ({
      company: b.company.trim(),
      credit_code: normalizeValue('credit_code', b.credit_code),
      role: b.role,
      share_percent: Number(b.share_percent.trim() || '0'),
    })),
  };
}

export function validateRemoval(reason: string): Errors {
  const e: Errors = {};
  checkText(e, 'reason', reason, true, LIMITS.TEXT_MAX);
  return e;
}

export interface RecordForm {
  section: string;
  title: string;
  detail: string;
  happened_on: string;
  kind: string;
  measure: string;
  value_yuan: string; // a gift's value as typed
  internal: boolean;
}

export const RECORD_FIELDS = ['section', 'title', 'detail', 'happened_on', 'kind', 'measure', 'value_fen', 'internal'] as const;

export function emptyRecordForm(): RecordForm {
  return { section: '', title: '', detail: '', happened_on: '', kind: '', measure: '', value_yuan: '', internal: false };
}

export function validateRecord(f: RecordForm, today: string): Errors {
  const e: Errors = {};
  if (!(RECORD_SECTIONS as readonly string[]).includes(f.section)) e.section = 'validate.required';
  checkText(e, 'title', f.title, true, 200);
  checkText(e, 'detail', f.detail, false, LIMITS.TEXT_MAX);
  checkPastDay(e, 'happened_on', f.happened_on, today, true);
  if (f.section === 'discipline') {
    if (!(DISCIPLINE_KINDS as readonly string[]).includes(f.kind)) e.kind = 'validate.required';
    else if (!(ITEM_MEASURES[f.kind] ?? []).includes(f.measure)) e.measure = 'validate.required';
  }
  if (f.section === 'gift' && f.value_yuan.trim() && yuanToFen(f.value_yuan) === null) e.value_fen = 'caseFlow.amountInvalid';
  return e;
}

export interface RecordBody {
  section: string;
  title: string;
  detail?: string;
  happened_on: string;
  kind?: string;
  measure?: string;
  value_fen?: number;
  internal: boolean;
}

/* Only the section's own fields are sent: a kind and measure with a
 * discipline record, a value with a gift; the service refuses the others. */
export function recordBody(f: RecordForm): RecordBody {
  const body: RecordBody = { section: f.section, title: f.title.trim(), happened_on: f.happened_on, internal: f.internal };
  if (f.detail.trim()) body.detail = f.detail.trim();
  if (f.section === 'discipline') {
    body.kind = f.kind;
    body.measure = f.measure;
  }
  const fen = f.section === 'gift' && f.value_yuan.trim() ? yuanToFen(f.value_yuan) : null;
  if (fen !== null) body.value_fen = fen;
  return body;
}

export interface RoundForm {
  year: string;
  unit_code: string;
  due_on: string;
  remind_days: string;
}

export const ROUND_FIELDS = ['year', 'unit_code', 'due_on', 'remind_days'] as const;

export function emptyRoundForm(year: number): RoundForm {
  return { year: String(year), unit_code: '', due_on: '', remind_days: '14' };
}

function yearOk(v: string): boolean {
  return /^\d{4}$/.test(v) && Number(v) >= 2000 && Number(v) <= 2100;
}

export function validateRound(f: RoundForm): Errors {
  const e: Errors = {};
  if (!yearOk(f.year.trim())) e.year = 'integrity.yearInvalid';
  checkUnit(e, 'unit_code', f.unit_code);
  checkDate(e, 'due_on', f.due_on);
  const days = f.remind_days.trim();
  if (days && !(/^\d{1,2}$/.test(days) && Number(days) >= 1 && Number(days) <= 90)) e.remind_days = 'integrity.remindInvalid';
  return e;
}

export function roundBody(f: RoundForm): { year: number; unit_code: string; due_on: string; remind_days?: number } {
  const body: { year: number; unit_code: string; due_on: string; remind_days?: number } = {
    year: Number(f.year.trim()),
    unit_code: f.unit_code.trim(),
    due_on: f.due_on,
  };
  if (f.remind_days.trim()) body.remind_days = Number(f.remind_days.trim());
  return body;
}

export interface KeyCadre {
  cadre_id: string;
  reason: string;
}

export interface DrawForm {
  year: string;
  unit_code: string;
  share_percent: string;
  seed: string;
  key_cadres: KeyCadre[];
}

export const DRAW_FIELDS = ['year', 'unit_code', 'share_percent', 'seed', 'key_cadres'] as const;

export function emptyDrawForm(year: number): DrawForm {
  return { year: String(year), unit_code: '', share_percent: '10', seed: '', key_cadres: [] };
}

export function validateDraw(f: DrawForm): Errors {
  const e: Errors = {};
  if (!yearOk(f.year.trim())) e.year = 'integrity.yearInvalid';
  checkUnit(e, 'unit_code', f.unit_code);
  const share = f.share_percent.trim();
  if (share && !(/^\d{1,3}$/.test(share) && Number(share) >= 1 && Number(share) <= 100)) e.share_percent = 'recheck.shareInvalid';
  checkText(e, 'seed', f.seed, false, 64);
  f.key_cadres.forEach((k, i) => {
    if (!UUID.test(k.cadre_id)) e[`key_cadres[${i}].cadre_id`] = 'validate.required';
    if (!(KEY_REASONS as readonly string[]).includes(k.reason)) e[`key_cadres[${i}].reason`] = 'validate.required';
  });
  const ids = f.key_cadres.map((k) => k.cadre_id);
  ids.forEach((id, i) => {
    if (id && ids.indexOf(id) !== i) e[`key_cadres[${i}].cadre_id`] = 'integrity.keyTwice';
  });
  return e;
}

export function drawBody(f: DrawForm): { year: number; unit_code: string; share_percent?: number; seed?: string; key_cadres: KeyCadre[] } {
  const body: { year: number; unit_code: string; share_percent?: number; seed?: string; key_cadres: KeyCadre[] } = {
    year: Number(f.year.trim()),
    unit_code: f.unit_code.trim(),
    key_cadres: f.key_cadres.map((k) => ({ cadre_id: k.cadre_id, reason: k.reason })),
  };
  if (f.share_percent.trim()) body.share_percent = Number(f.share_percent.trim());
  if (f.seed.trim()) body.seed = f.seed.trim();
  return body;
}

export interface ReferenceForm {
  item: string;
  fields: Record<string, string>;
  note: string;
}

export function emptyReferenceForm(): ReferenceForm {
  return { item: '', fields: {}, note: '' };
}

/* A reference record is one entry of its item, complete, as the register
 * shows it; its errors are under fields.<name>. */
export function validateReference(form: ReportForm, f: ReferenceForm): Errors {
  const e: Errors = {};
  const fi = form.items.find((x) => x.name === f.item);
  if (!fi) {
    e.item = 'validate.required';
    return e;
  }
  for (const field of fi.fields) {
    const msg = fieldValueError(field, f.fields[field.name] ?? '', true);
    if (msg) e[`fields.${field.name}`] = msg;
  }
  checkText(e, 'note', f.note, false, 500);
  return e;
}

export function referenceBody(form: ReportForm, f: ReferenceForm, year: number) {
  const fi = form.items.find((x) => x.name === f.item);
  const fields = (fi?.fields ?? [])
    .map((field) => ({ name: field.name, value: normalizeValue(field.type, f.fields[field.name] ?? '') }))
    .filter((x) => x.value !== '');
  const body: { year: number; item: string; fields: { name: string; value: string }[]; note?: string } = { year, item: f.item, fields };
  if (f.note.trim()) body.note = f.note.trim();
  return body;
}

export interface VerdictForm {
  verdict: string; // confirmed | overridden
  kind: string;
  reason: string;
}

export function validateVerdict(f: VerdictForm): Errors {
  const e: Errors = {};
  if (f.verdict !== 'confirmed' && f.verdict !== 'overridden') e.verdict = 'validate.required';
  if (f.verdict === 'overridden') {
    if (!(FINDING_KINDS as readonly string[]).includes(f.kind)) e.kind = 'validate.required';
    checkText(e, 'reason', f.reason, true, LIMITS.TEXT_MAX);
  } else checkText(e, 'reason', f.reason, false, LIMITS.TEXT_MAX);
  return e;
}

/* A kind goes with an override only: the service refuses it otherwise. */
export function verdictBody(f: VerdictForm): { verdict: string; kind?: string; reason?: string } {
  const body: { verdict: string; kind?: string; reason?: string } = { verdict: f.verdict };
  if (f.verdict === 'overridden') body.kind = f.kind;
  if (f.reason.trim()) body.reason = f.reason.trim();
  return body;
}

/* A finding said in the page's language rather than in the service's
 * English explanation: what was not reported, or the figure reported
 * below the register's (the item's amount field), or that both agree.
 * The i18n key under integrity.explain and its parameters. */
export function findingExplanation(
  f: Pick<VerificationFinding, 'kind' | 'key' | 'reported' | 'reference'>,
  item: Pick<ReportFormItem, 'amount_field' | 'fields'> | null,
  locale: string,
): [key: string, params: Record<string, string>] {
  const value = (e: { fields: { name: string; value: string }[] } | null | undefined, name: string) =>
    e?.fields?.find((x) => x.name === name)?.value ?? '';
  if (f.kind === 'concealment') return [f.reported ? 'concealedKey' : f.key ? 'concealed' : 'concealedEntry', { key: f.key }];
  if (f.kind === 'omission' && item?.amount_field) {
    const field = item.fields.find((x) => x.name === item.amount_field);
    return [
      'omission',
      {
        key: f.key,
        field: field ? formLabel(field, locale) : item.amount_field,
        told: value(f.reported, item.amount_field) || '0',
        shown: value(f.reference, item.amount_field),
      },
    ];
  }
  return [f.kind === 'omission' ? 'omitted' : 'consistent', { key: f.key }];
}

/* Whether a verification may be concluded: compared, and every finding
 * has its verdict. */
export function canConclude(v: Pick<Verification, 'state' | 'findings'>): boolean {
  return v.state === 'compared' && (v.findings ?? []).every((f) => !!f.verdict);
}

/* Whether it may be compared (again): not concluded, no verdict given yet
 * (a verdict fixes the comparison), and something to compare with. */
export function canCompare(v: Pick<Verification, 'state' | 'findings' | 'references'>): boolean {
  return v.state !== 'concluded' && (v.references ?? []).length > 0 && (v.findings ?? []).every((f) => !f.verdict);
}

export interface OpinionRequestForm {
  purpose: string;
  note: string;
  person_ids: string; // as typed: separated by spaces, commas or lines
}

export const OPINION_REQUEST_FIELDS = ['purpose', 'note', 'person_ids'] as const;

export function emptyOpinionRequestForm(): OpinionRequestForm {
  return { purpose: 'promotion', note: '', person_ids: '' };
}

/* The person ids typed, each once, in their order (in capitals: the
 * service keeps them so). */
export function personIds(typed: string): string[] {
  const out: string[] = [];
  for (const p of typed.split(/[\s,，、;；]+/)) {
    const id = p.trim().toUpperCase();
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

export function validateOpinionRequest(f: OpinionRequestForm): Errors {
  const e: Errors = {};
  if (!(OPINION_PURPOSES as readonly string[]).includes(f.purpose)) e.purpose = 'validate.required';
  checkText(e, 'note', f.note, false, LIMITS.TEXT_MAX);
  const ids = personIds(f.person_ids);
  if (!ids.length) e.person_ids = 'validate.required';
  else if (ids.length > CANDIDATES_MAX) e.person_ids = 'integrity.tooManyCandidates';
  else {
    const bad = ids.filter((id) => !PERSON_ID.test(id));
    if (bad.length) e.person_ids = 'integrity.personIdsInvalid';
  }
  return e;
}

export function opinionRequestBody(f: OpinionRequestForm): { purpose: string; note?: string; person_ids: string[] } {
  const body: { purpose: string; note?: string; person_ids: string[] } = { purpose: f.purpose, person_ids: personIds(f.person_ids) };
  if (f.note.trim()) body.note = f.note.trim();
  return body;
}

export interface OpinionForm {
  conclusion: string;
  text: string;
}

export function validateOpinion(f: OpinionForm): Errors {
  const e: Errors = {};
  if (!(OPINION_CONCLUSIONS as readonly string[]).includes(f.conclusion)) e.conclusion = 'validate.required';
  checkText(e, 'text', f.text, true, LIMITS.TEXT_MAX);
  return e;
}

/* --- the lists' filters ---------------------------------------------------------------- */

function oneOf(v: unknown, list: readonly string[]): string {
  return typeof v === 'string' && list.includes(v) ? v : '';
}

function unitOf(v: unknown): string {
  return typeof v === 'string' && UNIT_CODE.test(v) ? v : '';
}

function yearOf(v: unknown): string {
  return typeof v === 'string' && yearOk(v) ? v : '';
}

export interface CadreFilters {
  unit: string;
  key: string; // a key position, "any", or '' for every cadre
  q: string;
  sanction: boolean; // only cadres with a sanction in its influence period
}

export function emptyCadreFilters(): CadreFilters {
  return { unit: '', key: '', q: '', sanction: false };
}

/* Filters from a link; anything malformed is dropped, so the API never
 * answers it 400. */
export function cadreFiltersFromQuery(query: Record<string, unknown>): CadreFilters {
  const f = emptyCadreFilters();
  f.unit = unitOf(query.unit);
  f.key = oneOf(query.key, [...KEY_POSITIONS, 'any']);
  if (typeof query.q === 'string' && chars(query.q.trim()) <= 100) f.q = query.q.trim();
  f.sanction = query.sanction === 'in_effect';
  return f;
}

export function cadreFiltersToQuery(f: CadreFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.unit.trim()) q.unit = f.unit.trim();
  if (f.key) q.key = f.key;
  if (f.q.trim()) q.q = f.q.trim();
  if (f.sanction) q.sanction = 'in_effect';
  return q;
}

/* The list's query under the API's own names, a page and its cursor. */
export function cadreListQuery(f: CadreFilters, limit: number, cursor: string | null): string {
  const clean = cadreFiltersFromQuery(cadreFiltersToQuery(f));
  const q = new URLSearchParams();
  if (clean.unit) q.set('unit_code', clean.unit);
  if (clean.key) q.set('key_position', clean.key);
  if (clean.q) q.set('q', clean.q);
  if (clean.sanction) q.set('sanction', 'in_effect');
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export interface VerificationFilters {
  year: string;
  state: string;
  result: string;
  unit: string;
}

export function emptyVerificationFilters(): VerificationFilters {
  return { year: '', state: '', result: '', unit: '' };
}

export function verificationFiltersFromQuery(query: Record<string, unknown>): VerificationFilters {
  return {
    year: yearOf(query.year),
    state: oneOf(query.state, VERIFICATION_STATES),
    result: oneOf(query.result, FINDING_KINDS),
    unit: unitOf(query.unit),
  };
}

export function verificationFiltersToQuery(f: VerificationFilters): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of ['year', 'state', 'result', 'unit'] as const) if (f[k].trim()) q[k] = f[k].trim();
  return q;
}

export function verificationListQuery(f: VerificationFilters): string {
  const clean = verificationFiltersFromQuery(verificationFiltersToQuery(f));
  const q = new URLSearchParams();
  if (clean.year) q.set('year', clean.year);
  if (clean.state) q.set('state', clean.state);
  if (clean.result) q.set('result', clean.result);
  if (clean.unit) q.set('unit_code', clean.unit);
  return q.toString();
}

/* The opinion requests shown: all, those with an opinion still to sign,
 * or those with one signed (the API lists them all; the page filters). */
export type OpinionFilter = '' | 'pending' | 'signed';

export function opinionFilterFromQuery(query: Record<string, unknown>): OpinionFilter {
  return oneOf(query.has, ['pending', 'signed']) as OpinionFilter;
}

export function filterRequests(list: readonly OpinionRequest[], f: OpinionFilter): OpinionRequest[] {
  if (f === 'pending') return list.filter((r) => r.signed < r.candidates);
  if (f === 'signed') return list.filter((r) => r.signed > 0);
  return list.slice();
}

/* --- the overview ------------------------------------------------------------------------ */

/* The rounds a year's figures add up: those not inside another round of
 * the same year, whose cadres that round counts already. */
export function topRounds(rounds: readonly ReportRound[]): ReportRound[] {
  const within = (path: string, scope: string) => path !== scope && path.startsWith(`${scope}.`);
  return rounds.filter((r) => !rounds.some((o) => o.year === r.year && within(r.org_path, o.org_path)));
}

export interface ReportFigures {
  cadres: number;
  submitted: number;
  late: number;
  overdue: number;
  drafts: number;
  not_started: number;
}

export function reportFigures(rounds: readonly ReportRound[]): ReportFigures {
  const out: ReportFigures = { cadres: 0, submitted: 0, late: 0, overdue: 0, drafts: 0, not_started: 0 };
  for (const r of topRounds(rounds)) for (const k of Object.keys(out) as (keyof ReportFigures)[]) out[k] += r[k] ?? 0;
  return out;
}

export interface VerificationFigures {
  total: number;
  by_state: Record<string, number>;
  by_result: Record<string, number>;
}

export function verificationFigures(list: readonly Pick<Verification, 'state' | 'result'>[]): VerificationFigures {
  const by_state: Record<string, number> = Object.fromEntries(VERIFICATION_STATES.map((s) => [s, 0]));
  const by_result: Record<string, number> = Object.fromEntries(FINDING_KINDS.map((s) => [s, 0]));
  for (const v of list) {
    by_state[v.state] = (by_state[v.state] ?? 0) + 1;
    if (v.result) by_result[v.result] = (by_result[v.result] ?? 0) + 1;
  }
  return { total: list.length, by_state, by_result };
}

export interface OpinionFigures {
  requests: number;
  candidates: number;
  signed: number;
  pending: number;
}

export function opinionFigures(list: readonly Pick<OpinionRequest, 'candidates' | 'signed'>[]): OpinionFigures {
  const out: OpinionFigures = { requests: list.length, candidates: 0, signed: 0, pending: 0 };
  for (const r of list) {
    out.candidates += r.candidates;
    out.signed += r.signed;
    out.pending += r.candidates - r.signed;
  }
  return out;
}

/* A route as the overview's links take it. */
export interface FigureTarget {
  name: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
}

/* What each figure opens: a round's cadres in a state, the verifications
 * of the year in a state or with a result, the opinion requests with an
 * opinion signed or to sign. */
export function roundFigureTarget(round: Pick<ReportRound, 'id'>, state: string): FigureTarget {
  return { name: 'integrity-round', params: { id: round.id }, query: state ? { state } : {} };
}

/* What a year's report figure opens: the one round's cadres in that
 * state when one round holds them all, else the year's rounds, each with
 * its own figures to open. */
export function reportFigureTarget(rounds: readonly ReportRound[], state: string, year: number): FigureTarget {
  const top = topRounds(rounds);
  return top.length === 1 ? roundFigureTarget(top[0], state) : { name: 'integrity-rounds', query: { year: String(year) } };
}

export function verificationFigureTarget(year: number, by: 'state' | 'result' | '', value: string): FigureTarget {
  const query: Record<string, string> = { year: String(year) };
  if (by && value) query[by] = value;
  return { name: 'integrity-verifications', query };
}

export function opinionFigureTarget(has: OpinionFilter): FigureTarget {
  return { name: 'integrity-opinions', query: has ? { has } : {} };
}

/* --- reading the file ----------------------------------------------------------------------- */

/* The records of a file by section, in FILE_SECTIONS' order (a section the
 * console does not know last), newest first within one. */
export function recordsBySection<T extends { section: string; happened_on: string | null; recorded_at: string | null }>(
  records: readonly T[],
): { section: string; records: T[] }[] {
  const order = (s: string) => {
    const i = (FILE_SECTIONS as readonly string[]).indexOf(s);
    return i < 0 ? FILE_SECTIONS.length : i;
  };
  const by = new Map<string, T[]>();
  for (const r of records) by.set(r.section, [...(by.get(r.section) ?? []), r]);
  return [...by]
    .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
    .map(([section, list]) => ({
      section,
      records: list.sort(
        (a, b) => (b.happened_on ?? '').localeCompare(a.happened_on ?? '') || (b.recorded_at ?? '').localeCompare(a.recorded_at ?? ''),
      ),
    }));
}

/* Members of a version that say nothing a person looks for: ids, the
 * version itself (shown beside it), the times and the author, which the
 * history shows by name beside each version. */
const VERSION_NOISE = ['id', 'cadre_id', 'version', 'created_at', 'updated_at', 'recorded_at', 'recorded_by', 'updated_by'];

/* The label group of a version's member that holds a word of the
 * service's tables, so it reads in the page's language. */
const VERSION_WORDS: Record<string, string> = {
  key_position: 'keyPosition',
  relation: 'relation',
  section: 'section',
  source: 'recordSource',
  kind: 'itemKind',
};

type Word = (group: string, code: string) => string;

/* A version's data (the part as it was, in the API's JSON) as the lines a
 * person reads: each member that holds something (a false flag or a zero
 * holds nothing), the service's words through word(group, code), a
 * discipline record's measure by its kind, a relative's businesses one a
 * line, other nested values as JSON. */
export function versionLines(dataJson: string, word: Word = (_g, c) => c): { key: string; value: string }[] {
  let data: unknown;
  try {
    data = JSON.parse(dataJson);
  } catch {
    return dataJson ? [{ key: '', value: dataJson }] : [];
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [{ key: '', value: String(dataJson) }];
  const d = data as Record<string, unknown>;
  return Object.entries(d)
    .filter(([k, v]) => v !== null && v !== '' && v !== false && v !== 0 && !(Array.isArray(v) && !v.length) && !VERSION_NOISE.includes(k))
    .map(([key, v]) => {
      if (key === 'businesses' && Array.isArray(v))
        return {
          key,
          value: v
            .map((b: Record<string, unknown>) =>
              [b.company, b.credit_code, word('businessRole', String(b.role ?? '')), `${Number(b.share_percent ?? 0)}%`].join(' '),
            )
            .join('\n'),
        };
      if (typeof v === 'string' && VERSION_WORDS[key]) return { key, value: word(VERSION_WORDS[key], v) };
      if (key === 'measure' && typeof v === 'string' && typeof d.kind === 'string') return { key, value: word(`itemMeasure.${d.kind}`, v) };
      return { key, value: typeof v === 'string' ? v : JSON.stringify(v) };
    });
}

/* Where a record from the case service came from: the case of a sanction
 * (source_ref case:<case id>:<item id>) or the clue of a conclusion
 * (clue:<clue id>:<disposal id>:<person id>); null for any other record. */
export function recordOrigin(sourceRef: string): { kind: 'case' | 'clue'; id: string } | null {
  const m = /^(case|clue):([0-9a-f-]{36})(?::|$)/i.exec(sourceRef ?? '');
  return m && UUID.test(m[2]) ? { kind: m[1] as 'case' | 'clue', id: m[2].toLowerCase() } : null;
}

/* Who a record or a version names as its author: an account id (named by
 * the gateway), or the service's own step (system:integrity, a case's
 * event), which reads as the system. */
export function isAccountId(id: string | null | undefined): boolean {
  return !!id && UUID.test(id);
}
