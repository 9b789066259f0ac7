import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, onUnauthorized, setCsrfToken, uploadRaw } from '@/api/client';

/* A stand-in for XMLHttpRequest that records what was sent and answers
 * with what the test says, after reporting upload progress. */
class FakeXhr {
  static last: FakeXhr | null = null;
  static reply: { status: number; body: string; headers?: Record<string, string> } = { status: 201, body: '{}' };
  static fail = false;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  sent: unknown = null;
  withCredentials = false;
  status = 0;
  responseText = '';
  upload: { onprogress: ((ev: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
    FakeXhr.last = this;
  }
  setRequestHeader(k: string, v: string): void {
    this.headers[k] = v;
  }
  getResponseHeader(k: string): string | null {
    return FakeXhr.reply.headers?.[k] ?? null;
  }
  send(body: unknown): void {
    this.sent = body;
    queueMicrotask(() => {
      if (FakeXhr.fail) {
        this.onerror?.();
        return;
      }
      this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
      this.status = FakeXhr.reply.status;
      this.responseText = FakeXhr.reply.body;
      this.onload?.();
    });
  }
}

describe('document upload', () => {
  beforeEach(() => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    FakeXhr.fail = false;
    localStorage.clear();
    onUnauthorized(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends the raw file with the CSRF token and reports progress', async () => {
    setCsrfToken('csrf-9');
    FakeXhr.reply = { status: 201, body: JSON.stringify({ sha256: 'ab', name: 'a.pdf', already_linked: false }) };
    const seen: number[] = [];
    const file = new Blob(['%PDF-1.4'], { type: 'application/pdf' });
    const doc = await uploadRaw<{ sha256: string }>('/api/v1/clues/x/documents?name=a.pdf', file, (f) => seen.push(f));
    expect(doc.sha256).toBe('ab');
    expect(FakeXhr.last?.method).toBe('POST');
    expect(FakeXhr.last?.headers['X-CSRF-Token']).toBe('csrf-9');
    expect(FakeXhr.last?.headers['Content-Type']).toBe('application/pdf');
    expect(FakeXhr.last?.sent).toBe(file);
    expect(seen).toEqual([0.5, 1]);
  });

  it('turns a refusal into an ApiError and a 401 into the session handler', async () => {
    FakeXhr.reply = { status: 415, body: JSON.stringify({ status: 415, detail: 'not a document type we keep' }) };
    const e = await uploadRaw('/u', new Blob(['x']), () => {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(415);
    expect((e as ApiError).detail).toBe('not a document type we keep');

    const ended = vi.fn();
    onUnauthorized(ended);
    FakeXhr.reply = { status: 401, body: '' };
    const u = await uploadRaw('/u', new Blob(['x']), () => {}).catch((x: unknown) => x);
    expect((u as ApiError).status).toBe(401);
    expect(ended).toHaveBeenCalledOnce();
  });

  it('reports a lost connection as status 0', async () => {
    FakeXhr.fail = true;
    const e = await uploadRaw('/u', new Blob(['x']), () => {}).catch((x: unknown) => x);
    expect((e as ApiError).status).toBe(0);
  });
});
