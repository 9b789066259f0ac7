import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { knownUnits, learnUnits, wantUnits } from '@/lib/riskUnits';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('units of the heat map named by lookup', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    knownUnits.clear();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks only for codes no answer named, once each', async () => {
    learnUnits({ units: [{ key: 'city_a', unit_path: 'hq.east.city_a', unit_name: 'City A', unit_name_zh: 'A市' }] });
    fetchMock.mockResolvedValueOnce(json(200, { code: 'east', name: 'East Co.', name_zh: '华东公司' }));
    await wantUnits(['city_a', 'east', 'Not A Code', 'east']);
    expect(fetchMock.mock.calls.map((c) => String(c[0]))).toEqual(['/api/v1/public/units/east']);
    expect(knownUnits.get('east')).toMatchObject({ name: 'East Co.', name_zh: '华东公司' });
    await wantUnits(['east']);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('leaves a code the gateway does not know as it is, and does not ask again', async () => {
    fetchMock.mockResolvedValueOnce(json(404, { status: 404, detail: 'no such unit' }));
    await wantUnits(['gone_unit']);
    expect(knownUnits.get('gone_unit')?.name).toBeUndefined();
    await wantUnits(['gone_unit']);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
