/* cg.rpc.rectify.ImportBatchLists: a batch's problem and task lists from an
 * import file, all or nothing. The gateway reads the file, resolves the unit
 * codes and sends the rows with their lines; here the rows are checked as
 * any problem and task is (the same rules as AddProblem and AddTask), then
 * against what only this service knows (the batch, its inspected unit, the
 * numbers its problems have already), and written in the caller's
 * transaction. Every violation names its row as "line N.<column>", so the
 * gateway can show it beside the file's own problems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/limits.h"
#include "cg/log.h"
#include "cg/util.h"
#include "cg/validate.h"
#include "rectify.h"

/* A problem of the file: its number, the first row that gives it and the
 * id it gets. */
typedef struct import_problem {
    int no;
    size_t row;
    char id[CG_UUID_LEN];
} import_problem;

/* The field of a row's violation: "line 7.task". */
static const char *row_field(char *buf, size_t size, const Cleangrid__V1__ImportRow *row,
                             const char *key)
{
    snprintf(buf, size, "line %d.%s", (int)row->line, key);
    return buf;
}

/* The rules of one row, those of AddProblem and AddTask, into err. */
static void check_row(const Cleangrid__V1__ImportRow *row, const cg_actor *actor, cg_err *err)
{
    static const char *const severities[] = {"general", "serious", "major", NULL};
    char f[64];

    if (row->problem_no < 1)
        cg_err_add_violation(err, row_field(f, sizeof f, row, "problem_no"),
                             "must be a whole number from 1");
    cg_check_text(err, row_field(f, sizeof f, row, "problem"), row->problem, 1, 4000,
                  CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    cg_check_text(err, row_field(f, sizeof f, row, "category"), row->category, 0, 100, 0);
    cg_check_one_of(err, row_field(f, sizeof f, row, "severity"), row->severity, severities, true);
    cg_check_text(err, row_field(f, sizeof f, row, "basis"), row->basis, 0, 1000,
                  CG_TEXT_MULTILINE);
    cg_check_text(err, row_field(f, sizeof f, row, "task"), row->task, 1, 4000,
                  CG_TEXT_REQUIRED | CG_TEXT_MULTILINE);
    cg_check_text(err, row_field(f, sizeof f, row, "leader"), row->leader, 1, 100,
                  CG_TEXT_REQUIRED);
    cg_check_text(err, row_field(f, sizeof f, row, "first_responsible"), row->first_responsible, 0,
                  100, 0);
    if (row->deadline_on_ms < 0)
        cg_err_add_violation(err, row_field(f, sizeof f, row, "deadline"), "is not a day");
    row_field(f, sizeof f, row, "unit_code");
    if (row->org_path[0] == '\0')
        cg_err_add_violation(err, f, "is required");
    else if (!cg_ltree_path_valid(row->org_path))
        cg_err_add_violation(err, f, "is not a unit");
    else if (!cg_path_within(row->org_path, actor->scope))
        cg_err_add_violation(err, f, "is outside your scope");
}

/* Every row's rules, each row checked on its own so that a file with many
 * problems still says how many there are, though a status names only the
 * first CG_ERR_MAX_VIOLATIONS. */
static void check_rows(const Cleangrid__V1__ImportBatchListsRequest *req, const cg_actor *actor,
                       size_t *nproblems, cg_err *err)
{
    for (size_t i = 0; i < req->n_rows; i++) {
        cg_err row;
        cg_err_clear(&row);
        check_row(req->rows[i], actor, &row);
        for (size_t v = 0; v < row.nviolations; v++)
            cg_err_add_violation(err, row.violations[v].field, "%s", row.violations[v].description);
        *nproblems += row.nviolations;
    }
}

static int by_no(const void *a, const void *b)
{
    const import_problem *x = a, *y = b;
    return (x->no > y->no) - (x->no < y->no);
}

/* True when two rows give the same problem the same way. */
static bool same_problem(const Cleangrid__V1__ImportRow *a, const Cleangrid__V1__ImportRow *b)
{
    return strcmp(a->problem, b->problem) == 0 && strcmp(a->category, b->category) == 0 &&
           strcmp(a->severity, b->severity) == 0 && strcmp(a->basis, b->basis) == 0;
}

/* The file's problems, one for each number, in number order, into *out
 * (n of them; owned by the caller, free()); the rows that give a number
 * another way than its first row are violations. The numbers continue the
 * batch's: last + 1, last + 2, ... without a gap, so the file's numbers are
 * the numbers the problems get. */
static cg_code number_problems(const Cleangrid__V1__ImportBatchListsRequest *req, int last,
                               import_problem **out, size_t *n, size_t *nproblems, cg_err *err)
{
    import_problem *list = calloc(req->n_rows, sizeof *list);
    char f[64];
    *n = 0;
    if (list == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    for (size_t i = 0; i < req->n_rows; i++) {
        const Cleangrid__V1__ImportRow *row = req->rows[i];
        if (row->problem_no < 1)
            continue; /* said by check_row() */
        size_t k = 0;
        while (k < *n && list[k].no != row->problem_no)
            k++;
        if (k == *n) {
            list[(*n)++] = (import_problem){.no = row->problem_no, .row = i};
        } else if (!same_problem(req->rows[list[k].row], row)) {
            cg_err_add_violation(err, row_field(f, sizeof f, row, "problem"),
                                 "differs from problem %d as line %d gives it: the rows of one "
                                 "problem repeat its description, category, severity and basis",
                                 row->problem_no, (int)req->rows[list[k].row]->line);
            (*nproblems)++;
        }
    }
    qsort(list, *n, sizeof *list, by_no);
    for (size_t k = 0; k < *n; k++) {
        int want = last + 1 + (int)k;
        if (list[k].no == want)
            continue;
        const Cleangrid__V1__ImportRow *row = req->rows[list[k].row];
        if (list[k].no <= last)
            cg_err_add_violation(err, row_field(f, sizeof f, row, "problem_no"),
                                 "%d is a problem of the batch already (its problems run 1 to "
                                 "%d): an import adds new problems, numbered from %d",
                                 list[k].no, last, last + 1);
        else
            cg_err_add_violation(err, row_field(f, sizeof f, row, "problem_no"),
                                 "%d leaves a gap: the file's problems are numbered %d, %d, ... "
                                 "without one, and %d is missing",
                                 list[k].no, last + 1, last + 2, want);
        (*nproblems)++;
        break; /* one gap explains the numbers after it */
    }
    *out = list;
    return err->code;
}

/* Insert the problem of row as number no of the batch; its id into id. */
static cg_code insert_problem(PGconn *conn, const char *batch_id, int no,
                              const Cleangrid__V1__ImportRow *row, char id[CG_UUID_LEN],
                              cg_err *err)
{
    PGresult *res = NULL;
    char seq[16];
    snprintf(seq, sizeof seq, "%d", no);
    const char *params[] = {batch_id,
                            seq,
                            row->problem,
                            row->category,
                            row->severity[0] != '\0' ? row->severity : "general",
                            row->basis};
    cg_code rc = cg_db_exec(conn,
                            "INSERT INTO problems (batch_id, seq, description, category, severity,"
                            " basis, org_path) SELECT b.id, $2::integer, $3, $4, $5, $6, b.org_path"
                            " FROM batches b WHERE b.id = $1::uuid RETURNING id::text",
                            6, params, &res, err);
    if (rc == CG_OK && PQntuples(res) != 1)
        rc = cg_err_set(err, CG_INTERNAL, "the batch's problem %d was not inserted", no);
    if (rc == CG_OK)
        cg_strlcpy(id, cg_db_get(res, 0, 0), CG_UUID_LEN);
    PQclear(res);
    return rc;
}

cg_code rectify_import_batch_lists(cg_rpc_req *r, const void *request, PGconn *conn, void *reply,
                                   cg_err *err)
{
    const Cleangrid__V1__ImportBatchListsRequest *req = request;
    Cleangrid__V1__ImportBatchListsReply *out = reply;
    rectify_call *c = r->state;
    PGresult *res = NULL;
    import_problem *problems = NULL;
    size_t nviolations = 0;
    const char *batch_path = NULL; /* in res */
    char f[64];
    int last = 0;
    cg_code rc;

    if (!cg_check_uuid(err, "batch_id", req->batch_id))
        return err->code;
    if (req->n_rows < 1 || req->n_rows > CG_RECTIFY_IMPORT_ROWS_MAX) {
        cg_err_add_violation(err, "", "must hold 1 to %d rows", CG_RECTIFY_IMPORT_ROWS_MAX);
        return err->code;
    }
    check_rows(req, &c->actor, &nviolations, err);
    /* The batch's row is locked, as AddProblem locks it, so its problems'
     * numbers stay as read until the commit. */
    const char *params[] = {c->actor.scope, req->batch_id};
    rc = cg_db_exec(conn,
                    "SELECT b.org_path::text, (SELECT coalesce(max(p.seq), 0) FROM problems p"
                    " WHERE p.batch_id = b.id) FROM batches b WHERE b.id = $2::uuid"
                    " AND b.org_path <@ $1::ltree FOR UPDATE",
                    2, params, &res, err);
    if (rc != CG_OK)
        goto cleanup;
    if (PQntuples(res) == 0) {
        rc = cg_err_set(err, CG_NOT_FOUND, "batch not found");
        goto cleanup;
    }
    batch_path = cg_db_get(res, 0, 0);
    last = (int)cg_db_get_ll(res, 0, 1);
    /* The responsible unit is the inspected unit or one below it, as for a
     * task added alone. */
    for (size_t i = 0; i < req->n_rows; i++) {
        const Cleangrid__V1__ImportRow *row = req->rows[i];
        if (row->org_path[0] != '\0' && cg_ltree_path_valid(row->org_path) &&
            !cg_path_within(row->org_path, batch_path)) {
            cg_err_add_violation(err, row_field(f, sizeof f, row, "unit_code"),
                                 "%s is not the inspected unit of the batch or a unit below it",
                                 row->unit_code[0] != '\0' ? row->unit_code : row->org_path);
            nviolations++;
        }
    }
    size_t n = 0;
    rc = number_problems(req, last, &problems, &n, &nviolations, err);
    if (rc == CG_UNAVAILABLE)
        goto cleanup;
    if (err->code != CG_OK) {
        if (nviolations > err->nviolations)
            snprintf(err->message, sizeof err->message,
                     "the rows have %zu problems; the first %zu are named", nviolations,
                     err->nviolations);
        rc = err->code;
        goto cleanup;
    }
    if (req->check_only) {
        rc = CG_OK;
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++) {
        rc = insert_problem(conn, req->batch_id, problems[k].no, req->rows[problems[k].row],
                            problems[k].id, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < req->n_rows; i++) {
        const Cleangrid__V1__ImportRow *row = req->rows[i];
        size_t k = 0;
        while (problems[k].no != row->problem_no)
            k++;
        char task_id[CG_UUID_LEN];
        const rectify_new_task t = {.problem_id = problems[k].id,
                                    .text = row->task,
                                    .org_path = row->org_path,
                                    .leader = row->leader,
                                    .first_responsible = row->first_responsible,
                                    .deadline_on_ms = row->deadline_on_ms,
                                    .unit_field = row_field(f, sizeof f, row, "unit_code")};
        rc = rectify_insert_task(r, conn, &t, task_id, err);
        if (rc != CG_OK)
            goto cleanup;
    }
    out->problems = (int32_t)n;
    out->tasks = (int32_t)req->n_rows;
    char counts[2][16];
    snprintf(counts[0], sizeof counts[0], "%zu", n);
    snprintf(counts[1], sizeof counts[1], "%zu", req->n_rows);
    cg_log_fields(CG_LOG_INFO, "batch lists imported", "batch_id", req->batch_id, "problems",
                  counts[0], "tasks", counts[1], NULL);

cleanup:
    free(problems);
    PQclear(res);
    return rc;
}
