#!/usr/bin/env bash
# How long a PostgreSQL killed under write load takes to accept connections
# again, with Debian's default checkpoint settings and with the local
# stack's (PG_RECOVERY_OPTS in scripts/stack.sh), on the same machine in
# the same run. Each: a throwaway cluster, pgbench's write transactions
# from 8 clients for BENCH_PG_LOAD_S seconds (default 40), kill -9 of the
# postmaster, start, and the seconds until pg_isready says yes, with the
# megabytes of log there were to replay.
# Prints: RESULT pg_recovery default_s=... (MB) stack_s=... (MB) ratio=...
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
LOAD_S=${BENCH_PG_LOAD_S:-40}
STACK_OPTS=$(sed -n 's/^PG_RECOVERY_OPTS="\(.*\)"$/\1/p' "$ROOT/scripts/stack.sh")
[ -n "$STACK_OPTS" ] || { echo "no PG_RECOVERY_OPTS in scripts/stack.sh" >&2; exit 1; }

# True while pid runs. A zombie does not: where no init reaps orphans (a
# container), a killed postmaster stays one, and PostgreSQL would take its
# pid for a live server.
process_alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# One measurement with the options $1; prints the seconds and the MB of
# log replayed.
recovery_s() {
    local opts=$1 dir sock
    dir=$(mktemp -d /tmp/cg-pgrec.XXXXXX)
    chmod 755 "$dir"
    sock=$dir/sock
    mkdir -p "$sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
    local start_opts="-c listen_addresses='' -c unix_socket_directories='$sock' $opts"
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$start_opts" start >/dev/null
    as_pg "$PG_BIN/pgbench" -h "$sock" -U postgres -i -q -s 20 postgres >/dev/null 2>&1
    as_pg "$PG_BIN/pgbench" -h "$sock" -U postgres -c 8 -j 2 -T "$LOAD_S" -N postgres >/dev/null 2>&1 &
    local load=$!
    sleep $((LOAD_S - 2))
    local pid replay
    # The log the server will have to replay: from the last checkpoint's
    # redo point to now.
    replay=$(as_pg "$PG_BIN/psql" -h "$sock" -U postgres -XAtc \
        "SELECT round((pg_current_wal_lsn() - redo_lsn) / 1048576.0) FROM pg_control_checkpoint()")
    pid=$(head -1 "$dir/data/postmaster.pid")
    kill -KILL "$pid"
    wait "$load" 2>/dev/null || true
    # Its children notice and exit; then its lock file is stale.
    pkill -KILL -f -- "-D $dir/data" 2>/dev/null || true
    until ! pgrep -f -- "-D $dir/data" >/dev/null && ! process_alive "$pid"; do sleep 0.05; done
    rm -f "$dir/data/postmaster.pid" "$sock"/.s.PGSQL.*.lock
    local t0 t1
    t0=$(date +%s.%N)
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -o "$start_opts" start >/dev/null
    until as_pg "$PG_BIN/pg_isready" -q -h "$sock"; do sleep 0.05; done
    t1=$(date +%s.%N)
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    rm -rf "$dir"
    awk -v a="$t0" -v b="$t1" -v r="$replay" 'BEGIN { printf "%.2f %s", b - a, r }'
}

echo "== PostgreSQL recovery after kill -9 under pgbench writes (8 clients, ${LOAD_S}s)"
read -r default_s default_mb <<<"$(recovery_s "")"
read -r stack_s stack_mb <<<"$(recovery_s "$STACK_OPTS")"
echo "Debian defaults: ${default_s}s replaying ${default_mb} MB;" \
    "scripts/stack.sh ($STACK_OPTS): ${stack_s}s replaying ${stack_mb} MB"
awk -v d="$default_s" -v s="$stack_s" -v dm="$default_mb" -v sm="$stack_mb" 'BEGIN {
    printf "RESULT pg_recovery default_s=%.2f (%d MB) stack_s=%.2f (%d MB) ratio=%.2f (target stack_s <= 5)\n",
        d, dm, s, sm, s / d }'
