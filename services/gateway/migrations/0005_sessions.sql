-- Sessions end after CG_SESSION_IDLE_S without use as well as at their
-- absolute expiry (expires_at, CG_SESSION_MAX_S after login). last_seen_at
-- is the idle clock: the gateway moves it forward at most once a minute per
-- session (services/gateway/src/auth.c), so a busy session costs no write
-- per request, and idleness is measured to within that minute.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
