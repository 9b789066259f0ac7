/* The route table: every route of the HTTP API and the permission it needs.
 *
 * This is the one place that decides who may call what. The dispatcher
 * (http.c) checks the login and the permission before it calls a handler,
 * so handlers do not check them again; main() refuses to start when
 * gw_route_table_check() finds a route without a permission or a route
 * declared twice. docs/access.md is generated from this table
 * (`cg-gateway --access-matrix`), and a unit test fails while the two
 * differ. */
#include "accounts.h"
#include "gateway.h"

const gw_route gw_routes[] = {
    {.method = "GET", .pattern = "/healthz", .perm = GW_PERM_PUBLIC, .handler = gw_route_healthz},
    {.method = "GET", .pattern = "/readyz", .perm = GW_PERM_PUBLIC, .handler = gw_route_readyz},
    {.method = "GET",
     .pattern = "/api/v1/openapi.yaml",
     .perm = GW_PERM_PUBLIC,
     .handler = gw_route_openapi},
    {.method = "POST",
     .pattern = "/api/v1/auth/login",
     .perm = GW_PERM_PUBLIC,
     .handler = gw_route_login},
    {.method = "POST",
     .pattern = "/api/v1/auth/logout",
     .perm = GW_PERM_AUTHENTICATED,
     .handler = gw_route_logout},
    {.method = "GET",
     .pattern = "/api/v1/auth/me",
     .perm = GW_PERM_AUTHENTICATED,
     .handler = gw_route_me},
    {.method = "POST",
     .pattern = "/api/v1/auth/password",
     .perm = GW_PERM_AUTHENTICATED,
     .handler = gw_route_change_password},
    {.method = "POST",
     .pattern = "/api/v1/public/reports",
     .perm = GW_PERM_PUBLIC,
     .handler = gw_route_submit_report},
    {.method = "POST",
     .pattern = "/api/v1/public/reports/status",
     .perm = GW_PERM_PUBLIC,
     .handler = gw_route_report_status},
    {.method = "GET",
     .pattern = "/api/v1/clues",
     .perm = GW_PERM_CLUE_READ,
     .handler = gw_route_list_clues},
    {.method = "GET",
     .pattern = "/api/v1/clues/{id}",
     .perm = GW_PERM_CLUE_READ,
     .handler = gw_route_get_clue},
    {.method = "GET",
     .pattern = "/api/v1/audit",
     .perm = GW_PERM_AUDIT_READ,
     .handler = gw_route_list_audit},
    {.method = "GET",
     .pattern = "/api/v1/audit/verify",
     .perm = GW_PERM_AUDIT_READ,
     .handler = gw_route_verify_audit},
};

const size_t gw_nroutes = sizeof(gw_routes) / sizeof(gw_routes[0]);
