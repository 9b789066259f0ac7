-- The gateway's own data: the org-unit tree, accounts and login sessions.
-- cg_db_migrate() applies the shared outbox/inbox schema before this file.

CREATE EXTENSION IF NOT EXISTS ltree;

-- The org tree as ltree paths (hq, hq.east, hq.east.city_a, ...). A record's
-- org path decides who may see it: an actor sees its own unit's subtree.
CREATE TABLE org_units (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,64}$'),
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    name_zh    text NOT NULL CHECK (char_length(name_zh) BETWEEN 1 AND 100),
    path       ltree NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The code is the last label of the path, so the two never disagree.
    CHECK (subpath(path, nlevel(path) - 1)::text = code)
);

CREATE INDEX org_units_path_gist ON org_units USING gist (path);

CREATE TABLE accounts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username      text NOT NULL UNIQUE CHECK (char_length(username) BETWEEN 1 AND 64),
    display_name  text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 80),
    -- libsodium crypto_pwhash_str output; never a clear password.
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role          text NOT NULL CHECK (role IN ('admin', 'inspector', 'inspection_lead',
                                                'intake_officer', 'custodian', 'unit_leader',
                                                'cadre', 'auditor')),
    org_unit      text NOT NULL REFERENCES org_units (code),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX accounts_org_unit_idx ON accounts (org_unit);

-- Only the BLAKE2b hash of a token is kept: the table alone cannot be used
-- to log in.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
