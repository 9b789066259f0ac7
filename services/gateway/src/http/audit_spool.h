/* The audit spool: records the trail could not take, kept on the gateway's
 * own disk until it can (audit.c replays them).
 *
 * One file, <CG_AUDIT_SPOOL_DIR>/audit.spool, one record a line, appended
 * and fsync'd before the answer the record belongs to leaves: a crash of
 * the gateway after that answer loses nothing. A line is a JSON object,
 * {"v":1,"values":[the twelve values of audit.h, null for NULL]}, its
 * detail already holding "answered_at" (the time the request was
 * answered; the row's own time is when it reaches the trail). Replay skips
 * records whose gateway_request_id is already in the trail, so a crash
 * between a replay's commit and the spool's truncation writes nothing
 * twice. A record the trail refuses as data, or a line that does not
 * parse, is set aside in audit.rejected rather than stopping the rest.
 *
 * No database, no server: in gw_core, with a unit test. Not thread-safe:
 * one thread (the audit writer) uses a spool. */
#ifndef GW_AUDIT_SPOOL_H
#define GW_AUDIT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cg/status.h"
#include "audit.h"

/* The files' names inside the spool folder. */
#define GW_AUDIT_SPOOL_FILE "audit.spool"
#define GW_AUDIT_SPOOL_REJECTED "audit.rejected"

/* One line of the spool for values (GW_AUDIT_NVALUES, borrowed), answered
 * at answered_ms (Unix milliseconds), ending in a newline. The detail
 * (values[11], a JSON object or NULL) gets "answered_at" as an RFC 3339
 * time. Returns a new string (free()), or NULL when out of memory or when
 * the detail is not a JSON object. */
char *gw_audit_spool_line(const char *const values[GW_AUDIT_NVALUES], long long answered_ms);

/* A record read back from the spool. */
typedef struct gw_audit_spooled {
    char *values[GW_AUDIT_NVALUES]; /* owned; NULL is SQL NULL */
    /* The line as read, without its newline (owned; NULL from
     * gw_audit_spool_parse()), and whether it failed to parse (values all
     * NULL then): such a line is set aside, never dropped. */
    char *line;
    bool bad;
} gw_audit_spooled;

/* Parse one line (without or with its newline) into *out, which is owned
 * by the caller and released with gw_audit_spooled_clear() (also after a
 * failure). INVALID_ARGUMENT when it is not a line gw_audit_spool_line()
 * wrote. */
cg_code gw_audit_spool_parse(const char *line, gw_audit_spooled *out, cg_err *err);
void gw_audit_spooled_clear(gw_audit_spooled *rec);

typedef struct gw_audit_spool gw_audit_spool;

/* Open (creating it, 0700, when missing; its parent must exist) the folder
 * dir and its spool file. A last line cut short by a crash before its
 * fsync finished (its answer never left) is cut off. max_bytes bounds the
 * file (0: only the disk does). *out is owned by the caller and freed with
 * gw_audit_spool_close(). */
cg_code gw_audit_spool_open(gw_audit_spool **out, const char *dir, long long max_bytes,
                            cg_err *err);
void gw_audit_spool_close(gw_audit_spool *spool);
/* Bytes in the spool; 0 when it is empty. */
long long gw_audit_spool_size(const gw_audit_spool *spool);
/* Append text (whole lines) and fsync. All or nothing: on failure the file
 * is cut back to what it held. RESOURCE_EXHAUSTED when text would take the
 * file past max_bytes or the disk is full, UNAVAILABLE for another write
 * error. */
cg_code gw_audit_spool_append(gw_audit_spool *spool, const char *text, size_t len, cg_err *err);
/* Read up to max records from byte offset into recs (max entries, owned by
 * the caller, each released with gw_audit_spooled_clear()); *n gets how
 * many, *next the offset after the last. A line that does not parse comes
 * back with bad set, for the caller to set aside. */
cg_code gw_audit_spool_read(gw_audit_spool *spool, long long offset, gw_audit_spooled *recs,
                            int max, int *n, long long *next, cg_err *err);
/* Set line (a record's text, without its newline) aside in
 * <dir>/audit.rejected, fsync'd: a record the trail refuses as data (or a
 * line that does not parse) would otherwise stop every record behind it.
 * Kept there for the operator (docs/operations.md), never dropped. */
cg_code gw_audit_spool_reject(gw_audit_spool *spool, const char *line, cg_err *err);
/* Empty the spool (everything in it was committed to the trail) and
 * fsync. */
cg_code gw_audit_spool_clear(gw_audit_spool *spool, cg_err *err);
/* True when a line of bytes would fit: under max_bytes and that much free
 * on the folder's disk, with some room to spare. */
bool gw_audit_spool_has_room(const gw_audit_spool *spool, size_t bytes);

#endif
