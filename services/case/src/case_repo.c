/* The cases table (案件): a case as GetCase and ListCases answer it, with
 * its investigators (调查组), disposition items, deadline and extension,
 * and the case locked for an action. A case has its clue's scope and
 * subjects, so every query joins the clue and applies its visibility rule
 * (CASE_CLUE_VISIBLE). Every statement is parameterized. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_repo.h"

#include "case.h"
#include "clue_repo.h"
#include "cg/util.h"
#include "deadlines.h"

/* The sort key of a case without a deadline in the deadline order: after
 * every real one, and still small enough in microseconds (below 2^53) for
 * the cursor's arithmetic to stay exact. */
#define DEADLINE_NONE "timestamptz '2200-01-01 00:00:00+00'"

/* The columns of every case query, in the order of enum case_col. The
 * investigators are the clue's handler, then the named ones in the order
 * they were added, as one comma-separated text. */
#define CASE_COLUMNS                                                                               \
    "k.id, k.clue_id, clues.org_path::text, k.stage, clues.subjects::text, clues.summary,"         \
    " k.filed_by, floor(extract(epoch FROM k.filed_at) * 1000)::bigint,"                           \
    " k.filing_disposal_id::text, k.report, k.reviewer_id,"                                        \
    " (SELECT count(*) FROM case_measures m WHERE m.case_id = k.id)::integer,"                     \
    " concat_ws(',', nullif(clues.handler_id, ''), (SELECT string_agg(i.user_id, ','"              \
    "   ORDER BY i.added_at, i.user_id) FROM case_investigators i WHERE i.case_id = k.id)),"       \
    " coalesce(floor(extract(epoch FROM k.deadline_at) * 1000)::bigint, 0),"                       \
    " k.ext_state, k.ext_days, k.ext_reason, k.ext_requested_by, k.ext_decided_by,"                \
    " k.ext_decision_reason,"                                                                      \
    " (extract(epoch FROM k.filed_at) * 1000000)::bigint,"                                         \
    " (extract(epoch FROM coalesce(k.deadline_at, " DEADLINE_NONE ")) * 1000000)::bigint,"         \
    " k.number"

enum case_col {
    CC_ID,
    CC_CLUE_ID,
    CC_ORG_PATH,
    CC_STAGE,
    CC_SUBJECTS,
    CC_SUMMARY,
    CC_FILED_BY,
    CC_FILED_MS,
    CC_FILING_DISPOSAL,
    CC_REPORT,
    CC_REVIEWER,
    CC_MEASURES,
    CC_INVESTIGATORS,
    CC_DEADLINE_MS,
    CC_EXT_STATE,
    CC_EXT_DAYS,
    CC_EXT_REASON,
    CC_EXT_REQUESTED_BY,
    CC_EXT_DECIDED_BY,
    CC_EXT_DECISION_REASON,
    CC_FILED_US,
    CC_DEADLINE_US,
    CC_NUMBER,
};

static const char SQL_GET_CASE[] =
    "SELECT " CASE_COLUMNS " FROM cases k JOIN clues ON clues.id = k.clue_id"
    " WHERE k.id = $2::uuid AND clues.org_path <@ $1::ltree" CASE_CLUE_VISIBLE;

/* The items of a case in the order they were added. A day is midnight UTC
 * in Unix ms. */
static const char SQL_ITEMS[] =
    "SELECT id::text, kind, measure, subject_name, subject_person_id, amount_fen, text,"
    " coalesce(org_path::text, ''), coalesce(floor(extract(epoch FROM deadline) * 1000)::bigint, "
    "0),"
    " added_by, executed_on IS NOT NULL,"
    " coalesce(floor(extract(epoch FROM executed_on) * 1000)::bigint, 0), executed_note, "
    "executed_by"
    " FROM case_items WHERE case_id = $1::uuid ORDER BY added_at, id";

/* A case locked for an action, with what its moves and checks need. */
static const char SQL_LOCK_CASE[] =
    "SELECT k.stage, clues.handler_id,"
    " (SELECT count(*) FROM case_measures m WHERE m.case_id = k.id)::integer,"
    " k.clue_id::text, clues.org_path::text,"
    " ',' || coalesce((SELECT string_agg(i.user_id, ',') FROM case_investigators i"
    "   WHERE i.case_id = k.id) || ',', ''),"
    " (SELECT count(*) FROM case_items t WHERE t.case_id = k.id)::integer,"
    " coalesce((SELECT t.kind || CASE WHEN t.measure <> '' THEN ' ' || t.measure ELSE '' END"
    "   || CASE WHEN t.subject_name <> '' THEN ' of ' || t.subject_name ELSE '' END"
    "   || ' (' || t.id || ')' FROM case_items t WHERE t.case_id = k.id"
    "   AND t.executed_on IS NULL ORDER BY t.added_at, t.id LIMIT 1), ''),"
    " k.ext_state, k.ext_requested_by, clues.subjects::text, k.filed_by"
    " FROM cases k JOIN clues ON clues.id = k.clue_id"
    " WHERE k.id = $2::uuid AND clues.org_path <@ $1::ltree" CASE_CLUE_VISIBLE " FOR UPDATE OF k";

/* Split the comma-separated ids of text into v's owned array. */
static cg_code split_investigators(case_case_view *v, const char *text, cg_err *err)
{
    size_t n = text[0] != '\0' ? 1 : 0;
    for (const char *p = text; *p != '\0'; p++) {
        n += *p == ',' ? 1 : 0;
    }
    v->investigators = strdup(text);
    v->investigator_ptrs = calloc(n > 0 ? n : 1, sizeof *v->investigator_ptrs);
    if (v->investigators == NULL || v->investigator_ptrs == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    size_t i = 0;
    for (char *save = NULL, *tok = strtok_r(v->investigators, ",", &save); tok != NULL && i < n;
         tok = strtok_r(NULL, ",", &save)) {
        v->investigator_ptrs[i++] = tok;
    }
    v->record.investigator_ids = v->investigator_ptrs;
    v->record.n_investigator_ids = i;
    return CG_OK;
}

cg_code case_repo_case_from_row(const PGresult *res, int row, case_case_view *out, bool by_deadline,
                                int64_t *key_us, cg_err *err)
{
    memset(out, 0, sizeof *out);
    Cleangrid__V1__Case *k = &out->record;
    cleangrid__v1__case__init(k);
    cleangrid__v1__clue__init(&out->subjects.clue);
    /* protobuf-c never writes through these pointers when packing. */
    k->id = (char *)cg_db_get(res, row, CC_ID);
    k->clue_id = (char *)cg_db_get(res, row, CC_CLUE_ID);
    k->org_path = (char *)cg_db_get(res, row, CC_ORG_PATH);
    k->stage = (char *)cg_db_get(res, row, CC_STAGE);
    k->summary = (char *)cg_db_get(res, row, CC_SUMMARY);
    k->filed_by = (char *)cg_db_get(res, row, CC_FILED_BY);
    k->filed_at_ms = cg_db_get_ll(res, row, CC_FILED_MS);
    k->filing_disposal_id = (char *)cg_db_get(res, row, CC_FILING_DISPOSAL);
    k->number = (char *)cg_db_get(res, row, CC_NUMBER);
    k->report = (char *)cg_db_get(res, row, CC_REPORT);
    k->reviewer_id = (char *)cg_db_get(res, row, CC_REVIEWER);
    k->measures = (int32_t)cg_db_get_ll(res, row, CC_MEASURES);
    k->deadline_at_ms = cg_db_get_ll(res, row, CC_DEADLINE_MS);
    k->deadline_state =
        (char *)case_deadline_state(k->deadline_at_ms, case_deadline_now_ms(), case_due_soon_days);
    if (cg_db_get(res, row, CC_EXT_STATE)[0] != '\0') {
        Cleangrid__V1__CaseExtension *x = &out->extension;
        cleangrid__v1__case_extension__init(x);
        x->state = (char *)cg_db_get(res, row, CC_EXT_STATE);
        x->days = (int32_t)cg_db_get_ll(res, row, CC_EXT_DAYS);
        x->reason = (char *)cg_db_get(res, row, CC_EXT_REASON);
        x->requested_by = (char *)cg_db_get(res, row, CC_EXT_REQUESTED_BY);
        x->decided_by = (char *)cg_db_get(res, row, CC_EXT_DECIDED_BY);
        x->decision_reason = (char *)cg_db_get(res, row, CC_EXT_DECISION_REASON);
        k->extension = x;
    }
    if (key_us != NULL) {
        *key_us = cg_db_get_ll(res, row, by_deadline ? CC_DEADLINE_US : CC_FILED_US);
    }
    cg_code rc = split_investigators(out, cg_db_get(res, row, CC_INVESTIGATORS), err);
    if (rc != CG_OK) {
        return rc;
    }
    /* The subjects are parsed as a clue's are, and lent to the case. */
    rc =
        case_clue_view_parse(&out->subjects, cg_db_get(res, row, CC_SUBJECTS), "[]", "[]", "", err);
    k->subjects = out->subjects.clue.subjects;
    k->n_subjects = out->subjects.clue.n_subjects;
    return rc;
}

/* Read the items of the case in v (GetCase) into v. */
static cg_code load_items(PGconn *conn, case_case_view *v, cg_err *err)
{
    const char *params[] = {v->record.id};
    cg_code rc = cg_db_exec(conn, SQL_ITEMS, 1, params, &v->items_res, err);
    if (rc != CG_OK) {
        return rc;
    }
    int n = PQntuples(v->items_res);
    v->items = calloc((size_t)(n > 0 ? n : 1), sizeof *v->items);
    v->item_ptrs = calloc((size_t)(n > 0 ? n : 1), sizeof *v->item_ptrs);
    if (v->items == NULL || v->item_ptrs == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    const PGresult *r = v->items_res;
    for (int i = 0; i < n; i++) {
        Cleangrid__V1__DispositionItem *t = &v->items[i];
        cleangrid__v1__disposition_item__init(t);
        t->id = (char *)cg_db_get(r, i, 0);
        t->kind = (char *)cg_db_get(r, i, 1);
        t->measure = (char *)cg_db_get(r, i, 2);
        t->subject_name = (char *)cg_db_get(r, i, 3);
        t->subject_person_id = (char *)cg_db_get(r, i, 4);
        t->amount_fen = cg_db_get_ll(r, i, 5);
        t->text = (char *)cg_db_get(r, i, 6);
        t->org_path = (char *)cg_db_get(r, i, 7);
        t->deadline_ms = cg_db_get_ll(r, i, 8);
        t->added_by = (char *)cg_db_get(r, i, 9);
        t->executed = strcmp(cg_db_get(r, i, 10), "t") == 0;
        t->executed_on_ms = cg_db_get_ll(r, i, 11);
        t->executed_note = (char *)cg_db_get(r, i, 12);
        t->executed_by = (char *)cg_db_get(r, i, 13);
        v->item_ptrs[i] = t;
    }
    v->record.items = v->item_ptrs;
    v->record.n_items = (size_t)n;
    return CG_OK;
}

cg_code case_repo_get_case(PGconn *conn, const cg_actor *actor, const char *id, case_case_view *out,
                           PGresult **res, cg_err *err)
{
    memset(out, 0, sizeof *out);
    cg_code rc = case_repo_one_visible(conn, SQL_GET_CASE, actor, id, res, err);
    if (rc != CG_OK) {
        if (rc == CG_NOT_FOUND) {
            cg_err_set(err, CG_NOT_FOUND, "case not found");
        }
        return rc;
    }
    rc = case_repo_case_from_row(*res, 0, out, false, NULL, err);
    return rc == CG_OK ? load_items(conn, out, err) : rc;
}

void case_case_view_free(case_case_view *v)
{
    case_clue_view_free(&v->subjects);
    free(v->investigators);
    free(v->investigator_ptrs);
    free(v->items);
    free(v->item_ptrs);
    PQclear(v->items_res);
    v->investigators = NULL;
    v->investigator_ptrs = NULL;
    v->items = NULL;
    v->item_ptrs = NULL;
    v->items_res = NULL;
}

void case_repo_case_where(cg_query *q, const case_case_filter *f)
{
    cg_query_text(q, " FROM cases k JOIN clues ON clues.id = k.clue_id"
                     " WHERE clues.org_path <@ $1::ltree" CASE_CLUE_VISIBLE);
    if (f->stage[0] != '\0') {
        cg_query_cond(q, " AND k.stage = ", cg_query_param(q, f->stage), "::text");
    }
    if (f->org_path[0] != '\0') {
        cg_query_cond(q, " AND clues.org_path <@ ", cg_query_param(q, f->org_path), "::ltree");
    }
    if (f->investigator_id[0] != '\0') {
        int id = cg_query_param(q, f->investigator_id);
        cg_query_cond(q, " AND (clues.handler_id = ", id, "::text");
        cg_query_cond(q,
                      " OR EXISTS (SELECT 1 FROM case_investigators i WHERE i.case_id = k.id"
                      " AND i.user_id = ",
                      id, "::text))");
    }
    if (f->overdue) {
        /* The service's clock, which the deadline_state shown beside it
         * follows too. */
        cg_query_time_range(q, "k.deadline_at", 0, case_deadline_now_ms());
    }
    if (f->pattern[0] != '\0') {
        cg_query_cond(q, " AND clues.search_text ILIKE ", cg_query_param(q, f->pattern), "::text");
    }
    /* A case's number finds the case, its clue's number the case filed
     * from that clue. */
    if (f->number_kind == CASE_NUMBER_CASE) {
        cg_query_cond(q, " AND lower(k.number) LIKE ", cg_query_param(q, f->number), "::text");
    } else if (f->number_kind == CASE_NUMBER_CLUE) {
        cg_query_cond(q, " AND lower(clues.number) LIKE ", cg_query_param(q, f->number), "::text");
    }
    cg_query_time_range(q, "k.filed_at", f->filed_from_ms, f->filed_to_ms);
}

cg_code case_repo_list_cases(PGconn *conn, const cg_actor *actor, const case_case_filter *f,
                             const cg_cursor *after, int limit, PGresult **out, cg_err *err)
{
    char limit_s[16];
    cg_query *q = malloc(sizeof *q);
    if (q == NULL) {
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    }
    snprintf(limit_s, sizeof limit_s, "%d", limit);
    case_query_start(q, actor, limit_s, "SELECT " CASE_COLUMNS);
    case_repo_case_where(q, f);
    /* The cursor: the row after the last of the previous page, in the
     * order of the list (both orders end in the id). */
    const char *key = f->by_deadline ? "coalesce(k.deadline_at, " DEADLINE_NONE ")" : "k.filed_at";
    if (after != NULL) {
        cg_query_text(q, " AND (");
        cg_query_text(q, key);
        cg_query_cond(q,
                      f->by_deadline ? ", k.id) > ('epoch'::timestamptz + "
                                     : ", k.id) < ('epoch'::timestamptz + ",
                      cg_query_number(q, after->key_us), "::bigint * interval '1 microsecond'");
        cg_query_cond(q, ", ", cg_query_param(q, after->id), "::uuid)");
    }
    cg_query_text(q, " ORDER BY ");
    cg_query_text(q, key);
    cg_query_text(q, f->by_deadline ? " ASC, k.id ASC LIMIT $2::integer"
                                    : " DESC, k.id DESC LIMIT $2::integer");
    cg_code rc = cg_query_exec(conn, q, out, err);
    free(q);
    return rc;
}

cg_code case_repo_lock_case(PGconn *conn, const cg_actor *actor, const char *id,
                            case_locked_case *out, PGresult **res, cg_err *err)
{
    cg_code rc = case_repo_one_visible(conn, SQL_LOCK_CASE, actor, id, res, err);
    if (rc != CG_OK) {
        if (rc == CG_NOT_FOUND) {
            cg_err_set(err, CG_NOT_FOUND, "case not found");
        }
        return rc;
    }
    out->stage = cg_db_get(*res, 0, 0);
    out->handler_id = cg_db_get(*res, 0, 1);
    out->measures = (int)cg_db_get_ll(*res, 0, 2);
    out->clue_id = cg_db_get(*res, 0, 3);
    out->org_path = cg_db_get(*res, 0, 4);
    out->investigators = cg_db_get(*res, 0, 5);
    out->items = (int)cg_db_get_ll(*res, 0, 6);
    out->unexecuted = cg_db_get(*res, 0, 7);
    out->ext_state = cg_db_get(*res, 0, 8);
    out->ext_requested_by = cg_db_get(*res, 0, 9);
    out->subjects_json = cg_db_get(*res, 0, 10);
    out->filed_by = cg_db_get(*res, 0, 11);
    return CG_OK;
}

bool case_is_investigator(const case_locked_case *k, const char *user_id)
{
    if (user_id[0] == '\0') {
        return false;
    }
    char key[CG_UUID_LEN + 2];
    snprintf(key, sizeof key, ",%s,", user_id);
    return strcmp(k->handler_id, user_id) == 0 || strstr(k->investigators, key) != NULL;
}
