-- The audit trail (审计, 全程留痕): one row for every login and failed login,
-- logout, refused authorization, state-changing request and sensitive read.
--
-- Rows are chained: each row's hash is SHA-256 over the previous row's hash
-- and a canonical serialization of its own content, so changing, removing or
-- reordering any row breaks the chain from that row on, and verify
-- (GET /api/v1/audit/verify) names the first broken row. The hash is
-- computed here, in SQL, and nowhere else: audit_append() writes it and the
-- gateway's verify query recomputes it with the same two functions.
--
-- Append-only: triggers refuse UPDATE, DELETE and TRUNCATE for every role,
-- the owner and superusers included (a superuser can disable the trigger,
-- which is what the chain is there to expose). In production the gateway
-- connects as a role that owns nothing and holds SELECT on audit_log and
-- EXECUTE on audit_append() only (docs/operations.md).
--
-- Never stored: passwords, tokens, receipts, report text, a reporter's
-- identity, and client addresses.

-- The single row that serializes appends: audit_append() locks it with
-- SELECT ... FOR UPDATE, so rows chain in one order however many HTTP
-- threads and gateway replicas write at once. It also holds the newest
-- row's id and hash, so removing rows at the end of the chain is seen too.
CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id   bigint NOT NULL DEFAULT 0,
    last_hash text NOT NULL DEFAULT repeat('0', 64),
    nrows     bigint NOT NULL DEFAULT 0
);
INSERT INTO audit_head DEFAULT VALUES;

CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL,
    -- NULL for anonymous callers (public reports) and failed logins of an
    -- unknown username.
    actor_id       uuid,
    actor_username text,
    actor_role     text,
    action         text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    target_type    text,
    target_id      text,
    outcome        text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
    http_status    integer NOT NULL CHECK (http_status BETWEEN 100 AND 599),
    request_id     text NOT NULL,
    org_path       ltree,
    prev_hash      text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash           text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);

CREATE INDEX audit_log_actor_idx ON audit_log (actor_username, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_org_path_idx ON audit_log USING gist (org_path);

-- The canonical serialization of a row's content: a JSON array of every
-- column but the two hashes, in a fixed order, the time in UTC with
-- microseconds. JSON escaping keeps two different rows from serializing
-- alike, whatever their strings hold.
CREATE FUNCTION audit_canonical(id bigint, at timestamptz, actor_id uuid, actor_username text,
                                actor_role text, action text, target_type text, target_id text,
                                outcome text, http_status integer, request_id text,
                                org_path ltree)
    RETURNS text LANGUAGE sql STABLE
    SET search_path = public, pg_temp AS $$
    SELECT json_build_array(id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                            actor_id::text, actor_username, actor_role, action, target_type,
                            target_id, outcome, http_status, request_id, org_path::text)::text
$$;

-- SHA-256 (PostgreSQL 15's built-in sha256(bytea)) in hex over the previous
-- hash, a newline, and the canonical serialization.
CREATE FUNCTION audit_hash(prev_hash text, canonical text)
    RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT encode(sha256(convert_to(prev_hash || E'\n' || canonical, 'UTF8')), 'hex')
$$;

-- Append one row and return its id. The only way rows get in: it takes the
-- head row's lock, chains the row to the newest one and moves the head. It
-- runs as its owner (SECURITY DEFINER), so the gateway's production role
-- needs neither INSERT on audit_log nor UPDATE on audit_head.
CREATE FUNCTION audit_append(p_actor_id uuid, p_actor_username text, p_actor_role text,
                             p_action text, p_target_type text, p_target_id text,
                             p_outcome text, p_http_status integer, p_request_id text,
                             p_org_path ltree)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text;
    v_id   bigint;
    v_at   timestamptz;
    v_hash text;
BEGIN
    SELECT last_hash INTO STRICT v_prev FROM audit_head WHERE singleton FOR UPDATE;
    -- Taken under the lock, so ids and times rise in chain order.
    v_id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    v_at := clock_timestamp();
    v_hash := audit_hash(v_prev, audit_canonical(v_id, v_at, p_actor_id, p_actor_username,
                                                 p_actor_role, p_action, p_target_type,
                                                 p_target_id, p_outcome, p_http_status,
                                                 p_request_id, p_org_path));
    INSERT INTO audit_log (id, at, actor_id, actor_username, actor_role, action, target_type,
                           target_id, outcome, http_status, request_id, org_path, prev_hash,
                           hash)
    VALUES (v_id, v_at, p_actor_id, p_actor_username, p_actor_role, p_action, p_target_type,
            p_target_id, p_outcome, p_http_status, p_request_id, p_org_path, v_prev, v_hash);
    UPDATE audit_head SET last_id = v_id, last_hash = v_hash, nrows = nrows + 1
     WHERE singleton;
    RETURN v_id;
END
$$;

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
-- The head moves only forward, through audit_append().
CREATE TRIGGER audit_head_keep BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Roles that do not own the tables get no way to change them. (The owner
-- keeps its rights whatever is revoked; for it the triggers above hold.)
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_head FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_append(uuid, text, text, text, text, text, text, integer, text,
                                        ltree) FROM PUBLIC;
