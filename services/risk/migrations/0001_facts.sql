-- risk: the facts taken from the enterprise's events (CG_ENTERPRISE).
--
-- Every event the service keeps is one row of facts, with its data as the
-- JSON of its message (the form docs/enterprise-events.md describes), and
-- one row of fact_parties for each person, unit and supplier it concerns.
-- A score is always explained from these rows, so they are never changed.

-- What the service takes from each subject of the contract, as data: the
-- business key (the JSON paths whose values, joined, name the thing the
-- event reports; a second event with the same key under another id is a
-- replay and adds nothing), and below, whom it concerns.
CREATE TABLE event_kinds (
    subject text PRIMARY KEY CHECK (subject ~ '^ent\.[a-z_]+\.[a-z_]+\.[a-z_]+$'),
    key_paths jsonpath[] NOT NULL CHECK (cardinality(key_paths) > 0)
);

-- path leads to the party's reference (a PersonRef, UnitRef or
-- CompanyRef of the contract), whose id and name are kept.
CREATE TABLE party_paths (
    subject text NOT NULL REFERENCES event_kinds,
    role text NOT NULL CHECK (role ~ '^[a-z_]{1,32}$'),
    party_kind text NOT NULL CHECK (party_kind IN ('person', 'unit', 'supplier')),
    path jsonpath NOT NULL,
    PRIMARY KEY (subject, role)
);

-- The member of a reference that holds its id, by kind of party.
CREATE FUNCTION risk_party_id(kind text, ref jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT ref->>(CASE kind WHEN 'person' THEN 'person_id' WHEN 'unit' THEN 'unit_code'
                            ELSE 'credit_code' END)
$$;

INSERT INTO event_kinds (subject, key_paths) VALUES
    ('ent.hr.person.appointed', '{$.person.person_id, $.unit.unit_code, $.position, $.effective_on}'),
    ('ent.hr.person.transferred', '{$.person.person_id, $.to_unit.unit_code, $.to_position, $.effective_on}'),
    ('ent.hr.person.removed', '{$.person.person_id, $.unit.unit_code, $.position, $.effective_on}'),
    ('ent.hr.appraisal.recorded', '{$.person.person_id, $.year}'),
    ('ent.hr.adverse_action.taken', '{$.person.person_id, $.kind, $.decided_on}'),
    ('ent.procurement.tender.published', '{$.tender_id}'),
    ('ent.procurement.bid.submitted', '{$.bid_id}'),
    ('ent.procurement.award.made', '{$.award_id}'),
    ('ent.procurement.contract.signed', '{$.contract_id}'),
    ('ent.procurement.contract.changed', '{$.change_id}'),
    ('ent.finance.payment.made', '{$.payment_id}'),
    ('ent.finance.expense.claimed', '{$.claim_id}'),
    ('ent.finance.supplier_account.changed', '{$.supplier.credit_code, $.new_account, $.changed_at}'),
    ('ent.projects.change_order.issued', '{$.change_order_id}'),
    ('ent.register.company.extracted', '{$.company.credit_code, $.extracted_on}'),
    ('ent.register.household.extracted', '{$.person.person_id, $.extracted_on}');

INSERT INTO party_paths (subject, role, party_kind, path) VALUES
    ('ent.hr.person.appointed', 'person', 'person', '$.person'),
    ('ent.hr.person.appointed', 'unit', 'unit', '$.unit'),
    ('ent.hr.person.transferred', 'person', 'person', '$.person'),
    ('ent.hr.person.transferred', 'from_unit', 'unit', '$.from_unit'),
    ('ent.hr.person.transferred', 'to_unit', 'unit', '$.to_unit'),
    ('ent.hr.person.removed', 'person', 'person', '$.person'),
    ('ent.hr.person.removed', 'unit', 'unit', '$.unit'),
    ('ent.hr.appraisal.recorded', 'person', 'person', '$.person'),
    ('ent.hr.appraisal.recorded', 'unit', 'unit', '$.unit'),
    ('ent.hr.adverse_action.taken', 'person', 'person', '$.person'),
    ('ent.hr.adverse_action.taken', 'unit', 'unit', '$.unit'),
    ('ent.procurement.tender.published', 'buyer', 'unit', '$.buyer'),
    ('ent.procurement.tender.published', 'officer', 'person', '$.officer'),
    ('ent.procurement.bid.submitted', 'bidder', 'supplier', '$.supplier'),
    ('ent.procurement.award.made', 'buyer', 'unit', '$.buyer'),
    ('ent.procurement.award.made', 'winner', 'supplier', '$.winner'),
    ('ent.procurement.award.made', 'bidder', 'supplier', '$.bids[*].supplier'),
    ('ent.procurement.award.made', 'approver', 'person', '$.approver'),
    ('ent.procurement.contract.signed', 'buyer', 'unit', '$.buyer'),
    ('ent.procurement.contract.signed', 'supplier', 'supplier', '$.supplier'),
    ('ent.procurement.contract.signed', 'signer', 'person', '$.signer'),
    ('ent.procurement.contract.changed', 'buyer', 'unit', '$.buyer'),
    ('ent.procurement.contract.changed', 'supplier', 'supplier', '$.supplier'),
    ('ent.procurement.contract.changed', 'approver', 'person', '$.approver'),
    ('ent.finance.payment.made', 'payer', 'unit', '$.payer'),
    ('ent.finance.payment.made', 'payee', 'supplier', '$.payee'),
    ('ent.finance.payment.made', 'approver', 'person', '$.approver'),
    ('ent.finance.expense.claimed', 'unit', 'unit', '$.unit'),
    ('ent.finance.expense.claimed', 'claimant', 'person', '$.claimant'),
    ('ent.finance.expense.claimed', 'approver', 'person', '$.approver'),
    ('ent.finance.supplier_account.changed', 'supplier', 'supplier', '$.supplier'),
    ('ent.finance.supplier_account.changed', 'unit', 'unit', '$.unit'),
    ('ent.finance.supplier_account.changed', 'changed_by', 'person', '$.changed_by'),
    ('ent.projects.change_order.issued', 'unit', 'unit', '$.unit'),
    ('ent.projects.change_order.issued', 'contractor', 'supplier', '$.contractor'),
    ('ent.projects.change_order.issued', 'approver', 'person', '$.approver'),
    ('ent.register.company.extracted', 'company', 'supplier', '$.company'),
    ('ent.register.household.extracted', 'person', 'person', '$.person');

-- One row per event kept. event_id is the CloudEvent's ce-id; data never
-- holds an identity number, only its keyed hash (the service replaces
-- every id_number before the row is written).
CREATE TABLE facts (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL UNIQUE,
    subject text NOT NULL REFERENCES event_kinds,
    business_key text NOT NULL,
    source text NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL,
    UNIQUE (subject, business_key)
);
CREATE INDEX facts_subject_time ON facts (subject, occurred_at);

CREATE TABLE fact_parties (
    fact_id bigint NOT NULL REFERENCES facts,
    role text NOT NULL,
    party_kind text NOT NULL,
    party_id text NOT NULL,
    -- The party's name as this event gives it ('' when it gives none).
    name text NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (fact_id, role, party_id)
);
CREATE INDEX fact_parties_party ON fact_parties (party_kind, party_id, occurred_at);

-- Facts are evidence: never changed, never removed.
CREATE FUNCTION facts_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'facts are kept as they arrived: % on % is refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER facts_immutable BEFORE UPDATE OR DELETE ON facts
    FOR EACH ROW EXECUTE FUNCTION facts_immutable();
CREATE TRIGGER fact_parties_immutable BEFORE UPDATE OR DELETE ON fact_parties
    FOR EACH ROW EXECUTE FUNCTION facts_immutable();

-- Keep one event. Answers (fact_id, problem): the new fact's id; NULL and
-- NULL for a subject the service does not take or a replay of a fact it
-- has (same business key); NULL and a sentence when the event can never be
-- kept (its business key is missing), which the consumer dead-letters.
CREATE FUNCTION risk_ingest(p_subject text, p_event_id text, p_source text,
                            p_occurred_at timestamptz, p_data jsonb,
                            OUT fact_id bigint, OUT problem text)
LANGUAGE plpgsql AS $$
DECLARE
    k event_kinds;
    parts text[] := '{}';
    part text;
    path jsonpath;
BEGIN
    SELECT * INTO k FROM event_kinds WHERE subject = p_subject;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    FOREACH path IN ARRAY k.key_paths LOOP
        part := jsonb_path_query_first(p_data, path) #>> '{}';
        IF part IS NULL OR part = '' OR part = '0' THEN
            problem := format('%s needs %s in its data', p_subject,
                              replace(regexp_replace(path::text, '^\$\.', ''), '"', ''));
            RETURN;
        END IF;
        parts := parts || part;
    END LOOP;
    INSERT INTO facts (event_id, subject, business_key, source, occurred_at, data)
    VALUES (p_event_id, p_subject, array_to_string(parts, '|'), p_source, p_occurred_at, p_data)
    ON CONFLICT DO NOTHING
    RETURNING id INTO fact_id;
    IF fact_id IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO fact_parties (fact_id, role, party_kind, party_id, name, occurred_at)
    SELECT DISTINCT ON (pp.role, risk_party_id(pp.party_kind, v))
           fact_id, pp.role, pp.party_kind, risk_party_id(pp.party_kind, v),
           coalesce(v->>'name', ''), p_occurred_at
      FROM party_paths pp, jsonb_path_query(p_data, pp.path) v
     WHERE pp.subject = p_subject AND jsonb_typeof(v) = 'object'
       AND coalesce(risk_party_id(pp.party_kind, v), '') <> '';
END $$;
