-- risk: conflicts of interest (利益冲突) in the enterprise's awards.
--
-- Two indicators look at each award against who the buying unit's cadres
-- are related to: conflict_declared against the relatives their integrity
-- files declare (a copy of the integrity service's directory, refreshed by
-- the service: relatives.c), conflict_undeclared against the household
-- register's extracts, matching people by their identity numbers (kept
-- only as keyed hashes, the same key for every event, so equal numbers
-- give equal hashes). An undeclared relative found so is also a
-- concealment finding for the cadre's integrity file (cg.evt.risk.
-- concealment.found, sent by the service with the hit).

-- The copy of the integrity service's directory: replaced whole at each
-- refresh, so a relative the office removes leaves it.
CREATE TABLE declared_relatives (
    id uuid PRIMARY KEY,
    cadre_person_id text NOT NULL,
    cadre_name text NOT NULL,
    -- The unit of the cadre's file.
    org_path ltree NOT NULL,
    relation text NOT NULL,
    name text NOT NULL,
    person_id text NOT NULL DEFAULT '',
    credit_codes text[] NOT NULL DEFAULT '{}',
    copied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX declared_relatives_path ON declared_relatives (org_path);
CREATE INDEX declared_relatives_cadre ON declared_relatives (cadre_person_id);

-- The members of each household extract, by the hash of their identity
-- number (derived from facts by a trigger, as award_gaps is).
CREATE TABLE household_members (
    fact_id bigint NOT NULL REFERENCES facts,
    cadre_person_id text NOT NULL,
    id_number text NOT NULL,
    name text NOT NULL,
    relation text NOT NULL,
    PRIMARY KEY (fact_id, id_number)
);
CREATE INDEX household_members_id ON household_members (id_number);

CREATE FUNCTION risk_index_household(f facts) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO household_members (fact_id, cadre_person_id, id_number, name, relation)
    SELECT DISTINCT ON (m->'person'->>'id_number')
           f.id, f.data->'person'->>'person_id', m->'person'->>'id_number',
           coalesce(m->'person'->>'name', ''), coalesce(m->>'relation', '')
      FROM jsonb_array_elements(f.data->'members') m
     WHERE coalesce(m->'person'->>'id_number', '') <> ''
       AND coalesce(f.data->'person'->>'person_id', '') <> ''
    ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION risk_household_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM risk_index_household(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER facts_household_indexed AFTER INSERT ON facts
    FOR EACH ROW WHEN (NEW.subject = 'ent.register.household.extracted')
    EXECUTE FUNCTION risk_household_kept();

SELECT risk_index_household(f) FROM facts f WHERE f.subject = 'ent.register.household.extracted';

-- The people a company's latest register extract names: its legal
-- representative and its shareholders who are people.
CREATE FUNCTION risk_company_people(p_credit_code text)
RETURNS TABLE (name text, id_number text, role text, share_basis_points integer, fact_id bigint)
LANGUAGE sql STABLE AS $$
    WITH latest AS (
        SELECT x.id, x.data FROM fact_parties p JOIN facts x ON x.id = p.fact_id
         WHERE p.party_kind = 'supplier' AND p.role = 'company' AND p.party_id = p_credit_code
           AND x.subject = 'ent.register.company.extracted'
         ORDER BY x.occurred_at DESC, x.id DESC
         LIMIT 1
    )
    SELECT l.data->'legal_representative'->>'name', l.data->'legal_representative'->>'id_number',
           'legal_representative', NULL::integer, l.id
      FROM latest l WHERE coalesce(l.data->'legal_representative'->>'name', '') <> ''
    UNION ALL
    SELECT s->'person'->>'name', s->'person'->>'id_number', 'shareholder',
           (s->>'share_basis_points')::integer, l.id
      FROM latest l, jsonb_array_elements(l.data->'shareholders') s
     WHERE coalesce(s->'person'->>'name', '') <> ''
$$;

-- The unit of a person's post from the HR event that took effect last
-- (NULL after a removal, or when HR never told of the person).
CREATE FUNCTION risk_person_unit(p_person text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE x.subject WHEN 'ent.hr.person.appointed' THEN x.data->'unit'->>'unit_code'
                          WHEN 'ent.hr.person.transferred' THEN x.data->'to_unit'->>'unit_code' END
      FROM risk_latest_post_fact(p_person) x
$$;

INSERT INTO indicators (code, area, name_zh, name_en, basis, weight, window_days, heavy, params,
                        defaults, param_rules) VALUES
('conflict_declared', 'people', '向申报亲属关联企业授标', 'Award to a company of a declared relative',
 '《国有企业领导人员廉洁从业若干规定》第五条（不得利用职权为配偶、子女及其他特定关系人经商办企业提供便利）; 《中央企业领导人员管理规定》回避制度. The relatives and businesses are those the cadres of the buying unit declare in their integrity files (廉政档案).',
 0.8, 365, true, '{}', '{}', '{}'),
('conflict_undeclared', 'people', '向未申报亲属关联企业授标', 'Award to a company of an undeclared relative',
 '《领导干部报告个人有关事项规定》（应如实报告配偶、子女及其配偶经商办企业情况）; the household register''s extract names the relative, the company register''s extract names them as shareholder or legal representative, by identity number; the relative is not in the cadre''s integrity file, which is a concealment finding (隐瞒不报).',
 0.8, 365, true, '{}', '{}', '{}');

INSERT INTO indicator_subjects (indicator, subject) VALUES
    ('conflict_declared', 'ent.procurement.award.made'),
    ('conflict_undeclared', 'ent.procurement.award.made');

-- The hit of a conflict found in award f: who the relatives are (a JSON
-- list), the facts beyond the award that show it, and the cadres it
-- counts against besides the unit and the winner.
CREATE FUNCTION risk_conflict_hit(f facts, relatives jsonb, more_facts bigint[],
                                  cadres text[]) RETURNS hit_candidate
LANGUAGE sql STABLE AS $$
    SELECT ROW(f.data->>'award_id', f.occurred_at, f.data->'buyer'->>'unit_code',
               jsonb_build_object('award_id', f.data->>'award_id',
                                  'tender_id', f.data->>'tender_id', 'winner', f.data->'winner',
                                  'price_fen', (f.data->>'price_fen')::bigint,
                                  'relatives', relatives),
               ARRAY[f.id] || coalesce(more_facts, '{}'),
               risk_entity('unit', f.data->'buyer'->>'unit_code')
                 || risk_entity('supplier', f.data->'winner'->>'credit_code')
                 || (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', 'person', 'id', c)), '[]')
                       FROM unnest(cadres) c))::hit_candidate
$$;

-- The winner is a business a cadre of the buying unit declared for a
-- relative, or the winner's register extract names a declared relative
-- of one (by name: the files give no identity numbers) as its legal
-- representative or a shareholder.
CREATE FUNCTION ind_conflict_declared(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    WITH unit AS (
        SELECT risk_unit_path(f.data->'buyer'->>'unit_code') AS path
    ), found AS (
        SELECT d.cadre_person_id, d.cadre_name, d.name, d.relation, 'declared_business' AS how,
               NULL::bigint AS register_fact
          FROM unit, declared_relatives d
         WHERE d.org_path = unit.path AND f.data->'winner'->>'credit_code' = ANY (d.credit_codes)
        UNION
        SELECT d.cadre_person_id, d.cadre_name, d.name, d.relation, 'register_' || c.role,
               c.fact_id
          FROM unit, declared_relatives d,
               risk_company_people(f.data->'winner'->>'credit_code') c
         WHERE d.org_path = unit.path AND d.name = c.name
    )
    SELECT (risk_conflict_hit(f,
               jsonb_agg(jsonb_build_object('cadre_person_id', cadre_person_id,
                                            'cadre_name', cadre_name, 'relative', name,
                                            'relation', relation, 'found_by', how)
                         ORDER BY cadre_person_id, name, how),
               array_agg(DISTINCT register_fact) FILTER (WHERE register_fact IS NOT NULL),
               array_agg(DISTINCT cadre_person_id))).*
      FROM found
    HAVING count(*) > 0
$$;

-- By identity number: a member of a cadre's household extract is the
-- winner's legal representative or a shareholder, the cadre's post is in
-- the buying unit, and the cadre's file does not declare the member (by
-- name, as the files give no identity numbers).
CREATE FUNCTION ind_conflict_undeclared(f facts, p jsonb) RETURNS SETOF hit_candidate
LANGUAGE sql STABLE AS $$
    -- The matches by identity number first, and only then each match's
    -- cadre's post: the planner would otherwise read the post of every
    -- household member before joining (45 ms an award at 40,000 facts).
    WITH matched AS MATERIALIZED (
        SELECT DISTINCT h.cadre_person_id, h.name, h.relation, c.role, c.share_basis_points,
               c.fact_id AS register_fact, h.fact_id AS household_fact
          FROM risk_company_people(f.data->'winner'->>'credit_code') c
          JOIN household_members h ON h.id_number = c.id_number
         WHERE coalesce(c.id_number, '') <> ''
    ), found AS (
        SELECT m.* FROM matched m
         WHERE risk_person_unit(m.cadre_person_id) = f.data->'buyer'->>'unit_code'
           AND NOT EXISTS (SELECT 1 FROM declared_relatives d
                            WHERE d.cadre_person_id = m.cadre_person_id AND d.name = m.name)
    )
    SELECT (risk_conflict_hit(f,
               jsonb_agg(jsonb_build_object('cadre_person_id', cadre_person_id, 'relative', name,
                                            'relation', relation, 'register_role', role,
                                            'share_basis_points', share_basis_points,
                                            'found_by', 'identity_number')
                         ORDER BY cadre_person_id, name),
               array_agg(DISTINCT register_fact) || array_agg(DISTINCT household_fact),
               array_agg(DISTINCT cadre_person_id))).*
      FROM found
    HAVING count(*) > 0
$$;

-- The concealment findings of new hits (cleangrid.v1.RiskConcealmentFound
-- as JSON, without meta): one per cadre and relative of each
-- conflict_undeclared hit among p_hit_ids. The service sends them through
-- its outbox in the transaction that keeps the hit.
CREATE FUNCTION risk_concealments_json(p_hit_ids bigint[]) RETURNS SETOF jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'hit_id', h.id, 'cadre_person_id', r->>'cadre_person_id', 'relative_name', r->>'relative',
        'relation', r->>'relation', 'register_role', r->>'register_role',
        'share_basis_points', coalesce((r->>'share_basis_points')::integer, 0),
        'company_name', coalesce(h.inputs->'winner'->>'name', ''),
        'credit_code', coalesce(h.inputs->'winner'->>'credit_code', ''),
        'award_id', h.inputs->>'award_id', 'unit_code', h.unit_code,
        'org_path', coalesce(risk_unit_path(h.unit_code)::text, ''),
        'awarded_on', to_char(h.fired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
      FROM hits h, jsonb_array_elements(h.inputs->'relatives') r
     WHERE h.id = ANY (p_hit_ids) AND h.indicator = 'conflict_undeclared'
     ORDER BY h.id, r->>'cadre_person_id', r->>'relative'
$$;
