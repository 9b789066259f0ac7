/* NATS is not open to anyone who can reach it: a client without a password
 * is refused, and each service's user may only do its own part. Above all,
 * only the gateway may send RPCs, so nothing else can call a service with a
 * CallContext of its own making (docs/operations.md, "NATS"); and nobody
 * removes the anchors of the hash chains.
 *
 * The passwords are the ones scripts/stack.sh made in the stack's state
 * folder (secrets/nats-<user>), as an operator would have them. */
#include "cgt.h"

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* host:port of the server, from CG_NATS_URL (nats://user:pass@host:port). */
static char server[128];

static void read_server(void)
{
    const char *url = cgt_nats_url();
    const char *at = strrchr(url, '@');
    CGT_CHECK(at != NULL, "CG_NATS_URL carries a user and a password");
    snprintf(server, sizeof server, "%s", at + 1);
}

/* Connect as user (NULL: with no credentials at all); the status of the
 * attempt, and on NATS_OK the connection in *nc. */
static natsStatus connect_as(const char *user, natsConnection **nc)
{
    char url[512];
    *nc = NULL;
    if (user == NULL) {
        snprintf(url, sizeof url, "nats://%s", server);
    } else {
        char path[256], pass[128] = "";
        snprintf(path, sizeof path, "%s/secrets/nats-%s", getenv("CG_STATE"), user);
        FILE *f = fopen(path, "r");
        CGT_CHECK(f != NULL, "the stack keeps the password of %s in %s", user, path);
        CGT_CHECK(fgets(pass, sizeof pass, f) != NULL, "a password in %s", path);
        fclose(f);
        snprintf(url, sizeof url, "nats://%s:%s@%s", user, pass, server);
    }
    natsOptions *opts = NULL;
    natsOptions_Create(&opts);
    natsOptions_SetURL(opts, url);
    natsOptions_SetTimeout(opts, 2000);
    natsOptions_SetAllowReconnect(opts, false);
    natsStatus s = natsConnection_Connect(nc, opts);
    natsOptions_Destroy(opts);
    return s;
}

/* A Ping request to service as the connected user: NATS_OK when the
 * service answered. */
static natsStatus ping(natsConnection *nc, const char *service)
{
    char subject[64];
    natsMsg *reply = NULL;
    snprintf(subject, sizeof subject, "cg.rpc.%s.Ping", service);
    /* An empty body is an empty PingRequest. */
    natsStatus s = natsConnection_Request(&reply, nc, subject, "", 0, 1500);
    natsMsg_Destroy(reply);
    return s;
}

static bool last_error_is_permission(natsConnection *nc)
{
    const char *text = NULL;
    natsConnection_GetLastError(nc, &text);
    return text != NULL && strstr(text, "Permissions Violation") != NULL;
}

static void anonymous_refused(void **state)
{
    (void)state;
    natsConnection *nc = NULL;
    natsStatus s = connect_as(NULL, &nc);
    CGT_CHECK(s != NATS_OK, "a connection without a password is refused (got %s)",
              natsStatus_GetText(s));
    natsConnection_Destroy(nc);
}

static void only_the_gateway_calls_services(void **state)
{
    (void)state;
    natsConnection *gw = NULL, *intake = NULL, *kase = NULL;
    CGT_CHECK(connect_as("gateway", &gw) == NATS_OK, "the gateway's user connects");
    CGT_CHECK_INT(NATS_OK, ping(gw, "case"), "the gateway pings case");
    CGT_CHECK_INT(NATS_OK, ping(gw, "intake"), "the gateway pings intake");
    CGT_CHECK_INT(NATS_OK, ping(gw, "rectify"), "the gateway pings rectify");

    CGT_CHECK(connect_as("intake", &intake) == NATS_OK, "intake's user connects");
    CGT_CHECK(ping(intake, "case") != NATS_OK, "intake may not call case");
    CGT_CHECK(last_error_is_permission(intake), "the server says why: a permissions violation");

    CGT_CHECK(connect_as("case", &kase) == NATS_OK, "case's user connects");
    CGT_CHECK(ping(kase, "intake") != NATS_OK, "case may not call intake");
    /* Nor listen on another service's subjects, to answer in its place. */
    natsSubscription *sub = NULL;
    natsConnection_SubscribeSync(&sub, kase, "cg.rpc.intake.>");
    natsConnection_FlushTimeout(kase, 1000);
    natsMsg *m = NULL;
    natsSubscription_NextMsg(&m, sub, 300);
    natsMsg_Destroy(m);
    CGT_CHECK(last_error_is_permission(kase), "case may not subscribe to intake's RPCs");
    natsConnection *rect = NULL;
    CGT_CHECK(connect_as("rectify", &rect) == NATS_OK, "rectify's user connects");
    CGT_CHECK(ping(rect, "case") != NATS_OK, "rectify may not call case");
    CGT_CHECK(last_error_is_permission(rect), "the server says why: a permissions violation");
    natsConnection_Destroy(rect);
    /* Nor publish another service's events. */
    natsConnection_PublishString(kase, "cg.evt.intake.report.submitted", "forged");
    natsConnection_FlushTimeout(kase, 1000);
    cgt_sleep_ms(200);
    CGT_CHECK(last_error_is_permission(kase), "case may not publish intake's events");

    natsSubscription_Destroy(sub);
    natsConnection_Destroy(kase);
    natsConnection_Destroy(intake);
    natsConnection_Destroy(gw);
    /* The platform is still whole after all that. */
    CGT_CHECK_READY();
}

/* Publish on subject as a fresh connection of user: true when the server
 * refused it as a permissions violation. */
static bool publish_refused(const char *user, const char *subject)
{
    natsConnection *nc = NULL;
    CGT_CHECK(connect_as(user, &nc) == NATS_OK, "%s's user connects", user);
    natsConnection_PublishString(nc, subject, "probe");
    natsConnection_FlushTimeout(nc, 1000);
    cgt_sleep_ms(200);
    bool refused = last_error_is_permission(nc);
    natsConnection_Destroy(nc);
    return refused;
}

/* The risk service asks the gateway's org directory and the integrity
 * service's directory of declared relatives, calls no service; the enterprise's systems may only
 * publish their own stream's subjects. */
static void risk_and_publisher_rights(void **state)
{
    (void)state;
    natsConnection *risk = NULL;
    natsMsg *reply = NULL;
    CGT_CHECK(connect_as("risk", &risk) == NATS_OK, "risk's user connects");
    /* An empty body is an empty OrgUnitsRequest. */
    natsStatus s = natsConnection_Request(&reply, risk, "cg.gw.org.units", "", 0, 1500);
    CGT_CHECK_INT(NATS_OK, s, "risk asks the gateway's org directory");
    CGT_CHECK(natsMsg_GetDataLength(reply) > 0, "the gateway answers with the tree");
    natsMsg_Destroy(reply);
    reply = NULL;
    /* An empty body is a request of limit 0, which the directory refuses:
     * an answer, so the question got through. */
    s = natsConnection_Request(&reply, risk, "cg.integrity.relatives.declared", "", 0, 1500);
    CGT_CHECK_INT(NATS_OK, s, "risk asks the integrity service's directory of declared relatives");
    natsMsg_Destroy(reply);
    CGT_CHECK(ping(risk, "case") != NATS_OK, "risk may not call case");
    CGT_CHECK(last_error_is_permission(risk), "the server says why: a permissions violation");
    natsConnection_Destroy(risk);
    CGT_CHECK(!publish_refused("risk", "cg.evt.risk.nats_auth.probed"),
              "risk may publish its own events");
    CGT_CHECK(publish_refused("risk", "cg.rpc.case.GetClue"), "risk may not call case's methods");
    CGT_CHECK(publish_refused("risk", "cg.gw.session.revoked"),
              "risk may not revoke sessions in the gateway");
    CGT_CHECK(publish_refused("risk", "cg.evt.case.clue.created"),
              "risk may not publish case's events");

    static const char *const not_publisher[] = {
        "cg.gw.org.units",       "cg.integrity.relatives.declared",
        "cg.rpc.risk.Ping",      "cg.evt.risk.alert.raised",
        "cg.gw.session.revoked", "$JS.API.STREAM.INFO.CG_ENTERPRISE",
    };
    for (size_t i = 0; i < sizeof not_publisher / sizeof not_publisher[0]; i++)
        CGT_CHECK(publish_refused("publisher", not_publisher[i]),
                  "the publisher may not publish %s", not_publisher[i]);
}

/* A JetStream API request as the connected user: the reply's text (owned by
 * the caller, free()), or NULL when none came (refused by the server). */
static char *js_api(natsConnection *nc, const char *subject, const char *body)
{
    natsMsg *reply = NULL;
    if (natsConnection_RequestString(&reply, nc, subject, body, 1500) != NATS_OK)
        return NULL;
    char *text = strndup(natsMsg_GetData(reply), (size_t)natsMsg_GetDataLength(reply));
    natsMsg_Destroy(reply);
    return text;
}

/* The anchors of the hash chains (stream CG_ANCHORS) stay: no service's
 * user may delete, purge or reconfigure the stream, nor delete one of its
 * messages, nor anchor another service's chain; and the stream itself
 * refuses to delete or purge messages even for the all-powerful tools
 * user (docs/operations.md, "Audit trail"). */
static void anchors_cannot_be_removed(void **state)
{
    (void)state;
    natsConnection *gw = NULL, *tools = NULL;
    static const char *const denied[] = {
        "$JS.API.STREAM.DELETE.CG_ANCHORS", "$JS.API.STREAM.PURGE.CG_ANCHORS",
        "$JS.API.STREAM.UPDATE.CG_ANCHORS", "$JS.API.STREAM.MSG.DELETE.CG_ANCHORS"};
    CGT_CHECK(connect_as("gateway", &gw) == NATS_OK, "the gateway's user connects");
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        char *reply = js_api(gw, denied[i], "{\"seq\":1}");
        CGT_CHECK(reply == NULL, "the gateway may not send %s (got %s)", denied[i], reply);
        CGT_CHECK(last_error_is_permission(gw), "%s: a permissions violation", denied[i]);
    }
    natsConnection_PublishString(gw, "cg.anchor.case.dossier", "{}");
    natsConnection_FlushTimeout(gw, 1000);
    cgt_sleep_ms(200);
    CGT_CHECK(last_error_is_permission(gw), "the gateway may not anchor the case's chains");

    CGT_CHECK(connect_as("tools", &tools) == NATS_OK, "the tools user connects");
    char *purge = js_api(tools, "$JS.API.STREAM.PURGE.CG_ANCHORS", "{}");
    char *del = js_api(tools, "$JS.API.STREAM.MSG.DELETE.CG_ANCHORS", "{\"seq\":1}");
    CGT_CHECK(purge != NULL && strstr(purge, "\"error\"") != NULL, "the stream refuses a purge: %s",
              purge);
    CGT_CHECK(del != NULL && strstr(del, "\"error\"") != NULL,
              "the stream refuses to delete a message: %s", del);
    free(purge);
    free(del);
    natsConnection_Destroy(tools);
    natsConnection_Destroy(gw);
}

int main(void)
{
    cgt_init("nats_auth", CGT_NEED_STACK | CGT_NEED_NATS);
    read_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(anonymous_refused),
        cmocka_unit_test(only_the_gateway_calls_services),
        cmocka_unit_test(anchors_cannot_be_removed),
        cmocka_unit_test(risk_and_publisher_rights),
    };
    int failed = cmocka_run_group_tests_name("nats_auth", tests, NULL, NULL);
    nats_Close();
    cgt_cleanup();
    return failed;
}
