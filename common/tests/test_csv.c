/* Unit tests of the CSV reader (cg/csv.h): what it reads, what it refuses
 * and how it reports problems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cg/csv.h"
#include "cg_test.h"

static const char *const item_aliases[] = {"Item", "整改事项", "事项", NULL};
static const char *const deadline_aliases[] = {"Deadline", "期限", "整改期限", NULL};
static const char *const owner_aliases[] = {"Owner", "责任人", NULL};

/* The columns of a rectification (整改) list. */
static const cg_csv_column columns[] = {
    {.key = "item", .aliases = item_aliases, .required = true},
    {.key = "deadline", .aliases = deadline_aliases, .required = true},
    {.key = "owner", .aliases = owner_aliases, .required = false},
};

static const cg_csv_spec spec = {.columns = columns, .ncolumns = CG_NROWS(columns)};

/* A file that reads, and what its last row must hold. */
typedef struct read_row {
    const char *name;
    const char *text;
    size_t nrows;
    const char *item, *deadline, *owner; /* of the last row */
    size_t line;                         /* of the last row */
} read_row;

static const read_row reads[] = {
    {"plain", "item,deadline,owner\nfix roof,2024-05-01,Li\n", 1, "fix roof", "2024-05-01", "Li",
     2},
    {"BOM and CRLF", "\xEF\xBB\xBFitem,deadline,owner\r\na,2024-01-01,x\r\nb,2024-02-02,y\r\n", 2,
     "b", "2024-02-02", "y", 3},
    {"Chinese headers", "整改事项,期限,责任人\n整改食堂账目,2024-06-30,王五\n", 1, "整改食堂账目",
     "2024-06-30", "王五", 2},
    {"reordered, case and spaces in headers, an unknown column",
     " DEADLINE ,Remark,item\n2024-03-03,ignored,c\n", 1, "c", "2024-03-03", "", 2},
    {"quotes, commas and line breaks in fields",
     "item,deadline\n\"one, \"\"two\"\"\",2024-01-01\n\"line 1\nline 2\r\nline 3\",2024-01-02\n"
     "last,  2024-01-03  \n",
     3, "last", "2024-01-03", "", 6},
    {"blank lines and no final line break", "item,deadline\n\n  \r\na,2024-01-01\n\r\nz,2025-01-01",
     2, "z", "2025-01-01", "", 6},
    {"lone CR line ends", "item,deadline\r\"a\rb\",2024-01-01\rc,2024-01-02", 2, "c", "2024-01-02",
     "", 4},
    {"empty header cells at the right", "item,deadline,,\na,2024-01-01,,\n", 1, "a", "2024-01-01",
     "", 2},
};

static void test_reads(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(reads); i++) {
        const read_row *t = &reads[i];
        cg_csv_problems problems;
        cg_csv *csv = NULL;
        cg_err err;
        cg_err_clear(&err);
        cg_csv_problems_init(&problems);
        cg_code rc = cg_csv_parse(t->text, strlen(t->text), &spec, &csv, &problems, &err);
        if (rc != CG_OK || cg_csv_problems_total(&problems) != 0)
            fail_msg("%s: rc %d, %zu problems (%s)", t->name, rc, cg_csv_problems_total(&problems),
                     problems.count > 0 ? problems.items[0].message : "");
        if (cg_csv_nrows(csv) != t->nrows)
            fail_msg("%s: %zu rows, want %zu", t->name, cg_csv_nrows(csv), t->nrows);
        size_t last = t->nrows - 1;
        const char *want[] = {t->item, t->deadline, t->owner};
        for (size_t c = 0; c < CG_NROWS(columns); c++) {
            const char *got = cg_csv_get(csv, last, columns[c].key);
            if (got == NULL || strcmp(got, want[c]) != 0)
                fail_msg("%s: %s is %s%s%s, want \"%s\"", t->name, columns[c].key,
                         CG_TEST_SHOW(got), want[c]);
        }
        if (cg_csv_line(csv, last) != t->line)
            fail_msg("%s: last row on line %zu, want %zu", t->name, cg_csv_line(csv, last),
                     t->line);
        cg_csv_free(csv);
        cg_csv_problems_free(&problems);
    }
}

static void test_fields_and_headers(void **state)
{
    (void)state;
    const char *text = "Remark,期限,整改事项,Remark 2\n"
                       "r,2024-01-01,\"one, \"\"two\"\"\",x\n"
                       "r,2024-01-02,\"a\nb\",y\n";
    cg_csv_problems problems;
    cg_csv *csv = NULL;
    cg_err err;
    cg_csv_problems_init(&problems);
    assert_int_equal(CG_OK, cg_csv_parse(text, strlen(text), &spec, &csv, &problems, &err));
    assert_string_equal("one, \"two\"", cg_csv_get(csv, 0, "item"));
    assert_string_equal("a\nb", cg_csv_get(csv, 1, "item"));
    assert_int_equal(3, cg_csv_line(csv, 1));
    assert_null(cg_csv_get(csv, 0, "no_such_key"));
    assert_string_equal("期限", cg_csv_header(csv, "deadline"));
    assert_string_equal("责任人", cg_csv_header(csv, "owner")); /* absent: its Chinese name */
    size_t n = 0;
    const char *const *unknown = cg_csv_unknown_columns(csv, &n);
    assert_int_equal(2, n);
    assert_string_equal("Remark", unknown[0]);
    assert_string_equal("Remark 2", unknown[1]);

    /* The caller's own problems name the column as the file spells it. */
    cg_csv_problem_add(&problems, csv, cg_csv_line(csv, 1), "deadline", "is past");
    assert_string_equal("期限", problems.items[0].column);
    assert_int_equal(CG_INVALID_ARGUMENT, cg_csv_problems_to_err(&problems, &err));
    assert_true(cg_err_has_violation(&err, "line 3.deadline", "is past"));
    cg_csv_free(csv);
    cg_csv_problems_free(&problems);
}

/* A file with problems: the code cg_csv_parse returns and one problem it
 * must report, by its field ("line 3.item") and a part of its message. */
typedef struct refuse_row {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen(text) */
    cg_code rc;
    const char *field;
    const char *message;
} refuse_row;

static const refuse_row refusals[] = {
    {"missing required column", "item,owner\na,b\n", 0, CG_INVALID_ARGUMENT, "line 1.deadline",
     "deadline (期限)"},
    {"missing column named in Chinese", "\xEF\xBB\xBF期限\n2024-01-01\n", 0, CG_INVALID_ARGUMENT,
     "line 1.item", "item (整改事项)"},
    {"duplicate header", "item,deadline,Item\n", 0, CG_INVALID_ARGUMENT, "line 1",
     "\"Item\" twice"},
    {"one column under two names", "item,deadline,期限\n", 0, CG_INVALID_ARGUMENT, "line 1",
     "\"deadline\" and \"期限\""},
    {"duplicate unknown header", "item,deadline,x,X\n", 0, CG_INVALID_ARGUMENT, "line 1", "twice"},
    {"more fields than the header", "item,deadline\na,2024-01-01\nb,2024-01-01,extra\n", 0, CG_OK,
     "line 3", "has 3 fields; the header has 2"},
    {"fewer fields than the header", "item,deadline\n\"x\ny\"\nb,2024-01-01\n", 0, CG_OK, "line 2",
     "has 1 fields"},
    {"invalid UTF-8", "item,deadline\na,b\n\xff\xfe,c\n", 0, CG_INVALID_ARGUMENT, "line 3",
     "UTF-8"},
    {"GBK text", "item,deadline\n\xd5\xfb\xb8\xc4,2024-01-01\n", 0, CG_INVALID_ARGUMENT, "line 2",
     "UTF-8"},
    {"NUL byte", "item,deadline\na,b\0c\n", 20, CG_INVALID_ARGUMENT, "line 2", "NUL"},
    {"stray quote", "item,deadline\nx,a\"b\n", 0, CG_INVALID_ARGUMENT, "line 2", "stray quote"},
    {"text after a closing quote", "item,deadline\n\"a\"b,c\n", 0, CG_INVALID_ARGUMENT, "line 2",
     "stray quote"},
    {"quote never closed", "item,deadline\nx,y\n\"open,c\nmore\n", 0, CG_INVALID_ARGUMENT, "line 3",
     "never closed"},
    {"control character", "item,deadline\n\"a\x01\",2024-01-01\nb,2024-01-02\n", 0, CG_OK,
     "line 2.item", "control character"},
    {"escape in an ignored column is fine, bell in a kept one is not",
     "x,item,deadline\n\x1b,a,2024-01-01\nok,b,\x07\n", 0, CG_OK, "line 3.deadline", "control"},
    {"empty file", "", 0, CG_INVALID_ARGUMENT, "", "no header line"},
    {"only a BOM and blank lines", "\xEF\xBB\xBF\r\n\r\n", 0, CG_INVALID_ARGUMENT, "",
     "no header line"},
};

static void test_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(refusals); i++) {
        const refuse_row *t = &refusals[i];
        size_t len = t->len != 0 ? t->len : strlen(t->text);
        cg_csv_problems problems;
        cg_csv *csv = NULL;
        cg_err err;
        cg_err_clear(&err);
        cg_csv_problems_init(&problems);
        cg_code rc = cg_csv_parse(t->text, len, &spec, &csv, &problems, &err);
        if (rc != t->rc)
            fail_msg("%s: rc %d, want %d", t->name, rc, t->rc);
        if (rc != CG_OK && csv != NULL)
            fail_msg("%s: a refused file gave rows", t->name);
        if (rc == CG_OK)
            cg_csv_problems_to_err(&problems, &err);
        if (!cg_err_has_violation(&err, t->field, t->message))
            fail_msg("%s: no problem \"%s\" at %s (first: %s: %s)", t->name, t->message, t->field,
                     err.nviolations > 0 ? err.violations[0].field : "-",
                     err.nviolations > 0 ? err.violations[0].description : "-");
        /* A row the reader refused is left out; the others are read. */
        if (rc == CG_OK && cg_csv_nrows(csv) != 1)
            fail_msg("%s: %zu rows, want the 1 good one", t->name, cg_csv_nrows(csv));
        cg_csv_free(csv);
        cg_csv_problems_free(&problems);
    }
}

static void test_limits(void **state)
{
    (void)state;
    const char *text = "item,deadline\na,1\nb,2\nc,3\n";
    cg_csv_spec limited = spec;
    cg_csv_problems problems;
    cg_csv *csv = NULL;
    cg_err err;

    limited.max_bytes = strlen(text) - 1;
    cg_csv_problems_init(&problems);
    assert_int_equal(CG_INVALID_ARGUMENT,
                     cg_csv_parse(text, strlen(text), &limited, &csv, &problems, &err));
    assert_null(csv);
    assert_true(cg_err_has_violation(&err, "", "larger than 25 bytes"));
    cg_csv_problems_free(&problems);

    limited.max_bytes = strlen(text);
    limited.max_rows = 2;
    cg_csv_problems_init(&problems);
    assert_int_equal(CG_INVALID_ARGUMENT,
                     cg_csv_parse(text, strlen(text), &limited, &csv, &problems, &err));
    assert_true(cg_err_has_violation(&err, "", "more than 2 rows"));
    cg_csv_problems_free(&problems);

    limited.max_rows = 3;
    cg_csv_problems_init(&problems);
    assert_int_equal(CG_OK, cg_csv_parse(text, strlen(text), &limited, &csv, &problems, &err));
    assert_int_equal(3, cg_csv_nrows(csv));
    cg_csv_free(csv);
    cg_csv_problems_free(&problems);
}

static void test_problems_capped(void **state)
{
    (void)state;
    cg_csv_problems problems;
    cg_err err;
    cg_csv_problems_init(&problems);
    assert_int_equal(CG_OK, cg_csv_problems_to_err(&problems, &err));
    for (size_t line = 2; line < 2 + CG_CSV_MAX_PROBLEMS + 5; line++)
        cg_csv_problem_add(&problems, NULL, line, "deadline", "must be a date (%s)", "YYYY-MM-DD");
    cg_csv_problem_add(&problems, NULL, 0, NULL, "the file is odd");
    assert_int_equal(CG_CSV_MAX_PROBLEMS, problems.count);
    assert_int_equal(6, problems.dropped);
    assert_int_equal(CG_CSV_MAX_PROBLEMS + 6, cg_csv_problems_total(&problems));

    assert_int_equal(CG_INVALID_ARGUMENT, cg_csv_problems_to_err(&problems, &err));
    assert_string_equal("the file has 106 problems", err.message);
    assert_int_equal(CG_ERR_MAX_VIOLATIONS, err.nviolations);
    assert_true(cg_err_has_violation(&err, "line 2.deadline", "must be a date (YYYY-MM-DD)"));

    cJSON *arr = cg_csv_problems_json(&problems);
    assert_non_null(arr);
    assert_int_equal(CG_CSV_MAX_PROBLEMS + 1, cJSON_GetArraySize(arr));
    const cJSON *first = cJSON_GetArrayItem(arr, 0);
    assert_string_equal("line 2.deadline",
                        cJSON_GetStringValue(cJSON_GetObjectItem(first, "field")));
    assert_string_equal("must be a date (YYYY-MM-DD)",
                        cJSON_GetStringValue(cJSON_GetObjectItem(first, "description")));
    assert_int_equal(2, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(first, "line")));
    assert_string_equal("deadline", cJSON_GetStringValue(cJSON_GetObjectItem(first, "column")));
    const cJSON *more = cJSON_GetArrayItem(arr, CG_CSV_MAX_PROBLEMS);
    assert_string_equal("and 6 more problems not shown",
                        cJSON_GetStringValue(cJSON_GetObjectItem(more, "description")));
    cJSON_Delete(arr);
    cg_csv_problems_free(&problems);
}

CG_TEST_MAIN(cmocka_unit_test(test_reads), cmocka_unit_test(test_fields_and_headers),
             cmocka_unit_test(test_refused), cmocka_unit_test(test_limits),
             cmocka_unit_test(test_problems_capped))
