#!/usr/bin/env bash
# The demo integrity files (scripts/demo-integrity.mjs) that `stack.sh seed`
# loads, on a fresh stack of its own with the gateway's default rate
# limits, as ./scripts/run.sh starts it: after the first seed each province
# has five cadres' files with key positions, relatives with their
# businesses and records, the east one sanction in its influence period;
# cadre.east and cadre.west read their own files and last year's submitted
# reports, and this year's report starts from last year's answers with the
# round's reminder; each province has last year's and this year's rounds;
# last year's verification of cadre.east holds an undecided concealment,
# cadre.west's is concluded and in the file; hr.east's opinion request
# holds three proposals for the lead and shows HR none of them; a second
# seed adds nothing.
# Needs the build that scripts/test.sh made (CG_BUILD); skipped without it.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -n "${CG_BUILD:-}" ] && [ -n "${CG_STACK:-}" ] || exit 77
command -v node >/dev/null || exit 77

export CG_DEMO_PASSWORD=demo-integrity-password-1 CG_DEMO_INTEGRITY=on
# This test is about the integrity demo only (demo_rectify.sh loads the
# rectification demo).
export CG_DEMO_RECTIFY=off CG_DEMO_RISK=off
# The demo's dates are real ones: the service's today is the database's.
unset CG_INTEGRITY_TEST_CLOCK
# The reminders are looked for often here; run.sh's default is once a minute.
export CG_INTEGRITY_REMINDER_TICK_MS=500
source "$ROOT/tests/scripts/demo_stack.sh"
demo_stack_start integrity integrity
grep -q "demo-integrity: loaded 10 integrity files" "$STATE/seed1.out" ||
    fail "the first seed did not load the demo files: $(cat "$STATE/seed1.out")"

# What the integrity database holds: one number per table.
PSQL=(psql -h "$STATE/pg/sock" -U postgres -d cg_integrity -qAtX)
counts() {
    "${PSQL[@]}" -c "SELECT (SELECT count(*) FROM cadres) || ' ' || (SELECT count(*) FROM relatives)
        || ' ' || (SELECT count(*) FROM records) || ' ' || (SELECT count(*) FROM versions)
        || ' ' || (SELECT count(*) FROM reports) || ' ' || (SELECT count(*) FROM report_rounds)
        || ' ' || (SELECT count(*) FROM report_reminders)
        || ' ' || (SELECT count(*) FROM verification_draws)
        || ' ' || (SELECT count(*) FROM verifications)
        || ' ' || (SELECT count(*) FROM reference_records) || ' ' || (SELECT count(*) FROM findings)
        || ' ' || (SELECT count(*) FROM opinion_requests) || ' ' || (SELECT count(*) FROM opinions)
        || ' ' || (SELECT count(*) FROM dossier_entries)"
}

# The checks through the API, as the demo accounts.
python3 - "$URL" "$CG_DEMO_PASSWORD" "$ROOT/tests/scripts" <<'EOF' || fail "the demo data is not what it should be"
import sys, time

sys.path.insert(0, sys.argv[3])
from demo_api import Demo

url, password = sys.argv[1:3]
demo = Demo(url, password, "demo_integrity")
failures, check, call, login = demo.failures, demo.check, demo.call, demo.login

year = time.gmtime().tm_year
today = time.strftime("%Y-%m-%d", time.gmtime())
leads = {"east": login("lead.east"), "west": login("lead.west")}
cadres = {"east": login("cadre.east"), "west": login("cadre.west")}
hr = {"east": login("hr.east"), "west": login("hr.west")}

for province, lead in leads.items():
    listed = call(lead, "/api/v1/integrity/cadres?limit=100")["items"]
    check(len(listed) == 5 and all(c["org_path"].startswith("hq." + province) for c in listed),
          f"{province}: five files, all of the province: {len(listed)}")
    check(sum(1 for c in listed if c.get("key_position")) >= 4,
          f"{province}: the files name key positions")
    own = f"HR-CADRE.{province.upper()}"
    mine = [c for c in listed if c["person_id"] == own]
    unit = "hq.east.city_a" if province == "east" else "hq.west.city_c"
    check(len(mine) == 1 and mine[0]["org_path"] == unit, f"{province}: {own}'s file in {unit}")
    whole = [call(lead, f"/api/v1/integrity/cadres/{c['id']}") for c in listed]
    relatives = [r for w in whole for r in w["relatives"]]
    businesses = [b for r in relatives for b in r.get("businesses") or []]
    check(len(relatives) >= 7 and all(r.get("employer") for r in relatives),
          f"{province}: relatives with their employers")
    check(len(businesses) >= 2 and all(len(b["credit_code"]) == 18 for b in businesses),
          f"{province}: relatives' businesses with credit codes")
    sections = {r["section"] for w in whole for r in w["records"]}
    check({"talk"} <= sections and ({"appraisal", "gift"} & sections),
          f"{province}: records of the files: {sorted(sections)}")
    sanctioned = call(lead, "/api/v1/integrity/cadres?sanction=in_effect")["items"]
    check(len(sanctioned) == (1 if province == "east" else 0),
          f"{province}: the files with a sanction in effect: {len(sanctioned)}")

    # The rounds: last year's (due) and this year's (due ahead, every file).
    rounds = {r["year"]: r for r in call(lead, "/api/v1/integrity/rounds")["rounds"]}
    check(set(rounds) == {year, year - 1}, f"{province}: this year's and last year's rounds")
    if year in rounds:
        check(rounds[year]["due_on"] > today and rounds[year]["cadres"] == 5,
              f"{province}: this year's round due ahead over the five files: {rounds[year]}")
    if year - 1 in rounds:
        check(rounds[year - 1]["due_on"] < today, f"{province}: last year's round is past its due day")
        # Files opened today with last year's report submitted: the round
        # counts the cadre who reported.
        check(rounds[year - 1]["cadres"] >= 1
              and rounds[year - 1]["submitted"] + rounds[year - 1]["late"] >= 1,
              f"{province}: last year's round counts the cadre who reported: {rounds[year - 1]}")

    # The cadre's own file, last year's report and this year's.
    me = call(cadres[province], "/api/v1/integrity/me")
    check(me["cadre"]["person_id"] == own, f"{province}: the cadre reads their own file")
    last = call(cadres[province], f"/api/v1/integrity/me/report?year={year - 1}")["report"]
    check(last["state"] == "submitted" and not last["late"],
          f"{province}: last year's report submitted on time: {last['state']}")
    answered = {i["item"]: i for i in last.get("items", [])}
    check(len(answered) == 15, f"{province}: the whole form answered: {len(answered)} items")
    for item in ("housing", "salary", "family_employment"):
        check(len(answered.get(item, {}).get("entries") or []) >= 1,
              f"{province}: last year's report has entries in {item}")
    reports = call(lead, f"/api/v1/integrity/cadres/{mine[0]['id']}/reports")["reports"] if mine else []
    check(len(reports) == 1 and reports[0]["year"] == year - 1,
          f"{province}: the office reads the submitted report")
    # The reminder of this year's round comes within a tick or two.
    deadline = time.time() + 60
    while True:
        now = call(cadres[province], f"/api/v1/integrity/me/report?year={year}")
        if now["reminders"] or time.time() > deadline:
            break
        time.sleep(0.5)
    check(now["report"]["state"] == "new" and now["report"]["prefilled_from_year"] == year - 1,
          f"{province}: this year's report starts from last year's answers")
    check(now["round"] is not None and now["round"]["year"] == year,
          f"{province}: the cadre reports in this year's round")
    check(any(r["title"].startswith("个人有关事项报告提醒") for r in now["reminders"]),
          f"{province}: the cadre is reminded of this year's report")

    # Last year's verifications: the key case's, and those of the share.
    verifs = call(lead, f"/api/v1/integrity/verifications?year={year - 1}")["verifications"]
    key = [v for v in verifs if v["reason"] == "key"]
    check(len(key) == 1 and key[0]["person_id"] == own, f"{province}: the key case's verification")
    check(len(verifs) == 2, f"{province}: the draw's verifications: {len(verifs)}")
    if key:
        v = call(lead, f"/api/v1/integrity/verifications/{key[0]['id']}")
        kinds = [f["kind"] for f in v["findings"]]
        if province == "east":
            check(v["state"] == "compared" and "concealment" in kinds
                  and not any(f.get("verdict") for f in v["findings"]),
                  f"east: cadre.east's verification compared, the concealment undecided: {kinds}")
            stake = [f for f in v["findings"] if f["kind"] == "concealment"]
            check(stake and stake[0]["item"] == "company_stakes", "east: the concealed company stake")
        else:
            check(v["state"] == "concluded" and v.get("result") == "consistent"
                  and any(f.get("verdict") == "overridden" for f in v["findings"]),
                  f"west: cadre.west's verification concluded, a finding overridden: {v['state']}")
    # The cadre sees a verification in their own file once it is concluded.
    concluded = any(r["section"] == "verification" for r in me["records"])
    check(concluded == (province == "west"),
          f"{province}: the cadre's own file shows a concluded verification only: {concluded}")

# The opinion request: three proposals waiting for the east's lead; HR
# reads none of them, and the west's HR sees no request.
requests = call(leads["east"], "/api/v1/integrity/opinion-requests")["requests"]
check(len(requests) == 1, f"east: one opinion request: {len(requests)}")
if requests:
    q = call(leads["east"], f"/api/v1/integrity/opinion-requests/{requests[0]['id']}")
    proposed = sorted(o["proposed"] for o in q["opinions"])
    check(proposed == ["cannot_conclude", "no_objection", "objection"],
          f"east: the proposals: {proposed}")
    check(all(o["state"] == "proposed" for o in q["opinions"]), "east: the opinions wait for the lead")
    seen = call(hr["east"], f"/api/v1/integrity/opinion-requests/{requests[0]['id']}")
    check(seen["candidates"] == 3 and seen["signed"] == 0
          and not any(o.get("conclusion") or o.get("proposed") for o in seen["opinions"]),
          "east: HR sees its request and nothing of the proposals")
check(call(hr["west"], "/api/v1/integrity/opinion-requests")["requests"] == [],
      "west: HR sees no request")
sys.exit(1 if failures else 0)
EOF

# Every cadre of this year's rounds is reminded once; the count waits for the
# last of them, so the second seed is compared with a database at rest.
for _ in $(seq 120); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM report_reminders")" = 10 ] && break
    sleep 0.5
done
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM report_reminders")" = 10 ] ||
    fail "the ten cadres of this year's rounds were not reminded once each"
before=$(counts)
"$STACK" seed >"$STATE/seed2.out" 2>&1 || fail "the second seed failed: $(cat "$STATE/seed2.out")"
grep -q "demo cadres have integrity files already; demo files not loaded" "$STATE/seed2.out" ||
    fail "the second seed did not say it left the data alone: $(cat "$STATE/seed2.out")"
sleep 2
after=$(counts)
[ "$before" = "$after" ] || fail "the second seed changed the data: $before, then $after"
echo "demo_integrity: 1 passed, 0 failed ($after)"
exit 0
