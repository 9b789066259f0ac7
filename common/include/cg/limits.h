/* The named limits of the API's input, each defined once.
 *
 * The service that owns the data checks them (with cg/validate.h); the web
 * console's forms read the same numbers from web/src/lib/limits.generated.ts,
 * which tools/limits (cg-limits) prints from this table, so a limit that
 * changes here changes everywhere or the check `limits_generated` fails.
 * Lengths are in Unicode code points (cg_utf8_length), never bytes, so a
 * Chinese name gets as many characters as a Latin one.
 *
 * One row per limit: X(name, value). The names become enum constants here
 * and, without the CG_ prefix, the keys of LIMITS in TypeScript. */
#ifndef CG_LIMITS_H
#define CG_LIMITS_H

// clang-format off
#define CG_LIMITS(X)                                                                               \
    /* Lists: ?limit= of every list, and the size when none is given. */                         \
    X(CG_PAGE_SIZE_DEFAULT, 20)                                                                    \
    X(CG_PAGE_SIZE_MAX, 100)                                                                       \
    /* A public report (intake). */                                                               \
    X(CG_REPORT_CATEGORY_MAX, 64)                                                                  \
    X(CG_REPORT_CONTENT_MIN, 10)                                                                   \
    X(CG_REPORT_CONTENT_MAX, 5000)                                                                 \
    X(CG_REPORT_LOCATION_MAX, 200)                                                                 \
    X(CG_REPORT_ACCUSED_PERSON_MAX, 100)                                                           \
    X(CG_REPORT_ACCUSED_UNIT_MAX, 200)                                                             \
    X(CG_REPORT_REPORTER_NAME_MAX, 100)                                                            \
    X(CG_REPORT_PHONE_MIN, 5)                                                                      \
    X(CG_REPORT_PHONE_MAX, 20)                                                                     \
    X(CG_REPORT_CHANNEL_MAX, 32)                                                                   \
    /* The receipt (查询码) a reporter follows a report with. */                                   \
    X(CG_RECEIPT_DIGITS, 16)                                                                       \
    /* A clue's register (case): its subjects, their names and the short  */                      \
    /* fields beside them, the link to where it came from, its summary.   */                      \
    X(CG_CLUE_SUBJECTS_MAX, 20)                                                                    \
    X(CG_CLUE_CATEGORIES_MAX, 7)                                                                   \
    X(CG_CLUE_SUBJECT_NAME_MAX, 200)                                                               \
    X(CG_CLUE_FIELD_MAX, 200)                                                                      \
    X(CG_CLUE_SOURCE_LINK_MAX, 400)                                                                \
    /* Free text of a clue or case: a summary, a reason, a conclusion, a  */                      \
    /* note.                                                              */                      \
    X(CG_TEXT_MAX, 2000)                                                                           \
    /* A case's investigation report (调查报告), the one long text.       */                      \
    X(CG_CASE_REPORT_MAX, 20000)                                                                   \
    /* The one extension of a case's investigation: its days are 1 to     */                      \
    /* CG_CASE_EXTENSION_MAX_DAYS, a setting that may be at most this.    */                      \
    X(CG_EXTENSION_DAYS_CEILING, 365)                                                              \
    /* The task rows one import file of a rectification batch may hold   */                      \
    /* (整改, problems and tasks together).                               */                      \
    X(CG_RECTIFY_IMPORT_ROWS_MAX, 2000)                                                            \
    /* The cadres one import file of integrity files may hold.           */                      \
    X(CG_INTEGRITY_IMPORT_ROWS_MAX, 5000)
// clang-format on

#define CG_LIMIT_ENUM_ROW(name, value) name = (value),
enum cg_limit { CG_LIMITS(CG_LIMIT_ENUM_ROW) };
#undef CG_LIMIT_ENUM_ROW

#endif
