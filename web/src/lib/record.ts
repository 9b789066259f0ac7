/* One record read for a page (a task, a responsibility list): the record,
 * whether it loads, "missing" for a 404 (or a malformed id's 400: outside
 * the user's scope reads as not there), and any other failure as a
 * message with a retry. The page may replace the record with a step's
 * answer. */
import { ref, type Ref } from 'vue';
import { ApiError, api } from '@/api/client';
import { describeError, useMessage } from '@/lib/errors';

type Translate = (key: string, named?: Record<string, unknown>) => string;

export function useRecord<T>(path: () => string, t: Translate) {
  const record = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const missing = ref(false);
  const { text: failure, set: setFailure } = useMessage();

  async function load(): Promise<void> {
    loading.value = true;
    missing.value = false;
    setFailure(null);
    try {
      record.value = await api<T>(path());
    } catch (e) {
      record.value = null;
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) missing.value = true;
      else setFailure(() => describeError(e, t));
    } finally {
      loading.value = false;
    }
  }

  return { record, loading, missing, failure, load };
}
