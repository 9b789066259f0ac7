# Parts 5 and 6 of bench/run.sh, sourced by it: it provides the
# stack ($URL, $TOKEN of the demo inspector at hq, sql, $SOCK), the wrk
# helpers (wrk_field, require_success), part, $CLIENTS and $SECONDS_EACH.

SMALL=${BENCH_CLUES_SMALL:-10000}
LARGE=${BENCH_CLUES_LARGE:-1000000}
LIST_CLIENTS=${BENCH_LIST_CLIENTS:-4}

# The filters an inspector's clue list (问题线索) typically carries. Dates
# are relative to today, as the generated clues are (received over the last
# two years). The search terms are in the generated summaries and subject
# names: 王建国 (a subject's name) and 泄露标 (leaked the bid floor).
YEAR_AGO=$(date -u -d '365 days ago' +%F)
MONTH_END=$(date -u -d '335 days ago' +%F)
TODAY=$(date -u +%F)
declare -A LIST_QUERIES=(
    [status]="status=preliminary_verification"
    [unit]="unit_code=city_a"
    [dates]="received_from=$YEAR_AGO&received_to=$MONTH_END"
    [search]="q=%E7%8E%8B%E5%BB%BA%E5%9B%BD"
    [combined]="status=registered&unit_code=east&received_from=$YEAR_AGO&received_to=$TODAY&q=%E6%B3%84%E9%9C%B2%E6%A0%87"
)
LIST_NAMES="status unit dates search combined"
declare -A LIST_P50 LIST_P99 LIST_BAD

# Measure every filter at the present size; $1 names the size.
list_round() {
    local name out items
    for name in $LIST_NAMES; do
        # A filter that finds nothing would measure an empty answer: say so.
        items=$(curl -fsS -H "Authorization: Bearer $TOKEN" \
            "$URL/api/v1/clues?limit=20&${LIST_QUERIES[$name]}" | jq '.items | length') ||
            items=failed
        # wrk leaves answers slower than its timeout (2 s by default) out
        # of its percentiles, which would hide exactly the slow lists; the
        # timeout is raised, and any timeout left refuses the figure.
        out=$(wrk -t2 -c"$LIST_CLIENTS" -d"${SECONDS_EACH}s" --timeout 60s --latency \
            -H "Authorization: Bearer $TOKEN" "$URL/api/v1/clues?limit=20&${LIST_QUERIES[$name]}")
        # A list that fails (the gateway's deadline passes) is the finding
        # itself at the large size: it is counted and the RESULT line says
        # the figure is invalid, instead of stopping before part 6.
        LIST_BAD[$1.$name]=$(wrk_field "$out" errors)
        if echo "$out" | grep -q 'Socket errors'; then
            LIST_BAD[$1.$name]="${LIST_BAD[$1.$name]}+timeouts"
        fi
        LIST_P50[$1.$name]=$(wrk_field "$out" p50)
        LIST_P99[$1.$name]=$(wrk_field "$out" p99)
        echo "$1 $name: items=$items requests=$(wrk_field "$out" requests) rps=$(wrk_field "$out" rps) p50_ms=${LIST_P50[$1.$name]} p99_ms=${LIST_P99[$1.$name]} failed=${LIST_BAD[$1.$name]}"
    done
}

# The plan PostgreSQL runs for each list at the present size, with the
# statement's shape as services/case/src/repo.c builds it for these filters
# (the clue's columns left out: they are read for the page's rows only):
# the first lines of EXPLAIN ANALYZE and its execution time.
explain_lists() {
    local visible="org_path <@ 'hq' AND NOT EXISTS (SELECT 1 FROM clue_recusals r
        WHERE r.clue_id = clues.id AND r.user_id = 'bench')"
    local order="ORDER BY received_at DESC, id DESC LIMIT 21"
    local day="'epoch'::timestamptz + interval '1 millisecond' *"
    local from_ms to_ms today_ms
    from_ms=$(($(date -u -d "$YEAR_AGO" +%s) * 1000))
    to_ms=$(($(date -u -d "$MONTH_END" +%s) * 1000 + 86400000))
    today_ms=$(($(date -u -d "$TODAY" +%s) * 1000 + 86400000))
    declare -A where=(
        [status]="status = 'preliminary_verification'"
        [unit]="org_path <@ 'hq.east.city_a'"
        [dates]="received_at >= $day $from_ms AND received_at < $day $to_ms"
        [search]="search_text ILIKE '%王建国%'"
        [combined]="org_path <@ 'hq.east' AND status = 'registered' AND received_at >= $day $from_ms
            AND received_at < $day $today_ms AND search_text ILIKE '%泄露标%'"
    )
    for name in $LIST_NAMES; do
        echo "-- EXPLAIN ANALYZE, $name"
        sql cg_case "EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM clues
            WHERE $visible AND ${where[$name]} $order" |
            grep -E 'Index|Scan|Sort|Limit|Execution Time' | head -6
    done
}

if part 5; then
    echo "== 5. GET /api/v1/clues filtered, at $SMALL and at $LARGE clues ($LIST_CLIENTS clients, ${SECONDS_EACH}s each)"
    HAVE=$(sql cg_case "select count(*) from clues")
    "$ROOT/bench/gen_clues.sh" $((SMALL - HAVE))
    list_round small
    "$ROOT/bench/gen_clues.sh" $((LARGE - SMALL))
    list_round large
    explain_lists
    for name in $LIST_NAMES; do
        bad="${LIST_BAD[small.$name]}/${LIST_BAD[large.$name]}"
        awk -v n="$name" -v s="$SMALL" -v l="$LARGE" -v bad="$bad" \
            -v s50="${LIST_P50[small.$name]}" -v s99="${LIST_P99[small.$name]}" \
            -v l50="${LIST_P50[large.$name]}" -v l99="${LIST_P99[large.$name]}" 'BEGIN {
            printf "RESULT clue_list filter=%s p50_ms=%.2f/%.2f p50_ratio=%.2f p99_ms=%.2f/%.2f p99_ratio=%.2f (%d/%d clues; target <= 1.5)%s\n",
                n, l50, s50, l50 / s50, l99, s99, l99 / s99, l, s,
                bad == "0/0" ? "" : " INVALID: failed answers " bad }'
    done
fi

# CPU time in clock ticks used so far by the processes in run/<name>.pid
# (names given) and by PostgreSQL: the postmaster with the backends it
# reaped, plus the live backends. Differences of two calls split the cost
# of a load between the parts of the stack, whatever else the machine runs.
cpu_ticks() {
    local pm total=0 pid
    pm=$(head -1 "$CG_STATE/pg/data/postmaster.pid")
    for pid in $pm $(pgrep -P "$pm") $(for n in "$@"; do cat "$CG_STATE/run/$n.pid"; done); do
        [ -r "/proc/$pid/stat" ] || continue
        # Fields after the command name: utime is the 12th, cutime the 14th.
        total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk -v pm="$pm" -v pid="$pid" '{
            t = $12 + $13; if (pid == pm) t += $14 + $15; print t }')))
    done
    echo "$total"
}

if part 6; then
    echo "== 6. dossier appends through the API vs pgbench INSERT ($CLIENTS clients, ${SECONDS_EACH}s each)"
    [ "$(sql postgres "select count(*) from pg_database where datname = 'cg_bench'")" = 1 ] ||
        sql postgres "create database cg_bench" >/dev/null
    sql cg_bench "create table if not exists bench_dossier (file_id uuid not null,
        seq bigserial, occurred_at timestamptz not null default now(), actor_id text not null,
        action text not null, summary jsonb not null, prev_hash bytea not null, hash bytea not null,
        primary key (file_id, seq))" >/dev/null
    cat >"$CG_STATE/dossier_insert.sql" <<'SQL'
    INSERT INTO bench_dossier (file_id, actor_id, action, summary, prev_hash, hash)
    VALUES (gen_random_uuid(), 'bench-inspector', 'dossier.read', '{"after_seq": "0"}',
            sha256(random()::text::bytea), sha256(random()::text::bytea));
SQL
    PG_CPU0=$(cpu_ticks)
    PGB=$(pgbench -h "$SOCK" -U postgres -n -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$CG_STATE/dossier_insert.sql" cg_bench 2>&1)
    PG_CPU=$(($(cpu_ticks) - PG_CPU0))
    P_TPS=$(echo "$PGB" | awk '/^tps/ {print $3; exit}')
    P_N=$(echo "$PGB" | awk '/number of transactions actually processed/ {split($NF, a, "/"); print a[1]; exit}')
    # Part 6 alone finds only the seed clue: give it clues to read.
    [ "$(sql cg_case "select count(*) from clues")" -ge 1000 ] || "$ROOT/bench/gen_clues.sh" 10000
    # Reads spread over many clues, as many inspectors reading many files
    # would: appends to one file queue on its head row by design.
    sql cg_case "select id from clues where status <> 'merged' order by random() limit 5000" \
        >"$CG_STATE/dossier_ids.txt"
    cat >"$CG_STATE/dossier.lua" <<LUA
    local ids = {}
    for line in io.lines("$CG_STATE/dossier_ids.txt") do ids[#ids + 1] = line end
    request = function()
        return wrk.format(nil, "/api/v1/clues/" .. ids[math.random(#ids)] .. "/dossier?limit=1")
    end
LUA
    # The store: the service's own append (head lock, SHA-256 chain in C,
    # insert), each in its own transaction, from as many connections.
    STORE=$("$CG_BUILD/services/case/cg-bench-dossier" "host=$SOCK user=postgres dbname=cg_case" \
        "$CLIENTS" "$SECONDS_EACH" <"$CG_STATE/dossier_ids.txt")
    echo "store:       $STORE"
    echo "$STORE" | awk -v p="$P_TPS" '{ split($4, kv, "="); r = kv[2]
        printf "RESULT dossier_append_store appends_per_s=%.1f throughput_ratio=%.2f (target >= 0.5)\n", r, r / p }'
    BEFORE=$(sql cg_case "select count(*) from dossier_entries where action = 'dossier.read'")
    declare -A CPU0
    for c in gateway case nats; do CPU0[$c]=$(cpu_ticks "$c"); done
    CPU0[pg]=$(cpu_ticks)
    START=$(date +%s.%N)
    OUT=$(wrk -t2 -c"$CLIENTS" -d"${SECONDS_EACH}s" --latency -s "$CG_STATE/dossier.lua" \
        -H "Authorization: Bearer $TOKEN" "$URL")
    END=$(date +%s.%N)
    # cpu_ticks counts PostgreSQL in every call; subtract it from the rest.
    PG_API=$(($(cpu_ticks) - CPU0[pg]))
    CPU_LINE=""
    for c in gateway case nats; do
        CPU_LINE="$CPU_LINE $c=$(($(cpu_ticks "$c") - CPU0[$c] - PG_API))"
    done
    require_success "$OUT" "GET /api/v1/clues/{id}/dossier"
    APPENDS=$(($(sql cg_case "select count(*) from dossier_entries where action = 'dossier.read'") - BEFORE))
    echo "pgbench:     tps=$P_TPS"
    echo "gateway:     rps=$(wrk_field "$OUT" rps) p99_ms=$(wrk_field "$OUT" p99) appended=$APPENDS"
    # Server CPU per operation in milliseconds (clock ticks at $(getconf CLK_TCK)/s):
    # where the time of one append goes, against one INSERT's.
    echo "$CPU_LINE postgres=$PG_API" | awk -v n="$APPENDS" -v hz="$(getconf CLK_TCK)" \
        -v pg="$PG_CPU" -v pn="$P_N" '{
        printf "cpu_ms per API append:"; total = 0
        for (i = 1; i <= NF; i++) { split($i, kv, "="); ms = kv[2] * 1000 / hz / n; total += ms
            printf " %s=%.2f", kv[1], ms }
        printf " total=%.2f; per pgbench INSERT: postgres=%.2f\n", total, pg * 1000 / hz / pn }'
    awk -v n="$APPENDS" -v s="$START" -v e="$END" -v p="$P_TPS" 'BEGIN {
        r = n / (e - s); printf "RESULT dossier_append_api appends_per_s=%.1f throughput_ratio=%.2f (the whole request; no target)\n", r, r / p }'
fi
