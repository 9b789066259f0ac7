#!/usr/bin/env bash
# Run the platform on this machine: install what is missing, build, start a
# local nats-server and PostgreSQL with their data in .state/ (kept between
# runs), start every service, load demo data into an empty system, print the
# address and the demo accounts, and stay in the foreground until Ctrl-C.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CG_STATE=${CG_STATE:-$ROOT/.state}
export CG_NATS_PORT=${CG_NATS_PORT:-4222}
export CG_HTTP_LISTEN=${CG_HTTP_LISTEN:-127.0.0.1:8080}
export CG_DEMO_PASSWORD=${CG_DEMO_PASSWORD:-CleanGrid-demo-2026}
STACK=$ROOT/scripts/stack.sh

# Stop the stack and end the script. The signal traps call it with the
# status to leave with (0 for Ctrl-C or a TERM); the EXIT trap keeps the
# status the script was already leaving with. A handler that returned would
# go back into the wait below and keep the terminal until a second
# Ctrl-C.
SUPERVISOR=
stop() {
    local status=${1:-$?}
    trap - INT TERM EXIT
    # Stop everything even when stdout is gone (run.sh | tee, and tee got
    # the Ctrl-C first): a failed echo must not end the clean-up.
    trap '' PIPE
    set +e
    # The supervisor first, or it would start again what stop-all stops.
    if [ -n "$SUPERVISOR" ]; then
        kill "$SUPERVISOR" 2>/dev/null
        wait "$SUPERVISOR" 2>/dev/null
    fi
    echo "stopping..."
    "$STACK" stop-all
    echo "stopped; data kept in $CG_STATE"
    exit "$status"
}

# One run.sh per data folder. A second one would find PostgreSQL's data
# directory in use, fail, and on its way out stop the first one's stack:
# so it checks the lock before it touches anything and leaves the running
# one alone. The lock is the open file descriptor 9, released when this
# shell ends, however it ends.
mkdir -p "$CG_STATE"
exec 9>"$CG_STATE/run.lock"
if ! flock -n 9; then
    echo "run.sh: CleanGrid is already running on $CG_STATE (another ./scripts/run.sh holds it);" \
        "stop that one first, or set CG_STATE to another folder" >&2
    exit 1
fi

"$STACK" deps
echo "building..."
"$STACK" build
trap 'stop 0' INT TERM
trap stop EXIT
"$STACK" infra-start
"$STACK" start-all
"$STACK" seed
URL=$("$STACK" gateway-url)
cat <<MSG

CleanGrid is running at $URL
  web console:    $URL/            (sign in with an account below)
  public report:  $URL/report      (what a QR code opens; follow-up at /report/follow-up)
  health:  $URL/readyz
  logs:    $CG_STATE/log/
Demo accounts (demo only; every password: $CG_DEMO_PASSWORD):
  role              headquarters (hq)  East Province (hq.east)  West Province (hq.west)
  admin             admin              admin.east               admin.west
  inspector         inspector          inspector.east           inspector.west
  inspection_lead   lead               lead.east                lead.west
  intake_officer    intake             intake.east              intake.west
  custodian         custodian          custodian.east           custodian.west
  unit_leader       -                  unitlead.east            unitlead.west
  cadre             -                  cadre.east               cadre.west
  auditor           auditor            auditor.east             auditor.west
  hr                -                  hr.east                  hr.west
Press Ctrl-C to stop.
MSG
# A service that exits unexpectedly is started again (stack.sh supervise).
# In the background with wait, so a Ctrl-C or a SIGTERM reaches stop() at
# once.
"$STACK" supervise &
SUPERVISOR=$!
wait "$SUPERVISOR"
