#include "cg/dossier_archive.h"
#include "cg/dossier.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_sha256_hex(const uint8_t *data, size_t len, char out[CG_SHA256_HEX_LEN + 1])
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(out, CG_SHA256_HEX_LEN + 1, digest, sizeof digest);
}

/* --- writing --------------------------------------------------------------- */

/* The archive grows in memory; libarchive calls this for each block. */
typedef struct out_buf {
    uint8_t *data;
    size_t len, cap;
} out_buf;

static la_ssize_t buf_write(struct archive *a, void *arg, const void *block, size_t n)
{
    out_buf *b = arg;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *grown = realloc(b->data, cap);
        if (grown == NULL) {
            archive_set_error(a, ENOMEM, "out of memory");
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, block, n);
    b->len += n;
    return (la_ssize_t)n;
}

cg_code cg_archive_write(const cg_archive_file *files, size_t n, int64_t mtime, uint8_t **out,
                         size_t *out_len, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    struct archive *a = archive_write_new();
    struct archive_entry *entry = archive_entry_new();
    out_buf buf = {0};

    *out = NULL;
    *out_len = 0;
    if (a == NULL || entry == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    /* pax keeps names and sizes of any length exact; every tar reads it. */
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_open(a, &buf, NULL, buf_write, NULL) != ARCHIVE_OK) {
        cg_err_set(err, CG_INTERNAL, "archive: %s", archive_error_string(a));
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        archive_entry_clear(entry);
        archive_entry_set_pathname(entry, files[i].path);
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0444);
        archive_entry_set_size(entry, (la_int64_t)files[i].len);
        archive_entry_set_mtime(entry, (time_t)mtime, 0);
        if (archive_write_header(a, entry) != ARCHIVE_OK ||
            (files[i].len > 0 &&
             archive_write_data(a, files[i].data, files[i].len) != (la_ssize_t)files[i].len)) {
            cg_err_set(err, CG_INTERNAL, "archive: %s", archive_error_string(a));
            goto cleanup;
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        cg_err_set(err, CG_INTERNAL, "archive: %s", archive_error_string(a));
        goto cleanup;
    }
    *out = buf.data;
    *out_len = buf.len;
    buf.data = NULL;
    rc = CG_OK;

cleanup:
    archive_entry_free(entry);
    if (a != NULL)
        archive_write_free(a);
    free(buf.data);
    return rc;
}

/* --- reading --------------------------------------------------------------- */

void cg_archive_free(cg_archive *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->files[i].path);
        free(a->files[i].data);
    }
    free(a->files);
    a->files = NULL;
    a->n = 0;
}

const cg_archive_file *cg_archive_find(const cg_archive *a, const char *path)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->files[i].path, path) == 0)
            return &a->files[i];
    return NULL;
}

/* Read the data of the current entry (size bytes, already checked against
 * the limit) into f. */
static cg_code read_entry(struct archive *a, const char *path, int64_t size, cg_archive_file *f,
                          cg_err *err)
{
    f->path = strdup(path);
    /* One spare byte: a zero-length file still gets a buffer. */
    f->data = malloc((size_t)size + 1);
    if (f->path == NULL || f->data == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    la_ssize_t got = archive_read_data(a, f->data, (size_t)size);
    if (got != (la_ssize_t)size)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "%s: cannot read its content: %s", path,
                          got < 0 ? archive_error_string(a) : "cut short");
    f->len = (size_t)size;
    return CG_OK;
}

cg_code cg_archive_read(const uint8_t *data, size_t len, size_t max_file, size_t max_files,
                        cg_archive *out, cg_err *err)
{
    cg_code rc = CG_INVALID_ARGUMENT;
    struct archive *a = archive_read_new();
    struct archive_entry *entry = NULL;

    out->files = NULL;
    out->n = 0;
    if (a == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "not an archive: %s", archive_error_string(a));
        goto cleanup;
    }
    for (;;) {
        int r = archive_read_next_header(a, &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK) {
            rc = cg_err_set(err, CG_INVALID_ARGUMENT, "archive: %s", archive_error_string(a));
            goto cleanup;
        }
        if (archive_entry_filetype(entry) != AE_IFREG)
            continue;
        const char *path = archive_entry_pathname(entry);
        int64_t size = archive_entry_size(entry);
        if (path == NULL || size < 0 || (uint64_t)size > max_file) {
            rc = cg_err_set(err, CG_INVALID_ARGUMENT, "%s: larger than %zu bytes",
                            path ? path : "(no name)", max_file);
            goto cleanup;
        }
        if (out->n >= max_files) {
            rc = cg_err_set(err, CG_INVALID_ARGUMENT, "more than %zu files", max_files);
            goto cleanup;
        }
        cg_archive_file *grown = realloc(out->files, (out->n + 1) * sizeof *grown);
        if (grown == NULL) {
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
            goto cleanup;
        }
        out->files = grown;
        memset(&out->files[out->n], 0, sizeof out->files[out->n]);
        /* Counted first, so cg_archive_free releases a half-read file. */
        out->n++;
        rc = read_entry(a, path, size, &out->files[out->n - 1], err);
        if (rc != CG_OK)
            goto cleanup;
    }
    rc = CG_OK;

cleanup:
    if (a != NULL)
        archive_read_free(a);
    if (rc != CG_OK)
        cg_archive_free(out);
    return rc;
}

/* --- the offline check ------------------------------------------------------ */

static void found(cg_dossier_verify_result *r, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void found(cg_dossier_verify_result *r, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    r->ok = false;
    r->bad_seq = seq;
    va_start(ap, fmt);
    vsnprintf(r->what, sizeof r->what, fmt, ap);
    va_end(ap);
}

static const char *str_member(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

cg_code cg_dossier_manifest_entry_hash(const char *file_id, const cJSON *entry,
                                       const cg_chain_key *key, uint8_t out[32], cg_err *err)
{
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(entry, "seq");
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(entry, "occurred_at_ms");
    const char *prev_hex = str_member(entry, "prev_hash");
    uint8_t prev[CG_DOSSIER_HASH_SIZE];
    size_t n = 0;
    cg_dossier_fields f = {
        .file_id = file_id,
        .actor_id = str_member(entry, "actor_id"),
        .action = str_member(entry, "action"),
        .summary_json = str_member(entry, "summary"),
        .prev_hash = prev,
    };
    if (file_id == NULL || !cJSON_IsNumber(seq) || !cJSON_IsNumber(ms) || f.actor_id == NULL ||
        f.action == NULL || f.summary_json == NULL || prev_hex == NULL ||
        sodium_hex2bin(prev, sizeof prev, prev_hex, strlen(prev_hex), NULL, &n, NULL) != 0 ||
        n != sizeof prev)
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "an entry needs file_id, seq, occurred_at_ms, actor_id, action, "
                          "summary (text) and prev_hash (hex)");
    /* Both numbers are far below 2^53, where a JSON number is exact. */
    f.seq = (int64_t)seq->valuedouble;
    f.occurred_at_ms = (int64_t)ms->valuedouble;
    cg_dossier_hash_keyed(key, &f, out);
    return CG_OK;
}

/* Entries in order: seq, link to the one before, and the hash recomputed. */
static void check_entries(const char *file_id, const cJSON *entries,
                          cg_dossier_entry_hash_fn hash_fn, const char *genesis_hex,
                          const cg_chain_keyring *keys, cg_dossier_verify_result *r)
{
    bool keyed = false;
    char prev[2 * 32 + 1] = "";
    char seq_s[24];
    int64_t expect = 1;
    const cJSON *e;

    if (genesis_hex != NULL)
        snprintf(prev, sizeof prev, "%s", genesis_hex);
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *seq = cJSON_GetObjectItemCaseSensitive(e, "seq");
        const char *prev_hash = str_member(e, "prev_hash");
        const char *hash = str_member(e, "hash");
        uint8_t computed[32];
        char computed_hex[2 * 32 + 1];
        cg_err herr;

        snprintf(seq_s, sizeof seq_s, "%" PRId64, expect);
        if (!cJSON_IsNumber(seq) || (int64_t)seq->valuedouble != expect) {
            found(r, expect, "entry %s: missing or out of order (the seqs must run 1, 2, 3, ...)",
                  seq_s);
            return;
        }
        if (prev_hash == NULL || hash == NULL) {
            found(r, expect, "entry %s: %s", seq_s, "has no prev_hash or hash");
            return;
        }
        if ((expect > 1 || genesis_hex != NULL) && strcmp(prev_hash, prev) != 0) {
            found(r, expect, "entry %s: %s", seq_s,
                  "its prev_hash is not the hash of the entry before it");
            return;
        }
        const char *key_id = str_member(e, "key_id");
        const cg_chain_key *key = keys != NULL ? cg_chain_keyring_find(keys, key_id) : NULL;
        if (key_id == NULL && keyed) {
            found(r, expect, "entry %s: %s", seq_s,
                  "unkeyed after a keyed entry: the chain was recomputed without the key");
            return;
        }
        keyed = key_id != NULL;
        cg_err_clear(&herr);
        if (key_id != NULL && key == NULL) {
            /* Without the key a keyed hash cannot be recomputed: taken as
             * stored, and said so. */
            if (r->unchecked++ == 0)
                snprintf(r->unchecked_key_id, sizeof r->unchecked_key_id, "%s", key_id);
            snprintf(computed_hex, sizeof computed_hex, "%s", hash);
        } else if (hash_fn(file_id, e, key, computed, &herr) != CG_OK) {
            found(r, expect, "entry %s: cannot be hashed: %s", seq_s, herr.message);
            return;
        } else {
            sodium_bin2hex(computed_hex, sizeof computed_hex, computed, sizeof computed);
        }
        if (strcmp(hash, computed_hex) != 0) {
            found(r, expect, "entry %s: %s", seq_s,
                  "its hash does not match its content (time, actor, action or summary changed)");
            return;
        }
        snprintf(prev, sizeof prev, "%s", hash);
        snprintf(r->last_hash, sizeof r->last_hash, "%s", hash);
        r->nentries = expect;
        expect++;
    }
}

/* Listed documents: present, with that SHA-256 and size. Then nothing
 * unlisted under documents/. */
static void check_documents(const cg_archive *a, const cJSON *docs, cg_dossier_verify_result *r)
{
    char path[sizeof CG_DOSSIER_DOCUMENTS_DIR + CG_SHA256_HEX_LEN];
    const cJSON *d;

    cJSON_ArrayForEach(d, docs)
    {
        const char *sha = str_member(d, "sha256");
        const char *name = str_member(d, "name");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(d, "size");
        char hex[CG_SHA256_HEX_LEN + 1];

        if (sha == NULL || strlen(sha) != CG_SHA256_HEX_LEN || !cJSON_IsNumber(size)) {
            found(r, 0, "document %s (%s): the manifest lists it without a sha256 or size",
                  sha ? sha : "?", name ? name : "?");
            return;
        }
        snprintf(path, sizeof path, "%s%s", CG_DOSSIER_DOCUMENTS_DIR, sha);
        const cg_archive_file *f = cg_archive_find(a, path);
        if (f == NULL) {
            found(r, 0, "document %s (%s): missing from the archive", sha, name ? name : "?");
            return;
        }
        cg_sha256_hex(f->data, f->len, hex);
        if (strcmp(hex, sha) != 0 || (double)f->len != size->valuedouble) {
            found(r, 0, "document %s (%s): its content does not match its SHA-256 or size", sha,
                  name ? name : "?");
            return;
        }
        r->ndocuments++;
    }
    for (size_t i = 0; i < a->n; i++) {
        const char *p = a->files[i].path;
        if (strncmp(p, CG_DOSSIER_DOCUMENTS_DIR, strlen(CG_DOSSIER_DOCUMENTS_DIR)) != 0)
            continue;
        bool listed = false;
        cJSON_ArrayForEach(d, docs)
        {
            const char *sha = str_member(d, "sha256");
            listed |= sha != NULL && strcmp(sha, p + strlen(CG_DOSSIER_DOCUMENTS_DIR)) == 0;
        }
        if (!listed) {
            found(r, 0, "document %s: in the archive but not in the manifest", p);
            return;
        }
    }
}

cg_code cg_dossier_verify_archive(const cg_archive *a, cg_dossier_entry_hash_fn hash_fn,
                                  const char *genesis_hex, const cg_chain_keyring *keys,
                                  cg_dossier_verify_result *result, cg_err *err)
{
    cg_code rc = CG_INVALID_ARGUMENT;
    cJSON *manifest = NULL;
    const cg_archive_file *mf = cg_archive_find(a, CG_DOSSIER_MANIFEST_PATH);

    memset(result, 0, sizeof *result);
    result->ok = true;
    if (mf == NULL) {
        cg_err_set(err, CG_INVALID_ARGUMENT, "the archive has no %s", CG_DOSSIER_MANIFEST_PATH);
        goto cleanup;
    }
    manifest = cJSON_ParseWithLength((const char *)mf->data, mf->len);
    const char *format = str_member(manifest, "format");
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(manifest, "entries");
    const cJSON *docs = cJSON_GetObjectItemCaseSensitive(manifest, "documents");
    if (manifest == NULL || format == NULL || strcmp(format, CG_DOSSIER_MANIFEST_FORMAT) != 0 ||
        !cJSON_IsArray(entries) || !cJSON_IsArray(docs)) {
        cg_err_set(err, CG_INVALID_ARGUMENT, "%s is not a %s manifest", CG_DOSSIER_MANIFEST_PATH,
                   CG_DOSSIER_MANIFEST_FORMAT);
        goto cleanup;
    }
    check_entries(str_member(manifest, "file_id"), entries, hash_fn, genesis_hex, keys, result);
    if (result->ok)
        check_documents(a, docs, result);
    rc = CG_OK;

cleanup:
    cJSON_Delete(manifest);
    return rc;
}
