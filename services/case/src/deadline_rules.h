/* Deadlines (期限) of problem clues: per stage, how many days after which
 * moment an item is due, and how urgent it is at a given time. The numbers
 * come from configuration (deadlines.h); docs/deadlines.md states the rules.
 *
 * Pure functions: no database, no NATS, no clock of their own. */
#ifndef CASE_DEADLINE_RULES_H
#define CASE_DEADLINE_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "cg/status.h"

/* Deadline stages (Deadline.stage) and levels (Deadline.level). */
#define CASE_DEADLINE_DISPOSAL "disposal"
#define CASE_DEADLINE_PRELIMINARY "preliminary_verification"
#define CASE_DEADLINE_TALK_INQUIRY "talk_inquiry"
#define CASE_LEVEL_ON_TIME "on_time"
#define CASE_LEVEL_DUE_SOON "due_soon"
#define CASE_LEVEL_OVERDUE "overdue"

#define CASE_DAY_MS (24LL * 60 * 60 * 1000)

/* Days allowed per stage, and how many days before the due time an item
 * counts as due soon. */
typedef struct case_deadline_rules {
    long disposal_days;     /* a clue disposed of within this many days of receipt */
    long preliminary_days;  /* preliminary verification, from its approval */
    long talk_inquiry_days; /* talk or inquiry letter, from its approval */
    long soon_days;
} case_deadline_rules;

/* What a clue's deadline is computed from. Strings are borrowed. */
typedef struct case_deadline_basis {
    const char *status;       /* the clue's stage (its status column) */
    int64_t received_at_ms;   /* when the clue was received */
    const char *pending_from; /* while a proposal is pending: the stage it was made in */
    const char *approved_way; /* the latest approved disposal's way, "" for none */
    int64_t approved_at_ms;   /* and when it was approved */
} case_deadline_basis;

/* An item's current deadline. Strings are static. */
typedef struct case_deadline {
    const char *stage;
    int64_t due_at_ms;
    const char *level;
} case_deadline;

/* The level of an item due at due_at_ms, seen at now_ms: overdue from the
 * due time on, due_soon within rules->soon_days before it, on_time before
 * that. Returns a static string. */
const char *case_deadline_level(const case_deadline_rules *rules, int64_t due_at_ms,
                                int64_t now_ms);

/* The latest receipt time a clue due soon or overdue at now_ms can have:
 * every deadline counts from the receipt or from a later approval, so a
 * clue received after this time is on time whatever its stage. The
 * scheduler reads only clues received by then. */
int64_t case_deadline_receipt_bound(const case_deadline_rules *rules, int64_t now_ms);

/* The deadline of a clue at now_ms into *out. False when its stage has none
 * (shelved, closed, filed, merged, awaiting filing) or the moment it counts
 * from is unknown. A clue awaiting approval of a proposal keeps the
 * deadline of the stage the proposal was made in: the approval is what
 * ends that stage. */
bool case_deadline_of_clue(const case_deadline_rules *rules, const case_deadline_basis *basis,
                           int64_t now_ms, case_deadline *out);

/* case_deadline_of_clue() with the basis's disposal part read from the JSON
 * object the database function clue_deadline_basis() returns
 * ({"pending_from", "approved_way", "approved_at_ms"}; "" or NULL: none).
 * False as above, and when the text does not parse. */
bool case_deadline_of_clue_json(const case_deadline_rules *rules, const char *status,
                                int64_t received_at_ms, const char *basis_json, int64_t now_ms,
                                case_deadline *out);

#endif
