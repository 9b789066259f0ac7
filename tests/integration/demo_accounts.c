/* The demo accounts scripts/run.sh prints are the ones the seed made: every
 * username in its table logs in with the demo password and has the role of
 * its row and the unit of its column, and the table holds every role in
 * each provincial company plus an admin and an auditor at headquarters. */
#include "cgt.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const units[] = {"hq", "east", "west"};

static void every_printed_account_logs_in(void **state)
{
    (void)state;
    const char *stack = getenv("CG_STACK");
    CGT_CHECK(stack != NULL, "CG_STACK is not set");
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s", stack);
    snprintf(path, sizeof path, "%s/run.sh", dirname(dir));
    FILE *f = fopen(path, "r");
    CGT_CHECK(f != NULL, "cannot read %s", path);

    char line[512];
    bool in_table = false;
    int accounts = 0, roles = 0;
    bool hq_admin = false, hq_auditor = false;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strstr(line, "role") != NULL && strstr(line, "headquarters (hq)") != NULL) {
            in_table = true;
            continue;
        }
        if (!in_table)
            continue;
        char role[64], cols[3][64];
        /* The table's rows are indented; the text after it is not. */
        if (strncmp(line, "  ", 2) != 0 ||
            sscanf(line, " %63s %63s %63s %63s", role, cols[0], cols[1], cols[2]) != 4)
            break;
        roles++;
        for (int c = 0; c < 3; c++) {
            if (strcmp(cols[c], "-") == 0) {
                CGT_CHECK(c == 0, "run.sh leaves no %s in %s", role, units[c]);
                continue;
            }
            char *token = NULL;
            CGT_CHECK_INT(200, cgt_try_login(cols[c], cgt_demo_password(), &token), cols[c]);
            cgt_response *r = cgt_get("/api/v1/auth/me", token);
            CGT_CHECK_STATUS(r, 200);
            const cJSON *me = CGT_JSON_OBJECT(r);
            CGT_CHECK_STR(role, cgt_json_sole(me, "roles"), cols[c]);
            CGT_CHECK_STR(units[c],
                          CGT_JSON_STR(cJSON_GetObjectItemCaseSensitive(me, "org_unit"), "code"),
                          cols[c]);
            cgt_response_free(r);
            cgt_logout(token);
            accounts++;
            hq_admin = hq_admin || (c == 0 && strcmp(role, "admin") == 0);
            hq_auditor = hq_auditor || (c == 0 && strcmp(role, "auditor") == 0);
        }
    }
    fclose(f);
    CGT_CHECK_INT(9, roles, "roles in the run.sh table");
    CGT_CHECK(accounts >= 2 * 9 + 2, "%d accounts printed", accounts);
    CGT_CHECK(hq_admin && hq_auditor, "an admin and an auditor at headquarters");
}

int main(void)
{
    cgt_init("demo_accounts", CGT_NEED_STACK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_printed_account_logs_in),
    };
    int failed = cmocka_run_group_tests_name("demo_accounts", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
