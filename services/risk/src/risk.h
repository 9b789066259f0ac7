/* The risk service (廉洁风险预警): what main() wires together.
 *
 * ingest.c  the consumer of the enterprise stream CG_ENTERPRISE: each
 *           event's message kept once as a fact, with the people, units
 *           and suppliers it concerns (migrations/0001_facts.sql), and
 *           queued for the scorer;
 * scorer.c  the scoring stage: the queued facts' indicators run, scores
 *           and alerts updated, in transactions of its own
 *           (migrations/0014_scoring_stage.sql);
 * api.c     the reads and actions of the API, over the SQL of
 *           migrations/0005_reads.sql, cut to the caller's scope;
 * units.c   the copy of the gateway's org directory, which turns the unit
 *           codes of events into org paths (migrations/0002_units.sql);
 * org_moves.c  the copy following units moved in the gateway;
 * outcomes.c  the clues escalated alerts became, and what became of them;
 * rescore.c the ticker lowering stored scores as hits leave their windows;
 * rpc.c     the method table. */
#ifndef RISK_H
#define RISK_H

#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cg/messaging.h"
#include "cg/org.h"
#include "cg/pbjson.h"
#include "cg/service.h"
#include "cg/ticker.h"
#include "units.h"

/* One durable for the whole stream: every subject the service takes is a
 * row of its event_kinds table, so a new subject needs no new consumer. */
#define RISK_DURABLE_ENTERPRISE "risk-enterprise"
#define RISK_SUBJECT_ENTERPRISE "ent.>"

/* What the office decided on an alert, for the services that act on it
 * (RiskAlertEvent, proto/cleangrid/v1/risk.proto). */
#define RISK_SUBJECT_ALERT_ESCALATED "cg.evt.risk.alert.escalated"
#define RISK_SUBJECT_ALERT_REMINDED "cg.evt.risk.alert.reminded"
/* A relative the registers show and the cadre's file does not declare. */
#define RISK_SUBJECT_CONCEALMENT_FOUND "cg.evt.risk.concealment.found"

/* What became of escalated alerts (outcomes.c): the clues of source
 * risk_alert, and what the office decided on them. */
#define RISK_CLUE_SOURCE "risk_alert"
/* Every clue event through one consumer, in the order they were written. */
#define RISK_DURABLE_CLUE_EVENTS "risk-clue-events"
#define RISK_SUBJECT_CLUE_EVENTS "cg.evt.case.clue.>"
#define RISK_DURABLE_CASE_DISPOSED "risk-case-disposed"
#define RISK_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
#define RISK_SUBJECT_CLUE_CHANGED "cg.evt.case.clue.changed"
#define RISK_SUBJECT_CLUE_DISPOSED "cg.evt.case.clue.disposed"
#define RISK_SUBJECT_CASE_DISPOSED "cg.evt.case.case.disposed"
#define RISK_DURABLE_ORG_UNIT_MOVED "risk-org-unit-moved"

typedef struct risk_app {
    cg_service_base base;
    /* Filled by cg_config_load(): 64 hex digits keying the hash that
     * replaces every identity number before it is stored. */
    char *person_key_hex;
    uint8_t person_key[crypto_auth_hmacsha256_KEYBYTES];
    /* The JSON form of the enterprise messages (cg_enterprise_codec). */
    cg_pbjson *codec;
    /* units.c: the background thread that retries the start's copy of
     * the org directory until it succeeds once, then asks the questions
     * put off (owned); whether a copy succeeded, when the consumer last
     * asked (Unix ms), and whether a question waits for the gap to pass. */
    cg_ticker *units_retry;
    atomic_bool units_copied;
    _Atomic int64_t units_asked_ms;
    atomic_bool units_wanted;
} risk_app;

/* Read the key and prepare the codec; app->codec is freed by
 * risk_app_free(). */
cg_code risk_app_init(risk_app *app, cg_err *err);
void risk_app_free(risk_app *app);

/* The consumer of CG_ENTERPRISE (cg_cloud_event_handler): keeps
 * events[0..n) in one statement. arg is the risk_app. */
cg_code risk_on_enterprise_events(PGconn *conn, const cg_cloud_event *events, size_t n, void *arg,
                                  cg_err *err);

/* The tables whose org paths follow a moved unit (org_moves.c). */
extern const cg_org_moves risk_org_moves;

/* The consumers of outcomes.c (cg_event_handler each; arg unused): every
 * clue event (created, changed, disposed), and a case's disposition. */
cg_code risk_on_clue_event(PGconn *conn, const char *subject, const char *event_id,
                           const uint8_t *data, size_t len, void *arg, cg_err *err);
cg_code risk_on_case_disposed(PGconn *conn, const char *subject, const char *event_id,
                              const uint8_t *data, size_t len, void *arg, cg_err *err);

/* The scoring stage (scorer.c): a thread evaluating the facts the
 * consumer queued, up to risk_scorer_batch per transaction
 * (CG_RISK_SCORER_BATCH), from when it starts until it is stopped. */
typedef struct risk_scorer risk_scorer;
extern long risk_scorer_batch;
/* Threads of the scoring stage in a replica (CG_RISK_SCORERS): one
 * listens, the others help with a backlog. */
#define RISK_SCORERS_MAX 8
extern long risk_scorers;
cg_code risk_scorer_start(risk_app *app, risk_scorer **out, cg_err *err);
void risk_scorer_stop(risk_scorer *scorer); /* NULL is fine */

/* The ticker lowering stored scores as hits leave their windows
 * (rescore.c), every risk_rescore_tick_ms (CG_RISK_RESCORE_TICK_MS). */
typedef struct risk_rescorer risk_rescorer;
extern long risk_rescore_tick_ms;
cg_code risk_rescorer_start(risk_app *app, risk_rescorer **out, cg_err *err);
void risk_rescorer_stop(risk_rescorer *rescorer); /* NULL is fine */

/* The copy of the integrity service's declared relatives (relatives.c):
 * copied now and every risk_relatives_tick_ms. The copy is replaced
 * whole in one transaction; UNAVAILABLE when integrity does not answer,
 * and the old copy stays. */
typedef struct risk_relatives risk_relatives;
extern long risk_relatives_tick_ms;
cg_code risk_relatives_refresh(risk_app *app, cg_err *err);
/* Fails only when the background thread cannot start. */
cg_code risk_relatives_start(risk_app *app, risk_relatives **out, cg_err *err);
void risk_relatives_stop(risk_relatives *relatives); /* NULL is fine */

extern const cg_rpc_table risk_rpc_table;

/* Prepare codec for the messages the API reads from rows (rpc.c). */
cg_code risk_codec_prepare(cg_pbjson *codec, cg_err *err);

/* The methods (api.c): cg_rpc_handler_fn each. */
cg_code risk_list_indicators(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);
cg_code risk_update_indicator(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err);
cg_code risk_list_alerts(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);
cg_code risk_get_alert(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);
cg_code risk_act_on_alert(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                          cg_err *err);
cg_code risk_get_entity(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);
cg_code risk_list_scores(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                         cg_err *err);
cg_code risk_overview(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err);

#endif
