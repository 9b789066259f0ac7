-- An account holds one or more roles, and may be linked to a person.
--
-- roles replaces role. Separation of duties is part of the data: an
-- administrator manages accounts and units and must not also read case
-- content, and an auditor must not change what it audits, so admin and
-- auditor are only ever an account's sole role. The gateway checks the same
-- rules (and that no role is listed twice) before it writes, so these
-- constraints only stop a bad write that got past it.
ALTER TABLE accounts ADD COLUMN roles text[];
UPDATE accounts SET roles = ARRAY[role];
ALTER TABLE accounts
    ALTER COLUMN roles SET NOT NULL,
    ADD CONSTRAINT accounts_roles_known CHECK (
        cardinality(roles) BETWEEN 1 AND 4
        AND array_position(roles, NULL) IS NULL
        AND roles <@ ARRAY['admin', 'inspector', 'inspection_lead', 'intake_officer',
                           'custodian', 'unit_leader', 'cadre', 'auditor']::text[]
        AND (cardinality(roles) = 1 OR NOT roles && ARRAY['admin', 'auditor']::text[])),
    DROP COLUMN role,
    -- The enterprise's person id (HR number) of the account's holder. Cadres
    -- are linked so that their own integrity file finds them, and anyone
    -- linked is kept out of clues and cases about themselves.
    ADD COLUMN person_id text UNIQUE CHECK (person_id ~ '^[A-Za-z0-9._-]{1,64}$');
