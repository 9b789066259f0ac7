/* What the office found, followed back to the alerts it came from: the
 * clue an escalated alert became (cg.evt.case.clue.created of source
 * risk_alert), and what became of that clue (cg.evt.case.clue.disposed,
 * cg.evt.case.clue.changed, cg.evt.case.case.disposed). Each indicator's precision is counted from
 * these (risk_indicator_json() in migrations/0005_reads.sql). */
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_disposition.pb-c.h"
#include "risk.h"

/* An outcome only moves forward: nothing, closed, a case filed, a
 * sanction; a later, lesser news of the same clue changes nothing. */
static cg_code set_outcome(PGconn *conn, const char *clue_id, const char *outcome, cg_err *err)
{
    const char *params[] = {clue_id, outcome};
    return cg_db_exec(
        conn,
        "UPDATE alerts SET outcome = $2, updated_at = now() WHERE clue_id = $1"
        " AND array_position(ARRAY['', 'closed', 'case_filed', 'sanctioned'], outcome)"
        "   < array_position(ARRAY['', 'closed', 'case_filed', 'sanctioned'], $2)",
        2, params, NULL, err);
}

static cg_code on_clue_created(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)arg;
    cg_code rc = CG_OK;
    Cleangrid__V1__ClueCreated *ev = cleangrid__v1__clue_created__unpack(NULL, len, data);
    if (ev == NULL || ev->clue == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a ClueCreated", event_id);
        goto cleanup;
    }
    /* Clues of other sources are none of the service's business. */
    if (strcmp(ev->clue->source, RISK_CLUE_SOURCE) != 0)
        goto cleanup;
    char *end = NULL;
    long long alert = strtoll(ev->clue->source_ref, &end, 10);
    if (end == ev->clue->source_ref || *end != '\0' || alert <= 0)
        goto cleanup; /* not one of this service's alerts */
    /* Only an escalated alert became a clue; a clue of this source that
     * names an alert never escalated (one registered by hand, before the
     * case service refused that) is not its clue. */
    const char *params[] = {ev->clue->source_ref, ev->clue->id};
    rc = cg_db_exec(conn,
                    "UPDATE alerts SET clue_id = $2, updated_at = now()"
                    " WHERE id = $1::bigint AND clue_id = '' AND status = 'escalated'",
                    2, params, NULL, err);

cleanup:
    if (ev != NULL)
        cleangrid__v1__clue_created__free_unpacked(ev, NULL);
    return rc;
}

static cg_code on_clue_disposed(PGconn *conn, const char *subject, const char *event_id,
                                const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)arg;
    cg_code rc = CG_OK;
    Cleangrid__V1__ClueDisposed *ev = cleangrid__v1__clue_disposed__unpack(NULL, len, data);
    if (ev == NULL || ev->clue_id[0] == '\0') {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a ClueDisposed", event_id);
        goto cleanup;
    }
    /* A talk, a shelving or a close counts as closed without a case. A
     * proposal to file is not a case yet: the filing says so (changed,
     * "filed"). */
    if (strcmp(ev->way, "propose_filing") != 0)
        rc = set_outcome(conn, ev->clue_id, "closed", err);

cleanup:
    if (ev != NULL)
        cleangrid__v1__clue_disposed__free_unpacked(ev, NULL);
    return rc;
}

/* A clue an alert became was filed as a case, or merged into another:
 * the alert follows the survivor, whose outcome is then the alert's. */
static cg_code on_clue_changed(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)arg;
    cg_code rc = CG_OK;
    Cleangrid__V1__ClueChanged *ev = cleangrid__v1__clue_changed__unpack(NULL, len, data);
    if (ev == NULL || ev->clue_id[0] == '\0') {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a ClueChanged", event_id);
        goto cleanup;
    }
    if (strcmp(ev->change, "filed") == 0) {
        rc = set_outcome(conn, ev->clue_id, "case_filed", err);
    } else if (strcmp(ev->change, "merged") == 0 && ev->merged_into[0] != '\0') {
        const char *params[] = {ev->clue_id, ev->merged_into};
        rc = cg_db_exec(conn,
                        "UPDATE alerts SET clue_id = $2, updated_at = now() WHERE clue_id = $1", 2,
                        params, NULL, err);
    }

cleanup:
    if (ev != NULL)
        cleangrid__v1__clue_changed__free_unpacked(ev, NULL);
    return rc;
}

static const cg_event_route CLUE_EVENTS[] = {
    {RISK_SUBJECT_CLUE_CREATED, on_clue_created},
    {RISK_SUBJECT_CLUE_CHANGED, on_clue_changed},
    {RISK_SUBJECT_CLUE_DISPOSED, on_clue_disposed},
};

cg_code risk_on_clue_event(PGconn *conn, const char *subject, const char *event_id,
                           const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    return cg_event_dispatch(CLUE_EVENTS, sizeof CLUE_EVENTS / sizeof CLUE_EVENTS[0], conn, subject,
                             event_id, data, len, arg, err);
}

cg_code risk_on_case_disposed(PGconn *conn, const char *subject, const char *event_id,
                              const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject;
    (void)arg;
    cg_code rc = CG_OK;
    bool sanction = false;
    Cleangrid__V1__CaseDisposed *ev = cleangrid__v1__case_disposed__unpack(NULL, len, data);
    if (ev == NULL || ev->clue_id[0] == '\0') {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "event %s is not a CaseDisposed", event_id);
        goto cleanup;
    }
    for (size_t i = 0; i < ev->n_items; i++)
        sanction = sanction || strcmp(ev->items[i]->kind, "party_discipline") == 0 ||
                   strcmp(ev->items[i]->kind, "government_sanction") == 0 ||
                   strcmp(ev->items[i]->kind, "organizational_handling") == 0;
    rc = set_outcome(conn, ev->clue_id, sanction ? "sanctioned" : "case_filed", err);

cleanup:
    if (ev != NULL)
        cleangrid__v1__case_disposed__free_unpacked(ev, NULL);
    return rc;
}
