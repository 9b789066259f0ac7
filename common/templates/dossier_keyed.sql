-- The dossier keyed and anchored (docs/dossier.md, "Keys and anchors"): a
-- template like dossier.sql, copied after it into a migration of the
-- service's own,
--
--   sed -e 's/@ENTRIES@/dossier_entries/g' -e 's/@HEADS@/dossier_heads/g' \
--       common/templates/dossier_keyed.sql > services/<name>/migrations/NNNN_dossier_keyed.sql
--
-- The check dossier_keyed_template keeps the case service's migration
-- 0017_dossier_keyed.sql and this template the same statements.
--
-- key_id: the key an entry's HMAC-SHA256 was computed with (16 hex digits of
-- SHA-256 over the key, cg/chain.h); the key itself is the service's
-- configuration and never enters the database. Entries written before have
-- it NULL and keep their plain SHA-256.
ALTER TABLE @ENTRIES@ ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$');

-- changed: a number from this sequence, taken by every append, so the
-- service's anchorer finds the files whose heads moved since it last looked
-- without reading the entries. Files with no entry since this migration
-- keep 0 and are anchored once when the anchorer first starts.
CREATE SEQUENCE @HEADS@_changed_seq;
ALTER TABLE @HEADS@ ADD COLUMN changed bigint NOT NULL DEFAULT 0;
CREATE INDEX @HEADS@_changed_idx ON @HEADS@ (changed);
