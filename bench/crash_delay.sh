# Part 8 of bench/run.sh (sourced there: uses URL, BODY, STACK, CG_STATE and
# sql()): the worst delay from a public report to its clue, with the case
# service killed (SIGKILL) mid-stream and started again one second later,
# as scripts/run.sh's supervisor does, against the worst delay of the same
# stream without a crash, in the same run. A report is sent every 50 ms
# for 15 s; the crash comes 5 s in. The delay of a report is its clue's
# created_at minus its submitted_at, both from the databases.

# Send reports for $1 seconds, the case service killed after $2 seconds
# (0: never); print the report ids, one a line.
crash_stream() {
    local secs=$1 kill_at=$2 start killed=
    start=$(date +%s.%N)
    while awk -v s="$start" -v n="$(date +%s.%N)" -v d="$secs" 'BEGIN { exit !(n - s < d) }'; do
        local id
        id=$(curl -fsS -X POST "$URL/api/v1/public/reports" -H 'Content-Type: application/json' \
            -d "$BODY" | json_field report_id)
        [ -z "$id" ] || echo "$id"
        if [ "$kill_at" != 0 ] && [ -z "$killed" ] &&
            awk -v s="$start" -v n="$(date +%s.%N)" -v k="$kill_at" 'BEGIN { exit !(n - s >= k) }'; then
            kill -KILL "$(cat "$CG_STATE/run/case.pid")"
            killed=yes
            (sleep 1 && "$STACK" svc-start case >/dev/null 2>&1) &
        fi
        sleep 0.05
    done
    wait
}

# The worst report-to-clue delay in ms of the reports in file $1, once every
# one of them is a clue (up to 120 s).
worst_delay_ms() {
    local ids n i
    ids=$(paste -sd, "$1" | sed "s/\([^,]*\)/'\1'/g")
    n=$(wc -l <"$1")
    for i in $(seq 1 1200); do
        [ "$(sql cg_case "select count(*) from clues where source_ref in ($ids)")" -ge "$n" ] && break
        sleep 0.1
    done
    sql cg_intake "select id, extract(epoch from submitted_at) from reports where id::text in ($ids)" \
        | LC_ALL=C sort >"$1.sent"
    sql cg_case "select source_ref, extract(epoch from created_at) from clues where source_ref in ($ids)" \
        | LC_ALL=C sort >"$1.clued"
    LC_ALL=C join -t'|' "$1.sent" "$1.clued" |
        awk -F'|' -v n="$n" '{ d = ($3 - $2) * 1000; if (d > w) w = d; c++ }
            END { if (c < n) { printf "only %d of %d reports became clues\n", c, n > "/dev/stderr"; exit 1 }
                  printf "%.0f", w }'
}

echo "== 8. worst report-to-clue delay, the case service killed mid-stream (a report every 50 ms, 15 s)"
crash_stream 15 0 >"$CG_STATE/steady.ids"
STEADY_MS=$(worst_delay_ms "$CG_STATE/steady.ids")
crash_stream 15 5 >"$CG_STATE/crash.ids"
CRASH_MS=$(worst_delay_ms "$CG_STATE/crash.ids")
echo "without a crash: worst ${STEADY_MS} ms over $(wc -l <"$CG_STATE/steady.ids") reports;" \
    "case killed at 5 s and started 1 s later: worst ${CRASH_MS} ms over $(wc -l <"$CG_STATE/crash.ids")"
awk -v s="$STEADY_MS" -v c="$CRASH_MS" 'BEGIN {
    printf "RESULT crash_delay worst_ms=%d steady_worst_ms=%d ratio=%.1f (target worst <= 10000)\n", c, s, c / (s > 0 ? s : 1) }'
