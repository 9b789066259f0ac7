-- The ledger's overdue tasks, newest first (GET /api/v1/rectify/tasks
-- ?overdue=true, a unit's overdue list), in a time that does not grow with
-- the table (docs/performance.md, "The rectification ledger at 1,000,000
-- tasks"). The list walked tasks_created_idx from the newest task and
-- stepped over every task created since the page's that is closed, of
-- another unit or not yet due; at ten times the tasks there were ten
-- times as many (47,000 at 1,000,000 tasks for city_a's first page).
--
-- A GiST index over the open tasks' unit, deadline and creation time takes
-- the unit's subtree and "deadline before today" as index conditions and,
-- with btree_gist's distance operator, gives the matching tasks nearest a
-- far future first, i.e. newest first (ORDER BY created_at <-> ...): the
-- first page reads about one page of entries. services/rectify/src/task_read.c
-- uses it for the overdue filter in creation order. btree_gist is a trusted
-- extension (PostgreSQL 13 on), so the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX tasks_open_knn_idx ON tasks USING gist (org_path, deadline_on, created_at)
    WHERE stage <> 'closed';
