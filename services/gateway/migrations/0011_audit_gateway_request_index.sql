-- The audit spool's replay (services/gateway/src/http/audit_spool.h) skips
-- records whose gateway_request_id the trail already holds, so a gateway
-- that crashed between a replay's commit and emptying its spool writes
-- nothing twice. It asks that under the head's lock, once a batch: an
-- index keeps the question cheap however long the trail grows.
CREATE INDEX IF NOT EXISTS audit_log_gateway_request_id ON audit_log (gateway_request_id)
    WHERE gateway_request_id IS NOT NULL;
