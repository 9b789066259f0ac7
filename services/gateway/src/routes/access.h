/* Who may call what: the permissions, the role table that grants them, the
 * shape of the route table, and the pure functions over both (checking a
 * route table, finding the route of a request, writing docs/access.md).
 *
 * The route table itself is in routes.c, where the handlers are; everything
 * here is a function of its arguments, so the unit tests run it on tables of
 * their own. */
#ifndef GW_ACCESS_H
#define GW_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cg/status.h"
#include "gw_pure.h"

/* What a route needs from its caller. PUBLIC and AUTHENTICATED are not
 * granted by roles: the first needs no login at all, the second any valid
 * session. Every other permission is held by the roles that gw_roles[]
 * grants it to.
 *
 * GW_PERM_UNSET is 0 on purpose: a route whose initializer forgot .perm gets
 * it, and gw_route_table_check() refuses it, so the gateway does not start
 * with a route nobody decided about. Add a permission before GW_PERM_COUNT,
 * with its name and meaning in access.c and its grants in gw_roles[]. */
typedef enum gw_perm {
    GW_PERM_UNSET = 0,
    GW_PERM_PUBLIC,
    GW_PERM_AUTHENTICATED,
    GW_PERM_CLUE_READ,
    GW_PERM_AUDIT_READ,
    GW_PERM_UNITS_ADMIN,
    GW_PERM_ACCOUNTS_ADMIN,
    /* Clues and their dossier. */
    GW_PERM_CLUE_WRITE,
    GW_PERM_CLUE_DISPOSE,
    GW_PERM_CLUE_APPROVE,
    GW_PERM_DOSSIER_READ,
    /* Documents of clues. */
    GW_PERM_DOCUMENT_ADD,
    /* A case's stages after filing. */
    GW_PERM_CASE_ACT,
    /* A lead's decisions on a case (investigators, items, extension). */
    GW_PERM_CASE_DECIDE,
    /* The people lookup of the web console's forms. */
    GW_PERM_PEOPLE_READ,
    /* Rectification (整改). */
    GW_PERM_RECTIFY_READ,
    GW_PERM_RECTIFY_MANAGE,
    GW_PERM_RECTIFY_ACT,
    GW_PERM_RECTIFY_VERIFY,
    GW_PERM_RECTIFY_CLOSE,
    GW_PERM_RECTIFY_TASKS,
    GW_PERM_RECTIFY_SETTINGS,
    /* The responsibility lists (责任清单) and their assessment (纪实考核). */
    GW_PERM_DUTY_READ,
    GW_PERM_DUTY_MANAGE,
    GW_PERM_DUTY_RECORD,
    /* Integrity files (廉政档案). */
    GW_PERM_INTEGRITY_READ,
    GW_PERM_INTEGRITY_MANAGE,
    GW_PERM_INTEGRITY_SETTINGS,
    GW_PERM_INTEGRITY_OWN,
    /* The integrity opinion for a promotion (廉洁意见回复). */
    GW_PERM_OPINION_REQUEST,
    GW_PERM_OPINION_SIGN,
    /* Risk scoring and early warning (廉洁风险预警). */
    GW_PERM_RISK_READ,
    GW_PERM_RISK_ACT,
    GW_PERM_RISK_SETTINGS,
    GW_PERM_COUNT
} gw_perm;

/* A role's grants are a bit set over gw_perm. */
#define GW_GRANT(perm) (UINT64_C(1) << (perm))
_Static_assert(GW_PERM_COUNT <= 64, "gw_role.grants holds one bit per permission");

/* The permission's name as docs/access.md and the logs show it
 * ("clue.read"); "unset" or "unknown" for values that are not one. Static
 * storage. */
const char *gw_perm_name(gw_perm perm);
/* One line saying what the permission lets its holder do. Static storage. */
const char *gw_perm_meaning(gw_perm perm);

/* One role of the brief. Strings are static. */
typedef struct gw_role {
    const char *name;   /* as stored in accounts.roles */
    const char *duties; /* one line for docs/access.md */
    uint64_t grants;    /* GW_GRANT() of each permission it holds */
} gw_role;

/* The nine roles, in the order docs/access.md shows them. */
extern const gw_role gw_roles[];
extern const size_t gw_nroles;

/* True if an account with role (may be NULL) may call a route that needs
 * perm. An unknown role may call only PUBLIC routes: a role the table does
 * not know is refused, never given a default. */
bool gw_role_allows(const char *role, gw_perm perm);

/* True if any of the principal's roles allows perm: the permissions of an
 * account with several roles are the union of theirs. */
bool gw_principal_allows(const gw_principal *who, gw_perm perm);

/* Set who->roles, nroles and role_list from a comma-separated list
 * ("inspector,inspection_lead"), as the database query spells it. False
 * when the list is empty, has an empty name, or holds more roles or longer
 * names than a principal has room for; such an account must not be used. */
bool gw_principal_set_roles(gw_principal *who, const char *list);

/* The segment of a path pattern that matches any one non-empty path segment
 * and hands it to the handler as gw_request.route_id. */
#define GW_ROUTE_PARAM "{id}"
/* The longest {id} segment, in bytes; a longer one matches no route (404),
 * as no record has an id that long. */
#define GW_ROUTE_ID_MAX 128

struct gw_request;
struct gw_rpc_route;
/* Answers the request exactly once (gateway.h). */
typedef void (*gw_handler_fn)(struct gw_request *req);

/* One row of the route table. Strings are static. */
typedef struct gw_route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/clues/{id}": literal segments and at most one {id} */
    gw_perm perm;        /* what the caller needs; checked before handler runs */
    /* Answers the request; NULL on a route that forwards to a service
     * (rpc below), whose handler is gw_route_rpc(). */
    gw_handler_fn handler;
    /* A route that forwards to a service: what it calls and how the request
     * and the reply map (forward.h). NULL on a hand-written route. */
    const struct gw_rpc_route *rpc;
    /* The route creates something: a repeat with the same Idempotency-Key
     * and body gets the first answer (idempotency.c). Other routes pass the
     * key on and do not act on it. */
    bool idempotent;
} gw_route;

/* Check a route table: every route has a method, a well-formed pattern,
 * either a handler or an rpc (not both), and a permission (not UNSET), every permission a role
 * needs is held by at least one role, and no two routes share method and pattern. On failure err
 * says, in one line, which route and what is wrong (INVALID_ARGUMENT). */
cg_code gw_route_table_check(const gw_route *routes, size_t n, cg_err *err);

/* True if path matches pattern; then id (id_size bytes, at least
 * GW_ROUTE_ID_MAX + 1) holds the {id} segment, or "" when the pattern has
 * none. */
bool gw_route_match(const char *pattern, const char *path, char *id, size_t id_size);

/* The route for method and path in a checked table, or NULL. When two
 * patterns match the path, the one whose {id} stands later wins, and one
 * without {id} wins over both: a literal segment beats a parameter. id is
 * filled as by gw_route_match(). When no route has the method but some
 * match the path, allow (allow_size bytes) lists their methods for the
 * Allow header ("GET, POST"); otherwise it is "". */
const gw_route *gw_route_find(const gw_route *routes, size_t n, const char *method,
                              const char *path, char *id, size_t id_size, char *allow,
                              size_t allow_size);

/* Write docs/access.md for the table to out: the roles, the permissions and
 * the role x route matrix. Returns false when writing failed. */
bool gw_access_doc_write(FILE *out, const gw_route *routes, size_t n);

#endif
