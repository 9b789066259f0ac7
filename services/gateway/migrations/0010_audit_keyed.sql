-- The audit chain is keyed: a row's hash is HMAC-SHA256 over the same bytes
-- as before (prev_hash, a newline, the canonical serialization), keyed by
-- CG_AUDIT_KEY, a secret the database never sees. Without the key, a
-- superuser who deletes or changes rows cannot recompute a chain that
-- verify accepts; the chain's head is also anchored outside the database
-- (the JetStream stream CG_ANCHORS), against a thief who has the key.
--
-- key_id names the key a row was hashed with (16 hex digits of SHA-256 over
-- the key), so keys can be rotated and old rows still checked with the old
-- ones (CG_AUDIT_KEY_OLD). Rows written before this migration have it NULL
-- and keep their plain SHA-256; verify refuses an unkeyed row after a keyed
-- one. Verify recomputes hashes in the gateway (services/gateway/src/http/
-- audit.c), where the key is: audit_canonical() and audit_hash() remain for
-- the unkeyed rows' story, but no SQL can judge a keyed row.
ALTER TABLE audit_log ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$');

-- audit_append_hashed() reading rows of the twelve values, the hash and the
-- key id.
CREATE OR REPLACE FUNCTION audit_append_hashed(p_at timestamptz, p_rows jsonb)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    v_head audit_head%ROWTYPE;
    v_n    integer := jsonb_array_length(p_rows);
BEGIN
    SELECT * INTO STRICT v_head FROM audit_head WHERE singleton FOR UPDATE;
    IF v_n = 0 THEN
        RETURN v_head.last_id;
    END IF;
    INSERT INTO audit_log (id, at, actor_id, actor_username, actor_role, action, target_type,
                           target_id, outcome, http_status, request_id, org_path,
                           gateway_request_id, detail, prev_hash, hash, key_id)
    SELECT v_head.last_id + e.i, p_at, (e.r->>0)::uuid, e.r->>1, e.r->>2, e.r->>3, e.r->>4,
           e.r->>5, e.r->>6, (e.r->>7)::integer, e.r->>8, (e.r->>9)::ltree, e.r->>10, e.r->>11,
           coalesce(lag(e.r->>12) OVER (ORDER BY e.i), v_head.last_hash), e.r->>12, e.r->>13
      FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS e(r, i);
    UPDATE audit_head SET last_id = v_head.last_id + v_n,
                          last_hash = p_rows->(v_n - 1)->>12,
                          nrows = nrows + v_n
     WHERE singleton;
    PERFORM setval(pg_get_serial_sequence('audit_log', 'id'), v_head.last_id + v_n);
    RETURN v_head.last_id + v_n;
END
$$;
