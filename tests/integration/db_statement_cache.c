/* The statement cache of common/src/db.c against the real PostgreSQL the
 * test set-up starts: SQL built per call in one reused buffer, as the clue
 * and case lists build their WHERE clauses, runs the statement of its own
 * text every time, however many texts came before it in that buffer and
 * whether or not the cache is full. (Keyed by the buffer's address, it once
 * ran the first text's statement for every later one.) */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"

static cg_db *db;

static int group_setup(void **state)
{
    (void)state;
    const char *cg_state = getenv("CG_STATE");
    char conninfo[512];
    cg_err err;
    CGT_CHECK(cg_state != NULL, "CG_STATE is not set");
    snprintf(conninfo, sizeof conninfo, "host=%s/pg/sock user=postgres dbname=postgres", cg_state);
    CGT_CHECK(cg_db_open(&db, conninfo, 1, &err) == CG_OK, "open: %s", err.message);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cg_db_close(db);
    return 0;
}

/* Run the text in buf with one parameter and return the one value. */
static void run_built(PGconn *conn, const char *buf, const char *param, char *out, size_t size)
{
    PGresult *res = NULL;
    cg_err err;
    const char *params[] = {param};
    CGT_CHECK(cg_db_exec(conn, buf, 1, params, &res, &err) == CG_OK, "%s: %s", buf, err.message);
    CGT_CHECK(PQntuples(res) == 1, "%s: one row", buf);
    snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
}

static void one_buffer_many_texts(void **state)
{
    (void)state;
    cg_err err;
    char buf[256], got[64], want[64];
    PGconn *conn = cg_db_acquire(db, 5000, &err);
    CGT_CHECK(conn != NULL, "acquire: %s", err.message);
    /* Twice round more texts than the cache holds (64): each text gives
     * its own answer, the first time and again later. */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 100; i++) {
            snprintf(buf, sizeof buf, "SELECT $1::integer + %d", i);
            run_built(conn, buf, "1000", got, sizeof got);
            snprintf(want, sizeof want, "%d", 1000 + i);
            CGT_CHECK(strcmp(got, want) == 0, "round %d, %s: got %s, want %s", round, buf, got,
                      want);
        }
    }
    /* A text of another shape in the same buffer, with a text parameter. */
    snprintf(buf, sizeof buf, "SELECT 'built:' || $1::text");
    run_built(conn, buf, "x", got, sizeof got);
    CGT_CHECK(strcmp(got, "built:x") == 0, "got %s", got);
    cg_db_release(db, conn);
}

int main(void)
{
    cgt_init("db_statement_cache", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_buffer_many_texts),
    };
    int failed =
        cmocka_run_group_tests_name("db_statement_cache", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
