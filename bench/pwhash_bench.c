/* cg-bench-pwhash: the baseline for the login benchmark. It verifies a
 * password against an argon2id hash made with the gateway's parameters
 * (libsodium's interactive limits) from `threads` threads for `seconds`,
 * and prints verifications per second: what the CPU allows before HTTP,
 * sessions and the database add anything.
 *
 *   cg-bench-pwhash THREADS SECONDS */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/util.h"

#define PASSWORD "bench-password-1"

static char stored[crypto_pwhash_STRBYTES];
static int64_t deadline_ms;

static void *run(void *arg)
{
    long *done = arg;
    while (cg_mono_ms() < deadline_ms) {
        if (crypto_pwhash_str_verify(stored, PASSWORD, strlen(PASSWORD)) != 0) {
            fprintf(stderr, "verification failed\n");
            exit(1);
        }
        (*done)++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3 || sodium_init() < 0) {
        fprintf(stderr, "usage: %s THREADS SECONDS\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[1]), seconds = atoi(argv[2]);
    if (threads < 1 || threads > 64 || seconds < 1) {
        fprintf(stderr, "THREADS must be 1..64 and SECONDS at least 1\n");
        return 2;
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
    printf("verifications=%ld per_s=%.2f opslimit=%llu memlimit_mib=%zu\n", total,
           (double)total / elapsed, (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
           (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
    return 0;
}
