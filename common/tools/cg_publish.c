/* cg-publish: put enterprise events onto the stream CG_ENTERPRISE.
 *
 * It reads JSON lines, one event each,
 *   {"subject": "ent.procurement.award.made", "id": "...", "source": "erp.east",
 *    "time": "2026-03-01T08:00:00Z", "data": {...}}
 * checks every line against the contract (cg/enterprise.h) before sending
 * anything, and publishes each as the protobuf message of its subject with
 * the CloudEvents attributes as headers and its id as Nats-Msg-Id. A publish
 * that fails or is not acknowledged is sent again with the same id, so
 * JetStream stores it once; running the same file twice within the
 * stream's duplicate window stores nothing new. docs/enterprise-events.md
 * describes the form of a line and the options. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <nats/nats.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/enterprise.h"
#include "cg/nats.h"
#include "cg/pbjson.h"
#include "cg/util.h"

/* An event read and checked, ready to send. */
typedef struct event {
    const cg_enterprise_event *row;
    char *id;
    char *source;
    char time[CG_PBJSON_TIME_LEN];
    uint8_t *data;
    size_t len;
} event;

typedef struct events {
    event *items;
    size_t count;
    size_t cap;
} events;

typedef struct options {
    const char *server;
    const char *source;
    bool dry_run;
    int retries;
    int64_t timeout_ms;
    int64_t max_pending;
    double rate; /* events a second; 0: as fast as JetStream takes them */
    bool stamp;  /* ce-time: the moment each event is sent, not the line's */
} options;

/* What the acknowledgements said, counted from nats.c's threads. */
static atomic_long stored, duplicates, failed_once;

static void usage(FILE *to)
{
    fprintf(
        to,
        "usage: cg-publish [options] [FILE...]   (no FILE, or -: standard input)\n"
        "       cg-publish --list | --list-json\n"
        "Publish enterprise events, one JSON object per line:\n"
        "  {\"subject\": \"ent.procurement.award.made\", \"id\": \"...\", \"source\": "
        "\"erp.east\",\n"
        "   \"time\": \"2026-03-01T08:00:00Z\", \"data\": {...}}\n"
        "Every line is checked first; one bad line and nothing is sent.\n"
        "  --server URL      NATS URL (default $CG_NATS_URL, else nats://127.0.0.1:4222)\n"
        "  --source NAME     ce-source of lines that give none\n"
        "  --dry-run         check the lines, send nothing\n"
        "  --retries N       sends of an event that fails before giving up (default 10)\n"
        "  --timeout-ms N    wait for each acknowledgement (default 5000)\n"
        "  --max-pending N   publishes awaiting acknowledgement at once (default 4096)\n"
        "  --rate N          send N events a second, evenly (default: as fast as possible)\n"
        "  --stamp           ce-time is when each event is sent (to measure the lag to a score)\n"
        "  --list            the subjects of the contract\n"
        "  --list-json       the contract as JSON: subjects, messages and their fields\n");
}

/* --- the contract as JSON -------------------------------------------------------- */

static const char *json_type(const ProtobufCFieldDescriptor *fd)
{
    switch (fd->type) {
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_ENUM:
        return "string";
    case PROTOBUF_C_TYPE_BOOL:
        return "boolean";
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
        return "number";
    case PROTOBUF_C_TYPE_MESSAGE:
        return "object";
    default:
        return "integer";
    }
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* desc and every message it contains into messages, keyed by full name. */
static void describe_message(cJSON *messages, const cg_pbjson *codec,
                             const ProtobufCMessageDescriptor *desc)
{
    if (cJSON_GetObjectItemCaseSensitive(messages, desc->name) != NULL)
        return;
    cJSON *m = cJSON_AddObjectToObject(messages, desc->name);
    cJSON *fields = cJSON_AddArrayToObject(m, "fields");
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        const char *key = cg_pbjson_json_name(codec, desc, fd->id);
        bool is_time = (fd->type == PROTOBUF_C_TYPE_INT64) &&
                       (ends_with(fd->name, "_at_ms") || ends_with(fd->name, "_on_ms"));
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "key", key != NULL ? key : fd->name);
        cJSON_AddStringToObject(f, "proto", fd->name);
        cJSON_AddNumberToObject(f, "number", fd->id);
        cJSON_AddStringToObject(f, "type", is_time ? "string" : json_type(fd));
        if (is_time)
            cJSON_AddStringToObject(f, "format",
                                    ends_with(fd->name, "_at_ms") ? "date-time" : "date");
        cJSON_AddBoolToObject(f, "repeated", fd->label == PROTOBUF_C_LABEL_REPEATED);
        if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            const ProtobufCMessageDescriptor *sub = fd->descriptor;
            cJSON_AddStringToObject(f, "message", sub->name);
            cJSON_AddItemToArray(fields, f);
            describe_message(messages, codec, sub);
            continue;
        }
        cJSON_AddItemToArray(fields, f);
    }
}

static int list_contract(const cg_pbjson *codec, bool as_json)
{
    if (!as_json) {
        for (size_t i = 0; i < cg_enterprise_nevents; i++)
            printf("%-40s %s\n", cg_enterprise_events[i].subject,
                   cg_enterprise_events[i].message->name);
        return 0;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "events");
    cJSON *messages = cJSON_AddObjectToObject(root, "messages");
    for (size_t i = 0; i < cg_enterprise_nevents; i++) {
        const cg_enterprise_event *e = &cg_enterprise_events[i];
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "subject", e->subject);
        cJSON_AddStringToObject(item, "message", e->message->name);
        cJSON_AddStringToObject(item, "summary", e->summary);
        cJSON_AddItemToArray(list, item);
        describe_message(messages, codec, e->message);
    }
    char *text = cJSON_Print(root);
    int rc = text != NULL && puts(text) >= 0 ? 0 : 1;
    free(text);
    cJSON_Delete(root);
    return rc;
}

/* --- reading ----------------------------------------------------------------------- */

/* An id derived from what the event says, for lines that give none: the
 * same line always gets the same id, so sending a file again is harmless. */
static char *derived_id(const char *subject, const char *source, const uint8_t *data, size_t len)
{
    crypto_hash_sha256_state st;
    uint8_t h[crypto_hash_sha256_BYTES];
    char hex[2 * 16 + 1];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)subject, strlen(subject) + 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)source, strlen(source) + 1);
    crypto_hash_sha256_update(&st, data, len);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, sizeof(hex), h, 16);
    char *id = malloc(40);
    if (id != NULL)
        snprintf(id, 40, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    return id;
}

static const char *string_member(const cJSON *obj, const char *key, bool *bad)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (item == NULL || cJSON_IsNull(item))
        return NULL;
    if (!cJSON_IsString(item)) {
        *bad = true;
        return NULL;
    }
    return item->valuestring;
}

/* Print each problem of err as "where: field: problem". */
static void report(const char *where, const cg_err *err)
{
    if (err->nviolations == 0)
        fprintf(stderr, "%s: %s\n", where, err->message);
    for (size_t i = 0; i < err->nviolations; i++)
        fprintf(stderr, "%s: data.%s: %s\n", where, err->violations[i].field,
                err->violations[i].description);
}

/* Check one line and, when it is good, add it to out. False (with the
 * problems printed) when it is not. */
static bool read_line(const char *where, const char *line, const options *o, const cg_pbjson *codec,
                      events *out)
{
    cg_err err;
    cJSON *root = NULL;
    char *data_text = NULL;
    ProtobufCMessage *msg = NULL;
    event e = {0};
    bool ok = false, bad_type = false;

    cg_err_clear(&err);
    root = cJSON_Parse(line);
    if (!cJSON_IsObject(root)) {
        fprintf(stderr, "%s: not a JSON object\n", where);
        goto cleanup;
    }
    for (const cJSON *m = root->child; m != NULL; m = m->next) {
        static const char *known[] = {"subject", "id", "source", "time", "data"};
        bool found = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            found = found || strcmp(m->string, known[i]) == 0;
        if (!found) {
            fprintf(stderr, "%s: %s: is not a known member (subject, id, source, time, data)\n",
                    where, m->string);
            goto cleanup;
        }
    }
    const char *subject = string_member(root, "subject", &bad_type);
    const char *id = string_member(root, "id", &bad_type);
    const char *source = string_member(root, "source", &bad_type);
    const char *time = string_member(root, "time", &bad_type);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (bad_type) {
        fprintf(stderr, "%s: subject, id, source and time must be strings\n", where);
        goto cleanup;
    }
    if ((e.row = cg_enterprise_find(subject)) == NULL) {
        fprintf(stderr, "%s: subject: %s%s is not a subject of the contract (cg-publish --list)\n",
                where, subject ? "" : "(none)", subject ? subject : "");
        goto cleanup;
    }
    if (source == NULL)
        source = o->source;
    /* The reader's rules (cg_cloud_event_read()): what it would refuse is
     * refused here, before anything is sent. */
    if (!cg_cloud_event_text_ok(source, CG_CE_SOURCE_MAX)) {
        fprintf(stderr, "%s: source: give one of 1 to %d printable characters (or --source)\n",
                where, CG_CE_SOURCE_MAX);
        goto cleanup;
    }
    if (id != NULL && !cg_cloud_event_text_ok(id, CG_CE_ID_MAX)) {
        fprintf(stderr, "%s: id: must be 1 to %d printable characters\n", where, CG_CE_ID_MAX);
        goto cleanup;
    }
    int64_t time_ms = cg_now_ms();
    if (time != NULL && !cg_pbjson_time_parse(time, &time_ms)) {
        fprintf(stderr, "%s: time: must be an RFC 3339 time like 2026-03-01T08:00:00Z\n", where);
        goto cleanup;
    }
    if (!cg_cloud_event_time_ok(time_ms, cg_now_ms())) {
        fprintf(stderr, "%s: time: must be from 1990-01-01 to a day past now\n", where);
        goto cleanup;
    }
    cg_pbjson_time_format(time_ms, e.time);
    if (!cJSON_IsObject(data)) {
        fprintf(stderr, "%s: data: must be an object, the message of %s\n", where, e.row->subject);
        goto cleanup;
    }
    if ((data_text = cJSON_PrintUnformatted(data)) == NULL ||
        (msg = cg_pbjson_message_new(e.row->message)) == NULL) {
        fprintf(stderr, "%s: out of memory\n", where);
        goto cleanup;
    }
    if (cg_pbjson_decode(codec, data_text, strlen(data_text), CG_PBJSON_ALL_KEYS, msg, &err) !=
        CG_OK) {
        report(where, &err);
        goto cleanup;
    }
    e.len = protobuf_c_message_get_packed_size(msg);
    e.data = malloc(e.len ? e.len : 1);
    e.source = strdup(source);
    e.id = id != NULL ? strdup(id) : NULL;
    if (e.data == NULL || e.source == NULL) {
        fprintf(stderr, "%s: out of memory\n", where);
        goto cleanup;
    }
    protobuf_c_message_pack(msg, e.data);
    if (e.id == NULL && (e.id = derived_id(e.row->subject, e.source, e.data, e.len)) == NULL)
        goto cleanup;
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 1024;
        event *items = realloc(out->items, cap * sizeof(*items));
        if (items == NULL)
            goto cleanup;
        out->items = items;
        out->cap = cap;
    }
    out->items[out->count++] = e;
    memset(&e, 0, sizeof(e));
    ok = true;

cleanup:
    free(e.id);
    free(e.source);
    free(e.data);
    if (msg != NULL)
        protobuf_c_message_free_unpacked(msg, NULL);
    free(data_text);
    cJSON_Delete(root);
    return ok;
}

/* Every line of f; the number of bad lines. Blank lines are skipped. */
static long read_file(FILE *f, const char *name, const options *o, const cg_pbjson *codec,
                      events *out)
{
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0, bad = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        char where[512];
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (strspn(line, " \t") == (size_t)n)
            continue;
        snprintf(where, sizeof(where), "%s:%ld", name, lineno);
        if (!read_line(where, line, o, codec, out) && ++bad >= 50) {
            fprintf(stderr, "%s: stopping after 50 bad lines\n", name);
            break;
        }
    }
    free(line);
    return bad;
}

/* --- sending ------------------------------------------------------------------------ */

static natsMsg *event_msg(const event *e, bool stamp)
{
    natsMsg *m = NULL;
    char now[CG_PBJSON_TIME_LEN];
    if (stamp)
        cg_pbjson_time_format(cg_now_ms(), now);
    if (natsMsg_Create(&m, e->row->subject, NULL, (const char *)e->data, (int)e->len) != NATS_OK)
        return NULL;
    if (natsMsgHeader_Set(m, "Nats-Msg-Id", e->id) != NATS_OK ||
        natsMsgHeader_Set(m, CG_CE_ID, e->id) != NATS_OK ||
        natsMsgHeader_Set(m, CG_CE_SOURCE, e->source) != NATS_OK ||
        natsMsgHeader_Set(m, CG_CE_TYPE, e->row->subject) != NATS_OK ||
        natsMsgHeader_Set(m, CG_CE_TIME, stamp ? now : e->time) != NATS_OK ||
        natsMsgHeader_Set(m, CG_CE_SPECVERSION, CG_CE_SPEC) != NATS_OK ||
        natsMsgHeader_Set(m, CG_CE_DATACONTENTTYPE, CG_CE_PROTOBUF) != NATS_OK) {
        natsMsg_Destroy(m);
        return NULL;
    }
    return m;
}

static void count_ack(jsPubAck *pa)
{
    if (pa->Duplicate)
        atomic_fetch_add(&duplicates, 1);
    else
        atomic_fetch_add(&stored, 1);
}

/* An asynchronous publish answered: count it, or send it once more (same
 * headers, so the same id) when JetStream refused or lost it. */
static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)closure;
    if (pa != NULL) {
        count_ack(pa);
    } else if (pae != NULL) {
        atomic_fetch_add(&failed_once, 1);
        js_PublishMsgAsync(js, &msg, NULL);
    }
    natsMsg_Destroy(msg);
}

/* Send one message and wait for its acknowledgement, up to o->retries
 * times with a growing pause: the last resort for what the asynchronous
 * pass left unacknowledged. */
static bool send_with_retries(jsCtx *js, natsMsg *m, const options *o)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = o->timeout_ms;
    for (int attempt = 1; attempt <= o->retries; attempt++) {
        jsPubAck *pa = NULL;
        jsErrCode jerr = 0;
        natsStatus s = js_PublishMsg(&pa, js, m, &po, &jerr);
        if (s == NATS_OK) {
            count_ack(pa);
            jsPubAck_Destroy(pa);
            return true;
        }
        const char *id = "";
        natsMsgHeader_Get(m, CG_CE_ID, &id);
        fprintf(stderr, "cg-publish: %s %s: %s; try %d of %d\n", natsMsg_GetSubject(m), id,
                natsStatus_GetText(s), attempt, o->retries);
        nats_Sleep(attempt < 6 ? 250LL << attempt : 8000);
    }
    return false;
}

static int publish(const options *o, const events *evs)
{
    natsOptions *no = NULL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsOptions jo;
    natsMsgList pending = {0};
    long unsent = 0;
    int rc = 1;

    if (natsOptions_Create(&no) != NATS_OK || natsOptions_SetURL(no, o->server) != NATS_OK)
        goto cleanup;
    natsOptions_SetName(no, "cg-publish");
    natsOptions_SetMaxReconnect(no, -1);
    natsOptions_SetReconnectWait(no, 250);
    natsStatus s = NATS_ERR;
    for (int attempt = 1; attempt <= o->retries && s != NATS_OK; attempt++) {
        if ((s = natsConnection_Connect(&nc, no)) == NATS_OK)
            break;
        fprintf(stderr, "cg-publish: cannot connect to NATS: %s; try %d of %d\n",
                natsStatus_GetText(s), attempt, o->retries);
        if (attempt < o->retries)
            nats_Sleep(attempt < 6 ? 250LL << attempt : 8000);
    }
    if (s != NATS_OK)
        goto cleanup;
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = o->max_pending;
    jo.PublishAsync.AckHandler = on_ack;
    jo.Wait = o->timeout_ms;
    if (natsConnection_JetStream(&js, nc, &jo) != NATS_OK)
        goto cleanup;
    int64_t start_ms = cg_mono_ms();
    for (size_t i = 0; i < evs->count; i++) {
        if (o->rate > 0) {
            int64_t due = start_ms + (int64_t)((double)i * 1000.0 / o->rate);
            int64_t now = cg_mono_ms();
            if (due > now)
                nats_Sleep(due - now);
        }
        natsMsg *m = event_msg(&evs->items[i], o->stamp);
        if (m == NULL || js_PublishMsgAsync(js, &m, NULL) != NATS_OK) {
            /* Not sent at all: the synchronous pass below takes it. */
            natsMsg_Destroy(m);
            if ((m = event_msg(&evs->items[i], o->stamp)) == NULL || !send_with_retries(js, m, o))
                unsent++;
            natsMsg_Destroy(m);
        }
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = o->timeout_ms;
    if (js_PublishAsyncComplete(js, &po) != NATS_OK &&
        js_PublishAsyncGetPendingList(&pending, js) == NATS_OK) {
        for (int i = 0; i < pending.Count; i++)
            if (!send_with_retries(js, pending.Msgs[i], o))
                unsent++;
        natsMsgList_Destroy(&pending);
    }
    fprintf(stderr, "cg-publish: %zu events: %ld stored, %ld already in the stream, %ld unsent\n",
            evs->count, atomic_load(&stored), atomic_load(&duplicates), unsent);
    rc = unsent == 0 && atomic_load(&stored) + atomic_load(&duplicates) == (long)evs->count ? 0 : 1;

cleanup:
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(no);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {{"server", required_argument, NULL, 's'},
                                                 {"source", required_argument, NULL, 'S'},
                                                 {"dry-run", no_argument, NULL, 'n'},
                                                 {"retries", required_argument, NULL, 'r'},
                                                 {"timeout-ms", required_argument, NULL, 't'},
                                                 {"max-pending", required_argument, NULL, 'p'},
                                                 {"rate", required_argument, NULL, 'R'},
                                                 {"stamp", no_argument, NULL, 'T'},
                                                 {"list", no_argument, NULL, 'l'},
                                                 {"list-json", no_argument, NULL, 'j'},
                                                 {"help", no_argument, NULL, 'h'},
                                                 {NULL, 0, NULL, 0}};
    options o = {
        .server = getenv("CG_NATS_URL"), .retries = 10, .timeout_ms = 5000, .max_pending = 4096};
    events evs = {0};
    cg_pbjson *codec = NULL;
    cg_err err;
    int list = 0, opt, rc = 2;
    long bad = 0;

    while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (opt) {
        case 's':
            o.server = optarg;
            break;
        case 'S':
            o.source = optarg;
            break;
        case 'n':
            o.dry_run = true;
            break;
        case 'r':
            o.retries = atoi(optarg);
            break;
        case 't':
            o.timeout_ms = atoll(optarg);
            break;
        case 'p':
            o.max_pending = atoll(optarg);
            break;
        case 'R':
            o.rate = atof(optarg);
            break;
        case 'T':
            o.stamp = true;
            break;
        case 'l':
            list = 1;
            break;
        case 'j':
            list = 2;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (o.retries < 1 || o.timeout_ms < 1 || o.max_pending < 1 || o.rate < 0) {
        fprintf(stderr, "cg-publish: --retries, --timeout-ms and --max-pending must be positive,"
                        " --rate not negative\n");
        return 2;
    }
    if (o.server == NULL || o.server[0] == '\0')
        o.server = "nats://127.0.0.1:4222";
    if (sodium_init() < 0 || cg_enterprise_codec(&codec, &err) != CG_OK) {
        fprintf(stderr, "cg-publish: cannot start: %s\n", err.message);
        return 2;
    }
    if (list) {
        rc = list_contract(codec, list == 2);
        goto cleanup;
    }
    if (optind == argc) {
        bad += read_file(stdin, "-", &o, codec, &evs);
    }
    for (int i = optind; i < argc; i++) {
        FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
        if (f == NULL) {
            fprintf(stderr, "cg-publish: cannot read %s\n", argv[i]);
            bad++;
            continue;
        }
        bad += read_file(f, argv[i], &o, codec, &evs);
        if (f != stdin)
            fclose(f);
    }
    if (bad > 0) {
        fprintf(stderr, "cg-publish: %ld bad line%s; nothing sent\n", bad, bad == 1 ? "" : "s");
        goto cleanup;
    }
    if (o.dry_run) {
        fprintf(stderr, "cg-publish: %zu events checked; nothing sent (--dry-run)\n", evs.count);
        rc = 0;
        goto cleanup;
    }
    rc = publish(&o, &evs);

cleanup:
    for (size_t i = 0; i < evs.count; i++) {
        free(evs.items[i].id);
        free(evs.items[i].source);
        free(evs.items[i].data);
    }
    free(evs.items);
    cg_pbjson_free(codec);
    nats_Close();
    return rc;
}
