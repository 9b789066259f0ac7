/* Relatives of a subject (亲属回避) in the running service: the question
 * cg.rpc.integrity.RelativeConflicts, asked on behalf of the caller before
 * someone is named to a clue or a case or decides a step of it
 * (recusal.h says who; docs/case-lifecycle.md, "Relatives of a subject",
 * why a step waits while the integrity files do not answer). */
#ifndef CASE_RELATIVES_H
#define CASE_RELATIVES_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/rpc.h"
#include "recusal.h"

/* The longest all questions of one step wait for the integrity service
 * together, read once at start (main.c) through CASE_RELATIVES_VARS. */
extern long case_integrity_timeout_ms;

// clang-format off
#define CASE_RELATIVES_VARS                                                                \
    {.name = "CG_CASE_INTEGRITY_TIMEOUT_MS", .type = CG_CONFIG_INT, .default_value = "2000", \
     .min = 100, .max = 60000, .target = &case_integrity_timeout_ms,                       \
     .help = "longest a step waits for the integrity service's answer on relatives; keep it " \
             "well below the gateway's CG_RPC_TIMEOUT_MS"}
// clang-format on

/* The questions of one call: they share one wait of
 * case_integrity_timeout_ms. Zero it before the first. */
typedef struct case_relatives {
    const cg_rpc_req *r; /* borrowed: the call whose CallContext is forwarded */
    int64_t started_ms;  /* monotonic time of the first question, 0 before */
} case_relatives;

/* Is person_id (borrowed; the actor's when self, else the person the actor
 * names) a declared relative of one of the subjects in subjects_json (a
 * clue's subjects as stored, borrowed), or is one of them a declared
 * relative of theirs? CG_OK when not, or when nothing can be asked (no
 * person id, or no subject with one); FAILED_PRECONDITION naming the
 * relation when so (case_recusal_refuse()); UNAVAILABLE when the integrity
 * service does not answer in time or answers with an error
 * (case_recusal_unavailable()), logged with the reason. as and record
 * ("clue" or "case") word the refusal. The arg of q->r is the service's
 * cg_service_base, whose NATS connection asks. */
cg_code case_relatives_check(case_relatives *q, const char *subjects_json, const char *person_id,
                             case_recusal_as as, bool self, const char *record, cg_err *err);

#endif
