/* Unit tests of the dossier archive: written, read back, and checked
 * offline, with one thing changed at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_test.h"
#include "cg/dossier_archive.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* A stand-in for the service's encoding: SHA-256 over prev_hash, seq,
 * action and summary. The check only needs some function of the entry. */
static cg_code fake_hash(const char *file_id, const cJSON *e, const cg_chain_key *key,
                         uint8_t out[32], cg_err *err)
{
    (void)file_id;
    (void)key;
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(e, "prev_hash");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(e, "seq");
    const cJSON *action = cJSON_GetObjectItemCaseSensitive(e, "action");
    char *summary = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(e, "summary"));
    char text[1024];
    if (!cJSON_IsString(prev) || !cJSON_IsString(action) || summary == NULL) {
        cJSON_free(summary);
        return cg_err_set(err, CG_INVALID_ARGUMENT, "entry lacks a member");
    }
    snprintf(text, sizeof text, "%s|%d|%s|%s", prev->valuestring, seq->valueint,
             action->valuestring, summary);
    cJSON_free(summary);
    crypto_hash_sha256(out, (const uint8_t *)text, strlen(text));
    return CG_OK;
}

static const char doc_a[] = "%PDF-1.7 the investigation report";
static const char doc_b[] = "GIF89a a photo of the delivery note";

static void sha_hex(const void *data, size_t len, char out[65])
{
    uint8_t d[32];
    crypto_hash_sha256(d, data, len);
    sodium_bin2hex(out, 65, d, sizeof d);
}

/* A manifest of three chained entries and the two documents (doc_a listed
 * under two names). Owned by the caller. */
static cJSON *make_manifest(void)
{
    cJSON *m = cJSON_CreateObject();
    cJSON *entries = cJSON_AddArrayToObject(m, "entries");
    cJSON *docs = cJSON_AddArrayToObject(m, "documents");
    static const char *const actions[] = {"clue.created", "document.added", "dossier.read"};
    char prev[65] = GENESIS;
    cJSON_AddStringToObject(m, "format", CG_DOSSIER_MANIFEST_FORMAT);
    cJSON_AddStringToObject(m, "file_id", "0b7a3a57-3c1e-4d7e-9a55-6f3d1e2c9b10");
    for (int i = 0; i < 3; i++) {
        cJSON *e = cJSON_CreateObject();
        uint8_t h[32];
        char hex[65];
        cg_err err;
        cJSON_AddNumberToObject(e, "seq", i + 1);
        cJSON_AddStringToObject(e, "occurred_at", "2026-11-26T03:00:00Z");
        cJSON_AddStringToObject(e, "actor_id", "inspector-1");
        cJSON_AddStringToObject(e, "action", actions[i]);
        cJSON_AddItemToObject(e, "summary", cJSON_CreateObject());
        cJSON_AddStringToObject(e, "prev_hash", prev);
        cg_err_clear(&err);
        assert_int_equal(fake_hash(NULL, e, NULL, h, &err), CG_OK);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        cJSON_AddStringToObject(e, "hash", hex);
        memcpy(prev, hex, sizeof prev);
        cJSON_AddItemToArray(entries, e);
    }
    const struct {
        const char *data, *name;
    } listed[] = {{doc_a, "report.pdf"}, {doc_b, "note.gif"}, {doc_a, "report-copy.pdf"}};
    for (size_t i = 0; i < 3; i++) {
        cJSON *d = cJSON_CreateObject();
        char hex[65];
        sha_hex(listed[i].data, strlen(listed[i].data), hex);
        cJSON_AddStringToObject(d, "sha256", hex);
        cJSON_AddNumberToObject(d, "size", (double)strlen(listed[i].data));
        cJSON_AddStringToObject(d, "name", listed[i].name);
        cJSON_AddItemToArray(docs, d);
    }
    return m;
}

/* Write manifest m (and the documents, with doc_a's content given as a)
 * into an archive, read it back and check it with keys (NULL: none). extra
 * adds an unlisted file. */
static cg_dossier_verify_result roundtrip_keyed(cJSON *m, const char *a, bool extra,
                                                const cg_chain_keyring *keys)
{
    char *text = cJSON_PrintUnformatted(m);
    char pa[80], pb[80], ha[65], hb[65];
    sha_hex(doc_a, strlen(doc_a), ha);
    sha_hex(doc_b, strlen(doc_b), hb);
    snprintf(pa, sizeof pa, CG_DOSSIER_DOCUMENTS_DIR "%s", ha);
    snprintf(pb, sizeof pb, CG_DOSSIER_DOCUMENTS_DIR "%s", hb);
    cg_archive_file files[] = {
        {CG_DOSSIER_MANIFEST_PATH, (uint8_t *)text, strlen(text)},
        {pa, (uint8_t *)a, strlen(a)},
        {pb, (uint8_t *)doc_b, strlen(doc_b)},
        {CG_DOSSIER_DOCUMENTS_DIR "1111", (uint8_t *)"x", 1},
    };
    uint8_t *tar = NULL;
    size_t len = 0;
    cg_archive read;
    cg_dossier_verify_result r;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_archive_write(files, extra ? 4 : 3, 1764126000, &tar, &len, &err), CG_OK);
    assert_int_equal(cg_archive_read(tar, len, 1 << 20, 100, &read, &err), CG_OK);
    assert_int_equal(read.n, extra ? 4 : 3);
    assert_non_null(cg_archive_find(&read, CG_DOSSIER_MANIFEST_PATH));
    assert_int_equal(cg_dossier_verify_archive(&read, fake_hash, GENESIS, keys, &r, &err), CG_OK);
    cg_archive_free(&read);
    free(tar);
    cJSON_free(text);
    cJSON_Delete(m);
    return r;
}

static cg_dossier_verify_result roundtrip(cJSON *m, const char *a, bool extra)
{
    return roundtrip_keyed(m, a, extra, NULL);
}

/* Name the entries from seq first_keyed on as keyed with the key of the
 * bytes 0..31 (whose id is 630dcd2966c43366). */
static cJSON *keyed_from(cJSON *m, int first_keyed)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(m, "entries"))
    {
        if ((int)cJSON_GetObjectItemCaseSensitive(e, "seq")->valuedouble >= first_keyed)
            cJSON_AddStringToObject((cJSON *)e, "key_id", "630dcd2966c43366");
    }
    return m;
}

/* Keyed entries: checked with their key when it is given, counted as not
 * checked without it, and an unkeyed entry after a keyed one is refused. */
static void test_keyed_entries(void **state)
{
    (void)state;
    cg_chain_keyring ring;
    cg_err err;
    assert_int_equal(cg_chain_keyring_load(&ring, "K",
                                           "000102030405060708090a0b0c0d0e0f"
                                           "101112131415161718191a1b1c1d1e1f",
                                           NULL, &err),
                     CG_OK);
    cg_dossier_verify_result r = roundtrip(keyed_from(make_manifest(), 2), doc_a, false);
    assert_true(r.ok);
    assert_int_equal(r.unchecked, 2);
    assert_string_equal(r.unchecked_key_id, "630dcd2966c43366");
    r = roundtrip_keyed(keyed_from(make_manifest(), 2), doc_a, false, &ring);
    assert_true(r.ok);
    assert_int_equal(r.unchecked, 0);
    /* Entry 2 keyed, entry 3 not: a downgrade. */
    cJSON *m = make_manifest();
    cJSON *second = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "entries"), 1);
    cJSON_AddStringToObject(second, "key_id", "630dcd2966c43366");
    r = roundtrip_keyed(m, doc_a, false, &ring);
    assert_false(r.ok);
    assert_int_equal(r.bad_seq, 3);
    assert_non_null(strstr(r.what, "unkeyed"));
    cg_chain_keyring_wipe(&ring);
}

static void test_whole_archive_passes(void **state)
{
    (void)state;
    cg_dossier_verify_result r = roundtrip(make_manifest(), doc_a, false);
    assert_true(r.ok);
    assert_string_equal(r.what, "");
    assert_int_equal(r.nentries, 3);
    assert_int_equal(r.ndocuments, 3);
    assert_int_equal(strlen(r.last_hash), 64);
}

/* r is a failure at entry seq (0: at no entry) whose message has says
 * (NULL: not checked). */
static void expect_failure(cg_dossier_verify_result r, int64_t seq, const char *says)
{
    assert_false(r.ok);
    assert_int_equal(r.bad_seq, seq);
    if (says != NULL && strstr(r.what, says) == NULL)
        fail_msg("\"%s\" does not say \"%s\"", r.what, says);
}

/* Entry i (from 0) of manifest m. */
static cJSON *entry_of(cJSON *m, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(m, "entries"), i);
}

static void test_changed_document_byte_named(void **state)
{
    (void)state;
    char changed[sizeof doc_a];
    memcpy(changed, doc_a, sizeof doc_a);
    changed[10] ^= 1;
    cg_dossier_verify_result r = roundtrip(make_manifest(), changed, false);
    assert_non_null(strstr(r.what, "report.pdf"));
    expect_failure(r, 0, "does not match");
}

static void test_changed_entry_named(void **state)
{
    (void)state;
    cJSON *m = make_manifest();
    cJSON_ReplaceItemInObject(entry_of(m, 1), "action", cJSON_CreateString("document.removed"));
    expect_failure(roundtrip(m, doc_a, false), 2, "entry 2:");
}

static void test_broken_link_named(void **state)
{
    (void)state;
    /* Entry 3 rehashed over a different prev_hash: its own hash matches, its
     * link does not. */
    cJSON *m = make_manifest();
    cJSON *e3 = entry_of(m, 2);
    uint8_t h[32];
    char hex[65];
    cg_err err;
    cJSON_ReplaceItemInObject(e3, "prev_hash", cJSON_CreateString(GENESIS));
    cg_err_clear(&err);
    assert_int_equal(fake_hash(NULL, e3, NULL, h, &err), CG_OK);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    cJSON_ReplaceItemInObject(e3, "hash", cJSON_CreateString(hex));
    expect_failure(roundtrip(m, doc_a, false), 3, "prev_hash");
}

static void test_removed_entry_named(void **state)
{
    (void)state;
    cJSON *m = make_manifest();
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(m, "entries"), 0);
    expect_failure(roundtrip(m, doc_a, false), 1, NULL);
}

static void test_unlisted_and_missing_documents_named(void **state)
{
    (void)state;
    cg_dossier_verify_result r = roundtrip(make_manifest(), doc_a, true);
    assert_false(r.ok);
    assert_non_null(strstr(r.what, "documents/1111"));

    cJSON *m = make_manifest();
    cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "documents"), 1);
    cJSON_ReplaceItemInObject(d, "sha256", cJSON_CreateString(GENESIS));
    r = roundtrip(m, doc_a, false);
    assert_false(r.ok);
    assert_non_null(strstr(r.what, "missing"));
}

static void test_not_an_archive(void **state)
{
    (void)state;
    cg_archive read;
    cg_dossier_verify_result r;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(cg_archive_read((const uint8_t *)"hello", 5, 100, 10, &read, &err),
                     CG_INVALID_ARGUMENT);
    /* An archive without a manifest cannot be checked at all. */
    cg_archive_file only = {CG_DOSSIER_DOCUMENTS_DIR "ab", (uint8_t *)"x", 1};
    uint8_t *tar = NULL;
    size_t len = 0;
    assert_int_equal(cg_archive_write(&only, 1, 0, &tar, &len, &err), CG_OK);
    assert_int_equal(cg_archive_read(tar, len, 100, 10, &read, &err), CG_OK);
    assert_int_equal(cg_dossier_verify_archive(&read, fake_hash, NULL, NULL, &r, &err),
                     CG_INVALID_ARGUMENT);
    cg_archive_free(&read);
    /* A file over the limit is refused before it is read. */
    assert_int_equal(cg_archive_read(tar, len, 0, 10, &read, &err), CG_INVALID_ARGUMENT);
    free(tar);
}

/* The real encoding over a manifest entry gives the worked example of
 * docs/dossier.md, and a changed field changes it. */
static void test_manifest_entry_hash_matches_docs(void **state)
{
    (void)state;
    cJSON *e = cJSON_CreateObject();
    uint8_t h[32];
    char hex[65];
    cg_err err;
    cJSON_AddNumberToObject(e, "seq", 1);
    cJSON_AddNumberToObject(e, "occurred_at_ms", 1764118923456.0);
    cJSON_AddStringToObject(e, "actor_id", "3f1d9a5e-0000-4000-8000-000000000001");
    cJSON_AddStringToObject(e, "action", "clue.created");
    cJSON_AddStringToObject(e, "summary", "{\"source\": \"letters_visits\"}");
    cJSON_AddStringToObject(e, "prev_hash", GENESIS);
    cg_err_clear(&err);
    assert_int_equal(
        cg_dossier_manifest_entry_hash("0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f", e, NULL, h, &err),
        CG_OK);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_string_equal(hex, "6bd2f296e7ecdeb95dd77cf3f94800179a5879faa91ecbb44c89159c99c8231e");
    /* Keyed: HMAC-SHA256 over the same bytes, keyed by the bytes 0..31
     * (Python's hmac.new(bytes(range(32)), encoding, hashlib.sha256)). */
    cg_chain_keyring ring;
    assert_int_equal(cg_chain_keyring_load(&ring, "K",
                                           "000102030405060708090a0b0c0d0e0f"
                                           "101112131415161718191a1b1c1d1e1f",
                                           NULL, &err),
                     CG_OK);
    assert_int_equal(cg_dossier_manifest_entry_hash("0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f", e,
                                                    &ring.keys[0], h, &err),
                     CG_OK);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_string_equal(hex, "11f7687e48ee007ab0304cc02f6e17260b48874034c327c483a183bcbd72d04e");
    cg_chain_keyring_wipe(&ring);
    cJSON_ReplaceItemInObject(e, "action", cJSON_CreateString("clue.changed"));
    assert_int_equal(
        cg_dossier_manifest_entry_hash("0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f", e, NULL, h, &err),
        CG_OK);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_string_not_equal(hex,
                            "6bd2f296e7ecdeb95dd77cf3f94800179a5879faa91ecbb44c89159c99c8231e");
    /* A summary given as an object, not the stored text, cannot be hashed. */
    cJSON_ReplaceItemInObject(e, "summary", cJSON_CreateObject());
    assert_int_equal(
        cg_dossier_manifest_entry_hash("0b6f1c2e-8f7a-4c3e-9d21-5a4b3c2d1e0f", e, NULL, h, &err),
        CG_INVALID_ARGUMENT);
    cJSON_Delete(e);
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(test_whole_archive_passes),
                    cmocka_unit_test(test_changed_document_byte_named),
                    cmocka_unit_test(test_changed_entry_named),
                    cmocka_unit_test(test_broken_link_named),
                    cmocka_unit_test(test_removed_entry_named),
                    cmocka_unit_test(test_unlisted_and_missing_documents_named),
                    cmocka_unit_test(test_not_an_archive),
                    cmocka_unit_test(test_manifest_entry_hash_matches_docs),
                    cmocka_unit_test(test_keyed_entries))
