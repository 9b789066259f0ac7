-- The gateway's audit writer computes row hashes itself.
--
-- Recomputing the canonical serialization and its SHA-256 in SQL was the
-- largest part of what an audit row cost the database, and every row of the
-- trail goes through one writer at a time (the head's lock). The writer now
-- takes the head's lock and the time with audit_lock_head(), computes each
-- row's hash in C exactly as audit_canonical() and audit_hash() define it
-- (services/gateway/src/audit_rules.c, unit-tested against them), and hands
-- the rows to audit_append_hashed(), which checks how they link to the head
-- and inserts them in one statement.
--
-- What this changes for tampering: nothing. The chain protects rows once
-- written; the writer could always write what it liked through
-- audit_append(). A row whose hash the writer got wrong is written, and
-- verify (which still recomputes every hash in SQL) reports it, so a
-- mismatch between the two implementations cannot go unseen.
-- audit_append() and audit_append_batch() stay, and hash in SQL as before.

-- Lock the head until the caller's transaction ends, and say where the
-- chain ends and the time to give the next rows (the database's clock, so
-- times rise with ids across gateway replicas).
CREATE FUNCTION audit_lock_head(OUT last_id bigint, OUT last_hash text, OUT at text)
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
    SELECT h.last_id, h.last_hash,
           to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      FROM audit_head h WHERE h.singleton FOR UPDATE
$$;

-- Append rows hashed by the caller, who holds the head's lock (taken with
-- audit_lock_head() in the same transaction) and numbered them from the
-- head's last id. p_rows is a JSON array of arrays: the ten values of
-- audit_append() and the row's hash. Every row gets the time p_at (as
-- audit_lock_head() gave it). Ids follow the head's last id and the first
-- row's prev_hash is the head's hash, the values the caller hashed with,
-- since it has held the head's lock since it read them. A hash that is not
-- 64 hex digits fails the table's CHECK, and the whole batch with it.
CREATE FUNCTION audit_append_hashed(p_at timestamptz, p_rows jsonb)
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
                           target_id, outcome, http_status, request_id, org_path, prev_hash, hash)
    SELECT v_head.last_id + e.i, p_at, (e.r->>0)::uuid, e.r->>1, e.r->>2, e.r->>3, e.r->>4,
           e.r->>5, e.r->>6, (e.r->>7)::integer, e.r->>8, (e.r->>9)::ltree,
           coalesce(lag(e.r->>10) OVER (ORDER BY e.i), v_head.last_hash), e.r->>10
      FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS e(r, i);
    UPDATE audit_head SET last_id = v_head.last_id + v_n,
                          last_hash = p_rows->(v_n - 1)->>10,
                          nrows = nrows + v_n
     WHERE singleton;
    -- audit_append() numbers rows from the sequence: keep it at the head.
    PERFORM setval(pg_get_serial_sequence('audit_log', 'id'), v_head.last_id + v_n);
    RETURN v_head.last_id + v_n;
END
$$;

REVOKE EXECUTE ON FUNCTION audit_lock_head() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_append_hashed(timestamptz, jsonb) FROM PUBLIC;
