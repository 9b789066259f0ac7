/* Reading a file of cadres for their integrity files (廉政档案, POST
 * /api/v1/integrity/cadres/import): one CSV table, one cadre a row, each
 * row read into a row of cg.rpc.integrity.ImportCadres. Pure: the unit
 * tests call it directly through csv_import.h; the route (imports.c)
 * resolves the unit codes, sends the rows to the integrity service and
 * answers.
 *
 * The gateway reads the file's shape here: the columns (English keys or
 * the office's Chinese names, in any order), dates as Excel writes them,
 * the key positions' Chinese names. The cadre's rules (a person id, who
 * has a file already, a unit inside the caller's scope, a key position
 * that is one, a day not after today) are the service's. */
#ifndef GW_CADRE_IMPORT_H
#define GW_CADRE_IMPORT_H

#include "csv_import.h"

/* The file: its columns and limits, and each row read into a
 * Cleangrid__V1__ImportCadreRow with its cadre, whose strings are
 * borrowed from the import. */
extern const gw_csv_import_spec gw_cadre_import_file;

/* The key position's API name for the office's Chinese one (采购
 * procurement, 财务 finance, 人事 hr, 工程建设 project_construction, 物资
 * materials); any other text as it is, for the service to judge. Static or
 * s itself. */
const char *gw_cadre_key_position(const char *s);

#endif
