-- A case's stages after filing (立案后): the investigation measures logged
-- (talks, evidence collected, other; the day and who took them) and the
-- investigation report submitted before review, and the reviewer. Measures are only ever
-- added.
ALTER TABLE cases ADD COLUMN report text NOT NULL DEFAULT '';
-- The reviewer (审理人员): an account id, never one of the investigators.
ALTER TABLE cases ADD COLUMN reviewer_id text NOT NULL DEFAULT '';
CREATE TABLE case_measures (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL REFERENCES cases (id),
    kind text NOT NULL CHECK (kind IN ('talk', 'evidence', 'other')),
    taken_on date NOT NULL,
    taken_by text NOT NULL,
    summary text NOT NULL,
    logged_by text NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX case_measures_case_idx ON case_measures (case_id);
