#!/usr/bin/env bash
# Run every test: install what is missing, build with -Werror, start a
# throwaway nats-server and PostgreSQL on free ports, start every service,
# run ctest (unit and integration), then stop everything and remove the
# throwaway state.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CG_STATE=$(mktemp -d /tmp/cg-test.XXXXXX)
chmod 755 "$CG_STATE"
export CG_BUILD=${CG_BUILD:-$ROOT/build-test}
export CG_WERROR=ON
export CG_DEMO_PASSWORD=test-password-1
export CG_LOG_LEVEL=${CG_LOG_LEVEL:-info}
# The gateway believes X-Forwarded-For from 127.0.0.1 (the tests play a TLS
# proxy there) and does not rate-limit the loopback address itself, so the
# tests that submit many reports from 127.0.0.1 never meet a limit, while
# tests/integration/rate_limit.c sends its own client addresses through
# X-Forwarded-For and meets the default limits (docs/operations.md).
export CG_TRUSTED_PROXIES=127.0.0.1
export CG_RATE_EXEMPT=127.0.0.1
# Deadlines of seconds for a request's head, body and upload, so
# tests/integration/slow_clients.c sees each 408 without waiting minutes.
export CG_HTTP_HEAD_TIMEOUT_MS=2000
export CG_HTTP_BODY_TIMEOUT_MS=3000
export CG_HTTP_UPLOAD_TIMEOUT_MS=6000
# The audit chain's and the dossier's heads are anchored every second, not
# every minute, so tests/integration/chain_anchors.c sees anchors at once.
export CG_AUDIT_ANCHOR_S=1
export CG_DOSSIER_ANCHOR_S=1
# A lockout of seconds instead of 15 minutes, so the integration test can
# see one end (tests/integration/accounts_password.c).
export CG_LOGIN_LOCKOUT_S=3
# The case service's deadline scheduler ticks every 200 ms and follows the
# test clock, so tests/integration/case_deadlines.c can move time by weeks
# and see the notices within a second.
export CG_CASE_DEADLINE_TICK_MS=200
export CG_CASE_TEST_CLOCK=1
export CG_RECTIFY_TEST_CLOCK=1
export CG_RECTIFY_LADDER_TICK_MS=200
# The integrity service follows its test clock too, and looks for report
# reminders due every 200 ms (tests/integration/integrity_reports.c).
export CG_INTEGRITY_TEST_CLOCK=1
export CG_INTEGRITY_REMINDER_TICK_MS=200
# No demo rectification batches in the suite's stack: its tests make their
# own, count them, move the clock, and set city_a's responsibility lists
# (tests/scripts/demo_rectify.sh loads the demo data on a stack of its own).
export CG_DEMO_RECTIFY=off
# No demo integrity files either: the suite's tests open cadre.east's file
# themselves and count the rounds, reminders and verifications they make
# (tests/scripts/demo_integrity.sh loads that demo on a stack of its own).
export CG_DEMO_INTEGRITY=off
# The risk demo is a generated year of enterprise events; the suite's risk
# tests publish their own (tests/scripts/demo_risk.sh loads the demo on a
# stack of its own).
export CG_DEMO_RISK=off
# Stored risk scores are brought down as hits leave their windows within a
# fifth of a second (run.sh: once a minute).
export CG_RISK_RESCORE_TICK_MS=200
export CG_RISK_RELATIVES_TICK_MS=1000
STACK=$ROOT/scripts/stack.sh

cleanup() {
    local rc=$?
    "$STACK" stop-all || true
    if [ $rc -ne 0 ]; then
        echo "--- last service log lines ($CG_STATE/log) ---"
        tail -n 20 "$CG_STATE"/log/*.log 2>/dev/null || true
    fi
    rm -rf "$CG_STATE"
    exit $rc
}
trap cleanup EXIT

"$STACK" deps
echo "building in $CG_BUILD..."
"$STACK" build
"$STACK" infra-start
"$STACK" start-all
"$STACK" seed
export CG_GATEWAY_URL=$("$STACK" gateway-url)
export CG_NATS_URL=$("$STACK" nats-url tools)
export CG_STACK=$STACK
# A database of its own for the tests of common/ (outbox, inbox, pool).
psql -h "$CG_STATE/pg/sock" -U postgres -d postgres -qc "create database cg_test" >/dev/null
export CG_TEST_DB_URL="host=$CG_STATE/pg/sock user=postgres dbname=cg_test"
cd "$CG_BUILD"
ctest --output-on-failure --timeout 300 "$@"
