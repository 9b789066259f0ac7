/* Reading the CallContext that every RPC request carries, and the other
 * fields common.proto puts into every message of a kind. */
#include "cg/context.h"

#include <string.h>

bool cg_ctx_has_role(const Cleangrid__V1__CallContext *ctx, const char *role)
{
    if (ctx == NULL)
        return false;
    for (size_t i = 0; i < ctx->n_roles; i++)
        if (ctx->roles[i] != NULL && strcmp(ctx->roles[i], role) == 0)
            return true;
    return false;
}

bool cg_ctx_has_any_role(const Cleangrid__V1__CallContext *ctx, const char *const *roles)
{
    for (; *roles != NULL; roles++)
        if (cg_ctx_has_role(ctx, *roles))
            return true;
    return false;
}

const char *cg_ctx_scope(const Cleangrid__V1__CallContext *ctx)
{
    if (ctx == NULL || ctx->org_scope_path == NULL || ctx->org_scope_path[0] == '\0')
        return NULL;
    return ctx->org_scope_path;
}

const ProtobufCMessage *cg_msg_field(const ProtobufCMessage *msg, const char *name,
                                     const ProtobufCMessageDescriptor *desc)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, name);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE || f->descriptor != desc)
        return NULL;
    return *(const ProtobufCMessage *const *)((const char *)msg + f->offset);
}
