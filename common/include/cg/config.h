/* Configuration from environment variables, described by a table.
 *
 * Each service declares a static array of cg_config_var and calls
 * cg_config_load() once at start. A bad or missing value is reported as one
 * line naming the variable, and the start stops. */
#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cg/status.h"

typedef enum cg_config_type {
    CG_CONFIG_STRING, /* target: char ** (points into the environment or the default) */
    CG_CONFIG_INT,    /* target: long *, checked against min and max */
    CG_CONFIG_BOOL,   /* target: bool *, accepts 1/0, true/false, yes/no, on/off */
} cg_config_type;

typedef struct cg_config_var {
    const char *name; /* e.g. "CG_NATS_URL" */
    cg_config_type type;
    const char *default_value; /* NULL means the variable is required */
    long min, max;             /* bounds for CG_CONFIG_INT */
    bool secret;               /* never printed */
    void *target;
    const char *help;    /* one line for docs and errors */
    const char *choices; /* CG_CONFIG_STRING only: "a|b|c", or NULL for any */
} cg_config_var;

/* Looks a name up; returns NULL when unset. getenv() in production. */
typedef const char *(*cg_config_lookup_fn)(const char *name, void *arg);

/* Parse every variable. On failure, err holds one line per bad or missing
 * variable (joined with "\n") and the first line names the variable; the
 * return value is CG_INVALID_ARGUMENT. */
cg_code cg_config_load_from(const cg_config_var *vars, size_t nvars, cg_config_lookup_fn lookup,
                            void *lookup_arg, cg_err *err);

/* cg_config_load_from() with getenv(). */
cg_code cg_config_load(const cg_config_var *vars, size_t nvars, cg_err *err);

#endif
