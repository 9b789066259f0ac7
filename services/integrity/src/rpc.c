/* cg.rpc.integrity.*: the method table. Each row names the method's
 * messages, who may call it, what it needs of the database and the
 * function that does its work (cg/rpc.h); the frame around it is common/'s. */
#include "integrity.h"

const char *const INTEGRITY_ROLES_OFFICE[] = {"inspector", "inspection_lead", NULL};
const char *const INTEGRITY_ROLES_LEAD[] = {"inspection_lead", NULL};
const char *const INTEGRITY_ROLES_OWN[] = {"cadre", NULL};
/* HR (组织人事) asks for opinions, or the office asks for it. */
const char *const INTEGRITY_ROLES_OPINION_ASK[] = {"hr", "inspector", "inspection_lead", NULL};
/* The form is the cadres' to fill in and the office's to read. */
static const char *const INTEGRITY_ROLES_FORM[] = {"inspector", "inspection_lead", "cadre", NULL};

/* A row of the service: every one checks its actor first. */
#define ROW(method, req, rep, who, what, need, fn, ...)                                            \
    {                                                                                              \
        .name = #method, .request = &cleangrid__v1__##req##__descriptor,                           \
        .reply = &cleangrid__v1__##rep##__descriptor, .roles = (who), .doing = (what),             \
        .db = CG_RPC_DB_##need, .check = cg_json_call_check, .handler = (fn), __VA_ARGS__          \
    }

static const cg_rpc_row rows[] = {
    ROW(CreateCadre, create_cadre_request, cadre_file_reply, INTEGRITY_ROLES_OFFICE,
        "keep integrity files", TX, integrity_create_cadre, .idempotent = true),
    ROW(UpdateCadre, update_cadre_request, cadre_file_reply, INTEGRITY_ROLES_OFFICE,
        "keep integrity files", TX, integrity_update_cadre, .idempotent = true),
    ROW(ImportCadres, import_cadres_request, import_cadres_reply, INTEGRITY_ROLES_OFFICE,
        "keep integrity files", TX, integrity_import_cadres, .idempotent = true),
    ROW(GetCadreFile, get_cadre_file_request, cadre_file_reply, INTEGRITY_ROLES_OFFICE,
        "read integrity files", CONN, integrity_get_cadre_file),
    ROW(GetOwnFile, get_own_file_request, cadre_file_reply, INTEGRITY_ROLES_OWN,
        "read their own integrity file", CONN, integrity_get_own_file),
    ROW(ListCadres, list_cadres_request, list_cadres_reply, INTEGRITY_ROLES_OFFICE,
        "read integrity files", CONN, integrity_list_cadres),
    ROW(GetFileHistory, get_file_history_request, file_history_reply, INTEGRITY_ROLES_OFFICE,
        "read integrity files", CONN, integrity_get_file_history),
    ROW(SetRelative, set_relative_request, cadre_file_reply, INTEGRITY_ROLES_OFFICE,
        "keep integrity files", TX, integrity_set_relative, .idempotent = true),
    ROW(RemoveRelative, remove_relative_request, cadre_file_reply, INTEGRITY_ROLES_OFFICE,
        "keep integrity files", TX, integrity_remove_relative, .idempotent = true),
    ROW(AddRecord, add_record_request, cadre_file_reply, INTEGRITY_ROLES_OFFICE,
        "keep integrity files", TX, integrity_add_record, .idempotent = true),
    /* The case service's question before it names someone to a clue or a
     * case, on behalf of the office member naming them. */
    ROW(RelativeConflicts, relative_conflicts_request, relative_conflicts_reply,
        INTEGRITY_ROLES_OFFICE, "assign clues and cases", CONN, integrity_relative_conflicts),
    ROW(GetSettings, get_integrity_settings_request, integrity_settings_reply,
        INTEGRITY_ROLES_OFFICE, "read integrity files", CONN, integrity_get_settings),
    ROW(SetInfluencePeriod, set_influence_period_request, integrity_settings_reply,
        INTEGRITY_ROLES_LEAD, "change the influence periods", TX, integrity_set_influence_period),
    /* The yearly personal matters report (个人有关事项报告): the office's
     * rounds and reading, the cadre's own report. */
    ROW(GetReportForm, get_report_form_request, report_form_reply, INTEGRITY_ROLES_FORM,
        "read the report form", CONN, integrity_get_report_form),
    ROW(OpenReportRound, open_report_round_request, report_round_reply, INTEGRITY_ROLES_OFFICE,
        "open report rounds", TX, integrity_open_report_round, .idempotent = true),
    ROW(ListReportRounds, list_report_rounds_request, list_report_rounds_reply,
        INTEGRITY_ROLES_OFFICE, "read integrity files", CONN, integrity_list_report_rounds),
    ROW(ListRoundCadres, list_round_cadres_request, list_round_cadres_reply, INTEGRITY_ROLES_OFFICE,
        "read integrity files", CONN, integrity_list_round_cadres),
    ROW(ListCadreReports, list_cadre_reports_request, list_cadre_reports_reply,
        INTEGRITY_ROLES_OFFICE, "read integrity files", CONN, integrity_list_cadre_reports),
    ROW(GetOwnReport, get_own_report_request, own_report_reply, INTEGRITY_ROLES_OWN,
        "report their personal matters", CONN, integrity_get_own_report),
    ROW(SaveOwnReport, save_own_report_request, own_report_reply, INTEGRITY_ROLES_OWN,
        "report their personal matters", TX, integrity_save_own_report),
    ROW(SubmitOwnReport, submit_own_report_request, own_report_reply, INTEGRITY_ROLES_OWN,
        "report their personal matters", TX, integrity_submit_own_report, .idempotent = true),
    /* Verification (查核): draws, reference records, comparison, verdicts. */
    ROW(DrawVerifications, draw_verifications_request, draw_verifications_reply,
        INTEGRITY_ROLES_OFFICE, "draw verifications", TX, integrity_draw_verifications,
        .idempotent = true),
    ROW(AddReferenceRecord, add_reference_record_request, reference_record_reply,
        INTEGRITY_ROLES_OFFICE, "keep integrity files", TX, integrity_add_reference_record,
        .idempotent = true),
    ROW(ImportReferenceRecords, import_reference_records_request, import_reference_records_reply,
        INTEGRITY_ROLES_OFFICE, "keep integrity files", TX, integrity_import_reference_records,
        .idempotent = true),
    ROW(ListVerifications, list_verifications_request, list_verifications_reply,
        INTEGRITY_ROLES_OFFICE, "read integrity files", CONN, integrity_list_verifications),
    ROW(GetVerification, verification_request, verification_reply, INTEGRITY_ROLES_OFFICE,
        "read integrity files", CONN, integrity_get_verification),
    ROW(CompareVerification, verification_request, verification_reply, INTEGRITY_ROLES_OFFICE,
        "verify reports", TX, integrity_compare_verification),
    ROW(DecideFinding, decide_finding_request, verification_reply, INTEGRITY_ROLES_OFFICE,
        "verify reports", TX, integrity_decide_finding, .idempotent = true),
    ROW(ConcludeVerification, verification_request, verification_reply, INTEGRITY_ROLES_OFFICE,
        "verify reports", TX, integrity_conclude_verification, .idempotent = true),
    /* The integrity opinion for a promotion (廉洁意见回复): asked by HR or
     * the office, signed by an inspection lead. */
    ROW(RequestOpinions, request_opinions_request, opinion_request_reply,
        INTEGRITY_ROLES_OPINION_ASK, "ask for integrity opinions", TX, integrity_request_opinions,
        .idempotent = true),
    ROW(ListOpinionRequests, list_opinion_requests_request, list_opinion_requests_reply,
        INTEGRITY_ROLES_OPINION_ASK, "read integrity opinions", CONN,
        integrity_list_opinion_requests),
    ROW(GetOpinionRequest, get_opinion_request_request, opinion_request_reply,
        INTEGRITY_ROLES_OPINION_ASK, "read integrity opinions", CONN,
        integrity_get_opinion_request),
    ROW(EditOpinion, edit_opinion_request, opinion_reply, INTEGRITY_ROLES_LEAD,
        "edit integrity opinions", TX, integrity_edit_opinion, .idempotent = true),
    ROW(SignOpinion, sign_opinion_request, opinion_reply, INTEGRITY_ROLES_LEAD,
        "sign integrity opinions", TX, integrity_sign_opinion, .idempotent = true),
    /* The file's documents and exports (common/src/documents.c) and its
     * dossier (common/src/dossier_rpc.c). */
    CG_DOCUMENTS_RPC_ROWS(&integrity_documents),
    CG_DOSSIER_RPC_ROWS(&integrity_files),
};

const cg_rpc_table integrity_rpc_table = {.rows = rows, .nrows = sizeof rows / sizeof rows[0]};

cg_code integrity_codec_init(integrity_app *app, cg_err *err)
{
    static const ProtobufCMessageDescriptor *const read[] = {
        &cleangrid__v1__cadre__descriptor,
        &cleangrid__v1__relative__descriptor,
        &cleangrid__v1__file_record__descriptor,
        &cleangrid__v1__file_version__descriptor,
        &cleangrid__v1__influence_period__descriptor,
        &cleangrid__v1__relative_conflict__descriptor,
        &cleangrid__v1__report_form__descriptor,
        &cleangrid__v1__report_round__descriptor,
        &cleangrid__v1__round_cadre__descriptor,
        &cleangrid__v1__personal_report__descriptor,
        &cleangrid__v1__report_answers__descriptor,
        &cleangrid__v1__verification__descriptor,
        &cleangrid__v1__verification_draw__descriptor,
        &cleangrid__v1__reference_record__descriptor,
        &cleangrid__v1__report_entry__descriptor,
        &cleangrid__v1__opinion__descriptor,
        &cleangrid__v1__opinion_request__descriptor,
        &cleangrid__v1__declared_relatives_reply__descriptor,
    };
    /* No rules: the rows are written in the codec's default shape (times
     * as RFC 3339 under *_at, days under *_on). */
    app->codec = cg_pbjson_new(NULL, 0);
    if (app->codec == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
        if (cg_pbjson_prepare(app->codec, read[i], err) != CG_OK)
            return err->code;
    return CG_OK;
}
