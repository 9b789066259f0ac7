/* The reads and actions of cg.rpc.risk.*: each a statement over the SQL of
 * migrations/0005_reads.sql (the unit paths beside the codes of
 * 0011_unit_paths.sql), whose rows are the reply's messages
 * (cg/db_json.h), cut to the caller's scope inside the statement. */
#include <stdio.h>
#include <string.h>

#include "cg/json_call.h"
#include "cg/messaging.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "cleangrid/v1/risk.pb-c.h"
#include "risk.h"

static const char *const ENTITY_KINDS[] = {"person", "unit", "supplier", NULL};
static const char *const BANDS[] = {"low", "medium", "high", NULL};
static const char *const ALERT_STATES[] = {
    "open", "new", "acknowledged", "dismissed", "reminded", "escalated", NULL};

/* At most this many rows in a list: the newest alerts, the highest
 * scores. */
#define LIST_MAX "500"

static cg_code read_rows(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                         const char *sql, int nparams, const char *const *params,
                         cg_db_json_list **out, cg_err *err)
{
    const risk_app *app = r->arg;
    return cg_json_call_read(r, conn, app->codec, desc, sql, nparams, params, out, err);
}

/* The one message sql reads, or NOT_FOUND naming what. */
static cg_code read_one(cg_rpc_req *r, PGconn *conn, const ProtobufCMessageDescriptor *desc,
                        const char *what, const char *sql, int nparams, const char *const *params,
                        ProtobufCMessage **out, cg_err *err)
{
    cg_db_json_list *list = NULL;
    if (read_rows(r, conn, desc, sql, nparams, params, &list, err) != CG_OK)
        return err->code;
    if (list->n == 0)
        return cg_err_set(err, CG_NOT_FOUND, "%s not found", what);
    *out = list->msgs[0];
    return CG_OK;
}

cg_code risk_list_indicators(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                             cg_err *err)
{
    (void)request;
    Cleangrid__V1__ListRiskIndicatorsReply *out = reply;
    cg_json_call *c = r->state;
    cg_db_json_list *list = NULL;
    const char *scope[] = {c->actor.scope};
    /* Each indicator's counts are those of the hits and alerts in the
     * reader's scope (migrations/0021_scoped_indicator_counts.sql). */
    if (read_rows(r, conn, &cleangrid__v1__risk_indicator__descriptor,
                  "SELECT risk_indicator_json(i, $1::ltree) FROM indicators i"
                  " ORDER BY i.area, i.code",
                  1, scope, &list, err) != CG_OK)
        return err->code;
    out->n_indicators = list->n;
    out->indicators = CG_JSON_ITEMS(Cleangrid__V1__RiskIndicator, list);
    return CG_OK;
}

cg_code risk_update_indicator(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                              cg_err *err)
{
    const Cleangrid__V1__UpdateRiskIndicatorRequest *req = request;
    Cleangrid__V1__RiskIndicatorReply *out = reply;
    cg_json_call *c = r->state;
    PGresult *res = NULL;
    char weight[32], window[16];
    static const char *const settings[] = {"weight", "window_days", "params", "enabled"};
    /* An indicator's settings hold for every unit of the group, so only an
     * administrator of the whole group (a scope at the top of the tree)
     * changes them; a province's administrator would change them for the
     * other provinces too. */
    if (strchr(c->actor.scope, '.') != NULL)
        return cg_err_set(err, CG_PERMISSION_DENIED,
                          "indicator settings hold for the whole group: only an administrator "
                          "whose scope is the whole group changes them");
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        bool given = false;
        for (size_t k = 0; k < req->n_given; k++)
            given = given || strcmp(req->given[k], settings[i]) == 0;
        if (!given)
            cg_err_add_violation(err, settings[i],
                                 "is required and may not be null: the settings are given whole");
    }
    cg_check_text(err, "reason", req->reason, 1, 500, CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    cg_check_int(err, "window_days", req->window_days, 1, 3650);
    if (!(req->weight >= 0 && req->weight <= 10))
        cg_err_add_violation(err, "weight", "must be from 0 to 10");
    if (err->code != CG_OK)
        return err->code;
    snprintf(weight, sizeof weight, "%.2f", req->weight);
    snprintf(window, sizeof window, "%d", (int)req->window_days);
    const char *params[] = {
        req->code,   weight,          window, req->params_json, req->enabled ? "t" : "f",
        req->reason, c->actor.user_id};
    /* The parameters are checked against the indicator's own rules in SQL,
     * where they live; each problem comes back as "field: problem". */
    cg_code rc = cg_db_exec(conn,
                            "SELECT field, problem FROM risk_update_indicator($1, $2::numeric,"
                            " $3::int, $4, $5::boolean, $6, $7)",
                            7, params, &res, err);
    if (rc == CG_OK && PQntuples(res) > 0) {
        bool missing = false;
        for (int i = 0; i < PQntuples(res); i++) {
            missing = strcmp(PQgetvalue(res, i, 0), "code") == 0;
            if (!missing)
                cg_err_add_violation(err, PQgetvalue(res, i, 0), "%s", PQgetvalue(res, i, 1));
        }
        rc = missing ? cg_err_set(err, CG_NOT_FOUND, "indicator %s not found", req->code)
                     : err->code;
    }
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    const char *one[] = {req->code, c->actor.scope};
    return read_one(r, conn, &cleangrid__v1__risk_indicator__descriptor, "indicator",
                    "SELECT risk_indicator_json(i, $2::ltree) FROM indicators i WHERE i.code = $1",
                    2, one, (ProtobufCMessage **)&out->indicator, err);
}

cg_code risk_list_alerts(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ListRiskAlertsRequest *req = request;
    Cleangrid__V1__ListRiskAlertsReply *out = reply;
    cg_json_call *c = r->state;
    cg_db_json_list *list = NULL;
    cg_check_one_of(err, "status", req->status, ALERT_STATES, true);
    cg_check_one_of(err, "band", req->band, BANDS, true);
    cg_check_one_of(err, "entity_kind", req->entity_kind, ENTITY_KINDS, true);
    cg_check_text(err, "indicator", req->indicator, 0, 40, 0);
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {c->actor.scope, req->status,      req->band,
                            req->indicator, req->entity_kind, req->org_path};
    if (read_rows(r, conn, &cleangrid__v1__risk_alert__descriptor,
                  "SELECT risk_alert_json(a, false, $1::ltree) FROM alerts a"
                  " WHERE risk_in_scope(a.unit_code, $1::ltree)"
                  " AND ($2 = '' OR a.status = $2"
                  "      OR ($2 = 'open' AND a.status IN ('new', 'acknowledged')))"
                  " AND ($3 = '' OR (risk_alert_seen(a, $1::ltree)).band = $3)"
                  " AND ($5 = '' OR a.entity_kind = $5)"
                  " AND ($4 = '' OR EXISTS (SELECT 1 FROM alert_hits ah JOIN hits h"
                  "      ON h.id = ah.hit_id WHERE ah.alert_id = a.id AND h.indicator = $4"
                  "      AND risk_in_scope(h.unit_code, $1::ltree)))"
                  " AND risk_in_filter(a.unit_code, $6)"
                  " ORDER BY a.id DESC LIMIT " LIST_MAX,
                  6, params, &list, err) != CG_OK)
        return err->code;
    out->n_alerts = list->n;
    out->alerts = CG_JSON_ITEMS(Cleangrid__V1__RiskAlert, list);
    return CG_OK;
}

static cg_code one_alert(cg_rpc_req *r, PGconn *conn, int64_t id, Cleangrid__V1__RiskAlert **out,
                         cg_err *err)
{
    cg_json_call *c = r->state;
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)id);
    const char *params[] = {text, c->actor.scope};
    return read_one(r, conn, &cleangrid__v1__risk_alert__descriptor, "alert",
                    "SELECT risk_alert_json(a, true, $2::ltree) FROM alerts a"
                    " WHERE a.id = $1::bigint AND risk_in_scope(a.unit_code, $2::ltree)",
                    2, params, (ProtobufCMessage **)out, err);
}

cg_code risk_get_alert(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__GetRiskAlertRequest *req = request;
    Cleangrid__V1__RiskAlertReply *out = reply;
    if (!cg_check_int(err, "id", req->id, 1, CG_PBJSON_INT_MAX))
        return err->code;
    return one_alert(r, conn, req->id, &out->alert, err);
}

/* Announce what became of alert id on subject, through the outbox in the
 * transaction of the change: the case service registers an escalated
 * alert as a clue, the integrity service keeps a reminder in the person's
 * file. */
static cg_code announce(cg_rpc_req *r, PGconn *conn, int64_t id, const char *subject, cg_err *err)
{
    char text[32], event_id[CG_UUID_LEN];
    Cleangrid__V1__RiskAlertEvent *ev = NULL;
    Cleangrid__V1__EventMeta meta = CLEANGRID__V1__EVENT_META__INIT;
    snprintf(text, sizeof text, "%lld", (long long)id);
    cg_json_call *c = r->state;
    const char *params[] = {text, c->actor.scope};
    if (read_one(r, conn, &cleangrid__v1__risk_alert_event__descriptor, "alert",
                 "SELECT risk_alert_event_json($1::bigint, $2::ltree)", 2, params,
                 (ProtobufCMessage **)&ev, err) != CG_OK)
        return err->code;
    cg_event_meta_init(&meta, event_id, subject, "risk", r->request_id);
    ev->meta = &meta;
    cg_code rc = cg_outbox_add(conn, &ev->base, err);
    /* The message belongs to the call's list; the meta is this frame's. */
    ev->meta = NULL;
    return rc;
}

cg_code risk_act_on_alert(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                          cg_err *err)
{
    const Cleangrid__V1__RiskAlertActionRequest *req = request;
    Cleangrid__V1__RiskAlertReply *out = reply;
    cg_json_call *c = r->state;
    PGresult *res = NULL;
    char id[32];
    cg_check_int(err, "id", req->id, 1, CG_PBJSON_INT_MAX);
    /* Whether the action needs a reason is the alert table's rule (in
     * SQL); a reason given, though, is never white space alone, whatever
     * kind of white space. */
    cg_check_text(err, "reason", req->reason, 0, 2000,
                  CG_TEXT_MULTILINE | (req->reason[0] != '\0' ? CG_TEXT_REQUIRED : 0));
    if (err->code != CG_OK)
        return err->code;
    /* Out of scope reads as absent, before anything changes. */
    if (one_alert(r, conn, req->id, &out->alert, err) != CG_OK)
        return err->code;
    snprintf(id, sizeof id, "%lld", (long long)req->id);
    const char *params[] = {id, req->action, req->reason, c->actor.user_id};
    cg_code rc = cg_db_exec(conn,
                            "SELECT problem, coalesce(to_state, '') FROM"
                            " risk_alert_act($1::bigint, $2, $3, $4)",
                            4, params, &res, err);
    if (rc == CG_OK && PQgetvalue(res, 0, 0)[0] != '\0') {
        const char *problem = PQgetvalue(res, 0, 0);
        /* "field: problem" is the request's fault in one field; anything
         * else is the alert's state. */
        if (strncmp(problem, "action: ", 8) == 0 || strncmp(problem, "reason: ", 8) == 0) {
            char field[8];
            snprintf(field, sizeof field, "%.6s", problem);
            cg_err_add_violation(err, field, "%s", problem + 8);
            rc = err->code;
        } else {
            rc = cg_err_set(err, CG_FAILED_PRECONDITION, "%s", problem);
        }
    }
    const char *to_state = rc == CG_OK ? PQgetvalue(res, 0, 1) : "";
    if (rc == CG_OK && strcmp(to_state, "escalated") == 0)
        rc = announce(r, conn, req->id, RISK_SUBJECT_ALERT_ESCALATED, err);
    else if (rc == CG_OK && strcmp(to_state, "reminded") == 0)
        rc = announce(r, conn, req->id, RISK_SUBJECT_ALERT_REMINDED, err);
    PQclear(res);
    if (rc != CG_OK)
        return rc;
    return one_alert(r, conn, req->id, &out->alert, err);
}

cg_code risk_get_entity(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__GetRiskEntityRequest *req = request;
    Cleangrid__V1__RiskEntityReply *out = reply;
    cg_json_call *c = r->state;
    cg_check_one_of(err, "kind", req->kind, ENTITY_KINDS, false);
    cg_check_text(err, "id", req->id, 1, 128, CG_TEXT_REQUIRED);
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {req->kind, req->id, c->actor.scope};
    return read_one(r, conn, &cleangrid__v1__risk_entity__descriptor, "entity",
                    "SELECT risk_entity_json($1, $2, $3::ltree)", 3, params,
                    (ProtobufCMessage **)&out->entity, err);
}

cg_code risk_list_scores(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__ListRiskScoresRequest *req = request;
    Cleangrid__V1__ListRiskScoresReply *out = reply;
    cg_json_call *c = r->state;
    cg_db_json_list *list = NULL;
    cg_check_one_of(err, "kind", req->kind, ENTITY_KINDS, true);
    cg_check_one_of(err, "band", req->band, BANDS, true);
    if (req->org_path[0] != '\0' && !cg_ltree_path_valid(req->org_path))
        cg_err_add_violation(err, "unit_code", "is not a unit");
    if (err->code != CG_OK)
        return err->code;
    const char *params[] = {c->actor.scope, req->kind, req->band, req->org_path};
    if (read_rows(r, conn, &cleangrid__v1__risk_score__descriptor,
                  /* Each entity by the part of its score that fired in the
                   * caller's scope and the filter (0012_scoped_scores.sql). */
                  "SELECT risk_scores_json($1::ltree, $2, $3, $4, " LIST_MAX ")", 4, params, &list,
                  err) != CG_OK)
        return err->code;
    out->n_scores = list->n;
    out->scores = CG_JSON_ITEMS(Cleangrid__V1__RiskScore, list);
    return CG_OK;
}

/* The overview's four lists, each a statement of RiskCount rows (the
 * units' RiskUnitCount). */
cg_code risk_overview(cg_rpc_req *r, const void *request, PGconn *conn, void *reply, cg_err *err)
{
    const Cleangrid__V1__RiskOverviewRequest *req = request;
    Cleangrid__V1__RiskOverviewReply *out = reply;
    cg_json_call *c = r->state;
    cg_db_json_list *units = NULL, *by_indicator = NULL, *by_band = NULL, *trend = NULL;
    char months[16];
    if (!cg_check_int(err, "months", req->months, 0, 60))
        return err->code;
    snprintf(months, sizeof months, "%d", req->months > 0 ? (int)req->months : 12);
    const char *scope[] = {c->actor.scope};
    const char *scope_months[] = {c->actor.scope, months};
    /* Each unit with its path, by which the console nests the heat map and
     * the gateway names the unit. */
    if (read_rows(r, conn, &cleangrid__v1__risk_unit_count__descriptor,
                  "SELECT jsonb_build_object('key', s.entity_id, 'band', s.band,"
                  " 'score', s.score, 'count', 1,"
                  " 'unit_path', risk_unit_path_text(s.entity_id)) FROM scores s"
                  " WHERE s.entity_kind = 'unit' AND risk_in_scope(s.entity_id, $1::ltree)"
                  " ORDER BY s.score DESC, s.entity_id",
                  1, scope, &units, err) != CG_OK ||
        read_rows(r, conn, &cleangrid__v1__risk_count__descriptor,
                  "SELECT jsonb_build_object('key', h.indicator, 'band', seen.band,"
                  " 'count', count(DISTINCT a.id)) FROM alerts a"
                  " CROSS JOIN LATERAL risk_alert_seen(a, $1::ltree) seen"
                  " JOIN alert_hits ah ON ah.alert_id = a.id JOIN hits h ON h.id = ah.hit_id"
                  " WHERE a.status IN ('new', 'acknowledged')"
                  " AND risk_in_scope(a.unit_code, $1::ltree)"
                  " AND risk_in_scope(h.unit_code, $1::ltree)"
                  " GROUP BY h.indicator, seen.band ORDER BY h.indicator, seen.band",
                  1, scope, &by_indicator, err) != CG_OK ||
        /* Each alert in the band its reader sees it in, as the alert list
         * shows it: an alert whose hits are partly in another province
         * counts in the band of the hits in scope. */
        read_rows(r, conn, &cleangrid__v1__risk_count__descriptor,
                  "SELECT jsonb_build_object('key', seen.band, 'band', seen.band,"
                  " 'count', count(*)) FROM alerts a"
                  " CROSS JOIN LATERAL risk_alert_seen(a, $1::ltree) seen"
                  " WHERE a.status IN ('new', 'acknowledged')"
                  " AND risk_in_scope(a.unit_code, $1::ltree) GROUP BY seen.band"
                  " ORDER BY risk_band_rank(seen.band) DESC",
                  1, scope, &by_band, err) != CG_OK ||
        read_rows(r, conn, &cleangrid__v1__risk_count__descriptor,
                  "SELECT jsonb_build_object('key', to_char(m, 'YYYY-MM'), 'band', '',"
                  " 'count', (SELECT count(*) FROM hits h WHERE h.fired_at >= m"
                  "   AND h.fired_at < m + interval '1 month'"
                  "   AND risk_in_scope(h.unit_code, $1::ltree)))"
                  " FROM generate_series(date_trunc('month', now()) - ($2::int - 1)"
                  "   * interval '1 month', date_trunc('month', now()), interval '1 month') m"
                  " ORDER BY m",
                  2, scope_months, &trend, err) != CG_OK)
        return err->code;
    out->n_units = units->n;
    out->units = CG_JSON_ITEMS(Cleangrid__V1__RiskUnitCount, units);
    out->n_alerts_by_indicator = by_indicator->n;
    out->alerts_by_indicator = CG_JSON_ITEMS(Cleangrid__V1__RiskCount, by_indicator);
    out->n_alerts_by_band = by_band->n;
    out->alerts_by_band = CG_JSON_ITEMS(Cleangrid__V1__RiskCount, by_band);
    out->n_trend = trend->n;
    out->trend = CG_JSON_ITEMS(Cleangrid__V1__RiskCount, trend);
    return CG_OK;
}
