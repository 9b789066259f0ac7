/* JSON-lines logging on stderr: one object per line with ts, level, service,
 * request_id and msg, plus optional string fields. Thread-safe. */
#ifndef CG_LOG_H
#define CG_LOG_H

typedef enum cg_log_level {
    CG_LOG_DEBUG = 0,
    CG_LOG_INFO = 1,
    CG_LOG_WARN = 2,
    CG_LOG_ERROR = 3,
} cg_log_level;

/* Call once in main(). service is copied. level is "debug", "info", ... */
void cg_log_init(const char *service, const char *level);

/* The request id logged by this thread until changed; NULL clears it. */
void cg_log_set_request_id(const char *request_id);
const char *cg_log_request_id(void);

void cg_log(cg_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line with extra string fields: key, value pairs ending with NULL.
 * Values are JSON-escaped; a NULL value is skipped. */
void cg_log_fields(cg_log_level level, const char *msg, ...);

#define cg_log_debug(...) cg_log(CG_LOG_DEBUG, __VA_ARGS__)
#define cg_log_info(...) cg_log(CG_LOG_INFO, __VA_ARGS__)
#define cg_log_warn(...) cg_log(CG_LOG_WARN, __VA_ARGS__)
#define cg_log_error(...) cg_log(CG_LOG_ERROR, __VA_ARGS__)

#endif
