import { describe, expect, it } from 'vitest';
import { CASE_STAGES } from '@/lib/caseFlow';
import { caseFigureQuery, caseSeries, figureQuery, monthsBetween, series, unitCode } from '@/lib/dashboard';
import { filtersFromQuery, filtersToQuery } from '@/lib/clueList';
import type { ClueStatistics } from '@/api/types';

function stats(over: Partial<ClueStatistics> = {}): ClueStatistics {
  return { total: 0, overdue: 0, by_stage: {}, by_source: {}, by_category: {}, by_unit: {}, by_month: {}, ...over };
}

describe('dashboard figures', () => {
  it('orders stages and sources as the workflow does, new codes last', () => {
    const s = stats({ by_stage: { closed: 2, registered: 5, zeta_new: 1, filed: 0 } });
    expect(series(s, 'stage')).toEqual({ keys: ['registered', 'closed', 'zeta_new'], values: [5, 2, 1] });
    expect(series(stats({ by_source: { own_work: 1, public_report: 3 } }), 'source').keys).toEqual(['public_report', 'own_work']);
  });

  it('fills the months between the first and the last', () => {
    expect(series(stats({ by_month: { '2026-02': 4, '2025-11': 1 } }), 'month')).toEqual({
      keys: ['2025-11', '2025-12', '2026-01', '2026-02'],
      values: [1, 0, 0, 4],
    });
    expect(series(stats(), 'month')).toEqual({ keys: [], values: [] });
    expect(monthsBetween('2026-12', '2027-01')).toEqual(['2026-12', '2027-01']);
  });

  it('opens the list each figure counts, with filters the list keeps', () => {
    expect(figureQuery('stage', 'registered')).toEqual({ status: 'registered' });
    expect(figureQuery('source', 'letters_visits')).toEqual({ source: 'letters_visits' });
    expect(figureQuery('unit', 'hq.east')).toEqual({ unit: 'east' });
    expect(figureQuery('month', '2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(figureQuery('month', '2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(figureQuery('month', '2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(figureQuery('overdue')).toEqual({ overdue: 'true' });
    expect(figureQuery('total')).toEqual({});
    // Every figure's query survives the list's own URL rules unchanged.
    for (const q of [figureQuery('stage', 'filed'), figureQuery('unit', 'hq.west.city_b'), figureQuery('month', '2026-11'), figureQuery('overdue')])
      expect(filtersToQuery(filtersFromQuery(q))).toEqual(q);
  });

  it('takes the unit code from a path', () => {
    expect(unitCode('hq.east.city_a')).toBe('city_a');
    expect(unitCode('hq')).toBe('hq');
  });
});

describe('dashboard case figures', () => {
  it('draws the six case stages in order, the empty ones too, newer stages after', () => {
    const s = caseSeries({ total: 4, overdue: 1, by_stage: { review: 2, filed: 1, zeta_new: 1 } }, 'stage');
    expect(s.keys).toEqual([...CASE_STAGES, 'zeta_new']);
    expect(s.values).toEqual([1, 0, 0, 2, 0, 0, 1]);
    expect(caseSeries({ total: 0, overdue: 0, by_stage: {} }, 'stage').values).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('fills the months filed, and has none when the reply has none', () => {
    expect(caseSeries({ total: 3, overdue: 0, by_stage: {}, by_month: { '2026-11': 2, '2026-09': 1 } }, 'month')).toEqual({
      keys: ['2026-09', '2026-10', '2026-11'],
      values: [1, 0, 2],
    });
    expect(caseSeries({ total: 3, overdue: 0, by_stage: {} }, 'month')).toEqual({ keys: [], values: [] });
  });

  it('opens the case list under the names it reads, a month nothing', () => {
    expect(caseFigureQuery('stage', 'review')).toEqual({ stage: 'review' });
    expect(caseFigureQuery('overdue')).toEqual({ overdue: 'true' });
    expect(caseFigureQuery('total')).toEqual({});
    expect(caseFigureQuery('month', '2026-11')).toBeNull();
  });
});
