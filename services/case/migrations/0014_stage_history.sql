-- The stage history (阶段记录) of clues and cases, for the dashboard's
-- average days per stage and the month-by-month counts (issue 4). Written
-- by triggers, not by the service, so every way a stage changes (an
-- approval, a reopen, a merge, a filing, a case's transition, a future
-- path) is recorded without each one remembering to.
--
-- One row per stay: the stage, when it was entered and when it was left
-- (NULL while the item is still in it). A clue's first stay starts at its
-- received date, a case's at its filing (never later than now).
CREATE TABLE stage_history (
    id bigserial PRIMARY KEY,
    item_type text NOT NULL CHECK (item_type IN ('clue', 'case')),
    item_id uuid NOT NULL,
    stage text NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at timestamptz
);
-- The statistics join the stays to the items counted; a move finds the
-- item's open stay.
CREATE INDEX stage_history_item_idx ON stage_history (item_id, entered_at);

-- A move of item to stage: its open stay ends and the new one starts, at
-- the same instant.
CREATE FUNCTION stage_history_move(kind text, item uuid, stage text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    at timestamptz := clock_timestamp();
BEGIN
    UPDATE stage_history SET left_at = at WHERE item_id = item AND left_at IS NULL;
    INSERT INTO stage_history (item_type, item_id, stage, entered_at)
    VALUES (kind, item, stage, at);
END
$$;

-- The item's start corrected (a clue's received date edited): its first
-- stay starts there.
CREATE FUNCTION stage_history_restart(item uuid, start timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stage_history h SET entered_at = least(start, coalesce(h.left_at, clock_timestamp()))
     WHERE h.id = (SELECT min(f.id) FROM stage_history f WHERE f.item_id = item);
END
$$;

-- New items: one statement per insert (or COPY) through its transition
-- table, so loading many clues at once costs one INSERT here, not one per
-- row.
CREATE FUNCTION clues_stage_history_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stage_history (item_type, item_id, stage, entered_at)
    SELECT 'clue', n.id, n.status, least(n.received_at, clock_timestamp()) FROM new_clues n;
    RETURN NULL;
END
$$;
CREATE TRIGGER clues_stage_history_insert AFTER INSERT ON clues
    REFERENCING NEW TABLE AS new_clues
    FOR EACH STATEMENT EXECUTE FUNCTION clues_stage_history_insert();

CREATE FUNCTION cases_stage_history_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stage_history (item_type, item_id, stage, entered_at)
    SELECT 'case', n.id, n.stage, least(n.filed_at, clock_timestamp()) FROM new_cases n;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_stage_history_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION cases_stage_history_insert();

-- Moves: row by row, only when the stage (or the start) changed.
CREATE FUNCTION clues_stage_history_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        PERFORM stage_history_move('clue', NEW.id, NEW.status);
    ELSIF OLD.received_at IS DISTINCT FROM NEW.received_at THEN
        PERFORM stage_history_restart(NEW.id, NEW.received_at);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER clues_stage_history_update AFTER UPDATE OF status, received_at ON clues
    FOR EACH ROW EXECUTE FUNCTION clues_stage_history_update();

CREATE FUNCTION cases_stage_history_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.stage IS DISTINCT FROM NEW.stage THEN
        PERFORM stage_history_move('case', NEW.id, NEW.stage);
    ELSIF OLD.filed_at IS DISTINCT FROM NEW.filed_at THEN
        PERFORM stage_history_restart(NEW.id, NEW.filed_at);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_stage_history_update AFTER UPDATE OF stage, filed_at ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_stage_history_update();

-- What was there before: the present stage only, from when it is known to
-- have started at the latest (the earlier stays are not known).
INSERT INTO stage_history (item_type, item_id, stage, entered_at)
SELECT 'clue', id, status, least(received_at, clock_timestamp()) FROM clues;
INSERT INTO stage_history (item_type, item_id, stage, entered_at)
SELECT 'case', id, stage, least(filed_at, clock_timestamp()) FROM cases;
