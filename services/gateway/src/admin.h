/* The administration API (admin.c): org units and accounts. Each handler
 * runs after the dispatcher checked units.admin or accounts.admin. */
#ifndef GW_ADMIN_H
#define GW_ADMIN_H

struct gw_request;

/* GET /api/v1/org-units, POST /api/v1/org-units,
 * PATCH /api/v1/org-units/{id} (rename), POST /api/v1/org-units/{id}/move,
 * POST /api/v1/org-units/{id}/retire. {id} is the unit's code. */
void gw_route_list_units(struct gw_request *req);
void gw_route_create_unit(struct gw_request *req);
void gw_route_rename_unit(struct gw_request *req);
void gw_route_move_unit(struct gw_request *req);
void gw_route_retire_unit(struct gw_request *req);

/* GET /api/v1/accounts, POST /api/v1/accounts, PATCH /api/v1/accounts/{id}
 * (role, display name, unit), POST /api/v1/accounts/{id}/lock, .../unlock,
 * .../disable, .../password (reset). {id} is the account's UUID. */
void gw_route_list_accounts(struct gw_request *req);
void gw_route_create_account(struct gw_request *req);
void gw_route_update_account(struct gw_request *req);
void gw_route_lock_account(struct gw_request *req);
void gw_route_unlock_account(struct gw_request *req);
void gw_route_disable_account(struct gw_request *req);
void gw_route_reset_password(struct gw_request *req);

#endif
