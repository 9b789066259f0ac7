-- risk: an event that conflicts with a kept fact is dead-lettered, not dropped.
--
-- A second event with a fact's business key (the same award id, the same
-- claim id) is a replay and adds nothing (migration 0015). When its data
-- is the fact's, that is what a publisher retrying under a new id sends,
-- and nothing needs saying. When its data differs (another winner,
-- a claim now approved by its claimant, the same award number used by a
-- second system), dropping it without a trace would hide what it says:
-- such an event is now refused with a sentence naming the fact it
-- conflicts with, so that the consumer dead-letters it with that reason,
-- where an operator sees it and can publish the change as the event of
-- its own that the contract has for it (a contract changed, a correction).

-- As in migration 0015, with the conflict named in problem.
CREATE OR REPLACE FUNCTION risk_keep_facts(p_events jsonb)
RETURNS TABLE (ord bigint, fact_id bigint, problem text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    WITH events AS (
        SELECT e.ord, e.item->>'subject' AS subject, e.item->>'event_id' AS event_id,
               e.item->>'source' AS source,
               to_timestamp((e.item->>'time_ms')::numeric / 1000) AS occurred_at,
               e.item->'data' AS data, k.key_paths
          FROM jsonb_array_elements(p_events) WITH ORDINALITY e(item, ord)
          LEFT JOIN event_kinds k ON k.subject = e.item->>'subject'),
    keyed AS (
        SELECT ev.*, key.parts, key.missing, array_to_string(key.parts, '|') AS business_key
          FROM events ev
          LEFT JOIN LATERAL (
              SELECT array_agg(part ORDER BY i) AS parts,
                     (array_agg(path ORDER BY i)
                          FILTER (WHERE part IS NULL OR part IN ('', '0')))[1] AS missing
                FROM unnest(ev.key_paths) WITH ORDINALITY u(path, i),
                     LATERAL (SELECT jsonb_path_query_first(ev.data, u.path) #>> '{}' AS part) p
          ) key ON true),
    kept AS (
        INSERT INTO facts (event_id, subject, business_key, source, occurred_at, data)
        SELECT k.event_id, k.subject, k.business_key, k.source, k.occurred_at, k.data
          FROM keyed k
         WHERE k.key_paths IS NOT NULL AND k.missing IS NULL
         ORDER BY k.ord
        ON CONFLICT DO NOTHING
        RETURNING facts.id, facts.event_id, facts.subject, facts.business_key, facts.source,
                  facts.occurred_at, facts.data),
    parties AS (
        INSERT INTO fact_parties (fact_id, role, party_kind, party_id, name, occurred_at)
        SELECT DISTINCT ON (f.id, pp.role, risk_party_id(pp.party_kind, v))
               f.id, pp.role, pp.party_kind, risk_party_id(pp.party_kind, v),
               coalesce(v->>'name', ''), f.occurred_at
          FROM kept f
          JOIN party_paths pp ON pp.subject = f.subject,
               jsonb_path_query(f.data, pp.path) v
         WHERE jsonb_typeof(v) = 'object'
           AND coalesce(risk_party_id(pp.party_kind, v), '') <> '')
    SELECT k.ord, f.id,
           CASE WHEN k.missing IS NOT NULL THEN
               format('%s needs %s in its data', k.subject,
                      replace(regexp_replace(k.missing::text, '^\$\.', ''), '"', ''))
                WHEN f.id IS NULL AND other.id IS NOT NULL THEN
               format('%s %s is fact %s already (event %s from %s) with other data: an event is '
                      'never changed; publish the change as an event of its own',
                      k.subject, k.business_key, other.id, other.event_id, other.source)
           END
      FROM keyed k
      LEFT JOIN kept f ON f.event_id = k.event_id
      -- Only for an event not kept: the fact it replays, in the table or
      -- kept earlier in this batch, when their data differ.
      LEFT JOIN LATERAL (
          SELECT o.id, o.event_id, o.source FROM (
              SELECT t.id, t.event_id, t.source, t.data FROM facts t
               WHERE t.subject = k.subject AND t.business_key = k.business_key
              UNION ALL
              SELECT b.id, b.event_id, b.source, b.data FROM kept b
               WHERE b.subject = k.subject AND b.business_key = k.business_key
                 AND b.event_id <> k.event_id) o
           WHERE f.id IS NULL AND k.missing IS NULL AND k.key_paths IS NOT NULL
             AND o.data IS DISTINCT FROM k.data
           ORDER BY o.id LIMIT 1) other ON true
     ORDER BY k.ord;
END $$;
ALTER FUNCTION risk_keep_facts(jsonb) SET plan_cache_mode = force_generic_plan;
