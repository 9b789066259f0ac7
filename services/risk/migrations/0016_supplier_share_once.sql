-- risk: supplier_share reads the award's own values once.
--
-- The share of a unit's awards that went to this award's winner was
-- summed with the winner's credit code read out of the award's JSON for
-- every award of the unit's window, three times each (863 awards, so
-- 2,589 reads, at a unit of the benchmark's stream): 0.52 to 0.58 ms an
-- award. Read once, beside the window's start, the same sums cost 0.23 to
-- 0.36 ms. The test, its parameters and its explanation are unchanged.
CREATE OR REPLACE FUNCTION ind_supplier_share(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH me AS MATERIALIZED (
        SELECT f.data->'buyer'->>'unit_code' AS unit, f.data->'winner'->>'credit_code' AS winner,
               f.occurred_at - make_interval(days => (p->>'days')::integer) AS since
    ), totals AS (
        SELECT count(*) AS n, sum(a.price_fen) AS total,
               sum(a.price_fen) FILTER (WHERE a.winner = me.winner) AS mine,
               count(*) FILTER (WHERE a.winner = me.winner) AS mine_n,
               array_agg(a.fact_id ORDER BY a.fact_id) FILTER (WHERE a.winner = me.winner) AS ids
          FROM me, award_rows a
         WHERE a.unit_code = me.unit AND a.occurred_at > me.since AND a.occurred_at <= f.occurred_at
    )
    SELECT concat_ws('|', me.unit, me.winner, extract(year FROM f.occurred_at)),
           f.occurred_at, me.unit,
           jsonb_build_object('awards', n, 'total_fen', total, 'supplier_fen', mine,
                              'supplier_awards', mine_n, 'share', round(mine / nullif(total, 0), 4),
                              'limit', p->'share', 'days', p->'days'),
           ids,
           risk_entity('unit', me.unit) || risk_entity('supplier', me.winner)
      FROM me, totals
     WHERE mine_n >= (p->>'min_awards')::integer AND total > 0
       AND mine / nullif(total, 0) > (p->>'share')::numeric
$$;
