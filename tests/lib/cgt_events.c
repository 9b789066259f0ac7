/* Events on the bus for the integration tests (cgt_events.h). */
#include "cgt_events.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgt.h"
#include "cleangrid/v1/case_disposition.pb-c.h"

#define DISPOSED "cg.evt.case.case.disposed"

void cgt_republish(jsCtx *js, const char *subject, const void *data, int len)
{
    char msg_id[37];
    cgt_uuid(msg_id);
    jsPubOptions o;
    jsPubOptions_Init(&o);
    o.MsgId = msg_id;
    jsPubAck *pa = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(&pa, js, subject, data, len, &o, &jerr);
    CGT_CHECK(s == NATS_OK, "publish %s: %s (%d)", subject, natsStatus_GetText(s), (int)jerr);
    jsPubAck_Destroy(pa);
}

void cgt_replay_case_disposed(jsCtx *js, const char *case_id, char new_id[37])
{
    natsMsg *last = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetLastMsg(&last, js, "CG_EVENTS", DISPOSED, NULL, &jerr);
    CGT_CHECK(s == NATS_OK, "the last disposed event: %s", natsStatus_GetText(s));
    Cleangrid__V1__CaseDisposed *ev = cleangrid__v1__case_disposed__unpack(
        NULL, (size_t)natsMsg_GetDataLength(last), (const uint8_t *)natsMsg_GetData(last));
    CGT_CHECK(ev != NULL && strcmp(ev->case_id, case_id) == 0, "the last event is the case's");
    cgt_republish(js, DISPOSED, natsMsg_GetData(last), natsMsg_GetDataLength(last));
    cgt_uuid(new_id);
    ev->meta->event_id = new_id;
    size_t len = cleangrid__v1__case_disposed__get_packed_size(ev);
    uint8_t *buf = malloc(len);
    CGT_CHECK(buf != NULL, "out of memory");
    cleangrid__v1__case_disposed__pack(ev, buf);
    ev->meta->event_id = NULL; /* new_id is the caller's, not the message's */
    cgt_republish(js, DISPOSED, buf, (int)len);
    free(buf);
    cleangrid__v1__case_disposed__free_unpacked(ev, NULL);
    natsMsg_Destroy(last);
}
