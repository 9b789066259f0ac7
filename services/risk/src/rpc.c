/* The risk service's methods as rows (cg/rpc.h). Only Ping, which every
 * RPC server answers, until the scores and alerts are read through the
 * gateway. */
#include "risk.h"

const cg_rpc_table risk_rpc_table = {.rows = NULL, .nrows = 0};
