-- Rectification (整改): batches of findings, their three lists (三张清单)
-- and each task's way to a verified closure (docs/rectification.md).
--
-- Every record carries the org path of the unit it concerns, and every
-- read and write of the service compares it with the caller's scope. A
-- task's org_path is its responsible unit's, which may lie below the
-- batch's inspected unit.
CREATE EXTENSION IF NOT EXISTS ltree;

-- The sources of findings, each with its report period (the inspected unit
-- reports its rectification within two months of the feedback) and the
-- parties whose acceptance closes a task (验收): a row each, so a new
-- source or a stricter acceptance is data, not code.
CREATE TABLE sources (
    name text PRIMARY KEY,
    label_zh text NOT NULL,
    report_months integer NOT NULL CHECK (report_months BETWEEN 1 AND 24),
    parties text[] NOT NULL CHECK (cardinality(parties) BETWEEN 1 AND 5)
);
INSERT INTO sources (name, label_zh, report_months, parties) VALUES
    ('inspection_tour', '巡视', 2, ARRAY['office', 'inspection_group']),
    ('inspection', '巡察', 2, ARRAY['office', 'inspection_group']),
    ('audit', '审计', 2, ARRAY['office']),
    ('supervision', '监督检查', 2, ARRAY['office']),
    ('case_recommendation', '案件整改建议', 2, ARRAY['office']),
    ('risk_alert', '风险预警', 2, ARRAY['office']);

CREATE TABLE batches (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source text NOT NULL REFERENCES sources (name),
    source_ref text NOT NULL DEFAULT '',
    title text NOT NULL CHECK (title <> ''),
    org_path ltree NOT NULL,
    feedback_on date NOT NULL,
    oversight text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    -- Whole milliseconds: a list's cursor names a record by this time, and
    -- the API shows milliseconds.
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
-- A source's own reference names one batch: an import or an event sent
-- twice never makes two.
CREATE UNIQUE INDEX batches_source_ref_idx ON batches (source, source_ref) WHERE source_ref <> '';
CREATE INDEX batches_created_idx ON batches (created_at DESC, id DESC);
CREATE INDEX batches_org_path_idx ON batches USING gist (org_path);

CREATE TABLE problems (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    batch_id uuid NOT NULL REFERENCES batches (id),
    seq integer NOT NULL CHECK (seq > 0),
    description text NOT NULL CHECK (description <> ''),
    category text NOT NULL DEFAULT '',
    severity text NOT NULL DEFAULT 'general' CHECK (severity IN ('general', 'serious', 'major')),
    basis text NOT NULL DEFAULT '',
    org_path ltree NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (batch_id, seq)
);

CREATE TABLE responsibilities (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    batch_id uuid NOT NULL REFERENCES batches (id),
    problem_id uuid REFERENCES problems (id),
    person text NOT NULL CHECK (person <> ''),
    position text NOT NULL DEFAULT '',
    duty text NOT NULL CHECK (duty <> ''),
    org_path ltree NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX responsibilities_batch_idx ON responsibilities (batch_id, created_at);

-- stage: the task's place in the transition table of src/lifecycle.c.
-- round counts the requests for closure; parties are the source's at the
-- first request, kept so a change of the source's row never changes a
-- round under way.
CREATE TABLE tasks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    batch_id uuid NOT NULL REFERENCES batches (id),
    problem_id uuid NOT NULL REFERENCES problems (id),
    -- The batch's source, kept on the task so the ledger filters by it
    -- without a join.
    source text NOT NULL REFERENCES sources (name),
    text text NOT NULL CHECK (text <> ''),
    org_path ltree NOT NULL,
    leader text NOT NULL DEFAULT '',
    first_responsible text NOT NULL DEFAULT '',
    deadline_on date NOT NULL,
    stage text NOT NULL DEFAULT 'assigned'
        CHECK (stage IN ('assigned', 'in_progress', 'closure_requested', 'verified', 'closed')),
    round integer NOT NULL DEFAULT 0,
    parties text[] NOT NULL DEFAULT '{}',
    requested_by text NOT NULL DEFAULT '',
    rejection_reason text NOT NULL DEFAULT '',
    relapse_count integer NOT NULL DEFAULT 0,
    case_id text NOT NULL DEFAULT '',
    source_ref text NOT NULL DEFAULT '',
    -- The escalation ladder (src/ladder.c): 0 no rung yet, 1 reminded
    -- before the deadline, 2 warned as overdue with a final deadline (督办),
    -- 3 proposed for accountability (a clue in the case service, whose id
    -- comes back as accountability_clue_id).
    ladder_step integer NOT NULL DEFAULT 0 CHECK (ladder_step BETWEEN 0 AND 3),
    final_deadline_on date,
    accountability_clue_id text NOT NULL DEFAULT '',
    -- Re-check (回头看) after closure: '' not drawn, pending, held (the fix
    -- holds) or relapsed (the problem came back and the task reopened).
    recheck_state text NOT NULL DEFAULT ''
        CHECK (recheck_state IN ('', 'pending', 'held', 'relapsed')),
    recheck_due_on date,
    recheck_draw_id uuid,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    closed_at timestamptz
);
CREATE INDEX tasks_created_idx ON tasks (created_at DESC, id DESC);
CREATE INDEX tasks_deadline_idx ON tasks (deadline_on, id);
CREATE INDEX tasks_org_path_idx ON tasks USING gist (org_path);
CREATE INDEX tasks_batch_idx ON tasks (batch_id, created_at);
CREATE INDEX tasks_stage_idx ON tasks (stage, deadline_on);
-- A recommendation of a case becomes one task, however often its event
-- arrives.
CREATE UNIQUE INDEX tasks_source_ref_idx ON tasks (source_ref) WHERE source_ref <> '';
-- The ladder's look: open tasks by deadline.
CREATE INDEX tasks_ladder_idx ON tasks (deadline_on) WHERE ladder_step < 3
    AND stage IN ('assigned', 'in_progress');
CREATE INDEX tasks_case_idx ON tasks (case_id) WHERE case_id <> '';
CREATE INDEX tasks_recheck_idx ON tasks (recheck_state, recheck_due_on) WHERE recheck_state <> '';

-- Problem categories whose closed tasks are always re-checked; the office
-- adds rows (a category as the problems name it).
CREATE TABLE recheck_categories (
    category text PRIMARY KEY CHECK (category <> '')
);

-- A draw of closed tasks to re-check: from which unit's subtree (or
-- batch), the share and the seed that chose them, so the same seed over
-- the same tasks chooses the same ones and anyone can check the choice.
CREATE TABLE recheck_draws (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_path ltree NOT NULL,
    batch_id uuid REFERENCES batches (id),
    share_percent integer NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
    seed text NOT NULL CHECK (seed <> ''),
    due_on date NOT NULL,
    population integer NOT NULL,
    by_category integer NOT NULL,
    by_share integer NOT NULL,
    drawn_by text NOT NULL,
    drawn_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
ALTER TABLE tasks ADD FOREIGN KEY (recheck_draw_id) REFERENCES recheck_draws (id);

-- The unit's plan: its measures, each with a milestone. A new plan
-- replaces the measures that have no evidence yet; the evidence keeps the
-- text it was given for.
CREATE TABLE measures (
    task_id uuid NOT NULL REFERENCES tasks (id),
    seq integer NOT NULL CHECK (seq > 0),
    text text NOT NULL CHECK (text <> ''),
    milestone_on date NOT NULL,
    PRIMARY KEY (task_id, seq)
);

CREATE TABLE evidence (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id uuid NOT NULL REFERENCES tasks (id),
    measure_seq integer NOT NULL,
    -- The document of the task's file (document_links) it is, by content.
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    effective_on date NOT NULL,
    description text NOT NULL CHECK (description <> ''),
    added_by text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (task_id, measure_seq) REFERENCES measures (task_id, seq),
    UNIQUE (task_id, measure_seq, sha256)
);

-- Each verdict of each round; a party accepts once a round, and one person
-- accepts for one party only.
CREATE TABLE verifications (
    task_id uuid NOT NULL REFERENCES tasks (id),
    round integer NOT NULL CHECK (round > 0),
    party text NOT NULL,
    verifier_id text NOT NULL,
    verdict text NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    reason text NOT NULL DEFAULT '',
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX verifications_party_idx ON verifications (task_id, round, party)
    WHERE verdict = 'accepted';
CREATE UNIQUE INDEX verifications_verifier_idx ON verifications (task_id, round, verifier_id)
    WHERE verdict = 'accepted';

-- The service's clock. With the session setting cg.test_clock on (the
-- service sets it when CG_RECTIFY_TEST_CLOCK=1), offset_s moves it, so
-- tests can let deadlines pass; otherwise the table is never read.
CREATE TABLE service_clock (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offset_s bigint NOT NULL DEFAULT 0
);
INSERT INTO service_clock DEFAULT VALUES;

CREATE FUNCTION rectify_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT now() + CASE WHEN current_setting('cg.test_clock', true) = 'on'
                        THEN (SELECT offset_s FROM service_clock) * interval '1 second'
                        ELSE interval '0' END
$$;

CREATE FUNCTION rectify_today() RETURNS date LANGUAGE sql STABLE AS $$
    SELECT (rectify_now() AT TIME ZONE 'UTC')::date
$$;

-- Times and days as the JSON codec reads them (cg/pbjson.h): RFC 3339 UTC
-- with milliseconds, and YYYY-MM-DD.
CREATE FUNCTION json_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
CREATE FUNCTION json_day(d date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(d, 'YYYY-MM-DD')
$$;

-- A task as the RectifyTask message in JSON (rectify.proto), read by the
-- service's codec: one place that says how a row becomes the message. The
-- ledger's rows leave out what only the task's own page shows (whole). A
-- verified task waits only for the office to close it off: no deadline state.
CREATE FUNCTION task_json(t tasks, whole boolean) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
        'recheck_state', t.recheck_state, 'recheck_due_on', json_day(t.recheck_due_on),
        'recheck_draw_id', t.recheck_draw_id,
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

CREATE FUNCTION batch_json(b batches) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', b.id, 'source', b.source, 'source_ref', b.source_ref, 'title', b.title,
        'org_path', b.org_path::text, 'feedback_on', json_day(b.feedback_on),
        'oversight', b.oversight, 'created_by', b.created_by,
        'created_at', json_time(b.created_at),
        'problem_count', (SELECT count(*) FROM problems p WHERE p.batch_id = b.id),
        'task_count', (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id),
        'closed_count', (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id
                                                      AND t.stage = 'closed'))
$$;

CREATE FUNCTION problem_json(p problems) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'batch_id', p.batch_id, 'seq', p.seq, 'description', p.description,
        'category', p.category, 'severity', p.severity, 'basis', p.basis,
        'created_at', json_time(p.created_at))
$$;

CREATE FUNCTION responsibility_json(r responsibilities) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'batch_id', r.batch_id, 'problem_id', coalesce(r.problem_id::text, ''),
        'person', r.person, 'position', r.position, 'duty', r.duty)
$$;

CREATE FUNCTION recheck_draw_json(d recheck_draws) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', d.id, 'org_path', d.org_path::text, 'batch_id', d.batch_id,
        'share_percent', d.share_percent, 'seed', d.seed, 'due_on', json_day(d.due_on),
        'drawn_by', d.drawn_by, 'drawn_at', json_time(d.drawn_at), 'population', d.population,
        'by_category', d.by_category, 'by_share', d.by_share,
        'task_ids', (SELECT coalesce(jsonb_agg(t.id ORDER BY t.id), '[]'::jsonb) FROM tasks t
                      WHERE t.recheck_draw_id = d.id)))
$$;
