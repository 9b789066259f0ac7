-- Documents of the integrity files and their dossier exports:
-- common/templates/documents.sql with the service's kind of file.

CREATE TABLE documents (
    sha256       bytea PRIMARY KEY CHECK (length(sha256) = 32),
    size         bigint NOT NULL CHECK (size > 0),
    content_type text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
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
    file_kind   text NOT NULL CHECK (file_kind IN ('file')),
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
