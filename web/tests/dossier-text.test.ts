import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import {
  DOSSIER_ACTIONS,
  FALLBACK_KEY,
  READ_ACTIONS,
  WORD_KEYS,
  actorText,
  dossierContext,
  dossierText,
  visibleEntries,
  type NamedEntry,
} from '@/lib/dossierText';
import en from '@/locales/en';
import zh from '@/locales/zh-CN';

/* The case, rectification and integrity services' sources, read as
 * text: every action they append to a dossier is a string literal such as
 * "clue.assigned", "task.planned" or "record.added" in them, or in the
 * shared modules it serves its documents and exports (document.added,
 * dossier.exported) and its dossier's reads (dossier.read) with. */
const sources = import.meta.glob(
  [
    '../../services/case/src/*.c',
    '../../services/rectify/src/*.c',
    '../../services/integrity/src/*.c',
    '../../common/src/documents.c',
    '../../common/src/dossier_rpc.c',
  ],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
) as Record<string, string>;

function serviceActions(): string[] {
  const found = new Set<string>();
  for (const text of Object.values(sources))
    for (const m of text.matchAll(/"((?:clue|case|disposal|document|dossier|subject|task|ladder|duty|file|relative|record|report|verification|opinion)\.[a-z_]+)"/g))
      if (!m[1].endsWith('.h') && !m[1].endsWith('.c')) found.add(m[1]);
  return [...found].sort();
}

const LOCALES = { en, 'zh-CN': zh } as Record<string, Record<string, unknown>>;

function message(locale: string, key: string): string | undefined {
  let v: unknown = LOCALES[locale];
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function placeholders(msg: string): string[] {
  return [...msg.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

const ACTOR = '3f1d9a5e-0000-4000-8000-000000000001';
const OTHER = '7c2e4b10-0000-4000-8000-000000000002';
const CLUE = '0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f';
const ITEM = '9a8b7c6d-0000-4000-8000-000000000003';

function entry(action: string, summary: Record<string, unknown> | null, extra: Partial<NamedEntry> = {}): NamedEntry {
  return {
    seq: 1,
    at: '2026-01-02T03:04:05.000Z',
    at_ms: 0,
    actor_id: ACTOR,
    action,
    summary,
    summary_text: summary ? JSON.stringify(summary) : '',
    prev_hash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    ...extra,
  };
}

/* Summaries as the service writes them, at least one for each sentence a
 * rule may choose (the test below checks every key is reached). */
const SAMPLES: Record<string, Record<string, unknown>[]> = {
  'clue.created': [
    { source: 'public_report' },
    { source: 'letters_visits', source_ref: 'XF-2026-1', org_path: 'hq.east', handler_id: OTHER },
  ],
  'clue.changed': [
    {
      fields: 'subjects,summary,received_date',
      subjects: '[{"name":"王某","person_id":null}]',
      summary: 'new words',
      received_at_ms: '1767225600000',
    },
  ],
  'clue.assigned': [{ handler_id: OTHER, previous_handler_id: '' }, { handler_id: OTHER, previous_handler_id: ACTOR }],
  'clue.recused': [{ user_id: ACTOR, reason: 'my brother-in-law' }],
  'subject.cleared': [{ name: '王五' }],
  'subject.confirmed': [{ name: '王五', account_id: ACTOR, person_id: 'HR-001' }],
  'clue.reopened': [{ reason: 'new evidence' }],
  'clue.linked': [{ other_clue_id: CLUE }],
  'clue.merged': [{ merged_into: CLUE }],
  'clue.merge_received': [{ merged_from: CLUE }],
  'disposal.proposed': [{ disposal_id: CLUE, way: 'close', reason: 'no fault', conclusion: 'answered' }],
  'disposal.approved': [{ disposal_id: CLUE, way: 'close', stage: 'closed' }],
  'disposal.rejected': [{ disposal_id: CLUE, way: 'close', stage: 'registered', reason: 'verify first' }],
  'case.filed': [{ case_id: CLUE }, { clue_id: CLUE, filing_disposal_id: CLUE }],
  'case.stage_changed': [
    { action: 'start_investigation', from: 'filed', to: 'investigation' },
    { action: 'start_review', from: 'investigation_reported', to: 'review', reviewer_id: OTHER },
  ],
  'case.measure_logged': [{ kind: 'talk', date_ms: '1767225600000', who: '张三', summary: 'talked' }],
  'case.investigator_added': [{ user_id: OTHER }],
  'case.investigator_removed': [{ user_id: OTHER }],
  'case.item_added': [
    { item_id: ITEM, kind: 'party_discipline', measure: 'serious_warning', subject: '王某' },
    { item_id: ITEM, kind: 'rectification', org_path: 'east', text: 'fix the tendering' },
  ],
  'case.item_removed': [{ item_id: ITEM, kind: 'illicit_gains' }],
  'case.item_executed': [
    { item_id: ITEM, date_ms: '1767225600000', note: 'done' },
    { item_id: 'unknown-item', date_ms: '1767225600000' },
  ],
  'case.extension_requested': [{ days: '30', reason: 'more witnesses' }],
  'case.extension_approved': [{}],
  'case.extension_rejected': [{ reason: 'not needed' }],
  'document.added': [{ sha256: 'b'.repeat(64), name: 'tender.pdf', size: 2048, content_type: 'application/pdf' }],
  'dossier.read': [{ after_seq: '0' }, { after_seq: '100' }],
  'dossier.exported': [{}],
  'task.assigned': [{ deadline_on: '2027-01-01' }],
  'task.planned': [{ from: 'assigned', to: 'in_progress', measures: 2 }],
  'task.replanned': [{ from: 'in_progress', to: 'in_progress', measures: 3 }],
  'task.evidence_added': [{ from: 'in_progress', to: 'in_progress', sha256: 'b'.repeat(64), measure: 1 }],
  'task.closure_requested': [{ from: 'in_progress', to: 'closure_requested', round: 1 }],
  'task.accepted': [
    { from: 'closure_requested', to: 'closure_requested', party: 'office', round: 1 },
    { from: 'closure_requested', to: 'verified', party: 'inspection_group', round: 1 },
  ],
  'task.rejected': [{ from: 'closure_requested', to: 'in_progress', party: 'office', round: 1, reason: 'no minutes' }],
  'task.closed': [{ from: 'verified', to: 'closed' }],
  'task.recheck_drawn': [{ draw_id: 'd', due_on: '2027-03-01', for: 'share' }],
  'task.rechecked': [{ from: 'closed', to: 'closed', finding: 'holds' }],
  'task.relapsed': [{ from: 'closed', to: 'in_progress', finding: 'back', deadline_on: '2027-02-01', relapse_count: 1 }],
  'ladder.reminded': [{ deadline_on: '2027-01-01', final_deadline_on: '' }],
  'ladder.overdue_warned': [{ deadline_on: '2027-01-01', final_deadline_on: '2027-01-16' }],
  'ladder.accountability_proposed': [{ deadline_on: '2027-01-01', final_deadline_on: '2027-01-16' }],
  'ladder.clue_registered': [{ clue_id: 'c' }],
  'duty.list_set': [{ year: 2026, items: 3, revised: false }],
  'duty.list_revised': [{ year: 2026, items: 4, revised: true }],
  'duty.work_recorded': [{ item: 1, record_id: 'r', sha256: 'a'.repeat(64) }],
  'duty.work_confirmed': [{ item: 1, record_id: 'r' }],
  'duty.work_refused': [{ item: 1, record_id: 'r', reason: 'no minutes' }],
  'duty.scored': [{ item: 2, outcome: 'partly', score: 70 }],
  'file.created': [
    { person_id: 'HR-1', name: '王某', org_path: 'hq.east.city_a', records: 0 },
    { person_id: 'HR-1', name: '王某', org_path: 'hq.east.city_a', records: 2 },
  ],
  'file.updated': [{ version: 2, name: '王某', org_path: 'hq.east', position: '主任', grade: '正科', key_position: null, key_since_on: null }],
  'relative.added': [{ name: '李某', relation: 'spouse', businesses: 1, version: 1 }],
  'relative.updated': [{ name: '李某', relation: 'spouse', businesses: 0, version: 2 }],
  'relative.removed': [{ name: '李某', relation: 'spouse', reason: 'divorced' }],
  'record.added': [
    { section: 'talk', title: '任前廉政谈话', happened_on: '2026-03-01', kind: '', measure: '', internal: false },
    { section: 'discipline', title: '党纪处分: warning', kind: 'party_discipline', measure: 'warning', influence_until_on: '2027-11-30', source_ref: 'case:x:y' },
    { reminder: 'reminder:round:due_soon' },
  ],
  'report.submitted': [
    { year: 2026, version: 1, late: false, report_id: CLUE },
    { year: 2026, version: 1, late: true, report_id: CLUE },
  ],
  'report.corrected': [{ year: 2026, version: 2, late: false, report_id: CLUE }],
  'verification.concluded': [{ verification_id: CLUE, year: 2026, result: 'concealment' }],
  'opinion.signed': [{ opinion_id: CLUE, request_id: CLUE, conclusion: 'objection' }],
};

/* A translator that records what it was asked, for the parameter check. */
function recorder() {
  const calls: { key: string; named: Record<string, unknown> }[] = [];
  const t = (key: string, named: Record<string, unknown> = {}) => {
    calls.push({ key, named });
    return key;
  };
  return { t, calls };
}

function i18nFor(locale: 'en' | 'zh-CN') {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { en, 'zh-CN': zh } });
  const g = i18n.global;
  return { t: (k: string, n?: Record<string, unknown>) => (n ? g.t(k, n) : g.t(k)), te: (k: string) => g.te(k) };
}

// The item added in the file, so marking it executed can name its kind.
const CTX_ENTRIES = [entry('case.item_added', { item_id: ITEM, kind: 'party_discipline' })];

describe('dossier sentences', () => {
  it('has a rule for exactly the actions the case service writes', () => {
    const written = serviceActions();
    expect(written.length).toBeGreaterThan(20);
    expect(Object.keys(DOSSIER_ACTIONS).sort()).toEqual(written);
    for (const a of READ_ACTIONS) expect(written).toContain(a);
  });

  it('has every sentence and word in both languages', () => {
    const keys = [
      ...Object.values(DOSSIER_ACTIONS).flatMap((r) => r.keys),
      FALLBACK_KEY,
      ...WORD_KEYS,
    ].map((k) => `dossierText.${k}`);
    for (const locale of Object.keys(LOCALES))
      for (const key of keys) expect(message(locale, key), `${locale} lacks ${key}`).toBeTypeOf('string');
  });

  it('reaches every sentence of a rule and gives each the parameters both languages use', () => {
    const ctx = dossierContext(CTX_ENTRIES, null);
    const te = () => true;
    for (const [action, rule] of Object.entries(DOSSIER_ACTIONS)) {
      const reached = new Set<string>();
      for (const summary of SAMPLES[action] ?? []) {
        const { t, calls } = recorder();
        dossierText(entry(action, summary), t, te, ctx);
        // The sentence is the last text asked for; names and lists come first.
        const call = calls[calls.length - 1];
        expect(call?.key.startsWith('dossierText.'), action).toBe(true);
        const key = call!.key.slice('dossierText.'.length);
        reached.add(key);
        for (const locale of Object.keys(LOCALES)) {
          const msg = message(locale, call!.key)!;
          for (const p of placeholders(msg)) {
            expect(call!.named[p], `${locale} ${call!.key} {${p}}`).toBeTypeOf('string');
            expect((call!.named[p] as string).length, `${locale} ${call!.key} {${p}} empty`).toBeGreaterThan(0);
          }
        }
      }
      expect([...reached].sort(), action).toEqual([...rule.keys].sort());
    }
  });

  it('reads as a sentence in English and in Chinese', () => {
    const names = [entry('clue.created', { source: 'public_report' }, { actor_name: 'Lead East' })];
    const ctx = dossierContext(names, { id: OTHER, display_name: 'Inspector East' });
    const assigned = entry('clue.assigned', { handler_id: OTHER, previous_handler_id: '' }, { actor_name: 'Lead East' });
    const e = i18nFor('en');
    expect(dossierText(assigned, e.t, e.te, ctx).sentence).toBe('Lead East assigned the clue to Inspector East');
    const z = i18nFor('zh-CN');
    expect(dossierText(assigned, z.t, z.te, ctx).sentence).toBe('Lead East 将线索交由 Inspector East 承办');

    const proposed = entry('disposal.proposed', { way: 'close', reason: 'no fault', conclusion: 'answered' });
    const p = dossierText(proposed, z.t, z.te, dossierContext([], null));
    expect(p.sentence).toBe('账号 3f1d9a5e 提出处置意见：予以了结');
    expect(p.details).toEqual([
      { label: '理由', value: 'no fault' },
      { label: '结论', value: 'answered' },
    ]);

    const item = entry('case.item_added', { item_id: ITEM, kind: 'illicit_gains', subject: '王某', amount_fen: '1234560' });
    const i = dossierText(item, e.t, e.te, ctx);
    expect(i.sentence).toBe('Lead East added a disposition item for 王某: Recovery of illicit gains');
    expect(i.details).toEqual([{ label: 'Amount', value: '¥12,345.60' }]);

    const measure = dossierText(entry('case.item_added', { item_id: ITEM, kind: 'party_discipline', measure: 'serious_warning' }), z.t, z.te, ctx);
    expect(measure.details).toEqual([{ label: '处分/处理种类', value: '严重警告' }]);

    const executed = entry('case.item_executed', { item_id: ITEM, date_ms: '1767225600000' });
    expect(dossierText(executed, e.t, e.te, dossierContext(CTX_ENTRIES, null)).sentence).toBe(
      'account 3f1d9a5e marked the disposition item “Party discipline” executed on 2026-01-01',
    );
    const read = entry('dossier.read', { after_seq: '0' }, { actor_name: '李四' });
    expect(dossierText(read, z.t, z.te, ctx).sentence).toBe('李四 查阅了档案');
  });

  it('names the actor with or without actor_name', () => {
    const { t } = i18nFor('en');
    const none = dossierContext([], null);
    expect(actorText(entry('x', null, { actor_name: 'Lead East' }), t, none)).toBe('Lead East');
    // The services' own steps: no name, and an id that is not an account's.
    expect(actorText(entry('x', null, { actor_id: 'system:case', actor_name: null }), t, none)).toBe('The system');
    expect(actorText(entry('x', null, { actor_id: '' }), t, none)).toBe('The system');
    expect(actorText(entry('x', null), t, none)).toBe('account 3f1d9a5e');
    // A gateway without names: the id's name seen on another entry.
    const seen = dossierContext([entry('y', null, { actor_name: 'Lead East' })], null);
    expect(actorText(entry('x', null), t, seen)).toBe('Lead East');
    expect(dossierText(entry('clue.created', { source: 'public_report' }, { actor_id: 'system:case' }), t, i18nFor('en').te, none).sentence).toBe(
      'The system registered the clue (source: Public report)',
    );
  });

  it('still writes a sentence, with every field, for an action it does not know', () => {
    const { t, te } = i18nFor('en');
    const text = dossierText(entry('case.sealed', { reason: 'archived', seal_no: '7', at_ms: '1767225600000' }), t, te, dossierContext([], null));
    expect(text.sentence).toBe('account 3f1d9a5e recorded the step “case.sealed”');
    expect(text.details).toEqual([
      { label: 'Reason', value: 'archived' },
      { label: 'seal_no', value: '7' },
      { label: 'at_ms', value: '2026-01-01' },
    ]);
    const z = i18nFor('zh-CN');
    expect(dossierText(entry('case.sealed', {}), z.t, z.te, dossierContext([], null)).sentence).toBe(
      '账号 3f1d9a5e 记录了操作「case.sealed」',
    );
  });

  it('hides reads and counts them, but never a read the chain check marks broken', () => {
    const list = [
      { seq: 1, action: 'clue.created' },
      { seq: 2, action: 'dossier.read' },
      { seq: 3, action: 'clue.assigned' },
      { seq: 4, action: 'dossier.exported' },
      { seq: 5, action: 'dossier.read' },
    ];
    expect(visibleEntries(list, false, null)).toEqual({ shown: list, hidden: 0 });
    const hidden = visibleEntries(list, true, null);
    expect(hidden.shown.map((e) => e.seq)).toEqual([1, 3]);
    expect(hidden.hidden).toBe(3);
    const broken = visibleEntries(list, true, 4);
    expect(broken.shown.map((e) => e.seq)).toEqual([1, 3, 4, 5]);
    expect(broken.hidden).toBe(1);
  });
});
