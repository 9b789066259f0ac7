/* The administration API: org units (admin_units.c) and accounts
 * (admin_accounts.c), and what they share (admin.c). Each handler runs
 * after the dispatcher checked units.admin or accounts.admin.
 *
 * Everything an administrator touches lies inside the administrator's own
 * scope (org path subtree): a unit or an account outside it answers 404, as
 * in every other part of the API. Lists are ordered by org path (units) and
 * username (accounts) and paged with ?limit=&cursor=, where the cursor is
 * the last path or username of the page before. Reads of one record carry
 * an ETag; an update that sends If-Match with a stale one answers 412 and
 * changes nothing. */
#ifndef GW_ADMIN_H
#define GW_ADMIN_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "admin_rules.h"
#include "cg/status.h"

struct gw_request;

/* GET /api/v1/org-units, POST /api/v1/org-units, GET and PATCH (rename)
 * /api/v1/org-units/{id}, POST /api/v1/org-units/{id}/move, .../retire,
 * POST /api/v1/org-units/import (JSON or CSV). {id} is the unit's code. */
void gw_route_list_units(struct gw_request *req);
void gw_route_create_unit(struct gw_request *req);
void gw_route_get_unit(struct gw_request *req);
void gw_route_rename_unit(struct gw_request *req);
void gw_route_move_unit(struct gw_request *req);
void gw_route_retire_unit(struct gw_request *req);
void gw_route_import_units(struct gw_request *req);

/* GET /api/v1/accounts, POST /api/v1/accounts, GET and PATCH (roles, display
 * name, unit, person id) /api/v1/accounts/{id}, POST
 * /api/v1/accounts/{id}/lock, .../unlock, .../disable, .../password (reset).
 * {id} is the account's UUID. */
void gw_route_list_accounts(struct gw_request *req);
void gw_route_create_account(struct gw_request *req);
void gw_route_get_account(struct gw_request *req);
void gw_route_update_account(struct gw_request *req);
void gw_route_lock_account(struct gw_request *req);
void gw_route_unlock_account(struct gw_request *req);
void gw_route_disable_account(struct gw_request *req);
void gw_route_reset_password(struct gw_request *req);

/* GET /api/v1/people?role=&q=&limit=&cursor= (people.c): the people lookup
 * of the office's forms (people.read), the active accounts of the caller's
 * scope with their unit; never a password hash or lock detail. */
void gw_route_list_people(struct gw_request *req);

/* --- admin.c: shared by the two -------------------------------------------- */

/* Renders one row of a result as the API's JSON object (new tree, owned by
 * the caller), or NULL when out of memory. */
typedef cJSON *(*gw_admin_row_fn)(const PGresult *res, int row);

/* Add to o what every view of an account shows first, from columns 0 to 3
 * of row: its id, username, display name and roles. False when out of
 * memory. */
bool gw_admin_add_account(cJSON *o, const PGresult *res, int row);

/* Run sql on a pooled connection; on CG_OK *res is the result (PQclear). */
cg_code gw_admin_query(struct gw_request *req, const char *sql, int n, const char *const *params,
                       PGresult **res, cg_err *err);

/* Read the one record sql ($1 id, $2 the caller's scope) names, on conn
 * or, when conn is NULL, on a pooled connection, into *res (PQclear,
 * whatever is returned). True when it is there; false when the request has
 * been answered: the error, or 404 "no such <what>". */
bool gw_admin_read_one(struct gw_request *req, PGconn *conn, const char *sql, const char *id,
                       const char *what, PGresult **res);

/* Read the body into *body and its members into fields. On false the
 * request is answered and *body is NULL or still to be deleted. */
bool gw_admin_read_fields(struct gw_request *req, cJSON **body, gw_body_field *fields, size_t n);

/* 404 problem+json "no such <what>". */
void gw_admin_send_not_found(struct gw_request *req, const char *what);

/* Answer a list: sql takes $1 the caller's scope, $2 the cursor ("" for
 * the first page) and $3 the row limit, and returns rows in cursor order
 * with the cursor in column cursor_col. */
void gw_admin_send_list(struct gw_request *req, const char *sql, int cursor_col,
                        gw_admin_row_fn row_json);

/* The most parameters gw_admin_send_list_with() passes after the three. */
#define GW_ADMIN_EXTRA_MAX 4

/* gw_admin_send_list() with the list's own filters: sql takes extra[0..n)
 * (n at most GW_ADMIN_EXTRA_MAX; borrowed) as $4 onwards. */
void gw_admin_send_list_with(struct gw_request *req, const char *sql, int cursor_col,
                             gw_admin_row_fn row_json, const char *const *extra, int nextra);

/* Answer one record (sql: $1 id, $2 the caller's scope) with an ETag, or
 * 404 "no such <what>". */
void gw_admin_send_one(struct gw_request *req, const char *sql, const char *id,
                       gw_admin_row_fn row_json, int status, const char *what);

/* Lock the record the request's {id} names (lock_sql: $1 id, $2 the
 * caller's scope, ending in FOR UPDATE) inside conn's open transaction and
 * check the request's If-Match against its current representation. True
 * to go on; false when it has answered: 404 "no such <what>", 412 when the
 * caller's copy is stale, or the error. */
bool gw_admin_lock_current(struct gw_request *req, PGconn *conn, const char *lock_sql,
                           gw_admin_row_fn row_json, const char *what);

/* Take a pooled connection and begin a transaction on it. Returns the
 * connection (give it back with cg_db_release(), which rolls back an open
 * transaction), or NULL when the request has been answered with the
 * error. */
PGconn *gw_admin_begin(struct gw_request *req);

/* Commit *conn's transaction and give the connection back (*conn is NULL
 * then). True when committed; false when the request has been answered
 * with the error, the connection still the caller's to release. */
bool gw_admin_commit(struct gw_request *req, PGconn **conn);

/* Start an update: take a pooled connection, begin, and lock and check the
 * record as gw_admin_lock_current() does. Returns the connection (give it
 * back with cg_db_release(), which rolls back an open transaction), or NULL
 * when the request has been answered. */
PGconn *gw_admin_begin_update(struct gw_request *req, const char *lock_sql,
                              gw_admin_row_fn row_json, const char *what);

#endif
