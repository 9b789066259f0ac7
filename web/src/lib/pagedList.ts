/* A list read page by page with the API's cursor ("load more"), as the
 * rectification pages read theirs: a load that a newer one replaced drops
 * its answer, a failure is a message with a retry, and `loaded` tells an
 * empty list from one not read yet. */
import { ref, type Ref } from 'vue';
import { api } from '@/api/client';
import type { Page } from '@/api/types';
import { describeError, useMessage } from '@/lib/errors';

type Translate = (key: string, named?: Record<string, unknown>) => string;

/* path(cursor): the API path of the page after cursor (null: the first). */
export function usePagedList<T>(path: (cursor: string | null) => string, t: Translate) {
  const items = ref<T[]>([]) as Ref<T[]>;
  const cursor = ref<string | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  const { text: failure, set: setFailure } = useMessage();
  let generation = 0;

  async function load(more = false): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    setFailure(null);
    try {
      const page = await api<Page<T>>(path(more ? cursor.value : null));
      if (mine !== generation) return;
      items.value = more ? items.value.concat(page.items) : page.items;
      cursor.value = page.next_cursor;
      loaded.value = true;
    } catch (e) {
      if (mine === generation) setFailure(() => describeError(e, t));
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  return { items, cursor, loading, loaded, failure, load };
}
