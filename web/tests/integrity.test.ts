import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import {
  creditCodeValid,
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
