/* Configuration from environment variables, described by a table. */
#include "cg/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Append one problem line to err, keeping the first line intact so the
 * caller can show it alone if it wants. */
static void add_problem(cg_err *err, const char *line)
{
    size_t used = strlen(err->message);
    if (used > 0 && used + 1 < sizeof(err->message))
        err->message[used++] = '\n';
    snprintf(err->message + used, sizeof(err->message) - used, "%s", line);
    err->code = CG_INVALID_ARGUMENT;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* True if s is one of the '|'-separated words in choices, in any case. */
static bool is_choice(const char *choices, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = choices; p != NULL; p = strchr(p, '|'), p = p ? p + 1 : NULL) {
        if (strncasecmp(p, s, n) == 0 && (p[n] == '|' || p[n] == '\0'))
            return true;
    }
    return false;
}

/* Parse one variable; on a problem writes a line naming it into line. */
static int parse_var(const cg_config_var *v, const char *raw, char *line, size_t linesz)
{
    switch (v->type) {
    case CG_CONFIG_STRING:
        if (v->choices != NULL && !is_choice(v->choices, raw)) {
            snprintf(line, linesz, "%s: '%s' is not one of %s", v->name, v->secret ? "***" : raw,
                     v->choices);
            return -1;
        }
        *(const char **)v->target = raw;
        return 0;
    case CG_CONFIG_INT: {
        char *end = NULL;
        errno = 0;
        long n = strtol(raw, &end, 10);
        if (errno != 0 || end == raw || *end != '\0') {
            snprintf(line, linesz, "%s: '%s' is not a whole number", v->name,
                     v->secret ? "***" : raw);
            return -1;
        }
        if (n < v->min || n > v->max) {
            snprintf(line, linesz, "%s: %ld is outside %ld..%ld", v->name, n, v->min, v->max);
            return -1;
        }
        *(long *)v->target = n;
        return 0;
    }
    case CG_CONFIG_BOOL:
        if (parse_bool(raw, (bool *)v->target) != 0) {
            snprintf(line, linesz, "%s: '%s' is not a boolean (use true or false)", v->name,
                     v->secret ? "***" : raw);
            return -1;
        }
        return 0;
    }
    snprintf(line, linesz, "%s: unknown type", v->name);
    return -1;
}

cg_code cg_config_load_from(const cg_config_var *vars, size_t nvars, cg_config_lookup_fn lookup,
                            void *lookup_arg, cg_err *err)
{
    cg_err_clear(err);
    for (size_t i = 0; i < nvars; i++) {
        const cg_config_var *v = &vars[i];
        const char *raw = lookup(v->name, lookup_arg);
        char line[200];
        if (raw == NULL || raw[0] == '\0')
            raw = v->default_value;
        if (raw == NULL) {
            snprintf(line, sizeof(line), "%s: required but not set (%s)", v->name, v->help);
            add_problem(err, line);
            continue;
        }
        if (parse_var(v, raw, line, sizeof(line)) != 0)
            add_problem(err, line);
    }
    return err->code;
}

static const char *env_lookup(const char *name, void *arg)
{
    (void)arg;
    return getenv(name);
}

cg_code cg_config_load(const cg_config_var *vars, size_t nvars, cg_err *err)
{
    return cg_config_load_from(vars, nvars, env_lookup, NULL, err);
}
