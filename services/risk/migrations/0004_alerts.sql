-- risk: alerts (预警), and the evaluation that raises them.
--
-- An alert is raised when an entity's band rises or a heavy indicator
-- fires on it. It is a signal for a person, never proof: someone in the
-- office acknowledges it, then dismisses it with a reason, sends the cadre
-- an integrity risk reminder (廉洁风险提示), or turns it into a clue. An
-- entity has at most one open alert; later hits join it.

CREATE TABLE alert_states (
    name text PRIMARY KEY,
    label_zh text NOT NULL,
    label_en text NOT NULL,
    open boolean NOT NULL
);
INSERT INTO alert_states (name, label_zh, label_en, open) VALUES
    ('new', '新预警', 'new', true),
    ('acknowledged', '已确认', 'acknowledged', true),
    ('dismissed', '已排除', 'dismissed', false),
    ('reminded', '已提示', 'reminder sent', false),
    ('escalated', '已转线索', 'turned into a clue', false);

-- What may be done to an alert in which state: rows, not code.
CREATE TABLE alert_transitions (
    action text NOT NULL,
    from_state text NOT NULL REFERENCES alert_states,
    to_state text NOT NULL REFERENCES alert_states,
    needs_reason boolean NOT NULL,
    PRIMARY KEY (action, from_state)
);
INSERT INTO alert_transitions (action, from_state, to_state, needs_reason) VALUES
    ('acknowledge', 'new', 'acknowledged', false),
    ('dismiss', 'new', 'dismissed', true),
    ('dismiss', 'acknowledged', 'dismissed', true),
    ('remind', 'new', 'reminded', true),
    ('remind', 'acknowledged', 'reminded', true),
    ('escalate', 'new', 'escalated', false),
    ('escalate', 'acknowledged', 'escalated', false);

CREATE TABLE alerts (
    id bigserial PRIMARY KEY,
    entity_kind text NOT NULL CHECK (entity_kind IN ('person', 'unit', 'supplier')),
    entity_id text NOT NULL,
    unit_code text NOT NULL DEFAULT '',
    -- Why it was raised first: the band rose, or a heavy indicator fired.
    reason text NOT NULL CHECK (reason IN ('band_rose', 'heavy_indicator')),
    band text NOT NULL CHECK (band IN ('low', 'medium', 'high')),
    score numeric(8, 2) NOT NULL,
    status text NOT NULL DEFAULT 'new' REFERENCES alert_states,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Who last acted on it, and the reason given (a dismissal's, a
    -- reminder's text).
    handled_by text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    -- The clue it became (the case service's id), once it did, and what
    -- became of the clue (the case service's events): closed without a
    -- case, a case filed, a sanction.
    clue_id text NOT NULL DEFAULT '',
    outcome text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'closed', 'case_filed', 'sanctioned'))
);
CREATE UNIQUE INDEX alerts_one_open ON alerts (entity_kind, entity_id)
    WHERE status IN ('new', 'acknowledged');
CREATE INDEX alerts_status ON alerts (status, created_at DESC);

CREATE TABLE alert_hits (
    alert_id bigint NOT NULL REFERENCES alerts,
    hit_id bigint NOT NULL REFERENCES hits,
    PRIMARY KEY (alert_id, hit_id)
);

-- Every change of an alert, kept.
CREATE TABLE alert_history (
    id bigserial PRIMARY KEY,
    alert_id bigint NOT NULL REFERENCES alerts,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    from_state text,
    to_state text NOT NULL,
    note text NOT NULL DEFAULT ''
);
CREATE TRIGGER alert_history_immutable BEFORE UPDATE OR DELETE ON alert_history
    FOR EACH ROW EXECUTE FUNCTION facts_immutable();

-- An indicator that failed on a fact, for the operators (docs/risk.md):
-- the fact was kept, the indicator skipped for it.
CREATE TABLE indicator_failures (
    id bigserial PRIMARY KEY,
    indicator text NOT NULL,
    fact_id bigint NOT NULL,
    sqlstate text NOT NULL,
    message text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION risk_band_rank(band text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE band WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END
$$;

-- Raise an alert on an entity for a hit, with every hit in its window, or
-- add the hit to the open alert it has (whose band and score follow the
-- entity's). Answers the alert's id.
CREATE FUNCTION risk_raise(p_kind text, p_id text, p_unit text, p_reason text, p_hit bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    s scores;
    a_id bigint;
BEGIN
    SELECT * INTO s FROM scores WHERE entity_kind = p_kind AND entity_id = p_id;
    SELECT id INTO a_id FROM alerts
     WHERE entity_kind = p_kind AND entity_id = p_id AND status IN ('new', 'acknowledged')
       FOR UPDATE;
    IF a_id IS NULL THEN
        INSERT INTO alerts (entity_kind, entity_id, unit_code, reason, band, score)
        VALUES (p_kind, p_id, coalesce(nullif(p_unit, ''), s.unit_code, ''), p_reason,
                coalesce(s.band, 'low'), coalesce(s.score, 0))
        RETURNING id INTO a_id;
        INSERT INTO alert_history (alert_id, actor, action, to_state, note)
        VALUES (a_id, 'risk', 'raise', 'new', p_reason);
        -- A new alert shows every hit its score is made of, not only the
        -- one that tipped it.
        INSERT INTO alert_hits (alert_id, hit_id)
        SELECT a_id, h.id FROM hit_entities e JOIN hits h ON h.id = e.hit_id
          JOIN indicators i ON i.code = h.indicator
         WHERE e.entity_kind = p_kind AND e.entity_id = p_id
           AND h.fired_at > now() - make_interval(days => i.window_days)
        ON CONFLICT DO NOTHING;
    ELSE
        UPDATE alerts SET band = coalesce(s.band, band), score = coalesce(s.score, score),
                          updated_at = now()
         WHERE id = a_id;
    END IF;
    INSERT INTO alert_hits (alert_id, hit_id) VALUES (a_id, p_hit) ON CONFLICT DO NOTHING;
    RETURN a_id;
END $$;

-- Run every indicator of the fact's subject on it; keep the new hits,
-- rescore whom they count against, and raise an alert where a band rose or
-- a heavy indicator fired. Answers the ids of the new hits.
CREATE FUNCTION risk_evaluate(p_fact_id bigint) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    f facts;
    ind indicators;
    c hit_candidate;
    hit_id bigint;
    new_hits bigint[] := '{}';
    e record;
    r record;
BEGIN
    SELECT * INTO f FROM facts WHERE id = p_fact_id;
    FOR ind IN SELECT i.* FROM indicators i JOIN indicator_subjects s ON s.indicator = i.code
                WHERE s.subject = f.subject AND i.enabled ORDER BY i.code LOOP
      -- An indicator that fails on a fact (data it did not foresee) is
      -- recorded and skipped: the fact is kept and the others still run.
      BEGIN
        FOR c IN EXECUTE format('SELECT * FROM %I($1, $2)', 'ind_' || ind.code)
                 USING f, ind.params LOOP
            INSERT INTO hits (indicator, hit_key, fired_at, unit_code, inputs, fact_ids)
            VALUES (ind.code, c.hit_key, c.fired_at, coalesce(c.unit_code, ''),
                    c.inputs || jsonb_build_object('params', ind.params), c.fact_ids)
            ON CONFLICT (indicator, hit_key) DO NOTHING
            RETURNING id INTO hit_id;
            CONTINUE WHEN hit_id IS NULL;
            new_hits := new_hits || hit_id;
            FOR e IN SELECT DISTINCT x->>'kind' AS kind, x->>'id' AS id
                       FROM jsonb_array_elements(c.entities) x
                      WHERE coalesce(x->>'id', '') <> '' LOOP
                INSERT INTO hit_entities (hit_id, entity_kind, entity_id)
                VALUES (hit_id, e.kind, e.id);
                r := risk_rescore(e.kind, e.id, c.unit_code);
                IF ind.heavy THEN
                    PERFORM risk_raise(e.kind, e.id, c.unit_code, 'heavy_indicator', hit_id);
                ELSIF risk_band_rank(r.new_band) > risk_band_rank(coalesce(r.old_band, 'low')) THEN
                    PERFORM risk_raise(e.kind, e.id, c.unit_code, 'band_rose', hit_id);
                ELSIF EXISTS (SELECT 1 FROM alerts WHERE entity_kind = e.kind AND entity_id = e.id
                                 AND status IN ('new', 'acknowledged')) THEN
                    -- An open alert shows every hit since it was raised.
                    PERFORM risk_raise(e.kind, e.id, c.unit_code, 'band_rose', hit_id);
                END IF;
            END LOOP;
        END LOOP;
      EXCEPTION WHEN OTHERS THEN
        INSERT INTO indicator_failures (indicator, fact_id, sqlstate, message)
        VALUES (ind.code, f.id, SQLSTATE, SQLERRM);
      END;
    END LOOP;
    RETURN new_hits;
END $$;

-- Keep one event and evaluate it: risk_ingest() then risk_evaluate() in one
-- round trip. Answers the fact's id (NULL when nothing was kept), the
-- problem that makes the event unreadable (NULL when none), the new hits,
-- and whether the event names a unit code the copy of the org tree does
-- not hold (the service then copies the gateway's directory again; the
-- fact is kept all the same, its unit's path read when it is shown).
CREATE FUNCTION risk_take_event(p_subject text, p_event_id text, p_source text,
                                p_occurred_at timestamptz, p_data jsonb,
                                OUT fact_id bigint, OUT problem text, OUT hit_ids bigint[],
                                OUT unknown_unit boolean)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT i.fact_id, i.problem INTO fact_id, problem
      FROM risk_ingest(p_subject, p_event_id, p_source, p_occurred_at, p_data) i;
    IF fact_id IS NOT NULL THEN
        hit_ids := risk_evaluate(fact_id);
    END IF;
    unknown_unit := EXISTS (SELECT 1 FROM jsonb_path_query(p_data, 'strict $.**.unit_code') v
                             WHERE coalesce(v #>> '{}', '') <> ''
                               AND NOT EXISTS (SELECT 1 FROM units u WHERE u.code = v #>> '{}'));
END $$;
