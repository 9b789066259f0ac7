#!/usr/bin/env bash
# The rectification ledger (GET /api/v1/rectify/tasks) with typical filters
# at 100,000 and at 1,000,000 tasks, against a running stack (CG_STATE and
# CG_DEMO_PASSWORD as for scripts/stack.sh, the gateway started with
# CG_RATE_EXEMPT=127.0.0.1 so the load is not rate-limited; bench/run.sh
# runs it as part 10 on its own stack). The target: each filter's p50 at
# 1,000,000 at most 1.5 times its p50 at 100,000.
#
# The tasks are written straight into cg_rectify with SQL (the API would
# take hours and is not what is measured): a few hundred batches of every
# source over both provinces (five problems each), then tasks by
# generate_series spread over the demo units of both provinces, every
# stage (most older tasks closed off, recent ones open), created over two
# years with deadlines one to four months on, relapses, re-checks, and the
# escalation ladder's step as it would stand (so the ladder has nothing to
# do). Then VACUUM ANALYZE, as autovacuum would after a bulk load. The
# second size adds tasks of the same spread to the first.
#
# At each size every filter is requested as the east unit leader
# (unitlead.east, scope hq.east) and as the headquarters lead (lead, scope
# hq), one connection for BENCH_LEDGER_SECONDS each (wrk), after one
# request that must list tasks. Prints
#   RESULT rectify_ledger tasks=N user=U filter=F p50_ms=... p99_ms=... requests=...
#   RESULT rectify_ledger_ratio user=U filter=F p50_small_ms=... p50_large_ms=... ratio=... (target <= 1.5)
# and, with BENCH_LEDGER_EXPLAIN=1, EXPLAIN ANALYZE of each filter's
# statement at the large size as the lead (the statement of
# services/rectify/src/task_read.c, run by psql).
# Settings: BENCH_LEDGER_SMALL, BENCH_LEDGER_LARGE (default 100000,
# 1000000), BENCH_LEDGER_BATCHES (300), BENCH_LEDGER_SECONDS (5).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$ROOT/scripts/stack.sh
SMALL=${BENCH_LEDGER_SMALL:-100000}
LARGE=${BENCH_LEDGER_LARGE:-1000000}
BATCHES=${BENCH_LEDGER_BATCHES:-300}
SECS=${BENCH_LEDGER_SECONDS:-5}
: "${CG_STATE:?run it against a stack: CG_STATE as for scripts/stack.sh}"
URL=$("$STACK" gateway-url)
PASSWORD=${CG_DEMO_PASSWORD:?the demo password of the stack}
PSQL=(psql -h "$CG_STATE/pg/sock" -U postgres -d cg_rectify -qAtX -v ON_ERROR_STOP=1)
WORK=$(mktemp -d /tmp/cg-bench-ledger.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

. "$ROOT/bench/lib.sh"
declare -A TOKEN
USERS=(unitlead.east lead)
for u in "${USERS[@]}"; do TOKEN[$u]=$(login "$u"); done

# The filters: name and query. "page2" is the default order's second page,
# its cursor taken from the first page as each user sees it.
FILTERS=(overdue stage_source deadline search page2)
declare -A QUERY=(
    [overdue]="unit_code=city_a&overdue=true&limit=20"
    [stage_source]="stage=in_progress&source=inspection_tour&limit=20"
    [deadline]="sort=deadline&limit=20"
    [search]="q=%E9%A3%9F%E5%A0%82&limit=20" # q=食堂
    [page2]="limit=20"
)

if [ "$("${PSQL[@]}" -c "SELECT count(*) FROM batches WHERE source_ref LIKE 'BENCH-LEDGER-%'")" != 0 ]; then
    echo "cg_rectify holds the ledger benchmark's tasks already; run it on a fresh stack" >&2
    exit 1
fi

load_batches() {
    "${PSQL[@]}" <<SQL
INSERT INTO batches (source, source_ref, title, org_path, feedback_on, oversight, created_by, created_at)
SELECT (ARRAY['inspection_tour', 'inspection', 'audit', 'supervision', 'case_recommendation',
              'risk_alert'])[1 + b % 6],
       'BENCH-LEDGER-' || b,
       (ARRAY['巡视', '巡察', '审计', '监督检查', '案件整改建议', '风险预警'])[1 + b % 6]
           || '发现问题整改（基准批次 ' || b || '）',
       (ARRAY['hq.east', 'hq.west', 'hq.east.city_a', 'hq.east.city_b', 'hq.west.city_c'])[1 + b % 5]::ltree,
       current_date - (b * 730 / $BATCHES), '总部纪检监察组', 'bench',
       date_trunc('milliseconds', now() - (b * 730 / $BATCHES) * interval '1 day')
  FROM generate_series(1, $BATCHES) AS b;
INSERT INTO problems (batch_id, seq, description, category, severity, org_path)
SELECT b.id, s,
       (ARRAY['物资采购未按规定公开招标，以单一来源方式采购',
              '差旅费、会议费报销未经审批即报销',
              '供应商收款账户变更未经书面核实即付款',
              '职工食堂账目收支不清，食材采购无验收记录',
              '公务用车使用登记不全，节假日私用',
              '违规发放津补贴，未经上级批准',
              '工程项目违规分包，未发现、未制止',
              '业务招待费无接待清单和公函',
              '加油卡未与车辆绑定，加油记录与里程不符',
              '“三重一大”事项未经集体决策'])[1 + (row_number() OVER (ORDER BY b.id, s))::int % 10],
       (ARRAY['违规采购', '财务管理', '资金安全', '食堂管理', '公务用车'])[1 + s % 5],
       (ARRAY['general', 'general', 'serious', 'general', 'major'])[s], b.org_path
  FROM batches b, generate_series(1, 5) AS s
 WHERE b.source_ref LIKE 'BENCH-LEDGER-%';
SQL
}

# Tasks numbered $1 to $2.
load_tasks() {
    "${PSQL[@]}" <<SQL
WITH p AS (
    SELECT (row_number() OVER (ORDER BY p.id))::int - 1 AS k, p.id, p.batch_id, b.source, b.org_path,
           s.parties
      FROM problems p JOIN batches b ON b.id = p.batch_id JOIN sources s ON s.name = b.source
     WHERE b.source_ref LIKE 'BENCH-LEDGER-%'),
n AS (SELECT count(*)::int AS c FROM p),
g AS (
    SELECT i, random() AS r_stage,
           date_trunc('milliseconds', now() - random() * interval '730 days') AS created_at,
           30 + (random() * 90)::int AS days
      FROM generate_series($1, $2) AS i),
t AS (
    SELECT g.*, p.id AS problem_id, p.batch_id, p.source, p.parties,
           CASE p.org_path::text
               WHEN 'hq.east' THEN (ARRAY['hq.east', 'hq.east.city_a', 'hq.east.city_b'])[1 + g.i % 3]
               WHEN 'hq.west' THEN (ARRAY['hq.west', 'hq.west.city_c'])[1 + g.i % 2]
               ELSE p.org_path::text END::ltree AS org_path,
           (g.created_at + g.days * interval '1 day')::date AS deadline_on,
           CASE WHEN g.created_at < now() - interval '180 days' THEN
                CASE WHEN r_stage < 0.92 THEN 'closed' WHEN r_stage < 0.96 THEN 'in_progress'
                     WHEN r_stage < 0.98 THEN 'assigned' WHEN r_stage < 0.99 THEN 'closure_requested'
                     ELSE 'verified' END
           ELSE
                CASE WHEN r_stage < 0.30 THEN 'closed' WHEN r_stage < 0.60 THEN 'in_progress'
                     WHEN r_stage < 0.80 THEN 'assigned' WHEN r_stage < 0.92 THEN 'closure_requested'
                     ELSE 'verified' END
           END AS stage
      FROM g, n, p WHERE p.k = (g.i::bigint * 7919) % n.c)
INSERT INTO tasks (batch_id, problem_id, source, text, org_path, leader, first_responsible,
                   deadline_on, stage, round, parties, relapse_count, ladder_step,
                   final_deadline_on, recheck_state, created_by, created_at, updated_at, closed_at)
SELECT batch_id, problem_id, source,
       (ARRAY['逐项核查采购项目，补充集体决策程序', '修订费用报销管理细则并上线线上审批',
              '建立供应商账户变更双人核实制度', '食堂单独建账，建立食材验收入库制度',
              '规范公务用车派车登记，安装定位系统', '清退违规发放的津补贴，追究相关责任',
              '解除违规分包合同，列入不良行为记录', '业务招待费逐笔核查，执行一事一单',
              '加油卡与车辆一一绑定，逐月核对里程', '完善“三重一大”决策清单和议事规则',
              '开展专项排查，形成排查报告', '组织警示教育，建立长效机制'])[1 + i % 12]
           || '（第 ' || i || ' 项）',
       org_path,
       (ARRAY['王志强', '李建国', '刘海燕', '陈立新', '赵明', '马文涛', '杨秀兰'])[1 + i % 7],
       (ARRAY['张国栋', '孙建华', '周红', '何勇', '李卫东', '周涛'])[1 + i % 6],
       deadline_on, stage,
       CASE WHEN stage IN ('closure_requested', 'verified', 'closed') THEN 1 ELSE 0 END,
       CASE WHEN stage IN ('closure_requested', 'verified', 'closed') THEN parties ELSE '{}' END,
       -- Old tasks back in progress relapsed at a re-check.
       CASE WHEN stage = 'in_progress' AND created_at < now() - interval '180 days' THEN 1 ELSE 0 END,
       -- The ladder's step as it stands: nothing left for it to climb.
       CASE WHEN stage NOT IN ('assigned', 'in_progress') THEN 0
            WHEN deadline_on + 15 < rectify_today() THEN 3
            WHEN deadline_on < rectify_today() THEN 2
            WHEN deadline_on - rectify_today() <= 7 THEN 1 ELSE 0 END,
       CASE WHEN stage IN ('assigned', 'in_progress') AND deadline_on < rectify_today()
            THEN deadline_on + 15 END,
       CASE WHEN stage = 'in_progress' AND created_at < now() - interval '180 days' THEN 'relapsed'
            WHEN stage = 'closed' AND i % 10 = 0 THEN 'held' ELSE '' END,
       'bench', created_at, created_at,
       CASE WHEN stage = 'closed' THEN least(created_at + (days - 5) * interval '1 day', now()) END
  FROM t;
SQL
    "${PSQL[@]}" -c "VACUUM ANALYZE tasks" -c "ANALYZE problems" -c "ANALYZE batches"
}

# The query of filter $1 as user $2: page2 gets the first page's cursor.
query_of() {
    local q=${QUERY[$1]} cursor
    if [ "$1" = page2 ]; then
        cursor=$(curl -sf "$URL/api/v1/rectify/tasks?$q" -H "Authorization: Bearer ${TOKEN[$2]}" |
            json '["next_cursor"]')
        q="$q&cursor=$cursor"
    fi
    echo "$q"
}

# Filter $2 as user $3 at size $1: one request that must list tasks, then
# wrk; its p50 into $WORK/p50_$1_$3_$2.
measure() {
    local n=$1 f=$2 u=$3 q items p50 p99 requests
    q=$(query_of "$f" "$u")
    items=$(curl -sf "$URL/api/v1/rectify/tasks?$q" -H "Authorization: Bearer ${TOKEN[$u]}" |
        json '["items"].__len__()')
    [ "$items" -gt 0 ] || { echo "INVALID: $f as $u listed no task; no figure reported" >&2; exit 1; }
    read -r p50 p99 requests < <(wrk_get "$SECS" "${TOKEN[$u]}" "$URL/api/v1/rectify/tasks?$q" "$f as $u") || exit 1
    echo "$p50" >"$WORK/p50_${n}_${u}_$f"
    echo "RESULT rectify_ledger tasks=$n user=$u filter=$f p50_ms=$p50 p99_ms=$p99 requests=$requests"
}

measure_all() {
    local f u
    # Warm the caches and the service's prepared statements first.
    for f in "${FILTERS[@]}"; do
        for u in "${USERS[@]}"; do
            curl -sf -o /dev/null "$URL/api/v1/rectify/tasks?$(query_of "$f" "$u")" \
                -H "Authorization: Bearer ${TOKEN[$u]}"
        done
    done
    for f in "${FILTERS[@]}"; do
        for u in "${USERS[@]}"; do measure "$1" "$f" "$u"; done
    done
}

# EXPLAIN ANALYZE of each filter's statement as the lead sees it (scope
# hq), built as services/rectify/src/task_read.c builds it.
explain() {
    local f scope="t.org_path <@ 'hq'::ltree" order="ORDER BY t.created_at DESC, t.id DESC LIMIT 21"
    local overdue="$scope AND t.org_path <@ 'hq.east.city_a'::ltree AND t.stage <> 'closed' AND t.deadline_on < (SELECT rectify_today())"
    local search="(strpos(lower(t.text), lower('食堂')) > 0 OR EXISTS (SELECT 1 FROM problems p WHERE p.id = t.problem_id AND strpos(lower(p.description), lower('食堂')) > 0))"
    declare -A SQL=(
        [overdue]="WITH k AS MATERIALIZED (SELECT t.id, t.created_at FROM tasks t WHERE $overdue
            ORDER BY t.created_at <-> '9999-12-31'::timestamptz LIMIT 21)
            SELECT task_json(t, false) FROM tasks t WHERE t.id IN (SELECT k.id FROM k UNION ALL
            SELECT t.id FROM tasks t WHERE $overdue AND t.created_at = (SELECT min(k.created_at) FROM k)) $order"
        [stage_source]="SELECT task_json(t, false) FROM tasks t WHERE $scope AND t.stage = 'in_progress' AND t.source = 'inspection_tour' $order"
        [deadline]="SELECT task_json(t, false) FROM tasks t WHERE $scope ORDER BY t.deadline_on, t.id LIMIT 21"
        [search]="SELECT task_json(t, false) FROM tasks t WHERE $scope AND $search $order"
        [page2]="SELECT task_json(t, false) FROM tasks t WHERE $scope AND (t.created_at, t.id) < (SELECT created_at, id FROM tasks ORDER BY created_at DESC, id DESC OFFSET 19 LIMIT 1) $order"
    )
    for f in "${FILTERS[@]}"; do
        echo "== EXPLAIN ANALYZE $f"
        "${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${SQL[$f]}"
    done
}

echo "== rectify ledger: $BATCHES batches, $SMALL tasks"
start=$(date +%s)
load_batches
load_tasks 1 "$SMALL"
echo "loaded $SMALL tasks in $(($(date +%s) - start)) s"
measure_all "$SMALL"
echo "== rectify ledger: $((LARGE - SMALL)) more tasks, $LARGE in all"
start=$(date +%s)
load_tasks $((SMALL + 1)) "$LARGE"
echo "loaded $((LARGE - SMALL)) tasks in $(($(date +%s) - start)) s"
measure_all "$LARGE"
for f in "${FILTERS[@]}"; do
    for u in "${USERS[@]}"; do
        small=$(cat "$WORK/p50_${SMALL}_${u}_$f")
        large=$(cat "$WORK/p50_${LARGE}_${u}_$f")
        awk -v u="$u" -v f="$f" -v s="$small" -v l="$large" 'BEGIN {
            printf "RESULT rectify_ledger_ratio user=%s filter=%s p50_small_ms=%s p50_large_ms=%s ratio=%.2f (target <= 1.5)\n", u, f, s, l, l / s }'
    done
done
if [ "${BENCH_LEDGER_EXPLAIN:-0}" = 1 ]; then explain; fi
