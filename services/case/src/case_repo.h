/* The cases' repository (案件): the cases table, its investigators and
 * disposition items. A case is visible to an actor who may see its clue
 * (clue_repo.h). */
#ifndef CASE_CASE_REPO_H
#define CASE_CASE_REPO_H

#include <stdbool.h>

#include "access.h"
#include "cg/db.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_disposition.pb-c.h"
#include "cleangrid/v1/case_list.pb-c.h"
#include "clue_view.h"
#include "lifecycle.h"
#include "number.h"
#include "cg/page.h"
#include "cg/query.h"

/* A case as GetCase and ListCases answer it: record borrows its strings
 * from the query's result and from the parts below, which the view owns.
 * Free with case_case_view_free() whatever the result. */
typedef struct case_case_view {
    Cleangrid__V1__Case record;
    case_clue_view subjects;
    Cleangrid__V1__CaseExtension extension;
    char *investigators;      /* owned: a copy of the comma-separated ids */
    char **investigator_ptrs; /* owned: points into investigators */
    PGresult *items_res;      /* owned: the items' rows (GetCase only) */
    Cleangrid__V1__DispositionItem *items;
    Cleangrid__V1__DispositionItem **item_ptrs;
} case_case_view;

/* Case id with its items if the actor may see its clue (NOT_FOUND "case
 * not found" otherwise, with one message). *res (owned by the caller)
 * holds the strings of *out. */
cg_code case_repo_get_case(PGconn *conn, const cg_actor *actor, const char *id, case_case_view *out,
                           PGresult **res, cg_err *err);
void case_case_view_free(case_case_view *v);

/* The filters of a case list, checked by the caller; strings borrowed, ""
 * for not given. pattern is an ILIKE pattern, number_kind and number a
 * register number's, as case_list_filter's. */
typedef struct case_case_filter {
    const char *stage, *org_path, *investigator_id;
    bool overdue, by_deadline;
    long long filed_from_ms, filed_to_ms;
    const char *pattern;
    case_number_kind number_kind;
    const char *number;
} case_case_filter;

/* Append to q (started with case_query_start) the WHERE of the cases the
 * actor sees that pass f: the cases joined to their clues as k and clues. */
void case_repo_case_where(cg_query *q, const case_case_filter *f);

/* Up to limit cases the actor may see passing f, in f's order, strictly
 * after `after` (NULL for the first page). *out is owned by the caller;
 * read its rows with case_repo_case_from_row(). */
cg_code case_repo_list_cases(PGconn *conn, const cg_actor *actor, const case_case_filter *f,
                             const cg_cursor *after, int limit, PGresult **out, cg_err *err);

/* Fill *out from row of a case query (strings borrowed from res); *key_us
 * (may be NULL) gets the row's cursor key in the filed or (by_deadline)
 * the deadline order. Free the view with case_case_view_free() whatever
 * the result. */
cg_code case_repo_case_from_row(const PGresult *res, int row, case_case_view *out, bool by_deadline,
                                int64_t *key_us, cg_err *err);

/* Lock case id (FOR UPDATE until the transaction ends) if the actor may
 * see its clue (NOT_FOUND "case not found" otherwise). The strings of
 * *out borrow from *res, owned by the caller. */
typedef struct case_locked_case {
    const char *stage;
    const char *handler_id; /* its clue's handler, the first investigator */
    const char *clue_id;
    const char *org_path;
    int measures;              /* investigation measures logged */
    const char *investigators; /* ",id,id," of the named investigators, "," for none */
    int items;                 /* disposition items */
    const char *unexecuted;    /* the first item not executed, "" for none */
    const char *ext_state;     /* the extension: "", pending, approved, rejected */
    const char *ext_requested_by;
    const char *subjects_json; /* the clue's subjects, a JSON array */
    const char *filed_by;
} case_locked_case;
cg_code case_repo_lock_case(PGconn *conn, const cg_actor *actor, const char *id,
                            case_locked_case *out, PGresult **res, cg_err *err);

/* True when user_id is an investigator of the locked case: its clue's
 * handler or a named one. */
bool case_is_investigator(const case_locked_case *k, const char *user_id);

#endif
