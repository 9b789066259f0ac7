/* Wrong passwords counted per account and client address together.
 *
 * CG_LOGIN_MAX_FAILURES wrong passwords in a row for one account from one
 * client address lock that pair for CG_LOGIN_LOCKOUT_S: the address may not
 * try that account again until then, while the account's owner, from
 * anywhere else, logs in as usual. (Locking the account itself for anyone
 * after five wrong passwords would let anyone who knows a username lock its
 * owner out.) Guessing spread over many addresses still meets the account's
 * own limit in the database, CG_LOGIN_MAX_FAILURES_ACCOUNT (accounts.h).
 *
 * Kept in each gateway's memory, like the rate limits: the reverse proxy
 * sends one address to one replica. Pairs are stored only as a keyed
 * BLAKE2b digest (the key is random per process), so no address is held in
 * clear. The table is fixed: when full, the pair seen longest ago gives its
 * slot up. Times are milliseconds of a monotonic clock passed in, so the
 * unit tests control time. Thread-safe. */
#ifndef GW_LOGIN_GUARD_H
#define GW_LOGIN_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/status.h"

typedef struct gw_login_guard gw_login_guard;

/* A guard locking a pair after max_failures wrong passwords in a row for
 * lockout_ms, with room for about nslots pairs. *out is owned by the caller
 * and freed with gw_login_guard_destroy(). */
cg_code gw_login_guard_create(gw_login_guard **out, size_t nslots, long max_failures,
                              int64_t lockout_ms, cg_err *err);
/* NULL is fine. */
void gw_login_guard_destroy(gw_login_guard *guard);

/* True while account_id may not be tried from client (its rate-limit key,
 * gw_client_addr()). */
bool gw_login_guard_locked(gw_login_guard *guard, const char *account_id, const char *client,
                           int64_t now_ms);
/* A wrong password for account_id from client: true when it locked the
 * pair. */
bool gw_login_guard_failed(gw_login_guard *guard, const char *account_id, const char *client,
                           int64_t now_ms);
/* The right password: the pair's count starts again. */
void gw_login_guard_succeeded(gw_login_guard *guard, const char *account_id, const char *client);

#endif
