import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, csrfToken, idempotencyKey, onUnauthorized, setCsrfToken } from '@/api/client';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type, ...headers },
  });
}

/* The error a call failed with; fails the test when it succeeded. */
async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('the call did not fail');
}

describe('api client', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
    localStorage.clear();
    onUnauthorized(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends the CSRF token on a state-changing call only', async () => {
    setCsrfToken('csrf-123');
    fetchMock.mockResolvedValueOnce(answer(200, { ok: 1 })).mockResolvedValueOnce(answer(204, undefined));
    await api('/api/v1/clues');
    await api('/api/v1/auth/logout', { method: 'POST' });
    const getHeaders = fetchMock.mock.calls[0][1].headers as Record<string, string>;
    const postHeaders = fetchMock.mock.calls[1][1].headers as Record<string, string>;
    expect(getHeaders['X-CSRF-Token']).toBeUndefined();
    expect(postHeaders['X-CSRF-Token']).toBe('csrf-123');
    expect(fetchMock.mock.calls[1][1].credentials).toBe('same-origin');
  });

  it('sends JSON bodies with their content type', async () => {
    fetchMock.mockResolvedValueOnce(answer(201, { receipt: '1' }));
    await api('/api/v1/public/reports', { method: 'POST', body: { a: 1 }, auth: false });
    const init = fetchMock.mock.calls[0][1];
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(init.body).toBe('{"a":1}');
  });

  it('turns a problem into an ApiError with field errors', async () => {
    fetchMock.mockResolvedValueOnce(
      answer(400, {
        status: 400,
        code: 'INVALID_ARGUMENT',
        detail: 'invalid request',
        request_id: 'r1',
        errors: [
          { field: 'content', description: 'is required' },
          { field: 'content', description: 'second' },
        ],
      }),
    );
    const e = await failure(api('/x', { method: 'POST', body: {} }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.fields).toEqual({ content: 'is required' });
    expect(e.requestId).toBe('r1');
  });

  it('reads Retry-After of a 429', async () => {
    fetchMock.mockResolvedValueOnce(answer(429, { status: 429, detail: 'slow down' }, { 'Retry-After': '7' }));
    const e = await failure(api('/x'));
    expect(e.retryAfter).toBe(7);
  });

  it('calls the 401 handler on a call that needs a login, not on one that does not', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    fetchMock.mockResolvedValue(answer(401, { status: 401, detail: 'no' }));
    await expect(api('/api/v1/clues')).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(api('/api/v1/auth/login', { method: 'POST', body: {}, auth: false })).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('ignores a 401 that answers a call sent before the user signed in again', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    let answerLate: (r: Response) => void = () => {};
    fetchMock.mockReturnValueOnce(new Promise<Response>((resolve) => (answerLate = resolve)));
    const late = api('/api/v1/clues/1/dossier');
    // Signed out and in again while that call was on its way.
    setCsrfToken(null);
    setCsrfToken('next-session');
    answerLate(answer(401, { status: 401, detail: 'the token is not valid' }));
    await expect(late).rejects.toBeInstanceOf(ApiError);
    expect(handler).not.toHaveBeenCalled();
    // A call of the new session that gets 401 still ends it.
    fetchMock.mockResolvedValueOnce(answer(401, { status: 401, detail: 'no' }));
    await expect(api('/api/v1/clues')).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('reports a network failure as status 0', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const e = await failure(api('/x'));
    expect(e.status).toBe(0);
    expect(e.code).toBe('NETWORK');
  });

  it('keeps and forgets the CSRF token', () => {
    setCsrfToken('t');
    expect(csrfToken()).toBe('t');
    setCsrfToken(null);
    expect(csrfToken()).toBeNull();
  });

  it('makes idempotency keys long enough for public routes, and fresh each time', () => {
    const a = idempotencyKey();
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(idempotencyKey()).not.toBe(a);
  });
});
