/* How the API shows the services' messages: one row a field that is not
 * shown as the codec's default (cg/pbjson.h).
 *
 * The defaults already cover most fields: proto names as keys, *_at_ms as
 * RFC 3339 times under *_at, *_on_ms as dates under *_on. The rows below are
 * the API's own choices, kept from the hand-written mappers they replace:
 * optional text shown as null rather than "", a few keys that read better
 * than the proto's, a page's cursor beside the items. A rule applies in
 * both directions, so a body names a field by the key an answer shows. */
#include <string.h>

#include "cg/pbjson.h"
#include "forward.h"
#include "gateway.h"

#define CLUE "cleangrid.v1.Clue"
#define SUBJECT "cleangrid.v1.ClueSubject"
#define DISPOSAL "cleangrid.v1.ClueDisposal"
#define CASE "cleangrid.v1.Case"
#define ITEM "cleangrid.v1.DispositionItem"
#define EXTENSION "cleangrid.v1.CaseExtension"

#define NULL_IF_EMPTY(msg, name)                                                                   \
    {                                                                                              \
        msg, name, NULL, CG_PBJSON_NULL_IF_EMPTY                                                   \
    }

const cg_pbjson_rule gw_present_rules[] = {
    /* Risk: JSON the data's own shape (an indicator's parameters, the
     * inputs of a hit, an enterprise event's message), shown as JSON. */
    {"cleangrid.v1.RiskIndicator", "params_json", "params", CG_PBJSON_JSON},
    {"cleangrid.v1.RiskIndicator", "defaults_json", "defaults", CG_PBJSON_JSON},
    {"cleangrid.v1.RiskIndicator", "param_rules_json", "param_rules", CG_PBJSON_JSON},
    {"cleangrid.v1.UpdateRiskIndicatorRequest", "params_json", "params", CG_PBJSON_JSON},
    {"cleangrid.v1.RiskHit", "inputs_json", "inputs", CG_PBJSON_JSON},
    {"cleangrid.v1.RiskFact", "data_json", "data", CG_PBJSON_JSON},
    {"cleangrid.v1.ListRiskAlertsReply", "alerts", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListRiskScoresReply", "scores", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListRiskIndicatorsReply", "indicators", "items", CG_PBJSON_AS_IS},

    /* Lists: the records under "items", the cursor beside them, null on the
     * last page. */
    {"cleangrid.v1.ListCluesReply", "clues", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListCluesReply", "page", NULL, CG_PBJSON_INLINE},
    {"cleangrid.v1.ListCasesReply", "cases", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListCasesReply", "page", NULL, CG_PBJSON_INLINE},
    NULL_IF_EMPTY("cleangrid.v1.Page", "next_cursor"),
    {"cleangrid.v1.ListDocumentsReply", "documents", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListBatchesReply", "batches", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListBatchesReply", "page", NULL, CG_PBJSON_INLINE},
    {"cleangrid.v1.ListTasksReply", "tasks", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListTasksReply", "page", NULL, CG_PBJSON_INLINE},
    {"cleangrid.v1.ListCadresReply", "cadres", "items", CG_PBJSON_AS_IS},
    {"cleangrid.v1.ListCadresReply", "page", NULL, CG_PBJSON_INLINE},

    /* The lists' filters: days, the last one counted whole by the
     * route's enricher. */
    {"cleangrid.v1.ListCluesRequest", "received_from_ms", NULL, CG_PBJSON_DATE},
    {"cleangrid.v1.ListCluesRequest", "received_to_ms", NULL, CG_PBJSON_DATE},
    {"cleangrid.v1.ListCasesRequest", "filed_from_ms", NULL, CG_PBJSON_DATE},
    {"cleangrid.v1.ListCasesRequest", "filed_to_ms", NULL, CG_PBJSON_DATE},
    {"cleangrid.v1.ListTasksRequest", "deadline_from_ms", NULL, CG_PBJSON_DATE},
    {"cleangrid.v1.ListTasksRequest", "deadline_to_ms", NULL, CG_PBJSON_DATE},
    /* A clue's register as a client gives it: the day it was received. */
    {"cleangrid.v1.CreateClueRequest", "received_at_ms", "received_date", CG_PBJSON_DATE},
    /* A disposition item as a case step gives it. */
    {"cleangrid.v1.CaseActionRequest", "item_deadline_ms", NULL, CG_PBJSON_DATE},
    {"cleangrid.v1.CaseActionRequest", "item_amount_fen", NULL, CG_PBJSON_FEN},

    /* A problem clue (问题线索): the register's optional fields are null
     * until set; the day it was received is a date. */
    {CLUE, "received_at_ms", "received_date", CG_PBJSON_DATE},
    {CLUE, "deadline_at_ms", "deadline", CG_PBJSON_TIME},
    NULL_IF_EMPTY(CLUE, "handler_id"),
    NULL_IF_EMPTY(CLUE, "source_link"),
    NULL_IF_EMPTY(CLUE, "merged_into"),
    NULL_IF_EMPTY(CLUE, "case_id"),
    NULL_IF_EMPTY(CLUE, "deadline_state"),
    NULL_IF_EMPTY(SUBJECT, "person_id"),
    NULL_IF_EMPTY(SUBJECT, "position"),
    NULL_IF_EMPTY(SUBJECT, "org_unit"),
    NULL_IF_EMPTY(DISPOSAL, "conclusion"),
    NULL_IF_EMPTY(DISPOSAL, "decided_by"),
    NULL_IF_EMPTY(DISPOSAL, "decision_reason"),

    /* A case (案件): its investigators (调查组), the disposition items
     * decided in review and the extension of its investigation. */
    {CASE, "investigator_ids", "investigators", CG_PBJSON_AS_IS},
    {CASE, "deadline_at_ms", "deadline", CG_PBJSON_TIME},
    NULL_IF_EMPTY(CASE, "deadline_state"),
    NULL_IF_EMPTY(ITEM, "measure"),
    {ITEM, "subject_name", "subject", CG_PBJSON_NULL_IF_EMPTY},
    NULL_IF_EMPTY(ITEM, "subject_person_id"),
    {ITEM, "amount_fen", NULL, CG_PBJSON_FEN},
    NULL_IF_EMPTY(ITEM, "text"),
    {ITEM, "org_path", "unit_path", CG_PBJSON_NULL_IF_EMPTY},
    {ITEM, "deadline_ms", "deadline", CG_PBJSON_DATE},
    NULL_IF_EMPTY(ITEM, "executed_note"),
    NULL_IF_EMPTY(ITEM, "executed_by"),
    NULL_IF_EMPTY(EXTENSION, "decided_by"),
    NULL_IF_EMPTY(EXTENSION, "decision_reason"),

    /* Rectification (整改): a task's optional texts are null until set, its
     * evidence names the measure it proves. */
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "requested_by"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "rejection_reason"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "deadline_state"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "case_id"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "accountability_clue_id"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "recheck_state"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "recheck_draw_id"),
    NULL_IF_EMPTY("cleangrid.v1.RecheckDraw", "batch_id"),
    NULL_IF_EMPTY("cleangrid.v1.RectifyTask", "first_responsible"),
    {"cleangrid.v1.RectifyEvidence", "measure_seq", "measure", CG_PBJSON_AS_IS},
    NULL_IF_EMPTY("cleangrid.v1.RectifyResponsibility", "problem_id"),

    /* The responsibility lists (责任清单): the assessment table under
     * "items"; an item's score and a record's verdict are null until given;
     * a record names its item as a body does. */
    {"cleangrid.v1.ListDutyListsReply", "lists", "items", CG_PBJSON_AS_IS},
    NULL_IF_EMPTY("cleangrid.v1.DutyItem", "outcome"),
    NULL_IF_EMPTY("cleangrid.v1.DutyItem", "scored_by"),
    {"cleangrid.v1.DutyRecord", "item_seq", "item", CG_PBJSON_AS_IS},
    NULL_IF_EMPTY("cleangrid.v1.DutyRecord", "verifier_id"),
    NULL_IF_EMPTY("cleangrid.v1.DutyRecord", "reason"),
};

const size_t gw_npresent_rules = sizeof(gw_present_rules) / sizeof(gw_present_rules[0]);

cg_code gw_codec_create(const gw_route *routes, size_t n, cg_pbjson **out, cg_err *err)
{
    cg_code rc = CG_OK;
    cg_pbjson *codec = cg_pbjson_new(gw_present_rules, gw_npresent_rules);

    *out = NULL;
    if (codec == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const gw_rpc_route *rpc = routes[i].rpc;
        if (rpc == NULL)
            continue;
        rc = cg_pbjson_prepare(codec, rpc->request, err);
        if (rc == CG_OK)
            rc = cg_pbjson_prepare(codec, rpc->reply, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    *out = codec;
    codec = NULL;

cleanup:
    cg_pbjson_free(codec);
    return rc;
}
