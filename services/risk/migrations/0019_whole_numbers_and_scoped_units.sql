-- risk: whole-number parameters, and a score's unit as its reader may see it.
--
-- Counts, days, years, levels and amounts in fen are whole numbers: the
-- indicators read them with ::integer or ::bigint, which refuses "5.5", so
-- a fraction saved as a setting would make every later evaluation of that
-- indicator fail. Their rules now say so ("whole": true), and a setting
-- that is not a whole number is refused with the rule's range. Ratios, the
-- IQR factor and Benford's MAD limit stay fractions.
UPDATE indicators i
   SET param_rules = (SELECT jsonb_object_agg(r.key,
                                              CASE WHEN r.value ? 'min'
                                                        AND r.value->>'unit' NOT IN ('ratio', 'IQR', 'MAD')
                                                   THEN r.value || '{"whole": true}'::jsonb
                                                   ELSE r.value END)
                        FROM jsonb_each(i.param_rules) r)
 WHERE i.param_rules <> '{}'::jsonb;

-- As before (migration 0005), with the whole-number rule: a number whose
-- text has a fraction or an exponent left ("5.5", "5.0") is not whole, so
-- that what is stored always reads back as an integer.
CREATE OR REPLACE FUNCTION risk_params_problems(p_code text, p_params jsonb)
RETURNS TABLE (field text, problem text) LANGUAGE sql STABLE AS $$
    SELECT 'params.' || k, 'is required' FROM indicators i, jsonb_object_keys(i.defaults) k
     WHERE i.code = p_code AND NOT p_params ? k
    UNION ALL
    SELECT 'params.' || k, 'is not a parameter of ' || p_code
      FROM indicators i, jsonb_object_keys(p_params) k
     WHERE i.code = p_code AND NOT i.defaults ? k
    UNION ALL
    SELECT 'params.' || r.key,
           CASE WHEN r.value ? 'choices' THEN
                    'must be a list of: ' || (SELECT string_agg(c, ', ') FROM jsonb_array_elements_text(r.value->'choices') c)
                WHEN (r.value->>'whole')::boolean IS TRUE THEN
                    format('must be a whole number from %s to %s', r.value->>'min', r.value->>'max')
                ELSE format('must be a number from %s to %s', r.value->>'min', r.value->>'max') END
      FROM indicators i, jsonb_each(i.param_rules) r
     WHERE i.code = p_code AND p_params ? r.key
       AND CASE WHEN r.value ? 'choices' THEN
                    jsonb_typeof(p_params->r.key) <> 'array'
                    OR jsonb_array_length(p_params->r.key) = 0
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_params->r.key) v
                                WHERE jsonb_typeof(v) <> 'string' OR NOT (r.value->'choices') @> jsonb_build_array(v))
                ELSE jsonb_typeof(p_params->r.key) <> 'number'
                     OR ((r.value->>'whole')::boolean IS TRUE
                         AND (p_params->>r.key) !~ '^-?[0-9]{1,18}$')
                     OR (p_params->>r.key)::numeric < (r.value->>'min')::numeric
                     OR (p_params->>r.key)::numeric > (r.value->>'max')::numeric END
$$;

-- A score's unit and when it last changed, as a reader may see them. The
-- stored row names the unit of the entity's latest hit and the time of its
-- latest change, wherever that was: a supplier's page read in one province
-- named the other province's unit when the other had the latest hit, and
-- its time moved with hits the reader cannot see. A reader who sees every
-- hit of the entity gets the stored row; anyone else the unit and time of
-- the newest hit inside their scope.
CREATE FUNCTION risk_score_seen(p_kind text, p_id text, p_unit text, p_updated timestamptz,
                                p_scope ltree, OUT unit_code text, OUT updated_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN whole THEN coalesce(p_unit, '') ELSE coalesce(newest.unit_code, '') END,
           CASE WHEN whole THEN p_updated ELSE newest.fired_at END
      FROM (SELECT NOT EXISTS (SELECT 1 FROM hit_entities e JOIN hits h ON h.id = e.hit_id
                                WHERE e.entity_kind = p_kind AND e.entity_id = p_id
                                  AND NOT risk_in_scope(h.unit_code, p_scope)) AS whole) w
      LEFT JOIN LATERAL (
            SELECT h.unit_code, h.fired_at
              FROM hit_entities e JOIN hits h ON h.id = e.hit_id
             WHERE e.entity_kind = p_kind AND e.entity_id = p_id
               AND risk_in_scope(h.unit_code, p_scope)
             ORDER BY h.fired_at DESC, h.id DESC LIMIT 1) newest ON true
$$;

CREATE FUNCTION risk_score_json(s scores, p_score numeric, p_hits bigint, p_scope ltree)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(s.entity_kind, s.entity_id), 'score', p_score,
        'band', risk_band(p_score), 'unit_code', seen.unit_code,
        'unit_path', risk_unit_path_text(seen.unit_code),
        'updated_at', risk_time_json(seen.updated_at), 'hits_in_window', p_hits)
      FROM risk_score_seen(s.entity_kind, s.entity_id, s.unit_code, s.updated_at, p_scope) seen
$$;

-- As in migration 0012, each score shown with its unit as the reader sees it.
CREATE OR REPLACE FUNCTION risk_scores_json(p_scope ltree, p_kind text, p_band text, p_filter text,
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
    SELECT risk_score_json(s, w.score, w.hits, p_scope)
      FROM seen w JOIN scores s ON s.entity_kind = w.entity_kind AND s.entity_id = w.entity_id
     WHERE w.score > 0 AND (p_band = '' OR risk_band(w.score) = p_band)
     ORDER BY w.score DESC, w.entity_kind, w.entity_id
     LIMIT p_limit
$$;

-- As in migration 0012, with the unit and time as the reader sees them.
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
        'unit_code', seen.unit_code,
        'unit_path', risk_unit_path_text(seen.unit_code),
        'updated_at', risk_time_json(seen.updated_at),
        'hits', (SELECT coalesce(jsonb_agg(risk_hit_json(m) ORDER BY m.fired_at DESC, m.id DESC), '[]')
                   FROM mine m),
        'alerts', (SELECT coalesce(jsonb_agg(risk_alert_json(a, false, p_scope) ORDER BY a.id DESC),
                                   '[]')
                     FROM alerts a WHERE a.entity_kind = p_kind AND a.entity_id = p_id
                      AND risk_in_scope(a.unit_code, p_scope)))
      FROM risk_score_within(p_kind, p_id, p_scope, '') w
      LEFT JOIN scores s ON s.entity_kind = p_kind AND s.entity_id = p_id
      CROSS JOIN LATERAL risk_score_seen(p_kind, p_id, s.unit_code, s.updated_at, p_scope) seen
     WHERE EXISTS (SELECT 1 FROM mine)
$$;

DROP FUNCTION risk_score_json(scores, numeric, bigint);
