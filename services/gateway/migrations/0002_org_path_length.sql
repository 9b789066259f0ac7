-- The gateway holds an org path in a 512-byte buffer and refuses accounts
-- whose path would not fit (a cut path is a wider scope). Keep such paths
-- out of the table in the first place. ltree itself allows far longer ones.
ALTER TABLE org_units
    ADD CONSTRAINT org_units_path_length CHECK (octet_length(path::text) < 512);
