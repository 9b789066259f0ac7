/* Permissions, the role table, and the pure functions over route tables:
 * the start-time check, request matching and docs/access.md. */
#include "access.h"

#include <limits.h>
#include <string.h>

#include "cg/util.h"

typedef struct perm_info {
    const char *name;
    const char *meaning;
} perm_info;

static const perm_info perms[GW_PERM_COUNT] = {
    [GW_PERM_UNSET] = {.name = "unset",
                       .meaning = "nothing: a route without a permission is refused"},
    [GW_PERM_PUBLIC] = {.name = "public", .meaning = "anyone, without a login"},
    [GW_PERM_AUTHENTICATED] = {.name = "authenticated",
                               .meaning = "any account with a valid session, whatever its role"},
    [GW_PERM_CLUE_READ] = {.name = "clue.read",
                           .meaning = "list and read problem clues (问题线索) and the cases "
                                      "filed from them inside the caller's scope"},
    [GW_PERM_AUDIT_READ] = {.name = "audit.read",
                            .meaning = "read the audit trail (审计) of actors inside the caller's "
                                       "scope and verify its hash chain"},
    [GW_PERM_UNITS_ADMIN] = {.name = "units.admin",
                             .meaning = "list, create, rename, move and retire org units inside "
                                        "the caller's scope"},
    [GW_PERM_ACCOUNTS_ADMIN] = {.name = "accounts.admin",
                                .meaning = "list and create accounts inside the caller's scope, "
                                           "change their role, name or unit, lock, unlock, "
                                           "disable them and reset their password"},
    /* Clues (问题线索) and their dossier (电子档案). */
    [GW_PERM_CLUE_WRITE] = {.name = "clue.write",
                            .meaning = "register problem clues from letters and visits, "
                                       "inspection tours, audit transfers and other sources"},
    [GW_PERM_CLUE_DISPOSE] = {.name = "clue.dispose",
                              .meaning = "propose a clue's disposal (线索处置) as its handler, "
                                         "link, merge and reopen clues, declare a recusal (回避)"},
    [GW_PERM_CLUE_APPROVE] = {.name = "clue.approve",
                              .meaning = "approve or reject another's disposal proposal, "
                                         "assign a clue's handler, file a case (立案), confirm "
                                         "or clear a name a clue holds back"},
    [GW_PERM_DOSSIER_READ] = {.name = "dossier.read",
                              .meaning = "read a clue's electronic dossier (电子档案) and verify "
                                         "its hash chain; every read is recorded"},
    /* Documents of clues. */
    [GW_PERM_DOCUMENT_ADD] = {.name = "document.add",
                              .meaning = "add documents to problem clues (问题线索) and cases "
                                         "(案件) inside the caller's scope"},
    /* A case's stages after filing (立案后). */
    [GW_PERM_CASE_ACT] = {.name = "case.act",
                          .meaning = "move a case (案件) through investigation, its report, "
                                     "review (审理), disposition and closure; the case service "
                                     "decides which role may take each step"},
    /* Investigators, disposition items, the extension. */
    [GW_PERM_CASE_DECIDE] = {.name = "case.decide",
                             .meaning = "name and remove a case's investigators (调查组), add and "
                                        "remove its disposition items in review (审理), approve "
                                        "or reject another's extension of its investigation"},
    /* The people lookup of the web console's forms. */
    [GW_PERM_PEOPLE_READ] = {.name = "people.read",
                             .meaning = "look up the active accounts of the caller's scope by "
                                        "role and name (id, name, roles, unit) to name a "
                                        "handler or reviewer"},
    /* Rectification (整改). */
    [GW_PERM_RECTIFY_READ] = {.name = "rectify.read",
                              .meaning = "read rectification batches (整改批次), their three lists "
                                         "and the ledger (整改台账) inside the caller's scope, "
                                         "a task's evidence and electronic file"},
    [GW_PERM_RECTIFY_MANAGE] = {.name = "rectify.manage",
                                .meaning = "register rectification batches and their problems, "
                                           "tasks and responsibilities"},
    [GW_PERM_RECTIFY_ACT] = {.name = "rectify.act",
                             .meaning = "plan a task of the caller's unit, add its evidence and "
                                        "request its closure (申请销号)"},
    [GW_PERM_RECTIFY_VERIFY] = {.name = "rectify.verify",
                                .meaning = "accept or reject a task's rectification (验收) as one "
                                           "of its parties, draw closed tasks for re-checks "
                                           "(回头看) and record what a re-check found; never of "
                                           "the responsible unit's own people nor the one who "
                                           "asked"},
    [GW_PERM_RECTIFY_TASKS] = {.name = "ledger.read",
                               .meaning =
                                   "read the ledger (整改台账) and a task inside the caller's "
                                   "scope; a cadre only the tasks naming it responsible"},
    [GW_PERM_RECTIFY_SETTINGS] = {.name = "rectify.settings",
                                  .meaning = "change rectification's rules: each source's report "
                                             "period and the parties whose acceptance closes a "
                                             "task, and the problem categories always re-checked"},
    [GW_PERM_RECTIFY_CLOSE] = {.name = "rectify.close",
                               .meaning = "close off (销号) a task every party has accepted"},
    /* The responsibility lists (责任清单) and their assessment (纪实考核). */
    [GW_PERM_DUTY_READ] = {.name = "duty.read",
                           .meaning = "read the yearly responsibility lists (主体责任清单) inside "
                                      "the caller's scope, their records of work, scores and "
                                      "files, the assessment table (纪实考核) and its export"},
    [GW_PERM_DUTY_MANAGE] = {.name = "duty.manage",
                             .meaning = "set a unit's responsibility list for a year, confirm "
                                        "or refuse its recorded work and score its items; never "
                                        "for the caller's own unit"},
    /* Integrity files (廉政档案). */
    [GW_PERM_INTEGRITY_READ] = {.name = "integrity.read",
                                .meaning = "read the integrity files (廉政档案) of the cadres "
                                           "inside the caller's scope, their history and dossier; "
                                           "every read is audited"},
    [GW_PERM_INTEGRITY_MANAGE] = {.name = "integrity.manage",
                                  .meaning = "register cadres, their relatives and the records "
                                             "of their files' sections, open report rounds and "
                                             "verify reports (draws, reference records, "
                                             "verdicts), inside the caller's scope; never the "
                                             "caller's own file"},
    [GW_PERM_INTEGRITY_SETTINGS] = {.name = "integrity.settings",
                                    .meaning = "change the influence period (处分影响期) of each "
                                               "kind of sanction"},
    [GW_PERM_INTEGRITY_OWN] = {.name = "integrity.own",
                               .meaning = "read the caller's own integrity file, without the "
                                          "office's internal notes, and fill in and submit its "
                                          "own yearly personal matters report"},
    [GW_PERM_OPINION_REQUEST] = {.name = "opinion.request",
                                 .meaning = "ask for the integrity opinions (廉洁意见回复) on "
                                            "candidates and read the answers: HR reads the "
                                            "signed opinions only, the office the proposals and "
                                            "what they rest on"},
    [GW_PERM_OPINION_SIGN] = {.name = "opinion.sign",
                              .meaning = "edit and sign an integrity opinion (谁签字谁负责), "
                                         "never on the signer's own file"},
    [GW_PERM_RISK_READ] = {.name = "risk.read",
                           .meaning = "read the risk indicators, scores, alerts and the facts "
                                      "behind them (廉洁风险预警) inside the caller's scope; "
                                      "every read of an alert or an entity is audited"},
    [GW_PERM_RISK_ACT] = {.name = "risk.act",
                          .meaning = "acknowledge an alert, dismiss it with a reason, send the "
                                     "cadre an integrity risk reminder or turn it into a clue"},
    [GW_PERM_RISK_SETTINGS] = {.name = "risk.settings",
                               .meaning = "change an indicator's weight, window, parameters and "
                                          "whether it runs, with a reason; each change is kept"},
    [GW_PERM_DUTY_RECORD] = {.name = "duty.record",
                             .meaning = "record work against the lists of the caller's unit "
                                        "(纪实) and add its evidence"},
};

/* The roles of the brief. The auditor reads everything in its scope, so it
 * reads clues; the admin runs accounts, units and configuration and sees no
 * case content, so it does not. The case service applies the same rule
 * itself (services/case/src/access.c). */
const gw_role gw_roles[] = {
    {.name = "admin",
     .duties = "accounts, org units and configuration; no case content",
     .grants = GW_GRANT(GW_PERM_UNITS_ADMIN) | GW_GRANT(GW_PERM_ACCOUNTS_ADMIN) |
               GW_GRANT(GW_PERM_PEOPLE_READ) | GW_GRANT(GW_PERM_RISK_SETTINGS)},
    {.name = "inspector",
     .duties = "problem clues and cases inside its unit's subtree",
     .grants = GW_GRANT(GW_PERM_CLUE_READ) | GW_GRANT(GW_PERM_CLUE_WRITE) |
               GW_GRANT(GW_PERM_CLUE_DISPOSE) | GW_GRANT(GW_PERM_DOSSIER_READ) |
               GW_GRANT(GW_PERM_DOCUMENT_ADD) | GW_GRANT(GW_PERM_CASE_ACT) |
               GW_GRANT(GW_PERM_PEOPLE_READ) | GW_GRANT(GW_PERM_RECTIFY_READ) |
               GW_GRANT(GW_PERM_RECTIFY_TASKS) | GW_GRANT(GW_PERM_RECTIFY_MANAGE) |
               GW_GRANT(GW_PERM_RECTIFY_VERIFY) | GW_GRANT(GW_PERM_DUTY_READ) |
               GW_GRANT(GW_PERM_DUTY_MANAGE) | GW_GRANT(GW_PERM_INTEGRITY_READ) |
               GW_GRANT(GW_PERM_INTEGRITY_MANAGE) | GW_GRANT(GW_PERM_OPINION_REQUEST) |
               GW_GRANT(GW_PERM_RISK_READ) | GW_GRANT(GW_PERM_RISK_ACT)},
    {.name = "inspection_lead",
     .duties = "what an inspector does, and approves",
     .grants = GW_GRANT(GW_PERM_CLUE_READ) | GW_GRANT(GW_PERM_CLUE_WRITE) |
               GW_GRANT(GW_PERM_CLUE_DISPOSE) | GW_GRANT(GW_PERM_CLUE_APPROVE) |
               GW_GRANT(GW_PERM_DOSSIER_READ) | GW_GRANT(GW_PERM_DOCUMENT_ADD) |
               GW_GRANT(GW_PERM_CASE_ACT) | GW_GRANT(GW_PERM_CASE_DECIDE) |
               GW_GRANT(GW_PERM_PEOPLE_READ) | GW_GRANT(GW_PERM_RECTIFY_READ) |
               GW_GRANT(GW_PERM_RECTIFY_TASKS) | GW_GRANT(GW_PERM_RECTIFY_MANAGE) |
               GW_GRANT(GW_PERM_RECTIFY_VERIFY) | GW_GRANT(GW_PERM_RECTIFY_CLOSE) |
               GW_GRANT(GW_PERM_RECTIFY_SETTINGS) | GW_GRANT(GW_PERM_DUTY_READ) |
               GW_GRANT(GW_PERM_DUTY_MANAGE) | GW_GRANT(GW_PERM_INTEGRITY_READ) |
               GW_GRANT(GW_PERM_INTEGRITY_MANAGE) | GW_GRANT(GW_PERM_INTEGRITY_SETTINGS) |
               GW_GRANT(GW_PERM_OPINION_REQUEST) | GW_GRANT(GW_PERM_OPINION_SIGN) |
               GW_GRANT(GW_PERM_RISK_READ) | GW_GRANT(GW_PERM_RISK_ACT)},
    {.name = "intake_officer",
     .duties = "triages public reports and registers clues from letters and visits",
     .grants = GW_GRANT(GW_PERM_CLUE_WRITE)},
    {.name = "custodian", .duties = "grants access to a reporter's identity", .grants = 0},
    {.name = "unit_leader",
     .duties = "rectification (整改) and the responsibility lists of its own unit",
     .grants = GW_GRANT(GW_PERM_RECTIFY_READ) | GW_GRANT(GW_PERM_RECTIFY_TASKS) |
               GW_GRANT(GW_PERM_RECTIFY_ACT) | GW_GRANT(GW_PERM_DUTY_READ) |
               GW_GRANT(GW_PERM_DUTY_RECORD)},
    {.name = "cadre",
     .duties = "its own integrity file (廉政档案); the rectification tasks naming it responsible",
     .grants = GW_GRANT(GW_PERM_RECTIFY_TASKS) | GW_GRANT(GW_PERM_INTEGRITY_OWN)},
    {.name = "auditor",
     .duties = "reads everything inside its scope and the audit trail; changes nothing",
     .grants = GW_GRANT(GW_PERM_CLUE_READ) | GW_GRANT(GW_PERM_AUDIT_READ) |
               GW_GRANT(GW_PERM_DOSSIER_READ) | GW_GRANT(GW_PERM_RECTIFY_READ) |
               GW_GRANT(GW_PERM_RECTIFY_TASKS) | GW_GRANT(GW_PERM_RECTIFY_TASKS) |
               GW_GRANT(GW_PERM_DUTY_READ) | GW_GRANT(GW_PERM_RISK_READ)},
    {.name = "hr",
     .duties = "the organization and HR department (组织人事): asks for the integrity opinions "
               "on promotion candidates and reads the signed answers; never a file",
     .grants = GW_GRANT(GW_PERM_OPINION_REQUEST)},
};

const size_t gw_nroles = sizeof(gw_roles) / sizeof(gw_roles[0]);

const char *gw_perm_name(gw_perm perm)
{
    if ((int)perm < 0 || perm >= GW_PERM_COUNT || perms[perm].name == NULL)
        return "unknown";
    return perms[perm].name;
}

const char *gw_perm_meaning(gw_perm perm)
{
    if ((int)perm < 0 || perm >= GW_PERM_COUNT || perms[perm].meaning == NULL)
        return "unknown";
    return perms[perm].meaning;
}

static const gw_role *find_role(const char *name)
{
    for (size_t i = 0; name != NULL && i < gw_nroles; i++)
        if (strcmp(gw_roles[i].name, name) == 0)
            return &gw_roles[i];
    return NULL;
}

bool gw_role_allows(const char *role, gw_perm perm)
{
    if (perm == GW_PERM_PUBLIC)
        return true;
    const gw_role *r = find_role(role);
    if (r == NULL || perm <= GW_PERM_PUBLIC || perm >= GW_PERM_COUNT)
        return false;
    return perm == GW_PERM_AUTHENTICATED || (r->grants & GW_GRANT(perm)) != 0;
}

bool gw_principal_allows(const gw_principal *who, gw_perm perm)
{
    for (int i = 0; i < who->nroles; i++)
        if (gw_role_allows(who->roles[i], perm))
            return true;
    return perm == GW_PERM_PUBLIC;
}

bool gw_principal_set_roles(gw_principal *who, const char *list)
{
    int n = 0;
    const char *p = list;
    if (!cg_strlcpy(who->role_list, list, sizeof(who->role_list)))
        goto refused;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= GW_ROLE_NAME_MAX || n == GW_MAX_ROLES)
            goto refused;
        memcpy(who->roles[n], p, len);
        who->roles[n][len] = '\0';
        n++;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    who->nroles = n;
    return true;

refused:
    /* No half-filled principal: it holds no role at all. */
    who->nroles = 0;
    who->role_list[0] = '\0';
    return false;
}

/* True if some role holds perm (PUBLIC and AUTHENTICATED: every role). */
static bool perm_held(gw_perm perm)
{
    for (size_t i = 0; i < gw_nroles; i++)
        if (gw_role_allows(gw_roles[i].name, perm))
            return true;
    return false;
}

/* --- patterns ------------------------------------------------------------ */

#define PARAM_LEN (sizeof(GW_ROUTE_PARAM) - 1)

static bool is_param(const char *seg, size_t n)
{
    return n == PARAM_LEN && memcmp(seg, GW_ROUTE_PARAM, PARAM_LEN) == 0;
}

/* Unreserved URL characters (RFC 3986), the only ones a literal segment of
 * a pattern may use, so a pattern never needs escaping in a URL or a doc. */
static bool is_literal_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* True if pattern is one or more "/segment", each segment non-empty and
 * either literal or {id}, with at most one {id}. */
static bool pattern_valid(const char *pattern)
{
    int params = 0;
    const char *p = pattern;
    if (p == NULL || *p != '/')
        return false;
    while (*p == '/') {
        p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            return false;
        if (is_param(p, n)) {
            params++;
        } else {
            for (size_t i = 0; i < n; i++)
                if (!is_literal_char(p[i]))
                    return false;
        }
        p += n;
    }
    return *p == '\0' && params <= 1;
}

static bool method_valid(const char *method)
{
    size_t n = method ? strlen(method) : 0;
    if (n == 0 || n > 16)
        return false;
    for (size_t i = 0; i < n; i++)
        if (method[i] < 'A' || method[i] > 'Z')
            return false;
    return true;
}

/* Which segment of pattern is {id}, or INT_MAX when none: the higher, the
 * more of the path a match pinned down literally. */
static int param_rank(const char *pattern)
{
    int seg = 0;
    for (const char *p = pattern; *p == '/'; seg++) {
        p++;
        size_t n = strcspn(p, "/");
        if (is_param(p, n))
            return seg;
        p += n;
    }
    return INT_MAX;
}

bool gw_route_match(const char *pattern, const char *path, char *id, size_t id_size)
{
    const char *p = pattern;
    const char *s = path;
    id[0] = '\0';
    while (*p == '/' && *s == '/') {
        p++;
        s++;
        size_t pn = strcspn(p, "/");
        size_t sn = strcspn(s, "/");
        if (is_param(p, pn)) {
            if (sn == 0 || sn > GW_ROUTE_ID_MAX || sn >= id_size)
                return false;
            memcpy(id, s, sn);
            id[sn] = '\0';
        } else if (pn != sn || memcmp(p, s, pn) != 0) {
            return false;
        }
        p += pn;
        s += sn;
    }
    return *p == '\0' && *s == '\0';
}

/* Append method to the comma-separated list in allow unless it is there. */
static void allow_add(char *allow, size_t size, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = allow; *p != '\0';) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, method, len) == 0)
            return;
        p += n;
        p += strspn(p, ", ");
    }
    size_t used = strlen(allow);
    snprintf(allow + used, size - used, "%s%s", used ? ", " : "", method);
}

const gw_route *gw_route_find(const gw_route *routes, size_t n, const char *method,
                              const char *path, char *id, size_t id_size, char *allow,
                              size_t allow_size)
{
    const gw_route *best = NULL;
    int best_rank = -1;
    char found[GW_ROUTE_ID_MAX + 1];

    id[0] = '\0';
    allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const gw_route *r = &routes[i];
        if (!gw_route_match(r->pattern, path, found, sizeof(found)))
            continue;
        if (strcmp(r->method, method) != 0) {
            allow_add(allow, allow_size, r->method);
            continue;
        }
        int rank = param_rank(r->pattern);
        if (rank > best_rank) {
            best = r;
            best_rank = rank;
            cg_strlcpy(id, found, id_size);
        }
    }
    if (best != NULL)
        allow[0] = '\0';
    return best;
}

cg_code gw_route_table_check(const gw_route *routes, size_t n, cg_err *err)
{
    if (routes == NULL || n == 0)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the route table is empty");
    for (size_t i = 0; i < n; i++) {
        const gw_route *r = &routes[i];
        const char *m = r->method ? r->method : "(no method)";
        const char *p = r->pattern ? r->pattern : "(no pattern)";
        if (!method_valid(r->method))
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "route %zu (%s %s): the method must be 1 to 16 capital letters", i, m,
                              p);
        if (!pattern_valid(r->pattern))
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "route %zu (%s %s): the pattern must be one or more /segments, each "
                              "of [A-Za-z0-9._~-] or " GW_ROUTE_PARAM
                              ", with at most one " GW_ROUTE_PARAM,
                              i, m, p);
        if (r->handler == NULL && r->rpc == NULL)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "route %zu (%s %s): no handler and no rpc",
                              i, m, p);
        if (r->handler != NULL && r->rpc != NULL)
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "route %zu (%s %s): both a handler and an rpc", i, m, p);
        if (r->perm == GW_PERM_UNSET)
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "route %zu (%s %s): no permission declared; every route needs one", i,
                              m, p);
        if ((int)r->perm < 0 || r->perm >= GW_PERM_COUNT)
            return cg_err_set(err, CG_INVALID_ARGUMENT, "route %zu (%s %s): unknown permission %d",
                              i, m, p, (int)r->perm);
        if (!perm_held(r->perm))
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "route %zu (%s %s): no role holds the permission %s", i, m, p,
                              gw_perm_name(r->perm));
        for (size_t j = 0; j < i; j++)
            if (strcmp(routes[j].method, r->method) == 0 &&
                strcmp(routes[j].pattern, r->pattern) == 0)
                return cg_err_set(err, CG_INVALID_ARGUMENT,
                                  "route %zu (%s %s): declared twice (also route %zu)", i, m, p, j);
    }
    return CG_OK;
}

/* --- docs/access.md ---------------------------------------------------------- */

static const char doc_head[] =
    "# Access: who may call what\n"
    "\n"
    "<!-- Generated by `cg-gateway --access-matrix` from the route table\n"
    "(services/gateway/src/routes/routes.c) and the role table "
    "(services/gateway/src/routes/access.c).\n"
    "Do not edit by hand: change the tables, then run\n"
    "`cg-gateway --access-matrix > docs/access.md`. The unit test\n"
    "gateway_unit_access_doc fails while this file and the tables differ. -->\n"
    "\n"
    "Every route of the HTTP API names the one permission it needs, in one table\n"
    "in the gateway's code. The gateway refuses to start when a route names none,\n"
    "names one that no role holds, or shares its method and path with another.\n"
    "Before a handler runs, the gateway answers `401` to a call without a valid\n"
    "bearer token on a route that needs a login, and `403` to an account whose\n"
    "role lacks the permission.\n"
    "\n"
    "A permission decides which routes a role may call, not which records it\n"
    "sees: each service also keeps to the caller's org unit and its subtree\n"
    "(data scope), and a record outside it answers `404`, as if it did not\n"
    "exist (docs/api.md).\n"
    "\n"
    "## What holds whatever the role\n"
    "\n"
    "- **Roles are given by someone else.** No account changes its own roles\n"
    "  (`403`), so an administrator cannot make itself an inspector. Every\n"
    "  account created and every change of an account's roles or unit is in the\n"
    "  audit trail (`account.created`, `account.changed`) with the roles and unit\n"
    "  before and after.\n"
    "- **Sign-in is locked by account and address together.** Five wrong\n"
    "  passwords in a row for one account from one client address lock that\n"
    "  address out of that account for 15 minutes; its owner, from elsewhere,\n"
    "  signs in as usual. Fifty in a row from anywhere lock the account itself\n"
    "  (`CG_LOGIN_MAX_FAILURES`, `CG_LOGIN_MAX_FAILURES_ACCOUNT`,\n"
    "  `CG_LOGIN_LOCKOUT_S`). Every refusal is the same `401`.\n"
    "- **Sensitive reads are audited, lists included.** A read of one record and\n"
    "  every list, search, statistics or people lookup leave one audit row\n"
    "  naming the filter and the ids returned (docs/api.md, \"Audit trail\").\n"
    "- **One client holds little.** Per client address: rate limits, at most 16\n"
    "  connections at once (`429` beyond), and deadlines for a request's head\n"
    "  (10 s), body (30 s) and upload (300 s), `408` past them\n"
    "  (docs/operations.md, \"Slow clients\").\n"
    "- **Services own nothing they run on.** Each service reaches its database\n"
    "  as a role that reads and writes rows only, so the append-only audit and\n"
    "  dossier triggers hold against the service itself (docs/operations.md,\n"
    "  \"Database roles\").\n"
    "- **A named reporter's identity is sealed.** No route reads it, and the\n"
    "  database holds it only sealed to the identity custodian's key\n"
    "  (docs/operations.md, \"Reporter identities\").\n";

/* "`a`, `b`" for the roles that hold perm. */
static void write_holders(FILE *out, gw_perm perm)
{
    if (perm == GW_PERM_PUBLIC || perm == GW_PERM_AUTHENTICATED) {
        fputs(perm == GW_PERM_PUBLIC ? "everyone, logged in or not" : "every role", out);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < gw_nroles; i++) {
        if (!gw_role_allows(gw_roles[i].name, perm))
            continue;
        fprintf(out, "%s`%s`", first ? "" : ", ", gw_roles[i].name);
        first = false;
    }
    if (first)
        fputs("none", out);
}

bool gw_access_doc_write(FILE *out, const gw_route *routes, size_t n)
{
    fputs(doc_head, out);

    fputs("\n## Roles\n\n"
          "Every account may also call the `public` and `authenticated` routes.\n\n"
          "| role | duties | permissions |\n| --- | --- | --- |\n",
          out);
    for (size_t i = 0; i < gw_nroles; i++) {
        fprintf(out, "| `%s` | %s | ", gw_roles[i].name, gw_roles[i].duties);
        bool any = false;
        for (int p = GW_PERM_AUTHENTICATED + 1; p < GW_PERM_COUNT; p++) {
            if ((gw_roles[i].grants & GW_GRANT(p)) == 0)
                continue;
            fprintf(out, "%s`%s`", any ? ", " : "", gw_perm_name((gw_perm)p));
            any = true;
        }
        fputs(any ? " |\n" : "none |\n", out);
    }

    fputs("\n## Permissions\n\n| permission | allows | held by |\n| --- | --- | --- |\n", out);
    for (int p = GW_PERM_PUBLIC; p < GW_PERM_COUNT; p++) {
        fprintf(out, "| `%s` | %s | ", gw_perm_name((gw_perm)p), gw_perm_meaning((gw_perm)p));
        write_holders(out, (gw_perm)p);
        fputs(" |\n", out);
    }

    fputs("\n## Routes\n\n"
          "`yes`: the role may call the route; `no`: the gateway answers `403`. A\n"
          "`public` route needs no login at all.\n\n"
          "| method | path | permission |",
          out);
    for (size_t i = 0; i < gw_nroles; i++)
        fprintf(out, " %s |", gw_roles[i].name);
    fputs("\n| --- | --- | --- |", out);
    for (size_t i = 0; i < gw_nroles; i++)
        fputs(" --- |", out);
    fputc('\n', out);
    for (size_t r = 0; r < n; r++) {
        fprintf(out, "| %s | `%s` | `%s` |", routes[r].method, routes[r].pattern,
                gw_perm_name(routes[r].perm));
        for (size_t i = 0; i < gw_nroles; i++)
            fprintf(out, " %s |", gw_role_allows(gw_roles[i].name, routes[r].perm) ? "yes" : "no");
        fputc('\n', out);
    }
    return ferror(out) == 0 && fflush(out) == 0;
}
