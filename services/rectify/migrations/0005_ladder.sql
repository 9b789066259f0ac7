-- The escalation ladder (docs/rectification.md): each task climbs it once,
-- one rung at a time, claimed by one replica's scheduler under a row lock.
-- ladder_step: 0 none yet, 1 reminded before the deadline, 2 warned as
-- overdue with a final deadline (督办), 3 proposed for accountability (a
-- clue in the case service, whose id comes back as accountability_clue_id).
ALTER TABLE tasks
    ADD COLUMN ladder_step integer NOT NULL DEFAULT 0 CHECK (ladder_step BETWEEN 0 AND 3),
    ADD COLUMN final_deadline_on date,
    ADD COLUMN accountability_clue_id text NOT NULL DEFAULT '';
-- The scheduler's look: open tasks by deadline.
CREATE INDEX tasks_ladder_idx ON tasks (deadline_on) WHERE ladder_step < 3
    AND stage IN ('assigned', 'in_progress');
CREATE INDEX tasks_case_idx ON tasks (case_id) WHERE case_id <> '';

-- A task as the message shows it, now with its ladder; a verified task,
-- which waits only for the office to close it off, has no deadline state.
CREATE OR REPLACE FUNCTION task_json(t tasks, whole boolean) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', t.id, 'batch_id', t.batch_id, 'problem_id', t.problem_id, 'source', t.source,
        'text', t.text, 'org_path', t.org_path::text, 'leader', t.leader,
        'first_responsible', t.first_responsible, 'deadline_on', json_day(t.deadline_on),
        'stage', t.stage, 'round', t.round, 'requested_by', t.requested_by,
        'rejection_reason', t.rejection_reason, 'relapsed', t.relapse_count > 0,
        'relapse_count', t.relapse_count, 'created_at', json_time(t.created_at),
        'updated_at', json_time(t.updated_at), 'closed_at', json_time(t.closed_at),
        'case_id', t.case_id, 'problem_description', p.description, 'batch_title', b.title,
        'deadline_state', CASE WHEN t.stage IN ('verified', 'closed') THEN NULL
                               WHEN rectify_today() > t.deadline_on THEN 'overdue'
                               WHEN t.deadline_on - rectify_today() <= 7 THEN 'due_soon'
                               ELSE 'on_time' END,
        'ladder', to_jsonb((ARRAY['reminded', 'overdue_warned',
                                  'accountability_proposed'])[1:t.ladder_step]),
        'final_deadline_on', json_day(t.final_deadline_on),
        'accountability_clue_id', t.accountability_clue_id,
        'parties_required', to_jsonb(t.parties),
        'parties_pending', CASE WHEN t.stage = 'closure_requested' THEN to_jsonb(ARRAY(
            SELECT u.party FROM unnest(t.parties) AS u(party)
             WHERE NOT EXISTS (SELECT 1 FROM verifications v
                                WHERE v.task_id = t.id AND v.round = t.round
                                  AND v.party = u.party AND v.verdict = 'accepted')))
            ELSE '[]'::jsonb END,
        'measures', CASE WHEN whole THEN (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'seq', m.seq, 'text', m.text, 'milestone_on', json_day(m.milestone_on),
                       'evidence_count', (SELECT count(*) FROM evidence e
                                           WHERE e.task_id = m.task_id AND e.measure_seq = m.seq))
                       ORDER BY m.seq), '[]'::jsonb)
              FROM measures m WHERE m.task_id = t.id) END,
        'evidence', CASE WHEN whole THEN (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'id', e.id, 'measure_seq', e.measure_seq, 'sha256', encode(e.sha256, 'hex'),
                       'effective_on', json_day(e.effective_on), 'description', e.description,
                       'added_by', e.added_by, 'added_at', json_time(e.added_at))
                       ORDER BY e.added_at, e.id), '[]'::jsonb)
              FROM evidence e WHERE e.task_id = t.id) END,
        'verifications', CASE WHEN whole THEN (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'round', v.round, 'party', v.party, 'verifier_id', v.verifier_id,
                       'verdict', v.verdict, 'reason', v.reason, 'verified_at', json_time(v.at))
                       ORDER BY v.at), '[]'::jsonb)
              FROM verifications v WHERE v.task_id = t.id) END))
      FROM batches b JOIN problems p ON p.id = t.problem_id WHERE b.id = t.batch_id
$$;
