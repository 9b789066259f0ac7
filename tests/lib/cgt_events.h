/* Events on the bus for the integration tests that play a relay sending
 * an event again: kept apart from cgt.h, whose tests need no NATS. */
#ifndef CGT_EVENTS_H
#define CGT_EVENTS_H

#include <nats/nats.h>

/* Publish data (len bytes) on subject through js under a Nats-Msg-Id of
 * its own, as a relay that crashed before marking its row sent would. The
 * test fails when JetStream does not take it. */
void cgt_republish(jsCtx *js, const char *subject, const void *data, int len);

/* Send the last cg.evt.case.case.disposed (which must be case_id's) again
 * twice: the very same message, and the same event under a new event id,
 * which goes into new_id. */
void cgt_replay_case_disposed(jsCtx *js, const char *case_id, char new_id[37]);

#endif
