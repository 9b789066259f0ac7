-- Idempotency-Key on POSTs that create (services/gateway/src/idempotency.h):
-- per key, a digest of the first request and, once it has finished, its
-- answer, replayed to a repeat for 24 hours.
--
-- Neither the key nor the answer is here in clear: key_hash is a digest of
-- the caller's scope and the key, and answer is encrypted under another
-- digest of them. A public report's answer holds its receipt (查询码), which
-- must not be readable from this table.
CREATE TABLE idempotency_keys (
    key_hash     bytea PRIMARY KEY CHECK (octet_length(key_hash) = 32),
    request_hash bytea NOT NULL CHECK (octet_length(request_hash) = 32),
    -- 'pending' while the first request runs: a repeat then is 409, so two
    -- requests with one key never both execute.
    state        text NOT NULL CHECK (state IN ('pending', 'done')),
    status       integer CHECK (status BETWEEN 100 AND 599),
    content_type text CHECK (char_length(content_type) <= 100),
    answer       bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    CHECK (state = 'pending' OR (status IS NOT NULL AND answer IS NOT NULL))
);

CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
