-- The yearly personal matters report (个人有关事项报告): the form's items
-- and their fields as rows, the yearly rounds with their due dates, each
-- cadre's reports (a submitted report is never changed: a correction is a
-- new version beside it) and the reminders the rounds sent.

-- The form: each item a structured list of entries. key_field tells one
-- entry from another when a verification compares them ('' for an item of
-- one entry, such as the salary); amount_field is the figure of which less
-- than the truth is an omission (漏报), '' when none.
CREATE TABLE report_items (
    name text PRIMARY KEY,
    seq integer NOT NULL UNIQUE,
    part text NOT NULL CHECK (part IN ('family', 'property')),
    label_zh text NOT NULL,
    label_en text NOT NULL,
    key_field text NOT NULL DEFAULT '',
    amount_field text NOT NULL DEFAULT ''
);

-- text | day (YYYY-MM-DD) | number (not negative) | relation (a row of
-- relations) | credit_code (a unified social credit code)
CREATE TABLE report_fields (
    item text NOT NULL REFERENCES report_items (name),
    name text NOT NULL CHECK (name ~ '^[a-z_0-9]+$'),
    seq integer NOT NULL,
    type text NOT NULL CHECK (type IN ('text', 'day', 'number', 'relation', 'credit_code')),
    required boolean NOT NULL,
    label_zh text NOT NULL,
    label_en text NOT NULL,
    PRIMARY KEY (item, name),
    UNIQUE (item, seq)
);

INSERT INTO report_items (name, seq, part, label_zh, label_en, key_field, amount_field) VALUES
    ('marriage', 1, 'family', '婚姻情况', 'Marriage', '', ''),
    ('passports', 2, 'family', '因私出国(境)证件', 'Passports for private travel', 'number', ''),
    ('trips_abroad', 3, 'family', '因私出国(境)情况', 'Private trips abroad', 'from_on', ''),
    ('hmt_permits', 4, 'family', '往来港澳台通行证', 'Permits for Hong Kong, Macau and Taiwan',
     'number', ''),
    ('hmt_trips', 5, 'family', '因私往来港澳台情况', 'Private trips to Hong Kong, Macau and Taiwan',
     'from_on', ''),
    ('children_marriages', 6, 'family', '子女与外国人、港澳台居民通婚',
     'Children married to foreigners or residents of Hong Kong, Macau or Taiwan', 'child_name', ''),
    ('emigration', 7, 'family', '配偶子女移居国(境)外', 'Spouse or children emigrated or living abroad',
     'name', ''),
    ('family_employment', 8, 'family', '配偶子女及其配偶从业情况',
     'Employment of spouse, children and their spouses', 'name', ''),
    ('family_criminal', 9, 'family', '配偶子女及其配偶被追究刑事责任',
     'Criminal cases against spouse, children and their spouses', 'name', ''),
    ('salary', 10, 'property', '工资及各类奖金津贴补贴', 'Salary, bonuses and allowances', '',
     'annual_yuan'),
    ('outside_income', 11, 'property', '劳务所得', 'Income from outside work', 'source',
     'amount_yuan'),
    ('housing', 12, 'property', '房产情况', 'Housing', 'address', 'area_m2'),
    ('securities', 13, 'property', '股票、基金、投资型保险', 'Securities, funds and investment insurance',
     'name', 'value_yuan'),
    ('company_stakes', 14, 'property', '配偶子女投资非上市公司、企业',
     'Stakes of spouse and children in unlisted companies', 'credit_code', 'share_percent'),
    ('businesses', 15, 'property', '配偶子女注册个体工商户、个人独资企业或合伙企业',
     'Sole businesses and partnerships of spouse and children', 'credit_code', '');

INSERT INTO report_fields (item, name, seq, type, required, label_zh, label_en) VALUES
    ('marriage', 'status', 1, 'text', true, '婚姻状况', 'Status'),
    ('marriage', 'spouse_name', 2, 'text', false, '配偶姓名', 'Spouse'),
    ('marriage', 'since_on', 3, 'day', false, '起始日期', 'Since'),
    ('passports', 'number', 1, 'text', true, '证件号码', 'Number'),
    ('passports', 'issued_on', 2, 'day', false, '签发日期', 'Issued'),
    ('passports', 'expires_on', 3, 'day', false, '有效期至', 'Expires'),
    ('passports', 'kept_by', 4, 'text', false, '保管机构', 'Kept by'),
    ('trips_abroad', 'destination', 1, 'text', true, '前往国家(地区)', 'Destination'),
    ('trips_abroad', 'from_on', 2, 'day', true, '出境日期', 'Left on'),
    ('trips_abroad', 'to_on', 3, 'day', false, '入境日期', 'Back on'),
    ('trips_abroad', 'purpose', 4, 'text', false, '事由', 'Purpose'),
    ('hmt_permits', 'number', 1, 'text', true, '证件号码', 'Number'),
    ('hmt_permits', 'issued_on', 2, 'day', false, '签发日期', 'Issued'),
    ('hmt_permits', 'expires_on', 3, 'day', false, '有效期至', 'Expires'),
    ('hmt_permits', 'kept_by', 4, 'text', false, '保管机构', 'Kept by'),
    ('hmt_trips', 'destination', 1, 'text', true, '前往地区', 'Destination'),
    ('hmt_trips', 'from_on', 2, 'day', true, '出境日期', 'Left on'),
    ('hmt_trips', 'to_on', 3, 'day', false, '入境日期', 'Back on'),
    ('hmt_trips', 'purpose', 4, 'text', false, '事由', 'Purpose'),
    ('children_marriages', 'child_name', 1, 'text', true, '子女姓名', 'Child'),
    ('children_marriages', 'spouse_name', 2, 'text', true, '配偶姓名', 'Spouse'),
    ('children_marriages', 'spouse_origin', 3, 'text', true, '配偶国籍(地区)', 'Spouse''s country or region'),
    ('children_marriages', 'married_on', 4, 'day', false, '登记日期', 'Married on'),
    ('emigration', 'name', 1, 'text', true, '姓名', 'Name'),
    ('emigration', 'relation', 2, 'relation', true, '关系', 'Relation'),
    ('emigration', 'country', 3, 'text', true, '移居国家(地区)', 'Country or region'),
    ('emigration', 'since_on', 4, 'day', false, '起始日期', 'Since'),
    ('family_employment', 'name', 1, 'text', true, '姓名', 'Name'),
    ('family_employment', 'relation', 2, 'relation', true, '关系', 'Relation'),
    ('family_employment', 'employer', 3, 'text', true, '工作单位', 'Employer'),
    ('family_employment', 'position', 4, 'text', false, '职务', 'Position'),
    ('family_criminal', 'name', 1, 'text', true, '姓名', 'Name'),
    ('family_criminal', 'relation', 2, 'relation', true, '关系', 'Relation'),
    ('family_criminal', 'charge', 3, 'text', true, '罪名', 'Charge'),
    ('family_criminal', 'decided_on', 4, 'day', false, '判决日期', 'Decided on'),
    ('salary', 'annual_yuan', 1, 'number', true, '年收入(元)', 'Yearly (yuan)'),
    ('outside_income', 'source', 1, 'text', true, '来源', 'Source'),
    ('outside_income', 'amount_yuan', 2, 'number', true, '金额(元)', 'Amount (yuan)'),
    ('housing', 'owner', 1, 'text', true, '产权人', 'Owner'),
    ('housing', 'address', 2, 'text', true, '地址', 'Address'),
    ('housing', 'area_m2', 3, 'number', true, '建筑面积(平方米)', 'Area (m²)'),
    ('housing', 'use', 4, 'text', false, '用途', 'Use'),
    ('housing', 'acquired_on', 5, 'day', false, '取得日期', 'Acquired on'),
    ('securities', 'holder', 1, 'text', true, '持有人', 'Holder'),
    ('securities', 'name', 2, 'text', true, '名称', 'Name'),
    ('securities', 'code', 3, 'text', false, '代码', 'Code'),
    ('securities', 'value_yuan', 4, 'number', true, '市值(元)', 'Value (yuan)'),
    ('company_stakes', 'holder', 1, 'text', true, '出资人', 'Holder'),
    ('company_stakes', 'company', 2, 'text', true, '企业名称', 'Company'),
    ('company_stakes', 'credit_code', 3, 'credit_code', true, '统一社会信用代码', 'Credit code'),
    ('company_stakes', 'share_percent', 4, 'number', true, '出资比例(%)', 'Share (%)'),
    ('company_stakes', 'amount_yuan', 5, 'number', false, '出资额(元)', 'Amount (yuan)'),
    ('businesses', 'holder', 1, 'text', true, '经营人', 'Holder'),
    ('businesses', 'company', 2, 'text', true, '名称', 'Name'),
    ('businesses', 'credit_code', 3, 'credit_code', true, '统一社会信用代码', 'Credit code'),
    ('businesses', 'kind', 4, 'text', false, '类型', 'Kind');

-- A yearly round: the cadres of a unit's subtree report for a year by its
-- due day; reminders go out remind_days before it and once it has passed.
-- A cadre whose file was opened after the due day was no cadre of the
-- round (in_round()).
CREATE TABLE report_rounds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    org_path ltree NOT NULL,
    due_on date NOT NULL,
    remind_days integer NOT NULL DEFAULT 14 CHECK (remind_days BETWEEN 1 AND 90),
    opened_by text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    UNIQUE (year, org_path)
);
CREATE INDEX report_rounds_org_path_idx ON report_rounds USING gist (org_path);

CREATE FUNCTION in_round(c cadres, rr report_rounds) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT c.org_path <@ rr.org_path AND (c.created_at AT TIME ZONE 'UTC')::date <= rr.due_on
$$;

-- A cadre's report of a year, one row per version. answers holds the
-- form's items in the PersonalReport message's shape: [{item, none,
-- entries: [{fields: [{name, value}]}]}]. A draft is the cadre's to
-- change; once submitted the row is fixed, and a correction is a new
-- version (corrects names the one it corrects).
CREATE TABLE reports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cadre_id uuid NOT NULL REFERENCES cadres (id),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version integer NOT NULL CHECK (version > 0),
    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted')),
    answers jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(answers) = 'array'),
    corrects uuid REFERENCES reports (id),
    correction_reason text NOT NULL DEFAULT '',
    prefilled_from integer,
    submitted_at timestamptz,
    submitted_by text NOT NULL DEFAULT '',
    late boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (cadre_id, year, version),
    CHECK ((state = 'submitted') = (submitted_at IS NOT NULL))
);
CREATE UNIQUE INDEX reports_one_draft_idx ON reports (cadre_id, year) WHERE state = 'draft';
CREATE INDEX reports_year_idx ON reports (year, cadre_id) WHERE state = 'submitted';

CREATE FUNCTION reports_keep_submitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.state = 'submitted' THEN
        RAISE EXCEPTION 'a submitted report is never changed: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER reports_keep BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_keep_submitted();

-- The reminders a round sent each cadre: one of each kind, however many
-- replicas look.
CREATE TABLE report_reminders (
    round_id uuid NOT NULL REFERENCES report_rounds (id),
    cadre_id uuid NOT NULL REFERENCES cadres (id),
    kind text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    sent_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (round_id, cadre_id, kind)
);

CREATE FUNCTION report_json(r reports) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'id', r.id, 'cadre_id', r.cadre_id, 'year', r.year, 'version', r.version,
        'state', r.state, 'items', r.answers, 'corrects_id', r.corrects,
        'correction_reason', r.correction_reason, 'prefilled_from_year', r.prefilled_from,
        'submitted_at', json_time(r.submitted_at), 'submitted_by', r.submitted_by,
        'late', r.late, 'created_at', json_time(r.created_at),
        'updated_at', json_time(r.updated_at)))
$$;

-- Where each cadre of a round stands: submitted (on time or late, as its
-- first version was), a draft, nothing yet, and overdue once the due day
-- has passed without a submitted report. One pass over the round's cadres
-- and the year's reports, however many cadres there are.
CREATE FUNCTION round_states(rr report_rounds)
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
     WHERE c.org_path <@ rr.org_path AND (c.created_at AT TIME ZONE 'UTC')::date <= rr.due_on
$$;

-- A round with its counts of the cadres of its subtree in each state.
CREATE FUNCTION round_json(rr report_rounds) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', rr.id, 'year', rr.year, 'org_path', rr.org_path::text,
        'due_on', json_day(rr.due_on), 'remind_days', rr.remind_days,
        'opened_by', rr.opened_by, 'opened_at', json_time(rr.opened_at),
        'cadres', count(*), 'submitted', count(*) FILTER (WHERE s.state = 'submitted'),
        'late', count(*) FILTER (WHERE s.state = 'late'),
        'overdue', count(*) FILTER (WHERE s.state = 'overdue'),
        'drafts', count(*) FILTER (WHERE s.state = 'draft'),
        'not_started', count(*) FILTER (WHERE s.state = 'not_started'))
      FROM round_states(rr) s
$$;

-- The form as the ReportForm message reads it.
CREATE FUNCTION report_form_json() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
        'name', i.name, 'part', i.part, 'label_zh', i.label_zh, 'label_en', i.label_en,
        'key_field', i.key_field, 'amount_field', i.amount_field,
        'fields', (SELECT jsonb_agg(jsonb_build_object(
                        'name', f.name, 'type', f.type, 'required', f.required,
                        'label_zh', f.label_zh, 'label_en', f.label_en) ORDER BY f.seq)
                     FROM report_fields f WHERE f.item = i.name)) ORDER BY i.seq), '[]'::jsonb))
      FROM report_items i
$$;
