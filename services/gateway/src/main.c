/* cg-gateway: the HTTP/JSON entry point of CleanGrid.
 *
 *   cg-gateway                 serve the API until SIGTERM or SIGINT
 *   cg-gateway --seed-demo     load the demo org tree and accounts, then exit
 *   cg-gateway --access-matrix print docs/access.md (who may call what), then exit
 *   cg-gateway --openapi-check FILE  exit 1 unless FILE documents exactly the routes
 *   cg-gateway --routes-json   print what each route takes and answers (route_doc.h), then exit
 *
 * Configuration comes from CG_* environment variables only (see vars[]). */
#include <stdio.h>
#include <string.h>

#include "cg/config.h"
#include "cg/log.h"
#include "cg/nats.h"
#include "accounts.h"
#include "gateway.h"
#include "openapi.h"
#include "org_directory.h"
#include "revocation.h"
#include "route_doc.h"
#include "session_cache.h"

/* Org units the cache holds at most (about 600 bytes each). */
#define ORG_CACHE_SLOTS 256

static void usage(FILE *out)
{
    fprintf(out, "usage: cg-gateway [--seed-demo | --access-matrix | --routes-json |\n"
                 "                   --openapi-check FILE]\n"
                 "Configuration is read from CG_* environment variables.\n");
}

/* Refuse a route table with a route that declares no permission, a bad
 * pattern or a route declared twice: better no gateway than one that
 * serves a route nobody decided the access of, or that reads a list of
 * sensitive records without recording which. */
static bool routes_valid(void)
{
    cg_err err;
    cg_err_clear(&err);
    if (gw_route_table_check(gw_routes, gw_nroutes, &err) == CG_OK &&
        gw_route_audit_check(gw_routes, gw_nroutes, &err) == CG_OK)
        return true;
    cg_log_error("route table refused, not starting: %s", err.message);
    return false;
}

/* `--openapi-check FILE`: exit 0 when the OpenAPI document at path names
 * exactly the routes of the table, else say what differs and exit 1. */
static int check_openapi(const char *path)
{
    static char doc[4 * 1024 * 1024];
    cg_err err;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cg-gateway: cannot read %s\n", path);
        return 1;
    }
    size_t len = fread(doc, 1, sizeof(doc), f);
    fclose(f);
    cg_err_clear(&err);
    if (len == sizeof(doc) || gw_openapi_check(doc, len, gw_routes, gw_nroutes, &err) != CG_OK) {
        fprintf(stderr, "cg-gateway: %s: %s\n", path,
                len == sizeof(doc) ? "too large" : err.message);
        return 1;
    }
    return 0;
}

/* `--access-matrix`: docs/access.md on stdout, from the tables. */
static int print_access_matrix(void)
{
    if (!routes_valid())
        return 1;
    if (!gw_access_doc_write(stdout, gw_routes, gw_nroutes)) {
        fprintf(stderr, "cg-gateway: cannot write the access matrix\n");
        return 1;
    }
    return 0;
}

/* `--routes-json`: what each route takes and answers, as JSON on stdout,
 * for tools/openapi-check/compare.mjs. */
static int print_routes_json(void)
{
    int status = 1;
    cg_pbjson *codec = NULL;
    cJSON *doc = NULL;
    char *text = NULL;
    cg_err err;

    cg_err_clear(&err);
    if (!routes_valid())
        goto cleanup;
    if (gw_codec_create(gw_routes, gw_nroutes, &codec, &err) != CG_OK ||
        gw_route_doc_json(gw_routes, gw_nroutes, codec, &doc, &err) != CG_OK) {
        fprintf(stderr, "cg-gateway: %s\n", err.message);
        goto cleanup;
    }
    text = cJSON_Print(doc);
    if (text == NULL || printf("%s\n", text) < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "cg-gateway: cannot write the routes\n");
        goto cleanup;
    }
    status = 0;

cleanup:
    cJSON_free(text);
    cJSON_Delete(doc);
    cg_pbjson_free(codec);
    return status;
}

int main(int argc, char **argv)
{
    static gw_app app = {.base = {.name = "gateway"}};
    cg_config_var vars[] = {
        CG_SERVICE_BASE_VARS(app.base),
        GW_LIMITS_VARS(app),
        {.name = "CG_HTTP_LISTEN",
         .type = CG_CONFIG_STRING,
         .default_value = "127.0.0.1:8080",
         .target = &app.http_listen,
         .help = "address:port the HTTP API listens on (port 0 picks a free one)"},
        {.name = "CG_HTTP_PORT_FILE",
         .type = CG_CONFIG_STRING,
         .default_value = "",
         .target = &app.http_port_file,
         .help = "file to write the listening port into once serving (empty: none)"},
        {.name = "CG_HTTP_THREADS",
         .type = CG_CONFIG_INT,
         .default_value = "128",
         .min = 4,
         .max = 1024,
         .target = &app.http_threads,
         .help = "HTTP worker threads: connections served at once, slow ones included"},
        {.name = "CG_HTTP_CONN_PER_ADDR",
         .type = CG_CONFIG_INT,
         .default_value = "16",
         .min = 0,
         .max = 1024,
         .target = &app.http_conn_per_addr,
         .help = "connections one client address may hold at once; more are refused with 429 "
                 "(trusted proxies and CG_RATE_EXEMPT spared; 0: no cap)"},
        {.name = "CG_HTTP_HEAD_TIMEOUT_MS",
         .type = CG_CONFIG_INT,
         .default_value = "10000",
         .min = 100,
         .max = 600000,
         .target = &app.http_head_timeout_ms,
         .help = "the whole request head must arrive within this; else 408"},
        {.name = "CG_HTTP_BODY_TIMEOUT_MS",
         .type = CG_CONFIG_INT,
         .default_value = "30000",
         .min = 100,
         .max = 600000,
         .target = &app.http_body_timeout_ms,
         .help = "the whole body of a JSON request must arrive within this; else 408"},
        {.name = "CG_HTTP_UPLOAD_TIMEOUT_MS",
         .type = CG_CONFIG_INT,
         .default_value = "300000",
         .min = 100,
         .max = 3600000,
         .target = &app.http_upload_timeout_ms,
         .help = "the whole body of a document upload must arrive within this; else 408"},
        {.name = "CG_HTTP_MAX_BODY",
         .type = CG_CONFIG_INT,
         .default_value = "65536",
         .min = 1024,
         .max = 16777216,
         .target = &app.http_max_body,
         .help = "largest request body in bytes; larger is 413"},
        {.name = "CG_RPC_TIMEOUT_MS",
         .type = CG_CONFIG_INT,
         .default_value = "5000",
         .min = 100,
         .max = 120000,
         .target = &app.rpc_timeout_ms,
         .help = "how long an API call waits for a service's answer"},
        {.name = "CG_SESSION_MAX_S",
         .type = CG_CONFIG_INT,
         .default_value = "43200",
         .min = 60,
         .max = 2592000,
         .target = &app.session_max_s,
         .help = "absolute lifetime of a login session in seconds, however busy"},
        {.name = "CG_SESSION_IDLE_S",
         .type = CG_CONFIG_INT,
         .default_value = "1800",
         .min = 120,
         .max = 2592000,
         .target = &app.session_idle_s,
         .help = "a login session unused this many seconds ends (measured to within a minute)"},
        {.name = "CG_SESSION_CACHE_MS",
         .type = CG_CONFIG_INT,
         .default_value = "2000",
         .min = 0,
         .max = GW_SESSION_CACHE_MAX_TTL_MS,
         .target = &app.session_cache_ms,
         .help = "how long a session looked up in the database is trusted without asking it "
                 "again (0: never); another replica may accept a revoked token this long"},
        {.name = "CG_ORG_CACHE_MS",
         .type = CG_CONFIG_INT,
         .default_value = "30000",
         .min = 0,
         .max = GW_ORG_CACHE_MAX_TTL_MS,
         .target = &app.org_cache_ms,
         .help = "how long an org unit's path, and the names put beside ids in answers, are kept "
                 "without asking the database (0: never)"},
        {.name = "CG_LOGIN_MAX_FAILURES",
         .type = CG_CONFIG_INT,
         .default_value = "5",
         .min = 1,
         .max = 100,
         .target = &app.login_max_failures,
         .help = "wrong passwords in a row for one account from one client address that lock "
                 "that address out of that account for CG_LOGIN_LOCKOUT_S"},
        {.name = "CG_LOGIN_MAX_FAILURES_ACCOUNT",
         .type = CG_CONFIG_INT,
         .default_value = "50",
         .min = 1,
         .max = 100000,
         .target = &app.login_max_failures_account,
         .help = "wrong passwords in a row for one account from any addresses that lock the "
                 "account for CG_LOGIN_LOCKOUT_S"},
        {.name = "CG_LOGIN_LOCKOUT_S",
         .type = CG_CONFIG_INT,
         .default_value = "900",
         .min = 1,
         .max = 86400,
         .target = &app.login_lockout_s,
         .help = "how long an address, or an account, stays locked after too many wrong "
                 "passwords"},
        {.name = "CG_PASSWORD_DENY_LIST",
         .type = CG_CONFIG_STRING,
         .default_value = GW_PASSWORD_DENY_LIST_DEFAULT,
         .target = &app.password_deny_list,
         .help = "file of common passwords (one a line) that no new password may be, nor be "
                 "built on"},
        {.name = "CG_OPENAPI_PATH",
         .type = CG_CONFIG_STRING,
         .default_value = GW_OPENAPI_DEFAULT_PATH,
         .target = &app.openapi_path,
         .help = "the OpenAPI document served at /api/v1/openapi.yaml (read at start)"},
        {.name = "CG_WEB_ROOT",
         .type = CG_CONFIG_STRING,
         .default_value = GW_WEB_DEFAULT_ROOT,
         .target = &app.web_root,
         .help = "the web console's build, served at / (empty: none)"},
        {.name = "CG_AUDIT_KEY",
         .type = CG_CONFIG_STRING,
         .default_value = NULL,
         .secret = true,
         .target = &app.audit_key,
         .help = "the audit chain's HMAC-SHA256 key, 64 hex digits, never stored in the "
                 "database (e.g. `openssl rand -hex 32`)"},
        {.name = "CG_AUDIT_KEY_OLD",
         .type = CG_CONFIG_STRING,
         .default_value = "",
         .secret = true,
         .target = &app.audit_key_old,
         .help = "former audit keys, comma-separated, that only check the rows written with "
                 "them (key rotation)"},
        {.name = "CG_AUDIT_ANCHOR_S",
         .type = CG_CONFIG_INT,
         .default_value = "60",
         .min = 1,
         .max = 86400,
         .target = &app.audit_anchor_s,
         .help = "how often the audit chain's head, when it moved, is anchored on JetStream "
                 "(stream CG_ANCHORS)"},
        {.name = "CG_AUDIT_SPOOL_DIR",
         .type = CG_CONFIG_STRING,
         .default_value = "/var/spool/cleangrid/gateway",
         .target = &app.audit_spool_dir,
         .help = "the gateway's own folder where audit records wait, fsync'd, while the trail "
                 "cannot take them (created when missing; its parent must exist)"},
        {.name = "CG_EXPORT_DIR",
         .type = CG_CONFIG_STRING,
         .default_value = "/tmp",
         .target = &app.export_dir,
         .help = "the folder where a list's export (XLSX, CSV) is built before it is sent, "
                 "then removed"},
        {.name = "CG_AUDIT_SPOOL_MAX_MB",
         .type = CG_CONFIG_INT,
         .default_value = "1024",
         .min = 1,
         .max = 1048576,
         .target = &app.audit_spool_max_mb,
         .help = "most the audit spool holds; past it (or with its disk full) requests that need "
                 "a record are refused"},
    };
    bool seed_demo = false;
    bool access_matrix = false;
    cg_err err;
    int status = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed-demo") == 0) {
            seed_demo = true;
        } else if (strcmp(argv[i], "--access-matrix") == 0) {
            access_matrix = true;
        } else if (strcmp(argv[i], "--openapi-check") == 0 && i + 1 < argc) {
            return check_openapi(argv[i + 1]);
        } else if (strcmp(argv[i], "--routes-json") == 0) {
            return print_routes_json();
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "cg-gateway: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    /* Needs no configuration: it only reads the tables in the code. */
    if (access_matrix)
        return print_access_matrix();
    if (cg_service_base_configure(&app.base, vars, sizeof(vars) / sizeof(vars[0])) != CG_OK)
        return 1;
    if (seed_demo)
        return gw_seed_main(&app);
    if (!routes_valid())
        return 1;
    cg_err_clear(&err);
    if (gw_limits_create(&app, &err) != CG_OK ||
        gw_password_policy_load(app.password_deny_list, &err) != CG_OK) {
        cg_log_error("configuration: %s", err.message);
        return 1;
    }

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
    if (gw_openapi_load(&app, &err) != CG_OK ||
        gw_codec_create(gw_routes, gw_nroutes, &app.codec, &err) != CG_OK ||
        gw_org_cache_create(&app.org_cache, ORG_CACHE_SLOTS, app.org_cache_ms, &err) != CG_OK ||
        gw_names_create(&app.names, app.org_cache_ms, &err) != CG_OK ||
        gw_auth_create(&app.auth, &app, &err) != CG_OK ||
        gw_audit_chain_create(&app.audit_chain, &app, &err) != CG_OK ||
        gw_audit_create(&app.audit, &app, &err) != CG_OK || gw_http_start(&app, &err) != CG_OK) {
        cg_log_error("start failed: %s", err.message);
        goto cleanup;
    }
    /* Right after HTTP starts: a revocation published in that instant is
     * missed, and its session dropped from the cache within
     * CG_SESSION_CACHE_MS as it would be without the broadcast. */
    if (gw_revocation_start(&app, &err) != CG_OK || gw_org_directory_start(&app, &err) != CG_OK) {
        cg_log_error("start failed: %s", err.message);
        goto cleanup;
    }
    gw_static_log_root(&app);
    cg_log_info("gateway ready");
    cg_service_wait();
    cg_log_info("stopping");
    status = 0;

cleanup:
    /* HTTP first: handlers in flight still use the database and NATS. */
    gw_http_stop(&app);
    /* Before the session cache it evicts from goes. */
    gw_revocation_stop(&app);
    /* Before the database it reads closes. */
    gw_org_directory_stop(&app);
    gw_limits_destroy(&app);
    gw_auth_destroy(app.auth);
    app.auth = NULL;
    gw_audit_destroy(app.audit);
    app.audit = NULL;
    gw_audit_chain_destroy(app.audit_chain);
    app.audit_chain = NULL;
    gw_org_cache_destroy(app.org_cache);
    app.org_cache = NULL;
    gw_names_destroy(app.names);
    app.names = NULL;
    cg_service_base_stop(&app.base);
    gw_openapi_free(&app);
    cg_pbjson_free(app.codec);
    return status;
}
