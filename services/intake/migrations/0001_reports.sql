-- Public reports (码上监督). The receipt (查询码) itself is never stored: only
-- its first 8 digits, to find the row, and an argon2id hash of all 16 digits,
-- to prove the caller holds it. The reporter's identity stays in this
-- database and never leaves the intake service.
CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TABLE reports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    receipt_lookup text NOT NULL UNIQUE CHECK (receipt_lookup ~ '^[0-9]{8}$'),
    receipt_hash text NOT NULL,
    category text NOT NULL,
    content text NOT NULL,
    location text NOT NULL DEFAULT '',
    accused_person text NOT NULL DEFAULT '',
    accused_unit text NOT NULL DEFAULT '',
    anonymous boolean NOT NULL,
    reporter_name text,
    reporter_phone text,
    org_path ltree NOT NULL,
    status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'forwarded')),
    clue_id uuid,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- An anonymous report must never hold an identity, whatever the code does.
    CONSTRAINT reports_anonymous_has_no_identity
        CHECK (NOT anonymous OR (reporter_name IS NULL AND reporter_phone IS NULL))
);
