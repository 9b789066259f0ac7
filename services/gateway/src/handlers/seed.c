/* `cg-gateway --seed-demo`: the demo org tree and its accounts, for a fresh
 * system: every role at headquarters and in each of the two provincial
 * companies (scripts/run.sh prints the list; keep the two in step).
 * It runs without NATS and changes nothing once any account
 * exists, so running it twice (or from two shells at once) is harmless. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cg/config.h"
#include "cg/log.h"
#include "gateway.h"

typedef struct demo_unit {
    const char *code;
    const char *name;
    const char *name_zh;
    const char *path;
} demo_unit;

static const demo_unit demo_units[] = {
    {"hq", "Headquarters", "总部", "hq"},
    {"east", "East Province Electric Power Co.", "华东省电力公司", "hq.east"},
    {"west", "West Province Electric Power Co.", "西部省电力公司", "hq.west"},
    {"city_a", "City A Power Supply Co.", "A市供电公司", "hq.east.city_a"},
    {"city_b", "City B Power Supply Co.", "B市供电公司", "hq.east.city_b"},
    {"city_c", "City C Power Supply Co.", "C市供电公司", "hq.west.city_c"},
};

typedef struct demo_account {
    const char *username;
    const char *display_name;
    const char *role;
    const char *org_unit;
} demo_account;

static const demo_account demo_accounts[] = {
    {"admin", "系统管理员 Administrator", "admin", "hq"},
    {"inspector", "纪检监察员 Inspector", "inspector", "hq"},
    {"lead", "纪检组长 Inspection Lead", "inspection_lead", "hq"},
    {"inspector.east", "华东纪检监察员 East Inspector", "inspector", "east"},
    {"intake", "信访受理员 Intake Officer", "intake_officer", "hq"},
    {"custodian", "档案管理员 Custodian", "custodian", "hq"},
    {"unitlead.east", "华东单位负责人 East Unit Leader", "unit_leader", "east"},
    {"cadre.east", "华东干部 East Cadre", "cadre", "east"},
    {"auditor", "审计员 Auditor", "auditor", "hq"},
    /* Every role in each of the two provincial companies (inspector.east,
     * unitlead.east and cadre.east are above). */
    {"admin.east", "华东系统管理员 East Administrator", "admin", "east"},
    {"lead.east", "华东纪检组长 East Inspection Lead", "inspection_lead", "east"},
    {"intake.east", "华东信访受理员 East Intake Officer", "intake_officer", "east"},
    {"custodian.east", "华东档案管理员 East Custodian", "custodian", "east"},
    {"auditor.east", "华东审计员 East Auditor", "auditor", "east"},
    {"admin.west", "西部系统管理员 West Administrator", "admin", "west"},
    {"inspector.west", "西部纪检监察员 West Inspector", "inspector", "west"},
    {"lead.west", "西部纪检组长 West Inspection Lead", "inspection_lead", "west"},
    {"intake.west", "西部信访受理员 West Intake Officer", "intake_officer", "west"},
    {"custodian.west", "西部档案管理员 West Custodian", "custodian", "west"},
    {"unitlead.west", "西部单位负责人 West Unit Leader", "unit_leader", "west"},
    {"cadre.west", "西部干部 West Cadre", "cadre", "west"},
    {"auditor.west", "西部审计员 West Auditor", "auditor", "west"},
    /* The organization and HR department (组织人事) of each province. */
    {"hr.east", "华东组织人事 East HR", "hr", "east"},
    {"hr.west", "西部组织人事 West HR", "hr", "west"},
};

#define NUNITS (sizeof(demo_units) / sizeof(demo_units[0]))
#define NACCOUNTS (sizeof(demo_accounts) / sizeof(demo_accounts[0]))

/* Insert the demo data in one transaction unless accounts exist. *seeded
 * says whether anything was written. */
static cg_code seed(cg_db *db, const char *password, bool *seeded, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    char hash[crypto_pwhash_STRBYTES];

    *seeded = false;
    rc = cg_db_take(db, 10000, true, &conn, err);
    if (rc != CG_OK)
        goto cleanup;
    /* Two seeds started together queue here; the second then finds the
     * accounts the first wrote and leaves them alone. */
    rc = cg_db_exec(conn, "SELECT pg_advisory_xact_lock(hashtext('cg_gateway_seed_demo'))", 0, NULL,
                    NULL, err);
    if (rc != CG_OK)
        goto cleanup;
    rc = cg_db_exec(conn, "SELECT count(*) FROM accounts", 0, NULL, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    long long existing = cg_db_get_ll(res, 0, 0);
    PQclear(res);
    res = NULL;
    if (existing > 0) {
        cg_log_info("accounts exist already; demo data not loaded");
        rc = cg_db_commit(conn, err);
        goto cleanup;
    }

    for (size_t i = 0; i < NUNITS; i++) {
        const demo_unit *u = &demo_units[i];
        const char *params[] = {u->code, u->name, u->name_zh, u->path};
        rc = cg_db_exec(conn,
                        "INSERT INTO org_units (code, name, name_zh, path)"
                        " VALUES ($1, $2, $3, $4::ltree) ON CONFLICT DO NOTHING",
                        4, params, NULL, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < NACCOUNTS; i++) {
        const demo_account *a = &demo_accounts[i];
        /* One hash per account: each gets its own salt. */
        rc = gw_auth_hash_password(password, hash, sizeof(hash), err);
        if (rc != CG_OK)
            goto cleanup;
        const char *params[] = {a->username, a->display_name, hash, a->role, a->org_unit};
        rc = cg_db_exec(
            conn,
            "INSERT INTO accounts (username, display_name, password_hash, roles,"
            " org_unit, person_id) VALUES ($1, $2, $3, ARRAY[$4], $5, upper('HR-' || $1))",
            5, params, NULL, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    rc = cg_db_commit(conn, err);
    if (rc != CG_OK)
        goto cleanup;
    *seeded = true;

cleanup:
    sodium_memzero(hash, sizeof(hash));
    PQclear(res);
    if (conn != NULL)
        cg_db_release(db, conn); /* rolls back a transaction left open */
    return rc;
}

int gw_seed_main(gw_app *app)
{
    char *password = NULL;
    cg_config_var vars[] = {
        {.name = "CG_DEMO_PASSWORD",
         .type = CG_CONFIG_STRING,
         .secret = true,
         .target = &password,
         .help = "password of every demo account (needed by --seed-demo only)"},
    };
    cg_db *db = NULL;
    cg_err err;
    bool seeded = false;
    int status = 1;

    cg_err_clear(&err);
    if (cg_config_load(vars, 1, &err) != CG_OK) {
        cg_log_error("configuration: %s", err.message);
        goto cleanup;
    }
    if (password[0] == '\0') {
        cg_log_error("configuration: CG_DEMO_PASSWORD: must not be empty");
        goto cleanup;
    }
    if (cg_service_base_migrate(&app->base, &err) != CG_OK ||
        cg_db_open(&db, app->base.db_url, 1, &err) != CG_OK ||
        seed(db, password, &seeded, &err) != CG_OK) {
        cg_log_error("seeding demo data failed: %s", err.message);
        goto cleanup;
    }
    if (seeded) {
        char units[16];
        char accounts[16];
        snprintf(units, sizeof(units), "%zu", NUNITS);
        snprintf(accounts, sizeof(accounts), "%zu", NACCOUNTS);
        cg_log_fields(CG_LOG_INFO, "demo data loaded", "org_units", units, "accounts", accounts,
                      NULL);
    }
    status = 0;

cleanup:
    if (db != NULL)
        cg_db_close(db);
    return status;
}
