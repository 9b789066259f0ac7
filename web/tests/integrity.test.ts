import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import {
  opinionFigureTarget,
  opinionFigures,
  reportFigureTarget,
  reportFigures,
  roundFigureTarget,
  topRounds,
  verificationFigureTarget,
  verificationFigures,
  emptyOpinionRequestForm,
  filterRequests,
  opinionFilterFromQuery,
  opinionRequestBody,
  personIds,
  validateOpinion,
  validateOpinionRequest,
  canCompare,
  canConclude,
  drawBody,
  emptyDrawForm,
  emptyReferenceForm,
  emptyVerificationFilters,
  findingExplanation,
  referenceBody,
  validateDraw,
  validateReference,
  validateVerdict,
  verdictBody,
  verificationFiltersFromQuery,
  verificationFiltersToQuery,
  verificationListQuery,
  cadreBody,
  cadreFiltersFromQuery,
  cadreFiltersToQuery,
  cadreListQuery,
  creditCodeValid,
  emptyCadreForm,
  emptyRecordForm,
  emptyRelativeForm,
  emptyRoundForm,
  recordBody,
  recordOrigin,
  recordsBySection,
  relativeBody,
  relativeForm,
  roundBody,
  validateCadre,
  validateRecord,
  validateRelative,
  validateRemoval,
  validateRound,
  versionLines,
  draftFromItems,
  fieldValueError,
  isCorrection,
  itemsBody,
  reportDayValid,
  reportMode,
  reportNumberValid,
  reportServerErrors,
  reportYear,
  validateCorrection,
  validateDraft,
  type DraftItem,
} from '@/lib/integrity';
import type { ReportForm } from '@/api/types';
import en from '@/locales/integrity-en';
import zh from '@/locales/integrity-zh-CN';
import mainEn from '@/locales/en';
import mainZh from '@/locales/zh-CN';

/* A form of three items as the service's rows give them (a small copy of
 * services/integrity/migrations/0005_reports.sql). */
const FORM: ReportForm = {
  items: [
    {
      name: 'marriage',
      part: 'family',
      label_zh: '婚姻情况',
      label_en: 'Marriage',
      key_field: '',
      amount_field: '',
      fields: [
        { name: 'status', type: 'text', required: true, label_zh: '婚姻状况', label_en: 'Status' },
        { name: 'since_on', type: 'day', required: false, label_zh: '起始日期', label_en: 'Since' },
      ],
    },
    {
      name: 'housing',
      part: 'property',
      label_zh: '房产情况',
      label_en: 'Housing',
      key_field: 'address',
      amount_field: 'area_m2',
      fields: [
        { name: 'owner', type: 'text', required: true, label_zh: '产权人', label_en: 'Owner' },
        { name: 'address', type: 'text', required: true, label_zh: '地址', label_en: 'Address' },
        { name: 'area_m2', type: 'number', required: true, label_zh: '建筑面积', label_en: 'Area' },
        { name: 'acquired_on', type: 'day', required: false, label_zh: '取得日期', label_en: 'Acquired on' },
      ],
    },
    {
      name: 'company_stakes',
      part: 'property',
      label_zh: '配偶子女投资非上市公司、企业',
      label_en: 'Stakes',
      key_field: 'credit_code',
      amount_field: 'share_percent',
      fields: [
        { name: 'holder', type: 'relation', required: true, label_zh: '出资人', label_en: 'Holder' },
        { name: 'company', type: 'text', required: true, label_zh: '企业名称', label_en: 'Company' },
        { name: 'credit_code', type: 'credit_code', required: true, label_zh: '统一社会信用代码', label_en: 'Credit code' },
        { name: 'share_percent', type: 'number', required: true, label_zh: '出资比例', label_en: 'Share' },
      ],
    },
  ],
};

const GOOD_CODE = '91350100M000100Y43';

function draft(over: Partial<Record<string, Partial<DraftItem>>> = {}): DraftItem[] {
  return FORM.items.map((fi) => ({ item: fi.name, answer: '', entries: [], ...over[fi.name] }) as DraftItem);
}

describe('the unified social credit code (统一社会信用代码)', () => {
  it('takes a code whose last character checks the others, as the service computes it', () => {
    expect(creditCodeValid(GOOD_CODE)).toBe(true);
    // The integration tests' code with a wrong check character.
    expect(creditCodeValid('91350100M000100Y44')).toBe(false);
    // Every other check character of the same 17 is refused too.
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const others = [...chars].filter((c) => c !== '3').map((c) => `${GOOD_CODE.slice(0, 17)}${c}`);
    expect(others.filter(creditCodeValid)).toEqual([]);
  });

  it('refuses the wrong length, letters the code has not (I, O, S, V, Z) and small letters', () => {
    expect(creditCodeValid(GOOD_CODE.slice(0, 17))).toBe(false);
    expect(creditCodeValid(`${GOOD_CODE}0`)).toBe(false);
    expect(creditCodeValid('')).toBe(false);
    expect(creditCodeValid(GOOD_CODE.toLowerCase())).toBe(false);
    expect(creditCodeValid('91350100I000100Y43')).toBe(false);
    expect(creditCodeValid('91350100O000100Y43')).toBe(false);
  });

  it('finds a code of all zeros valid, its check character being 0', () => {
    expect(creditCodeValid('000000000000000000')).toBe(true);
  });
});

describe('a report field value', () => {
  it('takes days that exist, from 1900 on', () => {
    expect(reportDayValid('2024-02-29')).toBe(true);
    expect(reportDayValid('2025-02-29')).toBe(false);
    expect(reportDayValid('2025-02-30')).toBe(false);
    expect(reportDayValid('1899-12-31')).toBe(false);
    expect(reportDayValid('2025-2-3')).toBe(false);
  });

  it('takes numbers as the service does: digits, one point between digits, at most 15 characters', () => {
    for (const ok of ['0', '96.5', '260000', '0.25', '123456789012345']) expect(reportNumberValid(ok)).toBe(true);
    for (const bad of ['', '-3', '96.', '.5', '1.2.3', '1e3', '96,5', '1234567890123456', ' 1']) expect(reportNumberValid(bad)).toBe(false);
  });

  it('checks each type, the credit code in capitals whatever was typed', () => {
    const f = (type: string, required = true) => ({ type, required });
    expect(fieldValueError(f('text'), '', true)).toBe('validate.required');
    expect(fieldValueError(f('text'), '', false)).toBeNull();
    expect(fieldValueError(f('text', false), '', true)).toBeNull();
    expect(fieldValueError(f('text'), 'x'.repeat(201), false)).toBe('validate.tooLong');
    expect(fieldValueError(f('day'), '2025-02-30', false)).toBe('caseFlow.dateInvalid');
    expect(fieldValueError(f('number'), '-3', false)).toBe('integrity.numberInvalid');
    expect(fieldValueError(f('credit_code'), '91350100M000100Y44', false)).toBe('integrity.creditCodeInvalid');
    expect(fieldValueError(f('credit_code'), ` ${GOOD_CODE.toLowerCase()} `, true)).toBeNull();
    expect(fieldValueError(f('relation'), 'cousin', false)).toBe('validate.required');
    expect(fieldValueError(f('relation'), 'spouse', true)).toBeNull();
  });
});

describe('the report form', () => {
  it("is filled from a report's answers in the form's order, unanswered items empty", () => {
    const d = draftFromItems(FORM, [
      { item: 'housing', none: false, entries: [{ fields: [{ name: 'area_m2', value: '80' }, { name: 'gone', value: 'x' }] }] },
      { item: 'marriage', none: true, entries: [] },
    ]);
    expect(d.map((x) => [x.item, x.answer])).toEqual([
      ['marriage', 'none'],
      ['housing', 'entries'],
      ['company_stakes', ''],
    ]);
    expect(d[1].entries).toEqual([{ owner: '', address: '', area_m2: '80', acquired_on: '' }]);
    expect(draftFromItems(FORM, undefined).every((x) => x.answer === '')).toBe(true);
  });

  it('refuses a submission with an item unanswered, an item with no entry or a required field missing', () => {
    const e = validateDraft(
      FORM,
      draft({ marriage: { answer: 'entries', entries: [] }, housing: { answer: 'entries', entries: [{ owner: '本人', address: '', area_m2: '80' }] } }),
      true,
    );
    expect(e).toEqual({
      marriage: 'integrity.needEntry',
      'housing.0.address': 'validate.required',
      company_stakes: 'integrity.answerItem',
    });
  });

  it('saves a draft half done, with the formats still checked', () => {
    const d = draft({
      housing: { answer: 'entries', entries: [{ owner: '', address: '', area_m2: '96.5x', acquired_on: '2025-02-30' }] },
      company_stakes: { answer: 'entries', entries: [{ holder: '', company: '', credit_code: 'ABC', share_percent: '' }] },
    });
    expect(validateDraft(FORM, d, false)).toEqual({
      'housing.0.area_m2': 'integrity.numberInvalid',
      'housing.0.acquired_on': 'caseFlow.dateInvalid',
      'company_stakes.0.credit_code': 'integrity.creditCodeInvalid',
    });
  });

  it('passes a whole report, and sends the answered items in order with the values given', () => {
    const d = draft({
      marriage: { answer: 'none' },
      housing: { answer: 'entries', entries: [{ owner: ' 本人 ', address: 'A市幸福路1号', area_m2: '80', acquired_on: '' }] },
      company_stakes: {
        answer: 'entries',
        entries: [{ holder: 'spouse', company: '华东物资贸易有限公司', credit_code: GOOD_CODE.toLowerCase(), share_percent: '30' }],
      },
    });
    expect(validateDraft(FORM, d, true)).toEqual({});
    expect(itemsBody(FORM, d)).toEqual([
      { item: 'marriage', none: true, entries: [] },
      {
        item: 'housing',
        none: false,
        entries: [
          {
            fields: [
              { name: 'owner', value: '本人' },
              { name: 'address', value: 'A市幸福路1号' },
              { name: 'area_m2', value: '80' },
            ],
          },
        ],
      },
      {
        item: 'company_stakes',
        none: false,
        entries: [
          {
            fields: [
              { name: 'holder', value: 'spouse' },
              { name: 'company', value: '华东物资贸易有限公司' },
              { name: 'credit_code', value: GOOD_CODE },
              { name: 'share_percent', value: '30' },
            ],
          },
        ],
      },
    ]);
    // An unanswered item is not sent at all.
    expect(itemsBody(FORM, draft({ marriage: { answer: 'none' } })).map((x) => x.item)).toEqual(['marriage']);
  });

  it("puts the server's field errors beside the fields by the items sent", () => {
    const sent = itemsBody(FORM, draft({ housing: { answer: 'entries', entries: [{ owner: '本人' }] }, company_stakes: { answer: 'none' } }));
    const e = reportServerErrors(
      [
        { field: 'items[0].entries[0].address', description: 'is required' },
        { field: 'items[1].item', description: 'answers company_stakes a second time' },
        { field: 'items', description: 'must answer marriage (婚姻情况), with entries or none' },
        { field: 'items[0].entries[0]', description: 'has a field x that housing has not' },
        { field: 'correction_reason', description: 'is required for a correction' },
        { field: 'year', description: 'must be from 2000 to 2100' },
        { field: 'other', description: 'odd' },
      ],
      sent,
    );
    expect(e).toEqual({
      'housing.0.address': 'is required',
      company_stakes: 'answers company_stakes a second time',
      marriage: 'must answer marriage (婚姻情况), with entries or none',
      housing: 'has a field x that housing has not',
      correction_reason: 'is required for a correction',
      year: 'must be from 2000 to 2100',
      _: 'other: odd',
    });
  });

  it('reads a submitted report, fills in a new one or a draft, and calls a later version a correction', () => {
    expect(reportMode('submitted')).toBe('read');
    expect(reportMode('new')).toBe('edit');
    expect(reportMode('draft')).toBe('edit');
    expect(isCorrection({ state: 'draft', version: 2 })).toBe(true);
    expect(isCorrection({ state: 'draft', version: 1 })).toBe(false);
    expect(isCorrection({ state: 'submitted', version: 2 })).toBe(false);
    expect(validateCorrection('  ')).toEqual({ correction_reason: 'validate.required' });
    expect(validateCorrection('面积填写有误')).toEqual({});
  });

  it("takes the year from a link, or this year when it names none the form takes", () => {
    const now = new Date('2026-12-06T10:00:00Z');
    expect(reportYear('2025', now)).toBe(2025);
    expect(reportYear('1999', now)).toBe(2026);
    expect(reportYear('2101', now)).toBe(2026);
    expect(reportYear('20x5', now)).toBe(2026);
    expect(reportYear(undefined, now)).toBe(2026);
  });
});

const TODAY = '2026-12-06';

describe("the office's forms of a file", () => {
  it('opens a file with a person id, a name and a unit, a key position only with its day', () => {
    expect(validateCadre(emptyCadreForm(), TODAY)).toEqual({
      person_id: 'validate.required',
      name: 'validate.required',
      unit_code: 'validate.required',
    });
    const f = { ...emptyCadreForm(), person_id: 'HR 1', name: '王某', unit_code: 'City-A', key_since_on: '2027-01-01' };
    expect(validateCadre(f, TODAY)).toEqual({
      person_id: 'integrity.personIdInvalid',
      unit_code: 'caseFlow.unitCodeInvalid',
      key_since_on: 'rectify.inFuture',
    });
    expect(validateCadre({ ...f, person_id: 'HR-1', unit_code: 'city_a', key_since_on: '2024-03-01' }, TODAY)).toEqual({
      key_since_on: 'integrity.sinceNeedsKey',
    });
    const good = { ...f, person_id: ' HR-1 ', unit_code: 'city_a', key_position: 'materials', key_since_on: '2024-03-01' };
    expect(validateCadre(good, TODAY)).toEqual({});
    expect(cadreBody(good)).toEqual({
      person_id: 'HR-1',
      name: '王某',
      unit_code: 'city_a',
      key_position: 'materials',
      key_since_on: '2024-03-01',
    });
  });

  it("checks a relative and each company's credit code, role and share, and never the cadre's own id", () => {
    const f = {
      ...emptyRelativeForm(),
      name: '李某',
      relation: 'spouse',
      person_id: 'hr-1',
      businesses: [
        { company: '', credit_code: GOOD_CODE.replace('43', '44'), role: '', share_percent: '101' },
        { company: '华东物资贸易有限公司', credit_code: GOOD_CODE.toLowerCase(), role: 'shareholder', share_percent: '30' },
      ],
    };
    expect(validateRelative(f, 'HR-1')).toEqual({
      person_id: 'integrity.ownPersonId',
      'businesses[0].company': 'validate.required',
      'businesses[0].credit_code': 'integrity.creditCodeInvalid',
      'businesses[0].role': 'validate.required',
      'businesses[0].share_percent': 'integrity.shareInvalid',
    });
    const good = { ...f, person_id: '', businesses: [f.businesses[1]] };
    expect(validateRelative(good, 'HR-1')).toEqual({});
    expect(relativeBody(good)).toEqual({
      name: '李某',
      relation: 'spouse',
      employer: '',
      position: '',
      person_id: '',
      businesses: [{ company: '华东物资贸易有限公司', credit_code: GOOD_CODE, role: 'shareholder', share_percent: 30 }],
    });
    expect(validateRelative({ ...good, businesses: Array.from({ length: 21 }, () => good.businesses[0]) }).businesses).toBe(
      'integrity.tooManyBusinesses',
    );
    // A relative on the file gives its whole next version.
    expect(relativeForm({ ...relativeBody(good), businesses: [{ ...relativeBody(good).businesses[0], share_percent: 12.5 }] }).businesses[0].share_percent).toBe(
      '12.5',
    );
    expect(validateRemoval('')).toEqual({ reason: 'validate.required' });
  });

  it("sends a record's own fields only: a discipline record's kind and measure, a gift's value in fen", () => {
    expect(validateRecord(emptyRecordForm(), TODAY)).toEqual({
      section: 'validate.required',
      title: 'validate.required',
      happened_on: 'validate.required',
    });
    const d = { ...emptyRecordForm(), section: 'discipline', title: '记过处分', happened_on: TODAY, kind: 'government_sanction', measure: 'serious_warning' };
    expect(validateRecord(d, TODAY)).toEqual({ measure: 'validate.required' });
    expect(validateRecord({ ...d, kind: '' }, TODAY)).toEqual({ kind: 'validate.required' });
    expect(validateRecord({ ...d, happened_on: '2026-12-07' }, TODAY).happened_on).toBe('rectify.inFuture');
    const good = { ...d, measure: 'demerit', value_yuan: '100' };
    expect(recordBody(good)).toEqual({
      section: 'discipline',
      title: '记过处分',
      happened_on: TODAY,
      kind: 'government_sanction',
      measure: 'demerit',
      internal: false,
    });
    const gift = { ...emptyRecordForm(), section: 'gift', title: '上交礼品', happened_on: TODAY, kind: 'party_discipline', value_yuan: '1,280.5', internal: true };
    expect(validateRecord(gift, TODAY)).toEqual({});
    expect(recordBody(gift)).toEqual({ section: 'gift', title: '上交礼品', happened_on: TODAY, value_fen: 128050, internal: true });
    expect(validateRecord({ ...gift, value_yuan: 'lots' }, TODAY)).toEqual({ value_fen: 'caseFlow.amountInvalid' });
  });

  it('opens a round for a year, a unit and a due day, reminders 1 to 90 days ahead', () => {
    expect(validateRound({ ...emptyRoundForm(2026), remind_days: '0', year: '1999' })).toEqual({
      year: 'integrity.yearInvalid',
      unit_code: 'validate.required',
      due_on: 'validate.required',
      remind_days: 'integrity.remindInvalid',
    });
    const good = { ...emptyRoundForm(2026), unit_code: 'city_b', due_on: '2027-03-31' };
    expect(validateRound(good)).toEqual({});
    expect(roundBody(good)).toEqual({ year: 2026, unit_code: 'city_b', due_on: '2027-03-31', remind_days: 14 });
    expect(roundBody({ ...good, remind_days: '' })).toEqual({ year: 2026, unit_code: 'city_b', due_on: '2027-03-31' });
  });
});

describe('the people list and the file', () => {
  it("keeps the filters in the URL, drops malformed ones, and asks the API under its own names", () => {
    const f = cadreFiltersFromQuery({ unit: 'city_a', key: 'any', q: ' 王 ', sanction: 'in_effect' });
    expect(f).toEqual({ unit: 'city_a', key: 'any', q: '王', sanction: true });
    expect(cadreFiltersToQuery(f)).toEqual({ unit: 'city_a', key: 'any', q: '王', sanction: 'in_effect' });
    expect(cadreListQuery(f, 20, 'c1')).toBe('unit_code=city_a&key_position=any&q=%E7%8E%8B&sanction=in_effect&limit=20&cursor=c1');
    expect(cadreFiltersFromQuery({ unit: 'City A', key: 'chef', q: 'x'.repeat(101), sanction: 'yes' })).toEqual({
      unit: '',
      key: '',
      q: '',
      sanction: false,
    });
  });

  it('lists records by section in the order of the sections, newest first', () => {
    const r = (section: string, happened_on: string) => ({ section, happened_on, recorded_at: null });
    const by = recordsBySection([r('talk', '2025-01-01'), r('discipline', '2024-01-01'), r('talk', '2026-01-01'), r('novel', '2026-01-01')]);
    expect(by.map((s) => [s.section, s.records.map((x) => x.happened_on)])).toEqual([
      ['discipline', ['2024-01-01']],
      ['talk', ['2026-01-01', '2025-01-01']],
      ['novel', ['2026-01-01']],
    ]);
  });

  it("reads a version's part in words, without ids, times or its author, businesses one a line", () => {
    const word = (g: string, c: string) => `${g}:${c}`;
    const lines = versionLines(
      JSON.stringify({
        id: 'x',
        cadre_id: 'y',
        name: '李某',
        relation: 'spouse',
        employer: '',
        version: 2,
        updated_at: 'now',
        recorded_by: '3f1d9a5e-0000-4000-8000-000000000001',
        internal: false,
        businesses: [{ company: 'A', credit_code: GOOD_CODE, role: 'shareholder', share_percent: 30 }],
      }),
      word,
    );
    expect(lines).toEqual([
      { key: 'name', value: '李某' },
      { key: 'relation', value: 'relation:spouse' },
      { key: 'businesses', value: `A ${GOOD_CODE} businessRole:shareholder 30%` },
    ]);
    expect(versionLines(JSON.stringify({ kind: 'government_sanction', measure: 'demerit' }), word)).toEqual([
      { key: 'kind', value: 'itemKind:government_sanction' },
      { key: 'measure', value: 'itemMeasure.government_sanction:demerit' },
    ]);
    expect(versionLines('not json')).toEqual([{ key: '', value: 'not json' }]);
  });

  it("names the case or clue a record came from by its source", () => {
    const id = 'A5729836-a748-4589-b417-ce952c9f2f19';
    expect(recordOrigin(`case:${id}:9a8b7c6d-0000-4000-8000-000000000003`)).toEqual({ kind: 'case', id: id.toLowerCase() });
    expect(recordOrigin(`clue:${id}:x:HR-1`)).toEqual({ kind: 'clue', id: id.toLowerCase() });
    expect(recordOrigin('reminder:r:due_soon')).toBeNull();
    expect(recordOrigin('')).toBeNull();
  });
});

const CADRE_ID = '0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f';

describe('verification (查核)', () => {
  it('draws a year of a unit with a share 1 to 100, a seed and each key case once with its reason', () => {
    const f = { ...emptyDrawForm(2026), unit_code: 'city_a', share_percent: '0', seed: 'x'.repeat(65) };
    f.key_cadres = [
      { cadre_id: 'nope', reason: 'promotion_candidate' },
      { cadre_id: CADRE_ID, reason: 'friend' },
      { cadre_id: CADRE_ID, reason: 'reserve_cadre' },
    ];
    expect(validateDraw(f)).toEqual({
      share_percent: 'recheck.shareInvalid',
      seed: 'validate.tooLong',
      'key_cadres[0].cadre_id': 'validate.required',
      'key_cadres[1].reason': 'validate.required',
      'key_cadres[2].cadre_id': 'integrity.keyTwice',
    });
    const good = { ...f, share_percent: '10', seed: ' s1 ', key_cadres: [{ cadre_id: CADRE_ID, reason: 'promotion_candidate' }] };
    expect(validateDraw(good)).toEqual({});
    expect(drawBody(good)).toEqual({
      year: 2026,
      unit_code: 'city_a',
      share_percent: 10,
      seed: 's1',
      key_cadres: [{ cadre_id: CADRE_ID, reason: 'promotion_candidate' }],
    });
    // No share and no seed: the service's default share and a fresh seed.
    expect(drawBody({ ...good, share_percent: '', seed: '' })).toEqual({
      year: 2026,
      unit_code: 'city_a',
      key_cadres: [{ cadre_id: CADRE_ID, reason: 'promotion_candidate' }],
    });
  });

  it("takes a reference record as one complete entry of an item, its credit code checked", () => {
    expect(validateReference(FORM, emptyReferenceForm())).toEqual({ item: 'validate.required' });
    const f = { item: 'company_stakes', fields: { holder: 'spouse', company: '', credit_code: '91350100M000100Y44' }, note: '' };
    expect(validateReference(FORM, f)).toEqual({
      'fields.company': 'validate.required',
      'fields.credit_code': 'integrity.creditCodeInvalid',
      'fields.share_percent': 'validate.required',
    });
    const good = { ...f, fields: { ...f.fields, company: '华东物资贸易有限公司', credit_code: GOOD_CODE.toLowerCase(), share_percent: '30' }, note: ' 企业信用信息公示系统 ' };
    expect(validateReference(FORM, good)).toEqual({});
    expect(referenceBody(FORM, good, 2026)).toEqual({
      year: 2026,
      item: 'company_stakes',
      fields: [
        { name: 'holder', value: 'spouse' },
        { name: 'company', value: '华东物资贸易有限公司' },
        { name: 'credit_code', value: GOOD_CODE },
        { name: 'share_percent', value: '30' },
      ],
      note: '企业信用信息公示系统',
    });
  });

  it('confirms a finding as it is, or overrides its kind with a reason, the kind sent with an override only', () => {
    expect(validateVerdict({ verdict: 'overridden', kind: '', reason: '' })).toEqual({ kind: 'validate.required', reason: 'validate.required' });
    expect(validateVerdict({ verdict: 'maybe', kind: '', reason: '' })).toEqual({ verdict: 'validate.required' });
    expect(verdictBody({ verdict: 'confirmed', kind: 'omission', reason: '' })).toEqual({ verdict: 'confirmed' });
    expect(verdictBody({ verdict: 'overridden', kind: 'consistent', reason: ' 含公摊 ' })).toEqual({
      verdict: 'overridden',
      kind: 'consistent',
      reason: '含公摊',
    });
  });

  it('compares while no verdict fixes the comparison and there is a record, and concludes once every finding has one', () => {
    const f = (verdict: string) => ({ verdict }) as never;
    const ref = [{}] as never[];
    expect(canCompare({ state: 'drawn', findings: [], references: [] })).toBe(false);
    expect(canCompare({ state: 'drawn', findings: [], references: ref })).toBe(true);
    expect(canCompare({ state: 'compared', findings: [f('')], references: ref })).toBe(true);
    expect(canCompare({ state: 'compared', findings: [f('confirmed'), f('')], references: ref })).toBe(false);
    expect(canCompare({ state: 'concluded', findings: [], references: ref })).toBe(false);
    expect(canConclude({ state: 'compared', findings: [f('confirmed'), f('')] })).toBe(false);
    expect(canConclude({ state: 'compared', findings: [f('confirmed'), f('overridden')] })).toBe(true);
    expect(canConclude({ state: 'compared', findings: [] })).toBe(true);
    expect(canConclude({ state: 'drawn', findings: [] })).toBe(false);
  });

  it("says a finding in the page's words: what was not reported, or the figure below the register's", () => {
    const housing = FORM.items[1];
    const entry = (area: string) => ({ fields: [{ name: 'address', value: 'A市幸福路1号' }, { name: 'area_m2', value: area }] });
    expect(findingExplanation({ kind: 'omission', key: 'A市幸福路1号', reported: entry('80'), reference: entry('96.5') }, housing, 'zh-CN')).toEqual([
      'omission',
      { key: 'A市幸福路1号', field: '建筑面积', told: '80', shown: '96.5' },
    ]);
    expect(findingExplanation({ kind: 'concealment', key: GOOD_CODE, reported: null, reference: entry('1') }, FORM.items[2], 'en')).toEqual([
      'concealed',
      { key: GOOD_CODE },
    ]);
    expect(findingExplanation({ kind: 'concealment', key: '', reported: null, reference: entry('1') }, null, 'en')[0]).toBe('concealedEntry');
    expect(findingExplanation({ kind: 'consistent', key: '', reported: entry('1'), reference: entry('1') }, housing, 'en')[0]).toBe('consistent');
  });

  it("keeps the list's filters in the URL and asks under the API's names", () => {
    const f = verificationFiltersFromQuery({ year: '2026', state: 'concluded', result: 'concealment', unit: 'city_a' });
    expect(verificationFiltersToQuery(f)).toEqual({ year: '2026', state: 'concluded', result: 'concealment', unit: 'city_a' });
    expect(verificationListQuery(f)).toBe('year=2026&state=concluded&result=concealment&unit_code=city_a');
    expect(verificationFiltersFromQuery({ year: '26', state: 'lost', result: 'lie', unit: 'A' })).toEqual(emptyVerificationFilters());
  });
});

describe('the integrity opinions (廉洁意见回复)', () => {
  it('asks about person ids typed any way, each once, in capitals', () => {
    expect(personIds(' hr-1, HR-2，hr-1\nE2E-x 、 ')).toEqual(['HR-1', 'HR-2', 'E2E-X']);
    expect(validateOpinionRequest(emptyOpinionRequestForm())).toEqual({ person_ids: 'validate.required' });
    expect(validateOpinionRequest({ purpose: 'coronation', note: '', person_ids: 'HR/1' })).toEqual({
      purpose: 'validate.required',
      person_ids: 'integrity.personIdsInvalid',
    });
    const many = Array.from({ length: 1001 }, (_, i) => `HR-${i}`).join(' ');
    expect(validateOpinionRequest({ purpose: 'promotion', note: '', person_ids: many })).toEqual({ person_ids: 'integrity.tooManyCandidates' });
    const good = { purpose: 'promotion', note: ' 第四季度干部选拔 ', person_ids: 'hr-1 hr-2' };
    expect(validateOpinionRequest(good)).toEqual({});
    expect(opinionRequestBody(good)).toEqual({ purpose: 'promotion', note: '第四季度干部选拔', person_ids: ['HR-1', 'HR-2'] });
    expect(opinionRequestBody({ ...good, note: '' })).toEqual({ purpose: 'promotion', person_ids: ['HR-1', 'HR-2'] });
  });

  it('signs a conclusion of the three with words', () => {
    expect(validateOpinion({ conclusion: 'maybe', text: ' ' })).toEqual({ conclusion: 'validate.required', text: 'validate.required' });
    expect(validateOpinion({ conclusion: 'objection', text: '有不同意见。' })).toEqual({});
  });

  it('shows the requests with an opinion to sign, or one signed', () => {
    const r = (signed: number, candidates: number) => ({ signed, candidates }) as never;
    const list = [r(0, 2), r(1, 2), r(2, 2)];
    expect(filterRequests(list, 'pending')).toEqual([list[0], list[1]]);
    expect(filterRequests(list, 'signed')).toEqual([list[1], list[2]]);
    expect(filterRequests(list, '')).toEqual(list);
    expect(opinionFilterFromQuery({ has: 'signed' })).toBe('signed');
    expect(opinionFilterFromQuery({ has: 'all' })).toBe('');
  });
});

describe('the integrity figures', () => {
  const round = (id: string, org_path: string, n: number, year = 2026) =>
    ({ id, year, org_path, cadres: n * 5, submitted: n, late: n, overdue: n, drafts: n, not_started: n }) as never;

  it("adds up the year's rounds not inside another, each round's own figures opening its list", () => {
    const rounds = [round('e', 'hq.east', 2), round('a', 'hq.east.city_a', 1), round('w', 'hq.west', 3), round('old', 'hq.east', 7, 2025)];
    expect(topRounds(rounds).map((r: { id: string }) => r.id)).toEqual(['e', 'w', 'old']);
    expect(reportFigures(rounds.slice(0, 3))).toEqual({ cadres: 25, submitted: 5, late: 5, overdue: 5, drafts: 5, not_started: 5 });
    expect(roundFigureTarget({ id: 'a' }, 'overdue')).toEqual({ name: 'integrity-round', params: { id: 'a' }, query: { state: 'overdue' } });
    // One round holds the year: its list; several: the year's rounds.
    expect(reportFigureTarget([rounds[0], rounds[1]], 'late', 2026)).toEqual({ name: 'integrity-round', params: { id: 'e' }, query: { state: 'late' } });
    expect(reportFigureTarget(rounds.slice(0, 3), 'late', 2026)).toEqual({ name: 'integrity-rounds', query: { year: '2026' } });
  });

  it('counts the verifications by state and result, each opening the list of the year filtered to it', () => {
    const v = (state: string, result: string) => ({ state, result });
    expect(verificationFigures([v('drawn', ''), v('concluded', 'concealment'), v('concluded', 'consistent'), v('compared', '')])).toEqual({
      total: 4,
      by_state: { drawn: 1, compared: 1, concluded: 2 },
      by_result: { consistent: 1, omission: 0, concealment: 1 },
    });
    expect(verificationFigureTarget(2026, 'result', 'concealment')).toEqual({ name: 'integrity-verifications', query: { year: '2026', result: 'concealment' } });
    expect(verificationFigureTarget(2026, '', '')).toEqual({ name: 'integrity-verifications', query: { year: '2026' } });
  });

  it('counts the opinions asked, signed and awaiting a signature', () => {
    expect(opinionFigures([{ candidates: 4, signed: 1 }, { candidates: 1, signed: 1 }])).toEqual({ requests: 2, candidates: 5, signed: 2, pending: 3 });
    expect(opinionFigureTarget('pending')).toEqual({ name: 'integrity-opinions', query: { has: 'pending' } });
  });
});

/* Every key of a nested message object, as dotted paths. */
function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('the integrity texts', () => {
  it('have the same keys in both languages, none of them already a key of the main texts', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
    const main = new Set(keys(mainEn));
    expect(keys(en).filter((k) => main.has(k))).toEqual([]);
    expect(keys(mainEn).sort()).toEqual(keys(mainZh).sort());
  });

  it('compile in vue-i18n, every message of both languages', () => {
    for (const [locale, messages] of [
      ['en', en],
      ['zh-CN', zh],
    ] as const) {
      const i18n = createI18n({ legacy: false, locale, messages: { [locale]: messages } });
      for (const k of keys(messages)) expect(i18n.global.t(k, { n: 1, year: 2025, day: '2025-01-01', reason: 'r', at: 'now' })).not.toBe(k);
    }
  });

  it('name every i18n key the rules answer', () => {
    const rules = [
      'integrity.numberInvalid',
      'integrity.creditCodeInvalid',
      'integrity.answerItem',
      'integrity.needEntry',
      'integrity.tooManyEntries',
    ];
    for (const k of rules) expect(keys(en)).toContain(k);
  });
});
