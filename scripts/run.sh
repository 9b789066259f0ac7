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

stop() {
    trap - INT TERM EXIT
    # Stop everything even when stdout is gone (run.sh | tee, and tee got
    # the Ctrl-C first): a failed echo must not end the clean-up.
    trap '' PIPE
    set +e
    echo "stopping..."
    "$STACK" stop-all
    echo "stopped; data kept in $CG_STATE"
}

"$STACK" deps
echo "building..."
"$STACK" build
trap stop INT TERM EXIT
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
Press Ctrl-C to stop.
MSG
# Sleep in short steps so the trap runs promptly on Ctrl-C.
while true; do sleep 1; done
