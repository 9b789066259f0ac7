/* Recusal for relatives (recusal.h): the ids that can be asked about and
 * the refusals' wording. */
#include "recusal.h"

#include <cjson/cJSON.h>
#include <string.h>

/* What the checked person would do, as the refusals say it. */
static const char *const DOING[] = {
    [CASE_AS_HANDLER] = "handle",
    [CASE_AS_INVESTIGATOR] = "investigate",
    [CASE_AS_REVIEWER] = "review",
    [CASE_AS_DECIDER] = "decide on",
};

/* The relations the integrity files know at first (their table
 * `relations`), in words; a relation added there later is named by its
 * code. */
typedef struct relation_words {
    const char *code;
    const char *article; /* before the noun when the person is the relative */
    const char *noun;
    const char *zh;
} relation_words;

static const relation_words RELATIONS[] = {
    {"spouse", "the", "spouse", "配偶"},
    {"child", "a", "child", "子女"},
    {"child_spouse", "a", "son- or daughter-in-law", "子女配偶"},
    {"parent", "a", "parent", "父母"},
    {"sibling", "a", "sibling", "兄弟姐妹"},
};

bool case_recusal_person(const char *id, char canon[CG_PERSON_ID_SIZE])
{
    if (!cg_person_id_canon(id, canon, CG_PERSON_ID_SIZE) || canon[0] == '\0') {
        canon[0] = '\0';
        return false;
    }
    for (const char *c = canon; *c != '\0'; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '_' || *c == '-')) {
            canon[0] = '\0';
            return false;
        }
    }
    return true;
}

int case_recusal_subject_ids(const char *subjects_json, char (*ids)[CG_PERSON_ID_SIZE], size_t max)
{
    cJSON *subjects = cJSON_Parse(subjects_json != NULL ? subjects_json : "");
    const cJSON *array = cJSON_IsArray(subjects) ? subjects : NULL;
    const cJSON *s = NULL;
    size_t count = 0;
    bool over = false;

    cJSON_ArrayForEach(s, array)
    {
        char canon[CG_PERSON_ID_SIZE];
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "person_id"));
        if (!case_recusal_person(id, canon)) {
            continue;
        }
        bool seen = false;
        for (size_t j = 0; j < count && !seen; j++) {
            seen = strcmp(ids[j], canon) == 0;
        }
        if (seen) {
            continue;
        }
        if (count == max) {
            over = true;
            break;
        }
        memcpy(ids[count++], canon, CG_PERSON_ID_SIZE);
    }
    cJSON_Delete(subjects);
    return over ? -1 : (int)count;
}

cg_code case_recusal_refuse(cg_err *err, const char *relation, const char *direction,
                            case_recusal_as as, bool self, const char *record)
{
    const relation_words *w = NULL;
    for (size_t i = 0; relation != NULL && i < sizeof RELATIONS / sizeof RELATIONS[0]; i++) {
        if (strcmp(RELATIONS[i].code, relation) == 0) {
            w = &RELATIONS[i];
        }
    }
    const char *article = w != NULL ? w->article : "a";
    const char *noun = w != NULL ? w->noun : "relative";
    const char *zh = w != NULL ? w->zh : relation != NULL ? relation : "";
    const char *doing = DOING[as];
    /* The person's own file names the subject: the subject is their
     * relative. Otherwise the subject's file names the person. */
    if (direction != NULL && strcmp(direction, "person_declared") == 0) {
        return cg_err_set(err, CG_FAILED_PRECONDITION,
                          "a subject of this %s is %s %s (%s): %s cannot %s it (回避)", record,
                          self ? "your" : "that person's", noun, zh, self ? "you" : "that person",
                          doing);
    }
    return cg_err_set(err, CG_FAILED_PRECONDITION,
                      "%s %s %s (%s) of a subject of this %s and cannot %s it (回避)",
                      self ? "you are" : "that person is", article, noun, zh, record, doing);
}

cg_code case_recusal_unavailable(cg_err *err, case_recusal_as as, const char *record)
{
    static const char *const does[] = {
        [CASE_AS_HANDLER] = "handles",
        [CASE_AS_INVESTIGATOR] = "investigates",
        [CASE_AS_REVIEWER] = "reviews",
        [CASE_AS_DECIDER] = "decides on",
    };
    return cg_err_set(err, CG_UNAVAILABLE,
                      "relatives cannot be checked now: the integrity files (廉政档案) do not "
                      "answer, and nobody %s this %s unchecked (回避); try again shortly",
                      does[as], record);
}
