/* The copy of the integrity service's directory of declared relatives
 * (migrations/0009_conflicts.sql, cg/relatives_directory.h): fetched
 * whole, a page at a time, and put in place of the old copy in one
 * transaction, at start and every CG_RISK_RELATIVES_TICK_MS. A copy that
 * cannot be fetched leaves the old one as it was. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cg/db.h"
#include "cg/log.h"
#include "cg/relatives_directory.h"
#include "cg/ticker.h"
#include "risk.h"

/* How long one page may take to come. */
#define RELATIVES_FETCH_MS 2000

long risk_relatives_tick_ms = 300000;

#define INSERT_SQL                                                                                 \
    "INSERT INTO declared_relatives (id, cadre_person_id, cadre_name, org_path, relation, name,"   \
    " person_id, credit_codes) SELECT $1::uuid, $2, $3, $4::ltree, $5, $6, $7,"                    \
    " ARRAY(SELECT jsonb_array_elements_text($8::jsonb))"

struct risk_relatives {
    risk_app *app;
    cg_ticker *ticker;
};

/* Every page, kept in order; each is freed by the caller. */
typedef struct pages {
    Cleangrid__V1__DeclaredRelativesReply **items;
    size_t n;
} pages;

static void pages_free(pages *p)
{
    for (size_t i = 0; i < p->n; i++)
        protobuf_c_message_free_unpacked(&p->items[i]->base, NULL);
    free(p->items);
}

static cg_code fetch_all(risk_app *app, pages *out, cg_err *err)
{
    const char *after = "";
    for (;;) {
        Cleangrid__V1__DeclaredRelativesReply *page = NULL;
        if (cg_declared_relatives_fetch(app->base.nats, after, CG_DECLARED_RELATIVES_PAGE_MAX,
                                        RELATIVES_FETCH_MS, &page, err) != CG_OK)
            return err->code;
        void *grown = realloc(out->items, (out->n + 1) * sizeof *out->items);
        if (grown == NULL) {
            protobuf_c_message_free_unpacked(&page->base, NULL);
            return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        }
        out->items = grown;
        out->items[out->n++] = page;
        if (page->next[0] == '\0')
            return CG_OK;
        after = page->next;
    }
}

static cg_code insert_one(PGconn *conn, const Cleangrid__V1__DeclaredRelative *d, cg_err *err)
{
    cJSON *codes = cJSON_CreateArray();
    char *codes_text = NULL;
    cg_code rc = CG_OK;
    for (size_t i = 0; codes != NULL && i < d->n_credit_codes; i++)
        cJSON_AddItemToArray(codes, cJSON_CreateString(d->credit_codes[i]));
    codes_text = codes != NULL ? cJSON_PrintUnformatted(codes) : NULL;
    if (codes_text == NULL) {
        rc = cg_err_set(err, CG_UNAVAILABLE, "out of memory");
        goto cleanup;
    }
    const char *params[] = {d->id,   d->cadre_person_id, d->cadre_name, d->org_path, d->relation,
                            d->name, d->person_id,       codes_text};
    rc = cg_db_exec(conn, INSERT_SQL, 8, params, NULL, err);

cleanup:
    free(codes_text);
    cJSON_Delete(codes);
    return rc;
}

cg_code risk_relatives_refresh(risk_app *app, cg_err *err)
{
    pages all = {0};
    PGconn *conn = NULL;
    size_t count = 0;
    cg_code rc = fetch_all(app, &all, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_take(app->base.db, RELATIVES_FETCH_MS, true, &conn, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_exec(conn, "DELETE FROM declared_relatives", 0, NULL, NULL, err);
    for (size_t p = 0; rc == CG_OK && p < all.n; p++)
        for (size_t i = 0; rc == CG_OK && i < all.items[p]->n_items; i++, count++)
            rc = insert_one(conn, all.items[p]->items[i], err);
    if (rc == CG_OK)
        rc = cg_db_commit(conn, err);
    if (rc == CG_OK) {
        char n[24];
        snprintf(n, sizeof n, "%zu", count);
        cg_log_fields(CG_LOG_DEBUG, "declared relatives copied from integrity", "relatives", n,
                      NULL);
    }

cleanup:
    if (conn != NULL)
        cg_db_release(app->base.db, conn);
    pages_free(&all);
    return rc;
}

static void refresh_tick(void *arg)
{
    risk_relatives *r = arg;
    cg_err err;
    cg_err_clear(&err);
    if (risk_relatives_refresh(r->app, &err) != CG_OK)
        cg_log_warn("declared relatives not copied (%s); the last copy stays, trying again in "
                    "%ld ms",
                    err.message, risk_relatives_tick_ms);
}

cg_code risk_relatives_start(risk_app *app, risk_relatives **out, cg_err *err)
{
    risk_relatives *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    r->app = app;
    /* Now, so that the first awards find the files declared before the
     * service started; integrity may not be up yet, which the ticker
     * makes good. */
    refresh_tick(r);
    cg_code rc = cg_ticker_start(risk_relatives_tick_ms, refresh_tick, r, &r->ticker, err);
    if (rc == CG_OK) {
        *out = r;
        r = NULL;
    }
    free(r);
    return rc;
}

void risk_relatives_stop(risk_relatives *r)
{
    if (r == NULL)
        return;
    cg_ticker_stop(r->ticker);
    free(r);
}
