-- Keyed entries: common/templates/dossier_keyed.sql with the service's names.
ALTER TABLE dossier_entries ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$');

CREATE SEQUENCE dossier_heads_changed_seq;
ALTER TABLE dossier_heads ADD COLUMN changed bigint NOT NULL DEFAULT 0;
CREATE INDEX dossier_heads_changed_idx ON dossier_heads (changed);
