-- Verification (查核) of the personal matters reports: the yearly draws
-- (a reproducible random share and every key case), the reference records
-- the reports are compared with, and each comparison's findings with the
-- verifier's verdicts.

INSERT INTO sections (name, label_zh) VALUES ('verification', '个人事项查核');

-- A draw: of which subtree and year, the share and the seed that chose
-- the cadres (in md5(seed || id) order), so the same seed over the same
-- cadres chooses the same ones and anyone can check the choice.
CREATE TABLE verification_draws (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    org_path ltree NOT NULL,
    share_percent integer NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
    seed text NOT NULL CHECK (seed <> ''),
    population integer NOT NULL,
    by_share integer NOT NULL,
    by_key integer NOT NULL,
    drawn_by text NOT NULL,
    drawn_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);

-- One verification of a cadre's report of a year: drawn, compared (its
-- findings made), concluded (every finding decided, the result in the
-- file). A cadre is verified once a year, whichever draw chose it first.
CREATE TABLE verifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draw_id uuid NOT NULL REFERENCES verification_draws (id),
    cadre_id uuid NOT NULL REFERENCES cadres (id),
    year integer NOT NULL,
    reason text NOT NULL CHECK (reason IN ('random', 'key')),
    key_reason text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT 'drawn' CHECK (state IN ('drawn', 'compared', 'concluded')),
    report_id uuid REFERENCES reports (id),
    result text NOT NULL DEFAULT '' CHECK (result IN ('', 'consistent', 'omission', 'concealment')),
    concluded_by text NOT NULL DEFAULT '',
    concluded_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    UNIQUE (cadre_id, year)
);
CREATE INDEX verifications_draw_idx ON verifications (draw_id);
CREATE INDEX verifications_year_idx ON verifications (year, state);

-- What a register or the office found, as one entry of a form's item, for
-- the report of a year (a register's extract as of that year's end).
CREATE TABLE reference_records (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cadre_id uuid NOT NULL REFERENCES cadres (id),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    item text NOT NULL REFERENCES report_items (name),
    fields jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'array'),
    source text NOT NULL DEFAULT 'office' CHECK (source IN ('office', 'import', 'event')),
    source_ref text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    entered_by text NOT NULL,
    entered_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
CREATE INDEX reference_records_cadre_idx ON reference_records (cadre_id, year, item);
CREATE UNIQUE INDEX reference_records_source_ref_idx ON reference_records (source_ref)
    WHERE source_ref <> '';

CREATE TABLE findings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    verification_id uuid NOT NULL REFERENCES verifications (id),
    seq integer NOT NULL,
    item text NOT NULL REFERENCES report_items (name),
    key text NOT NULL DEFAULT '',
    kind text NOT NULL CHECK (kind IN ('consistent', 'omission', 'concealment')),
    explanation text NOT NULL DEFAULT '',
    reported jsonb,
    reference jsonb NOT NULL,
    verdict text NOT NULL DEFAULT '' CHECK (verdict IN ('', 'confirmed', 'overridden')),
    final_kind text NOT NULL DEFAULT ''
        CHECK (final_kind IN ('', 'consistent', 'omission', 'concealment')),
    verdict_reason text NOT NULL DEFAULT '',
    decided_by text NOT NULL DEFAULT '',
    decided_at timestamptz,
    UNIQUE (verification_id, seq)
);

CREATE FUNCTION reference_json(x reference_records) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'id', x.id, 'cadre_id', x.cadre_id, 'year', x.year, 'item', x.item, 'fields', x.fields,
        'source', x.source, 'note', x.note, 'entered_by', x.entered_by,
        'entered_at', json_time(x.entered_at))
$$;

CREATE FUNCTION finding_json(f findings) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', f.id, 'item', f.item, 'key', f.key, 'kind', f.kind,
        'explanation', f.explanation,
        'reported', CASE WHEN f.reported IS NOT NULL
                         THEN jsonb_build_object('fields', f.reported) END,
        'reference', jsonb_build_object('fields', f.reference), 'verdict', f.verdict,
        'final_kind', f.final_kind, 'verdict_reason', f.verdict_reason,
        'decided_by', f.decided_by, 'decided_at', json_time(f.decided_at)))
$$;

-- A verification; whole: with its findings and the cadre's reference
-- records.
CREATE FUNCTION verification_json(v verifications, whole boolean) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', v.id, 'cadre_id', v.cadre_id, 'person_id', c.person_id, 'name', c.name,
        'org_path', c.org_path::text, 'year', v.year, 'draw_id', v.draw_id,
        'reason', v.reason, 'key_reason', v.key_reason, 'state', v.state,
        'report_id', v.report_id, 'result', v.result, 'concluded_by', v.concluded_by,
        'concluded_at', json_time(v.concluded_at), 'created_at', json_time(v.created_at),
        'findings', CASE WHEN whole THEN (SELECT coalesce(jsonb_agg(finding_json(f) ORDER BY f.seq),
                                                          '[]'::jsonb)
                                            FROM findings f WHERE f.verification_id = v.id) END,
        'references', CASE WHEN whole THEN (SELECT coalesce(jsonb_agg(reference_json(x)
                                                              ORDER BY x.entered_at, x.id),
                                                          '[]'::jsonb)
                                              FROM reference_records x
                                             WHERE x.cadre_id = v.cadre_id
                                               AND x.year = v.year) END))
      FROM cadres c WHERE c.id = v.cadre_id
$$;

CREATE FUNCTION draw_json(d verification_draws) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', d.id, 'year', d.year, 'org_path', d.org_path::text,
        'share_percent', d.share_percent, 'seed', d.seed, 'population', d.population,
        'by_share', d.by_share, 'by_key', d.by_key, 'drawn_by', d.drawn_by,
        'drawn_at', json_time(d.drawn_at),
        'cadre_ids', (SELECT coalesce(jsonb_agg(v.cadre_id ORDER BY v.cadre_id), '[]'::jsonb)
                        FROM verifications v WHERE v.draw_id = d.id))
$$;
