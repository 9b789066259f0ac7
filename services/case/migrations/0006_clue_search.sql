-- Clue lists filtered and searched (issue 4): a substring search on the
-- summary and the subjects' names that works for Chinese text, through a
-- trigram index (pg_trgm) on one searchable text per clue.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE clues ADD COLUMN search_text text GENERATED ALWAYS AS (
    summary || ' ' || jsonb_path_query_array(subjects, '$[*].name')::text) STORED;

CREATE INDEX clues_search_idx ON clues USING gin (search_text gin_trgm_ops);
CREATE INDEX clues_categories_idx ON clues USING gin (categories);
CREATE INDEX clues_status_idx ON clues (status, created_at DESC, id DESC);
