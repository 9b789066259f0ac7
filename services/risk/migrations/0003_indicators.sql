-- risk: indicators (风险指标), their hits, and the scores they add up to.
--
-- An indicator is a row: its code, names, the rule it rests on, its weight
-- and window, and its parameters with their defaults and limits. What it
-- tests is a SQL function named ind_<code>(fact, params), run for each new
-- fact of the subjects listed in indicator_subjects, in the transaction that
-- keeps the fact: so a score moves as the events arrive. Each hit keeps the
-- inputs that made it fire and the facts they came from, and is never
-- changed: a score is always explained by its hits.

CREATE TABLE indicators (
    code text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
    area text NOT NULL CHECK (area IN ('procurement', 'finance', 'people')),
    name_zh text NOT NULL,
    name_en text NOT NULL,
    -- The rule, regulation or method it rests on, cited so a reader can
    -- look it up.
    basis text NOT NULL,
    weight numeric(5, 2) NOT NULL CHECK (weight >= 0 AND weight <= 10),
    -- A hit counts towards a score for this many days after the facts
    -- that made it fire.
    window_days integer NOT NULL CHECK (window_days BETWEEN 1 AND 3650),
    -- A heavy indicator raises an alert by itself, whatever the score.
    heavy boolean NOT NULL DEFAULT false,
    params jsonb NOT NULL,
    defaults jsonb NOT NULL,
    -- For each parameter: {"min": .., "max": .., "unit": "..", "en": "..",
    -- "zh": ".."} for a number, {"choices": [..], ...} for a list of words.
    param_rules jsonb NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT ''
);

CREATE TABLE indicator_subjects (
    indicator text NOT NULL REFERENCES indicators,
    subject text NOT NULL REFERENCES event_kinds,
    PRIMARY KEY (indicator, subject)
);
CREATE INDEX indicator_subjects_subject ON indicator_subjects (subject);

-- Bands of a score: low below medium_from, high from high_from (the
-- Ukrainian audit service's queue uses 0.5 and 1.2).
CREATE TABLE score_bands (
    one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    medium_from numeric(6, 2) NOT NULL,
    high_from numeric(6, 2) NOT NULL,
    CHECK (0 < medium_from AND medium_from < high_from)
);
INSERT INTO score_bands VALUES (true, 0.5, 1.2);

CREATE TABLE hits (
    id bigserial PRIMARY KEY,
    indicator text NOT NULL REFERENCES indicators,
    -- What the hit is about (an award, a claimant in a year): an indicator
    -- fires once for it, however often its facts are evaluated.
    hit_key text NOT NULL,
    -- When the facts happened (not when they arrived): the window counts
    -- from here.
    fired_at timestamptz NOT NULL,
    found_at timestamptz NOT NULL DEFAULT now(),
    unit_code text NOT NULL DEFAULT '',
    -- The inputs that made it fire, with the parameters used.
    inputs jsonb NOT NULL,
    fact_ids bigint[] NOT NULL,
    UNIQUE (indicator, hit_key)
);
CREATE INDEX hits_fired ON hits (fired_at);

-- Whom a hit counts against: people, units, suppliers.
CREATE TABLE hit_entities (
    hit_id bigint NOT NULL REFERENCES hits,
    entity_kind text NOT NULL CHECK (entity_kind IN ('person', 'unit', 'supplier')),
    entity_id text NOT NULL CHECK (entity_id <> ''),
    PRIMARY KEY (hit_id, entity_kind, entity_id)
);
CREATE INDEX hit_entities_entity ON hit_entities (entity_kind, entity_id);

CREATE TRIGGER hits_immutable BEFORE UPDATE OR DELETE ON hits
    FOR EACH ROW EXECUTE FUNCTION facts_immutable();
CREATE TRIGGER hit_entities_immutable BEFORE UPDATE OR DELETE ON hit_entities
    FOR EACH ROW EXECUTE FUNCTION facts_immutable();

-- The score of each entity that has ever had a hit, written at each hit so
-- that a rise of its band is seen when it happens, and brought down by the
-- service's ticker as hits leave their windows (0006_rescore.sql);
-- risk_score_of() is exact at any time.
CREATE TABLE scores (
    entity_kind text NOT NULL,
    entity_id text NOT NULL,
    score numeric(8, 2) NOT NULL,
    band text NOT NULL CHECK (band IN ('low', 'medium', 'high')),
    -- The unit whose scope it is in: a person's or unit's own, a
    -- supplier's most recent buyer.
    unit_code text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- When the score changes next without a new hit: the earliest moment
    -- one of its hits leaves its window (NULL: none is in one). The ticker
    -- looks only at the rows whose moment has come.
    next_change_at timestamptz,
    PRIMARY KEY (entity_kind, entity_id)
);
CREATE INDEX scores_rank ON scores (entity_kind, score DESC);
CREATE INDEX scores_next_change ON scores (next_change_at) WHERE next_change_at IS NOT NULL;

-- Rows of the indicators and their defaults. Weights: 0.3 to 0.4 for an
-- ordinary indicator, so that two reach "medium" and four "high"; 0.8 for
-- a heavy one, which raises an alert by itself besides.
INSERT INTO indicators (code, area, name_zh, name_en, basis, weight, window_days, heavy, params,
                        defaults, param_rules) VALUES
('single_bid', 'procurement', '仅一家投标', 'Single bid',
 '《招标投标法》第二十八条：投标人少于三个的，招标人应当依法重新招标. Open Contracting red flag "single bid received" (cardinal-rs).',
 0.4, 365, false, '{"methods": ["open", "invited"]}', '{"methods": ["open", "invited"]}',
 '{"methods": {"choices": ["open", "invited", "competitive_negotiation", "inquiry", "single_source"], "en": "tender methods it applies to", "zh": "适用的采购方式"}}'),
('short_bid_period', 'procurement', '投标期过短', 'Short bid period',
 '《招标投标法》第二十四条（自招标文件发出至投标截止最短不得少于二十日）. cardinal-rs defaults: 15 days, 10 for emergencies, 25 for international tenders.',
 0.3, 365, false, '{"min_days": 15, "emergency_days": 10, "international_days": 25}',
 '{"min_days": 15, "emergency_days": 10, "international_days": 25}',
 '{"min_days": {"min": 1, "max": 90, "unit": "days", "en": "shortest bid period", "zh": "最短投标期"}, "emergency_days": {"min": 1, "max": 90, "unit": "days", "en": "shortest for an emergency purchase", "zh": "紧急采购最短投标期"}, "international_days": {"min": 1, "max": 120, "unit": "days", "en": "shortest for an international tender", "zh": "国际招标最短投标期"}}'),
('identical_bids', 'procurement', '投标报价相同', 'Identical bid prices',
 '《招标投标法实施条例》第四十条：不同投标人的投标报价呈规律性差异或者异常一致的，视为投标人相互串通投标.',
 0.8, 365, true, '{}', '{}', '{}'),
('heavy_discount', 'procurement', '中标价大幅低于预算', 'Heavy discount',
 '《招标投标法》第三十三条：投标人不得以低于成本的报价竞标. cardinal-rs "high discount" default 0.5.',
 0.3, 365, false, '{"max_ratio": 0.5}', '{"max_ratio": 0.5}',
 '{"max_ratio": {"min": 0.05, "max": 1, "unit": "ratio", "en": "winning price / estimate below", "zh": "中标价/预算低于"}}'),
('supplier_share', 'procurement', '单一供应商份额过高', 'One supplier''s share of a unit''s awards',
 'Open Contracting red flag "high market share of a supplier": a unit''s awarded value going mostly to one supplier.',
 0.4, 365, false, '{"share": 0.5, "min_awards": 5, "days": 365}', '{"share": 0.5, "min_awards": 5, "days": 365}',
 '{"share": {"min": 0.1, "max": 1, "unit": "ratio", "en": "share of the awarded value above", "zh": "中标金额占比超过"}, "min_awards": {"min": 2, "max": 1000, "unit": "awards", "en": "the supplier''s awards from the unit at least", "zh": "该供应商中标次数至少"}, "days": {"min": 30, "max": 1095, "unit": "days", "en": "window", "zh": "统计期"}}'),
('split_purchase', 'procurement', '化整为零规避招标', 'Purchase split to stay under the tender threshold',
 '《招标投标法》第四条：任何单位和个人不得将依法必须进行招标的项目化整为零或者以其他任何方式规避招标. Thresholds of 《必须招标的工程项目规定》（国家发展改革委令第16号）: goods 2,000,000 yuan, services 1,000,000, works 4,000,000.',
 0.8, 365, true, '{"days": 30, "methods": ["inquiry", "single_source"], "goods_fen": 200000000, "services_fen": 100000000, "works_fen": 400000000}',
 '{"days": 30, "methods": ["inquiry", "single_source"], "goods_fen": 200000000, "services_fen": 100000000, "works_fen": 400000000}',
 '{"methods": {"choices": ["open", "invited", "competitive_negotiation", "inquiry", "single_source"], "en": "tender methods that count (a contract without a tender always counts)", "zh": "计入的采购方式（无招标的合同均计入）"}, "days": {"min": 1, "max": 365, "unit": "days", "en": "window", "zh": "统计期"}, "goods_fen": {"min": 1, "max": 100000000000, "unit": "fen", "en": "threshold for goods (materials.*)", "zh": "货物招标限额"}, "services_fen": {"min": 1, "max": 100000000000, "unit": "fen", "en": "threshold for services (services.*)", "zh": "服务招标限额"}, "works_fen": {"min": 1, "max": 100000000000, "unit": "fen", "en": "threshold for works (works.*)", "zh": "工程招标限额"}}'),
('self_approval', 'finance', '自批自报', 'Claimant approved their own claim',
 '《企业内部控制基本规范》第二十九条：不相容职务分离控制（经办与审批分离）.',
 0.8, 365, true, '{}', '{}', '{}'),
('benford', 'finance', '报销金额首位数字偏离本福特定律', 'First digits of a claimant''s claims far from Benford''s law',
 'Nigrini, Benford''s Law (2012): first-digit mean absolute deviation above 0.015 is nonconforming (0.006 close, 0.012 acceptable, 0.015 marginal); needs enough values.',
 0.4, 365, false, '{"mad_limit": 0.015, "min_count": 50, "days": 365}', '{"mad_limit": 0.015, "min_count": 50, "days": 365}',
 '{"days": {"min": 30, "max": 1095, "unit": "days", "en": "claims of the window", "zh": "统计期"}, "mad_limit": {"min": 0.001, "max": 0.1, "unit": "MAD", "en": "mean absolute deviation above", "zh": "平均绝对偏差超过"}, "min_count": {"min": 10, "max": 10000, "unit": "claims", "en": "claims in the window at least", "zh": "统计期内报销笔数至少"}}'),
('account_change_payment', 'finance', '变更收款账户后大额付款', 'Large payment shortly after a supplier''s bank account changed',
 'Payment diversion ("business e-mail compromise") red flag: a large payment into a supplier account changed shortly before.',
 0.8, 365, true, '{"days": 30, "min_amount_fen": 100000000}', '{"days": 30, "min_amount_fen": 100000000}',
 '{"days": {"min": 1, "max": 365, "unit": "days", "en": "change at most this long before", "zh": "变更后天数"}, "min_amount_fen": {"min": 1, "max": 100000000000, "unit": "fen", "en": "payment at least", "zh": "付款金额至少"}}');

INSERT INTO indicator_subjects (indicator, subject) VALUES
    ('single_bid', 'ent.procurement.award.made'),
    ('short_bid_period', 'ent.procurement.tender.published'),
    ('identical_bids', 'ent.procurement.award.made'),
    ('heavy_discount', 'ent.procurement.award.made'),
    ('supplier_share', 'ent.procurement.award.made'),
    ('split_purchase', 'ent.procurement.contract.signed'),
    ('self_approval', 'ent.finance.expense.claimed'),
    ('benford', 'ent.finance.expense.claimed'),
    ('account_change_payment', 'ent.finance.payment.made');

-- What an indicator function answers: zero or more hits, each with whom it
-- counts against ([{"kind": "unit", "id": "city_a"}, ...]).
CREATE TYPE hit_candidate AS (
    hit_key text,
    fired_at timestamptz,
    unit_code text,
    inputs jsonb,
    fact_ids bigint[],
    entities jsonb
);

-- The entities of a JSON list, skipping empty ids.
CREATE FUNCTION risk_entity(kind text, id text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce(id, '') = '' THEN '[]'::jsonb
                ELSE jsonb_build_array(jsonb_build_object('kind', kind, 'id', id)) END
$$;

-- Hyndman and Fan's quantile type 8 (median-unbiased) of a sorted array,
-- as cardinal-rs computes its quartiles.
CREATE FUNCTION risk_quantile8(sorted double precision[], p double precision)
RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n integer := cardinality(sorted);
    h double precision;
    lo integer;
BEGIN
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    h := (n + 1.0 / 3) * p + 1.0 / 3;
    IF h <= 1 THEN
        RETURN sorted[1];
    ELSIF h >= n THEN
        RETURN sorted[n];
    END IF;
    lo := floor(h);
    RETURN sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
END $$;

-- The mean absolute deviation of the first digits of amounts from
-- Benford's law: the mean over the digits 1..9 of |observed share -
-- log10(1 + 1/d)|.
CREATE FUNCTION risk_benford_mad(amounts bigint[]) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
    WITH firsts AS (
        SELECT left(a::text, 1)::integer AS d FROM unnest(amounts) a WHERE a > 0
    ), n AS (SELECT count(*)::double precision AS total FROM firsts)
    SELECT avg(abs(coalesce((SELECT count(*) FROM firsts WHERE firsts.d = g.d), 0) / n.total
                   - log(1 + 1.0 / g.d)))
      FROM generate_series(1, 9) AS g(d), n
     WHERE n.total > 0
$$;

-- --- the indicators -----------------------------------------------------------

CREATE FUNCTION ind_single_bid(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT f.data->>'award_id', f.occurred_at, f.data->'buyer'->>'unit_code',
           jsonb_build_object('tender_id', f.data->>'tender_id', 'method', f.data->>'method',
                              'bids', jsonb_array_length(f.data->'bids'),
                              'winner', f.data->'winner'),
           ARRAY[f.id],
           risk_entity('unit', f.data->'buyer'->>'unit_code')
             || risk_entity('supplier', f.data->'winner'->>'credit_code')
             || risk_entity('person', f.data->'approver'->>'person_id')
     WHERE jsonb_array_length(f.data->'bids') = 1
       AND p->'methods' ? (f.data->>'method')
$$;

CREATE FUNCTION ind_short_bid_period(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH t AS (
        SELECT (f.data->>'published_at')::timestamptz AS published,
               (f.data->>'bid_deadline_at')::timestamptz AS deadline,
               CASE WHEN (f.data->>'emergency')::boolean THEN (p->>'emergency_days')::numeric
                    WHEN (f.data->>'international')::boolean THEN (p->>'international_days')::numeric
                    ELSE (p->>'min_days')::numeric END AS limit_days
    )
    SELECT f.data->>'tender_id', t.published, f.data->'buyer'->>'unit_code',
           jsonb_build_object('published_at', f.data->'published_at',
                              'bid_deadline_at', f.data->'bid_deadline_at',
                              'days', round(extract(epoch FROM t.deadline - t.published) / 86400, 2),
                              'limit_days', t.limit_days,
                              'emergency', f.data->'emergency',
                              'international', f.data->'international',
                              'method', f.data->>'method'),
           ARRAY[f.id],
           risk_entity('unit', f.data->'buyer'->>'unit_code')
             || risk_entity('person', f.data->'officer'->>'person_id')
      FROM t
     WHERE t.published IS NOT NULL AND t.deadline IS NOT NULL
       AND t.deadline - t.published < make_interval(days => t.limit_days::integer)
$$;

CREATE FUNCTION ind_identical_bids(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH same AS (
        SELECT (b->>'price_fen')::bigint AS price,
               jsonb_agg(DISTINCT b->'supplier'->>'credit_code') AS suppliers
          FROM jsonb_array_elements(f.data->'bids') b
         WHERE (b->>'price_fen')::bigint > 0
         GROUP BY 1
        HAVING count(DISTINCT b->'supplier'->>'credit_code') > 1
    )
    SELECT f.data->>'award_id', f.occurred_at, f.data->'buyer'->>'unit_code',
           jsonb_build_object('tender_id', f.data->>'tender_id',
                              'identical', jsonb_agg(jsonb_build_object('price_fen', price,
                                                                        'suppliers', suppliers))),
           ARRAY[f.id],
           risk_entity('unit', f.data->'buyer'->>'unit_code')
             || (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', 'supplier', 'id', s #>> '{}')), '[]')
                   FROM same, jsonb_array_elements(same.suppliers) s)
      FROM same
    HAVING count(*) > 0
$$;

CREATE FUNCTION ind_heavy_discount(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT f.data->>'award_id', f.occurred_at, f.data->'buyer'->>'unit_code',
           jsonb_build_object('tender_id', f.data->>'tender_id',
                              'price_fen', (f.data->>'price_fen')::bigint,
                              'estimated_value_fen', (f.data->>'estimated_value_fen')::bigint,
                              'ratio', round((f.data->>'price_fen')::numeric
                                             / nullif((f.data->>'estimated_value_fen')::numeric, 0), 4),
                              'max_ratio', p->'max_ratio'),
           ARRAY[f.id],
           risk_entity('unit', f.data->'buyer'->>'unit_code')
             || risk_entity('supplier', f.data->'winner'->>'credit_code')
     WHERE (f.data->>'estimated_value_fen')::bigint > 0
       AND (f.data->>'price_fen')::bigint > 0
       AND (f.data->>'price_fen')::numeric / nullif((f.data->>'estimated_value_fen')::numeric, 0)
           < (p->>'max_ratio')::numeric
$$;

-- The awards of the buying unit in the window before this one, through
-- the unit's parties (an indexed range), and the winner's share of their
-- value, once the winner has had enough of them. Fires once per unit,
-- supplier and year of the award.
CREATE FUNCTION ind_supplier_share(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH awards AS (
        SELECT a.id, a.data->'winner'->>'credit_code' AS winner,
               (a.data->>'price_fen')::numeric AS price
          FROM fact_parties u JOIN facts a ON a.id = u.fact_id
         WHERE u.party_kind = 'unit' AND u.role = 'buyer'
           AND u.party_id = f.data->'buyer'->>'unit_code'
           AND u.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND u.occurred_at <= f.occurred_at
           AND a.subject = 'ent.procurement.award.made'
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

-- Whether a contract was bought by one of methods: its tender's method
-- (from the tender's own event), or no tender at all.
CREATE FUNCTION risk_contract_method_in(c facts, methods jsonb) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(c.data->>'tender_id', '') = ''
        OR EXISTS (SELECT 1 FROM facts t
                    WHERE t.subject = 'ent.procurement.tender.published'
                      AND t.business_key = c.data->>'tender_id'
                      AND methods ? (t.data->>'method'))
$$;

-- Contracts of one unit with one supplier in the same kind of purchase,
-- bought without an open tender (inquiry, single source, or no tender),
-- each under the tender threshold of its kind, within the window up to
-- this one: their sum passing the threshold means the purchase was split.
CREATE FUNCTION ind_split_purchase(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH kind AS (
        SELECT split_part(f.data->>'category', '.', 1) AS k,
               CASE split_part(f.data->>'category', '.', 1)
                    WHEN 'materials' THEN (p->>'goods_fen')::bigint
                    WHEN 'services' THEN (p->>'services_fen')::bigint
                    WHEN 'works' THEN (p->>'works_fen')::bigint END AS threshold
    ), contracts AS (
        SELECT c.id, (c.data->>'amount_fen')::bigint AS amount, c.occurred_at
          FROM kind, fact_parties u JOIN facts c ON c.id = u.fact_id
         WHERE u.party_kind = 'unit' AND u.role = 'buyer'
           AND u.party_id = f.data->'buyer'->>'unit_code'
           AND u.occurred_at >= f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND u.occurred_at <= f.occurred_at
           AND c.subject = 'ent.procurement.contract.signed'
           AND risk_contract_method_in(c, p->'methods')
           AND c.data->'supplier'->>'credit_code' = f.data->'supplier'->>'credit_code'
           AND split_part(c.data->>'category', '.', 1) = kind.k
           AND (c.data->>'amount_fen')::bigint < kind.threshold
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

CREATE FUNCTION ind_self_approval(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT f.data->>'claim_id', f.occurred_at, f.data->'unit'->>'unit_code',
           jsonb_build_object('claimant', f.data->'claimant', 'approver', f.data->'approver',
                              'amount_fen', (f.data->>'amount_fen')::bigint,
                              'category', f.data->>'category'),
           ARRAY[f.id],
           risk_entity('person', f.data->'claimant'->>'person_id')
             || risk_entity('unit', f.data->'unit'->>'unit_code')
     WHERE coalesce(f.data->'claimant'->>'person_id', '') <> ''
       AND f.data->'claimant'->>'person_id' = f.data->'approver'->>'person_id'
$$;

-- The claimant's claims in the window up to this one; once there are
-- enough, their first digits against Benford's law. Fires once per
-- claimant and year.
CREATE FUNCTION ind_benford(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH claims AS (
        SELECT c.id, (c.data->>'amount_fen')::bigint AS amount
          FROM fact_parties u JOIN facts c ON c.id = u.fact_id
         WHERE u.party_kind = 'person' AND u.role = 'claimant'
           AND u.party_id = f.data->'claimant'->>'person_id'
           AND u.occurred_at > f.occurred_at - make_interval(days => (p->>'days')::integer)
           AND u.occurred_at <= f.occurred_at
    ), m AS (
        SELECT count(*) AS n, risk_benford_mad(array_agg(amount)) AS mad,
               array_agg(id ORDER BY id) AS ids,
               (SELECT jsonb_object_agg(d, k) FROM (
                    SELECT left(amount::text, 1) AS d, count(*) AS k FROM claims
                     WHERE amount > 0 GROUP BY 1) x) AS digits
          FROM claims
    )
    SELECT concat_ws('|', f.data->'claimant'->>'person_id', extract(year FROM f.occurred_at)),
           f.occurred_at, f.data->'unit'->>'unit_code',
           jsonb_build_object('claims', n, 'mad', round(mad::numeric, 5),
                              'mad_limit', p->'mad_limit', 'first_digits', digits,
                              'days', p->'days'),
           ids,
           risk_entity('person', f.data->'claimant'->>'person_id')
             || risk_entity('unit', f.data->'unit'->>'unit_code')
      FROM m
     WHERE coalesce(f.data->'claimant'->>'person_id', '') <> ''
       AND n >= (p->>'min_count')::integer AND mad > (p->>'mad_limit')::double precision
$$;

CREATE FUNCTION ind_account_change_payment(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT f.data->>'payment_id', f.occurred_at, f.data->'payer'->>'unit_code',
           jsonb_build_object('amount_fen', (f.data->>'amount_fen')::bigint,
                              'bank_account', f.data->>'bank_account',
                              'changed_at', c.data->'changed_at',
                              'old_account', c.data->>'old_account',
                              'days_between', round(extract(epoch FROM f.occurred_at - c.occurred_at) / 86400, 2),
                              'days', p->'days', 'min_amount_fen', p->'min_amount_fen'),
           ARRAY[c.id, f.id],
           risk_entity('unit', f.data->'payer'->>'unit_code')
             || risk_entity('supplier', f.data->'payee'->>'credit_code')
             || risk_entity('person', f.data->'approver'->>'person_id')
             || risk_entity('person', c.data->'changed_by'->>'person_id')
      FROM fact_parties s JOIN facts c ON c.id = s.fact_id
     WHERE (f.data->>'amount_fen')::bigint >= (p->>'min_amount_fen')::bigint
       AND s.party_kind = 'supplier' AND s.role = 'supplier'
       AND s.party_id = f.data->'payee'->>'credit_code'
       AND s.occurred_at <= f.occurred_at
       AND s.occurred_at >= f.occurred_at - make_interval(days => (p->>'days')::integer)
       AND c.subject = 'ent.finance.supplier_account.changed'
       AND c.data->>'new_account' = f.data->>'bank_account'
     ORDER BY c.occurred_at DESC
     LIMIT 1
$$;

-- --- evaluation, scores -----------------------------------------------------------

CREATE FUNCTION risk_band(score numeric) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN score >= b.high_from THEN 'high'
                WHEN score >= b.medium_from THEN 'medium' ELSE 'low' END
      FROM score_bands b
$$;

-- The score of one entity now: the weights of the indicators that run
-- whose hits on it are still in their windows (a disabled indicator's hits
-- stay, and count again when it is enabled).
CREATE FUNCTION risk_score_of(p_kind text, p_id text) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(i.weight), 0)
      FROM hit_entities e JOIN hits h ON h.id = e.hit_id JOIN indicators i ON i.code = h.indicator
     WHERE e.entity_kind = p_kind AND e.entity_id = p_id AND i.enabled
       AND h.fired_at > now() - make_interval(days => i.window_days)
$$;

-- The earliest moment one of the entity's hits leaves its window (NULL
-- when none is in one).
CREATE FUNCTION risk_next_change_of(p_kind text, p_id text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT min(h.fired_at + make_interval(days => i.window_days))
      FROM hit_entities e JOIN hits h ON h.id = e.hit_id JOIN indicators i ON i.code = h.indicator
     WHERE e.entity_kind = p_kind AND e.entity_id = p_id AND i.enabled
       AND h.fired_at > now() - make_interval(days => i.window_days)
$$;

-- Bring the entity's score up to date. Answers the band it had before
-- (NULL when it had none) and the band it has now.
CREATE FUNCTION risk_rescore(p_kind text, p_id text, p_unit text,
                             OUT old_band text, OUT new_band text, OUT new_score numeric)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT band INTO old_band FROM scores WHERE entity_kind = p_kind AND entity_id = p_id
       FOR UPDATE;
    new_score := risk_score_of(p_kind, p_id);
    new_band := risk_band(new_score);
    INSERT INTO scores (entity_kind, entity_id, score, band, unit_code, updated_at, next_change_at)
    VALUES (p_kind, p_id, new_score, new_band,
            CASE WHEN p_kind = 'unit' THEN p_id ELSE coalesce(p_unit, '') END, now(),
            risk_next_change_of(p_kind, p_id))
    ON CONFLICT (entity_kind, entity_id) DO UPDATE
       SET score = excluded.score, band = excluded.band, updated_at = excluded.updated_at,
           next_change_at = excluded.next_change_at,
           unit_code = CASE WHEN excluded.unit_code <> '' THEN excluded.unit_code
                            ELSE scores.unit_code END;
END $$;
