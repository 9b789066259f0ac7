-- Cases (案件), filed (立案) from a clue whose propose_filing disposal an
-- inspection lead approved. A case has no scope or subjects of its own: it
-- keeps its clue's (org_path, subjects), so a unit move, a recusal and the
-- subject rule reach it through the clue. Its dossier is its own file in
-- dossier_entries (file_id = the case id).
CREATE TABLE cases (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clue_id uuid NOT NULL UNIQUE REFERENCES clues (id),
    stage text NOT NULL DEFAULT 'filed',
    filing_disposal_id uuid NOT NULL REFERENCES clue_disposals (id),
    filed_by text NOT NULL,
    filed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
