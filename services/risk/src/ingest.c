/* The enterprise stream's consumer: each event kept once as a fact.
 *
 * Each message of a fetched batch is decoded by the contract's table
 * (cg/enterprise.h) and written as JSON, and the batch is handed to
 * risk_keep_events() (migrations/0015_keeping_in_sets.sql) in one
 * statement, which keeps every event, knowing from rows what each
 * subject's business key is and whom it concerns (0001_facts.sql), and
 * queues the new facts for the scorer (scorer.c), which runs their
 * indicators. Fields the service does not know
 * are dropped by the decoder; a subject no contract of this version
 * defines is dead-lettered with that reason, to be published again once
 * the service knows it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/db.h"
#include "cg/enterprise.h"
#include "cg/log.h"
#include "cg/messaging.h"
#include "cg/util.h"
#include "risk.h"

#define IDENTITY_FIELD "id_number"

cg_code risk_app_init(risk_app *app, cg_err *err)
{
    size_t len = 0;
    const char *hex = app->person_key_hex != NULL ? app->person_key_hex : "";
    if (strlen(hex) != 2 * sizeof(app->person_key) ||
        sodium_hex2bin(app->person_key, sizeof(app->person_key), hex, strlen(hex), NULL, &len,
                       NULL) != 0 ||
        len != sizeof(app->person_key))
        return cg_err_set(err, CG_INVALID_ARGUMENT, "CG_RISK_PERSON_KEY must be 64 hex digits");
    if (cg_enterprise_codec(&app->codec, err) != CG_OK)
        return err->code;
    return risk_codec_prepare(app->codec, err);
}

void risk_app_free(risk_app *app)
{
    cg_pbjson_free(app->codec);
    app->codec = NULL;
    sodium_memzero(app->person_key, sizeof(app->person_key));
}

/* The keyed hash of an identity number, as "hmac:<64 hex>": the same number
 * always gives the same text, so register entries still match each other,
 * but the number cannot be read back without the key. The check character
 * is compared in upper case, as it is printed on the card. */
static char *identity_hash(const risk_app *app, const char *number)
{
    crypto_auth_hmacsha256_state st;
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    char *out = malloc(5 + 2 * sizeof(mac) + 1);
    if (out == NULL)
        return NULL;
    crypto_auth_hmacsha256_init(&st, app->person_key, sizeof(app->person_key));
    for (const char *p = number; *p != '\0'; p++) {
        uint8_t c = (uint8_t)toupper((unsigned char)*p);
        crypto_auth_hmacsha256_update(&st, &c, 1);
    }
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "hmac:", 5);
    sodium_bin2hex(out + 5, 2 * sizeof(mac) + 1, mac, sizeof(mac));
    return out;
}

/* Replace every non-empty string field named id_number in msg and the
 * messages it holds by its keyed hash. The strings belong to the unpacked
 * message (protobuf-c's default allocator, malloc), so each old one is
 * freed and the new one is freed with the message. */
static cg_code hash_identities(const risk_app *app, ProtobufCMessage *msg, cg_err *err)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        char *base = (char *)msg + fd->offset;
        bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
        size_t count = repeated ? *(size_t *)((char *)msg + fd->quantifier_offset) : 1;
        void *items = repeated ? *(void **)base : (void *)base;
        for (size_t j = 0; j < count; j++) {
            if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                ProtobufCMessage *sub = ((ProtobufCMessage **)items)[j];
                if (sub != NULL && hash_identities(app, sub, err) != CG_OK)
                    return err->code;
            } else if (fd->type == PROTOBUF_C_TYPE_STRING &&
                       strcmp(fd->name, IDENTITY_FIELD) == 0) {
                char **slot = &((char **)items)[j];
                if (*slot == NULL || (*slot)[0] == '\0' || *slot == (char *)protobuf_c_empty_string)
                    continue;
                char *hashed = identity_hash(app, *slot);
                if (hashed == NULL)
                    return cg_err_set(err, CG_INTERNAL, "out of memory");
                free(*slot);
                *slot = hashed;
            }
        }
    }
    return CG_OK;
}

/* The name of the first string field of msg, or of a message it holds,
 * that is not UTF-8, copied into field; false when every one is. The
 * facts are kept as JSON, which PostgreSQL refuses with such bytes, and
 * the refusal would name no field. */
static bool text_not_utf8(const ProtobufCMessage *msg, char *field, size_t size)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        const char *base = (const char *)msg + fd->offset;
        bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
        size_t count = repeated ? *(const size_t *)((const char *)msg + fd->quantifier_offset) : 1;
        const void *items = repeated ? *(void *const *)base : (const void *)base;
        for (size_t j = 0; j < count; j++) {
            if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                const ProtobufCMessage *sub = ((ProtobufCMessage *const *)items)[j];
                if (sub != NULL && text_not_utf8(sub, field, size))
                    return true;
            } else if (fd->type == PROTOBUF_C_TYPE_STRING) {
                const char *text = ((char *const *)items)[j];
                if (text != NULL && !cg_utf8_valid(text, strlen(text))) {
                    cg_strlcpy(field, fd->name, size);
                    return true;
                }
            }
        }
    }
    return false;
}

/* Append one event to batch as {subject, event_id, source, time_ms, data}
 * (the element risk_keep_events() reads): its payload decoded by the
 * contract's table, identity numbers replaced by their keyed hash, and
 * written as JSON. */
static cg_code append_event(const risk_app *app, const cg_cloud_event *event, cJSON *batch,
                            cg_err *err)
{
    ProtobufCMessage *msg = NULL;
    cJSON *data = NULL;
    cJSON *item = NULL;
    cg_code rc = CG_OK;
    char field[64];

    /* Acknowledged and kept nowhere, it would be lost for good; dead
     * letters keep it, to be published again once the service knows its
     * subject (a contract's later version, a service not upgraded yet). */
    const cg_enterprise_event *row = cg_enterprise_find(event->subject);
    if (row == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT,
                        "%s is not a subject of this service's contract (cg-publish --list)",
                        event->subject);
        goto cleanup;
    }
    msg = protobuf_c_message_unpack(row->message, NULL, event->len, event->data);
    if (msg == NULL) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "the payload is not a %s", row->message->name);
        goto cleanup;
    }
    if (text_not_utf8(msg, field, sizeof field)) {
        rc = cg_err_set(err, CG_INVALID_ARGUMENT, "the payload's %s is not UTF-8 text", field);
        goto cleanup;
    }
    if ((rc = hash_identities(app, msg, err)) != CG_OK ||
        (rc = cg_pbjson_encode(app->codec, msg, &data, err)) != CG_OK)
        goto cleanup;
    double time_ms = (double)(event->time_ms != 0 ? event->time_ms : cg_now_ms());
    if ((item = cJSON_CreateObject()) == NULL ||
        cJSON_AddStringToObject(item, "subject", event->subject) == NULL ||
        cJSON_AddStringToObject(item, "event_id", event->id) == NULL ||
        cJSON_AddStringToObject(item, "source", event->source) == NULL ||
        cJSON_AddNumberToObject(item, "time_ms", time_ms) == NULL ||
        !cJSON_AddItemToObject(item, "data", data)) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    data = NULL; /* item's now */
    if (!cJSON_AddItemToArray(batch, item)) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    item = NULL; /* batch's now */

cleanup:
    cJSON_Delete(item);
    cJSON_Delete(data);
    if (msg != NULL)
        protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

cg_code risk_on_enterprise_events(PGconn *conn, const cg_cloud_event *events, size_t n, void *arg,
                                  cg_err *err)
{
    risk_app *app = arg;
    cJSON *batch = cJSON_CreateArray();
    char *text = NULL;
    PGresult *res = NULL;
    cg_code rc = CG_OK;

    if (batch == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = append_event(app, &events[i], batch, err)) != CG_OK)
            goto cleanup;
    if (cJSON_GetArraySize(batch) == 0)
        goto cleanup;
    if ((text = cJSON_PrintUnformatted(batch)) == NULL) {
        rc = cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    const char *params[] = {text};
    rc = cg_db_exec(conn, "SELECT problem, unknown_unit FROM risk_keep_events($1::jsonb)", 1,
                    params, &res, err);
    bool unknown_unit = false;
    for (int i = 0; rc == CG_OK && i < PQntuples(res); i++) {
        /* Alone, the event is dead-lettered with this sentence; in a batch,
         * the consumer takes each event alone to find which one it was. */
        if (!PQgetisnull(res, i, 0))
            rc = cg_err_set(err, CG_INVALID_ARGUMENT, "%s", PQgetvalue(res, i, 0));
        unknown_unit |= strcmp(PQgetvalue(res, i, 1), "t") == 0;
    }
    if (rc == CG_OK && unknown_unit)
        risk_units_ask(app);

cleanup:
    PQclear(res);
    free(text);
    cJSON_Delete(batch);
    return rc;
}
