/* cg-integrity: integrity files (廉政档案). What the service's modules
 * share: the subjects of its events, the service's own state, the roles of
 * its rows and the handlers its method table (rpc.c) names. */
#ifndef INTEGRITY_H
#define INTEGRITY_H

#include "cg/db_json.h"
#include "cg/documents.h"
#include "cg/json_call.h"
#include "cg/dossier.h"
#include "cg/dossier_rpc.h"
#include "cg/org.h"
#include "cg/page.h"
#include "cg/pbjson.h"
#include "cg/person.h"
#include "cg/rpc.h"
#include "cg/rpc_actor.h"
#include "cg/service.h"
#include "cleangrid/v1/integrity.pb-c.h"

/* Events cg.evt.integrity.file.<verb> (docs/events.md). */
#define INTEGRITY_SUBJECT_FILE_PREFIX "cg.evt.integrity.file."

/* What it consumes from the case service, and its durable consumers. */
#define INTEGRITY_SUBJECT_CASE_DISPOSED "cg.evt.case.case.disposed"
#define INTEGRITY_DURABLE_CASE_DISPOSED "integrity-case-disposed"
#define INTEGRITY_DURABLE_ORG_UNIT_MOVED "integrity-org-unit-moved"
/* The clue events, all through one consumer (in order). */
#define INTEGRITY_SUBJECT_CLUE_EVENTS "cg.evt.case.clue.>"
#define INTEGRITY_DURABLE_CLUE_EVENTS "integrity-clue-events"
#define INTEGRITY_SUBJECT_CLUE_CREATED "cg.evt.case.clue.created"
#define INTEGRITY_SUBJECT_CLUE_CHANGED "cg.evt.case.clue.changed"
#define INTEGRITY_SUBJECT_CLUE_DISPOSED "cg.evt.case.clue.disposed"
/* An integrity risk reminder (廉洁风险提示) the office sent from a risk
 * alert: kept in the person's file, section reminder. */
#define INTEGRITY_SUBJECT_RISK_REMINDED "cg.evt.risk.alert.reminded"
#define INTEGRITY_DURABLE_RISK_REMINDED "integrity-risk-reminded"
/* A relative the registers show and the cadre's file does not declare
 * (隐瞒不报), found by the risk service: an internal record of the file,
 * section concealment. */
#define INTEGRITY_SUBJECT_RISK_CONCEALMENT "cg.evt.risk.concealment.found"
#define INTEGRITY_DURABLE_RISK_CONCEALMENT "integrity-risk-concealment"

/* The actor of work no caller asked for (a consumer). */
#define INTEGRITY_ACTOR_SYSTEM "system:integrity"

/* Who does what (rpc.c): the office reads and keeps the files of its
 * scope; an inspection lead changes the rules; a cadre reads its own. */
extern const char *const INTEGRITY_ROLES_OFFICE[];
extern const char *const INTEGRITY_ROLES_LEAD[];
extern const char *const INTEGRITY_ROLES_OWN[];
extern const char *const INTEGRITY_ROLES_OPINION_ASK[];

/* The service: its base and the codec that reads the rows its SQL builds
 * as messages (cg/db_json.h). Built once at start, read-only after. */
typedef struct integrity_app {
    cg_service_base base;
    cg_pbjson *codec;
    bool test_clock;
} integrity_app;

/* The dossier of each cadre's file (file kind "file"). */
extern const cg_dossier_tables integrity_dossier;
extern const cg_dossier_files integrity_files;
extern const cg_documents integrity_documents;
extern long integrity_document_max_bytes;

extern const cg_rpc_table integrity_rpc_table;

/* Answer the directory of declared relatives (directory.c,
 * cg/relatives_directory.h) until integrity_directory_stop(). */
cg_code integrity_directory_start(integrity_app *app, cg_err *err);
void integrity_directory_stop(void);

/* Prepare app->codec for every message the service reads from rows. */
cg_code integrity_codec_init(integrity_app *app, cg_err *err);

/* What every call holds until its answer is sent: the actor, the messages
 * read for the reply and a list's page (cg/json_call.h); every row's check
 * gives the call one. */
typedef cg_json_call integrity_call;

/* Read the rows of sql (one JSON object each) as messages of desc into a
 * list the call keeps; *out borrows it. */
cg_code integrity_read(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                       const char *sql, int nparams, const char *const *params,
                       cg_db_json_list **out, cg_err *err);

#define INTEGRITY_ITEMS(type, list) CG_JSON_ITEMS(type, list)

/* The service's today (its clock, which tests move) as Unix ms at
 * midnight UTC (words.c). */
cg_code integrity_today_ms(PGconn *conn, int64_t *out, cg_err *err);

/* Whether value names a row of the word table table (key_positions,
 * relations, sections: a constant, never input), else a violation on
 * field listing the words. An empty value passes when optional (words.c). */
cg_code integrity_check_word(PGconn *conn, cg_err *err, const char *table, const char *field,
                             const char *value, bool optional);

/* Cadres and their files (cadre.c). */
cg_code integrity_create_cadre(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);
cg_code integrity_update_cadre(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);
cg_code integrity_get_cadre_file(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err);
cg_code integrity_get_own_file(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);
cg_code integrity_list_cadres(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err);
cg_code integrity_import_cadres(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                cg_err *err);
cg_code integrity_get_file_history(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err);

/* The file of cadre_id as the office sees it into reply (the cadre, its
 * relatives and records): NOT_FOUND outside the caller's scope (cadre.c). */
cg_code integrity_file_reply(cg_rpc_req *r, PGconn *conn, const char *cadre_id,
                             Cleangrid__V1__CadreFileReply *reply, cg_err *err);

/* The cadre cadre_id inside the caller's scope, locked for the
 * transaction: its person id into person_id; NOT_FOUND otherwise. */
cg_code integrity_lock_cadre(cg_rpc_req *r, PGconn *conn, const char *cadre_id,
                             char person_id[CG_PERSON_ID_SIZE], cg_err *err);

/* The same for the file of person_id (canonical): its id into cadre_id;
 * NOT_FOUND when the person has no file, or none the caller may keep. */
cg_code integrity_lock_person(cg_rpc_req *r, PGconn *conn, const char *person_id,
                              char cadre_id[CG_UUID_LEN], cg_err *err);

/* Relatives (relatives.c), the office's records (records.c) and recusal's
 * question (relatives.c). */
cg_code integrity_set_relative(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);
cg_code integrity_remove_relative(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                  cg_err *err);
cg_code integrity_relative_conflicts(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err);
cg_code integrity_add_record(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err);

/* The yearly personal matters report (reports.c). */
cg_code integrity_get_report_form(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                  cg_err *err);
cg_code integrity_open_report_round(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                    cg_err *err);
cg_code integrity_list_report_rounds(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err);
cg_code integrity_list_round_cadres(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                    cg_err *err);
cg_code integrity_get_own_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err);
cg_code integrity_save_own_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                  cg_err *err);
cg_code integrity_submit_own_report(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                    cg_err *err);
cg_code integrity_list_cadre_reports(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err);

/* The form as the database holds it, read into the call (reports.c). */
cg_code integrity_read_form(cg_rpc_req *r, PGconn *conn, Cleangrid__V1__ReportForm **out,
                            cg_err *err);

/* The form and the relation names that entries are checked against
 * (rules.h): the form read into the call, the names a NULL-terminated
 * array into relations (room for size) borrowing from *res, which the
 * caller clears whatever is returned (reports.c). */
#define INTEGRITY_RELATIONS_MAX 16
cg_code integrity_read_entry_rules(cg_rpc_req *r, PGconn *conn, Cleangrid__V1__ReportForm **form,
                                   PGresult **res, const char **relations, size_t size,
                                   cg_err *err);

/* Check n answers against the form and the relations (rules.h); complete
 * for a submission. INVALID_ARGUMENT with every violation (reports.c). */
cg_code integrity_check_items(cg_rpc_req *r, PGconn *conn,
                              Cleangrid__V1__ReportItemAnswer *const *items, size_t n,
                              bool complete, cg_err *err);

/* Verification (查核, verification.c). */
extern long integrity_verify_percent;
cg_code integrity_draw_verifications(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err);
cg_code integrity_add_reference_record(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err);
cg_code integrity_import_reference_records(cg_rpc_req *r, const void *request, PGconn *conn,
                                           void *reply, cg_err *err);
cg_code integrity_list_verifications(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                     cg_err *err);
cg_code integrity_get_verification(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err);
cg_code integrity_compare_verification(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err);
cg_code integrity_decide_finding(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                 cg_err *err);
cg_code integrity_conclude_verification(cg_rpc_req *r, const void *request, PGconn *conn,
                                        void *reply, cg_err *err);

/* The integrity opinion for a promotion (opinions.c). */
cg_code integrity_request_opinions(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err);
cg_code integrity_list_opinion_requests(cg_rpc_req *r, const void *request, PGconn *conn,
                                        void *reply, cg_err *err);
cg_code integrity_get_opinion_request(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                      cg_err *err);
cg_code integrity_edit_opinion(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);
cg_code integrity_sign_opinion(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);

/* The reminders of the report rounds (reminders.c): a ticker in every
 * replica, each reminder claimed once. */
extern long integrity_reminder_tick_ms;
typedef struct integrity_reminders integrity_reminders;
cg_code integrity_reminders_start(integrity_app *app, integrity_reminders **out, cg_err *err);
void integrity_reminders_stop(integrity_reminders *reminders);

/* The influence periods (settings.c). */
cg_code integrity_get_settings(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                               cg_err *err);
cg_code integrity_set_influence_period(cg_rpc_req *r, const void *request, PGconn *conn,
                                       void *reply, cg_err *err);

/* Append a change of cadre_id's file to its dossier and its event to the
 * outbox, in the caller's transaction (events.c). summary_json is a JSON
 * object; section and entity_id may be "". */
cg_code integrity_record(PGconn *conn, const char *cadre_id, const char *actor_id,
                         const char *correlation_id, const char *dossier_action,
                         const char *event_verb, const char *section, const char *entity_id,
                         const char *summary_json, cg_err *err);

/* integrity_record() for the caller of r. */
cg_code integrity_record_step(cg_rpc_req *r, PGconn *conn, const char *cadre_id,
                              const char *dossier_action, const char *event_verb,
                              const char *section, const char *entity_id, const char *summary_json,
                              cg_err *err);

/* The case service's events (inbox.c). */
cg_code integrity_on_case_disposed(PGconn *conn, const char *subject, const char *event_id,
                                   const uint8_t *data, size_t len, void *arg, cg_err *err);
/* The consumer of every cg.evt.case.clue.* event: which clues are open about
 * whom (created, changed, disposed), and a disposal's conclusion as a record
 * of each subject's file. */
cg_code integrity_on_clue_event(PGconn *conn, const char *subject, const char *event_id,
                                const uint8_t *data, size_t len, void *arg, cg_err *err);
/* The consumer of cg.evt.risk.alert.reminded: the reminder's text as a
 * record of section reminder of the person's file (kept by person id until
 * a file exists), once per alert. */
cg_code integrity_on_risk_reminder(PGconn *conn, const char *subject, const char *event_id,
                                   const uint8_t *data, size_t len, void *arg, cg_err *err);
cg_code integrity_on_risk_concealment(PGconn *conn, const char *subject, const char *event_id,
                                      const uint8_t *data, size_t len, void *arg, cg_err *err);

/* The tables whose org paths follow a moved unit (org_moves.c). */
extern const cg_org_moves integrity_org_moves;

#endif
