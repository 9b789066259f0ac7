import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findPeople, peopleQuery, personLabel, sessionPerson, PEOPLE_LIMIT } from '@/lib/people';
import type { Person, User } from '@/api/types';

function person(id: string, name: string, roles: string[]): Person {
  return { id, username: id, display_name: name, roles, unit: { code: 'east', name: 'East Co.', name_zh: '华东公司', path: 'hq.east' } };
}

function answer(items: Person[]): Response {
  return new Response(JSON.stringify({ items, next_cursor: null }), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

describe('people lookup', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks by role and by the trimmed text, at most 100 characters', () => {
    expect(Object.fromEntries(peopleQuery('inspector', '  East  '))).toEqual({ limit: String(PEOPLE_LIMIT), role: 'inspector', q: 'East' });
    expect(Object.fromEntries(peopleQuery(null, '   '))).toEqual({ limit: String(PEOPLE_LIMIT) });
    expect([...(peopleQuery(null, '纪'.repeat(150)).get('q') ?? '')].length).toBe(100);
  });

  it('asks once per role and merges the answers without repeats, by name', async () => {
    const both = person('b', 'Bai', ['inspector', 'inspection_lead']);
    fetchMock.mockResolvedValueOnce(answer([person('z', 'Zhou', ['inspector']), both])).mockResolvedValueOnce(answer([both, person('a', 'An', ['inspection_lead'])]));
    const found = await findPeople(['inspector', 'inspection_lead'], 'x');
    expect(found.map((p) => p.id)).toEqual(['a', 'b', 'z']);
    const urls = fetchMock.mock.calls.map((c) => String(c[0]));
    expect(urls).toEqual([`/api/v1/people?limit=${PEOPLE_LIMIT}&role=inspector&q=x`, `/api/v1/people?limit=${PEOPLE_LIMIT}&role=inspection_lead&q=x`]);
  });

  it('passes a failure on to the picker', async () => {
    fetchMock.mockResolvedValueOnce(
      new Response(JSON.stringify({ status: 400, detail: 'bad', errors: [{ field: 'role', description: 'unknown' }] }), {
        status: 400,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
    );
    await expect(findPeople(['emperor'], '')).rejects.toMatchObject({ status: 400, fields: { role: 'unknown' } });
  });

  it('labels a person with the unit in the page language', () => {
    const p = person('a', '华东纪检监察员 East Inspector', ['inspector']);
    expect(personLabel(p, 'zh-CN')).toBe('华东纪检监察员 East Inspector · 华东公司');
    expect(personLabel(p, 'en')).toBe('华东纪检监察员 East Inspector · East Co.');
  });

  it('offers the signed-in user as a person (the pickers\' "me"), nobody when signed out', () => {
    const unit = { code: 'east', name: 'East Co.', name_zh: '华东公司', path: 'hq.east' };
    const user: User = { id: 'u1', username: 'lead.east', display_name: '华东纪检组长', role: 'inspection_lead', org_unit: unit };
    const me = sessionPerson(user, ['inspection_lead']);
    expect(me).toEqual({ id: 'u1', username: 'lead.east', display_name: '华东纪检组长', roles: ['inspection_lead'], unit });
    expect(personLabel(me as Person, 'zh-CN')).toBe('华东纪检组长 · 华东公司');
    expect(sessionPerson(null, ['inspection_lead'])).toBeNull();
  });
});
