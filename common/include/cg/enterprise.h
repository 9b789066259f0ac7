/* The enterprise events' contract as data: every subject of the stream
 * CG_ENTERPRISE with the protobuf message it carries (package
 * cleangrid.enterprise.v1, proto/cleangrid/enterprise/v1/), and the
 * CloudEvents attributes that travel beside it as NATS headers.
 *
 * The publisher (cg-publish), the risk service and the AsyncAPI check all
 * read this one table, so a subject exists in all of them or in none. */
#ifndef CG_ENTERPRISE_H
#define CG_ENTERPRISE_H

#include <nats/nats.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg/pbjson.h"
#include "cg/status.h"

/* The CloudEvents headers of the NATS protocol binding (binary mode). */
#define CG_CE_ID "ce-id"
#define CG_CE_SOURCE "ce-source"
#define CG_CE_TYPE "ce-type"
#define CG_CE_TIME "ce-time"
#define CG_CE_SPECVERSION "ce-specversion"
#define CG_CE_DATACONTENTTYPE "ce-datacontenttype"
#define CG_CE_SPEC "1.0"
#define CG_CE_PROTOBUF "application/protobuf"
/* Longest ce-id and ce-source accepted, in characters: the inbox keeps
 * ids as text. */
#define CG_CE_ID_MAX 128
#define CG_CE_SOURCE_MAX 128
/* The span of a ce-time accepted: from 1990-01-01T00:00:00Z, before any
 * enterprise system kept its records electronically, to a day past the
 * reader's clock (clocks drift). An event dated in year 9999 would keep
 * its hits in their windows, and its names the newest, for thousands of
 * years. */
#define CG_CE_TIME_EARLIEST_MS 631152000000LL
#define CG_CE_TIME_AHEAD_MS (24LL * 3600 * 1000)

/* Whether s can be the value of ce-id or ce-source: 1 to max characters
 * of valid UTF-8, none of them a control character, and not the next
 * header line. An empty header value is read by the NATS client (nats.c
 * 3.4) as the line after it ("Nats-Msg-Id: x"), so a value that starts
 * with a header name and a colon followed by white space or nothing is
 * refused: two events sent with an empty ce-id would otherwise share the
 * id of that line, and the second would be taken for a repeat. */
bool cg_cloud_event_text_ok(const char *s, size_t max);

/* Whether time_ms (a ce-time) is within the span accepted at now_ms. */
bool cg_cloud_event_time_ok(int64_t time_ms, int64_t now_ms);

typedef struct cg_enterprise_event {
    const char *subject; /* ent.<system>.<entity>.<verb>; also the ce-type */
    const ProtobufCMessageDescriptor *message;
    const char *summary; /* one line, for --list and the AsyncAPI check */
} cg_enterprise_event;

extern const cg_enterprise_event cg_enterprise_events[];
extern const size_t cg_enterprise_nevents;

/* The row of subject, or NULL when the contract has no such subject. */
const cg_enterprise_event *cg_enterprise_find(const char *subject);

/* A JSON codec prepared for every message of the contract (the form
 * cg-publish reads and the risk service shows), with the default mapping of
 * cg/pbjson.h. *out is the caller's, freed with cg_pbjson_free(). */
cg_code cg_enterprise_codec(cg_pbjson **out, cg_err *err);

/* The attributes of one event as read from its headers. Strings are
 * borrowed from the message they were read from. */
typedef struct cg_cloud_event {
    const char *id;
    const char *source;
    const char *type;
    const char *subject;
    int64_t time_ms; /* ce-time; 0 when absent */
    const uint8_t *data;
    size_t len;
} cg_cloud_event;

/* Read the attributes of msg (a JetStream message of CG_ENTERPRISE) into
 * *ev, borrowing from msg, and check them: an id and a source as
 * cg_cloud_event_text_ok() has them, spec version 1.0, a type equal to the
 * subject, a time in RFC 3339 within the span accepted when there is one,
 * no header read in place of an empty one. CG_INVALID_ARGUMENT naming the
 * first problem otherwise: such a message can never be read. */
cg_code cg_cloud_event_read(natsMsg *msg, cg_cloud_event *ev, cg_err *err);

#endif
