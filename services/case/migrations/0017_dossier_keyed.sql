-- The dossier keyed and anchored: common/templates/dossier_keyed.sql with the
-- case service's names (docs/dossier.md, "Keys and anchors").
--
-- key_id: the key an entry's HMAC-SHA256 was computed with (16 hex digits of
-- SHA-256 over the key, cg/chain.h); the key itself is the service's
-- configuration and never enters the database. Entries written before have
-- it NULL and keep their plain SHA-256.
ALTER TABLE dossier_entries ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$');

-- changed: a number from this sequence, taken by every append, so the
-- service's anchorer finds the files whose heads moved since it last looked
-- without reading the entries. Files with no entry since this migration
-- keep 0 and are anchored once when the anchorer first starts.
CREATE SEQUENCE dossier_heads_changed_seq;
ALTER TABLE dossier_heads ADD COLUMN changed bigint NOT NULL DEFAULT 0;
CREATE INDEX dossier_heads_changed_idx ON dossier_heads (changed);
