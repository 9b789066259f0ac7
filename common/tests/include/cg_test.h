/* Helpers shared by the unit tests (cmocka): table-driven checks and the
 * lookup of a field violation. Include it after <cmocka.h>.
 *
 * A table is a static array of rows, one row per case, checked by one loop
 * that names the failing row:
 *
 *     static const char *const json[] = {"application/json", "Application/JSON"};
 *     static const char *const not_json[] = {NULL, "", "text/plain"};
 *     CG_CHECK_EACH(gw_media_type_is_json, json, true);
 *     CG_CHECK_EACH(gw_media_type_is_json, not_json, false);
 *
 * fails with `gw_media_type_is_json("text/plain") is true, want false`. */
#ifndef CG_TEST_H
#define CG_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sodium.h>
#include <string.h>

#include "cg/status.h"

/* The number of rows of a static array. */
#define CG_NROWS(rows) (sizeof(rows) / sizeof((rows)[0]))

/* A text given to a function and the text it must return (NULL: none). */
typedef struct cg_test_str_row {
    const char *in;
    const char *want;
} cg_test_str_row;

/* A string as the failure messages show it: quoted, or NULL. */
#define CG_TEST_SHOW(s)                                                                            \
    ((s) != NULL ? "\"" : ""), ((s) != NULL ? (s) : "NULL"), ((s) != NULL ? "\"" : "")

static inline void cg_test_check_each(const char *name, bool (*pred)(const char *),
                                      const char *const *inputs, size_t n, bool want)
{
    for (size_t i = 0; i < n; i++) {
        if (pred(inputs[i]) != want)
            fail_msg("%s(%s%s%s) is %s, want %s", name, CG_TEST_SHOW(inputs[i]),
                     want ? "false" : "true", want ? "true" : "false");
    }
}

static inline void cg_test_check_strings(const char *name, const char *(*fn)(const char *),
                                         const cg_test_str_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = fn(rows[i].in);
        bool same = got == NULL || rows[i].want == NULL ? got == rows[i].want
                                                        : strcmp(got, rows[i].want) == 0;
        if (!same)
            fail_msg("%s(%s%s%s) is %s%s%s, want %s%s%s", name, CG_TEST_SHOW(rows[i].in),
                     CG_TEST_SHOW(got), CG_TEST_SHOW(rows[i].want));
    }
}

/* pred(input) == want for every string of the static array inputs. */
#define CG_CHECK_EACH(pred, inputs, want)                                                          \
    cg_test_check_each(#pred, pred, inputs, CG_NROWS(inputs), want)

/* fn(row.in) is the string row.want (or NULL where want is NULL) for every
 * row of the static array rows. */
#define CG_CHECK_STRINGS(fn, rows) cg_test_check_strings(#fn, fn, rows, CG_NROWS(rows))

/* err has a violation of field whose description contains text. */
static inline bool cg_test_has_violation(const cg_err *err, const char *field, const char *text)
{
    for (size_t i = 0; i < err->nviolations; i++)
        if (strcmp(err->violations[i].field, field) == 0 &&
            strstr(err->violations[i].description, text) != NULL)
            return true;
    return false;
}

/* A state diagram in the docs and a transition table in code must agree:
 * the arrows "from --> to : label" of a document's ```mermaid blocks
 * ([*] ones left out), read into arrows (at most CG_TEST_ARROWS_MAX), and
 * the check that two lists of arrows hold the same ones. */
#define CG_TEST_ARROWS_MAX 64
#define CG_TEST_ARROW_LEN 128

static inline size_t cg_test_doc_arrows(const char *path,
                                        char arrows[CG_TEST_ARROWS_MAX][CG_TEST_ARROW_LEN])
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    char line[256];
    size_t n = 0;
    bool in_block = false;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "```", 3) == 0) {
            in_block = strcmp(line, "```mermaid") == 0;
            continue;
        }
        const char *p = line + strspn(line, " ");
        if (!in_block || strstr(p, " --> ") == NULL || strstr(p, "[*]") != NULL)
            continue;
        if (n == CG_TEST_ARROWS_MAX)
            fail_msg("%s draws more than %d arrows", path, CG_TEST_ARROWS_MAX);
        snprintf(arrows[n++], CG_TEST_ARROW_LEN, "%s", p);
    }
    fclose(f);
    return n;
}

static inline bool cg_test_arrows_hold(char arrows[][CG_TEST_ARROW_LEN], size_t n, const char *a)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arrows[i], a) == 0)
            return true;
    return false;
}

/* Every arrow of the table is drawn in doc, and doc draws no other. */
static inline void cg_test_same_arrows(const char *doc_name, char doc[][CG_TEST_ARROW_LEN],
                                       size_t nd, char table[][CG_TEST_ARROW_LEN], size_t nt)
{
    for (size_t i = 0; i < nt; i++)
        if (!cg_test_arrows_hold(doc, nd, table[i]))
            fail_msg("%s lacks the arrow \"%s\"", doc_name, table[i]);
    for (size_t i = 0; i < nd; i++)
        if (!cg_test_arrows_hold(table, nt, doc[i]))
            fail_msg("%s draws \"%s\", which the table does not allow", doc_name, doc[i]);
}

/* The main() of a test file: runs the tests listed, in order, as one group.
 *
 *     CG_TEST_MAIN(cmocka_unit_test(test_parse), cmocka_unit_test(test_print))
 */
#define CG_TEST_MAIN(...) CG_TEST_MAIN_SETUP(NULL, __VA_ARGS__)

/* The same for tests of code that needs libsodium initialised (random ids,
 * hashes, hex): the group fails at once if it cannot be. */
#define CG_TEST_MAIN_SODIUM(...) CG_TEST_MAIN_SETUP(cg_test_sodium_init, __VA_ARGS__)

static inline int cg_test_sodium_init(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* main() running the tests listed after setup, a cmocka group setup (NULL:
 * none). */
#define CG_TEST_MAIN_SETUP(setup, ...)                                                             \
    int main(void)                                                                                 \
    {                                                                                              \
        const struct CMUnitTest tests[] = {__VA_ARGS__};                                           \
        return cmocka_run_group_tests(tests, setup, NULL);                                         \
    }

#endif
