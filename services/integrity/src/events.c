/* Each change of a file, written twice in its transaction: an entry of the
 * file's hash-chained dossier, and an event for the bus. */
#include <stdio.h>

#include "cg/messaging.h"
#include "cg/util.h"
#include "integrity.h"

cg_code integrity_record_step(cg_rpc_req *r, PGconn *conn, const char *cadre_id,
                              const char *dossier_action, const char *event_verb,
                              const char *section, const char *entity_id, const char *summary_json,
                              cg_err *err)
{
    const integrity_call *c = r->state;
    return integrity_record(conn, cadre_id, c->actor.user_id, r->request_id, dossier_action,
                            event_verb, section, entity_id, summary_json, err);
}

cg_code integrity_record(PGconn *conn, const char *cadre_id, const char *actor_id,
                         const char *correlation_id, const char *dossier_action,
                         const char *event_verb, const char *section, const char *entity_id,
                         const char *summary_json, cg_err *err)
{
    PGresult *res = NULL;
    char subject[96], event_id[CG_UUID_LEN];
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__IntegrityFileEvent ev = CLEANGRID__V1__INTEGRITY_FILE_EVENT__INIT;

    cg_code rc =
        cg_db_exec(conn, "SELECT person_id, org_path::text FROM cadres WHERE id = $1::uuid", 1,
                   &cadre_id, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_INTERNAL, "the file of a change is gone");
    if (rc == CG_OK)
        rc = cg_dossier_append(conn, &integrity_dossier, cadre_id, actor_id, dossier_action,
                               summary_json, err);
    if (rc != CG_OK)
        goto cleanup;
    snprintf(subject, sizeof subject, "%s%s", INTEGRITY_SUBJECT_FILE_PREFIX, event_verb);
    cg_event_meta_init(&meta, event_id, subject, "integrity", correlation_id);
    /* Borrowed strings: packed into the outbox row, never freed here. */
    ev.meta = &meta;
    ev.cadre_id = (char *)cadre_id;
    ev.person_id = (char *)cg_db_get(res, 0, 0);
    ev.org_path = (char *)cg_db_get(res, 0, 1);
    ev.section = (char *)section;
    ev.entity_id = (char *)entity_id;
    ev.actor_id = (char *)actor_id;
    rc = cg_outbox_add(conn, &ev.base, err);

cleanup:
    PQclear(res);
    return rc;
}
