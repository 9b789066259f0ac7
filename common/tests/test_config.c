/* Unit tests of configuration parsing: defaults, bounds, types, and one
 * clear line per bad or missing variable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cg_test.h"
#include "cg/config.h"

typedef struct fake_env {
    const char *names[8];
    const char *values[8];
} fake_env;

static const char *fake_lookup(const char *name, void *arg)
{
    fake_env *env = arg;
    for (int i = 0; i < 8 && env->names[i]; i++)
        if (strcmp(env->names[i], name) == 0)
            return env->values[i];
    return NULL;
}

static char *url;
static long port;
static bool verbose;
static char *level;

static const cg_config_var vars[] = {
    {.name = "CG_URL", .type = CG_CONFIG_STRING, .target = &url, .help = "where to connect"},
    {.name = "CG_PORT",
     .type = CG_CONFIG_INT,
     .default_value = "8080",
     .min = 1,
     .max = 65535,
     .target = &port,
     .help = "port"},
    {.name = "CG_VERBOSE",
     .type = CG_CONFIG_BOOL,
     .default_value = "false",
     .target = &verbose,
     .help = "chatty"},
    {.name = "CG_LEVEL",
     .type = CG_CONFIG_STRING,
     .default_value = "info",
     .choices = "debug|info|warn",
     .target = &level,
     .help = "level"},
};

static void defaults_apply(void **state)
{
    (void)state;
    fake_env env = {{"CG_URL"}, {"nats://x"}};
    cg_err err;
    assert_int_equal(cg_config_load_from(vars, 4, fake_lookup, &env, &err), CG_OK);
    assert_string_equal(url, "nats://x");
    assert_int_equal(port, 8080);
    assert_false(verbose);
}

static void values_override_defaults(void **state)
{
    (void)state;
    fake_env env = {{"CG_URL", "CG_PORT", "CG_VERBOSE"}, {"u", "9000", "yes"}};
    cg_err err;
    assert_int_equal(cg_config_load_from(vars, 4, fake_lookup, &env, &err), CG_OK);
    assert_int_equal(port, 9000);
    assert_true(verbose);
}

/* Environments refused, and the lines the message must have (each bad or
 * missing variable on a line of its own). */
static const struct {
    fake_env env;
    const char *says[2];
} refused[] = {
    {{{NULL}, {NULL}}, {"CG_URL: required but not set"}},
    {{{"CG_URL", "CG_PORT", "CG_VERBOSE"}, {"u", "80x", "maybe"}},
     {"CG_PORT: '80x' is not a whole number", "\nCG_VERBOSE: 'maybe' is not a boolean"}},
    {{{"CG_URL", "CG_PORT"}, {"u", "70000"}}, {"CG_PORT: 70000 is outside 1..65535"}},
    {{{"CG_URL", "CG_LEVEL"}, {"u", "war"}}, {"CG_LEVEL: 'war' is not one of debug|info|warn"}},
    {{{"CG_URL", "CG_LEVEL"}, {"u", "verbose"}}, {NULL}},
};

static void bad_and_missing_values_are_named(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_NROWS(refused); i++) {
        fake_env env = refused[i].env;
        cg_err err;
        assert_int_equal(cg_config_load_from(vars, 4, fake_lookup, &env, &err),
                         CG_INVALID_ARGUMENT);
        for (size_t j = 0; j < CG_NROWS(refused[i].says) && refused[i].says[j] != NULL; j++) {
            if (strstr(err.message, refused[i].says[j]) == NULL)
                fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err.message,
                         refused[i].says[j]);
        }
    }
}

static void choices_are_enforced(void **state)
{
    (void)state;
    fake_env env = {{"CG_URL", "CG_LEVEL"}, {"u", "warn"}};
    cg_err err;
    assert_int_equal(cg_config_load_from(vars, 4, fake_lookup, &env, &err), CG_OK);
    assert_string_equal(level, "warn");
    env.values[1] = "WARN";
    assert_int_equal(cg_config_load_from(vars, 4, fake_lookup, &env, &err), CG_OK);
}

CG_TEST_MAIN(cmocka_unit_test(defaults_apply), cmocka_unit_test(values_override_defaults),
             cmocka_unit_test(bad_and_missing_values_are_named),
             cmocka_unit_test(choices_are_enforced))
