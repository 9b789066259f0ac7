/* NATS connection, JetStream context and the shared streams. */
#include "cg/nats.h"

#include <stdlib.h>
#include <string.h>

#include "cg/chain.h"
#include "cg/log.h"
#include "cg/util.h"

static void on_disconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    (void)closure;
    cg_log_warn("NATS disconnected; reconnecting");
}

static void on_reconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    (void)closure;
    cg_log_info("NATS reconnected");
}

cg_code cg_nats_connect(cg_nats **out, const char *url, const char *name, cg_err *err)
{
    cg_code rc = CG_OK;
    natsOptions *opts = NULL;
    natsStatus s;
    cg_nats *n = calloc(1, sizeof(*n));
    if (n == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    cg_strlcpy(n->name, name, sizeof(n->name));

    s = natsOptions_Create(&opts);
    if (s == NATS_OK)
        s = natsOptions_SetURL(opts, url);
    if (s == NATS_OK)
        s = natsOptions_SetName(opts, name);
    /* Once connected, never give up: a NATS restart must not end the
     * service. Requests made while disconnected fail fast instead of waiting
     * in the reconnect buffer, so callers see UNAVAILABLE promptly. */
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, 200);
    if (s == NATS_OK)
        s = natsOptions_SetDisconnectedCB(opts, on_disconnected, NULL);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectedCB(opts, on_reconnected, NULL);
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_INTERNAL, "NATS options: %s", natsStatus_GetText(s));
        goto cleanup;
    }
    s = natsConnection_Connect(&n->conn, opts);
    if (s != NATS_OK) {
        char shown[256];
        cg_url_redact(url, shown, sizeof(shown));
        rc = cg_err_set(err, CG_UNAVAILABLE, "NATS unavailable at %s: %s", shown,
                        natsStatus_GetText(s));
        goto cleanup;
    }
    s = natsConnection_JetStream(&n->js, n->conn, NULL);
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_INTERNAL, "JetStream context: %s", natsStatus_GetText(s));
        goto cleanup;
    }
    *out = n;
    n = NULL;

cleanup:
    natsOptions_Destroy(opts);
    cg_nats_close(n); /* what a failed connect took */
    return rc;
}

void cg_nats_close(cg_nats *n)
{
    if (n == NULL)
        return;
    if (n->conn != NULL) {
        /* Drain lets subscriptions finish the messages already delivered and
         * flushes what we published before the connection closes. */
        if (natsConnection_DrainTimeout(n->conn, 5000) == NATS_OK) {
            int64_t deadline = cg_mono_ms() + 6000;
            while (!natsConnection_IsClosed(n->conn) && cg_mono_ms() < deadline)
                nats_Sleep(10);
        }
        natsConnection_Close(n->conn);
    }
    jsCtx_Destroy(n->js);
    natsConnection_Destroy(n->conn);
    free(n);
}

bool cg_nats_connected(const cg_nats *n)
{
    return n != NULL && n->conn != NULL &&
           natsConnection_Status(n->conn) == NATS_CONN_STATUS_CONNECTED;
}

cg_code cg_nats_subscribe(cg_nats *n, const char *subject, const char *queue,
                          natsMsgHandler handler, void *closure, natsSubscription **out,
                          cg_err *err)
{
    natsStatus s =
        queue != NULL
            ? natsConnection_QueueSubscribe(out, n->conn, subject, queue, handler, closure)
            : natsConnection_Subscribe(out, n->conn, subject, handler, closure);
    if (s != NATS_OK) {
        *out = NULL;
        return cg_err_set(err, CG_UNAVAILABLE, "cannot subscribe to %s: %s", subject,
                          natsStatus_GetText(s));
    }
    return CG_OK;
}

void cg_nats_unsubscribe(natsSubscription **sub)
{
    if (*sub == NULL)
        return;
    /* Drain: a message being handled finishes before what its handler uses
     * goes. */
    if (natsSubscription_Drain(*sub) == NATS_OK)
        natsSubscription_WaitForDrainCompletion(*sub, 5000);
    natsSubscription_Destroy(*sub);
    *sub = NULL;
}

/* keep_all: a stream of evidence (the chains' anchors), whose messages no
 * client may delete or purge. */
static cg_code ensure_stream(cg_nats *n, const char *name, const char *subject, bool keep_all,
                             cg_err *err)
{
    jsStreamConfig cfg;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    const char *subjects[] = {subject};

    jsStreamConfig_Init(&cfg);
    cfg.Name = name;
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.DenyDelete = keep_all;
    cfg.DenyPurge = keep_all;
    natsStatus s = js_AddStream(&si, n->js, &cfg, NULL, &jerr);
    jsStreamInfo_Destroy(si);
    if (s == NATS_OK)
        return CG_OK;
    /* 10058: the stream exists with another config (changed by an operator,
     * say). It still carries our subjects, so keep going but say so. */
    if (jerr == 10058) {
        cg_log_warn("stream %s exists with a different configuration; leaving it as it is", name);
        return CG_OK;
    }
    return cg_err_set(err, CG_UNAVAILABLE, "cannot create stream %s: %s (%d)", name,
                      natsStatus_GetText(s), (int)jerr);
}

/* The streams every service relies on, each with its one subject pattern,
 * whose last token is ">". */
static const struct {
    const char *name;
    const char *subjects;
    bool keep_all;
} streams[] = {
    {CG_STREAM_EVENTS, "cg.evt.>", false},
    {CG_STREAM_ENTERPRISE, "ent.>", false},
    {CG_STREAM_ANCHORS, CG_ANCHOR_SUBJECTS, true},
};

cg_code cg_nats_ensure_streams(cg_nats *n, cg_err *err)
{
    cg_code rc = CG_OK;
    for (size_t i = 0; rc == CG_OK && i < sizeof(streams) / sizeof(streams[0]); i++)
        rc = ensure_stream(n, streams[i].name, streams[i].subjects, streams[i].keep_all, err);
    return rc;
}

bool cg_nats_subject_streamed(const char *subject)
{
    for (size_t i = 0; subject != NULL && i < sizeof(streams) / sizeof(streams[0]); i++) {
        /* "cg.evt.>" takes "cg.evt." and at least one token more. */
        size_t prefix = strlen(streams[i].subjects) - 1;
        if (strncmp(subject, streams[i].subjects, prefix) == 0 && subject[prefix] != '\0')
            return true;
    }
    return false;
}
