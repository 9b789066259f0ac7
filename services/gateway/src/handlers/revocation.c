/* The revocation broadcast of the running gateway (see revocation.h). */
#include "revocation.h"

#include <string.h>

#include "cg/log.h"
#include "cg/nats.h"
#include "gateway.h"

/* One subscription per process: there is one gateway per process. Set by
 * gw_revocation_start() before any message can arrive, cleared by
 * gw_revocation_stop() after the last one was handled. */
static natsSubscription *revocation_sub;

static void on_revocation(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    gw_app *app = closure;
    gw_revocation rev;
    if (!gw_revocation_parse(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &rev)) {
        cg_log_warn("ignored a malformed message on " GW_REVOCATION_SUBJECT);
    } else if (rev.kind == GW_REVOKE_TOKEN) {
        gw_auth_forget_token(app, rev.key);
    } else if (rev.kind == GW_REVOKE_SCOPES) {
        gw_auth_forget_scopes(app);
    } else {
        gw_auth_forget_account(app, rev.account_id);
    }
    natsMsg_Destroy(msg);
}

cg_code gw_revocation_start(gw_app *app, cg_err *err)
{
    return cg_nats_subscribe(app->base.nats, GW_REVOCATION_SUBJECT, NULL, on_revocation, app,
                             &revocation_sub, err);
}

void gw_revocation_stop(gw_app *app)
{
    (void)app;
    /* Drained: a message being handled finishes before the cache it evicts
     * from is destroyed. */
    cg_nats_unsubscribe(&revocation_sub);
}

static void publish(gw_app *app, const gw_revocation *rev)
{
    char text[GW_REVOCATION_MSG_MAX];
    size_t n = gw_revocation_format(rev, text);
    natsStatus s = NATS_ERR;
    if (n > 0)
        s = natsConnection_Publish(app->base.nats->conn, GW_REVOCATION_SUBJECT, text, (int)n);
    /* Flushing now rather than on the client's own schedule is what makes
     * the other replicas hear of it within the second. */
    if (s == NATS_OK)
        s = natsConnection_FlushTimeout(app->base.nats->conn, 1000);
    if (s != NATS_OK)
        cg_log_warn("could not broadcast a session revocation (%s); other gateway replicas "
                    "drop their copy within CG_SESSION_CACHE_MS",
                    natsStatus_GetText(s));
}

void gw_revoke_token(gw_app *app, const uint8_t key[GW_SESSION_KEY_LEN])
{
    gw_revocation rev = {.kind = GW_REVOKE_TOKEN};
    gw_auth_forget_token(app, key);
    memcpy(rev.key, key, GW_SESSION_KEY_LEN);
    publish(app, &rev);
}

void gw_revoke_account(gw_app *app, const char *account_id)
{
    gw_revocation rev = {.kind = GW_REVOKE_ACCOUNT};
    gw_auth_forget_account(app, account_id);
    cg_strlcpy(rev.account_id, account_id, sizeof(rev.account_id));
    publish(app, &rev);
}

void gw_revoke_scopes(gw_app *app)
{
    gw_revocation rev = {.kind = GW_REVOKE_SCOPES};
    gw_auth_forget_scopes(app);
    publish(app, &rev);
}
