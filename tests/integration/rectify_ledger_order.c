/* The ledger's overdue list in creation order, which the service reads
 * through the GiST index of the open tasks (migration 0006, the statement
 * of services/rectify/src/task_read.c), lists the same tasks in the same
 * order as ORDER BY created_at DESC, id DESC, page after page, as the
 * unit's leader and as the lead, also when many tasks share a creation
 * millisecond across a page's end, and leaves out closed tasks and tasks
 * not yet due. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK "it-ledger-order"

/* Every page of the ledger at query as token, the ids comma-separated. */
static void walk(const char *token, const char *query, char *out, size_t size)
{
    char path[512], cursor[256] = "";
    size_t len = 0;
    out[0] = '\0';
    for (int page = 0; page < 100; page++) {
        snprintf(path, sizeof path, "/api/v1/rectify/tasks?%s&limit=20%s%s", query,
                 cursor[0] ? "&cursor=" : "", cursor);
        cgt_response *r = cgt_get(path, token);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items"))
        {
            len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "," : "",
                                    cgt_json_str(item, "id"));
            CGT_CHECK(len < size, "the ids fit");
        }
        const char *next = cgt_json_str(CGT_JSON_OBJECT(r), "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", next ? next : "");
        cgt_response_free(r);
        if (cursor[0] == '\0')
            return;
    }
    CGT_FAIL("the ledger of %s did not end within 100 pages", query);
}

static void overdue_pages_in_order(void **state)
{
    (void)state;
    char *lead = CGT_LOGIN("lead"), *unit = CGT_LOGIN("unitlead.west");
    char batch[37], problem[37], sql[2048], path[128];
    static char want[65536], got[65536];

    CGT_CREATE_BATCH(lead, "west", "2026-01-10", batch);
    snprintf(path, sizeof path, "/api/v1/rectify/batches/%s/problems", batch);
    cgt_response *r =
        cgt_post_raw(path, lead, "application/json", "{\"description\":\"加油卡未与车辆绑定\"}",
                     strlen("{\"description\":\"加油卡未与车辆绑定\"}"));
    CGT_CHECK_STATUS(r, 201);
    snprintf(problem, sizeof problem, "%s", CGT_JSON_STR(CGT_JSON_OBJECT(r), "id"));
    cgt_response_free(r);

    /* 45 overdue tasks created in one millisecond (a page ends among
     * them), 10 more a minute apart, and beside them tasks the filter
     * leaves out: closed, and not yet due. The ladder is done with all of
     * them (step 3), so it writes nothing for them. The service's day is
     * its clock's, which the suite may have moved. */
    const char *today = "((now() + (SELECT offset_s FROM service_clock) * interval '1 second')"
                        " AT TIME ZONE 'UTC')::date";
    snprintf(sql, sizeof sql,
             "INSERT INTO tasks (batch_id, problem_id, source, text, org_path, deadline_on, stage,"
             " ladder_step, created_by, created_at)"
             " SELECT '%s', '%s', 'inspection', '绑定加油卡 ' || i, 'hq.west.city_c',"
             " %s + CASE WHEN i %% 7 = 0 THEN 30 ELSE -3 END,"
             " CASE WHEN i %% 5 = 0 THEN 'closed' ELSE 'in_progress' END, 3, '" MARK "',"
             " CASE WHEN i <= 60 THEN date_trunc('milliseconds', now())"
             " ELSE date_trunc('milliseconds', now()) - i * interval '1 minute' END"
             " FROM generate_series(1, 80) AS i",
             batch, problem, today);
    CGT_CHECK_INT(0, cgt_psql("cg_rectify", sql), "the tasks written");

    const struct {
        const char *query, *where;
    } lists[] = {
        {"overdue=true&unit_code=city_c", "org_path <@ 'hq.west.city_c'"},
        {"overdue=true", "org_path <@ 'hq.west'"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT string_agg(id::text, ',' ORDER BY created_at DESC, id DESC) FROM tasks"
                 " WHERE %s AND stage <> 'closed' AND deadline_on < %s",
                 lists[i].where, today);
        CGT_CHECK_INT(0, cgt_psql_text("cg_rectify", sql, want, sizeof want), "the expected list");
        CGT_CHECK(strlen(want) > 37 * 40, "the list holds the tasks written: %.80s", want);
        walk(unit, lists[i].query, got, sizeof got);
        CGT_CHECK_STR(want, got, "the unit leader's overdue list, page after page");
        if (i == 0) {
            walk(lead, lists[i].query, got, sizeof got);
            CGT_CHECK_STR(want, got, "the lead's overdue list, page after page");
        }
    }
    /* In order of deadline too. */
    snprintf(sql, sizeof sql,
             "SELECT string_agg(id::text, ',' ORDER BY deadline_on, id) FROM tasks"
             " WHERE org_path <@ 'hq.west.city_c' AND stage <> 'closed' AND deadline_on < %s",
             today);
    CGT_CHECK_INT(0, cgt_psql_text("cg_rectify", sql, want, sizeof want), "the expected list");
    walk(lead, "overdue=true&unit_code=city_c&sort=deadline", got, sizeof got);
    CGT_CHECK_STR(want, got, "the overdue list by deadline");

    cgt_psql("cg_rectify", "DELETE FROM tasks WHERE created_by = '" MARK "'");
    cgt_logout(lead);
    cgt_logout(unit);
}

CGT_MAIN("rectify_ledger_order", CGT_NEED_GATEWAY, cmocka_unit_test(overdue_pages_in_order))
