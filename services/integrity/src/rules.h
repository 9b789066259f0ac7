/* The integrity service's rules of input, as pure functions: the unified
 * social credit code, a person id, a day that may not lie ahead, and the
 * fields of a cadre and of a relative. Each adds its violations to err
 * under the API's field names, prefixed (a CSV row's "line 7."), and says
 * whether the value passed. No database, no NATS: unit-tested on their own
 * (tests/test_rules.c). */
#ifndef INTEGRITY_RULES_H
#define INTEGRITY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"
#include "cleangrid/v1/integrity.pb-c.h"

/* Whether code is a unified social credit code (统一社会信用代码, GB
 * 32100-2015): 18 characters of 0-9 and the upper-case letters but I, O,
 * S, V and Z, whose last is the check character of the first 17. */
bool integrity_credit_code_valid(const char *code);

/* The field of a violation: prefix and name into buf ("line 7.name"). */
const char *integrity_field(char *buf, size_t size, const char *prefix, const char *name);

/* The number of an import's rows: at least one, at most
 * CG_INTEGRITY_IMPORT_ROWS_MAX; otherwise INVALID_ARGUMENT, saying what
 * the file holds none or too many of ("cadres"). */
cg_code integrity_check_row_count(cg_err *err, size_t n, const char *what);

/* Add the violations of one row of an import (row) to err, counting them
 * in *found: err keeps only the first CG_ERR_MAX_VIOLATIONS, and the count
 * tells how many the rows have in all. */
void integrity_add_row_violations(cg_err *err, const cg_err *row, size_t *found);

/* The code of an import's check of its rows: when there are more
 * violations (found) than err names, its message says so, in the words
 * the gateway reads the count from (its handlers/csv_import.c). */
cg_code integrity_rows_checked(cg_err *err, size_t found);

/* A person id as accounts carry them: 1 to 64 of [A-Za-z0-9._-]. */
bool integrity_check_person_id(cg_err *err, const char *field, const char *value, bool required);

/* A day (Unix ms at midnight UTC): given when required, and not after
 * today_ms (the service's today). */
bool integrity_check_past_day(cg_err *err, const char *field, int64_t day_ms, int64_t today_ms,
                              bool required);

/* The fields of a new cadre (the key position's word is the database's to
 * check). */
bool integrity_check_cadre(cg_err *err, const char *prefix,
                           const Cleangrid__V1__CreateCadreRequest *c, int64_t today_ms);

/* The fields of a relative and their businesses (the relation's word is
 * the database's to check). */
bool integrity_check_relative(cg_err *err, const Cleangrid__V1__SetRelativeRequest *r);

/* Whether s is a day written YYYY-MM-DD that the calendar has. */
bool integrity_day_valid(const char *s);

/* Whether s is a number a report may hold: digits, at most one decimal
 * point with digits after it, at most 15 characters; never negative. */
bool integrity_number_valid(const char *s);

/* The item of the form called name; NULL when the form has none. Borrowed
 * from form. */
const Cleangrid__V1__ReportFormItem *integrity_form_item(const Cleangrid__V1__ReportForm *form,
                                                         const char *name);

/* One entry of item against its fields and the relation names
 * (NULL-terminated): known fields, each once, values of the field's type
 * of at most 200 characters; complete (a submitted report's entry, an
 * imported reference record): every required field given. Violations name
 * prefix and the field ("line 7.area_m2"). */
bool integrity_check_entry(cg_err *err, const char *prefix,
                           const Cleangrid__V1__ReportFormItem *item,
                           const Cleangrid__V1__ReportEntry *entry, const char *const *relations,
                           bool complete);

/* The answers of a report (n items) against its form and the relation
 * names (NULL-terminated): known items, each once, known fields, each once
 * per entry, values of the field's type, at most 50 entries of at most 200
 * characters each; an item answered "none" has no entries. complete (a
 * report being submitted): every item of the form answered, and every
 * required field of every entry given. Violations name
 * "items[i].entries[j].<field>" (integrity_check_entry()). */
bool integrity_check_answers(cg_err *err, const Cleangrid__V1__ReportForm *form,
                             const char *const *relations,
                             Cleangrid__V1__ReportItemAnswer *const *items, size_t n,
                             bool complete);

#endif
