/* What the integrity service takes from the case service's events: the
 * sanctions of a disposed case and the conclusions of clues closed after a
 * talk or a verification become records of their subjects' files, exactly
 * once. Each handler runs in the transaction that also records the event
 * in the inbox (cg/messaging.h), and every record carries a unique
 * reference to what it is of, so a replay under a new event id changes
 * nothing either. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cg/log.h"
#include "cg/util.h"
#include "cleangrid/v1/case.pb-c.h"
#include "cleangrid/v1/case_disposition.pb-c.h"
#include "cleangrid/v1/risk.pb-c.h"
#include "integrity.h"

/* The disposition kinds that are discipline records of a person. */
static const char *const SANCTION_KINDS[] = {"party_discipline", "government_sanction",
                                             "organizational_handling"};

/* The ways of disposing of a clue that end it with a conclusion about its
 * subjects, and whether the subject reads the conclusion in their file (a
 * talk is held with them; a verification's closure is the office's). */
static const struct {
    const char *way;
    const char *title;
    bool internal;
} CONCLUSIONS[] = {
    {"talk_inquiry", "谈话函询了结 / closed after a talk or inquiry", false},
    {"close", "初核了结 / closed after verification", true},
};

static bool sanction_kind(const char *kind)
{
    for (size_t i = 0; i < sizeof SANCTION_KINDS / sizeof SANCTION_KINDS[0]; i++)
        if (strcmp(kind, SANCTION_KINDS[i]) == 0)
            return true;
    return false;
}

/* Insert one record from an event unless its source_ref has one already,
 * and, when the person has a file, add it to the file's dossier. fields:
 * person, section, title, detail, kind, measure, source_ref, internal,
 * org path, the day (Unix ms), and the record's source (case, system). */
static cg_code event_record(PGconn *conn, const char *event_id, const char *const fields[11],
                            cg_err *err)
{
    PGresult *res = NULL;
    cg_code rc = cg_db_exec(
        conn,
        "WITH x AS (INSERT INTO records (person_id, section, title, detail, happened_on, kind,"
        " measure, influence_until_on, source, source_ref, internal, org_path, recorded_by)"
        " SELECT $1, $2, $3, $4, d.on_day, $5, $6, influence_until($5, $6, d.on_day), $11, $7,"
        " $8::boolean, $9::ltree, '" INTEGRITY_ACTOR_SYSTEM "'"
        " FROM (SELECT (to_timestamp($10::bigint / 1000.0) AT TIME ZONE 'UTC')::date AS on_day) d"
        " ON CONFLICT (source_ref) WHERE source_ref <> '' DO NOTHING RETURNING *)"
        " SELECT c.id::text, x.id::text, jsonb_build_object('section', x.section, 'title',"
        " x.title, 'kind', x.kind, 'measure', x.measure, 'influence_until_on',"
        " json_day(x.influence_until_on), 'source_ref', x.source_ref)::text, x.section"
        " FROM x JOIN cadres c ON c.person_id = x.person_id",
        11, fields, &res, err);
    if (rc == CG_OK && PQntuples(res) == 1)
        rc = integrity_record(conn, cg_db_get(res, 0, 0), INTEGRITY_ACTOR_SYSTEM, event_id,
                              "record.added", "record_added", cg_db_get(res, 0, 3),
                              cg_db_get(res, 0, 1), cg_db_get(res, 0, 2), err);
    PQclear(res);
    return rc;
}

/* The clue clue_id (a case's too) is over: its subjects' matters close.
 * The subjects the event names (n person ids, as given) are written closed
 * as well, so a closing that arrives before the clue's creation is not
 * reopened by it. */
static cg_code close_matters(PGconn *conn, const char *clue_id, const char *org_path,
                             const char *const *given, size_t n, cg_err *err)
{
    if (!cg_uuid_valid(clue_id))
        return CG_OK;
    cg_code rc = cg_db_exec(conn,
                            "UPDATE open_matters SET closed_at = clock_timestamp()"
                            " WHERE clue_id = $1::uuid AND closed_at IS NULL",
                            1, &clue_id, NULL, err);
    for (size_t i = 0; rc == CG_OK && i < n; i++) {
        char person[CG_PERSON_ID_SIZE];
        if (!cg_person_id_canon(given[i], person, sizeof person) || person[0] == '\0')
            continue;
        const char *params[] = {clue_id, person, org_path};
        rc = cg_db_exec(conn,
                        "INSERT INTO open_matters (clue_id, person_id, org_path, closed_at)"
                        " VALUES ($1::uuid, $2, $3::ltree, clock_timestamp())"
                        " ON CONFLICT (clue_id, person_id) DO UPDATE"
                        " SET closed_at = coalesce(open_matters.closed_at, clock_timestamp())",
                        3, params, NULL, err);
    }
    return rc;
}

/* The most subjects of one clue whose matters an event closes. */
#define SUBJECTS_MAX 64

static int64_t event_day(const Cleangrid__V1__EventMeta *meta)
{
    int64_t at = meta != NULL && meta->occurred_at_ms > 0 ? meta->occurred_at_ms : cg_now_ms();
    return at - at % 86400000;
}

cg_code integrity_on_case_disposed(PGconn *conn, const char *subject, const char *event_id,
                                   const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    cg_code rc = CG_OK;
    size_t taken = 0;
    Cleangrid__V1__CaseDisposed *ev = cleangrid__v1__case_disposed__unpack(NULL, len, data);

    /* Checked here, not left to the database, so a bad event is dead-
     * lettered rather than retried. */
    if (ev == NULL || !cg_uuid_valid(ev->case_id) || !cg_ltree_path_valid(ev->org_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a CaseDisposed with a case id and a unit", event_id);
        goto cleanup;
    }
    char day[24];
    snprintf(day, sizeof day, "%lld", (long long)event_day(ev->meta));
    const char *given[SUBJECTS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < ev->n_subjects && n < SUBJECTS_MAX; i++)
        given[n++] = ev->subjects[i]->person_id;
    rc = close_matters(conn, ev->clue_id, ev->org_path, given, n, err);
    for (size_t i = 0; rc == CG_OK && i < ev->n_items; i++) {
        const Cleangrid__V1__DispositionItem *item = ev->items[i];
        char person[CG_PERSON_ID_SIZE], ref[128], title[160], detail[160];
        if (!sanction_kind(item->kind) ||
            !cg_person_id_canon(item->subject_person_id, person, sizeof person) ||
            person[0] == '\0' || !cg_uuid_valid(item->id))
            continue;
        snprintf(ref, sizeof ref, "case:%s:%s", ev->case_id, item->id);
        snprintf(title, sizeof title, "%s: %s", item->kind, item->measure);
        snprintf(detail, sizeof detail, "case %s", ev->case_id);
        const char *fields[11] = {person,       "discipline",  title, detail,
                                  item->kind,   item->measure, ref,   "f",
                                  ev->org_path, day,           "case"};
        rc = event_record(conn, event_id, fields, err);
        taken++;
    }
    if (rc == CG_OK && taken > 0)
        cg_log_fields(CG_LOG_INFO, "case sanctions recorded", "case_id", ev->case_id, NULL);

cleanup:
    if (ev != NULL)
        cleangrid__v1__case_disposed__free_unpacked(ev, NULL);
    return rc;
}

static cg_code on_clue_disposed(PGconn *conn, const char *subject, const char *event_id,
                                const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    cg_code rc = CG_OK;
    Cleangrid__V1__ClueDisposed *ev = cleangrid__v1__clue_disposed__unpack(NULL, len, data);

    if (ev == NULL || !cg_uuid_valid(ev->clue_id) || !cg_ltree_path_valid(ev->org_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a ClueDisposed with a clue id and a unit", event_id);
        goto cleanup;
    }
    /* A clue closed or merged is no longer open about its subjects; one
     * talked about or verified stays open until it is closed. */
    if (strcmp(ev->stage, "closed") == 0 || strcmp(ev->stage, "merged") == 0) {
        const char *given[SUBJECTS_MAX];
        size_t n = 0;
        for (size_t i = 0; i < ev->n_subjects && n < SUBJECTS_MAX; i++)
            given[n++] = ev->subjects[i]->person_id;
        rc = close_matters(conn, ev->clue_id, ev->org_path, given, n, err);
    }
    size_t w = 0;
    while (rc == CG_OK && w < sizeof CONCLUSIONS / sizeof CONCLUSIONS[0] &&
           strcmp(CONCLUSIONS[w].way, ev->way) != 0)
        w++;
    if (rc != CG_OK || w == sizeof CONCLUSIONS / sizeof CONCLUSIONS[0])
        goto cleanup;
    char day[24];
    snprintf(day, sizeof day, "%lld", (long long)event_day(ev->meta));
    for (size_t i = 0; rc == CG_OK && i < ev->n_subjects; i++) {
        char person[CG_PERSON_ID_SIZE], ref[200];
        if (!cg_person_id_canon(ev->subjects[i]->person_id, person, sizeof person) ||
            person[0] == '\0')
            continue;
        snprintf(ref, sizeof ref, "clue:%s:%s:%s", ev->clue_id, ev->disposal_id, person);
        const char *fields[11] = {person,
                                  "clue_conclusion",
                                  CONCLUSIONS[w].title,
                                  ev->conclusion[0] != '\0' ? ev->conclusion : ev->reason,
                                  "",
                                  "",
                                  ref,
                                  CONCLUSIONS[w].internal ? "t" : "f",
                                  ev->org_path,
                                  day,
                                  "case"};
        rc = event_record(conn, event_id, fields, err);
    }

cleanup:
    if (ev != NULL)
        cleangrid__v1__clue_disposed__free_unpacked(ev, NULL);
    return rc;
}

static cg_code on_clue_created(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    cg_code rc = CG_OK;
    Cleangrid__V1__ClueCreated *ev = cleangrid__v1__clue_created__unpack(NULL, len, data);

    if (ev == NULL || ev->clue == NULL || !cg_uuid_valid(ev->clue->id) ||
        !cg_ltree_path_valid(ev->clue->org_path)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a ClueCreated with a clue id and a unit", event_id);
        goto cleanup;
    }
    /* The subjects named by person id: the clue is open about each until
     * it is closed (a promotion opinion cannot conclude meanwhile). */
    for (size_t i = 0; rc == CG_OK && i < ev->clue->n_subjects; i++) {
        char person[CG_PERSON_ID_SIZE];
        if (!cg_person_id_canon(ev->clue->subjects[i]->person_id, person, sizeof person) ||
            person[0] == '\0')
            continue;
        const char *params[] = {ev->clue->id, person, ev->clue->org_path};
        rc = cg_db_exec(conn,
                        "INSERT INTO open_matters (clue_id, person_id, org_path)"
                        " VALUES ($1::uuid, $2, $3::ltree) ON CONFLICT DO NOTHING",
                        3, params, NULL, err);
    }

cleanup:
    if (ev != NULL)
        cleangrid__v1__clue_created__free_unpacked(ev, NULL);
    return rc;
}

/* The person ids of ev's subjects in canonical form, as a PostgreSQL text
 * array literal into out ("{}" when none). */
static void subject_array(Cleangrid__V1__ClueSubject *const *subjects, size_t n, char *out,
                          size_t size)
{
    size_t used = (size_t)snprintf(out, size, "{");
    for (size_t i = 0; i < n && used < size; i++) {
        char person[CG_PERSON_ID_SIZE];
        /* A canonical person id holds no quote, comma or brace. */
        if (!cg_person_id_canon(subjects[i]->person_id, person, sizeof person) || person[0] == '\0')
            continue;
        used += (size_t)snprintf(out + used, size - used, "%s\"%s\"", used > 1 ? "," : "", person);
    }
    if (used < size)
        snprintf(out + used, size - used, "}");
}

/* A clue's matter moves to the clue it was merged into: each row still open
 * becomes the survivor's, unless the survivor is already open about that
 * person; then what stays behind closes. Two statements: one statement's
 * parts see the same snapshot and must not both change a row. */
static const char SQL_MATTERS_MOVED[] =
    "UPDATE open_matters m SET clue_id = $2::uuid"
    " WHERE m.clue_id = $1::uuid AND m.closed_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM open_matters s"
    "                 WHERE s.clue_id = $2::uuid AND s.person_id = m.person_id)";
static const char SQL_MATTERS_LEFT[] = "UPDATE open_matters SET closed_at = clock_timestamp()"
                                       " WHERE clue_id = $1::uuid AND closed_at IS NULL";

/* A register correction of a clue still open: it is open about the
 * subjects it names now ($3, canonical person ids), again for one a
 * correction had taken off, and no longer about the others. */
static const char SQL_MATTERS_CORRECTED[] =
    "WITH gone AS ("
    " UPDATE open_matters SET closed_at = clock_timestamp()"
    " WHERE clue_id = $1::uuid AND closed_at IS NULL AND NOT person_id = ANY ($3::text[]))"
    " INSERT INTO open_matters (clue_id, person_id, org_path)"
    " SELECT $1::uuid, p, $2::ltree FROM unnest($3::text[]) p"
    " ON CONFLICT (clue_id, person_id) DO UPDATE SET closed_at = NULL";

static cg_code on_clue_changed(PGconn *conn, const char *subject, const char *event_id,
                               const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    cg_code rc = CG_OK;
    char persons[SUBJECTS_MAX * (CG_PERSON_ID_SIZE + 3) + 3];
    Cleangrid__V1__ClueChanged *ev = cleangrid__v1__clue_changed__unpack(NULL, len, data);

    if (ev == NULL || !cg_uuid_valid(ev->clue_id) || !cg_ltree_path_valid(ev->org_path) ||
        (strcmp(ev->change, "merged") == 0 && !cg_uuid_valid(ev->merged_into))) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a ClueChanged with a clue id, a unit and, merged, the "
                        "surviving clue",
                        event_id);
        goto cleanup;
    }
    if (strcmp(ev->change, "merged") == 0) {
        const char *params[] = {ev->clue_id, ev->merged_into};
        rc = cg_db_exec(conn, SQL_MATTERS_MOVED, 2, params, NULL, err);
        if (rc == CG_OK)
            rc = cg_db_exec(conn, SQL_MATTERS_LEFT, 1, params, NULL, err);
    } else if (strcmp(ev->change, "corrected") == 0 && strcmp(ev->stage, "closed") != 0 &&
               strcmp(ev->stage, "merged") != 0) {
        subject_array(ev->subjects, ev->n_subjects < SUBJECTS_MAX ? ev->n_subjects : SUBJECTS_MAX,
                      persons, sizeof persons);
        const char *params[] = {ev->clue_id, ev->org_path, persons};
        rc = cg_db_exec(conn, SQL_MATTERS_CORRECTED, 3, params, NULL, err);
    }
    /* Another change, or a correction of a clue already over: nothing
     * opens or closes. */

cleanup:
    if (ev != NULL)
        cleangrid__v1__clue_changed__free_unpacked(ev, NULL);
    return rc;
}

cg_code integrity_on_risk_reminder(PGconn *conn, const char *subject, const char *event_id,
                                   const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    cg_code rc = CG_OK;
    char person[CG_PERSON_ID_SIZE], ref[64], day[24];
    Cleangrid__V1__RiskAlertEvent *ev = cleangrid__v1__risk_alert_event__unpack(NULL, len, data);

    if (ev == NULL || ev->alert_id <= 0 || strcmp(ev->entity_kind, "person") != 0 ||
        !cg_person_id_canon(ev->entity_id, person, sizeof person) || person[0] == '\0' ||
        !cg_ltree_path_valid(ev->org_path) || ev->note[0] == '\0') {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a reminder to a person with a unit and a text", event_id);
        goto cleanup;
    }
    /* The cadre reads the reminder's text as the office wrote it; what the
     * alert rests on stays with the office. */
    snprintf(ref, sizeof ref, "risk:alert:%lld", (long long)ev->alert_id);
    snprintf(day, sizeof day, "%lld", (long long)event_day(ev->meta));
    const char *fields[11] = {person,   "reminder", "廉洁风险提示 Integrity risk reminder",
                              ev->note, "",         "",
                              ref,      "f",        ev->org_path,
                              day,      "system"};
    rc = event_record(conn, event_id, fields, err);

cleanup:
    if (ev != NULL)
        cleangrid__v1__risk_alert_event__free_unpacked(ev, NULL);
    return rc;
}

/* The day of the award a finding is about (Unix ms at midnight UTC), or
 * the event's when it names none. */
static int64_t award_day(const Cleangrid__V1__RiskConcealmentFound *ev)
{
    struct tm tm = {0};
    char rest;
    if (sscanf(ev->awarded_on, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &rest) != 3)
        return event_day(ev->meta);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000;
}

cg_code integrity_on_risk_concealment(PGconn *conn, const char *subject, const char *event_id,
                                      const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    (void)subject, (void)arg;
    cg_code rc = CG_OK;
    char person[CG_PERSON_ID_SIZE], ref[96], day[24], detail[1024];
    Cleangrid__V1__RiskConcealmentFound *ev =
        cleangrid__v1__risk_concealment_found__unpack(NULL, len, data);

    if (ev == NULL || ev->hit_id <= 0 ||
        !cg_person_id_canon(ev->cadre_person_id, person, sizeof person) || person[0] == '\0' ||
        !cg_ltree_path_valid(ev->org_path) || ev->relative_name[0] == '\0') {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "event %s is not a concealment finding about a cadre, a relative and a "
                        "unit",
                        event_id);
        goto cleanup;
    }
    /* The file is this service's: the risk service judged from its copy of
     * the declarations, which may be minutes old. A relative the file
     * declares by that name, or whose declared business is that company,
     * was not concealed, and a record saying so could never be taken
     * back. */
    PGresult *declared = NULL;
    const char *check[] = {person, ev->relative_name, ev->credit_code};
    rc = cg_db_exec(conn,
                    "SELECT 1 FROM relatives r JOIN cadres c ON c.id = r.cadre_id"
                    " WHERE c.person_id = $1 AND NOT r.removed AND (r.name = $2"
                    " OR ($3 <> '' AND r.businesses @> jsonb_build_array("
                    " jsonb_build_object('credit_code', $3))))",
                    3, check, &declared, err);
    bool already_declared = rc == CG_OK && PQntuples(declared) > 0;
    PQclear(declared);
    if (rc != CG_OK)
        goto cleanup;
    if (already_declared) {
        cg_log_fields(CG_LOG_INFO,
                      "concealment finding not recorded: the file declares the relative",
                      "event_id", event_id, "person_id", person, NULL);
        goto cleanup;
    }
    /* One record per hit and relative, so a replay under a new event id
     * adds nothing. Internal: the office looks into it before the cadre
     * is asked. */
    snprintf(ref, sizeof ref, "risk:concealment:%lld:%s", (long long)ev->hit_id, ev->relative_name);
    snprintf(detail, sizeof detail,
             "登记信息显示 %s（%s）为 %s（统一社会信用代码 %s）的%s，该单位向其授标（%s），"
             "廉政档案未申报。 The registers show %s (%s) as %s of %s (%s), awarded by the "
             "cadre's unit (%s); the integrity file does not declare them.",
             ev->relative_name, ev->relation, ev->company_name, ev->credit_code,
             strcmp(ev->register_role, "legal_representative") == 0 ? "法定代表人" : "股东",
             ev->award_id, ev->relative_name, ev->relation, ev->register_role, ev->company_name,
             ev->credit_code, ev->award_id);
    snprintf(day, sizeof day, "%lld", (long long)award_day(ev));
    const char *fields[11] = {person,
                              "concealment",
                              "疑似隐瞒不报亲属经商 Relative's business not declared",
                              detail,
                              "",
                              "",
                              ref,
                              "t",
                              ev->org_path,
                              day,
                              "system"};
    rc = event_record(conn, event_id, fields, err);

cleanup:
    if (ev != NULL)
        cleangrid__v1__risk_concealment_found__free_unpacked(ev, NULL);
    return rc;
}

/* What each of the case service's clue events does here. One consumer takes
 * them all, in the order the case service wrote them, so a correction or a
 * merge is never applied before the creation it follows or after the
 * closing that ends it. */
static const cg_event_route CLUE_EVENTS[] = {
    {INTEGRITY_SUBJECT_CLUE_CREATED, on_clue_created},
    {INTEGRITY_SUBJECT_CLUE_CHANGED, on_clue_changed},
    {INTEGRITY_SUBJECT_CLUE_DISPOSED, on_clue_disposed},
};

cg_code integrity_on_clue_event(PGconn *conn, const char *subject, const char *event_id,
                                const uint8_t *data, size_t len, void *arg, cg_err *err)
{
    return cg_event_dispatch(CLUE_EVENTS, sizeof CLUE_EVENTS / sizeof CLUE_EVENTS[0], conn, subject,
                             event_id, data, len, arg, err);
}
