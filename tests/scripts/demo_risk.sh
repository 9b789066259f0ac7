#!/usr/bin/env bash
# The risk demo that `stack.sh seed` loads: a generated year of enterprise
# events for both provinces (tools/enterprise-gen), published through
# cg-publish as the enterprise systems publish, on a fresh stack of its own
# as ./scripts/run.sh starts it. Every event is kept once; each province's
# lead sees open alerts of their own province only, each explained by hits
# with their inputs; the overview and the scores are filled; a second seed
# publishes nothing.
# Needs the build that scripts/test.sh made (CG_BUILD); skipped without it.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -n "${CG_BUILD:-}" ] && [ -n "${CG_STACK:-}" ] || exit 77
command -v node >/dev/null || exit 77

export CG_DEMO_PASSWORD=demo-risk-password-1 CG_DEMO_RISK=on
# This test is about the risk demo only.
export CG_DEMO_RECTIFY=off CG_DEMO_INTEGRITY=off
source "$ROOT/tests/scripts/demo_stack.sh"
demo_stack_start risk risk
published=$(sed -n 's/^demo-risk: published \([0-9]*\) enterprise events$/\1/p' "$STATE/seed1.out")
[ -n "$published" ] && [ "$published" -gt 1000 ] ||
    fail "the first seed published no demo events: $(cat "$STATE/seed1.out")"

PSQL=(psql -h "$STATE/pg/sock" -U postgres -d cg_risk -qAtX)
for _ in $(seq 1 240); do
    # Taken, and the indicators of every fact kept run by the scorer.
    taken=$("${PSQL[@]}" -c "SELECT count(*) FROM cg_inbox WHERE consumer = 'risk-enterprise'
        AND NOT EXISTS (SELECT 1 FROM fact_scoring WHERE scored_at IS NULL)")
    [ "$taken" = "$published" ] && break
    sleep 0.5
done
[ "$taken" = "$published" ] || fail "$taken of $published events taken"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM cg_dead_letter")" = 0 ] || fail "demo events were dead-lettered"

python3 - "$URL" "$CG_DEMO_PASSWORD" "$ROOT/tests/scripts" <<'PY' || fail "the demo risk data is not what it should be"
import sys

sys.path.insert(0, sys.argv[3])
from demo_api import Demo

url, password = sys.argv[1:3]
demo = Demo(url, password, "demo_risk")
check, call, login = demo.check, demo.call, demo.login
# The demo tree's units of each province (services/gateway/src/handlers/seed.c).
PROVINCE_UNITS = {"east": {"east", "city_a", "city_b"}, "west": {"west", "city_c"}}

for province, other in (("east", "west"), ("west", "east")):
    token = login("lead." + province)
    alerts = call(token, "/api/v1/risk/alerts?status=open")["items"]
    check(len(alerts) >= 3, f"lead.{province} sees {len(alerts)} open alerts, wanted 3 or more")
    units = {a["unit_code"] for a in alerts}
    check(not units & PROVINCE_UNITS[other],
          f"lead.{province} sees alerts of the other province: {sorted(units)}")
    detail = call(token, f"/api/v1/risk/alerts/{alerts[0]['id']}")
    check(len(detail["hits"]) > 0 and all(isinstance(h["inputs"], dict) and h["inputs"]
                                           for h in detail["hits"]),
          f"alert {detail['id']} is explained by hits with inputs")
    check(len(detail["facts"]) > 0, f"alert {detail['id']} shows the facts behind it")
    overview = call(token, "/api/v1/risk/overview")
    check(len(overview["units"]) > 0 and len(overview["alerts_by_indicator"]) > 0,
          f"lead.{province}'s overview is filled")
    scores = call(token, "/api/v1/risk/scores")["items"]
    check(any(s["band"] != "low" for s in scores), f"lead.{province} sees a score above low")

sys.exit(1 if demo.failures else 0)
PY

"$STACK" seed >"$STATE/seed2.out" 2>&1 || fail "the second seed failed: $(cat "$STATE/seed2.out")"
if grep -q "demo-risk: published" "$STATE/seed2.out"; then
    fail "the second seed published the demo events again"
fi
echo "demo_risk: ok ($published events)"
