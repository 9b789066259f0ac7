/* Unit tests of the statistics' JSON: every figure's list, the filter that
 * reproduces it, the month's last day, averages to a tenth, and overdue
 * cases shown as not counted until cases carry a deadline; and the case
 * filters read from a query string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cg_test.h"
#include "presenters.h"

/* The entry of figures in j for dimension and key, or NULL. */
static const cJSON *find(const cJSON *j, const char *dimension, const char *key)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "figures"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "dimension")->valuestring, dimension) == 0 &&
            strcmp(cJSON_GetObjectItem(it, "key")->valuestring, key) == 0) {
            return it;
        }
    }
    return NULL;
}

static const char *filter_of(const cJSON *figure)
{
    const cJSON *f = cJSON_GetObjectItem(figure, "filter");
    return cJSON_IsString(f) ? f->valuestring : NULL;
}

/* The stage_days entry for stage, or NULL. */
static const cJSON *days_of(const cJSON *j, const char *stage)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "stage_days"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "stage")->valuestring, stage) == 0) {
            return it;
        }
    }
    return NULL;
}

/* The count of key in the object member of j (-1 when absent). */
static double by(const cJSON *j, const char *member, const char *key)
{
    const cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(j, member), key);
    return cJSON_IsNumber(n) ? n->valuedouble : -1;
}

static Cleangrid__V1__StatCount count(const char *dimension, const char *key, int64_t n,
                                      double days)
{
    Cleangrid__V1__StatCount c = CLEANGRID__V1__STAT_COUNT__INIT;
    c.dimension = (char *)dimension;
    c.key = (char *)key;
    c.count = n;
    c.average_days = days;
    return c;
}

/* A reply's counts (counts, n_counts): the n counts of c, through ptrs. */
static void set_counts(Cleangrid__V1__StatCount ***counts, size_t *n_counts,
                       Cleangrid__V1__StatCount **ptrs, Cleangrid__V1__StatCount *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = &c[i];
    }
    *counts = ptrs;
    *n_counts = n;
}

static void test_clue_figures(void **state)
{
    (void)state;
    Cleangrid__V1__StatCount c[] = {
        count("overdue", "", 3, 0),
        count("stage", "shelved", 2, 0),
        count("source", "letters_visits", 4, 0),
        count("category", "integrity", 5, 0),
        count("unit", "hq.east.city_b", 4, 0),
        count("month", "2024-02", 1, 0),
        count("month", "2026-11", 5, 0),
        count("closed_month", "2026-11", 1, 0),
        count("stage_days", "registered", 3, 12.345),
    };
    Cleangrid__V1__StatCount *ptrs[CG_NROWS(c)];
    Cleangrid__V1__ClueStatisticsReply reply = CLEANGRID__V1__CLUE_STATISTICS_REPLY__INIT;
    reply.total = 5;
    set_counts(&reply.counts, &reply.n_counts, ptrs, c, CG_NROWS(c));
    cJSON *j = gw_json_clue_statistics(&reply.base);
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valuedouble, 5);
    assert_int_equal(cJSON_GetObjectItem(j, "overdue")->valuedouble, 3);
    assert_string_equal(cJSON_GetObjectItem(j, "overdue_filter")->valuestring, "overdue=true");
    /* The counts by key, as the dashboard reads them. */
    assert_true(by(j, "by_stage", "shelved") == 2);
    assert_true(by(j, "by_unit", "hq.east.city_b") == 4);
    assert_true(by(j, "by_month", "2024-02") == 1);
    assert_true(by(j, "closed_by_month", "2026-11") == 1);
    assert_string_equal(filter_of(find(j, "stage", "shelved")), "status=shelved");
    assert_string_equal(filter_of(find(j, "source", "letters_visits")), "source=letters_visits");
    assert_string_equal(filter_of(find(j, "category", "integrity")), "category=integrity");
    assert_string_equal(filter_of(find(j, "unit", "hq.east.city_b")), "unit_code=city_b");
    /* A month's filter runs to its last day, 29 in a leap February. */
    assert_string_equal(filter_of(find(j, "month", "2024-02")),
                        "received_from=2024-02-01&received_to=2024-02-29");
    assert_string_equal(filter_of(find(j, "month", "2026-11")),
                        "received_from=2026-11-01&received_to=2026-11-30");
    /* No list filter shows what was closed in a month. */
    const cJSON *closed = find(j, "closed_month", "2026-11");
    assert_non_null(closed);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(closed, "filter")));
    const cJSON *days = days_of(j, "registered");
    assert_non_null(days);
    assert_true(cJSON_GetObjectItem(days, "average_days")->valuedouble == 12.3);
    assert_int_equal(cJSON_GetObjectItem(days, "stays")->valuedouble, 3);
    cJSON_Delete(j);
}

static void test_empty_lists_present(void **state)
{
    (void)state;
    Cleangrid__V1__ClueStatisticsReply reply = CLEANGRID__V1__CLUE_STATISTICS_REPLY__INIT;
    cJSON *j = gw_json_clue_statistics(&reply.base);
    static const char *const members[] = {"by_stage", "by_source", "by_category",
                                          "by_unit",  "by_month",  "closed_by_month"};
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        const cJSON *m = cJSON_GetObjectItem(j, members[i]);
        assert_true(cJSON_IsObject(m));
        assert_int_equal(cJSON_GetArraySize(m), 0);
    }
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "figures")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "stage_days")));
    assert_int_equal(cJSON_GetObjectItem(j, "overdue")->valuedouble, 0);
    cJSON_Delete(j);
}

static void test_case_figures(void **state)
{
    (void)state;
    Cleangrid__V1__StatCount c[] = {
        count("overdue", "", 0, 0), count("stage", "investigation", 2, 0),
        count("month", "2026-01", 2, 0), count("stage_days", "filed", 2, 1.25)};
    Cleangrid__V1__StatCount *ptrs[CG_NROWS(c)];
    Cleangrid__V1__CaseStatisticsReply reply = CLEANGRID__V1__CASE_STATISTICS_REPLY__INIT;
    reply.total = 2;
    set_counts(&reply.counts, &reply.n_counts, ptrs, c, CG_NROWS(c));
    cJSON *j = gw_json_case_statistics(&reply.base);
    assert_int_equal(cJSON_GetObjectItem(j, "overdue")->valuedouble, 0);
    assert_string_equal(cJSON_GetObjectItem(j, "overdue_filter")->valuestring, "overdue=true");
    assert_null(cJSON_GetObjectItem(j, "by_source"));
    assert_string_equal(filter_of(find(j, "stage", "investigation")), "stage=investigation");
    assert_string_equal(filter_of(find(j, "month", "2026-01")),
                        "filed_from=2026-01-01&filed_to=2026-01-31");
    assert_true(cJSON_GetObjectItem(days_of(j, "filed"), "average_days")->valuedouble == 1.3);
    cJSON_Delete(j);
}

/* A dossier page (its summary as an object and as the hashed text) and a
 * verify result. */
static void test_dossier_answers(void **state)
{
    (void)state;
    cJSON *j = NULL;
    Cleangrid__V1__DossierEntry e = {
        .base = PROTOBUF_C_MESSAGE_INIT(&cleangrid__v1__dossier_entry__descriptor),
        .seq = 7,
        .occurred_at_ms = 1764118923456,
        .actor_id = "system:case",
        .action = "clue.created",
        .summary_json = "{\"source\": \"public_report\"}",
        .prev_hash = "00",
        .hash = "ab",
    };
    Cleangrid__V1__DossierEntry *entries[] = {&e};
    Cleangrid__V1__Page page = CLEANGRID__V1__PAGE__INIT;
    page.next_cursor = "7";
    Cleangrid__V1__ListDossierReply list = CLEANGRID__V1__LIST_DOSSIER_REPLY__INIT;
    list.entries = entries;
    list.n_entries = 1;
    list.page = &page;
    j = gw_json_dossier(&list.base);
    assert_non_null(j);
    const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
    assert_int_equal(cJSON_GetObjectItem(item, "seq")->valuedouble, 7);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(item, "summary"), "source")->valuestring,
        "public_report");
    assert_string_equal(cJSON_GetObjectItem(item, "summary_text")->valuestring, e.summary_json);
    assert_string_equal(cJSON_GetObjectItem(j, "next_cursor")->valuestring, "7");
    cJSON_Delete(j);

    Cleangrid__V1__VerifyDossierReply v = CLEANGRID__V1__VERIFY_DOSSIER_REPLY__INIT;
    v.whole = false;
    v.first_bad_seq = 3;
    j = gw_json_dossier_verify(&v.base);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "whole")));
    assert_int_equal(cJSON_GetObjectItem(j, "first_bad_seq")->valuedouble, 3);
    cJSON_Delete(j);
    v.whole = true;
    v.first_bad_seq = 0;
    j = gw_json_dossier_verify(&v.base);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "first_bad_seq")));
    cJSON_Delete(j);
}

CG_TEST_MAIN(cmocka_unit_test(test_dossier_answers), cmocka_unit_test(test_clue_figures),
             cmocka_unit_test(test_empty_lists_present), cmocka_unit_test(test_case_figures))
