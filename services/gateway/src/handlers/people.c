/* The people lookup (GET /api/v1/people, permission people.read): the
 * office's forms name a handler, an investigator or a reviewer by picking a
 * person instead of pasting an account id.
 *
 * It lists the accounts whose unit lies inside the caller's own scope
 * subtree, as every other list does: a lead of hq.east finds the people of
 * hq.east and below, never those of hq.west, and not those of the units
 * above it either (they may cover its clues, but the caller cannot see
 * them, and a lookup that crossed the scope upwards would publish the whole
 * office's staff to every county lead). Disabled accounts and accounts an
 * administrator locked are left out, since they cannot act; an account the
 * lockout locked for a few minutes stays in. An item carries the account's
 * id, username, display name, roles and unit (code, names, path); never a
 * password hash, a lock time or a person id. */
#include <string.h>

#include "accounts.h"
#include "admin.h"
#include "audit.h"
#include "gateway.h"

static cJSON *person_json(const PGresult *res, int row)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *unit = o != NULL ? cJSON_AddObjectToObject(o, "unit") : NULL;
    bool ok = unit != NULL && gw_admin_add_account(o, res, row) &&
              cJSON_AddStringToObject(unit, "code", cg_db_get(res, row, 4)) &&
              cJSON_AddStringToObject(unit, "name", cg_db_get(res, row, 5)) &&
              cJSON_AddStringToObject(unit, "name_zh", cg_db_get(res, row, 6)) &&
              cJSON_AddStringToObject(unit, "path", cg_db_get(res, row, 7));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* $1 scope, $2 cursor (the last username), $3 limit, $4 role or "", $5 a
 * substring of the display name or username or "". strpos on lower() and
 * not LIKE, so % and _ in ?q= are plain characters. */
#define PEOPLE_SQL                                                                                 \
    "SELECT a.id::text, a.username, a.display_name, array_to_string(a.roles, ','), o.code,"        \
    " o.name, o.name_zh, o.path::text"                                                             \
    " FROM accounts a JOIN org_units o ON o.code = a.org_unit"                                     \
    " WHERE o.path <@ $1::ltree AND a.username > $2 AND " GW_ACCOUNT_SESSIONS_LIVE                 \
    " AND ($4 = '' OR $4 = ANY (a.roles))"                                                         \
    " AND ($5 = '' OR strpos(lower(a.display_name), lower($5)) > 0"                                \
    "      OR strpos(a.username, lower($5)) > 0)"                                                  \
    " ORDER BY a.username LIMIT $3::int"

void gw_route_list_people(gw_request *req)
{
    char role[GW_ROLE_NAME_MAX];
    char q[GW_PEOPLE_Q_MAX_BYTES + 1];
    cg_err err;
    if (gw_people_filters(req->query, role, q, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        return;
    }
    /* The staff of a scope, with their roles: who could be looked up is
     * worth knowing, so the lookup is recorded as a sensitive read. */
    cJSON *filter = cJSON_CreateObject();
    if (filter != NULL && role[0] != '\0')
        cJSON_AddStringToObject(filter, "role", role);
    if (filter != NULL && q[0] != '\0')
        cJSON_AddStringToObject(filter, "q", q);
    gw_audit_expect_list(req, "people.lookup", NULL, NULL, filter);
    cJSON_Delete(filter);
    const char *extra[] = {role, q};
    gw_admin_send_list_with(req, PEOPLE_SQL, 1, person_json, extra, 2);
}
