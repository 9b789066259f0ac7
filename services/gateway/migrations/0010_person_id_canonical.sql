-- One canonical form of a person id (HR number): no surrounding white
-- space, ASCII letters in upper case (common/include/cg/person.h). The
-- services compare person ids byte for byte to keep people out of records
-- about themselves, so 'sec-subj-1' and 'SEC-SUBJ-1 ' must be one id.
--
-- Two accounts whose ids differ only in case are one person linked twice;
-- which account keeps the id is not a migration's to guess, so the
-- migration stops and names them (docs/operations.md).
DO $$
DECLARE
    dup text;
BEGIN
    SELECT string_agg(username, ', ' ORDER BY username) INTO dup
    FROM accounts a
    WHERE person_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM accounts b
        WHERE b.id <> a.id AND b.person_id IS NOT NULL
          AND upper(btrim(b.person_id)) = upper(btrim(a.person_id)));
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION 'accounts % hold one person id in different cases; unlink all but one', dup;
    END IF;
END $$;

UPDATE accounts
SET person_id = translate(btrim(person_id, E' \t\r\n\f\v'),
                          'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
WHERE person_id IS NOT NULL
  AND person_id <> translate(btrim(person_id, E' \t\r\n\f\v'),
                             'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');

ALTER TABLE accounts ADD CONSTRAINT accounts_person_id_canonical
    CHECK (person_id ~ '^[A-Z0-9._-]{1,64}$');
