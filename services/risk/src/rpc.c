/* cg.rpc.risk.*: the method table. Each row names the method's messages,
 * who may call it, what it needs of the database and the function that
 * does its work (cg/rpc.h); the frame around it is common/'s. */
#include "cg/json_call.h"
#include "cleangrid/v1/risk.pb-c.h"
#include "risk.h"

/* Risk is read by the office and the auditors within their scope, acted on
 * by the office; its indicators are set by the administrators. */
static const char *const ROLES_READ[] = {"inspector", "inspection_lead", "auditor", NULL};
static const char *const ROLES_ACT[] = {"inspector", "inspection_lead", NULL};
static const char *const ROLES_SETTINGS[] = {"admin", NULL};

#define ROW(method, req, rep, who, what, need, fn)                                                 \
    {                                                                                              \
        .name = #method, .request = &cleangrid__v1__##req##__descriptor,                           \
        .reply = &cleangrid__v1__##rep##__descriptor, .roles = (who), .doing = (what),             \
        .db = CG_RPC_DB_##need, .check = cg_json_call_check, .handler = (fn)                       \
    }

static const cg_rpc_row rows[] = {
    ROW(ListRiskIndicators, list_risk_indicators_request, list_risk_indicators_reply, ROLES_READ,
        "read risk", CONN, risk_list_indicators),
    /* Read too by the administrators, whose form it fills. */
    ROW(ListIndicatorSettings, list_risk_indicators_request, list_risk_indicators_reply,
        ROLES_SETTINGS, "change risk indicators", CONN, risk_list_indicators),
    ROW(UpdateRiskIndicator, update_risk_indicator_request, risk_indicator_reply, ROLES_SETTINGS,
        "change risk indicators", TX, risk_update_indicator),
    ROW(ListRiskAlerts, list_risk_alerts_request, list_risk_alerts_reply, ROLES_READ, "read risk",
        CONN, risk_list_alerts),
    ROW(GetRiskAlert, get_risk_alert_request, risk_alert_reply, ROLES_READ, "read risk", CONN,
        risk_get_alert),
    ROW(ActOnRiskAlert, risk_alert_action_request, risk_alert_reply, ROLES_ACT,
        "act on risk alerts", TX, risk_act_on_alert),
    ROW(GetRiskEntity, get_risk_entity_request, risk_entity_reply, ROLES_READ, "read risk", CONN,
        risk_get_entity),
    ROW(ListRiskScores, list_risk_scores_request, list_risk_scores_reply, ROLES_READ, "read risk",
        CONN, risk_list_scores),
    ROW(GetRiskOverview, risk_overview_request, risk_overview_reply, ROLES_READ, "read risk", CONN,
        risk_overview),
};

const cg_rpc_table risk_rpc_table = {.rows = rows, .nrows = sizeof rows / sizeof rows[0]};

cg_code risk_codec_prepare(cg_pbjson *codec, cg_err *err)
{
    static const ProtobufCMessageDescriptor *const read[] = {
        &cleangrid__v1__risk_indicator__descriptor,
        &cleangrid__v1__risk_alert__descriptor,
        &cleangrid__v1__risk_entity__descriptor,
        &cleangrid__v1__risk_score__descriptor,
        &cleangrid__v1__risk_count__descriptor,
        &cleangrid__v1__risk_unit_count__descriptor,
        &cleangrid__v1__risk_alert_event__descriptor,
        &cleangrid__v1__risk_concealment_found__descriptor,
    };
    for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
        if (cg_pbjson_prepare(codec, read[i], err) != CG_OK)
            return err->code;
    return CG_OK;
}
