/* A dossier entry (电子档案) as a sentence in the reader's language: who did
 * what, filled from the entry's summary (the case service's JSON, whose
 * values are strings but for a document's size). One rule per action the
 * case service writes; an action this table does not know still reads as a
 * sentence naming it, with its fields listed, so a newer service's entries
 * never show as raw JSON. Pure: the texts come through the t and te the
 * caller passes, so the rules are tested without a page. */
import type { DossierEntry } from '@/api/types';
import { fenToYuan } from '@/lib/caseFlow';

type Translate = (key: string, named?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

/* An entry as the gateway answers it. Newer gateways name the acting
 * account (actor_name: its display name, null for the services' own
 * steps); older ones send the id only, and both must read well. */
export type NamedEntry = DossierEntry & { actor_name?: string | null };

/* What the whole timeline knows that a single entry does not: names of
 * accounts seen as actors (and the signed-in user's), so an id in a later
 * summary (the handler assigned, an investigator added) reads as a name
 * once that person has acted anywhere in the file; and the kind of each
 * disposition item, so marking one executed says which. */
export interface DossierContext {
  names: ReadonlyMap<string, string>;
  items: ReadonlyMap<string, string>;
}

/* One detail line under a sentence: a field the sentence does not say,
 * such as a reason or a conclusion, which can be long. */
export interface Detail {
  label: string;
  value: string;
}

export interface DossierText {
  sentence: string;
  details: Detail[];
}

type Summary = Record<string, unknown>;

/* Helpers a rule uses to turn summary values into words. */
interface Words {
  person(id: unknown): string;
  label(group: string, code: unknown): string;
  day(ms: unknown): string;
  shortId(id: unknown): string;
  ctx: DossierContext;
}

interface Rule {
  /* Every sentence key the rule may choose, under dossierText.; the unit
   * test checks each exists in both languages. */
  keys: readonly string[];
  /* The key chosen for this summary and its parameters (actor is added). */
  sentence(s: Summary, w: Words): [key: string, params: Record<string, string>];
  /* Summary fields shown under the sentence when present, in this order. */
  details?: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function has(s: Summary, k: string): boolean {
  return str(s[k]) !== '';
}

/* The sentence of each action the case service writes (grep
 * cg_dossier_append and note( in services/case/src, common/src/documents.c
 * and common/src/dossier_rpc.c), the rectification service's task.*
 * (services/rectify/src) and the integrity service's file steps
 * (services/integrity/src). The unit test reads this table and those
 * sources, and fails when they differ. */
export const DOSSIER_ACTIONS: Readonly<Record<string, Rule>> = {
  'clue.created': {
    keys: ['created', 'createdHandler'],
    sentence: (s, w) =>
      has(s, 'handler_id')
        ? ['createdHandler', { source: w.label('source', s.source), handler: w.person(s.handler_id) }]
        : ['created', { source: w.label('source', s.source) }],
    details: ['org_path', 'source_ref'],
  },
  'clue.changed': {
    keys: ['changed'],
    sentence: (s, w) => [
      'changed',
      {
        fields: str(s.fields)
          .split(',')
          .filter(Boolean)
          .map((f) => w.label('dossierField', f))
          .join(w.label('dossierText', 'listSeparator')),
      },
    ],
    details: ['summary', 'subjects', 'categories', 'received_at_ms', 'source_link'],
  },
  'clue.assigned': {
    keys: ['assigned', 'reassigned'],
    sentence: (s, w) =>
      has(s, 'previous_handler_id')
        ? ['reassigned', { handler: w.person(s.handler_id), previous: w.person(s.previous_handler_id) }]
        : ['assigned', { handler: w.person(s.handler_id) }],
  },
  'clue.recused': { keys: ['recused'], sentence: () => ['recused', {}], details: ['reason'] },
  'clue.reopened': { keys: ['reopened'], sentence: () => ['reopened', {}], details: ['reason'] },
  'subject.cleared': { keys: ['subjectCleared'], sentence: (s) => ['subjectCleared', { name: str(s.name) }] },
  'subject.confirmed': {
    keys: ['subjectConfirmed'],
    sentence: (s, w) => ['subjectConfirmed', { name: str(s.name), person: w.person(s.account_id) }],
    details: ['person_id'],
  },
  'clue.linked': {
    keys: ['linked'],
    sentence: (s, w) => ['linked', { clue: w.shortId(s.other_clue_id) }],
  },
  'clue.merged': {
    keys: ['merged'],
    sentence: (s, w) => ['merged', { clue: w.shortId(s.merged_into) }],
  },
  'clue.merge_received': {
    keys: ['mergeReceived'],
    sentence: (s, w) => ['mergeReceived', { clue: w.shortId(s.merged_from) }],
  },
  'disposal.proposed': {
    keys: ['proposed'],
    sentence: (s, w) => ['proposed', { way: w.label('way', s.way) }],
    details: ['reason', 'conclusion'],
  },
  'disposal.approved': {
    keys: ['approved'],
    sentence: (s, w) => ['approved', { way: w.label('way', s.way), stage: w.label('status', s.stage) }],
  },
  'disposal.rejected': {
    keys: ['rejected'],
    sentence: (s, w) => ['rejected', { way: w.label('way', s.way), stage: w.label('status', s.stage) }],
    details: ['reason'],
  },
  // The clue's dossier names the case filed from it; the case's own
  // dossier starts with the same action naming the clue.
  'case.filed': {
    keys: ['filedCase', 'filedFromClue'],
    sentence: (s, w) =>
      has(s, 'case_id')
        ? ['filedCase', { case: w.shortId(s.case_id) }]
        : ['filedFromClue', { clue: w.shortId(s.clue_id) }],
  },
  'case.stage_changed': {
    keys: ['stageChanged', 'reviewStarted'],
    sentence: (s, w) => {
      const params = { from: w.label('caseStage', s.from), to: w.label('caseStage', s.to) };
      return has(s, 'reviewer_id')
        ? ['reviewStarted', { ...params, reviewer: w.person(s.reviewer_id) }]
        : ['stageChanged', params];
    },
  },
  'case.measure_logged': {
    keys: ['measureLogged'],
    sentence: (s, w) => ['measureLogged', { kind: w.label('measureKind', s.kind), date: w.day(s.date_ms), who: str(s.who) }],
    details: ['summary'],
  },
  'case.investigator_added': {
    keys: ['investigatorAdded'],
    sentence: (s, w) => ['investigatorAdded', { person: w.person(s.user_id) }],
  },
  'case.investigator_removed': {
    keys: ['investigatorRemoved'],
    sentence: (s, w) => ['investigatorRemoved', { person: w.person(s.user_id) }],
  },
  'case.item_added': {
    keys: ['itemAdded', 'itemAddedFor'],
    sentence: (s, w) =>
      has(s, 'subject')
        ? ['itemAddedFor', { kind: w.label('itemKind', s.kind), subject: str(s.subject) }]
        : ['itemAdded', { kind: w.label('itemKind', s.kind) }],
    details: ['measure', 'amount_fen', 'org_path', 'text'],
  },
  'case.item_removed': {
    keys: ['itemRemoved'],
    sentence: (s, w) => ['itemRemoved', { kind: w.label('itemKind', s.kind) }],
  },
  'case.item_executed': {
    keys: ['itemExecuted', 'itemExecutedKind'],
    sentence: (s, w) => {
      const kind = w.ctx.items.get(str(s.item_id));
      return kind
        ? ['itemExecutedKind', { kind: w.label('itemKind', kind), date: w.day(s.date_ms) }]
        : ['itemExecuted', { date: w.day(s.date_ms) }];
    },
    details: ['note'],
  },
  'case.extension_requested': {
    keys: ['extensionRequested'],
    sentence: (s) => ['extensionRequested', { days: str(s.days) }],
    details: ['reason'],
  },
  'case.extension_approved': {
    keys: ['extensionApproved'],
    sentence: () => ['extensionApproved', {}],
    details: ['reason'],
  },
  'case.extension_rejected': {
    keys: ['extensionRejected'],
    sentence: () => ['extensionRejected', {}],
    details: ['reason'],
  },
  'document.added': {
    keys: ['documentAdded'],
    sentence: (s) => ['documentAdded', { name: str(s.name), size: fileSize(Number(s.size)) }],
    details: ['content_type'],
  },
  // after_seq is the entry the reader started after: 0 when the reading
  // began at the start of the file, as the timeline's first page does.
  'dossier.read': {
    keys: ['read', 'readFrom'],
    sentence: (s) => {
      const after = Number(s.after_seq);
      return Number.isInteger(after) && after > 0 ? ['readFrom', { from: String(after + 1) }] : ['read', {}];
    },
  },
  'dossier.exported': { keys: ['exported'], sentence: () => ['exported', {}] },
  // A rectification task's file (services/rectify, docs/rectification.md).
  'task.assigned': { keys: ['taskAssigned'], sentence: (s) => ['taskAssigned', { deadline: str(s.deadline_on) || '-' }] },
  'task.planned': { keys: ['taskPlanned'], sentence: (s) => ['taskPlanned', { n: str(s.measures) || '0' }] },
  'task.replanned': { keys: ['taskReplanned'], sentence: (s) => ['taskReplanned', { n: str(s.measures) || '0' }] },
  'task.evidence_added': {
    keys: ['taskEvidence'],
    sentence: (s) => ['taskEvidence', { measure: str(s.measure) || '-' }],
  },
  'task.closure_requested': {
    keys: ['taskClosureRequested'],
    sentence: (s) => ['taskClosureRequested', { round: str(s.round) || '1' }],
  },
  'task.accepted': {
    keys: ['taskAccepted', 'taskVerified'],
    sentence: (s, w) => [s.to === 'verified' ? 'taskVerified' : 'taskAccepted', { party: w.label('party', s.party), round: str(s.round) || '1' }],
  },
  'task.rejected': {
    keys: ['taskRejected'],
    sentence: (s, w) => ['taskRejected', { party: w.label('party', s.party), round: str(s.round) || '1' }],
    details: ['reason'],
  },
  'task.closed': { keys: ['taskClosed'], sentence: () => ['taskClosed', {}] },
  'task.recheck_drawn': {
    keys: ['taskRecheckDrawn'],
    sentence: (s) => ['taskRecheckDrawn', { due: str(s.due_on) || '-' }],
  },
  'task.rechecked': { keys: ['taskRechecked'], sentence: () => ['taskRechecked', {}], details: ['finding'] },
  'task.relapsed': {
    keys: ['taskRelapsed'],
    sentence: (s) => ['taskRelapsed', { deadline: str(s.deadline_on) || '-' }],
    details: ['finding'],
  },
  // The escalation ladder's rungs, written by the service itself.
  'ladder.reminded': {
    keys: ['ladderReminded'],
    sentence: (s) => ['ladderReminded', { deadline: str(s.deadline_on) || '-' }],
  },
  'ladder.overdue_warned': {
    keys: ['ladderOverdueWarned'],
    sentence: (s) => ['ladderOverdueWarned', { final: str(s.final_deadline_on) || '-' }],
  },
  'ladder.accountability_proposed': {
    keys: ['ladderAccountabilityProposed'],
    sentence: () => ['ladderAccountabilityProposed', {}],
  },
  'ladder.clue_registered': { keys: ['ladderClueRegistered'], sentence: () => ['ladderClueRegistered', {}] },
  // A responsibility list's file (纪实考核, docs/rectification.md).
  'duty.list_set': {
    keys: ['dutyListSet'],
    sentence: (s) => ['dutyListSet', { year: str(s.year) || '-', n: str(s.items) || '0' }],
  },
  'duty.list_revised': {
    keys: ['dutyListRevised'],
    sentence: (s) => ['dutyListRevised', { year: str(s.year) || '-', n: str(s.items) || '0' }],
  },
  'duty.work_recorded': {
    keys: ['dutyWorkRecorded'],
    sentence: (s) => ['dutyWorkRecorded', { item: str(s.item) || '-' }],
  },
  'duty.work_confirmed': {
    keys: ['dutyWorkConfirmed'],
    sentence: (s) => ['dutyWorkConfirmed', { item: str(s.item) || '-' }],
  },
  'duty.work_refused': {
    keys: ['dutyWorkRefused'],
    sentence: (s) => ['dutyWorkRefused', { item: str(s.item) || '-' }],
    details: ['reason'],
  },
  'duty.scored': {
    keys: ['dutyScored'],
    sentence: (s) => ['dutyScored', { item: str(s.item) || '-', score: str(s.score) || '0' }],
  },
  // An integrity file (廉政档案, services/integrity, docs/integrity.md).
  // Its words (a relation, a section, a result) are the integrity pages'
  // own texts, which are loaded wherever such a file is shown.
  'file.created': {
    keys: ['fileCreated', 'fileCreatedRecords'],
    sentence: (s) =>
      Number(s.records) > 0
        ? ['fileCreatedRecords', { name: str(s.name), n: str(s.records) }]
        : ['fileCreated', { name: str(s.name) }],
    details: ['person_id', 'org_path'],
  },
  'file.updated': {
    keys: ['fileUpdated'],
    sentence: (s) => ['fileUpdated', { version: str(s.version) || '-' }],
    details: ['name', 'org_path', 'position', 'grade', 'key_position', 'key_since_on'],
  },
  'relative.added': {
    keys: ['relativeAdded'],
    sentence: (s, w) => ['relativeAdded', { name: str(s.name), relation: w.label('relation', s.relation) }],
  },
  'relative.updated': {
    keys: ['relativeUpdated'],
    sentence: (s, w) => ['relativeUpdated', { name: str(s.name), relation: w.label('relation', s.relation), version: str(s.version) || '-' }],
  },
  'relative.removed': {
    keys: ['relativeRemoved'],
    sentence: (s, w) => ['relativeRemoved', { name: str(s.name), relation: w.label('relation', s.relation) }],
    details: ['reason'],
  },
  // A record entered by the office, a sanction from a case's decision, or
  // a round's reminder (whose summary names the reminder alone).
  'record.added': {
    keys: ['recordAdded', 'reminderRecorded'],
    sentence: (s, w) =>
      has(s, 'reminder') && !has(s, 'section')
        ? ['reminderRecorded', {}]
        : ['recordAdded', { section: w.label('section', s.section), title: str(s.title) }],
    details: ['happened_on', 'measure', 'influence_until_on'],
  },
  'report.submitted': {
    keys: ['reportSubmitted', 'reportSubmittedLate'],
    sentence: (s) => [s.late === true || s.late === 'true' ? 'reportSubmittedLate' : 'reportSubmitted', { year: str(s.year) || '-' }],
  },
  'report.corrected': {
    keys: ['reportCorrected'],
    sentence: (s) => ['reportCorrected', { year: str(s.year) || '-', version: str(s.version) || '-' }],
  },
  'verification.concluded': {
    keys: ['verificationConcluded'],
    sentence: (s, w) => ['verificationConcluded', { year: str(s.year) || '-', result: w.label('findingKind', s.result) }],
  },
  'opinion.signed': {
    keys: ['opinionSigned'],
    sentence: (s, w) => ['opinionSigned', { conclusion: w.label('opinionConclusion', s.conclusion) }],
  },
};

/* Where a document of the file at base (/api/v1/clues/{id}, ...) downloads. */
export function documentHref(base: string, sha256: string): string {
  return `${base}/documents/content?sha256=${encodeURIComponent(sha256)}`;
}

/* Entries that record someone reading the file rather than changing it:
 * every look at the timeline by anyone but the handler adds one, and an
 * export is a read of the whole file. */
export const READ_ACTIONS: readonly string[] = ['dossier.read', 'dossier.exported'];

export function isReadAction(action: string): boolean {
  return READ_ACTIONS.includes(action);
}

/* The key of the fallback sentence, for an action the table lacks. */
export const FALLBACK_KEY = 'unknown';

/* Keys of the words the rules use besides the sentences (the unit test
 * checks these too). */
export const WORD_KEYS: readonly string[] = ['system', 'account', 'listSeparator', 'summary'];

export function fileSize(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/* The context of a timeline: names from the entries that carry one, the
 * signed-in user's own, and the kinds of the disposition items added. */
export function dossierContext(entries: readonly NamedEntry[], self?: { id: string; display_name?: string } | null): DossierContext {
  const names = new Map<string, string>();
  const items = new Map<string, string>();
  if (self?.id && self.display_name) names.set(self.id, self.display_name);
  for (const e of entries) {
    if (e.actor_name && e.actor_id) names.set(e.actor_id, e.actor_name);
    const s = e.summary;
    if (e.action === 'case.item_added' && s && typeof s === 'object' && has(s, 'item_id') && has(s, 'kind'))
      items.set(str(s.item_id), str(s.kind));
  }
  return { names, items };
}

/* Who acted: the account's name when the gateway sends it, "system" for
 * what a service did by itself (actor_id empty or not a UUID, such as
 * system:case), else the name seen elsewhere in the file, else the first
 * characters of the id. */
export function actorText(e: NamedEntry, t: Translate, ctx: DossierContext): string {
  if (typeof e.actor_name === 'string' && e.actor_name.trim()) return e.actor_name;
  if (!e.actor_id || !UUID.test(e.actor_id)) return t('dossierText.system');
  return ctx.names.get(e.actor_id) ?? t('dossierText.account', { id: e.actor_id.slice(0, 8) });
}

function words(t: Translate, te: Has, ctx: DossierContext): Words {
  const label = (group: string, code: unknown): string => {
    const c = str(code);
    const key = `${group}.${c}`;
    return c && te(key) ? t(key) : c;
  };
  return {
    ctx,
    label,
    person: (id) => {
      const v = str(id);
      if (!v) return '';
      if (!UUID.test(v)) return v;
      return ctx.names.get(v) ?? t('dossierText.account', { id: v.slice(0, 8) });
    },
    day: (ms) => {
      const n = Number(ms);
      // The day as the service stored it: a calendar day at UTC midnight.
      return Number.isFinite(n) && str(ms) !== '' ? new Date(n).toISOString().slice(0, 10) : str(ms);
    },
    shortId: (id) => str(id).slice(0, 8),
  };
}

/* A summary value as a reader sees it: labels for codes, days for _ms
 * fields, names for a clue's subjects, yuan for fen. */
function detailValue(field: string, v: unknown, s: Summary, w: Words): string {
  if (field.endsWith('_ms')) return w.day(v);
  if (field === 'measure' && has(s, 'kind')) return w.label(`itemMeasure.${str(s.kind)}`, v);
  if (field === 'amount_fen') {
    const fen = Number(v);
    return Number.isSafeInteger(fen) ? `¥${fenToYuan(fen)}` : str(v);
  }
  if (field === 'subjects' || field === 'categories') {
    let list: unknown;
    try {
      list = JSON.parse(str(v));
    } catch {
      return str(v);
    }
    if (!Array.isArray(list)) return str(v);
    return list
      .map((x) => (field === 'categories' ? w.label('clueCategory', x) : str((x as { name?: unknown })?.name ?? x)))
      .join(w.label('dossierText', 'listSeparator'));
  }
  if (field.endsWith('_id')) return w.person(v);
  return str(v);
}

function detail(field: string, s: Summary, w: Words): Detail {
  return { label: w.label('dossierField', field), value: detailValue(field, s[field], s, w) };
}

/* The entry as a sentence and the detail lines under it. */
export function dossierText(e: NamedEntry, t: Translate, te: Has, ctx: DossierContext): DossierText {
  const w = words(t, te, ctx);
  const actor = actorText(e, t, ctx);
  const s: Summary = e.summary && typeof e.summary === 'object' ? e.summary : {};
  const rule = Object.prototype.hasOwnProperty.call(DOSSIER_ACTIONS, e.action) ? DOSSIER_ACTIONS[e.action] : undefined;
  if (!rule) {
    // An action this console does not know: named, with every field, so
    // nothing the entry says is lost.
    const details = Object.entries(s)
      .filter(([, v]) => str(v) !== '')
      .map(([k]) => detail(k, s, w));
    if (!e.summary && e.summary_text) details.push({ label: t('dossierText.summary'), value: e.summary_text });
    return { sentence: t(`dossierText.${FALLBACK_KEY}`, { actor, action: e.action }), details };
  }
  const [key, params] = rule.sentence(s, w);
  const details = (rule.details ?? []).filter((f) => has(s, f)).map((f) => detail(f, s, w));
  return { sentence: t(`dossierText.${key}`, { ...params, actor }), details };
}

/* The entries a timeline shows: reads left out when hide is on, except a
 * read the chain check marked broken (at or after firstBad), which the
 * reader must see to know what is wrong. hidden counts those left out. */
export function visibleEntries<E extends { action: string; seq: number }>(
  entries: readonly E[],
  hide: boolean,
  firstBad: number | null,
): { shown: E[]; hidden: number } {
  if (!hide) return { shown: entries.slice(), hidden: 0 };
  const shown = entries.filter((e) => !isReadAction(e.action) || (firstBad !== null && e.seq >= firstBad));
  return { shown, hidden: entries.length - shown.length };
}
