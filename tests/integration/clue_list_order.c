/* The clue list's two orders and its cursor, through the API as
 * the demo east inspector. Received newest first (received_at DESC, id
 * DESC) and by deadline, nearest first and clues without one last
 * (deadline_at, id); paging with a small limit meets every clue exactly
 * once, in order, even where several clues share a date (the id tells
 * them apart); a cursor of one order is refused by the other, and an
 * unknown order is a 400 naming sort. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROUP 6

static char *insp_east, *lead_east;

static int group_setup(void **state)
{
    (void)state;
    insp_east = CGT_LOGIN("inspector.east");
    lead_east = CGT_LOGIN("lead.east");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cgt_logout(insp_east);
    cgt_logout(lead_east);
    return 0;
}

/* A clue at city_a received days_ago days ago, its summary tagged. */
static void clue_tagged(const char *tag, int days_ago, char id[37])
{
    char summary[80];
    snprintf(summary, sizeof summary, "%s %s", "list order", tag);
    CGT_CREATE_CLUE_RECEIVED(insp_east, "city_a", days_ago, summary, id);
}

/* Page through the clues tagged tag in order sort ("" for the default),
 * limit at a time, into ids (at most max); returns how many. Fails on a
 * clue met twice. */
static int page_all(const char *tag, const char *sort, int limit, char ids[][37], int max)
{
    char path[700], cursor[200] = "";
    int n = 0;
    for (int pages = 0; pages <= max; pages++) {
        snprintf(path, sizeof path, "/api/v1/clues?q=%s&limit=%d%s%s%s%s", tag, limit,
                 sort[0] != '\0' ? "&sort=" : "", sort, cursor[0] != '\0' ? "&cursor=" : "",
                 cursor);
        cgt_response *r = cgt_get(path, insp_east);
        CGT_CHECK_STATUS(r, 200);
        const cJSON *items = cJSON_GetObjectItem(CGT_JSON_OBJECT(r), "items");
        CGT_CHECK(cJSON_GetArraySize(items) <= limit, "a page holds at most %d", limit);
        const cJSON *it;
        cJSON_ArrayForEach(it, items)
        {
            const char *id = cgt_json_str(it, "id");
            for (int i = 0; i < n; i++) {
                CGT_CHECK(strcmp(ids[i], id) != 0, "clue %s met twice (sort=%s)", id, sort);
            }
            CGT_CHECK(n < max, "more clues than registered (sort=%s)", sort);
            snprintf(ids[n++], 37, "%s", id);
        }
        const cJSON *next = cJSON_GetObjectItem(r->json, "next_cursor");
        bool more = cJSON_IsString(next);
        if (more) {
            snprintf(cursor, sizeof cursor, "%s", next->valuestring);
        }
        cgt_response_free(r);
        if (!more) {
            return n;
        }
    }
    CGT_CHECK(false, "paging did not end (sort=%s)", sort);
    return n;
}

/* The index of id in ids, or -1. */
static int at(char ids[][37], int n, const char *id)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(ids[i], id) == 0) {
            return i;
        }
    }
    return -1;
}

/* Clues received on three dates, four of them on the same day: by
 * received date the newest day first and within a day by id, descending;
 * by deadline (30 days from receipt while registered) the oldest receipt
 * first, within a day by id ascending, and a closed clue (no deadline)
 * last. Pages of two meet each clue once. */
static void orders_and_cursor(void **state)
{
    (void)state;
    char tag[17], ids[GROUP][37], got[GROUP + 1][37];
    int days[GROUP] = {3, 3, 3, 3, 1, 8};
    cgt_token_hex(tag, 16);
    for (int i = 0; i < GROUP; i++) {
        clue_tagged(tag, days[i], ids[i]);
    }
    /* The one received 8 days ago is closed: no deadline any more. */
    cgt_response_free(cgt_clue_act(insp_east, ids[5], "/disposal",
                                   "{\"way\":\"close\",\"reason\":\"r\",\"conclusion\":\"c\"}"));
    cgt_response *ok = cgt_clue_act(lead_east, ids[5], "/disposal/approve", NULL);
    CGT_CHECK_STATUS(ok, 200);
    cgt_response_free(ok);

    for (int pass = 0; pass < 2; pass++) {
        const char *sort = pass == 0 ? "" : "received";
        CGT_CHECK_INT(GROUP, page_all(tag, sort, 2, got, GROUP + 1), "every clue listed once");
        CGT_CHECK_STR(ids[4], got[0], "received yesterday comes first");
        CGT_CHECK_STR(ids[5], got[GROUP - 1], "received 8 days ago comes last");
        for (int i = 1; i < 4; i++) {
            CGT_CHECK(strcmp(got[i], got[i + 1]) > 0, "same day: id descending (%s, %s)", got[i],
                      got[i + 1]);
        }
    }

    CGT_CHECK_INT(GROUP, page_all(tag, "deadline", 2, got, GROUP + 1), "every clue listed once");
    CGT_CHECK_STR(ids[5], got[GROUP - 1], "the closed clue (no deadline) comes last");
    CGT_CHECK_STR(ids[4], got[GROUP - 2], "the latest deadline before it");
    for (int i = 0; i < 3; i++) {
        CGT_CHECK(strcmp(got[i], got[i + 1]) < 0, "same deadline: id ascending (%s, %s)", got[i],
                  got[i + 1]);
        CGT_CHECK(at(ids, GROUP, got[i]) < 4, "the four of 3 days ago first");
    }
}

/* A cursor is for its own order; an unknown order is named. */
static void cursor_for_its_order(void **state)
{
    (void)state;
    char tag[17], id[37], path[400];
    cgt_token_hex(tag, 16);
    clue_tagged(tag, 2, id);
    clue_tagged(tag, 2, id);
    snprintf(path, sizeof path, "/api/v1/clues?q=%s&limit=1&sort=deadline", tag);
    cgt_response *r = cgt_get(path, insp_east);
    CGT_CHECK_STATUS(r, 200);
    const char *cursor = CGT_JSON_STR(CGT_JSON_OBJECT(r), "next_cursor");
    snprintf(path, sizeof path, "/api/v1/clues?q=%s&limit=1&cursor=%s", tag, cursor);
    cgt_response_free(r);
    r = cgt_get(path, insp_east);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "cursor") != NULL, "the cursor is named: %s", r->body);
    cgt_response_free(r);

    r = cgt_get("/api/v1/clues?sort=created", insp_east);
    CGT_CHECK_PROBLEM(r, 400);
    CGT_CHECK(strstr(r->body, "\"sort\"") != NULL, "sort is named: %s", r->body);
    cgt_response_free(r);
}

int main(void)
{
    cgt_init("clue_list_order", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(orders_and_cursor),
        cmocka_unit_test(cursor_for_its_order),
    };
    int failed = cmocka_run_group_tests_name("clue_list_order", tests, group_setup, group_teardown);
    cgt_cleanup();
    return failed ? 1 : 0;
}
