/* Names beside ids: a person reading an answer sees who and which unit, not
 * a UUID or an org path.
 *
 * Every JSON answer of a service that names an account carries the
 * account's display name beside the id, and every org path its unit's
 * names, in both of the console's languages. Which members hold ids and
 * where their names go is one table of rows (gw_name_keys); the walk finds
 * them at any depth of an answer, in objects and arrays alike.
 *
 * Annotating is three steps. The pure two live in gw_core:
 * gw_names_collect() gathers the distinct account ids and unit codes one
 * answer names, and gw_names_apply() adds the name members once those have
 * been looked up. The lookup between them (gw_names_annotate()) asks the
 * gateway's caches, and the database in one query for whatever they lack.
 *
 * What a name member holds:
 *   - the name, when the account or unit exists;
 *   - null, when the id names no account (a service's own step has an empty
 *     or non-account actor, an account may have gone) or the path no unit;
 *   - nothing at all (the member is left out) when the names could not be
 *     looked up (the gateway's database unavailable): an unknown name is
 *     not a missing account, and a reader then falls back on the id. */
#ifndef GW_NAMES_H
#define GW_NAMES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

/* What a member of gw_name_keys holds. */
typedef enum gw_name_kind {
    GW_NAME_ACCOUNT,   /* an account id: its display name into name_key */
    GW_NAME_ACCOUNTS,  /* an array of account ids: their names, same order */
    GW_NAME_UNIT,      /* an org path: its unit's name and Chinese name */
    GW_NAME_UNIT_KEYS, /* an object keyed by org paths: {path: {name, name_zh}} */
} gw_name_kind;

/* One row: the member key of kind, and the members its names go into. */
typedef struct gw_name_key {
    const char *key;
    gw_name_kind kind;
    const char *name_key;
    const char *name_zh_key; /* GW_NAME_UNIT only; NULL otherwise */
} gw_name_key;

extern const gw_name_key gw_name_keys[];
extern const size_t gw_nname_keys;

/* The unit code of an org path (its last label, as org_units requires)
 * into code (code_size bytes); false when path is not a valid path. */
bool gw_names_unit_code(const char *path, char *code, size_t code_size);

/* Add to accounts every account id answer names that it lacks, as a member
 * id (lower case) -> null, and to units every unit code, code -> null. Ids
 * that are not UUIDs and paths that are not org paths are left out: they
 * name nothing. answer is borrowed; accounts and units are objects owned by
 * the caller. INTERNAL when out of memory. */
cg_code gw_names_collect(const cJSON *answer, cJSON *accounts, cJSON *units, cg_err *err);

/* Add the name members to answer (changed in place, borrowed) from what
 * the lookup found: accounts maps an id to its display name (a string) or
 * null when no account has it; units maps a code to {"name", "name_zh"} or
 * null when no unit has it. An id or code missing from them was not looked
 * up, and its name member is left out (for an array or an object of them,
 * when any one is missing). A name member the answer already holds is
 * replaced. INTERNAL when out of memory, with answer partly annotated. */
cg_code gw_names_apply(cJSON *answer, const cJSON *accounts, const cJSON *units, cg_err *err);

/* --- names_lookup.c (the executable): the caches and the query --------- */

struct gw_app;
typedef struct gw_names gw_names;

/* Caches of account and unit names kept ttl_ms each (0: none, every
 * answer asks the database). *out is owned by the caller and freed with
 * gw_names_destroy(). */
cg_code gw_names_create(gw_names **out, int64_t ttl_ms, cg_err *err);
/* NULL is fine. */
void gw_names_destroy(gw_names *names);

/* Add the name members to answer (borrowed, changed in place), a service's
 * answer about to be sent to a caller who is logged in. Names the cache
 * lacks are read in one query; when that fails, it is logged and their
 * members are left out, and the answer goes as it is. Never for a public
 * route's answer: names are for the office only. */
void gw_names_annotate(struct gw_app *app, cJSON *answer);

/* The names of the unit with code (borrowed) into name and name_zh (each
 * at least GW_NAME_MAX + 1 bytes), from the cache when it has them. NOT_FOUND
 * for a code no unit has, UNAVAILABLE when the database is down. */
#define GW_NAME_MAX 400 /* bytes: 100 characters of up to four bytes */
cg_code gw_names_unit(struct gw_app *app, const char *code, char *name, char *name_zh, cg_err *err);

#endif
