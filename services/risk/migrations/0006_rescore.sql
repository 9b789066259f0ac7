-- risk: scores brought down as hits leave their windows.
--
-- A stored score (scores.score) is written when its entity gets a hit,
-- with the moment it changes next by itself (next_change_at: its first hit
-- to leave its window). The service's ticker (CG_RISK_RESCORE_TICK_MS, in
-- each replica) brings the rows whose moment has come up to date, and a
-- change of an indicator's settings makes every score with one of its hits
-- due at once. Rows are claimed with SKIP LOCKED, so replicas share the
-- work and a row is never updated twice at once.

-- Bring up to date at most p_limit stored scores whose next change has
-- come (scores.next_change_at: a hit left its window, or an indicator's
-- settings changed); answers how many were looked at.
CREATE FUNCTION risk_rescore_stale(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    WITH due AS (
        SELECT s.entity_kind, s.entity_id FROM scores s
         WHERE s.next_change_at <= now()
         ORDER BY s.next_change_at
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    )
    UPDATE scores s SET score = risk_score_of(due.entity_kind, due.entity_id),
                        band = risk_band(risk_score_of(due.entity_kind, due.entity_id)),
                        next_change_at = risk_next_change_of(due.entity_kind, due.entity_id),
                        updated_at = now()
      FROM due
     WHERE s.entity_kind = due.entity_kind AND s.entity_id = due.entity_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- A change of an indicator's settings (its weight, its window) changes the
-- scores of everyone with one of its hits: they are due now.
CREATE FUNCTION risk_indicator_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE scores s SET next_change_at = now()
      FROM (SELECT DISTINCT e.entity_kind, e.entity_id FROM hits h
              JOIN hit_entities e ON e.hit_id = h.id WHERE h.indicator = NEW.code) x
     WHERE s.entity_kind = x.entity_kind AND s.entity_id = x.entity_id;
    RETURN NEW;
END $$;
CREATE TRIGGER indicators_changed AFTER UPDATE OF weight, window_days, enabled ON indicators
    FOR EACH ROW EXECUTE FUNCTION risk_indicator_changed();
