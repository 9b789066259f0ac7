#!/usr/bin/env bash
# ./scripts/run.sh as a person uses it, on a data folder of its own: it
# starts the platform and says where; a service killed under it is started
# again by itself; a second run.sh on the same folder refuses at once and
# leaves the first one running; Ctrl-C (SIGINT) stops everything and ends
# the script, with no second Ctrl-C needed.
# Needs the build that scripts/test.sh made (CG_BUILD); skipped without it.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -n "${CG_BUILD:-}" ] && [ -n "${CG_STACK:-}" ] || exit 77
# Job control: a background job then keeps SIGINT, as a terminal's
# foreground run.sh does (without it bash starts background jobs with
# SIGINT ignored, and a trap could not see the Ctrl-C this test sends).
set -m

STATE=$(mktemp -d /tmp/cg-runsh.XXXXXX)
chmod 755 "$STATE"
FIRST=
fail() {
    echo "run_sh: $*" >&2
    echo "--- first run.sh ---" >&2
    tail -n 30 "$STATE/first.out" >&2 2>/dev/null
    exit 1
}
cleanup() {
    [ -n "$FIRST" ] && kill -TERM "$FIRST" 2>/dev/null && wait "$FIRST" 2>/dev/null
    CG_STATE=$STATE "$ROOT/scripts/stack.sh" stop-all >/dev/null 2>&1
    rm -rf "$STATE"
}
trap cleanup EXIT
# A timeout that ends this test still stops what it started.
trap 'exit 1' TERM
export CG_NATS_PORT=auto CG_HTTP_LISTEN=127.0.0.1:0 CG_DEMO_PASSWORD=runsh-password-1
# Wait until file $1 holds text $2, for at most $3 seconds.
await_text() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

CG_STATE=$STATE "$ROOT/scripts/run.sh" >"$STATE/first.out" 2>&1 &
FIRST=$!
await_text "$STATE/first.out" "CleanGrid is running at" 240 || fail "the first run.sh never said it runs"
URL=$(sed -n 's/^CleanGrid is running at \(http[^ ]*\).*/\1/p' "$STATE/first.out")
[ -n "$URL" ] || fail "no address printed"
curl -fsS "$URL/healthz" >/dev/null || fail "the gateway does not answer at $URL"

# A service killed under run.sh comes back by itself, and says so.
kill -KILL "$(cat "$STATE/run/intake.pid")" || fail "no intake to kill"
await_text "$STATE/first.out" "supervisor: intake exited unexpectedly; restarting it" 10 ||
    fail "nobody restarted the killed intake within 10 s"
ready=
for ((i = 0; i < 300; i++)); do
    curl -fsS "$URL/readyz" >/dev/null 2>&1 && ready=yes && break
    sleep 0.1
done
[ -n "$ready" ] || fail "the platform was not ready again 30 s after intake was restarted"

# A second run.sh on the same folder: refused at once, the first untouched.
start=$(date +%s)
CG_STATE=$STATE timeout 60 "$ROOT/scripts/run.sh" >"$STATE/second.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "the second run.sh exited $rc, not 1: $(cat "$STATE/second.out")"
grep -q "already running" "$STATE/second.out" || fail "the second run.sh did not say why: $(cat "$STATE/second.out")"
[ $(($(date +%s) - start)) -le 10 ] || fail "the second run.sh took more than 10 s to refuse"
curl -fsS "$URL/healthz" >/dev/null || fail "the first platform stopped answering after the second run.sh"
grep -q "stopping" "$STATE/first.out" && fail "the second run.sh stopped the first"

# One Ctrl-C ends it: the stack stops and the script exits 0.
kill -INT "$FIRST"
for ((i = 0; i < 300; i++)); do
    kill -0 "$FIRST" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$FIRST" 2>/dev/null && fail "run.sh still runs 30 s after one Ctrl-C"
wait "$FIRST"
rc=$?
FIRST=
[ $rc -eq 0 ] || fail "run.sh exited $rc after Ctrl-C, not 0"
grep -q "stopped; data kept" "$STATE/first.out" || fail "run.sh did not say it stopped"
[ ! -f "$STATE/pg/data/postmaster.pid" ] || fail "PostgreSQL still runs after Ctrl-C"
curl -fsS --max-time 2 "$URL/healthz" >/dev/null 2>&1 && fail "the gateway still answers after Ctrl-C"
echo "run_sh: 1 passed, 0 failed"
exit 0
