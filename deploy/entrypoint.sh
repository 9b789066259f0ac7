#!/bin/sh
# Container entrypoint: run the service named by CG_SERVICE.
#
# CG_MIGRATIONS_DIR defaults to the migrations the image carries for that
# service, and the gateway's CG_OPENAPI_PATH and CG_WEB_ROOT to the OpenAPI
# document and the web console it carries. exec replaces this shell, so the service is PID 1 and receives
# SIGTERM itself. Arguments are passed on (e.g. `--seed-demo` for the gateway).
set -eu

svc=${CG_SERVICE:-}
case "$svc" in
'' | *[!a-z]*) svc="" ;;
esac
if [ -z "$svc" ] || [ ! -x "/usr/local/bin/cg-$svc" ]; then
    echo "cg-entrypoint: set CG_SERVICE to one of:" \
        $(cd /usr/local/bin && ls cg-* | grep -v '^cg-entrypoint$' | sed 's/^cg-//') >&2
    exit 64
fi
: "${CG_MIGRATIONS_DIR:=/usr/share/cleangrid/$svc/migrations}"
export CG_MIGRATIONS_DIR
if [ "$svc" = gateway ]; then
    : "${CG_OPENAPI_PATH:=/usr/share/cleangrid/gateway/openapi.yaml}"
    : "${CG_WEB_ROOT:=/usr/share/cleangrid/gateway/web}"
    export CG_OPENAPI_PATH CG_WEB_ROOT
fi
exec "/usr/local/bin/cg-$svc" "$@"
