-- common/templates/dossier_keyed.sql filled in for the rectification service's task files
-- (docs/dossier.md); the check rectify_dossier_keyed_template keeps the two the same.
ALTER TABLE dossier_entries ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$');

-- changed: a number from this sequence, taken by every append, so the
-- service's anchorer finds the files whose heads moved since it last looked
-- without reading the entries. Files with no entry since this migration
-- keep 0 and are anchored once when the anchorer first starts.
CREATE SEQUENCE dossier_heads_changed_seq;
ALTER TABLE dossier_heads ADD COLUMN changed bigint NOT NULL DEFAULT 0;
CREATE INDEX dossier_heads_changed_idx ON dossier_heads (changed);
