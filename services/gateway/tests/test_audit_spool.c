/* Unit tests of the audit spool: its line format (the twelve values back as
 * they went in, the answer's time in the detail, NULLs kept), and its file
 * on a temporary folder (append, read back in order from an offset, a line
 * cut short by a crash dropped at open, the bound refusing a record rather
 * than dropping one, clear). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cg_test.h"
#include "audit_spool.h"

/* 2026-11-26T02:10:05.123Z */
#define ANSWERED_MS 1795659005123LL

static const char *const row[GW_AUDIT_NVALUES] = {
    "ab6f2c47-1111-4222-8333-944445555666",
    "inspector.east",
    "inspector",
    "clue.read",
    "clue",
    "c1d2",
    "ok",
    "200",
    "client \"id\"\n\t\x01",
    "hq.east",
    "gw-id-1",
    "{\"filter\":{\"q\":\"x\"},\"ids\":[\"a\",\"b\"]}"};

static void test_line_round_trip(void **state)
{
    (void)state;
    gw_audit_spooled rec;
    cg_err err;
    char *line = gw_audit_spool_line(row, ANSWERED_MS);
    assert_non_null(line);
    /* One record a line: the values' own newlines are escaped. */
    assert_non_null(strchr(line, '\n'));
    assert_int_equal(strchr(line, '\n') - line, (long)strlen(line) - 1);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_parse(line, &rec, &err), CG_OK);
    for (int k = 0; k < GW_AUDIT_NVALUES - 1; k++)
        assert_string_equal(rec.values[k], row[k]);
    assert_string_equal(rec.values[11], "{\"filter\":{\"q\":\"x\"},\"ids\":[\"a\",\"b\"],"
                                        "\"answered_at\":\"2026-11-26T02:10:05.123Z\"}");
    gw_audit_spooled_clear(&rec);
    free(line);
}

static void test_line_nulls(void **state)
{
    (void)state;
    const char *values[GW_AUDIT_NVALUES] = {NULL,  NULL, NULL, "report.submitted", NULL, NULL, "ok",
                                            "201", NULL, NULL, "gw-id-2",          NULL};
    gw_audit_spooled rec;
    cg_err err;
    char *line = gw_audit_spool_line(values, ANSWERED_MS);
    assert_non_null(line);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_parse(line, &rec, &err), CG_OK);
    for (int k = 0; k < GW_AUDIT_NVALUES - 1; k++) {
        if (values[k] == NULL)
            assert_null(rec.values[k]);
        else
            assert_string_equal(rec.values[k], values[k]);
    }
    /* A record without detail gets one that holds the time alone. */
    assert_string_equal(rec.values[11], "{\"answered_at\":\"2026-11-26T02:10:05.123Z\"}");
    gw_audit_spooled_clear(&rec);
    free(line);
}

static void test_line_refusals(void **state)
{
    (void)state;
    const char *values[GW_AUDIT_NVALUES] = {NULL, NULL,  NULL, "x",  NULL, NULL,
                                            "ok", "200", NULL, NULL, "id", "[1]"};
    gw_audit_spooled rec;
    cg_err err;
    /* The detail is always an object; anything else is a bug, not a line. */
    assert_null(gw_audit_spool_line(values, ANSWERED_MS));
    static const char *const bad[] = {
        "",
        "{}",
        "[]",
        "{\"v\":2,\"values\":[]}",
        "{\"v\":1,\"values\":[1,null,null,null,null,null,null,null,null,null,null,null]}",
        "{\"v\":1,\"values\":[null,null,null,null,null,null,null,null,null,null,null]}",
        "{\"v\":1,\"values\":[null,null,null,null,null,null,null,null,null,null,null,null",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cg_err_clear(&err);
        assert_int_equal(gw_audit_spool_parse(bad[i], &rec, &err), CG_INVALID_ARGUMENT);
        for (int k = 0; k < GW_AUDIT_NVALUES; k++)
            assert_null(rec.values[k]);
    }
}

/* A fresh temporary folder: dir gets its path, sub the spool folder the
 * spool creates inside it. */
static void temp_dir(char dir[64], char sub[80])
{
    snprintf(dir, 64, "/tmp/cg-spool-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(sub, 80, "%s/spool", dir);
}

/* The spool in sub, bounded by max_bytes; fails the test unless it opens. */
static gw_audit_spool *open_spool(const char *sub, long long max_bytes)
{
    gw_audit_spool *spool = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_open(&spool, sub, max_bytes, &err), CG_OK);
    return spool;
}

static void remove_dir(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/spool/" GW_AUDIT_SPOOL_FILE, dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/spool/" GW_AUDIT_SPOOL_REJECTED, dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/spool", dir);
    rmdir(path);
    rmdir(dir);
}

/* Append record i (gateway request id "gw-<i>") to spool. */
static void append_record(gw_audit_spool *spool, int i)
{
    char id[32];
    const char *values[GW_AUDIT_NVALUES];
    cg_err err;
    memcpy(values, row, sizeof(values));
    snprintf(id, sizeof id, "gw-%d", i);
    values[10] = id;
    char *line = gw_audit_spool_line(values, ANSWERED_MS + i);
    assert_non_null(line);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_append(spool, line, strlen(line), &err), CG_OK);
    free(line);
}

/* The replay's walk: batches of max from offset 0 to the end give the
 * records in the order they were spooled, each once. */
static void check_replay_order(gw_audit_spool *spool, int count, int max)
{
    gw_audit_spooled recs[8];
    long long offset = 0, next = 0;
    int seen = 0, n = 0;
    cg_err err;
    assert_true(max <= 8);
    do {
        cg_err_clear(&err);
        assert_int_equal(gw_audit_spool_read(spool, offset, recs, max, &n, &next, &err), CG_OK);
        for (int i = 0; i < n; i++) {
            char id[32];
            snprintf(id, sizeof id, "gw-%d", seen++);
            assert_string_equal(recs[i].values[10], id);
            gw_audit_spooled_clear(&recs[i]);
        }
        offset = next;
    } while (n > 0);
    assert_int_equal(seen, count);
    assert_int_equal(offset, gw_audit_spool_size(spool));
}

static void test_file_append_read_clear(void **state)
{
    (void)state;
    char dir[64], sub[80];
    cg_err err;
    temp_dir(dir, sub);
    gw_audit_spool *spool = open_spool(sub, 0);
    assert_int_equal(gw_audit_spool_size(spool), 0);
    for (int i = 0; i < 7; i++)
        append_record(spool, i);
    check_replay_order(spool, 7, 3);
    /* Reopened (a restart): the same records, in the same order. */
    gw_audit_spool_close(spool);
    spool = open_spool(sub, 0);
    check_replay_order(spool, 7, 8);
    /* Emptied after the replay committed: nothing is read again. */
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_clear(spool, &err), CG_OK);
    assert_int_equal(gw_audit_spool_size(spool), 0);
    check_replay_order(spool, 0, 8);
    append_record(spool, 0);
    check_replay_order(spool, 1, 2);
    gw_audit_spool_close(spool);
    remove_dir(dir);
}

/* A crash while a line was being written (before its fsync returned, so
 * before its answer left) leaves part of it: dropped at open, the lines
 * before it kept. */
static void test_file_partial_line(void **state)
{
    (void)state;
    char dir[64], sub[80], path[128];
    temp_dir(dir, sub);
    gw_audit_spool *spool = open_spool(sub, 0);
    append_record(spool, 0);
    append_record(spool, 1);
    long long whole = gw_audit_spool_size(spool);
    gw_audit_spool_close(spool);
    snprintf(path, sizeof path, "%s/" GW_AUDIT_SPOOL_FILE, sub);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"v\":1,\"val", 11), 11);
    close(fd);
    spool = open_spool(sub, 0);
    assert_int_equal(gw_audit_spool_size(spool), whole);
    check_replay_order(spool, 2, 8);
    append_record(spool, 2);
    check_replay_order(spool, 3, 8);
    gw_audit_spool_close(spool);
    remove_dir(dir);
}

/* A line that does not parse (nothing but the gateway writes the file, so
 * a disk's fault) comes back marked bad, with its text, between the others;
 * set aside, it lands in audit.rejected as it was. */
static void test_file_bad_line_set_aside(void **state)
{
    (void)state;
    char dir[64], sub[80], path[128], kept[64] = "";
    gw_audit_spooled recs[4];
    long long next = 0;
    int n = 0;
    cg_err err;
    temp_dir(dir, sub);
    gw_audit_spool *spool = open_spool(sub, 0);
    append_record(spool, 0);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_append(spool, "not json\n", 9, &err), CG_OK);
    append_record(spool, 1);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_read(spool, 0, recs, 4, &n, &next, &err), CG_OK);
    assert_int_equal(n, 3);
    assert_false(recs[0].bad);
    assert_true(recs[1].bad);
    assert_string_equal(recs[1].line, "not json");
    assert_null(recs[1].values[10]);
    assert_string_equal(recs[2].values[10], "gw-1");
    assert_int_equal(gw_audit_spool_reject(spool, recs[1].line, &err), CG_OK);
    for (int i = 0; i < n; i++)
        gw_audit_spooled_clear(&recs[i]);
    snprintf(path, sizeof path, "%s/" GW_AUDIT_SPOOL_REJECTED, sub);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(kept, sizeof kept, f));
    fclose(f);
    assert_string_equal(kept, "not json\n");
    gw_audit_spool_close(spool);
    remove_dir(dir);
}

/* A full spool refuses the record (RESOURCE_EXHAUSTED) and keeps every one
 * it holds: nothing is dropped to make room. */
static void test_file_bound(void **state)
{
    (void)state;
    char dir[64], sub[80];
    gw_audit_spool *spool = NULL;
    cg_err err;
    char *line = gw_audit_spool_line(row, ANSWERED_MS);
    assert_non_null(line);
    size_t len = strlen(line);
    temp_dir(dir, sub);
    spool = open_spool(sub, (long long)(2 * len + len / 2));
    assert_true(gw_audit_spool_has_room(spool, len));
    append_record(spool, 0);
    append_record(spool, 1);
    assert_false(gw_audit_spool_has_room(spool, len));
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_append(spool, line, len, &err), CG_RESOURCE_EXHAUSTED);
    check_replay_order(spool, 2, 8);
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_clear(spool, &err), CG_OK);
    assert_true(gw_audit_spool_has_room(spool, len));
    gw_audit_spool_close(spool);
    remove_dir(dir);
    free(line);
}

/* A folder that cannot be made (its parent missing) is refused at open. */
static void test_file_bad_folder(void **state)
{
    (void)state;
    gw_audit_spool *spool = NULL;
    cg_err err;
    cg_err_clear(&err);
    assert_int_equal(gw_audit_spool_open(&spool, "/nonexistent-cg/a/b", 0, &err),
                     CG_FAILED_PRECONDITION);
    assert_null(spool);
}

CG_TEST_MAIN(cmocka_unit_test(test_line_round_trip), cmocka_unit_test(test_line_nulls),
             cmocka_unit_test(test_line_refusals), cmocka_unit_test(test_file_append_read_clear),
             cmocka_unit_test(test_file_partial_line),
             cmocka_unit_test(test_file_bad_line_set_aside), cmocka_unit_test(test_file_bound),
             cmocka_unit_test(test_file_bad_folder))
