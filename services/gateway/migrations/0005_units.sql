-- A retired org unit stays in the tree (records keep its path) but takes no
-- new accounts and cannot be a new parent (services/gateway/src/admin.c).
ALTER TABLE org_units ADD COLUMN retired_at timestamptz;
