/* The pure rules of the administration API (admin.c): what a username, an
 * org-unit code, a role and a page request may be, and reading the fields
 * of a request body. No database, so the unit tests call them directly. */
#ifndef GW_ADMIN_RULES_H
#define GW_ADMIN_RULES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"
#include "cg/limits.h"
#include "gw_pure.h"

/* Longest cursor a list accepts: a username or an org path. */
#define GW_ADMIN_CURSOR_MAX 512
#define GW_ADMIN_PAGE_DEFAULT 20
#define GW_ADMIN_PAGE_MAX CG_PAGE_SIZE_MAX

/* 1 to 64 of [a-z0-9._-], starting with a letter or digit. */
bool gw_username_valid(const char *s);
/* 1 to 64 of [a-z0-9_]: an ltree label, as org_units.code requires. */
bool gw_unit_code_valid(const char *s);
/* One of the roles of gw_roles[]. */
bool gw_role_known(const char *s);
/* 1 to 64 of [A-Za-z0-9._-]: an enterprise person id (HR number). */
bool gw_person_id_valid(const char *s);

/* Room for the PostgreSQL array literal of GW_MAX_ROLES role names. */
#define GW_ROLES_LITERAL_MAX 128

/* Read a "roles" member (field names it in violations): an array of 1 to
 * GW_MAX_ROLES distinct role names; admin and auditor only as the sole
 * role (an administrator reads no case content and an auditor changes
 * nothing, so neither duty may be mixed with another). On CG_OK out holds
 * the names as a PostgreSQL array literal ("{inspector,inspection_lead}"),
 * which is safe to pass as a text[] parameter because every name was
 * checked against the role table. */
cg_code gw_roles_parse(const cJSON *roles, const char *field, char out[GW_ROLES_LITERAL_MAX],
                       cg_err *err);

/* What kind of member a gw_body_field reads. */
typedef enum gw_field_kind {
    GW_FIELD_STRING = 0, /* a non-empty string */
    GW_FIELD_NULLABLE,   /* a non-empty string, or null ("clear it") */
    GW_FIELD_ARRAY,      /* an array; the caller reads its items */
} gw_field_kind;

/* A body member read by gw_body_fields(). */
typedef struct gw_body_field {
    const char *name;
    bool required;
    size_t max_chars;  /* in characters (code points); 0: no bound */
    const char *value; /* out: borrowed from the body, NULL when absent or null */
    gw_field_kind kind;
    const cJSON *item; /* out: the member itself, NULL when absent */
} gw_body_field;

/* Read the members of body (an object) named by fields[0..n): each as its
 * kind says (strings of 1..max_chars characters), required ones present,
 * and no other member present. Every problem is a violation in err
 * (INVALID_ARGUMENT). */
cg_code gw_body_fields(const cJSON *body, gw_body_field *fields, size_t n, cg_err *err);

/* Read ?limit= (1..GW_ADMIN_PAGE_MAX, default GW_ADMIN_PAGE_DEFAULT) and
 * ?cursor= (at most GW_ADMIN_CURSOR_MAX bytes; "" when absent) from a raw
 * query string. */
cg_code gw_admin_page(const char *query, int *limit, char cursor[GW_ADMIN_CURSOR_MAX + 1],
                      cg_err *err);

/* --- the people lookup (GET /api/v1/people) ------------------------------ */

/* Longest ?q= of the people lookup, in characters, and its room in bytes. */
#define GW_PEOPLE_Q_MAX_CHARS 100
#define GW_PEOPLE_Q_MAX_BYTES (4 * GW_PEOPLE_Q_MAX_CHARS)

/* Read the filters of the people lookup from a raw query string: ?role= (a
 * role of gw_roles[]; "" when absent) and ?q= (1 to GW_PEOPLE_Q_MAX_CHARS
 * characters; "" when absent). Every problem is a violation naming its
 * parameter (INVALID_ARGUMENT). ?limit= and ?cursor= are gw_admin_page()'s. */
cg_code gw_people_filters(const char *query, char role[GW_ROLE_NAME_MAX],
                          char q[GW_PEOPLE_Q_MAX_BYTES + 1], cg_err *err);

#endif
