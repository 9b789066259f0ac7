/* The integrity service's rules of input (rules.h). */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/limits.h"
#include "cg/validate.h"

/* The 31 characters of a credit code, in the order of their values. */
static const char CODE_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* The weight of each of the first 17 positions: 3^i mod 31. */
static const int CODE_WEIGHTS[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};

static int code_value(char ch)
{
    const char *at = ch != '\0' ? strchr(CODE_CHARS, ch) : NULL;
    return at != NULL ? (int)(at - CODE_CHARS) : -1;
}

bool integrity_credit_code_valid(const char *code)
{
    if (code == NULL || strlen(code) != 18)
        return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = code_value(code[i]);
        if (v < 0)
            return false;
        sum += v * CODE_WEIGHTS[i];
    }
    int check = (31 - sum % 31) % 31;
    return code_value(code[17]) == check;
}

const char *integrity_field(char *buf, size_t size, const char *prefix, const char *name)
{
    snprintf(buf, size, "%s%s", prefix != NULL ? prefix : "", name);
    return buf;
}

cg_code integrity_check_row_count(cg_err *err, size_t n, const char *what)
{
    if (n == 0)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the file holds no %s", what);
    if (n > CG_INTEGRITY_IMPORT_ROWS_MAX)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "the file holds more than %d %s",
                          CG_INTEGRITY_IMPORT_ROWS_MAX, what);
    return CG_OK;
}

void integrity_add_row_violations(cg_err *err, const cg_err *row, size_t *found)
{
    *found += row->nviolations;
    for (size_t k = 0; k < row->nviolations; k++)
        cg_err_add_violation(err, row->violations[k].field, "%s", row->violations[k].description);
}

cg_code integrity_rows_checked(cg_err *err, size_t found)
{
    if (err->code != CG_OK && found > err->nviolations)
        snprintf(err->message, sizeof err->message,
                 "the rows have %zu problems; the first %zu are named", found, err->nviolations);
    return err->code;
}

bool integrity_check_person_id(cg_err *err, const char *field, const char *value, bool required)
{
    size_t n = value != NULL ? strlen(value) : 0;
    if (n == 0) {
        if (required)
            cg_err_add_violation(err, field, "is required");
        return !required;
    }
    bool ok = n <= 64;
    for (size_t i = 0; ok && i < n; i++) {
        char ch = value[i];
        ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '_' || ch == '-';
    }
    if (!ok)
        cg_err_add_violation(err, field, "must be 1 to 64 letters, digits, '.', '_' or '-'");
    return ok;
}

bool integrity_check_past_day(cg_err *err, const char *field, int64_t day_ms, int64_t today_ms,
                              bool required)
{
    if (day_ms == 0) {
        if (required)
            cg_err_add_violation(err, field, "is required");
        return !required;
    }
    if (day_ms < 0 || day_ms > today_ms) {
        cg_err_add_violation(err, field, "must be a day not after today");
        return false;
    }
    return true;
}

bool integrity_check_cadre(cg_err *err, const char *prefix,
                           const Cleangrid__V1__CreateCadreRequest *c, int64_t today_ms)
{
    char f[64];
    size_t before = err->nviolations;
    integrity_check_person_id(err, integrity_field(f, sizeof f, prefix, "person_id"), c->person_id,
                              true);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "name"), c->name, 1, 100,
                  CG_TEXT_REQUIRED);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "position"), c->position, 0, 200, 0);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "grade"), c->grade, 0, 40, 0);
    cg_check_text(err, integrity_field(f, sizeof f, prefix, "key_position"), c->key_position, 0, 40,
                  0);
    integrity_check_past_day(err, integrity_field(f, sizeof f, prefix, "key_since_on"),
                             c->key_since_on_ms, today_ms, false);
    if (c->key_since_on_ms != 0 && (c->key_position == NULL || c->key_position[0] == '\0'))
        cg_err_add_violation(err, integrity_field(f, sizeof f, prefix, "key_since_on"),
                             "is given only with a key_position");
    return err->nviolations == before;
}

bool integrity_check_relative(cg_err *err, const Cleangrid__V1__SetRelativeRequest *r)
{
    static const char *const roles[] = {
        "shareholder", "legal_representative", "manager", "sole_proprietor", "partner", NULL};
    char f[64];
    size_t before = err->nviolations;
    cg_check_text(err, "name", r->name, 1, 100, CG_TEXT_REQUIRED);
    cg_check_text(err, "relation", r->relation, 1, 40, CG_TEXT_REQUIRED);
    cg_check_text(err, "employer", r->employer, 0, 200, 0);
    cg_check_text(err, "position", r->position, 0, 200, 0);
    integrity_check_person_id(err, "person_id", r->person_id, false);
    if (r->n_businesses > 20)
        cg_err_add_violation(err, "businesses", "holds at most 20 companies");
    for (size_t i = 0; i < r->n_businesses && i < 20; i++) {
        const Cleangrid__V1__RelativeBusiness *b = r->businesses[i];
        snprintf(f, sizeof f, "businesses[%zu].company", i);
        cg_check_text(err, f, b->company, 1, 200, CG_TEXT_REQUIRED);
        snprintf(f, sizeof f, "businesses[%zu].credit_code", i);
        if (!integrity_credit_code_valid(b->credit_code))
            cg_err_add_violation(err, f,
                                 "is not a unified social credit code (18 characters whose last "
                                 "is the check character of the others)");
        snprintf(f, sizeof f, "businesses[%zu].role", i);
        cg_check_one_of(err, f, b->role, roles, false);
        snprintf(f, sizeof f, "businesses[%zu].share_percent", i);
        if (!(b->share_percent >= 0 && b->share_percent <= 100))
            cg_err_add_violation(err, f, "must be from 0 to 100");
    }
    return err->nviolations == before;
}

bool integrity_day_valid(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

bool integrity_number_valid(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0, digits = 0;
    bool point = false;
    if (n == 0 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits++;
        } else if (s[i] == '.' && !point && digits > 0 && i + 1 < n) {
            point = true;
        } else {
            return false;
        }
    }
    return true;
}

const Cleangrid__V1__ReportFormItem *integrity_form_item(const Cleangrid__V1__ReportForm *form,
                                                         const char *name)
{
    for (size_t i = 0; name != NULL && i < form->n_items; i++)
        if (strcmp(form->items[i]->name, name) == 0)
            return form->items[i];
    return NULL;
}

static const Cleangrid__V1__ReportFormField *form_field(const Cleangrid__V1__ReportFormItem *item,
                                                        const char *name)
{
    for (size_t i = 0; name != NULL && i < item->n_fields; i++)
        if (strcmp(item->fields[i]->name, name) == 0)
            return item->fields[i];
    return NULL;
}

/* A value of field f at field name path: its type's rules. */
static void check_value(cg_err *err, const char *path, const Cleangrid__V1__ReportFormField *f,
                        const char *value, const char *const *relations)
{
    if (!cg_check_text(err, path, value, 0, 200, 0) || value[0] == '\0')
        return;
    if (strcmp(f->type, "day") == 0 && !integrity_day_valid(value))
        cg_err_add_violation(err, path, "must be a day written YYYY-MM-DD");
    else if (strcmp(f->type, "number") == 0 && !integrity_number_valid(value))
        cg_err_add_violation(err, path, "must be a number, not negative, such as 96.5");
    else if (strcmp(f->type, "relation") == 0)
        cg_check_one_of(err, path, value, relations, false);
    else if (strcmp(f->type, "credit_code") == 0 && !integrity_credit_code_valid(value))
        cg_err_add_violation(err, path, "is not a unified social credit code");
}

bool integrity_check_entry(cg_err *err, const char *prefix,
                           const Cleangrid__V1__ReportFormItem *item,
                           const Cleangrid__V1__ReportEntry *entry, const char *const *relations,
                           bool complete)
{
    char path[96];
    size_t before = err->nviolations;
    for (size_t k = 0; k < entry->n_fields; k++) {
        const Cleangrid__V1__ReportField *v = entry->fields[k];
        integrity_field(path, sizeof path, prefix, v->name);
        const Cleangrid__V1__ReportFormField *f = form_field(item, v->name);
        if (f == NULL) {
            cg_err_add_violation(err, path, "is no field of %s (%s)", item->name, item->label_zh);
            continue;
        }
        for (size_t l = 0; l < k; l++)
            if (strcmp(entry->fields[l]->name, v->name) == 0)
                cg_err_add_violation(err, path, "is given twice");
        check_value(err, path, f, v->value, relations);
    }
    for (size_t k = 0; complete && k < item->n_fields; k++) {
        const Cleangrid__V1__ReportFormField *f = item->fields[k];
        bool given = false;
        for (size_t l = 0; l < entry->n_fields; l++)
            given = given ||
                    (strcmp(entry->fields[l]->name, f->name) == 0 && entry->fields[l]->value[0]);
        if (f->required && !given)
            cg_err_add_violation(err, integrity_field(path, sizeof path, prefix, f->name),
                                 "is required");
    }
    return err->nviolations == before;
}

bool integrity_check_answers(cg_err *err, const Cleangrid__V1__ReportForm *form,
                             const char *const *relations,
                             Cleangrid__V1__ReportItemAnswer *const *items, size_t n, bool complete)
{
    char path[64];
    size_t before = err->nviolations;
    for (size_t i = 0; i < n; i++) {
        const Cleangrid__V1__ReportItemAnswer *a = items[i];
        const Cleangrid__V1__ReportFormItem *item = integrity_form_item(form, a->item);
        snprintf(path, sizeof path, "items[%zu].item", i);
        if (item == NULL) {
            cg_err_add_violation(err, path, "is no item of the form");
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(items[j]->item, a->item) == 0)
                cg_err_add_violation(err, path, "answers %s a second time", a->item);
        snprintf(path, sizeof path, "items[%zu].entries", i);
        if (a->none && a->n_entries > 0)
            cg_err_add_violation(err, path, "must be empty for an item answered none");
        if (a->n_entries > 50)
            cg_err_add_violation(err, path, "holds at most 50 entries");
        if (complete && !a->none && a->n_entries == 0)
            cg_err_add_violation(err, path, "must hold an entry, or the item be answered none");
        for (size_t j = 0; j < a->n_entries && j < 50; j++) {
            char prefix[48];
            snprintf(prefix, sizeof prefix, "items[%zu].entries[%zu].", i, j);
            integrity_check_entry(err, prefix, item, a->entries[j], relations, complete);
        }
    }
    for (size_t k = 0; complete && k < form->n_items; k++) {
        bool answered = false;
        for (size_t i = 0; i < n; i++)
            answered = answered || strcmp(items[i]->item, form->items[k]->name) == 0;
        if (!answered)
            cg_err_add_violation(err, "items", "must answer %s (%s), with entries or none",
                                 form->items[k]->name, form->items[k]->label_zh);
    }
    return err->nviolations == before;
}
