-- A named reporter's identity is no longer stored in the clear: its name
-- and phone are sealed to the identity custodian's public key
-- (src/identity.h) into reporter_sealed, with the id of that key, so a
-- stolen database or backup reveals nobody. reporter_name and
-- reporter_phone stay as columns only until every row written before this
-- migration has been sealed: intake seals them when it starts
-- (intake_report_seal_clear_identities), and these constraints, NOT VALID
-- so that those rows do not stop the migration, refuse any new identity in
-- the clear from now on.
ALTER TABLE reports ADD COLUMN reporter_sealed bytea,
                    ADD COLUMN reporter_key_id text
                        CHECK (reporter_key_id ~ '^[0-9a-f]{16}$');

ALTER TABLE reports
    ADD CONSTRAINT reports_identity_never_clear
        CHECK (reporter_name IS NULL AND reporter_phone IS NULL) NOT VALID,
    ADD CONSTRAINT reports_named_is_sealed
        CHECK (anonymous = (reporter_sealed IS NULL)) NOT VALID,
    ADD CONSTRAINT reports_sealed_names_its_key
        CHECK ((reporter_sealed IS NULL) = (reporter_key_id IS NULL));
