import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkedStep, useStepForm } from '@/lib/stepForm';

function answer(status: number, body: unknown): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

/* A translator that shows the key and its named values. */
const t = (key: string, named?: Record<string, unknown>) => (named ? `${key} ${JSON.stringify(named)}` : key);

describe('step form', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends nothing while the form has errors', async () => {
    const step = useStepForm(t, ['report'], 'caseFlow.refused');
    const done = vi.fn();
    await step.send('/api/v1/cases/x', checkedStep({ report: 'validate.required' }, '/actions', () => ({})), done);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(done).not.toHaveBeenCalled();
    expect(step.errors.value).toEqual({ report: 'validate.required' });
  });

  it('posts the body to the step path and hands the answer over', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { id: 'x', stage: 'investigation' }));
    const step = useStepForm(t, ['report'], 'caseFlow.refused');
    const done = vi.fn();
    await step.send('/api/v1/cases/x', checkedStep({}, '/actions', () => ({ action: 'start_investigation' })), done);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/cases/x/actions');
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ action: 'start_investigation' });
    expect(done).toHaveBeenCalledWith({ id: 'x', stage: 'investigation' });
    expect(step.busy.value).toBe(false);
    expect(step.refusal.value).toBe('');
  });

  it('shows a 409 reason in the form and field errors beside their fields', async () => {
    fetchMock.mockResolvedValueOnce(
      answer(409, { status: 409, title: 'Conflict', detail: 'the case is in stage review; allowed in investigation' }),
    );
    const step = useStepForm(t, ['report'], 'caseFlow.refused');
    const done = vi.fn();
    await step.send('/api/v1/cases/x', { path: '/actions', body: {} }, done);
    expect(done).not.toHaveBeenCalled();
    expect(step.refusal.value).toContain('caseFlow.refused');
    expect(step.refusal.value).toContain('allowed in investigation');

    fetchMock.mockResolvedValueOnce(
      answer(400, { status: 400, title: 'Bad Request', detail: 'invalid', errors: [{ field: 'report', description: 'is required' }, { field: 'x', description: 'odd' }] }),
    );
    await step.send('/api/v1/cases/x', { path: '/actions', body: {} }, done);
    expect(step.errors.value).toEqual({ report: 'is required' });
    // The error on a field the form lacks is in the message, not lost.
    expect(step.refusal.value).toBe('common.fixFields invalid (x: odd)');
    step.reset();
    expect(step.errors.value).toEqual({});
    expect(step.refusal.value).toBe('');
  });
});
