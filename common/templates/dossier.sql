-- The electronic dossier (电子档案) of a service's files: one row per
-- action, hash-chained per file (docs/dossier.md). A template: a service
-- copies it into a migration of its own with its names filled in,
--
--   sed -e 's/@NAME@/dossier/g' -e 's/@ENTRIES@/dossier_entries/g' \
--       -e 's/@HEADS@/dossier_heads/g' common/templates/dossier.sql \
--       > services/<name>/migrations/NNNN_dossier.sql
--
-- and passes the same two table names to CG_DOSSIER_TABLES() (cg/dossier.h).
-- The hash is computed in C (common/src/dossier_hash.c) over a documented
-- byte layout, so an exported dossier can be checked offline with no
-- database at all. The check dossier_template keeps the case service's
-- migration 0002_dossier.sql and this template the same statements.
--
-- Append-only: triggers refuse UPDATE, DELETE and TRUNCATE of entries for
-- every role, the owner included; a superuser who disables them is what the
-- chain is there to expose.

-- One row per file: the newest entry's seq and hash. Appends lock this row
-- (INSERT ... ON CONFLICT DO UPDATE), so the entries of one file chain in
-- one order however many replicas append at once, while different files
-- never wait for each other. Verify compares the last entry with it, so
-- entries removed from the end are found too.
CREATE TABLE @HEADS@ (
    file_id   uuid PRIMARY KEY,
    last_seq  bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
        CHECK (length(last_hash) = 32)
);

CREATE TABLE @ENTRIES@ (
    file_id     uuid NOT NULL,
    seq         bigint NOT NULL CHECK (seq >= 1),
    -- Whole milliseconds: the hash covers the time in Unix milliseconds.
    occurred_at timestamptz NOT NULL,
    actor_id    text NOT NULL CHECK (actor_id <> ''),
    action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    summary     jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
    prev_hash   bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (file_id, seq)
);

CREATE FUNCTION @NAME@_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the dossier is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- A head only moves forward.
CREATE FUNCTION @NAME@_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.file_id <> OLD.file_id OR NEW.last_seq < OLD.last_seq THEN
        RAISE EXCEPTION 'a dossier head only moves forward'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER @ENTRIES@_append_only BEFORE UPDATE OR DELETE ON @ENTRIES@
    FOR EACH ROW EXECUTE FUNCTION @NAME@_refuse_change();
CREATE TRIGGER @ENTRIES@_no_truncate BEFORE TRUNCATE ON @ENTRIES@
    FOR EACH STATEMENT EXECUTE FUNCTION @NAME@_refuse_change();
CREATE TRIGGER @HEADS@_forward BEFORE UPDATE ON @HEADS@
    FOR EACH ROW EXECUTE FUNCTION @NAME@_head_forward();
CREATE TRIGGER @HEADS@_keep BEFORE DELETE ON @HEADS@
    FOR EACH ROW EXECUTE FUNCTION @NAME@_refuse_change();
CREATE TRIGGER @HEADS@_no_truncate BEFORE TRUNCATE ON @HEADS@
    FOR EACH STATEMENT EXECUTE FUNCTION @NAME@_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON @ENTRIES@ FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON @HEADS@ FROM PUBLIC;
