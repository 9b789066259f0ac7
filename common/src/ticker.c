/* A periodic thread (cg/ticker.h). */
#include "cg/ticker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct cg_ticker {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool woken;
    bool stopping;
    long interval_ms;
    cg_tick_fn tick;
    void *arg;
};

static void *run(void *arg)
{
    cg_ticker *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        t->woken = false;
        pthread_mutex_unlock(&t->lock);
        t->tick(t->arg);
        pthread_mutex_lock(&t->lock);
        /* The condition variable runs on the monotonic clock (below), so a
         * change of the wall clock neither stalls nor hurries the ticks. */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += t->interval_ms / 1000;
        until.tv_nsec += (t->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!t->woken && !t->stopping)
            if (pthread_cond_timedwait(&t->wake, &t->lock, &until) != 0)
                break;
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

cg_code cg_ticker_start(long interval_ms, cg_tick_fn tick, void *arg, cg_ticker **out, cg_err *err)
{
    cg_code rc = CG_INTERNAL;
    pthread_condattr_t attr;
    bool attr_made = false;
    cg_ticker *t = calloc(1, sizeof(*t));

    *out = NULL;
    if (t == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    t->interval_ms = interval_ms;
    t->tick = tick;
    t->arg = arg;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_init(&attr);
    attr_made = true;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &attr);
    if (pthread_create(&t->thread, NULL, run, t) != 0) {
        cg_err_set(err, CG_INTERNAL, "cannot start a thread");
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        goto cleanup;
    }
    *out = t;
    t = NULL;
    rc = CG_OK;

cleanup:
    if (attr_made)
        pthread_condattr_destroy(&attr);
    free(t);
    return rc;
}

void cg_ticker_wake(cg_ticker *ticker)
{
    pthread_mutex_lock(&ticker->lock);
    ticker->woken = true;
    pthread_cond_signal(&ticker->wake);
    pthread_mutex_unlock(&ticker->lock);
}

void cg_ticker_stop(cg_ticker *ticker)
{
    if (ticker == NULL)
        return;
    pthread_mutex_lock(&ticker->lock);
    ticker->stopping = true;
    pthread_cond_signal(&ticker->wake);
    pthread_mutex_unlock(&ticker->lock);
    pthread_join(ticker->thread, NULL);
    pthread_cond_destroy(&ticker->wake);
    pthread_mutex_destroy(&ticker->lock);
    free(ticker);
}
