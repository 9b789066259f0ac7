-- risk: a fact is kept by the consumer and evaluated by a stage of its own.
--
-- The consumer of CG_ENTERPRISE kept each event and ran its indicators in
-- the same transaction (risk_take_event()). That made the stream wait for
-- the slowest indicator (an award's ten cost 3.8 ms at 100,000 facts,
-- against 0.29 ms to keep it), on one PostgreSQL backend, while the
-- machine's other core sat idle. Now the consumer only keeps the fact and
-- queues it here (risk_keep_event()); the scorer (src/scorer.c) takes the
-- queued facts in the order they were kept, runs their indicators and
-- updates scores and alerts in transactions of its own, on another
-- backend. Both stay exactly once: the fact and its queue row commit with
-- the inbox row, and a fact leaves the queue in the transaction that keeps
-- its hits.

-- One row per fact: NULL scored_at while the fact waits for its
-- indicators, then when they ran (the lag from an event to its score is
-- scored_at minus the fact's occurred_at, as the benchmark reads it).
CREATE TABLE fact_scoring (
    fact_id bigint PRIMARY KEY REFERENCES facts,
    scored_at timestamptz
);
CREATE INDEX fact_scoring_waiting ON fact_scoring (fact_id) WHERE scored_at IS NULL;

-- The facts kept so far were evaluated as they came.
INSERT INTO fact_scoring (fact_id, scored_at) SELECT id, received_at FROM facts;

-- Keep one event: risk_ingest(), the fact queued for the scorer, and a
-- notification that reaches the scorers when the transaction commits
-- (several in one transaction are delivered as one). Answers as
-- risk_take_event() did, without hits: the fact's id (NULL when nothing
-- was kept), the problem that makes the event unreadable (NULL when none),
-- and whether the event names a unit code the copy of the org tree does
-- not hold.
CREATE FUNCTION risk_keep_event(p_subject text, p_event_id text, p_source text,
                                p_occurred_at timestamptz, p_data jsonb,
                                OUT fact_id bigint, OUT problem text, OUT unknown_unit boolean)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT i.fact_id, i.problem INTO fact_id, problem
      FROM risk_ingest(p_subject, p_event_id, p_source, p_occurred_at, p_data) i;
    IF fact_id IS NOT NULL THEN
        INSERT INTO fact_scoring (fact_id) VALUES (fact_id);
        PERFORM pg_notify('risk_facts_kept', '');
    END IF;
    unknown_unit := EXISTS (SELECT 1 FROM jsonb_path_query(p_data, 'strict $.**.unit_code') v
                             WHERE coalesce(v #>> '{}', '') <> ''
                               AND NOT EXISTS (SELECT 1 FROM units u WHERE u.code = v #>> '{}'));
END $$;
ALTER FUNCTION risk_keep_event(text, text, text, timestamptz, jsonb)
    SET plan_cache_mode = force_generic_plan;

-- Evaluate up to p_limit queued facts, oldest first, and mark them
-- scored. Rows another scorer holds are skipped, so replicas share the
-- queue. Answers one row per fact evaluated: its event's id and the hits
-- it raised (for the concealment findings the service then sends through
-- its outbox in the same transaction).
CREATE FUNCTION risk_score_waiting(p_limit integer)
RETURNS TABLE (event_id text, hit_ids bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT s.fact_id, f.event_id
               FROM fact_scoring s JOIN facts f ON f.id = s.fact_id
              WHERE s.scored_at IS NULL
              ORDER BY s.fact_id
              LIMIT p_limit
                FOR UPDATE OF s SKIP LOCKED LOOP
        event_id := r.event_id;
        hit_ids := risk_evaluate(r.fact_id);
        UPDATE fact_scoring SET scored_at = clock_timestamp() WHERE fact_id = r.fact_id;
        RETURN NEXT;
    END LOOP;
END $$;
ALTER FUNCTION risk_score_waiting(integer) SET plan_cache_mode = force_generic_plan;

-- Kept for a service of the version before, which still calls it during a
-- rolling upgrade: it keeps and evaluates in one transaction, as it did.
CREATE OR REPLACE FUNCTION risk_take_event(p_subject text, p_event_id text, p_source text,
                                           p_occurred_at timestamptz, p_data jsonb,
                                           OUT fact_id bigint, OUT problem text,
                                           OUT hit_ids bigint[], OUT unknown_unit boolean)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT k.fact_id, k.problem, k.unknown_unit INTO fact_id, problem, unknown_unit
      FROM risk_keep_event(p_subject, p_event_id, p_source, p_occurred_at, p_data) k;
    IF fact_id IS NOT NULL THEN
        hit_ids := risk_evaluate(fact_id);
        UPDATE fact_scoring SET scored_at = clock_timestamp() WHERE fact_scoring.fact_id = risk_take_event.fact_id;
    END IF;
END $$;
