-- integrity: who is one of a report round.
--
-- A round's cadres were those whose file was open by its due day. A cadre
-- whose file is opened later with a report of that year submitted all the
-- same (a file entered with its past report, as the demo data enters last
-- year's) was counted nowhere: the round showed fewer cadres than reported
-- for it. Such a cadre is one of the round now, counted where the report
-- is (submitted, or late). Nobody new becomes overdue or is reminded: a
-- cadre brought in this way has a submitted report.

CREATE OR REPLACE FUNCTION in_round(c cadres, rr report_rounds) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT c.org_path <@ rr.org_path
       AND ((c.created_at AT TIME ZONE 'UTC')::date <= rr.due_on
            OR EXISTS (SELECT 1 FROM reports r
                        WHERE r.cadre_id = c.id AND r.year = rr.year AND r.state = 'submitted'))
$$;

CREATE OR REPLACE FUNCTION round_states(rr report_rounds)
    RETURNS TABLE (cadre_id uuid, state text) LANGUAGE sql STABLE AS $$
    SELECT c.id,
           CASE WHEN y.submitted THEN CASE WHEN y.late THEN 'late' ELSE 'submitted' END
                WHEN integrity_today() > rr.due_on THEN 'overdue'
                WHEN y.cadre_id IS NOT NULL THEN 'draft'
                ELSE 'not_started' END
      FROM cadres c
      LEFT JOIN (SELECT r.cadre_id, bool_or(r.state = 'submitted') AS submitted,
                        bool_or(r.late AND r.version = 1) AS late
                   FROM reports r WHERE r.year = rr.year GROUP BY r.cadre_id) y
        ON y.cadre_id = c.id
     WHERE c.org_path <@ rr.org_path
       AND ((c.created_at AT TIME ZONE 'UTC')::date <= rr.due_on OR coalesce(y.submitted, false))
$$;
