import { describe, expect, it } from 'vitest';
import { deadlineClass, emptyFilters, filtersFromQuery, filtersToQuery, listQuery } from '@/lib/clueList';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

describe('clue list filters', () => {
  it('round-trips through the URL and drops malformed values', () => {
    const f = { ...emptyFilters(), status: 'registered', from: '2026-01-01', q: ' tender ', overdue: 'true' };
    expect(filtersToQuery(f)).toEqual({ status: 'registered', from: '2026-01-01', q: 'tender', overdue: 'true' });
    expect(filtersFromQuery(filtersToQuery(f))).toEqual({ ...f, q: 'tender' });
    expect(
      filtersFromQuery({
        status: 'sleeping',
        source: 'rumour',
        category: ['integrity'],
        from: 'yesterday',
        unit: 'hq.east',
        handler: 'not-an-id',
        overdue: 'yes',
        q: 'x'.repeat(101),
      }),
    ).toEqual(emptyFilters());
  });

  it('keeps a handler that is me or an account id, a unit code and 100 characters of q', () => {
    const f = filtersFromQuery({ handler: OTHER, unit: 'east', q: '纪'.repeat(100) });
    expect(f.handler).toBe(OTHER);
    expect(f.unit).toBe('east');
    expect([...f.q].length).toBe(100);
    expect(filtersFromQuery({ handler: 'me' }).handler).toBe('me');
  });

  it('drops an end date before the start date', () => {
    expect(filtersFromQuery({ from: '2026-03-01', to: '2026-02-01' })).toEqual({ ...emptyFilters(), from: '2026-03-01' });
  });

  it("maps every filter to the list API's own parameter", () => {
    const f = {
      status: 'registered',
      source: 'letters_visits',
      category: 'integrity',
      handler: 'me',
      unit: 'east',
      from: '2026-01-01',
      to: '2026-01-31',
      overdue: 'true',
      q: '变电站',
    };
    const q = listQuery(f, ME, 20, 'c1');
    expect(Object.fromEntries(q)).toEqual({
      limit: '20',
      cursor: 'c1',
      status: 'registered',
      source: 'letters_visits',
      category: 'integrity',
      handler_id: ME,
      unit_code: 'east',
      received_from: '2026-01-01',
      received_to: '2026-01-31',
      overdue: 'true',
      q: '变电站',
    });
    expect(Object.fromEntries(listQuery({ ...emptyFilters(), handler: OTHER }, ME, 5))).toEqual({ limit: '5', handler_id: OTHER });
    // A malformed value typed into a control is not sent.
    expect(Object.fromEntries(listQuery({ ...emptyFilters(), unit: 'hq.east', overdue: 'false' }, ME, 5))).toEqual({ limit: '5' });
  });

  it('marks overdue and due-soon rows', () => {
    expect(deadlineClass({ deadline_state: 'overdue' })).toBe('row-overdue');
    expect(deadlineClass({ deadline_state: 'due_soon' })).toBe('row-due-soon');
    expect(deadlineClass({ deadline_state: 'on_time' })).toBe('');
    expect(deadlineClass({})).toBe('');
  });
});
