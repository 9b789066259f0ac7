/* cg-bench-pwhash: argon2id alone, what the CPU allows before HTTP,
 * sessions, NATS and the database add anything.
 *
 * The baseline of the login benchmark: it verifies a password against a
 * hash made with the gateway's parameters (libsodium's interactive
 * limits) from THREADS threads for SECONDS, and prints verifications per
 * second.
 *
 * The ceiling of the report benchmark: given OPSLIMIT and MEMLIMIT_KIB
 * (the intake service's CG_RECEIPT_OPSLIMIT and CG_RECEIPT_MEMLIMIT_KIB),
 * it hashes a receipt's keyed digest at that cost instead, as the intake
 * service does once for every report, and prints hashes per second.
 *
 *   cg-bench-pwhash THREADS SECONDS [OPSLIMIT MEMLIMIT_KIB] */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"

#define PASSWORD "bench-password-1"

/* A keyed receipt as the intake service hashes it: 64 hex digits. */
#define KEYED_RECEIPT "5f0c9a1e2b7d4c3a8e6f1b2d9c0a7e5f3b1d8c6a4e2f0b9d7c5a3e1f8b6d4c2a"

static char stored[crypto_pwhash_STRBYTES];
static int64_t deadline_ms;
/* Zero to verify logins; otherwise the receipt cost to hash at. */
static unsigned long long receipt_opslimit;
static size_t receipt_memlimit;

static void *run(void *arg)
{
    long *done = arg;
    char out[crypto_pwhash_STRBYTES];
    while (cg_mono_ms() < deadline_ms) {
        int failed =
            receipt_opslimit != 0
                ? crypto_pwhash_str_alg(out, KEYED_RECEIPT, strlen(KEYED_RECEIPT), receipt_opslimit,
                                        receipt_memlimit, crypto_pwhash_ALG_ARGON2ID13)
                : crypto_pwhash_str_verify(stored, PASSWORD, strlen(PASSWORD));
        if (failed != 0) {
            fprintf(stderr, "argon2id failed\n");
            exit(1);
        }
        (*done)++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if ((argc != 3 && argc != 5) || sodium_init() < 0) {
        fprintf(stderr, "usage: %s THREADS SECONDS [OPSLIMIT MEMLIMIT_KIB]\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[1]), seconds = atoi(argv[2]);
    if (threads < 1 || threads > 64 || seconds < 1) {
        fprintf(stderr, "THREADS must be 1..64 and SECONDS at least 1\n");
        return 2;
    }
    if (argc == 5) {
        receipt_opslimit = strtoull(argv[3], NULL, 10);
        receipt_memlimit = (size_t)strtoull(argv[4], NULL, 10) * 1024;
        if (receipt_opslimit < crypto_pwhash_argon2id_opslimit_min() ||
            receipt_opslimit > crypto_pwhash_argon2id_opslimit_max() ||
            receipt_memlimit < crypto_pwhash_argon2id_memlimit_min() ||
            receipt_memlimit > crypto_pwhash_argon2id_memlimit_max()) {
            fprintf(stderr, "OPSLIMIT or MEMLIMIT_KIB outside libsodium's bounds for argon2id\n");
            return 2;
        }
    }
    if (crypto_pwhash_str(stored, PASSWORD, strlen(PASSWORD), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return 1;
    pthread_t tid[64];
    long done[64] = {0};
    int64_t start = cg_mono_ms();
    deadline_ms = start + seconds * 1000LL;
    for (int i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, run, &done[i]);
    long total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        total += done[i];
    }
    double elapsed = (double)(cg_mono_ms() - start) / 1000.0;
    if (receipt_opslimit != 0)
        printf("hashes=%ld per_s=%.2f opslimit=%llu memlimit_kib=%zu\n", total,
               (double)total / elapsed, receipt_opslimit, receipt_memlimit >> 10);
    else
        printf("verifications=%ld per_s=%.2f opslimit=%llu memlimit_mib=%zu\n", total,
               (double)total / elapsed, (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
               (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
    return 0;
}
