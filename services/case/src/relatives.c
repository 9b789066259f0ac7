/* Relatives of a subject in the running service (relatives.h): one
 * question to the integrity service, bounded in time. */
#include "relatives.h"

#include <stdlib.h>

#include "cg/log.h"
#include "cg/nats.h"
#include "cg/service.h"
#include "cg/util.h"
#include "cleangrid/v1/integrity.pb-c.h"

long case_integrity_timeout_ms = 2000;

cg_code case_relatives_check(case_relatives *q, const char *subjects_json, const char *person_id,
                             case_recusal_as as, bool self, const char *record, cg_err *err)
{
    cg_code rc = CG_OK;
    char person[CG_PERSON_ID_SIZE];
    char(*ids)[CG_PERSON_ID_SIZE] = NULL;
    char **ptrs = NULL;
    Cleangrid__V1__RelativeConflictsReply *reply = NULL;
    cg_err why;

    cg_err_clear(&why);
    /* Someone without a person id of the files' form is in no file and no
     * file names them: there is nothing to ask. */
    if (!case_recusal_person(person_id, person)) {
        goto cleanup;
    }
    ids = malloc(CASE_RECUSAL_SUBJECTS_MAX * sizeof *ids);
    ptrs = malloc(CASE_RECUSAL_SUBJECTS_MAX * sizeof *ptrs);
    if (ids == NULL || ptrs == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    int n = case_recusal_subject_ids(subjects_json, ids, CASE_RECUSAL_SUBJECTS_MAX);
    if (n < 0) {
        rc = cg_err_set(err, CG_INTERNAL, "a %s has more than %d subjects with person ids", record,
                        CASE_RECUSAL_SUBJECTS_MAX);
        goto cleanup;
    }
    if (n == 0) {
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        ptrs[i] = ids[i];
    }
    /* Every question of the step shares one wait, so a silent integrity
     * service costs a step at most case_integrity_timeout_ms. */
    int64_t now = cg_mono_ms();
    if (q->started_ms == 0) {
        q->started_ms = now;
    }
    int64_t left = case_integrity_timeout_ms - (now - q->started_ms);
    const cg_service_base *base = q->r->arg;
    Cleangrid__V1__RelativeConflictsRequest req = CLEANGRID__V1__RELATIVE_CONFLICTS_REQUEST__INIT;
    /* Borrowed: packed, never freed here. The caller's CallContext, so the
     * integrity service checks the caller's roles. */
    req.ctx = (Cleangrid__V1__CallContext *)q->r->ctx;
    req.person_id = person;
    req.subject_person_ids = ptrs;
    req.n_subject_person_ids = (size_t)n;
    if (left <= 0) {
        cg_err_set(&why, CG_UNAVAILABLE, "the wait for the integrity service is used up");
    } else {
        cg_rpc_call_method(base->nats, "integrity", "RelativeConflicts", q->r->request_id,
                           &req.base, &cleangrid__v1__relative_conflicts_reply__descriptor, left,
                           (ProtobufCMessage **)&reply, &why);
    }
    if (why.code != CG_OK) {
        /* Whatever kept the answer away (no responder, a timeout, a refusal
         * of the question), nobody is named or decides unchecked. */
        cg_log_fields(CG_LOG_WARN, "relatives could not be checked", "reason", why.message, NULL);
        rc = case_recusal_unavailable(err, as, record);
        goto cleanup;
    }
    if (reply->n_conflicts > 0) {
        const Cleangrid__V1__RelativeConflict *c = reply->conflicts[0];
        rc = case_recusal_refuse(err, c->relation, c->direction, as, self, record);
    }

cleanup:
    if (reply != NULL) {
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    }
    free(ptrs);
    free(ids);
    return rc;
}
