/* The presentation rules of the JSON codec's test messages that keep every
 * field (no HIDDEN), shared by the unit tests (test_pbjson.c, which adds
 * its HIDDEN rules) and the fuzzers (fuzz/pbjson_fuzz.h, whose round trips
 * a hidden field would break). A list of initialisers, for a rule table. */
#ifndef CG_PBJSON_RULES_H
#define CG_PBJSON_RULES_H

#include "cg/pbjson.h"

/* clang-format off */
#define CG_PBJSON_SHOWN_TEST_RULES                                             \
    {"cgtest.AllTypes", "s", "text", CG_PBJSON_AS_IS},                         \
    {"cgtest.AllTypes", "note", NULL, CG_PBJSON_NULL_IF_EMPTY},                \
    {"cgtest.AllTypes", "flat", NULL, CG_PBJSON_INLINE},                       \
    {"cgtest.AllTypes", "price_fen", "price", CG_PBJSON_FEN},                  \
    {"cgtest.AllTypes", "plain_at_ms", NULL, CG_PBJSON_AS_IS},                 \
    {"cgtest.AllTypes", "raw", NULL, CG_PBJSON_JSON},                          \
    {"cleangrid.v1.ListCluesReply", "page", NULL, CG_PBJSON_INLINE},           \
    {"cleangrid.v1.CaseActionRequest", "item_amount_fen", NULL, CG_PBJSON_FEN}
/* clang-format on */

#endif
