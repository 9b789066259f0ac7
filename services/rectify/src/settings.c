/* The rules that are data (docs/rectification.md): each source's report
 * period and the parties whose acceptance closes a task, and the problem
 * categories every re-check draw takes. Inspection leads change them; the
 * gateway records each change in the audit trail. A round of acceptance
 * already under way keeps the parties it started with. */
#include <stdio.h>
#include <string.h>

#include "cg/validate.h"
#include "lifecycle.h"
#include "rectify.h"

#define PARTIES_MAX 5
#define CATEGORIES_MAX 50

/* The settings as they are now, into the reply. */
static cg_code settings_reply(cg_rpc_req *r, PGconn *conn, Cleangrid__V1__SettingsReply *out,
                              cg_err *err)
{
    cg_db_json_list *sources = NULL;
    PGresult *res = NULL;
    rectify_call *c = r->state;

    if (rectify_read(r, conn, &cleangrid__v1__rectify_source_rule__descriptor,
                     "SELECT jsonb_build_object('name', name, 'label_zh', label_zh,"
                     " 'report_months', report_months, 'parties', to_jsonb(parties))"
                     " FROM sources ORDER BY name",
                     0, NULL, &sources, err) != CG_OK ||
        cg_db_exec(conn, "SELECT category FROM recheck_categories ORDER BY category", 0, NULL, &res,
                   err) != CG_OK)
        return err->code;
    /* The categories borrow the result's strings: the call keeps it. */
    c->kept = res;
    out->n_sources = sources->n;
    out->sources = RECTIFY_ITEMS(Cleangrid__V1__RectifySourceRule, sources);
    int n = PQntuples(res);
    out->n_recheck_categories = (size_t)(n < CATEGORIES_MAX ? n : CATEGORIES_MAX);
    for (size_t i = 0; i < out->n_recheck_categories; i++)
        c->texts[i] = (char *)cg_db_get(res, (int)i, 0);
    out->recheck_categories = c->texts;
    return CG_OK;
}

cg_code rectify_get_settings(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    (void)request;
    return settings_reply(r, conn, reply, err);
}

/* A party's name as an acceptance names it: office, inspection_group. */
static bool party_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

cg_code rectify_set_source_rule(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err)
{
    const Cleangrid__V1__SetSourceRuleRequest *req = request;
    PGresult *res = NULL;
    char months[16], parties[PARTIES_MAX * 48] = "{";

    cg_check_text(err, "name", req->name, 1, 40, CG_TEXT_REQUIRED);
    cg_check_int(err, "report_months", req->report_months, 1, 24);
    if (req->n_parties == 0 || req->n_parties > PARTIES_MAX)
        cg_err_add_violation(err, "parties", "must name 1 to %d parties", PARTIES_MAX);
    for (size_t i = 0; i < req->n_parties && i < PARTIES_MAX; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(req->parties[i], req->parties[j]) == 0)
                cg_err_add_violation(err, "parties", "names %s twice", req->parties[i]);
        if (!party_name(req->parties[i])) {
            cg_err_add_violation(err, "parties",
                                 "must be names of lower-case letters and _, like office");
            break;
        }
        size_t used = strlen(parties);
        snprintf(parties + used, sizeof parties - used, "%s%s", i ? "," : "", req->parties[i]);
    }
    if (err->code != CG_OK)
        return err->code;
    strcat(parties, "}");
    snprintf(months, sizeof months, "%d", req->report_months);
    const char *params[] = {req->name, months, parties};
    cg_code rc = cg_db_exec(conn,
                            "UPDATE sources SET report_months = $2::integer, parties = $3::text[]"
                            " WHERE name = $1 RETURNING name",
                            3, params, &res, err);
    if (rc == CG_OK && PQntuples(res) == 0)
        rc = cg_err_set(err, CG_NOT_FOUND, "no source %s", req->name);
    PQclear(res);
    return rc == CG_OK ? settings_reply(r, conn, reply, err) : rc;
}

cg_code rectify_set_recheck_categories(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err)
{
    const Cleangrid__V1__SetRecheckCategoriesRequest *req = request;
    char field[40];

    bool given = false;
    for (size_t i = 0; i < req->n_body_keys; i++)
        given = given || strcmp(req->body_keys[i], "categories") == 0;
    if (!given)
        cg_err_add_violation(err, "categories",
                             "is required: the whole list ([] for none), which replaces it");
    if (req->n_categories > CATEGORIES_MAX)
        cg_err_add_violation(err, "categories", "holds at most %d categories", CATEGORIES_MAX);
    for (size_t i = 0; i < req->n_categories && i < CATEGORIES_MAX; i++) {
        snprintf(field, sizeof field, "categories[%zu]", i);
        cg_check_text(err, field, req->categories[i], 1, 100, CG_TEXT_REQUIRED);
    }
    if (err->code != CG_OK)
        return err->code;
    cg_code rc = cg_db_exec(conn, "DELETE FROM recheck_categories", 0, NULL, NULL, err);
    for (size_t i = 0; rc == CG_OK && i < req->n_categories; i++)
        rc = cg_db_exec(conn,
                        "INSERT INTO recheck_categories (category) VALUES ($1)"
                        " ON CONFLICT DO NOTHING",
                        1, (const char *const *)&req->categories[i], NULL, err);
    return rc == CG_OK ? settings_reply(r, conn, reply, err) : rc;
}
