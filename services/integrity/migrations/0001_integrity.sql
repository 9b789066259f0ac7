-- Integrity files (廉政档案): the cadres in key positions, their family and
-- social relations, the records of the file's sections and every earlier
-- version of each (docs/integrity.md).
--
-- A file's scope is its cadre's unit: every read and write of the service
-- compares the cadre's org path with the caller's scope.
CREATE EXTENSION IF NOT EXISTS ltree;

-- The words the API accepts, as rows: a new relation, section or key
-- position is data, and the error that refuses an unknown one lists them.
CREATE TABLE key_positions (
    name text PRIMARY KEY,
    label_zh text NOT NULL
);
INSERT INTO key_positions (name, label_zh) VALUES
    ('procurement', '采购'), ('finance', '财务'), ('hr', '人事'),
    ('project_construction', '工程建设'), ('materials', '物资');

CREATE TABLE relations (
    name text PRIMARY KEY,
    label_zh text NOT NULL
);
INSERT INTO relations (name, label_zh) VALUES
    ('spouse', '配偶'), ('child', '子女'), ('child_spouse', '子女配偶'),
    ('parent', '父母'), ('sibling', '兄弟姐妹');

-- The sections of a file the office enters records into. discipline and
-- clue_conclusion also arrive from the case service's events.
CREATE TABLE sections (
    name text PRIMARY KEY,
    label_zh text NOT NULL
);
INSERT INTO sections (name, label_zh) VALUES
    ('appraisal', '民主测评'), ('audit', '任中/离任审计'), ('complaint', '信访核实结论'),
    ('discipline', '处分/问责'), ('clue_conclusion', '线索了结'), ('talk', '廉政谈话'),
    ('reminder', '提醒'), ('gift', '礼品登记');

-- How long a sanction stands in the way of a promotion (处分影响期), by the
-- kind and measure the case service decides. Inspection leads change the
-- rows through the API; a measure with no row has no influence period.
CREATE TABLE influence_periods (
    kind text NOT NULL,
    measure text NOT NULL,
    months integer NOT NULL CHECK (months BETWEEN 0 AND 120),
    PRIMARY KEY (kind, measure)
);
INSERT INTO influence_periods (kind, measure, months) VALUES
    ('party_discipline', 'warning', 12), ('party_discipline', 'serious_warning', 18),
    ('party_discipline', 'removal_from_posts', 24), ('party_discipline', 'probation', 24),
    ('party_discipline', 'expulsion', 60),
    ('government_sanction', 'warning', 6), ('government_sanction', 'demerit', 12),
    ('government_sanction', 'major_demerit', 18), ('government_sanction', 'demotion', 24),
    ('government_sanction', 'dismissal', 24), ('government_sanction', 'expulsion', 60),
    ('organizational_handling', 'admonishment', 6),
    ('organizational_handling', 'job_adjustment', 12);

CREATE TABLE cadres (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id text NOT NULL UNIQUE CHECK (person_id <> ''),
    name text NOT NULL CHECK (name <> ''),
    org_path ltree NOT NULL,
    position text NOT NULL DEFAULT '',
    grade text NOT NULL DEFAULT '',
    key_position text REFERENCES key_positions (name),
    key_since_on date,
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_by text NOT NULL,
    -- Whole milliseconds: a list's cursor names a cadre by this time.
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX cadres_org_path_idx ON cadres USING gist (org_path);
CREATE INDEX cadres_created_idx ON cadres (created_at DESC, id DESC);
CREATE INDEX cadres_key_idx ON cadres (key_position, created_at DESC, id DESC)
    WHERE key_position IS NOT NULL;

-- A relative: the businesses they own or run are a JSON array of
-- {company, credit_code, role, share_percent}, checked by the service.
-- A removed relative stays, marked, with its versions.
CREATE TABLE relatives (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cadre_id uuid NOT NULL REFERENCES cadres (id),
    name text NOT NULL CHECK (name <> ''),
    relation text NOT NULL REFERENCES relations (name),
    employer text NOT NULL DEFAULT '',
    position text NOT NULL DEFAULT '',
    person_id text NOT NULL DEFAULT '',
    businesses jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(businesses) = 'array'),
    removed boolean NOT NULL DEFAULT false,
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX relatives_cadre_idx ON relatives (cadre_id, created_at);
-- Recusal's question: whose declared relative is this person?
CREATE INDEX relatives_person_idx ON relatives (person_id) WHERE person_id <> '' AND NOT removed;

-- A record of a section. Kept by person id, not by file: a sanction may be
-- decided before the office opens the person's file, and shows in it once
-- it is. A record is never changed; a correction is a record of its own.
CREATE TABLE records (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id text NOT NULL CHECK (person_id <> ''),
    section text NOT NULL REFERENCES sections (name),
    title text NOT NULL CHECK (title <> ''),
    detail text NOT NULL DEFAULT '',
    happened_on date NOT NULL,
    kind text NOT NULL DEFAULT '',
    measure text NOT NULL DEFAULT '',
    influence_until_on date,
    -- office: entered by the office; case: from the case service's events;
    -- system: written by the service itself (a report's reminders).
    source text NOT NULL DEFAULT 'office' CHECK (source IN ('office', 'case', 'system')),
    -- What a record from an event is of: the case's item and subject, or
    -- the clue's disposal and subject. An event delivered twice, or
    -- replayed under a new id, never makes a second record.
    source_ref text NOT NULL DEFAULT '',
    value_fen bigint NOT NULL DEFAULT 0 CHECK (value_fen >= 0),
    internal boolean NOT NULL DEFAULT false,
    org_path ltree NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
CREATE UNIQUE INDEX records_source_ref_idx ON records (source_ref) WHERE source_ref <> '';
CREATE INDEX records_person_idx ON records (person_id, happened_on);
CREATE INDEX records_influence_idx ON records (person_id, influence_until_on)
    WHERE influence_until_on IS NOT NULL;

-- The service's clock, as rectification has it: with the session setting
-- cg.test_clock on (CG_INTEGRITY_TEST_CLOCK=1), offset_s moves it, so tests
-- can let an influence period or a due date pass.
CREATE TABLE service_clock (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offset_s bigint NOT NULL DEFAULT 0
);
INSERT INTO service_clock DEFAULT VALUES;

CREATE FUNCTION integrity_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT now() + CASE WHEN current_setting('cg.test_clock', true) = 'on'
                        THEN (SELECT offset_s FROM service_clock) * interval '1 second'
                        ELSE interval '0' END
$$;

CREATE FUNCTION integrity_today() RETURNS date LANGUAGE sql STABLE AS $$
    SELECT (integrity_now() AT TIME ZONE 'UTC')::date
$$;

-- Times and days as the JSON codec reads them (cg/pbjson.h).
CREATE FUNCTION json_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
CREATE FUNCTION json_day(d date) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(d, 'YYYY-MM-DD')
$$;

-- Each row as its message in JSON (integrity.proto), read by the service's
-- codec: one place that says how a row becomes the message.
CREATE FUNCTION relative_json(r relatives) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'cadre_id', r.cadre_id, 'name', r.name, 'relation', r.relation,
        'employer', r.employer, 'position', r.position, 'person_id', r.person_id,
        'businesses', r.businesses, 'version', r.version, 'updated_at', json_time(r.updated_at))
$$;

CREATE FUNCTION record_json(x records, cadre_id uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', x.id, 'cadre_id', cadre_id, 'person_id', x.person_id, 'section', x.section,
        'title', x.title, 'detail', x.detail, 'happened_on', json_day(x.happened_on),
        'kind', x.kind, 'measure', x.measure,
        'influence_until_on', json_day(x.influence_until_on),
        'in_effect', x.influence_until_on IS NOT NULL AND x.influence_until_on >= integrity_today(),
        'source', x.source, 'source_ref', x.source_ref, 'value_fen', x.value_fen,
        'internal', x.internal, 'recorded_by', x.recorded_by,
        'recorded_at', json_time(x.recorded_at), 'org_path', x.org_path::text))
$$;

-- The cadre; counted tells whether to count the file's parts (the list
-- does not need the relatives' count).
CREATE FUNCTION cadre_json(c cadres, counted boolean) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', c.id, 'person_id', c.person_id, 'name', c.name, 'org_path', c.org_path::text,
        'position', c.position, 'grade', c.grade, 'key_position', c.key_position,
        'key_since_on', json_day(c.key_since_on), 'version', c.version,
        'created_at', json_time(c.created_at), 'updated_at', json_time(c.updated_at),
        'relative_count', CASE WHEN counted THEN (SELECT count(*) FROM relatives r
                                                   WHERE r.cadre_id = c.id AND NOT r.removed) END,
        'record_count', CASE WHEN counted THEN (SELECT count(*) FROM records x
                                                 WHERE x.person_id = c.person_id) END,
        'sanctions_in_effect', (SELECT count(*) FROM records x WHERE x.person_id = c.person_id
                                   AND x.influence_until_on >= integrity_today())))
$$;

-- Every version of the file's parts: written by the triggers below on each
-- insert and each change of version, so no code path can change a part
-- without its earlier version staying here.
CREATE TABLE versions (
    entity text NOT NULL CHECK (entity IN ('cadre', 'relative', 'record')),
    entity_id uuid NOT NULL,
    version integer NOT NULL,
    person_id text NOT NULL,
    data jsonb NOT NULL,
    change text NOT NULL CHECK (change IN ('created', 'updated', 'removed')),
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    PRIMARY KEY (entity, entity_id, version)
);
CREATE INDEX versions_person_idx ON versions (person_id, changed_at);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the integrity file keeps every version: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER relatives_keep BEFORE DELETE ON relatives
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER cadres_keep BEFORE DELETE ON cadres
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION keep_cadre_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.version <> OLD.version THEN
        INSERT INTO versions (entity, entity_id, version, person_id, data, change, changed_by)
        VALUES ('cadre', NEW.id, NEW.version, NEW.person_id, cadre_json(NEW, false) -
                    ARRAY['sanctions_in_effect'],
                CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END, NEW.updated_by);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cadres_versions AFTER INSERT OR UPDATE ON cadres
    FOR EACH ROW EXECUTE FUNCTION keep_cadre_version();

CREATE FUNCTION keep_relative_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.version <> OLD.version THEN
        INSERT INTO versions (entity, entity_id, version, person_id, data, change, changed_by)
        SELECT 'relative', NEW.id, NEW.version, c.person_id, relative_json(NEW),
               CASE WHEN TG_OP = 'INSERT' THEN 'created'
                    WHEN NEW.removed THEN 'removed' ELSE 'updated' END, NEW.updated_by
          FROM cadres c WHERE c.id = NEW.cadre_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER relatives_versions AFTER INSERT OR UPDATE ON relatives
    FOR EACH ROW EXECUTE FUNCTION keep_relative_version();

CREATE FUNCTION keep_record_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO versions (entity, entity_id, version, person_id, data, change, changed_by)
    VALUES ('record', NEW.id, 1, NEW.person_id, record_json(NEW, NULL) - ARRAY['in_effect'],
            'created', NEW.recorded_by);
    RETURN NULL;
END
$$;
CREATE TRIGGER records_versions AFTER INSERT ON records
    FOR EACH ROW EXECUTE FUNCTION keep_record_version();

CREATE FUNCTION version_json(v versions) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'entity', v.entity, 'entity_id', v.entity_id, 'version', v.version,
        'data_json', v.data::text, 'changed_by', v.changed_by,
        'changed_at', json_time(v.changed_at), 'change', v.change)
$$;

-- The influence period's last day of a measure decided on a day; NULL
-- when the measure has none.
CREATE FUNCTION influence_until(kind text, measure text, decided date) RETURNS date
    LANGUAGE sql STABLE AS $$
    SELECT (decided + make_interval(months => p.months) - interval '1 day')::date
      FROM influence_periods p
     WHERE p.kind = influence_until.kind AND p.measure = influence_until.measure
       AND p.months > 0
$$;
