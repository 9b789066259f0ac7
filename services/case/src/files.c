#include "files.h"

const cg_dossier_tables case_dossier = CG_DOSSIER_TABLES("dossier_entries", "dossier_heads");
