/* Unit tests of the web console's cookie and CSRF token: the cookie found
 * among others and refused when malformed, the CSRF token stable per
 * session and different between sessions, compared exactly, the methods
 * that need it, and the Set-Cookie lines' attributes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "gw_pure.h"
#include "web_session.h"
#include "cg_test.h"

#define TOKEN "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
#define OTHER "ZbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"

/* Whether gw_cookie_token finds the session cookie in the header. */
static bool has_cookie(const char *header)
{
    const char *t = NULL;
    return gw_cookie_token(header, &t);
}

static void test_cookie(void **state)
{
    (void)state;
    assert_int_equal(strlen(TOKEN), GW_TOKEN_LEN);
    const char *t = NULL;
    assert_true(gw_cookie_token("__Host-cg_session=" TOKEN, &t));
    assert_memory_equal(t, TOKEN, GW_TOKEN_LEN);
    assert_true(gw_cookie_token("theme=dark; __Host-cg_session=" TOKEN "; lang=zh", &t));
    assert_memory_equal(t, TOKEN, GW_TOKEN_LEN);
    static const char *const refused[] = {
        NULL,
        "",
        "__Host-cg_session=short",
        "__Host-cg_session=" TOKEN "x",
        "x__Host-cg_session=" TOKEN,
        "__Host-cg_session=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcde",
        /* Without the prefix: a cookie any sibling domain could have set. */
        "cg_session=" TOKEN,
        /* Two of them, in either order, even when one is malformed: which
         * one the browser meant cannot be told. */
        "__Host-cg_session=" TOKEN "; __Host-cg_session=" OTHER,
        "__Host-cg_session=bad; __Host-cg_session=" TOKEN,
        "__Host-cg_session=" TOKEN "; __Host-cg_session=" TOKEN,
    };
    CG_CHECK_EACH(has_cookie, refused, false);
}

static void test_csrf(void **state)
{
    (void)state;
    char a[GW_CSRF_LEN + 1], b[GW_CSRF_LEN + 1], c[GW_CSRF_LEN + 1];
    gw_csrf_token(TOKEN, a);
    gw_csrf_token(TOKEN, b);
    gw_csrf_token(OTHER, c);
    assert_int_equal(strlen(a), GW_CSRF_LEN);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    /* Not the token itself. */
    assert_null(strstr(a, TOKEN));
    assert_true(gw_csrf_valid(TOKEN, a));
    assert_false(gw_csrf_valid(TOKEN, c));
    assert_false(gw_csrf_valid(TOKEN, NULL));
    assert_false(gw_csrf_valid(TOKEN, ""));
    a[GW_CSRF_LEN - 1] = a[GW_CSRF_LEN - 1] == 'A' ? 'B' : 'A';
    assert_false(gw_csrf_valid(TOKEN, a));
}

static void test_methods(void **state)
{
    (void)state;
    static const char *const changing[] = {"POST", "PATCH", "DELETE", "get", NULL};
    static const char *const reading[] = {"GET", "HEAD", "OPTIONS"};
    CG_CHECK_EACH(gw_method_changes_state, changing, true);
    CG_CHECK_EACH(gw_method_changes_state, reading, false);
}

static void test_set_cookie(void **state)
{
    (void)state;
    char line[GW_COOKIE_HEADER_MAX];
    gw_session_cookie_header(TOKEN, line);
    static const char *const attributes[] = {
        "Set-Cookie: __Host-cg_session=" TOKEN ";",
        "; HttpOnly",
        "; SameSite=Strict",
        "; Secure",
        "; Path=/;",
    };
    for (size_t i = 0; i < CG_NROWS(attributes); i++) {
        if (strstr(line, attributes[i]) == NULL)
            fail_msg("no \"%s\" in %s", attributes[i], line);
    }
    assert_int_equal(strcmp(line + strlen(line) - 2, "\r\n"), 0);
    gw_session_cookie_header(NULL, line);
    assert_non_null(strstr(line, "Set-Cookie: __Host-cg_session=;"));
    assert_non_null(strstr(line, "Max-Age=0"));
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(test_cookie), cmocka_unit_test(test_csrf),
                    cmocka_unit_test(test_methods), cmocka_unit_test(test_set_cookie))
