/* The logged-in user. The session itself is the gateway's HttpOnly cookie;
 * this store holds who it belongs to and the CSRF token that goes with it. */
import { defineStore } from 'pinia';
import { api, ApiError, setCsrfToken } from '@/api/client';
import type { LoginAnswer, User } from '@/api/types';
import { userRoles } from '@/lib/roles';

export const useSession = defineStore('session', {
  state: () => ({
    user: null as User | null,
    /* True once /auth/me was asked in this page load, whatever it said. */
    checked: false,
    /* Set when a 401 ended the session, so the login page can say why. */
    expired: false,
  }),
  getters: {
    roles: (s): string[] => userRoles(s.user),
    loggedIn: (s): boolean => s.user !== null,
  },
  actions: {
    async login(username: string, password: string): Promise<void> {
      const answer = await api<LoginAnswer>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
        auth: false,
      });
      setCsrfToken(answer.csrf_token);
      this.user = answer.user;
      this.checked = true;
      this.expired = false;
    },
    /* Ask the gateway whether the cookie still holds a session. */
    async restore(): Promise<boolean> {
      if (this.checked) return this.loggedIn;
      try {
        this.user = await api<User>('/api/v1/auth/me', { auth: false });
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e;
        this.user = null;
      } finally {
        this.checked = true;
      }
      return this.loggedIn;
    },
    async logout(): Promise<void> {
      try {
        await api<void>('/api/v1/auth/logout', { method: 'POST', auth: false });
      } catch {
        // Signed out here whatever the gateway said: a session that already
        // ended (401) needs nothing more, and on any other failure the
        // console still forgets the user, so sign-out never leaves someone
        // stuck on a page with a dead button.
      } finally {
        this.forget(false);
      }
    },
    /* Drop the user locally: after logout, or when a call got 401. */
    forget(expired: boolean): void {
      setCsrfToken(null);
      this.user = null;
      this.checked = true;
      this.expired = expired;
    },
  },
});
