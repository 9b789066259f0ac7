-- The integrity opinion for a promotion (廉洁意见回复): what the office
-- knows of the clues and cases open about a person (from the case
-- service's events), the requests HR makes for a list of candidates, and
-- each candidate's opinion: proposed by the service from what stands,
-- edited and signed by an inspection lead, fixed once signed.

INSERT INTO sections (name, label_zh) VALUES ('opinion', '廉洁意见回复');

-- A clue naming a person, open until it is closed or merged, or until the
-- case it became is decided. Only the office reads these rows.
CREATE TABLE open_matters (
    clue_id uuid NOT NULL,
    person_id text NOT NULL,
    org_path ltree NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    closed_at timestamptz,
    PRIMARY KEY (clue_id, person_id)
);
CREATE INDEX open_matters_person_idx ON open_matters (person_id) WHERE closed_at IS NULL;

CREATE TABLE opinion_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_path ltree NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('promotion', 'award', 'other')),
    note text NOT NULL DEFAULT '',
    requested_by text NOT NULL,
    requested_by_name text NOT NULL DEFAULT '',
    -- Asked by HR (组织人事), which reads the answers and nothing else.
    by_hr boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
CREATE INDEX opinion_requests_org_path_idx ON opinion_requests USING gist (org_path);
CREATE INDEX opinion_requests_created_idx ON opinion_requests (created_at DESC, id DESC);

CREATE TABLE opinions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id uuid NOT NULL REFERENCES opinion_requests (id),
    seq integer NOT NULL,
    cadre_id uuid REFERENCES cadres (id),
    person_id text NOT NULL,
    proposed text NOT NULL CHECK (proposed IN ('no_objection', 'objection', 'cannot_conclude')),
    proposed_reason text NOT NULL,
    basis jsonb NOT NULL,
    conclusion text NOT NULL CHECK (conclusion IN ('no_objection', 'objection', 'cannot_conclude')),
    text text NOT NULL CHECK (text <> ''),
    state text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'signed')),
    edited_by text NOT NULL DEFAULT '',
    signed_by text NOT NULL DEFAULT '',
    signed_by_name text NOT NULL DEFAULT '',
    signed_at timestamptz,
    UNIQUE (request_id, person_id),
    UNIQUE (request_id, seq)
);
CREATE INDEX opinions_cadre_idx ON opinions (cadre_id);

-- Whoever signs answers for it (谁签字谁负责): a signed opinion is fixed.
CREATE FUNCTION opinions_keep_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.state = 'signed' THEN
        RAISE EXCEPTION 'a signed opinion is never changed: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER opinions_keep BEFORE UPDATE OR DELETE ON opinions
    FOR EACH ROW EXECUTE FUNCTION opinions_keep_signed();

-- What stands for a cadre, in the OpinionBasis message's shape.
CREATE FUNCTION opinion_basis(c cadres) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'sanctions_in_effect', (SELECT coalesce(jsonb_agg(record_json(x, c.id)
                                                          ORDER BY x.happened_on), '[]'::jsonb)
                                  FROM records x WHERE x.person_id = c.person_id
                                   AND x.influence_until_on >= integrity_today()),
        'open_clue_ids', (SELECT coalesce(jsonb_agg(m.clue_id ORDER BY m.opened_at), '[]'::jsonb)
                            FROM open_matters m WHERE m.person_id = c.person_id
                             AND m.closed_at IS NULL),
        'verification_result', coalesce((SELECT v.result FROM verifications v
                                          WHERE v.cadre_id = c.id AND v.state = 'concluded'
                                          ORDER BY v.year DESC LIMIT 1), ''),
        'verification_year', coalesce((SELECT v.year FROM verifications v
                                        WHERE v.cadre_id = c.id AND v.state = 'concluded'
                                        ORDER BY v.year DESC LIMIT 1), 0),
        'verification_under_way', EXISTS (SELECT 1 FROM verifications v WHERE v.cadre_id = c.id
                                             AND v.state <> 'concluded'),
        'overdue_report_years', (SELECT coalesce(jsonb_agg(DISTINCT rr.year), '[]'::jsonb)
                                   FROM report_rounds rr WHERE in_round(c, rr)
                                    AND integrity_today() > rr.due_on
                                    AND NOT EXISTS (SELECT 1 FROM reports r
                                                     WHERE r.cadre_id = c.id AND r.year = rr.year
                                                       AND r.state = 'submitted')),
        'no_file', false)
$$;

-- The service's proposal from a basis: an objection when a sanction is in
-- its influence period or the latest verification found a concealment
-- (each blocks a promotion); cannot conclude yet while a clue or case is
-- open, a verification is under way or a report is overdue; else no
-- objection. reason names every ground, for the office; public_reason
-- only those HR may read (never a clue).
CREATE FUNCTION opinion_proposal(b jsonb, OUT proposed text, OUT reason text,
                                 OUT public_reason text) LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN (b->>'no_file')::boolean THEN 'cannot_conclude'
                WHEN jsonb_array_length(b->'sanctions_in_effect') > 0
                     OR b->>'verification_result' = 'concealment' THEN 'objection'
                WHEN jsonb_array_length(b->'open_clue_ids') > 0
                     OR (b->>'verification_under_way')::boolean
                     OR jsonb_array_length(b->'overdue_report_years') > 0 THEN 'cannot_conclude'
                ELSE 'no_objection' END,
           coalesce(nullif(concat_ws('；',
               CASE WHEN (b->>'no_file')::boolean THEN '无该干部廉政档案' END,
               CASE WHEN jsonb_array_length(b->'sanctions_in_effect') > 0
                    THEN '处分影响期内（' || (SELECT string_agg(s->>'title', '、')
                                              FROM jsonb_array_elements(b->'sanctions_in_effect') s)
                         || '）' END,
               CASE WHEN b->>'verification_result' = 'concealment'
                    THEN (b->>'verification_year') || '年度个人有关事项报告查核认定瞒报' END,
               CASE WHEN jsonb_array_length(b->'open_clue_ids') > 0
                    THEN '有正在办理的问题线索或案件（' || jsonb_array_length(b->'open_clue_ids')
                         || '件）' END,
               CASE WHEN (b->>'verification_under_way')::boolean THEN '个人有关事项报告查核正在进行' END,
               CASE WHEN jsonb_array_length(b->'overdue_report_years') > 0
                    THEN '个人有关事项报告逾期未报' END), ''), '未发现影响使用的廉洁问题'),
           coalesce(nullif(concat_ws('；',
               CASE WHEN (b->>'no_file')::boolean THEN '无廉政档案' END,
               CASE WHEN jsonb_array_length(b->'sanctions_in_effect') > 0
                    THEN '处分影响期内（' || (SELECT string_agg(s->>'title', '、')
                                              FROM jsonb_array_elements(b->'sanctions_in_effect') s)
                         || '）' END,
               CASE WHEN b->>'verification_result' = 'concealment'
                    THEN (b->>'verification_year') || '年度个人有关事项报告查核认定瞒报' END), ''),
                    '')
$$;

-- The words an opinion starts with, by its conclusion: the grounds of an
-- objection, nothing of a clue; a candidate without a file is said to have
-- none rather than to be looked into.
CREATE FUNCTION opinion_default_text(conclusion text, public_reason text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE conclusion
        WHEN 'no_objection' THEN '经审核，未发现影响该同志使用的廉洁问题，无不同意见。'
        WHEN 'objection' THEN '经审核，该同志' || public_reason || '，有不同意见。'
        ELSE CASE WHEN public_reason <> '' THEN '该同志' || public_reason || '，暂不能出具意见。'
                  ELSE '该同志有关情况正在核查中，暂不能出具意见。' END END
$$;

-- An opinion; office: with the proposal and its basis (the office's view).
-- HR reads the conclusion and the words once signed, and nothing else.
CREATE FUNCTION opinion_json(o opinions, office boolean) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', o.id, 'request_id', o.request_id,
        'cadre_id', CASE WHEN office THEN o.cadre_id END,
        'person_id', o.person_id,
        'name', (SELECT c.name FROM cadres c WHERE c.id = o.cadre_id),
        'proposed', CASE WHEN office THEN o.proposed END,
        'proposed_reason', CASE WHEN office THEN o.proposed_reason END,
        'basis', CASE WHEN office THEN o.basis END,
        'conclusion', CASE WHEN office OR o.state = 'signed' THEN o.conclusion END,
        'text', CASE WHEN office OR o.state = 'signed' THEN o.text END,
        'state', o.state, 'edited_by', CASE WHEN office THEN o.edited_by END,
        'signed_by', o.signed_by, 'signed_by_name', o.signed_by_name,
        'signed_at', json_time(o.signed_at)))
$$;

-- me: the reader's person id, whose own opinion it reads as HR does.
CREATE FUNCTION opinion_request_json(q opinion_requests, office boolean, whole boolean, me text)
    RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', q.id, 'org_path', q.org_path::text, 'purpose', q.purpose, 'note', q.note,
        'requested_by', q.requested_by, 'requested_by_name', q.requested_by_name,
        'created_at', json_time(q.created_at),
        'candidates', (SELECT count(*) FROM opinions o WHERE o.request_id = q.id),
        'signed', (SELECT count(*) FROM opinions o WHERE o.request_id = q.id
                                                    AND o.state = 'signed'),
        'opinions', CASE WHEN whole THEN (SELECT coalesce(jsonb_agg(opinion_json(o, office
                                                                                 AND o.person_id <> me)
                                                                    ORDER BY o.seq), '[]'::jsonb)
                                            FROM opinions o WHERE o.request_id = q.id) END))
$$;
