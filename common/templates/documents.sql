-- Documents of a service's files, stored once per content, and the dossier
-- exports (docs/dossier.md). A template: a service copies it into a
-- migration of its own with its kinds of file filled in, as SQL strings,
--
--   sed -e "s/@KINDS@/'clue', 'case'/g" common/templates/documents.sql \
--       > services/<name>/migrations/NNNN_documents.sql
--
-- the same kinds its cg_documents names (cg/documents.h). A file id is the
-- id of one of the service's records (UUIDs, so two kinds never collide).
-- The check documents_template keeps the case service's migration
-- 0004_documents.sql and this template the same statements.
--
-- documents holds each content once, keyed by its SHA-256: the same file
-- added to ten files is stored once. document_links says which file has it,
-- under which name, added by whom and when.
--
-- A NATS message carries at most 1 MiB, so an upload arrives in chunks:
-- document_uploads is the staging row, document_upload_chunks its chunks in
-- order. Commit moves the content into documents in one transaction and
-- deletes the staging rows; uploads left untouched for an hour are deleted
-- by the next upload that begins. dossier_exports keeps a built archive for
-- its exporter to read in chunks, for a few minutes.

CREATE TABLE documents (
    sha256       bytea PRIMARY KEY CHECK (length(sha256) = 32),
    size         bigint NOT NULL CHECK (size > 0),
    content_type text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- Stored out of line and uncompressed: PDFs and images hardly compress, and
-- substring() of an EXTERNAL value reads only the chunk asked for.
ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TABLE document_links (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    file_id  uuid NOT NULL,
    sha256   bytea NOT NULL REFERENCES documents (sha256),
    name     text NOT NULL CHECK (name <> ''),
    added_by text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The same content under the same name is one link: an upload sent
    -- twice (a retry) changes nothing.
    CONSTRAINT document_links_unique UNIQUE (file_id, sha256, name)
);
CREATE INDEX document_links_file_idx ON document_links (file_id, added_at, id);

CREATE TABLE document_uploads (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    file_id     uuid NOT NULL,
    -- One of the service's kinds of file: commit checks the caller's access
    -- to it again.
    file_kind   text NOT NULL CHECK (file_kind IN (@KINDS@)),
    name        text NOT NULL,
    uploader_id text NOT NULL,
    received    bigint NOT NULL DEFAULT 0,
    touched_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_uploads_touched_idx ON document_uploads (touched_at);

CREATE TABLE document_upload_chunks (
    upload_id uuid NOT NULL REFERENCES document_uploads (id) ON DELETE CASCADE,
    off       bigint NOT NULL CHECK (off >= 0),
    data      bytea NOT NULL,
    PRIMARY KEY (upload_id, off)
);
ALTER TABLE document_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE dossier_exports (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    file_id    uuid NOT NULL,
    actor_id   text NOT NULL,
    content    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE dossier_exports ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX dossier_exports_created_idx ON dossier_exports (created_at);
