-- risk: indicators that cost less as the facts grow.
--
-- Measured by replaying a generated stream of about 21,000 events through
-- risk_take_event() on a database already holding 61,000 facts: benford
-- read every claim of the claimant's window out of the facts' JSON at each
-- new claim (0.54 ms a claim), and the indicators' statements were planned
-- anew at most calls, since a custom plan for the values at hand looked
-- cheaper to the planner than the cached generic one, which cost more
-- than several indicators' own work.

-- Per expense claim: who claimed, when, how much and its first digit, so
-- that Benford's test counts digits from a narrow index instead of the
-- facts' JSON. Derived from facts, never the only record of anything.
CREATE TABLE claim_rows (
    fact_id bigint PRIMARY KEY REFERENCES facts,
    claimant text NOT NULL,
    occurred_at timestamptz NOT NULL,
    amount_fen bigint NOT NULL,
    -- 1 to 9; 0 for an amount that has none (zero or less).
    first_digit smallint NOT NULL
);
CREATE INDEX claim_rows_claimant ON claim_rows (claimant, occurred_at)
    INCLUDE (first_digit);

-- An amount that is not a whole number of fen is left out here rather than
-- refusing the fact: the claim is still kept, and self_approval still sees
-- it. In PL/pgSQL rather than SQL, here and for the other narrow tables: a
-- SQL function that writes is planned again at every call, a PL/pgSQL
-- statement once a session.
CREATE FUNCTION risk_index_claim(f facts) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claim_rows (fact_id, claimant, occurred_at, amount_fen, first_digit)
    SELECT f.id, f.data->'claimant'->>'person_id', f.occurred_at, a.fen,
           CASE WHEN a.fen > 0 THEN left(a.fen::text, 1)::smallint ELSE 0 END
      FROM (SELECT (f.data->>'amount_fen')::bigint AS fen
             WHERE f.data->>'amount_fen' ~ '^-?[0-9]{1,18}$') a
     WHERE coalesce(f.data->'claimant'->>'person_id', '') <> ''
    ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION risk_claim_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM risk_index_claim(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER facts_claim_indexed AFTER INSERT ON facts
    FOR EACH ROW WHEN (NEW.subject = 'ent.finance.expense.claimed')
    EXECUTE FUNCTION risk_claim_kept();

SELECT risk_index_claim(f) FROM facts f WHERE f.subject = 'ent.finance.expense.claimed';

-- The same test and the same explanation as before, from claim_rows. A
-- claimant whose hit for the year is kept already is not counted again:
-- the hit would be refused as a repeat.
CREATE OR REPLACE FUNCTION ind_benford(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH me AS MATERIALIZED (
        SELECT x.claimant, x.hit_key,
               EXISTS (SELECT 1 FROM hits h
                        WHERE h.indicator = 'benford' AND h.hit_key = x.hit_key) AS known
          FROM (SELECT f.data->'claimant'->>'person_id' AS claimant,
                       concat_ws('|', f.data->'claimant'->>'person_id',
                                 extract(year FROM f.occurred_at)) AS hit_key) x
    ), claims AS MATERIALIZED (
        SELECT c.fact_id, c.first_digit
          FROM me, claim_rows c
         WHERE NOT me.known AND c.claimant = me.claimant
           AND c.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND c.occurred_at <= f.occurred_at
    ), digits AS MATERIALIZED (
        SELECT first_digit AS d, count(*) AS k FROM claims WHERE first_digit > 0 GROUP BY 1
    ), m AS MATERIALIZED (
        SELECT (SELECT count(*) FROM claims) AS n,
               (SELECT avg(abs(coalesce(dg.k, 0) / t.total - log(1 + 1.0 / g.d)))
                  FROM generate_series(1, 9) AS g(d) LEFT JOIN digits dg ON dg.d = g.d,
                       (SELECT sum(k)::double precision AS total FROM digits) t
                 WHERE t.total > 0) AS mad,
               (SELECT array_agg(fact_id ORDER BY fact_id) FROM claims) AS ids,
               (SELECT jsonb_object_agg(d, k) FROM digits) AS digits
    )
    SELECT me.hit_key, f.occurred_at, f.data->'unit'->>'unit_code',
           jsonb_build_object('claims', n, 'mad', round(mad::numeric, 5),
                              'mad_limit', p->'mad_limit', 'first_digits', digits,
                              'days', p->'days'),
           ids,
           risk_entity('person', me.claimant) || risk_entity('unit', f.data->'unit'->>'unit_code')
      FROM me, m
     WHERE coalesce(me.claimant, '') <> ''
       AND n >= (p->>'min_count')::integer AND mad > (p->>'mad_limit')::double precision
$$;

-- Every statement an event runs through this function, the indicators'
-- too, keeps one generic plan for the session.
ALTER FUNCTION risk_take_event(text, text, text, timestamptz, jsonb)
    SET plan_cache_mode = force_generic_plan;

-- The same test as before, with the fences computed once: planned
-- generically, the fences' aggregate was joined to each supplier of the
-- category and computed again for every one of them (152 times at an
-- award of a category with 304 suppliers).
CREATE OR REPLACE FUNCTION ind_win_ratio(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH per AS MATERIALIZED (
        SELECT b.credit_code, count(*) AS bids, count(*) FILTER (WHERE b.won) AS wins
          FROM award_bids b
         WHERE b.category = f.data->>'category'
           AND b.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND b.occurred_at <= f.occurred_at
         GROUP BY b.credit_code
        HAVING count(*) >= (p->>'min_bids')::integer
    ), fence AS MATERIALIZED (
        SELECT n, q1, q3, q3 + (p->>'iqr_factor')::double precision * (q3 - q1) AS upper
          FROM (SELECT count(*) AS n,
                       risk_quantile8(array_agg(wins::double precision / bids
                                                ORDER BY wins::double precision / bids), 0.25) AS q1,
                       risk_quantile8(array_agg(wins::double precision / bids
                                                ORDER BY wins::double precision / bids), 0.75) AS q3
                  FROM per) q
    ), outliers AS MATERIALIZED (
        SELECT per.*, concat_ws('|', f.data->>'category', per.credit_code) AS hit_key
          FROM per, fence
         WHERE fence.n >= (p->>'min_suppliers')::integer AND fence.q1 > 0 AND fence.upper > 0
           AND per.wins >= (p->>'min_wins')::integer
           AND per.wins::double precision / per.bids > fence.upper
    )
    SELECT o.hit_key, f.occurred_at, f.data->'buyer'->>'unit_code',
           jsonb_build_object('credit_code', o.credit_code, 'bids', o.bids, 'wins', o.wins,
                              'ratio', round(o.wins::numeric / o.bids, 4),
                              'peer_group', jsonb_build_object('category', f.data->>'category',
                                                               'suppliers', fence.n),
                              'q1', round(fence.q1::numeric, 4), 'q3', round(fence.q3::numeric, 4),
                              'upper_fence', round(fence.upper::numeric, 4)),
           -- The awards it bid in, read only for a supplier that fires.
           ARRAY(SELECT b.fact_id FROM award_bids b
                  WHERE b.category = f.data->>'category' AND b.credit_code = o.credit_code
                    AND b.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
                    AND b.occurred_at <= f.occurred_at
                  ORDER BY b.fact_id),
           risk_entity('supplier', o.credit_code)
      FROM outliers o, fence
     WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.indicator = 'win_ratio' AND h.hit_key = o.hit_key)
$$;

-- The award's rows as before (the statements are those of the peer
-- indicators' migration), in PL/pgSQL so that they are planned once a
-- session: 0.58 ms an award as SQL, most of it planning.
CREATE OR REPLACE FUNCTION risk_index_award(f facts) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO award_rows (fact_id, unit_code, winner, price_fen, occurred_at)
    SELECT f.id, f.data->'buyer'->>'unit_code', coalesce(f.data->'winner'->>'credit_code', ''),
           coalesce((f.data->>'price_fen')::numeric, 0), f.occurred_at
     WHERE coalesce(f.data->'buyer'->>'unit_code', '') <> ''
    ON CONFLICT DO NOTHING;
    INSERT INTO award_gaps (fact_id, award_id, unit_code, category, occurred_at, winner_fen,
                            runner_up_fen, ratio)
    SELECT f.id, f.data->>'award_id', f.data->'buyer'->>'unit_code', f.data->>'category',
           f.occurred_at, (f.data->>'price_fen')::bigint, p.prices[2],
           (p.prices[2] - (f.data->>'price_fen')::double precision)
             / (f.data->>'price_fen')::double precision
      FROM (SELECT array_agg((b->>'price_fen')::bigint ORDER BY (b->>'price_fen')::bigint) AS prices
              FROM jsonb_array_elements(f.data->'bids') b
             WHERE (b->>'price_fen')::bigint > 0) p
     WHERE cardinality(p.prices) >= 2 AND (f.data->>'price_fen')::bigint > 0
       AND coalesce(f.data->'buyer'->>'unit_code', '') <> ''
       AND coalesce(f.data->>'category', '') <> ''
    ON CONFLICT DO NOTHING;
    INSERT INTO award_bids (fact_id, credit_code, category, occurred_at, won)
    SELECT DISTINCT ON (b->'supplier'->>'credit_code')
           f.id, b->'supplier'->>'credit_code', f.data->>'category', f.occurred_at,
           b->'supplier'->>'credit_code' = f.data->'winner'->>'credit_code'
      FROM jsonb_array_elements(f.data->'bids') b
     WHERE coalesce(b->'supplier'->>'credit_code', '') <> ''
       AND coalesce(f.data->>'category', '') <> ''
    ON CONFLICT DO NOTHING;
END $$;


-- Per contract signed: who bought from whom, of which kind, for how much,
-- so that split_purchase finds a buyer's contracts with one supplier from
-- a narrow index instead of reading all the buyer's facts of the window
-- and their JSON (0.6 ms a contract).
CREATE TABLE contract_rows (
    fact_id bigint PRIMARY KEY REFERENCES facts,
    buyer text NOT NULL,
    supplier text NOT NULL,
    -- The category's first part: materials, services or works.
    kind text NOT NULL,
    amount_fen bigint NOT NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX contract_rows_pair ON contract_rows (buyer, supplier, kind, occurred_at);

CREATE FUNCTION risk_index_contract(f facts) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contract_rows (fact_id, buyer, supplier, kind, amount_fen, occurred_at)
    SELECT f.id, f.data->'buyer'->>'unit_code', f.data->'supplier'->>'credit_code',
           split_part(f.data->>'category', '.', 1), (f.data->>'amount_fen')::bigint,
           f.occurred_at
     WHERE f.data->>'amount_fen' ~ '^-?[0-9]{1,18}$'
       AND coalesce(f.data->'buyer'->>'unit_code', '') <> ''
       AND coalesce(f.data->'supplier'->>'credit_code', '') <> ''
    ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION risk_contract_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM risk_index_contract(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER facts_contract_indexed AFTER INSERT ON facts
    FOR EACH ROW WHEN (NEW.subject = 'ent.procurement.contract.signed')
    EXECUTE FUNCTION risk_contract_kept();

SELECT risk_index_contract(f) FROM facts f WHERE f.subject = 'ent.procurement.contract.signed';

-- The same test and explanation as before, from contract_rows; the tender's
-- method is still looked up as the indicator runs, for the few contracts
-- of the pair.
CREATE OR REPLACE FUNCTION ind_split_purchase(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH kind AS (
        SELECT split_part(f.data->>'category', '.', 1) AS k,
               CASE split_part(f.data->>'category', '.', 1)
                    WHEN 'materials' THEN (p->>'goods_fen')::bigint
                    WHEN 'services' THEN (p->>'services_fen')::bigint
                    WHEN 'works' THEN (p->>'works_fen')::bigint END AS threshold
    ), contracts AS (
        SELECT r.fact_id AS id, r.amount_fen AS amount, r.occurred_at
          FROM kind, contract_rows r JOIN facts c ON c.id = r.fact_id
         WHERE r.buyer = f.data->'buyer'->>'unit_code'
           AND r.supplier = f.data->'supplier'->>'credit_code'
           AND r.kind = kind.k
           AND r.occurred_at >= f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND r.occurred_at <= f.occurred_at
           AND r.amount_fen < kind.threshold
           AND risk_contract_method_in(c, p->'methods')
    )
    SELECT concat_ws('|', f.data->'buyer'->>'unit_code', f.data->'supplier'->>'credit_code',
                     min(c.occurred_at)::date),
           f.occurred_at, f.data->'buyer'->>'unit_code',
           jsonb_build_object('contracts', count(*), 'sum_fen', sum(c.amount),
                              'threshold_fen', kind.threshold, 'kind', kind.k,
                              'days', p->'days',
                              'amounts_fen', jsonb_agg(c.amount ORDER BY c.occurred_at)),
           array_agg(c.id ORDER BY c.id),
           risk_entity('unit', f.data->'buyer'->>'unit_code')
             || risk_entity('supplier', f.data->'supplier'->>'credit_code')
             || risk_entity('person', f.data->'signer'->>'person_id')
      FROM contracts c, kind
     WHERE kind.threshold IS NOT NULL
       AND (f.data->>'amount_fen')::bigint < kind.threshold
       AND risk_contract_method_in(f, p->'methods')
     GROUP BY kind.k, kind.threshold
    HAVING count(*) > 1 AND sum(c.amount) > kind.threshold
$$;

-- All the indicators of a fact's subject in one statement. Run one by one,
-- each behind its own savepoint, a fact's indicators cost as much again
-- as their own work in the statements and savepoints around them. The
-- fast path below runs them together and falls back to one at a time,
-- each failure recorded, only when one of them fails. Written, like
-- risk_run_indicator(), from the rows of indicators and
-- indicator_subjects, again whenever they change; whether an indicator
-- is enabled and its parameters are read as it runs.
CREATE OR REPLACE FUNCTION risk_build_dispatch() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    branches text;
    subjects text;
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
    SELECT string_agg(format('WHEN %L THEN RETURN QUERY %s;', subject, runs), E'\n'
                      ORDER BY subject)
      INTO subjects
      FROM (SELECT s.subject,
                   string_agg(format('SELECT i, x FROM indicators i, LATERAL %I(f, i.params) x'
                                     ' WHERE i.code = %L AND i.enabled',
                                     'ind_' || i.code, i.code), ' UNION ALL ' ORDER BY i.code) AS runs
              FROM indicator_subjects s JOIN indicators i ON i.code = s.indicator
             GROUP BY s.subject) x;
    EXECUTE format($fn$
        CREATE OR REPLACE FUNCTION risk_run_subject(f facts)
        RETURNS TABLE (ind indicators, c hit_candidate) LANGUAGE plpgsql STABLE AS $body$
        BEGIN
            CASE f.subject %s
            ELSE NULL;
            END CASE;
        END $body$ $fn$, coalesce(subjects, ''));
END $$;

CREATE TRIGGER indicator_subjects_dispatch AFTER INSERT OR UPDATE OR DELETE ON indicator_subjects
    FOR EACH STATEMENT EXECUTE FUNCTION risk_indicators_changed();
SELECT risk_build_dispatch();

CREATE OR REPLACE FUNCTION risk_evaluate(p_fact_id bigint) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    f facts;
    ind indicators;
    c hit_candidate;
    r record;
    hit_id bigint;
    new_hits bigint[] := '{}';
BEGIN
    SELECT * INTO f FROM facts WHERE id = p_fact_id;
    BEGIN
        FOR r IN SELECT * FROM risk_run_subject(f) LOOP
            hit_id := risk_keep_hit(r.ind, r.c);
            IF hit_id IS NOT NULL THEN
                new_hits := new_hits || hit_id;
            END IF;
        END LOOP;
        RETURN new_hits;
    EXCEPTION WHEN OTHERS THEN
        -- Undone whole; below, each indicator on its own.
        new_hits := '{}';
    END;
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
