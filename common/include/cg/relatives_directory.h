/* The integrity service's directory of declared relatives: the relatives
 * every integrity file declares, a page at a time, asked for over core
 * NATS.
 *
 * The integrity service owns the files; a service that looks for
 * conflicts of interest in records it takes from elsewhere (the risk
 * service, in the enterprise's awards) keeps a copy of the relatives and
 * of the businesses they run, read through this question. It is not a
 * method a person's call reaches: NATS lets only those services ask it
 * (docs/access.md, "NATS"). Any integrity replica answers (queue group
 * CG_DECLARED_RELATIVES_QUEUE). */
#ifndef CG_RELATIVES_DIRECTORY_H
#define CG_RELATIVES_DIRECTORY_H

#include <stdint.h>

#include "cg/nats.h"
#include "cg/status.h"
#include "cleangrid/v1/integrity.pb-c.h"

/* DeclaredRelativesRequest in, DeclaredRelativesReply out. */
#define CG_SUBJECT_DECLARED_RELATIVES "cg.integrity.relatives.declared"
#define CG_DECLARED_RELATIVES_QUEUE "integrity"
/* The most relatives one page holds. */
#define CG_DECLARED_RELATIVES_PAGE_MAX 1000

/* Ask for the page of up to limit relatives after the id after ("" for the
 * first), waiting up to timeout_ms. On CG_OK *out is the reply, owned by
 * the caller and freed with protobuf_c_message_free_unpacked(); its next
 * is the after of the next page, "" at the end. Otherwise *out is NULL and
 * err says why: UNAVAILABLE when no integrity replica answers. */
cg_code cg_declared_relatives_fetch(cg_nats *nats, const char *after, int32_t limit,
                                    int64_t timeout_ms, Cleangrid__V1__DeclaredRelativesReply **out,
                                    cg_err *err);

#endif
