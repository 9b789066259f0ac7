/* A service's dossier at start and stop: its keys (CG_DOSSIER_KEY,
 * CG_DOSSIER_KEY_OLD) and its anchorer (every CG_DOSSIER_ANCHOR_S), the
 * same in every service that keeps files (docs/dossier.md, "Keys and
 * anchors"). main() splices CG_DOSSIER_VARS into its cg_config_var table
 * and calls, in order:
 *
 *   cg_service_base_configure()   the settings are read
 *   cg_dossier_settings_load()    the keys, before anything can append
 *   cg_service_base_start()
 *   cg_dossier_settings_start()   the anchorer, on the base's database and NATS
 *   ... cg_service_wait() ...
 *   cg_dossier_settings_stop()    the anchorer, the base, then the keys
 *
 * cg_dossier_settings_stop() is safe on settings loaded or started only in
 * part, so one failure path serves them all. */
#ifndef CG_DOSSIER_SETTINGS_H
#define CG_DOSSIER_SETTINGS_H

#include "cg/chain.h"
#include "cg/config.h"
#include "cg/dossier.h"
#include "cg/service.h"
#include "cg/status.h"

/* The settings and what is made from them. A static object of the
 * service's main(), which must outlive the anchorer and every append and
 * verify (the library borrows its keys). */
typedef struct cg_dossier_settings {
    /* Filled by cg_config_load() through CG_DOSSIER_VARS; borrowed from
     * the environment (or the default). */
    const char *key;     /* 64 hex digits */
    const char *key_old; /* 64 hex digits each, comma-separated; "" for none */
    long anchor_s;
    /* Made by cg_dossier_settings_load(); wiped by cg_dossier_settings_stop(). */
    cg_chain_keyring keys;
    /* Started by cg_dossier_settings_start(); NULL until then. Owned. */
    cg_dossier_anchorer *anchorer;
} cg_dossier_settings;

/* The dossier's settings, to splice into a service's table:
 *   static cg_config_var vars[] = { CG_SERVICE_BASE_VARS(base),
 *                                   CG_DOSSIER_VARS(dossier), {...own...} };
 * where dossier is the service's static cg_dossier_settings. */
// clang-format off
#define CG_DOSSIER_VARS(s)                                                                         \
    {.name = "CG_DOSSIER_KEY", .type = CG_CONFIG_STRING, .default_value = NULL,                    \
     .secret = true, .target = &(s).key,                                                           \
     .help = "the dossier's HMAC-SHA256 key, 64 hex digits, never stored in the database "         \
             "(e.g. `openssl rand -hex 32`)"},                                                     \
    {.name = "CG_DOSSIER_KEY_OLD", .type = CG_CONFIG_STRING, .default_value = "",                  \
     .secret = true, .target = &(s).key_old,                                                       \
     .help = "former dossier keys, comma-separated, that only check the entries written "          \
             "with them (key rotation)"},                                                          \
    {.name = "CG_DOSSIER_ANCHOR_S", .type = CG_CONFIG_INT, .default_value = "60",                  \
     .min = 1, .max = 86400, .target = &(s).anchor_s,                                              \
     .help = "how often the heads of the dossiers that moved are anchored on JetStream "           \
             "(stream CG_ANCHORS)"}
// clang-format on

/* After cg_service_base_configure(), before cg_service_base_start(): load
 * s's keys, give them to cg_dossier_use_keys() (every entry appended from
 * now on is keyed) and derive base's idempotency secret from the current
 * key (base->idem_secret, base->has_idem_secret). INVALID_ARGUMENT naming
 * the setting, never a key, for a key that is not 64 hex digits. */
cg_code cg_dossier_settings_load(cg_dossier_settings *s, cg_service_base *base, cg_err *err);

/* After cg_service_base_start(): start s's anchorer of the dossier tables t
 * on the subjects prefix.<file id> (e.g. CG_ANCHOR_DOSSIER; the service's
 * NATS user may publish only there), every s->anchor_s seconds, on base's
 * database and NATS. t, prefix and base are borrowed and must outlive it. */
cg_code cg_dossier_settings_start(cg_dossier_settings *s, cg_service_base *base,
                                  const cg_dossier_tables *t, const char *prefix, cg_err *err);

/* Stop s's anchorer (if it was started), then base (cg_service_base_stop(),
 * which this call replaces), then wipe s's keys: the RPCs and consumers the
 * base stops may append until they do, and the anchorer uses the database
 * and NATS the base closes. Call it on every path out of main() after
 * cg_service_base_configure(), once the service's own threads that append
 * (a scheduler) are stopped. */
void cg_dossier_settings_stop(cg_dossier_settings *s, cg_service_base *base);

#endif
