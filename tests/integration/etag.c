/* Entity tags on the read of one record: GET /api/v1/clues/{id} carries a
 * strong ETag over its body, the same for the same clue, and answers 304
 * without a body to an If-None-Match that holds it. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cgt_response *get_if_none_match(const char *path, const char *token, const char *inm)
{
    char auth[128], cond[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(cond, sizeof cond, "If-None-Match: %s", inm);
    const char *headers[] = {auth, cond, NULL};
    return cgt_request("GET", path, headers, NULL, 0);
}

static void clue_etag_and_304(void **state)
{
    (void)state;
    cgt_report rep;
    char path[128], etag[128], again[128], value[128], weak[160];
    char *token = CGT_LOGIN("inspector");
    CGT_SUBMIT_SIMPLE("etag", NULL, &rep);
    cJSON *clue = CGT_AWAIT_CLUE(token, "source_ref", rep.report_id);
    snprintf(path, sizeof path, "/api/v1/clues/%s", cgt_json_str(clue, "id"));

    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    cgt_header(r, "ETag", etag, sizeof etag);
    CGT_CHECK(strlen(etag) == 24 && etag[0] == '"' && etag[23] == '"',
              "a strong ETag of 22 characters in quotes, got '%s'", etag);
    cgt_response_free(r);

    r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR(etag, cgt_header(r, "ETag", again, sizeof again), "ETag of the same clue");
    cgt_response_free(r);

    /* The client's copy is current: 304, no body, the tag and the security
     * headers still there. */
    r = get_if_none_match(path, token, etag);
    CGT_CHECK_STATUS(r, 304);
    CGT_CHECK_INT(0, r->body_len, "304 body length");
    CGT_CHECK_STR(etag, cgt_header(r, "ETag", value, sizeof value), "ETag on 304");
    CGT_CHECK_STR("no-store", cgt_header(r, "Cache-Control", value, sizeof value),
                  "Cache-Control on 304");
    cgt_response_free(r);

    snprintf(weak, sizeof weak, "\"other\", W/%s", etag);
    r = get_if_none_match(path, token, weak);
    CGT_CHECK_STATUS(r, 304);
    cgt_response_free(r);
    r = get_if_none_match(path, token, "*");
    CGT_CHECK_STATUS(r, 304);
    cgt_response_free(r);

    /* A stale or malformed tag gets the whole answer. */
    r = get_if_none_match(path, token, "\"AAAAAAAAAAAAAAAAAAAAAA\"");
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR(cgt_json_str(clue, "id"), cgt_json_str(r->json, "id"), "clue id");
    cgt_response_free(r);
    r = get_if_none_match(path, token, "not a tag");
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    /* No record, no tag: an unknown clue is 404 whatever the condition. */
    char unknown[37], upath[128];
    cgt_uuid(unknown);
    snprintf(upath, sizeof upath, "/api/v1/clues/%s", unknown);
    r = get_if_none_match(upath, token, "*");
    CGT_CHECK_PROBLEM(r, 404);
    CGT_CHECK_STR("", cgt_header(r, "ETag", value, sizeof value), "ETag on 404");
    cgt_response_free(r);

    /* Lists carry none. */
    r = cgt_get("/api/v1/clues", token);
    CGT_CHECK_STATUS(r, 200);
    CGT_CHECK_STR("", cgt_header(r, "ETag", value, sizeof value), "ETag on a list");
    cgt_response_free(r);

    cJSON_Delete(clue);
    cgt_logout(token);
}

int main(void)
{
    cgt_init("etag", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clue_etag_and_304),
    };
    int failed = cmocka_run_group_tests_name("etag", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
