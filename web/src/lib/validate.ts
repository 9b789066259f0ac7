/* Form rules, checked before anything is sent; they mirror intake's
 * (docs/api.md), which stays the authority: its field errors are shown in
 * the same places. The numbers are the services' own, generated from
 * common/include/cg/limits.h (limits.generated.ts). Each rule answers an
 * i18n key, or null when the value is fine. */
import type { ReportRequest } from '@/api/types';
import { LIMITS } from '@/lib/limits.generated';

export type Errors = Record<string, string>;

export interface ReportForm {
  category: string;
  content: string;
  location: string;
  accused_person: string;
  accused_unit: string;
  anonymous: boolean;
  reporter_name: string;
  reporter_phone: string;
}

export function emptyReportForm(): ReportForm {
  return {
    category: '',
    content: '',
    location: '',
    accused_person: '',
    accused_unit: '',
    anonymous: true,
    reporter_name: '',
    reporter_phone: '',
  };
}

/* Length in Unicode characters, as the services count them. */
export function chars(s: string): number {
  return Array.from(s).length;
}

const PHONE = new RegExp(`^[0-9 +-]{${LIMITS.REPORT_PHONE_MIN},${LIMITS.REPORT_PHONE_MAX}}$`);
const RECEIPT = new RegExp(`^[0-9]{${LIMITS.RECEIPT_DIGITS}}$`);
const CHANNEL = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${LIMITS.REPORT_CHANNEL_MAX - 1}}$`);

export function validateReport(f: ReportForm): Errors {
  const e: Errors = {};
  const content = f.content.trim();
  if (!f.category) e.category = 'validate.required';
  else if (chars(f.category) > LIMITS.REPORT_CATEGORY_MAX) e.category = 'validate.tooLong';
  if (!content) e.content = 'validate.required';
  else if (chars(content) < LIMITS.REPORT_CONTENT_MIN) e.content = 'validate.contentShort';
  else if (chars(content) > LIMITS.REPORT_CONTENT_MAX) e.content = 'validate.tooLong';
  if (chars(f.location.trim()) > LIMITS.REPORT_LOCATION_MAX) e.location = 'validate.tooLong';
  if (chars(f.accused_person.trim()) > LIMITS.REPORT_ACCUSED_PERSON_MAX) e.accused_person = 'validate.tooLong';
  if (chars(f.accused_unit.trim()) > LIMITS.REPORT_ACCUSED_UNIT_MAX) e.accused_unit = 'validate.tooLong';
  if (!f.anonymous) {
    const name = f.reporter_name.trim();
    if (!name) e.reporter_name = 'validate.nameRequired';
    else if (chars(name) > LIMITS.REPORT_REPORTER_NAME_MAX) e.reporter_name = 'validate.tooLong';
    const phone = f.reporter_phone.trim();
    if (phone && !PHONE.test(phone)) e.reporter_phone = 'validate.phone';
  }
  return e;
}

/* The request body: optional fields left out when empty, and the identity
 * fields never sent with an anonymous report (intake refuses them). */
export function reportBody(f: ReportForm, unitCode: string | null, channel: string | null = null): ReportRequest {
  const body: ReportRequest = {
    category: f.category,
    content: f.content.trim(),
    anonymous: f.anonymous,
  };
  const optional = ['location', 'accused_person', 'accused_unit'] as const;
  for (const k of optional) {
    const v = f[k].trim();
    if (v) body[k] = v;
  }
  if (unitCode) body.unit_code = unitCode;
  if (channel) body.channel = channel;
  if (!f.anonymous) {
    body.reporter_name = f.reporter_name.trim();
    const phone = f.reporter_phone.trim();
    if (phone) body.reporter_phone = phone;
  }
  return body;
}

/* A receipt as typed (spaces and dashes allowed) to its 16 digits, or null
 * when it is not 16 digits. */
export function normalizeReceipt(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return RECEIPT.test(digits) ? digits : null;
}

/* 1234 5678 9012 3456: easier to read aloud and copy by hand. */
export function groupReceipt(receipt: string): string {
  return receipt.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/* A unit code from a QR link (?unit=): 1 to 64 of a-z, 0-9, _; anything else
 * is ignored so the report still goes to the default unit. */
export function unitFromQuery(v: unknown): string | null {
  return typeof v === 'string' && /^[a-z0-9_]{1,64}$/.test(v) ? v : null;
}

/* The QR code's ?channel= (the poster or terminal the report came through),
 * in intake's pattern; anything else is dropped, so a damaged link still
 * lets the reporter send (docs/api.md, "Public reports"). */
export function channelFromQuery(v: unknown): string | null {
  return typeof v === 'string' && CHANNEL.test(v) ? v : null;
}

export function validateLogin(username: string, password: string): Errors {
  const e: Errors = {};
  if (!username.trim()) e.username = 'validate.required';
  if (!password) e.password = 'validate.required';
  return e;
}

/* Field errors of the gateway mapped onto the form's fields; the rest are
 * returned under "_" to be shown above the form. */
export function apiFieldErrors(fields: Record<string, string>, known: readonly string[]): Errors {
  const e: Errors = {};
  for (const [field, description] of Object.entries(fields)) {
    if (known.includes(field)) e[field] = description;
    else e._ = e._ ? `${e._}; ${field}: ${description}` : `${field}: ${description}`;
  }
  return e;
}
