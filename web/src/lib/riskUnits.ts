/* The units the risk pages have met, by code. Each risk answer carries a
 * unit's org path beside its code, and the gateway puts the unit's two
 * names beside the path (docs/api.md "Names beside ids"), so a row shows
 * its own unit by the names it carries. What is kept here is for a unit
 * named by code alone: the alert list's unit filter (a code in the URL)
 * and an ancestor in the heat map without a score of its own. Every answer
 * a page reads adds the units it names (learnUnits), the reader's own unit
 * comes from the session, and the map lasts for the page's life. An
 * ancestor no answer named is asked of the gateway's public unit lookup
 * (GET /api/v1/public/units/{code}: the code and the two names, never the
 * path), one at a time: a province or two, not a request per row. A
 * lookup refused for the rate of the public routes is asked once more
 * after the wait the gateway names; a code never named is shown as it is.
 */
import { reactive } from 'vue';
import { ApiError, api } from '@/api/client';
import type { OrgUnit, PublicUnit } from '@/api/types';
import { unitsIn, type RiskUnitInfo } from '@/lib/risk';

export const knownUnits = reactive(new Map<string, RiskUnitInfo>());

/* The units an answer names by path, with their names. */
export function learnUnits(answer: unknown): void {
  for (const u of unitsIn(answer)) knownUnits.set(u.code, u);
}

/* The reader's own unit, with its path. */
export function knowOwnUnit(u: OrgUnit | null | undefined): void {
  if (u?.code) knownUnits.set(u.code, { code: u.code, name: u.name, name_zh: u.name_zh, path: u.path });
}

const asked = new Map<string, Promise<void>>();
const CODE = /^[a-z0-9_]{1,64}$/;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function lookUp(code: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const u = await api<PublicUnit>(`/api/v1/public/units/${encodeURIComponent(code)}`, { auth: false });
      knownUnits.set(code, { ...knownUnits.get(code), code, name: u.name, name_zh: u.name_zh });
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 429 || attempt > 0) break;
      await sleep(Math.min(5, Math.max(1, e.retryAfter ?? 1)) * 1000);
    }
  }
}

/* Ask for the names of the codes neither an answer nor the session named,
 * one lookup at a time, each code once a page's life; settles when the
 * lookups asked so far are done. */
let queue: Promise<void> = Promise.resolve();
export function wantUnits(codes: Iterable<string>): Promise<void> {
  for (const code of codes) {
    if (!CODE.test(code) || knownUnits.get(code)?.name || asked.has(code)) continue;
    const done = queue.then(() => lookUp(code));
    asked.set(code, done);
    queue = done;
  }
  return queue;
}
