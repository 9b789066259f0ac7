/* The audit trail (审计, 全程留痕): what is recorded, how a request arms a
 * record, and the pure rules behind both.
 *
 * A request arms at most one record (gw_audit_expect); the record is written
 * when the answer is sent (http.c calls gw_audit_before_answer), with the
 * status that answer carries, so the row says what the client was told.
 * Rows are appended by one writer thread per process, in batches, through
 * the database function audit_append_hashed() (migrations/0008, 0010),
 * chained in one order under the head's lock; the writer computes each
 * row's hash, HMAC-SHA256 keyed by CG_AUDIT_KEY (cg/chain.h), which the
 * database never sees. The requesting thread waits until its row is
 * committed. The chain's keys, its anchors outside the database and verify
 * are in audit_chain.c.
 *
 * Never recorded: passwords, tokens, receipts, report text, a reporter's
 * identity, client addresses. The pure functions at the end are in
 * audit_rules.c (gw_core), so unit tests run them without a database. */
#ifndef GW_AUDIT_H
#define GW_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/limits.h"
#include "cg/status.h"
#include "access.h"
#include "gw_pure.h"

typedef struct gw_audit gw_audit;
struct gw_request;
struct gw_app;
struct cJSON;
typedef struct gw_audit_chain gw_audit_chain;

/* The record a request has armed. Lives inside gw_request; zero means none. */
typedef struct gw_audit_pending {
    bool armed;
    const char *action;      /* static, e.g. "clue.read" */
    const char *fail_action; /* static or NULL: used instead when the answer is >= 400 */
    const char *target_type; /* static or NULL */
    char target_id[GW_ROUTE_ID_MAX + 1 + 16]; /* "" for none */
    /* The actor when it is not req->who (a login, a refusal in the
     * dispatcher); has_actor false means req->who, or nobody. */
    bool has_actor;
    gw_principal actor;
    /* What the read returned (JSON text, owned, freed when the request
     * ends), or NULL. */
    char *detail;
    /* A list's filter (owned), when the record is a list's: the answer's
     * ids are added to it when it is sent (gw_audit_list_answer). */
    struct cJSON *list_filter;
    /* The answer's member that lists the items and the key each item is
     * known by (static, set by gw_audit_list_items); NULL: "items", and
     * each item's "id", "entity" or "sha256". */
    const char *list_member;
    const char *list_key;
} gw_audit_pending;

/* Open the audit writer: its own small pool of database connections, so a
 * handler that holds a connection of the main pool while it answers never
 * waits on itself for a second one. *out is owned by the caller and freed
 * with gw_audit_destroy(). */
cg_code gw_audit_create(gw_audit **out, struct gw_app *app, cg_err *err);
void gw_audit_destroy(gw_audit *audit);
/* Wait until every record queued so far is written or has failed: reads'
 * records are queued without their requests waiting (audit.c says when),
 * and the auditor's routes call this first so they see them. NULL is
 * fine. */
void gw_audit_flush(gw_audit *audit);

/* The chain's keys (CG_AUDIT_KEY and CG_AUDIT_KEY_OLD, refused when
 * malformed) and, when app has NATS, the anchorer: every
 * CG_AUDIT_ANCHOR_S it checks the rows written since the newest anchor and
 * anchors the new head (audit_chain.c). *out is owned by the caller and
 * freed with gw_audit_chain_destroy(), which stops the anchorer and wipes
 * the keys. app is borrowed and must outlive it. */
cg_code gw_audit_chain_create(gw_audit_chain **out, struct gw_app *app, cg_err *err);
void gw_audit_chain_destroy(gw_audit_chain *chain);
/* The key new rows are hashed with; borrowed from chain. */
const struct cg_chain_key *gw_audit_chain_key(const gw_audit_chain *chain);

/* Arm the request's record: action and target_type are static strings (a
 * NULL target_type means no target), target_id is copied (NULL or "" for
 * none). A second call replaces the first. The row is written when the
 * answer goes out. Sensitive reads call this from their handler. */
void gw_audit_expect(struct gw_request *req, const char *action, const char *target_type,
                     const char *target_id);
/* Arm the record of a list of sensitive content, like gw_audit_expect():
 * filter (a JSON object of the parameters given; copied, NULL for none)
 * and, once the answer is sent, the id of every item it returned go into
 * the record's detail as {"filter": {...}, "ids": [...]}. One record a
 * call, however many items. */
void gw_audit_expect_list(struct gw_request *req, const char *action, const char *target_type,
                          const char *target_id, const struct cJSON *filter);
/* Put detail (a JSON object, printed; the caller keeps its tree) into the
 * armed record: what a change changed, {"before": ..., "after": ...}.
 * Without memory the record goes without it. */
void gw_audit_note(struct gw_request *req, const struct cJSON *detail);
/* Called by the sender with a successful JSON answer: when the armed
 * record is a list's, note the ids of answer's "items" (each item's "id",
 * or its "sha256" for a document). Without memory the record keeps the
 * filter alone. */
void gw_audit_list_answer(struct gw_request *req, const struct cJSON *answer);
/* For a list whose answer does not call its items "items": member names
 * the answer's array, key (NULL: as for "items") the field each of its
 * items is known by. Both static. */
void gw_audit_list_items(struct gw_request *req, const char *member, const char *key);
/* Free what the armed record owns; the request is over. */
void gw_audit_release(struct gw_request *req);
/* Record who (copied) as the actor instead of req->who: a login, whose
 * caller has no session yet, and a failed login of a known account. */
void gw_audit_set_actor(struct gw_request *req, const gw_principal *who);

/* Arm the record the dispatcher keeps for route r: every state-changing
 * method (anything but GET and HEAD) is recorded, under the route's action
 * name (gw_audit_route_action). Reads arm nothing here. */
void gw_audit_expect_route(struct gw_request *req, const gw_route *r);

/* Called by the sender right before an answer with status is written.
 * Writes the armed record, if any, and disarms it: committed to the trail,
 * or, when the trail does not take rows, appended to the spool and
 * fsync'd (audit_spool.h), to be written when it does; either way the
 * answer goes out as it is. Returns false only when the record could be
 * neither written nor spooled (the spool's disk full) for an answer that
 * reports success (< 400): the sender then answers 503 instead, since an
 * unrecorded change or sensitive read must not pass silently. For a
 * refused or failed request (>= 400) the answer goes out unchanged. */
bool gw_audit_before_answer(struct gw_request *req, int status);

/* False while records can be neither written nor spooled (the trail down
 * and the spool's disk full): the dispatcher then refuses a state-changing
 * request (503) before its handler runs, rather than after it took
 * effect. NULL (no trail) is false. */
bool gw_audit_can_record(gw_audit *audit);

/* --- pure rules (audit_rules.c) ------------------------------------------ */

/* "ok" for status < 400, "refused" for 401 and 403, "failed" otherwise. */
const char *gw_audit_outcome(int status);

/* The values of one row, in the order of the audit_log columns:
 * actor id, actor username, actor roles, action, target type, target id,
 * outcome, HTTP status (decimal text), request id (the client's when it
 * sent a usable one), org path, the gateway's own request id, detail (JSON
 * text: what a sensitive read returned). NULL is SQL NULL. */
#define GW_AUDIT_NVALUES 12
/* The values a row written before the last two columns existed has. */
#define GW_AUDIT_NVALUES_BASE 10

/* The canonical serialization of a row, byte for byte what the SQL function
 * audit_canonical() (migrations 0003_audit.sql, 0007 and 0009) returns for
 * it: json_build_array(id, time, the values)::text, the first ten values
 * only when the last two are both NULL (rows written before they existed),
 * all twelve otherwise, with PostgreSQL's JSON
 * escaping, ", " between elements, the status as a number, and the actor id
 * in lower case as uuid::text prints it. at is the time as that function
 * formats it ("2026-11-26T03:45:01.123456Z"). Returns a new string
 * (free()), or NULL when out of memory. The writer and verify both hash
 * this; the unit test holds outputs of the SQL function, which hashed the
 * rows written before the chain was keyed. */
char *gw_audit_canonical(long long id, const char *at, const char *const values[GW_AUDIT_NVALUES]);

/* The unkeyed row hash, as audit_hash() computes it: SHA-256 in lower-case
 * hex over prev_hash, a newline and canonical (cg_chain_hash() without a
 * key). out holds 65 bytes. */
void gw_audit_hash(const char *prev_hash, const char *canonical, char out[65]);

/* The action name of a state-changing route and, in *fail_action, the name
 * used when it fails (NULL: the same). Routes the table does not name get
 * "request.<method in lower case>" (method_buf, at least 16 bytes, holds
 * it) and the pattern as their target type. Returns the action; *target_type
 * gets the table's target type or the pattern. */
const char *gw_audit_route_action(const char *method, const char *pattern, const char **fail_action,
                                  const char **target_type, char *method_buf,
                                  size_t method_buf_size);

/* Filters and page of GET /api/v1/audit. Strings are NUL-terminated; an
 * empty one means "not given". */
#define GW_AUDIT_LIMIT_MAX CG_PAGE_SIZE_MAX
#define GW_AUDIT_LIMIT_DEFAULT 50
typedef struct gw_audit_query {
    char actor[65];
    char action[65];
    char from[GW_TIME_LEN + 8]; /* RFC 3339, as given */
    char to[GW_TIME_LEN + 8];
    long long before_id; /* cursor: rows with a smaller id; 0 for the first page */
    int limit;
} gw_audit_query;

/* Parse ?actor=&action=&from=&to=&limit=&cursor= from a raw query string
 * (may be NULL) into q. Every bad parameter is a violation in err
 * (INVALID_ARGUMENT): limit outside 1..100, from/to not RFC 3339 with a
 * zone, a cursor that is not one this API gave out. */
cg_code gw_audit_query_parse(const char *query, gw_audit_query *q, cg_err *err);

/* True if s is an RFC 3339 date-time with seconds and a zone ("Z" or
 * "+08:00"), fractional seconds optional. */
bool gw_rfc3339_valid(const char *s);

#endif
