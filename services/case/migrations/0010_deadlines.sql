-- Issue 4: deadlines (期限) of clues and the notices of the scheduler that
-- announces them (docs/deadlines.md).

-- One row per item, stage, level and due time that was announced. The
-- scheduler inserts here ON CONFLICT DO NOTHING in the same transaction as
-- the outbox event, so a second tick or a second replica adds nothing and
-- publishes nothing.
CREATE TABLE deadline_notices (
    item_type text NOT NULL CHECK (item_type IN ('clue', 'case')),
    item_id uuid NOT NULL,
    stage text NOT NULL,
    level text NOT NULL CHECK (level IN ('due_soon', 'overdue')),
    due_at_ms bigint NOT NULL,
    noticed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (item_id, stage, level, due_at_ms)
);

-- The test clock: an offset in seconds the service adds to its clock, read
-- only when CG_CASE_TEST_CLOCK=1. Production ignores it (and logs so).
CREATE TABLE service_clock (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    offset_s bigint NOT NULL DEFAULT 0
);
INSERT INTO service_clock DEFAULT VALUES;

-- What a clue's deadline counts from besides its receipt, as a JSON text:
-- the stage a pending proposal was made in, and the way and time of the
-- latest approved disposal (deadline_rules.c reads it).
CREATE FUNCTION clue_deadline_basis(clue uuid) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'pending_from', coalesce((SELECT p.from_status FROM clue_disposals p
                                  WHERE p.clue_id = clue AND p.state = 'pending'), ''),
        'approved_way', coalesce(a.way, ''),
        'approved_at_ms', coalesce(floor(extract(epoch FROM a.decided_at) * 1000)::bigint, 0))::text
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT d.way, d.decided_at FROM clue_disposals d
                       WHERE d.clue_id = clue AND d.state = 'approved'
                       ORDER BY d.decided_at DESC LIMIT 1) a ON true
$$;

-- The scheduler looks at open clues received long enough ago to be due
-- soon (case_deadline_receipt_bound()).
CREATE INDEX clues_open_received_idx ON clues (received_at)
    WHERE status IN ('registered', 'disposal_proposed', 'talk_inquiry', 'preliminary_verification');
