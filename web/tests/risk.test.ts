import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import {
  actionReasonError,
  alertFiltersFromQuery,
  alertFiltersToQuery,
  alertListQuery,
  BAND_COLOURS,
  bandType,
  entityLabel,
  fenToYuan,
  inputRows,
  overviewQuery,
  riskUnitLabel,
  unitInfo,
  unitsIn,
  unitTree,
  settingsBody,
  settingsForm,
  validateSettings,
  visibleActions,
  type RiskIndicator,
} from '@/lib/risk';
import { knowOwnUnit, knownUnits, learnUnits } from '@/lib/riskUnits';
import en from '@/locales/risk-en';
import zh from '@/locales/risk-zh-CN';
import mainEn from '@/locales/en';
import integrityEn from '@/locales/integrity-en';

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('fen to yuan', () => {
  it('writes two decimals and thousands separators without float rounding', () => {
    expect(fenToYuan(12300000)).toBe('123,000.00');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(100000000001)).toBe('1,000,000,000.01');
    expect(fenToYuan(-250)).toBe('-2.50');
    expect(fenToYuan(0)).toBe('0.00');
  });
});

describe('a hit’s inputs', () => {
  it('open nested objects into dotted rows, amounts in yuan, empty params left out', () => {
    const rows = inputRows({
      tender_id: 'T-1',
      bids: 1,
      price_fen: 4100000,
      amounts_fen: [90000000, 80000000],
      winner: { credit_code: '9135', name: '闽电' },
      identical: [{ price_fen: 1, suppliers: ['a', 'b'] }],
      emergency: false,
      params: {},
    });
    expect(rows).toEqual([
      { key: 'tender_id', value: 'T-1', yuan: false },
      { key: 'bids', value: '1', yuan: false },
      { key: 'price_fen', value: '41,000.00', yuan: true },
      { key: 'amounts_fen', value: '900,000.00, 800,000.00', yuan: true },
      { key: 'winner.credit_code', value: '9135', yuan: false },
      { key: 'winner.name', value: '闽电', yuan: false },
      { key: 'identical', value: '[{"price_fen":1,"suppliers":["a","b"]}]', yuan: false },
      { key: 'emergency', value: 'false', yuan: false },
    ]);
    expect(inputRows({ params: { methods: ['open', 'invited'], min_amount_fen: 100000000 } })).toEqual([
      { key: 'params.methods', value: 'open, invited', yuan: false },
      { key: 'params.min_amount_fen', value: '1,000,000.00', yuan: true },
    ]);
    expect(inputRows(null)).toEqual([]);
  });
});

describe('the actions shown', () => {
  const person = { kind: 'person', id: 'P-1' };
  const unit = { kind: 'unit', id: 'city_a' };
  it('are the alert’s own, for the roles with risk.act only, remind for a person only', () => {
    const all = ['acknowledge', 'dismiss', 'remind', 'escalate'];
    expect(visibleActions({ actions: all, entity: person }, ['inspector'])).toEqual(all);
    expect(visibleActions({ actions: all, entity: unit }, ['inspection_lead'])).toEqual(['acknowledge', 'dismiss', 'escalate']);
    expect(visibleActions({ actions: all, entity: person }, ['auditor'])).toEqual([]);
    expect(visibleActions({ actions: ['escalate', 'bogus'], entity: person }, ['inspector'])).toEqual(['escalate']);
    expect(visibleActions({ actions: undefined, entity: person }, ['inspector'])).toEqual([]);
  });
  it('ask a reason to dismiss and to remind, of at most 2000 characters', () => {
    expect(actionReasonError('dismiss', '  ')).toBe('validate.required');
    expect(actionReasonError('remind', '')).toBe('validate.required');
    expect(actionReasonError('acknowledge', '')).toBe('');
    expect(actionReasonError('escalate', 'x'.repeat(2001))).toBe('validate.tooLong');
    expect(actionReasonError('dismiss', 'a false alarm')).toBe('');
  });
  it('colour the bands', () => {
    expect(bandType('high')).toBe('danger');
    expect(bandType('medium')).toBe('warning');
    expect(bandType('low')).toBe('info');
  });
});

describe('the alert list’s filters', () => {
  it('default to open, drop malformed values and send the API’s names', () => {
    const f = alertFiltersFromQuery({ band: 'huge', indicator: 'single_bid', entity_kind: 'unit', unit_code: 'city a', status: 'x' });
    expect(f).toEqual({ status: 'open', band: '', indicator: 'single_bid', entity_kind: 'unit', unit_code: '' });
    expect(alertFiltersToQuery(f)).toEqual({ indicator: 'single_bid', entity_kind: 'unit' });
    expect(alertListQuery(f)).toBe('status=open&indicator=single_bid&entity_kind=unit');
    const all = alertFiltersFromQuery({ status: 'all', band: 'high' });
    expect(alertFiltersToQuery(all)).toEqual({ status: 'all', band: 'high' });
    expect(alertListQuery(all)).toBe('band=high');
  });
  it('are what an overview figure opens', () => {
    expect(overviewQuery('units', { key: 'city_a', score: 1 })).toEqual({ unit_code: 'city_a' });
    expect(overviewQuery('band', { key: 'high', count: 2 })).toEqual({ band: 'high' });
    expect(overviewQuery('indicator', { key: 'single_bid', band: 'medium', count: 2 })).toEqual({ indicator: 'single_bid', band: 'medium' });
  });
});

describe('units by name', () => {
  const cityA = { unit_path: 'hq.east.city_a', unit_name: 'City A Power Supply Co.', unit_name_zh: 'A市供电公司' };

  it('take the names an answer carries beside a unit’s path, and none for an unknown unit or names not looked up', () => {
    expect(unitInfo('city_a', cityA)).toEqual({ code: 'city_a', path: 'hq.east.city_a', name: 'City A Power Supply Co.', name_zh: 'A市供电公司' });
    // The risk service does not know the code: an empty path, names null.
    expect(unitInfo('nowhere', { unit_path: '', unit_name: null, unit_name_zh: null })).toBeUndefined();
    // The gateway could not look names up: they are missing.
    expect(unitInfo('city_a', { unit_path: 'hq.east.city_a' })).toBeUndefined();
    expect(unitInfo('city_a', null)).toBeUndefined();
    expect(unitInfo('east', { unit_path: 'hq.east', unit_name_zh: '华东省电力公司' })).toEqual({ code: 'east', path: 'hq.east', name: undefined, name_zh: '华东省电力公司' });
  });

  it('name a unit in the reader’s language, and by its code while no name is known', () => {
    const a = unitInfo('city_a', cityA);
    expect(riskUnitLabel('city_a', a, 'zh-CN')).toBe('A市供电公司');
    expect(riskUnitLabel('city_a', a, 'en')).toBe('City A Power Supply Co.');
    expect(riskUnitLabel('city_b', undefined, 'en')).toBe('city_b');
  });

  it('name a unit by the org tree in the reader’s language, other entities by the name their events gave, else by the id', () => {
    const none = { unit_path: '', unit_name: null, unit_name_zh: null };
    expect(entityLabel({ kind: 'person', id: 'P-1', name: '赵六', ...none }, 'en')).toBe('赵六');
    expect(entityLabel({ kind: 'person', id: 'P-1', name: '' }, 'en')).toBe('P-1');
    expect(entityLabel({ kind: 'unit', id: 'city_a', name: '', ...cityA }, 'zh-CN')).toBe('A市供电公司');
    // The events name units in Chinese; an English reader reads the org tree's name.
    expect(entityLabel({ kind: 'unit', id: 'city_a', name: 'A市供电公司', ...cityA }, 'en')).toBe('City A Power Supply Co.');
    // A unit the org tree does not hold: the events' name, else its code.
    expect(entityLabel({ kind: 'unit', id: 'city_x', name: 'X市供电公司', ...none }, 'en')).toBe('X市供电公司');
    expect(entityLabel({ kind: 'unit', id: 'city_x', name: '', ...none }, 'en')).toBe('city_x');
    expect(entityLabel({ kind: 'supplier', id: '91330100MA27A1B2C5' }, 'en')).toBe('91330100MA27A1B2C5');
  });

  it('gather every unit an answer names by path, at any depth, by its code', () => {
    const alert = {
      id: 7,
      entity: { kind: 'person', id: 'P-1', unit_path: '', unit_name: null, unit_name_zh: null },
      unit_code: 'city_a',
      ...cityA,
      hits: [
        {
          unit_code: 'city_a',
          ...cityA,
          inputs: { peer_group: { unit_path: 'hq.east', unit_name: 'East Province Electric Power Co.', unit_name_zh: '华东省电力公司' } },
          entities: [{ kind: 'unit', id: 'city_a', ...cityA }],
        },
      ],
    };
    const found = unitsIn(alert);
    expect(new Map(found.map((u) => [u.code, u.path]))).toEqual(
      new Map([
        ['city_a', 'hq.east.city_a'],
        ['east', 'hq.east'],
      ]),
    );
    expect(found.find((u) => u.code === 'east')?.name_zh).toBe('华东省电力公司');
    expect(unitsIn([{ unit_path: 'hq.west' }, null, 'hq', { unit_path: 7, unit_name: 'x' }])).toEqual([]);
  });
});

describe('the units the risk pages met', () => {
  it('are learnt from the answers and the reader’s session, and keep a code never met as it is', () => {
    learnUnits({ units: [{ key: 'city_c', unit_path: 'hq.west.city_c', unit_name: 'City C Power Supply Co.', unit_name_zh: 'C市供电公司' }] });
    knowOwnUnit({ code: 'west', name: 'West Province Electric Power Co.', name_zh: '西部省电力公司', path: 'hq.west' });
    expect(riskUnitLabel('city_c', knownUnits.get('city_c'), 'zh-CN')).toBe('C市供电公司');
    expect(riskUnitLabel('west', knownUnits.get('west'), 'en')).toBe('West Province Electric Power Co.');
    expect(knownUnits.get('west')?.path).toBe('hq.west');
    expect(riskUnitLabel('grid_q', knownUnits.get('grid_q'), 'en')).toBe('grid_q');
  });
});

describe('the org tree’s heat map', () => {
  const label = (code: string) => code.toUpperCase();

  it('nests units by the path each carries from the reader’s unit down, ancestors without a score of their own included', () => {
    const units = [
      { key: 'city_a', band: 'high', score: 1.6, unit_path: 'hq.east.city_a' },
      { key: 'grid_x', band: 'medium', score: 0.8, unit_path: 'hq.east.city_a.grid_x' },
    ];
    const cityA = {
      code: 'city_a',
      name: 'CITY_A',
      children: [
        { code: 'city_a', name: 'CITY_A', value: 1.6, band: 'high' },
        { code: 'grid_x', name: 'GRID_X', value: 0.8, band: 'medium' },
      ],
    };
    // A province's reader: what lies above the province is left out.
    expect(unitTree(units, 'hq.east', label)).toEqual([{ code: 'east', name: 'EAST', children: [cityA] }]);
    // A reader at the top: the provinces inside headquarters, their units inside them.
    const all = [...units, { key: 'city_c', band: 'low', score: 0.3, unit_path: 'hq.west.city_c' }];
    expect(unitTree(all, 'hq', label)).toEqual([
      {
        code: 'hq',
        name: 'HQ',
        children: [
          { code: 'east', name: 'EAST', children: [cityA] },
          { code: 'west', name: 'WEST', children: [{ code: 'city_c', name: 'CITY_C', value: 0.3, band: 'low' }] },
        ],
      },
    ]);
  });

  it('gives a unit with a score of its own a cell beside the units under it', () => {
    const tree = unitTree(
      [
        { key: 'east', band: 'low', score: 0.4, unit_path: 'hq.east' },
        { key: 'city_b', band: 'medium', score: 0.8, unit_path: 'hq.east.city_b' },
      ],
      'hq.east',
      label,
    );
    expect(tree).toHaveLength(1);
    expect(tree[0].code).toBe('east');
    expect(tree[0].value).toBeUndefined();
    expect(tree[0].children).toEqual([
      { code: 'east', name: 'EAST', value: 0.4, band: 'low' },
      { code: 'city_b', name: 'CITY_B', value: 0.8, band: 'medium' },
    ]);
  });

  it('puts a unit whose path is not known directly under the root, and leaves out units without a score', () => {
    const tree = unitTree(
      [
        { key: 'city_q', band: 'high', score: 2, unit_path: '' },
        { key: 'west', band: 'low', score: 0, unit_path: 'hq.west' },
        { key: 'east', score: undefined, unit_path: 'hq.east' },
      ],
      'hq',
      label,
    );
    expect(tree).toEqual([{ code: 'hq', name: 'HQ', children: [{ code: 'city_q', name: 'CITY_Q', value: 2, band: 'high' }] }]);
    expect(unitTree([], 'hq', label)).toEqual([]);
    expect(unitTree(undefined, 'hq', label)).toEqual([]);
  });

  it('works without a root, by full path or alone, and colours every band', () => {
    const tree = unitTree(
      [
        { key: 'city_a', band: 'medium', score: 0.8, unit_path: 'hq.east.city_a' },
        { key: 'city_q', band: 'low', score: 0.3 },
      ],
      '',
      label,
    );
    expect(tree).toEqual([
      { code: 'hq', name: 'HQ', children: [{ code: 'east', name: 'EAST', children: [{ code: 'city_a', name: 'CITY_A', value: 0.8, band: 'medium' }] }] },
      { code: 'city_q', name: 'CITY_Q', value: 0.3, band: 'low' },
    ]);
    for (const b of ['low', 'medium', 'high']) expect(BAND_COLOURS[b]).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('the indicator settings', () => {
  const ind = {
    code: 'split_purchase',
    weight: 0.8,
    window_days: 365,
    enabled: true,
    params: { days: 30, methods: ['inquiry'], goods_fen: 200000000 },
    defaults: { days: 30, methods: ['inquiry'], goods_fen: 200000000 },
    param_rules: {
      days: { min: 1, max: 365, whole: true },
      methods: { choices: ['open', 'inquiry', 'single_source'] },
      goods_fen: { min: 1, max: 100000000000, whole: true },
    },
  } as unknown as RiskIndicator;
  it('fill the form from the indicator and send the whole settings', () => {
    const f = settingsForm(ind);
    expect(f.params).toEqual({ days: '30', methods: ['inquiry'], goods_fen: '200000000' });
    f.reason = ' tighter ';
    expect(validateSettings(f, ind.param_rules)).toEqual({});
    expect(settingsBody(f)).toEqual({
      weight: 0.8,
      window_days: 365,
      params: { days: 30, methods: ['inquiry'], goods_fen: 200000000 },
      enabled: true,
      reason: 'tighter',
    });
  });
  it('check each field as the API names it', () => {
    const f = settingsForm(ind);
    f.weight = '11';
    f.window_days = '1.5';
    f.params.days = '400';
    f.params.goods_fen = 'x';
    f.params.methods = ['open', 'lottery'];
    expect(validateSettings(f, ind.param_rules)).toEqual({
      weight: 'risk.weightRange',
      window_days: 'risk.windowRange',
      'params.days': 'risk.outOfRange',
      'params.goods_fen': 'risk.numberRequired',
      'params.methods': 'risk.badChoice',
      reason: 'validate.required',
    });
  });
  it('refuse a fraction where the rule wants a whole number', () => {
    const f = settingsForm(ind);
    f.reason = 'x';
    f.params.days = '30.5';
    expect(validateSettings(f, ind.param_rules)).toEqual({ 'params.days': 'risk.wholeRequired' });
  });
});

describe('the risk texts', () => {
  it('have the same keys in both languages, none of them a key of the main or integrity texts', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
    const other = new Set([...keys(mainEn), ...keys(integrityEn)]);
    expect(keys(en).filter((k) => other.has(k))).toEqual([]);
  });
  it('compile in vue-i18n and name every key the rules answer', () => {
    for (const [locale, messages] of [
      ['en', en],
      ['zh-CN', zh],
    ] as const) {
      const i18n = createI18n({ legacy: false, locale, messages: { [locale]: messages } });
      for (const k of keys(messages)) expect(i18n.global.t(k, { n: 1, id: 1, name: 'x', status: 's', reason: 'r', min: 1, max: 2, yuan: '1.00' })).not.toBe(k);
    }
    for (const k of ['risk.weightRange', 'risk.windowRange', 'risk.outOfRange', 'risk.numberRequired', 'risk.badChoice']) expect(keys(en)).toContain(k);
  });
});
