/* Deadlines (期限) in the running service: the service's clock (which tests
 * can move) and the scheduler that announces clues that became due soon or
 * overdue. The deadlines themselves are stored per clue (clues.deadline_at,
 * set as the clue moves: case_stage_deadline_days() in lifecycle.c) and
 * rated with case_deadline_state(). docs/deadlines.md. */
#ifndef CASE_DEADLINES_H
#define CASE_DEADLINES_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/service.h"

#define CASE_SUBJECT_DEADLINE_DUE_SOON "cg.evt.case.deadline.due_soon"
#define CASE_SUBJECT_DEADLINE_OVERDUE "cg.evt.case.deadline.overdue"

/* Read once at start (main.c) through CASE_SCHEDULER_VARS. */
extern long case_deadline_tick_ms;
extern bool case_deadline_test_clock;

// clang-format off
#define CASE_SCHEDULER_VARS                                                            \
    {.name = "CG_CASE_DEADLINE_TICK_MS", .type = CG_CONFIG_INT, .default_value = "60000", \
     .min = 50, .max = 86400000, .target = &case_deadline_tick_ms,                     \
     .help = "how often the deadline scheduler looks for items due soon or overdue"},  \
    {.name = "CG_CASE_TEST_CLOCK", .type = CG_CONFIG_BOOL, .default_value = "0",       \
     .target = &case_deadline_test_clock,                                              \
     .help = "tests only: add service_clock.offset_s to the service's clock"}
// clang-format on

/* The service's time in Unix milliseconds: the real clock plus, with
 * CG_CASE_TEST_CLOCK=1, the test offset last read by the scheduler. */
int64_t case_deadline_now_ms(void);

typedef struct case_scheduler case_scheduler;

/* Start the scheduler thread on base's database and outbox relay. *out is
 * owned by the caller; stop it with case_scheduler_stop() before the base. */
cg_code case_scheduler_start(case_scheduler **out, cg_service_base *base, cg_err *err);
/* Stop and free it; NULL is fine. */
void case_scheduler_stop(case_scheduler *s);

#endif
