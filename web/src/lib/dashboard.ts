/* The dashboard's figures (GET /api/v1/clues/statistics) as the charts
 * draw them, and the clue list each figure opens: the list's own filters
 * in its URL (src/lib/clueList.ts), so a figure and the list it opens
 * always count the same clues. No ECharts here: this runs in the unit
 * tests and the charts get plain arrays. */
import type { ClueStatistics } from '@/api/types';
import { SOURCES, STATUSES } from '@/lib/clueList';

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

/* One dimension's counts in the order the office reads them: stages and
 * sources in their workflow order (codes a newer service added come
 * last), units by path, months in time with the empty ones as 0. */
export function series(stats: ClueStatistics, dim: Dimension): Series {
  const counts: Record<string, number> =
    { stage: stats.by_stage, source: stats.by_source, unit: stats.by_unit, month: stats.by_month }[dim] ?? {};
  let keys = Object.keys(counts).filter((k) => counts[k] > 0 || dim === 'month');
  if (dim === 'stage' || dim === 'source') {
    const order: readonly string[] = dim === 'stage' ? STATUSES : SOURCES;
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  } else if (dim === 'month') {
    keys.sort();
    keys = keys.length ? monthsBetween(keys[0], keys[keys.length - 1]) : [];
  } else {
    keys.sort();
  }
  return { keys, values: keys.map((k) => counts[k] ?? 0) };
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
