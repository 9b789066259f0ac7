/* cg-rectify: rectification (整改) from a finding to a verified closure.
 * What the service's modules share: the subjects of its events, the
 * service's own state, and the handlers its method table (rpc.c) names. */
#ifndef RECTIFY_H
#define RECTIFY_H

#include "cg/db_json.h"
#include "cg/documents.h"
#include "cg/dossier.h"
#include "cg/dossier_rpc.h"
#include "cg/page.h"
#include "cg/pbjson.h"
#include "cg/query.h"
#include "cg/rpc_actor.h"
#include "cg/rpc.h"
#include "cg/service.h"
#include "cleangrid/v1/rectify.pb-c.h"
#include "cleangrid/v1/rectify_io.pb-c.h"
#include "cleangrid/v1/rectify_duty.pb-c.h"

/* Events cg.evt.rectify.task.<verb> and cg.evt.rectify.duty.<verb>
 * (docs/events.md). */
#define RECTIFY_SUBJECT_TASK_PREFIX "cg.evt.rectify.task."
#define RECTIFY_SUBJECT_DUTY_PREFIX "cg.evt.rectify.duty."

/* The service: its base and the codec that reads the rows its SQL builds
 * as messages (cg/db_json.h). Built once at start, read-only after. */
typedef struct rectify_app {
    cg_service_base base;
    cg_pbjson *codec;
    bool test_clock;
} rectify_app;

/* The dossier of each task (file kind "task") and of each responsibility
 * list (file kind "duty"), and their documents. */
extern const cg_dossier_tables rectify_dossier;
extern const cg_documents rectify_documents;
extern const cg_dossier_files rectify_files;
extern long rectify_document_max_bytes;

/* The method table (rpc.c). */
extern const cg_rpc_table rectify_rpc_table;

/* Prepare app->codec for every message the service reads from rows. */
cg_code rectify_codec_init(rectify_app *app, cg_err *err);

/* What every call of the service holds until its answer is sent: the
 * actor, the messages read for the reply, the arrays the reply points
 * with, and a list's page. Freed after the answer (rectify_check()). */
#define RECTIFY_CALL_LISTS 4
typedef struct rectify_call {
    cg_actor actor; /* first: cg_rpc_actor_state() fills it */
    cg_db_json_list lists[RECTIFY_CALL_LISTS];
    size_t nlists;
    void *arrays[RECTIFY_CALL_LISTS];
    size_t narrays;
    cg_page_out page;
    /* A cadre, who holds no other role that reads rectification, sees only
     * the tasks naming it responsible: its person id here ("-", matching
     * none, when its account has none); "" for everyone else. */
    char person_only[CG_PERSON_ID_SIZE + 1];
    /* A result whose strings the reply borrows, and the array of them. */
    PGresult *kept;
    char *texts[64];
} rectify_call;

/* The check of every row: the call's state with the actor of the call. */
cg_code rectify_check(cg_rpc_req *r, const void *request, cg_err *err);

/* Read the rows of sql (one JSON object each) as messages of desc into a
 * list the call keeps (call.c); *out borrows it. */
cg_code rectify_read(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                     const char *sql, int nparams, const char *const *params, cg_db_json_list **out,
                     cg_err *err);

/* The messages of list as the reply's array of pointers: list's own array,
 * which the list keeps. */
#define RECTIFY_ITEMS(type, list) ((type **)(void *)(list)->msgs)

/* The unit a record concerns (org_path, from the client's unit_code): given,
 * a unit, inside the actor's scope (borrowed); a violation on "unit_code"
 * otherwise (batch.c). */
bool rectify_check_unit(cg_err *err, const cg_actor *actor, const char *org_path);

/* Batches and their three lists (batch.c). */
cg_code rectify_create_batch(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);
cg_code rectify_get_batch(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                          cg_err *err);
cg_code rectify_list_batches(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);
cg_code rectify_add_problem(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err);
cg_code rectify_add_responsibility(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err);
cg_code rectify_add_task(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);

/* A task to add to a problem's task list, as rectify_add_task() and an
 * import (import.c) give it. Strings are borrowed for the call. */
typedef struct rectify_new_task {
    const char *problem_id;
    const char *text;
    const char *org_path; /* the responsible unit, inside the caller's scope */
    const char *leader;
    const char *first_responsible;
    int64_t deadline_on_ms;       /* 0: the batch's feedback day plus the source's period */
    const char *leader_person_id; /* the leader's person id, "" for none */
    /* The field a violation names when the unit is not the batch's
     * inspected unit or one below it: "unit_code", "line 7.unit_code". */
    const char *unit_field;
} rectify_new_task;

/* Insert t, checked already, into the caller's transaction with its
 * "task.assigned" dossier entry and event; its id into task_id. NOT_FOUND
 * when the problem is not one the caller sees, INVALID_ARGUMENT (on
 * t->unit_field) for a unit outside the batch's (batch.c). */
cg_code rectify_insert_task(cg_rpc_req *r, PGconn *conn, const rectify_new_task *t,
                            char task_id[CG_UUID_LEN], cg_err *err);

/* Problems and tasks added from an import file (import.c). */
cg_code rectify_import_batch_lists(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err);

/* Tasks: reads (task_read.c) and steps (task_action.c). */
cg_code rectify_get_task(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);
cg_code rectify_list_tasks(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                           cg_err *err);
cg_code rectify_task_action_roles(const void *request, const char *const **roles,
                                  const char **doing, cg_err *err);
cg_code rectify_task_action(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                            cg_err *err);

/* The ledger's filters (task_read.c), for the list and the statistics:
 * the check, all violations at once, and the conditions of those given,
 * on tasks as t. */
cg_code rectify_task_filters_check(const Cleangrid__V1__ListTasksRequest *req, cg_err *err);

void rectify_task_filters(cg_query *q, const Cleangrid__V1__ListTasksRequest *req,
                          const char *person_only);

/* Re-checks (recheck.c) and the overview's figures (stats.c). */
extern long rectify_recheck_percent;
extern long rectify_recheck_days;
// clang-format off
#define RECTIFY_RECHECK_VARS                                                           \
    {.name = "CG_RECTIFY_RECHECK_PERCENT", .type = CG_CONFIG_INT, .default_value = "10", \
     .min = 1, .max = 100, .target = &rectify_recheck_percent,                         \
     .help = "the share of closed tasks a re-check draw takes when it names none"},    \
    {.name = "CG_RECTIFY_RECHECK_DAYS", .type = CG_CONFIG_INT, .default_value = "90",  \
     .min = 1, .max = 730, .target = &rectify_recheck_days,                            \
     .help = "days a drawn re-check is due in when the draw names no day"}
// clang-format on
cg_code rectify_draw_rechecks(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err);
cg_code rectify_statistics(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                           cg_err *err);

/* The rules that are data: sources and re-check categories (settings.c). */
cg_code rectify_get_settings(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);
cg_code rectify_set_source_rule(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err);
cg_code rectify_set_recheck_categories(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err);

/* The task taskid as the caller sees it, into reply's task: NOT_FOUND
 * outside the caller's scope. The message is kept in the call's state. */
cg_code rectify_task_reply(cg_rpc_req *r, PGconn *conn, const char *task_id,
                           Cleangrid__V1__TaskReply *reply, cg_err *err);

/* Append a step to the task's dossier and its event to the outbox, in the
 * caller's transaction (events.c). summary_json is a JSON object. */
cg_code rectify_record_step(cg_rpc_req *r, PGconn *conn, const char *task_id,
                            const char *dossier_action, const char *event_verb,
                            const char *summary_json, cg_err *err);

/* rectify_record_step() for work no caller asked for (the scheduler, a
 * consumer): actor_id names the system, correlation_id the event or tick
 * that caused it. */
cg_code rectify_record(PGconn *conn, const char *task_id, const char *actor_id,
                       const char *correlation_id, const char *dossier_action,
                       const char *event_verb, const char *summary_json, cg_err *err);

/* The responsibility lists (责任清单) and their assessment (纪实考核),
 * duty.c. */
cg_code rectify_set_duty_list(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err);
cg_code rectify_get_duty_list(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err);
cg_code rectify_list_duty_lists(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err);
cg_code rectify_record_duty_work(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err);
cg_code rectify_verify_duty_work(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err);
cg_code rectify_score_duty_item(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err);

/* A step of a responsibility list as its dossier entry and its event
 * cg.evt.rectify.duty.<event_verb> say it. Every pointer is borrowed for
 * the call; record_id, outcome and reason may be NULL. */
typedef struct rectify_duty_step {
    const char *list_id;
    const char *dossier_action; /* "duty.scored" */
    const char *event_verb;     /* "scored" */
    int item_seq;               /* 0: the list as a whole */
    const char *record_id;
    const char *outcome;
    int score;
    const char *reason;
} rectify_duty_step;

/* Append step to the list's dossier and its event to the outbox, in the
 * caller's transaction, as the call's actor (events.c). summary_json is a
 * JSON object. */
cg_code rectify_duty_record(cg_rpc_req *r, PGconn *conn, const rectify_duty_step *step,
                            const char *summary_json, cg_err *err);

/* Who the service's own steps are recorded as. */
#define RECTIFY_ACTOR_SYSTEM "system:rectify"

/* The escalation ladder's scheduler (ladder.c); its settings, read at start. */
extern long rectify_ladder_tick_ms;
extern long rectify_remind_days;
extern long rectify_final_days;
// clang-format off
#define RECTIFY_LADDER_VARS                                                            \
    {.name = "CG_RECTIFY_LADDER_TICK_MS", .type = CG_CONFIG_INT, .default_value = "60000", \
     .min = 50, .max = 86400000, .target = &rectify_ladder_tick_ms,                    \
     .help = "how often the escalation ladder looks for tasks due a step"},            \
    {.name = "CG_RECTIFY_REMIND_DAYS", .type = CG_CONFIG_INT, .default_value = "7",    \
     .min = 1, .max = 90, .target = &rectify_remind_days,                              \
     .help = "days before a task's deadline its unit is reminded"},                    \
    {.name = "CG_RECTIFY_FINAL_DAYS", .type = CG_CONFIG_INT, .default_value = "15",    \
     .min = 1, .max = 180, .target = &rectify_final_days,                              \
     .help = "days the overdue warning (督办) gives as the final deadline"}
// clang-format on
typedef struct rectify_ladder rectify_ladder;
/* Start the scheduler on app's database and relay; *out is the caller's,
 * stopped with rectify_ladder_stop() before the base. */
cg_code rectify_ladder_start(rectify_app *app, rectify_ladder **out, cg_err *err);
void rectify_ladder_stop(rectify_ladder *l);

/* Consumers (inbox.c): a case's rectification recommendations become
 * tasks; a clue registered from an accountability proposal is linked
 * back to its task. */
#define RECTIFY_DURABLE_ORG_UNIT_MOVED "rectify-org-unit-moved"
/* What the consumer of cg.evt.gateway.org_unit.moved moves (org_moves.c). */
struct cg_org_moves;
extern const struct cg_org_moves rectify_org_moves;
#define RECTIFY_DURABLE_CASE_DISPOSED "rectify-case-disposed"
#define RECTIFY_SUBJECT_CASE_DISPOSED "cg.evt.case.case.disposed"
#define RECTIFY_DURABLE_CLUE_CREATED "rectify-clue-created"
#define RECTIFY_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
cg_code rectify_on_case_disposed(PGconn *conn, const char *subject, const char *event_id,
                                 const uint8_t *data, size_t len, void *arg, cg_err *err);
cg_code rectify_on_clue_created(PGconn *conn, const char *subject, const char *event_id,
                                const uint8_t *data, size_t len, void *arg, cg_err *err);

#endif
