-- Two more columns in the audit trail, both under the chain's hash:
--   gateway_request_id: the id the gateway gave the request itself. The
--     request_id column keeps the client's X-Request-Id when it sent a
--     usable one (so a client can find its own calls), which says nothing
--     a client could not have chosen; this one it could not.
--   detail: what a sensitive read returned, as JSON text: a list's filter
--     and the ids of the records it returned, so a read of a hundred clues
--     is recorded as surely as a read of one.
-- A row written before this migration has both NULL, and its canonical
-- serialization is the twelve-element array it was hashed with; a row with
-- either set appends both, so every hash already in the chain stays valid.
-- (audit_append() and audit_append_batch(), which hash in SQL, write both
-- NULL; the gateway appends through audit_append_hashed() alone, which
-- 0010_audit_keyed.sql makes write them.)
ALTER TABLE audit_log ADD COLUMN gateway_request_id text,
                      ADD COLUMN detail text;

CREATE FUNCTION audit_canonical(id bigint, at timestamptz, actor_id uuid,
                                actor_username text, actor_role text, action text,
                                target_type text, target_id text, outcome text,
                                http_status integer, request_id text, org_path ltree,
                                gateway_request_id text, detail text)
    RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN gateway_request_id IS NULL AND detail IS NULL THEN
               json_build_array(id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                actor_id::text, actor_username, actor_role, action, target_type,
                                target_id, outcome, http_status, request_id, org_path::text)::text
           ELSE
               json_build_array(id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                actor_id::text, actor_username, actor_role, action, target_type,
                                target_id, outcome, http_status, request_id, org_path::text,
                                gateway_request_id, detail)::text
           END
$$;
