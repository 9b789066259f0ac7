import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useSession } from '@/stores/session';
import { csrfToken } from '@/api/client';
import { canManageRectify, homeRoute, navFor, userRoles } from '@/lib/roles';

const user = {
  id: 'u1',
  username: 'inspector',
  display_name: 'Inspector',
  role: 'inspector',
  org_unit: { code: 'hq', name: 'Headquarters', name_zh: '总部', path: 'hq' },
};

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('session store', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    setActivePinia(createPinia());
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
    localStorage.clear();
  });

  it('keeps the user and CSRF token of a login', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { token: 'secret', csrf_token: 'c1', expires_at: 'x', user }));
    const s = useSession();
    await s.login('inspector', 'pw');
    expect(s.loggedIn).toBe(true);
    expect(s.roles).toEqual(['inspector']);
    expect(csrfToken()).toBe('c1');
    // The bearer token is not kept anywhere: the cookie is the session.
    expect(JSON.stringify(localStorage)).not.toContain('secret');
  });

  it('restores from the cookie once, and treats 401 as logged out', async () => {
    fetchMock.mockResolvedValueOnce(json(401, { status: 401 }));
    const s = useSession();
    expect(await s.restore()).toBe(false);
    expect(await s.restore()).toBe(false);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('logs out even when the session already ended', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { csrf_token: 'c1', expires_at: 'x', user }));
    fetchMock.mockResolvedValueOnce(json(401, { status: 401 }));
    const s = useSession();
    await s.login('inspector', 'pw');
    await s.logout();
    expect(s.loggedIn).toBe(false);
    expect(csrfToken()).toBeNull();
    expect(s.expired).toBe(false);
  });

  it('signs out locally even when the gateway cannot be reached', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { csrf_token: 'c1', expires_at: 'x', user }));
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const s = useSession();
    await s.login('inspector', 'pw');
    await s.logout();
    expect(s.loggedIn).toBe(false);
    expect(csrfToken()).toBeNull();
  });

  it('marks a session ended by a 401 as expired', () => {
    const s = useSession();
    s.forget(true);
    expect(s.expired).toBe(true);
  });
});

describe('roles', () => {
  it('reads roles[] when present, else role', () => {
    expect(userRoles({ role: 'auditor' })).toEqual(['auditor']);
    expect(userRoles({ roles: ['cadre', 'unit_leader'] })).toEqual(['cadre', 'unit_leader']);
    expect(userRoles({ roles: ['auditor', 7 as unknown as string] })).toEqual(['auditor']);
    expect(userRoles({ role: 'auditor', roles: ['inspector', 'inspection_lead'] })).toEqual([
      'inspector',
      'inspection_lead',
    ]);
    expect(userRoles(null)).toEqual([]);
    expect(userRoles({ role: '' })).toEqual([]);
  });

  it('shows clues, cases and the overview to clue readers only', () => {
    const office = [
      'clues',
      'dashboard',
      'cases',
      'rectify-batches',
      'rectify-tasks',
      'rectify-rechecks',
      'rectify-overview',
      'rectify-duty',
    ];
    const integrity = ['integrity-cadres', 'integrity-rounds', 'integrity-verifications', 'integrity-opinions', 'integrity-overview'];
    const risk = ['risk-alerts', 'risk-overview', 'risk-indicators'];
    expect(navFor(['inspector']).map((i) => i.name)).toEqual([...office, ...integrity, ...risk]);
    expect(navFor(['inspection_lead']).map((i) => i.name)).toEqual([...office, ...integrity, ...risk]);
    // The admin reads no alert: only the indicators' settings (risk.settings).
    expect(navFor(['admin']).map((i) => i.name)).toEqual(['risk-settings']);
    // The auditor reads no integrity file (docs/access.md), but the risk alerts.
    expect(navFor(['cadre', 'auditor']).map((i) => i.name)).toEqual([...office, 'integrity-mine', 'integrity-my-report', ...risk]);
    expect(homeRoute(['auditor'])).toBe('clues');
  });

  it('lands HR on the integrity opinions, its one page', () => {
    expect(navFor(['hr']).map((i) => i.name)).toEqual(['integrity-opinions']);
    expect(homeRoute(['hr'])).toBe('integrity-opinions');
  });

  it('lands a cadre on its own integrity file, with its yearly report and nothing of the office', () => {
    expect(navFor(['cadre']).map((i) => i.name)).toEqual(['integrity-mine', 'integrity-my-report']);
    expect(homeRoute(['cadre'])).toBe('integrity-mine');
  });

  it("lands a unit leader on its unit's rectification, with the ledger and no office page", () => {
    expect(navFor(['unit_leader']).map((i) => i.name)).toEqual([
      'rectify-workbench',
      'rectify-tasks',
      'rectify-overview',
      'rectify-duty',
    ]);
    expect(homeRoute(['unit_leader'])).toBe('rectify-workbench');
    expect(canManageRectify(['unit_leader'])).toBe(false);
    expect(canManageRectify(['auditor'])).toBe(false);
    expect(canManageRectify(['inspector'])).toBe(true);
    expect(canManageRectify(['inspection_lead'])).toBe(true);
  });
});
