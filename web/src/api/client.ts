/* The one way the console talks to the gateway: fetch with the session
 * cookie (same origin), JSON in and out, the X-CSRF-Token header on every
 * state-changing call, and every error turned into an ApiError that carries
 * the problem+json's code, detail and field errors.
 *
 * A 401 on a call that needs a login means the session ended (expired,
 * revoked, logged out elsewhere): the handler set with onUnauthorized()
 * sends the user to the login page, which brings them back afterwards. */

export interface FieldError {
  field: string;
  description: string;
  /* A file's import names the physical line (1 the header, 0 the whole
   * file) and the column as the file spells it. */
  line?: number;
  column?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: FieldError[];
  retry_after?: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: Record<string, string>;
  /* Every error of the answer, in its order, as sent. */
  readonly errors: FieldError[];
  readonly retryAfter: number | null;
  readonly requestId: string | null;

  constructor(status: number, problem: Problem | null, retryAfter: number | null) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'NETWORK' : 'UNKNOWN');
    this.detail = problem?.detail ?? '';
    this.fields = {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
    for (const e of problem?.errors ?? []) {
      // The first description of a field is the one shown beside it.
      if (!(e.field in this.fields)) this.fields[e.field] = e.description;
    }
    this.retryAfter = retryAfter ?? problem?.retry_after ?? null;
    this.requestId = problem?.request_id ?? null;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /* False on calls that need no login (login itself, public pages): their
   * 401 is an answer for the caller, not an ended session. */
  auth?: boolean;
  headers?: Record<string, string>;
}

const CSRF_KEY = 'cg.csrf';
let unauthorizedHandler: (() => void) | null = null;
/* Counts sign-ins and sign-outs. A call remembers the count it was sent
 * under, and its 401 ends the session only if no sign-in or sign-out came
 * in between: a call still on its way when the user signed out (the
 * gateway answers 401 once the session is revoked) must not end the next
 * user's session when its answer arrives after they signed in. */
let sessionEpoch = 0;

/* The CSRF token of the login answer. The session cookie is HttpOnly, so
 * script never sees it; this token is what proves a call comes from the
 * console and not from another site riding on the cookie. */
export function setCsrfToken(token: string | null): void {
  sessionEpoch++;
  if (token) localStorage.setItem(CSRF_KEY, token);
  else localStorage.removeItem(CSRF_KEY);
}

export function csrfToken(): string | null {
  return localStorage.getItem(CSRF_KEY);
}

export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/* Runs the 401 handler when a call sent under epoch got 401 and the
 * session it was sent under is still the current one. */
function sessionEnded(epoch: number): void {
  if (epoch === sessionEpoch && unauthorizedHandler) unauthorizedHandler();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  const epoch = sessionEpoch;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, null, null);
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
  let problem: Problem | null = null;
  try {
    problem = (await res.json()) as Problem;
  } catch {
    problem = null;
  }
  const retry = Number(res.headers.get('Retry-After'));
  const err = new ApiError(res.status, problem, Number.isFinite(retry) && retry > 0 ? retry : null);
  if (res.status === 401 && opts.auth !== false) sessionEnded(epoch);
  throw err;
}

/* A random key for Idempotency-Key: the public routes want at least 32
 * characters. crypto.randomUUID exists only in secure contexts. */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/* Sends a file as the raw body of a POST and reports upload progress
 * (0 to 1) as it goes: fetch cannot tell how much of a body has left, so
 * this one call uses XMLHttpRequest, with the same CSRF header, the same
 * ApiError and the same 401 handling as api(). */
export function uploadRaw<T>(path: string, body: Blob, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const epoch = sessionEpoch;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', body.type || 'application/octet-stream');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) onProgress(ev.loaded / ev.total);
    };
    xhr.onerror = () => reject(new ApiError(0, null, null));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(parsed as T);
        return;
      }
      const retry = Number(xhr.getResponseHeader('Retry-After'));
      const err = new ApiError(xhr.status, parsed as Problem | null, Number.isFinite(retry) && retry > 0 ? retry : null);
      if (xhr.status === 401) sessionEnded(epoch);
      reject(err);
    };
    xhr.send(body);
  });
}
