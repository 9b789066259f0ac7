#!/usr/bin/env bash
# The risk service's ingestion, against a running stack (CG_STATE as for
# scripts/stack.sh; bench/run.sh runs it as part 12 on its own stack).
# The figures:
#
# - events ingested end to end per second: a generated stream
#   (tools/enterprise-gen) published with cg-publish as the enterprise
#   systems publish, each event kept as a fact by the consumer and
#   evaluated by every indicator of its subject (scores and alerts
#   updated) by the scorer, from the first publish until the inbox holds
#   the last event and no fact waits for the scorer;
#   against pgbench inserting one equivalent row (the fact's columns and
#   its JSON) per transaction into the same database, one client, as the
#   consumer is one. Twice: with the service restarted with
#   CG_CONSUMER_BATCH=1 (a transaction per event, and the scorer a
#   transaction per fact), and as it runs by default (a fetched batch of up
#   to 64 per transaction, the scorer up to 64 facts per transaction), each
#   with a stream of its own.
# - the lag from publish to an updated score at half the batched rate: a
#   third stream sent at that rate with ce-time stamped when each event is
#   sent; the lag of a fact is when the scorer finished with it
#   (fact_scoring.scored_at) minus that stamp, p50 and p99 over the stream.
# - the risk service's resident memory after them, and again once the
#   database holds BENCH_RISK_FACTS facts and a fourth stream went through.
#
# Prints
#   RESULT risk_ingest events=N seconds=S events_per_s=R pgbench_tps=T ratio=X (one event per transaction; target >= 0.8)
#   RESULT risk_ingest_batched events=N seconds=S events_per_s=R pgbench_tps=T ratio=X (batches of up to 64; target >= 2)
#   RESULT risk_lag rate=R events=N p50_ms=... p99_ms=...
#   RESULT risk_rss facts=F rss_mib=M
#   RESULT risk_large facts=F events=N seconds=S events_per_s=R rss_mib=M
#     (a stream taken once the database holds BENCH_RISK_FACTS facts)
# Settings: BENCH_RISK_EVENTS (about 20000), BENCH_RISK_PGBENCH_SECONDS (10),
# BENCH_RISK_FACTS (1000000).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$ROOT/scripts/stack.sh
EVENTS=${BENCH_RISK_EVENTS:-20000}
PGSECS=${BENCH_RISK_PGBENCH_SECONDS:-10}
: "${CG_STATE:?run it against a stack: CG_STATE as for scripts/stack.sh}"
: "${CG_BUILD:?the build of the stack: CG_BUILD as for scripts/stack.sh}"
command -v pgbench >/dev/null || PATH=$PATH:/usr/lib/postgresql/15/bin
PSQL=(psql -h "$CG_STATE/pg/sock" -U postgres -d cg_risk -qAtX -v ON_ERROR_STOP=1)
WORK=$(mktemp -d /tmp/cg-bench-risk.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PUBLISHER=$("$STACK" nats-url publisher)
now_ms() { date +%s%3N; }

echo "== 12. risk: enterprise events ingested end to end, the lag at half the rate, memory"
# Three streams of the same world, ids of their own (the generator's ids
# carry its options): one for each rate, one for the lag.
node "$ROOT/tools/enterprise-gen/gen.mjs" --seed 12 --events "$EVENTS" >"$WORK/single.jsonl"
node "$ROOT/tools/enterprise-gen/gen.mjs" --seed 14 --events "$EVENTS" >"$WORK/batched.jsonl"
node "$ROOT/tools/enterprise-gen/gen.mjs" --seed 13 --events "$EVENTS" >"$WORK/lag.jsonl"
n_lag=$(wc -l <"$WORK/lag.jsonl")
prefix() { head -1 "$1" | python3 -c "import json,sys; i=json.load(sys.stdin)['id']; print(i[:i.rindex('-') + 1])"; }
taken() { "${PSQL[@]}" -c "SELECT count(*) FROM cg_inbox WHERE event_id LIKE '$1%'"; }
# Facts the scorer has yet to evaluate (from a partial index: cheap to ask
# often while the stream goes through).
waiting() { "${PSQL[@]}" -c "SELECT count(*) FROM fact_scoring WHERE scored_at IS NULL"; }

# The risk service again with CG_CONSUMER_BATCH=$1 (empty: its default),
# at log level info, so that its "risk ready" says when it consumes.
restart_risk() {
    local before
    before=$(grep -c '"risk ready"' "$CG_STATE/log/risk.log" || true)
    "$STACK" svc-stop risk >/dev/null
    CG_LOG_LEVEL=info CG_CONSUMER_BATCH=$1 "$STACK" svc-start risk >/dev/null
    until [ "$(grep -c '"risk ready"' "$CG_STATE/log/risk.log" || true)" -gt "$before" ]; do sleep 0.1; done
}

# Publish the stream $1 whole and wait for its last event to be taken and
# every fact scored; prints the milliseconds it took.
ingest() {
    local file=$1 p n start
    p=$(prefix "$file")
    n=$(wc -l <"$file")
    start=$(now_ms)
    CG_NATS_URL=$PUBLISHER "$CG_BUILD/common/cg-publish" "$file" 2>"$WORK/publish.err" ||
        { cat "$WORK/publish.err" >&2; exit 1; }
    until [ "$(taken "$p")" -ge "$n" ]; do
        [ $(($(now_ms) - start)) -lt 1800000 ] || { echo "INVALID: the events were not all taken in 30 minutes" >&2; exit 1; }
        sleep 0.2
    done
    until [ "$(waiting)" = 0 ]; do
        [ $(($(now_ms) - start)) -lt 1800000 ] || { echo "INVALID: the facts were not all scored in 30 minutes" >&2; exit 1; }
        sleep 0.05
    done
    echo $(($(now_ms) - start))
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM cg_dead_letter WHERE event_id LIKE '$p%'")" = 0 ] ||
        { echo "INVALID: events of the stream were dead-lettered; no figure reported" >&2; exit 1; }
}

# The rates: one event per transaction (CG_CONSUMER_BATCH=1), then as the
# service runs by default (a fetched batch of up to 64 per transaction).
restart_risk 1
n=$(wc -l <"$WORK/single.jsonl")
single_ms=$(ingest "$WORK/single.jsonl")
restart_risk ""
n_batched=$(wc -l <"$WORK/batched.jsonl")
batched_ms=$(ingest "$WORK/batched.jsonl")

# The baseline: one equivalent row per transaction, one client, the same
# database, a JSON payload of the stream's average size.
avg=$(awk '{ s += length($0) } END { printf "%d", s / NR }' "$WORK/single.jsonl")
"${PSQL[@]}" -c "DROP TABLE IF EXISTS bench_facts; CREATE TABLE bench_facts (id bigserial PRIMARY KEY,
    event_id text NOT NULL UNIQUE, subject text NOT NULL, business_key text NOT NULL, source text NOT NULL,
    occurred_at timestamptz NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), data jsonb NOT NULL,
    UNIQUE (subject, business_key))"
cat >"$WORK/insert.sql" <<EOF
INSERT INTO bench_facts (event_id, subject, business_key, source, occurred_at, data)
VALUES (md5(random()::text || clock_timestamp()::text), 'ent.procurement.award.made',
        md5(random()::text), 'erp.east', now(), jsonb_build_object('pad', repeat('x', $avg)));
EOF
tps=$(cd / && pgbench -h "$CG_STATE/pg/sock" -U postgres -n -c 1 -j 1 -T "$PGSECS" -f "$WORK/insert.sql" cg_risk 2>/dev/null |
    awk '/^tps/ { printf "%.1f", $3 }')
"${PSQL[@]}" -c "DROP TABLE bench_facts"
awk -v n="$n" -v ms="$single_ms" -v tps="$tps" 'BEGIN {
    r = n / (ms / 1000); printf "RESULT risk_ingest events=%d seconds=%.1f events_per_s=%.1f pgbench_tps=%s ratio=%.2f (one event per transaction; target >= 0.8)\n",
    n, ms / 1000, r, tps, (tps > 0 ? r / tps : 0) }'
awk -v n="$n_batched" -v ms="$batched_ms" -v tps="$tps" 'BEGIN {
    r = n / (ms / 1000); printf "RESULT risk_ingest_batched events=%d seconds=%.1f events_per_s=%.1f pgbench_tps=%s ratio=%.2f (batches of up to 64; target >= 2)\n",
    n, ms / 1000, r, tps, (tps > 0 ? r / tps : 0) }'

# The lag at half the batched rate, as the service runs by default.
rate=$(awk -v n="$n_batched" -v ms="$batched_ms" 'BEGIN { printf "%.1f", n / (ms / 1000) / 2 }')
p=$(prefix "$WORK/lag.jsonl")
CG_NATS_URL=$PUBLISHER "$CG_BUILD/common/cg-publish" --stamp --rate "$rate" "$WORK/lag.jsonl" 2>"$WORK/publish.err" ||
    { cat "$WORK/publish.err" >&2; exit 1; }
until [ "$(taken "$p")" -ge "$n_lag" ] && [ "$(waiting)" = 0 ]; do sleep 0.2; done
"${PSQL[@]}" -c "SELECT 'RESULT risk_lag rate=$rate events=' || count(*)
        || ' p50_ms=' || round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.scored_at - f.occurred_at)) * 1000)::numeric, 1)
        || ' p99_ms=' || round((percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.scored_at - f.occurred_at)) * 1000)::numeric, 1)
    FROM facts f JOIN fact_scoring s ON s.fact_id = f.id WHERE f.event_id LIKE '$p%'"

facts=$("${PSQL[@]}" -c "SELECT count(*) FROM facts")
rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$(cat "$CG_STATE/run/risk.pid")/status")
echo "RESULT risk_rss facts=$facts rss_mib=$rss"

# Memory at BENCH_RISK_FACTS stored facts (1,000,000 by default): the
# facts so far are copied in the database until there are that many (each
# round of copies under ids of its own and moved back two years more than
# the last, so that no indicator's window reaches them from the new
# events), then one more stream goes through the service, and its rate and
# resident memory are read after it.
target=${BENCH_RISK_FACTS:-1000000}
k=1
while [ "$("${PSQL[@]}" -c "SELECT count(*) FROM facts")" -lt "$target" ]; do
    have=$("${PSQL[@]}" -c "SELECT count(*) FROM facts")
    "${PSQL[@]}" -c "WITH src AS (SELECT * FROM facts WHERE event_id NOT LIKE 'bulk-%' ORDER BY id LIMIT $((target - have))),
        ins AS (INSERT INTO facts (event_id, subject, business_key, source, occurred_at, received_at, data)
                SELECT 'bulk-$k-' || event_id, subject, 'bulk-$k-' || business_key, source,
                       occurred_at - interval '$((2 * k)) years', received_at, data FROM src
                RETURNING id, event_id),
        scored AS (INSERT INTO fact_scoring (fact_id, scored_at) SELECT id, now() FROM ins)
        INSERT INTO fact_parties (fact_id, role, party_kind, party_id, name, occurred_at)
        SELECT ins.id, p.role, p.party_kind, p.party_id, p.name, p.occurred_at - interval '$((2 * k)) years'
          FROM ins JOIN facts s ON s.event_id = substr(ins.event_id, length('bulk-$k-') + 1)
          JOIN fact_parties p ON p.fact_id = s.id" >/dev/null
    k=$((k + 1))
done
"${PSQL[@]}" -c "VACUUM ANALYZE" >/dev/null
node "$ROOT/tools/enterprise-gen/gen.mjs" --seed 15 --events "$EVENTS" >"$WORK/large.jsonl"
n_large=$(wc -l <"$WORK/large.jsonl")
large_ms=$(ingest "$WORK/large.jsonl")
facts=$("${PSQL[@]}" -c "SELECT count(*) FROM facts")
rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$(cat "$CG_STATE/run/risk.pid")/status")
awk -v n="$n_large" -v ms="$large_ms" -v facts="$facts" -v rss="$rss" 'BEGIN {
    printf "RESULT risk_large facts=%d events=%d seconds=%.1f events_per_s=%.1f rss_mib=%s\n",
    facts, n, ms / 1000, n / (ms / 1000), rss }'
