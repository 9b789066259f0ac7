/* GET /api/v1/openapi.yaml: the OpenAPI document (docs/api/openapi.yaml),
 * read once at start from CG_OPENAPI_PATH and served as is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/log.h"
#include "gateway.h"
#include "openapi.h"

/* The document is a few tens of kilobytes; anything far larger is not it. */
#define OPENAPI_MAX_BYTES (4 * 1024 * 1024)

cg_code gw_openapi_load(gw_app *app, cg_err *err)
{
    cg_code rc = CG_INVALID_ARGUMENT;
    FILE *f = NULL;
    char *buf = NULL;
    size_t len = 0;
    cg_err check;

    f = fopen(app->openapi_path, "rb");
    if (f == NULL) {
        cg_err_set(err, rc, "CG_OPENAPI_PATH: cannot read %s: %s", app->openapi_path,
                   strerror(errno));
        goto cleanup;
    }
    buf = malloc(OPENAPI_MAX_BYTES + 1);
    if (buf == NULL) {
        cg_err_set(err, CG_INTERNAL, "out of memory");
        goto cleanup;
    }
    len = fread(buf, 1, OPENAPI_MAX_BYTES + 1, f);
    if (ferror(f) || len == 0 || len > OPENAPI_MAX_BYTES) {
        cg_err_set(err, rc, "CG_OPENAPI_PATH: %s is unreadable, empty or over %d bytes",
                   app->openapi_path, OPENAPI_MAX_BYTES);
        goto cleanup;
    }
    /* A document that disagrees with the routes is still served, since it
     * is only documentation; the unit test gateway_unit_openapi_doc is what
     * stops such a change. */
    cg_err_clear(&check);
    if (gw_openapi_check(buf, len, gw_routes, gw_nroutes, &check) != CG_OK)
        cg_log_warn("%s does not match the routes: %s", app->openapi_path, check.message);
    app->openapi_doc = buf;
    app->openapi_len = len;
    buf = NULL;
    rc = CG_OK;

cleanup:
    if (f != NULL)
        fclose(f);
    free(buf);
    return rc;
}

void gw_openapi_free(gw_app *app)
{
    free(app->openapi_doc);
    app->openapi_doc = NULL;
    app->openapi_len = 0;
}

void gw_route_openapi(gw_request *req)
{
    /* application/yaml is the media type of RFC 9512. */
    gw_http_send_text(req, 200, "application/yaml", req->app->openapi_doc, req->app->openapi_len);
}
