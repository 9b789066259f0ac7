/* The comparison of a verification (compare.h). */
#include "compare.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static const char *value_of(const Cleangrid__V1__ReportEntry *e, const char *name)
{
    for (size_t i = 0; e != NULL && name != NULL && name[0] != '\0' && i < e->n_fields; i++)
        if (strcmp(e->fields[i]->name, name) == 0)
            return e->fields[i]->value;
    return "";
}

/* The next character of a key as compared: ASCII letters folded, white
 * space (ASCII and the ideographic space U+3000) skipped. */
static const char *key_next(const char *s, int *c)
{
    for (;;) {
        if (*s == ' ' || *s == '\t')
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            break;
    }
    *c = *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : (unsigned char)*s;
    return *s != '\0' ? s + 1 : s;
}

static bool same_key(const char *a, const char *b)
{
    int ca, cb;
    do {
        a = key_next(a, &ca);
        b = key_next(b, &cb);
    } while (ca == cb && ca != 0);
    return ca == cb;
}

static const Cleangrid__V1__ReportItemAnswer *answer_of(const Cleangrid__V1__PersonalReport *report,
                                                        const char *item)
{
    for (size_t i = 0; report != NULL && i < report->n_items; i++)
        if (strcmp(report->items[i]->item, item) == 0)
            return report->items[i];
    return NULL;
}

const char *integrity_worse_kind(const char *a, const char *b)
{
    static const char *const order[] = {"consistent", "omission", "concealment"};
    int ra = 0, rb = 0;
    for (int i = 0; i < 3; i++) {
        if (a != NULL && strcmp(a, order[i]) == 0)
            ra = i;
        if (b != NULL && strcmp(b, order[i]) == 0)
            rb = i;
    }
    return order[ra > rb ? ra : rb];
}

size_t integrity_compare(const Cleangrid__V1__ReportForm *form,
                         const Cleangrid__V1__PersonalReport *report,
                         Cleangrid__V1__ReferenceRecord *const *refs, size_t nrefs,
                         integrity_finding *out, size_t max)
{
    size_t n = 0;
    for (size_t r = 0; r < nrefs && n < max; r++) {
        const Cleangrid__V1__ReferenceRecord *ref = refs[r];
        const Cleangrid__V1__ReportFormItem *item = integrity_form_item(form, ref->item);
        if (item == NULL)
            continue;
        integrity_finding *f = &out[n++];
        memset(f, 0, sizeof *f);
        cleangrid__v1__report_entry__init(&f->reference);
        f->reference.n_fields = ref->n_fields;
        f->reference.fields = ref->fields;
        f->item = item->name;
        const char *key = value_of(&f->reference, item->key_field);
        snprintf(f->key, sizeof f->key, "%s", key);

        const Cleangrid__V1__ReportItemAnswer *answer = answer_of(report, item->name);
        size_t entries = answer != NULL && !answer->none ? answer->n_entries : 0;
        for (size_t e = 0; e < entries && f->reported == NULL; e++)
            if (item->key_field[0] == '\0' ||
                same_key(value_of(answer->entries[e], item->key_field), key))
                f->reported = answer->entries[e];
        if (f->reported == NULL) {
            f->kind = "concealment";
            if (entries == 0)
                snprintf(f->explanation, sizeof f->explanation,
                         "%s: nothing reported, the record shows %s%s", item->label_en,
                         key[0] != '\0' ? key : "an entry", key[0] != '\0' ? "" : " of it");
            else
                snprintf(f->explanation, sizeof f->explanation, "%s: %s is not reported",
                         item->label_en, key);
            continue;
        }
        f->kind = "consistent";
        if (item->amount_field[0] == '\0')
            continue;
        const char *shown = value_of(&f->reference, item->amount_field);
        const char *told = value_of(f->reported, item->amount_field);
        if (shown[0] != '\0' && strtod(told, NULL) + 1e-9 < strtod(shown, NULL)) {
            f->kind = "omission";
            snprintf(f->explanation, sizeof f->explanation,
                     "%s%s%s: %s reported as %s, the record shows %s", item->label_en,
                     key[0] != '\0' ? " " : "", key, item->amount_field, told[0] ? told : "0",
                     shown);
        }
    }
    return n;
}
