-- audit_canonical() without its SET search_path clause.
--
-- A SQL function with a SET clause is never inlined: each call saves and
-- restores the setting, which made about a third of the cost of a row's hash
-- in audit_append_batch(). Without it the function is inlined into its
-- callers (audit_append, audit_append_batch and the verify query). Its body
-- names only built-in functions and casts, which resolve the same on any
-- search path, and its callers that matter run SECURITY DEFINER with their
-- own SET search_path. Same body, same output: every hash stays valid.
CREATE OR REPLACE FUNCTION audit_canonical(id bigint, at timestamptz, actor_id uuid,
                                           actor_username text, actor_role text, action text,
                                           target_type text, target_id text, outcome text,
                                           http_status integer, request_id text, org_path ltree)
    RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_array(id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                            actor_id::text, actor_username, actor_role, action, target_type,
                            target_id, outcome, http_status, request_id, org_path::text)::text
$$;
