/* Each step of a task or a responsibility list, written twice in its
 * transaction: an entry of the file's hash-chained dossier, and an event for
 * the bus. */
#include <stdio.h>
#include <string.h>

#include "cg/messaging.h"
#include "cg/util.h"
#include "rectify.h"

/* The two writes every step shares: the entry in file_id's dossier, then
 * ev (its meta, which it points to, filled here under subject_prefix and
 * event_verb) into the outbox. */
static cg_code file_step(PGconn *conn, const char *file_id, const char *actor_id,
                         const char *correlation_id, const char *dossier_action,
                         const char *subject_prefix, const char *event_verb,
                         const char *summary_json, Cleangrid__V1__EventMeta *meta,
                         ProtobufCMessage *ev, cg_err *err)
{
    char subject[96], event_id[CG_UUID_LEN];
    cg_code rc = cg_dossier_append(conn, &rectify_dossier, file_id, actor_id, dossier_action,
                                   summary_json, err);
    if (rc != CG_OK)
        return rc;
    snprintf(subject, sizeof subject, "%s%s", subject_prefix, event_verb);
    cg_event_meta_init(meta, event_id, subject, "rectify", correlation_id);
    return cg_outbox_add(conn, ev, err);
}

cg_code rectify_record_step(cg_rpc_req *r, PGconn *conn, const char *task_id,
                            const char *dossier_action, const char *event_verb,
                            const char *summary_json, cg_err *err)
{
    const rectify_call *c = r->state;
    return rectify_record(conn, task_id, c->actor.user_id, r->request_id, dossier_action,
                          event_verb, summary_json, err);
}

cg_code rectify_record(PGconn *conn, const char *task_id, const char *actor_id,
                       const char *correlation_id, const char *dossier_action,
                       const char *event_verb, const char *summary_json, cg_err *err)
{
    PGresult *res = NULL;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__RectifyTaskEvent ev = CLEANGRID__V1__RECTIFY_TASK_EVENT__INIT;

    cg_code rc =
        cg_db_exec(conn,
                   "SELECT t.batch_id::text, t.source, t.stage, t.org_path::text,"
                   " (extract(epoch FROM t.deadline_on) * 1000)::bigint, t.case_id,"
                   " t.rejection_reason, t.text, t.leader,"
                   " coalesce((extract(epoch FROM t.final_deadline_on) * 1000)::bigint, 0),"
                   " p.description FROM tasks t JOIN problems p ON p.id = t.problem_id"
                   " WHERE t.id = $1::uuid",
                   1, &task_id, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Borrowed strings: packed into the outbox row, never freed here. */
    ev.meta = &meta;
    ev.task_id = (char *)task_id;
    ev.batch_id = (char *)cg_db_get(res, 0, 0);
    ev.source = (char *)cg_db_get(res, 0, 1);
    ev.stage = (char *)cg_db_get(res, 0, 2);
    ev.org_path = (char *)cg_db_get(res, 0, 3);
    ev.deadline_on_ms = cg_db_get_ll(res, 0, 4);
    ev.case_id = (char *)cg_db_get(res, 0, 5);
    ev.reason = strcmp(event_verb, "rejected") == 0 || strcmp(event_verb, "relapsed") == 0
                    ? (char *)cg_db_get(res, 0, 6)
                    : "";
    ev.text = (char *)cg_db_get(res, 0, 7);
    ev.leader = (char *)cg_db_get(res, 0, 8);
    ev.final_deadline_on_ms = cg_db_get_ll(res, 0, 9);
    ev.problem = (char *)cg_db_get(res, 0, 10);
    ev.actor_id = (char *)actor_id;
    rc = file_step(conn, task_id, actor_id, correlation_id, dossier_action,
                   RECTIFY_SUBJECT_TASK_PREFIX, event_verb, summary_json, &meta, &ev.base, err);

cleanup:
    PQclear(res);
    return rc;
}

cg_code rectify_duty_record(cg_rpc_req *r, PGconn *conn, const rectify_duty_step *step,
                            const char *summary_json, cg_err *err)
{
    const rectify_call *c = r->state;
    PGresult *res = NULL;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__DutyListEvent ev = CLEANGRID__V1__DUTY_LIST_EVENT__INIT;

    cg_code rc = cg_db_exec(conn, "SELECT org_path::text, year FROM duty_lists WHERE id = $1::uuid",
                            1, &step->list_id, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_INTERNAL, "the list of a step is gone");
    if (rc != CG_OK)
        goto cleanup;
    /* Borrowed strings: packed into the outbox row, never freed here. */
    ev.meta = &meta;
    ev.list_id = (char *)step->list_id;
    ev.org_path = (char *)cg_db_get(res, 0, 0);
    ev.year = (int32_t)cg_db_get_ll(res, 0, 1);
    ev.actor_id = (char *)c->actor.user_id;
    ev.item_seq = step->item_seq;
    ev.record_id = (char *)(step->record_id != NULL ? step->record_id : "");
    ev.outcome = (char *)(step->outcome != NULL ? step->outcome : "");
    ev.score = step->score;
    ev.reason = (char *)(step->reason != NULL ? step->reason : "");
    rc = file_step(conn, step->list_id, c->actor.user_id, r->request_id, step->dossier_action,
                   RECTIFY_SUBJECT_DUTY_PREFIX, step->event_verb, summary_json, &meta, &ev.base,
                   err);

cleanup:
    PQclear(res);
    return rc;
}
