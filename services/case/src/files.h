/* The case service's files (电子档案) in the shared modules: a file is a
 * clue or a case, and its dossier lives in the tables of migration
 * 0002_dossier.sql (common/templates/dossier.sql filled in with these
 * names). */
#ifndef CASE_FILES_H
#define CASE_FILES_H

#include "cg/dossier.h"

/* The dossier tables of clues and cases; static, for every append, list,
 * verify and export of the service. */
extern const cg_dossier_tables case_dossier;

#endif
