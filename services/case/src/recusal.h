/* Recusal for relatives (亲属回避): which of a clue's subjects and which
 * people the integrity files (廉政档案) can be asked about, and how a
 * refusal reads. The question itself goes to the integrity service
 * (relatives.c); docs/case-lifecycle.md, "Relatives of a subject", says
 * who is checked at which step and why.
 *
 * Pure: no database, no NATS. */
#ifndef CASE_RECUSAL_H
#define CASE_RECUSAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cg/person.h"
#include "cg/status.h"

/* What a checked person would become on the clue or case. */
typedef enum case_recusal_as {
    CASE_AS_HANDLER,      /* 承办人 */
    CASE_AS_INVESTIGATOR, /* 调查人员 */
    CASE_AS_REVIEWER,     /* 审理人员 */
    CASE_AS_DECIDER,      /* the inspection lead who decides a step */
} case_recusal_as;

/* The most subjects one question to the integrity service may carry (its
 * own limit). A clue holds far fewer (CG_CLUE_SUBJECTS_MAX). */
#define CASE_RECUSAL_SUBJECTS_MAX 100

/* True when id is a person id the integrity files can hold: 1 to 64
 * letters, digits, '.', '_' or '-' after canonicalisation (cg/person.h),
 * which is written into canon (CG_PERSON_ID_SIZE bytes, "" otherwise). An
 * id of another form is in no file, so no relation can be declared to it. */
bool case_recusal_person(const char *id, char canon[CG_PERSON_ID_SIZE]);

/* The canonical person ids of the subjects in subjects_json (a clue's
 * subjects as stored: [{"name", "person_id", ...}], borrowed) that
 * case_recusal_person() accepts, each once, written into ids (max entries,
 * owned by the caller). A subject without one cannot be asked about and is
 * left out. Returns how many, or -1 when there are more than max. */
int case_recusal_subject_ids(const char *subjects_json, char (*ids)[CG_PERSON_ID_SIZE], size_t max);

/* The refusal (FAILED_PRECONDITION, answered 409) for a declared relation:
 * relation as the integrity files name it (spouse, child, ...), direction
 * "subject_declared" (the subject's file names the person) or
 * "person_declared" (the person's own file names the subject). self says
 * whether the person is the actor ("you") or someone the actor names
 * ("that person"); record is "clue" or "case". The message names the
 * relation, never the file or the subject. Returns the code. */
cg_code case_recusal_refuse(cg_err *err, const char *relation, const char *direction,
                            case_recusal_as as, bool self, const char *record);

/* The refusal (UNAVAILABLE, answered 503) while the relations cannot be
 * checked: nobody is named or decides unchecked. Returns the code. */
cg_code case_recusal_unavailable(cg_err *err, case_recusal_as as, const char *record);

#endif
