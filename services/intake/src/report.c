/* The reports table: recording a report with its event, finding a report by
 * its receipt, and marking it forwarded. */
#include <sodium.h>
#include <string.h>

#include "cg/idempotency.h"
#include "cg/log.h"
#include "cg/messaging.h"
#include "intake.h"

/* A lookup key collides with an existing report about once in 10^8 / n tries
 * for n stored reports; a few draws make a failure practically impossible
 * until the table nears 10^8 rows. */
#define RECEIPT_ATTEMPTS 5

static const char SQL_INSERT_REPORT[] =
    "INSERT INTO reports (receipt_lookup, receipt_hash, category, content, location,"
    " accused_person, accused_unit, anonymous, reporter_sealed, reporter_key_id, org_path,"
    " channel)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::boolean, $9::bytea, $10, $11::ltree, $12)"
    " ON CONFLICT (receipt_lookup) DO NOTHING"
    " RETURNING id, floor(extract(epoch FROM submitted_at) * 1000)::bigint";

static const char SQL_FIND_REPORT[] =
    "SELECT receipt_hash, status, floor(extract(epoch FROM submitted_at) * 1000)::bigint,"
    " floor(extract(epoch FROM updated_at) * 1000)::bigint"
    " FROM reports WHERE receipt_lookup = $1";

static const char SQL_MARK_FORWARDED[] =
    "UPDATE reports SET status = 'forwarded', clue_id = $2::uuid, updated_at = now()"
    " WHERE id = $1::uuid RETURNING id";

cg_code intake_app_init(intake_app *app, cg_service_base *base, cg_err *err)
{
    char decoy[INTAKE_RECEIPT_DIGITS + 1];

    app->base = base;
    if (intake_receipt_key_parse(app->receipt_key_hex, &app->receipt, err) != CG_OK ||
        intake_identity_key_parse(app->identity_key_hex, &app->identity_key, err) != CG_OK)
        return err->code;
    /* A repeated report is answered from cg_idempotency with its first
     * receipt, sealed under a key derived from this secret and the client's
     * Idempotency-Key together (cg/idempotency.h): a stolen database does
     * not give the receipt back, nor does CG_RECEIPT_KEY alone. */
    cg_idem_secret(app->receipt.key, sizeof app->receipt.key, base->idem_secret);
    base->has_idem_secret = true;
    app->receipt.opslimit = (unsigned long long)app->receipt_opslimit;
    app->receipt.memlimit_bytes = (size_t)app->receipt_memlimit_kib * 1024u;
    /* Hashing here also proves the configured cost works before the service
     * takes any report. */
    intake_receipt_generate(decoy);
    cg_code rc = intake_receipt_hash(decoy, &app->receipt, app->decoy_hash, err);
    sodium_memzero(decoy, sizeof decoy);
    return rc;
}

cg_code intake_report_draw(const intake_app *app, intake_submitted *out, cg_err *err)
{
    intake_receipt_generate(out->receipt);
    return intake_receipt_hash(out->receipt, &app->receipt, out->hash, err);
}

/* Insert the report unless its lookup key is taken. *res (owned by the
 * caller) has one row (id, submitted_at ms) or none on a collision. Taking
 * the collision as "no row" rather than as a unique violation keeps the
 * transaction usable for the next try. */
static cg_code insert_report(const intake_app *app, PGconn *conn,
                             const Cleangrid__V1__SubmitReportRequest *req, const char *receipt,
                             const char *hash, PGresult **res, cg_err *err)
{
    cg_code rc = CG_OK;
    char lookup[INTAKE_RECEIPT_LOOKUP_DIGITS + 1];
    unsigned char *sealed = NULL;
    size_t sealed_len = 0;
    char *sealed_text = NULL;

    intake_receipt_lookup_key(receipt, lookup);
    /* A named reporter's identity is sealed before it reaches the database;
     * an anonymous report has none (the table's constraints insist). */
    if (!req->anonymous) {
        rc = intake_identity_seal(&app->identity_key, req->reporter_name, req->reporter_phone,
                                  &sealed, &sealed_len, err);
        if (rc == CG_OK && (sealed_text = intake_identity_bytea(sealed, sealed_len)) == NULL)
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        if (rc != CG_OK)
            goto cleanup;
    }
    const char *params[] = {
        lookup,
        hash,
        req->category,
        req->content,
        req->location,
        req->accused_person,
        req->accused_unit,
        req->anonymous ? "true" : "false",
        sealed_text,
        sealed_text != NULL ? app->identity_key.id : NULL,
        req->org_path,
        req->channel != NULL ? req->channel : "",
    };
    rc = cg_db_exec(conn, SQL_INSERT_REPORT, (int)(sizeof params / sizeof params[0]), params, res,
                    err);

cleanup:
    free(sealed_text);
    free(sealed);
    return rc;
}

static const char SQL_CLEAR_IDENTITIES[] =
    "SELECT id, reporter_name, reporter_phone FROM reports"
    " WHERE reporter_name IS NOT NULL OR reporter_phone IS NOT NULL LIMIT 200";
static const char SQL_SEAL_IDENTITY[] =
    "UPDATE reports SET reporter_sealed = $2::bytea, reporter_key_id = $3,"
    " reporter_name = NULL, reporter_phone = NULL WHERE id = $1::uuid";

/* Seal the identities of one page of rows stored in the clear. *sealed
 * gets how many. */
static cg_code seal_page(intake_app *app, PGconn *conn, int *sealed, cg_err *err)
{
    PGresult *res = NULL;
    unsigned char *box = NULL;
    size_t box_len = 0;
    char *text = NULL;
    cg_code rc = cg_db_exec(conn, SQL_CLEAR_IDENTITIES, 0, NULL, &res, err);
    *sealed = 0;
    for (int i = 0; rc == CG_OK && i < PQntuples(res); i++) {
        rc = intake_identity_seal(&app->identity_key, cg_db_get(res, i, 1),
                                  PQgetisnull(res, i, 2) ? "" : cg_db_get(res, i, 2), &box,
                                  &box_len, err);
        if (rc == CG_OK && (text = intake_identity_bytea(box, box_len)) == NULL)
            rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        const char *params[] = {cg_db_get(res, i, 0), text, app->identity_key.id};
        if (rc == CG_OK)
            rc = cg_db_exec(conn, SQL_SEAL_IDENTITY, 3, params, NULL, err);
        free(text);
        free(box);
        text = NULL;
        box = NULL;
        if (rc == CG_OK)
            (*sealed)++;
    }
    if (res != NULL)
        PQclear(res);
    return rc;
}

cg_code intake_report_seal_clear_identities(intake_app *app, cg_err *err)
{
    int total = 0, sealed = 0;
    PGconn *conn = cg_db_acquire(app->base->db, CG_RPC_DB_ACQUIRE_MS, err);
    cg_code rc = conn != NULL ? CG_OK : err->code;
    do {
        if (rc == CG_OK)
            rc = seal_page(app, conn, &sealed, err);
        total += sealed;
    } while (rc == CG_OK && sealed > 0);
    if (conn != NULL)
        cg_db_release(app->base->db, conn);
    if (rc == CG_OK && total > 0)
        cg_log_fields(CG_LOG_WARN,
                      "reporter identities stored in the clear were sealed; run "
                      "VACUUM FULL reports to drop their old row versions",
                      NULL);
    return rc;
}

/* Add the ReportSubmitted event for a just-inserted report to the outbox.
 * The reporter's name and phone are left out on purpose: the event goes to
 * every subscriber of the bus, and only intake may hold the identity. */
static cg_code add_submitted_event(PGconn *conn, const char *producer,
                                   const Cleangrid__V1__SubmitReportRequest *req,
                                   const intake_submitted *sub, const char *correlation_id,
                                   cg_err *err)
{
    char event_id[CG_UUID_LEN];
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    Cleangrid__V1__ReportSubmitted ev = CLEANGRID__V1__REPORT_SUBMITTED__INIT;

    cg_event_meta_init(&meta, event_id, INTAKE_SUBJECT_REPORT_SUBMITTED, producer, correlation_id);
    ev.meta = &meta;
    ev.report_id = (char *)sub->report_id;
    ev.category = req->category;
    ev.content = req->content;
    ev.location = req->location;
    ev.accused_person = req->accused_person;
    ev.accused_unit = req->accused_unit;
    ev.anonymous = req->anonymous;
    ev.org_path = req->org_path;
    ev.submitted_at_ms = sub->submitted_at_ms;
    return cg_outbox_add(conn, &ev.base, err);
}

cg_code intake_report_record(intake_app *app, PGconn *conn,
                             const Cleangrid__V1__SubmitReportRequest *req,
                             const char *correlation_id, intake_submitted *out, cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc;

    for (int attempt = 1;; attempt++) {
        rc = insert_report(app, conn, req, out->receipt, out->hash, &res, err);
        if (rc != CG_OK) {
            goto cleanup;
        }
        if (PQntuples(res) == 1) {
            break;
        }
        PQclear(res);
        res = NULL;
        if (attempt == RECEIPT_ATTEMPTS) {
            rc = cg_err_set(err, CG_UNAVAILABLE, "could not find a free receipt; try again");
            goto cleanup;
        }
        cg_log_warn("receipt lookup key already in use; drawing another receipt");
        rc = intake_report_draw(app, out, err);
        if (rc != CG_OK) {
            goto cleanup;
        }
    }
    cg_strlcpy(out->report_id, cg_db_get(res, 0, 0), sizeof out->report_id);
    out->submitted_at_ms = cg_db_get_ll(res, 0, 1);
    rc = add_submitted_event(conn, app->base->name, req, out, correlation_id, err);

cleanup:
    PQclear(res);
    return rc;
}

cg_code intake_report_find(intake_app *app, const char *receipt, intake_report_state *out,
                           cg_err *err)
{
    char lookup[INTAKE_RECEIPT_LOOKUP_DIGITS + 1];
    char hash[INTAKE_RECEIPT_HASH_SIZE];
    PGconn *conn = NULL;
    const char *params[] = {lookup};
    PGresult *res = NULL;
    bool found = false;
    cg_code rc;

    intake_receipt_lookup_key(receipt, lookup);
    conn = cg_db_acquire(app->base->db, CG_RPC_DB_ACQUIRE_MS, err);
    if (conn == NULL) {
        rc = err->code;
        goto cleanup;
    }
    rc = cg_db_exec(conn, SQL_FIND_REPORT, 1, params, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    /* Give the connection back before the slow verification. */
    cg_db_release(app->base->db, conn);
    conn = NULL;

    found = PQntuples(res) == 1;
    if (found) {
        cg_strlcpy(hash, cg_db_get(res, 0, 0), sizeof hash);
        cg_strlcpy(out->status, cg_db_get(res, 0, 1), sizeof out->status);
        out->submitted_at_ms = cg_db_get_ll(res, 0, 2);
        out->updated_at_ms = cg_db_get_ll(res, 0, 3);
    } else {
        cg_strlcpy(hash, app->decoy_hash, sizeof hash);
    }
    /* Verify even when nothing was found so both answers cost the same. */
    if (!intake_receipt_verify(&app->receipt, hash, receipt) || !found) {
        rc = cg_err_set(err, CG_NOT_FOUND, "no report matches this receipt");
        goto cleanup;
    }
    rc = CG_OK;

cleanup:
    if (res != NULL) {
        PQclear(res);
    }
    if (conn != NULL) {
        cg_db_release(app->base->db, conn);
    }
    return rc;
}

cg_code intake_report_mark_forwarded(PGconn *conn, const char *report_id, const char *clue_id,
                                     bool *found, cg_err *err)
{
    PGresult *res = NULL;
    const char *params[] = {report_id, clue_id};
    cg_code rc = cg_db_exec(conn, SQL_MARK_FORWARDED, 2, params, &res, err);
    if (rc != CG_OK) {
        goto cleanup;
    }
    *found = PQntuples(res) > 0;

cleanup:
    if (res != NULL) {
        PQclear(res);
    }
    return rc;
}
