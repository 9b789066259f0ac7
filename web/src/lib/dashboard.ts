/* The dashboard's figures (GET /api/v1/clues/statistics) as the charts
 * draw them, and the clue list each figure opens: the list's own filters
 * in its URL (src/lib/clueList.ts), so a figure and the list it opens
 * always count the same clues. No ECharts here: this runs in the unit
 * tests and the charts get plain arrays. */
import type { ClueStatistics } from '@/api/types';
import { SOURCES, STATUSES } from '@/lib/clueList';
import { CASE_STAGES } from '@/lib/caseFlow';

export type Dimension = 'stage' | 'source' | 'unit' | 'month';

export interface Series {
  keys: string[]; // what a figure filters by: a stage, a source, an org path, a month
  values: number[];
}

/* The last label of an org path: the unit's code, which the list filters
 * by (a unit and every unit below it). */
export function unitCode(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/* The months from first to last (YYYY-MM), none left out. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while ((y < ly || (y === ly && m <= lm)) && out.length < 600) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/* Counts in a workflow's order: the codes of `order` first, codes a newer
 * service added after them. Codes with no record are left out unless
 * `every` asks for the whole order (the case stages, a pipeline of six). */
function ordered(counts: Record<string, number>, order: readonly string[], every: boolean): Series {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const keys = [...new Set([...(every ? order : []), ...Object.keys(counts).filter((k) => counts[k] > 0)])];
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { keys, values: keys.map((k) => counts[k] ?? 0) };
}

/* Months in time, the empty ones between as 0. */
function monthly(counts: Record<string, number>): Series {
  const present = Object.keys(counts).sort();
  const keys = present.length ? monthsBetween(present[0], present[present.length - 1]) : [];
  return { keys, values: keys.map((k) => counts[k] ?? 0) };
}

/* One dimension's counts in the order the office reads them: stages and
 * sources in their workflow order (codes a newer service added come
 * last), units by path, months in time with the empty ones as 0. */
export function series(stats: ClueStatistics, dim: Dimension): Series {
  const counts: Record<string, number> =
    { stage: stats.by_stage, source: stats.by_source, unit: stats.by_unit, month: stats.by_month }[dim] ?? {};
  if (dim === 'stage' || dim === 'source') return ordered(counts, dim === 'stage' ? STATUSES : SOURCES, false);
  if (dim === 'month') return monthly(counts);
  const keys = Object.keys(counts)
    .filter((k) => counts[k] > 0)
    .sort();
  return { keys, values: keys.map((k) => counts[k]) };
}

/* The last day of a month YYYY-MM, as YYYY-MM-DD. */
function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(d).padStart(2, '0')}`;
}

/* The clue list's query for a figure: a bar, a slice, a point, or the
 * overdue count (dim 'overdue'). */
export function figureQuery(dim: Dimension | 'overdue' | 'total', key = ''): Record<string, string> {
  switch (dim) {
    case 'stage':
      return { status: key };
    case 'source':
      return { source: key };
    case 'unit':
      return { unit: unitCode(key) };
    case 'month':
      return { from: `${key}-01`, to: lastDay(key) };
    case 'overdue':
      return { overdue: 'true' };
    default:
      return {};
  }
}

/* Cases (案件) beside the clues: GET /api/v1/cases/statistics, of which
 * the overview reads the counts below. */
export interface CaseStatistics {
  total: number;
  overdue: number;
  by_stage: Record<string, number>;
  by_month?: Record<string, number>; // filed, per month
}

/* The six stages of a case in their order (docs/case-lifecycle.md); the
 * same order as the case page's steps bar (CASE_STAGES in caseFlow.ts
 * once the case pages land, which this should then import). */

export type CaseDimension = 'stage' | 'month';

/* The case figures as the charts draw them: every one of the six stages
 * (an empty stage is part of the picture), then any newer stage with
 * cases; the months filed, empty ones as 0. */
export function caseSeries(stats: CaseStatistics, dim: CaseDimension): Series {
  if (dim === 'month') return monthly(stats.by_month ?? {});
  return ordered(stats.by_stage ?? {}, CASE_STAGES, true);
}

/* The case list's query for a case figure, under the names the case list
 * reads from its URL (`stage`, `overdue`). A month has none: the case list
 * has no filing-date filter, so a month point opens nothing (null). */
export function caseFigureQuery(dim: CaseDimension | 'overdue' | 'total', key = ''): Record<string, string> | null {
  switch (dim) {
    case 'stage':
      return { stage: key };
    case 'overdue':
      return { overdue: 'true' };
    case 'total':
      return {};
    default:
      return null;
  }
}
