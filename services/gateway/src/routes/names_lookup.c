/* Names beside ids (names.h): the caches of account and unit names, and the
 * one query that reads what they lack. Accounts are keyed by id, units by
 * code (the last label of a path), so a unit moved elsewhere in the tree
 * keeps its cached names. Names change rarely (an administrator renames a
 * unit or an account) and are kept CG_ORG_CACHE_MS, like the org paths. */
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/log.h"
#include "gateway.h"
#include "names.h"

/* More accounts than units are named: a list of a hundred clues may name a
 * hundred handlers. A slot another key takes is only a later miss. */
#define ACCOUNT_SLOTS 1024
#define UNIT_SLOTS 256

struct gw_names {
    gw_org_cache *accounts; /* account id -> display name */
    gw_org_cache *units;    /* unit code -> name */
    gw_org_cache *units_zh; /* unit code -> Chinese name */
};

/* What the caches lack, in one round trip: 'a' rows are accounts (id,
 * display name), 'u' rows units (code, name, Chinese name). $1 is a text
 * array of ids, $2 one of codes; either may be empty. */
#define NAMES_SQL                                                                                  \
    "SELECT 'a', id::text, display_name, NULL::text FROM accounts WHERE id = ANY ($1::uuid[])"     \
    " UNION ALL"                                                                                   \
    " SELECT 'u', code, name, name_zh FROM org_units WHERE code = ANY ($2::text[])"

cg_code gw_names_create(gw_names **out, int64_t ttl_ms, cg_err *err)
{
    gw_names *names = calloc(1, sizeof(*names));
    *out = NULL;
    if (names == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory for the name caches");
    cg_code rc = gw_org_cache_create(&names->accounts, ACCOUNT_SLOTS, ttl_ms, err);
    if (rc == CG_OK)
        rc = gw_org_cache_create(&names->units, UNIT_SLOTS, ttl_ms, err);
    if (rc == CG_OK)
        rc = gw_org_cache_create(&names->units_zh, UNIT_SLOTS, ttl_ms, err);
    /* On failure the caches made so far go with it. */
    if (rc == CG_OK)
        *out = names;
    else
        gw_names_destroy(names);
    return rc;
}

void gw_names_destroy(gw_names *names)
{
    if (names == NULL)
        return;
    gw_org_cache_destroy(names->accounts);
    gw_org_cache_destroy(names->units);
    gw_org_cache_destroy(names->units_zh);
    free(names);
}

/* A unit's names as the dictionaries of names.h hold them. */
static cJSON *unit_entry(const char *name, const char *name_zh)
{
    cJSON *o = cJSON_CreateObject();
    if (o != NULL && (cJSON_AddStringToObject(o, "name", name) == NULL ||
                      cJSON_AddStringToObject(o, "name_zh", name_zh) == NULL)) {
        cJSON_Delete(o);
        o = NULL;
    }
    return o;
}

/* Fill the entries of dict still null from the cache, and write the keys
 * it lacks as a PostgreSQL array literal ({"k1","k2"}) into a new string
 * (owned by the caller, free()); NULL when out of memory. Keys are UUIDs or
 * unit codes, checked by the walk, so none holds a quote or a backslash. */
static char *from_cache(gw_names *names, cJSON *dict, bool units, int64_t now_ms)
{
    char name[GW_NAME_MAX + 1];
    char name_zh[GW_NAME_MAX + 1];
    size_t size = 3, len = 0;
    cJSON *c;
    cJSON *next;

    cJSON_ArrayForEach(c, dict)
    {
        size += strlen(c->string) + 3;
    }
    char *literal = malloc(size);
    if (literal == NULL)
        return NULL;
    literal[len++] = '{';
    for (c = dict->child; c != NULL; c = next) {
        next = c->next;
        if (!cJSON_IsNull(c))
            continue;
        cJSON *found = NULL;
        if (!units && gw_org_cache_get(names->accounts, c->string, now_ms, name, sizeof(name)))
            found = cJSON_CreateString(name);
        else if (units && gw_org_cache_get(names->units, c->string, now_ms, name, sizeof(name)) &&
                 gw_org_cache_get(names->units_zh, c->string, now_ms, name_zh, sizeof(name_zh)))
            found = unit_entry(name, name_zh);
        if (found != NULL && cJSON_ReplaceItemInObjectCaseSensitive(dict, c->string, found))
            continue;
        cJSON_Delete(found); /* out of memory: asked of the database instead */
        len +=
            (size_t)snprintf(literal + len, size - len, "%s\"%s\"", len > 1 ? "," : "", c->string);
    }
    literal[len++] = '}';
    literal[len] = '\0';
    return literal;
}

/* Forget the entries of dict still null: the lookup failed, so they are
 * not known to name nothing, and their members are left out. */
static void drop_unknown(cJSON *dict)
{
    cJSON *next;
    for (cJSON *c = dict->child; c != NULL; c = next) {
        next = c->next;
        if (cJSON_IsNull(c))
            cJSON_Delete(cJSON_DetachItemViaPointer(dict, c));
    }
}

/* Put what one row of NAMES_SQL says into its dictionary and the cache. */
static void take_row(gw_names *names, const PGresult *res, int row, cJSON *accounts, cJSON *units,
                     int64_t now_ms)
{
    const char *key = cg_db_get(res, row, 1);
    const char *name = cg_db_get(res, row, 2);
    cJSON *dict = units;
    cJSON *found = NULL;

    if (strcmp(cg_db_get(res, row, 0), "a") == 0) {
        dict = accounts;
        found = cJSON_CreateString(name);
        gw_org_cache_put(names->accounts, key, name, now_ms);
    } else {
        const char *name_zh = cg_db_get(res, row, 3);
        found = unit_entry(name, name_zh);
        gw_org_cache_put(names->units, key, name, now_ms);
        gw_org_cache_put(names->units_zh, key, name_zh, now_ms);
    }
    /* The replacement takes the key's name with it. Out of memory, the
     * entry stays null. */
    if (found != NULL && (cJSON_GetObjectItemCaseSensitive(dict, key) == NULL ||
                          !cJSON_ReplaceItemInObjectCaseSensitive(dict, key, found)))
        cJSON_Delete(found);
}

/* Look up the entries of accounts and units that are null (names.h),
 * from the caches and then in one query. On failure the entries not found
 * are dropped and err says why. */
static cg_code resolve(gw_app *app, cJSON *accounts, cJSON *units, cg_err *err)
{
    cg_code rc = CG_OK;
    PGresult *res = NULL;
    int64_t asked_ms = cg_mono_ms();
    char *ids = from_cache(app->names, accounts, false, asked_ms);
    char *codes = from_cache(app->names, units, true, asked_ms);

    if (ids == NULL || codes == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory looking names up");
        goto cleanup;
    }
    if (strcmp(ids, "{}") == 0 && strcmp(codes, "{}") == 0)
        goto cleanup; /* the caches knew every one */
    const char *params[] = {ids, codes};
    rc = cg_db_query(app->base.db, GW_DB_ACQUIRE_MS, NAMES_SQL, 2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    for (int i = 0; i < PQntuples(res); i++)
        take_row(app->names, res, i, accounts, units, asked_ms);

cleanup:
    if (rc != CG_OK) {
        drop_unknown(accounts);
        drop_unknown(units);
    }
    PQclear(res);
    free(ids);
    free(codes);
    return rc;
}

void gw_names_annotate(gw_app *app, cJSON *answer)
{
    cJSON *accounts = cJSON_CreateObject();
    cJSON *units = cJSON_CreateObject();
    cg_err err;

    cg_err_clear(&err);
    if (answer == NULL)
        goto cleanup; /* the answer could not be built: it goes as a 500 */
    if (accounts == NULL || units == NULL) {
        cg_err_set(&err, CG_INTERNAL, "out of memory for names");
        goto cleanup;
    }
    if (gw_names_collect(answer, accounts, units, &err) != CG_OK)
        goto cleanup;
    /* A failed lookup leaves out the names it could not find; the answer
     * itself is still worth sending. */
    if (resolve(app, accounts, units, &err) != CG_OK)
        cg_log_warn("names left out of an answer: %s", err.message);
    cg_err_clear(&err);
    gw_names_apply(answer, accounts, units, &err);

cleanup:
    if (err.code != CG_OK)
        cg_log_warn("names left out of an answer: %s", err.message);
    cJSON_Delete(accounts);
    cJSON_Delete(units);
}

cg_code gw_names_unit(gw_app *app, const char *code, char *name, char *name_zh, cg_err *err)
{
    cg_code rc;
    cJSON *accounts = cJSON_CreateObject();
    cJSON *units = cJSON_CreateObject();

    if (accounts == NULL || units == NULL || cJSON_AddNullToObject(units, code) == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory for names");
        goto cleanup;
    }
    rc = resolve(app, accounts, units, err);
    if (rc != CG_OK)
        goto cleanup;
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(units, code);
    if (!cJSON_IsObject(found)) {
        rc = cg_err_set(err, CG_NOT_FOUND, "no such unit");
        goto cleanup;
    }
    cg_strlcpy(name, cJSON_GetObjectItemCaseSensitive(found, "name")->valuestring, GW_NAME_MAX + 1);
    cg_strlcpy(name_zh, cJSON_GetObjectItemCaseSensitive(found, "name_zh")->valuestring,
               GW_NAME_MAX + 1);

cleanup:
    cJSON_Delete(accounts);
    cJSON_Delete(units);
    return rc;
}
