/* Unit tests of status codes: the HTTP mapping and the protobuf round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "cg/status.h"

static void http_mapping_follows_the_brief(void **state)
{
    (void)state;
    assert_int_equal(cg_code_http_status(CG_OK), 200);
    assert_int_equal(cg_code_http_status(CG_INVALID_ARGUMENT), 400);
    assert_int_equal(cg_code_http_status(CG_NOT_FOUND), 404);
    assert_int_equal(cg_code_http_status(CG_ALREADY_EXISTS), 409);
    assert_int_equal(cg_code_http_status(CG_FAILED_PRECONDITION), 409);
    assert_int_equal(cg_code_http_status(CG_PERMISSION_DENIED), 403);
    assert_int_equal(cg_code_http_status(CG_UNAUTHENTICATED), 401);
    assert_int_equal(cg_code_http_status(CG_RESOURCE_EXHAUSTED), 429);
    assert_int_equal(cg_code_http_status(CG_UNAVAILABLE), 503);
    assert_int_equal(cg_code_http_status(CG_INTERNAL), 500);
    assert_int_equal(cg_code_http_status((cg_code)99), 500);
    assert_string_equal(cg_code_name(CG_PERMISSION_DENIED), "PERMISSION_DENIED");
}

static void codes_match_the_proto_enum(void **state)
{
    (void)state;
    assert_int_equal(CG_INVALID_ARGUMENT, CLEANGRID__V1__CODE__CODE_INVALID_ARGUMENT);
    assert_int_equal(CG_UNAVAILABLE, CLEANGRID__V1__CODE__CODE_UNAVAILABLE);
    assert_int_equal(CG_INTERNAL, CLEANGRID__V1__CODE__CODE_INTERNAL);
}

static void violations_survive_the_wire(void **state)
{
    (void)state;
    cg_err err, back;
    cg_err_clear(&err);
    cg_err_add_violation(&err, "content", "is required");
    cg_err_add_violation(&err, "category", "must be at most %d characters", 64);
    assert_int_equal(err.code, CG_INVALID_ARGUMENT);

    cg_status_pb pb;
    cg_status_pb_init(&pb, &err);
    uint8_t buf[1024];
    size_t len = cleangrid__v1__status__pack(&pb.status, buf);
    Cleangrid__V1__Status *decoded = cleangrid__v1__status__unpack(NULL, len, buf);
    assert_non_null(decoded);
    assert_int_equal(cg_err_from_pb(&back, decoded), CG_INVALID_ARGUMENT);
    cleangrid__v1__status__free_unpacked(decoded, NULL);
    assert_int_equal(back.nviolations, 2);
    assert_string_equal(back.violations[1].field, "category");
    assert_string_equal(back.violations[1].description, "must be at most 64 characters");
    assert_string_equal(back.message, "invalid request");
}

static void a_new_error_drops_old_violations(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    cg_err_add_violation(&err, "content", "is required");
    cg_err_set(&err, CG_UNAVAILABLE, "database unavailable");
    assert_int_equal(err.code, CG_UNAVAILABLE);
    assert_int_equal(err.nviolations, 0);
}

static void missing_status_means_ok(void **state)
{
    (void)state;
    cg_err err;
    assert_int_equal(cg_err_from_pb(&err, NULL), CG_OK);
}

static void violations_are_found_by_field_and_text(void **state)
{
    (void)state;
    cg_err err;
    cg_err_clear(&err);
    assert_false(cg_err_has_violation(&err, "a", NULL));
    cg_err_add_violation(&err, "a", "must be %d digits", 6);
    assert_true(cg_err_has_violation(&err, "a", NULL));
    assert_true(cg_err_has_violation(&err, "a", "6 digits"));
    assert_false(cg_err_has_violation(&err, "a", "7 digits"));
    assert_false(cg_err_has_violation(&err, "b", NULL));
}

CG_TEST_MAIN(cmocka_unit_test(http_mapping_follows_the_brief),
             cmocka_unit_test(codes_match_the_proto_enum),
             cmocka_unit_test(violations_survive_the_wire),
             cmocka_unit_test(a_new_error_drops_old_violations),
             cmocka_unit_test(missing_status_means_ok),
             cmocka_unit_test(violations_are_found_by_field_and_text))
