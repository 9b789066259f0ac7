/* The dashboard's statistics (统计) as JSON: the clues' and the cases'
 * figures, each naming the list filter that shows the records behind it
 * (docs/api.md, "Statistics"). Pure: no I/O. */
#ifndef GW_JSON_STATS_H
#define GW_JSON_STATS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cg/status.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_stats.pb-c.h"

/* ClueStatistics' reply. NULL when out of memory. */
cJSON *gw_json_clue_statistics(const Cleangrid__V1__ClueStatisticsReply *reply);
/* CaseStatistics' reply; "overdue" is null while cases carry no deadline.
 * NULL when out of memory. */
cJSON *gw_json_case_statistics(const Cleangrid__V1__CaseStatisticsReply *reply);

/* Copies of the case statistics' filters from a query string, for a
 * CaseStatisticsRequest that points into it. */
typedef struct gw_case_stats_buf {
    char stage[40], unit_code[72], filed_from[16], filed_to[16];
} gw_case_stats_buf;

/* Read stage, unit_code, filed_from and filed_to (YYYY-MM-DD, filed_to
 * inclusive) from a raw query string (may be NULL) into out, pointing into
 * buf; *unit_code (into buf, "" when absent) is the unit to resolve into
 * out->org_path. Adds violations to err (which it does not clear) and
 * returns its code. */
cg_code gw_map_case_stats_filters(const char *query, Cleangrid__V1__CaseStatisticsRequest *out,
                                  gw_case_stats_buf *buf, const char **unit_code, cg_err *err);

#endif
