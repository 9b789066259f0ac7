/* cg.rpc.rectify.*: the method table. Each row names the method's messages,
 * who may call it, what it needs of the database and the function that
 * does its work (cg/rpc.h); the frame around it is common/'s. */
#include "lifecycle.h"
#include "rectify.h"

/* A row of the service: every one checks its actor first (rectify_check). */
#define ROW(method, req, rep, who, what, need, fn, ...)                                            \
    {                                                                                              \
        .name = #method, .request = &cleangrid__v1__##req##__descriptor,                           \
        .reply = &cleangrid__v1__##rep##__descriptor, .roles = (who), .doing = (what),             \
        .db = CG_RPC_DB_##need, .check = rectify_check, .handler = (fn), __VA_ARGS__               \
    }

static const cg_rpc_row rows[] = {
    ROW(CreateBatch, create_batch_request, batch_reply, RECTIFY_ROLES_MANAGE,
        "register rectification batches", TX, rectify_create_batch, .idempotent = true),
    ROW(GetBatch, get_batch_request, batch_reply, RECTIFY_ROLES_READ, "read rectification", CONN,
        rectify_get_batch),
    ROW(ListBatches, list_batches_request, list_batches_reply, RECTIFY_ROLES_READ,
        "read rectification", CONN, rectify_list_batches),
    ROW(AddProblem, add_problem_request, problem_reply, RECTIFY_ROLES_MANAGE,
        "register rectification batches", TX, rectify_add_problem, .idempotent = true),
    ROW(AddResponsibility, add_responsibility_request, responsibility_reply, RECTIFY_ROLES_MANAGE,
        "register rectification batches", TX, rectify_add_responsibility, .idempotent = true),
    ROW(AddTask, add_task_request, task_reply, RECTIFY_ROLES_MANAGE,
        "register rectification batches", TX, rectify_add_task, .idempotent = true),
    ROW(ImportBatchLists, import_batch_lists_request, import_batch_lists_reply,
        RECTIFY_ROLES_MANAGE, "register rectification batches", TX, rectify_import_batch_lists,
        .idempotent = true),
    ROW(GetTask, get_task_request, task_reply, RECTIFY_ROLES_TASKS_READ, "read rectification", CONN,
        rectify_get_task),
    ROW(ListTasks, list_tasks_request, list_tasks_reply, RECTIFY_ROLES_TASKS_READ,
        "read rectification", CONN, rectify_list_tasks),
    ROW(DrawRechecks, draw_rechecks_request, draw_rechecks_reply, RECTIFY_ROLES_OFFICE,
        "draw re-checks", TX, rectify_draw_rechecks, .idempotent = true),
    ROW(RectifyStatistics, rectify_statistics_request, rectify_statistics_reply, RECTIFY_ROLES_READ,
        "read rectification", CONN, rectify_statistics),
    ROW(GetSettings, get_settings_request, settings_reply, RECTIFY_ROLES_READ, "read rectification",
        CONN, rectify_get_settings),
    ROW(SetSourceRule, set_source_rule_request, settings_reply, RECTIFY_ROLES_LEAD,
        "change rectification's rules", TX, rectify_set_source_rule),
    ROW(SetRecheckCategories, set_recheck_categories_request, settings_reply, RECTIFY_ROLES_LEAD,
        "change rectification's rules", TX, rectify_set_recheck_categories),
    /* Each step needs its own roles, named from the request. */
    ROW(TaskAction, task_action_request, task_reply, NULL, NULL, TX, rectify_task_action,
        .roles_of = rectify_task_action_roles),
    /* The responsibility lists (责任清单) and their assessment (纪实考核). */
    ROW(SetDutyList, set_duty_list_request, duty_list_reply, RECTIFY_ROLES_MANAGE,
        "set responsibility lists", TX, rectify_set_duty_list, .idempotent = true),
    ROW(GetDutyList, get_duty_list_request, duty_list_reply, RECTIFY_ROLES_READ,
        "read responsibility lists", CONN, rectify_get_duty_list),
    ROW(ListDutyLists, list_duty_lists_request, list_duty_lists_reply, RECTIFY_ROLES_READ,
        "read responsibility lists", CONN, rectify_list_duty_lists),
    ROW(RecordDutyWork, record_duty_work_request, duty_list_reply, RECTIFY_ROLES_UNIT,
        "record work against a responsibility list", TX, rectify_record_duty_work,
        .idempotent = true),
    ROW(VerifyDutyWork, verify_duty_work_request, duty_list_reply, RECTIFY_ROLES_OFFICE,
        "verify recorded work", TX, rectify_verify_duty_work, .idempotent = true),
    ROW(ScoreDutyItem, score_duty_item_request, duty_list_reply, RECTIFY_ROLES_OFFICE,
        "score responsibility lists", TX, rectify_score_duty_item, .idempotent = true),
    /* A task's or a list's file: its documents, the evidence (common/src/documents.c),
     * and its dossier (common/src/dossier_rpc.c). */
    CG_DOCUMENTS_RPC_ROWS(&rectify_documents),
    CG_DOSSIER_RPC_ROWS(&rectify_files),
};

const cg_rpc_table rectify_rpc_table = {.rows = rows, .nrows = sizeof rows / sizeof rows[0]};

cg_code rectify_codec_init(rectify_app *app, cg_err *err)
{
    static const ProtobufCMessageDescriptor *const read[] = {
        &cleangrid__v1__rectify_batch__descriptor,
        &cleangrid__v1__rectify_problem__descriptor,
        &cleangrid__v1__rectify_task__descriptor,
        &cleangrid__v1__rectify_responsibility__descriptor,
        &cleangrid__v1__recheck_draw__descriptor,
        &cleangrid__v1__rectify_count__descriptor,
        &cleangrid__v1__rectify_source_rule__descriptor,
        &cleangrid__v1__duty_list__descriptor,
    };
    /* No rules: the rows are written in the codec's default shape (times
     * as RFC 3339 under *_at, days under *_on). */
    app->codec = cg_pbjson_new(NULL, 0);
    if (app->codec == NULL)
        return cg_err_set(err, CG_UNAVAILABLE, "out of memory");
    for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
        if (cg_pbjson_prepare(app->codec, read[i], err) != CG_OK)
            return err->code;
    return CG_OK;
}
