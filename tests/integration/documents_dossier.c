/* Documents of a clue and the export of its electronic dossier (电子档案),
 * through the real gateway and case service:
 * - a document of several chunks goes in and comes back byte for byte, its
 *   type read from the content; the same content again is not stored twice;
 * - a forged extension (text named .pdf, sent as application/pdf) is 415,
 *   an oversize document 413, both problem+json;
 * - out of scope, and for someone who recused from the clue, every
 *   document route answers 404; an auditor may read but not add (403);
 * - an exported archive passes cg-dossier-verify, and copies with one byte
 *   of a document or one entry changed fail it, naming that document or
 *   entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgt.h"

#ifndef CGT_DOSSIER_VERIFY
#error "CGT_DOSSIER_VERIFY must name the cg-dossier-verify binary"
#endif

static char *inspector, *inspector_west, *auditor, *lead;
static char clue_id[64];

static int group_setup(void **state)
{
    (void)state;
    cgt_report rep;
    inspector = CGT_LOGIN("inspector");
    inspector_west = CGT_LOGIN("inspector.west");
    auditor = CGT_LOGIN("auditor");
    lead = CGT_LOGIN("lead");
    /* A clue in hq.east.city_a: inside hq's scope, outside west's. */
    CGT_SUBMIT_SIMPLE("documents", "city_a", &rep);
    cJSON *clue = CGT_AWAIT_CLUE(inspector, "source_ref", rep.report_id);
    snprintf(clue_id, sizeof clue_id, "%s", CGT_JSON_STR(clue, "id"));
    cJSON_Delete(clue);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cgt_logout(inspector);
    cgt_logout(inspector_west);
    cgt_logout(auditor);
    cgt_logout(lead);
    return 0;
}

/* A PNG-signed body of len bytes, random after the signature, so every run
 * uploads new content. Caller frees. */
static char *png_like(size_t len)
{
    static const char sig[] = "\x89PNG\r\n\x1a\n";
    char *buf = malloc(len);
    CGT_CHECK(buf != NULL, "allocate %zu bytes", len);
    FILE *f = fopen("/dev/urandom", "rb");
    CGT_CHECK(f != NULL && fread(buf, 1, len, f) == len, "read /dev/urandom");
    fclose(f);
    memcpy(buf, sig, 8);
    return buf;
}

static cgt_response *upload(const char *token, const char *id, const char *name,
                            const char *content_type, const char *body, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents?name=%s", id, name);
    return cgt_post_raw(path, token, content_type, body, len);
}

static cgt_response *download(const char *token, const char *id, const char *sha)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents/content?sha256=%s", id, sha);
    return cgt_get(path, token);
}

static void upload_dedupe_download(void **state)
{
    (void)state;
    /* Three chunks and a bit: 512 KiB each on the way to the service. */
    size_t len = 3 * 512 * 1024 + 12345;
    char *png = png_like(len);

    cgt_response *r = upload(inspector, clue_id, "site-photo.png", "application/pdf", png, len);
    CGT_CHECK_STATUS(r, 201);
    const cJSON *doc = CGT_JSON_OBJECT(r);
    char sha[80];
    snprintf(sha, sizeof sha, "%s", CGT_JSON_STR(doc, "sha256"));
    CGT_CHECK(strlen(sha) == 64, "sha256 is 64 hex digits, got %s", sha);
    /* The claimed application/pdf is ignored: the bytes say PNG. */
    CGT_CHECK_STR("image/png", cgt_json_str(doc, "content_type"), "type read from the content");
    CGT_CHECK_STR("site-photo.png", cgt_json_str(doc, "name"), "name");
    CGT_CHECK_INT(len, cJSON_GetObjectItem(doc, "size")->valuedouble, "size");
    cgt_response_free(r);

    /* The same content under the same name again: nothing new. */
    r = upload(inspector, clue_id, "site-photo.png", NULL, png, len);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "already_linked")),
              "a repeated upload says already_linked: %s", r->body);
    cgt_response_free(r);
    /* Under a second name it is a second link to the one stored content. */
    r = upload(inspector, clue_id, "copy.png", NULL, png, len);
    CGT_CHECK_STATUS(r, 201);
    CGT_CHECK_STR(sha, cgt_json_str(CGT_JSON_OBJECT(r), "sha256"), "same content, same sha256");
    cgt_response_free(r);

    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents", clue_id);
    r = cgt_get(path, auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
    CGT_CHECK_INT(2, cgt_count_where(items, "sha256", sha), "links to the content");
    cgt_response_free(r);

    r = download(auditor, clue_id, sha);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strncmp(r->content_type, "image/png", 9) == 0, "download type, got %s",
              r->content_type);
    CGT_CHECK_INT(len, r->body_len, "downloaded bytes");
    CGT_CHECK(memcmp(r->body, png, len) == 0, "the download is the upload byte for byte");
    cgt_response_free(r);

    /* The download was recorded in the audit trail. */
    r = cgt_get("/api/v1/audit?action=document.read&limit=100", auditor);
    CGT_CHECK_STATUS(r, 200);
    int audited = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"))
    {
        const char *target = cgt_json_str(cJSON_GetObjectItem(row, "target"), "id");
        audited += target != NULL && strcmp(target, clue_id) == 0;
    }
    CGT_CHECK(audited >= 1, "an audit row for the download of clue %s: %.300s", clue_id, r->body);
    cgt_response_free(r);
    free(png);
}

static void forged_and_oversize_refused(void **state)
{
    (void)state;
    static const char text[] = "Not a PDF at all, only named and labelled like one.";
    cgt_response *r =
        upload(inspector, clue_id, "invoice.pdf", "application/pdf", text, sizeof text - 1);
    CGT_CHECK_PROBLEM(r, 415);
    cgt_response_free(r);

    /* Exactly the default 20 MiB goes in; one byte more is refused. */
    size_t big = 20 * 1024 * 1024 + 1;
    char *buf = png_like(big);
    r = upload(inspector, clue_id, "largest.png", "image/png", buf, big - 1);
    CGT_CHECK_STATUS(r, 201);
    printf("a 20 MiB upload took %.2f s\n", r->seconds);
    cgt_response_free(r);
    r = upload(inspector, clue_id, "huge.png", "image/png", buf, big);
    CGT_CHECK_PROBLEM(r, 413);
    cgt_response_free(r);
    free(buf);

    r = upload(inspector, clue_id, "empty.png", "image/png", "", 0);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
}

/* A body without a declared length (chunked transfer coding) is counted
 * as it arrives: a small one goes in, one past the limit is 413 once it
 * passes it, and its staged chunks are dropped. */
static void chunked_upload(void **state)
{
    (void)state;
    char auth[256], path[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", inspector);
    const char *const headers[] = {auth, "Content-Type: application/octet-stream",
                                   "Transfer-Encoding: chunked", NULL};
    size_t small = 600 * 1024;
    char *png = png_like(small);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents?name=chunked.png", clue_id);
    cgt_response *r = cgt_request("POST", path, headers, png, small);
    CGT_CHECK_STATUS(r, 201);
    CGT_CHECK_INT(small, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "size")->valuedouble, "size");
    cgt_response_free(r);
    free(png);

    size_t big = 20 * 1024 * 1024 + 1;
    png = png_like(big);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents?name=chunked-huge.png", clue_id);
    r = cgt_request("POST", path, headers, png, big);
    CGT_CHECK_PROBLEM(r, 413);
    cgt_response_free(r);
    free(png);
}

static void scope_and_roles(void **state)
{
    (void)state;
    char *png = png_like(1000);
    char path[256];
    cgt_response *r = upload(inspector_west, clue_id, "x.png", NULL, png, 1000);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents", clue_id);
    r = cgt_get(path, inspector_west);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    r = download(inspector_west, clue_id,
                 "0000000000000000000000000000000000000000000000000000000000000000");
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier/export", clue_id);
    r = cgt_get(path, inspector_west);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    /* The auditor reads but adds nothing. */
    r = upload(auditor, clue_id, "x.png", NULL, png, 1000);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    free(png);
}

/* Someone who recused from a clue (回避) no longer reaches its documents
 * or its dossier: 404, as if it did not exist. */
static void recused_reader_gets_404(void **state)
{
    (void)state;
    char id[37], path[256];
    char *png = png_like(1000);
    CGT_CREATE_CLUE(inspector, "city_a", NULL, id);
    cgt_response *r = upload(inspector, id, "before.png", NULL, png, 1000);
    CGT_CHECK_STATUS(r, 201);
    char sha[80];
    snprintf(sha, sizeof sha, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "sha256"));
    cgt_response_free(r);
    /* Before the recusal the lead reads them. */
    r = download(lead, id, sha);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead, id, "/recuse", "{\"reason\":\"与被反映人系亲属\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    r = download(lead, id, sha);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents", id);
    r = cgt_get(path, lead);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier/export", id);
    r = cgt_get(path, lead);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    r = upload(lead, id, "after.png", NULL, png, 1000);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);
    free(png);
}

/* Write len bytes to a fresh temporary file; its name goes into path. */
static void write_temp(char path[64], const char *data, size_t len)
{
    snprintf(path, 64, "/tmp/cgt-dossier-XXXXXX");
    int fd = mkstemp(path);
    CGT_CHECK(fd >= 0, "create a temporary file");
    CGT_CHECK(write(fd, data, len) == (ssize_t)len, "write %s", path);
    close(fd);
}

/* Run the verifier on data, given the stack's dossier key when with_key
 * (the entries are keyed: docs/dossier.md); its exit status, its output
 * into out. */
static int verify_with(const char *data, size_t len, bool with_key, char *out, size_t outsz)
{
    char path[64], key[512], cmd[1024];
    write_temp(path, data, len);
    snprintf(key, sizeof key, "--key-file '%s/secrets/dossier.key'", getenv("CG_STATE"));
    snprintf(cmd, sizeof cmd, "'%s' %s '%s' 2>&1", CGT_DOSSIER_VERIFY, with_key ? key : "", path);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "run %s", cmd);
    size_t n = fread(out, 1, outsz - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    unlink(path);
    printf("cg-dossier-verify: %s", out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int verify(const char *data, size_t len, char *out, size_t outsz)
{
    return verify_with(data, len, true, out, outsz);
}

/* Where needle (n bytes) starts in hay, or -1. */
static long find(const char *hay, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return (long)i;
    return -1;
}

/* A case (案件) filed from a clue has documents and a dossier of its own,
 * under /api/v1/cases/{id}, with its clue's scope. */
static void case_documents_and_export(void **state)
{
    (void)state;
    char clue[37], case_id[64], path[256], out[1024];
    CGT_CREATE_CLUE(inspector, "city_a", NULL, clue);
    cgt_response *r =
        cgt_clue_act(inspector, clue, "/disposal", "{\"way\":\"propose_filing\",\"reason\":\"r\"}");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead, clue, "/disposal/approve", NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    r = cgt_clue_act(lead, clue, "/file", NULL);
    CGT_CHECK_STATUS(r, 200);
    snprintf(case_id, sizeof case_id, "%s", CGT_JSON_STR(r->json, "case_id"));
    cgt_response_free(r);

    static const char pdf[] = "%PDF-1.7\n% the investigation report of a case\n";
    /* A Chinese name (调查报告.pdf) goes in and comes back as sent. */
    snprintf(path, sizeof path,
             "/api/v1/cases/%s/documents?name=%%E8%%B0%%83%%E6%%9F%%A5%%E6%%8A%%A5%%E5%%91%%8A.pdf",
             case_id);
    r = cgt_post_raw(path, inspector, "application/pdf", pdf, sizeof pdf - 1);
    CGT_CHECK_STATUS(r, 201);
    CGT_CHECK_STR("application/pdf", cgt_json_str(CGT_JSON_OBJECT(r), "content_type"), "type");
    CGT_CHECK_STR("调查报告.pdf", cgt_json_str(CGT_JSON_OBJECT(r), "name"), "name");
    cgt_response_free(r);
    /* A name with a control character is refused, naming the field. */
    snprintf(path, sizeof path, "/api/v1/cases/%s/documents?name=a%%0Ab.pdf", case_id);
    r = cgt_post_raw(path, inspector, "application/pdf", pdf, sizeof pdf - 1);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"name\"") != NULL, "the 400 names the field: %s", r->body);
    cgt_response_free(r);
    /* The case's documents are its own, not its clue's. */
    snprintf(path, sizeof path, "/api/v1/cases/%s/documents", case_id);
    r = cgt_get(path, auditor);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(1, cJSON_GetArraySize(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items")),
                  "documents of the case");
    cgt_response_free(r);
    snprintf(path, sizeof path, "/api/v1/clues/%s/documents", clue);
    r = cgt_get(path, auditor);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(0, cJSON_GetArraySize(cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items")),
                  "documents of its clue");
    cgt_response_free(r);
    /* Outside the scope the case is not there. */
    snprintf(path, sizeof path, "/api/v1/cases/%s/documents", case_id);
    r = cgt_get(path, inspector_west);
    CGT_CHECK_PROBLEM(r, 404);
    cgt_response_free(r);

    snprintf(path, sizeof path, "/api/v1/cases/%s/dossier/export", case_id);
    r = cgt_get(path, auditor);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_INT(0, verify(r->body, r->body_len, out, sizeof out), "exit for a case's archive");
    CGT_CHECK(find(r->body, r->body_len, case_id, strlen(case_id)) > 0,
              "the manifest names the case");
    cgt_response_free(r);
}

static void export_verifies_offline(void **state)
{
    (void)state;
    size_t len = 700 * 1024;
    char *png = png_like(len);
    cgt_response *r = upload(inspector, clue_id, "evidence.png", NULL, png, len);
    CGT_CHECK_STATUS(r, 201);
    char sha[80];
    snprintf(sha, sizeof sha, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "sha256"));
    cgt_response_free(r);

    char path[256];
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier/export", clue_id);
    r = cgt_get(path, inspector);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK(strncmp(r->content_type, "application/x-tar", 17) == 0, "archive type, got %s",
              r->content_type);
    char out[1024];
    CGT_CHECK_INT(0, verify(r->body, r->body_len, out, sizeof out), "exit of a whole archive");
    CGT_CHECK(strncmp(out, "OK", 2) == 0, "the verifier says OK, got %s", out);
    /* Without the key the keyed entries cannot be checked, and it says so. */
    CGT_CHECK_INT(3, verify_with(r->body, r->body_len, false, out, sizeof out),
                  "exit of an archive whose keyed entries were not checked");
    CGT_CHECK(strncmp(out, "UNCHECKED", 9) == 0, "the verifier says UNCHECKED, got %s", out);
    CGT_CHECK_INT(0, verify(r->body, r->body_len, out, sizeof out), "exit of a whole archive");
    /* The last hash it prints is the live dossier's at that entry. */
    const char *h = strstr(out, "with hash ");
    CGT_CHECK(h != NULL, "the verifier prints the last hash: %s", out);
    char last_hash[65];
    snprintf(last_hash, sizeof last_hash, "%.64s", h + strlen("with hash "));
    snprintf(path, sizeof path, "/api/v1/clues/%s/dossier?limit=100", clue_id);
    cgt_response *live = cgt_get(path, inspector);
    CGT_CHECK_STATUS(live, 200);
    CGT_CHECK(cgt_find_where(cJSON_GetObjectItem(CGT_JSON_OBJECT(live), "items"), "hash",
                             last_hash) != NULL,
              "the live dossier has an entry with hash %s: %.300s", last_hash, live->body);
    cgt_response_free(live);

    /* The manifest is the first file: its bytes follow the 512-byte header
     * (a pax header first when it needed one; find it by its start). */
    long m = find(r->body, r->body_len, "{\n\t\"format\"", 11);
    CGT_CHECK(m > 0, "the manifest is in the archive");
    cJSON *manifest = cJSON_ParseWithOpts(r->body + m, NULL, false);
    CGT_CHECK(manifest != NULL, "the manifest parses");
    const cJSON *e;
    long added_seq = 0;
    int exported = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(manifest, "entries"))
    {
        const char *action = cgt_json_str(e, "action");
        if (added_seq == 0 && action && strcmp(action, "document.added") == 0)
            added_seq = (long)cJSON_GetObjectItem(e, "seq")->valuedouble;
        exported += action && strcmp(action, "dossier.exported") == 0;
    }
    CGT_CHECK(added_seq > 0, "the manifest has a document.added entry");
    CGT_CHECK(exported >= 1, "the export is in the dossier it exported");
    CGT_CHECK(cgt_find_where(cJSON_GetObjectItem(manifest, "documents"), "sha256", sha) != NULL,
              "the manifest lists %s", sha);
    cJSON_Delete(manifest);

    /* One byte of the document changed. */
    char *copy = malloc(r->body_len);
    CGT_CHECK(copy != NULL, "allocate a copy");
    memcpy(copy, r->body, r->body_len);
    long at = find(copy, r->body_len, png + 1000, 64);
    CGT_CHECK(at > 0, "the document's bytes are in the archive");
    copy[at + 10] ^= 0x01;
    CGT_CHECK_INT(1, verify(copy, r->body_len, out, sizeof out), "exit with a changed document");
    CGT_CHECK(strstr(out, sha) != NULL && strstr(out, "document") != NULL,
              "the verifier names document %s, got %s", sha, out);

    /* One entry changed (same length, so the archive stays well formed). */
    memcpy(copy, r->body, r->body_len);
    at = find(copy, r->body_len, "\"document.added\"", 16);
    CGT_CHECK(at > 0, "the entry is in the manifest");
    memcpy(copy + at, "\"document.addeX\"", 16);
    char want[64];
    snprintf(want, sizeof want, "entry %ld:", added_seq);
    CGT_CHECK_INT(1, verify(copy, r->body_len, out, sizeof out), "exit with a changed entry");
    CGT_CHECK(strstr(out, want) != NULL, "the verifier names %s got %s", want, out);

    /* Not an archive at all. */
    CGT_CHECK_INT(2, verify("hello", 5, out, sizeof out), "exit for a file that is no archive");
    free(copy);
    cgt_response_free(r);
    free(png);
}

int main(void)
{
    cgt_init("documents_dossier", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upload_dedupe_download),
        cmocka_unit_test(forged_and_oversize_refused),
        cmocka_unit_test(chunked_upload),
        cmocka_unit_test(scope_and_roles),
        cmocka_unit_test(recused_reader_gets_404),
        cmocka_unit_test(export_verifies_offline),
        cmocka_unit_test(case_documents_and_export),
    };
    int failed =
        cmocka_run_group_tests_name("documents_dossier", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
