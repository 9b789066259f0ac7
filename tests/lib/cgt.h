/* cgt: the small harness the integration tests share.
 *
 * The tests talk to a running stack (scripts/test.sh starts it) only the way
 * a client would: HTTP to the gateway, and for the event tests JetStream
 * publishes onto the bus. cmocka runs the test functions; a failed check
 * prints file:line with what was expected and what came back, then fails the
 * current test through cmocka, which still runs its teardown, so a test that
 * stopped a service can start it again on every path. */
#ifndef CGT_H
#define CGT_H

/* cmocka needs these before its own header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdbool.h>

/* --- environment --------------------------------------------------------- */

/* What a test binary needs from scripts/test.sh besides the gateway. */
enum {
    CGT_NEED_GATEWAY = 0,
    CGT_NEED_STACK = 1 << 0, /* CG_STACK: stop and start parts of the stack */
    CGT_NEED_NATS = 1 << 1,  /* CG_NATS_URL: publish events directly */
};

/* The exit code ctest reads as "skipped" (SKIP_RETURN_CODE in CMake). */
#define CGT_SKIP 77

/* Read the environment; when something needed is missing, say which variable
 * and how the suite is meant to be run, then exit CGT_SKIP. Also initialises
 * libcurl and makes stdout line-buffered so it interleaves with stderr. */
void cgt_init(const char *suite, int needs);
/* Release what cgt_init() set up. */
void cgt_cleanup(void);

const char *cgt_gateway_url(void);
const char *cgt_nats_url(void);
const char *cgt_demo_password(void);

/* --- failing a test ------------------------------------------------------ */

/* Print "file:line: what failed: message" and fail the running cmocka test.
 * Never returns. */
void cgt_fail_at(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

/* CGT_CHECK(cond, fmt, ...): the format is required, so every failure says
 * what it was about. */
#define CGT_CHECK(cond, ...)                                                                       \
    ((cond) ? (void)0 : cgt_fail_at(__FILE__, __LINE__, "expected " #cond, __VA_ARGS__))

#define CGT_FAIL(...) cgt_fail_at(__FILE__, __LINE__, "failure", __VA_ARGS__)

/* Expected vs got for strings; NULL prints as (null) and never equals. */
#define CGT_CHECK_STR(expected, got, what)                                                         \
    cgt_check_str(__FILE__, __LINE__, (expected), (got), (what))
#define CGT_CHECK_INT(expected, got, what)                                                         \
    cgt_check_int(__FILE__, __LINE__, (long long)(expected), (long long)(got), (what))

void cgt_check_str(const char *file, int line, const char *expected, const char *got,
                   const char *what);
void cgt_check_int(const char *file, int line, long long expected, long long got, const char *what);

/* --- HTTP ---------------------------------------------------------------- */

typedef struct cgt_response {
    long status; /* 0 when the request never got an answer */
    char *body;  /* NUL-terminated; "" when empty; the curl error when status is 0 */
    size_t body_len;
    cJSON *json;            /* the body parsed, or NULL when it is not JSON */
    char content_type[128]; /* "" when absent */
    char request_id[128];   /* X-Request-Id of the response, "" when absent */
    char headers[4096];     /* every header line of the final response, as sent */
    char method[8];
    char path[512];
    double seconds; /* how long the exchange took */
} cgt_response;

/* One request to the gateway. headers is NULL or a NULL-terminated list of
 * "Name: value" lines; body may be NULL. Never fails the test by itself: a
 * transport error comes back as status 0 with the error text as body. */
cgt_response *cgt_request(const char *method, const char *path, const char *const *headers,
                          const char *body, size_t body_len);
void cgt_response_free(cgt_response *r);

/* The value of header name in r (case-insensitive name), copied into out;
 * "" when r has no such header. Returns out. */
const char *cgt_header(const cgt_response *r, const char *name, char *out, size_t outsz);

/* GET with an optional bearer token (NULL for none). */
cgt_response *cgt_get(const char *path, const char *token);
/* POST a JSON document (application/json) with an optional bearer token. */
cgt_response *cgt_post_json(const char *path, const char *token, const cJSON *body);
/* Send json (a JSON text) with method as token. */
cgt_response *cgt_send_json(const char *method, const char *path, const char *token,
                            const char *json);
/* POST bytes with the given Content-Type (NULL sends none). */
cgt_response *cgt_post_raw(const char *path, const char *token, const char *content_type,
                           const char *body, size_t len);

/* Fail unless r has the expected status; the message shows the request,
 * the status that came back and the start of the body. */
#define CGT_CHECK_STATUS(r, expected) cgt_check_status(__FILE__, __LINE__, (r), (expected))
void cgt_check_status(const char *file, int line, const cgt_response *r, long expected);

/* Fail unless r is an RFC 9457 problem: Content-Type application/problem+json
 * and a JSON object with a numeric status equal to the HTTP status and
 * string title and detail. */
#define CGT_CHECK_PROBLEM(r, expected) cgt_check_problem(__FILE__, __LINE__, (r), (expected))
void cgt_check_problem(const char *file, int line, const cgt_response *r, long expected);

/* POST body (JSON text) to path as token and fail unless the answer is
 * expected: a problem (CGT_CHECK_PROBLEM) from 400 on, that status below.
 * The caller frees the answer. */
#define CGT_POST(token, path, body, expected)                                                      \
    cgt_post_req(__FILE__, __LINE__, (token), (path), (body), (expected))
cgt_response *cgt_post_req(const char *file, int line, const char *token, const char *path,
                           const char *body, long expected);

/* Fail unless the body is a JSON object; returns it (owned by r). */
#define CGT_JSON_OBJECT(r) cgt_json_object(__FILE__, __LINE__, (r))
const cJSON *cgt_json_object(const char *file, int line, const cgt_response *r);

/* --- JSON ---------------------------------------------------------------- */

/* The string member key of obj, or NULL when absent or not a string. */
const char *cgt_json_str(const cJSON *obj, const char *key);
/* The only string of the array member key (["inspector"] gives
 * "inspector"), or NULL when it is not an array of exactly one string. */
const char *cgt_json_sole(const cJSON *obj, const char *key);
/* A string member that must be there; fails the test otherwise. */
#define CGT_JSON_STR(obj, key) cgt_json_str_req(__FILE__, __LINE__, (obj), (key))
const char *cgt_json_str_req(const char *file, int line, const cJSON *obj, const char *key);
/* The whole value printed compactly; the caller frees it with free(). */
char *cgt_json_print(const cJSON *item);

/* --- shapes -------------------------------------------------------------- */

/* Canonical lowercase or uppercase UUID text, 36 characters. */
bool cgt_is_uuid(const char *s);
/* Exactly n ASCII digits. */
bool cgt_is_digits(const char *s, size_t n);
/* RFC 3339 UTC with milliseconds, e.g. 2026-11-26T01:02:03.456Z. */
bool cgt_is_rfc3339_ms(const char *s);

/* --- randomness ---------------------------------------------------------- */

/* A fresh version 4 UUID (from /dev/urandom) into out[37]. */
void cgt_uuid(char out[37]);
/* n random lowercase hex characters and a terminator into out. */
void cgt_token_hex(char *out, size_t n);
/* n random digits and a terminator into out. */
void cgt_random_digits(char *out, size_t n);

/* --- waiting ------------------------------------------------------------- */

/* Monotonic milliseconds. */
int64_t cgt_now_ms(void);
void cgt_sleep_ms(int ms);

/* Call probe every interval_ms until it returns true or timeout_ms passes;
 * true if it ever did. The probe may fail the test itself when what it saw
 * can never get better. */
typedef bool (*cgt_probe_fn)(void *arg);
bool cgt_eventually(int timeout_ms, int interval_ms, cgt_probe_fn probe, void *arg);

/* The default deadline and poll interval the suite uses. */
#define CGT_DEADLINE_MS 20000
#define CGT_POLL_MS 100

/* --- stack control ------------------------------------------------------- */

/* Run "$CG_STACK <args>" through the shell and return its exit status (or -1
 * when it could not run). The command line and the time it took are
 * printed, so a log shows exactly what the test did to the stack. */
int cgt_stack(const char *args);
/* cgt_stack() that fails the test unless the command succeeded. */
#define CGT_STACK(args) cgt_stack_req(__FILE__, __LINE__, (args))
void cgt_stack_req(const char *file, int line, const char *args);

/* The NATS URL of the enterprise systems' user "publisher" (its password
 * in it), from "$CG_STACK nats-url publisher", into out. */
void cgt_publisher_url(char *out, size_t size);
/* Run the cg-publish binary at bin as the publisher on lines (its input
 * file's JSON lines) with extra_args (NULL: none) before the file; its
 * exit status, or -1 when it could not run. */
int cgt_publish_enterprise(const char *bin, const char *lines, const char *extra_args);
/* Publish through the cg-publish at bin an expense claim of id claim in
 * unit code that person approved themself: self_approval, a heavy
 * indicator, which raises an alert on person by itself (docs/risk.md).
 * Fails the test unless cg-publish succeeded. */
void cgt_publish_self_approval(const char *bin, const char *claim, const char *code,
                               const char *person);

/* --- API helpers --------------------------------------------------------- */

/* Log in as username with password; returns the HTTP status, and on 200
 * *token_out (when not NULL) receives a copy of the token (free()). */
long cgt_try_login(const char *username, const char *password, char **token_out);
/* Log in as a demo account with CG_DEMO_PASSWORD; fails the test unless it
 * worked. The token is the caller's to free(). */
#define CGT_LOGIN(username) cgt_login_req(__FILE__, __LINE__, (username))
char *cgt_login_req(const char *file, int line, const char *username);
/* Revoke a token; ignores the result (cleanup path). NULL is fine. */
void cgt_logout(char *token);

/* What a successful public report submission returned. */
typedef struct cgt_report {
    char report_id[64];
    char receipt[32];
    char submitted_at[40];
    char content[512];
} cgt_report;

/* A valid public report body with content carrying a fresh random token (so
 * the clue can be found by content) and the given unit_code (NULL for the
 * default). anonymous is true; callers change fields as they need. */
cJSON *cgt_report_body(const char *label, const char *unit_code);
/* POST body to /api/v1/public/reports and fail the test unless 201 with a
 * UUID report_id, a 16-digit receipt, status "received" and an RFC 3339
 * submitted_at. */
#define CGT_SUBMIT(body, out) cgt_submit_req(__FILE__, __LINE__, (body), (out))
void cgt_submit_req(const char *file, int line, const cJSON *body, cgt_report *out);
/* cgt_report_body() and CGT_SUBMIT in one. */
#define CGT_SUBMIT_SIMPLE(label, unit_code, out)                                                   \
    cgt_submit_simple(__FILE__, __LINE__, (label), (unit_code), (out))
void cgt_submit_simple(const char *file, int line, const char *label, const char *unit_code,
                       cgt_report *out);

/* The report's status through POST /api/v1/public/reports/status: a copy of
 * the "status" string (free()), or NULL when the lookup did not answer 200. */
char *cgt_report_status(const char *receipt);

/* Every clue token can see, walking /api/v1/clues with limit=100 pages from
 * the first to next_cursor null. Fails the test on a non-200 page or a page
 * walk that does not end. Returns a cJSON array the caller deletes. */
#define CGT_ALL_CLUES(token) cgt_all_clues(__FILE__, __LINE__, (token))
cJSON *cgt_all_clues(const char *file, int line, const char *token);
/* Number of items of the array whose string member key equals value. */
int cgt_count_where(const cJSON *items, const char *key, const char *value);
/* The first item whose string member key equals value, or NULL (borrowed). */
const cJSON *cgt_find_where(const cJSON *items, const char *key, const char *value);

/* Wait until token sees a clue whose key equals value; returns a copy (the
 * caller deletes it) or fails the test after CGT_DEADLINE_MS. */
#define CGT_AWAIT_CLUE(token, key, value)                                                          \
    cgt_await_clue(__FILE__, __LINE__, (token), (key), (value))
cJSON *cgt_await_clue(const char *file, int line, const char *token, const char *key,
                      const char *value);

/* --- clues ------------------------------------------------------- */

/* A valid clue registration body: source letters_visits, one subject with
 * a fresh random name (and person_id when not NULL), category integrity,
 * today's date, unit_code. The caller deletes it. */
cJSON *cgt_clue_body(const char *unit_code, const char *person_id);
/* POST /api/v1/clues with cgt_clue_body(unit_code, person_id) as token. */
cgt_response *cgt_post_clue(const char *token, const char *unit_code, const char *person_id);
/* cgt_post_clue() that must answer 201; the new clue's id goes into id. */
#define CGT_CREATE_CLUE(token, unit_code, person_id, id)                                           \
    cgt_create_clue_req(__FILE__, __LINE__, (token), (unit_code), (person_id), (id))
void cgt_create_clue_req(const char *file, int line, const char *token, const char *unit_code,
                         const char *person_id, char id[37]);
/* The date days_ago days before today (UTC), YYYY-MM-DD. */
void cgt_date_ago(int days_ago, char out[16]);
/* Register a clue at unit_code as token, received days_ago days ago, with
 * summary (NULL: the body's own); must answer 201; its id goes into id. */
#define CGT_CREATE_CLUE_RECEIVED(token, unit_code, days_ago, summary, id)                          \
    cgt_create_clue_received_req(__FILE__, __LINE__, (token), (unit_code), (days_ago), (summary),  \
                                 (id))
void cgt_create_clue_received_req(const char *file, int line, const char *token,
                                  const char *unit_code, int days_ago, const char *summary,
                                  char id[37]);
/* GET /api/v1/clues/<id> as token, which must answer 200; the clue object,
 * copied (the caller deletes it). */
#define CGT_GET_CLUE(token, id) cgt_get_clue_req(__FILE__, __LINE__, (token), (id))
cJSON *cgt_get_clue_req(const char *file, int line, const char *token, const char *id);
/* POST json (NULL sends "{}") to /api/v1/clues/<id><suffix> as token, e.g.
 * suffix "/disposal" or "/merge". */
cgt_response *cgt_clue_act(const char *token, const char *id, const char *suffix, const char *json);
/* File a case (立案) from clue id: proposed for filing by proposer (its
 * handler), approved by approver and filed by filer, each of which must
 * answer 200; the case's id goes into case_id. Tokens are borrowed. */
#define CGT_FILE_CASE(proposer, approver, filer, id, case_id)                                      \
    cgt_file_case_req(__FILE__, __LINE__, (proposer), (approver), (filer), (id), (case_id))
void cgt_file_case_req(const char *file, int line, const char *proposer, const char *approver,
                       const char *filer, const char *id, char case_id[37]);
/* PATCH json to /api/v1/clues/<id> as token: correct the clue's register. */
cgt_response *cgt_patch_clue(const char *token, const char *id, const char *json);

/* A case filed (立案) from a new clue at unit_code: proposed for filing by
 * handler (who registers the clue and so handles it), approved by
 * approver, filed by filer; every step must succeed. The case's id goes
 * into case_id. */
#define CGT_FILED_CASE(handler, approver, filer, unit_code, case_id)                               \
    cgt_filed_case_req(__FILE__, __LINE__, (handler), (approver), (filer), (unit_code), (case_id))
void cgt_filed_case_req(const char *file, int line, const char *handler, const char *approver,
                        const char *filer, const char *unit_code, char case_id[37]);

/* --- dossiers ---------------------------------------------------- */

/* The seq of the last entry of a file's dossier as token reads it (kind
 * "clues" or "cases"; 0 for none). */
long long cgt_dossier_last_seq(const char *token, const char *kind, const char *id);
/* GET /api/v1/<kind>/<id>/dossier/verify as token, which must answer 200:
 * whole, and *first_bad gets first_bad_seq (0 when null, which it must be
 * exactly when whole). */
bool cgt_dossier_verify(const char *token, const char *kind, const char *id, long long *first_bad);
/* The actions of a file's dossier as token reads it (kind as above, e.g.
 * "rectify/tasks"), oldest first and comma-separated, into out (size
 * bytes); the file's chain must verify whole. */
void cgt_dossier_actions(const char *token, const char *kind, const char *id, char *out,
                         size_t size);

/* --- rectification (整改) ------------------------------------------------ */

/* The stages of a rectification task a fixture can stand at, in order. */
typedef enum cgt_task_stage {
    CGT_TASK_ASSIGNED,
    CGT_TASK_IN_PROGRESS, /* planned, one measure, with evidence */
    CGT_TASK_CLOSURE_REQUESTED,
    CGT_TASK_VERIFIED,
    CGT_TASK_CLOSED,
} cgt_task_stage;

/* A rectification task for unit_code (a city of east or west) at stage,
 * made by the demo accounts: lead (hq) registers a batch (an inspection
 * tour with two parties), a problem and the task; unitlead.<province>
 * plans one measure, adds a document as its evidence and asks for
 * closure; inspector (hq) accepts for the office, lead for the inspection
 * group and closes it off. Its id into id. */
#define CGT_RECTIFY_TASK(unit_code, stage, id)                                                     \
    cgt_rectify_task_req(__FILE__, __LINE__, (unit_code), (stage), (id))
void cgt_rectify_task_req(const char *file, int line, const char *unit_code, cgt_task_stage stage,
                          char id[37]);
/* POST body (JSON text) to /api/v1/rectify/tasks/<id><suffix> as token. */
cgt_response *cgt_rectify_step(const char *token, const char *id, const char *suffix,
                               const char *body);
/* GET /api/v1/rectify/tasks/<id> as token, which must answer 200: the task
 * (cJSON_Delete). */
#define CGT_GET_TASK(token, id) cgt_get_task_req(__FILE__, __LINE__, (token), (id))
cJSON *cgt_get_task_req(const char *file, int line, const char *token, const char *id);

/* --- integrity files (廉政档案) ------------------------------------------- */

/* Register a cadre in a key position (materials) of unit_code as token;
 * its file's id into id. Must answer 201. */
#define CGT_CREATE_CADRE(token, person_id, unit_code, id)                                          \
    cgt_create_cadre_req(__FILE__, __LINE__, (token), (person_id), (unit_code), (id))
void cgt_create_cadre_req(const char *file, int line, const char *token, const char *person_id,
                          const char *unit_code, char id[37]);

/* The file id as token reads it (200 or the test fails); the caller
 * deletes it. */
#define CGT_GET_CADRE_FILE(token, id) cgt_get_cadre_file_req(__FILE__, __LINE__, (token), (id))
cJSON *cgt_get_cadre_file_req(const char *file, int line, const char *token, const char *id);

/* A whole personal matters report of year as the JSON body of PUT
 * /api/v1/integrity/me/report: every item of the form answered none but
 * the housing (one flat of area square metres) and the salary. Owned by
 * the caller (free()). */
char *cgt_full_report(int year, const char *area);

/* The demo cadre of the east's file (person HR-CADRE.EAST, whose account
 * is cadre.east), opened as token when there is none yet: its id into
 * id. */
#define CGT_DEMO_CADRE_FILE(token, id) cgt_demo_cadre_file_req(__FILE__, __LINE__, (token), (id))
void cgt_demo_cadre_file_req(const char *file, int line, const char *token, char id[37]);

/* A year the demo cadre of the east has not reported yet (a developer's
 * stack keeps the years of earlier runs): after the latest below 2040, the
 * years the reports test leaves alone. */
int cgt_unreported_year(void);

/* --- imports of CSV files ------------------------------------------------ */

/* The error of r (an import's problem+json answer) at line in column (the
 * header as the file spells it) whose description holds text, or NULL.
 * Borrowed from r. */
const cJSON *cgt_import_error_at(const cgt_response *r, int line, const char *column,
                                 const char *text);

/* POST csv (text/csv) to path as token, which must be refused, 400 with an
 * error at eline in column whose description holds text, while the number
 * count_sql reads from dbname stays as it was: nothing was stored. The
 * answer, for more checks; the caller frees it. */
#define CGT_IMPORT_REFUSED(path, token, csv, eline, column, text, dbname, count_sql)               \
    cgt_import_refused_req(__FILE__, __LINE__, (path), (token), (csv), (eline), (column), (text),  \
                           (dbname), (count_sql))
cgt_response *cgt_import_refused_req(const char *file, int line, const char *path,
                                     const char *token, const char *csv, int eline,
                                     const char *column, const char *text, const char *dbname,
                                     const char *count_sql);

/* Who imports: csv POSTed to path as denied must answer 403 and leave the
 * number count_sql reads from dbname as it was; as allowed, 201 and one
 * more audit record of action. */
#define CGT_IMPORT_WHO(path, denied, allowed, csv, action, dbname, count_sql)                      \
    cgt_import_who_req(__FILE__, __LINE__, (path), (denied), (allowed), (csv), (action), (dbname), \
                       (count_sql))
void cgt_import_who_req(const char *file, int line, const char *path, const char *denied,
                        const char *allowed, const char *csv, const char *action,
                        const char *dbname, const char *count_sql);

/* Save cgt_full_report(year, area) as the draft of token's cadre and
 * submit it; both must answer 200. */
#define CGT_SUBMIT_FULL_REPORT(token, year, area)                                                  \
    cgt_submit_full_report_req(__FILE__, __LINE__, (token), (year), (area))
void cgt_submit_full_report_req(const char *file, int line, const char *token, int year,
                                const char *area);

/* The verification of cadre_id's report of year, as the list of
 * unit_code's verifications shows it to token (the test fails when there
 * is none). The caller deletes it. */
#define CGT_VERIFICATION_OF(token, year, unit_code, cadre_id)                                      \
    cgt_verification_of_req(__FILE__, __LINE__, (token), (year), (unit_code), (cadre_id))
cJSON *cgt_verification_of_req(const char *file, int line, const char *token, int year,
                               const char *unit_code, const char *cadre_id);

/* A fresh person id, upper case, "<prefix>-<12 hex digits>". */
void cgt_person_id(const char *prefix, char out[40]);

/* main() of an integration test: the suite's name (a string), what it
 * needs of the stack (cgt_init()) and its cmocka_unit_test()s. */
#define CGT_MAIN(suite, needs, ...)                                                                \
    int main(void)                                                                                 \
    {                                                                                              \
        cgt_init(suite, needs);                                                                    \
        const struct CMUnitTest tests[] = {__VA_ARGS__};                                           \
        int failed = cmocka_run_group_tests_name(suite, tests, NULL, NULL);                        \
        cgt_cleanup();                                                                             \
        return failed ? 1 : 0;                                                                     \
    }

/* Run sql as the superuser on the stack's database dbname (e.g. cg_case)
 * through psql, output discarded; returns psql's exit status (0 when every
 * statement succeeded, -1 when it could not run). Needs CG_STATE. */
int cgt_psql(const char *dbname, const char *sql);
/* The first column of sql's first row as a whole number (a count), as the
 * superuser on dbname; -1 when the query fails or answers no number. sql
 * holds no double quote. */
long long cgt_psql_number(const char *dbname, const char *sql);
/* The first column of sql's first row as text into out (size bytes, "" for
 * none), as the superuser on dbname; psql's exit status. sql holds no
 * double quote. */
int cgt_psql_text(const char *dbname, const char *sql, char *out, size_t size);
/* Run sql as the superuser on dbname in a psql started in the background
 * and return at once (a transaction that holds a lock a while). */
void cgt_psql_background(const char *dbname, const char *sql);
/* The same for a script: sql is written to a file and run with psql -f
 * in one transaction, so it may hold any character ($$ bodies, quotes). */
int cgt_psql_script(const char *dbname, const char *sql);

/* Check that the newest audit row of action (and of target_id, unless
 * NULL) names, as the ids of the list it records, exactly the key of each
 * of items (an answer's array), in order; it waits for the row a while. */
void cgt_check_list_audited(const char *action, const char *target_id, const cJSON *items,
                            const char *key);
/* GET path as token, which must answer 200 with an array member whose
 * items include one with key equal to id (NULL: any items); then
 * cgt_check_list_audited(action, target_id) over that array. */
void cgt_check_list_read(const char *token, const char *path, const char *member, const char *key,
                         const char *id, const char *action, const char *target_id);

/* The gateway's audit spool file ($CG_STATE/spool/gateway/audit.spool, as
 * scripts/stack.sh configures it) into out; fails the test without
 * CG_STATE. */
void cgt_audit_spool_path(char *out, size_t size);
/* Its size in bytes: 0 when empty or missing. */
long long cgt_audit_spool_bytes(void);

/* --- rectification ----------------------------------------------- */

/* Register a rectification batch (整改批次) of source inspection at
 * unit_code as token, fed back on feedback_on (YYYY-MM-DD), with a fresh
 * source_ref; must answer 201; its id goes into id. */
#define CGT_CREATE_BATCH(token, unit_code, feedback_on, id)                                        \
    cgt_create_batch_req(__FILE__, __LINE__, (token), (unit_code), (feedback_on), (id))
void cgt_create_batch_req(const char *file, int line, const char *token, const char *unit_code,
                          const char *feedback_on, char id[37]);
/* POST csv (text/csv) to /api/v1/rectify/batches/<id>/import as token. */
cgt_response *cgt_import_batch(const char *token, const char *id, const char *csv);

/* GET /readyz. */
cgt_response *cgt_readyz(void);
/* Fail unless /readyz answers 200 with status "ready". */
#define CGT_CHECK_READY() cgt_check_ready(__FILE__, __LINE__)
void cgt_check_ready(const char *file, int line);

#endif
