/* Accounts: password policy, lockout after wrong passwords, and each user's
 * own password change.
 *
 * The pure half (password_policy.c, in gw_core) checks a new password and
 * maps the change-password body; the unit tests call it directly. The other
 * half (accounts.c) talks to the database: it counts wrong passwords, locks
 * and unlocks, and serves POST /api/v1/auth/password. */
#ifndef GW_ACCOUNTS_H
#define GW_ACCOUNTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

/* The shortest password, in characters (UTF-8 code points, not bytes). */
#define GW_PASSWORD_MIN_CHARS 12
/* The longest password, in bytes: argon2id takes any length, but hashing a
 * megabyte on every login attempt would be an easy way to burn CPU. */
#define GW_PASSWORD_MAX_BYTES 1024

/* The number of characters (code points) in s, which must be UTF-8 (the
 * JSON parser has checked every request body). */
size_t gw_utf8_chars(const char *s);

/* Where the list of common passwords is read from unless
 * CG_PASSWORD_DENY_LIST says otherwise: John the Ripper's list of the most
 * common passwords (Debian's john-data, 3,559 of them). */
#define GW_PASSWORD_DENY_LIST_DEFAULT "/usr/share/john/password.lst"

/* Read the list of common passwords (one a line; "#!comment" lines are
 * skipped) that new passwords are checked against, and check that
 * cracklib's dictionary is installed. Called once at start, before any
 * check; INVALID_ARGUMENT naming the file when either cannot be read, so a
 * gateway never runs with a policy weaker than the one it promises. */
cg_code gw_password_policy_load(const char *deny_list_path, cg_err *err);

/* Check new_password for the account username whose password is now
 * current (may be NULL when there is none, as for an administrator's reset):
 * at least GW_PASSWORD_MIN_CHARS characters, at most GW_PASSWORD_MAX_BYTES
 * bytes, no control character, not the username (in any letter case), not
 * the current password, not one of the common passwords, not a dictionary
 * word or a common password with digits or symbols around it
 * ("password1234"), and nothing cracklib finds too simple ("aaaaaaaaaaaa").
 * Every reason is a violation of field in err (INVALID_ARGUMENT); the
 * password itself never appears in the message. Thread-safe. */
cg_code gw_password_policy_check(const char *username, const char *current,
                                 const char *new_password, const char *field, cg_err *err);

/* Map {"current_password": ..., "new_password": ...}: both strings, no other
 * members. The results borrow from body. Only the shape is checked here;
 * gw_password_policy_check() judges the new password. */
cg_code gw_map_password_change(const cJSON *body, const char **current, const char **new_password,
                               cg_err *err);

/* --- accounts.c: the database side --------------------------------------- */

struct gw_app;
struct gw_request;

/* The SQL condition under which the account row "a" may log in: active, or
 * locked by the lockout with its time run out. */
#define GW_ACCOUNT_MAY_LOG_IN                                                                      \
    "(a.status = 'active' OR (a.status = 'locked' AND a.locked_until <= now()))"

/* The SQL condition under which the sessions of account row "a" are live:
 * not disabled and not locked by an administrator. A lock by the lockout
 * (locked_until set) leaves them alone: it stops password guessing, and the
 * holder of a session proved the password already; ending the session too
 * would let anyone who knows a username log its owner out. */
#define GW_ACCOUNT_SESSIONS_LIVE                                                                   \
    "(a.status = 'active' OR (a.status = 'locked' AND a.locked_until IS NOT NULL))"

/* Record the outcome of a password check for account_id, whose row said it
 * may log in. A wrong password counts toward the account's own lockout: the
 * CG_LOGIN_MAX_FAILURES_ACCOUNT-th in a row, from whatever addresses, locks
 * the account for CG_LOGIN_LOCKOUT_S (the lock of one address is
 * login_guard.h's). A right one resets the count and sets *allowed only
 * if the account may still log in now (a lock or a disable that came in
 * while the password was being hashed wins). Nothing here is answered to
 * the client; the caller gives every refusal the same 401. */
cg_code gw_account_login_result(struct gw_app *app, const char *account_id, bool password_ok,
                                bool *allowed, cg_err *err);

/* POST /api/v1/auth/password: the caller changes its own password. */
void gw_route_change_password(struct gw_request *req);

#endif
