-- Problem clues (问题线索). A clue comes from a source (a public report, an
-- inspection tour, an audit transfer, ...) and names the record it came from
-- in source_ref; the pair is unique, so an event delivered twice, or a
-- replayed stream, never registers the same clue twice even if the inbox were
-- lost.
CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TABLE clues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source text NOT NULL,
    source_ref text NOT NULL,
    category text NOT NULL,
    content text NOT NULL,
    location text NOT NULL DEFAULT '',
    accused_person text NOT NULL DEFAULT '',
    accused_unit text NOT NULL DEFAULT '',
    anonymous boolean NOT NULL,
    org_path ltree NOT NULL,
    status text NOT NULL DEFAULT 'registered',
    -- clock_timestamp(), not now(): clues registered in one transaction still
    -- get distinct, ordered times for the newest-first list.
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT clues_source_ref_unique UNIQUE (source, source_ref)
);

-- Newest-first keyset pagination walks this index.
CREATE INDEX clues_created_idx ON clues (created_at DESC, id DESC);
-- Scope filters (org_path <@ scope) use this one.
CREATE INDEX clues_org_path_idx ON clues USING gist (org_path);
