-- Account status, lockout after wrong passwords, and password changes.
--
-- status is the one truth about whether an account may log in:
--   active    logs in;
--   locked    refused until locked_until; a NULL locked_until is a lock an
--             administrator set, which only an administrator lifts;
--   disabled  refused for good (a person who left).
-- A lock whose locked_until has passed counts as active; the next login
-- (right or wrong) writes that down.
ALTER TABLE accounts
    ADD COLUMN status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'locked', 'disabled')),
    -- Wrong passwords in a row since the last successful login or lock.
    ADD COLUMN failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    ADD COLUMN locked_until timestamptz,
    ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();

UPDATE accounts SET status = 'disabled' WHERE disabled;

-- One truth only: the boolean is gone, status replaces it.
ALTER TABLE accounts DROP COLUMN disabled;
