/* The dashboard's statistics (统计) as JSON: the clues' and the cases'
 * figures, each naming the list filter that shows the records behind it
 * (docs/api.md, "Statistics"). Pure: no I/O. */
#ifndef GW_JSON_STATS_H
#define GW_JSON_STATS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_stats.pb-c.h"

/* ClueStatistics' reply. NULL when out of memory. */
cJSON *gw_json_clue_statistics(const Cleangrid__V1__ClueStatisticsReply *reply);
/* CaseStatistics' reply. NULL when out of memory. */
cJSON *gw_json_case_statistics(const Cleangrid__V1__CaseStatisticsReply *reply);

#endif
