-- Issue 4: clues from every source, their disposal (线索处置) with approval,
-- links between clues, merges and recusals (回避).

ALTER TABLE clues
    -- [{"name": ..., "person_id": ..., "position": ..., "org_unit": ...}]
    ADD COLUMN subjects jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(subjects) = 'array'),
    ADD COLUMN categories text[] NOT NULL DEFAULT '{}',
    ADD COLUMN summary text NOT NULL DEFAULT '',
    ADD COLUMN received_at timestamptz,
    -- The handler's user id (承办人); '' while none is assigned.
    ADD COLUMN handler_id text NOT NULL DEFAULT '',
    ADD COLUMN source_link text NOT NULL DEFAULT '',
    ADD COLUMN merged_into uuid REFERENCES clues (id);

UPDATE clues SET received_at = created_at, summary = content WHERE received_at IS NULL;
ALTER TABLE clues ALTER COLUMN received_at SET NOT NULL,
                  ALTER COLUMN received_at SET DEFAULT clock_timestamp();

-- Recusal and subject checks look for a person id inside subjects.
CREATE INDEX clues_subjects_idx ON clues USING gin (subjects jsonb_path_ops);

-- A disposal proposal and its decision. At most one is pending per clue.
CREATE TABLE clue_disposals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clue_id uuid NOT NULL REFERENCES clues (id),
    way text NOT NULL CHECK (way IN ('talk_inquiry', 'preliminary_verification', 'shelve',
                                     'close', 'propose_filing')),
    reason text NOT NULL CHECK (reason <> ''),
    conclusion text NOT NULL DEFAULT '',
    -- The clue's status when proposed: a rejection returns it there.
    from_status text NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    proposed_by text NOT NULL,
    proposed_by_person text NOT NULL DEFAULT '',
    proposed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_by text NOT NULL DEFAULT '',
    decided_at timestamptz,
    decision_reason text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX clue_disposals_one_pending ON clue_disposals (clue_id) WHERE state = 'pending';
CREATE INDEX clue_disposals_clue_idx ON clue_disposals (clue_id, proposed_at DESC);

-- Clues about the same subject, kept both ways round.
CREATE TABLE clue_links (
    clue_id uuid NOT NULL REFERENCES clues (id),
    other_id uuid NOT NULL REFERENCES clues (id),
    linked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (clue_id, other_id),
    CHECK (clue_id <> other_id)
);

-- People who declared a recusal (回避) on a clue: they cannot be assigned
-- and cannot read it or its dossier.
CREATE TABLE clue_recusals (
    clue_id uuid NOT NULL REFERENCES clues (id),
    user_id text NOT NULL,
    person_id text NOT NULL DEFAULT '',
    reason text NOT NULL,
    declared_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (clue_id, user_id)
);
