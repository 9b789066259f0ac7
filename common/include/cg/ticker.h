/* A thread that runs one function every so often, or at once when woken,
 * until it is stopped: the outbox relay, the case service's deadline
 * scheduler and the gateway's connection watchdog each are one. */
#ifndef CG_TICKER_H
#define CG_TICKER_H

#include "cg/status.h"

typedef struct cg_ticker cg_ticker;

/* What the thread runs: with arg, never concurrently with itself, and
 * never after cg_ticker_stop() has returned. */
typedef void (*cg_tick_fn)(void *arg);

/* Start a thread that calls tick(arg) at once and then every interval_ms,
 * or sooner after cg_ticker_wake(). *out is owned by the caller and
 * stopped and freed with cg_ticker_stop(). */
cg_code cg_ticker_start(long interval_ms, cg_tick_fn tick, void *arg, cg_ticker **out, cg_err *err);
/* Run the tick now rather than at the end of the interval (a wake while a
 * tick runs makes one more right after it). */
void cg_ticker_wake(cg_ticker *ticker);
/* Wait for a tick in progress, stop the thread and free. NULL is fine. */
void cg_ticker_stop(cg_ticker *ticker);

#endif
