-- risk: the indicators that compare an award with its peers.
--
-- close_prices and win_ratio ask whether a value is an outlier among its
-- peer group, by Tukey's fences on quartiles (Hyndman and Fan's type 8, as
-- cardinal-rs computes them). Reading every award's bids out of the facts'
-- JSON for each new award would cost a scan of the group per event, so two
-- narrow tables keep what the comparisons need, filled by a trigger as each
-- award is kept (and here from the awards already kept). They are derived
-- from facts and never the only record of anything.

-- Per award with two bids or more: how close the runner-up came.
CREATE TABLE award_gaps (
    fact_id bigint PRIMARY KEY REFERENCES facts,
    award_id text NOT NULL,
    unit_code text NOT NULL,
    category text NOT NULL,
    occurred_at timestamptz NOT NULL,
    winner_fen bigint NOT NULL,
    runner_up_fen bigint NOT NULL,
    -- (runner-up - winner) / winner: the runner-up is the second lowest bid.
    ratio double precision NOT NULL
);
CREATE INDEX award_gaps_group ON award_gaps (category, occurred_at);

-- Per award: who bought, who won, at what price (supplier_share sums them
-- over a unit's window: reading each award's JSON for that cost 6 ms an
-- award at 40,000 facts).
CREATE TABLE award_rows (
    fact_id bigint PRIMARY KEY REFERENCES facts,
    unit_code text NOT NULL,
    winner text NOT NULL,
    price_fen numeric NOT NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX award_rows_unit ON award_rows (unit_code, occurred_at);

-- Per award and bidder: whether it won.
CREATE TABLE award_bids (
    fact_id bigint NOT NULL REFERENCES facts,
    credit_code text NOT NULL,
    category text NOT NULL,
    occurred_at timestamptz NOT NULL,
    won boolean NOT NULL,
    PRIMARY KEY (fact_id, credit_code)
);
CREATE INDEX award_bids_category ON award_bids (category, occurred_at);

CREATE FUNCTION risk_index_award(f facts) RETURNS void
LANGUAGE sql AS $$
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
$$;

CREATE FUNCTION risk_award_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM risk_index_award(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER facts_award_indexed AFTER INSERT ON facts
    FOR EACH ROW WHEN (NEW.subject = 'ent.procurement.award.made')
    EXECUTE FUNCTION risk_award_kept();

SELECT risk_index_award(f) FROM facts f WHERE f.subject = 'ent.procurement.award.made';

-- The peer group of a unit at a level of the org tree: its ancestor at that
-- level (hq.east for hq.east.city_a at level 2), or the unit itself when it
-- sits higher; NULL while the service does not know the unit.
CREATE FUNCTION risk_peer_path(code text, level integer) RETURNS ltree
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN nlevel(u.path) > level THEN subpath(u.path, 0, level) ELSE u.path END
      FROM units u WHERE u.code = risk_peer_path.code
$$;

INSERT INTO indicators (code, area, name_zh, name_en, basis, weight, window_days, heavy, params,
                        defaults, param_rules) VALUES
('close_prices', 'procurement', '中标价与次低价异常接近', 'Winner and runner-up unusually close',
 '《招标投标法实施条例》第四十条（投标报价呈规律性差异视为串通投标）. cardinal-rs "close submitted prices": (runner-up - winner) / winner below the lower fence Q1 - 1.5 IQR of the peer group (buyer''s unit at the given level and procurement category), when the group has enough awards.',
 0.4, 365, false, '{"min_group": 20, "iqr_factor": 1.5, "days": 365, "peer_level": 2}',
 '{"min_group": 20, "iqr_factor": 1.5, "days": 365, "peer_level": 2}',
 '{"min_group": {"min": 5, "max": 10000, "unit": "awards", "en": "awards in the peer group at least", "zh": "同组中标至少"}, "iqr_factor": {"min": 0.5, "max": 5, "unit": "IQR", "en": "fence below Q1 by this many interquartile ranges", "zh": "下限为Q1减去四分位距的倍数"}, "days": {"min": 30, "max": 1095, "unit": "days", "en": "awards of the window", "zh": "统计期"}, "peer_level": {"min": 1, "max": 6, "unit": "level", "en": "peer group: the buyer''s unit at this level of the org tree (2: province)", "zh": "同组单位层级（2为省公司）"}}'),
('win_ratio', 'procurement', '投标人中标率异常', 'A tenderer''s win ratio an outlier',
 'cardinal-rs "high win ratio": a supplier''s wins / bids in a procurement category above the upper fence Q3 + 1.5 IQR of the suppliers with enough bids (围标、陪标 patterns).',
 0.4, 365, false, '{"min_bids": 5, "min_wins": 4, "min_suppliers": 10, "iqr_factor": 1.5, "days": 365}',
 '{"min_bids": 5, "min_wins": 4, "min_suppliers": 10, "iqr_factor": 1.5, "days": 365}',
 '{"min_wins": {"min": 1, "max": 1000, "unit": "wins", "en": "the supplier''s wins in the category at least", "zh": "供应商中标次数至少"}, "min_bids": {"min": 2, "max": 1000, "unit": "bids", "en": "a supplier''s bids in the category at least", "zh": "供应商投标次数至少"}, "min_suppliers": {"min": 4, "max": 10000, "unit": "suppliers", "en": "suppliers to compare at least", "zh": "参与比较的供应商至少"}, "iqr_factor": {"min": 0.5, "max": 5, "unit": "IQR", "en": "fence above Q3 by this many interquartile ranges", "zh": "上限为Q3加上四分位距的倍数"}, "days": {"min": 30, "max": 1095, "unit": "days", "en": "bids of the window", "zh": "统计期"}}');

INSERT INTO indicator_subjects (indicator, subject) VALUES
    ('close_prices', 'ent.procurement.award.made'),
    ('win_ratio', 'ent.procurement.award.made');

-- Each award of the peer group in the window up to this one is compared
-- with the group's fences as they stand now, not only this award: an
-- award that came while its group was still too small to compare is
-- judged once the group has grown. Each fires once.
CREATE FUNCTION ind_close_prices(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH me AS (
        SELECT risk_peer_path(f.data->'buyer'->>'unit_code', (p->>'peer_level')::integer) AS peer,
               f.data->>'category' AS category
    ), grp AS (
        SELECT g.* FROM me, award_gaps g JOIN units u ON u.code = g.unit_code
         WHERE g.category = me.category AND u.path <@ me.peer
           AND g.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND g.occurred_at <= f.occurred_at
    ), q AS (
        SELECT count(*) AS n,
               risk_quantile8(array_agg(ratio ORDER BY ratio), 0.25) AS q1,
               risk_quantile8(array_agg(ratio ORDER BY ratio), 0.75) AS q3
          FROM grp
    ), fence AS (
        SELECT n, q1, q3, q1 - (p->>'iqr_factor')::double precision * (q3 - q1) AS lower FROM q
    )
    SELECT g.award_id, g.occurred_at, g.unit_code,
           jsonb_build_object('award_id', g.award_id, 'winner_price_fen', g.winner_fen,
                              'runner_up_price_fen', g.runner_up_fen,
                              'ratio', round(g.ratio::numeric, 5),
                              'peer_group', jsonb_build_object('unit_path', me.peer::text,
                                                               'category', me.category,
                                                               'awards', fence.n),
                              'q1', round(fence.q1::numeric, 5), 'q3', round(fence.q3::numeric, 5),
                              'lower_fence', round(fence.lower::numeric, 5)),
           ARRAY[g.fact_id],
           risk_entity('unit', g.unit_code)
             || risk_entity('supplier', a.data->'winner'->>'credit_code')
      FROM me, fence, grp g JOIN facts a ON a.id = g.fact_id
     WHERE me.peer IS NOT NULL
       AND fence.n >= (p->>'min_group')::integer AND fence.q1 > 0 AND fence.lower > 0
       AND g.ratio < fence.lower
       AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.indicator = 'close_prices'
                                             AND h.hit_key = g.award_id)
$$;

-- Each supplier's wins and bids in the category over the window up to
-- this award; among those with enough bids, the ones above the upper
-- fence fire, once per supplier and category. The fence is judged as the
-- awards come, so early in a window it rests on few bids per supplier,
-- where one award more or less moves a ratio past it (two wins of five
-- bids against a fence of 0.38, on generated clean data): a supplier also
-- needs enough wins.
CREATE FUNCTION ind_win_ratio(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH per AS (
        SELECT b.credit_code, count(*) AS bids, count(*) FILTER (WHERE b.won) AS wins
          FROM award_bids b
         WHERE b.category = f.data->>'category'
           AND b.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND b.occurred_at <= f.occurred_at
         GROUP BY b.credit_code
        HAVING count(*) >= (p->>'min_bids')::integer
    ), q AS (
        SELECT count(*) AS n,
               risk_quantile8(array_agg(wins::double precision / bids ORDER BY wins::double precision / bids), 0.25) AS q1,
               risk_quantile8(array_agg(wins::double precision / bids ORDER BY wins::double precision / bids), 0.75) AS q3
          FROM per
    ), fence AS (
        SELECT n, q1, q3, q3 + (p->>'iqr_factor')::double precision * (q3 - q1) AS upper FROM q
    )
    SELECT concat_ws('|', f.data->>'category', per.credit_code), f.occurred_at,
           f.data->'buyer'->>'unit_code',
           jsonb_build_object('credit_code', per.credit_code, 'bids', per.bids, 'wins', per.wins,
                              'ratio', round(per.wins::numeric / per.bids, 4),
                              'peer_group', jsonb_build_object('category', f.data->>'category',
                                                               'suppliers', fence.n),
                              'q1', round(fence.q1::numeric, 4), 'q3', round(fence.q3::numeric, 4),
                              'upper_fence', round(fence.upper::numeric, 4)),
           -- The awards it bid in, read only for a supplier that fires.
           ARRAY(SELECT b.fact_id FROM award_bids b
                  WHERE b.category = f.data->>'category' AND b.credit_code = per.credit_code
                    AND b.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
                    AND b.occurred_at <= f.occurred_at
                  ORDER BY b.fact_id),
           risk_entity('supplier', per.credit_code)
      FROM per, fence
     WHERE fence.n >= (p->>'min_suppliers')::integer AND fence.q1 > 0 AND fence.upper > 0
       AND per.wins >= (p->>'min_wins')::integer
       AND per.wins::double precision / per.bids > fence.upper
       AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.indicator = 'win_ratio'
                          AND h.hit_key = concat_ws('|', f.data->>'category', per.credit_code))
$$;

-- supplier_share as 0003 has it, on award_rows instead of each award's JSON.
CREATE OR REPLACE FUNCTION ind_supplier_share(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH awards AS (
        SELECT a.fact_id AS id, a.winner, a.price_fen AS price
          FROM award_rows a
         WHERE a.unit_code = f.data->'buyer'->>'unit_code'
           AND a.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND a.occurred_at <= f.occurred_at
    ), totals AS (
        SELECT count(*) AS n, sum(price) AS total,
               sum(price) FILTER (WHERE winner = f.data->'winner'->>'credit_code') AS mine,
               count(*) FILTER (WHERE winner = f.data->'winner'->>'credit_code') AS mine_n,
               array_agg(id ORDER BY id) FILTER (WHERE winner = f.data->'winner'->>'credit_code') AS ids
          FROM awards
    )
    SELECT concat_ws('|', f.data->'buyer'->>'unit_code', f.data->'winner'->>'credit_code',
                     extract(year FROM f.occurred_at)),
           f.occurred_at, f.data->'buyer'->>'unit_code',
           jsonb_build_object('awards', n, 'total_fen', total, 'supplier_fen', mine,
                              'supplier_awards', mine_n, 'share', round(mine / nullif(total, 0), 4),
                              'limit', p->'share', 'days', p->'days'),
           ids,
           risk_entity('unit', f.data->'buyer'->>'unit_code')
             || risk_entity('supplier', f.data->'winner'->>'credit_code')
      FROM totals
     WHERE mine_n >= (p->>'min_awards')::integer AND total > 0
       AND mine / nullif(total, 0) > (p->>'share')::numeric
$$;
