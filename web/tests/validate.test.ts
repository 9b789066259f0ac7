import { describe, expect, it } from 'vitest';
import {
  apiFieldErrors,
  emptyReportForm,
  groupReceipt,
  normalizeReceipt,
  reportBody,
  channelFromQuery,
  unitFromQuery,
  validateLogin,
  validateReport,
} from '@/lib/validate';
import { safeRedirect } from '@/router';
import { pickLocale } from '@/i18n';
import en from '@/locales/en';
import zh from '@/locales/zh-CN';

function valid() {
  return { ...emptyReportForm(), category: 'bribery', content: 'A manager took money from a supplier.' };
}

describe('report form', () => {
  it('accepts a complete anonymous report', () => {
    expect(validateReport(valid())).toEqual({});
  });

  it('requires category and enough content', () => {
    const e = validateReport({ ...emptyReportForm(), content: 'short' });
    expect(e.category).toBe('validate.required');
    expect(e.content).toBe('validate.contentShort');
  });

  it('counts characters, not bytes', () => {
    expect(validateReport({ ...valid(), content: '某领导收受供应商礼金十万' })).toEqual({});
    expect(validateReport({ ...valid(), content: '收受礼金' }).content).toBe('validate.contentShort');
  });

  it('requires a name when named, and checks the phone', () => {
    const e = validateReport({ ...valid(), anonymous: false, reporter_phone: 'abc' });
    expect(e.reporter_name).toBe('validate.nameRequired');
    expect(e.reporter_phone).toBe('validate.phone');
    expect(validateReport({ ...valid(), anonymous: false, reporter_name: 'Li', reporter_phone: '+86 138-0000' })).toEqual({});
  });

  it('never sends identity fields with an anonymous report', () => {
    const body = reportBody({ ...valid(), reporter_name: 'Li', reporter_phone: '12345', location: ' ' }, 'east');
    expect(body).toEqual({
      category: 'bribery',
      content: 'A manager took money from a supplier.',
      anonymous: true,
      unit_code: 'east',
    });
    const named = reportBody({ ...valid(), anonymous: false, reporter_name: ' Li ', location: 'Depot 3' }, null);
    expect(named.reporter_name).toBe('Li');
    expect(named.location).toBe('Depot 3');
    expect(named.unit_code).toBeUndefined();
  });

  it("sends the QR code's channel when it has intake's pattern, and drops it otherwise", () => {
    expect(channelFromQuery('qr-e2e')).toBe('qr-e2e');
    expect(channelFromQuery('poster_7')).toBe('poster_7');
    for (const bad of ['QR', '-qr', 'qr code', '渠道', 'a'.repeat(33), ['qr'], undefined]) expect(channelFromQuery(bad)).toBeNull();
    expect(reportBody(valid(), 'east', 'qr-e2e').channel).toBe('qr-e2e');
    expect('channel' in reportBody(valid(), 'east', null)).toBe(false);
  });

  it('puts unknown API fields above the form', () => {
    expect(apiFieldErrors({ content: 'too short', unit_code: 'unknown' }, ['content'])).toEqual({
      content: 'too short',
      _: 'unit_code: unknown',
    });
  });
});

describe('receipts, links and languages', () => {
  it('normalizes and groups receipts', () => {
    expect(normalizeReceipt('1234 5678-9012 3456')).toBe('1234567890123456');
    expect(normalizeReceipt('123')).toBeNull();
    expect(normalizeReceipt('12345678901234567')).toBeNull();
    expect(groupReceipt('1234567890123456')).toBe('1234 5678 9012 3456');
  });

  it('takes only well-formed unit codes from a QR link', () => {
    expect(unitFromQuery('east')).toBe('east');
    expect(unitFromQuery('East')).toBeNull();
    expect(unitFromQuery(['east'])).toBeNull();
  });

  it('follows only same-site redirects after login', () => {
    expect(safeRedirect('/clues/1')).toBe('/clues/1');
    expect(safeRedirect('//evil.example')).toBeNull();
    expect(safeRedirect('https://evil.example')).toBeNull();
    expect(safeRedirect('/\\evil.example')).toBeNull();
    expect(safeRedirect('/login')).toBeNull();
  });

  it('checks the login form', () => {
    expect(validateLogin('', '')).toEqual({ username: 'validate.required', password: 'validate.required' });
    expect(validateLogin('a', 'b')).toEqual({});
  });

  it('picks the stored language, then the browser language', () => {
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
    expect(pickLocale(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLocale(null, ['en-US'])).toBe('en');
    expect(pickLocale('fr', ['de', 'en-GB'])).toBe('en');
  });

  it('has the same keys in both languages', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });
});
