#include "presenters.h"

#include "gw_pure.h"

#include <stdio.h>
#include <string.h>

/* The list's query parameters that reproduce a figure of one kind. */
typedef struct stats_names {
    const char *stage;     /* the stage filter: status (clues), stage (cases) */
    const char *from, *to; /* the date range the months count by */
    const char *overdue;   /* the overdue filter */
} stats_names;

static const stats_names CLUE_NAMES = {"status", "received_from", "received_to", "overdue=true"};
static const stats_names CASE_NAMES = {"stage", "filed_from", "filed_to", "overdue=true"};

/* The days in month ("YYYY-MM"); 0 when it is no month. */
static int month_days(const char *month)
{
    int y, m;
    char tail;
    if (sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12) {
        return 0;
    }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The filter of one figure into out ("" when no list filter shows it). */
static void figure_filter(const stats_names *names, const char *dimension, const char *key,
                          char *out, size_t size)
{
    out[0] = '\0';
    if (strcmp(dimension, "stage") == 0) {
        snprintf(out, size, "%s=%s", names->stage, key);
    } else if (strcmp(dimension, "source") == 0 || strcmp(dimension, "category") == 0) {
        snprintf(out, size, "%s=%s", dimension, key);
    } else if (strcmp(dimension, "unit") == 0) {
        /* A unit's code is the last label of its path. */
        const char *dot = strrchr(key, '.');
        snprintf(out, size, "unit_code=%s", dot != NULL ? dot + 1 : key);
    } else if (strcmp(dimension, "month") == 0 && month_days(key) > 0) {
        snprintf(out, size, "%s=%s-01&%s=%s-%02d", names->from, key, names->to, key,
                 month_days(key));
    }
}

/* The object member that holds a dimension's counts by key ({key: n}), or
 * NULL for a dimension shown otherwise. */
static const char *member_of(const char *dimension)
{
    static const char *const members[][2] = {
        {"stage", "by_stage"}, {"source", "by_source"}, {"category", "by_category"},
        {"unit", "by_unit"},   {"month", "by_month"},   {"closed_month", "closed_by_month"},
    };
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        if (strcmp(members[i][0], dimension) == 0) {
            return members[i][1];
        }
    }
    return NULL;
}

/* Days to a tenth (the days are never negative). */
static double tenths(double days)
{
    return (double)(long long)(days * 10 + 0.5) / 10;
}

/* Add count c to obj: its key's number in the by_... object, a
 * {dimension, key, count, filter} in figures, or for stage_days a {stage,
 * average_days (to a tenth), stays} in stage_days. */
static bool add_count(cJSON *obj, const stats_names *names, const Cleangrid__V1__StatCount *c)
{
    char filter[160];
    if (strcmp(c->dimension, "stage_days") == 0) {
        cJSON *o = cJSON_CreateObject();
        bool ok = o != NULL && cJSON_AddStringToObject(o, "stage", c->key) != NULL &&
                  cJSON_AddNumberToObject(o, "average_days", tenths(c->average_days)) != NULL &&
                  cJSON_AddNumberToObject(o, "stays", (double)c->count) != NULL &&
                  cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(obj, "stage_days"), o);
        if (!ok) {
            cJSON_Delete(o);
        }
        return ok;
    }
    const char *member = member_of(c->dimension);
    if (member == NULL) {
        return true;
    }
    if (cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(obj, member), c->key,
                                (double)c->count) == NULL) {
        return false;
    }
    figure_filter(names, c->dimension, c->key, filter, sizeof filter);
    cJSON *f = cJSON_CreateObject();
    bool ok = f != NULL && cJSON_AddStringToObject(f, "dimension", c->dimension) != NULL &&
              cJSON_AddStringToObject(f, "key", c->key) != NULL &&
              cJSON_AddNumberToObject(f, "count", (double)c->count) != NULL &&
              (filter[0] != '\0' ? cJSON_AddStringToObject(f, "filter", filter)
                                 : cJSON_AddNullToObject(f, "filter")) != NULL &&
              cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(obj, "figures"), f);
    if (!ok) {
        cJSON_Delete(f);
    }
    return ok;
}

/* The figures of either kind; members lists the by_... objects the kind
 * has, each present even when empty. */
static cJSON *statistics(const stats_names *names, const char *const *members, int64_t total,
                         int64_t overdue, Cleangrid__V1__StatCount *const *counts, size_t n)
{
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL && cJSON_AddNumberToObject(obj, "total", (double)total) != NULL &&
              cJSON_AddNumberToObject(obj, "overdue", (double)overdue) != NULL &&
              cJSON_AddStringToObject(obj, "overdue_filter", names->overdue) != NULL &&
              cJSON_AddArrayToObject(obj, "stage_days") != NULL &&
              cJSON_AddArrayToObject(obj, "figures") != NULL;
    for (size_t m = 0; ok && members[m] != NULL; m++) {
        ok = cJSON_AddObjectToObject(obj, members[m]) != NULL;
    }
    for (size_t i = 0; ok && i < n; i++) {
        ok = add_count(obj, names, counts[i]);
    }
    if (!ok) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

/* The overdue count among counts (0 when there is none). */
static int64_t overdue_of(Cleangrid__V1__StatCount *const *counts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(counts[i]->dimension, "overdue") == 0) {
            return counts[i]->count;
        }
    }
    return 0;
}

cJSON *gw_json_clue_statistics(const ProtobufCMessage *msg)
{
    const Cleangrid__V1__ClueStatisticsReply *reply =
        (const Cleangrid__V1__ClueStatisticsReply *)msg;
    static const char *const members[] = {"by_stage", "by_source",       "by_category", "by_unit",
                                          "by_month", "closed_by_month", NULL};
    return statistics(&CLUE_NAMES, members, reply->total,
                      overdue_of(reply->counts, reply->n_counts), reply->counts, reply->n_counts);
}

cJSON *gw_json_case_statistics(const ProtobufCMessage *msg)
{
    const Cleangrid__V1__CaseStatisticsReply *reply =
        (const Cleangrid__V1__CaseStatisticsReply *)msg;
    static const char *const members[] = {"by_stage", "by_unit", "by_month", "closed_by_month",
                                          NULL};
    return statistics(&CASE_NAMES, members, reply->total,
                      overdue_of(reply->counts, reply->n_counts), reply->counts, reply->n_counts);
}

/* A string member, or null when empty. */
static bool add_opt(cJSON *obj, const char *key, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return cJSON_AddNullToObject(obj, key) != NULL;
    return cJSON_AddStringToObject(obj, key, value) != NULL;
}

cJSON *gw_json_dossier(const ProtobufCMessage *msg)
{
    const Cleangrid__V1__ListDossierReply *reply = (const Cleangrid__V1__ListDossierReply *)msg;
    cJSON *obj = cJSON_CreateObject();
    cJSON *items = obj ? cJSON_AddArrayToObject(obj, "items") : NULL;
    bool ok = items != NULL;
    for (size_t i = 0; ok && i < reply->n_entries; i++) {
        const Cleangrid__V1__DossierEntry *e = reply->entries[i];
        /* The summary is the service's JSON object; shown as the object,
         * with its exact text beside it for those who recompute hashes. */
        cJSON *o = cJSON_CreateObject();
        cJSON *summary = cJSON_Parse(e->summary_json);
        if (o == NULL || summary == NULL || !cJSON_AddItemToArray(items, o)) {
            cJSON_Delete(o);
            cJSON_Delete(summary);
            ok = false;
            break;
        }
        if (!cJSON_AddItemToObject(o, "summary", summary)) {
            cJSON_Delete(summary);
            ok = false;
            break;
        }
        ok = cJSON_AddNumberToObject(o, "seq", (double)e->seq) != NULL &&
             gw_json_add_time(o, "at", e->occurred_at_ms) &&
             cJSON_AddNumberToObject(o, "at_ms", (double)e->occurred_at_ms) != NULL &&
             gw_json_add_str(o, "actor_id", e->actor_id) &&
             gw_json_add_str(o, "action", e->action) &&
             gw_json_add_str(o, "summary_text", e->summary_json) &&
             gw_json_add_str(o, "prev_hash", e->prev_hash) && gw_json_add_str(o, "hash", e->hash);
    }
    const char *next = reply->page ? reply->page->next_cursor : NULL;
    ok = ok && add_opt(obj, "next_cursor", next);
    if (!ok) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

cJSON *gw_json_dossier_verify(const ProtobufCMessage *msg)
{
    const Cleangrid__V1__VerifyDossierReply *reply = (const Cleangrid__V1__VerifyDossierReply *)msg;
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL && cJSON_AddBoolToObject(obj, "whole", reply->whole) != NULL &&
              (reply->whole ? cJSON_AddNullToObject(obj, "first_bad_seq")
                            : cJSON_AddNumberToObject(obj, "first_bad_seq",
                                                      (double)reply->first_bad_seq)) != NULL;
    if (!ok) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

/* --- cases (案件): investigators, items, the extension, the list --- */
