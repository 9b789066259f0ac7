/* Connection caps and deadlines civetweb does not keep (conn_guard.h). */
#include "conn_guard.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cg/log.h"
#include "cg/ticker.h"
#include "cg/util.h"
#include "gateway.h"
#include "ratelimit.h"

/* How often the watchdog looks for bodies past their deadline: the most a
 * 408 comes after it. */
#define WATCH_INTERVAL_MS 100

/* One connection civetweb is serving. Linked into the guard's list from
 * accept() until gw_conn_guard_closed(); its fields are read and written
 * under the guard's lock, except late, which the request's thread reads
 * without it. */
typedef struct guarded_conn {
    struct guarded_conn *prev, *next;
    gw_conn_guard *guard;
    int fd; /* the socket accept() returned */
    char addr[GW_ADDR_MAX];
    int port;
    long handled;             /* requests answered on it so far */
    int64_t head_start_ns;    /* when the current head's deadline started */
    int64_t body_deadline_ns; /* 0: no body being read */
    atomic_bool late;         /* the read side was shut for a late body */
} guarded_conn;

struct gw_conn_guard {
    pthread_mutex_t lock;
    cg_ticker *watchdog;
    guarded_conn *conns;
    long per_addr; /* 0: no cap */
    long head_timeout_ms;
    const gw_app *app;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Under the lock: the connection from addr:port, or NULL. */
static guarded_conn *find(const gw_conn_guard *guard, const char *addr, int port)
{
    for (guarded_conn *c = guard->conns; c != NULL; c = c->next)
        if (c->port == port && strcmp(c->addr, addr) == 0)
            return c;
    return NULL;
}

/* Under the lock: how many connections addr holds. */
static long held_by(const gw_conn_guard *guard, const char *addr)
{
    long n = 0;
    for (const guarded_conn *c = guard->conns; c != NULL; c = c->next)
        if (strcmp(c->addr, addr) == 0)
            n++;
    return n;
}

/* The answer to a connection over its address's cap, written straight to
 * the socket, which is then closed: civetweb never sees it. */
static void refuse(int fd, long cap)
{
    char body[256];
    char answer[512];
    int body_len = snprintf(body, sizeof(body),
                            "{\"type\":\"urn:cleangrid:problem:too-many-requests\",\"title\":"
                            "\"Too Many Requests\",\"status\":429,\"detail\":\"this address "
                            "already holds %ld connections; close one and retry\","
                            "\"code\":\"RESOURCE_EXHAUSTED\"}",
                            cap);
    int n = snprintf(answer, sizeof(answer),
                     "HTTP/1.1 429 Too Many Requests\r\n"
                     "Content-Type: application/problem+json\r\n"
                     "Retry-After: 1\r\nConnection: close\r\nCache-Control: no-store\r\n"
                     "Content-Length: %d\r\n\r\n%s",
                     body_len, body);
    if (n > 0 && (size_t)n < sizeof(answer))
        (void)send(fd, answer, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

/* Register the connection accepted on fd from peer, or refuse it when its
 * address holds its cap already. False when refused (fd is closed). */
static bool admit(gw_conn_guard *guard, int fd, const struct sockaddr_in *peer)
{
    char addr[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &peer->sin_addr, addr, sizeof(addr)) == NULL)
        return true;
    guarded_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return true; /* served unguarded rather than not at all */
    c->guard = guard;
    c->fd = fd;
    c->port = ntohs(peer->sin_port);
    cg_strlcpy(c->addr, addr, sizeof(c->addr));
    c->head_start_ns = now_ns();
    atomic_init(&c->late, false);
    bool exempt = gw_limits_conn_exempt(guard->app->limits, addr);

    pthread_mutex_lock(&guard->lock);
    bool over = !exempt && guard->per_addr > 0 && held_by(guard, addr) >= guard->per_addr;
    if (!over) {
        c->next = guard->conns;
        if (guard->conns != NULL)
            guard->conns->prev = c;
        guard->conns = c;
    }
    pthread_mutex_unlock(&guard->lock);
    if (!over)
        return true;
    free(c);
    cg_log_debug("refused a connection from %s: over its %ld connections", addr, guard->per_addr);
    refuse(fd, guard->per_addr);
    return false;
}

/* The guard of the running server, seen by accept() below; NULL when none
 * runs. */
static _Atomic(gw_conn_guard *) running;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static int (*libc_accept)(int, struct sockaddr *, socklen_t *);

static void resolve_accept(void)
{
    libc_accept = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
}

/* civetweb 1.15 has no hook between taking a connection and reading from
 * it, and does not hand out a connection's socket: the address and the
 * socket are first known inside its own call to accept(). So the gateway
 * defines accept() itself; the dynamic linker binds libcivetweb's call to
 * this definition in the executable (ELF symbol interposition, as an
 * LD_PRELOAD library would), which calls libc's and then registers or
 * refuses the connection. Only civetweb's listener accepts in this
 * process. A refused connection is reported to civetweb as a failed
 * accept, which it passes over. */
int accept(int listener, struct sockaddr *addr, socklen_t *addr_len)
{
    pthread_once(&resolve_once, resolve_accept);
    if (libc_accept == NULL) {
        errno = ENOSYS;
        return -1;
    }
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof(peer);
    int fd = libc_accept(listener, (struct sockaddr *)&peer, &peer_len);
    if (fd < 0)
        return fd;
    if (addr != NULL && addr_len != NULL) {
        memcpy(addr, &peer, peer_len < *addr_len ? peer_len : *addr_len);
        *addr_len = peer_len;
    }
    gw_conn_guard *guard = atomic_load(&running);
    if (guard == NULL || peer.ss_family != AF_INET)
        return fd;
    if (!admit(guard, fd, (const struct sockaddr_in *)&peer)) {
        errno = ECONNABORTED;
        return -1;
    }
    return fd;
}

/* The registered connection conn serves: cached in civetweb's connection
 * data after the first lookup by the client's address and port. */
static guarded_conn *of_conn(const struct mg_connection *conn)
{
    guarded_conn *c = mg_get_user_connection_data(conn);
    if (c != NULL)
        return c;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    gw_conn_guard *guard = atomic_load(&running);
    if (ri == NULL || guard == NULL)
        return NULL;
    pthread_mutex_lock(&guard->lock);
    c = find(guard, ri->remote_addr, ri->remote_port);
    pthread_mutex_unlock(&guard->lock);
    if (c != NULL)
        mg_set_user_connection_data(conn, c);
    return c;
}

void gw_conn_guard_closed(const struct mg_connection *conn)
{
    guarded_conn *c = of_conn(conn);
    if (c == NULL)
        return;
    gw_conn_guard *guard = c->guard;
    /* Unlinked before civetweb closes the socket, so the watchdog never
     * shuts a descriptor number that has been reused. */
    pthread_mutex_lock(&guard->lock);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        guard->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&guard->lock);
    mg_set_user_connection_data(conn, NULL);
    free(c);
}

void gw_conn_guard_body_begin(gw_request *req, long timeout_ms)
{
    guarded_conn *c = of_conn(req->conn);
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->guard->lock);
    c->body_deadline_ns = now_ns() + (int64_t)timeout_ms * 1000000;
    pthread_mutex_unlock(&c->guard->lock);
}

void gw_conn_guard_body_end(gw_request *req)
{
    guarded_conn *c = of_conn(req->conn);
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->guard->lock);
    c->body_deadline_ns = 0;
    pthread_mutex_unlock(&c->guard->lock);
}

bool gw_conn_guard_body_late(const gw_request *req)
{
    const guarded_conn *c = of_conn(req->conn);
    return c != NULL && atomic_load(&c->late);
}

bool gw_conn_guard_head_late(const struct mg_connection *conn)
{
    const guarded_conn *c = of_conn(conn);
    if (c == NULL)
        return false;
    pthread_mutex_lock(&c->guard->lock);
    long limit_ms = c->handled > 0 ? GW_KEEP_ALIVE_MS : c->guard->head_timeout_ms;
    bool late = now_ns() - c->head_start_ns >= (int64_t)limit_ms * 1000000;
    pthread_mutex_unlock(&c->guard->lock);
    return late;
}

void gw_conn_guard_request_done(const struct mg_connection *conn)
{
    guarded_conn *c = of_conn(conn);
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->guard->lock);
    c->handled++;
    c->head_start_ns = now_ns();
    c->body_deadline_ns = 0;
    pthread_mutex_unlock(&c->guard->lock);
}

/* Shut the read side of every connection whose body is past its deadline:
 * the read blocked on it returns at once with what came, the handler sees
 * gw_conn_guard_body_late() and answers 408 on the write side, still
 * open. */
static void watch(void *arg)
{
    gw_conn_guard *guard = arg;
    pthread_mutex_lock(&guard->lock);
    int64_t now = now_ns();
    for (guarded_conn *c = guard->conns; c != NULL; c = c->next) {
        if (c->body_deadline_ns == 0 || now < c->body_deadline_ns)
            continue;
        c->body_deadline_ns = 0;
        atomic_store(&c->late, true);
        shutdown(c->fd, SHUT_RD);
    }
    pthread_mutex_unlock(&guard->lock);
}

cg_code gw_conn_guard_create(gw_app *app, gw_conn_guard **out, cg_err *err)
{
    gw_conn_guard *guard = calloc(1, sizeof(*guard));
    *out = NULL;
    if (guard == NULL)
        return cg_err_set(err, CG_INTERNAL, "out of memory");
    pthread_mutex_init(&guard->lock, NULL);
    guard->per_addr = app->http_conn_per_addr;
    guard->head_timeout_ms = app->http_head_timeout_ms;
    guard->app = app;
    /* The watchdog is all that can fail, and nothing else is held yet. */
    cg_code rc = cg_ticker_start(WATCH_INTERVAL_MS, watch, guard, &guard->watchdog, err);
    if (rc != CG_OK) {
        pthread_mutex_destroy(&guard->lock);
        free(guard);
        return rc;
    }
    atomic_store(&running, guard);
    *out = guard;
    return CG_OK;
}

void gw_conn_guard_destroy(gw_conn_guard *guard)
{
    if (guard == NULL)
        return;
    atomic_store(&running, NULL);
    cg_ticker_stop(guard->watchdog);
    /* civetweb has stopped: every connection was closed and unlinked. */
    pthread_mutex_destroy(&guard->lock);
    free(guard);
}
