/* Deadlines (期限) in the running service: their configuration, the
 * service's clock (which tests can move), the deadline each clue carries in
 * the RPC replies, and the scheduler that announces items that became due
 * soon or overdue. The rules themselves are in deadline_rules.c. */
#ifndef CASE_DEADLINES_H
#define CASE_DEADLINES_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/service.h"
#include "clue_view.h"
#include "deadline_rules.h"

#define CASE_SUBJECT_DEADLINE_DUE_SOON "cg.evt.case.deadline.due_soon"
#define CASE_SUBJECT_DEADLINE_OVERDUE "cg.evt.case.deadline.overdue"

/* Read once at start (main.c) through CASE_DEADLINE_VARS. */
extern case_deadline_rules case_deadline_config;
extern long case_deadline_tick_ms;
extern bool case_deadline_test_clock;

// clang-format off
#define CASE_DEADLINE_VARS                                                             \
    {.name = "CG_CASE_DUE_DISPOSAL_DAYS", .type = CG_CONFIG_INT, .default_value = "30", \
     .min = 1, .max = 3650, .target = &case_deadline_config.disposal_days,             \
     .help = "days from receipt within which a clue is disposed of"},                  \
    {.name = "CG_CASE_DUE_PRELIMINARY_DAYS", .type = CG_CONFIG_INT,                    \
     .default_value = "90", .min = 1, .max = 3650,                                     \
     .target = &case_deadline_config.preliminary_days,                                 \
     .help = "days from its approval for a preliminary verification"},                 \
    {.name = "CG_CASE_DUE_TALK_INQUIRY_DAYS", .type = CG_CONFIG_INT,                   \
     .default_value = "30", .min = 1, .max = 3650,                                     \
     .target = &case_deadline_config.talk_inquiry_days,                                \
     .help = "days from its approval for a talk or inquiry letter"},                   \
    {.name = "CG_CASE_DUE_SOON_DAYS", .type = CG_CONFIG_INT, .default_value = "7",     \
     .min = 0, .max = 3650, .target = &case_deadline_config.soon_days,                 \
     .help = "days before its due time an item counts as due soon"},                   \
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

/* Set v->clue.deadline from the clue's status and received time (already in
 * v->clue) and the basis text of clue_deadline_basis(); left NULL when its
 * stage has none. The deadline lives in v and needs no freeing. */
void case_deadline_attach(case_clue_view *v, const char *basis_json);

typedef struct case_scheduler case_scheduler;

/* Start the scheduler thread on base's database and outbox relay. *out is
 * owned by the caller; stop it with case_scheduler_stop() before the base. */
cg_code case_scheduler_start(case_scheduler **out, cg_service_base *base, cg_err *err);
/* Stop and free it; NULL is fine. */
void case_scheduler_stop(case_scheduler *s);

#endif
