/* Checks of input fields, each adding a violation with one wording to a
 * cg_err, so every service words the same rule the same way.
 *
 * The service that owns the data checks its rules with these (lengths,
 * ranges, names, ids, dates, rules between fields); the gateway checks only
 * the JSON's shape and who may call. Field names are the API's JSON names
 * ("days", "subjects[0].name"), so a client can show a violation beside its
 * input whichever service found it.
 *
 * Each check returns true when the value passes and otherwise adds one
 * violation and returns false. Strings are borrowed for the call; NULL reads
 * as "" (not given), as protobuf-c gives "" for an absent string but a
 * hand-built message may carry NULL. Pure: no allocation, no I/O. */
#ifndef CG_VALIDATE_H
#define CG_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/limits.h"
#include "cg/status.h"

/* True if s holds a C0 control character or DEL, other than a line break or
 * tab when multiline. Such characters are invisible in the console and in
 * the dossier, so a name or summary could say more than anyone sees; no
 * stored text and no password may hold one. */
bool cg_text_has_control(const char *s, bool multiline);

/* Flags of cg_check_text. */
enum {
    /* The field must be given, and not blank (white space alone). */
    CG_TEXT_REQUIRED = 1 << 0,
    /* Line breaks and tabs are allowed (free text); without this flag a
     * field is one line. Other control characters are never allowed. */
    CG_TEXT_MULTILINE = 1 << 1,
};

/* A text field: valid UTF-8; given and not blank when CG_TEXT_REQUIRED; no
 * control characters (but line breaks and tabs with CG_TEXT_MULTILINE); and
 * when given, min to max Unicode code points. An optional field that is
 * empty passes whatever min is. */
bool cg_check_text(cg_err *err, const char *field, const char *value, size_t min, size_t max,
                   unsigned flags);

/* A whole number from min to max. */
bool cg_check_int(cg_err *err, const char *field, int64_t value, int64_t min, int64_t max);

/* Exactly n decimal digits 0-9 and nothing else. */
bool cg_check_digits(cg_err *err, const char *field, const char *value, size_t n);

/* One of names (a NULL-terminated table, borrowed); the violation lists
 * them. When optional, an empty value passes. */
bool cg_check_one_of(cg_err *err, const char *field, const char *value, const char *const *names,
                     bool optional);

/* A UUID in canonical form (cg_uuid_valid). */
bool cg_check_uuid(cg_err *err, const char *field, const char *value);

/* A range of Unix milliseconds: each end 0 (open) or positive, and the
 * end not before the start. The violation names to_field. */
bool cg_check_date_range(cg_err *err, const char *from_field, int64_t from_ms, const char *to_field,
                         int64_t to_ms);

/* The size of a list's page, as the API's ?limit= (field "limit"): 0 is
 * "not given" and yields CG_PAGE_SIZE_DEFAULT, anything else must be 1 to
 * CG_PAGE_SIZE_MAX. *size gets the size to use (the default on a
 * violation). */
bool cg_check_page_size(cg_err *err, int64_t page_size, int *size);

#endif
