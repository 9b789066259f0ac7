/* A named reporter's identity is never stored in the clear: the name and
 * phone of a named report are sealed to the identity custodian's public
 * key, so neither the intake database nor a dump of it shows them, while
 * the custodian's secret key (the state folder's, from scripts/stack.sh
 * reporter-secret-key) opens them. Rows stored in the clear before sealing
 * existed are sealed when intake starts. */
#include "cgt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char run_id[16];

/* The first line a shell command prints, into out; false when none. */
static bool first_line(const char *cmd, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "run %s", cmd);
    bool got = fgets(out, (int)size, p) != NULL;
    pclose(p);
    if (got)
        out[strcspn(out, "\n")] = '\0';
    return got;
}

/* One value of a query on the intake database, into out ("" for none). */
static void intake_value(const char *sql, char *out, size_t size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "psql -X -At 'host=%s/pg/sock user=postgres dbname=cg_intake' -c \"%s\"",
             getenv("CG_STATE"), sql);
    if (!first_line(cmd, out, size))
        out[0] = '\0';
}

/* Open the sealed identity (hex) of report id with the custodian's secret
 * key; the clear JSON into out. */
static void open_identity(const char *report_id, char *out, size_t size)
{
    char sql[256], sealed_hex[4096], sk_hex[128], cmd[1024];
    unsigned char sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
    unsigned char sealed[2048];
    size_t sk_len = 0, sealed_len = 0;

    snprintf(sql, sizeof sql, "SELECT encode(reporter_sealed, 'hex') FROM reports WHERE id = '%s'",
             report_id);
    intake_value(sql, sealed_hex, sizeof sealed_hex);
    snprintf(cmd, sizeof cmd, "'%s' reporter-secret-key", getenv("CG_STACK"));
    CGT_CHECK(first_line(cmd, sk_hex, sizeof sk_hex), "the custodian's secret key");
    CGT_CHECK(sodium_hex2bin(sk, sizeof sk, sk_hex, strlen(sk_hex), NULL, &sk_len, NULL) == 0 &&
                  sk_len == sizeof sk,
              "a 32-byte secret key: %s", sk_hex);
    CGT_CHECK(sodium_hex2bin(sealed, sizeof sealed, sealed_hex, strlen(sealed_hex), NULL,
                             &sealed_len, NULL) == 0 &&
                  sealed_len > crypto_box_SEALBYTES,
              "report %s has a sealed identity: '%s'", report_id, sealed_hex);
    crypto_scalarmult_base(pk, sk);
    CGT_CHECK(sealed_len - crypto_box_SEALBYTES < size, "identity fits");
    CGT_CHECK(crypto_box_seal_open((unsigned char *)out, sealed, sealed_len, pk, sk) == 0,
              "the custodian's key opens the identity of report %s", report_id);
    out[sealed_len - crypto_box_SEALBYTES] = '\0';
}

static void named_report_is_sealed(void **state)
{
    (void)state;
    char name[64], phone[32], sql[512], got[256], cmd[1024];
    snprintf(name, sizeof name, "王芳%s", run_id);
    snprintf(phone, sizeof phone, "139%s", run_id);
    cJSON *body = cgt_report_body("sealed", "city_a");
    cJSON_ReplaceItemInObject(body, "anonymous", cJSON_CreateFalse());
    cJSON_AddStringToObject(body, "reporter_name", name);
    cJSON_AddStringToObject(body, "reporter_phone", phone);
    cgt_report rep;
    CGT_SUBMIT(body, &rep);
    cJSON_Delete(body);

    /* Nothing in the clear in the row ... */
    snprintf(sql, sizeof sql,
             "SELECT (reporter_name IS NULL AND reporter_phone IS NULL)::text || ' ' ||"
             " reporter_key_id FROM reports WHERE id = '%s'",
             rep.report_id);
    intake_value(sql, got, sizeof got);
    CGT_CHECK(strncmp(got, "true ", 5) == 0 && strlen(got) == 5 + 16,
              "report %s: no identity in the clear, a key id: '%s'", rep.report_id, got);
    /* ... nor anywhere in a dump of the whole database. */
    snprintf(cmd, sizeof cmd,
             "pg_dump -h '%s/pg/sock' -U postgres cg_intake | grep -c -e '%s' -e '%s'",
             getenv("CG_STATE"), name, phone);
    CGT_CHECK(first_line(cmd, got, sizeof got) && strcmp(got, "0") == 0,
              "a dump of the intake database names the reporter (%s lines)", got);

    /* The custodian's key opens it. */
    char clear[512];
    open_identity(rep.report_id, clear, sizeof clear);
    cJSON *identity = cJSON_Parse(clear);
    CGT_CHECK_STR(name, cgt_json_str(identity, "name"), clear);
    CGT_CHECK_STR(phone, cgt_json_str(identity, "phone"), clear);
    cJSON_Delete(identity);

    /* An anonymous report holds nothing sealed. */
    CGT_SUBMIT_SIMPLE("anonymous", "city_a", &rep);
    snprintf(sql, sizeof sql,
             "SELECT (reporter_sealed IS NULL AND reporter_key_id IS NULL)::text FROM reports"
             " WHERE id = '%s'",
             rep.report_id);
    intake_value(sql, got, sizeof got);
    CGT_CHECK_STR("true", got, "an anonymous report has no sealed identity");
}

/* A row stored in the clear (as before sealing existed) is sealed when
 * intake starts, and the constraint that refuses identities in the clear
 * holds again afterwards. */
static void clear_rows_sealed_at_start(void **state)
{
    (void)state;
    char name[64], sql[1024], got[256], id[64];
    snprintf(name, sizeof name, "旧名%s", run_id);
    snprintf(sql, sizeof sql,
             "ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_identity_never_clear,"
             " DROP CONSTRAINT IF EXISTS reports_named_is_sealed;"
             " INSERT INTO reports (receipt_lookup, receipt_hash, category, content, anonymous,"
             " reporter_name, reporter_phone, org_path) VALUES ('%.8s', 'x', 'other', 'old',"
             " false, '%s', '13700000000', 'hq');",
             run_id, name);
    CGT_CHECK(cgt_psql("cg_intake", sql) == 0, "a row in the clear, as before sealing");
    snprintf(sql, sizeof sql, "SELECT id FROM reports WHERE reporter_name = '%s'", name);
    intake_value(sql, id, sizeof id);
    CGT_CHECK(cgt_is_uuid(id), "the clear row's id: %s", id);

    CGT_STACK("svc-stop intake");
    CGT_STACK("svc-start intake");
    CGT_STACK("wait-ready 30");
    snprintf(sql, sizeof sql,
             "SELECT (reporter_name IS NULL AND reporter_phone IS NULL"
             " AND reporter_sealed IS NOT NULL)::text FROM reports WHERE id = '%s'",
             id);
    intake_value(sql, got, sizeof got);
    CGT_CHECK_STR("true", got, "the clear row was sealed at start");
    char clear[512];
    open_identity(id, clear, sizeof clear);
    CGT_CHECK(strstr(clear, name) != NULL && strstr(clear, "13700000000") != NULL,
              "the sealed identity is the old one: %s", clear);
    CGT_CHECK(cgt_psql("cg_intake",
                       "ALTER TABLE reports ADD CONSTRAINT reports_identity_never_clear"
                       " CHECK (reporter_name IS NULL AND reporter_phone IS NULL) NOT VALID,"
                       " ADD CONSTRAINT reports_named_is_sealed"
                       " CHECK (anonymous = (reporter_sealed IS NULL)) NOT VALID") == 0,
              "the constraints are back");
    CGT_CHECK(cgt_psql("cg_intake", "UPDATE reports SET reporter_name = 'x' WHERE id = "
                                    "(SELECT id FROM reports WHERE NOT anonymous LIMIT 1)") != 0,
              "an identity in the clear is refused");
}

int main(void)
{
    cgt_init("reporter_identity", CGT_NEED_GATEWAY | CGT_NEED_STACK);
    CGT_CHECK(sodium_init() >= 0, "libsodium");
    cgt_random_digits(run_id, 8);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(named_report_is_sealed),
        cmocka_unit_test(clear_rows_sealed_at_start),
    };
    int failed = cmocka_run_group_tests_name("reporter_identity", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
