/* Sending a workflow step from a page (a clue's, a case's): the form's
 * errors are checked first and nothing is sent while there are any; the
 * gateway's field errors land beside the fields; a refusal (409) shows the
 * service's reason in the form, as it names the stage the record is in and
 * what the step needs, and so does any answer whose errors name no field
 * of the form. */
import { ref } from 'vue';
import { ApiError, api } from '@/api/client';
import { describeError, problemReason, useMessage } from '@/lib/errors';
import { apiFieldErrors, type Errors } from '@/lib/validate';

type Translate = (key: string, named?: Record<string, unknown>) => string;

/* A step's request: the path below the record, its body, and the method
 * when it is not POST (a PUT that replaces a part, a PATCH that edits). */
export interface StepRequest {
  path: string;
  body: unknown;
  method?: 'POST' | 'PUT' | 'PATCH';
}

/* A step request, or the form's errors when the check found any. */
export function checkedStep(e: Errors, path: string, body: () => unknown): StepRequest | Errors {
  return Object.keys(e).length ? e : { path, body: body() };
}

/* fields: the form's fields, whose gateway errors show beside them;
 * refusedKey: the i18n text that wraps a 409's reason. */
export function useStepForm(t: Translate, fields: readonly string[], refusedKey: string) {
  const errors = ref<Errors>({});
  const { text: refusal, set: setRefusal } = useMessage();
  const busy = ref(false);

  function reset(): void {
    errors.value = {};
    setRefusal(null);
  }

  /* Sends the step to base + path (POST unless it names another method);
   * the answer goes to done. */
  async function send<T>(base: string, req: StepRequest | Errors, done: (answer: T) => void): Promise<void> {
    if (!('path' in req)) {
      errors.value = req as Errors;
      return;
    }
    reset();
    busy.value = true;
    try {
      const step = req as StepRequest;
      done(await api<T>(`${base}${step.path}`, { method: step.method ?? 'POST', body: step.body }));
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        // Errors on fields the form lacks are said in the refusal below,
        // with the answer's detail, rather than a second time apart.
        const beside = apiFieldErrors(e.fields, fields);
        delete beside._;
        errors.value = beside;
      }
      setRefusal(() =>
        e instanceof ApiError && e.status === 409
          ? t(refusedKey, { reason: problemReason(e, t) })
          : describeError(e, t, fields),
      );
    } finally {
      busy.value = false;
    }
  }

  return { errors, refusal, busy, reset, send };
}
