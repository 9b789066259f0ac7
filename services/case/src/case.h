/* The case service (问题线索 and, later, cases): what main() wires together.
 *
 * repo.c    the clues table;
 * rpc.c     cg.rpc.case.ListClues and GetClue, and the method table;
 * clues.c   cg.rpc.case.CreateClue and ClueAction (disposal with approval,
 *           assign, recuse, link, merge, reopen);
 * dossier_rpc.c  cg.rpc.case.ListDossier and VerifyDossier;
 * events.c  the ReportSubmitted consumer that registers a clue for each
 *           public report and announces it with ClueCreated.
 *
 * The handlers' arg is the service's cg_service_base. */
#ifndef CASE_H
#define CASE_H

#include <stdint.h>

#include "cg/service.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_list.pb-c.h"
#include "cleangrid/v1/intake.pb-c.h"
#include "access.h"
#include "clue_view.h"
#include "lifecycle.h"
#include "cg/page.h"
#include "cg/query.h"

#define CASE_DURABLE_REPORT_SUBMITTED "case-report-submitted"
#define CASE_DURABLE_ORG_UNIT_MOVED "case-org-unit-moved"
#define CASE_SUBJECT_REPORT_SUBMITTED "cg.evt.intake.report.submitted"
#define CASE_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
#define CASE_SUBJECT_CLUE_DISPOSED "cg.evt.case.clue.disposed"
#define CASE_SOURCE_PUBLIC_REPORT "public_report"
/* The dossier's actor for what the service does on its own (a clue
 * registered from an event). */
#define CASE_ACTOR_SYSTEM "system:case"

/* Who may see a clue (and so its case) besides its scope: not a subject of
 * it (their person id among its subjects) and not someone who declared a
 * recusal on it. $3 is the actor's person id ('' for none), $4 the actor's
 * user id; `clues` is the clue's row. */
#define CASE_CLUE_VISIBLE                                                                          \
    " AND NOT ($3::text <> '' AND clues.subjects @> jsonb_build_array(jsonb_build_object("         \
    "'person_id', $3::text)))"                                                                     \
    " AND NOT EXISTS (SELECT 1 FROM clue_recusals r WHERE r.clue_id = clues.id"                    \
    " AND r.user_id = $4::text)"

#define CASE_SUBJECT_CASE_DISPOSED "cg.evt.case.case.disposed"

/* How long a request waits for a free database connection. */
#define CASE_DB_ACQUIRE_MS 5000

/* --- repo.c -------------------------------------------------------------- */

/* Read row of a clue query into *out (its strings borrowed from res, which
 * must outlive it; free the view with case_clue_view_free() whatever the
 * result). *created_us gets created_at in Unix microseconds;
 * it may be NULL. */
cg_code case_repo_clue_from_row(const PGresult *res, int row, case_clue_view *out,
                                int64_t *created_us, cg_err *err);

/* Register the clue for a public report, inside the caller's transaction on
 * conn. *out (owned by the caller) holds the new clue's row, or no row when
 * a clue for this report already exists. */
cg_code case_repo_insert_from_report(PGconn *conn, const Cleangrid__V1__ReportSubmitted *ev,
                                     PGresult **out, cg_err *err);

/* A clue registered through CreateClue, checked by the caller. Every
 * string is borrowed. */
typedef struct case_new_clue {
    const char *source, *source_ref, *source_link;
    const char *category; /* the first accusation category */
    const char *summary;
    const char *org_path;
    const char *subjects_json;   /* a JSON array of subject objects */
    const char *categories_json; /* a JSON array of strings */
    int64_t received_at_ms;
    const char *handler_id; /* "" for none */
} case_new_clue;

/* Insert it inside the caller's transaction; *out (owned by the caller)
 * holds the new row. ALREADY_EXISTS when (source, source_ref) is taken. */
cg_code case_repo_insert(PGconn *conn, const case_new_clue *c, PGresult **out, cg_err *err);

/* Up to limit clues the actor may see (inside its scope, not about it, not
 * recused from) that pass the filters f (checked by
 * case_list_filter_check()), in order sort (page.h), strictly after
 * `after` (NULL for the first page; of the same order). *out is owned by
 * the caller. */
cg_code case_repo_list(PGconn *conn, const cg_actor *actor, const case_list_filter *f, cg_sort sort,
                       const cg_cursor *after, int limit, PGresult **out, cg_err *err);

/* The key of row (of case_repo_list's result) in order sort, for a cursor:
 * received_at, or deadline_at (0 for none), in Unix microseconds. */
int64_t case_repo_sort_key_us(const PGresult *res, int row, cg_sort sort);

/* Rows (dimension, key, count, average days or NULL) of the clues the
 * list with filters f would show: "total", "overdue", then by stage,
 * source, category, unit (children of the subtree filter or the scope),
 * month (received; every month of the range, UTC), closed_month (entered
 * the closed stage) and stage_days (the mean days of the finished stays
 * in each stage, from the stage history). *out is owned by the caller. */
cg_code case_repo_stats(PGconn *conn, const cg_actor *actor, const case_list_filter *f,
                        PGresult **out, cg_err *err);

/* The clue id if the actor may see it. NOT_FOUND, with one message,
 * whether it does not exist, lies outside the scope, is about the actor
 * or the actor recused from it: a caller must not learn which. *out is
 * owned by the caller. */
cg_code case_repo_get(PGconn *conn, const cg_actor *actor, const char *id, PGresult **out,
                      cg_err *err);

/* Run sql with $1 the actor's scope, $2 id, $3 its person id, $4 its user
 * id; NOT_FOUND "clue not found" when it returns no row. *out is owned by
 * the caller. */
cg_code case_repo_one_visible(PGconn *conn, const char *sql, const cg_actor *actor, const char *id,
                              PGresult **out, cg_err *err);

/* A dossier's file (a clue, or a case through its clue) if the actor may
 * see it; its handler's user id is copied into handler ("" for none; for a
 * case, the actor's own id when it is one of the investigators, else "").
 * NOT_FOUND "clue or case not found" otherwise. */
cg_code case_repo_file_handler(PGconn *conn, const cg_actor *actor, const char *file_id,
                               char *handler, size_t handler_size, cg_err *err);

/* A clue locked for a change (FOR UPDATE until the transaction ends). The
 * strings are borrowed from the result case_repo_lock() hands back. */
typedef struct case_locked {
    const char *status;
    const char *handler_id;
    const char *pending_id; /* the pending proposal, "" for none */
    const char *pending_way;
    const char *pending_from;
    const char *proposed_by;
    const char *proposed_by_person;
    const char *org_path;
    const char *subjects_json; /* the clue's subjects, a JSON array */
    const char *reason;        /* the pending proposal's reason and conclusion */
    const char *conclusion;
} case_locked;

/* Lock clue id if the actor may see it (NOT_FOUND as case_repo_get()).
 * *res (owned by the caller) holds the strings of *out. */
cg_code case_repo_lock(PGconn *conn, const cg_actor *actor, const char *id, case_locked *out,
                       PGresult **res, cg_err *err);

/* --- case_repo.c: cases (案件) ------------------------------------------------ */

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

/* The filters of a case list (or its statistics) in req, checked, into *f
 * (borrowing from req and lf): INVALID_ARGUMENT naming each bad one. */
cg_code case_case_filter_check(const Cleangrid__V1__ListCasesRequest *req, const cg_actor *actor,
                               case_list_filter *lf, case_case_filter *f, cg_err *err);

/* Append to q (started with case_query_start) the WHERE of the cases the
 * actor sees that pass f: the cases joined to their clues as k and clues. */
void case_repo_case_where(cg_query *q, const case_case_filter *f);

/* The statistics' rows (as case_repo_stats()) for the cases the actor may
 * see that pass the case list's filters f, months by filing; "overdue" by
 * the service's clock. *out is owned by the caller. */
cg_code case_repo_case_stats(PGconn *conn, const cg_actor *actor, const case_case_filter *f,
                             PGresult **out, cg_err *err);

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

/* --- rpc.c --------------------------------------------------------------- */

extern const cg_rpc_method case_rpc_methods[];
extern const size_t case_rpc_nmethods;

/* The common end of a handler: answer err as an error when it holds one
 * (on success the handler has answered), and give conn (NULL: none taken)
 * back to base's pool, which rolls back a transaction left open. */
void case_rpc_finish(cg_rpc_call *call, const cg_err *err, cg_service_base *base, PGconn *conn);

/* Answer the case id as the actor sees it (GetCaseReply), on conn. An
 * error is left in err for case_rpc_finish() to answer. */
cg_code case_rpc_reply_case(cg_rpc_call *call, PGconn *conn, const cg_actor *actor, const char *id,
                            cg_err *err);

/* --- clues.c and dossier_rpc.c ---------------------------------------------- */

/* RPC handlers; arg is the cg_service_base. */
void case_rpc_create_clue(cg_rpc_call *call, void *arg);
void case_rpc_clue_action(cg_rpc_call *call, void *arg);
void case_rpc_list_dossier(cg_rpc_call *call, void *arg);
void case_rpc_verify_dossier(cg_rpc_call *call, void *arg);
void case_rpc_get_case(cg_rpc_call *call, void *arg);
void case_rpc_clue_statistics(cg_rpc_call *call, void *arg);
/* cg.rpc.case.CaseStatistics (stats.c, beside ClueStatistics). */
void case_rpc_case_statistics(cg_rpc_call *call, void *arg);
/* FAILED_PRECONDITION saying why when the person (user_id, person_id "" for
 * none) declared a recusal on the clue or is one of its subjects (回避):
 * they cannot handle or review it. */
cg_code case_person_barred(PGconn *conn, const char *clue_id, const char *user_id,
                           const char *person_id, cg_err *err);
/* case_stages.c: cg.rpc.case.CaseAction, a case's stages after filing. */
void case_rpc_case_action(cg_rpc_call *call, void *arg);
/* Append a dossier entry with the summary text (owned; freed here). */
cg_code case_note(PGconn *conn, const char *case_id, const cg_actor *actor, const char *action,
                  char *summary, cg_err *err);

/* --- case_disposition.c ---------------------------------------------------- */

/* Check the fields of the actions of case_disposition_apply() in req
 * (each for its own action), adding one violation each to err. */
void case_disposition_fields(const Cleangrid__V1__CaseActionRequest *req, cg_err *err);

/* Carry out a case action that leaves the stage (a CASE_STAGE_SAME row
 * but log_measure) on the locked case k, inside the caller's transaction:
 * investigators, items, executed marks, the extension. producer names the
 * service for an event. */
cg_code case_disposition_apply(PGconn *conn, const cg_actor *actor,
                               const Cleangrid__V1__CaseActionRequest *req,
                               const case_locked_case *k, cg_err *err);
/* Announce the decided disposition of case_id, locked by the caller
 * (cg.evt.case.case.disposed), in the caller's transaction. */
cg_code case_disposition_announce(PGconn *conn, const char *producer, const char *request_id,
                                  const cg_actor *actor, const char *case_id, cg_err *err);
/* cg.rpc.case.ListCases. */
void case_rpc_list_cases(cg_rpc_call *call, void *arg);

/* --- events.c ------------------------------------------------------------ */

/* Announce a just-registered clue (ClueCreated, borrowed), inside the
 * caller's transaction on conn. */
cg_code case_event_clue_created(PGconn *conn, const char *producer, const Cleangrid__V1__Clue *clue,
                                const char *correlation_id, cg_err *err);

/* cg_event_handler for cg.evt.intake.report.submitted; arg is the
 * cg_service_base. */
cg_code case_on_report_submitted(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err);

/* --- org_moves.c ---------------------------------------------------------- */

/* Consumer of cg.evt.gateway.org_unit.moved: every clue under the moved
 * unit takes its new path. */
cg_code case_on_org_unit_moved(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err);

#endif
