-- Issue 4: a case's investigators (调查组) and its disposition items
-- (处分/处理 items), docs/case-lifecycle.md.

-- The investigators an inspection lead named beside the clue's handler,
-- who is always the first investigator and is not stored here.
CREATE TABLE case_investigators (
    case_id uuid NOT NULL REFERENCES cases (id),
    user_id text NOT NULL,
    person_id text NOT NULL DEFAULT '',
    added_by text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_investigators_user_idx ON case_investigators (user_id);

-- The disposition items decided in review (审理). kind says which list
-- measure comes from; every item but a rectification recommendation names
-- the subject it concerns. Frozen once decided: only the executed marks
-- change after decide_disposition.
CREATE TABLE case_items (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL REFERENCES cases (id),
    kind text NOT NULL CHECK (kind IN ('party_discipline', 'government_sanction',
        'organizational_handling', 'transfer_judicial', 'illicit_gains', 'rectification')),
    measure text NOT NULL DEFAULT '',
    subject_name text NOT NULL DEFAULT '',
    subject_person_id text NOT NULL DEFAULT '',
    amount_fen bigint NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    text text NOT NULL DEFAULT '',
    org_path ltree,
    deadline date,
    added_by text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    executed_on date,
    executed_note text NOT NULL DEFAULT '',
    executed_by text NOT NULL DEFAULT ''
);
CREATE INDEX case_items_case_idx ON case_items (case_id, added_at, id);
