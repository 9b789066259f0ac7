/* What to tell the user when a call failed: a sentence that says what to do,
 * never a bare status code. Field errors are shown beside their fields by
 * the forms; this is the message above them. */
import { computed, shallowRef, type ComputedRef } from 'vue';
import { ApiError } from '@/api/client';

type Translate = (key: string, named?: Record<string, unknown>) => string;

/* The answer's own reason: its detail, then each field error the page does
 * not show beside a field, as "field: description". A description that only
 * repeats the detail (a 413 says the limit in both) is given once. Without
 * either, the status, so the user still learns the request was refused. */
export function problemReason(e: ApiError, t: Translate, shown: readonly string[] = []): string {
  const listed = Object.entries(e.fields)
    .filter(([field, description]) => !shown.includes(field) && description !== e.detail)
    .map(([field, description]) => `${field}: ${description}`);
  const detail = e.detail.trim();
  if (!detail && !listed.length) return t('common.refused', { status: e.status });
  if (!listed.length) return detail;
  return detail ? `${detail} (${listed.join('; ')})` : listed.join('; ');
}

/* shown: the fields the form on the page shows errors beside. Only when the
 * answer names one of them does the message point to the fields; when it
 * names none (a list's bad filter, an upload's 413 or 415, a 409, a field
 * this form does not have) the answer's own reason is the message, since
 * "see the notes beside the fields" would point at nothing. */
export function describeError(e: unknown, t: Translate, shown: readonly string[] = []): string {
  if (!(e instanceof ApiError)) return t('common.serverError', { id: '-' });
  if (e.status === 0) return t('common.networkError');
  if (e.status === 429) return t('common.tooMany', { seconds: e.retryAfter ?? 60 });
  if (e.status === 503) return t('common.unavailable');
  if (e.status >= 500) return t('common.serverError', { id: e.requestId ?? '-' });
  const besideFields = Object.keys(e.fields).some((f) => shown.includes(f));
  if (!besideFields) return problemReason(e, t);
  const rest = Object.keys(e.fields).some((f) => !shown.includes(f)) ? problemReason(e, t, shown) : '';
  return rest ? `${t('common.fixFields')} ${rest}` : t('common.fixFields');
}

/* A form error: an i18n key (from the rules in validate.ts) or the
 * gateway's own words for a field. */
export function fieldText(msg: string | undefined, t: Translate, te: (key: string) => boolean): string {
  if (!msg) return '';
  return te(msg) ? t(msg) : msg;
}

/* A message on a page, kept as the function that writes it rather than as
 * text, so a language switch rewrites a message already shown. */
export function useMessage(): { text: ComputedRef<string>; set: (write: (() => string) | null) => void } {
  const write = shallowRef<(() => string) | null>(null);
  return {
    text: computed(() => (write.value ? write.value() : '')),
    set: (w) => {
      write.value = w;
    },
  };
}
