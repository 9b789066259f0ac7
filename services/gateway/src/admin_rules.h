/* The pure rules of the administration API (admin.c): what a username, an
 * org-unit code, a role and a page request may be, and reading the fields
 * of a request body. No database, so the unit tests call them directly. */
#ifndef GW_ADMIN_RULES_H
#define GW_ADMIN_RULES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

/* Longest cursor a list accepts: a username or an org path. */
#define GW_ADMIN_CURSOR_MAX 512
#define GW_ADMIN_PAGE_DEFAULT 20
#define GW_ADMIN_PAGE_MAX 100

/* 1 to 64 of [a-z0-9._-], starting with a letter or digit. */
bool gw_username_valid(const char *s);
/* 1 to 64 of [a-z0-9_]: an ltree label, as org_units.code requires. */
bool gw_unit_code_valid(const char *s);
/* One of the roles of gw_roles[]. */
bool gw_role_known(const char *s);

/* A body member read by gw_body_fields(). */
typedef struct gw_body_field {
    const char *name;
    bool required;
    size_t max_chars;  /* in characters (code points); 0: no bound */
    const char *value; /* out: borrowed from the body, NULL when absent */
} gw_body_field;

/* Read the string members of body (an object) named by fields[0..n): each
 * must be a string of 1..max_chars characters, required ones present, and
 * no other member present. Every problem is a violation in err
 * (INVALID_ARGUMENT). */
cg_code gw_body_fields(const cJSON *body, gw_body_field *fields, size_t n, cg_err *err);

/* Read ?limit= (1..GW_ADMIN_PAGE_MAX, default GW_ADMIN_PAGE_DEFAULT) and
 * ?cursor= (at most GW_ADMIN_CURSOR_MAX bytes; "" when absent) from a raw
 * query string. */
cg_code gw_admin_page(const char *query, int *limit, char cursor[GW_ADMIN_CURSOR_MAX + 1],
                      cg_err *err);

#endif
