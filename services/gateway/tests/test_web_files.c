/* Unit tests of the web console's file rules: the paths that may reach the
 * file system (none with dot segments, odd bytes, doubled or trailing
 * slashes), extension detection, media types, what is cached for good, and
 * reading a header's list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "web_files.h"

static void test_plain_paths(void **state)
{
    (void)state;
    static const char *const good[] = {
        "/",
        "/index.html",
        "/assets/index-DOgBjm4V.js",
        "/clues/0b6b2a8e-1b1c-4c1e-9d7f-2a3b4c5d6e7f",
        "/report/follow-up",
        "/a_b~c.d",
        "/favicon.svg",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(gw_web_path_plain(good[i]));

    char long_path[GW_WEB_PATH_MAX + 2];
    memset(long_path, 'a', sizeof long_path);
    long_path[0] = '/';
    long_path[GW_WEB_PATH_MAX + 1] = '\0';
    static const char *const bad[] = {
        "",
        "index.html",
        "/..",
        "/../etc/passwd",
        "/assets/../../x",
        "/.",
        "/./x",
        "/.hidden",
        "/assets/.git/config",
        "//etc/passwd",
        "/assets//x.js",
        "/clues/",
        "/a\\..\\b",
        "/a%2e",
        "/a b",
        "/a?b",
        "/a;b",
        "/a:b",
        "/\xc0\xae\xc0\xae/x",
        "/\xe4\xb8\xad",
        "/a\r\nb",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (gw_web_path_plain(bad[i]))
            fail_msg("'%s' was taken as a plain path", bad[i]);
    }
    assert_false(gw_web_path_plain(NULL));
    assert_false(gw_web_path_plain(long_path));
    long_path[GW_WEB_PATH_MAX] = '\0';
    assert_true(gw_web_path_plain(long_path));
}

static void test_names_file(void **state)
{
    (void)state;
    assert_true(gw_web_names_file("/assets/x.js"));
    assert_true(gw_web_names_file("/favicon.png"));
    assert_false(gw_web_names_file("/clues/123"));
    assert_false(gw_web_names_file("/v1.2/clues"));
    assert_false(gw_web_names_file("/"));
}

static void test_media_types(void **state)
{
    (void)state;
    bool gz = false;
    assert_string_equal("text/html; charset=utf-8", gw_web_media_type("index.html", &gz));
    assert_true(gz);
    assert_string_equal("text/javascript; charset=utf-8", gw_web_media_type("assets/a.js", &gz));
    assert_string_equal("text/css; charset=utf-8", gw_web_media_type("assets/a.css", &gz));
    assert_string_equal("image/svg+xml", gw_web_media_type("favicon.svg", &gz));
    assert_string_equal("font/woff2", gw_web_media_type("assets/f.woff2", &gz));
    assert_false(gz);
    assert_string_equal("font/woff", gw_web_media_type("assets/f.woff", &gz));
    gz = true;
    assert_null(gw_web_media_type("CMakeCache.txt.bak", &gz));
    assert_false(gz);
    assert_null(gw_web_media_type("web.stamp", &gz));
    assert_null(gw_web_media_type("noext", &gz));
    assert_null(gw_web_media_type("a.js/b", &gz));
    assert_null(gw_web_media_type("a.JS", &gz));
    assert_null(gw_web_media_type("a.js.gz", &gz));
}

static void test_immutable(void **state)
{
    (void)state;
    assert_true(gw_web_immutable("assets/index-DOgBjm4V.js"));
    assert_false(gw_web_immutable("index.html"));
    assert_false(gw_web_immutable("favicon.svg"));
    assert_false(gw_web_immutable("assetsx/a.js"));
}

static void test_header_lists(void **state)
{
    (void)state;
    assert_true(gw_header_lists("gzip", "gzip"));
    assert_true(gw_header_lists("br, gzip;q=0.8", "gzip"));
    assert_true(gw_header_lists("deflate,GZIP", "gzip"));
    assert_true(gw_header_lists("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"));
    assert_false(gw_header_lists("x-gzip", "gzip"));
    assert_false(gw_header_lists("gzipped", "gzip"));
    assert_false(gw_header_lists("application/json", "text/html"));
    assert_false(gw_header_lists("text/htmlx", "text/html"));
    assert_false(gw_header_lists("", "gzip"));
    assert_false(gw_header_lists(NULL, "gzip"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_paths),  cmocka_unit_test(test_names_file),
        cmocka_unit_test(test_media_types),  cmocka_unit_test(test_immutable),
        cmocka_unit_test(test_header_lists),
    };
    return cmocka_run_group_tests_name("web_files", tests, NULL, NULL);
}
