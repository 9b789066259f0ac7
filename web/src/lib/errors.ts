/* What to tell the user when a call failed: a sentence that says what to do,
 * never a bare status code. Field errors are shown beside their fields by
 * the forms; this is the message above them. */
import { computed, shallowRef, type ComputedRef } from 'vue';
import { ApiError } from '@/api/client';

type Translate = (key: string, named?: Record<string, unknown>) => string;

export function describeError(e: unknown, t: Translate): string {
  if (!(e instanceof ApiError)) return t('common.serverError', { id: '-' });
  if (e.status === 0) return t('common.networkError');
  if (e.status === 429) return t('common.tooMany', { seconds: e.retryAfter ?? 60 });
  if (e.status === 503) return t('common.unavailable');
  if (e.status >= 500) return t('common.serverError', { id: e.requestId ?? '-' });
  if (Object.keys(e.fields).length > 0) return t('common.fixFields');
  return e.detail || e.message;
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
