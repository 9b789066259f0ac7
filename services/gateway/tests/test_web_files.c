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

#include "cg_test.h"
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
    static const char *const files[] = {"/assets/x.js", "/favicon.png"};
    static const char *const not_files[] = {"/clues/123", "/v1.2/clues", "/",
                                            "/risk/entities/person/HR-CADRE.EAST"};
    CG_CHECK_EACH(gw_web_names_file, files, true);
    CG_CHECK_EACH(gw_web_names_file, not_files, false);
}

/* The media type gw_web_media_type gives name (NULL: not served). */
static const char *type_of(const char *name)
{
    bool gz;
    return gw_web_media_type(name, &gz);
}

/* Whether gw_web_media_type says name is worth compressing; it must say so
 * whatever the flag held before. */
static bool compressible(const char *name)
{
    bool from_false = false, from_true = true;
    gw_web_media_type(name, &from_false);
    gw_web_media_type(name, &from_true);
    if (from_false != from_true)
        fail_msg("%s: the compressible flag was left as it was", name);
    return from_true;
}

static void test_media_types(void **state)
{
    (void)state;
    static const cg_test_str_row types[] = {
        {"index.html", "text/html; charset=utf-8"},
        {"assets/a.js", "text/javascript; charset=utf-8"},
        {"assets/a.css", "text/css; charset=utf-8"},
        {"favicon.svg", "image/svg+xml"},
        {"assets/f.woff2", "font/woff2"},
        {"assets/f.woff", "font/woff"},
        {"CMakeCache.txt.bak", NULL},
        {"web.stamp", NULL},
        {"noext", NULL},
        {"a.js/b", NULL},
        {"a.JS", NULL},
        {"a.js.gz", NULL},
    };
    CG_CHECK_STRINGS(type_of, types);
    static const char *const compressed[] = {"index.html", "assets/a.js", "assets/a.css",
                                             "favicon.svg"};
    static const char *const sent_as_they_are[] = {
        "assets/f.woff2", "assets/f.woff", "CMakeCache.txt.bak", "web.stamp", "noext", "a.js/b",
        "a.JS",           "a.js.gz"};
    CG_CHECK_EACH(compressible, compressed, true);
    CG_CHECK_EACH(compressible, sent_as_they_are, false);
}

static void test_immutable(void **state)
{
    (void)state;
    static const char *const immutable[] = {"assets/index-DOgBjm4V.js"};
    static const char *const revalidated[] = {"index.html", "favicon.svg", "assetsx/a.js"};
    CG_CHECK_EACH(gw_web_immutable, immutable, true);
    CG_CHECK_EACH(gw_web_immutable, revalidated, false);
}

static bool lists_gzip(const char *value)
{
    return gw_header_lists(value, "gzip");
}

static bool lists_html(const char *value)
{
    return gw_header_lists(value, "text/html");
}

static void test_header_lists(void **state)
{
    (void)state;
    static const char *const gzip[] = {"gzip", "br, gzip;q=0.8", "deflate,GZIP"};
    static const char *const no_gzip[] = {"x-gzip", "gzipped", "", NULL};
    static const char *const html[] = {"text/html,application/xhtml+xml,*/*;q=0.8"};
    static const char *const no_html[] = {"application/json", "text/htmlx"};
    CG_CHECK_EACH(lists_gzip, gzip, true);
    CG_CHECK_EACH(lists_gzip, no_gzip, false);
    CG_CHECK_EACH(lists_html, html, true);
    CG_CHECK_EACH(lists_html, no_html, false);
}

CG_TEST_MAIN(cmocka_unit_test(test_plain_paths), cmocka_unit_test(test_names_file),
             cmocka_unit_test(test_media_types), cmocka_unit_test(test_immutable),
             cmocka_unit_test(test_header_lists))
