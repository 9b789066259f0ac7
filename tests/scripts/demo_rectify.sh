#!/usr/bin/env bash
# The demo rectification data (scripts/demo-rectify.mjs) that `stack.sh
# seed` loads, on a fresh stack of its own with the gateway's default rate
# limits, as ./scripts/run.sh starts it: after the first seed each province
# has an inspection tour's batch whose tasks stand in every stage (assigned,
# in progress with a plan and evidence, closure requested, verified, closed
# and held at its re-check, relapsed after a re-check), one overdue task the
# escalation ladder warned and one due soon it reminded, the batch's
# responsibility list, and city_a has its responsibility list of the year
# with recorded work; each province's unit leader sees only its own; a
# second seed adds nothing, not even a read's trace in the task files.
# Needs the build that scripts/test.sh made (CG_BUILD); skipped without it.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -n "${CG_BUILD:-}" ] && [ -n "${CG_STACK:-}" ] || exit 77
command -v node >/dev/null || exit 77

export CG_DEMO_PASSWORD=demo-rectify-password-1 CG_DEMO_RECTIFY=on
# This test is about the rectification demo only (demo_integrity.sh loads
# the integrity demo).
export CG_DEMO_INTEGRITY=off CG_DEMO_RISK=off
# The ladder looks often here; run.sh's default is once a minute.
export CG_RECTIFY_LADDER_TICK_MS=${CG_RECTIFY_LADDER_TICK_MS:-500}
source "$ROOT/tests/scripts/demo_stack.sh"
demo_stack_start rectify rectify
grep -q "demo-rectify: loaded 2 inspection tour batches" "$STATE/seed1.out" ||
    fail "the first seed did not load the demo batches: $(cat "$STATE/seed1.out")"

# What the rectification database holds: one number per table, and the
# task files' entries.
PSQL=(psql -h "$STATE/pg/sock" -U postgres -d cg_rectify -qAtX)
counts() {
    "${PSQL[@]}" -c "SELECT (SELECT count(*) FROM batches) || ' ' || (SELECT count(*) FROM problems)
        || ' ' || (SELECT count(*) FROM tasks) || ' ' || (SELECT count(*) FROM responsibilities)
        || ' ' || (SELECT count(*) FROM evidence) || ' ' || (SELECT count(*) FROM verifications)
        || ' ' || (SELECT count(*) FROM duty_lists) || ' ' || (SELECT count(*) FROM duty_records)
        || ' ' || (SELECT count(*) FROM recheck_draws)"
}

# The checks through the API, as the demo accounts.
python3 - "$URL" "$CG_DEMO_PASSWORD" "$ROOT/tests/scripts" <<'EOF' || fail "the demo data is not what it should be"
import json, sys, time

sys.path.insert(0, sys.argv[3])
from demo_api import Demo

url, password = sys.argv[1:3]
demo = Demo(url, password, "demo_rectify")
failures, check, call, login = demo.failures, demo.check, demo.call, demo.login

lead, east, west = login("lead"), login("unitlead.east"), login("unitlead.west")
batches = call(lead, "/api/v1/rectify/batches?limit=100")["items"]
check(len(batches) == 2, f"two batches, not {len(batches)}")
stages = ["assigned", "in_progress", "closure_requested", "verified", "closed"]
for province, leader in (("east", east), ("west", west)):
    mine = [b for b in batches if b["org_path"] == "hq." + province]
    check(len(mine) == 1 and mine[0]["source"] == "inspection_tour",
          f"{province}: one inspection tour batch")
    if not mine:
        continue
    batch = mine[0]
    whole = call(lead, f"/api/v1/rectify/batches/{batch['id']}")
    check(len(whole.get("problems", [])) >= 5, f"{province}: the problem list")
    check(len(whole.get("responsibilities", [])) >= 2, f"{province}: the responsibility list")
    tasks = call(lead, f"/api/v1/rectify/tasks?batch_id={batch['id']}&limit=100")["items"]
    for stage in stages:
        check(any(t["stage"] == stage for t in tasks), f"{province}: a task {stage}")
    check(any(t["stage"] == "closed" and t.get("recheck_state") == "held" for t in tasks),
          f"{province}: a closed task held at its re-check")
    relapsed = [t for t in tasks if t.get("relapsed")]
    check(len(relapsed) == 1 and relapsed[0]["stage"] == "in_progress"
          and relapsed[0].get("recheck_state") == "relapsed",
          f"{province}: one task relapsed after a re-check")
    working = [t for t in tasks if t["stage"] == "in_progress" and not t.get("relapsed")]
    for t in working:
        detail = call(leader, f"/api/v1/rectify/tasks/{t['id']}")
        check(len(detail.get("measures", [])) >= 2 and len(detail.get("evidence", [])) >= 1,
              f"{province}: the task in progress has a plan and evidence")
    check(any(t.get("rejection_reason") for t in tasks), f"{province}: a rejected round's reason")
    # The ladder: the overdue task warned (a final deadline set), the task
    # due within the week reminded; each within a few ticks.
    deadline = time.time() + 150
    while True:
        tasks = call(lead, f"/api/v1/rectify/tasks?batch_id={batch['id']}&limit=100")["items"]
        warned = [t for t in tasks if t.get("deadline_state") == "overdue"
                  and "overdue_warned" in t.get("ladder", []) and t.get("final_deadline_on")]
        reminded = [t for t in tasks if t.get("deadline_state") == "due_soon"
                    and t.get("ladder") == ["reminded"]]
        if (warned and reminded) or time.time() > deadline:
            break
        time.sleep(0.5)
    check(len(warned) == 1, f"{province}: one overdue task with the ladder's warning: {len(warned)}")
    check(len(reminded) >= 1, f"{province}: a task due soon with the ladder's reminder")
    overdue = call(lead, f"/api/v1/rectify/tasks?batch_id={batch['id']}&overdue=true&limit=100")["items"]
    check(len(overdue) == 1, f"{province}: the ledger's overdue filter finds the overdue task")
    # Each province's unit leader sees its own tasks and none of the other's.
    seen = call(leader, "/api/v1/rectify/tasks?limit=100")["items"]
    check(len(seen) == len(tasks) and all(t["org_path"].startswith("hq." + province) for t in seen),
          f"{province}: the unit leader's workbench holds its province's tasks only")

figures = call(lead, "/api/v1/rectify/statistics")
all_ = figures.get("all", {})
check(all_.get("closed", 0) >= 2 and all_.get("relapsed", 0) == 2 and all_.get("overdue", 0) >= 2,
      f"the overview figures: {json.dumps(all_)}")
year = time.gmtime().tm_year
duty = call(lead, f"/api/v1/rectify/duty-lists?year={year}")["items"]
city_a = [d for d in duty if d["unit_code"] == "city_a"]
check(len(city_a) == 1, "city_a's responsibility list of the year")
if city_a:
    whole = call(lead, f"/api/v1/rectify/duty-lists/{city_a[0]['id']}")
    states = [r["state"] for i in whole["items"] for r in i.get("records", [])]
    check(len(whole["items"]) >= 4 and "confirmed" in states and "refused" in states,
          f"city_a's list has items, and confirmed and refused work: {states}")
sys.exit(1 if failures else 0)
EOF

before=$(counts)
entries=$("${PSQL[@]}" -c "SELECT count(*) FROM dossier_entries" 2>/dev/null || echo none)
"$STACK" seed >"$STATE/seed2.out" 2>&1 || fail "the second seed failed: $(cat "$STATE/seed2.out")"
grep -q "rectification batches exist already; demo batches not loaded" "$STATE/seed2.out" ||
    fail "the second seed did not say it left the data alone: $(cat "$STATE/seed2.out")"
after=$(counts)
[ "$before" = "$after" ] || fail "the second seed changed the data: $before, then $after"
[ "$entries" = "$("${PSQL[@]}" -c "SELECT count(*) FROM dossier_entries" 2>/dev/null || echo none)" ] ||
    fail "the second seed added entries to the task files"
echo "demo_rectify: 1 passed, 0 failed ($after)"
exit 0
