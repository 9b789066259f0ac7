#!/usr/bin/env bash
# The ledger's XLSX export (GET /api/v1/rectify/tasks/export) at 10,000 and
# at 100,000 tasks, against a running stack (CG_STATE and CG_BUILD as for
# scripts/stack.sh; bench/run.sh runs it as part 9 on its own stack).
#
# Two batches are registered through the API, and their tasks written
# straight into cg_rectify with one INSERT each (the API would take minutes
# and is not what is measured). Each batch is then exported as XLSX, with
# the gateway's peak resident memory (VmHWM, reset before each export
# through /proc/<pid>/clear_refs) and the time, and its JSON ledger is
# walked page by page through GET /api/v1/rectify/tasks (the largest page)
# as the baseline of the same rows in the same run.
# Prints:
#   RESULT rectify_export tasks=N xlsx_s=... bytes=... list_walk_s=... ratio=... peak_mb=... base_mb=...
#   RESULT rectify_export_memory peak_small_mb=... peak_large_mb=... ratio=...
# The memory ratio must stay near 1: the export holds one page at a time.
# Settings: BENCH_EXPORT_SMALL, BENCH_EXPORT_LARGE (default 10000, 100000).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$ROOT/scripts/stack.sh
SMALL=${BENCH_EXPORT_SMALL:-10000}
LARGE=${BENCH_EXPORT_LARGE:-100000}
: "${CG_STATE:?run it against a stack: CG_STATE as for scripts/stack.sh}"
URL=$("$STACK" gateway-url)
PASSWORD=${CG_DEMO_PASSWORD:?the demo password of the stack}
GW_PID=$(cat "$CG_STATE/run/gateway.pid")
PSQL=(psql -h "$CG_STATE/pg/sock" -U postgres -d cg_rectify -qAt -v ON_ERROR_STOP=1)
WORK=$(mktemp -d /tmp/cg-bench-export.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

TOKEN=$(curl -sf "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"inspector\",\"password\":\"$PASSWORD\"}" | json '["token"]')
AUTH="Authorization: Bearer $TOKEN"

# A batch at hq.east with one problem and n tasks at hq.east.city_a; its id.
make_batch() {
    local n=$1 batch problem
    batch=$(curl -sf "$URL/api/v1/rectify/batches" -H "$AUTH" -H 'Content-Type: application/json' \
        -d "{\"source\":\"inspection\",\"source_ref\":\"BENCH-$n-$RANDOM$RANDOM\",\"title\":\"导出基准 $n\",\"unit_code\":\"east\",\"feedback_on\":\"2026-01-10\"}" |
        json '["id"]')
    problem=$(curl -sf "$URL/api/v1/rectify/batches/$batch/problems" -H "$AUTH" \
        -H 'Content-Type: application/json' \
        -d '{"description":"物资采购未执行“三重一大”决策程序","severity":"serious"}' | json '["id"]')
    "${PSQL[@]}" -c "INSERT INTO tasks (batch_id, problem_id, source, text, org_path, leader,
        first_responsible, deadline_on, created_by)
        SELECT '$batch'::uuid, '$problem'::uuid, 'inspection',
               '整改任务第 ' || i || ' 项：建立采购台账，逐笔核对合同与审批记录',
               'hq.east.city_a', '张三', '李四', DATE '2026-03-10' + (i % 90),
               'bench' FROM generate_series(1, $n) AS i"
    echo "$batch"
}

# Megabytes of a /proc/<pid>/status line.
status_mb() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$GW_PID/status"; }

# Walk the JSON ledger of batch $1 page by page; prints the seconds.
list_walk_s() {
    python3 - "$URL" "$TOKEN" "$1" <<'EOF'
import json, sys, time, urllib.request
url, token, batch = sys.argv[1:4]
start, cursor, rows = time.monotonic(), "", 0
while True:
    q = f"{url}/api/v1/rectify/tasks?batch_id={batch}&limit=100" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(q, headers={"Authorization": f"Bearer {token}"})
    page = json.load(urllib.request.urlopen(req))
    rows += len(page["items"])
    cursor = page.get("next_cursor")
    if not cursor:
        break
print(f"{time.monotonic() - start:.2f} {rows}")
EOF
}

# Export batch $2 ($1 tasks) as XLSX; leaves "seconds bytes peak base" in
# $WORK/export_$1.
measure() {
    local n=$1 batch=$2 start end rows base peak
    echo 5 >"/proc/$GW_PID/clear_refs" # VmHWM := VmRSS
    base=$(status_mb VmHWM)
    start=$(date +%s.%N)
    curl -sf "$URL/api/v1/rectify/tasks/export?format=xlsx&batch_id=$batch" -H "$AUTH" \
        -o "$WORK/export.xlsx"
    end=$(date +%s.%N)
    peak=$(status_mb VmHWM)
    rows=$(unzip -p "$WORK/export.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)
    [ "$rows" -eq $((n + 1)) ] || { echo "the export of $n tasks held $rows rows" >&2; exit 1; }
    echo "$(echo "$end - $start" | bc -l) $(stat -c %s "$WORK/export.xlsx") $peak $base" \
        >"$WORK/export_$n"
}

# The RESULT line of batch $2 ($1 tasks): its export beside the walk of
# its JSON ledger.
report() {
    local n=$1 batch=$2 secs bytes peak base walk walked
    read -r secs bytes peak base <"$WORK/export_$n"
    read -r walk walked < <(list_walk_s "$batch")
    [ "$walked" -eq "$n" ] || { echo "the ledger of $n tasks listed $walked" >&2; exit 1; }
    printf 'RESULT rectify_export tasks=%d xlsx_s=%.2f bytes=%d list_walk_s=%.2f ratio=%.2f peak_mb=%s base_mb=%s\n' \
        "$n" "$secs" "$bytes" "$walk" "$(echo "$secs / $walk" | bc -l)" "$peak" "$base"
}

small=$(make_batch "$SMALL")
large=$(make_batch "$LARGE")
# Exports first, so the gateway's caches, pools and its workers' malloc
# arenas are warm for both: the peaks then compare the exports alone. The
# list walks, many requests over every worker, come after.
for _ in 1 2 3 4; do
    curl -sf "$URL/api/v1/rectify/tasks/export?format=xlsx&batch_id=$small" -H "$AUTH" -o /dev/null
done
measure "$SMALL" "$small"
measure "$LARGE" "$large"
report "$SMALL" "$small"
report "$LARGE" "$large"
read -r _ _ peak_small _ <"$WORK/export_$SMALL"
read -r _ _ peak_large _ <"$WORK/export_$LARGE"
printf 'RESULT rectify_export_memory peak_small_mb=%s peak_large_mb=%s ratio=%.2f\n' \
    "$peak_small" "$peak_large" "$(echo "$peak_large / $peak_small" | bc -l)"
