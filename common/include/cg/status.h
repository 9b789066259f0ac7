/* Status codes and errors shared by every service, and their HTTP mapping. */
#ifndef CG_STATUS_H
#define CG_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "cleangrid/v1/common.pb-c.h"

/* The numeric values equal cleangrid.v1.Code so a cast converts either way. */
typedef enum cg_code {
    CG_OK = 0,
    CG_INVALID_ARGUMENT = 1,
    CG_NOT_FOUND = 2,
    CG_ALREADY_EXISTS = 3,
    CG_FAILED_PRECONDITION = 4,
    CG_PERMISSION_DENIED = 5,
    CG_UNAUTHENTICATED = 6,
    CG_RESOURCE_EXHAUSTED = 7,
    CG_UNAVAILABLE = 8,
    CG_INTERNAL = 9,
} cg_code;

#define CG_ERR_MAX_VIOLATIONS 8

typedef struct cg_violation {
    char field[64];
    char description[192];
} cg_violation;

/* An error with its message and field violations. Fixed-size so it can live
 * on the stack and be filled without allocation on any path. */
typedef struct cg_err {
    cg_code code;
    char message[1024];
    size_t nviolations;
    cg_violation violations[CG_ERR_MAX_VIOLATIONS];
} cg_err;

/* Reset to CG_OK with an empty message. */
void cg_err_clear(cg_err *err);

/* Set code and a printf-style message and drop any field violations;
 * returns code so callers can `return cg_err_set(err, CG_NOT_FOUND, "...")`.
 * err may be NULL. */
cg_code cg_err_set(cg_err *err, cg_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add a field violation and make the error INVALID_ARGUMENT with the message
 * "invalid request" unless a message is already set. Extra violations past
 * CG_ERR_MAX_VIOLATIONS are dropped. */
void cg_err_add_violation(cg_err *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True if err has a violation on field whose description contains text
 * (any description when text is NULL). For tests, which check that a
 * problem was reported without spelling out every word of it. */
bool cg_err_has_violation(const cg_err *err, const char *field, const char *text);

/* "INVALID_ARGUMENT", ... */
const char *cg_code_name(cg_code code);

/* 400, 404, 409, 409, 403, 401, 429, 503, 500; 200 for CG_OK. */
int cg_code_http_status(cg_code code);

/* A protobuf Status that borrows its strings from a cg_err: valid only while
 * the cg_err lives, and never freed with protobuf_c_message_free_unpacked. */
typedef struct cg_status_pb {
    Cleangrid__V1__Status status;
    Cleangrid__V1__FieldViolation violation[CG_ERR_MAX_VIOLATIONS];
    Cleangrid__V1__FieldViolation *violation_ptr[CG_ERR_MAX_VIOLATIONS];
} cg_status_pb;

void cg_status_pb_init(cg_status_pb *out, const cg_err *err);

/* Copy a received Status (which may be NULL, meaning OK) into err. */
cg_code cg_err_from_pb(cg_err *err, const Cleangrid__V1__Status *status);

#endif
