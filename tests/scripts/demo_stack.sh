# Sourced by the demo tests (demo_rectify.sh, demo_integrity.sh,
# demo_risk.sh): a fresh stack of their own, as ./scripts/run.sh starts it,
# with its first seed. The caller sets ROOT and its CG_DEMO_* and other
# settings first, then calls demo_stack_start NAME SERVICE, which sets
# STATE, STACK and URL, installs fail() (which shows the last lines of
# SERVICE's and the gateway's logs) and the cleanup, and writes the first
# seed's output to $STATE/seed1.out.
demo_stack_start() {
    DEMO_NAME=$1
    DEMO_SERVICE=$2
    STATE=$(mktemp -d "/tmp/cg-demo-$DEMO_NAME.XXXXXX")
    chmod 755 "$STATE"
    export CG_STATE=$STATE CG_NATS_PORT=auto CG_HTTP_LISTEN=127.0.0.1:0
    # The gateway's own rate limits, as run.sh has them (test.sh exempts the
    # loopback address for the suite's stack).
    unset CG_RATE_EXEMPT CG_TRUSTED_PROXIES
    STACK=$ROOT/scripts/stack.sh
    trap demo_stack_cleanup EXIT
    trap 'exit 1' TERM
    "$STACK" infra-start >/dev/null || fail "the infrastructure did not start"
    "$STACK" start-all >/dev/null || fail "the services did not start"
    URL=$("$STACK" gateway-url)
    "$STACK" seed >"$STATE/seed1.out" 2>&1 || fail "the first seed failed: $(cat "$STATE/seed1.out")"
}

fail() {
    echo "demo_$DEMO_NAME: $*" >&2
    tail -n 5 "$STATE/log/$DEMO_SERVICE.log" "$STATE"/log/gateway.log >&2 2>/dev/null
    exit 1
}

demo_stack_cleanup() {
    "$STACK" stop-all >/dev/null 2>&1
    rm -rf "$STATE"
}
