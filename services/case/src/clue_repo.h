/* The clues' repository (问题线索): every statement on the clues table
 * and the tables that hang from it, parameterized, values cast in SQL. A
 * clue is visible to an actor inside its scope, not about the actor and
 * not recused from (CASE_CLUE_VISIBLE). */
#ifndef CASE_CLUE_REPO_H
#define CASE_CLUE_REPO_H

#include <stdbool.h>
#include <stdint.h>

#include "access.h"
#include "cg/db.h"
#include "cleangrid/v1/intake.pb-c.h"
#include "clue_view.h"
#include "lifecycle.h"
#include "cg/page.h"
#include "cg/query.h"

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

/* The clue id if the actor may see it. NOT_FOUND, with one message,
 * whether it does not exist, lies outside the scope, is about the actor
 * or the actor recused from it: a caller must not learn which. *out is
 * owned by the caller. */
cg_code case_repo_get(PGconn *conn, const cg_actor *actor, const char *id, PGresult **out,
                      cg_err *err);

/* Run sql with $1 the actor's scope, $2 id, $3 its person id, $4 its user
 * id, $5 the keys of its display name (CASE_CLUE_VISIBLE); NOT_FOUND "clue not found" when it
 * returns no row. *out is owned by the caller. */
cg_code case_repo_one_visible(PGconn *conn, const char *sql, const cg_actor *actor, const char *id,
                              PGresult **out, cg_err *err);

/* A dossier's file (a clue, or a case through its clue) if the actor may
 * see it; its handler's user id is copied into handler ("" for none; for a
 * case, the actor's own id when it is one of the investigators, else "").
 * NOT_FOUND "clue or case not found" otherwise. The find function of the
 * service's cg_dossier_files (cg/dossier_rpc.h): the handler is the owner
 * whose reads of the dossier are not recorded in it. */
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

/* FAILED_PRECONDITION saying why when the person (user_id, person_id "" for
 * none) declared a recusal on the clue or is one of its subjects (回避):
 * they cannot handle or review it. */
cg_code case_person_barred(PGconn *conn, const char *clue_id, const char *user_id,
                           const char *person_id, cg_err *err);

/* Hold back from the accounts they may name the names that the subjects
 * in subjects_json (the clue's, as stored; borrowed) give without a person
 * id (case_hold_keys()), on clue_id, inside the caller's transaction on
 * conn. A name cleared before stays cleared; one confirmed before waits
 * again once no subject carries the person id it was confirmed as. */
cg_code case_repo_hold_names(PGconn *conn, const char *clue_id, const char *subjects_json,
                             cg_err *err);

/* Hold back the names of every clue registered before names were held
 * (none of its names has a row yet), each on its own, on a connection of
 * db. Run once at start, before the service reads or serves. */
cg_code case_repo_hold_backfill(cg_db *db, cg_err *err);

/* Decide the pending name key of clue_id: state "confirmed" (person_id the
 * person it names, canonical) or "cleared", decided by user decided_by.
 * FAILED_PRECONDITION when no such name waits for a decision. */
cg_code case_repo_decide_name(PGconn *conn, const char *clue_id, const char *key, const char *state,
                              const char *person_id, const char *decided_by, cg_err *err);

/* Append to q (started with case_query_start, $1 the scope) the WHERE of
 * the clues the actor sees that pass f: only the filters that are set. */
void case_clue_where(cg_query *q, const case_list_filter *f);

/* One clue as a reply shows it: the row and the view that borrows from it.
 * Zeroed means empty; free with case_clue_row_free() whatever happened. */
typedef struct case_clue_row {
    PGresult *res; /* owned */
    case_clue_view view;
    bool have_view;
} case_clue_row;

/* Read the first row of res (owned from now on, even on failure) into
 * *out. */
cg_code case_clue_row_read(case_clue_row *out, PGresult *res, cg_err *err);

/* Clue id as the actor sees it now (NOT_FOUND as case_repo_get()). */
cg_code case_clue_row_get(PGconn *conn, const cg_actor *actor, const char *id, case_clue_row *out,
                          cg_err *err);

void case_clue_row_free(case_clue_row *r);

#endif
