/* GET /api/v1/public/units/{id}, no login: the name of the unit a QR code
 * names (/report?unit=<code>), so the public report page tells the reporter
 * where the report goes. It answers the code and the unit's two names and
 * nothing else: not its path, so the tree above a unit stays the office's,
 * and not whether it is retired (a poster may outlive its unit, and the
 * report is accepted all the same). The public routes' rate limit applies,
 * as to every route without a login. */
#include "admin_rules.h"
#include "gateway.h"

void gw_route_public_unit(gw_request *req)
{
    char name[GW_NAME_MAX + 1];
    char name_zh[GW_NAME_MAX + 1];
    cJSON *out = NULL;
    cg_err err;

    cg_err_clear(&err);
    if (!gw_unit_code_valid(req->route_id)) {
        cg_err_add_violation(&err, "code", "must be 1 to 64 of a-z, 0-9 and _");
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    if (gw_names_unit(req->app, req->route_id, name, name_zh, &err) != CG_OK) {
        gw_http_send_err(req, &err);
        goto cleanup;
    }
    out = cJSON_CreateObject();
    if (out != NULL && (cJSON_AddStringToObject(out, "code", req->route_id) == NULL ||
                        cJSON_AddStringToObject(out, "name", name) == NULL ||
                        cJSON_AddStringToObject(out, "name_zh", name_zh) == NULL)) {
        cJSON_Delete(out);
        out = NULL;
    }
    gw_http_send_json(req, 200, out);

cleanup:
    cJSON_Delete(out);
}
