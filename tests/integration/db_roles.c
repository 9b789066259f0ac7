/* Each service reaches its database as a role of its own that owns
 * nothing (scripts/stack.sh, pg_provision): it reads and writes rows, and
 * the append-only triggers of the audit trail and the dossiers hold
 * against it, since it can neither disable a trigger, nor truncate, nor
 * turn off triggers for its session, nor reach another service's
 * database. Every object belongs to the service's owner role, which runs
 * the migrations; and no role gets in without its password. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run sql as user on db through the stack's socket, with the password of
 * secret (a file under $CG_STATE/secrets, NULL for none). The exit status
 * of psql (0: it worked); its first error line into why. */
static int run_as(const char *user, const char *secret, const char *db, const char *sql, char *why,
                  size_t size)
{
    const char *state = getenv("CG_STATE");
    char password[256] = "";
    char cmd[4096];
    if (secret != NULL) {
        char path[1024];
        snprintf(path, sizeof path, "%s/secrets/%s", state, secret);
        FILE *f = fopen(path, "r");
        CGT_CHECK(f != NULL && fgets(password, sizeof password, f) != NULL, "read %s", path);
        fclose(f);
        password[strcspn(password, "\n")] = '\0';
    }
    snprintf(cmd, sizeof cmd,
             "PGPASSWORD='%s' psql -X -At -v ON_ERROR_STOP=1 -w "
             "'host=%s/pg/sock user=%s dbname=%s' -c \"%s\" 2>&1",
             password, state, user, db, sql);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "run psql");
    why[0] = '\0';
    char line[1024];
    while (fgets(line, sizeof line, p) != NULL)
        if (why[0] == '\0' || strstr(line, "ERROR") != NULL || strstr(line, "FATAL") != NULL)
            snprintf(why, size, "%s", line);
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

typedef struct refusal {
    const char *service;
    const char *sql;
    const char *must_say; /* in the error */
} refusal;

static const refusal refusals[] = {
    {"gateway", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", "must be owner"},
    {"gateway", "DELETE FROM audit_log", "append-only"},
    {"gateway", "UPDATE audit_log SET outcome = 'ok'", "append-only"},
    {"gateway", "TRUNCATE audit_log", "permission denied"},
    {"gateway", "SET session_replication_role = replica", "permission denied"},
    {"gateway", "CREATE TABLE scratch (x int)", "permission denied"},
    {"gateway", "ALTER ROLE cg_gateway SUPERUSER", "must be superuser"},
    {"case", "ALTER TABLE dossier_entries DISABLE TRIGGER ALL", "must be owner"},
    {"case", "DELETE FROM dossier_entries", "append-only"},
    {"case", "TRUNCATE dossier_entries", "permission denied"},
    {"case", "DROP TABLE clues", "must be owner"},
    {"intake", "ALTER TABLE reports DROP CONSTRAINT reports_identity_never_clear", "must be owner"},
    {"intake", "SET session_replication_role = replica", "permission denied"},
    {"rectify", "TRUNCATE dossier_entries", "permission denied"},
    {"rectify", "ALTER TABLE dossier_entries DISABLE TRIGGER ALL", "must be owner"},
    {"rectify", "DROP TABLE tasks", "must be owner"},
};

static void service_roles_cannot_undo_the_triggers(void **state)
{
    (void)state;
    char why[1024], secret[64], db[32], user[32];
    /* A dossier entry and an audit row exist to be refused on. */
    char *inspector = CGT_LOGIN("inspector");
    cgt_report rep;
    CGT_SUBMIT_SIMPLE("db roles", "city_a", &rep);
    cJSON_Delete(CGT_AWAIT_CLUE(inspector, "source_ref", rep.report_id));
    cgt_logout(inspector);

    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const refusal *r = &refusals[i];
        snprintf(secret, sizeof secret, "pg-%s.password", r->service);
        snprintf(db, sizeof db, "cg_%s", r->service);
        snprintf(user, sizeof user, "cg_%s", r->service);
        int rc = run_as(user, secret, db, r->sql, why, sizeof why);
        CGT_CHECK(rc != 0 && strstr(why, r->must_say) != NULL,
                  "%s may not run \"%s\" (wanted \"%s\"), got %d: %s", user, r->sql, r->must_say,
                  rc, why);
    }
    /* It does read and write its own rows. */
    CGT_CHECK(run_as("cg_gateway", "pg-gateway.password", "cg_gateway",
                     "SELECT count(*) FROM audit_log", why, sizeof why) == 0,
              "the gateway's role reads its own tables: %s", why);
}

static void roles_stay_in_their_database(void **state)
{
    (void)state;
    char why[1024];
    static const char *const services[] = {"gateway", "case", "intake", "rectify"};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 3; k++) {
            if (i == k)
                continue;
            char user[32], secret[64], db[32];
            snprintf(user, sizeof user, "cg_%s", services[i]);
            snprintf(secret, sizeof secret, "pg-%s.password", services[i]);
            snprintf(db, sizeof db, "cg_%s", services[k]);
            CGT_CHECK(run_as(user, secret, db, "SELECT 1", why, sizeof why) != 0,
                      "%s reached %s: %s", user, db, why);
        }
}

static void no_entry_without_a_password(void **state)
{
    (void)state;
    char why[1024];
    CGT_CHECK(run_as("cg_gateway", NULL, "cg_gateway", "SELECT 1", why, sizeof why) != 0 &&
                  strstr(why, "password") != NULL,
              "cg_gateway without a password: %s", why);
    CGT_CHECK(run_as("cg_case_owner", NULL, "cg_case", "SELECT 1", why, sizeof why) != 0,
              "cg_case_owner without a password: %s", why);
}

static void owner_roles_own_everything(void **state)
{
    (void)state;
    char why[1024], sql[1024];
    static const char *const services[] = {"gateway", "case", "intake", "rectify"};
    for (size_t i = 0; i < 3; i++) {
        char db[32];
        snprintf(db, sizeof db, "cg_%s", services[i]);
        /* Tables, views and functions of the schema that are not an
         * extension's, owned by anyone but the owner role. */
        snprintf(sql, sizeof sql,
                 "SELECT string_agg(c.relname, ',') FROM pg_class c"
                 " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r','v','S')"
                 " AND pg_get_userbyid(c.relowner) <> 'cg_%s_owner'"
                 " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid"
                 " AND d.deptype = 'e') HAVING count(*) > 0",
                 services[i]);
        CGT_CHECK(run_as("postgres", NULL, db, sql, why, sizeof why) == 0 && why[0] == '\0',
                  "objects of %s not owned by cg_%s_owner: %s", db, services[i], why);
        snprintf(sql, sizeof sql,
                 "SELECT rolname FROM pg_roles WHERE rolname LIKE 'cg_%s%%' AND (rolsuper OR"
                 " rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication)",
                 services[i]);
        CGT_CHECK(run_as("postgres", NULL, db, sql, why, sizeof why) == 0 && why[0] == '\0',
                  "a role of %s with powers: %s", services[i], why);
    }
}

int main(void)
{
    cgt_init("db_roles", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_roles_cannot_undo_the_triggers),
        cmocka_unit_test(roles_stay_in_their_database),
        cmocka_unit_test(no_entry_without_a_password),
        cmocka_unit_test(owner_roles_own_everything),
    };
    int failed = cmocka_run_group_tests_name("db_roles", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
