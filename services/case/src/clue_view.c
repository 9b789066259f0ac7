#include "clue_view.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The string member key of obj, or "" (protobuf wants no NULL strings). */
static char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) && item->valuestring != NULL ? item->valuestring : "";
}

static int64_t num_of(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(item) ? (int64_t)item->valuedouble : 0;
}

static cg_code parse(case_clue_view *v, int i, const char *text, cg_err *err)
{
    if (text == NULL || text[0] == '\0') {
        return CG_OK;
    }
    v->json[i] = cJSON_Parse(text);
    if (v->json[i] == NULL) {
        return cg_err_set(err, CG_INTERNAL, "a clue's stored JSON does not parse");
    }
    return CG_OK;
}

/* The strings of a JSON array into out (at most max). */
static size_t strings_of(const cJSON *array, char **out, size_t max)
{
    size_t n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        if (n < max && cJSON_IsString(item) && item->valuestring != NULL) {
            out[n++] = item->valuestring;
        }
    }
    return n;
}

cg_code case_clue_view_parse(case_clue_view *v, const char *subjects, const char *categories,
                             const char *links, const char *disposal, cg_err *err)
{
    memset(v->json, 0, sizeof v->json);
    if (parse(v, 0, subjects, err) != CG_OK || parse(v, 1, categories, err) != CG_OK ||
        parse(v, 2, links, err) != CG_OK || parse(v, 3, disposal, err) != CG_OK) {
        return err->code;
    }
    size_t n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, v->json[0])
    {
        if (n == CASE_SUBJECTS_MAX || !cJSON_IsObject(s)) {
            continue;
        }
        Cleangrid__V1__ClueSubject *out = &v->subjects[n];
        cleangrid__v1__clue_subject__init(out);
        out->name = str_of(s, "name");
        out->person_id = str_of(s, "person_id");
        out->position = str_of(s, "position");
        out->org_unit = str_of(s, "org_unit");
        v->subject_ptrs[n++] = out;
    }
    v->clue.n_subjects = n;
    v->clue.subjects = v->subject_ptrs;
    v->clue.n_categories = strings_of(v->json[1], v->categories, CASE_CATEGORIES_MAX);
    v->clue.categories = v->categories;
    v->clue.n_linked_clue_ids = strings_of(v->json[2], v->links, CASE_LINKS_MAX);
    v->clue.linked_clue_ids = v->links;
    const cJSON *d = v->json[3];
    if (cJSON_IsObject(d)) {
        cleangrid__v1__clue_disposal__init(&v->disposal);
        v->disposal.id = str_of(d, "id");
        v->disposal.way = str_of(d, "way");
        v->disposal.reason = str_of(d, "reason");
        v->disposal.conclusion = str_of(d, "conclusion");
        v->disposal.state = str_of(d, "state");
        v->disposal.proposed_by = str_of(d, "proposed_by");
        v->disposal.proposed_at_ms = num_of(d, "proposed_at_ms");
        v->disposal.decided_by = str_of(d, "decided_by");
        v->disposal.decided_at_ms = num_of(d, "decided_at_ms");
        v->disposal.decision_reason = str_of(d, "decision_reason");
        v->clue.disposal = &v->disposal;
    }
    return CG_OK;
}

cg_code case_clue_view_held(case_clue_view *v, const char *held, cg_err *err)
{
    if (parse(v, 4, held, err) != CG_OK) {
        return err->code;
    }
    v->clue.n_held_names = strings_of(v->json[4], v->held, CASE_HOLDS_MAX);
    v->clue.held_names = v->held;
    return CG_OK;
}

void case_clue_view_free(case_clue_view *v)
{
    for (size_t i = 0; i < sizeof v->json / sizeof v->json[0]; i++) {
        cJSON_Delete(v->json[i]);
        v->json[i] = NULL;
    }
}

char *case_summary(const char *key, ...)
{
    char *text = NULL;
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL;
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; ok && k != NULL; k = va_arg(ap, const char *)) {
        const char *value = va_arg(ap, const char *);
        if (value != NULL) {
            ok = cJSON_AddStringToObject(obj, k, value) != NULL;
        }
    }
    va_end(ap);
    if (ok) {
        text = cJSON_PrintUnformatted(obj);
    }
    cJSON_Delete(obj);
    return text;
}
