/* The channel of a QR code's link (docs/api.md "Public reports"):
 * a report that names one is stored with it; a report that names none is
 * stored with ''; a malformed channel is 400 naming "channel" and stores
 * nothing. The rows are read in intake's own database, since no API shows
 * the channel yet. */
#include "cgt.h"

#include <stdio.h>
#include <string.h>

/* 0 when intake holds exactly `want` reports with this id and channel. */
static int stored(const char *report_id, const char *channel, int want)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "DO \\$\\$ BEGIN IF (SELECT count(*) FROM reports WHERE id = '%s' AND channel = "
             "'%s') <> %d THEN RAISE EXCEPTION 'not stored'; END IF; END \\$\\$",
             report_id, channel, want);
    return cgt_psql("cg_intake", sql);
}

static void channel_kept(void **state)
{
    (void)state;
    char channel[40], label[64];
    char token[9];
    cgt_token_hex(token, 8);
    snprintf(channel, sizeof channel, "poster-%s", token);
    snprintf(label, sizeof label, "channel-%s", token);

    cJSON *body = cgt_report_body(label, "east");
    cJSON_AddStringToObject(body, "channel", channel);
    cgt_report named;
    CGT_SUBMIT(body, &named);
    cJSON_Delete(body);
    CGT_CHECK_INT(0, stored(named.report_id, channel, 1), "the report is stored with its channel");

    cgt_report plain;
    CGT_SUBMIT_SIMPLE(label, "east", &plain);
    CGT_CHECK_INT(0, stored(plain.report_id, "", 1), "a report without a channel stores ''");
    /* The check can fail: the other report's channel is not this one's. */
    CGT_CHECK(stored(plain.report_id, channel, 1) != 0, "the probe tells channels apart");
}

static void bad_channel(void **state)
{
    (void)state;
    static const char *const bad[] = {"QR",   "qr code", "-qr",
                                      "渠道", "qr'; --", "abcdefghijklmnopqrstuvwxyz0123456"};
    char token[9], label[64];
    cgt_token_hex(token, 8);
    snprintf(label, sizeof label, "bad-channel-%s", token);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *body = cgt_report_body(label, "east");
        cJSON_AddStringToObject(body, "channel", bad[i]);
        cgt_response *r = cgt_post_json("/api/v1/public/reports", NULL, body);
        cJSON_Delete(body);
        CGT_CHECK_PROBLEM(r, 400);
        CGT_CHECK(strstr(r->body, "\"channel\"") != NULL,
                  "channel \"%s\": the problem names it: %s", bad[i], r->body);
        cgt_response_free(r);
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "DO \\$\\$ BEGIN IF EXISTS (SELECT 1 FROM reports WHERE content LIKE '%%%s%%') THEN "
             "RAISE EXCEPTION 'stored'; END IF; END \\$\\$",
             label);
    CGT_CHECK_INT(0, cgt_psql("cg_intake", sql), "a refused report is not stored");
}

int main(void)
{
    cgt_init("report_channel", CGT_NEED_GATEWAY);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(channel_kept),
        cmocka_unit_test(bad_channel),
    };
    int failed = cmocka_run_group_tests_name("report_channel", tests, NULL, NULL);
    cgt_cleanup();
    return failed ? 1 : 0;
}
