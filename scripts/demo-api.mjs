// The demo loaders' client of the gateway's API (scripts/demo-rectify.mjs,
// scripts/demo-integrity.mjs): each enters its demo through the public API
// as the demo accounts, as people would, and retries what the gateway asks
// it to retry.
import { randomUUID } from 'node:crypto';

export class ApiError extends Error {}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A client of the gateway at base for the demo accounts of password; each
// create carries an Idempotency-Key "<prefix>-<uuid>". `as(username)` calls
// as that account (logged in once), and `as.logoutAll()` ends every session
// it opened. A 429 is retried after Retry-After; so
// is a 503 of a create, which the key makes safe. Anything else that is not
// 2xx throws an ApiError with the gateway's reason.
export function demoClient(base, password, prefix) {
  async function api(token, method, path, body, { raw, type, create = false } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (create) headers['Idempotency-Key'] = `${prefix}-${randomUUID()}`;
    let payload;
    if (raw !== undefined) {
      headers['Content-Type'] = type;
      payload = raw;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    for (let attempt = 1; ; attempt++) {
      let res;
      try {
        res = await fetch(base + path, { method, headers, body: payload });
      } catch (e) {
        if (create && attempt < 5) {
          await sleep(500 * attempt);
          continue;
        }
        throw new ApiError(`${method} ${path}: ${e.cause?.message || e.message}`);
      }
      const text = await res.text();
      const retryable = res.status === 429 || (create && (res.status === 503 || res.status === 409));
      if (retryable && attempt < 20) {
        const after = Number(res.headers.get('retry-after')) || 1;
        // A 409 of a create is only the key still in use; any other is final.
        if (res.status !== 409 || text.includes('IDEMPOTENCY_KEY_IN_USE')) {
          await sleep(after * 1000);
          continue;
        }
      }
      if (!res.ok) {
        let why = text.slice(0, 400);
        try {
          const p = JSON.parse(text);
          why = [p.detail, ...(p.errors || []).map((e) => `${e.field}: ${e.description}`)]
            .filter(Boolean)
            .join('; ');
        } catch {
          /* not problem+json: the body as it came */
        }
        throw new ApiError(`${method} ${path} answered ${res.status}: ${why}`);
      }
      return text ? JSON.parse(text) : {};
    }
  }

  const tokens = {};
  async function login(username) {
    if (!tokens[username]) {
      const r = await api(null, 'POST', '/api/v1/auth/login', { username, password });
      tokens[username] = r.token;
    }
    return tokens[username];
  }
  const as = (username) => ({
    get: async (path) => api(await login(username), 'GET', path),
    post: async (path, body) => api(await login(username), 'POST', path, body),
    create: async (path, body) => api(await login(username), 'POST', path, body, { create: true }),
    put: async (path, body) => api(await login(username), 'PUT', path, body),
    upload: async (path, raw, type) =>
      api(await login(username), 'POST', path, undefined, { raw, type, create: true }),
  });
  // Every session opened, ended: a loader leaves no token behind.
  as.logoutAll = async () => {
    for (const token of Object.values(tokens)) {
      await api(token, 'POST', '/api/v1/auth/logout').catch(() => {});
    }
  };
  return as;
}
