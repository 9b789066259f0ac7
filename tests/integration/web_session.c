/* The web console's session through HTTP: login sets an HttpOnly,
 * SameSite=Strict, Secure cookie and answers a CSRF token; the cookie alone
 * serves reads; a state-changing request with the cookie is 403 without the
 * token or with a wrong one and goes through with it; a bearer request needs
 * no token; a forged cookie is 401; logout by cookie clears the cookie and
 * ends the session. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A request with the session cookie and, when csrf is not NULL, the CSRF
 * header. */
static cgt_response *with_cookie(const char *method, const char *path, const char *token,
                                 const char *csrf, const char *json)
{
    char cookie[128], csrf_line[128];
    snprintf(cookie, sizeof cookie, "Cookie: theme=dark; __Host-cg_session=%s", token);
    snprintf(csrf_line, sizeof csrf_line, "X-CSRF-Token: %s", csrf ? csrf : "");
    const char *headers[] = {cookie, "Content-Type: application/json", csrf ? csrf_line : NULL,
                             NULL};
    return cgt_request(method, path, headers, json, json ? strlen(json) : 0);
}

static void cookie_and_csrf(void **state)
{
    (void)state;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", "inspector");
    cJSON_AddStringToObject(b, "password", cgt_demo_password());
    cgt_response *r = cgt_post_json("/api/v1/auth/login", NULL, b);
    cJSON_Delete(b);
    CGT_CHECK_STATUS(r, 200);
    char *token = strdup(CGT_JSON_STR(CGT_JSON_OBJECT(r), "token"));
    char *csrf = strdup(CGT_JSON_STR(CGT_JSON_OBJECT(r), "csrf_token"));
    char set_cookie[512];
    cgt_header(r, "Set-Cookie", set_cookie, sizeof set_cookie);
    char expected[128];
    snprintf(expected, sizeof expected, "__Host-cg_session=%s;", token);
    CGT_CHECK(strstr(set_cookie, expected) != NULL, "Set-Cookie carries the token: %s", set_cookie);
    CGT_CHECK(strstr(set_cookie, "HttpOnly") && strstr(set_cookie, "SameSite=Strict") &&
                  strstr(set_cookie, "Secure") && strstr(set_cookie, "Path=/;") &&
                  strstr(set_cookie, "Domain") == NULL,
              "cookie attributes (__Host-: Secure, Path=/, no Domain): %s", set_cookie);
    CGT_CHECK(strcmp(csrf, token) != 0 && strlen(csrf) == 43, "a CSRF token of its own");
    cgt_response_free(r);

    /* Reads need only the cookie. */
    r = with_cookie("GET", "/api/v1/auth/me", token, NULL, NULL);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    /* A state-changing request: 403 without the token or with another. */
    const char *body = "{\"current_password\":\"x\",\"new_password\":\"y\"}";
    r = with_cookie("POST", "/api/v1/auth/password", token, NULL, body);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = with_cookie("POST", "/api/v1/auth/password", token,
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", body);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    /* With it, the request reaches its handler (which finds the body bad). */
    r = with_cookie("POST", "/api/v1/auth/password", token, csrf, body);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    /* The bearer header needs no CSRF token. */
    r = cgt_post_raw("/api/v1/auth/password", token, "application/json", body, strlen(body));
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);

    /* A second session cookie beside it (one a sibling domain may have
     * planted) makes neither count; nor does the name without its
     * prefix. */
    char two[256];
    snprintf(two, sizeof two, "Cookie: __Host-cg_session=%s; __Host-cg_session=%s", token,
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    const char *two_headers[] = {two, NULL};
    r = cgt_request("GET", "/api/v1/auth/me", two_headers, NULL, 0);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    snprintf(two, sizeof two, "Cookie: cg_session=%s", token);
    r = cgt_request("GET", "/api/v1/auth/me", two_headers, NULL, 0);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);

    /* A forged cookie is not a session. */
    r = with_cookie("GET", "/api/v1/auth/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
                    NULL);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);

    /* Logout by cookie: the cookie is cleared and the session ends. */
    r = with_cookie("POST", "/api/v1/auth/logout", token, NULL, NULL);
    CGT_CHECK_PROBLEM(r, 403);
    cgt_response_free(r);
    r = with_cookie("POST", "/api/v1/auth/logout", token, csrf, NULL);
    CGT_CHECK_STATUS(r, 204);
    cgt_header(r, "Set-Cookie", set_cookie, sizeof set_cookie);
    CGT_CHECK(strstr(set_cookie, "__Host-cg_session=;") && strstr(set_cookie, "Max-Age=0"),
              "logout clears the cookie: %s", set_cookie);
    cgt_response_free(r);
    r = with_cookie("GET", "/api/v1/auth/me", token, NULL, NULL);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    free(token);
    free(csrf);
}

int main(void)
{
    cgt_init("web_session", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cookie_and_csrf),
    };
    int failed = cmocka_run_group_tests_name("web_session", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
