-- Register numbers (线索编号, 案件编号): a number people can read out on the
-- phone and write on a file cover, beside the UUID that stays the key. A
-- clue is XS-<year>-<unit code>-<sequence>, a case AJ-<year>-<unit
-- code>-<sequence> (XS 线索, AJ 案件): the unit code is the last label of
-- the clue's org_path when the record is registered, the year that of the
-- clue's received time (a case's filing time) in Beijing time, and the
-- sequence counts per kind, unit and year from 1, five digits (more once a
-- register passes 99,999). A number is a register number: a later move of
-- the unit or the record never changes it.

-- The last sequence given per kind, unit and year. The row of a register
-- is locked by the first insert that numbers in it until that transaction
-- ends, so two transactions never take the same sequence, and a rolled
-- back one gives its sequences back.
CREATE TABLE number_counters (
    kind text NOT NULL CHECK (kind IN ('XS', 'AJ')),
    unit text NOT NULL CHECK (unit <> ''),
    year integer NOT NULL,
    last bigint NOT NULL CHECK (last >= 1),
    PRIMARY KEY (kind, unit, year)
);

-- The register's year of a time: the office's registers run on Beijing
-- time, whatever the server's time zone.
CREATE FUNCTION number_year(at timestamptz) RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT extract(year FROM at AT TIME ZONE 'Asia/Shanghai')::integer $$;

-- The unit code of a path: its last label.
CREATE FUNCTION number_unit(path ltree) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT subpath(path, -1)::text $$;

CREATE FUNCTION number_format(kind text, unit text, year integer, seq bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT kind || '-' || year || '-' || unit || '-'
        || CASE WHEN seq < 100000 THEN to_char(seq, 'FM00000') ELSE seq::text END
$$;

-- The setting that holds a register's running sequence in this
-- transaction (a custom setting's name allows letters, digits and _ only,
-- and folds case, which unit codes do not: hence the digest).
CREATE FUNCTION number_setting(kind text, unit text, year integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'cg_number.r' || md5(kind || '-' || year || '-' || unit) $$;

-- Every inserted clue and case is numbered before it is written, so
-- INSERT ... RETURNING and the NOT NULL column see the number, whoever
-- inserts (the service, a COPY, a hand-written INSERT).
--
-- Updating the counter row once per row would leave one row version per
-- number within a bulk load's transaction, each of which the next update
-- has to step over: a COPY of 100,000 clues slows down quadratically
-- (docs/performance.md). So the first row of a register in a transaction
-- takes the next sequence from the counter with INSERT ... ON CONFLICT DO
-- UPDATE, which also locks the counter row until the transaction ends; the
-- rows after it count on in a transaction-local setting, and the
-- statement-level trigger below writes each register's last sequence back
-- once per statement. A rolled-back (sub)transaction undoes the counter and
-- the setting together.
CREATE FUNCTION number_assign() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r_kind text;
    r_unit text;
    r_year integer;
    setting text;
    running text;
    seq bigint;
BEGIN
    IF TG_TABLE_NAME = 'clues' THEN
        r_kind := 'XS';
        r_unit := number_unit(NEW.org_path);
        r_year := number_year(NEW.received_at);
    ELSE
        r_kind := 'AJ';
        SELECT number_unit(c.org_path) INTO r_unit FROM clues c WHERE c.id = NEW.clue_id;
        r_year := number_year(NEW.filed_at);
    END IF;
    setting := number_setting(r_kind, r_unit, r_year);
    running := current_setting(setting, true);
    IF running IS NULL OR running = '' THEN
        INSERT INTO number_counters AS c (kind, unit, year, last)
        VALUES (r_kind, r_unit, r_year, 1)
        ON CONFLICT ON CONSTRAINT number_counters_pkey DO UPDATE SET last = c.last + 1
        RETURNING c.last INTO seq;
    ELSE
        seq := running::bigint + 1;
    END IF;
    PERFORM set_config(setting, seq::text, true);
    NEW.number := number_format(r_kind, r_unit, r_year, seq);
    RETURN NEW;
END
$$;

-- After each statement: the counters of the registers it numbered in
-- catch up with their running sequences. The registers are read back from
-- the numbers in the statement's transition table, each number cut to its
-- register ("XS-2026-city_a-") before anything else is done with it, so a
-- bulk load parses a handful of prefixes rather than every number. A row
-- that ON CONFLICT DO NOTHING skipped is not in it; the sequence it took
-- stays a gap.
--
-- The running sequence is read only for those registers, in the
-- materialized CTE, and compared with the counter in the join: this
-- transaction has a setting for them alone. A condition that read the
-- setting through the counter row's own columns would be pushed down to
-- the scan of number_counters, and once the table has statistics the
-- planner scans it whole, reading the setting of every register: one no
-- transaction on this connection ever numbered in does not exist (42704),
-- one an earlier transaction did is '' (22P02), and every insert fails.
CREATE FUNCTION number_counters_catch_up() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH r AS MATERIALIZED (
        SELECT q.kind, q.unit, q.year,
               current_setting(number_setting(q.kind, q.unit, q.year))::bigint AS seq
          FROM (SELECT m[1] AS kind, m[3] AS unit, m[2]::integer AS year
                  FROM (SELECT regexp_match(p.register, '^([A-Z]+)-([0-9]+)-(.+)-$') AS m
                          FROM (SELECT DISTINCT rtrim(n.number, '0123456789') AS register
                                  FROM new_rows n) p) x) q)
    UPDATE number_counters c
       SET last = r.seq
      FROM r
     WHERE c.kind = r.kind AND c.unit = r.unit AND c.year = r.year AND c.last < r.seq;
    RETURN NULL;
END
$$;

ALTER TABLE clues ADD COLUMN number text;
ALTER TABLE cases ADD COLUMN number text;

-- The clues and cases there before, numbered in the order they were
-- received (filed). A case there before is numbered under its clue's unit
-- as it is now: where the unit was when it was filed is not recorded.
INSERT INTO number_counters (kind, unit, year, last)
SELECT 'XS', number_unit(org_path), number_year(received_at), count(*)
  FROM clues GROUP BY 2, 3;
UPDATE clues SET number = number_format('XS', n.unit, n.year, n.seq)
  FROM (SELECT id, number_unit(org_path) AS unit, number_year(received_at) AS year,
               row_number() OVER (PARTITION BY number_unit(org_path), number_year(received_at)
                                  ORDER BY received_at, created_at, id) AS seq
          FROM clues) n
 WHERE clues.id = n.id;

INSERT INTO number_counters (kind, unit, year, last)
SELECT 'AJ', number_unit(c.org_path), number_year(k.filed_at), count(*)
  FROM cases k JOIN clues c ON c.id = k.clue_id GROUP BY 2, 3;
UPDATE cases SET number = number_format('AJ', n.unit, n.year, n.seq)
  FROM (SELECT k.id, number_unit(c.org_path) AS unit, number_year(k.filed_at) AS year,
               row_number() OVER (PARTITION BY number_unit(c.org_path), number_year(k.filed_at)
                                  ORDER BY k.filed_at, k.id) AS seq
          FROM cases k JOIN clues c ON c.id = k.clue_id) n
 WHERE cases.id = n.id;

ALTER TABLE clues ALTER COLUMN number SET NOT NULL,
    ADD CONSTRAINT clues_number_unique UNIQUE (number);
ALTER TABLE cases ALTER COLUMN number SET NOT NULL,
    ADD CONSTRAINT cases_number_unique UNIQUE (number);

-- The lists find a record by its number whatever its letters' case, whole
-- or by a prefix (services/case/src/number.c): lower(number) LIKE 'prefix%'
-- walks these.
CREATE INDEX clues_number_search_idx ON clues (lower(number) text_pattern_ops);
CREATE INDEX cases_number_search_idx ON cases (lower(number) text_pattern_ops);

CREATE TRIGGER clues_number_assign BEFORE INSERT ON clues
    FOR EACH ROW EXECUTE FUNCTION number_assign();
CREATE TRIGGER cases_number_assign BEFORE INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION number_assign();
CREATE TRIGGER clues_number_catch_up AFTER INSERT ON clues
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION number_counters_catch_up();
CREATE TRIGGER cases_number_catch_up AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION number_counters_catch_up();
