#include "json_clues.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cg/util.h"
#include "cg/validate.h"
#include "gw_pure.h"

/* Each member of obj must be in allowed (NULL-terminated) and given once;
 * prefix names obj in the violations ("" at the top). */
static void known_members(const cJSON *obj, const char *const *allowed, const char *prefix,
                          cg_err *err)
{
    for (const cJSON *m = obj->child; m != NULL; m = m->next) {
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL && !known; i++) {
            known = strcmp(allowed[i], m->string) == 0;
        }
        bool twice = false;
        for (const cJSON *o = obj->child; o != m && !twice; o = o->next) {
            twice = strcmp(o->string, m->string) == 0;
        }
        if (!known || twice) {
            char field[64];
            snprintf(field, sizeof field, "%s%s", prefix, m->string);
            cg_err_add_violation(err, field, "%s",
                                 !known ? "is not a known field" : "is given more than once");
        }
    }
}

/* The string member key of obj ("" when absent or null); field names it.
 * Only the shape is checked here, a string that is there when required:
 * its length, blankness and content are the rules of the service that
 * stores it, which names the same field. */
static char *text_member(const cJSON *obj, const char *key, const char *field, bool required,
                         cg_err *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (item == NULL || cJSON_IsNull(item)) {
        if (required) {
            cg_err_add_violation(err, field, "is required");
        }
        return "";
    }
    const char *s = cJSON_IsString(item) ? item->valuestring : NULL;
    if (s == NULL) {
        cg_err_add_violation(err, field, "must be a string");
        return "";
    }
    return (char *)s;
}

/* A string member whose length the gateway still bounds: the case stage
 * actions' report and measures and a disposition item's text, whose length
 * rules are not the case service's yet. */
static char *bounded_member(const cJSON *obj, const char *key, bool required, size_t max,
                            cg_err *err)
{
    char *s = text_member(obj, key, key, required, err);
    unsigned flags = CG_TEXT_MULTILINE | (required ? CG_TEXT_REQUIRED : 0);
    /* An absent or mistyped member has had its violation. */
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, key)))
        return s;
    return cg_check_text(err, key, s, 0, max, flags) ? s : "";
}

/* "YYYY-MM-DD" as Unix milliseconds at midnight UTC; 0 when malformed. */
static int64_t date_ms(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
        s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) {
        return 0;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    /* timegm normalises 02-31 into March: refuse what moved. */
    if (t < 0 || tm.tm_mday != d || tm.tm_mon != m - 1) {
        return 0;
    }
    return (int64_t)t * 1000;
}

static void map_subjects(const cJSON *array, Cleangrid__V1__CreateClueRequest *out,
                         gw_clue_form *form, cg_err *err)
{
    static const char *const keys[] = {"name", "person_id", "position", "org_unit", NULL};
    int n = cJSON_IsArray(array) ? cJSON_GetArraySize(array) : -1;
    if (n < 1 || n > GW_CLUE_SUBJECTS_MAX) {
        cg_err_add_violation(err, "subjects", "must be an array of 1 to %d subjects",
                             GW_CLUE_SUBJECTS_MAX);
        return;
    }
    int i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, array)
    {
        char field[48];
        Cleangrid__V1__ClueSubject *sub = &form->subjects[i];
        cleangrid__v1__clue_subject__init(sub);
        if (!cJSON_IsObject(s)) {
            snprintf(field, sizeof field, "subjects[%d]", i);
            cg_err_add_violation(err, field, "must be an object");
            break;
        }
        snprintf(field, sizeof field, "subjects[%d].", i);
        known_members(s, keys, field, err);
        snprintf(field, sizeof field, "subjects[%d].name", i);
        sub->name = text_member(s, "name", field, true, err);
        snprintf(field, sizeof field, "subjects[%d].person_id", i);
        sub->person_id = text_member(s, "person_id", field, false, err);
        snprintf(field, sizeof field, "subjects[%d].position", i);
        sub->position = text_member(s, "position", field, false, err);
        snprintf(field, sizeof field, "subjects[%d].org_unit", i);
        sub->org_unit = text_member(s, "org_unit", field, false, err);
        form->subject_ptrs[i++] = sub;
    }
    out->subjects = form->subject_ptrs;
    out->n_subjects = (size_t)i;
}

static void map_categories(const cJSON *array, Cleangrid__V1__CreateClueRequest *out,
                           gw_clue_form *form, cg_err *err)
{
    int n = cJSON_IsArray(array) ? cJSON_GetArraySize(array) : -1;
    if (n < 1 || n > GW_CLUE_CATEGORIES_MAX) {
        cg_err_add_violation(err, "categories", "must be an array of 1 to %d categories",
                             GW_CLUE_CATEGORIES_MAX);
        return;
    }
    size_t i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, array)
    {
        if (!cJSON_IsString(c) || c->valuestring == NULL) {
            cg_err_add_violation(err, "categories", "must hold strings");
            return;
        }
        form->categories[i++] = c->valuestring;
    }
    /* Which names are accepted is the case service's rule. */
    out->categories = form->categories;
    out->n_categories = i;
}

cg_code gw_map_create_clue(const cJSON *body, Cleangrid__V1__CreateClueRequest *out,
                           gw_clue_form *form, const char **unit_code, cg_err *err)
{
    static const char *const keys[] = {"source",        "source_ref", "source_link",
                                       "subjects",      "categories", "summary",
                                       "received_date", "unit_code",  NULL};
    cg_err_clear(err);
    *unit_code = NULL;
    if (!cJSON_IsObject(body)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");
    }
    known_members(body, keys, "", err);
    out->source = text_member(body, "source", "source", true, err);
    out->source_ref = text_member(body, "source_ref", "source_ref", false, err);
    out->source_link = text_member(body, "source_link", "source_link", false, err);
    out->summary = text_member(body, "summary", "summary", true, err);
    const char *date = text_member(body, "received_date", "received_date", true, err);
    if (date[0] != '\0' && (out->received_at_ms = date_ms(date)) == 0) {
        cg_err_add_violation(err, "received_date", "must be a date YYYY-MM-DD");
    }
    const char *unit = text_member(body, "unit_code", "unit_code", true, err);
    map_subjects(cJSON_GetObjectItemCaseSensitive(body, "subjects"), out, form, err);
    map_categories(cJSON_GetObjectItemCaseSensitive(body, "categories"), out, form, err);
    if (err->code == CG_OK) {
        *unit_code = unit;
    }
    return err->code;
}

cg_code gw_map_clue_edit(const cJSON *body, Cleangrid__V1__ClueActionRequest *out,
                         gw_clue_edit *edit, cg_err *err)
{
    static const char *const keys[] = {"subjects",      "categories",  "summary",
                                       "received_date", "source_link", NULL};
    Cleangrid__V1__CreateClueRequest *r = &edit->request;
    size_t n = 0;
    cg_err_clear(err);
    cleangrid__v1__create_clue_request__init(r);
    if (!cJSON_IsObject(body)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");
    }
    known_members(body, keys, "", err);
    for (size_t i = 0; keys[i] != NULL; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, keys[i]);
        if (item == NULL) {
            continue;
        }
        edit->names[n++] = (char *)keys[i];
        if (strcmp(keys[i], "subjects") == 0) {
            map_subjects(item, r, &edit->form, err);
        } else if (strcmp(keys[i], "categories") == 0) {
            map_categories(item, r, &edit->form, err);
        } else if (strcmp(keys[i], "summary") == 0) {
            r->summary = text_member(body, "summary", "summary", true, err);
        } else if (strcmp(keys[i], "source_link") == 0) {
            r->source_link = text_member(body, "source_link", "source_link", false, err);
        } else {
            const char *date = text_member(body, "received_date", "received_date", true, err);
            if (date[0] != '\0' && (r->received_at_ms = date_ms(date)) == 0) {
                cg_err_add_violation(err, "received_date", "must be a date YYYY-MM-DD");
            }
        }
    }
    if (n == 0 && err->code == CG_OK) {
        cg_err_add_violation(err, "body",
                             "must change at least one of subjects, categories, summary, "
                             "received_date, source_link");
    }
    out->action = "edit";
    out->edit = r;
    out->edit_fields = edit->names;
    out->n_edit_fields = n;
    return err->code;
}

/* One query parameter into out ("" when absent); a violation when it does
 * not fit or is not UTF-8. */
static void query_param(const char *query, const char *name, char *out, size_t size, cg_err *err)
{
    cg_code rc = gw_query_get(query, name, out, size);
    if (rc == CG_NOT_FOUND) {
        out[0] = '\0';
    } else if (rc != CG_OK || !cg_utf8_valid(out, strlen(out))) {
        out[0] = '\0';
        cg_err_add_violation(err, name, "is too long or not UTF-8 text");
    }
}

#define DAY_MS (24LL * 3600 * 1000)

cg_code gw_map_clue_filters(const char *query, Cleangrid__V1__ListCluesRequest *out,
                            gw_clue_filter_buf *buf, const char **unit_code, cg_err *err)
{
    query_param(query, "status", buf->status, sizeof buf->status, err);
    query_param(query, "source", buf->source, sizeof buf->source, err);
    query_param(query, "category", buf->category, sizeof buf->category, err);
    query_param(query, "handler_id", buf->handler_id, sizeof buf->handler_id, err);
    query_param(query, "unit_code", buf->unit_code, sizeof buf->unit_code, err);
    query_param(query, "received_from", buf->received_from, sizeof buf->received_from, err);
    query_param(query, "received_to", buf->received_to, sizeof buf->received_to, err);
    query_param(query, "q", buf->q, sizeof buf->q, err);
    query_param(query, "overdue", buf->overdue, sizeof buf->overdue, err);
    query_param(query, "sort", buf->sort, sizeof buf->sort, err);
    out->sort = buf->sort;
    if (strcmp(buf->overdue, "true") != 0 && strcmp(buf->overdue, "false") != 0 &&
        buf->overdue[0] != '\0') {
        cg_err_add_violation(err, "overdue", "must be true or false");
    }
    out->overdue = strcmp(buf->overdue, "true") == 0;
    out->status = buf->status;
    out->source = buf->source;
    out->category = buf->category;
    out->handler_id = buf->handler_id;
    out->query = buf->q;
    if (buf->received_from[0] != '\0' &&
        (out->received_from_ms = date_ms(buf->received_from)) == 0) {
        cg_err_add_violation(err, "received_from", "must be a date YYYY-MM-DD");
    }
    /* The last day counts whole: the range ends before the next one. */
    int64_t to = buf->received_to[0] != '\0' ? date_ms(buf->received_to) : 0;
    if (buf->received_to[0] != '\0' && to == 0) {
        cg_err_add_violation(err, "received_to", "must be a date YYYY-MM-DD");
    }
    out->received_to_ms = to > 0 ? to + DAY_MS : 0;
    *unit_code = buf->unit_code;
    return err->code;
}

/* Path suffixes of the action routes and the actions they name. */
static const struct {
    const char *suffix;
    const char *action;
} action_paths[] = {
    {"/disposal", "propose"},
    {"/disposal/approve", "approve"},
    {"/disposal/reject", "reject"},
    {"/assign", "assign"},
    {"/recuse", "recuse"},
    {"/link", "link"},
    {"/merge", "merge"},
    {"/reopen", "reopen"},
    {"/file", "file"},
};

const char *gw_clue_action_of_path(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof action_paths / sizeof action_paths[0]; i++) {
        size_t k = strlen(action_paths[i].suffix);
        if (n > k && strcmp(path + n - k, action_paths[i].suffix) == 0) {
            return action_paths[i].action;
        }
    }
    return NULL;
}

cg_code gw_map_clue_action(const cJSON *body, const char *action,
                           Cleangrid__V1__ClueActionRequest *out, cg_err *err)
{
    static const char *const propose[] = {"way", "reason", "conclusion", NULL};
    static const char *const reason[] = {"reason", NULL};
    static const char *const assign[] = {"handler_id", NULL};
    static const char *const link[] = {"clue_id", NULL};
    static const char *const merge[] = {"into", NULL};
    static const char *const none[] = {NULL};
    cg_err_clear(err);
    if (!cJSON_IsObject(body)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");
    }
    out->action = (char *)action;
    if (strcmp(action, "propose") == 0) {
        known_members(body, propose, "", err);
        out->way = text_member(body, "way", "way", true, err);
        out->reason = text_member(body, "reason", "reason", true, err);
        out->conclusion = text_member(body, "conclusion", "conclusion", false, err);
    } else if (strcmp(action, "reject") == 0 || strcmp(action, "recuse") == 0 ||
               strcmp(action, "reopen") == 0) {
        known_members(body, reason, "", err);
        out->reason = text_member(body, "reason", "reason", true, err);
    } else if (strcmp(action, "assign") == 0) {
        known_members(body, assign, "", err);
        out->handler_id = text_member(body, "handler_id", "handler_id", true, err);
    } else if (strcmp(action, "link") == 0) {
        known_members(body, link, "", err);
        out->other_clue_id = text_member(body, "clue_id", "clue_id", true, err);
    } else if (strcmp(action, "merge") == 0) {
        known_members(body, merge, "", err);
        out->other_clue_id = text_member(body, "into", "into", true, err);
    } else {
        known_members(body, none, "", err);
    }
    return err->code;
}

/* The paths of the case steps that leave the stage (issue 4), and the
 * actions they name. */
static const struct {
    const char *suffix;
    const char *action;
} case_step_paths[] = {
    {"/investigators", "add_investigator"},
    {"/investigators/remove", "remove_investigator"},
    {"/items", "add_item"},
    {"/items/remove", "remove_item"},
    {"/items/execute", "execute_item"},
    {"/extension", "request_extension"},
    {"/extension/approve", "approve_extension"},
    {"/extension/reject", "reject_extension"},
};

/* The path suffix of the step action, or NULL when it is none. */
static const char *case_step_suffix(const char *action)
{
    for (size_t i = 0; i < sizeof case_step_paths / sizeof case_step_paths[0]; i++) {
        if (strcmp(action, case_step_paths[i].action) == 0) {
            return case_step_paths[i].suffix;
        }
    }
    return NULL;
}

cg_code gw_map_case_action(const cJSON *body, bool measure, Cleangrid__V1__CaseActionRequest *out,
                           cg_err *err)
{
    static const char *const action[] = {"action", "report", "reviewer_id", NULL};
    static const char *const fields[] = {"kind", "date", "who", "summary", NULL};
    cg_err_clear(err);
    if (!cJSON_IsObject(body)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");
    }
    if (!measure) {
        known_members(body, action, "", err);
        out->action = bounded_member(body, "action", true, 64, err);
        const char *own = case_step_suffix(out->action);
        if (own != NULL) {
            /* Each step has its route, whose permission the dispatcher checks. */
            cg_err_add_violation(err, "action", "has a route of its own: POST .../{id}%s", own);
        }
        out->report = bounded_member(body, "report", false, CG_TEXT_MAX, err);
        out->reviewer_id = bounded_member(body, "reviewer_id", false, 36, err);
        return err->code;
    }
    known_members(body, fields, "", err);
    out->action = (char *)"log_measure";
    out->measure_kind = bounded_member(body, "kind", true, 16, err);
    out->measure_by = bounded_member(body, "who", true, CG_CLUE_FIELD_MAX, err);
    out->measure_summary = bounded_member(body, "summary", true, CG_TEXT_MAX, err);
    const char *date = text_member(body, "date", "date", true, err);
    if (date[0] != '\0' && (out->measure_on_ms = date_ms(date)) == 0) {
        cg_err_add_violation(err, "date", "must be a date YYYY-MM-DD");
    }
    return err->code;
}

/* --- answers ---------------------------------------------------------------- */

static bool add_text(cJSON *obj, const char *key, const char *value)
{
    return cJSON_AddStringToObject(obj, key, value ? value : "") != NULL;
}

/* A string member, or null when empty. */
static bool add_opt(cJSON *obj, const char *key, const char *value)
{
    if (value == NULL || value[0] == '\0') {
        return cJSON_AddNullToObject(obj, key) != NULL;
    }
    return cJSON_AddStringToObject(obj, key, value) != NULL;
}

static bool add_strings(cJSON *obj, const char *key, char **values, size_t n)
{
    cJSON *array = cJSON_AddArrayToObject(obj, key);
    bool ok = array != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        ok = cJSON_AddItemToArray(array, cJSON_CreateString(values[i]));
    }
    return ok;
}

static bool add_disposal(cJSON *obj, const Cleangrid__V1__ClueDisposal *d)
{
    if (d == NULL) {
        return cJSON_AddNullToObject(obj, "disposal") != NULL;
    }
    cJSON *o = cJSON_AddObjectToObject(obj, "disposal");
    return o != NULL && add_text(o, "id", d->id) && add_text(o, "way", d->way) &&
           add_text(o, "reason", d->reason) && add_opt(o, "conclusion", d->conclusion) &&
           add_text(o, "state", d->state) && add_text(o, "proposed_by", d->proposed_by) &&
           gw_json_add_time(o, "proposed_at", d->proposed_at_ms) &&
           add_opt(o, "decided_by", d->decided_by) &&
           gw_json_add_time(o, "decided_at", d->decided_at_ms) &&
           add_opt(o, "decision_reason", d->decision_reason);
}

/* The subjects array of a clue or case. */
static bool add_subjects(cJSON *obj, Cleangrid__V1__ClueSubject **subjects, size_t n)
{
    cJSON *array = cJSON_AddArrayToObject(obj, "subjects");
    bool ok = array != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        const Cleangrid__V1__ClueSubject *s = subjects[i];
        cJSON *o = cJSON_CreateObject();
        ok = o != NULL && cJSON_AddItemToArray(array, o) && add_text(o, "name", s->name) &&
             add_opt(o, "person_id", s->person_id) && add_opt(o, "position", s->position) &&
             add_opt(o, "org_unit", s->org_unit);
    }
    return ok;
}

bool gw_json_clue_add_register(cJSON *obj, const Cleangrid__V1__Clue *clue)
{
    char date[16] = "";
    time_t t = (time_t)(clue->received_at_ms / 1000);
    struct tm tm;
    if (clue->received_at_ms > 0 && gmtime_r(&t, &tm) != NULL) {
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
    }
    bool ok = add_subjects(obj, clue->subjects, clue->n_subjects);
    return ok && add_strings(obj, "categories", clue->categories, clue->n_categories) &&
           add_text(obj, "summary", clue->summary) && add_opt(obj, "received_date", date) &&
           add_opt(obj, "handler_id", clue->handler_id) &&
           add_opt(obj, "source_link", clue->source_link) &&
           add_opt(obj, "merged_into", clue->merged_into) &&
           add_strings(obj, "linked_clue_ids", clue->linked_clue_ids, clue->n_linked_clue_ids) &&
           add_disposal(obj, clue->disposal) && add_opt(obj, "case_id", clue->case_id) &&
           gw_json_add_time(obj, "deadline", clue->deadline_at_ms) &&
           add_opt(obj, "deadline_state", clue->deadline_state);
}

cJSON *gw_json_case(const Cleangrid__V1__Case *k)
{
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL && add_text(obj, "id", k->id) && add_text(obj, "number", k->number) &&
              add_text(obj, "clue_id", k->clue_id) && add_text(obj, "org_path", k->org_path) &&
              add_text(obj, "stage", k->stage) && add_subjects(obj, k->subjects, k->n_subjects) &&
              add_text(obj, "summary", k->summary) && add_text(obj, "filed_by", k->filed_by) &&
              gw_json_add_time(obj, "filed_at", k->filed_at_ms) &&
              add_text(obj, "filing_disposal_id", k->filing_disposal_id) &&
              add_text(obj, "report", k->report) && add_text(obj, "reviewer_id", k->reviewer_id) &&
              cJSON_AddNumberToObject(obj, "measures", k->measures) != NULL &&
              gw_json_case_add_work(obj, k);
    if (!ok) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

cJSON *gw_json_clue_action(const Cleangrid__V1__ClueActionReply *reply)
{
    if (reply->clue != NULL) {
        return gw_json_clue(reply->clue);
    }
    cJSON *obj = cJSON_CreateObject();
    if (obj != NULL && cJSON_AddTrueToObject(obj, "recused") == NULL) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

cJSON *gw_json_dossier(const Cleangrid__V1__ListDossierReply *reply)
{
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
             add_text(o, "actor_id", e->actor_id) && add_text(o, "action", e->action) &&
             add_text(o, "summary_text", e->summary_json) &&
             add_text(o, "prev_hash", e->prev_hash) && add_text(o, "hash", e->hash);
    }
    const char *next = reply->page ? reply->page->next_cursor : NULL;
    ok = ok && add_opt(obj, "next_cursor", next);
    if (!ok) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}

cJSON *gw_json_dossier_verify(const Cleangrid__V1__VerifyDossierReply *reply)
{
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

/* --- issue 4: cases (案件): investigators, items, the extension, the list --- */

const char *gw_case_step_of_path(const char *path)
{
    static const char prefix[] = "/api/v1/cases/";
    if (strncmp(path, prefix, sizeof prefix - 1) != 0) {
        return NULL;
    }
    const char *rest = strchr(path + sizeof prefix - 1, '/');
    for (size_t i = 0; rest != NULL && i < sizeof case_step_paths / sizeof case_step_paths[0];
         i++) {
        if (strcmp(rest, case_step_paths[i].suffix) == 0) {
            return case_step_paths[i].action;
        }
    }
    return NULL;
}

/* An integer member key of obj (0 when absent or null), checked to lie in
 * 1..max. */
static int64_t count_member(const cJSON *obj, const char *key, int64_t max, cg_err *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (item == NULL || cJSON_IsNull(item)) {
        return 0;
    }
    double v = cJSON_IsNumber(item) ? item->valuedouble : -1;
    if (v < 1 || v > (double)max || v != (double)(int64_t)v) {
        cg_err_add_violation(err, key, "must be a whole number from 1 to %lld", (long long)max);
        return 0;
    }
    return (int64_t)v;
}

/* An integer member key of obj (0 when absent or null) whose range is the
 * service's rule: only a whole number is checked here, and one beyond what
 * an int32 holds is clamped to its end, which no range of the API reaches,
 * so the service refuses it with the same words as any other number out of
 * its range. */
static int32_t int32_member(const cJSON *obj, const char *key, cg_err *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (item == NULL || cJSON_IsNull(item)) {
        return 0;
    }
    double v = cJSON_IsNumber(item) ? item->valuedouble : 0.5;
    if (v < INT32_MIN || v > INT32_MAX) {
        return v < 0 ? INT32_MIN : INT32_MAX;
    }
    if (v != (double)(int32_t)v) {
        cg_err_add_violation(err, key, "must be a whole number");
        return 0;
    }
    return (int32_t)v;
}

/* A date member key of obj into *ms; "" (none) leaves it 0. */
static void date_member(const cJSON *obj, const char *key, bool required, int64_t *ms, cg_err *err)
{
    const char *date = text_member(obj, key, key, required, err);
    if (date[0] != '\0' && (*ms = date_ms(date)) == 0) {
        cg_err_add_violation(err, key, "must be a date YYYY-MM-DD");
    }
}

/* The most a recovered amount may be, in fen: 10^15 fen is 10 trillion
 * yuan, far above any case, and exact in a double. */
#define AMOUNT_FEN_MAX 1000000000000000LL

cg_code gw_map_case_step(const cJSON *body, const char *action,
                         Cleangrid__V1__CaseActionRequest *out, const char **unit_code, cg_err *err)
{
    static const char *const investigator[] = {"investigator_id", NULL};
    static const char *const item[] = {"kind",       "text",      "measure",  "subject",
                                       "amount_fen", "unit_code", "deadline", NULL};
    static const char *const item_ref[] = {"item_id", NULL};
    static const char *const execute[] = {"item_id", "date", "note", NULL};
    static const char *const extension[] = {"days", "reason", NULL};
    static const char *const reason[] = {"reason", NULL};
    static const char *const none[] = {NULL};
    cg_err_clear(err);
    *unit_code = "";
    if (!cJSON_IsObject(body)) {
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the request body must be a JSON object");
    }
    out->action = (char *)action;
    if (strstr(action, "investigator") != NULL) {
        known_members(body, investigator, "", err);
        out->investigator_id = text_member(body, "investigator_id", "investigator_id", true, err);
    } else if (strcmp(action, "add_item") == 0) {
        known_members(body, item, "", err);
        out->item_kind = text_member(body, "kind", "kind", true, err);
        out->item_measure = text_member(body, "measure", "measure", false, err);
        out->item_subject = text_member(body, "subject", "subject", false, err);
        out->item_text = bounded_member(body, "text", false, CG_TEXT_MAX, err);
        out->item_amount_fen = count_member(body, "amount_fen", AMOUNT_FEN_MAX, err);
        *unit_code = text_member(body, "unit_code", "unit_code", false, err);
        date_member(body, "deadline", false, &out->item_deadline_ms, err);
    } else if (strcmp(action, "execute_item") == 0) {
        known_members(body, execute, "", err);
        out->item_id = text_member(body, "item_id", "item_id", true, err);
        out->note = text_member(body, "note", "note", false, err);
        date_member(body, "date", true, &out->executed_on_ms, err);
    } else if (strcmp(action, "remove_item") == 0) {
        known_members(body, item_ref, "", err);
        out->item_id = text_member(body, "item_id", "item_id", true, err);
    } else if (strcmp(action, "request_extension") == 0) {
        known_members(body, extension, "", err);
        out->extension_days = int32_member(body, "days", err);
        out->reason = text_member(body, "reason", "reason", true, err);
        if (cJSON_GetObjectItemCaseSensitive(body, "days") == NULL) {
            cg_err_add_violation(err, "days", "is required");
        }
    } else if (strcmp(action, "reject_extension") == 0) {
        known_members(body, reason, "", err);
        out->reason = text_member(body, "reason", "reason", true, err);
    } else {
        known_members(body, none, "", err);
    }
    return err->code;
}

cg_code gw_map_case_filters(const char *query, Cleangrid__V1__ListCasesRequest *out,
                            gw_case_filter_buf *buf, const char **unit_code, cg_err *err)
{
    query_param(query, "stage", buf->stage, sizeof buf->stage, err);
    query_param(query, "investigator_id", buf->investigator_id, sizeof buf->investigator_id, err);
    query_param(query, "unit_code", buf->unit_code, sizeof buf->unit_code, err);
    query_param(query, "filed_from", buf->filed_from, sizeof buf->filed_from, err);
    query_param(query, "filed_to", buf->filed_to, sizeof buf->filed_to, err);
    query_param(query, "q", buf->q, sizeof buf->q, err);
    query_param(query, "overdue", buf->overdue, sizeof buf->overdue, err);
    query_param(query, "sort", buf->sort, sizeof buf->sort, err);
    if (strcmp(buf->overdue, "true") != 0 && strcmp(buf->overdue, "false") != 0 &&
        buf->overdue[0] != '\0') {
        cg_err_add_violation(err, "overdue", "must be true or false");
    }
    out->overdue = strcmp(buf->overdue, "true") == 0;
    out->stage = buf->stage;
    out->investigator_id = buf->investigator_id;
    out->query = buf->q;
    out->sort = buf->sort;
    if (buf->filed_from[0] != '\0' && (out->filed_from_ms = date_ms(buf->filed_from)) == 0) {
        cg_err_add_violation(err, "filed_from", "must be a date YYYY-MM-DD");
    }
    /* The last day counts whole: the range ends before the next one. */
    int64_t to = buf->filed_to[0] != '\0' ? date_ms(buf->filed_to) : 0;
    if (buf->filed_to[0] != '\0' && to == 0) {
        cg_err_add_violation(err, "filed_to", "must be a date YYYY-MM-DD");
    }
    out->filed_to_ms = to > 0 ? to + DAY_MS : 0;
    *unit_code = buf->unit_code;
    return err->code;
}

/* A day (Unix ms at midnight UTC) as YYYY-MM-DD, or null for 0. */
static bool add_day(cJSON *obj, const char *key, int64_t ms)
{
    if (ms <= 0) {
        return cJSON_AddNullToObject(obj, key) != NULL;
    }
    char text[16];
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return cJSON_AddStringToObject(obj, key, text) != NULL;
}

static bool add_item(cJSON *items, const Cleangrid__V1__DispositionItem *t)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !cJSON_AddItemToArray(items, o)) {
        cJSON_Delete(o);
        return false;
    }
    bool gains = strcmp(t->kind, "illicit_gains") == 0;
    return add_text(o, "id", t->id) && add_text(o, "kind", t->kind) &&
           add_opt(o, "measure", t->measure) && add_opt(o, "subject", t->subject_name) &&
           add_opt(o, "subject_person_id", t->subject_person_id) &&
           (gains ? cJSON_AddNumberToObject(o, "amount_fen", (double)t->amount_fen)
                  : cJSON_AddNullToObject(o, "amount_fen")) != NULL &&
           add_opt(o, "text", t->text) && add_opt(o, "unit_path", t->org_path) &&
           add_day(o, "deadline", t->deadline_ms) && add_text(o, "added_by", t->added_by) &&
           cJSON_AddBoolToObject(o, "executed", t->executed) != NULL &&
           add_day(o, "executed_on", t->executed_on_ms) &&
           add_opt(o, "executed_note", t->executed_note) &&
           add_opt(o, "executed_by", t->executed_by);
}

bool gw_json_case_add_work(cJSON *obj, const Cleangrid__V1__Case *k)
{
    bool ok = add_strings(obj, "investigators", k->investigator_ids, k->n_investigator_ids) &&
              gw_json_add_time(obj, "deadline", k->deadline_at_ms) &&
              add_opt(obj, "deadline_state", k->deadline_state);
    cJSON *items = ok ? cJSON_AddArrayToObject(obj, "items") : NULL;
    ok = items != NULL;
    for (size_t i = 0; ok && i < k->n_items; i++) {
        ok = add_item(items, k->items[i]);
    }
    const Cleangrid__V1__CaseExtension *x = k->extension;
    if (!ok || x == NULL) {
        return ok && cJSON_AddNullToObject(obj, "extension") != NULL;
    }
    cJSON *o = cJSON_AddObjectToObject(obj, "extension");
    return o != NULL && add_text(o, "state", x->state) &&
           cJSON_AddNumberToObject(o, "days", x->days) != NULL &&
           add_text(o, "reason", x->reason) && add_text(o, "requested_by", x->requested_by) &&
           add_opt(o, "decided_by", x->decided_by) &&
           add_opt(o, "decision_reason", x->decision_reason);
}

cJSON *gw_json_case_list(const Cleangrid__V1__ListCasesReply *reply)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *items = obj ? cJSON_AddArrayToObject(obj, "items") : NULL;
    bool ok = items != NULL;
    for (size_t i = 0; ok && i < reply->n_cases; i++) {
        cJSON *k = gw_json_case(reply->cases[i]);
        ok = k != NULL && cJSON_AddItemToArray(items, k);
    }
    if (!ok || !gw_json_add_next_cursor(obj, reply->page)) {
        cJSON_Delete(obj);
        obj = NULL;
    }
    return obj;
}
