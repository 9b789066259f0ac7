/* The units the risk pages have met, by code. Each risk answer carries a
 * unit's org path beside its code, and the gateway puts the unit's two
 * names beside the path (docs/api.md "Names beside ids"), so a row shows
 * its own unit by the names it carries. What is kept here is for a unit
 * named by code alone: the alert list's unit filter (a code in the URL)
 * and an ancestor in the heat map without a score of its own. Every answer
 * a page reads adds the units it names (learnUnits), the reader's own unit
 * comes from the session, and the map lasts for the page's life; a code
 * never met is shown as it is. */
import { reactive } from 'vue';
import type { OrgUnit } from '@/api/types';
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
