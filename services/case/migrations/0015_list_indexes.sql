-- Clue lists at a million clues (issue 4, docs/performance.md): the list is
-- ordered by (received_at DESC, id DESC), or by deadline, and each filter
-- that can be an equality or a range has an index that yields its clues in
-- that order, so a page reads about as many index entries as it shows
-- whatever the table holds. Subtree, category and overdue filters walk the
-- order's own index and skip what does not match.
CREATE INDEX clues_received_idx ON clues (received_at DESC, id DESC);
CREATE INDEX clues_status_received_idx ON clues (status, received_at DESC, id DESC);
CREATE INDEX clues_source_received_idx ON clues (source, received_at DESC, id DESC);
CREATE INDEX clues_handler_received_idx ON clues (handler_id, received_at DESC, id DESC);
-- sort=deadline: the nearest deadline first, clues without one last.
CREATE INDEX clues_deadline_order_idx
    ON clues ((coalesce(deadline_at, 'infinity'::timestamptz)), id);
-- The list no longer orders by created_at within a stage.
DROP INDEX IF EXISTS clues_status_idx;
