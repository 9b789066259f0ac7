/* Unit tests of the table writer (cg/sheet.h): CSV read back through
 * cg/csv.h, XLSX unpacked with libarchive, the formula guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg/csv.h"
#include "cg/sheet.h"
#include "cg_test.h"

static const cg_sheet_column sheet_columns[] = {
    {.title = "整改事项", .width = 40},
    {.title = "期限", .width = 12},
    {.title = "Count"},
};

static const char *const item_aliases[] = {"整改事项", NULL};
static const char *const deadline_aliases[] = {"期限", NULL};
static const char *const count_aliases[] = {"Count", NULL};
static const cg_csv_column csv_columns[] = {
    {.key = "item", .aliases = item_aliases, .required = true},
    {.key = "deadline", .aliases = deadline_aliases, .required = true},
    {.key = "count", .aliases = count_aliases, .required = true},
};
static const cg_csv_spec csv_spec = {.columns = csv_columns, .ncolumns = CG_NROWS(csv_columns)};

/* Texts written to CSV and what they read back as: formula-like ones keep
 * an apostrophe in front. */
static const cg_test_str_row texts[] = {
    {"整改食堂账目", "整改食堂账目"},
    {"one, \"two\"\r\nthree", "one, \"two\"\r\nthree"},
    {"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
    {"+1", "'+1"},
    {"-1", "'-1"},
    {"@SUM(A1)", "'@SUM(A1)"},
    {"\tcmd", "'\tcmd"},
    {"\rcmd", "'\rcmd"},
    {"a=b", "a=b"},
    {"", ""},
};

/* The whole closed file, read in small chunks; owned by the caller. */
static char *read_back(cg_sheet *sheet, size_t *len)
{
    char *all = malloc(cg_sheet_size(sheet) + 1);
    size_t n = 0, got = 0;
    cg_err err;
    assert_non_null(all);
    do {
        char chunk[7];
        assert_int_equal(CG_OK, cg_sheet_read(sheet, chunk, sizeof(chunk), &got, &err));
        assert_true(n + got <= cg_sheet_size(sheet));
        memcpy(all + n, chunk, got);
        n += got;
    } while (got > 0);
    assert_int_equal(cg_sheet_size(sheet), n);
    all[n] = '\0';
    *len = n;
    return all;
}

static char dir[] = "/tmp/cg-sheet-test-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    return rmdir(dir); /* fails if a temporary file was left behind */
}

static void test_csv_round_trip(void **state)
{
    (void)state;
    cg_sheet_spec spec = {.format = CG_SHEET_CSV,
                          .dir = dir,
                          .columns = sheet_columns,
                          .ncolumns = CG_NROWS(sheet_columns)};
    cg_sheet *sheet = NULL;
    cg_err err;
    assert_int_equal(CG_OK, cg_sheet_open(&spec, &sheet, &err));
    for (size_t i = 0; i < CG_NROWS(texts); i++) {
        cg_cell row[] = {CG_CELL_TEXT_OF(texts[i].in), CG_CELL_DATE_OF("2024-06-30"),
                         CG_CELL_INT_OF(-(int64_t)i)};
        assert_int_equal(CG_OK, cg_sheet_add_row(sheet, row, CG_NROWS(row), &err));
    }
    cg_cell short_row[] = {CG_CELL_TEXT_OF("short")};
    assert_int_equal(CG_OK, cg_sheet_add_row(sheet, short_row, 1, &err));
    assert_int_equal(CG_INTERNAL, cg_sheet_add_row(sheet, short_row, 4, &err));
    assert_int_equal(CG_OK, cg_sheet_close(sheet, &err));
    assert_string_equal("text/csv; charset=utf-8", cg_sheet_media_type(CG_SHEET_CSV));

    size_t len = 0;
    char *text = read_back(sheet, &len);
    /* A byte order mark for Excel, CRLF, RFC 4180 quoting. */
    assert_memory_equal("\xEF\xBB\xBF\"整改事项\",\"期限\",\"Count\"\r\n", text,
                        strlen("\xEF\xBB\xBF\"整改事项\",\"期限\",\"Count\"\r\n"));
    assert_non_null(
        strstr(text, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"2024-06-30\",-2\r\n"));
    assert_non_null(strstr(text, "\"short\",,\r\n"));

    cg_csv_problems problems;
    cg_csv *csv = NULL;
    cg_csv_problems_init(&problems);
    assert_int_equal(CG_OK, cg_csv_parse(text, len, &csv_spec, &csv, &problems, &err));
    assert_int_equal(0, cg_csv_problems_total(&problems));
    assert_int_equal(CG_NROWS(texts) + 1, cg_csv_nrows(csv));
    for (size_t i = 0; i < CG_NROWS(texts); i++) {
        const char *got = cg_csv_get(csv, i, "item");
        if (strcmp(got, texts[i].want) != 0)
            fail_msg("row %zu: \"%s\" read back as \"%s\", want \"%s\"", i, texts[i].in, got,
                     texts[i].want);
        assert_string_equal("2024-06-30", cg_csv_get(csv, i, "deadline"));
    }
    assert_string_equal("-3", cg_csv_get(csv, 3, "count"));
    assert_string_equal("", cg_csv_get(csv, CG_NROWS(texts), "count"));
    cg_csv_free(csv);
    cg_csv_problems_free(&problems);

    /* The temporary file goes with the sheet. */
    char *path = strdup(cg_sheet_path(sheet));
    assert_int_equal(0, access(path, F_OK));
    cg_sheet_free(sheet);
    assert_int_not_equal(0, access(path, F_OK));
    free(path);
    free(text);
}

/* The text of the member name of the zip archive data (len bytes), or NULL;
 * owned by the caller. */
static char *unzip_member(const char *data, size_t len, const char *name)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry;
    char *text = NULL;
    assert_non_null(a);
    archive_read_support_format_zip(a);
    assert_int_equal(ARCHIVE_OK, archive_read_open_memory(a, data, len));
    while (text == NULL && archive_read_next_header(a, &entry) == ARCHIVE_OK) {
        if (strcmp(archive_entry_pathname(entry), name) != 0)
            continue;
        size_t size = (size_t)archive_entry_size(entry);
        text = calloc(1, size + 1);
        assert_non_null(text);
        assert_int_equal((la_ssize_t)size, archive_read_data(a, text, size));
    }
    archive_read_free(a);
    return text;
}

static void test_xlsx(void **state)
{
    (void)state;
    cg_sheet_spec spec = {.format = CG_SHEET_XLSX,
                          .dir = dir,
                          .sheet_name = "整改台账",
                          .columns = sheet_columns,
                          .ncolumns = CG_NROWS(sheet_columns)};
    cg_sheet *sheet = NULL;
    cg_err err;
    assert_int_equal(CG_OK, cg_sheet_open(&spec, &sheet, &err));
    for (int i = 0; i < 1000; i++) {
        char item[64];
        snprintf(item, sizeof(item), "整改事项 %d", i);
        cg_cell row[] = {CG_CELL_TEXT_OF(item), CG_CELL_DATE_OF("2024-02-29"), CG_CELL_INT_OF(i)};
        assert_int_equal(CG_OK, cg_sheet_add_row(sheet, row, CG_NROWS(row), &err));
    }
    cg_cell odd[] = {CG_CELL_TEXT_OF("=1+2"), CG_CELL_DATE_OF("2023-02-29"),
                     CG_CELL_INT_OF(INT64_MAX)};
    assert_int_equal(CG_OK, cg_sheet_add_row(sheet, odd, CG_NROWS(odd), &err));
    assert_int_equal(CG_OK, cg_sheet_close(sheet, &err));
    assert_string_equal("xlsx", cg_sheet_extension(CG_SHEET_XLSX));

    size_t len = 0;
    char *data = read_back(sheet, &len);
    char *xml = unzip_member(data, len, "xl/worksheets/sheet1.xml");
    assert_non_null(xml);
    /* Constant memory: strings inline in the sheet, in order. */
    assert_non_null(strstr(xml, "整改事项 0<"));
    assert_non_null(strstr(xml, "整改事项 999<"));
    assert_true(strstr(xml, "整改事项 0<") < strstr(xml, "整改事项 999<"));
    assert_non_null(strstr(xml, "<row r=\"1002\""));
    /* A frozen header, the widths, no formula: "=1+2" is text, an
     * impossible date text, a number too large for a double text. */
    assert_non_null(strstr(xml, "<pane ySplit=\"1\""));
    assert_non_null(strstr(xml, "<col min=\"1\" max=\"1\" width=\"40.7109375\""));
    assert_null(strstr(xml, "<f>"));
    assert_non_null(strstr(xml, ">=1+2<"));
    assert_non_null(strstr(xml, ">2023-02-29<"));
    assert_non_null(strstr(xml, ">9223372036854775807<"));
    free(xml);
    xml = unzip_member(data, len, "xl/workbook.xml");
    assert_non_null(xml);
    assert_non_null(strstr(xml, "name=\"整改台账\""));
    free(xml);
    xml = unzip_member(data, len, "xl/styles.xml");
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<b/>"));
    assert_non_null(strstr(xml, "yyyy-mm-dd"));
    free(xml);
    free(data);
    cg_sheet_free(sheet);
}

static void test_refused(void **state)
{
    (void)state;
    cg_sheet_spec spec = {.format = CG_SHEET_XLSX,
                          .dir = dir,
                          .sheet_name = "a/b",
                          .columns = sheet_columns,
                          .ncolumns = CG_NROWS(sheet_columns)};
    cg_sheet *sheet = NULL;
    cg_err err;
    assert_int_equal(CG_INVALID_ARGUMENT, cg_sheet_open(&spec, &sheet, &err));
    assert_null(sheet);
    spec.sheet_name = NULL;
    spec.ncolumns = 0;
    assert_int_equal(CG_INVALID_ARGUMENT, cg_sheet_open(&spec, &sheet, &err));
    spec.ncolumns = 1;
    spec.format = CG_SHEET_CSV;
    spec.dir = "/nonexistent-dir";
    assert_int_equal(CG_UNAVAILABLE, cg_sheet_open(&spec, &sheet, &err));
    /* A sheet never closed leaves nothing behind (remove_dir checks). */
    spec.dir = dir;
    spec.format = CG_SHEET_XLSX;
    assert_int_equal(CG_OK, cg_sheet_open(&spec, &sheet, &err));
    cg_sheet_free(sheet);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_csv_round_trip),
                                       cmocka_unit_test(test_xlsx), cmocka_unit_test(test_refused)};
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
