/* NATS: one connection per service with endless reconnect, JetStream, the
 * streams every service relies on, and request/reply RPC with protobuf. */
#ifndef CG_NATS_H
#define CG_NATS_H

#include <nats/nats.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

#include "cg/rpc.h"
#include "cg/status.h"

#define CG_STREAM_EVENTS "CG_EVENTS"
#define CG_STREAM_ENTERPRISE "CG_ENTERPRISE"
#define CG_HEADER_REQUEST_ID "Cg-Request-Id"

typedef struct cg_nats {
    natsConnection *conn;
    jsCtx *js;
    char name[64];
} cg_nats;

/* Connect to url (comma-separated list allowed) as client `name`, retrying
 * the first connect and reconnecting forever afterwards. *out is owned by the
 * caller and closed with cg_nats_close(). */
cg_code cg_nats_connect(cg_nats **out, const char *url, const char *name, cg_err *err);

/* Drain subscriptions (in-flight handlers finish), then close and free. */
void cg_nats_close(cg_nats *nats);

/* Create or confirm the streams CG_EVENTS (cg.evt.>), CG_ENTERPRISE
 * (ent.>) and CG_ANCHORS (cg.anchor.>, denying delete and purge: cg/chain.h),
 * file storage. Safe at every start: an identical config is OK. */
cg_code cg_nats_ensure_streams(cg_nats *nats, cg_err *err);

bool cg_nats_connected(const cg_nats *nats);

/* A core NATS subscription calling handler(closure) for each message of
 * subject, in queue group queue (NULL: every subscriber gets every
 * message). *out is owned by the caller and ended with
 * cg_nats_unsubscribe(); NULL on failure (UNAVAILABLE). */
cg_code cg_nats_subscribe(cg_nats *nats, const char *subject, const char *queue,
                          natsMsgHandler handler, void *closure, natsSubscription **out,
                          cg_err *err);
/* Drain *sub, waiting up to 5 s for a message being handled, destroy it
 * and set it to NULL; nothing when *sub is NULL. */
void cg_nats_unsubscribe(natsSubscription **sub);

/* True if subject is one of the streams' subjects above: JetStream keeps
 * it whenever JetStream is up. A publish to it that finds no responder
 * therefore means JetStream is away (restarting, say), not that the
 * subject has no stream. */
bool cg_nats_subject_streamed(const char *subject);

/* --- RPC server ---------------------------------------------------------- */

typedef struct cg_rpc_server cg_rpc_server;

/* Subscribe to cg.rpc.<service>.* in queue group <service> with `workers`
 * subscriptions (each has its own delivery thread, so up to `workers`
 * requests run at once). A "Ping" method is always answered. The methods
 * table must outlive the server. */
cg_code cg_rpc_server_start(cg_rpc_server **out, cg_nats *nats, const char *service,
                            const cg_rpc_method *methods, size_t nmethods, int workers, void *arg,
                            cg_err *err);
/* cg_rpc_server_start() for a table of rows and methods; the rows take
 * their connections and wake their relay as env (copied; may be NULL)
 * says. The table's arrays must outlive the server. */
cg_code cg_rpc_server_serve(cg_rpc_server **out, cg_nats *nats, const char *service,
                            const cg_rpc_table *table, int workers, const cg_rpc_env *env,
                            void *arg, cg_err *err);
/* Unsubscribe (drain) and wait for in-flight handlers; frees the server. */
void cg_rpc_server_stop(cg_rpc_server *server);

/* --- RPC client ---------------------------------------------------------- */

/* Send req to cg.rpc.<service>.<method> and wait up to timeout_ms. On CG_OK,
 * *reply (owned by the caller, free with protobuf_c_message_free_unpacked)
 * is a reply_desc message whose Status said OK. Otherwise *reply is NULL and
 * err holds the remote Status, or UNAVAILABLE for no responders or a
 * timeout. request_id goes into the Cg-Request-Id header. */
cg_code cg_rpc_call_method(cg_nats *nats, const char *service, const char *method,
                           const char *request_id, const ProtobufCMessage *req,
                           const ProtobufCMessageDescriptor *reply_desc, int64_t timeout_ms,
                           ProtobufCMessage **reply, cg_err *err);

/* cg_rpc_call_method() on any subject (a question that is not a service's
 * method, such as the gateway's org directory, cg/org_directory.h); who
 * names the answerer in err's messages ("the gateway"). Both strings are
 * borrowed for the call. */
cg_code cg_rpc_call_subject(cg_nats *nats, const char *subject, const char *who,
                            const char *request_id, const ProtobufCMessage *req,
                            const ProtobufCMessageDescriptor *reply_desc, int64_t timeout_ms,
                            ProtobufCMessage **reply, cg_err *err);

/* Ping a service; CG_OK when it answered. */
cg_code cg_rpc_ping(cg_nats *nats, const char *service, int64_t timeout_ms, cg_err *err);

#endif
