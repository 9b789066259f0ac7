/* cg-gateway: the HTTP/JSON entry point of CleanGrid.
 *
 *   cg-gateway              serve the API until SIGTERM or SIGINT
 *   cg-gateway --seed-demo  load the demo org tree and accounts, then exit
 *
 * Configuration comes from CG_* environment variables only (see vars[]). */
#include <stdio.h>
#include <string.h>

#include "cg/config.h"
#include "cg/log.h"
#include "gateway.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: cg-gateway [--seed-demo]\n"
                 "Configuration is read from CG_* environment variables.\n");
}

int main(int argc, char **argv)
{
    static gw_app app = {.base = {.name = "gateway"}};
    cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(app.base),
        {"CG_HTTP_LISTEN", CG_CONFIG_STRING, "127.0.0.1:8080", 0, 0, false, &app.http_listen,
         "address:port the HTTP API listens on (port 0 picks a free one)"},
        {"CG_HTTP_PORT_FILE", CG_CONFIG_STRING, "", 0, 0, false, &app.http_port_file,
         "file to write the listening port into once serving (empty: none)"},
        {"CG_HTTP_THREADS", CG_CONFIG_INT, "16", 1, 1024, false, &app.http_threads,
         "HTTP worker threads (requests served at once)"},
        {"CG_HTTP_MAX_BODY", CG_CONFIG_INT, "65536", 1024, 16777216, false, &app.http_max_body,
         "largest request body in bytes; larger is 413"},
        {"CG_RPC_TIMEOUT_MS", CG_CONFIG_INT, "5000", 100, 120000, false, &app.rpc_timeout_ms,
         "how long an API call waits for a service's answer"},
        {"CG_SESSION_TTL_S", CG_CONFIG_INT, "28800", 60, 2592000, false, &app.session_ttl_s,
         "lifetime of a login session in seconds"},
    };
    bool seed_demo = false;
    cg_err err;
    int status = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed-demo") == 0) {
            seed_demo = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "cg-gateway: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    if (cg_service_base_configure(&app.base, vars, sizeof(vars) / sizeof(vars[0])) != CG_OK)
        return 1;
    if (seed_demo)
        return gw_seed_main(&app);

    cg_err_clear(&err);
    if (cg_service_base_start(&app.base, &err) != CG_OK) {
        /* A stop asked for while still waiting on the database is a clean
         * exit, not a failure. */
        if (!cg_service_running())
            status = 0;
        else
            cg_log_error("start failed: %s", err.message);
        goto cleanup;
    }
    if (gw_auth_create(&app.auth, &app, &err) != CG_OK || gw_http_start(&app, &err) != CG_OK) {
        cg_log_error("start failed: %s", err.message);
        goto cleanup;
    }
    cg_log_info("gateway ready");
    cg_service_wait();
    cg_log_info("stopping");
    status = 0;

cleanup:
    /* HTTP first: handlers in flight still use the database and NATS. */
    gw_http_stop(&app);
    gw_auth_destroy(app.auth);
    app.auth = NULL;
    cg_service_base_stop(&app.base);
    return status;
}
