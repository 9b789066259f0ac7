/* The audit trail's pure rules: outcomes, action names of routes, and the
 * query of GET /api/v1/audit. No database, no server (audit.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "audit.h"
#include "cg/chain.h"
#include "cg/validate.h"

const char *gw_audit_outcome(int status)
{
    if (status < 400)
        return "ok";
    if (status == 401 || status == 403)
        return "refused";
    return "failed";
}

/* Append s to out as a JSON string the way PostgreSQL's escape_json()
 * writes it: the two-character escapes for \b \f \n \r \t " and \\,
 * \u00xx (lower-case hex) for other control characters, every other byte
 * as it is. Returns the new end. */
static char *put(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return out + n;
}

static char *json_string(char *out, const char *s)
{
    *out++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        switch (*p) {
        case '\b':
            out = put(out, "\\b");
            break;
        case '\f':
            out = put(out, "\\f");
            break;
        case '\n':
            out = put(out, "\\n");
            break;
        case '\r':
            out = put(out, "\\r");
            break;
        case '\t':
            out = put(out, "\\t");
            break;
        case '"':
            out = put(out, "\\\"");
            break;
        case '\\':
            out = put(out, "\\\\");
            break;
        default:
            if (*p < ' ')
                out += sprintf(out, "\\u%04x", (unsigned)*p);
            else
                *out++ = (char)*p;
        }
    }
    *out++ = '"';
    return out;
}

char *gw_audit_canonical(long long id, const char *at, const char *const values[GW_AUDIT_NVALUES])
{
    /* Escaping makes a byte at most six ("\u00xx"); the rest is small. */
    size_t cap = 64 + 6 * strlen(at);
    for (int i = 0; i < GW_AUDIT_NVALUES; i++)
        cap += 8 + (values[i] != NULL ? 6 * strlen(values[i]) : 0);
    char *text = malloc(cap);
    if (text == NULL)
        return NULL;
    char *out = text + sprintf(text, "[%lld, ", id);
    out = json_string(out, at);
    int nvalues = values[GW_AUDIT_NVALUES_BASE] == NULL && values[GW_AUDIT_NVALUES_BASE + 1] == NULL
                      ? GW_AUDIT_NVALUES_BASE
                      : GW_AUDIT_NVALUES;
    for (int i = 0; i < nvalues; i++) {
        out = put(out, ", ");
        if (values[i] == NULL) {
            out = put(out, "null");
        } else if (i == 7) {
            /* The HTTP status is an integer column: a JSON number. */
            out += sprintf(out, "%d", atoi(values[i]));
        } else if (i == 0) {
            /* uuid::text is lower case whatever case went in. */
            char lower[64];
            size_t n = 0;
            for (; values[i][n] != '\0' && n < sizeof(lower) - 1; n++)
                lower[n] = (char)tolower((unsigned char)values[i][n]);
            lower[n] = '\0';
            out = json_string(out, lower);
        } else {
            out = json_string(out, values[i]);
        }
    }
    *out++ = ']';
    *out = '\0';
    return text;
}

void gw_audit_hash(const char *prev_hash, const char *canonical, char out[65])
{
    cg_chain_hash(NULL, prev_hash, canonical, out);
}

/* The names of the state-changing routes that have one. A route added
 * without a row here is still recorded, as request.<method> with its
 * pattern as the target type; give it a name here when it is added. */
static const struct {
    const char *method;
    const char *pattern;
    const char *action;
    const char *fail_action;
    const char *target_type;
} named_routes[] = {
    {"POST", "/api/v1/auth/login", "auth.login", "auth.login_failed", NULL},
    {"POST", "/api/v1/auth/logout", "auth.logout", NULL, NULL},
    {"POST", "/api/v1/auth/password", "auth.password_changed", "auth.password_change_failed", NULL},
    {"POST", "/api/v1/public/reports", "report.submitted", NULL, NULL},
    {"POST", "/api/v1/public/reports/status", "report.status_checked", NULL, NULL},
    /* The clue register and the steps of a clue's disposal. */
    {"POST", "/api/v1/clues", "clue.registered", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/disposal", "clue.disposal_proposed", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/disposal/approve", "clue.disposal_approved", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/disposal/reject", "clue.disposal_rejected", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/assign", "clue.assigned", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/subjects/confirm", "clue.subject_confirmed", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/subjects/clear", "clue.subject_cleared", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/recuse", "clue.recused", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/link", "clue.linked", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/merge", "clue.merged", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/reopen", "clue.reopened", NULL, "clue"},
    {"POST", "/api/v1/clues/{id}/file", "case.filed", NULL, "clue"},
    {"PATCH", "/api/v1/clues/{id}", "clue.changed", NULL, "clue"},
    /* Accounts: a role or unit change records what it was before. */
    {"POST", "/api/v1/accounts", "account.created", NULL, "account"},
    {"PATCH", "/api/v1/accounts/{id}", "account.changed", NULL, "account"},
    {"POST", "/api/v1/cases/{id}/recuse", "case.recused", NULL, "case"},
    /* A case's stages after filing. */
    {"POST", "/api/v1/cases/{id}/actions", "case.stage_changed", NULL, "case"},
    {"POST", "/api/v1/cases/{id}/measures", "case.measure_logged", NULL, "case"},
    /* Rectification (整改). */
    {"POST", "/api/v1/rectify/batches", "rectify.batch_created", NULL, "rectify_batch"},
    {"POST", "/api/v1/rectify/batches/{id}/problems", "rectify.problem_added", NULL,
     "rectify_batch"},
    {"POST", "/api/v1/rectify/batches/{id}/responsibilities", "rectify.responsibility_added", NULL,
     "rectify_batch"},
    {"POST", "/api/v1/rectify/batches/{id}/import", "rectify.lists_imported", NULL,
     "rectify_batch"},
    {"POST", "/api/v1/rectify/problems/{id}/tasks", "rectify.task_added", NULL, "rectify_problem"},
    {"POST", "/api/v1/rectify/tasks/{id}/plan", "rectify.task_planned", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/evidence", "rectify.evidence_added", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/closure-request", "rectify.closure_requested", NULL,
     "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/verify", "rectify.task_accepted", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/reject", "rectify.task_rejected", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/close", "rectify.task_closed", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/recheck", "rectify.task_rechecked", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/tasks/{id}/relapse", "rectify.task_relapsed", NULL, "rectify_task"},
    {"POST", "/api/v1/rectify/rechecks", "rectify.rechecks_drawn", NULL, "rectify_draw"},
    {"POST", "/api/v1/rectify/settings/sources", "rectify.source_rule_changed", NULL, NULL},
    {"POST", "/api/v1/rectify/settings/recheck-categories", "rectify.recheck_categories_changed",
     NULL, NULL},
    /* The responsibility lists (责任清单) and their assessment (纪实考核). */
    {"POST", "/api/v1/rectify/duty-lists", "rectify.duty_list_set", NULL, "rectify_duty_list"},
    {"POST", "/api/v1/rectify/duty-lists/{id}/records", "rectify.duty_work_recorded", NULL,
     "rectify_duty_list"},
    {"POST", "/api/v1/rectify/duty-lists/{id}/confirm", "rectify.duty_work_confirmed", NULL,
     "rectify_duty_list"},
    {"POST", "/api/v1/rectify/duty-lists/{id}/refuse", "rectify.duty_work_refused", NULL,
     "rectify_duty_list"},
    {"POST", "/api/v1/rectify/duty-lists/{id}/scores", "rectify.duty_item_scored", NULL,
     "rectify_duty_list"},
    /* Integrity files (廉政档案): every change and every opinion asked or
     * given. */
    {"POST", "/api/v1/integrity/cadres", "integrity.cadre_created", NULL, "integrity_file"},
    {"POST", "/api/v1/integrity/cadres/import", "integrity.cadres_imported", NULL, NULL},
    {"PATCH", "/api/v1/integrity/cadres/{id}", "integrity.cadre_changed", NULL, "integrity_file"},
    {"POST", "/api/v1/integrity/cadres/{id}/relatives", "integrity.relative_added", NULL,
     "integrity_file"},
    {"PUT", "/api/v1/integrity/relatives/{id}", "integrity.relative_changed", NULL,
     "integrity_relative"},
    {"POST", "/api/v1/integrity/relatives/{id}/remove", "integrity.relative_removed", NULL,
     "integrity_relative"},
    {"POST", "/api/v1/integrity/cadres/{id}/records", "integrity.record_added", NULL,
     "integrity_file"},
    {"POST", "/api/v1/integrity/settings/influence-periods", "integrity.influence_period_set", NULL,
     NULL},
    {"POST", "/api/v1/integrity/rounds", "integrity.round_opened", NULL, "integrity_round"},
    {"PUT", "/api/v1/integrity/me/report", "integrity.report_saved", NULL, NULL},
    {"POST", "/api/v1/integrity/me/report/submit", "integrity.report_submitted", NULL, NULL},
    {"POST", "/api/v1/integrity/verification-draws", "integrity.verifications_drawn", NULL, NULL},
    {"POST", "/api/v1/integrity/references/import", "integrity.references_imported", NULL, NULL},
    {"POST", "/api/v1/integrity/cadres/{id}/references", "integrity.reference_added", NULL,
     "integrity_file"},
    {"POST", "/api/v1/integrity/verifications/{id}/compare", "integrity.verification_compared",
     NULL, "integrity_verification"},
    {"POST", "/api/v1/integrity/findings/{id}/decide", "integrity.finding_decided", NULL,
     "integrity_finding"},
    {"POST", "/api/v1/integrity/verifications/{id}/conclude", "integrity.verification_concluded",
     NULL, "integrity_verification"},
    {"POST", "/api/v1/integrity/opinion-requests", "integrity.opinions_requested", NULL, NULL},
    {"PATCH", "/api/v1/integrity/opinions/{id}", "integrity.opinion_edited", NULL,
     "integrity_opinion"},
    {"POST", "/api/v1/integrity/opinions/{id}/sign", "integrity.opinion_signed", NULL,
     "integrity_opinion"},
    /* Risk: what the office did with an alert, and every change of an
     * indicator's settings. */
    {"POST", "/api/v1/risk/alerts/{id}/act", "risk.alert_acted", NULL, "risk_alert"},
    {"PUT", "/api/v1/risk/indicators/{id}", "risk.indicator_changed", NULL, "risk_indicator"},
};

const char *gw_audit_route_action(const char *method, const char *pattern, const char **fail_action,
                                  const char **target_type, char *method_buf,
                                  size_t method_buf_size)
{
    for (size_t i = 0; i < sizeof(named_routes) / sizeof(named_routes[0]); i++) {
        if (strcmp(named_routes[i].method, method) == 0 &&
            strcmp(named_routes[i].pattern, pattern) == 0) {
            *fail_action = named_routes[i].fail_action;
            *target_type = named_routes[i].target_type;
            return named_routes[i].action;
        }
    }
    /* "request." and the method in lower case; the database checks the
     * action against ^[a-z_]+(\.[a-z_]+)+$, and methods are letters. */
    size_t n = strlen("request.");
    if (method_buf_size < n + 2) {
        *fail_action = NULL;
        *target_type = pattern;
        return "request.other";
    }
    memcpy(method_buf, "request.", n);
    for (const char *p = method; *p != '\0' && n + 1 < method_buf_size; p++)
        method_buf[n++] = isalpha((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    method_buf[n] = '\0';
    *fail_action = NULL;
    *target_type = pattern;
    return method_buf;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool gw_rfc3339_valid(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    int month = atoi(s + 5), day = atoi(s + 8), hour = atoi(s + 11), min = atoi(s + 14),
        sec = atoi(s + 17);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        size_t f = 0;
        while (isdigit((unsigned char)p[f]))
            f++;
        if (f == 0 || f > 9)
            return false;
        p += f;
    }
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0')
        return true;
    return (p[0] == '+' || p[0] == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
           p[6] == '\0' && atoi(p + 1) <= 23 && atoi(p + 4) <= 59;
}

/* Read one optional parameter into out; a value too long is a violation. */
static void get_param(const char *query, const char *name, char *out, size_t size, cg_err *err)
{
    cg_code rc = gw_query_get(query, name, out, size);
    if (rc == CG_NOT_FOUND) {
        out[0] = '\0';
    } else if (rc != CG_OK) {
        out[0] = '\0';
        cg_err_add_violation(err, name, "must be at most %zu characters", size - 1);
    }
}

cg_code gw_audit_query_parse(const char *query, gw_audit_query *q, cg_err *err)
{
    char limit[16];
    char cursor[24];

    memset(q, 0, sizeof(*q));
    q->limit = GW_AUDIT_LIMIT_DEFAULT;
    get_param(query, "actor", q->actor, sizeof(q->actor), err);
    get_param(query, "action", q->action, sizeof(q->action), err);
    get_param(query, "from", q->from, sizeof(q->from), err);
    get_param(query, "to", q->to, sizeof(q->to), err);
    get_param(query, "limit", limit, sizeof(limit), err);
    get_param(query, "cursor", cursor, sizeof(cursor), err);

    if (q->from[0] != '\0' && !gw_rfc3339_valid(q->from))
        cg_err_add_violation(err, "from", "must be an RFC 3339 time with a zone");
    if (q->to[0] != '\0' && !gw_rfc3339_valid(q->to))
        cg_err_add_violation(err, "to", "must be an RFC 3339 time with a zone");
    if (limit[0] != '\0') {
        size_t n = strlen(limit);
        long v = n <= 3 && digits(limit, n) ? strtol(limit, NULL, 10) : 0;
        if (cg_check_int(err, "limit", v, 1, GW_AUDIT_LIMIT_MAX))
            q->limit = (int)v;
    }
    if (cursor[0] != '\0') {
        /* The cursor is the id of the last row of the previous page. */
        size_t n = strlen(cursor);
        long long v = n <= 18 && digits(cursor, n) ? strtoll(cursor, NULL, 10) : 0;
        if (v < 1)
            cg_err_add_violation(err, "cursor", "is not a cursor this API gave out");
        else
            q->before_id = v;
    }
    return err->code;
}
