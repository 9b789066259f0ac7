/* cg-bench-dossier: dossier appends per second at the storage layer. Each
 * of `clients` threads holds its own connection to the case database and,
 * until `seconds` have passed, appends a dossier.read entry to a random
 * file of the list on standard input (one file id per line) in its own
 * transaction, through the service's own cg_dossier_append(): the head
 * row lock, the SHA-256 chain in C, the insert. bench/run.sh compares the
 * figure with pgbench running a single-row INSERT with the same clients.
 *
 *   cg-bench-dossier DB_URL CLIENTS SECONDS < file_ids */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/util.h"
#include "files.h"

#define MAX_FILES 100000

typedef struct worker {
    pthread_t thread;
    cg_db *db;
    char (*files)[CG_UUID_LEN];
    size_t nfiles;
    int64_t deadline_ms;
    long done;
    long failed;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    cg_err err;
    PGconn *conn = cg_db_acquire(w->db, 5000, &err);
    if (conn == NULL) {
        fprintf(stderr, "cg-bench-dossier: %s\n", err.message);
        w->failed++;
        return NULL;
    }
    while (cg_mono_ms() < w->deadline_ms) {
        const char *file = w->files[randombytes_uniform((uint32_t)w->nfiles)];
        cg_err_clear(&err);
        if (cg_db_begin(conn, &err) != CG_OK ||
            cg_dossier_append(conn, &case_dossier, file, "bench-inspector", "dossier.read",
                              "{\"after_seq\": \"0\"}", &err) != CG_OK ||
            cg_db_commit(conn, &err) != CG_OK) {
            cg_db_rollback_if_open(conn);
            if (w->failed++ == 0)
                fprintf(stderr, "cg-bench-dossier: %s\n", err.message);
            continue;
        }
        w->done++;
    }
    cg_db_release(w->db, conn);
    return NULL;
}

int main(int argc, char **argv)
{
    int rc = 1, clients = argc == 4 ? atoi(argv[2]) : 0, seconds = argc == 4 ? atoi(argv[3]) : 0;
    char(*files)[CG_UUID_LEN] = NULL;
    size_t nfiles = 0;
    worker *workers = NULL;
    cg_db *db = NULL;
    cg_err err;
    char line[128];

    if (clients < 1 || clients > 256 || seconds < 1) {
        fprintf(stderr, "usage: %s DB_URL CLIENTS SECONDS < file_ids\n", argv[0]);
        return 2;
    }
    if (sodium_init() < 0 || (files = calloc(MAX_FILES, sizeof *files)) == NULL ||
        (workers = calloc((size_t)clients, sizeof *workers)) == NULL)
        goto cleanup;
    while (nfiles < MAX_FILES && fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (cg_uuid_valid(line))
            cg_strlcpy(files[nfiles++], line, CG_UUID_LEN);
    }
    if (nfiles == 0) {
        fprintf(stderr, "cg-bench-dossier: no file ids on standard input\n");
        goto cleanup;
    }
    if (cg_db_open(&db, argv[1], clients, &err) != CG_OK) {
        fprintf(stderr, "cg-bench-dossier: %s\n", err.message);
        goto cleanup;
    }
    int64_t start = cg_mono_ms();
    for (int i = 0; i < clients; i++) {
        workers[i] = (worker){.db = db,
                              .files = files,
                              .nfiles = nfiles,
                              .deadline_ms = start + (int64_t)seconds * 1000};
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    }
    long done = 0, failed = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(workers[i].thread, NULL);
        done += workers[i].done;
        failed += workers[i].failed;
    }
    double elapsed = (double)(cg_mono_ms() - start) / 1000.0;
    printf("appends=%ld failed=%ld seconds=%.2f appends_per_s=%.1f\n", done, failed, elapsed,
           (double)done / elapsed);
    rc = failed == 0 ? 0 : 1;

cleanup:
    if (db != NULL)
        cg_db_close(db);
    free(workers);
    free(files);
    return rc;
}
