/* cg-bench-rpc: the baseline for the gateway benchmark. It sends GetClue
 * requests straight to the case service over NATS, from `clients` threads
 * at once for `seconds`, and prints throughput and latency percentiles in
 * the same form bench/run.sh reads from wrk.
 *
 *   cg-bench-rpc NATS_URL CLUE_ID CLIENTS SECONDS */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "cg/nats.h"
#include "cg/util.h"
#include "cleangrid/v1/case.pb-c.h"

#define MAX_SAMPLES 2000000

typedef struct worker {
    pthread_t thread;
    cg_nats *nats;
    const char *clue_id;
    int64_t deadline_ms;
    long done;
    long failed;
    double *latency_ms; /* this worker's slice of the shared sample array */
    long capacity;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    char *roles[] = {(char *)"inspector"};
    Cleangrid__V1__CallContext ctx = CLEANGRID__V1__CALL_CONTEXT__INIT;
    Cleangrid__V1__GetClueRequest req = CLEANGRID__V1__GET_CLUE_REQUEST__INIT;
    ctx.request_id = (char *)"bench";
    /* Any well-formed actor id: the service checks its form, and no such
     * person is a subject of or recused from the clue. */
    ctx.actor_user_id = (char *)"00000000-0000-4000-8000-00000000be4c";
    ctx.roles = roles;
    ctx.n_roles = 1;
    ctx.org_scope_path = (char *)"hq";
    req.ctx = &ctx;
    req.id = (char *)w->clue_id;
    while (cg_mono_ms() < w->deadline_ms) {
        struct timespec a, b;
        cg_err err;
        ProtobufCMessage *reply = NULL;
        clock_gettime(CLOCK_MONOTONIC, &a);
        cg_code rc =
            cg_rpc_call_method(w->nats, "case", "GetClue", "bench", &req.base,
                               &cleangrid__v1__get_clue_reply__descriptor, 5000, &reply, &err);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (reply != NULL)
            protobuf_c_message_free_unpacked(reply, NULL);
        if (rc != CG_OK) {
            w->failed++;
            continue;
        }
        if (w->done < w->capacity)
            w->latency_ms[w->done] =
                (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        w->done++;
    }
    return NULL;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s NATS_URL CLUE_ID CLIENTS SECONDS\n", argv[0]);
        return 2;
    }
    int clients = atoi(argv[3]);
    int seconds = atoi(argv[4]);
    if (clients < 1 || clients > 256 || seconds < 1 || sodium_init() < 0) {
        fprintf(stderr, "CLIENTS must be 1..256 and SECONDS at least 1\n");
        return 2;
    }
    cg_log_init("bench", "error");
    cg_err err;
    cg_nats *nats = NULL;
    /* One connection shared by all threads, as the gateway shares one. */
    if (cg_nats_connect(&nats, argv[1], "bench", &err) != CG_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double *samples = calloc(MAX_SAMPLES, sizeof(double));
    worker *workers = calloc((size_t)clients, sizeof(worker));
    if (samples == NULL || workers == NULL)
        return 1;
    long per = MAX_SAMPLES / clients;
    int64_t start = cg_mono_ms();
    for (int i = 0; i < clients; i++) {
        workers[i] = (worker){.nats = nats,
                              .clue_id = argv[2],
                              .deadline_ms = start + seconds * 1000LL,
                              .latency_ms = samples + per * i,
                              .capacity = per};
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    }
    long done = 0, failed = 0, kept = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(workers[i].thread, NULL);
        done += workers[i].done;
        failed += workers[i].failed;
    }
    double elapsed = (double)(cg_mono_ms() - start) / 1000.0;
    /* Gather the kept samples into one sorted run for the percentiles. */
    for (int i = 0; i < clients; i++) {
        long n = workers[i].done < per ? workers[i].done : per;
        memmove(samples + kept, workers[i].latency_ms, (size_t)n * sizeof(double));
        kept += n;
    }
    qsort(samples, (size_t)kept, sizeof(double), compare_double);
    double p50 = kept ? samples[kept / 2] : 0, p99 = kept ? samples[(long)(kept * 0.99)] : 0;
    printf("requests=%ld failed=%ld rps=%.1f p50_ms=%.3f p99_ms=%.3f\n", done, failed,
           (double)done / elapsed, p50, p99);
    free(workers);
    free(samples);
    cg_nats_close(nats);
    return failed > done / 100 ? 1 : 0;
}
