/* The comparison of a verification (查核), item by item: each reference
 * record (what a register shows) against the entries of the cadre's
 * submitted report, named in the terms of the rules. Pure: the unit tests
 * call it on messages of their own (tests/test_compare.c). */
#ifndef INTEGRITY_COMPARE_H
#define INTEGRITY_COMPARE_H

#include <stddef.h>

#include "cleangrid/v1/integrity.pb-c.h"

/* One finding. Strings are static or in the struct; reported borrows from
 * the report (NULL when no entry matched); reference's fields borrow from
 * the reference record. */
typedef struct integrity_finding {
    const char *item;
    char key[201];
    /* consistent: reported as the record shows; omission (漏报): reported,
     * but less (a smaller area, share or amount); concealment (瞒报): the
     * entry, or the whole item, not reported. */
    const char *kind;
    char explanation[320];
    const Cleangrid__V1__ReportEntry *reported;
    Cleangrid__V1__ReportEntry reference;
} integrity_finding;

/* Compare every reference record (nrefs) with report under form: one
 * finding per record, in the records' order, into out (room for max);
 * returns how many were written. A record of an item the form has not is
 * left out. An entry matches a record by the item's key field (white space
 * and ASCII case aside), or, for an item of one entry, is its first. */
size_t integrity_compare(const Cleangrid__V1__ReportForm *form,
                         const Cleangrid__V1__PersonalReport *report,
                         Cleangrid__V1__ReferenceRecord *const *refs, size_t nrefs,
                         integrity_finding *out, size_t max);

/* The worse of two kinds: concealment over omission over consistent. */
const char *integrity_worse_kind(const char *a, const char *b);

#endif
