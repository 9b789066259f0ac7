-- Issue 4: the notices of the deadline (期限) scheduler and the test clock
-- (docs/deadlines.md). The deadlines themselves are clues.deadline_at
-- (0007_clue_deadlines.sql).

-- One row per item, level and due time that was announced. The scheduler
-- inserts here ON CONFLICT DO NOTHING in the same transaction as the outbox
-- event, so a second tick or a second replica adds nothing and publishes
-- nothing. A deadline that starts anew (an approval, a reopen) has another
-- due time and so its own notices.
CREATE TABLE deadline_notices (
    item_type text NOT NULL CHECK (item_type IN ('clue', 'case')),
    item_id uuid NOT NULL,
    -- The item's stage when the notice was given.
    stage text NOT NULL,
    level text NOT NULL CHECK (level IN ('due_soon', 'overdue')),
    due_at_ms bigint NOT NULL,
    noticed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (item_id, level, due_at_ms)
);

-- The test clock: an offset in seconds the service adds to its clock, read
-- only when CG_CASE_TEST_CLOCK=1. Production ignores it (and logs so).
CREATE TABLE service_clock (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    offset_s bigint NOT NULL DEFAULT 0
);
INSERT INTO service_clock DEFAULT VALUES;
