-- risk: a score as its reader may see it.
--
-- The stored score of an entity (scores) sums the weights of all its hits
-- in their windows, wherever they fired: it decides when a band rises and
-- an alert is raised. A reader's scope covers only part of the org tree,
-- though, and a supplier that sold to two provinces has hits in both. Shown
-- whole, each province's lead would read in the number what the other
-- province found, and the supplier would be listed only under its latest
-- buyer. So a read shows the part of the score that fired inside the
-- reader's scope (and the list's unit filter): its sum, its band and its
-- hits in window. From the top of the tree that is the whole score.

-- The score and hits in window of one entity from its hits inside p_scope
-- and the unit filter p_filter ('' for none).
CREATE FUNCTION risk_score_within(p_kind text, p_id text, p_scope ltree, p_filter text,
                                  OUT score numeric, OUT hits bigint)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(i.weight) FILTER (WHERE i.enabled), 0), count(*)
      FROM hit_entities e JOIN hits h ON h.id = e.hit_id JOIN indicators i ON i.code = h.indicator
     WHERE e.entity_kind = p_kind AND e.entity_id = p_id
       AND h.fired_at > now() - make_interval(days => i.window_days)
       AND risk_in_scope(h.unit_code, p_scope) AND risk_in_filter(h.unit_code, p_filter)
$$;

-- A score as a list shows it: the stored row for what the entity is and
-- when it last changed, with the score and hit count its reader may see.
CREATE FUNCTION risk_score_json(s scores, p_score numeric, p_hits bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(s.entity_kind, s.entity_id), 'score', p_score,
        'band', risk_band(p_score), 'unit_code', s.unit_code,
        'unit_path', risk_unit_path_text(s.unit_code), 'updated_at', risk_time_json(s.updated_at),
        'hits_in_window', p_hits)
$$;

-- The scores list: every entity with a hit in window inside the scope and
-- the filter, by the score that part adds up to, highest first. One pass
-- over the hits in their windows.
CREATE FUNCTION risk_scores_json(p_scope ltree, p_kind text, p_band text, p_filter text,
                                 p_limit integer) RETURNS SETOF jsonb
LANGUAGE sql STABLE AS $$
    WITH seen AS (
        SELECT e.entity_kind, e.entity_id,
               coalesce(sum(i.weight) FILTER (WHERE i.enabled), 0) AS score, count(*) AS hits
          FROM hits h JOIN hit_entities e ON e.hit_id = h.id JOIN indicators i ON i.code = h.indicator
         WHERE h.fired_at > now() - make_interval(days => i.window_days)
           AND (p_kind = '' OR e.entity_kind = p_kind)
           AND risk_in_scope(h.unit_code, p_scope) AND risk_in_filter(h.unit_code, p_filter)
         GROUP BY e.entity_kind, e.entity_id
    )
    SELECT risk_score_json(s, w.score, w.hits)
      FROM seen w JOIN scores s ON s.entity_kind = w.entity_kind AND s.entity_id = w.entity_id
     WHERE w.score > 0 AND (p_band = '' OR risk_band(w.score) = p_band)
     ORDER BY w.score DESC, w.entity_kind, w.entity_id
     LIMIT p_limit
$$;

-- An alert as its reader may see it. An alert's unit is the unit of the
-- hit that raised it, but it holds every hit its entity's score was made
-- of, which may have fired in another province. A reader sees the hits
-- inside their scope, the facts of those hits, and the indicators among
-- them; its score and band are the alert's own when every hit is in scope,
-- else the weights of the hits in scope and their band.
CREATE FUNCTION risk_alert_seen(a alerts, p_scope ltree, OUT score numeric, OUT band text)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN w.whole THEN a.score ELSE w.score END,
           CASE WHEN w.whole THEN a.band ELSE risk_band(w.score) END
      FROM (SELECT bool_and(risk_in_scope(h.unit_code, p_scope)) IS NOT FALSE AS whole,
                   coalesce(sum(i.weight) FILTER (WHERE i.enabled
                                                   AND risk_in_scope(h.unit_code, p_scope)), 0)
                       AS score
              FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id
              JOIN indicators i ON i.code = h.indicator
             WHERE ah.alert_id = a.id) w
$$;

CREATE FUNCTION risk_alert_json(a alerts, detail boolean, p_scope ltree) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH seen AS (
        SELECT h.* FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id
         WHERE ah.alert_id = a.id AND risk_in_scope(h.unit_code, p_scope)
    )
    SELECT jsonb_build_object(
        'id', a.id, 'entity', risk_entity_ref_json(a.entity_kind, a.entity_id),
        'unit_code', a.unit_code, 'unit_path', risk_unit_path_text(a.unit_code),
        'reason', a.reason, 'band', part.band, 'score', part.score,
        'status', a.status, 'created_at', risk_time_json(a.created_at),
        'updated_at', risk_time_json(a.updated_at), 'handled_by', a.handled_by, 'note', a.note,
        'clue_id', a.clue_id,
        'indicators', (SELECT coalesce(jsonb_agg(DISTINCT h.indicator), '[]') FROM seen h))
        || CASE WHEN NOT detail THEN '{}'::jsonb ELSE jsonb_build_object(
        'hits', (SELECT coalesce(jsonb_agg(risk_hit_json(h) ORDER BY h.fired_at DESC, h.id), '[]')
                   FROM seen h),
        'facts', (SELECT coalesce(jsonb_agg(risk_fact_json(f) ORDER BY f.occurred_at, f.id), '[]')
                    FROM facts f WHERE f.id IN (SELECT unnest(h.fact_ids) FROM seen h)),
        'history', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'done_at', risk_time_json(s.at), 'actor', s.actor, 'action', s.action,
                               'from_state', coalesce(s.from_state, ''), 'to_state', s.to_state,
                               'note', s.note) ORDER BY s.id), '[]')
                      FROM alert_history s WHERE s.alert_id = a.id),
        'actions', (SELECT coalesce(jsonb_agg(t.action ORDER BY t.action), '[]')
                      FROM alert_transitions t
                     WHERE t.from_state = a.status
                       AND (t.action <> 'remind' OR a.entity_kind = 'person'))) END
      FROM risk_alert_seen(a, p_scope) part
$$;

-- An entity's page: its score from the hits inside the caller's scope,
-- every such hit (newest first), its alerts there. NULL when it has no hit
-- in that scope.
CREATE OR REPLACE FUNCTION risk_entity_json(p_kind text, p_id text, p_scope ltree) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH mine AS (
        SELECT h.* FROM hit_entities e JOIN hits h ON h.id = e.hit_id
         WHERE e.entity_kind = p_kind AND e.entity_id = p_id
           AND risk_in_scope(h.unit_code, p_scope)
    )
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(p_kind, p_id),
        'score', w.score, 'band', risk_band(w.score),
        'unit_code', coalesce(s.unit_code, ''),
        'unit_path', risk_unit_path_text(coalesce(s.unit_code, '')),
        'updated_at', risk_time_json(s.updated_at),
        'hits', (SELECT coalesce(jsonb_agg(risk_hit_json(m) ORDER BY m.fired_at DESC, m.id DESC), '[]')
                   FROM mine m),
        'alerts', (SELECT coalesce(jsonb_agg(risk_alert_json(a, false, p_scope) ORDER BY a.id DESC),
                                   '[]')
                     FROM alerts a WHERE a.entity_kind = p_kind AND a.entity_id = p_id
                      AND risk_in_scope(a.unit_code, p_scope)))
      FROM risk_score_within(p_kind, p_id, p_scope, '') w
      LEFT JOIN scores s ON s.entity_kind = p_kind AND s.entity_id = p_id
     WHERE EXISTS (SELECT 1 FROM mine)
$$;

-- What an escalated or reminded alert's event carries, from the hits the
-- acting officer may see (p_scope): a clue registered from an alert of one
-- province carries nothing another province found, unless the
-- headquarters, which saw it all, escalated it.
CREATE FUNCTION risk_alert_event_json(p_id bigint, p_scope ltree) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH seen AS (
        SELECT h.* FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id
         WHERE ah.alert_id = p_id AND risk_in_scope(h.unit_code, p_scope)
    )
    SELECT jsonb_build_object(
        'alert_id', a.id, 'entity_kind', a.entity_kind, 'entity_id', a.entity_id,
        'entity_name', risk_entity_name(a.entity_kind, a.entity_id),
        'unit_code', a.unit_code, 'org_path', coalesce(risk_unit_path(a.unit_code)::text, ''),
        'band', v->>'band', 'score', (v->>'score')::numeric, 'note', a.note,
        'actor_user_id', a.handled_by,
        'indicators', (SELECT coalesce(jsonb_agg(DISTINCT h.indicator), '[]') FROM seen h),
        'summary', left(format('风险预警 Risk alert #%s (%s %s, %s, score %s): ', a.id,
                               a.entity_kind, a.entity_id, v->>'band', v->>'score')
                        || (SELECT string_agg(format('%s %s (%s) %s', i.name_zh, i.name_en,
                                                     h.hit_key, h.inputs - 'params'),
                                              '; ' ORDER BY h.fired_at)
                              FROM seen h JOIN indicators i ON i.code = h.indicator), 1800))
      FROM alerts a, risk_alert_json(a, false, p_scope) v
     WHERE a.id = p_id
$$;

-- The readers above replace the unscoped ones, which nothing calls any more.
DROP FUNCTION risk_alert_json(alerts, boolean);
DROP FUNCTION risk_score_json(scores);
DROP FUNCTION risk_alert_event_json(bigint);
