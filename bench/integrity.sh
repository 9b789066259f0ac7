#!/usr/bin/env bash
# Integrity files (廉政档案) at scale, against a running stack (CG_STATE and
# CG_DEMO_PASSWORD as for scripts/stack.sh, the gateway started with
# CG_RATE_EXEMPT=127.0.0.1 so the load is not rate-limited; bench/run.sh
# runs it as part 11 on its own stack). Two figures:
#
# - the people list (GET /api/v1/integrity/cadres) with typical filters at
#   10,000 and at 100,000 cadres: each filter's p50 at the large size at
#   most 1.5 times its p50 at the small one;
# - the opinions on 500 promotion candidates asked at once (POST
#   /api/v1/integrity/opinion-requests) at 100,000 cadres, against 500
#   reads of a single file (GET /api/v1/integrity/cadres/{id}, one after
#   another) in the same run: the ratio of the two times.
#
# The cadres are written straight into cg_integrity with SQL (the API would
# take an hour and is not what is measured), spread over the demo units of
# both provinces, a fifth in key positions, each with a relative; one in
# fifty with a sanction in its influence period, one in a hundred named in
# an open clue. Then VACUUM ANALYZE, as autovacuum would after a bulk load.
# Prints
#   RESULT integrity_people cadres=N user=U filter=F p50_ms=... p99_ms=... requests=...
#   RESULT integrity_people_ratio user=U filter=F p50_small_ms=... p50_large_ms=... ratio=... (target <= 1.5)
#   RESULT integrity_opinions cadres=N candidates=500 request_ms=... single_reads_ms=... ratio=...
# Settings: BENCH_INTEGRITY_SMALL, BENCH_INTEGRITY_LARGE (10000, 100000),
# BENCH_INTEGRITY_SECONDS (5), BENCH_INTEGRITY_ROUNDS (3: the opinion
# request and the reads are each timed that many times, the median kept).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$ROOT/scripts/stack.sh
SMALL=${BENCH_INTEGRITY_SMALL:-10000}
LARGE=${BENCH_INTEGRITY_LARGE:-100000}
SECS=${BENCH_INTEGRITY_SECONDS:-5}
ROUNDS=${BENCH_INTEGRITY_ROUNDS:-3}
CANDIDATES=500
: "${CG_STATE:?run it against a stack: CG_STATE as for scripts/stack.sh}"
URL=$("$STACK" gateway-url)
PASSWORD=${CG_DEMO_PASSWORD:?the demo password of the stack}
PSQL=(psql -h "$CG_STATE/pg/sock" -U postgres -d cg_integrity -qAtX -v ON_ERROR_STOP=1)
WORK=$(mktemp -d /tmp/cg-bench-integrity.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

. "$ROOT/bench/lib.sh"
declare -A TOKEN
USERS=(lead.east lead)
for u in "${USERS[@]}" hr.east; do TOKEN[$u]=$(login "$u"); done

# The filters: name and query; "page2" is the default order's second page.
FILTERS=(unit key_position search sanction page2)
declare -A QUERY=(
    [unit]="unit_code=city_a&limit=20"
    [key_position]="key_position=procurement&limit=20"
    [search]="q=%E6%9D%8E&limit=20" # q=李
    [sanction]="sanction=in_effect&limit=20"
    [page2]="limit=20"
)

if [ "$("${PSQL[@]}" -c "SELECT count(*) FROM cadres WHERE person_id LIKE 'BENCH-%'")" != 0 ]; then
    echo "cg_integrity holds the benchmark's cadres already; run it on a fresh stack" >&2
    exit 1
fi

# Cadres numbered $1 to $2, with their relatives and records.
load_cadres() {
    "${PSQL[@]}" <<SQL
INSERT INTO cadres (person_id, name, org_path, position, grade, key_position, key_since_on,
                    updated_by, created_at, updated_at)
SELECT 'BENCH-' || i,
       (ARRAY['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'])[1 + i % 10]
           || (ARRAY['建国', '海燕', '立新', '志强', '秀兰', '文涛', '红', '勇', '卫东', '明'])[1 + (i / 10) % 10],
       (ARRAY['hq.east', 'hq.east.city_a', 'hq.east.city_b', 'hq.west', 'hq.west.city_c'])[1 + i % 5]::ltree,
       (ARRAY['物资部主任', '财务部副主任', '人资部主任', '工程部经理', '营销部主任'])[1 + i % 5],
       (ARRAY['正处', '副处', '正科', '副科'])[1 + i % 4],
       CASE WHEN i % 5 = 0 THEN (ARRAY['procurement', 'finance', 'hr', 'project_construction',
                                       'materials'])[1 + (i / 5) % 5] END,
       CASE WHEN i % 5 = 0 THEN current_date - (i % 2000) END,
       'bench', date_trunc('milliseconds', now() - (i % 100000) * interval '5 minutes'), now()
  FROM generate_series($1, $2) AS i;
INSERT INTO relatives (cadre_id, name, relation, employer, updated_by)
SELECT c.id, '亲属' || c.person_id, 'spouse', '某单位', 'bench'
  FROM cadres c WHERE c.person_id LIKE 'BENCH-%'
   AND NOT EXISTS (SELECT 1 FROM relatives r WHERE r.cadre_id = c.id);
INSERT INTO records (person_id, section, title, happened_on, kind, measure, influence_until_on,
                     org_path, recorded_by)
SELECT 'BENCH-' || i, 'discipline', '警告', current_date - 30, 'government_sanction', 'warning',
       current_date + 150, 'hq.east'::ltree, 'bench'
  FROM generate_series($1, $2) AS i WHERE i % 50 = 0;
INSERT INTO records (person_id, section, title, happened_on, org_path, recorded_by)
SELECT 'BENCH-' || i, 'talk', '廉政谈话', current_date - 60, 'hq.east'::ltree, 'bench'
  FROM generate_series($1, $2) AS i WHERE i % 3 = 0;
INSERT INTO open_matters (clue_id, person_id, org_path)
SELECT gen_random_uuid(), 'BENCH-' || i, 'hq.east'::ltree
  FROM generate_series($1, $2) AS i WHERE i % 100 = 0;
SQL
    "${PSQL[@]}" -c "VACUUM ANALYZE cadres" -c "VACUUM ANALYZE records" \
        -c "VACUUM ANALYZE relatives" -c "VACUUM ANALYZE open_matters"
}

query_of() {
    local q=${QUERY[$1]} cursor
    if [ "$1" = page2 ]; then
        cursor=$(curl -sf "$URL/api/v1/integrity/cadres?$q" -H "Authorization: Bearer ${TOKEN[$2]}" |
            json '["next_cursor"]')
        q="$q&cursor=$cursor"
    fi
    echo "$q"
}

# Filter $2 as user $3 at size $1: one request that must list cadres, then
# wrk; its p50 into $WORK/p50_$1_$3_$2.
measure() {
    local n=$1 f=$2 u=$3 q items p50 p99 requests
    q=$(query_of "$f" "$u")
    items=$(curl -sf "$URL/api/v1/integrity/cadres?$q" -H "Authorization: Bearer ${TOKEN[$u]}" |
        json '["items"].__len__()')
    [ "$items" -gt 0 ] || { echo "INVALID: $f as $u listed no cadre; no figure reported" >&2; exit 1; }
    # One unmeasured second first, so that neither size is timed with the
    # plan and the pages it reads still cold (the smaller size runs first
    # and would otherwise carry the warm-up alone).
    wrk_get 1 "${TOKEN[$u]}" "$URL/api/v1/integrity/cadres?$q" "$f as $u (warm-up)" >/dev/null || exit 1
    read -r p50 p99 requests < <(wrk_get "$SECS" "${TOKEN[$u]}" "$URL/api/v1/integrity/cadres?$q" "$f as $u") || exit 1
    echo "$p50" >"$WORK/p50_${n}_${u}_$f"
    echo "RESULT integrity_people cadres=$n user=$u filter=$f p50_ms=$p50 p99_ms=$p99 requests=$requests"
}

echo "== 11. integrity files: the people list at $SMALL and $LARGE cadres, opinions on $CANDIDATES candidates"
load_cadres 1 "$SMALL"
for u in "${USERS[@]}"; do for f in "${FILTERS[@]}"; do measure "$SMALL" "$f" "$u"; done; done
load_cadres $((SMALL + 1)) "$LARGE"
for u in "${USERS[@]}"; do for f in "${FILTERS[@]}"; do measure "$LARGE" "$f" "$u"; done; done
for u in "${USERS[@]}"; do
    for f in "${FILTERS[@]}"; do
        awk -v u="$u" -v f="$f" -v s="$(cat "$WORK/p50_${SMALL}_${u}_$f")" \
            -v l="$(cat "$WORK/p50_${LARGE}_${u}_$f")" 'BEGIN {
            printf "RESULT integrity_people_ratio user=%s filter=%s p50_small_ms=%.2f p50_large_ms=%.2f ratio=%.2f (target <= 1.5)\n",
                   u, f, s, l, (s > 0 ? l / s : 0) }'
    done
done

# The candidates: 500 east cadres (hr.east's scope), every kind of basis
# among them. Their ids, for the single reads, as lead.east reads them.
"${PSQL[@]}" -c "SELECT person_id || ' ' || id FROM cadres WHERE person_id LIKE 'BENCH-%'
                 AND org_path <@ 'hq.east' ORDER BY person_id LIMIT $CANDIDATES" >"$WORK/candidates"
[ "$(wc -l <"$WORK/candidates")" = "$CANDIDATES" ] || { echo "INVALID: too few east cadres" >&2; exit 1; }
python3 - "$URL" "${TOKEN[hr.east]}" "${TOKEN[lead.east]}" "$WORK/candidates" "$ROUNDS" "$LARGE" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
url, hr, lead, path, rounds, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
people = [line.split() for line in open(path) if line.strip()]
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port)

def call(method, target, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, target, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit(f"INVALID: {method} {target} answered {r.status}: {data[:200]!r}")
    return json.loads(data)

ask = json.dumps({"purpose": "promotion", "person_ids": [p for p, _ in people]})
requests, reads = [], []
for _ in range(rounds):
    t = time.perf_counter()
    reply = call("POST", "/api/v1/integrity/opinion-requests", hr, ask)
    requests.append(time.perf_counter() - t)
    if reply.get("candidates") != len(people):
        sys.exit(f"INVALID: the request holds {reply.get('candidates')} opinions")
    t = time.perf_counter()
    for _, cadre in people:
        call("GET", f"/api/v1/integrity/cadres/{cadre}", lead)
    reads.append(time.perf_counter() - t)
rq, rd = statistics.median(requests) * 1000, statistics.median(reads) * 1000
print(f"RESULT integrity_opinions cadres={size} candidates={len(people)} request_ms={rq:.1f} "
      f"single_reads_ms={rd:.1f} ratio={rq / rd:.3f}")
PY
