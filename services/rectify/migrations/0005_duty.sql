-- The yearly responsibility lists for clean governance (党风廉政建设主体责任
-- 清单) and their documentary assessment (纪实考核), docs/rectification.md.
-- A list is a unit's for a year; its items are set by the office, the
-- unit records its work against them (纪实) with documents of the list's
-- own file, and the office confirms or refuses each record and at the
-- year's end scores each item once.

-- The list's documents share the store of the tasks' evidence: a file of
-- kind "duty" is a list, its file id the list's id.
ALTER TABLE document_uploads DROP CONSTRAINT document_uploads_file_kind_check,
    ADD CONSTRAINT document_uploads_file_kind_check CHECK (file_kind IN ('task', 'duty'));

CREATE TABLE duty_lists (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_path ltree NOT NULL,
    -- The unit as the office named it, for the assessment table and its
    -- export.
    unit_code text NOT NULL DEFAULT '',
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- One list per unit and year: setting it again revises it.
    UNIQUE (org_path, year)
);
CREATE INDEX duty_lists_org_path_idx ON duty_lists USING gist (org_path);
CREATE INDEX duty_lists_year_idx ON duty_lists (year);

-- An item's period is months of the list's year (the whole year, a
-- quarter, a range of months). Its outcome and score are given together,
-- once: a scored item is fixed.
CREATE TABLE duty_items (
    list_id uuid NOT NULL REFERENCES duty_lists (id),
    seq integer NOT NULL CHECK (seq > 0),
    text text NOT NULL CHECK (text <> ''),
    leader text NOT NULL CHECK (leader <> ''),
    from_month integer NOT NULL CHECK (from_month BETWEEN 1 AND 12),
    to_month integer NOT NULL CHECK (to_month BETWEEN from_month AND 12),
    standard text NOT NULL CHECK (standard <> ''),
    outcome text CHECK (outcome IN ('done', 'partly', 'not_done')),
    score integer CHECK (score BETWEEN 0 AND 100),
    score_note text NOT NULL DEFAULT '',
    scored_by text NOT NULL DEFAULT '',
    scored_at timestamptz,
    CHECK ((outcome IS NULL) = (score IS NULL)),
    PRIMARY KEY (list_id, seq)
);

-- The unit's records of work (纪实), each proven by a document of the
-- list's file (document_links, by content), and the office's verdict.
CREATE TABLE duty_records (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    list_id uuid NOT NULL,
    item_seq integer NOT NULL,
    note text NOT NULL CHECK (note <> ''),
    done_on date NOT NULL,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    state text NOT NULL DEFAULT 'recorded' CHECK (state IN ('recorded', 'confirmed', 'refused')),
    verifier_id text NOT NULL DEFAULT '',
    reason text NOT NULL DEFAULT '',
    verified_at timestamptz,
    FOREIGN KEY (list_id, item_seq) REFERENCES duty_items (list_id, seq)
);
CREATE INDEX duty_records_list_idx ON duty_records (list_id, item_seq, recorded_at);

-- A list as the DutyList message in JSON (rectify_duty.proto), read by the
-- service's codec, with the totals of its assessment; its items only when
-- asked (items), their records only when asked too (records).
CREATE FUNCTION duty_list_json(l duty_lists, items boolean, records boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', l.id, 'org_path', l.org_path::text, 'unit_code', l.unit_code, 'year', l.year,
        'created_by', l.created_by, 'created_at', json_time(l.created_at),
        'updated_at', json_time(l.updated_at),
        'item_count', t.item_count, 'scored_count', t.scored_count,
        'score_total', t.score_total, 'score_average', t.score_average,
        'done_count', t.done_count, 'partly_count', t.partly_count,
        'not_done_count', t.not_done_count,
        'items', CASE WHEN items THEN (
            SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                       'seq', i.seq, 'text', i.text, 'leader', i.leader,
                       'from_month', i.from_month, 'to_month', i.to_month,
                       'standard', i.standard, 'outcome', i.outcome, 'score', i.score,
                       'score_note', i.score_note, 'scored_by', i.scored_by,
                       'scored_at', json_time(i.scored_at),
                       'record_count', (SELECT count(*) FROM duty_records r
                                         WHERE r.list_id = i.list_id AND r.item_seq = i.seq),
                       'confirmed_count', (SELECT count(*) FROM duty_records r
                                            WHERE r.list_id = i.list_id AND r.item_seq = i.seq
                                              AND r.state = 'confirmed'),
                       'records', CASE WHEN records THEN (
                           SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                      'id', r.id, 'item_seq', r.item_seq, 'note', r.note,
                                      'done_on', json_day(r.done_on),
                                      'sha256', encode(r.sha256, 'hex'),
                                      'recorded_by', r.recorded_by,
                                      'recorded_at', json_time(r.recorded_at),
                                      'state', r.state, 'verifier_id', r.verifier_id,
                                      'verified_at', json_time(r.verified_at),
                                      'reason', r.reason))
                                      ORDER BY r.recorded_at, r.id), '[]'::jsonb)
                             FROM duty_records r
                            WHERE r.list_id = i.list_id AND r.item_seq = i.seq) END))
                       ORDER BY i.seq), '[]'::jsonb)
              FROM duty_items i WHERE i.list_id = l.id) END))
      FROM (SELECT count(*) AS item_count, count(i.score) AS scored_count,
                   coalesce(sum(i.score), 0) AS score_total,
                   coalesce(round(avg(i.score), 2), 0) AS score_average,
                   count(*) FILTER (WHERE i.outcome = 'done') AS done_count,
                   count(*) FILTER (WHERE i.outcome = 'partly') AS partly_count,
                   count(*) FILTER (WHERE i.outcome = 'not_done') AS not_done_count
              FROM duty_items i WHERE i.list_id = l.id) t
$$;
