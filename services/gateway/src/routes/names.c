/* Names beside ids (names.h): the table of members that hold account ids
 * and org paths, and the two walks over an answer, one to gather what it
 * names and one to add the names. Pure: the lookup between them is
 * names_lookup.c's. */
#include "names.h"

#include <ctype.h>
#include <string.h>

#include "cg/util.h"
#include "org_cache.h"

/* Where a person reads an id in the API's answers. A dossier entry's
 * summary holds the step's own members (handler_id, previous_handler_id,
 * user_id of an investigator added, reviewer_id), so the timeline can name
 * them too. */
const gw_name_key gw_name_keys[] = {
    {"handler_id", GW_NAME_ACCOUNT, "handler_name", NULL},
    {"previous_handler_id", GW_NAME_ACCOUNT, "previous_handler_name", NULL},
    {"reviewer_id", GW_NAME_ACCOUNT, "reviewer_name", NULL},
    {"filed_by", GW_NAME_ACCOUNT, "filed_by_name", NULL},
    {"proposed_by", GW_NAME_ACCOUNT, "proposed_by_name", NULL},
    {"decided_by", GW_NAME_ACCOUNT, "decided_by_name", NULL},
    {"requested_by", GW_NAME_ACCOUNT, "requested_by_name", NULL},
    {"added_by", GW_NAME_ACCOUNT, "added_by_name", NULL},
    {"executed_by", GW_NAME_ACCOUNT, "executed_by_name", NULL},
    {"actor_id", GW_NAME_ACCOUNT, "actor_name", NULL},
    {"user_id", GW_NAME_ACCOUNT, "user_name", NULL},
    /* The integrity files' own (docs/integrity.md): who opened a round,
     * drew or concluded a verification, entered a reference record or a
     * record, changed a part of a file, submitted a report and edited an
     * opinion. A record the service wrote itself names no account. */
    {"opened_by", GW_NAME_ACCOUNT, "opened_by_name", NULL},
    {"drawn_by", GW_NAME_ACCOUNT, "drawn_by_name", NULL},
    {"concluded_by", GW_NAME_ACCOUNT, "concluded_by_name", NULL},
    {"entered_by", GW_NAME_ACCOUNT, "entered_by_name", NULL},
    {"recorded_by", GW_NAME_ACCOUNT, "recorded_by_name", NULL},
    {"changed_by", GW_NAME_ACCOUNT, "changed_by_name", NULL},
    {"submitted_by", GW_NAME_ACCOUNT, "submitted_by_name", NULL},
    {"edited_by", GW_NAME_ACCOUNT, "edited_by_name", NULL},
    /* A risk alert's history (docs/risk.md): who acted on it; the
     * service's own raise names no account ("risk"). */
    {"actor", GW_NAME_ACCOUNT, "actor_name", NULL},
    {"investigators", GW_NAME_ACCOUNTS, "investigator_names", NULL},
    {"org_path", GW_NAME_UNIT, "unit_name", "unit_name_zh"},
    {"unit_path", GW_NAME_UNIT, "unit_name", "unit_name_zh"},
    {"by_unit", GW_NAME_UNIT_KEYS, "unit_names", NULL},
};

const size_t gw_nname_keys = sizeof(gw_name_keys) / sizeof(gw_name_keys[0]);

/* A UUID is 36 characters; the dictionaries key it in lower case, as
 * PostgreSQL prints it. */
#define UUID_LEN 36

bool gw_names_unit_code(const char *path, char *code, size_t code_size)
{
    if (path == NULL || !cg_ltree_path_valid(path))
        return false;
    const char *dot = strrchr(path, '.');
    return cg_strlcpy(code, dot != NULL ? dot + 1 : path, code_size);
}

/* The lower-case form of an account id into out; false when s is no UUID. */
static bool account_key(const cJSON *item, char out[UUID_LEN + 1])
{
    if (!cJSON_IsString(item) || !cg_uuid_valid(item->valuestring))
        return false;
    for (size_t i = 0; i <= UUID_LEN; i++)
        out[i] = (char)tolower((unsigned char)item->valuestring[i]);
    return true;
}

/* The unit code of a path held by item; false when it holds none. */
static bool unit_key(const cJSON *item, const char *path, char out[GW_ORG_CODE_MAX + 1])
{
    if (path == NULL)
        path = cJSON_IsString(item) ? item->valuestring : NULL;
    return gw_names_unit_code(path, out, GW_ORG_CODE_MAX + 1);
}

/* Remember key in dict (as key -> null) unless it is there already. */
static bool want(cJSON *dict, const char *key)
{
    if (cJSON_GetObjectItemCaseSensitive(dict, key) != NULL)
        return true;
    return cJSON_AddNullToObject(dict, key) != NULL;
}

/* Gather what one member's value names, by the row that matched its key. */
static bool collect_member(const gw_name_key *row, const cJSON *value, cJSON *accounts,
                           cJSON *units)
{
    char key[GW_ORG_CODE_MAX + 1];
    const cJSON *it;
    bool ok = true;

    switch (row->kind) {
    case GW_NAME_ACCOUNT:
        return !account_key(value, key) || want(accounts, key);
    case GW_NAME_ACCOUNTS:
        cJSON_ArrayForEach(it, (cJSON_IsArray(value) ? value : NULL))
        {
            ok = ok && (!account_key(it, key) || want(accounts, key));
        }
        return ok;
    case GW_NAME_UNIT:
        return !unit_key(value, NULL, key) || want(units, key);
    case GW_NAME_UNIT_KEYS:
        cJSON_ArrayForEach(it, (cJSON_IsObject(value) ? value : NULL))
        {
            ok = ok && (!unit_key(NULL, it->string, key) || want(units, key));
        }
        return ok;
    }
    return true;
}

/* The row of gw_name_keys for member key, or NULL. */
static const gw_name_key *row_for(const char *key)
{
    for (size_t i = 0; key != NULL && i < gw_nname_keys; i++)
        if (strcmp(gw_name_keys[i].key, key) == 0)
            return &gw_name_keys[i];
    return NULL;
}

static bool collect(const cJSON *node, cJSON *accounts, cJSON *units)
{
    const cJSON *child;
    bool ok = true;
    cJSON_ArrayForEach(child, node)
    {
        const gw_name_key *row = cJSON_IsObject(node) ? row_for(child->string) : NULL;
        if (row != NULL)
            ok = ok && collect_member(row, child, accounts, units);
        /* A summary or an item inside may name people of its own. */
        if (cJSON_IsObject(child) || cJSON_IsArray(child))
            ok = ok && collect(child, accounts, units);
    }
    return ok;
}

cg_code gw_names_collect(const cJSON *answer, cJSON *accounts, cJSON *units, cg_err *err)
{
    if (!collect(answer, accounts, units))
        return cg_err_set(err, CG_INTERNAL, "out of memory gathering names");
    return CG_OK;
}

/* --- adding the names ------------------------------------------------------ */

/* The name of account id value as a new item: the name, null, or NULL when
 * it was not looked up (*unknown set) or memory ran out. */
static cJSON *account_name(const cJSON *value, const cJSON *accounts, bool *unknown)
{
    char key[UUID_LEN + 1];
    if (!account_key(value, key))
        return cJSON_CreateNull();
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(accounts, key);
    if (found == NULL) {
        *unknown = true;
        return NULL;
    }
    return cJSON_Duplicate(found, false);
}

/* The names of the unit of a path (the value, or path when not NULL) as
 * a new {"name", "name_zh"} or null; NULL as account_name(). */
static cJSON *unit_names(const cJSON *value, const char *path, const cJSON *units, bool *unknown)
{
    char key[GW_ORG_CODE_MAX + 1];
    if (!unit_key(value, path, key))
        return cJSON_CreateNull();
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(units, key);
    if (found == NULL) {
        *unknown = true;
        return NULL;
    }
    return cJSON_Duplicate(found, true);
}

/* Set obj's member key to item (owned: taken, or freed on failure),
 * replacing what was there. */
static bool put(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return false;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

/* Build the names of one member's value as a new item into *out: NULL with
 * *unknown when something was not looked up. False when out of memory. */
static bool names_of(const gw_name_key *row, const cJSON *value, const cJSON *accounts,
                     const cJSON *units, bool *unknown, cJSON **out)
{
    const cJSON *it;
    cJSON *list = NULL;

    *out = NULL;
    switch (row->kind) {
    case GW_NAME_ACCOUNT:
        *out = account_name(value, accounts, unknown);
        return *out != NULL || *unknown;
    case GW_NAME_UNIT:
        *out = unit_names(value, NULL, units, unknown);
        return *out != NULL || *unknown;
    case GW_NAME_ACCOUNTS:
        list = cJSON_CreateArray();
        cJSON_ArrayForEach(it, (cJSON_IsArray(value) ? value : NULL))
        {
            cJSON *name = list != NULL ? account_name(it, accounts, unknown) : NULL;
            if (name == NULL || !cJSON_AddItemToArray(list, name)) {
                cJSON_Delete(name);
                break;
            }
        }
        break;
    case GW_NAME_UNIT_KEYS:
        list = cJSON_CreateObject();
        cJSON_ArrayForEach(it, (cJSON_IsObject(value) ? value : NULL))
        {
            cJSON *names = list != NULL ? unit_names(NULL, it->string, units, unknown) : NULL;
            if (names == NULL || !cJSON_AddItemToObject(list, it->string, names)) {
                cJSON_Delete(names);
                break;
            }
        }
        break;
    }
    /* A list with any name not looked up is left out whole. */
    if (list != NULL && !*unknown && cJSON_GetArraySize(list) == cJSON_GetArraySize(value)) {
        *out = list;
        return true;
    }
    cJSON_Delete(list);
    return *unknown;
}

/* Add the names of one member (row matched its key) to obj. */
static bool apply_member(cJSON *obj, const gw_name_key *row, const cJSON *value,
                         const cJSON *accounts, const cJSON *units)
{
    bool unknown = false;
    cJSON *names = NULL;

    if (!names_of(row, value, accounts, units, &unknown, &names))
        return false;
    if (names == NULL)
        return true; /* not looked up: left out */
    if (row->kind != GW_NAME_UNIT)
        return put(obj, row->name_key, names);
    /* A unit's two names side by side, both null when no unit has the path. */
    cJSON *name = cJSON_IsNull(names)
                      ? cJSON_CreateNull()
                      : cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(names, "name"), false);
    cJSON *name_zh =
        cJSON_IsNull(names)
            ? cJSON_CreateNull()
            : cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(names, "name_zh"), false);
    cJSON_Delete(names);
    /* Both are put, so neither leaks when the first fails. */
    bool ok = put(obj, row->name_key, name);
    return put(obj, row->name_zh_key, name_zh) && ok;
}

static bool apply(cJSON *node, const cJSON *accounts, const cJSON *units)
{
    cJSON *child;
    bool ok = true;

    /* The children as they were first, so the members added below are
     * never walked themselves. */
    cJSON_ArrayForEach(child, node)
    {
        if (cJSON_IsObject(child) || cJSON_IsArray(child))
            ok = ok && apply(child, accounts, units);
    }
    if (!cJSON_IsObject(node))
        return ok;
    for (size_t i = 0; ok && i < gw_nname_keys; i++) {
        const gw_name_key *row = &gw_name_keys[i];
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(node, row->key);
        if (value != NULL)
            ok = apply_member(node, row, value, accounts, units);
    }
    return ok;
}

cg_code gw_names_apply(cJSON *answer, const cJSON *accounts, const cJSON *units, cg_err *err)
{
    if (!apply(answer, accounts, units))
        return cg_err_set(err, CG_INTERNAL, "out of memory adding names");
    return CG_OK;
}
