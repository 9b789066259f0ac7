/* Unit tests of the JSON-lines log: escaping, invalid UTF-8 replaced, one
 * object per line with service, level and request id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cg/log.h"
#include "cg/util.h"

/* Run what the test logs with stderr sent to a temporary file, and read
 * the line back into out. */
static void capture(void (*emit)(void), char *out, size_t size)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    emit();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, size - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void emit_hostile(void)
{
    cg_log_set_request_id("rid-1");
    cg_log_fields(CG_LOG_WARN, "say \"hi\"", "path", "/api/\xff\xfe/纪检\n", "skipped", NULL,
                  "after", "x", NULL);
    cg_log_set_request_id(NULL);
}

static void emit_debug(void)
{
    cg_log_debug("not shown at info");
}

static void hostile_values_stay_valid_json(void **state)
{
    (void)state;
    char line[1024];
    capture(emit_hostile, line, sizeof(line));
    assert_true(cg_utf8_valid(line, strlen(line)));
    assert_non_null(strstr(line, "\"level\":\"warn\""));
    assert_non_null(strstr(line, "\"service\":\"logtest\""));
    assert_non_null(strstr(line, "\"request_id\":\"rid-1\""));
    assert_non_null(strstr(line, "\"msg\":\"say \\\"hi\\\"\""));
    assert_non_null(strstr(line, "\"path\":\"/api/\\ufffd\\ufffd/纪检\\u000a\""));
    assert_null(strstr(line, "skipped"));
    assert_non_null(strstr(line, "\"after\":\"x\"}\n"));
    assert_int_equal(strchr(line, '\n') - line, (long)strlen(line) - 1);
}

static void levels_below_the_minimum_are_dropped(void **state)
{
    (void)state;
    char line[256];
    capture(emit_debug, line, sizeof(line));
    assert_string_equal(line, "");
}

int main(void)
{
    cg_log_init("logtest", "info");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_values_stay_valid_json),
        cmocka_unit_test(levels_below_the_minimum_are_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
