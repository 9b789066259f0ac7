/* The platform keeps its promises through crashes under load. Four writers
 * send public reports for about 40 s, each with an Idempotency-Key of its
 * own, and retry a failed try (no answer, 5xx, 409) with the same request
 * and key, as a client is told to. Meanwhile intake and case are killed
 * with SIGKILL and come back through `stack.sh supervise`, not through the
 * test, NATS is stopped and started, and PostgreSQL is killed hard and
 * started again (the infrastructure an operator's init would restart).
 * Afterwards: every report was answered, always with the same receipt;
 * intake holds each report once and case registered each as one clue;
 * no outbox row is parked and every one is sent; every request answered
 * 201 has its audit row; every service runs again. */
#include "cgt.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITERS 4
#define LOAD_MS 40000
#define TRY_PAUSE_MS 200
#define GIVE_UP_MS 60000
/* A writer's pause between reports. Unpaced, four writers leave some 5,000
 * reports and clues behind on an idle machine, and the tests after this one
 * that walk every clue page by page slow down to minutes; paced, a writer
 * sends a few reports a second, still many in flight across each fault. */
#define REPORT_PAUSE_MS 150
/* Each report is sent until it has this many answers: the first, and a
 * repeat as from a client that never saw it, which must name the same
 * report and receipt. */
#define ANSWERS 2
/* Tries answered 201 kept per report: ANSWERS, each maybe a replay. */
#define OK_TRIES ANSWERS
/* How long the outbox, the clues and the audit spool get to catch up once
 * the stack is ready again. */
#define CATCH_UP_MS 30000
#define PATH "/api/v1/public/reports"

/* One logical report: its token (in the content), its key, and what the
 * tries were answered. */
typedef struct report {
    char key[37];
    int tries;
    int answers;
    int64_t ms; /* from the first try to the last answer */
    char report_id[64];
    char receipt[32];
    bool mismatch; /* an answer named another report or receipt */
    char mismatch_text[256];
    long refused; /* a status a retry cannot change (4xx but 409) */
    bool gave_up; /* GIVE_UP_MS of failed tries */
    char last_fail[200];
    int ok_try[OK_TRIES]; /* tries answered 201: their X-Request-Id */
    bool ok_audited[OK_TRIES];
    int intake_rows;
    char intake_id[64];
    int clue_rows;
    bool clue_ref_ok;
} report;

typedef struct writer {
    int index;
    pthread_t thread;
    bool started;
    report *reports;
    int n, cap;
} writer;

static writer writers[WRITERS];
static char run_id[9];
static atomic_bool load_stop;
static atomic_long tries_total, failed_total, answered_total;
/* Failed tries by kind: no answer, 409, 5xx. */
static atomic_long no_answer_total, busy_total, server_error_total;

static pid_t supervisor;
/* What this test took down and has not seen back yet; the teardown starts
 * what is still down whatever failed in between. */
static bool disturbed;

/* --- the writers ---------------------------------------------------------- */

static bool retryable(long status)
{
    /* No answer (a refused connection, a timeout), a server error, or the
     * key's first try still running somewhere. */
    return status == 0 || status >= 500 || status == 409;
}

static void note_answer(report *r, const cgt_response *resp, int try)
{
    const char *id = cgt_json_str(resp->json, "report_id");
    const char *receipt = cgt_json_str(resp->json, "receipt");
    if (r->answers < OK_TRIES)
        r->ok_try[r->answers] = try;
    r->answers++;
    atomic_fetch_add(&answered_total, 1);
    if (!id || !receipt) {
        r->mismatch = true;
        snprintf(r->mismatch_text, sizeof r->mismatch_text,
                 "a 201 without report_id/receipt: %.160s", resp->body);
        return;
    }
    if (r->answers == 1) {
        snprintf(r->report_id, sizeof r->report_id, "%s", id);
        snprintf(r->receipt, sizeof r->receipt, "%s", receipt);
    } else if (strcmp(r->report_id, id) != 0 || strcmp(r->receipt, receipt) != 0) {
        r->mismatch = true;
        snprintf(r->mismatch_text, sizeof r->mismatch_text,
                 "answer %d named report %s receipt %s, the first %s receipt %s", r->answers, id,
                 receipt, r->report_id, r->receipt);
    }
}

/* Send report n of w until it has its answers, a refusal, or GIVE_UP_MS
 * passed; every try has an X-Request-Id of its own. */
static void send_report(writer *w, int n, const char *body, size_t len)
{
    report *r = &w->reports[n];
    int64_t start = cgt_now_ms();
    char key_h[96], rid_h[128];
    snprintf(key_h, sizeof key_h, "Idempotency-Key: %s", r->key);
    for (int try = 0;; try++) {
        snprintf(rid_h, sizeof rid_h, "X-Request-Id: fault-%s-%d-%d-%d", run_id, w->index, n, try);
        const char *headers[] = {"Content-Type: application/json", key_h, rid_h, NULL};
        cgt_response *resp = cgt_request("POST", PATH, headers, body, len);
        r->tries++;
        atomic_fetch_add(&tries_total, 1);
        long status = resp->status;
        if (status == 201) {
            note_answer(r, resp, try);
        } else {
            snprintf(r->last_fail, sizeof r->last_fail, "%ld after %.1fs: %.150s", status,
                     resp->seconds, resp->body);
            if (!retryable(status)) {
                r->refused = status;
            } else {
                atomic_fetch_add(&failed_total, 1);
                atomic_fetch_add(status == 0     ? &no_answer_total
                                 : status == 409 ? &busy_total
                                                 : &server_error_total,
                                 1);
            }
        }
        cgt_response_free(resp);
        r->ms = cgt_now_ms() - start;
        if (r->answers >= ANSWERS || r->refused)
            return;
        if (cgt_now_ms() - start >= GIVE_UP_MS) {
            r->gave_up = true;
            return;
        }
        if (status != 201)
            cgt_sleep_ms(TRY_PAUSE_MS);
    }
}

static void *writer_run(void *arg)
{
    writer *w = arg;
    while (!atomic_load(&load_stop)) {
        if (w->n == w->cap) {
            int cap = w->cap ? w->cap * 2 : 256;
            report *more = realloc(w->reports, (size_t)cap * sizeof *more);
            if (!more)
                break;
            w->reports = more;
            w->cap = cap;
        }
        int n = w->n++;
        report *r = &w->reports[n];
        memset(r, 0, sizeof *r);
        cgt_uuid(r->key);
        /* The token ends at the colon, so "fault <run> 1.1" never matches
         * "fault <run> 1.10". */
        char content[256];
        snprintf(content, sizeof content,
                 "fault %s %d.%d: the purchasing manager took a payment from a supplier before "
                 "the transformer tender was decided.",
                 run_id, w->index, n);
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "category", "procurement");
        cJSON_AddStringToObject(b, "content", content);
        cJSON_AddStringToObject(b, "location", "Substation 7, north yard");
        cJSON_AddStringToObject(b, "accused_person", "Li Ming");
        cJSON_AddStringToObject(b, "accused_unit", "Procurement Department");
        cJSON_AddBoolToObject(b, "anonymous", 1);
        char *body = cJSON_PrintUnformatted(b);
        cJSON_Delete(b);
        if (!body)
            break;
        send_report(w, n, body, strlen(body));
        cJSON_free(body);
        cgt_sleep_ms(REPORT_PAUSE_MS);
    }
    return NULL;
}

static void start_writers(void)
{
    atomic_store(&load_stop, false);
    for (int i = 0; i < WRITERS; i++) {
        writers[i].index = i;
        CGT_CHECK(pthread_create(&writers[i].thread, NULL, writer_run, &writers[i]) == 0,
                  "starting writer %d", i);
        writers[i].started = true;
    }
}

static void stop_writers(void)
{
    atomic_store(&load_stop, true);
    for (int i = 0; i < WRITERS; i++) {
        if (writers[i].started)
            pthread_join(writers[i].thread, NULL);
        writers[i].started = false;
    }
}

/* --- the stack ------------------------------------------------------------ */

static const char *state_dir(void)
{
    const char *s = getenv("CG_STATE");
    CGT_CHECK(s && *s, "CG_STATE is not set; this test reads the stack's pid files");
    return s;
}

/* The first line of a pid file as a pid; 0 when there is none. */
static pid_t read_pid(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return (pid_t)pid;
}

/* Alive and not a zombie: a process killed here waits a moment for the
 * container's init to reap it, and kill(pid, 0) still succeeds meanwhile. */
static bool pid_live(pid_t pid, char *comm, size_t comm_size)
{
    char path[64], line[512];
    if (pid <= 0)
        return false;
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool live = false;
    if (fgets(line, sizeof line, f)) {
        const char *close = strrchr(line, ')');
        live = close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
        const char *open = strchr(line, '(');
        if (comm && open && close && close > open)
            snprintf(comm, comm_size, "%.*s", (int)(close - open - 1), open + 1);
    }
    fclose(f);
    return live;
}

static pid_t service_pid(const char *svc)
{
    char path[512];
    snprintf(path, sizeof path, "%s/run/%s.pid", state_dir(), svc);
    return read_pid(path);
}

static void kill_hard(const char *what, pid_t pid)
{
    CGT_CHECK(pid_live(pid, NULL, 0), "%s runs before it is killed (pid %ld)", what, (long)pid);
    fprintf(stderr, "[fault] kill -9 %s (pid %ld)\n", what, (long)pid);
    CGT_CHECK(kill(pid, SIGKILL) == 0, "kill -9 %s: %s", what, strerror(errno));
}

/* "$CG_STACK supervise" in the background, as scripts/run.sh runs it: it
 * restarts the services the test kills. Started before the writers, so it
 * inherits none of their connections. */
static void start_supervisor(void)
{
    const char *stack = getenv("CG_STACK");
    pid_t pid = fork();
    CGT_CHECK(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        execl(stack, stack, "supervise", (char *)NULL);
        _exit(127);
    }
    supervisor = pid;
    fprintf(stderr, "[stack] supervise started (pid %ld)\n", (long)pid);
}

static void stop_supervisor(void)
{
    if (supervisor <= 0)
        return;
    kill(supervisor, SIGTERM);
    waitpid(supervisor, NULL, 0);
    fprintf(stderr, "[stack] supervise stopped\n");
    supervisor = 0;
}

/* PostgreSQL again after a hard kill. Its backends may take a moment to
 * notice the postmaster is gone and leave its shared memory, which a new
 * postmaster refuses to share, so a failed start is tried again. */
static int pg_start(void)
{
    int rc = -1;
    for (int i = 0; i < 5 && rc != 0; i++) {
        if (i)
            cgt_sleep_ms(1000);
        rc = cgt_stack("pg-start");
    }
    return rc;
}

/* Start whatever is down: NATS, PostgreSQL, then the services (with the
 * supervisor already gone, so nothing is started twice). */
static void restore_stack(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/run/nats.pid", state_dir());
    if (!pid_live(read_pid(path), NULL, 0))
        cgt_stack("nats-start");
    snprintf(path, sizeof path, "%s/pg/data/postmaster.pid", state_dir());
    if (!pid_live(read_pid(path), NULL, 0))
        pg_start();
    static const char *const svcs[] = {"case", "intake", "gateway"};
    for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++) {
        if (!pid_live(service_pid(svcs[i]), NULL, 0)) {
            char cmd[64];
            snprintf(cmd, sizeof cmd, "svc-start %s", svcs[i]);
            cgt_stack(cmd);
        }
    }
    cgt_stack("wait-ready 60");
}

static int teardown(void **state)
{
    (void)state;
    stop_writers();
    stop_supervisor();
    if (disturbed) {
        fprintf(stderr, "restoring: starting what is still down after a failure\n");
        restore_stack();
        disturbed = false;
    }
    for (int i = 0; i < WRITERS; i++) {
        free(writers[i].reports);
        memset(&writers[i], 0, sizeof writers[i]);
    }
    return 0;
}

/* --- reading the databases ------------------------------------------------ */

typedef void (*row_fn)(const char *row, void *arg);

/* Every row of sql (one text column, or columns joined by '|') on dbname
 * as the superuser; psql's exit status. sql holds no double quote. */
static int psql_rows(const char *dbname, const char *sql, row_fn fn, void *arg)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "psql -X -q -At -v ON_ERROR_STOP=1 'host=%s/pg/sock user=postgres dbname=%s' "
             "-c \"%s\" 2>&1",
             state_dir(), dbname, sql);
    FILE *p = popen(cmd, "r");
    CGT_CHECK(p != NULL, "cannot run psql");
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        fn(line, arg);
    }
    int st = pclose(p);
    return (st == -1 || !WIFEXITED(st)) ? -1 : WEXITSTATUS(st);
}

/* The report a token "fault <run> <w>.<n>" names, or NULL. */
static report *report_of(int w, int n)
{
    if (w < 0 || w >= WRITERS || n < 0 || n >= writers[w].n)
        return NULL;
    return &writers[w].reports[n];
}

typedef struct scan {
    int strays; /* rows of this run no writer sent */
    char stray[200];
} scan;

static void stray(scan *s, const char *row)
{
    if (s->strays++ == 0)
        snprintf(s->stray, sizeof s->stray, "%s", row);
}

/* "<id>|fault <run> <w>.<n>" */
static report *row_report(const char *row, char id[64])
{
    int w, n;
    char run[16];
    const char *bar = strchr(row, '|');
    if (!bar || bar - row >= 64)
        return NULL;
    snprintf(id, 64, "%.*s", (int)(bar - row), row);
    if (sscanf(bar + 1, "fault %15s %d.%d", run, &w, &n) != 3 || strcmp(run, run_id) != 0)
        return NULL;
    return report_of(w, n);
}

static void intake_row(const char *row, void *arg)
{
    char id[64];
    report *r = row_report(row, id);
    if (!r) {
        stray(arg, row);
        return;
    }
    if (r->intake_rows++ == 0)
        snprintf(r->intake_id, sizeof r->intake_id, "%s", id);
}

static void clue_row(const char *row, void *arg)
{
    char source_ref[64];
    report *r = row_report(row, source_ref);
    if (!r) {
        stray(arg, row);
        return;
    }
    r->clue_rows++;
    r->clue_ref_ok = strcmp(source_ref, r->report_id) == 0;
}

/* One look at the clues of this run: true when every answered report has
 * one (duplicates are judged afterwards, on the last look). */
typedef struct clue_look {
    scan s;
    int missing;
    int rc;
} clue_look;

static bool clues_all_there(void *arg)
{
    clue_look *l = arg;
    char sql[512];
    memset(&l->s, 0, sizeof l->s);
    for (int w = 0; w < WRITERS; w++)
        for (int n = 0; n < writers[w].n; n++)
            writers[w].reports[n].clue_rows = 0;
    snprintf(sql, sizeof sql,
             "SELECT source_ref || '|' || split_part(content, ':', 1) FROM clues"
             " WHERE source = 'public_report' AND content LIKE 'fault %s %%'",
             run_id);
    l->rc = psql_rows("cg_case", sql, clue_row, &l->s);
    l->missing = 0;
    for (int w = 0; w < WRITERS; w++)
        for (int n = 0; n < writers[w].n; n++) {
            const report *r = &writers[w].reports[n];
            if (r->answers > 0 && r->clue_rows == 0)
                l->missing++;
        }
    return l->rc == 0 && l->missing == 0;
}

static void audit_row(const char *row, void *arg)
{
    int w, n, try;
    char run[16];
    if (sscanf(row, "fault-%8[0-9a-f]-%d-%d-%d", run, &w, &n, &try) != 4 ||
        strcmp(run, run_id) != 0)
        return;
    report *r = report_of(w, n);
    if (!r) {
        stray(arg, row);
        return;
    }
    for (int i = 0; i < r->answers && i < OK_TRIES; i++)
        if (r->ok_try[i] == try)
            r->ok_audited[i] = true;
}

typedef struct audit_look {
    scan s;
    int missing;
    char first_missing[80];
    int rc;
} audit_look;

static bool audit_all_there(void *arg)
{
    audit_look *l = arg;
    char sql[256];
    memset(&l->s, 0, sizeof l->s);
    snprintf(sql, sizeof sql,
             "SELECT request_id FROM audit_log WHERE request_id LIKE 'fault-%s-%%'", run_id);
    l->rc = psql_rows("cg_gateway", sql, audit_row, &l->s);
    l->missing = 0;
    for (int w = 0; w < WRITERS; w++)
        for (int n = 0; n < writers[w].n; n++) {
            const report *r = &writers[w].reports[n];
            for (int i = 0; i < r->answers && i < OK_TRIES; i++)
                if (!r->ok_audited[i] && l->missing++ == 0)
                    snprintf(l->first_missing, sizeof l->first_missing, "fault-%s-%d-%d-%d", run_id,
                             w, n, r->ok_try[i]);
        }
    return l->rc == 0 && l->missing == 0;
}

typedef struct outbox_look {
    const char *db;
    long long after, upto; /* the run's rows: after < id <= upto */
    long long unsent;
} outbox_look;

static bool outbox_sent(void *arg)
{
    outbox_look *l = arg;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cg_outbox WHERE sent_at IS NULL AND id > %lld AND id <= %lld",
             l->after, l->upto);
    l->unsent = cgt_psql_number(l->db, sql);
    return l->unsent == 0;
}

static long long outbox_max(const char *db)
{
    long long id = cgt_psql_number(db, "SELECT coalesce(max(id), 0) FROM cg_outbox");
    CGT_CHECK(id >= 0, "the outbox of %s can be read", db);
    return id;
}

/* --- the test ------------------------------------------------------------- */

static void progress(int64_t t0, const char *what)
{
    fprintf(stderr, "[load] %5.1fs %s: %ld answers, %ld tries, %ld failed tries\n",
            (double)(cgt_now_ms() - t0) / 1000.0, what, atomic_load(&answered_total),
            atomic_load(&tries_total), atomic_load(&failed_total));
}

/* Sleep until at_ms after t0. */
static void wait_until(int64_t t0, int at_ms)
{
    while (cgt_now_ms() < t0 + at_ms)
        cgt_sleep_ms(100);
}

static void crashes_lose_nothing(void **state)
{
    (void)state;
    char path[512];
    CGT_CHECK_READY();
    cgt_token_hex(run_id, 8);
    fprintf(stderr, "run %s\n", run_id);
    long long intake_after = outbox_max("cg_intake");
    long long case_after = outbox_max("cg_case");

    start_supervisor();
    disturbed = true;
    start_writers();
    int64_t t0 = cgt_now_ms();

    /* The faults, a few seconds apart, each while the writers keep going. */
    wait_until(t0, 5000);
    pid_t intake_killed = service_pid("intake");
    kill_hard("intake", intake_killed);
    progress(t0, "intake killed");

    wait_until(t0, 12000);
    pid_t case_killed = service_pid("case");
    kill_hard("case", case_killed);
    progress(t0, "case killed");

    wait_until(t0, 19000);
    CGT_STACK("nats-stop");
    progress(t0, "NATS stopped");
    wait_until(t0, 21000);
    CGT_STACK("nats-start");
    progress(t0, "NATS started");

    wait_until(t0, 28000);
    snprintf(path, sizeof path, "%s/pg/data/postmaster.pid", state_dir());
    kill_hard("postgres", read_pid(path));
    progress(t0, "PostgreSQL killed");
    wait_until(t0, 30000);
    CGT_CHECK(pg_start() == 0, "PostgreSQL starts again after its kill");
    progress(t0, "PostgreSQL started");

    wait_until(t0, LOAD_MS);
    progress(t0, "load ends; the writers finish their last reports");
    stop_writers();
    progress(t0, "writers done");
    CGT_STACK("wait-ready 60");
    progress(t0, "ready");

    /* 1. Every report was answered, and every answer for a key named the
     * same report and receipt. */
    int reports = 0, unanswered = 0, mismatched = 0, replays_sent = 0;
    const report *slowest = NULL;
    int slowest_w = 0, slowest_n = 0;
    for (int w = 0; w < WRITERS; w++)
        for (int n = 0; n < writers[w].n; n++) {
            const report *r = &writers[w].reports[n];
            reports++;
            replays_sent += r->answers > 1;
            if (!slowest || r->ms > slowest->ms) {
                slowest = r;
                slowest_w = w;
                slowest_n = n;
            }
            if (r->answers == 0 || r->refused || r->gave_up) {
                if (unanswered++ < 5)
                    fprintf(stderr, "report %d.%d: %d answers after %d tries%s%s; last: %s\n", w, n,
                            r->answers, r->tries, r->refused ? ", refused" : "",
                            r->gave_up ? ", gave up" : "", r->last_fail);
            }
            if (r->mismatch && mismatched++ < 5)
                fprintf(stderr, "report %d.%d: %s\n", w, n, r->mismatch_text);
        }
    fprintf(stderr,
            "%d reports, %ld tries, %ld failed (%ld unanswered, %ld 409, %ld 5xx), %d sent again "
            "after an answer\n",
            reports, atomic_load(&tries_total), atomic_load(&failed_total),
            atomic_load(&no_answer_total), atomic_load(&busy_total),
            atomic_load(&server_error_total), replays_sent);
    if (slowest)
        fprintf(stderr, "slowest: report %d.%d, %.1f s over %d tries; last failure: %s\n",
                slowest_w, slowest_n, (double)slowest->ms / 1000.0, slowest->tries,
                slowest->last_fail);
    CGT_CHECK(reports >= WRITERS * 10, "the writers sent a load worth the name: %d reports",
              reports);
    CGT_CHECK(unanswered == 0, "every report is answered in the end; %d of %d were not", unanswered,
              reports);
    CGT_CHECK(mismatched == 0,
              "every answer for a key names the same report and receipt; %d of %d "
              "did not",
              mismatched, reports);

    /* 2. One report in intake per token, the one answered, and one clue in
     * case for each, made from that report. */
    char sql[512];
    scan s = {0};
    snprintf(sql, sizeof sql,
             "SELECT id || '|' || split_part(content, ':', 1) FROM reports"
             " WHERE content LIKE 'fault %s %%'",
             run_id);
    CGT_CHECK_INT(0, psql_rows("cg_intake", sql, intake_row, &s), "psql on cg_intake");
    CGT_CHECK(s.strays == 0, "intake holds only reports the writers sent; %d others, e.g. %s",
              s.strays, s.stray);
    for (int w = 0; w < WRITERS; w++)
        for (int n = 0; n < writers[w].n; n++) {
            const report *r = &writers[w].reports[n];
            CGT_CHECK(r->intake_rows == 1, "report %d.%d is in intake once, not %d times", w, n,
                      r->intake_rows);
            CGT_CHECK(strcmp(r->intake_id, r->report_id) == 0,
                      "report %d.%d in intake is %s, the one answered (%s)", w, n, r->intake_id,
                      r->report_id);
        }

    clue_look cl = {0};
    if (!cgt_eventually(CATCH_UP_MS, 500, clues_all_there, &cl))
        CGT_FAIL("every report becomes a clue within %d s; %d have none (psql exit %d)",
                 CATCH_UP_MS / 1000, cl.missing, cl.rc);
    CGT_CHECK(cl.s.strays == 0,
              "case holds only clues of reports the writers sent; %d others, "
              "e.g. %s",
              cl.s.strays, cl.s.stray);
    for (int w = 0; w < WRITERS; w++)
        for (int n = 0; n < writers[w].n; n++) {
            const report *r = &writers[w].reports[n];
            CGT_CHECK(r->clue_rows == 1, "report %d.%d is one clue, not %d", w, n, r->clue_rows);
            CGT_CHECK(r->clue_ref_ok, "the clue of report %d.%d names it (source_ref %s)", w, n,
                      r->report_id);
        }
    progress(t0, "reports and clues checked");

    /* 3. No outbox row parked, and every row written since the run began
     * sent. */
    static const char parked[] =
        "SELECT count(*) FROM cg_outbox WHERE sent_at IS NULL AND attempts >= 10";
    CGT_CHECK_INT(0, cgt_psql_number("cg_intake", parked), "parked outbox rows in cg_intake");
    CGT_CHECK_INT(0, cgt_psql_number("cg_case", parked), "parked outbox rows in cg_case");
    outbox_look ol[] = {{"cg_intake", intake_after, outbox_max("cg_intake"), -1},
                        {"cg_case", case_after, outbox_max("cg_case"), -1}};
    for (size_t i = 0; i < sizeof ol / sizeof ol[0]; i++)
        if (!cgt_eventually(CATCH_UP_MS, 500, outbox_sent, &ol[i]))
            CGT_FAIL("every outbox row of the run in %s is sent within %d s; %lld are not",
                     ol[i].db, CATCH_UP_MS / 1000, ol[i].unsent);

    /* 4. Every request answered 201 has its audit row, once the spool
     * filled while PostgreSQL was down is written. */
    audit_look al = {0};
    if (!cgt_eventually(CATCH_UP_MS, 500, audit_all_there, &al))
        CGT_FAIL("every request answered 201 has an audit row within %d s; %d have none, e.g. %s "
                 "(psql exit %d, spool %lld bytes)",
                 CATCH_UP_MS / 1000, al.missing, al.first_missing, al.rc, cgt_audit_spool_bytes());
    progress(t0, "outbox and audit checked");

    /* 5. Every service is back, the killed ones started by the supervisor,
     * not by this test. */
    CGT_CHECK_READY();
    static const char *const svcs[] = {"gateway", "intake", "case"};
    for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++) {
        char comm[64] = "", want[64];
        pid_t pid = service_pid(svcs[i]);
        snprintf(want, sizeof want, "cg-%s", svcs[i]);
        CGT_CHECK(pid_live(pid, comm, sizeof comm) && strcmp(comm, want) == 0,
                  "the pid file of %s names a live %s (pid %ld, \"%s\")", svcs[i], want, (long)pid,
                  comm);
    }
    CGT_CHECK(service_pid("intake") != intake_killed, "intake runs as a new process");
    CGT_CHECK(service_pid("case") != case_killed, "case runs as a new process");

    stop_supervisor();
    disturbed = false;
    progress(t0, "done");
}

CGT_MAIN("fault_recovery", CGT_NEED_STACK,
         cmocka_unit_test_teardown(crashes_lose_nothing, teardown))
