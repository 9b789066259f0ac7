-- risk: an indicator's counts as its reader may see them.
--
-- The indicators list shows beside each indicator how often it fired, how
-- many of its alerts became clues and how many of those ended in a case
-- or a sanction (migration 0005). Those counts were the whole group's for
-- every reader, so a province's inspector read how much another province
-- found. They are now counted from the hits and alerts inside the
-- reader's scope, as every other read is; from the top of the tree that is
-- the whole group, which is where the settings, and the weights the
-- precision informs, are changed. The function of one argument stays for
-- a service of the version before during a rolling upgrade.
CREATE FUNCTION risk_indicator_json(i indicators, p_scope ltree) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH o AS (
        SELECT count(DISTINCT a.id) AS alerts,
               count(DISTINCT a.id) FILTER (WHERE a.clue_id <> '') AS clues,
               count(DISTINCT a.id) FILTER (WHERE a.outcome IN ('case_filed', 'sanctioned')) AS confirmed
          FROM hits h JOIN alert_hits ah ON ah.hit_id = h.id JOIN alerts a ON a.id = ah.alert_id
         WHERE h.indicator = i.code AND risk_in_scope(h.unit_code, p_scope)
           AND risk_in_scope(a.unit_code, p_scope)
    )
    SELECT risk_indicator_json(i)
           || jsonb_build_object(
                  'hits', (SELECT count(*) FROM hits h
                            WHERE h.indicator = i.code AND risk_in_scope(h.unit_code, p_scope)),
                  'alerts', o.alerts, 'clues', o.clues, 'confirmed', o.confirmed,
                  'precision', CASE WHEN o.clues > 0 THEN round(o.confirmed::numeric / o.clues, 4)
                                    ELSE 0 END)
      FROM o
$$;
