/* The web console's session: an HttpOnly cookie instead of the bearer
 * header, and a CSRF token for every state-changing request.
 *
 * A browser attaches a cookie to every request to this site, including one
 * that a hostile page makes it send, so a request that authenticates by the
 * cookie and changes state (any method but GET, HEAD and OPTIONS) must also
 * carry the X-CSRF-Token header, which only our own page knows: the login
 * answer gives it, and a cross-site page can neither read that answer nor
 * set custom headers on a cross-site request without CORS, which the
 * gateway never allows. The token is derived from the session token
 * (BLAKE2b keyed with it), so nothing more is stored, and it cannot be
 * turned back into the session token. Requests with a bearer header need no
 * CSRF token: a browser never adds that header on its own.
 *
 * The cookie is HttpOnly (no script reads it), SameSite=Strict (a browser
 * does not send it on cross-site requests at all) and always Secure: TLS
 * ends in the reverse proxy in front of the gateway, and browsers also
 * accept Secure cookies from http://localhost, so a local run works too,
 * while a plain-HTTP deployment elsewhere never sends the token in clear.
 * Pure functions; the unit tests call them directly. */
#ifndef GW_WEB_SESSION_H
#define GW_WEB_SESSION_H

#include <stdbool.h>
#include <stddef.h>

/* The __Host- prefix makes a browser take the cookie only from this very
 * host over a secure origin, with Path=/ and no Domain: no sibling or
 * parent domain can set one that shadows it. */
#define GW_SESSION_COOKIE "__Host-cg_session"
/* 32 bytes as unpadded base64url, like the session token. */
#define GW_CSRF_LEN 43
#define GW_CSRF_HEADER "X-CSRF-Token"
/* The header lines login and logout add, with their terminating CRLF. */
#define GW_COOKIE_HEADER_MAX 160

/* Find the session cookie in a Cookie header value (may be NULL): the one
 * GW_SESSION_COOKIE pair, whose value is exactly GW_TOKEN_LEN base64url
 * characters. Two such pairs are no session at all: which one the browser
 * meant cannot be told, and one of them may have been planted. On true
 * *token points into header (not terminated: the caller uses GW_TOKEN_LEN
 * bytes). */
bool gw_cookie_token(const char *header, const char **token);

/* The CSRF token of a session token (GW_TOKEN_LEN bytes), into out. */
void gw_csrf_token(const char *token, char out[GW_CSRF_LEN + 1]);

/* True if header (may be NULL) is the CSRF token of token, compared in
 * constant time. */
bool gw_csrf_valid(const char *token, const char *header);

/* True for a method that may change state: all but GET, HEAD, OPTIONS. */
bool gw_method_changes_state(const char *method);

/* The Set-Cookie line (with CRLF) that gives token (GW_TOKEN_LEN bytes) to
 * the browser, or with token NULL the one that removes the cookie. */
void gw_session_cookie_header(const char *token, char out[GW_COOKIE_HEADER_MAX]);

#endif
