/* The people lookup behind the office's pickers (GET /api/v1/people,
 * docs/api.md "People lookup"): the active accounts of the user's scope,
 * found by role and by a part of the name. */
import { api } from '@/api/client';
import type { Page, Person, User } from '@/api/types';

/* How many people one search shows: a picker, not a directory. */
export const PEOPLE_LIMIT = 20;

/* The query of one lookup: role when given, q when something was typed
 * (trimmed; the API takes 1 to 100 characters). */
export function peopleQuery(role: string | null, q: string): URLSearchParams {
  const p = new URLSearchParams({ limit: String(PEOPLE_LIMIT) });
  if (role) p.set('role', role);
  const text = [...q.trim()].slice(0, 100).join('');
  if (text) p.set('q', text);
  return p;
}

/* The people holding any of roles (every role when empty) whose name
 * contains q: one call per role, merged without repeats and sorted by
 * display name, since the API filters by one role at a time. */
export async function findPeople(roles: readonly string[], q: string): Promise<Person[]> {
  const asks = roles.length ? roles : [null];
  const pages = await Promise.all(asks.map((r) => api<Page<Person>>(`/api/v1/people?${peopleQuery(r, q)}`)));
  const byId = new Map<string, Person>();
  for (const page of pages) for (const p of page.items) byId.set(p.id, p);
  return [...byId.values()].sort((a, b) => a.display_name.localeCompare(b.display_name));
}

/* How a person reads in a picker: the name and the unit in the page's
 * language. */
export function personLabel(p: Person, locale: string): string {
  const unit = locale.startsWith('zh') ? p.unit.name_zh : p.unit.name;
  return `${p.display_name} · ${unit}`;
}

/* The signed-in user as a picker option (PeoplePicker's extra), so a "me"
 * shortcut shows a name and unit rather than an id; null when signed out. */
export function sessionPerson(user: User | null | undefined, roles: readonly string[]): Person | null {
  return user ? { id: user.id, username: user.username, display_name: user.display_name, roles: [...roles], unit: user.org_unit } : null;
}
