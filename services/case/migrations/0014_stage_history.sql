-- The stage history (阶段记录) of clues and cases, for the dashboard's
-- average days per stage and the month-by-month counts (issue 4). Written
-- by triggers, not by the service, so every way a stage changes (an
-- approval, a reopen, a merge, a filing, a case's transition, a future
-- path) is recorded without each one remembering to.
--
-- One row per stay: the stage, when it was entered and when it was left
-- (NULL while the item is still in it). A clue's first stay starts at its
-- received date, a case's at its filing.
CREATE TABLE stage_history (
    id bigserial PRIMARY KEY,
    item_type text NOT NULL CHECK (item_type IN ('clue', 'case')),
    item_id uuid NOT NULL,
    stage text NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at timestamptz
);
CREATE INDEX stage_history_item_idx ON stage_history (item_id, entered_at);
CREATE INDEX stage_history_open_idx ON stage_history (item_id) WHERE left_at IS NULL;
CREATE INDEX stage_history_entered_idx ON stage_history (item_type, stage, entered_at);

-- TG_ARGV: the item type, the stage column, the column the first stay
-- starts at.
CREATE FUNCTION stage_history_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_row jsonb := to_jsonb(NEW);
    stage text := new_row ->> TG_ARGV[1];
    at timestamptz := clock_timestamp();
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF to_jsonb(OLD) ->> TG_ARGV[1] IS NOT DISTINCT FROM stage THEN
            -- The start corrected (a clue's received date edited): the
            -- first stay starts there.
            IF to_jsonb(OLD) ->> TG_ARGV[2] IS DISTINCT FROM new_row ->> TG_ARGV[2] THEN
                UPDATE stage_history h
                   SET entered_at = least((new_row ->> TG_ARGV[2])::timestamptz,
                                          coalesce(h.left_at, at))
                 WHERE h.id = (SELECT min(f.id) FROM stage_history f WHERE f.item_id = NEW.id);
            END IF;
            RETURN NULL;
        END IF;
        UPDATE stage_history SET left_at = at WHERE item_id = NEW.id AND left_at IS NULL;
    ELSE
        at := least(coalesce((new_row ->> TG_ARGV[2])::timestamptz, at), at);
    END IF;
    INSERT INTO stage_history (item_type, item_id, stage, entered_at)
    VALUES (TG_ARGV[0], NEW.id, stage, at);
    RETURN NULL;
END
$$;

CREATE TRIGGER clues_stage_history AFTER INSERT OR UPDATE OF status, received_at ON clues
    FOR EACH ROW EXECUTE FUNCTION stage_history_record('clue', 'status', 'received_at');
CREATE TRIGGER cases_stage_history AFTER INSERT OR UPDATE OF stage, filed_at ON cases
    FOR EACH ROW EXECUTE FUNCTION stage_history_record('case', 'stage', 'filed_at');

-- What was there before: the present stage only, from when it is known to
-- have started at the latest (the earlier stays are not known).
INSERT INTO stage_history (item_type, item_id, stage, entered_at)
SELECT 'clue', id, status, received_at FROM clues;
INSERT INTO stage_history (item_type, item_id, stage, entered_at)
SELECT 'case', id, stage, filed_at FROM cases;
