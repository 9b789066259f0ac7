/* Responsibility lists (党风廉政建设主体责任清单) and their documentary
 * assessment (纪实考核), docs/rectification.md: who may do what on a list,
 * the forms (a list and its items, a record of work, a refusal, a score),
 * what each checks and what it sends. The service decides; these rules
 * only keep away buttons that would certainly be refused. */
import type { DutyItem, DutyList, DutyRecord } from '@/api/types';
import type { Errors } from '@/lib/validate';
import { checkDate, checkText } from '@/lib/caseFlow';
import { within, type RectifyActor } from '@/lib/rectify';

export const DUTY_OUTCOMES = ['done', 'partly', 'not_done'] as const;
export const DUTY_ITEMS_MAX = 50;

const OFFICE = ['inspector', 'inspection_lead'];
const UNIT_CODE = /^[a-z0-9_]{1,64}$/;

function office(actor: RectifyActor): boolean {
  return OFFICE.some((r) => actor.roles.includes(r));
}

/* The office of another unit: the one who sets lists, gives verdicts and
 * scores (never the list's unit's own people). */
export function judgesList(l: Pick<DutyList, 'org_path'>, actor: RectifyActor): boolean {
  return office(actor) && !within(actor.unitPath, l.org_path);
}

export function canSetLists(roles: readonly string[]): boolean {
  return OFFICE.some((r) => roles.includes(r));
}

/* The unit leader of the list's unit (or above it) records work. */
export function recordsFor(l: Pick<DutyList, 'org_path'>, actor: RectifyActor): boolean {
  return actor.roles.includes('unit_leader') && within(l.org_path, actor.unitPath);
}

/* Whether the item still takes records and verdicts: not once scored. */
export function itemOpen(i: Pick<DutyItem, 'scored_at' | 'outcome'>): boolean {
  return !i.scored_at && !i.outcome;
}

/* A record the office may still confirm or refuse: recorded, its item
 * open, and not recorded by this user. */
export function canJudgeRecord(l: Pick<DutyList, 'org_path'>, i: DutyItem, r: DutyRecord, actor: RectifyActor): boolean {
  return judgesList(l, actor) && itemOpen(i) && r.state === 'recorded' && r.recorded_by !== actor.id;
}

/* Scores are given from December 1 of the list's year on, once. */
export function canScore(l: Pick<DutyList, 'org_path' | 'year'>, i: DutyItem, actor: RectifyActor, today: string): boolean {
  return judgesList(l, actor) && itemOpen(i) && today >= `${l.year}-12-01`;
}

/* --- the list form ----------------------------------------------------------------- */

export interface DutyItemForm {
  text: string;
  leader: string;
  from_month: string; // '' with to_month '' for the whole year
  to_month: string;
  standard: string;
}

export interface DutyListForm {
  unit_code: string;
  year: string;
  items: DutyItemForm[];
}

export function emptyDutyItem(): DutyItemForm {
  return { text: '', leader: '', from_month: '', to_month: '', standard: '' };
}

/* A new list, or a revision of list l (its items as they are). */
export function dutyListForm(year: number, l?: DutyList | null): DutyListForm {
  if (!l) return { unit_code: '', year: String(year), items: [emptyDutyItem()] };
  return {
    unit_code: l.unit_code,
    year: String(l.year),
    items: (l.items ?? []).map((i) => ({
      text: i.text,
      leader: i.leader,
      from_month: i.from_month ? String(i.from_month) : '',
      to_month: i.to_month ? String(i.to_month) : '',
      standard: i.standard,
    })),
  };
}

function month(v: string): number | null {
  return /^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 12 ? Number(v) : null;
}

export function validYear(v: unknown): number | null {
  return typeof v === 'string' && /^\d{4}$/.test(v) && Number(v) >= 2000 && Number(v) <= 2100 ? Number(v) : null;
}

/* Errors under items[i].<field>, as the service names them. */
export function validateDutyList(f: DutyListForm): Errors {
  const e: Errors = {};
  const unit = f.unit_code.trim();
  if (!unit) e.unit_code = 'validate.required';
  else if (!UNIT_CODE.test(unit)) e.unit_code = 'caseFlow.unitCodeInvalid';
  if (validYear(f.year.trim()) === null) e.year = 'duty.yearInvalid';
  if (!f.items.length || f.items.length > DUTY_ITEMS_MAX) e.items = 'duty.itemsCount';
  f.items.forEach((it, i) => {
    checkText(e, `items[${i}].text`, it.text, true, 1000);
    checkText(e, `items[${i}].leader`, it.leader, true, 100);
    checkText(e, `items[${i}].standard`, it.standard, true, 1000);
    const from = it.from_month.trim();
    const to = it.to_month.trim();
    if (from && month(from) === null) e[`items[${i}].from_month`] = 'duty.monthInvalid';
    if (to && month(to) === null) e[`items[${i}].to_month`] = 'duty.monthInvalid';
    if (month(from) !== null && month(to) !== null && month(to)! < month(from)!) e[`items[${i}].to_month`] = 'duty.monthOrder';
  });
  return e;
}

export function dutyListBody(f: DutyListForm): {
  unit_code: string;
  year: number;
  items: { text: string; leader: string; standard: string; from_month?: number; to_month?: number }[];
} {
  return {
    unit_code: f.unit_code.trim(),
    year: Number(f.year.trim()),
    items: f.items.map((it) => {
      const out: { text: string; leader: string; standard: string; from_month?: number; to_month?: number } = {
        text: it.text.trim(),
        leader: it.leader.trim(),
        standard: it.standard.trim(),
      };
      if (it.from_month.trim()) out.from_month = Number(it.from_month.trim());
      if (it.to_month.trim()) out.to_month = Number(it.to_month.trim());
      return out;
    }),
  };
}

/* The period of an item: "3–6", or the whole year. */
export function itemPeriod(i: Pick<DutyItem, 'from_month' | 'to_month'>): { from: number; to: number } {
  return { from: i.from_month || 1, to: i.to_month || 12 };
}

/* --- a record of work, a refusal, a score ------------------------------------------------ */

export interface DutyRecordForm {
  item: string;
  note: string;
  done_on: string;
  sha256: string;
}

export const DUTY_RECORD_FIELDS = ['item', 'note', 'done_on', 'sha256'] as const;

export function emptyDutyRecord(): DutyRecordForm {
  return { item: '', note: '', done_on: '', sha256: '' };
}

const SHA256 = /^[0-9a-f]{64}$/;

/* The day lies in the list's year and not after today. */
export function validateDutyRecord(f: DutyRecordForm, year: number, items: readonly number[], today: string): Errors {
  const e: Errors = {};
  if (!items.includes(Number(f.item))) e.item = 'validate.required';
  checkText(e, 'note', f.note, true, 2000);
  checkDate(e, 'done_on', f.done_on);
  if (!e.done_on && f.done_on > today) e.done_on = 'rectify.inFuture';
  else if (!e.done_on && !f.done_on.startsWith(`${year}-`)) e.done_on = 'duty.notInYear';
  if (!SHA256.test(f.sha256)) e.sha256 = 'rectify.pickDocument';
  return e;
}

export function dutyRecordBody(f: DutyRecordForm): { item: number; note: string; done_on: string; sha256: string } {
  return { item: Number(f.item), note: f.note.trim(), done_on: f.done_on, sha256: f.sha256 };
}

export interface DutyScoreForm {
  outcome: string;
  score: string;
  note: string;
}

export function emptyDutyScore(): DutyScoreForm {
  return { outcome: '', score: '', note: '' };
}

export function validateDutyScore(f: DutyScoreForm): Errors {
  const e: Errors = {};
  if (!(DUTY_OUTCOMES as readonly string[]).includes(f.outcome)) e.outcome = 'validate.required';
  const s = f.score.trim();
  if (!/^\d{1,3}$/.test(s) || Number(s) > 100) e.score = 'duty.scoreInvalid';
  checkText(e, 'note', f.note, false, 2000);
  return e;
}

export function dutyScoreBody(item: number, f: DutyScoreForm): { item: number; outcome: string; score: number; note?: string } {
  const body: { item: number; outcome: string; score: number; note?: string } = {
    item,
    outcome: f.outcome,
    score: Number(f.score.trim()),
  };
  if (f.note.trim()) body.note = f.note.trim();
  return body;
}

/* The table's export: the year's lists (a unit's subtree) as a workbook. */
export function dutyExportHref(year: number, unit: string, format: 'xlsx' | 'csv' = 'xlsx'): string {
  const q = new URLSearchParams({ year: String(year) });
  if (unit.trim()) q.set('unit_code', unit.trim());
  q.set('format', format);
  return `/api/v1/rectify/duty-lists/export?${q}`;
}

export function dutyTableQuery(year: number, unit: string): string {
  const q = new URLSearchParams({ year: String(year) });
  if (UNIT_CODE.test(unit.trim())) q.set('unit_code', unit.trim());
  return `/api/v1/rectify/duty-lists?${q}`;
}
