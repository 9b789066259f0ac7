#include "deadline_rules.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "lifecycle.h"

const char *case_deadline_level(const case_deadline_rules *rules, int64_t due_at_ms, int64_t now_ms)
{
    if (now_ms >= due_at_ms) {
        return CASE_LEVEL_OVERDUE;
    }
    if (due_at_ms - now_ms <= (int64_t)rules->soon_days * CASE_DAY_MS) {
        return CASE_LEVEL_DUE_SOON;
    }
    return CASE_LEVEL_ON_TIME;
}

int64_t case_deadline_receipt_bound(const case_deadline_rules *rules, int64_t now_ms)
{
    long days = rules->disposal_days;
    if (rules->preliminary_days < days) {
        days = rules->preliminary_days;
    }
    if (rules->talk_inquiry_days < days) {
        days = rules->talk_inquiry_days;
    }
    return now_ms - (int64_t)(days - rules->soon_days) * CASE_DAY_MS;
}

static bool is(const char *s, const char *want)
{
    return s != NULL && strcmp(s, want) == 0;
}

bool case_deadline_of_clue(const case_deadline_rules *rules, const case_deadline_basis *basis,
                           int64_t now_ms, case_deadline *out)
{
    const char *stage = basis->status;
    if (is(stage, CASE_STAGE_DISPOSAL_PROPOSED)) {
        /* A proposal whose origin is unknown counts from receipt, as one
         * made on a registered clue. */
        stage = basis->pending_from != NULL && basis->pending_from[0] != '\0'
                    ? basis->pending_from
                    : CASE_STAGE_REGISTERED;
    }
    int64_t from = 0;
    long days = 0;
    if (is(stage, CASE_STAGE_REGISTERED)) {
        out->stage = CASE_DEADLINE_DISPOSAL;
        from = basis->received_at_ms;
        days = rules->disposal_days;
    } else if (is(stage, CASE_STAGE_PRELIMINARY) &&
               is(basis->approved_way, "preliminary_verification")) {
        out->stage = CASE_DEADLINE_PRELIMINARY;
        from = basis->approved_at_ms;
        days = rules->preliminary_days;
    } else if (is(stage, CASE_STAGE_TALK_INQUIRY) && is(basis->approved_way, "talk_inquiry")) {
        out->stage = CASE_DEADLINE_TALK_INQUIRY;
        from = basis->approved_at_ms;
        days = rules->talk_inquiry_days;
    } else {
        return false;
    }
    if (from <= 0) {
        return false;
    }
    out->due_at_ms = from + (int64_t)days * CASE_DAY_MS;
    out->level = case_deadline_level(rules, out->due_at_ms, now_ms);
    return true;
}

bool case_deadline_of_clue_json(const case_deadline_rules *rules, const char *status,
                                int64_t received_at_ms, const char *basis_json, int64_t now_ms,
                                case_deadline *out)
{
    case_deadline_basis b = {.status = status, .received_at_ms = received_at_ms};
    cJSON *tree = NULL;
    if (basis_json != NULL && basis_json[0] != '\0') {
        tree = cJSON_Parse(basis_json);
        if (!cJSON_IsObject(tree)) {
            cJSON_Delete(tree);
            return false;
        }
        b.pending_from = cJSON_GetStringValue(cJSON_GetObjectItem(tree, "pending_from"));
        b.approved_way = cJSON_GetStringValue(cJSON_GetObjectItem(tree, "approved_way"));
        const cJSON *at = cJSON_GetObjectItem(tree, "approved_at_ms");
        b.approved_at_ms = cJSON_IsNumber(at) ? (int64_t)at->valuedouble : 0;
    }
    bool found = case_deadline_of_clue(rules, &b, now_ms, out);
    cJSON_Delete(tree);
    return found;
}
