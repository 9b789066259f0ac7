/* Anchors of hash chains on JetStream: publish one, read the newest, read
 * them all (chain.h). The stream is declared by cg_nats_ensure_streams(). */
#include <stdlib.h>
#include <string.h>

#include "cg/chain.h"
#include "cg/nats.h"

/* How long one JetStream request may take. */
#define ANCHOR_WAIT_MS 5000
/* Anchors asked for at a time when reading them all. */
#define ANCHOR_BATCH 256
/* JetStream's error code for "no message found". */
#define JS_NO_MESSAGE 10037

cg_code cg_anchor_publish(cg_nats *nats, const char *subject, const cg_anchor *a, cg_err *err)
{
    cg_code rc = CG_OK;
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    jsPubOptions opts;
    char *text = cg_anchor_encode(a);
    if (text == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    jsPubOptions_Init(&opts);
    opts.MaxWait = ANCHOR_WAIT_MS;
    natsStatus s = js_Publish(&ack, nats->js, subject, text, (int)strlen(text), &opts, &jerr);
    if (s != NATS_OK)
        rc = cg_err_set(err, CG_UNAVAILABLE, "cannot anchor on %s: %s (%d)", subject,
                        natsStatus_GetText(s), (int)jerr);
    jsPubAck_Destroy(ack);
    free(text);
    return rc;
}

/* The newest message of subject into *msg (owned by the caller,
 * natsMsg_Destroy()), or NULL when there is none. */
static cg_code last_msg(cg_nats *nats, const char *subject, natsMsg **msg, cg_err *err)
{
    jsErrCode jerr = 0;
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Wait = ANCHOR_WAIT_MS;
    *msg = NULL;
    natsStatus s = js_GetLastMsg(msg, nats->js, CG_STREAM_ANCHORS, subject, &opts, &jerr);
    if (s == NATS_OK)
        return CG_OK;
    natsMsg_Destroy(*msg);
    *msg = NULL;
    if (s == NATS_NOT_FOUND || jerr == JS_NO_MESSAGE)
        return CG_OK;
    return cg_err_set(err, CG_UNAVAILABLE, "cannot read the anchors of %s: %s (%d)", subject,
                      natsStatus_GetText(s), (int)jerr);
}

cg_code cg_anchor_last(cg_nats *nats, const char *subject, cg_anchor *out, bool *found, cg_err *err)
{
    natsMsg *msg = NULL;
    *found = false;
    cg_code rc = last_msg(nats, subject, &msg, err);
    if (rc != CG_OK || msg == NULL)
        goto cleanup;
    if (!cg_anchor_decode(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), out)) {
        rc = cg_err_set(err, CG_INTERNAL, "the newest message on %s is not an anchor", subject);
        goto cleanup;
    }
    *found = true;

cleanup:
    natsMsg_Destroy(msg);
    return rc;
}

static int by_id(const void *a, const void *b)
{
    long long x = ((const cg_anchor *)a)->id, y = ((const cg_anchor *)b)->id;
    return (x > y) - (x < y);
}

/* Add the anchor msg holds to *list (*n of *cap used). */
static cg_code keep(natsMsg *msg, const char *subject, cg_anchor **list, size_t *n, size_t *cap,
                    cg_err *err)
{
    if (*n == *cap) {
        size_t more = *cap != 0 ? 2 * *cap : ANCHOR_BATCH;
        cg_anchor *grown = realloc(*list, more * sizeof(**list));
        if (grown == NULL)
            return cg_err_set(err, CG_INTERNAL, "out of memory");
        *list = grown;
        *cap = more;
    }
    if (!cg_anchor_decode(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &(*list)[*n]))
        return cg_err_set(err, CG_INTERNAL, "a message on %s is not an anchor", subject);
    (*n)++;
    return CG_OK;
}

cg_code cg_anchor_fetch_all(cg_nats *nats, const char *subject, cg_anchor **out, size_t *n,
                            cg_err *err)
{
    cg_code rc = CG_OK;
    natsSubscription *sub = NULL;
    natsMsgList batch = {0};
    natsMsg *last = NULL;
    jsErrCode jerr = 0;
    jsOptions opts;
    jsSubOptions sub_opts;
    cg_anchor *list = NULL;
    size_t count = 0, cap = 0;
    natsStatus s;

    *out = NULL;
    *n = 0;
    jsOptions_Init(&opts);
    opts.Wait = ANCHOR_WAIT_MS;
    /* The newest anchor's sequence says where to stop reading. */
    rc = last_msg(nats, subject, &last, err);
    if (rc != CG_OK || last == NULL)
        goto cleanup;
    uint64_t last_seq = natsMsg_GetSequence(last);

    /* An ephemeral pull consumer of this subject alone, from the first
     * message, acknowledging nothing: the reader changes nothing. It goes
     * when the subscription is destroyed. */
    jsSubOptions_Init(&sub_opts);
    sub_opts.Stream = CG_STREAM_ANCHORS;
    sub_opts.Config.DeliverPolicy = js_DeliverAll;
    sub_opts.Config.AckPolicy = js_AckNone;
    s = js_PullSubscribe(&sub, nats->js, subject, NULL, &opts, &sub_opts, &jerr);
    if (s != NATS_OK) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "cannot read the anchors of %s: %s (%d)", subject,
                        natsStatus_GetText(s), (int)jerr);
        goto cleanup;
    }
    for (bool done = false; !done;) {
        s = natsSubscription_Fetch(&batch, sub, ANCHOR_BATCH, ANCHOR_WAIT_MS, &jerr);
        if (s != NATS_OK) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "cannot read the anchors of %s: %s (%d)", subject,
                            natsStatus_GetText(s), (int)jerr);
            goto cleanup;
        }
        for (int i = 0; i < batch.Count && rc == CG_OK; i++) {
            jsMsgMetaData *meta = NULL;
            rc = keep(batch.Msgs[i], subject, &list, &count, &cap, err);
            if (rc == CG_OK && natsMsg_GetMetaData(&meta, batch.Msgs[i]) == NATS_OK &&
                meta->Sequence.Stream >= last_seq)
                done = true;
            jsMsgMetaData_Destroy(meta);
        }
        natsMsgList_Destroy(&batch);
        if (rc != CG_OK)
            goto cleanup;
    }
    qsort(list, count, sizeof(*list), by_id);
    *out = list;
    *n = count;
    list = NULL;

cleanup:
    natsMsgList_Destroy(&batch);
    if (sub != NULL)
        natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    natsMsg_Destroy(last);
    free(list);
    return rc;
}
