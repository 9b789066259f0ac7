-- Issue 4: deadlines (期限) of a case's stages and the one extension of its
-- investigation deadline (docs/deadlines.md). deadline_at is NULL while the
-- stage has none. The extension is requested by an investigator and
-- decided by an inspection lead other than the requester; its state is ''
-- (none asked), pending, approved or rejected, and a case gets one request.
ALTER TABLE cases ADD COLUMN deadline_at timestamptz;
ALTER TABLE cases ADD COLUMN ext_state text NOT NULL DEFAULT ''
    CHECK (ext_state IN ('', 'pending', 'approved', 'rejected'));
ALTER TABLE cases ADD COLUMN ext_days integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN ext_reason text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN ext_requested_by text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN ext_decided_by text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN ext_decision_reason text NOT NULL DEFAULT '';
CREATE INDEX cases_deadline_idx ON cases (deadline_at) WHERE deadline_at IS NOT NULL;

-- A notice's key tells a clue's from a case's, so one id space can never
-- swallow the other's notice.
ALTER TABLE deadline_notices DROP CONSTRAINT deadline_notices_pkey;
ALTER TABLE deadline_notices ADD PRIMARY KEY (item_type, item_id, level, due_at_ms);
