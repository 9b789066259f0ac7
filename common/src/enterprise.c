/* The enterprise events' contract as a table (cg/enterprise.h). */
#include "cg/enterprise.h"

#include <string.h>

#include "cg/pbjson.h"
#include "cg/util.h"
#include "cleangrid/enterprise/v1/finance.pb-c.h"
#include "cleangrid/enterprise/v1/hr.pb-c.h"
#include "cleangrid/enterprise/v1/procurement.pb-c.h"
#include "cleangrid/enterprise/v1/projects.pb-c.h"
#include "cleangrid/enterprise/v1/register.pb-c.h"

// clang-format off
const cg_enterprise_event cg_enterprise_events[] = {
    {"ent.hr.person.appointed", &cleangrid__enterprise__v1__person_appointed__descriptor,
     "a person was appointed to a post"},
    {"ent.hr.person.transferred", &cleangrid__enterprise__v1__person_transferred__descriptor,
     "a person moved from one post to another"},
    {"ent.hr.person.removed", &cleangrid__enterprise__v1__person_removed__descriptor,
     "a person left a post without a new one"},
    {"ent.hr.appraisal.recorded", &cleangrid__enterprise__v1__appraisal_recorded__descriptor,
     "a yearly appraisal result"},
    {"ent.hr.adverse_action.taken", &cleangrid__enterprise__v1__adverse_action_taken__descriptor,
     "a disciplinary or other adverse action decided by HR"},
    {"ent.procurement.tender.published", &cleangrid__enterprise__v1__tender_published__descriptor,
     "a tender was announced"},
    {"ent.procurement.bid.submitted", &cleangrid__enterprise__v1__bid_submitted__descriptor,
     "a tenderer submitted a bid"},
    {"ent.procurement.award.made", &cleangrid__enterprise__v1__award_made__descriptor,
     "a tender was awarded, with every bid"},
    {"ent.procurement.contract.signed", &cleangrid__enterprise__v1__contract_signed__descriptor,
     "a contract was signed"},
    {"ent.procurement.contract.changed", &cleangrid__enterprise__v1__contract_changed__descriptor,
     "a contract's amount or terms changed"},
    {"ent.finance.payment.made", &cleangrid__enterprise__v1__payment_made__descriptor,
     "money was paid to a supplier"},
    {"ent.finance.expense.claimed", &cleangrid__enterprise__v1__expense_claimed__descriptor,
     "an expense claim was approved"},
    {"ent.finance.supplier_account.changed",
     &cleangrid__enterprise__v1__supplier_account_changed__descriptor,
     "a supplier's bank account on file was changed"},
    {"ent.projects.change_order.issued", &cleangrid__enterprise__v1__change_order_issued__descriptor,
     "a project's works changed"},
    {"ent.register.company.extracted", &cleangrid__enterprise__v1__company_extracted__descriptor,
     "the company register's entry for a company"},
    {"ent.register.household.extracted",
     &cleangrid__enterprise__v1__household_extracted__descriptor,
     "an employee's family relations as the household register shows them"},
};
// clang-format on
const size_t cg_enterprise_nevents = sizeof(cg_enterprise_events) / sizeof(cg_enterprise_events[0]);

const cg_enterprise_event *cg_enterprise_find(const char *subject)
{
    for (size_t i = 0; subject != NULL && i < cg_enterprise_nevents; i++)
        if (strcmp(cg_enterprise_events[i].subject, subject) == 0)
            return &cg_enterprise_events[i];
    return NULL;
}

cg_code cg_enterprise_codec(cg_pbjson **out, cg_err *err)
{
    cg_pbjson *codec = cg_pbjson_new(NULL, 0);
    if (codec == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    for (size_t i = 0; i < cg_enterprise_nevents; i++) {
        if (cg_pbjson_prepare(codec, cg_enterprise_events[i].message, err) != CG_OK) {
            cg_pbjson_free(codec);
            return err->code;
        }
    }
    *out = codec;
    return CG_OK;
}

/* Whether value is a header line the NATS client read in place of an
 * empty value: a header name (RFC 9110 token characters), a colon, then
 * white space or nothing. "urn:uuid:..." and "https://..." are not: a
 * character other than white space follows their colon. */
static bool looks_like_header_line(const char *value)
{
    size_t name = strspn(value, "!#$%&'*+-.^_`|~0123456789"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    return name > 0 && value[name] == ':' &&
           (value[name + 1] == '\0' || value[name + 1] == ' ' || value[name + 1] == '\t');
}

bool cg_cloud_event_text_ok(const char *s, size_t max)
{
    size_t len = s != NULL ? strlen(s) : 0;
    if (len == 0 || !cg_utf8_valid(s, len) || cg_utf8_length(s) > max || looks_like_header_line(s))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

bool cg_cloud_event_time_ok(int64_t time_ms, int64_t now_ms)
{
    return time_ms >= CG_CE_TIME_EARLIEST_MS && time_ms <= now_ms + CG_CE_TIME_AHEAD_MS;
}

static const char *header(natsMsg *msg, const char *name)
{
    const char *value = NULL;
    return natsMsgHeader_Get(msg, name, &value) == NATS_OK ? value : NULL;
}

cg_code cg_cloud_event_read(natsMsg *msg, cg_cloud_event *ev, cg_err *err)
{
    memset(ev, 0, sizeof(*ev));
    ev->subject = natsMsg_GetSubject(msg);
    ev->id = header(msg, CG_CE_ID);
    ev->source = header(msg, CG_CE_SOURCE);
    ev->type = header(msg, CG_CE_TYPE);
    ev->data = (const uint8_t *)natsMsg_GetData(msg);
    ev->len = (size_t)natsMsg_GetDataLength(msg);
    const char *spec = header(msg, CG_CE_SPECVERSION);
    const char *time = header(msg, CG_CE_TIME);
    const char *const names[] = {CG_CE_ID, CG_CE_SOURCE, CG_CE_TYPE, CG_CE_SPECVERSION, CG_CE_TIME};
    const char *const values[] = {ev->id, ev->source, ev->type, spec, time};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (values[i] != NULL && looks_like_header_line(values[i]))
            return cg_err_set(err, CG_INVALID_ARGUMENT,
                              "header %s is empty (its value reads as the next header line)",
                              names[i]);
    if (!cg_cloud_event_text_ok(ev->id, CG_CE_ID_MAX))
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "header %s must be 1 to %d printable characters", CG_CE_ID, CG_CE_ID_MAX);
    if (!cg_cloud_event_text_ok(ev->source, CG_CE_SOURCE_MAX))
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "header %s must be 1 to %d printable characters", CG_CE_SOURCE,
                          CG_CE_SOURCE_MAX);
    if (spec == NULL || strcmp(spec, CG_CE_SPEC) != 0)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "header %s must be %s", CG_CE_SPECVERSION,
                          CG_CE_SPEC);
    if (ev->type == NULL || strcmp(ev->type, ev->subject) != 0)
        return cg_err_set(err, CG_INVALID_ARGUMENT, "header %s must be the subject %s", CG_CE_TYPE,
                          ev->subject);
    if (time != NULL && !cg_pbjson_time_parse(time, &ev->time_ms))
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "header %s must be an RFC 3339 time like 2026-03-01T08:00:00Z",
                          CG_CE_TIME);
    if (time != NULL && !cg_cloud_event_time_ok(ev->time_ms, cg_now_ms()))
        return cg_err_set(err, CG_INVALID_ARGUMENT,
                          "header %s must be from 1990-01-01 to a day past now, not %s", CG_CE_TIME,
                          time);
    return CG_OK;
}
