/* Unit tests of the login guard: wrong passwords counted per account and
 * client address together, the lock of one pair leaving every other alone,
 * and the count starting again after a right password or a lock's end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "cg_test.h"
#include "login_guard.h"

#define LOCKOUT_MS 900000

static gw_login_guard *guard_of(size_t nslots)
{
    gw_login_guard *g = NULL;
    cg_err err;
    assert_int_equal(gw_login_guard_create(&g, nslots, 5, LOCKOUT_MS, &err), CG_OK);
    return g;
}

static void test_pair_locked_alone(void **state)
{
    (void)state;
    gw_login_guard *g = guard_of(64);
    for (int i = 0; i < 4; i++)
        assert_false(gw_login_guard_failed(g, "admin-id", "198.51.100.1", 1000 + i));
    assert_false(gw_login_guard_locked(g, "admin-id", "198.51.100.1", 2000));
    assert_true(gw_login_guard_failed(g, "admin-id", "198.51.100.1", 2000));
    assert_true(gw_login_guard_locked(g, "admin-id", "198.51.100.1", 2001));
    /* The owner elsewhere, and the same address for another account. */
    assert_false(gw_login_guard_locked(g, "admin-id", "203.0.113.9", 2001));
    assert_false(gw_login_guard_locked(g, "other-id", "198.51.100.1", 2001));
    /* Until the lock runs out. */
    assert_true(gw_login_guard_locked(g, "admin-id", "198.51.100.1", 2000 + LOCKOUT_MS - 1));
    assert_false(gw_login_guard_locked(g, "admin-id", "198.51.100.1", 2000 + LOCKOUT_MS));
    /* Then the count starts again: one more wrong password does not lock. */
    assert_false(gw_login_guard_failed(g, "admin-id", "198.51.100.1", 2000 + LOCKOUT_MS + 1));
    gw_login_guard_destroy(g);
}

static void test_right_password_resets(void **state)
{
    (void)state;
    gw_login_guard *g = guard_of(64);
    for (int i = 0; i < 4; i++)
        gw_login_guard_failed(g, "cadre-id", "2001:db8::/64", i);
    gw_login_guard_succeeded(g, "cadre-id", "2001:db8::/64");
    for (int i = 0; i < 4; i++)
        assert_false(gw_login_guard_failed(g, "cadre-id", "2001:db8::/64", 10 + i));
    assert_false(gw_login_guard_locked(g, "cadre-id", "2001:db8::/64", 20));
    /* Account and client are kept apart: ("ab", "c") is not ("a", "bc"). */
    assert_true(gw_login_guard_failed(g, "cadre-id", "2001:db8::/64", 21));
    assert_false(gw_login_guard_locked(g, "cadre-id2", "001:db8::/64", 22));
    gw_login_guard_destroy(g);
}

static void test_full_table(void **state)
{
    (void)state;
    /* A table of eight slots and many pairs: old pairs give their slots up,
     * the newest is always counted. */
    gw_login_guard *g = guard_of(8);
    char client[32];
    for (int i = 0; i < 100; i++) {
        snprintf(client, sizeof client, "192.0.2.%d", i);
        gw_login_guard_failed(g, "x", client, i);
    }
    for (int i = 0; i < 4; i++)
        assert_false(gw_login_guard_failed(g, "x", "192.0.2.250", 200 + i));
    assert_true(gw_login_guard_failed(g, "x", "192.0.2.250", 210));
    assert_true(gw_login_guard_locked(g, "x", "192.0.2.250", 211));
    gw_login_guard_destroy(g);
}

CG_TEST_MAIN_SODIUM(cmocka_unit_test(test_pair_locked_alone),
                    cmocka_unit_test(test_right_password_resets), cmocka_unit_test(test_full_table))
