/* The directory of declared relatives (cg/relatives_directory.h): the
 * relatives every file declares, with the credit codes of the businesses
 * they run, a page at a time, for the services that look for conflicts
 * of interest. */
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/relatives_directory.h"
#include "cg/validate.h"
#include "integrity.h"

/* How long a question may wait for a connection. */
#define DIRECTORY_ACQUIRE_MS 2000

/* One subscription per process: set by integrity_directory_start() before
 * any question can arrive, cleared by integrity_directory_stop() after the
 * last one was answered. */
static natsSubscription *directory_sub;

/* The page as the reply's JSON: the removed relatives are left out (a
 * removal is the office's correction of the file), the ids in order. */
#define PAGE_SQL                                                                                   \
    "SELECT jsonb_build_object('items', coalesce(jsonb_agg(x.item ORDER BY x.id), '[]'),"          \
    " 'next', CASE WHEN count(*) = $2::integer THEN max(x.id::text) ELSE '' END)::text"            \
    " FROM (SELECT r.id, jsonb_build_object('id', r.id, 'cadre_person_id', c.person_id,"           \
    " 'cadre_name', c.name, 'org_path', c.org_path::text, 'relation', r.relation,"                 \
    " 'name', r.name, 'person_id', r.person_id, 'credit_codes',"                                   \
    " (SELECT coalesce(jsonb_agg(b->>'credit_code'), '[]') FROM "                                  \
    "jsonb_array_elements(r.businesses)"                                                           \
    " b WHERE coalesce(b->>'credit_code', '') <> '')) AS item"                                     \
    " FROM relatives r JOIN cadres c ON c.id = r.cadre_id"                                         \
    " WHERE NOT r.removed AND ($1 = '' OR r.id > $1::uuid) ORDER BY r.id LIMIT $2::integer) x"

static void on_question(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    integrity_app *app = closure;
    Cleangrid__V1__DeclaredRelativesRequest *req = NULL;
    ProtobufCMessage *reply = NULL;
    PGresult *res = NULL;
    cg_status_pb st;
    cg_rpc_call call = {
        .nats = app->base.nats, .msg = msg, .method = CG_SUBJECT_DECLARED_RELATIVES};
    cg_err err;
    cg_err_clear(&err);

    req = cleangrid__v1__declared_relatives_request__unpack(
        NULL, (size_t)natsMsg_GetDataLength(msg), (const uint8_t *)natsMsg_GetData(msg));
    if (req == NULL) {
        cg_err_set(&err, CG_INVALID_ARGUMENT, "not a DeclaredRelativesRequest");
        goto cleanup;
    }
    cg_check_int(&err, "limit", req->limit, 1, CG_DECLARED_RELATIVES_PAGE_MAX);
    if (req->after[0] != '\0')
        cg_check_uuid(&err, "after", req->after);
    if (err.code != CG_OK)
        goto cleanup;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", (int)req->limit);
    const char *params[] = {req->after, limit};
    if (cg_db_query(app->base.db, DIRECTORY_ACQUIRE_MS, PAGE_SQL, 2, params, &res, &err) != CG_OK)
        goto cleanup;
    reply = cg_pbjson_message_new(&cleangrid__v1__declared_relatives_reply__descriptor);
    if (reply == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    const char *page = cg_db_get(res, 0, 0);
    if (cg_pbjson_decode(app->codec, page, strlen(page), CG_PBJSON_ALL_KEYS, reply, &err) != CG_OK)
        goto cleanup;
    cg_status_pb_init(&st, &err);
    Cleangrid__V1__DeclaredRelativesReply *out = (Cleangrid__V1__DeclaredRelativesReply *)reply;
    out->status = &st.status;
    cg_rpc_reply(&call, reply);
    /* The status is this frame's, not the message's to free. */
    out->status = NULL;

cleanup:
    if (!call.replied) {
        if (err.code == CG_INTERNAL || err.code == CG_UNAVAILABLE)
            cg_log_warn("declared relatives not answered: %s", err.message);
        cg_rpc_reply_error(&call, &err);
    }
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (req != NULL)
        cleangrid__v1__declared_relatives_request__free_unpacked(req, NULL);
    PQclear(res);
    natsMsg_Destroy(msg);
}

cg_code integrity_directory_start(integrity_app *app, cg_err *err)
{
    return cg_nats_subscribe(app->base.nats, CG_SUBJECT_DECLARED_RELATIVES,
                             CG_DECLARED_RELATIVES_QUEUE, on_question, app, &directory_sub, err);
}

void integrity_directory_stop(void)
{
    /* Drained: a question being answered finishes before the database it
     * reads closes. */
    cg_nats_unsubscribe(&directory_sub);
}
