/* The clue list's filters (docs/web.md, "Clue list"): kept in the page's
 * URL so a link or a reload keeps them, and sent to the list API as its own
 * query parameters (docs/api.md, "Clues"), so the case service filters and
 * pages, whatever the number of clues. The dashboard's figures link here
 * with the same names (figureQuery in src/lib/dashboard.ts). */
import type { Clue } from '@/api/types';

export const STATUSES = [
  'registered',
  'disposal_proposed',
  'preliminary_verification',
  'talk_inquiry',
  'shelved',
  'closed',
  'filing_proposed',
  'filed',
  'merged',
] as const;
export const SOURCES = [
  'public_report',
  'letters_visits',
  'inspection_tour',
  'audit_transfer',
  'risk_alert',
  'superior_referral',
  'own_work',
] as const;
export const CATEGORIES = ['political', 'organizational', 'integrity', 'mass', 'work', 'life', 'duty_crime'] as const;

export interface ClueFilters {
  status: string;
  source: string;
  category: string;
  handler: string; // '', 'me' or an account id (picked in the people lookup)
  unit: string; // an org unit code: that unit and every unit below it
  from: string; // YYYY-MM-DD, received on or after
  to: string; // YYYY-MM-DD, received on or before
  overdue: string; // '' or 'true': past the stage's deadline
  q: string; // a substring of the summary or a subject's name
}

export const FILTER_KEYS = ['status', 'source', 'category', 'handler', 'unit', 'from', 'to', 'overdue', 'q'] as const;

/* The API's limit on q (QUERY_MAX_CHARS in the case service). */
export const Q_MAX = 100;

export function emptyFilters(): ClueFilters {
  return { status: '', source: '', category: '', handler: '', unit: '', from: '', to: '', overdue: '', q: '' };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNIT = /^[a-z0-9_]{1,64}$/;

/* Whether one filter's value is one the API takes. */
function valid(k: keyof ClueFilters, v: string): boolean {
  switch (k) {
    case 'status':
      return (STATUSES as readonly string[]).includes(v);
    case 'source':
      return (SOURCES as readonly string[]).includes(v);
    case 'category':
      return (CATEGORIES as readonly string[]).includes(v);
    case 'handler':
      return v === 'me' || UUID.test(v);
    case 'unit':
      return UNIT.test(v);
    case 'from':
    case 'to':
      return DATE.test(v);
    case 'overdue':
      return v === 'true';
    case 'q':
      return [...v].length <= Q_MAX;
  }
}

/* Filters from the page's query (a shared link, a dashboard figure);
 * anything malformed is dropped rather than refused, so an old link still
 * opens the list, and the API never sees a value it would answer 400 to. */
export function filtersFromQuery(query: Record<string, unknown>): ClueFilters {
  const f = emptyFilters();
  for (const k of FILTER_KEYS) {
    const v = query[k];
    if (typeof v === 'string' && valid(k, v.trim())) f[k] = v.trim();
  }
  if (f.from && f.to && f.to < f.from) f.to = '';
  return f;
}

/* The query for the URL: only the filters that are set. */
export function filtersToQuery(f: ClueFilters): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = f[k].trim();
    if (v) q[k] = v;
  }
  return q;
}

export function filtersActive(f: ClueFilters): boolean {
  return Object.keys(filtersToQuery(f)).length > 0;
}

/* The list API's query for the filters: me is the user's account id, which
 * "handled by me" stands for. */
export function listQuery(f: ClueFilters, me: string, limit: number, cursor?: string | null): URLSearchParams {
  const p = new URLSearchParams({ limit: String(limit) });
  if (cursor) p.set('cursor', cursor);
  const clean = filtersFromQuery(f as unknown as Record<string, unknown>);
  const names: Record<keyof ClueFilters, string> = {
    status: 'status',
    source: 'source',
    category: 'category',
    handler: 'handler_id',
    unit: 'unit_code',
    from: 'received_from',
    to: 'received_to',
    overdue: 'overdue',
    q: 'q',
  };
  for (const k of FILTER_KEYS) {
    let v = clean[k];
    if (k === 'handler' && v === 'me') v = me;
    if (v) p.set(names[k], v);
  }
  return p;
}

/* The day a clue was received: received_date when registered with one,
 * else the day it was created (a public report). */
export function receivedDay(c: Pick<Clue, 'received_date' | 'created_at'>): string {
  return c.received_date || (c.created_at ?? '').slice(0, 10);
}

/* The class of a clue's row: its stage's deadline passed or near
 * (deadline_state from the case service, docs/case-lifecycle.md); a
 * rectification task's row too (docs/rectification.md). */
export function deadlineClass(c: { deadline_state?: string | null }): string {
  if (c.deadline_state === 'overdue') return 'row-overdue';
  if (c.deadline_state === 'due_soon') return 'row-due-soon';
  return '';
}
