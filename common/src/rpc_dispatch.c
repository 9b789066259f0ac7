/* The frame around every RPC method declared as a row (cg/rpc.h): decode,
 * who may call, the connection and its transaction, one answer, cleanup.
 * A handler holds only what its service decides. */
#include "cg/rpc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cg/context.h"
#include "cg/db.h"
#include "cg/idempotency.h"
#include "cg/log.h"
#include "cg/messaging.h"
#include "cg/util.h"

/* Whether the caller may call the method, as the row and the request say. */
static cg_code check_caller(const cg_rpc_req *r, cg_err *err)
{
    const cg_rpc_row *m = r->row;
    if (m->anyone)
        return CG_OK;
    if (r->roles == NULL) {
        if (r->ctx == NULL || r->ctx->actor_user_id == NULL || r->ctx->actor_user_id[0] == '\0')
            return cg_err_set(err, CG_UNAUTHENTICATED, "%s needs a logged-in caller", m->name);
        return CG_OK;
    }
    if (!cg_ctx_has_any_role(r->ctx, r->roles))
        return cg_err_set(err, CG_PERMISSION_DENIED, "your role may not %s",
                          r->doing != NULL ? r->doing : m->name);
    return CG_OK;
}

/* A connection for the row, in a transaction when it asks for one. */
static cg_code take_conn(const cg_rpc_row *m, const cg_rpc_env *env, PGconn **conn, cg_err *err)
{
    if (env == NULL || env->db == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "%s has no database", m->name);
    return cg_db_take(env->db, env->acquire_ms, m->db == CG_RPC_DB_TX, conn, err);
}

void *cg_rpc_state(cg_rpc_req *r, size_t size, void (*cleanup)(void *state, void *request),
                   cg_err *err)
{
    if (r->state != NULL) {
        if (r->state_size != size) {
            cg_err_set(err, CG_INTERNAL, "%s asked for two states", r->row->name);
            return NULL;
        }
        return r->state;
    }
    r->state = calloc(1, size > 0 ? size : 1);
    if (r->state == NULL) {
        cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        return NULL;
    }
    r->state_size = size;
    r->state_cleanup = cleanup;
    return r->state;
}

/* With an Idempotency-Key on an idempotent row: claim the key inside the
 * transaction, or find the first reply (*replay, owned by the caller, freed
 * with protobuf_c_message_free_unpacked()). */
static cg_code idem_begin(cg_rpc_req *r, const void *request, PGconn *conn, const cg_rpc_env *env,
                          cg_idem *idem, ProtobufCMessage **replay, cg_err *err)
{
    const cg_rpc_row *m = r->row;
    uint8_t rh[CG_IDEM_DIGEST_LEN];
    char *plain = NULL;
    size_t plain_len = 0;
    cg_code rc;

    if (m->db != CG_RPC_DB_TX || env == NULL || env->idem_secret == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "%s is idempotent without a transaction or a secret",
                        m->name);
        goto cleanup;
    }
    rc = m->idem_request != NULL ? m->idem_request(r, request, conn, rh, err)
                                 : cg_idem_request_hash(m->name, request, rh, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_idem_begin(idem, conn, env->idem_secret, r->ctx, rh, &plain, &plain_len, err);
    if (rc != CG_OK || idem->claimed)
        goto cleanup;
    *replay = protobuf_c_message_unpack(m->reply, NULL, plain_len, (const uint8_t *)plain);
    if (*replay == NULL)
        rc = cg_err_set(err, CG_INTERNAL, "the stored reply of %s does not decode", m->name);
    else
        cg_log_fields(CG_LOG_INFO, "idempotent repeat answered with the first reply", "method",
                      m->name, NULL);

cleanup:
    /* The reply may hold a receipt. */
    if (plain != NULL)
        cg_free_wiped(plain, plain_len);
    return rc;
}

/* Wipe the top-level strings of a replayed reply (a receipt) before it is
 * freed. */
static void wipe_strings(ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED)
            continue;
        char *str = *(char **)((char *)msg + f->offset);
        if (str != NULL && str != (char *)f->default_value)
            sodium_memzero(str, strlen(str));
    }
}

void cg_rpc_dispatch(const cg_rpc_row *m, cg_rpc_call *call, const cg_rpc_env *env, void *arg)
{
    cg_code rc = CG_OK;
    ProtobufCMessage *request = NULL;
    ProtobufCMessage *reply = NULL;
    ProtobufCMessage *replay = NULL;
    PGconn *conn = NULL;
    cg_idem idem = {0};
    cg_err err;
    cg_rpc_req r = {
        .row = m,
        .request_id = call->request_id != NULL ? call->request_id : "",
        .roles = m->roles,
        .doing = m->doing,
        .arg = arg,
        .nats = call->nats,
    };

    cg_err_clear(&err);
    request = cg_rpc_unpack(call, m->request, &err);
    if (request == NULL) {
        rc = err.code;
        goto cleanup;
    }
    r.ctx = (const Cleangrid__V1__CallContext *)cg_msg_field(
        request, "ctx", &cleangrid__v1__call_context__descriptor);
    if (r.ctx != NULL && r.ctx->request_id != NULL && r.ctx->request_id[0] != '\0')
        r.request_id = r.ctx->request_id;
    if (m->roles_of != NULL && (rc = m->roles_of(request, &r.roles, &r.doing, &err)) != CG_OK)
        goto cleanup;
    if ((rc = check_caller(&r, &err)) != CG_OK)
        goto cleanup;
    if (m->check != NULL && (rc = m->check(&r, request, &err)) != CG_OK)
        goto cleanup;
    if (m->db != CG_RPC_DB_NONE && (rc = take_conn(m, env, &conn, &err)) != CG_OK)
        goto cleanup;
    reply = malloc(m->reply->sizeof_message);
    if (reply == NULL) {
        rc = cg_err_set(&err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    protobuf_c_message_init(m->reply, reply);
    if (m->idempotent && r.ctx != NULL && r.ctx->idempotency_key != NULL &&
        r.ctx->idempotency_key[0] != '\0' &&
        (rc = idem_begin(&r, request, conn, env, &idem, &replay, &err)) != CG_OK)
        goto cleanup;
    if (replay == NULL)
        rc = m->handler(&r, request, conn, reply, &err);
    if (rc == CG_OK && idem.claimed)
        rc = cg_idem_keep(&idem, conn, reply, &err);
    if (rc == CG_OK && m->db == CG_RPC_DB_TX) {
        rc = cg_db_commit(conn, &err);
        if (rc == CG_OK && env->relay != NULL)
            cg_outbox_relay_kick(env->relay);
    }

cleanup:
    /* A handler that failed without saying why is the service's bug. */
    if (rc != CG_OK && err.code == CG_OK)
        cg_err_set(&err, CG_INTERNAL, "%s failed without a reason", m->name);
    /* The connection goes back before the answer is published: the reply
     * borrows only from the state and the request, never from it. The pool
     * rolls back a transaction left open. */
    if (conn != NULL)
        cg_db_release(env->db, conn);
    if (rc == CG_OK)
        cg_rpc_reply(call, replay != NULL ? replay : reply);
    else
        cg_rpc_reply_error(call, &err);
    cg_idem_end(&idem);
    if (replay != NULL) {
        wipe_strings(replay);
        protobuf_c_message_free_unpacked(replay, NULL);
    }
    if (r.state_cleanup != NULL)
        r.state_cleanup(r.state, request);
    if (r.state != NULL) {
        /* The state may have held a secret (a receipt). */
        sodium_memzero(r.state, r.state_size);
        free(r.state);
    }
    free(reply);
    if (request != NULL)
        protobuf_c_message_free_unpacked(request, NULL);
}
