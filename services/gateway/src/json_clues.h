/* JSON <-> protobuf for the clue register (问题线索), its disposal steps and
 * the dossier (电子档案). Pure: no database, no NATS. Validation reports every
 * bad field at once, and unknown members are errors, as in json_map.c. */
#ifndef GW_JSON_CLUES_H
#define GW_JSON_CLUES_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cg/limits.h"
#include "cg/status.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_list.pb-c.h"

#define GW_CLUE_SUBJECTS_MAX CG_CLUE_SUBJECTS_MAX
#define GW_CLUE_CATEGORIES_MAX CG_CLUE_CATEGORIES_MAX

/* Storage for the repeated parts of a CreateClueRequest; its strings are
 * borrowed from the body. */
typedef struct gw_clue_form {
    Cleangrid__V1__ClueSubject subjects[GW_CLUE_SUBJECTS_MAX];
    Cleangrid__V1__ClueSubject *subject_ptrs[GW_CLUE_SUBJECTS_MAX];
    char *categories[GW_CLUE_CATEGORIES_MAX];
} gw_clue_form;

/* Map POST /api/v1/clues: source, source_ref, source_link, subjects[],
 * categories[], summary, received_date (YYYY-MM-DD), unit_code. out's
 * strings borrow from body, its arrays from form; *unit_code (borrowed)
 * is the unit to resolve into out->org_path. */
cg_code gw_map_create_clue(const cJSON *body, Cleangrid__V1__CreateClueRequest *out,
                           gw_clue_form *form, const char **unit_code, cg_err *err);

/* A PATCH /api/v1/clues/{id} body mapped: the changed register fields in
 * request (a CreateClueRequest used for its fields only), their names in
 * names[0..nnames), and the arrays in form. */
typedef struct gw_clue_edit {
    Cleangrid__V1__CreateClueRequest request;
    gw_clue_form form;
    char *names[5];
} gw_clue_edit;

/* Map PATCH /api/v1/clues/{id}: any of subjects[], categories[], summary,
 * received_date (YYYY-MM-DD) and source_link (null clears it), at least
 * one. out->action becomes "edit", out->edit and out->edit_fields point
 * into edit, whose strings borrow from body. */
cg_code gw_map_clue_edit(const cJSON *body, Cleangrid__V1__ClueActionRequest *out,
                         gw_clue_edit *edit, cg_err *err);

/* Copies of the list filters from a query string, for a ListCluesRequest
 * that points into it. */
typedef struct gw_clue_filter_buf {
    char status[32], source[32], category[32], handler_id[40], unit_code[72];
    char received_from[16], received_to[16];
    char q[420];
    char overdue[8];
    char sort[16];
} gw_clue_filter_buf;

/* Read the clue list's filters from a raw query string (may be NULL):
 * status, source, category, handler_id, unit_code, received_from and
 * received_to (YYYY-MM-DD, received_to inclusive), q (a substring of the
 * summary or a subject's name), overdue (true or false), sort (received
 * or deadline, checked by the case service). Fills out's filter fields, pointing into
 * buf; *unit_code (into buf, "" when absent) is the unit to resolve into
 * out->org_path. Adds violations to err (which it does not clear) and
 * returns its code. Names are checked by the case service. */
cg_code gw_map_clue_filters(const char *query, Cleangrid__V1__ListCluesRequest *out,
                            gw_clue_filter_buf *buf, const char **unit_code, cg_err *err);

/* Add the register's members of clue to obj (subjects, categories,
 * summary, received_date, handler_id, source_link, merged_into,
 * linked_clue_ids, disposal). False when out of memory. */
bool gw_json_clue_add_register(cJSON *obj, const Cleangrid__V1__Clue *clue);

/* A case (案件) as the API shows it. NULL when out of memory. */
cJSON *gw_json_case(const Cleangrid__V1__Case *k);

/* The statistics' JSON: json_stats.h. */
#include "json_stats.h"

/* {"items": [entries], "next_cursor": ...} and {"whole": ..., "first_bad_seq": ...}. */
cJSON *gw_json_dossier(const Cleangrid__V1__ListDossierReply *reply);
cJSON *gw_json_dossier_verify(const Cleangrid__V1__VerifyDossierReply *reply);

/* --- issue 4: cases (案件): investigators, items, the extension, the list --- */

/* Copies of the case list's filters from a query string. */
typedef struct gw_case_filter_buf {
    char stage[32], investigator_id[40], unit_code[72], filed_from[16], filed_to[16];
    char q[420], overdue[8], sort[16];
} gw_case_filter_buf;

/* Read the case list's filters from a raw query string (may be NULL):
 * stage, unit_code, investigator_id, overdue, q, filed_from and filed_to
 * (YYYY-MM-DD, filed_to inclusive), sort (filed | deadline). Fills out,
 * pointing into buf; *unit_code as gw_map_clue_filters(). Adds violations
 * to err (not cleared) and returns its code. */
cg_code gw_map_case_filters(const char *query, Cleangrid__V1__ListCasesRequest *out,
                            gw_case_filter_buf *buf, const char **unit_code, cg_err *err);

/* Add a case's investigators, items, deadline and extension to obj.
 * False when out of memory. */
bool gw_json_case_add_work(cJSON *obj, const Cleangrid__V1__Case *k);

#endif
