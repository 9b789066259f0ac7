/* Names beside ids (docs/api.md "Names beside ids"): the gateway puts an
 * account's display name beside every account id it answers
 * (handler_id → handler_name, investigators → investigator_names, …) and
 * a unit's two names beside every org path (org_path → unit_name and
 * unit_name_zh). These rules turn them into what a person reads; the id
 * or path itself stays available to the page as a tooltip. A name is
 * null when no account has the id (a dossier actor that is a service's
 * own step), and missing when the gateway could not look it up: then the
 * id is all there is to show. */

import type { UnitNames } from '@/api/types';

type Translate = (key: string) => string;

/* An account as a person reads it: its name, with "(you)" for the
 * signed-in user; "you" alone, or the id, when the gateway sent no name;
 * "unknown account" when no account has the id; '' for no id at all. */
export function accountLabel(
  id: string | null | undefined,
  name: string | null | undefined,
  meId: string | null | undefined,
  t: Translate,
): string {
  if (!id) return '';
  const mine = !!meId && id === meId;
  if (name) return mine ? `${name}${t('names.youSuffix')}` : name;
  if (mine) return t('clueFlow.you');
  return name === null ? t('names.unknownAccount') : id;
}

/* Who took a dossier step: an account by name, and the system (系统) for a
 * step with no account behind it (an empty actor, or one the gateway
 * named null). */
export function actorLabel(
  entry: { actor_id: string; actor_name?: string | null },
  meId: string | null | undefined,
  t: Translate,
): string {
  if (!entry.actor_id || entry.actor_name === null) return t('names.system');
  return accountLabel(entry.actor_id, entry.actor_name, meId, t);
}

/* The labels of a list of account ids (a case's investigators), by the
 * names the gateway gave in the same order. */
export function accountLabels(
  ids: readonly string[],
  names: readonly (string | null)[] | undefined,
  meId: string | null | undefined,
  t: Translate,
): string[] {
  return ids.map((id, i) => accountLabel(id, names ? names[i] : undefined, meId, t));
}

/* A unit's name in the page's language (the other one when that is
 * missing), else the path or code it was given by. */
export function unitLabel(
  path: string | null | undefined,
  names: Partial<UnitNames> | null | undefined,
  locale: string,
): string {
  const zh = locale.startsWith('zh');
  const name = zh ? names?.name_zh || names?.name : names?.name || names?.name_zh;
  return name || path || '';
}
