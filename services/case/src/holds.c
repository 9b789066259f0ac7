/* The names a clue holds back (holds.h). */
#include "holds.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <string.h>

size_t case_hold_keys(const char *subjects_json, char (*keys)[CG_NAME_KEY_SIZE], size_t max)
{
    cJSON *subjects = cJSON_Parse(subjects_json != NULL ? subjects_json : "");
    const cJSON *array = cJSON_IsArray(subjects) ? subjects : NULL;
    const cJSON *s = NULL;
    size_t count = 0;

    cJSON_ArrayForEach(s, array)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
        const char *person = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "person_id"));
        char canon[CG_PERSON_ID_SIZE] = "";
        /* A subject with a person id is kept from that person by the
         * subject rule; an id too long to read holds its name back too. */
        if (name == NULL || count >= max ||
            (cg_person_id_canon(person, canon, sizeof canon) && canon[0] != '\0')) {
            continue;
        }
        size_t n = cg_name_keys_of(name, keys + count, max - count);
        for (size_t i = count; i < count + n; i++) {
            bool seen = false;
            for (size_t j = 0; j < count && !seen; j++) {
                seen = strcmp(keys[j], keys[i]) == 0;
            }
            if (seen) {
                memmove(keys[i], keys[count + n - 1], CG_NAME_KEY_SIZE);
                n--;
                i--;
            }
        }
        count += n;
    }
    cJSON_Delete(subjects);
    return count;
}
