/* A service's dossier keys and anchorer at start and stop
 * (cg/dossier_settings.h). */
#include "cg/dossier_settings.h"

#include "cg/idempotency.h"

cg_code cg_dossier_settings_load(cg_dossier_settings *s, cg_service_base *base, cg_err *err)
{
    if (cg_chain_keyring_load(&s->keys, "CG_DOSSIER_KEY", s->key, s->key_old, err) != CG_OK)
        return err->code;
    /* Before anything can append: every entry from now on is keyed. */
    cg_dossier_use_keys(&s->keys);
    /* The records of Idempotency-Keys (cg/idempotency.h) are keyed by a
     * secret derived from the current dossier key, which the database
     * never holds; a rotation forgets them, so a retry sent across it runs
     * again (docs/operations.md, "Idempotency keys"). */
    cg_idem_secret(s->keys.keys[0].key, sizeof s->keys.keys[0].key, base->idem_secret);
    base->has_idem_secret = true;
    return CG_OK;
}

cg_code cg_dossier_settings_start(cg_dossier_settings *s, cg_service_base *base,
                                  const cg_dossier_tables *t, const char *prefix, cg_err *err)
{
    return cg_dossier_anchorer_start(base->db, base->nats, t, prefix, s->anchor_s * 1000,
                                     &s->anchorer, err);
}

void cg_dossier_settings_stop(cg_dossier_settings *s, cg_service_base *base)
{
    cg_dossier_anchorer_stop(s->anchorer);
    s->anchorer = NULL;
    cg_service_base_stop(base);
    cg_chain_keyring_wipe(&s->keys);
}
