/* An RPC method as a row, and the frame common/ runs around its handler.
 *
 * A service declares each method of cg.rpc.<service>.* as a row of its
 * cg_rpc_row table: the subject's last part, the request and reply
 * messages, who may call it, what it needs of the database, and the
 * functions that do the method's own work. For a row with a handler the
 * dispatcher (common/src/rpc_dispatch.c) does everything else, in order:
 *
 *  1. decode the request: INVALID_ARGUMENT "request is not a valid <type>";
 *  2. name the roles: the row's, or those its roles_of callback reads from
 *     the decoded request (a method whose actions need different roles,
 *     like the case service's ClueAction);
 *  3. check them against the CallContext in the request's field "ctx":
 *     PERMISSION_DENIED "your role may not <doing>". A row without roles
 *     admits any authenticated caller (UNAUTHENTICATED without a user id);
 *     a row marked .anyone admits the public;
 *  4. run the row's check, if any: the request's pure checks and any slow
 *     work that needs no database, before a connection is taken, so a bad
 *     request never waits for the pool;
 *  5. take a pooled connection (CG_RPC_DB_CONN, CG_RPC_DB_TX) and begin a
 *     transaction (CG_RPC_DB_TX): UNAVAILABLE when none is free in time;
 *  6. for an idempotent row with an Idempotency-Key, claim the key in the
 *     transaction: a repeat gets the first reply instead of the handler's
 *     run (cg/idempotency.h); call the handler with the request, the
 *     connection and the reply to fill, and keep its reply under the key;
 *  7. commit the transaction and wake the outbox relay (the handler may
 *     have written events), or roll back when anything failed, and give
 *     the connection back;
 *  8. answer the reply, or the error, exactly once;
 *  9. run the state's cleanup, wipe and free the state, free the request.
 *
 * A method that must write its own frame (one not moved to a row yet) is a
 * cg_rpc_method instead: a name and a cg_rpc_handler, called as before. */
#ifndef CG_RPC_H
#define CG_RPC_H

#include <libpq-fe.h>
#include <nats/nats.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"
#include "cleangrid/v1/common.pb-c.h"

typedef struct cg_nats cg_nats;
typedef struct cg_db cg_db;
typedef struct cg_outbox_relay cg_outbox_relay;

/* How long a request waits for a free database connection. */
#define CG_RPC_DB_ACQUIRE_MS 5000

/* One request as the transport delivered it. */
typedef struct cg_rpc_call {
    cg_nats *nats;
    natsMsg *msg;        /* borrowed; the server frees it after the handler */
    const char *method;  /* the last subject token */
    const uint8_t *data; /* request bytes */
    size_t len;
    const char *request_id; /* from the Cg-Request-Id header, or "" */
    bool replied;
    /* Where answers go instead of the caller's reply subject (tests, which
     * run the dispatcher without a server); NULL in a service. The answer is
     * borrowed for the call's duration. */
    void (*sink)(const ProtobufCMessage *answer, void *sink_arg);
    void *sink_arg;
} cg_rpc_call;

/* A method that writes its own frame: it decodes the request and answers
 * exactly once with cg_rpc_reply() or cg_rpc_reply_error(); the server
 * answers INTERNAL if it does not. arg is the pointer given to the server. */
typedef void (*cg_rpc_handler)(cg_rpc_call *call, void *arg);

typedef struct cg_rpc_method {
    const char *name; /* e.g. "GetClue" */
    cg_rpc_handler handler;
} cg_rpc_method;

typedef enum cg_rpc_db_need {
    CG_RPC_DB_NONE = 0, /* no connection: the handler gets NULL */
    CG_RPC_DB_CONN,     /* a pooled connection, each statement its own transaction */
    CG_RPC_DB_TX,       /* a connection in a transaction, committed after the handler */
} cg_rpc_db_need;

typedef struct cg_rpc_row cg_rpc_row;

/* What the dispatcher knows of one call, for the row's functions. Every
 * pointer is borrowed and valid until the call's answer is sent. */
typedef struct cg_rpc_req {
    const cg_rpc_row *row;
    /* The request's CallContext (its field "ctx"), NULL when it has none. */
    const Cleangrid__V1__CallContext *ctx;
    /* The CallContext's request id, else the transport header's; never NULL. */
    const char *request_id;
    const char *const *roles; /* the roles that were checked; NULL: any caller */
    const char *doing;        /* what the roles allow, for messages */
    void *arg;                /* the service's, given to cg_service_base_serve() */
    /* The connection the call came in on (the call's), for a handler that
     * reads from NATS itself, as VerifyDossier reads a file's anchors; NULL
     * when the dispatcher runs without a server (tests). */
    cg_nats *nats;
    /* The call's state (cg_rpc_state()), NULL until one is asked for. */
    void *state;
    size_t state_size;
    void (*state_cleanup)(void *state, void *request);
} cg_rpc_req;

/* The roles a request needs, read from the decoded request: *roles
 * (NULL-terminated, static; NULL for any authenticated caller) and *doing
 * (for "your role may not <doing>"; borrowed from the request or static).
 * INVALID_ARGUMENT for a request that names no known action. */
typedef cg_code (*cg_rpc_roles_fn)(const void *request, const char *const **roles,
                                   const char **doing, cg_err *err);
/* Checks and work before a connection is taken. request is the row's
 * request type, borrowed. */
typedef cg_code (*cg_rpc_check_fn)(cg_rpc_req *r, const void *request, cg_err *err);
/* The method's own work. conn is NULL for CG_RPC_DB_NONE, else borrowed
 * (inside a transaction for CG_RPC_DB_TX: never commit it here). reply is
 * the row's reply type, initialised; whatever the handler points it at must
 * stay valid until the answer is sent: keep it in the call's state
 * (cg_rpc_state()) or in the request. */
typedef cg_code (*cg_rpc_handler_fn)(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err);
/* The digest of what a request asks, for a row whose request names an
 * attempt rather than what is asked (an upload id, which a retry replaces):
 * read what the attempt stands for on conn (inside the transaction) and
 * digest it with cg_idem_parts_hash() (cg/idempotency.h) into out. */
typedef cg_code (*cg_rpc_idem_request_fn)(cg_rpc_req *r, const void *request, PGconn *conn,
                                          uint8_t out[32], cg_err *err);

/* A row of a service's method table. Rows are static data: name the
 * columns (designated initialisers), and leave out what a method does not
 * need. */
struct cg_rpc_row {
    const char *name; /* the subject's last part, e.g. "GetClue" */
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *reply;
    /* Who may call it: the public (anyone), any of roles (NULL-terminated),
     * the roles roles_of names from the request, or, with none of these, any
     * authenticated caller. doing words what the roles allow ("read clues");
     * NULL words it as the method's name. */
    bool anyone;
    const char *const *roles;
    cg_rpc_roles_fn roles_of;
    const char *doing;
    cg_rpc_db_need db;
    cg_rpc_check_fn check; /* may be NULL */
    cg_rpc_handler_fn handler;
    /* A method that creates a record: with an Idempotency-Key in the
     * CallContext it runs once per caller and key, and a repeat gets the
     * first reply (cg/idempotency.h). Needs CG_RPC_DB_TX. idem_request
     * digests what a request asks when its packed bytes (less the context)
     * do not; NULL for those bytes. */
    bool idempotent;
    cg_rpc_idem_request_fn idem_request;
    /* What a handler that several services share needs to know of the one
     * it serves (cg/documents.h's rows carry their cg_documents), read as
     * r->row->data; NULL for a service's own rows. Borrowed, static. */
    const void *data;
};

/* The call's state: size bytes, zeroed, allocated by the first call and
 * returned by later ones (check and handler share it). The reply may
 * borrow from it. After the answer the dispatcher calls cleanup (may be
 * NULL) with the state and the request (to free what the state holds and
 * wipe the request's secrets), then wipes and frees the state. NULL with
 * UNAVAILABLE when out of memory, INTERNAL when a later call asks for
 * another size. */
void *cg_rpc_state(cg_rpc_req *r, size_t size, void (*cleanup)(void *state, void *request),
                   cg_err *err);

/* Everything a service serves: its rows, and the methods that still write
 * their own frame (NULL and 0 for none). A name in both is served by its
 * row. Borrowed; the arrays outlive the server. */
typedef struct cg_rpc_table {
    const cg_rpc_row *rows;
    size_t nrows;
    const cg_rpc_method *methods;
    size_t nmethods;
} cg_rpc_table;

/* Where the dispatcher takes connections from. Every pointer is borrowed
 * and outlives the server. */
typedef struct cg_rpc_env {
    cg_db *db;              /* NULL: a row that needs a connection fails UNAVAILABLE */
    cg_outbox_relay *relay; /* woken after each commit; may be NULL */
    int acquire_ms;         /* how long to wait for a free connection */
    /* The service's idempotency secret (cg_idem_secret()), 32 bytes; NULL
     * when it has none, and then a key sent to an idempotent row is
     * refused INTERNAL rather than ignored. */
    const uint8_t *idem_secret;
} cg_rpc_env;

/* Run row m's frame for call (see the top of this file). env may be NULL
 * for rows that need no database. Answers exactly once. */
void cg_rpc_dispatch(const cg_rpc_row *m, cg_rpc_call *call, const cg_rpc_env *env, void *arg);

/* Pack reply (whose field 1 is a Status) and publish it to the caller.
 * Only the first answer of a call is sent; a second is logged and dropped. */
void cg_rpc_reply(cg_rpc_call *call, const ProtobufCMessage *reply);
/* Answer with an ErrorReply carrying err: any reply type decodes it. An
 * INTERNAL or UNAVAILABLE error (the service's fault, not the caller's) is
 * logged too; its message must not hold secrets. */
void cg_rpc_reply_error(cg_rpc_call *call, const cg_err *err);

/* Unpack call's request as desc. NULL with INVALID_ARGUMENT in err when
 * the bytes are not such a message. The caller owns the message and frees
 * it with protobuf_c_message_free_unpacked(msg, NULL). */
ProtobufCMessage *cg_rpc_unpack(const cg_rpc_call *call, const ProtobufCMessageDescriptor *desc,
                                cg_err *err);
/* cg_rpc_unpack() for a method that writes its own frame: on failure it
 * answers INVALID_ARGUMENT itself and returns NULL. */
ProtobufCMessage *cg_rpc_decode(cg_rpc_call *call, const ProtobufCMessageDescriptor *desc);

#endif
