/* The hand-written presenters of forwarding routes (forward.h: a row's
 * .present), for the few answers the JSON codec cannot show by rules:
 * the dashboard's statistics (统计), whose figures are {key: count} objects
 * each naming the list filter that shows the records behind it (docs/api.md,
 * "Statistics"), and a dossier's entries, whose summary is shown both as an
 * object and as the exact text that was hashed. Pure: no I/O. */
#ifndef GW_PRESENTERS_H
#define GW_PRESENTERS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cleangrid/v1/case_stats.pb-c.h"
#include "cleangrid/v1/dossier.pb-c.h"

/* ClueStatistics' reply. NULL when out of memory. */
cJSON *gw_json_clue_statistics(const ProtobufCMessage *msg);
/* CaseStatistics' reply. NULL when out of memory. */
cJSON *gw_json_case_statistics(const ProtobufCMessage *msg);

/* ListDossier's reply: {"items": [...], "next_cursor"}. NULL when out of
 * memory. */
cJSON *gw_json_dossier(const ProtobufCMessage *msg);
/* VerifyDossier's reply: {"whole", "first_bad_seq"} (null when whole). */
cJSON *gw_json_dossier_verify(const ProtobufCMessage *msg);

#endif
