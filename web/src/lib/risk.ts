/* The risk pages' rules (廉洁风险预警, docs/risk.md): the alert list's
 * filters in the URL, a hit's inputs as rows of a table (amounts in fen
 * read as yuan), the actions a role is shown, the indicator settings form
 * and its check, units and entities by the names the answers carry and
 * the org tree's heat map.
 * Pure, so tests/risk.test.ts checks them. */
import type { LocationQuery } from 'vue-router';
import type { Errors } from '@/lib/validate';
import { unitLabel } from '@/lib/names';

/* What the risk answers carry beside a unit's code: its org path in the
 * risk service's copy of the tree ('' while the service does not know the
 * code), and the two names the gateway puts beside a path (docs/api.md
 * "Names beside ids"): null when no unit has the path, missing when the
 * gateway could not look them up. */
export interface RiskUnitNamed {
  unit_path?: string;
  unit_name?: string | null;
  unit_name_zh?: string | null;
}

/* Whom a hit, a score or an alert is about; a unit with its path and
 * names, a person or a supplier with an empty path. */
export interface RiskEntityRef extends RiskUnitNamed {
  kind: string;
  id: string;
  name?: string;
}

export interface RiskHit extends RiskUnitNamed {
  id: number;
  indicator: string;
  indicator_name_zh?: string;
  indicator_name_en?: string;
  hit_key: string;
  fired_at: string;
  found_at?: string;
  unit_code?: string;
  inputs: Record<string, unknown>;
  fact_ids?: number[];
  weight?: number;
  in_window?: boolean;
  entities?: RiskEntityRef[];
}

export interface RiskFact {
  id: number;
  subject: string;
  event_id?: string;
  source?: string;
  occurred_at: string;
  data: unknown;
}

export interface RiskHistoryEntry {
  done_at: string; // when the step was taken (the service's done_at)
  actor: string;
  actor_name?: string | null; // the gateway's name of an officer's account
  action: string;
  from_state: string;
  to_state: string;
  note: string;
}

export interface RiskAlert extends RiskUnitNamed {
  id: number;
  entity: RiskEntityRef;
  unit_code: string;
  reason: string;
  band: string;
  score: number;
  status: string;
  created_at: string;
  updated_at: string;
  handled_by?: string;
  note?: string;
  clue_id?: string;
  indicators: string[];
  hits?: RiskHit[];
  facts?: RiskFact[];
  history?: RiskHistoryEntry[];
  actions?: string[];
}

export interface RiskParamRule {
  min?: number;
  max?: number;
  /* A count, days, years, a level or an amount in fen: no fraction. */
  whole?: boolean;
  unit?: string;
  choices?: string[];
  en?: string;
  zh?: string;
}

export interface RiskIndicator {
  code: string;
  area: string;
  name_zh: string;
  name_en: string;
  basis: string;
  weight: number;
  window_days: number;
  heavy: boolean;
  params: Record<string, unknown>;
  defaults: Record<string, unknown>;
  param_rules: Record<string, RiskParamRule>;
  enabled: boolean;
  subjects?: string[];
  updated_at?: string;
  updated_by?: string;
  hits: number;
  alerts: number;
  clues: number;
  confirmed: number;
  precision: number;
}

export interface RiskFigure {
  key: string;
  band?: string;
  count?: number;
  score?: number;
}

/* A unit of the overview: its code as the key, with its path and names. */
export interface RiskUnitFigure extends RiskFigure, RiskUnitNamed {}

export interface RiskOverview {
  units: RiskUnitFigure[];
  alerts_by_indicator: RiskFigure[];
  alerts_by_band: RiskFigure[];
  trend: RiskFigure[];
}

export interface RiskEntityPage extends RiskUnitNamed {
  entity: RiskEntityRef;
  score: number;
  band: string;
  unit_code: string;
  updated_at: string;
  hits: RiskHit[];
  alerts: RiskAlert[];
}

export const RISK_STATUSES = ['open', 'new', 'acknowledged', 'dismissed', 'reminded', 'escalated'] as const;
export const RISK_BANDS = ['low', 'medium', 'high'] as const;
export const ENTITY_KINDS = ['person', 'unit', 'supplier'] as const;
export const RISK_ACTIONS = ['acknowledge', 'dismiss', 'remind', 'escalate'] as const;
/* The actions that need a reason (the API refuses them without one). */
export const REASON_REQUIRED: readonly string[] = ['dismiss', 'remind'];
export const REASON_MAX = 2000;
export const SETTINGS_REASON_MAX = 500;

/* Roles with risk.act (docs/access.md); the readers and the admin's
 * settings are in roles.ts, with the menu. */
export const RISK_ACTORS = ['inspector', 'inspection_lead'] as const;

export function canActOnRisk(roles: readonly string[]): boolean {
  return RISK_ACTORS.some((r) => roles.includes(r));
}

/* The actions shown as buttons: those the alert allows next, in their
 * order, and none for a role that may not act (the auditor); remind only
 * for an alert about a person, whatever the answer says. */
export function visibleActions(alert: Pick<RiskAlert, 'actions' | 'entity'>, roles: readonly string[]): string[] {
  if (!canActOnRisk(roles)) return [];
  const allowed = Array.isArray(alert.actions) ? alert.actions : [];
  return RISK_ACTIONS.filter((a) => allowed.includes(a) && (a !== 'remind' || alert.entity?.kind === 'person'));
}

/* The reason of an action: required to dismiss and to remind, at most
 * 2000 characters. An i18n key, or '' when it is fine. */
export function actionReasonError(action: string, reason: string): string {
  const r = reason.trim();
  if (REASON_REQUIRED.includes(action) && !r) return 'validate.required';
  if ([...reason].length > REASON_MAX) return 'validate.tooLong';
  return '';
}

/* The band's tag colour (Element Plus' types). */
export function bandType(band: string): 'danger' | 'warning' | 'info' | 'success' {
  if (band === 'high') return 'danger';
  if (band === 'medium') return 'warning';
  if (band === 'low') return 'info';
  return 'success';
}

/* An amount in fen as yuan with two decimals and thousands separators:
 * 12300000 → "123,000.00". Integer arithmetic, so no float rounding. */
export function fenToYuan(fen: number): string {
  if (!Number.isFinite(fen)) return String(fen);
  const neg = fen < 0;
  const abs = Math.round(Math.abs(fen));
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

export interface InputRow {
  key: string; // the input's name, dotted for a nested one (winner.name)
  value: string;
  yuan: boolean; // shown in yuan (the name ends in _fen)
}

function plain(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function isFen(key: string): boolean {
  return key.endsWith('_fen');
}

function valueText(key: string, v: unknown): { value: string; yuan: boolean } {
  if (isFen(key) && typeof v === 'number') return { value: fenToYuan(v), yuan: true };
  if (isFen(key) && Array.isArray(v) && v.every((x) => typeof x === 'number')) {
    return { value: (v as number[]).map(fenToYuan).join(', '), yuan: true };
  }
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return { value: v.map(plain).join(', '), yuan: false };
  return { value: plain(v), yuan: false };
}

/* A hit's inputs as rows: a plain object is opened one level into
 * dotted names (winner.credit_code, winner.name, params.max_ratio), a
 * list of plain values joined, amounts (a name ending in _fen, or a list
 * of them) in yuan; what is deeper is shown as JSON. */
export function inputRows(inputs: Record<string, unknown> | null | undefined): InputRow[] {
  const rows: InputRow[] = [];
  if (!inputs || typeof inputs !== 'object') return rows;
  for (const [k, v] of Object.entries(inputs)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = Object.entries(v as Record<string, unknown>);
      if (!inner.length) continue; // params: {} says nothing
      for (const [ik, iv] of inner) rows.push({ key: `${k}.${ik}`, ...valueText(ik, iv) });
    } else {
      rows.push({ key: k, ...valueText(k, v) });
    }
  }
  return rows;
}

/* The alert list's filters as the URL keeps them; status is "open"
 * unless the URL names another (or "all", which sends none). */
export interface AlertFilters {
  status: string;
  band: string;
  indicator: string;
  entity_kind: string;
  unit_code: string;
}

export function emptyAlertFilters(): AlertFilters {
  return { status: 'open', band: '', indicator: '', entity_kind: '', unit_code: '' };
}

function one(v: unknown): string {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
}

const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/* Malformed values in a link are dropped, so the API never answers 400. */
export function alertFiltersFromQuery(q: LocationQuery): AlertFilters {
  const f = emptyAlertFilters();
  const status = one(q.status);
  if (status === 'all' || (RISK_STATUSES as readonly string[]).includes(status)) f.status = status;
  const band = one(q.band);
  if ((RISK_BANDS as readonly string[]).includes(band)) f.band = band;
  const kind = one(q.entity_kind);
  if ((ENTITY_KINDS as readonly string[]).includes(kind)) f.entity_kind = kind;
  const ind = one(q.indicator);
  if (CODE.test(ind)) f.indicator = ind;
  const unit = one(q.unit_code);
  if (CODE.test(unit)) f.unit_code = unit;
  return f;
}

export function alertFiltersToQuery(f: AlertFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.status && f.status !== 'open') q.status = f.status;
  for (const k of ['band', 'indicator', 'entity_kind', 'unit_code'] as const) if (f[k]) q[k] = f[k];
  return q;
}

/* The API's query: status "all" sends none. */
export function alertListQuery(f: AlertFilters): string {
  const q = new URLSearchParams();
  if (f.status && f.status !== 'all') q.set('status', f.status);
  for (const k of ['band', 'indicator', 'entity_kind', 'unit_code'] as const) if (f[k]) q.set(k, f[k]);
  return q.toString();
}

/* An overview figure's link into the alert list. */
export function overviewQuery(section: 'units' | 'band' | 'indicator', f: RiskFigure): Record<string, string> {
  if (section === 'units') return { unit_code: f.key };
  if (section === 'band') return { band: f.key };
  const q: Record<string, string> = { indicator: f.key };
  if (f.band) q.band = f.band;
  return q;
}

/* The indicator's name in the reader's language, else its code. */
export function indicatorName(code: string, byCode: ReadonlyMap<string, Pick<RiskIndicator, 'name_zh' | 'name_en'>>, locale: string): string {
  const i = byCode.get(code);
  if (!i) return code;
  return (locale.startsWith('zh') ? i.name_zh : i.name_en) || code;
}

export function hitName(h: Pick<RiskHit, 'indicator' | 'indicator_name_zh' | 'indicator_name_en'>, locale: string): string {
  return (locale.startsWith('zh') ? h.indicator_name_zh : h.indicator_name_en) || h.indicator;
}

/* A precision (0 to 1) as a percentage. */
export function percent(p: number | null | undefined): string {
  if (typeof p !== 'number' || !Number.isFinite(p)) return '—';
  return `${Math.round(p * 1000) / 10}%`;
}

/* The settings form: numbers as typed, lists as picked. */
export interface SettingsForm {
  weight: string;
  window_days: string;
  enabled: boolean;
  params: Record<string, string | string[]>;
  reason: string;
}

export function settingsForm(i: RiskIndicator): SettingsForm {
  const params: Record<string, string | string[]> = {};
  for (const name of Object.keys(i.defaults ?? {})) {
    const v = i.params?.[name] ?? i.defaults[name];
    params[name] = Array.isArray(v) ? v.map(String) : v === undefined || v === null ? '' : String(v);
  }
  return { weight: String(i.weight), window_days: String(i.window_days), enabled: i.enabled, params, reason: '' };
}

function num(s: string): number | null {
  const t = s.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/* The form's check, field by field as the API names them (weight,
 * window_days, params.<name>, reason): i18n keys, or the rule's range
 * with its numbers (risk.range|min|max). */
export function validateSettings(f: SettingsForm, rules: Record<string, RiskParamRule>): Errors {
  const e: Errors = {};
  const w = num(f.weight);
  if (w === null || w < 0 || w > 10) e.weight = 'risk.weightRange';
  const d = num(f.window_days);
  if (d === null || !Number.isInteger(d) || d < 1 || d > 3650) e.window_days = 'risk.windowRange';
  for (const [name, v] of Object.entries(f.params)) {
    const rule = rules[name] ?? {};
    if (Array.isArray(v)) {
      if (rule.choices && v.some((x) => !rule.choices!.includes(x))) e[`params.${name}`] = 'risk.badChoice';
      continue;
    }
    const n = num(v);
    if (n === null) e[`params.${name}`] = 'risk.numberRequired';
    else if (rule.whole && !Number.isInteger(n)) e[`params.${name}`] = 'risk.wholeRequired';
    else if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) e[`params.${name}`] = 'risk.outOfRange';
  }
  const r = f.reason.trim();
  if (!r) e.reason = 'validate.required';
  else if ([...r].length > SETTINGS_REASON_MAX) e.reason = 'validate.tooLong';
  return e;
}

/* The PUT's body: the whole settings. */
export function settingsBody(f: SettingsForm): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(f.params)) params[name] = Array.isArray(v) ? [...v] : Number(v.trim());
  return {
    weight: Number(f.weight.trim()),
    window_days: Number(f.window_days.trim()),
    params,
    enabled: f.enabled,
    reason: f.reason.trim(),
  };
}

/* The form's fields, for the server's violations beside them. */
export function settingsFields(f: SettingsForm): string[] {
  return ['weight', 'window_days', 'enabled', 'reason', ...Object.keys(f.params).map((p) => `params.${p}`)];
}

/* A unit as the risk pages know it: its code, and the path and names an
 * answer carried beside it. */
export interface RiskUnitInfo {
  code: string;
  name?: string;
  name_zh?: string;
  path?: string;
}

/* The unit an answer names beside code, as the pages keep it; undefined
 * when the answer carries no name for it (a unit the risk service does not
 * know, or names the gateway could not look up). */
export function unitInfo(code: string, named: RiskUnitNamed | null | undefined): RiskUnitInfo | undefined {
  if (!named?.unit_name && !named?.unit_name_zh) return undefined;
  return {
    code,
    name: named.unit_name ?? undefined,
    name_zh: named.unit_name_zh ?? undefined,
    path: named.unit_path || undefined,
  };
}

/* Every unit an answer names by path, at any depth (an alert, its hits,
 * whom they count against, a peer group among their inputs, the overview's
 * units): each object with a path and a name beside it, under the path's
 * last label, which is the unit's code. The names are always the
 * gateway's, which puts its own beside every path it answers. */
export function unitsIn(answer: unknown): RiskUnitInfo[] {
  const found: RiskUnitInfo[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.unit_path === 'string' && o.unit_path) {
      const unit = unitInfo(o.unit_path.split('.').pop() ?? '', o as RiskUnitNamed);
      if (unit?.code) found.push(unit);
    }
    Object.values(o).forEach(walk);
  };
  walk(answer);
  return found;
}

/* A unit's text: its name in the reader's language, else its code. */
export function riskUnitLabel(code: string, unit: RiskUnitInfo | undefined, locale: string): string {
  return unitLabel(code, unit, locale);
}

/* An entity's text: a unit by the name the org tree gives it, in the
 * reader's language (the enterprise's events name it in theirs); else the
 * name the events gave it; else its id (a unit's code). */
export function entityLabel(e: RiskEntityRef, locale: string): string {
  const unit = e.kind === 'unit' ? unitInfo(e.id, e) : undefined;
  if (unit) return riskUnitLabel(e.id, unit, locale);
  return e.name || e.id;
}

/* A cell of the org tree's heat map: a unit (the alert list of its
 * subtree opens from it), its text, and either its own score and band (a
 * leaf) or the units under it. */
export interface UnitCell {
  code: string;
  name: string;
  value?: number;
  band?: string;
  children?: UnitCell[];
}

interface UnitNode {
  code: string;
  own?: RiskFigure;
  children: Map<string, UnitNode>;
}

/* The org tree's heat map from the overview's units: each unit with a
 * score above 0 a cell sized by it and coloured by its band, nested under
 * its ancestors by its org path (unit_path), starting from the reader's
 * own unit (root, its path): what lies above it is left out. An ancestor
 * without a score of its own is a cell of the units under it, named by
 * label. A unit whose path the risk service does not know (seen from the
 * top of the tree only) stands directly under the root; a unit with a
 * score of its own and units under it has a cell of its own among theirs,
 * so its score is not lost in theirs. */
export function unitTree(
  units: readonly RiskUnitFigure[] | undefined,
  root: string,
  label: (code: string) => string,
): UnitCell[] {
  const above = root ? root.split('.').slice(0, -1) : [];
  const top = new Map<string, UnitNode>();
  for (const f of units ?? []) {
    if (!f.key || !((f.score ?? 0) > 0)) continue;
    // Without a root (no session yet) a unit of unknown path stands alone.
    const path = f.unit_path || (root ? `${root}.${f.key}` : f.key);
    let labels = path.split('.');
    if (above.length && labels.slice(0, above.length).join('.') === above.join('.')) labels = labels.slice(above.length);
    let level = top;
    let node: UnitNode | undefined;
    for (const code of labels) {
      node = level.get(code);
      if (!node) {
        node = { code, children: new Map() };
        level.set(code, node);
      }
      level = node.children;
    }
    if (node) node.own = f;
  }
  const cell = (n: UnitNode): UnitCell => {
    const name = label(n.code);
    const leaf = (f: RiskFigure): UnitCell => ({ code: n.code, name, value: f.score ?? 0, band: f.band || undefined });
    if (!n.children.size) return leaf(n.own!);
    const children = [...n.children.values()].map(cell);
    return { code: n.code, name, children: n.own ? [leaf(n.own), ...children] : children };
  };
  return [...top.values()].map(cell);
}

/* The colour of a band in the heat map and the bars (Element Plus'
 * danger, warning and info). */
export const BAND_COLOURS: Readonly<Record<string, string>> = { high: '#f56c6c', medium: '#e6a23c', low: '#909399' };
