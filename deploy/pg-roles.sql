-- A service's database and its two roles, run by a superuser in the
-- service's database with psql variables db, owner, runtime,
-- owner_password and runtime_password (scripts/stack.sh for the local
-- stack, deploy/pg-roles.sh when a compose database initialises):
--   owner    owns the database and every object in it; the service runs its
--            migrations as this role (CG_DB_MIGRATE_URL);
--   runtime  what the service runs as (CG_DB_URL): reads and writes rows
--            and calls functions, nothing else. Not an owner, so it cannot
--            alter a table, disable the audit and dossier triggers or
--            truncate; not a superuser, so it cannot turn triggers off for
--            its session (session_replication_role) either.
-- Idempotent: objects an older installation made as the superuser move to
-- the owner, and the runtime role gets its rights on them.
\set ON_ERROR_STOP on
SELECT set_config('cg.owner', :'owner', false), set_config('cg.runtime', :'runtime', false),
       set_config('cg.owner_password', :'owner_password', false),
       set_config('cg.runtime_password', :'runtime_password', false) \g /dev/null

DO $$
DECLARE
    v_owner text := current_setting('cg.owner');
    v_runtime text := current_setting('cg.runtime');
    o record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_owner) THEN
        EXECUTE format('CREATE ROLE %I', v_owner);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_runtime) THEN
        EXECUTE format('CREATE ROLE %I', v_runtime);
    END IF;
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
                   ' NOBYPASSRLS PASSWORD %L', v_owner, current_setting('cg.owner_password'));
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
                   ' NOBYPASSRLS PASSWORD %L', v_runtime, current_setting('cg.runtime_password'));
    EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), v_owner);
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), v_runtime);
    -- Tables (with the sequences they own), views and routines that are
    -- not an extension's.
    FOR o IN SELECT c.oid::regclass AS name FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
                AND pg_get_userbyid(c.relowner) <> v_owner
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                AND d.objid = c.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', o.name, v_owner);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS name FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
                AND pg_get_userbyid(p.proowner) <> v_owner
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.name, v_owner);
    END LOOP;
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public'
                   ' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', v_owner, v_runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public'
                   ' GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', v_owner, v_runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public'
                   ' GRANT EXECUTE ON FUNCTIONS TO %I', v_owner, v_runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I',
                   v_runtime);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', v_runtime);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO %I', v_runtime);
END
$$;
