/* /healthz says the process is up; /readyz says it can do its work: NATS is
 * connected and every service the API needs answers its ping. */
#include <stdio.h>
#include <string.h>

#include "cg/nats.h"
#include "gateway.h"

/* Each ping waits at most this long, so /readyz answers within about a
 * second for each service that hangs. */
#define PING_TIMEOUT_MS 1000

static const char *const ready_services[] = {"intake", "case", "rectify", "integrity", "risk"};
#define NREADY (sizeof(ready_services) / sizeof(ready_services[0]))

void gw_route_healthz(gw_request *req)
{
    cJSON *body = cJSON_CreateObject();
    if (body == NULL || cJSON_AddStringToObject(body, "status", "ok") == NULL) {
        cg_err err;
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        gw_http_send_err(req, &err);
    } else {
        gw_http_send_json(req, 200, body);
    }
    cJSON_Delete(body);
}

void gw_route_readyz(gw_request *req)
{
    /* "status" first, as in the contract's example; it is dropped again
     * when the answer turns out to be a problem. */
    cJSON *body = cJSON_CreateObject();
    cJSON *checks = body && cJSON_AddStringToObject(body, "status", "ready")
                        ? cJSON_AddObjectToObject(body, "checks")
                        : NULL;
    cg_nats *nats = req->app->base.nats;
    char down[128] = "";
    cg_err err;
    bool ok = checks != NULL;

    cg_err_clear(&err);
    bool nats_up = nats != NULL && cg_nats_connected(nats);
    ok = ok && cJSON_AddStringToObject(checks, "nats", nats_up ? "ok" : "unavailable") != NULL;
    if (!nats_up)
        cg_strlcpy(down, "nats", sizeof(down));
    for (size_t i = 0; ok && i < NREADY; i++) {
        /* Without NATS no ping can get through; do not wait on each. */
        bool up = nats_up && cg_rpc_ping(nats, ready_services[i], PING_TIMEOUT_MS, &err) == CG_OK;
        ok = cJSON_AddStringToObject(checks, ready_services[i], up ? "ok" : "unavailable") != NULL;
        if (!up) {
            size_t used = strlen(down);
            snprintf(down + used, sizeof(down) - used, "%s%s", used ? ", " : "", ready_services[i]);
        }
    }
    if (!ok) {
        cg_err_set(&err, CG_INTERNAL, "out of memory");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (down[0] != '\0') {
        char detail[192];
        snprintf(detail, sizeof(detail), "not ready: %s unavailable", down);
        /* The problem carries the same checks object a ready answer has. */
        cJSON_DeleteItemFromObject(body, "status");
        gw_http_send_problem(req, 503, "UNAVAILABLE", detail, NULL, body);
        goto cleanup;
    }
    gw_http_send_json(req, 200, body);

cleanup:
    cJSON_Delete(body);
}
