-- The dossier of each cadre's integrity file: common/templates/dossier.sql
-- with the service's names filled in (docs/dossier.md).

CREATE TABLE dossier_heads (
    file_id   uuid PRIMARY KEY,
    last_seq  bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
        CHECK (length(last_hash) = 32)
);

CREATE TABLE dossier_entries (
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

CREATE FUNCTION dossier_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the dossier is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION dossier_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.file_id <> OLD.file_id OR NEW.last_seq < OLD.last_seq THEN
        RAISE EXCEPTION 'a dossier head only moves forward'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER dossier_entries_append_only BEFORE UPDATE OR DELETE ON dossier_entries
    FOR EACH ROW EXECUTE FUNCTION dossier_refuse_change();
CREATE TRIGGER dossier_entries_no_truncate BEFORE TRUNCATE ON dossier_entries
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_refuse_change();
CREATE TRIGGER dossier_heads_forward BEFORE UPDATE ON dossier_heads
    FOR EACH ROW EXECUTE FUNCTION dossier_head_forward();
CREATE TRIGGER dossier_heads_keep BEFORE DELETE ON dossier_heads
    FOR EACH ROW EXECUTE FUNCTION dossier_refuse_change();
CREATE TRIGGER dossier_heads_no_truncate BEFORE TRUNCATE ON dossier_heads
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON dossier_entries FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON dossier_heads FROM PUBLIC;
