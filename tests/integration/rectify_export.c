/* The rectification ledger (整改台账) downloaded as CSV and as XLSX with
 * the ledger's filters: a file named with the day, Chinese column titles,
 * one row a task with stages and sources by their Chinese names; the CSV
 * as Excel reads it (a byte order mark), the XLSX a zip whose first sheet
 * holds the rows. Each download is recorded in the audit trail as the list
 * it exports is, with its filter and the rows it held. */
#include "cgt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"

/* A batch of three tasks, imported; its id into id. */
static void three_tasks(const char *token, char id[37])
{
    CGT_CREATE_BATCH(token, "east", "2026-01-10", id);
    cgt_response *r = cgt_import_batch(token, id,
                                       BOM "问题序号,问题,整改任务,责任单位,责任领导,期限\r\n"
                                           "1,采购未招标,补办招标手续,city_a,张三,2026/3/1\r\n"
                                           "1,采购未招标,\"=HYPERLINK(\"\"x\"\")\",city_b,张三,\r\n"
                                           "2,公车私用,公车使用登记,east,王五,2026-04-15\r\n");
    CGT_CHECK_STATUS(r, 201);
    cgt_response_free(r);
}

/* GET the export of batch id in format as token; must answer 200 with
 * the file named for the day. */
static cgt_response *export(const char *token, const char *id, const char *format)
{
    char path[256], disposition[256], want[64], day[16];
    snprintf(path, sizeof path, "/api/v1/rectify/tasks/export?format=%s&batch_id=%s", format, id);
    cgt_response *r = cgt_get(path, token);
    CGT_CHECK_STATUS(r, 200);
    cgt_date_ago(0, day);
    snprintf(want, sizeof want, "filename=\"rectify-tasks-%s.%s\"", day, format);
    cgt_header(r, "Content-Disposition", disposition, sizeof disposition);
    CGT_CHECK(strstr(disposition, "attachment") != NULL && strstr(disposition, want) != NULL,
              "Content-Disposition names %s: %s", want, disposition);
    return r;
}

/* The lines of text that hold needle. */
static int lines_with(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_csv(void **state)
{
    (void)state;
    char *inspector = CGT_LOGIN("inspector");
    char id[37];
    three_tasks(inspector, id);
    cgt_response *r = export(inspector, id, "csv");
    CGT_CHECK(strncmp(r->content_type, "text/csv", 8) == 0, "a CSV: %s", r->content_type);
    CGT_CHECK(strncmp(r->body, BOM, 3) == 0, "a byte order mark first: %.20s", r->body);
    static const char titles[] = "\"序号\",\"批次\",\"来源\",\"问题\",\"整改任务\",\"责任单位\"";
    CGT_CHECK(strncmp(r->body + 3, titles, sizeof titles - 1) == 0, "the Chinese titles: %.200s",
              r->body);
    CGT_CHECK(strstr(r->body, "\"整改期限\",\"状态\",\"期限状态\",\"销号日期\"") != NULL,
              "the titles: %.300s", r->body);
    /* The header and three rows, CRLF each. */
    CGT_CHECK_INT(4, lines_with(r->body, "\r\n"), "lines");
    CGT_CHECK_INT(3, lines_with(r->body, "\"巡察\""), "the source by its Chinese name");
    CGT_CHECK_INT(3, lines_with(r->body, "\"待认领\""), "the stage by its Chinese name");
    CGT_CHECK(strstr(r->body, "\"补办招标手续\",\"A市供电公司\",\"张三\",,\"2026-03-01\"") != NULL,
              "a row: %s", r->body);
    CGT_CHECK(strstr(r->body, "\"'=HYPERLINK(\"\"x\"\")\"") != NULL, "a formula kept text: %s",
              r->body);
    char rid[128];
    snprintf(rid, sizeof rid, "%s", r->request_id);
    cgt_response_free(r);

    /* Recorded as the list is, with its filter, the format and the rows. */
    char *auditor = CGT_LOGIN("auditor");
    r = cgt_get("/api/v1/audit?limit=100&action=rectify.task_export", auditor);
    CGT_CHECK_STATUS(r, 200);
    const cJSON *row =
        cgt_find_where(cJSON_GetObjectItemCaseSensitive(r->json, "items"), "request_id", rid);
    CGT_CHECK(row != NULL, "the export's audit row: %.400s", r->body);
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(row, "detail");
    const cJSON *filter = cJSON_GetObjectItemCaseSensitive(detail, "filter");
    CGT_CHECK_STR(id, cgt_json_str(filter, "batch_id"), "the filter recorded");
    CGT_CHECK_STR("csv", cgt_json_str(filter, "format"), "the format recorded");
    CGT_CHECK_INT(3, cJSON_GetNumberValue(cJSON_GetObjectItem(detail, "rows")), "rows recorded");
    cgt_response_free(r);
    cgt_logout(auditor);

    /* A format it does not write. */
    r = cgt_get("/api/v1/rectify/tasks/export?format=pdf", inspector);
    CGT_CHECK_PROBLEM(r, 400);
    cgt_response_free(r);
    cgt_logout(inspector);
}

static void test_xlsx(void **state)
{
    (void)state;
    char *inspector = CGT_LOGIN("inspector");
    char id[37];
    three_tasks(inspector, id);
    cgt_response *r = export(inspector, id, "xlsx");
    CGT_CHECK(strstr(r->content_type, "spreadsheetml") != NULL, "an XLSX: %s", r->content_type);
    char file[] = "/tmp/rectify-export-XXXXXX";
    int fd = mkstemp(file);
    CGT_CHECK(fd >= 0, "a temporary file");
    FILE *f = fdopen(fd, "wb");
    fwrite(r->body, 1, r->body_len, f);
    fclose(f);
    cgt_response_free(r);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet1.xml", file);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "unzip runs");
    size_t cap = 1 << 20, len = 0;
    char *xml = malloc(cap);
    size_t got;
    while ((got = fread(xml + len, 1, cap - 1 - len, p)) > 0)
        len += got;
    xml[len] = '\0';
    int status = pclose(p);
    remove(file);
    CGT_CHECK(status == 0 && len > 0, "sheet1.xml unzipped (status %d)", status);
    CGT_CHECK_INT(4, lines_with(xml, "<row "), "the header row and three rows");
    CGT_CHECK(strstr(xml, "整改期限") != NULL && strstr(xml, "补办招标手续") != NULL &&
                  strstr(xml, "公车使用登记") != NULL && strstr(xml, "待认领") != NULL,
              "titles and rows in sheet1.xml: %.600s", xml);
    free(xml);
    cgt_logout(inspector);
}

CGT_MAIN("rectify_export", CGT_NEED_GATEWAY, cmocka_unit_test(test_csv),
         cmocka_unit_test(test_xlsx))
