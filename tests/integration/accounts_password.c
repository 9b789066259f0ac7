/* Lockout and password change, through the API as a client sees them.
 *
 * - Wrong passwords in a row lock the account: the next login with the right
 *   password is refused with exactly the answer a wrong password or an
 *   unknown username gets, so the answer tells nothing; a right password
 *   before the limit resets the count; a session opened before the lock
 *   keeps working; the lock ends after CG_LOGIN_LOCKOUT_S (scripts/test.sh
 *   makes it short).
 * - POST /api/v1/auth/password: the policy (length, not the username), a
 *   wrong current password, and a change that ends the account's other
 *   sessions and leaves the one that asked.
 *
 * Uses cadre.east and puts its password back at the end, so the other tests
 * find the demo password. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT "cadre.east"
#define WRONG "not-the-password-1"
#define NEW_PASSWORD "a-new-password-for-cadre"

/* POST a login and return the whole response (the caller frees it). */
static cgt_response *login_response(const char *username, const char *password)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "username", username);
    cJSON_AddStringToObject(body, "password", password);
    cgt_response *r = cgt_post_json("/api/v1/auth/login", NULL, body);
    cJSON_Delete(body);
    return r;
}

/* The parts of a refused login that a client sees, other than the request
 * id and instance: status, code, title and detail. */
static char *refusal_shape(const cgt_response *r)
{
    const cJSON *o = CGT_JSON_OBJECT(r);
    char *out = malloc(1024);
    snprintf(out, 1024, "%ld|%s|%s|%s", r->status, cgt_json_str(o, "code"),
             cgt_json_str(o, "title"), cgt_json_str(o, "detail"));
    return out;
}

/* POST a login as from client address addr (an X-Forwarded-For entry the
 * suite's trusted proxy, 127.0.0.1, passes on); the status. */
static long login_from(const char *addr, const char *username, const char *password)
{
    char xff[96], body[256];
    snprintf(xff, sizeof xff, "X-Forwarded-For: %s", addr);
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
    const char *headers[] = {"Content-Type: application/json", xff, NULL};
    cgt_response *r = cgt_request("POST", "/api/v1/auth/login", headers, body, strlen(body));
    long status = r->status;
    if (status == 200)
        cgt_logout(strdup(cgt_json_str(r->json, "token")));
    cgt_response_free(r);
    /* Under the public limit of five a second per address. */
    cgt_sleep_ms(250);
    return status;
}

/* Wrong passwords from one address lock that address out of the account,
 * not the account's owner: anyone who knows a username could otherwise
 * lock its owner out. */
static void lockout_per_address(void **state)
{
    (void)state;
    const char *password = cgt_demo_password();
    char run[8], guesser[32], owner[32];
    cgt_random_digits(run, 3);
    snprintf(guesser, sizeof guesser, "198.18.%d.1", atoi(run) % 250 + 1);
    snprintf(owner, sizeof owner, "198.18.%d.2", atoi(run) % 250 + 1);
    for (int i = 0; i < 5; i++)
        CGT_CHECK_INT(401, login_from(guesser, "unitlead.east", WRONG), "a guess");
    CGT_CHECK_INT(401, login_from(guesser, "unitlead.east", password),
                  "the guessing address is locked out, right password or not");
    CGT_CHECK_INT(200, login_from(owner, "unitlead.east", password),
                  "the owner, from another address, logs in");
    CGT_CHECK_INT(401, login_from(guesser, "unitlead.east", password),
                  "and the guessing address is still locked out");
}

static cgt_response *change_password(const char *token, const char *current, const char *next)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "current_password", current);
    cJSON_AddStringToObject(body, "new_password", next);
    cgt_response *r = cgt_post_json("/api/v1/auth/password", token, body);
    cJSON_Delete(body);
    return r;
}

/* Fail unless r is a 400 with a violation of field. */
static void check_violation(cgt_response *r, const char *field)
{
    CGT_CHECK_PROBLEM(r, 400);
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(CGT_JSON_OBJECT(r), "errors");
    bool found = false;
    const cJSON *e;
    cJSON_ArrayForEach(e, errors)
    {
        const char *f = cgt_json_str(e, "field");
        if (f != NULL && strcmp(f, field) == 0)
            found = true;
    }
    CGT_CHECK(found, "a violation of %s in %s", field, r->body);
    cgt_response_free(r);
}

static void lockout(void **state)
{
    (void)state;
    const char *password = cgt_demo_password();
    char *before = CGT_LOGIN(ACCOUNT);

    /* Four wrong, then the right one: the count starts again. */
    for (int i = 0; i < 4; i++)
        CGT_CHECK_INT(401, cgt_try_login(ACCOUNT, WRONG, NULL), "wrong password");
    char *token = NULL;
    CGT_CHECK_INT(200, cgt_try_login(ACCOUNT, password, &token), "right password after four");
    free(token);

    /* Five wrong in a row lock it. */
    cgt_response *wrong = NULL;
    for (int i = 0; i < 5; i++) {
        cgt_response_free(wrong);
        wrong = login_response(ACCOUNT, WRONG);
        CGT_CHECK_PROBLEM(wrong, 401);
    }
    cgt_response *locked = login_response(ACCOUNT, password);
    cgt_response *unknown = login_response("no.such.account", password);
    CGT_CHECK_PROBLEM(locked, 401);
    CGT_CHECK_PROBLEM(unknown, 401);
    char *s_wrong = refusal_shape(wrong);
    char *s_locked = refusal_shape(locked);
    char *s_unknown = refusal_shape(unknown);
    CGT_CHECK_STR(s_wrong, s_locked, "a locked account answers as a wrong password does");
    CGT_CHECK_STR(s_wrong, s_unknown, "an unknown username answers as a wrong password does");
    free(s_wrong);
    free(s_locked);
    free(s_unknown);
    cgt_response_free(wrong);
    cgt_response_free(locked);
    cgt_response_free(unknown);

    /* The lock stops guessing; a session opened before it keeps working. */
    cgt_response *me = cgt_get("/api/v1/auth/me", before);
    CGT_CHECK_STATUS(me, 200);
    cgt_response_free(me);

    /* Still locked a moment later, then free once the lock has run out. */
    const char *lock_s = getenv("CG_LOGIN_LOCKOUT_S");
    long secs = lock_s ? strtol(lock_s, NULL, 10) : 0;
    if (secs > 0 && secs <= 30) {
        CGT_CHECK_INT(401, cgt_try_login(ACCOUNT, password, NULL), "still locked");
        cgt_sleep_ms((int)(secs * 1000) + 500);
        token = NULL;
        CGT_CHECK_INT(200, cgt_try_login(ACCOUNT, password, &token), "the lock has run out");
        cgt_logout(token);
    } else {
        printf("CG_LOGIN_LOCKOUT_S is %s: not waiting for the lock to end\n",
               lock_s ? lock_s : "unset");
    }
    cgt_logout(before);
}

static void password_change(void **state)
{
    (void)state;
    const char *password = cgt_demo_password();
    char *asking = CGT_LOGIN(ACCOUNT);
    char *other = CGT_LOGIN(ACCOUNT);

    /* Warm this gateway's session cache with the other session, so only
     * the revocation can explain a refusal below. */
    cgt_response *r = cgt_get("/api/v1/auth/me", other);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);

    check_violation(change_password(asking, password, "short-one"), "new_password");
    check_violation(change_password(asking, password, "CADRE.EAST"), "new_password");
    check_violation(change_password(asking, password, password), "new_password");
    check_violation(change_password(asking, WRONG, NEW_PASSWORD), "current_password");
    /* Guessable passwords are refused whatever their length. */
    check_violation(change_password(asking, password, "password1234"), "new_password");
    check_violation(change_password(asking, password, "aaaaaaaaaaaa"), "new_password");
    check_violation(change_password(asking, password, "WinnieThePooh"), "new_password");
    /* A NUL would cut the new password short: the body is refused whole. */
    char nul_body[256];
    int nul_len = snprintf(nul_body, sizeof nul_body,
                           "{\"current_password\":\"%s\",\"new_password\":\"%s\\u0000x\"}",
                           password, NEW_PASSWORD);
    r = cgt_post_raw("/api/v1/auth/password", asking, "application/json", nul_body,
                     (size_t)nul_len);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "u0000") != NULL, "the refusal names the NUL: %s", r->body);
    cgt_response_free(r);
    r = cgt_post_raw("/api/v1/auth/password", asking, "application/json", "{\"new_password\":1}",
                     18);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    r = change_password(NULL, password, NEW_PASSWORD);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);

    r = change_password(asking, password, NEW_PASSWORD);
    CGT_CHECK_STATUS(r, 204);
    cgt_response_free(r);

    r = cgt_get("/api/v1/auth/me", other);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    r = cgt_get("/api/v1/auth/me", asking);
    CGT_CHECK_STATUS(r, 200);
    cgt_response_free(r);
    CGT_CHECK_INT(401, cgt_try_login(ACCOUNT, password, NULL), "the old password");
    char *fresh = NULL;
    CGT_CHECK_INT(200, cgt_try_login(ACCOUNT, NEW_PASSWORD, &fresh), "the new password");

    /* Back to the demo password for the other tests. */
    r = change_password(fresh, NEW_PASSWORD, password);
    CGT_CHECK_STATUS(r, 204);
    cgt_response_free(r);
    r = cgt_get("/api/v1/auth/me", asking);
    CGT_CHECK_PROBLEM(r, 401);
    cgt_response_free(r);
    cgt_logout(fresh);
    free(asking);
    free(other);
    free(CGT_LOGIN(ACCOUNT));
}

int main(void)
{
    cgt_init("accounts_password", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lockout_per_address),
        cmocka_unit_test(lockout),
        cmocka_unit_test(password_change),
    };
    int failed = cmocka_run_group_tests_name("accounts_password", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
