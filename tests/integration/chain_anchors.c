/* The audit chain and the dossier against a superuser of their databases
 * (docs/operations.md, "Audit trail"; docs/dossier.md, "Keys and anchors"):
 * rows are keyed with a key the database never sees, and the heads are
 * anchored on JetStream, so verify catches
 *   - rows of one account deleted and the whole chain recomputed with
 *     plain SHA-256, the head fixed (caught by the anchors);
 *   - the same recomputed from the first deleted row only (an unkeyed row
 *     after keyed ones);
 *   - rows deleted and the chain recomputed with the right key, as a thief
 *     who has it would (caught by the anchors);
 *   - one row deleted and the rows after it relinked with the key, ids
 *     kept (the gap).
 * and the same for a clue's dossier. Each tampering works on the table as
 * the superuser, with the triggers off; the rows are put back afterwards,
 * exactly as they were, and the chain verifies whole again, so later tests
 * see a whole chain. */
#include "cgt.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows of the trail are copied here before each tampering. */
static const char keep_sql[] = "DROP TABLE IF EXISTS cgt_audit_keep, cgt_head_keep;"
                               "CREATE TABLE cgt_audit_keep AS SELECT * FROM audit_log;"
                               "CREATE TABLE cgt_head_keep AS SELECT * FROM audit_head;";
static const char restore_sql[] =
    "ALTER TABLE audit_log DISABLE TRIGGER USER;"
    "DELETE FROM audit_log;"
    "INSERT INTO audit_log SELECT * FROM cgt_audit_keep;"
    "ALTER TABLE audit_log ENABLE TRIGGER USER;"
    "UPDATE audit_head h SET last_id = k.last_id, last_hash = k.last_hash, nrows = k.nrows"
    " FROM cgt_head_keep k;"
    "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT last_id FROM cgt_head_keep));"
    "DROP TABLE cgt_audit_keep, cgt_head_keep;"
    "DROP SCHEMA IF EXISTS cgt_thief CASCADE;";

/* The recomputation a superuser runs after deleting rows: every row from
 * id from on gets a new prev_hash and hash (and, with renumber, the next
 * id, so no gap is left), then the head is set to the new end. %s is the
 * hash expression over prev and the canonical text c, %s the key id. */
static const char recompute_fmt[] =
    "ALTER TABLE audit_log DISABLE TRIGGER USER;"
    "%s"
    "DO $$ DECLARE r record; prev text; n bigint; c text; h text;"
    " BEGIN"
    "  SELECT coalesce((SELECT hash FROM audit_log WHERE id < %lld ORDER BY id DESC LIMIT 1),"
    "                  repeat('0', 64)) INTO prev;"
    "  SELECT coalesce((SELECT max(id) FROM audit_log WHERE id < %lld), 0) INTO n;"
    "  FOR r IN SELECT * FROM audit_log WHERE id >= %lld ORDER BY id LOOP"
    "   n := CASE WHEN %s THEN n + 1 ELSE r.id END;"
    "   c := audit_canonical(n, r.at, r.actor_id, r.actor_username, r.actor_role, r.action,"
    "          r.target_type, r.target_id, r.outcome, r.http_status, r.request_id, r.org_path,"
    "          r.gateway_request_id, r.detail);"
    "   h := %s;"
    "   UPDATE audit_log SET id = n, prev_hash = prev, hash = h, key_id = %s WHERE id = r.id;"
    "   prev := h;"
    "  END LOOP;"
    "  UPDATE audit_head SET last_id = n, last_hash = prev,"
    "                        nrows = (SELECT count(*) FROM audit_log);"
    " END $$;"
    "ALTER TABLE audit_log ENABLE TRIGGER USER;";
static const char plain_hash[] = "audit_hash(prev, c)";
static const char keyed_hash[] =
    "encode(cgt_thief.hmac(convert_to(prev || E'\\n' || c, 'UTF8'), decode('%s', 'hex'),"
    " 'sha256'), 'hex')";
static const char keyed_id[] = "left(encode(sha256(decode('%s', 'hex')), 'hex'), 16)";

/* A key of the stack (secrets/name), as a thief who took it from a
 * service's configuration would have it. */
static void state_key(const char *name, char out[65])
{
    char path[512];
    snprintf(path, sizeof path, "%s/secrets/%s", getenv("CG_STATE"), name);
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot read %s", path);
    size_t n = fread(out, 1, 64, f);
    fclose(f);
    out[n] = '\0';
    CGT_CHECK_INT(64, (long)n, "the key's length");
}

/* Delete the rows where matches (SQL) and recompute the chain from id from,
 * with the key (hex) or plain SHA-256 (NULL), renumbering or not. */
static void tamper(const char *where, long long from, bool renumber, const char *key)
{
    char del[512], hash[512], id[256];
    size_t size = sizeof(recompute_fmt) + sizeof(del) + sizeof(hash) + sizeof(id) + 256;
    char *sql = malloc(size);
    CGT_CHECK(sql != NULL, "out of memory");
    snprintf(del, sizeof del, "%sDELETE FROM audit_log WHERE %s;",
             key != NULL ? "CREATE SCHEMA IF NOT EXISTS cgt_thief;"
                           " CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA cgt_thief;"
                         : "",
             where);
    if (key != NULL) {
        snprintf(hash, sizeof hash, keyed_hash, key);
        snprintf(id, sizeof id, keyed_id, key);
    } else {
        snprintf(hash, sizeof hash, "%s", plain_hash);
        snprintf(id, sizeof id, "NULL");
    }
    snprintf(sql, size, recompute_fmt, del, from, from, from, renumber ? "true" : "false", hash,
             id);
    CGT_CHECK_INT(0, cgt_psql_script("cg_gateway", sql), "the superuser's tampering");
    free(sql);
}

typedef struct verdict {
    bool intact;
    long long rows, first_bad, anchored_id;
    char reason[256];
} verdict;

static verdict verify(const char *token)
{
    verdict v = {0};
    cgt_response *r = cgt_get("/api/v1/audit/verify", token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *o = CGT_JSON_OBJECT(r);
    const cJSON *intact = cJSON_GetObjectItemCaseSensitive(o, "intact");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(o, "rows");
    const cJSON *bad = cJSON_GetObjectItemCaseSensitive(o, "first_bad_id");
    const cJSON *anchored = cJSON_GetObjectItemCaseSensitive(o, "anchored_id");
    CGT_CHECK(cJSON_IsBool(intact) && cJSON_IsNumber(rows) &&
                  (cJSON_IsNumber(anchored) || cJSON_IsNull(anchored)),
              "verify answer: %s", r->body);
    v.intact = cJSON_IsTrue(intact);
    v.rows = (long long)rows->valuedouble;
    v.first_bad = cJSON_IsNumber(bad) ? (long long)bad->valuedouble : 0;
    v.anchored_id = cJSON_IsNumber(anchored) ? (long long)anchored->valuedouble : 0;
    const char *reason = cgt_json_str(o, "reason");
    snprintf(v.reason, sizeof v.reason, "%s", reason != NULL ? reason : "");
    cgt_response_free(r);
    return v;
}

/* The id of the newest row of the trail. */
static long long newest_id(const char *token)
{
    cgt_response *r = cgt_get("/api/v1/audit?limit=1", token);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "items");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "id");
    CGT_CHECK(cJSON_IsNumber(id), "the newest audit row: %s", r->body);
    long long n = (long long)id->valuedouble;
    cgt_response_free(r);
    return n;
}

typedef struct settle_probe {
    const char *token;
    long long until;
} settle_probe;

static bool anchored(void *arg)
{
    settle_probe *p = arg;
    verdict v = verify(p->token);
    CGT_CHECK(v.intact, "the chain is whole before tampering (row %lld: %s)", v.first_bad,
              v.reason);
    return v.anchored_id >= p->until;
}

/* Wait until the chain verifies and its anchors cover every row written so
 * far; then copy the rows away for the restore. */
static void settle_and_keep(const char *token)
{
    settle_probe p = {token, newest_id(token)};
    CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, anchored, &p),
              "the head (row %lld) is anchored (CG_AUDIT_ANCHOR_S=1 in the test stack)", p.until);
    CGT_CHECK_INT(0, cgt_psql_script("cg_gateway", keep_sql), "copying the trail");
}

static void restore(const char *token)
{
    CGT_CHECK_INT(0, cgt_psql_script("cg_gateway", restore_sql), "restoring the trail");
    verdict v = verify(token);
    CGT_CHECK(v.intact, "the restored chain is whole (row %lld: %s)", v.first_bad, v.reason);
}

/* Rows of one account, so there is something of it to delete. */
static void some_rows_of(const char *username)
{
    char *token = CGT_LOGIN(username);
    cgt_response *r = cgt_get("/api/v1/clues?limit=5", token);
    cgt_response_free(r);
    cgt_logout(token);
}

/* The rewrites a superuser tries, each on a chain whose head is anchored:
 * back 0 deletes every row of inspector.east and recomputes from row 1,
 * back n deletes the row n before the newest and recomputes from there;
 * renumber closes the gap, keyed recomputes with the stack's key. verify
 * must name reason, and with back n the row deleted as first_bad. */
typedef struct rewrite {
    const char *what;
    int back;
    bool renumber, keyed;
    const char *reason;
} rewrite;

static const rewrite rewrites[] = {
    /* (a) every link and hash holds, but the anchored rows are not what
     * they were */
    {"an account's rows deleted, the chain recomputed with SHA-256", 0, true, false, "anchored"},
    /* (a') an unkeyed row after keyed ones */
    {"a row deleted, the chain recomputed with SHA-256 from there", 2, true, false, "unkeyed"},
    /* (b) every hash a valid HMAC again, ids contiguous: only the anchors
     * can tell */
    {"an account's rows deleted, the chain recomputed with the key", 0, true, true, "anchored"},
    /* (c) the gap */
    {"a row deleted, the rows after it relinked with the key", 1, false, true, "missing"},
};

static void audit_rewrites_are_caught(void **state)
{
    (void)state;
    char key[65], where[64];
    CGT_CHECK_READY();
    state_key("audit.key", key);
    char *auditor = CGT_LOGIN("auditor");
    for (size_t i = 0; i < sizeof rewrites / sizeof rewrites[0]; i++) {
        const rewrite *t = &rewrites[i];
        some_rows_of("inspector.east");
        settle_and_keep(auditor);
        long long from = t->back > 0 ? newest_id(auditor) - t->back : 1;
        if (t->back > 0)
            snprintf(where, sizeof where, "id = %lld", from);
        else
            snprintf(where, sizeof where, "actor_username = 'inspector.east'");
        tamper(where, from, t->renumber, t->keyed ? key : NULL);
        verdict v = verify(auditor);
        CGT_CHECK(!v.intact, "verify sees it: %s", t->what);
        CGT_CHECK(strstr(v.reason, t->reason) != NULL, "%s: caught as %s, not: %s", t->what,
                  t->reason, v.reason);
        if (t->back > 0)
            CGT_CHECK_INT(from, v.first_bad, t->what);
        restore(auditor);
    }
    cgt_logout(auditor);
}

/* --- the dossier ------------------------------------------------------------ */

static const char dossier_keep_fmt[] =
    "DROP TABLE IF EXISTS cgt_dossier_keep, cgt_dossier_head_keep;"
    "CREATE TABLE cgt_dossier_keep AS SELECT * FROM dossier_entries WHERE file_id = '%s';"
    "CREATE TABLE cgt_dossier_head_keep AS SELECT * FROM dossier_heads WHERE file_id = '%s';";
static const char dossier_restore_fmt[] =
    "ALTER TABLE dossier_entries DISABLE TRIGGER USER;"
    "ALTER TABLE dossier_heads DISABLE TRIGGER USER;"
    "DELETE FROM dossier_entries WHERE file_id = '%s';"
    "INSERT INTO dossier_entries SELECT * FROM cgt_dossier_keep;"
    "UPDATE dossier_heads h SET last_seq = k.last_seq, last_hash = k.last_hash"
    " FROM cgt_dossier_head_keep k WHERE h.file_id = k.file_id;"
    "ALTER TABLE dossier_entries ENABLE TRIGGER USER;"
    "ALTER TABLE dossier_heads ENABLE TRIGGER USER;"
    "DROP TABLE cgt_dossier_keep, cgt_dossier_head_keep;"
    "DROP SCHEMA IF EXISTS cgt_thief CASCADE;";

/* Delete entry gone of file and recompute the entries after it with the
 * dossier's encoding (docs/dossier.md), keyed with key (hex) or plain
 * SHA-256 (NULL), renumbered or not; the head follows. gone 0 deletes
 * nothing and recomputes from seq 1. */
static const char dossier_tamper_fmt[] =
    "ALTER TABLE dossier_entries DISABLE TRIGGER USER;"
    "ALTER TABLE dossier_heads DISABLE TRIGGER USER;"
    "%s"
    "DELETE FROM dossier_entries WHERE file_id = '%s' AND seq = %lld;"
    "DO $$ DECLARE r record; prev bytea; n bigint; enc bytea; h bytea;"
    " BEGIN"
    "  SELECT coalesce((SELECT hash FROM dossier_entries WHERE file_id = '%s' AND seq < %lld"
    "                   ORDER BY seq DESC LIMIT 1), decode(repeat('00', 32), 'hex')) INTO prev;"
    "  SELECT coalesce((SELECT max(seq) FROM dossier_entries WHERE file_id = '%s'"
    "                   AND seq < %lld), 0) INTO n;"
    "  FOR r IN SELECT * FROM dossier_entries WHERE file_id = '%s' AND seq >= %lld"
    "           ORDER BY seq LOOP"
    "   n := CASE WHEN %s THEN n + 1 ELSE r.seq END;"
    "   enc := convert_to('cleangrid.dossier.v1', 'UTF8') || int4send(36)"
    "          || convert_to(r.file_id::text, 'UTF8') || int8send(n)"
    "          || int8send((extract(epoch FROM r.occurred_at) * 1000)::bigint)"
    "          || int4send(octet_length(convert_to(r.actor_id, 'UTF8')))"
    "          || convert_to(r.actor_id, 'UTF8')"
    "          || int4send(octet_length(convert_to(r.action, 'UTF8')))"
    "          || convert_to(r.action, 'UTF8')"
    "          || int4send(octet_length(convert_to(r.summary::text, 'UTF8')))"
    "          || convert_to(r.summary::text, 'UTF8') || prev;"
    "   h := %s;"
    "   UPDATE dossier_entries SET seq = n, prev_hash = prev, hash = h, key_id = %s"
    "    WHERE file_id = r.file_id AND seq = r.seq;"
    "   prev := h;"
    "  END LOOP;"
    "  UPDATE dossier_heads SET last_seq = n, last_hash = prev WHERE file_id = '%s';"
    " END $$;"
    "ALTER TABLE dossier_entries ENABLE TRIGGER USER;"
    "ALTER TABLE dossier_heads ENABLE TRIGGER USER;";

static void dossier_tamper(const char *file, long long gone, bool renumber, const char *key)
{
    char hash[256], id[256];
    long long from = gone > 0 ? gone : 1;
    size_t size = sizeof(dossier_tamper_fmt) + 1024;
    char *sql = malloc(size);
    CGT_CHECK(sql != NULL, "out of memory");
    if (key != NULL) {
        snprintf(hash, sizeof hash, "cgt_thief.hmac(enc, decode('%s', 'hex'), 'sha256')", key);
        snprintf(id, sizeof id, keyed_id, key);
    } else {
        snprintf(hash, sizeof hash, "sha256(enc)");
        snprintf(id, sizeof id, "NULL");
    }
    snprintf(sql, size, dossier_tamper_fmt,
             key != NULL ? "CREATE SCHEMA IF NOT EXISTS cgt_thief;"
                           " CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA cgt_thief;"
                         : "",
             file, gone, file, from, file, from, file, from, renumber ? "true" : "false", hash, id,
             file);
    CGT_CHECK_INT(0, cgt_psql_script("cg_case", sql), "the superuser's tampering of a dossier");
    free(sql);
}

typedef struct anchor_probe {
    jsCtx *js;
    char subject[128];
    long long until;
} anchor_probe;

/* True once the newest anchor of the file names seq until or later. */
static bool dossier_anchored(void *arg)
{
    anchor_probe *p = arg;
    natsMsg *m = NULL;
    bool done = false;
    if (js_GetLastMsg(&m, p->js, "CG_ANCHORS", p->subject, NULL, NULL) == NATS_OK) {
        cJSON *a = cJSON_ParseWithLength(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "id");
        done = cJSON_IsNumber(id) && (long long)id->valuedouble >= p->until;
        cJSON_Delete(a);
    }
    natsMsg_Destroy(m);
    return done;
}

/* A dossier's rewrites, as for the trail: gone 0 recomputes the whole file
 * from seq 1 without deleting, gone n deletes entry n (counted back from
 * the head when negative). */
typedef struct dossier_rewrite {
    const char *what;
    int gone;
    bool renumber, keyed, gap;
} dossier_rewrite;

static const dossier_rewrite dossier_rewrites[] = {
    {"the whole file recomputed with SHA-256", 0, true, false, false},
    {"an entry deleted, the file recomputed with the key", 2, true, true, false},
    {"an entry deleted, the entries after it relinked with the key", -1, false, true, true},
};

static void dossier_rewrites_are_caught(void **state)
{
    (void)state;
    char key[65], file[37], sql[1024];
    natsConnection *nc = NULL;
    anchor_probe p = {0};
    CGT_CHECK_READY();
    state_key("dossier.key", key);
    CGT_CHECK(natsConnection_ConnectTo(&nc, cgt_nats_url()) == NATS_OK &&
                  natsConnection_JetStream(&p.js, nc, NULL) == NATS_OK,
              "NATS for the anchors");
    char *handler = CGT_LOGIN("inspector.east");
    char *auditor = CGT_LOGIN("auditor");
    CGT_CREATE_CLUE(handler, "city_a", NULL, file);
    snprintf(p.subject, sizeof p.subject, "cg.anchor.case.dossier.%s", file);
    for (size_t i = 0; i < sizeof dossier_rewrites / sizeof dossier_rewrites[0]; i++) {
        const dossier_rewrite *t = &dossier_rewrites[i];
        long long bad = 0;
        /* A few entries: reads by someone who is not the handler (the
         * handler's own reads, below, are not entries). */
        for (int k = 0; k < 3; k++) {
            char path[256];
            snprintf(path, sizeof path, "/api/v1/clues/%s/dossier", file);
            cgt_response_free(cgt_get(path, auditor));
        }
        long long head = cgt_dossier_last_seq(handler, "clues", file);
        p.until = head;
        CGT_CHECK(cgt_eventually(CGT_DEADLINE_MS, CGT_POLL_MS, dossier_anchored, &p),
                  "the dossier's head (seq %lld) is anchored", head);
        CGT_CHECK(cgt_dossier_verify(handler, "clues", file, &bad), "whole before (bad %lld)", bad);
        snprintf(sql, sizeof sql, dossier_keep_fmt, file, file);
        CGT_CHECK_INT(0, cgt_psql_script("cg_case", sql), "copying the dossier");

        long long gone = t->gone >= 0 ? t->gone : head + t->gone;
        dossier_tamper(file, gone, t->renumber, t->keyed ? key : NULL);
        CGT_CHECK(!cgt_dossier_verify(handler, "clues", file, &bad), "verify sees it: %s", t->what);
        if (t->gap)
            CGT_CHECK_INT(gone, bad, "the missing entry is the first bad one");
        else
            CGT_CHECK(bad >= (gone > 0 ? gone : 1) && bad <= head,
                      "%s: first bad seq %lld between the change and the anchored head %lld",
                      t->what, bad, head);

        snprintf(sql, sizeof sql, dossier_restore_fmt, file);
        CGT_CHECK_INT(0, cgt_psql_script("cg_case", sql), "restoring the dossier");
        CGT_CHECK(cgt_dossier_verify(handler, "clues", file, &bad), "whole again (bad %lld)", bad);
    }
    cgt_logout(auditor);
    cgt_logout(handler);
    jsCtx_Destroy(p.js);
    natsConnection_Destroy(nc);
}

int main(void)
{
    cgt_init("chain_anchors", CGT_NEED_STACK | CGT_NEED_NATS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(audit_rewrites_are_caught),
        cmocka_unit_test(dossier_rewrites_are_caught),
    };
    int failed = cmocka_run_group_tests_name("chain_anchors", tests, NULL, NULL);
    nats_Close();
    cgt_cleanup();
    return failed ? 1 : 0;
}
