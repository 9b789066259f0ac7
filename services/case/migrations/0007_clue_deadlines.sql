-- Deadlines (期限) of a clue's stage: by when a registered clue must be
-- disposed of, and a preliminary verification finished. NULL when the
-- present stage has none. Set by the service from its configuration
-- (CG_CASE_DISPOSAL_DAYS, CG_CASE_PRELIMINARY_DAYS) as the clue moves;
-- clues registered before this migration get the default 30 days.
ALTER TABLE clues ADD COLUMN deadline_at timestamptz;
UPDATE clues SET deadline_at = received_at + interval '30 days'
 WHERE status IN ('registered', 'disposal_proposed');
CREATE INDEX clues_deadline_idx ON clues (deadline_at) WHERE deadline_at IS NOT NULL;
