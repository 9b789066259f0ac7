/* Rate limits at the door: the client's address (X-Forwarded-For from
 * trusted proxies only), the per-address limits of the public routes and the
 * per-account limit of the others, and the 429 answer.
 *
 * A client address lives only on the stack of the request and, as a keyed
 * digest, in the limit tables (ratelimit.h): it is never stored, and never
 * logged (the access log and the "rate limited" line carry none). */
#include <civetweb.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cg/log.h"
#include "cg/util.h"
#include "gateway.h"
#include "ratelimit.h"

/* Keys each table holds (about 48 bytes each, resident only once used). */
#define LIMIT_SLOTS 8192
/* Entries CG_TRUSTED_PROXIES and CG_RATE_EXEMPT may list. */
#define MAX_NETWORKS 32

struct gw_limits {
    gw_cidr trusted[MAX_NETWORKS];
    size_t ntrusted;
    gw_cidr exempt[MAX_NETWORKS];
    size_t nexempt;
    gw_rate_limit *public_requests; /* per address, every public route */
    gw_rate_limit *public_reports;  /* per address, POST /api/v1/public/reports */
    gw_rate_limit *api;             /* per account, every route that needs a login */
};

/* NULL is fine. */
static void limits_free(gw_limits *limits)
{
    if (limits == NULL)
        return;
    gw_rate_limit_destroy(limits->public_requests);
    gw_rate_limit_destroy(limits->public_reports);
    gw_rate_limit_destroy(limits->api);
    free(limits);
}

bool gw_limits_conn_exempt(const gw_limits *limits, const char *addr)
{
    return limits != NULL && (gw_cidr_list_contains(limits->trusted, limits->ntrusted, addr) ||
                              gw_cidr_list_contains(limits->exempt, limits->nexempt, addr));
}

cg_code gw_limits_create(gw_app *app, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    gw_limits *limits = NULL;

    limits = calloc(1, sizeof(*limits));
    if (limits == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    rc = gw_cidr_list_parse(app->trusted_proxies, limits->trusted, MAX_NETWORKS, &limits->ntrusted,
                            err);
    if (rc != CG_OK) {
        cg_err_set(err, rc, "CG_TRUSTED_PROXIES: %s", err->message);
        goto cleanup;
    }
    rc = gw_cidr_list_parse(app->rate_exempt, limits->exempt, MAX_NETWORKS, &limits->nexempt, err);
    if (rc != CG_OK) {
        cg_err_set(err, rc, "CG_RATE_EXEMPT: %s", err->message);
        goto cleanup;
    }
    /* Bursts: a second's worth for the public routes and the reports, so the
     * hourly limit is ten at once, then one every six minutes. */
    rc = gw_rate_limit_create(&limits->public_requests, app->rate_public_per_s, 1000,
                              app->rate_public_per_s, LIMIT_SLOTS, NULL, err);
    if (rc == CG_OK)
        rc = gw_rate_limit_create(&limits->public_reports, app->rate_reports_per_hour, 3600 * 1000,
                                  app->rate_reports_per_hour, LIMIT_SLOTS, NULL, err);
    if (rc == CG_OK)
        rc = gw_rate_limit_create(&limits->api, app->rate_api_per_s, 1000, app->rate_api_burst,
                                  LIMIT_SLOTS, NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    app->limits = limits;
    limits = NULL;

cleanup:
    limits_free(limits);
    return rc;
}

void gw_limits_destroy(gw_app *app)
{
    limits_free(app->limits);
    app->limits = NULL;
}

/* Answer 429 with Retry-After. name says which limit, for the client and the
 * log; the log line names no address. */
static void refuse(gw_request *req, const char *name, const char *detail, long retry_after_s)
{
    char text[160];
    cJSON *extra = cJSON_CreateObject();
    snprintf(req->extra_headers, sizeof(req->extra_headers), "Retry-After: %ld\r\n", retry_after_s);
    snprintf(text, sizeof(text), "%s; try again in %ld seconds", detail, retry_after_s);
    if (extra != NULL) {
        cJSON_AddStringToObject(extra, "limit", name);
        cJSON_AddNumberToObject(extra, "retry_after", (double)retry_after_s);
    }
    cg_log_fields(CG_LOG_INFO, "rate limited", "limit", name, "user_id",
                  req->who != NULL ? req->who->id : "", NULL);
    gw_http_send_problem(req, 429, "RESOURCE_EXHAUSTED", text, NULL, extra);
    cJSON_Delete(extra);
}

/* The values of every X-Forwarded-For line of the request, in order, into
 * lines (at most max, borrowed from civetweb); how many. */
static size_t forwarded_for(const gw_request *req, const char **lines, size_t max)
{
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    size_t n = 0;
    for (int i = 0; i < ri->num_headers && n < max; i++)
        if (strcasecmp(ri->http_headers[i].name, "X-Forwarded-For") == 0)
            lines[n++] = ri->http_headers[i].value;
    return n;
}

void gw_limits_client(const gw_request *req, char *out)
{
    const gw_limits *limits = req->app->limits;
    const struct mg_request_info *ri = mg_get_request_info(req->conn);
    const char *xff[64];
    size_t nxff = forwarded_for(req, xff, sizeof(xff) / sizeof(xff[0]));
    gw_client_addr(ri->remote_addr, xff, nxff, limits != NULL ? limits->trusted : NULL,
                   limits != NULL ? limits->ntrusted : 0, out);
}

bool gw_limits_admit(gw_request *req, const gw_route *route)
{
    gw_limits *limits = req->app->limits;
    char addr[GW_ADDR_MAX];
    long retry = 0;
    bool pass = true;
    int64_t now = cg_mono_ms();

    if (limits == NULL)
        return true;
    gw_limits_client(req, addr);
    if (gw_cidr_list_contains(limits->exempt, limits->nexempt, addr))
        goto cleanup;
    if (route->perm == GW_PERM_PUBLIC) {
        pass = gw_rate_limit_take(limits->public_requests, addr, strlen(addr), now, &retry);
        if (!pass) {
            refuse(req, "public", "too many requests from this address", retry);
            goto cleanup;
        }
        if (route->handler == gw_route_submit_report) {
            pass = gw_rate_limit_take(limits->public_reports, addr, strlen(addr), now, &retry);
            if (!pass)
                refuse(req, "public_reports", "too many reports from this address", retry);
        }
    } else if (req->who != NULL) {
        pass = gw_rate_limit_take(limits->api, req->who->id, strlen(req->who->id), now, &retry);
        if (!pass)
            refuse(req, "account", "too many requests for this account", retry);
    }

cleanup:
    /* The address leaves no copy behind on this thread's stack. */
    sodium_memzero(addr, sizeof(addr));
    return pass;
}
