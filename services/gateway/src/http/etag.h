/* Entity tags (RFC 9110 section 8.8.3) for reads of a single record, and the
 * conditions that compare them: If-None-Match (a read answers 304 when the
 * client's copy is current) and If-Match (an update answers 412 when the
 * client's copy is stale; used by update routes once they exist). Pure. */
#ifndef GW_ETAG_H
#define GW_ETAG_H

#include <stdbool.h>
#include <stddef.h>

/* A strong tag: '"', 22 base64url characters of a 128-bit BLAKE2b digest of
 * the representation, '"', and a terminator. */
#define GW_ETAG_LEN 25

/* The strong entity tag of body (len bytes): equal bodies, equal tags. */
void gw_etag_compute(const void *body, size_t len, char out[GW_ETAG_LEN]);

/* If-None-Match: true when header (may be NULL) is "*" or lists etag,
 * compared weakly (a W/ prefix on either side is ignored), so the read is
 * answered 304. False for an absent or malformed header: the read goes on. */
bool gw_etag_none_match_hit(const char *header, const char *etag);

/* If-Match: true when the update may go on: header absent (NULL), "*" with
 * an existing record, or a list holding etag compared strongly (a weak tag
 * never matches). False means 412. exists is false when there is no current
 * representation, which fails every If-Match. */
bool gw_etag_match_ok(const char *header, const char *etag, bool exists);

#endif
