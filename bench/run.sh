#!/usr/bin/env bash
# The benchmark command. It starts its own stack in a throwaway folder (like
# scripts/test.sh), loads it, and prints each figure beside a baseline
# measured in the same run on the same machine:
#   1. GET /api/v1/clues/{id} through the gateway against a direct NATS
#      request to the case service (cg-bench-rpc), same client count;
#   2. POST /api/v1/public/reports end to end against pgbench running one
#      equivalent INSERT per transaction, same clients, same server, and
#      beside it the ceiling the receipt's argon2id hash alone sets
#      (cg-bench-pwhash at the intake service's cost on every core);
#   3. POST /api/v1/auth/login against argon2id verification alone
#      (cg-bench-pwhash) with the gateway's parameters and as many threads as
#      the gateway lets hash at once;
#   4. resident memory of each service idle and after the load;
#   5. GET /api/v1/clues with typical filters at 10,000 clues and again at
#      1,000,000 (bench/gen_clues.sh loads them): p50 and p99 at each size;
#   6. dossier appends against pgbench single-row INSERT, same clients,
#      same server: at the store (cg-bench-dossier: the case service's own
#      append, each in its own transaction), and through the whole API (a
#      clue's dossier read by someone other than its handler appends
#      dossier.read), with the server CPU per append split by process;
#   7. PostgreSQL's recovery after kill -9 under write load, with Debian's
#      default checkpoint settings and with scripts/stack.sh's
#      (bench/pg_recovery.sh, which also runs alone);
#   8. the worst delay from a public report to its clue with the case
#      service killed mid-stream and started again, beside the same stream's
#      worst without a crash (bench/crash_delay.sh);
#   9. the rectification ledger's XLSX export at 10,000 and at 100,000
#      tasks: its time beside a walk of the same rows through the JSON
#      ledger, and the gateway's peak resident memory during each export,
#      whose ratio must stay near 1 (bench/rectify_export.sh, which also
#      runs alone against a running stack);
#  10. the rectification ledger (GET /api/v1/rectify/tasks) with typical
#      filters at 100,000 and at 1,000,000 tasks, as a unit leader and as
#      the headquarters lead: the p50 at each size and their ratio, which
#      must stay at most 1.5 (bench/rectify_ledger.sh, which also runs alone
#      against a running stack);
#  11. integrity files: the people list (GET /api/v1/integrity/cadres) with
#      typical filters at 10,000 and at 100,000 cadres, p50 ratio at most
#      1.5, and the opinions on 500 promotion candidates asked at once
#      against 500 single file reads in the same run (bench/integrity.sh,
#      which also runs alone against a running stack);
#  12. the risk service: enterprise events ingested end to end per second
#      (published with cg-publish, kept as facts, every indicator run,
#      scores and alerts updated) against pgbench inserting one equivalent
#      row per transaction, the lag from publish to score at half that
#      rate, p50 and p99, and the service's resident memory after
#      (bench/risk.sh, which also runs alone against a running stack).
# Settings: BENCH_READ_CLIENTS, the client counts of part 1 (default "4 16":
# twice the cores, and well past saturation, where the p99 is mostly time
# spent waiting for a core); BENCH_CLIENTS, those of part 2 (default 16);
# BENCH_SECONDS (default 10); BENCH_PARTS, which of parts 1 to 3 to run
# (default "1 2 3"; part 4 always runs; 5 to 12 on request, 5, 10 and 11 load
# for a minute or more); BENCH_CLUES_SMALL and BENCH_CLUES_LARGE, the two sizes of
# part 5 (default 10000 and 1000000); BENCH_LIST_CLIENTS, its client count
# (default 4).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
READ_CLIENTS=${BENCH_READ_CLIENTS:-4 16}
CLIENTS=${BENCH_CLIENTS:-16}
SECONDS_EACH=${BENCH_SECONDS:-10}
PARTS=" ${BENCH_PARTS:-1 2 3} "
part() { [[ $PARTS == *" $1 "* ]]; }
export CG_STATE=$(mktemp -d /tmp/cg-bench.XXXXXX)
chmod 755 "$CG_STATE"
export CG_BUILD=${CG_BUILD:-$ROOT/build-bench}
export CG_BUILD_TYPE=Release
export CG_DEMO_PASSWORD=bench-password-1
# No generated enterprise events: the risk service would still be taking
# them while other parts measure, and part 12 publishes its own.
export CG_DEMO_RISK=off
export CG_LOG_LEVEL=warn
# The load comes from loopback; rate limits guard against abuse, which is
# not what is measured here, so loopback is exempt as in scripts/test.sh.
# Every figure below is refused if any answer was not a success.
export CG_RATE_EXEMPT=127.0.0.1
STACK=$ROOT/scripts/stack.sh
trap '"$STACK" stop-all || true; rm -rf "$CG_STATE"' EXIT

"$STACK" deps
command -v pgbench >/dev/null || PATH=$PATH:/usr/lib/postgresql/15/bin
"$STACK" build
"$STACK" infra-start
"$STACK" start-all
"$STACK" seed >/dev/null
URL=$("$STACK" gateway-url)
NATS_URL=$("$STACK" nats-url tools)
SOCK=$CG_STATE/pg/sock
sql() { psql -h "$SOCK" -U postgres -d "$1" -tAc "$2"; }

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$(cat "$CG_STATE/run/$1.pid")/status"; }
declare -A IDLE
for svc in gateway intake case; do IDLE[$svc]=$(rss_kib "$svc"); done

json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
TOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"inspector\",\"password\":\"$CG_DEMO_PASSWORD\"}" | json_field token)
BODY='{"category":"procurement","content":"Benchmark: bid documents were shown to one supplier in advance.","anonymous":true}'
REPORT=$(curl -fsS -X POST "$URL/api/v1/public/reports" -H 'Content-Type: application/json' -d "$BODY" | json_field report_id)
for _ in $(seq 1 100); do
    CLUE=$(sql cg_case "select id from clues where source_ref = '$REPORT'")
    [ -n "$CLUE" ] && break
    sleep 0.1
done
[ -n "$CLUE" ] || { echo "the seed report never became a clue" >&2; exit 1; }

# wrk prints latencies as 850.00us, 1.20ms or 1.05s; turn them into ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'; }
# Stop when wrk saw any answer that was not a success: a ratio of error
# answers would measure the error path, not the feature.
require_success() { # $1 = wrk output, $2 = what
    local bad
    bad=$(wrk_field "$1" errors)
    if [ "$bad" != 0 ]; then
        echo "INVALID: $bad answers of $2 were not 2xx; no figure reported" >&2
        exit 1
    fi
}

wrk_field() { # $1 = wrk output, $2 = rps|p50|p99|requests|errors
    case $2 in
    rps) echo "$1" | awk '/Requests\/sec/ {print $2}' ;;
    p50) to_ms "$(echo "$1" | awk '$1 == "50%" {print $2}')" ;;
    p99) to_ms "$(echo "$1" | awk '$1 == "99%" {print $2}')" ;;
    requests) echo "$1" | awk '/requests in/ {print $1}' ;;
    errors) echo "$1" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0 ;;
    esac
}

part 1 && for C in $READ_CLIENTS; do
    echo "== 1. GET /api/v1/clues/{id}: gateway vs direct NATS request ($C clients, ${SECONDS_EACH}s each)"
    DIRECT=$("$CG_BUILD/bench/cg-bench-rpc" "$NATS_URL" "$CLUE" "$C" "$SECONDS_EACH")
    D_RPS=$(echo "$DIRECT" | sed 's/.*rps=\([0-9.]*\).*/\1/')
    D_P99=$(echo "$DIRECT" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/')
    GW=$(wrk -t2 -c"$C" -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $TOKEN" "$URL/api/v1/clues/$CLUE")
    require_success "$GW" "GET /api/v1/clues/{id}"
    G_RPS=$(wrk_field "$GW" rps)
    G_P99=$(wrk_field "$GW" p99)
    echo "direct NATS: $DIRECT"
    echo "gateway:     rps=$G_RPS p99_ms=$G_P99 non2xx=$(wrk_field "$GW" errors)"
    awk -v c="$C" -v g="$G_RPS" -v d="$D_RPS" -v gp="$G_P99" -v dp="$D_P99" 'BEGIN {
        printf "RESULT gateway_read clients=%d throughput_ratio=%.2f (target >= 0.5) added_p99_ms=%.2f (target <= 2)\n", c, g / d, gp - dp }'
done

if part 2; then
    echo "== 2. POST /api/v1/public/reports end to end vs pgbench INSERT ($CLIENTS clients, ${SECONDS_EACH}s each)"
    sql postgres "create database cg_bench" >/dev/null
    sql cg_bench "create extension if not exists ltree;
      create table bench_reports (id uuid primary key default gen_random_uuid(),
        receipt_lookup text unique not null, receipt_hash text not null, category text not null,
        content text not null, anonymous boolean not null, org_path ltree not null,
        status text not null, submitted_at timestamptz not null default now())" >/dev/null
    cat >"$CG_STATE/insert.sql" <<'SQL'
    INSERT INTO bench_reports (receipt_lookup, receipt_hash, category, content, anonymous, org_path, status)
    VALUES (md5(random()::text || clock_timestamp()::text), md5(random()::text), 'procurement',
            'Benchmark: bid documents were shown to one supplier in advance.', true, 'hq', 'received');
SQL
    PGB=$(pgbench -h "$SOCK" -U postgres -n -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$CG_STATE/insert.sql" cg_bench 2>&1)
    P_TPS=$(echo "$PGB" | awk '/^tps/ {print $3; exit}')
    BEFORE=$(sql cg_case "select count(*) from clues")
    cat >"$CG_STATE/post.lua" <<LUA
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = '$BODY'
LUA
    START=$(date +%s.%N)
    POST=$(wrk -t2 -c"$CLIENTS" -d"${SECONDS_EACH}s" --latency -s "$CG_STATE/post.lua" "$URL/api/v1/public/reports")
    require_success "$POST" "POST /api/v1/public/reports"
    SENT=$(wrk_field "$POST" requests)
    ERRORS=$(wrk_field "$POST" errors)
    # End to end means until every accepted report is a clue in the case service.
    WANT=$((BEFORE + SENT - ERRORS))
    for _ in $(seq 1 600); do
        [ "$(sql cg_case "select count(*) from clues")" -ge "$WANT" ] && break
        sleep 0.1
    done
    END=$(date +%s.%N)
    CLUES=$(( $(sql cg_case "select count(*) from clues") - BEFORE ))
    # The ceiling: every report's receipt is hashed once with argon2id at
    # the intake service's cost, so no report path on this machine can go
    # faster than that hash alone on every core, with nothing else running.
    HASHES=$("$CG_BUILD/bench/cg-bench-pwhash" "$(nproc)" "$SECONDS_EACH" \
        "${CG_RECEIPT_OPSLIMIT:-1}" "${CG_RECEIPT_MEMLIMIT_KIB:-1024}")
    H_PS=$(echo "$HASHES" | sed 's/.*per_s=\([0-9.]*\).*/\1/')
    echo "pgbench:     tps=$P_TPS"
    echo "argon2id:    $HASHES (receipt hashes alone, $(nproc) threads)"
    echo "gateway:     http_rps=$(wrk_field "$POST" rps) p99_ms=$(wrk_field "$POST" p99) accepted=$((SENT - ERRORS)) non2xx=$ERRORS clues=$CLUES"
    awk -v n="$CLUES" -v s="$START" -v e="$END" -v p="$P_TPS" -v h="$H_PS" 'BEGIN {
        r = n / (e - s); printf "RESULT report_e2e reports_per_s=%.1f throughput_ratio=%.2f (target >= 0.3) receipt_hash_ceiling=%.2f\n", r, r / p, h / p }'

fi

if part 3; then
    echo "== 3. POST /api/v1/auth/login vs argon2id verification alone (4 clients, ${SECONDS_EACH}s each)"
    # The gateway hashes at most 4 passwords at once (64 MiB each), so the
    # baseline gets 4 threads too.
    PW=$("$CG_BUILD/bench/cg-bench-pwhash" 4 "$SECONDS_EACH")
    cat >"$CG_STATE/login.lua" <<LUA
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = '{"username":"inspector","password":"$CG_DEMO_PASSWORD"}'
LUA
    LOGIN=$(wrk -t2 -c4 -d"${SECONDS_EACH}s" --latency -s "$CG_STATE/login.lua" "$URL/api/v1/auth/login")
    require_success "$LOGIN" "POST /api/v1/auth/login"
    echo "argon2id:    $PW"
    echo "gateway:     logins_per_s=$(wrk_field "$LOGIN" rps) p99_ms=$(wrk_field "$LOGIN" p99) non2xx=$(wrk_field "$LOGIN" errors)"
    awk -v g="$(wrk_field "$LOGIN" rps)" -v b="$(echo "$PW" | sed 's/.*per_s=\([0-9.]*\).*/\1/')" 'BEGIN {
        printf "RESULT login logins_per_s=%.1f ratio_to_argon2id_alone=%.2f\n", g, g / b }'

fi

if part 5 || part 6; then
    . "$ROOT/bench/case_parts.sh"
fi

echo "== 4. resident memory (MiB), idle and after the load"
for svc in gateway intake case; do
    awk -v s="$svc" -v i="${IDLE[$svc]}" -v a="$(rss_kib "$svc")" 'BEGIN {
        printf "RESULT rss %-8s idle=%.1f after=%.1f (target idle <= 16)\n", s, i / 1024, a / 1024 }'
done
if part 8; then
    . "$ROOT/bench/crash_delay.sh"
fi
if part 9; then
    "$ROOT/bench/rectify_export.sh"
fi
if part 10; then
    "$ROOT/bench/rectify_ledger.sh"
fi
if part 12; then
    "$ROOT/bench/risk.sh"
fi
if part 11; then
    "$ROOT/bench/integrity.sh"
fi

# Part 7 needs no platform: clusters of its own (bench/pg_recovery.sh).
if part 7; then
    "$ROOT/bench/pg_recovery.sh"
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
