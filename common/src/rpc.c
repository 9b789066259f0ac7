/* Request/reply RPC over NATS with protobuf payloads.
 *
 * Every reply message keeps its Status in field 1 named "status", so the
 * server can answer any method with an ErrorReply and the client can read
 * the status of any reply through its descriptor. */
#include "cg/nats.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/context.h"
#include "cg/log.h"
#include "cg/util.h"

#define PING_METHOD "Ping"

struct cg_rpc_server {
    cg_nats *nats;
    char service[64];
    const cg_rpc_row *rows;
    size_t nrows;
    const cg_rpc_method *methods;
    size_t nmethods;
    void *arg;
    cg_rpc_env env;
    bool has_env;
    int nsubs;
    natsSubscription **subs;
    atomic_int inflight; /* handlers running now */
};

static void publish_packed(cg_rpc_call *call, const ProtobufCMessage *msg)
{
    /* One request, one answer: a second would reach a caller that has
     * already moved on, or contradict the first. */
    if (call->replied) {
        cg_log_error("%s answered twice; the second answer was dropped", call->method);
        return;
    }
    call->replied = true;
    if (call->sink != NULL) {
        call->sink(msg, call->sink_arg);
        return;
    }
    const char *reply_to = natsMsg_GetReply(call->msg);
    if (reply_to == NULL || reply_to[0] == '\0')
        return;
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t stack_buf[4096];
    uint8_t *buf = len <= sizeof(stack_buf) ? stack_buf : malloc(len);
    if (buf == NULL) {
        cg_log_error("out of memory packing a %zu-byte reply", len);
        return;
    }
    protobuf_c_message_pack(msg, buf);
    natsStatus s = natsConnection_Publish(call->nats->conn, reply_to, buf, (int)len);
    if (s != NATS_OK)
        cg_log_warn("reply to %s not sent: %s", call->method, natsStatus_GetText(s));
    if (buf != stack_buf)
        free(buf);
}

void cg_rpc_reply(cg_rpc_call *call, const ProtobufCMessage *reply)
{
    publish_packed(call, reply);
}

void cg_rpc_reply_error(cg_rpc_call *call, const cg_err *err)
{
    /* The caller's mistakes are the caller's to report; the service's own
     * failures are logged here, once, for every method. */
    if (err->code == CG_INTERNAL || err->code == CG_UNAVAILABLE)
        cg_log_error("%s failed: %s: %s", call->method, cg_code_name(err->code), err->message);
    Cleangrid__V1__ErrorReply reply = CLEANGRID__V1__ERROR_REPLY__INIT;
    cg_status_pb st;
    cg_status_pb_init(&st, err);
    reply.status = &st.status;
    publish_packed(call, &reply.base);
}

ProtobufCMessage *cg_rpc_unpack(const cg_rpc_call *call, const ProtobufCMessageDescriptor *desc,
                                cg_err *err)
{
    ProtobufCMessage *msg = protobuf_c_message_unpack(desc, NULL, call->len, call->data);
    if (msg == NULL)
        cg_err_set(err, CG_INVALID_ARGUMENT, "request is not a valid %s", desc->name);
    return msg;
}

ProtobufCMessage *cg_rpc_decode(cg_rpc_call *call, const ProtobufCMessageDescriptor *desc)
{
    cg_err err;
    cg_err_clear(&err);
    ProtobufCMessage *msg = cg_rpc_unpack(call, desc, &err);
    if (msg == NULL)
        cg_rpc_reply_error(call, &err);
    return msg;
}

static void answer_ping(cg_rpc_call *call, const char *service)
{
    Cleangrid__V1__PingReply reply = CLEANGRID__V1__PING_REPLY__INIT;
    cg_err ok;
    cg_status_pb st;
    cg_err_clear(&ok);
    cg_status_pb_init(&st, &ok);
    reply.status = &st.status;
    reply.service = (char *)service;
    reply.version = (char *)"0.1.0";
    cg_rpc_reply(call, &reply.base);
}

static void on_request(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    cg_rpc_server *server = closure;
    atomic_fetch_add(&server->inflight, 1);
    const char *subject = natsMsg_GetSubject(msg);
    const char *dot = strrchr(subject, '.');
    const char *rid = NULL;
    if (natsMsgHeader_Get(msg, CG_HEADER_REQUEST_ID, &rid) != NATS_OK || rid == NULL)
        rid = "";
    cg_log_set_request_id(rid);

    cg_rpc_call call = {
        .nats = server->nats,
        .msg = msg,
        .method = dot ? dot + 1 : subject,
        .data = (const uint8_t *)natsMsg_GetData(msg),
        .len = (size_t)natsMsg_GetDataLength(msg),
        .request_id = rid,
    };
    const cg_rpc_row *row = NULL;
    const cg_rpc_method *m = NULL;
    for (size_t i = 0; i < server->nrows; i++)
        if (strcmp(server->rows[i].name, call.method) == 0)
            row = &server->rows[i];
    for (size_t i = 0; i < server->nmethods; i++)
        if (strcmp(server->methods[i].name, call.method) == 0)
            m = &server->methods[i];

    if (row != NULL) {
        cg_rpc_dispatch(row, &call, server->has_env ? &server->env : NULL, server->arg);
    } else if (m != NULL) {
        m->handler(&call, server->arg);
    } else if (strcmp(call.method, PING_METHOD) == 0) {
        answer_ping(&call, server->service);
    } else {
        cg_err err;
        cg_err_clear(&err);
        cg_err_set(&err, CG_NOT_FOUND, "%s has no method %s", server->service, call.method);
        cg_rpc_reply_error(&call, &err);
    }
    if (!call.replied) {
        cg_err err;
        cg_err_clear(&err);
        cg_err_set(&err, CG_INTERNAL, "%s.%s gave no answer", server->service, call.method);
        cg_log_error("%s", err.message);
        cg_rpc_reply_error(&call, &err);
    }
    cg_log_set_request_id(NULL);
    natsMsg_Destroy(msg);
    atomic_fetch_sub(&server->inflight, 1);
}

cg_code cg_rpc_server_start(cg_rpc_server **out, cg_nats *nats, const char *service,
                            const cg_rpc_method *methods, size_t nmethods, int workers, void *arg,
                            cg_err *err)
{
    cg_rpc_table table = {.methods = methods, .nmethods = nmethods};
    return cg_rpc_server_serve(out, nats, service, &table, workers, NULL, arg, err);
}

cg_code cg_rpc_server_serve(cg_rpc_server **out, cg_nats *nats, const char *service,
                            const cg_rpc_table *table, int workers, const cg_rpc_env *env,
                            void *arg, cg_err *err)
{
    cg_code rc = CG_OK;
    char subject[128];
    cg_rpc_server *server = calloc(1, sizeof(*server));
    if (server == NULL ||
        (server->subs = calloc((size_t)workers, sizeof(natsSubscription *))) == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    server->nats = nats;
    cg_strlcpy(server->service, service, sizeof(server->service));
    server->rows = table->rows;
    server->nrows = table->nrows;
    server->methods = table->methods;
    server->nmethods = table->nmethods;
    server->arg = arg;
    if (env != NULL) {
        server->env = *env;
        server->has_env = true;
    }
    snprintf(subject, sizeof(subject), "cg.rpc.%s.*", service);

    /* Each subscription in the queue group gets its own delivery thread, so
     * `workers` subscriptions handle that many requests at once, and other
     * replicas of the service join the same group. */
    for (int i = 0; i < workers; i++) {
        natsStatus s = natsConnection_QueueSubscribe(&server->subs[i], nats->conn, subject, service,
                                                     on_request, server);
        if (s != NATS_OK) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "cannot subscribe to %s: %s", subject,
                            natsStatus_GetText(s));
            goto cleanup;
        }
        natsSubscription_SetPendingLimits(server->subs[i], 65536, 64 * 1024 * 1024);
        server->nsubs++;
    }
    cg_log_info("serving %s with %d workers", subject, workers);
    *out = server;
    server = NULL;

cleanup:
    cg_rpc_server_stop(server); /* what a failed start took */
    return rc;
}

void cg_rpc_server_stop(cg_rpc_server *server)
{
    if (server == NULL)
        return;
    /* Drain: stop receiving new requests and let the ones already delivered
     * finish. A drain gives up after its own timeout even while a handler
     * still runs, so wait for the handlers themselves before freeing what
     * they use: a hung handler holds up the stop rather than crash it. */
    for (int i = 0; i < server->nsubs; i++)
        natsSubscription_Drain(server->subs[i]);
    for (int i = 0; i < server->nsubs; i++)
        natsSubscription_WaitForDrainCompletion(server->subs[i], 0);
    for (int waited = 0; atomic_load(&server->inflight) > 0; waited++) {
        if (waited % 500 == 0)
            cg_log_warn("waiting for %d request(s) to finish", atomic_load(&server->inflight));
        nats_Sleep(10);
    }
    for (int i = 0; i < server->nsubs; i++)
        natsSubscription_Destroy(server->subs[i]);
    free(server->subs);
    free(server);
}

cg_code cg_rpc_call_subject(cg_nats *nats, const char *subject, const char *who,
                            const char *request_id, const ProtobufCMessage *req,
                            const ProtobufCMessageDescriptor *reply_desc, int64_t timeout_ms,
                            ProtobufCMessage **reply, cg_err *err)
{
    cg_code rc = CG_OK;
    natsMsg *msg = NULL;
    natsMsg *answer = NULL;
    ProtobufCMessage *decoded = NULL;
    uint8_t stack_buf[4096];
    uint8_t *buf = stack_buf;
    natsStatus s;

    *reply = NULL;
    /* While disconnected nats.c would buffer the request and the caller
     * would wait out the whole deadline for an answer that cannot come. */
    if (!cg_nats_connected(nats))
        return cg_err_set(err, CG_UNAVAILABLE, "the message bus is unavailable; try again shortly");
    size_t len = protobuf_c_message_get_packed_size(req);
    if (len > sizeof(stack_buf) && (buf = malloc(len)) == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    protobuf_c_message_pack(req, buf);

    s = natsMsg_Create(&msg, subject, NULL, (const char *)buf, (int)len);
    if (s == NATS_OK && request_id != NULL && request_id[0] != '\0')
        s = natsMsgHeader_Set(msg, CG_HEADER_REQUEST_ID, request_id);
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_INTERNAL, "cannot build request: %s", natsStatus_GetText(s));
        goto cleanup;
    }
    s = natsConnection_RequestMsg(&answer, nats->conn, msg, timeout_ms);
    if (s == NATS_NO_RESPONDERS) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "%s is not available", who);
        goto cleanup;
    }
    if (s == NATS_TIMEOUT) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "%s did not answer in time", who);
        goto cleanup;
    }
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "cannot reach %s: %s", who, natsStatus_GetText(s));
        goto cleanup;
    }
    decoded = protobuf_c_message_unpack(reply_desc, NULL, (size_t)natsMsg_GetDataLength(answer),
                                        (const uint8_t *)natsMsg_GetData(answer));
    if (decoded == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "%s sent an undecodable reply", who);
        goto cleanup;
    }
    rc = cg_err_from_pb(err, (const Cleangrid__V1__Status *)cg_msg_field(
                                 decoded, "status", &cleangrid__v1__status__descriptor));
    if (rc == CG_OK) {
        *reply = decoded;
        decoded = NULL;
    }

cleanup:
    if (decoded != NULL)
        protobuf_c_message_free_unpacked(decoded, NULL);
    natsMsg_Destroy(answer);
    natsMsg_Destroy(msg);
    if (buf != stack_buf)
        free(buf);
    return rc;
}

cg_code cg_rpc_call_method(cg_nats *nats, const char *service, const char *method,
                           const char *request_id, const ProtobufCMessage *req,
                           const ProtobufCMessageDescriptor *reply_desc, int64_t timeout_ms,
                           ProtobufCMessage **reply, cg_err *err)
{
    char subject[128], who[96];
    snprintf(subject, sizeof(subject), "cg.rpc.%s.%s", service, method);
    snprintf(who, sizeof(who), "the %s service", service);
    return cg_rpc_call_subject(nats, subject, who, request_id, req, reply_desc, timeout_ms, reply,
                               err);
}

cg_code cg_rpc_ping(cg_nats *nats, const char *service, int64_t timeout_ms, cg_err *err)
{
    Cleangrid__V1__PingRequest req = CLEANGRID__V1__PING_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    cg_code rc =
        cg_rpc_call_method(nats, service, PING_METHOD, NULL, &req.base,
                           &cleangrid__v1__ping_reply__descriptor, timeout_ms, &reply, err);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}
