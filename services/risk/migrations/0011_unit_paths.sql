-- risk: every unit an answer names by its code carries its org path too.
--
-- The enterprise's events name units by code (city_a), but the gateway puts
-- a unit's names beside an org path (docs/api.md, "Names beside ids"), and
-- the console nests the org tree's heat map by path. So each answer that
-- names a unit by code gives, beside it, the path the service's copy of the
-- tree holds for that code as unit_path: an alert, a hit, a score, an
-- entity's page, and an entity that is a unit. The path is read at the
-- read, as scope is, so a unit moved in the gateway shows where it is now.
-- It is '' while the copy does not hold the code (a code the gateway has
-- never heard of, or a hit whose event named no unit), and the gateway then
-- names it null.

-- The path of a unit code as an answer gives it: '' while unknown.
CREATE FUNCTION risk_unit_path_text(p_code text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(risk_unit_path(p_code)::text, '')
$$;

-- A unit's path beside its code; a person or a supplier has none.
CREATE OR REPLACE FUNCTION risk_entity_ref_json(p_kind text, p_id text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('kind', p_kind, 'id', p_id, 'name', risk_entity_name(p_kind, p_id),
                              'unit_path', CASE WHEN p_kind = 'unit'
                                                THEN risk_unit_path_text(p_id) ELSE '' END)
$$;

CREATE OR REPLACE FUNCTION risk_hit_json(h hits) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', h.id, 'indicator', h.indicator, 'indicator_name_zh', i.name_zh,
        'indicator_name_en', i.name_en, 'hit_key', h.hit_key,
        'fired_at', risk_time_json(h.fired_at), 'found_at', risk_time_json(h.found_at),
        'unit_code', h.unit_code, 'unit_path', risk_unit_path_text(h.unit_code),
        'inputs_json', h.inputs::text, 'fact_ids', to_jsonb(h.fact_ids),
        'weight', i.weight,
        'in_window', h.fired_at > now() - make_interval(days => i.window_days),
        'entities', (SELECT coalesce(jsonb_agg(risk_entity_ref_json(e.entity_kind, e.entity_id)
                                               ORDER BY e.entity_kind, e.entity_id), '[]')
                       FROM hit_entities e WHERE e.hit_id = h.id))
      FROM indicators i WHERE i.code = h.indicator
$$;

-- An alert; with detail, its hits, their facts, its history and the
-- actions allowed next (the caller's roles decide nothing here: the
-- gateway checked them; a reminder goes to people only).
CREATE OR REPLACE FUNCTION risk_alert_json(a alerts, detail boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'entity', risk_entity_ref_json(a.entity_kind, a.entity_id),
        'unit_code', a.unit_code, 'unit_path', risk_unit_path_text(a.unit_code),
        'reason', a.reason, 'band', a.band, 'score', a.score,
        'status', a.status, 'created_at', risk_time_json(a.created_at),
        'updated_at', risk_time_json(a.updated_at), 'handled_by', a.handled_by, 'note', a.note,
        'clue_id', a.clue_id,
        'indicators', (SELECT coalesce(jsonb_agg(DISTINCT h.indicator), '[]')
                         FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id
                        WHERE ah.alert_id = a.id))
        || CASE WHEN NOT detail THEN '{}'::jsonb ELSE jsonb_build_object(
        'hits', (SELECT coalesce(jsonb_agg(risk_hit_json(h) ORDER BY h.fired_at DESC, h.id), '[]')
                   FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id WHERE ah.alert_id = a.id),
        'facts', (SELECT coalesce(jsonb_agg(risk_fact_json(f) ORDER BY f.occurred_at, f.id), '[]')
                    FROM facts f
                   WHERE f.id IN (SELECT unnest(h.fact_ids) FROM alert_hits ah
                                    JOIN hits h ON h.id = ah.hit_id WHERE ah.alert_id = a.id)),
        'history', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'done_at', risk_time_json(s.at), 'actor', s.actor, 'action', s.action,
                               'from_state', coalesce(s.from_state, ''), 'to_state', s.to_state,
                               'note', s.note) ORDER BY s.id), '[]')
                      FROM alert_history s WHERE s.alert_id = a.id),
        'actions', (SELECT coalesce(jsonb_agg(t.action ORDER BY t.action), '[]')
                      FROM alert_transitions t
                     WHERE t.from_state = a.status
                       AND (t.action <> 'remind' OR a.entity_kind = 'person'))) END
$$;

CREATE OR REPLACE FUNCTION risk_score_json(s scores) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(s.entity_kind, s.entity_id), 'score', s.score,
        'band', s.band, 'unit_code', s.unit_code, 'unit_path', risk_unit_path_text(s.unit_code),
        'updated_at', risk_time_json(s.updated_at),
        'hits_in_window', (SELECT count(*) FROM hit_entities e JOIN hits h ON h.id = e.hit_id
                             JOIN indicators i ON i.code = h.indicator
                            WHERE e.entity_kind = s.entity_kind AND e.entity_id = s.entity_id
                              AND h.fired_at > now() - make_interval(days => i.window_days)))
$$;

-- An entity's page: its score, every hit on it inside the caller's scope
-- (newest first), its alerts. NULL when it has no hit in that scope.
CREATE OR REPLACE FUNCTION risk_entity_json(p_kind text, p_id text, p_scope ltree) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH mine AS (
        SELECT h.* FROM hit_entities e JOIN hits h ON h.id = e.hit_id
         WHERE e.entity_kind = p_kind AND e.entity_id = p_id
           AND risk_in_scope(h.unit_code, p_scope)
    )
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(p_kind, p_id),
        'score', coalesce(s.score, 0), 'band', coalesce(s.band, 'low'),
        'unit_code', coalesce(s.unit_code, ''),
        'unit_path', risk_unit_path_text(coalesce(s.unit_code, '')),
        'updated_at', risk_time_json(s.updated_at),
        'hits', (SELECT coalesce(jsonb_agg(risk_hit_json(m) ORDER BY m.fired_at DESC, m.id DESC), '[]')
                   FROM mine m),
        'alerts', (SELECT coalesce(jsonb_agg(risk_alert_json(a, false) ORDER BY a.id DESC), '[]')
                     FROM alerts a WHERE a.entity_kind = p_kind AND a.entity_id = p_id
                      AND risk_in_scope(a.unit_code, p_scope)))
      FROM (SELECT 1) one
      LEFT JOIN scores s ON s.entity_kind = p_kind AND s.entity_id = p_id
     WHERE EXISTS (SELECT 1 FROM mine)
$$;
