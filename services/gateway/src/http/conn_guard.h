/* What keeps the gateway serving while some clients connect and then send
 * slowly, or not at all.
 *
 * civetweb gives each connection a worker thread for as long as it reads
 * from it. It bounds the request head itself (request_timeout_ms, counted
 * from the first byte of the request), but not the body: one mg_read waits
 * until its whole length has come, so a body sent a byte at a time holds a
 * worker for ever, and a few dozen such clients hold them all. This module
 * adds what civetweb lacks:
 *   - a cap on the connections one client address holds at once, refused
 *     with 429 before a byte of theirs is read (trusted proxies, whose
 *     clients are many, and CG_RATE_EXEMPT addresses are spared);
 *   - a deadline for the whole body, kept by a watchdog thread that shuts
 *     the read side of a connection past it, so the read blocked on it
 *     returns and the request is answered 408;
 *   - 408, not 400, for a head that missed its deadline.
 * Enough workers (CG_HTTP_THREADS) then serve honest clients while the slow
 * ones wait out their deadline. docs/operations.md gives the figures. */
#ifndef GW_CONN_GUARD_H
#define GW_CONN_GUARD_H

#include <stdbool.h>

#include "cg/status.h"

struct mg_connection;
struct gw_app;
struct gw_request;

typedef struct gw_conn_guard gw_conn_guard;

/* Start guarding with app's limits (app->http_conn_per_addr,
 * app->http_head_timeout_ms); *out is owned by the
 * caller, freed with gw_conn_guard_destroy() once civetweb has stopped. */
cg_code gw_conn_guard_create(struct gw_app *app, gw_conn_guard **out, cg_err *err);
/* Stop the watchdog and free. NULL is fine. */
void gw_conn_guard_destroy(gw_conn_guard *guard);

/* civetweb's connection_close callback: forget the connection (the
 * guard registers it in its own accept(), conn_guard.c). */
void gw_conn_guard_closed(const struct mg_connection *conn);

/* Start the deadline for req's body: it must have arrived whole within
 * timeout_ms of now, or the connection's read side is shut. Called once a
 * request that declares a body has been framed; an upload calls it again
 * with its longer deadline. */
void gw_conn_guard_body_begin(struct gw_request *req, long timeout_ms);
/* The body has been read (or will not be): no deadline any more. */
void gw_conn_guard_body_end(struct gw_request *req);
/* True when req's body missed its deadline: what was read of it is cut
 * short, and the answer is 408 with the connection closed. */
bool gw_conn_guard_body_late(const struct gw_request *req);
/* True when conn's request head has taken its whole deadline, so the
 * malformed-message error civetweb reports for it is in truth a 408. */
bool gw_conn_guard_head_late(const struct mg_connection *conn);
/* The request on conn was answered: its next head's deadline starts now. */
void gw_conn_guard_request_done(const struct mg_connection *conn);

#endif
