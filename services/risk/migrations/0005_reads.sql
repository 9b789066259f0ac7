-- risk: what the API reads, as JSON in the shape of the messages of
-- proto/cleangrid/v1/risk.proto (cg/db_json.h), the scope every read is
-- cut to, and the actions on alerts.

-- Whether the unit is inside the caller's scope. A unit the service does
-- not know (its code in no copy of the gateway's tree yet) is seen from the
-- top of the tree only, so that nothing is lost and nothing leaks.
CREATE FUNCTION risk_in_scope(p_unit text, p_scope ltree) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT u.path <@ p_scope FROM units u WHERE u.code = p_unit),
                    nlevel(p_scope) = 1)
$$;

-- The unit filter of a list: '' for none, else an org path (the gateway
-- turns a unit code into its path).
CREATE FUNCTION risk_in_filter(p_unit text, p_filter text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_filter = '' OR coalesce(risk_unit_path(p_unit) <@ p_filter::ltree, false)
$$;

-- The name an entity last went by in the facts ('' when none gave one).
CREATE FUNCTION risk_entity_name(p_kind text, p_id text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT name FROM fact_parties
                      WHERE party_kind = p_kind AND party_id = p_id AND name <> ''
                      ORDER BY occurred_at DESC LIMIT 1), '')
$$;

CREATE FUNCTION risk_entity_ref_json(p_kind text, p_id text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('kind', p_kind, 'id', p_id, 'name', risk_entity_name(p_kind, p_id))
$$;

-- How often an indicator's alerts were borne out: alerts holding one of
-- its hits, of those turned into clues, of those ended in a case or a
-- sanction.
CREATE FUNCTION risk_indicator_json(i indicators) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH o AS (
        SELECT count(DISTINCT a.id) AS alerts,
               count(DISTINCT a.id) FILTER (WHERE a.clue_id <> '') AS clues,
               count(DISTINCT a.id) FILTER (WHERE a.outcome IN ('case_filed', 'sanctioned')) AS confirmed
          FROM hits h JOIN alert_hits ah ON ah.hit_id = h.id JOIN alerts a ON a.id = ah.alert_id
         WHERE h.indicator = i.code
    )
    SELECT jsonb_build_object(
        'code', i.code, 'area', i.area, 'name_zh', i.name_zh, 'name_en', i.name_en,
        'basis', i.basis, 'weight', i.weight, 'window_days', i.window_days, 'heavy', i.heavy,
        'params_json', i.params::text, 'defaults_json', i.defaults::text,
        'param_rules_json', i.param_rules::text, 'enabled', i.enabled,
        'subjects', (SELECT coalesce(jsonb_agg(s.subject ORDER BY s.subject), '[]')
                       FROM indicator_subjects s WHERE s.indicator = i.code),
        'updated_at', to_char(i.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'updated_by', i.updated_by,
        'hits', (SELECT count(*) FROM hits h WHERE h.indicator = i.code),
        'alerts', o.alerts, 'clues', o.clues, 'confirmed', o.confirmed,
        'precision', CASE WHEN o.clues > 0 THEN round(o.confirmed::numeric / o.clues, 4) ELSE 0 END)
      FROM o
$$;

CREATE FUNCTION risk_time_json(t timestamptz) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_jsonb(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;

CREATE FUNCTION risk_hit_json(h hits) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', h.id, 'indicator', h.indicator, 'indicator_name_zh', i.name_zh,
        'indicator_name_en', i.name_en, 'hit_key', h.hit_key,
        'fired_at', risk_time_json(h.fired_at), 'found_at', risk_time_json(h.found_at),
        'unit_code', h.unit_code, 'inputs_json', h.inputs::text, 'fact_ids', to_jsonb(h.fact_ids),
        'weight', i.weight,
        'in_window', h.fired_at > now() - make_interval(days => i.window_days),
        'entities', (SELECT coalesce(jsonb_agg(risk_entity_ref_json(e.entity_kind, e.entity_id)
                                               ORDER BY e.entity_kind, e.entity_id), '[]')
                       FROM hit_entities e WHERE e.hit_id = h.id))
      FROM indicators i WHERE i.code = h.indicator
$$;

CREATE FUNCTION risk_fact_json(f facts) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', f.id, 'subject', f.subject, 'event_id', f.event_id,
                              'source', f.source, 'occurred_at', risk_time_json(f.occurred_at),
                              'data_json', f.data::text)
$$;

-- An alert; with detail, its hits, their facts, its history and the
-- actions allowed next (the caller's roles decide nothing here: the
-- gateway checked them; a reminder goes to people only).
CREATE FUNCTION risk_alert_json(a alerts, detail boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'entity', risk_entity_ref_json(a.entity_kind, a.entity_id),
        'unit_code', a.unit_code, 'reason', a.reason, 'band', a.band, 'score', a.score,
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

CREATE FUNCTION risk_score_json(s scores) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(s.entity_kind, s.entity_id), 'score', s.score,
        'band', s.band, 'unit_code', s.unit_code, 'updated_at', risk_time_json(s.updated_at),
        'hits_in_window', (SELECT count(*) FROM hit_entities e JOIN hits h ON h.id = e.hit_id
                             JOIN indicators i ON i.code = h.indicator
                            WHERE e.entity_kind = s.entity_kind AND e.entity_id = s.entity_id
                              AND h.fired_at > now() - make_interval(days => i.window_days)))
$$;

-- An entity's page: its score, every hit on it inside the caller's scope
-- (newest first), its alerts. NULL when it has no hit in that scope.
CREATE FUNCTION risk_entity_json(p_kind text, p_id text, p_scope ltree) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH mine AS (
        SELECT h.* FROM hit_entities e JOIN hits h ON h.id = e.hit_id
         WHERE e.entity_kind = p_kind AND e.entity_id = p_id
           AND risk_in_scope(h.unit_code, p_scope)
    )
    SELECT jsonb_build_object(
        'entity', risk_entity_ref_json(p_kind, p_id),
        'score', coalesce(s.score, 0), 'band', coalesce(s.band, 'low'),
        'unit_code', coalesce(s.unit_code, ''), 'updated_at', risk_time_json(s.updated_at),
        'hits', (SELECT coalesce(jsonb_agg(risk_hit_json(m) ORDER BY m.fired_at DESC, m.id DESC), '[]')
                   FROM mine m),
        'alerts', (SELECT coalesce(jsonb_agg(risk_alert_json(a, false) ORDER BY a.id DESC), '[]')
                     FROM alerts a WHERE a.entity_kind = p_kind AND a.entity_id = p_id
                      AND risk_in_scope(a.unit_code, p_scope)))
      FROM (SELECT 1) one
      LEFT JOIN scores s ON s.entity_kind = p_kind AND s.entity_id = p_id
     WHERE EXISTS (SELECT 1 FROM mine)
$$;

-- Act on an alert by the table of transitions. Answers a problem ('' when
-- none): unknown action, not allowed from its state, a reason missing, a
-- reminder to anyone but a person.
CREATE FUNCTION risk_alert_act(p_id bigint, p_action text, p_reason text, p_actor text,
                               OUT problem text, OUT to_state text)
LANGUAGE plpgsql AS $$
DECLARE
    a alerts;
    t alert_transitions;
BEGIN
    problem := '';
    SELECT * INTO a FROM alerts WHERE id = p_id FOR UPDATE;
    IF NOT EXISTS (SELECT 1 FROM alert_transitions WHERE action = p_action) THEN
        problem := 'action: must be one of '
                   || (SELECT string_agg(DISTINCT action, ', ' ORDER BY action) FROM alert_transitions);
        RETURN;
    END IF;
    SELECT * INTO t FROM alert_transitions WHERE action = p_action AND from_state = a.status;
    IF NOT FOUND THEN
        problem := format('an alert that is %s cannot be given "%s"', a.status, p_action);
        RETURN;
    END IF;
    IF t.needs_reason AND btrim(p_reason) = '' THEN
        problem := 'reason: is required to ' || p_action;
        RETURN;
    END IF;
    IF p_action = 'remind' AND a.entity_kind <> 'person' THEN
        problem := 'a reminder goes to a person; this alert is about a ' || a.entity_kind;
        RETURN;
    END IF;
    IF p_action IN ('escalate', 'remind') AND risk_unit_path(a.unit_code) IS NULL THEN
        problem := format('the alert''s unit %s is not in the org tree, so it cannot be sent on',
                          coalesce(nullif(a.unit_code, ''), '(none)'));
        RETURN;
    END IF;
    UPDATE alerts SET status = t.to_state, handled_by = p_actor, updated_at = now(),
                      note = CASE WHEN btrim(p_reason) <> '' THEN p_reason ELSE note END
     WHERE id = p_id;
    INSERT INTO alert_history (alert_id, actor, action, from_state, to_state, note)
    VALUES (p_id, p_actor, p_action, a.status, t.to_state, p_reason);
    to_state := t.to_state;
END $$;

-- Every change of an indicator's settings, with its reason: the settings
-- decide what the office is shown, so who changed what is kept here as
-- well as in the gateway's audit trail.
CREATE TABLE indicator_changes (
    id bigserial PRIMARY KEY,
    indicator text NOT NULL REFERENCES indicators,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL,
    reason text NOT NULL,
    before jsonb NOT NULL,
    after jsonb NOT NULL
);
CREATE TRIGGER indicator_changes_immutable BEFORE UPDATE OR DELETE ON indicator_changes
    FOR EACH ROW EXECUTE FUNCTION facts_immutable();

-- The problems of a new set of parameters for an indicator, by its rules:
-- every parameter of its defaults given, no other, each number within its
-- limits, each list of words from its choices.
CREATE FUNCTION risk_params_problems(p_code text, p_params jsonb)
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
                ELSE format('must be a number from %s to %s', r.value->>'min', r.value->>'max') END
      FROM indicators i, jsonb_each(i.param_rules) r
     WHERE i.code = p_code AND p_params ? r.key
       AND CASE WHEN r.value ? 'choices' THEN
                    jsonb_typeof(p_params->r.key) <> 'array'
                    OR jsonb_array_length(p_params->r.key) = 0
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_params->r.key) v
                                WHERE jsonb_typeof(v) <> 'string' OR NOT (r.value->'choices') @> jsonb_build_array(v))
                ELSE jsonb_typeof(p_params->r.key) <> 'number'
                     OR (p_params->>r.key)::numeric < (r.value->>'min')::numeric
                     OR (p_params->>r.key)::numeric > (r.value->>'max')::numeric END
$$;

-- Change an indicator's settings, or say why not: ('code', ..) when there
-- is no such indicator, else each problem of the parameters. Nothing is
-- changed when there is a problem. Hits already found stay as they were;
-- the new settings apply to what arrives from now on, and the new weight
-- and window to every score as it is next computed.
CREATE FUNCTION risk_update_indicator(p_code text, p_weight numeric, p_window integer,
                                      p_params text, p_enabled boolean, p_reason text,
                                      p_actor text)
RETURNS TABLE (field text, problem text) LANGUAGE plpgsql AS $$
DECLARE
    i indicators;
    new_params jsonb;
BEGIN
    SELECT * INTO i FROM indicators WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'code'::text, 'not found'::text;
        RETURN;
    END IF;
    BEGIN
        new_params := p_params::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        new_params := NULL;
    END;
    IF new_params IS NULL OR jsonb_typeof(new_params) <> 'object' THEN
        RETURN QUERY SELECT 'params'::text, 'must be an object of the indicator''s parameters'::text;
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM risk_params_problems(p_code, new_params);
    IF FOUND THEN
        RETURN;
    END IF;
    UPDATE indicators SET weight = p_weight, window_days = p_window, params = new_params,
                          enabled = p_enabled, updated_at = now(), updated_by = p_actor
     WHERE code = p_code;
    INSERT INTO indicator_changes (indicator, changed_by, reason, before, after)
    SELECT p_code, p_actor, p_reason,
           jsonb_build_object('weight', i.weight, 'window_days', i.window_days,
                              'params', i.params, 'enabled', i.enabled),
           jsonb_build_object('weight', p_weight, 'window_days', p_window,
                              'params', new_params, 'enabled', p_enabled);
END $$;

-- What an escalated or reminded alert's event carries: its entity, the
-- path of its unit (NULL while the unit is unknown) and a summary of its
-- hits in the office's words.
CREATE FUNCTION risk_alert_event_json(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'alert_id', a.id, 'entity_kind', a.entity_kind, 'entity_id', a.entity_id,
        'entity_name', risk_entity_name(a.entity_kind, a.entity_id),
        'unit_code', a.unit_code, 'org_path', coalesce(risk_unit_path(a.unit_code)::text, ''),
        'band', a.band, 'score', a.score, 'note', a.note, 'actor_user_id', a.handled_by,
        'indicators', (SELECT coalesce(jsonb_agg(DISTINCT h.indicator), '[]')
                         FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id WHERE ah.alert_id = a.id),
        'summary', left(format('风险预警 Risk alert #%s (%s %s, %s, score %s): ', a.id,
                               a.entity_kind, a.entity_id, a.band, a.score)
                        || (SELECT string_agg(format('%s %s (%s) %s', i.name_zh, i.name_en,
                                                     h.hit_key, h.inputs - 'params'),
                                              '; ' ORDER BY h.fired_at)
                              FROM alert_hits ah JOIN hits h ON h.id = ah.hit_id
                              JOIN indicators i ON i.code = h.indicator
                             WHERE ah.alert_id = a.id), 1800))
      FROM alerts a WHERE a.id = p_id
$$;
