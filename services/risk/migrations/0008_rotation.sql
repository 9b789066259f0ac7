-- risk: a key position held past the rotation limit (轮岗).
--
-- Unlike the other indicators this one fires on the passing of time, not
-- only on an event: a cadre appointed to a key post five years ago crosses
-- the limit on a day no event arrives. So each person's current key post
-- is kept in key_posts (from the HR events, by a trigger), the indicator
-- runs on each HR fact as the others do, and the service's ticker sweeps
-- the posts whose limit has passed since (risk_sweep_due). Both paths keep
-- their hits through risk_keep_hit(), which risk_evaluate() now uses too.

-- Each person's current post when it is a key one: from the person's HR
-- event that took effect last (an appointment or a transfer into a key
-- post; a removal, or a move to a post that is not a key one, deletes the
-- row). Derived from facts, rebuilt from them at any time.
CREATE TABLE key_posts (
    person_id text PRIMARY KEY,
    fact_id bigint NOT NULL REFERENCES facts,
    unit_code text NOT NULL,
    position text NOT NULL,
    key_position text NOT NULL,
    since date NOT NULL,
    -- When the event that says so happened (its fact's occurred_at).
    occurred_at timestamptz NOT NULL
);
CREATE INDEX key_posts_since ON key_posts (since);

-- The person's HR event (appointment, transfer or removal) that took
-- effect last, the latest told of when two took effect the same day; no
-- row when HR never told of the person.
CREATE FUNCTION risk_latest_post_fact(p_person text) RETURNS SETOF facts
LANGUAGE sql STABLE AS $$
    SELECT x.*
      FROM fact_parties p JOIN facts x ON x.id = p.fact_id
     WHERE p.party_kind = 'person' AND p.role = 'person' AND p.party_id = p_person
       AND x.subject IN ('ent.hr.person.appointed', 'ent.hr.person.transferred',
                         'ent.hr.person.removed')
       AND x.data->>'effective_on' ~ '^\d{4}-\d{2}-\d{2}$'
     ORDER BY (x.data->>'effective_on')::date DESC, x.occurred_at DESC, x.id DESC
     LIMIT 1
$$;

CREATE FUNCTION risk_track_post(p_person text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    f facts;
    key text;
BEGIN
    SELECT * INTO f FROM risk_latest_post_fact(p_person);
    key := CASE f.subject WHEN 'ent.hr.person.appointed' THEN f.data->>'key_position'
                          WHEN 'ent.hr.person.transferred' THEN f.data->>'to_key_position' END;
    IF f.id IS NULL OR coalesce(key, '') = '' THEN
        DELETE FROM key_posts WHERE person_id = p_person;
        RETURN;
    END IF;
    INSERT INTO key_posts (person_id, fact_id, unit_code, position, key_position, since, occurred_at)
    VALUES (p_person, f.id,
            coalesce(f.data->'unit'->>'unit_code', f.data->'to_unit'->>'unit_code', ''),
            coalesce(f.data->>'position', f.data->>'to_position', ''), key,
            (f.data->>'effective_on')::date, f.occurred_at)
    ON CONFLICT (person_id) DO UPDATE
       SET fact_id = excluded.fact_id, unit_code = excluded.unit_code,
           position = excluded.position, key_position = excluded.key_position,
           since = excluded.since, occurred_at = excluded.occurred_at;
END $$;

-- On the fact's person party rather than on the fact: the parties are
-- kept in the statement after the fact's, and the post is read through
-- them. A row trigger runs at the end of its statement, so key_posts is
-- current when risk_evaluate() runs the indicators after both.
CREATE FUNCTION risk_person_party_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM facts f WHERE f.id = NEW.fact_id
                  AND f.subject IN ('ent.hr.person.appointed', 'ent.hr.person.transferred',
                                    'ent.hr.person.removed')) THEN
        PERFORM risk_track_post(NEW.party_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER fact_parties_post_tracked AFTER INSERT ON fact_parties
    FOR EACH ROW WHEN (NEW.party_kind = 'person' AND NEW.role = 'person')
    EXECUTE FUNCTION risk_person_party_kept();

SELECT risk_track_post(p) FROM (SELECT DISTINCT data->'person'->>'person_id' AS p FROM facts
                                 WHERE subject IN ('ent.hr.person.appointed',
                                                   'ent.hr.person.transferred',
                                                   'ent.hr.person.removed')) x
 WHERE coalesce(p, '') <> '';

INSERT INTO indicators (code, area, name_zh, name_en, basis, weight, window_days, heavy, params,
                        defaults, param_rules) VALUES
('rotation', 'people', '重点岗位任职超过轮岗期限', 'Key position held past the rotation limit',
 '《国有企业领导人员廉洁从业若干规定》及中央企业重点岗位轮岗交流要求：在人、财、物等重点岗位任职满五年的应当轮岗. The post taken last (appointment or transfer into a key post) counts; any transfer or removal since ends it.',
 0.4, 365, false, '{"years": 5}', '{"years": 5}',
 '{"years": {"min": 1, "max": 20, "unit": "years", "en": "held longer than", "zh": "任职超过"}}');

INSERT INTO indicator_subjects (indicator, subject) VALUES
    ('rotation', 'ent.hr.person.appointed'),
    ('rotation', 'ent.hr.person.transferred'),
    ('rotation', 'ent.hr.person.removed');

-- The hit of one person's key post when it is past the limit today. Keyed
-- by the post's fact, so a later key post fires again once it too is old.
CREATE FUNCTION risk_rotation_of(p_person text, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT concat_ws('|', k.person_id, k.fact_id),
           greatest((k.since + make_interval(years => (p->>'years')::integer))::timestamptz,
                    k.occurred_at),
           k.unit_code,
           jsonb_build_object('person_id', k.person_id,
                              'name', (SELECT f.data->'person'->>'name' FROM facts f WHERE f.id = k.fact_id),
                              'position', k.position, 'key_position', k.key_position,
                              'since', k.since, 'years', p->'years',
                              'held_years', round((current_date - k.since) / 365.25, 1)),
           ARRAY[k.fact_id],
           risk_entity('person', k.person_id) || risk_entity('unit', k.unit_code)
      FROM key_posts k
     WHERE k.person_id = p_person
       AND k.since < (current_date - make_interval(years => (p->>'years')::integer))::date
$$;

CREATE FUNCTION ind_rotation(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT * FROM risk_rotation_of(f.data->'person'->>'person_id', p)
$$;

-- Keep one hit of an indicator, with whom it counts against; rescore them
-- and raise or extend their alerts. Answers the hit's id, NULL when the
-- indicator had fired for it already.
CREATE FUNCTION risk_keep_hit(ind indicators, c hit_candidate) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    hit_id bigint;
    e record;
    r record;
BEGIN
    INSERT INTO hits (indicator, hit_key, fired_at, unit_code, inputs, fact_ids)
    VALUES (ind.code, c.hit_key, c.fired_at, coalesce(c.unit_code, ''),
            c.inputs || jsonb_build_object('params', ind.params), c.fact_ids)
    ON CONFLICT (indicator, hit_key) DO NOTHING
    RETURNING id INTO hit_id;
    IF hit_id IS NULL THEN
        RETURN NULL;
    END IF;
    FOR e IN SELECT DISTINCT x->>'kind' AS kind, x->>'id' AS id
               FROM jsonb_array_elements(c.entities) x
              WHERE coalesce(x->>'id', '') <> '' LOOP
        INSERT INTO hit_entities (hit_id, entity_kind, entity_id) VALUES (hit_id, e.kind, e.id);
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
    RETURN hit_id;
END $$;

-- Each indicator's function called by name from a static statement, not
-- through EXECUTE: a dynamic statement is planned anew at every call,
-- which cost more than the indicators' own work (an award, with ten
-- indicators, took 6.8 ms to evaluate through EXECUTE and 1.6 ms through
-- this function, whose statements keep their plans for the session). The
-- function is written from the rows of indicators, again whenever a row
-- is added or removed, so an indicator is still only a row and its
-- ind_<code>() function.
CREATE FUNCTION risk_build_dispatch() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    branches text;
BEGIN
    SELECT string_agg(format('WHEN %L THEN RETURN QUERY SELECT * FROM %I(f, p);', code,
                             'ind_' || code), E'\n' ORDER BY code)
      INTO branches FROM indicators;
    EXECUTE format($fn$
        CREATE OR REPLACE FUNCTION risk_run_indicator(p_code text, f facts, p jsonb)
        RETURNS SETOF hit_candidate LANGUAGE plpgsql STABLE AS $body$
        BEGIN
            CASE p_code %s
            ELSE RAISE EXCEPTION 'indicator %% has no function', p_code;
            END CASE;
        END $body$ $fn$, coalesce(branches, ''));
END $$;

CREATE FUNCTION risk_indicators_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM risk_build_dispatch();
    RETURN NULL;
END $$;
CREATE TRIGGER indicators_dispatch AFTER INSERT OR DELETE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION risk_indicators_changed();
SELECT risk_build_dispatch();

CREATE OR REPLACE FUNCTION risk_evaluate(p_fact_id bigint) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    f facts;
    ind indicators;
    c hit_candidate;
    hit_id bigint;
    new_hits bigint[] := '{}';
BEGIN
    SELECT * INTO f FROM facts WHERE id = p_fact_id;
    FOR ind IN SELECT i.* FROM indicators i JOIN indicator_subjects s ON s.indicator = i.code
                WHERE s.subject = f.subject AND i.enabled ORDER BY i.code LOOP
      -- An indicator that fails on a fact (data it did not foresee) is
      -- recorded and skipped: the fact is kept and the others still run.
      BEGIN
        FOR c IN SELECT * FROM risk_run_indicator(ind.code, f, ind.params) LOOP
            hit_id := risk_keep_hit(ind, c);
            IF hit_id IS NOT NULL THEN
                new_hits := new_hits || hit_id;
            END IF;
        END LOOP;
      EXCEPTION WHEN OTHERS THEN
        INSERT INTO indicator_failures (indicator, fact_id, sqlstate, message)
        VALUES (ind.code, f.id, SQLSTATE, SQLERRM);
      END;
    END LOOP;
    RETURN new_hits;
END $$;

-- The hits time alone brings: at most p_limit key posts that passed the
-- rotation limit since they were last looked at (none when the indicator
-- is disabled). Answers how many hits were kept. Replicas may sweep at
-- once: a hit is kept once whoever finds it first.
CREATE FUNCTION risk_sweep_due(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    ind indicators;
    c hit_candidate;
    n integer := 0;
BEGIN
    SELECT * INTO ind FROM indicators WHERE code = 'rotation' AND enabled;
    IF ind.code IS NULL THEN
        RETURN 0;
    END IF;
    FOR c IN SELECT x.* FROM (
                 SELECT k.person_id FROM key_posts k
                  WHERE k.since < (current_date - make_interval(years => (ind.params->>'years')::integer))::date
                    AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.indicator = 'rotation'
                                       AND h.hit_key = concat_ws('|', k.person_id, k.fact_id))
                  ORDER BY k.since
                  LIMIT p_limit) due,
                 risk_rotation_of(due.person_id, ind.params) x LOOP
        IF risk_keep_hit(ind, c) IS NOT NULL THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;
