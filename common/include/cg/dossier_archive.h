/* The exported electronic dossier (电子档案) as one archive, and its offline
 * check.
 *
 * An export is a tar archive (libarchive, POSIX pax) holding:
 *   manifest.json        the file's entries and documents (format below);
 *   documents/<sha256>   each document's content once, named by its
 *                        SHA-256 in lower-case hex.
 *
 * manifest.json:
 *   {"format": "cleangrid-dossier/1", "file_id": "<uuid>",
 *    "exported_at": "<RFC 3339>", "exported_by": "<actor id>",
 *    "entries": [{"seq": 1, "occurred_at_ms": 1764118923456,
 *                 "occurred_at": "<RFC 3339, for people>", "actor_id": "...",
 *                 "action": "...", "summary": "<text>",
 *                 "prev_hash": "<hex>", "hash": "<hex>",
 *                 "key_id": "<16 hex, keyed entries only>"}, ...],
 *    "documents": [{"sha256": "<hex>", "size": n, "type": "<media type>",
 *                   "name": "...", "added_by": "...", "added_at": "..."}, ...]}
 * Entries are in seq order. An entry's summary is a string: the JSON text
 * exactly as the database printed it, which is what its hash covers
 * (docs/dossier.md); parse it to read it. a document stored once but added under two
 * names is listed twice with one content in documents/.
 *
 * Pure: no database, no NATS. The entry hash is passed in as a function
 * (the dossier's canonical encoding, cg/dossier.h), so this code
 * and its tests do not depend on how it is computed. */
#ifndef CG_DOSSIER_ARCHIVE_H
#define CG_DOSSIER_ARCHIVE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/chain.h"
#include "cg/status.h"

#define CG_DOSSIER_MANIFEST_FORMAT "cleangrid-dossier/1"
#define CG_DOSSIER_MANIFEST_PATH "manifest.json"
#define CG_DOSSIER_DOCUMENTS_DIR "documents/"
#define CG_SHA256_HEX_LEN 64

/* The SHA-256 of the len bytes at data in lower-case hex, into out: how an
 * archive names a document and how a sender's count is checked. */
void cg_sha256_hex(const uint8_t *data, size_t len, char out[CG_SHA256_HEX_LEN + 1]);

/* One file inside an archive. Strings and bytes are borrowed when writing;
 * when reading, owned by the cg_archive that holds them. */
typedef struct cg_archive_file {
    char *path;
    uint8_t *data;
    size_t len;
} cg_archive_file;

/* Write n files into a tar archive in memory. mtime (Unix seconds) is given
 * to every file so that one export is reproducible. On CG_OK *out (owned by
 * the caller, free()) holds *out_len bytes. */
cg_code cg_archive_write(const cg_archive_file *files, size_t n, int64_t mtime, uint8_t **out,
                         size_t *out_len, cg_err *err);

/* The files of an archive read into memory; owned, freed with
 * cg_archive_free(). */
typedef struct cg_archive {
    cg_archive_file *files;
    size_t n;
} cg_archive;

/* Read every regular file of the tar or zip archive at data (len bytes,
 * borrowed) into *out. A file larger than max_file bytes, or more than
 * max_files files, is refused (INVALID_ARGUMENT) rather than read. */
cg_code cg_archive_read(const uint8_t *data, size_t len, size_t max_file, size_t max_files,
                        cg_archive *out, cg_err *err);
void cg_archive_free(cg_archive *a);
/* The file at path, or NULL; borrowed from a. */
const cg_archive_file *cg_archive_find(const cg_archive *a, const char *path);

/* Computes the hash of one manifest entry of file file_id (borrowed cJSON
 * object with the members above) from its content and its prev_hash, as the
 * service did when it appended it: keyed by key (borrowed) when the entry
 * names one, plain when key is NULL. Returns CG_OK, or INVALID_ARGUMENT when
 * the entry lacks a member the encoding needs. */
typedef cg_code (*cg_dossier_entry_hash_fn)(const char *file_id, const cJSON *entry,
                                            const cg_chain_key *key, uint8_t out[32], cg_err *err);

/* The dossier's entry hash (cg_dossier_hash_keyed(), docs/dossier.md) over
 * a manifest entry: a cg_dossier_entry_hash_fn. */
cg_code cg_dossier_manifest_entry_hash(const char *file_id, const cJSON *entry,
                                       const cg_chain_key *key, uint8_t out[32], cg_err *err);

/* What the offline check found. */
typedef struct cg_dossier_verify_result {
    bool ok;
    /* The first thing that does not match, for a person: "entry 7: ..." or
     * "document <sha256> (name): ..."; "" when ok. */
    char what[512];
    /* The seq of the first bad entry, or 0 when the entries are whole. */
    int64_t bad_seq;
    /* When ok: how many entries and listed documents were checked, and the
     * last entry's hash ("" for none), to compare with the live dossier. */
    int64_t nentries;
    size_t ndocuments;
    char last_hash[2 * 32 + 1];
    /* Keyed entries whose key was not given, so whose hash was taken as
     * stored (their links, seqs and order were still checked), and the key
     * id of the first of them. */
    int64_t unchecked;
    char unchecked_key_id[CG_CHAIN_KEY_ID_LEN];
} cg_dossier_verify_result;

/* Check an archive read with cg_archive_read(): the manifest parses and
 * has the format above; every entry's hash is what hash_fn computes, each
 * entry's prev_hash is the hash before it (the first one's is genesis_hex,
 * unless that is NULL), seqs run 1, 2, 3, ..., no unkeyed entry follows a
 * keyed one, and a keyed entry's hash is recomputed with the key of keys
 * (borrowed, NULL for none) its key_id names, or counted in unchecked when
 * keys holds no such key; every listed document is in
 * documents/ with that SHA-256 and size, and documents/ holds nothing
 * unlisted. Entries are checked before documents, each in order, and the
 * first mismatch is named in *result. Returns CG_OK when the check ran
 * (whatever it found) and INVALID_ARGUMENT when there is no manifest or it
 * is not JSON of that format. */
cg_code cg_dossier_verify_archive(const cg_archive *a, cg_dossier_entry_hash_fn hash_fn,
                                  const char *genesis_hex, const cg_chain_keyring *keys,
                                  cg_dossier_verify_result *result, cg_err *err);

#endif
