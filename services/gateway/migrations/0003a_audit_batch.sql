-- Appending audit rows in batches (group commit, services/gateway/src/audit.c).
--
-- audit_append() takes the head row's lock and moves the head for each row.
-- Called many times in one transaction, every call walks the chain of row
-- versions the earlier calls left on the head's page, so a batch cost about
-- a millisecond a row. audit_append_batch() locks the head once, chains the
-- rows in the order given and moves the head once. The hash is the same
-- audit_hash(audit_canonical(...)) as in 0003_audit.sql, so verify needs no
-- change. (A separate file, so databases that already applied 0003 get it.)

-- p_rows is a JSON array of rows, each an array of the ten values in the
-- order of audit_append()'s parameters (actor id, username, role, action,
-- target type, target id, outcome, HTTP status, request id, org path); a
-- JSON null is SQL NULL. Returns the id of the last row appended (0 when
-- p_rows is empty). Any bad row fails the whole batch.
CREATE FUNCTION audit_append_batch(p_rows jsonb)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    v_seq  text := pg_get_serial_sequence('audit_log', 'id');
    v_prev text;
    v_id   bigint := 0;
    v_n    bigint := 0;
    r      jsonb;
    c      audit_log%ROWTYPE;
BEGIN
    SELECT last_hash INTO STRICT v_prev FROM audit_head WHERE singleton FOR UPDATE;
    FOR r IN SELECT value FROM jsonb_array_elements(p_rows) WITH ORDINALITY ORDER BY ordinality
    LOOP
        -- Taken under the lock, so ids and times rise in chain order.
        c.id := nextval(v_seq);
        c.at := clock_timestamp();
        c.actor_id := (r->>0)::uuid;
        c.actor_username := r->>1;
        c.actor_role := r->>2;
        c.action := r->>3;
        c.target_type := r->>4;
        c.target_id := r->>5;
        c.outcome := r->>6;
        c.http_status := (r->>7)::integer;
        c.request_id := r->>8;
        c.org_path := (r->>9)::ltree;
        c.prev_hash := v_prev;
        c.hash := audit_hash(v_prev, audit_canonical(c.id, c.at, c.actor_id, c.actor_username,
                                                     c.actor_role, c.action, c.target_type,
                                                     c.target_id, c.outcome, c.http_status,
                                                     c.request_id, c.org_path));
        INSERT INTO audit_log VALUES (c.*);
        v_prev := c.hash;
        v_id := c.id;
        v_n := v_n + 1;
    END LOOP;
    IF v_n > 0 THEN
        UPDATE audit_head SET last_id = v_id, last_hash = v_prev, nrows = nrows + v_n
         WHERE singleton;
    END IF;
    RETURN v_id;
END
$$;

REVOKE EXECUTE ON FUNCTION audit_append_batch(jsonb) FROM PUBLIC;
