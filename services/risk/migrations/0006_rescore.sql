-- risk: scores brought down as hits leave their windows.
--
-- A stored score (scores.score) is written when its entity gets a hit; a
-- hit leaving its window lowers it only when this runs, which the
-- service's ticker does every so often in each replica
-- (CG_RISK_RESCORE_TICK_MS). Rows are claimed with SKIP LOCKED, so
-- replicas share the work and a row is never updated twice at once.

-- Bring up to date at most p_limit stored scores that no longer match
-- their hits; answers how many changed.
CREATE FUNCTION risk_rescore_stale(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    WITH stale AS (
        SELECT s.entity_kind, s.entity_id, risk_score_of(s.entity_kind, s.entity_id) AS now_score
          FROM scores s
         WHERE s.score > 0
           AND s.score <> risk_score_of(s.entity_kind, s.entity_id)
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    )
    UPDATE scores s SET score = stale.now_score, band = risk_band(stale.now_score),
                        updated_at = now()
      FROM stale
     WHERE s.entity_kind = stale.entity_kind AND s.entity_id = stale.entity_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
