-- Person ids in one canonical form, and clues held back from the people
-- they may name by name only.
--
-- 1. Every stored person id takes the canonical form of
--    common/include/cg/person.h (no surrounding white space, ASCII letters
--    in upper case), so that the subject and recusal rules, which compare
--    ids byte for byte, cannot miss 'sec-subj-1' against 'SEC-SUBJ-1 '.
--    person_id_canon() is that form in SQL, for this migration and the
--    constraint below; the service writes ids already canonical (C).
CREATE FUNCTION person_id_canon(id text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT translate(btrim(id, E' \t\r\n\f\v'),
                           'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') $$;

UPDATE clues SET subjects = (
    SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e.s -> 'person_id') = 'string'
                                   THEN jsonb_set(e.s, '{person_id}',
                                                  to_jsonb(person_id_canon(e.s ->> 'person_id')))
                                   ELSE e.s END ORDER BY e.n), '[]'::jsonb)
    FROM jsonb_array_elements(clues.subjects) WITH ORDINALITY AS e(s, n))
WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(clues.subjects) s
              WHERE jsonb_typeof(s -> 'person_id') = 'string'
                AND s ->> 'person_id' <> person_id_canon(s ->> 'person_id'));

UPDATE clue_recusals SET person_id = person_id_canon(person_id)
WHERE person_id <> person_id_canon(person_id);
UPDATE clue_disposals SET proposed_by_person = person_id_canon(proposed_by_person)
WHERE proposed_by_person <> person_id_canon(proposed_by_person);
UPDATE case_investigators SET person_id = person_id_canon(person_id)
WHERE person_id <> person_id_canon(person_id);
UPDATE case_items SET subject_person_id = person_id_canon(subject_person_id)
WHERE subject_person_id <> person_id_canon(subject_person_id);

ALTER TABLE clue_recusals ADD CONSTRAINT clue_recusals_person_canonical
    CHECK (person_id = person_id_canon(person_id));

-- 2. A clue that names someone by name only (a public report's accused
--    person, a subject registered without a person id) holds each name's
--    key (cg_name_key()) here. While a name is pending, the clue is hidden
--    from every caller whose display name has that key (CASE_CLUE_VISIBLE);
--    an officer confirms it (the subject takes the person's id, and the
--    subject rule hides the clue from that person from then on) or clears
--    it (the name is nobody's with an account in scope). Rows are never
--    deleted: they record who decided what.
CREATE TABLE clue_name_holds (
    clue_id uuid NOT NULL REFERENCES clues (id),
    name_key text NOT NULL CHECK (name_key <> ''),
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'cleared')),
    person_id text NOT NULL DEFAULT '',
    decided_by text NOT NULL DEFAULT '',
    decided_at timestamptz,
    held_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (clue_id, name_key)
);
CREATE INDEX clue_name_holds_pending ON clue_name_holds (name_key) WHERE state = 'pending';
