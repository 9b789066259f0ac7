/* The API gateway: the only HTTP entry point of CleanGrid.
 *
 * It answers JSON over HTTP (civetweb), authenticates accounts against its own
 * database (accounts, sessions, the org-unit tree) and turns each API call
 * into an RPC on NATS. Its modules, layer by layer, one folder of src/ each
 * (pure ones, in gw_core with unit tests, marked so):
 *
 * http/: the server and what every request goes through
 *   http.c           server, dispatch (login and permission checks from the
 *                    route's row), problem+json, request ids, access log
 *   http_util.c      pure: request ids, media types, queries, times
 *   json_util.c      pure: bodies parsed, problems, trees wiped
 *   limits.c, ratelimit.c  rate limits and client addresses
 *   idempotency.c, etag.c  Idempotency-Key replays, ETag and If-Match
 *   audit.c          the audit trail: records written as answers leave,
 *                    GET /api/v1/audit and /api/v1/audit/verify
 *
 * routes/: one table, and one path from HTTP to a service
 *   routes.c         the route table: every route, its permission, and for a
 *                    route that forwards to a service its gw_rpc_route row
 *   access.c         pure: permissions, roles, route matching, docs/access.md
 *   forward.c        the one handler of every forwarding row (forward.h)
 *   export.c         a list downloaded whole as XLSX or CSV, paged through its
 *                    row's method (export.h)
 *   present.c        pure: how the API shows the services' messages (the
 *                    codec's rules)
 *   presenters.c     pure: the few answers the codec cannot show
 *   enrich.c         named steps that fill fields the gateway knows (units,
 *                    assignees, a case's clue)
 *   names.c          pure: which members hold account ids and org paths, and
 *                    the walk that adds their names (names_lookup.c: the
 *                    name caches and their query)
 *   openapi.c        pure: the OpenAPI document's paths against the table
 *
 * handlers/: the hand-written routes, what is truly different
 *   auth.c, web_session.c, session_cache.c  login, cookies, sessions, tokens
 *   accounts.c, admin*.c, unit_import.c, org_cache.c  accounts and org units
 *   csv_import.c, rectify_import.c, cadre_import.c, reference_import.c,
 *   imports.c        CSV files imported: a rectification batch's lists,
 *                    cadres for their integrity files, reference records
 *                    for verification (the files read, pure; the routes)
 *   routes_public.c, json_map.c  public reports (码上监督) and their receipt
 *   routes_units_public.c  a unit's name for the public report page
 *   routes_documents.c  documents streamed in and out, the dossier export
 *   people.c         the people lookup of the console's forms
 *   routes_health.c, routes_openapi.c, static.c, web_files.c  health,
 *                    the OpenAPI document, the console's files
 *   seed.c           demo org tree and accounts */
#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/service.h"
#include "cg/status.h"
#include "cg/util.h"
#include "access.h"
#include "gw_pure.h"
#include "audit.h"
#include "export.h"
#include "forward.h"
#include "names.h"
#include "org_cache.h"
#include "session_cache.h"
#include "web_session.h"

struct mg_connection;
struct mg_context;
typedef struct gw_auth gw_auth;

/* Everything the process holds; one per process, owned by main(). */
typedef struct gw_app {
    cg_service_base base;

    /* Filled by cg_config_load() through main()'s table. */
    char *http_listen;
    char *http_port_file;
    long http_threads;
    long http_max_body;
    /* Slow clients (conn_guard.h). */
    long http_conn_per_addr;     /* connections one address holds at once; 0: no cap */
    long http_head_timeout_ms;   /* the whole request head */
    long http_body_timeout_ms;   /* the whole body of a JSON request */
    long http_upload_timeout_ms; /* the whole body of a document upload */
    long rpc_timeout_ms;
    long session_max_s;  /* absolute session lifetime */
    long session_idle_s; /* a session unused this long ends */
    long session_cache_ms;
    long org_cache_ms;
    /* Rate limits and client addresses (limits.c). */
    char *trusted_proxies;
    char *rate_exempt;
    long rate_public_per_s;
    long rate_reports_per_hour;
    long rate_api_per_s;
    long rate_api_burst;
    long login_max_failures; /* wrong passwords in a row from one address that lock it out */
    long login_max_failures_account; /* the same from anywhere, locking the account */
    long login_lockout_s;            /* how long either lock lasts */
    char *password_deny_list;        /* CG_PASSWORD_DENY_LIST */
    char *openapi_path;
    char *web_root; /* the web console's build; "" serves none (static.c) */
    /* The audit chain (audit_chain.c): its keys in hex and how often its
     * head is anchored. */
    char *audit_key;
    char *audit_key_old;
    long audit_anchor_s;
    /* The audit spool's folder and bound (audit_spool.h). */
    char *audit_spool_dir;
    long audit_spool_max_mb;
    /* Where an export's file is built (export.c). */
    char *export_dir;

    /* Owned; created by gw_http_start(), gw_auth_create() and main(). */
    struct mg_context *mg;
    struct gw_conn_guard *conn_guard; /* gw_http_start() */
    int http_port;
    gw_auth *auth;
    gw_org_cache *org_cache;
    /* Account and unit names beside ids in answers: gw_names_create(). */
    gw_names *names;
    /* Rate limits and client addresses: gw_limits_create(). */
    struct gw_limits *limits;
    gw_audit *audit;             /* gw_audit_create() in main() */
    gw_audit_chain *audit_chain; /* gw_audit_chain_create() in main(), before audit */
    /* The JSON codec with the API's presentation rules, every forwarding
     * route's messages prepared (gw_codec_create() in main()). */
    cg_pbjson *codec;
    /* The OpenAPI document, read at start by gw_openapi_load(). */
    char *openapi_doc;
    size_t openapi_len;
} gw_app;

/* --- http.c -------------------------------------------------------------- */

/* One HTTP exchange, alive for the duration of a handler call. */
typedef struct gw_request {
    struct mg_connection *conn;
    gw_app *app;
    const char *method; /* borrowed from civetweb */
    const char *path;   /* decoded path without the query; borrowed */
    const char *query;  /* raw query string or NULL; borrowed */
    /* The caller, on a route that needs a login; NULL on a public one.
     * Borrowed from the dispatcher, valid while the handler runs. */
    const gw_principal *who;
    const gw_route *route;              /* the route matched; borrowed from the table */
    char route_id[GW_ROUTE_ID_MAX + 1]; /* the {id} segment, or "" */
    char request_id[GW_REQUEST_ID_MAX + 1];
    /* The gateway's own id for the request, whatever X-Request-Id said:
     * recorded beside it in the audit trail. */
    char own_request_id[GW_REQUEST_ID_MAX + 1];
    int status;         /* the status sent, for the access log; 0 until then */
    bool body_consumed; /* the request body was read, so keep-alive is safe */
    bool must_close;    /* close the connection after the answer */
    /* A 200 JSON answer carries a strong ETag over its body, and an
     * If-None-Match that holds it is answered 304 (reads of one record). */
    bool etag;
    /* The web console's security and cache headers in place of the API's,
     * for a file of its build (static.c); NULL on every API answer. */
    const char *web_headers;
    /* More header lines for the answer ("Name: value\r\n"), or "". */
    char extra_headers[GW_COOKIE_HEADER_MAX];
    /* The body, when the idempotency layer read it before the handler
     * (owned by that layer; gw_http_read_json() parses it), else NULL. */
    char *body;
    size_t body_len;
    /* When set, the answer sent is also copied here (idempotency.c). */
    struct gw_capture *capture;
    /* The audit record this request has armed (audit.h); written when the
     * answer is sent. */
    gw_audit_pending audit;
    char audit_method_buf[16];
    /* Pointers to who->roles for the CallContext (gw_call_context). */
    char *ctx_roles[GW_MAX_ROLES];
} gw_request;

/* Start civetweb on app->http_listen, learn the port it got, write it to
 * app->http_port_file when one is set, and log the address. */
cg_code gw_http_start(gw_app *app, cg_err *err);
/* Stop taking connections and wait for the handlers in flight. Safe when the
 * server never started. */
void gw_http_stop(gw_app *app);

/* Read the request body as a JSON document. On CG_OK *out is the parsed tree,
 * owned by the caller (cJSON_Delete). On failure the request has already been
 * answered (415 wrong media type, 413 too large, 400 not valid JSON) and the
 * caller only returns. */
cg_code gw_http_read_json(gw_request *req, cJSON **out);

/* Send body (borrowed; the caller still frees it) as application/json. A
 * NULL body means it could not be built (out of memory), and answers 500. */
void gw_http_send_json(gw_request *req, int status, const cJSON *body);
/* Send a response with no body (204). */
void gw_http_send_empty(gw_request *req, int status);
/* Send a stored answer again (Idempotency-Key): status, content_type and
 * len bytes of body (borrowed) exactly, with Idempotent-Replayed: true. */
void gw_http_send_replay(gw_request *req, int status, const char *content_type, const char *body,
                         size_t len);
/* Read the request body (application/json, at most CG_HTTP_MAX_BODY bytes).
 * On CG_OK *out (owned by the caller: wipe and free()) holds *len bytes and
 * a terminator. On failure the request has been answered (415, 413, 400). */
cg_code gw_http_read_body(gw_request *req, char **out, size_t *len);
/* Answer 408 for a body that missed its deadline of timeout_ms
 * (gw_conn_guard_body_late()) and close the connection. */
void gw_http_send_late_body(gw_request *req, long timeout_ms);
/* The same without the media type check, for a handler that takes other
 * types than JSON and checks Content-Type itself. */
cg_code gw_http_read_raw(gw_request *req, char **out, size_t *len);
/* Send len bytes of body (borrowed) with the given Content-Type. */
void gw_http_send_text(gw_request *req, int status, const char *content_type, const char *body,
                       size_t len);

/* Reads the next bytes of a body being streamed into buf (up to size);
 * *got 0 at its end. */
typedef cg_code (*gw_body_reader)(void *arg, void *buf, size_t size, size_t *got, cg_err *err);
/* The pieces a streamed body is written in. */
#define GW_STREAM_CHUNK (64 * 1024)
/* Send a body of len bytes that read(arg, ...) gives piece by piece (a
 * download built in a file), with the given Content-Type and
 * req->extra_headers (a Content-Disposition), in constant memory. The audit
 * record is written before the head, as for every answer. A body that
 * cannot be read to its end closes the connection, so the client sees it
 * cut short. */
void gw_http_send_stream(gw_request *req, int status, const char *content_type, size_t len,
                         gw_body_reader read, void *arg);

/* If-Match (the header's value) against the tag of current as
 * gw_http_send_json() would send it: true when the update may go on. */
bool gw_http_json_matches(const cJSON *current, const char *if_match);

/* Send an RFC 9457 problem. code_name is the "code" member (a cg_code name or
 * a gateway-only one such as "UNSUPPORTED_MEDIA_TYPE"). err (may be NULL)
 * gives errors[] from its violations. extra (may be NULL, borrowed) is an
 * object whose members are copied into the problem. */
void gw_http_send_problem(gw_request *req, int status, const char *code_name, const char *detail,
                          const cg_err *err, const cJSON *extra);
/* Send err as a problem, its status from cg_code_http_status(). An INTERNAL
 * error's message is logged and replaced, since it may name internals. */
void gw_http_send_err(gw_request *req, const cg_err *err);

/* Turns an RPC reply into the API's JSON: a new tree owned by the caller, or
 * NULL when out of memory. It may wipe secrets in reply once copied. */
typedef cJSON *(*gw_reply_json_fn)(ProtobufCMessage *reply);

/* Send rpc (borrowed) to cg.rpc.<service>.<method>, wait up to
 * CG_RPC_TIMEOUT_MS, and answer the request: status with to_json(reply) on
 * success, the reply's Status as a problem otherwise (503 when the service
 * does not answer). Every string of the answer is wiped before it is freed. */
void gw_http_forward(gw_request *req, const char *service, const char *method,
                     const ProtobufCMessage *rpc, const ProtobufCMessageDescriptor *reply_desc,
                     gw_reply_json_fn to_json, int status);

/* The value of request header name, or NULL. Borrowed from civetweb. */
const char *gw_http_header(const gw_request *req, const char *name);

/* How long civetweb keeps an idle kept-alive connection, and with it a
 * worker, waiting for the next request. */
#define GW_KEEP_ALIVE_MS 1000

/* How long a handler waits for a database connection before answering 503. */
#define GW_DB_ACQUIRE_MS 2000

/* --- auth.c -------------------------------------------------------------- */

/* Create the authenticator: it computes the dummy hash that unknown
 * usernames are verified against. *out is owned by the caller and freed with
 * gw_auth_destroy(). */
cg_code gw_auth_create(gw_auth **out, gw_app *app, cg_err *err);
void gw_auth_destroy(gw_auth *auth);

/* Resolve the request's bearer token. On CG_OK *who is the account of a live
 * session. Otherwise err says why: UNAUTHENTICATED for a missing, malformed,
 * unknown, expired or revoked token, UNAVAILABLE when the database is down.
 * Nothing is answered; the dispatcher does that. */
cg_code gw_auth_authenticate(gw_request *req, gw_principal *who, cg_err *err);

/* The user object of the API for who; owned by the caller. NULL when out of
 * memory. */
cJSON *gw_auth_user_json(const gw_principal *who);

/* POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me. */
void gw_route_login(gw_request *req);
void gw_route_logout(gw_request *req);
void gw_route_me(gw_request *req);

/* The BLAKE2b hash of req's bearer token into key; UNAUTHENTICATED when
 * the request carries none or a malformed one. */
cg_code gw_auth_request_key(gw_request *req, uint8_t key[GW_SESSION_KEY_LEN], cg_err *err);

/* Verify password against stored (an argon2id hash string), waiting for one
 * of the hashing slots that bound the memory logins take. *match says
 * whether it verified; UNAVAILABLE when no slot freed up in time. */
cg_code gw_auth_verify_password(gw_auth *auth, const char *stored, const char *password,
                                bool *match, cg_err *err);

/* Forget every cached copy, in this process only, of the sessions of
 * account_id or of the session with token hash key. revocation.c calls them
 * for a revocation made here and for one heard from another replica. */
void gw_auth_forget_account(gw_app *app, const char *account_id);
void gw_auth_forget_token(gw_app *app, const uint8_t key[GW_SESSION_KEY_LEN]);
/* The org tree changed: forget every cached session (its scope may be
 * stale) and every cached org path. */
void gw_auth_forget_scopes(gw_app *app);

/* Hash a password with argon2id (libsodium's interactive limits) into out,
 * which must hold crypto_pwhash_STRBYTES. Used by the seed too. */
cg_code gw_auth_hash_password(const char *password, char *out, size_t out_size, cg_err *err);

/* --- routes.c and the handlers ------------------------------------------ */

/* Every route with its permission; gw_route_table_check() passes on it. */
extern const gw_route gw_routes[];
extern const size_t gw_nroutes;

/* Handlers of the route table. Each runs after the dispatcher checked the
 * login and the permission, and answers exactly once. */
void gw_route_healthz(gw_request *req);
void gw_route_readyz(gw_request *req);
void gw_route_submit_report(gw_request *req);
void gw_route_report_status(gw_request *req);
/* GET /api/v1/public/units/{id}: a unit's code and names, no login
 * (routes_units_public.c). */
void gw_route_public_unit(gw_request *req);
/* The account account_id as an assignee (a clue's handler, a case's
 * reviewer or investigator): an active inspector or inspection lead, its
 * person id and the path of its unit copied into person and scope. An
 * unknown account is INVALID_ARGUMENT on field (enrich.c). */
cg_code gw_lookup_assignee(gw_app *app, const char *field, const char *account_id, char *person,
                           size_t person_size, char *scope, size_t scope_size, cg_err *err);
/* Enrichers (enrich.c), named in the route table (forward.h). An assignee
 * (a clue's handler, a case's investigator): its account's person id and
 * unit path, for the case service's checks. */
cg_code gw_enrich_clue_handler(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
cg_code gw_enrich_case_investigator(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* The account a clue's held-back name names (subject_account_id, inside
 * the caller's scope): its person id into subject_person_id. */
cg_code gw_enrich_clue_subject(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* A unit code the client gave, resolved into the org path the service
 * reads: a disposition item's unit, or the unit_code of a list's filter or
 * a new clue. */
cg_code gw_enrich_case_item_unit(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
cg_code gw_enrich_unit(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* The clue and case lists: the unit resolved, and the last day of the
 * received or filed range counted whole. */
cg_code gw_enrich_clue_list(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
cg_code gw_enrich_case_list(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* The ledger of rectification tasks: its last deadline day counted whole. */
cg_code gw_enrich_task_list(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
cg_code gw_enrich_task_stats(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* A new task: its unit resolved, and the responsible leader's account (when
 * given) looked up for its person id. */
cg_code gw_enrich_new_task(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* The same for the statistics' filters, and a new clue's unit (required). */
cg_code gw_enrich_clue_stats(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
cg_code gw_enrich_case_stats(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
cg_code gw_enrich_new_clue(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* A case's next stage: refuses a step that has a route of its own, and
 * looks the reviewer up as an assignee. */
cg_code gw_enrich_case_action(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* A recusal from a case: the clue of the case in the path, found as the
 * caller may see it. */
cg_code gw_enrich_case_recusal(gw_request *req, ProtobufCMessage *rpc, cg_err *err);
/* Resolve an org unit code to its ltree path (routes_public.c): from the
 * org cache when it knows the code, else from the database. An unknown
 * code is INVALID_ARGUMENT on unit_code. */
cg_code gw_resolve_unit(gw_app *app, const char *code, char *path, size_t path_size, cg_err *err);
/* Documents and the dossier export of a clue or a case
 * (routes_documents.c), under /api/v1/clues/{id} and /api/v1/cases/{id}:
 * POST .../documents, GET .../documents/content?sha256=..., GET
 * .../dossier/export (the list of documents is a row). */
void gw_route_upload_document(gw_request *req);
void gw_route_download_document(gw_request *req);
void gw_route_export_dossier(gw_request *req);
/* POST /api/v1/rectify/batches/{id}/import: a batch's problem and task
 * lists from a CSV file (imports.c). */
void gw_route_import_rectify(gw_request *req);
/* POST /api/v1/integrity/cadres/import: cadres, one integrity file each,
 * from a CSV file (imports.c). */
void gw_route_import_cadres(gw_request *req);
/* POST /api/v1/integrity/references/import: reference records for
 * verification from a CSV file (imports.c). */
void gw_route_import_references(gw_request *req);
/* GET /api/v1/rectify/duty-lists/export: the assessment table of the
 * responsibility lists as XLSX or CSV (duty_export.c). */
void gw_route_duty_export(gw_request *req);
/* GET /api/v1/audit and GET /api/v1/audit/verify (audit.c). */
void gw_route_list_audit(gw_request *req);
void gw_route_verify_audit(gw_request *req);

/* Fill ctx (initialised by the caller) for a call made on behalf of
 * req->who (NULL on public routes: no actor): request id, actor, roles,
 * person id, scope, and the Idempotency-Key header when one was sent.
 * Strings and the roles array are borrowed from req, so ctx must not
 * outlive it. Fails (INVALID_ARGUMENT) on a malformed Idempotency-Key. */
cg_code gw_call_context(Cleangrid__V1__CallContext *ctx, gw_request *req, cg_err *err);

/* --- routes_openapi.c ----------------------------------------------------- */

/* Read the file at app->openapi_path into app->openapi_doc (owned by app,
 * freed by gw_openapi_free()). Fails when it cannot be read; a document that
 * does not match the route table is logged as a warning and served anyway. */
cg_code gw_openapi_load(gw_app *app, cg_err *err);
void gw_openapi_free(gw_app *app);
/* GET /api/v1/openapi.yaml. */
void gw_route_openapi(gw_request *req);

/* --- static.c ------------------------------------------------------------ */

/* Serve the web console's file for req (GET or HEAD of a path outside
 * /api/ that no route matched), or its index.html to a browser navigating
 * to one of its pages. False, with nothing answered, when req is not for
 * the console; the dispatcher then answers 404. */
bool gw_static_serve(gw_request *req);
/* Log where the console is served from, or warn that CG_WEB_ROOT holds no
 * build (it is read per request, so a later build is served without a
 * restart). */
void gw_static_log_root(const gw_app *app);

/* --- limits.c ------------------------------------------------------------ */

typedef struct gw_limits gw_limits;

/* The configuration of the rate limits and client addresses, spliced into
 * main()'s table after CG_SERVICE_BASE_VARS. */
#define GW_LIMITS_VARS(app)                                                                        \
    {.name = "CG_TRUSTED_PROXIES",                                                                 \
     .type = CG_CONFIG_STRING,                                                                     \
     .default_value = "",                                                                          \
     .target = &(app).trusted_proxies,                                                             \
     .help = "IPv4 addresses/CIDRs whose X-Forwarded-For is believed (empty: none)"},              \
        {.name = "CG_RATE_EXEMPT",                                                                 \
         .type = CG_CONFIG_STRING,                                                                 \
         .default_value = "",                                                                      \
         .target = &(app).rate_exempt,                                                             \
         .help = "client IPv4 addresses/CIDRs no rate limit applies to (empty: none)"},            \
        {.name = "CG_RATE_PUBLIC_PER_S",                                                           \
         .type = CG_CONFIG_INT,                                                                    \
         .default_value = "5",                                                                     \
         .min = 0,                                                                                 \
         .max = 1000000,                                                                           \
         .target = &(app).rate_public_per_s,                                                       \
         .help = "requests a second per client address on public routes (0: no limit)"},           \
        {.name = "CG_RATE_REPORTS_PER_HOUR",                                                       \
         .type = CG_CONFIG_INT,                                                                    \
         .default_value = "10",                                                                    \
         .min = 0,                                                                                 \
         .max = 1000000,                                                                           \
         .target = &(app).rate_reports_per_hour,                                                   \
         .help = "public reports an hour per client address (0: no limit)"},                       \
        {.name = "CG_RATE_API_PER_S",                                                              \
         .type = CG_CONFIG_INT,                                                                    \
         .default_value = "20",                                                                    \
         .min = 0,                                                                                 \
         .max = 1000000,                                                                           \
         .target = &(app).rate_api_per_s,                                                          \
         .help = "requests a second per account on routes that need a login (0: no limit)"},       \
    {                                                                                              \
        .name = "CG_RATE_API_BURST", .type = CG_CONFIG_INT, .default_value = "40", .min = 1,       \
        .max = 1000000, .target = &(app).rate_api_burst,                                           \
        .help = "requests an account may make at once before CG_RATE_API_PER_S applies"            \
    }

/* Parse the address lists and create the limits into app->limits. Fails
 * (INVALID_ARGUMENT, naming the variable and the entry) on a bad list. */
cg_code gw_limits_create(gw_app *app, cg_err *err);
/* Free app->limits; safe when it was never created. */
void gw_limits_destroy(gw_app *app);
/* Apply the limits that route has to req (req->who set on a route that
 * needs a login). True when the request may go on; false when it was
 * answered 429 with Retry-After. */
bool gw_limits_admit(gw_request *req, const gw_route *route);
/* The client of req as its limits count it (gw_client_addr(): the address,
 * its /64, or GW_ADDR_UNPARSABLE) into out (GW_ADDR_MAX bytes). Never
 * stored or logged. */
void gw_limits_client(const gw_request *req, char *out);
/* True if addr (the TCP peer's dotted IPv4 text) is one of
 * CG_TRUSTED_PROXIES (many clients share its connections) or of
 * CG_RATE_EXEMPT: no cap on its connections applies. */
bool gw_limits_conn_exempt(const gw_limits *limits, const char *addr);

/* --- idempotency.c ------------------------------------------------------- */

/* The idempotency layer's view of a request whose key it claimed. */
typedef struct gw_capture gw_capture;

/* Called by the response sender with the answer about to be written (the
 * first one only): the layer keeps it for the key, or drops the claim on a
 * server error, before the answer leaves, so a repeat the client sends the
 * moment it has the answer already finds it. */
void gw_capture_answer(gw_capture *cap, int status, const char *content_type, const char *body,
                       size_t len);

/* Run route's handler for req, honouring Idempotency-Key on a route marked
 * idempotent: the first request with a key runs and its answer is kept for
 * 24 hours; a repeat with the same body gets that answer again, with
 * another body 422, while the first still runs 409. Without a key, or on
 * any other route, the handler simply runs. */
void gw_idempotency_run(gw_request *req, const gw_route *route);

/* --- seed.c -------------------------------------------------------------- */

/* `cg-gateway --seed-demo`: open the database, migrate, and insert the demo
 * org tree and accounts when there are no accounts yet. Returns the process
 * exit status. */
int gw_seed_main(gw_app *app);

#endif
