/* The names of the units the risk pages show. The risk service answers
 * units by code alone, as the enterprise's events name them, and the
 * gateway adds names only beside org paths (docs/api.md "Names beside
 * ids"), so the console asks the gateway's unit lookup
 * (GET /api/v1/public/units/{code}: the code and the two names, never the
 * path) once for each code it meets, and keeps the answers for the page's
 * life. The reader's own unit comes from the session with its path, the
 * root of the overview's heat map. A lookup refused for the rate of the
 * public routes is asked once more after the wait the gateway names; one
 * that still fails leaves the code shown, and is asked again by the next
 * page that shows it. */
import { reactive } from 'vue';
import { ApiError, api } from '@/api/client';
import type { OrgUnit, PublicUnit } from '@/api/types';
import type { RiskUnitInfo } from '@/lib/risk';

export const knownUnits = reactive(new Map<string, RiskUnitInfo>());
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
  asked.delete(code);
}

/* The reader's own unit, with its path. */
export function knowOwnUnit(u: OrgUnit | null | undefined): void {
  if (u?.code) knownUnits.set(u.code, { code: u.code, name: u.name, name_zh: u.name_zh, path: u.path });
}

/* Ask for the names of the codes not known yet, one lookup at a time (the
 * public routes allow a few a second per client). */
let queue: Promise<void> = Promise.resolve();
export function wantUnits(codes: Iterable<string | null | undefined>): void {
  for (const code of codes) {
    if (!code || !CODE.test(code) || knownUnits.get(code)?.name || asked.has(code)) continue;
    const done = queue.then(() => lookUp(code));
    asked.set(code, done);
    queue = done;
  }
}
