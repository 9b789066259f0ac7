/* Keyset pagination (cg/page.h). */
#include "cg/page.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cg/validate.h"

void cg_cursor_encode(const cg_cursor *c, char out[CG_CURSOR_SIZE])
{
    snprintf(out, CG_CURSOR_SIZE, "%s%" PRId64 ".%s", c->sort == CG_SORT_DEADLINE ? "d" : "",
             c->key_us, c->id);
}

static cg_code bad_cursor(cg_err *err)
{
    cg_err_set(err, CG_INVALID_ARGUMENT, "cursor is not valid");
    cg_err_add_violation(err, "cursor", "is not valid; use next_cursor from the previous page");
    return CG_INVALID_ARGUMENT;
}

cg_code cg_cursor_decode(const char *s, cg_cursor *out, cg_err *err)
{
    const char *p = s;
    int64_t us = 0;
    cg_sort sort = CG_SORT_DATE;

    if (*p == 'd') {
        sort = CG_SORT_DEADLINE;
        p++;
    }

    /* The number: digits only, no leading zero unless it is 0 itself, no
     * overflow. One text per position keeps the cursor opaque in practice:
     * nothing a client crafts reaches SQL in an unexpected shape. */
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '.')) {
        return bad_cursor(err);
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        int digit = *p - '0';
        if (us > (INT64_MAX - digit) / 10) {
            return bad_cursor(err);
        }
        us = us * 10 + digit;
    }
    if (*p != '.') {
        return bad_cursor(err);
    }
    p++;
    /* The id: exactly a canonical lower-case UUID, and then the end. */
    if (strlen(p) != CG_UUID_LEN - 1 || !cg_uuid_valid(p)) {
        return bad_cursor(err);
    }
    for (const char *q = p; *q != '\0'; q++) {
        if (*q >= 'A' && *q <= 'F') {
            return bad_cursor(err);
        }
    }
    out->sort = sort;
    out->key_us = us;
    memcpy(out->id, p, CG_UUID_LEN);
    return CG_OK;
}

cg_code cg_sort_parse(const char *sort, const char *date_name, cg_sort *out, cg_err *err)
{
    if (sort == NULL || sort[0] == '\0' || strcmp(sort, date_name) == 0) {
        *out = CG_SORT_DATE;
    } else if (strcmp(sort, "deadline") == 0) {
        *out = CG_SORT_DEADLINE;
    } else {
        cg_err_add_violation(err, "sort", "must be %s or deadline", date_name);
        return CG_INVALID_ARGUMENT;
    }
    return CG_OK;
}

cg_code cg_page_parse(const Cleangrid__V1__PageRequest *page, cg_sort sort, int *size,
                      cg_cursor *cursor, bool *has_cursor, cg_err *err)
{
    *size = CG_PAGE_SIZE_DEFAULT;
    *has_cursor = false;
    if (page == NULL) {
        return CG_OK;
    }
    if (!cg_check_page_size(err, page->page_size, size)) {
        return CG_INVALID_ARGUMENT;
    }
    if (page->cursor != NULL && page->cursor[0] != '\0') {
        cg_code rc = cg_cursor_decode(page->cursor, cursor, err);
        if (rc != CG_OK) {
            return rc;
        }
        /* A page of one order does not continue a list in the other. */
        if (cursor->sort != sort) {
            return bad_cursor(err);
        }
        *has_cursor = true;
    }
    return CG_OK;
}

void cg_page_out_init(cg_page_out *p, int rows, int size)
{
    p->more = rows > size;
    p->n = p->more ? size : rows;
    p->next_cursor[0] = '\0';
    cleangrid__v1__page__init(&p->page);
    p->page.next_cursor = p->next_cursor;
}

void cg_page_out_after(cg_page_out *p, const cg_cursor *last)
{
    if (p->more)
        cg_cursor_encode(last, p->next_cursor);
}
