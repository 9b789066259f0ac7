#!/usr/bin/env bash
# The local stack: packages, build, a nats-server and a PostgreSQL cluster in
# a state folder, and the services. run.sh and test.sh are thin wrappers over
# these subcommands; the integration tests call them too (to stop a service
# or restart NATS mid-way).
#
#   stack.sh deps                 install missing Debian and npm packages (web/'s too)
#   stack.sh build                configure and build into $CG_BUILD (the web console
#                                 into $CG_BUILD/web, skipped while web/ is unchanged)
#   stack.sh web-build            only the web console (scripts/web-budget.sh)
#   stack.sh infra-start          start nats-server and PostgreSQL, create databases
#   stack.sh nats-start|nats-stop|nats-restart
#   stack.sh svc-start NAME       start one service (gateway, intake, case, rectify, integrity, risk)
#   stack.sh svc-stop NAME        SIGTERM and wait for a clean exit
#   stack.sh replica-start NAME N another replica of a service (case), run as
#                                 NAME-N (its own pid and log file)
#   stack.sh replica-stop NAME N  stop that replica
#   stack.sh start-all            every service, then wait until /readyz says ready
#   stack.sh seed                 demo org tree and accounts into an empty system, then
#                                 demo rectification data when there is none and demo
#                                 integrity files when the demo cadres have none and a
#                                 generated year of enterprise events when the risk
#                                 service has no fact (needs the gateway running;
#                                 CG_DEMO_RECTIFY=off, CG_DEMO_INTEGRITY=off and
#                                 CG_DEMO_RISK=off skip them)
#   stack.sh wait-ready [secs]    poll the gateway's /readyz
#   stack.sh stop-all             services, then NATS and PostgreSQL
#   stack.sh supervise            restart services that exit unexpectedly, with a
#                                 back-off, until killed (scripts/run.sh runs it)
#   stack.sh env [NAME]           print the environment a service gets (its NATS password too)
#   stack.sh nats-url [USER]      the NATS URL of a user (default tools: may do anything)
#   stack.sh reporter-secret-key  the identity custodian's secret key (hex) of this
#                                 state folder, which opens sealed reporter identities
#
# Settings (environment):
#   CG_STATE   state folder (required): nats/, pg/, log/, run/
#   CG_BUILD   build folder (default: <checkout>/build)
#   CG_NATS_PORT  fixed port, or "auto" for a free one (default auto)
#   CG_HTTP_LISTEN  gateway address (default 127.0.0.1:0, a free port)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CG_BUILD=${CG_BUILD:-$ROOT/build}
SERVICES=(case intake rectify integrity risk gateway)
PG_BIN=/usr/lib/postgresql/15/bin
# Checkpoints often enough that a crashed PostgreSQL replays little: at
# most about max_wal_size of log, whatever the load (the defaults, 1 GB and
# 5 min, let 600 MB pile up under the reports' load, 25 s of replay).
# bench/pg_recovery.sh measures both (docs/performance.md).
PG_RECOVERY_OPTS="-c max_wal_size=128MB -c checkpoint_timeout=60s -c checkpoint_completion_target=0.5"

die() { echo "stack: $*" >&2; exit 1; }
need_state() { [ -n "${CG_STATE:-}" ] || die "CG_STATE is not set"; mkdir -p "$CG_STATE"/{log,run,spool}; }

# Run a command as the PostgreSQL owner: initdb refuses root.
# True while process $1 runs. A zombie does not: where no init reaps
# orphans at once (a container), a killed process lingers as one, and
# kill -0 would call it alive.
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Install the Debian packages named that are missing.
apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "stack: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm packages of the project's Node.js tools, from their lockfiles; skipped
# while node_modules is newer than the lockfile.
node_deps() {
    command -v npm >/dev/null || apt_install nodejs npm
    local dir
    for dir in "$ROOT/tools/openapi-check" "$ROOT/tools/asyncapi-check" "$ROOT/web"; do
        if [ -f "$dir/node_modules/.package-lock.json" ] &&
            [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
            continue
        fi
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    done
}

cmd_deps() {
    apt_install build-essential cmake pkg-config nats-server libnats-dev postgresql \
        postgresql-contrib libpq-dev libcivetweb-dev libcjson-dev libprotobuf-c-dev \
        protobuf-c-compiler libsodium-dev libcmocka-dev libcurl4-openssl-dev curl wrk \
        clang-format docker-compose libarchive-dev openssl libcrack2-dev cracklib-runtime john-data \
        libcsv-dev libxlsxwriter-dev
    # The web console's end-to-end tests drive chromium; the font makes the
    # Chinese pages of their screenshots legible.
    apt_install chromium fonts-wqy-microhei
    node_deps
}

# The web console's production build into $CG_BUILD/web, where the gateway
# looks by default (CG_WEB_ROOT). A digest of everything the build reads is
# kept beside it, so an unchanged web/ is not built again.
web_build() {
    local web=$ROOT/web out=$CG_BUILD/web stamp=$CG_BUILD/web.stamp digest
    digest=$(cd "$web" && find index.html package-lock.json tsconfig.json vite.config.ts src public \
        -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
    if [ -f "$out/index.html" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    echo "building the web console into $out..." >&2
    rm -f "$stamp"
    (cd "$web" && CG_WEB_OUT=$out npm run --silent build >"$CG_BUILD/web-build.log" 2>&1) || {
        cat "$CG_BUILD/web-build.log" >&2
        die "the web console did not build"
    }
    echo "$digest" >"$stamp"
}

cmd_build() {
    cmake -S "$ROOT" -B "$CG_BUILD" -DCMAKE_BUILD_TYPE="${CG_BUILD_TYPE:-RelWithDebInfo}" \
        -DCG_WERROR="${CG_WERROR:-OFF}" -DCG_SANITIZE="${CG_SANITIZE:-OFF}" >/dev/null
    cmake --build "$CG_BUILD" -j "$(nproc)" -- --no-print-directory >/dev/null
    web_build
}

nats_port() { cat "$CG_STATE/run/nats.port"; }

# A secret made once per state folder and kept (secrets/NAME): 32 random
# bytes in hex.
state_secret() {
    local f=$CG_STATE/secrets/$1
    if [ ! -s "$f" ]; then
        mkdir -p "$CG_STATE/secrets"
        chmod 700 "$CG_STATE/secrets"
        (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$f")
    fi
    cat "$f"
}

# NATS users: one per service, each allowed only its own subjects, and
# "tools" (tests, the benchmark, an operator) allowed everything. Only the
# gateway may send RPCs, so no other process can call a service with a
# CallContext of its choosing. docs/operations.md ("NATS") explains each.
NATS_USERS=(gateway intake case rectify integrity risk publisher tools)
# The anchors of the hash chains (stream CG_ANCHORS) deny deleting and
# purging messages; no service may delete, purge or reconfigure the stream
# itself either, so a thief with a service's credentials cannot remove them.
ANCHOR_DENY='"$JS.API.STREAM.DELETE.CG_ANCHORS", "$JS.API.STREAM.PURGE.CG_ANCHORS", "$JS.API.STREAM.UPDATE.CG_ANCHORS", "$JS.API.STREAM.MSG.DELETE.CG_ANCHORS"'
nats_permissions() {
    local common='"$JS.API.>", "$JS.ACK.>", "_INBOX.>"'
    case $1 in
    gateway) echo "publish: {allow: [\"cg.rpc.>\", \"cg.gw.>\", \"cg.evt.gateway.>\", \"cg.anchor.gateway.>\", $common], deny: [$ANCHOR_DENY]}, subscribe: [\"_INBOX.>\", \"cg.gw.>\"]" ;;
    tools) echo 'publish: [">"], subscribe: [">"]' ;;
    # The case service asks the integrity service one question itself:
    # whether a person it is about to name is a declared relative of a
    # subject (recusal); no other RPC.
    case) echo "publish: {allow: [\"cg.evt.$1.>\", \"cg.anchor.$1.>\", \"cg.rpc.integrity.RelativeConflicts\", $common], deny: [$ANCHOR_DENY]}, subscribe: [\"cg.rpc.$1.>\", \"_INBOX.>\"]" ;;
    # The enterprise's systems (cg-publish): their own stream's subjects
    # and the replies of JetStream's acknowledgements, nothing else; no
    # JetStream API, so they cannot read, delete or purge a stream.
    publisher) echo 'publish: ["ent.>"], subscribe: ["_INBOX.>"]' ;;
    # The risk service asks the gateway for the org-unit tree (code and
    # path of every unit), as enterprise events name units only by code,
    # and the integrity service for the relatives the files declare
    # (conflicts of interest); no RPC.
    risk) echo "publish: {allow: [\"cg.evt.$1.>\", \"cg.gw.org.units\", \"cg.integrity.relatives.declared\", $common], deny: [$ANCHOR_DENY]}, subscribe: [\"cg.rpc.$1.>\", \"_INBOX.>\"]" ;;
    # The integrity service answers the directory of declared relatives.
    integrity) echo "publish: {allow: [\"cg.evt.$1.>\", \"cg.anchor.$1.>\", $common], deny: [$ANCHOR_DENY]}, subscribe: [\"cg.rpc.$1.>\", \"cg.integrity.relatives.declared\", \"_INBOX.>\"]" ;;
    rectify) echo "publish: {allow: [\"cg.evt.$1.>\", \"cg.anchor.$1.>\", $common], deny: [$ANCHOR_DENY]}, subscribe: [\"cg.rpc.$1.>\", \"_INBOX.>\"]" ;;
    *) echo "publish: {allow: [\"cg.evt.$1.>\", $common], deny: [$ANCHOR_DENY]}, subscribe: [\"cg.rpc.$1.>\", \"_INBOX.>\"]" ;;
    esac
}

# The server's configuration: the users above with this folder's passwords.
nats_conf() {
    local f=$CG_STATE/nats/nats.conf u
    (
        umask 077
        {
            echo "# Written by scripts/stack.sh; the passwords are in ../secrets."
            echo "authorization {"
            echo "  users = ["
            for u in "${NATS_USERS[@]}"; do
                echo "    {user: \"$u\", password: \"$(state_secret "nats-$u")\", permissions: {$(nats_permissions "$u")}}"
            done
            echo "  ]"
            echo "}"
        } >"$f"
    )
    echo "$f"
}

# The URL a NATS user connects with (its password in it).
nats_url() { echo "nats://$1:$(state_secret "nats-$1")@127.0.0.1:$(nats_port)"; }

cmd_nats_start() {
    need_state
    mkdir -p "$CG_STATE/nats"
    local port=${CG_NATS_PORT:-auto}
    # Once a port was chosen it is kept, so clients reconnect to the same URL
    # after a restart.
    if [ -f "$CG_STATE/run/nats.port" ]; then port=$(nats_port); fi
    if [ "$port" = auto ]; then port=-1; fi
    rm -f "$CG_STATE"/nats/*.ports
    local conf
    conf=$(nats_conf)
    /usr/sbin/nats-server -c "$conf" -js -sd "$CG_STATE/nats" -a 127.0.0.1 -p "$port" \
        --ports_file_dir "$CG_STATE/nats" >>"$CG_STATE/log/nats.log" 2>&1 &
    echo $! >"$CG_STATE/run/nats.pid"
    local i
    for i in $(seq 1 100); do
        local f
        f=$(ls "$CG_STATE"/nats/*.ports 2>/dev/null | head -1 || true)
        if [ -n "$f" ]; then
            grep -o '"nats://[^"]*"' "$f" | head -1 | sed 's/.*:\([0-9]*\)"/\1/' >"$CG_STATE/run/nats.port"
            return 0
        fi
        sleep 0.05
    done
    die "nats-server did not start; see $CG_STATE/log/nats.log"
}

stop_pid_file() {
    local f=$1 pid
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    # Out of the supervisor's sight first: a service being stopped is not
    # one that exited unexpectedly.
    mv -f "$f" "$f.stopping"
    f=$f.stopping
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 200); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

cmd_nats_stop() { need_state; stop_pid_file "$CG_STATE/run/nats.pid"; }

cmd_pg_start() {
    need_state
    local data=$CG_STATE/pg/data sock=$CG_STATE/pg/sock
    mkdir -p "$CG_STATE/pg/sock"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres "$CG_STATE/pg"
        runuser -u postgres -- test -x "$CG_STATE/pg" ||
            die "the postgres user cannot reach $CG_STATE/pg; put the checkout (or CG_STATE) where other users can enter"
    fi
    # A server killed hard leaves its lock file; where no init reaps
    # orphans (a container), its pid even stays taken by a zombie, which
    # PostgreSQL would take for a live server and refuse to start.
    if [ -f "$data/postmaster.pid" ]; then
        if ! alive "$(head -1 "$data/postmaster.pid")"; then
            rm -f "$data/postmaster.pid" "$sock"/.s.PGSQL.*.lock
        fi
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    pg_auth_files "$data"

    # Unix socket only: no port to collide with other clusters on this machine.
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$CG_STATE/pg/postgres.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c max_connections=200 $PG_RECOVERY_OPTS" start >/dev/null
    local svc
    for svc in "${SERVICES[@]}"; do pg_provision "$svc"; done
}

# Who may connect, rewritten at every start (so an older state folder made
# with trust loses it): the superuser only through the Unix socket as the
# operating-system user that runs this script (peer), every service with
# its password. There is no TCP listener at all.
pg_auth_files() {
    local data=$1 me
    me=$(id -un)
    cat >"$data/pg_hba.conf" <<HBA
# scripts/stack.sh writes this file at every start.
local all postgres peer map=stack
local all all scram-sha-256
HBA
    cat >"$data/pg_ident.conf" <<IDENT
# scripts/stack.sh writes this file at every start.
stack $me postgres
stack postgres postgres
IDENT
    if [ "$(id -u)" = 0 ]; then chown postgres "$data/pg_hba.conf" "$data/pg_ident.conf"; fi
}

pg_password() { state_secret "pg-$1.password"; }

# Service $1's database and its two roles, cg_<svc>_owner (migrations)
# and cg_<svc> (the running service): deploy/pg-roles.sql says what each
# may do. Idempotent.
pg_provision() {
    local svc=$1 sock=$CG_STATE/pg/sock db=cg_$1
    local su=(psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -U postgres)
    if ! "${su[@]}" -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
        "${su[@]}" -d postgres -c "create database $db" >/dev/null
    fi
    "${su[@]}" -d "$db" -v owner="cg_${svc}_owner" -v runtime="cg_$svc" \
        -v owner_password="$(pg_password "$svc-owner")" -v runtime_password="$(pg_password "$svc")" \
        -f "$ROOT/deploy/pg-roles.sql" >/dev/null
}

cmd_pg_stop() {
    need_state
    [ -f "$CG_STATE/pg/data/postmaster.pid" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$CG_STATE/pg/data" -m fast -w stop >/dev/null || true
}

db_url() { echo "host=$CG_STATE/pg/sock user=cg_$1 password=$(pg_password "$1") dbname=cg_$1"; }
db_migrate_url() {
    echo "host=$CG_STATE/pg/sock user=cg_$1_owner password=$(pg_password "$1-owner") dbname=cg_$1"
}

# The environment every service gets; `stack.sh env` prints it for tests.
service_env() {
    local svc=$1
    echo "CG_NATS_URL=$(nats_url "$svc")"
    echo "CG_DB_URL=$(db_url "$svc")"
    echo "CG_DB_MIGRATE_URL=$(db_migrate_url "$svc")"
    echo "CG_MIGRATIONS_DIR=$ROOT/services/$svc/migrations"
    echo "CG_LOG_LEVEL=${CG_LOG_LEVEL:-info}"
    if [ -n "${CG_CONSUMER_BATCH:-}" ]; then echo "CG_CONSUMER_BATCH=$CG_CONSUMER_BATCH"; fi
    if [ "$svc" = gateway ]; then
        echo "CG_HTTP_LISTEN=${CG_HTTP_LISTEN:-127.0.0.1:0}"
        echo "CG_HTTP_PORT_FILE=$CG_STATE/run/gateway.port"
        # Rate limits, trusted proxies and the slow-client deadlines, when
        # the caller set them (scripts/test.sh does).
        local v
        for v in CG_TRUSTED_PROXIES CG_RATE_EXEMPT CG_RATE_PUBLIC_PER_S CG_RATE_REPORTS_PER_HOUR \
            CG_RATE_API_PER_S CG_RATE_API_BURST CG_HTTP_THREADS CG_HTTP_CONN_PER_ADDR \
            CG_HTTP_HEAD_TIMEOUT_MS CG_HTTP_BODY_TIMEOUT_MS CG_HTTP_UPLOAD_TIMEOUT_MS \
            CG_AUDIT_ANCHOR_S CG_AUDIT_SPOOL_MAX_MB; do
            if [ -n "${!v:-}" ]; then echo "$v=${!v}"; fi
        done
        # Audit records wait here, fsync'd, while the trail cannot take them
        # (the gateway creates the folder; it outlives restarts).
        echo "CG_AUDIT_SPOOL_DIR=$CG_STATE/spool/gateway"
        echo "CG_OPENAPI_PATH=$ROOT/docs/api/openapi.yaml"
        echo "CG_WEB_ROOT=$CG_BUILD/web"
    fi
    if [ "$svc" = case ]; then
        # Deadline scheduler settings and the test clock, when the caller
        # set them (scripts/test.sh does).
        local d
        for d in CG_CASE_DEADLINE_TICK_MS CG_CASE_TEST_CLOCK CG_CASE_DUE_SOON_DAYS \
            CG_CASE_DISPOSAL_DAYS CG_CASE_PRELIMINARY_DAYS CG_DOSSIER_ANCHOR_S; do
            if [ -n "${!d:-}" ]; then echo "$d=${!d}"; fi
        done
    fi
    if [ "$svc" = rectify ]; then
        local r
        for r in CG_RECTIFY_TEST_CLOCK CG_RECTIFY_LADDER_TICK_MS CG_DOSSIER_ANCHOR_S; do
            if [ -n "${!r:-}" ]; then echo "$r=${!r}"; fi
        done
    fi
    if [ "$svc" = integrity ]; then
        local g
        for g in CG_INTEGRITY_TEST_CLOCK CG_INTEGRITY_REMINDER_TICK_MS CG_DOSSIER_ANCHOR_S; do
            if [ -n "${!g:-}" ]; then echo "$g=${!g}"; fi
        done
    fi
    if [ "$svc" = risk ]; then
        for g in CG_RISK_RELATIVES_TICK_MS CG_RISK_RESCORE_TICK_MS CG_RISK_SCORER_BATCH \
            CG_RISK_SCORERS; do
            if [ -n "${!g:-}" ]; then echo "$g=${!g}"; fi
        done
    fi
}

# The key of every receipt hash: made once per state folder and kept, because
# losing it voids every receipt already given out. Kept out of service_env so
# that `stack.sh env` never prints it.
receipt_key() { state_secret receipt.key; }
# The audit chain's HMAC key (the gateway's CG_AUDIT_KEY), kept out of
# service_env the same way: the database never sees it, and losing it
# leaves the rows it keyed uncheckable.
audit_key() { state_secret audit.key; }
# The dossier's HMAC key (the case service's CG_DOSSIER_KEY), the same way;
# the task files of the rectification service have a key of their own.
dossier_key() { state_secret dossier.key; }
task_file_key() { state_secret rectify-dossier.key; }
integrity_file_key() { state_secret integrity-dossier.key; }
# The key of the hash the risk service keeps in place of identity numbers;
# losing it means new register extracts no longer match the stored ones.
risk_person_key() { state_secret risk-person.key; }

# The identity custodian's X25519 key pair for this state folder: intake
# gets the public half (CG_REPORTER_PUBLIC_KEY) and seals named reporters'
# identities to it; the secret half (secrets/reporter-identity.pem) is the
# custodian's, which no service reads. In production the custodian makes
# the pair away from the platform (docs/operations.md).
reporter_key_pem() {
    local f=$CG_STATE/secrets/reporter-identity.pem
    if [ ! -s "$f" ]; then
        mkdir -p "$CG_STATE/secrets"
        chmod 700 "$CG_STATE/secrets"
        (umask 077 && openssl genpkey -algorithm X25519 -out "$f" 2>/dev/null)
    fi
    echo "$f"
}
# An X25519 key in DER ends with its 32 raw bytes.
reporter_public_key() {
    openssl pkey -in "$(reporter_key_pem)" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n'
}
reporter_secret_key() {
    openssl pkey -in "$(reporter_key_pem)" -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n'
}

# Start service $1; with a number $2, a further replica of it named $1-$2
# (its own pid and log file), for tests of work shared between replicas. The
# gateway has one replica: its port file is one.
cmd_svc_start() {
    need_state
    local svc=$1 name=$1${2:+-$2} bin=$CG_BUILD/services/$1/cg-$1
    [ -x "$bin" ] || die "no binary $bin; run the build first"
    [ "$svc" = gateway ] && [ -n "${2:-}" ] && die "the gateway runs one replica here"
    # A restarted gateway keeps the port it had, so the URL the tests were
    # given (gateway-url) still reaches it.
    local listen=""
    if [ "$svc" = gateway ] && [ -z "${CG_HTTP_LISTEN:-}" ] && [ -s "$CG_STATE/run/gateway.port" ]; then
        listen="127.0.0.1:$(cat "$CG_STATE/run/gateway.port")"
    fi
    [ "$svc" = gateway ] && rm -f "$CG_STATE/run/gateway.port"
    (
        while IFS= read -r kv; do export "${kv?}"; done < <(service_env "$svc")
        if [ "$svc" = intake ]; then
            CG_RECEIPT_KEY=$(receipt_key)
            CG_REPORTER_PUBLIC_KEY=$(reporter_public_key)
            export CG_RECEIPT_KEY CG_REPORTER_PUBLIC_KEY
        fi
        if [ "$svc" = gateway ]; then
            CG_AUDIT_KEY=$(audit_key)
            export CG_AUDIT_KEY
            if [ -n "$listen" ]; then export CG_HTTP_LISTEN=$listen; fi
        fi
        if [ "$svc" = case ]; then
            CG_DOSSIER_KEY=$(dossier_key)
            export CG_DOSSIER_KEY
        fi
        if [ "$svc" = rectify ]; then
            CG_DOSSIER_KEY=$(task_file_key)
            export CG_DOSSIER_KEY
        fi
        if [ "$svc" = integrity ]; then
            CG_DOSSIER_KEY=$(integrity_file_key)
            export CG_DOSSIER_KEY
        fi
        if [ "$svc" = risk ]; then
            CG_RISK_PERSON_KEY=$(risk_person_key)
            export CG_RISK_PERSON_KEY
        fi
        exec "$bin" >>"$CG_STATE/log/$name.log" 2>&1
    ) &
    echo $! >"$CG_STATE/run/$name.pid"
    if [ "$svc" = gateway ]; then
        local i
        for i in $(seq 1 200); do
            [ -s "$CG_STATE/run/gateway.port" ] && return 0
            kill -0 "$(cat "$CG_STATE/run/$svc.pid")" 2>/dev/null || die "gateway exited; see $CG_STATE/log/gateway.log"
            sleep 0.05
        done
        die "gateway did not open its port; see $CG_STATE/log/gateway.log"
    fi
}

cmd_svc_stop() { need_state; stop_pid_file "$CG_STATE/run/$1.pid"; }


gateway_url() { echo "http://127.0.0.1:$(cat "$CG_STATE/run/gateway.port")"; }

cmd_wait_ready() {
    local secs=${1:-30} i
    for i in $(seq 1 $((secs * 10))); do
        if curl -fsS -o /dev/null "$(gateway_url)/readyz" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    curl -sS "$(gateway_url)/readyz" >&2 || true
    die "the platform did not become ready in ${secs}s; logs are in $CG_STATE/log"
}

# Restart every service of this state folder that exits while it should
# run (its pid file is there, its process is not), with a back-off: at once,
# then 1 s, doubling up to 30 s, back to at once after a minute up. Each
# restart is a line on stdout and in log/supervisor.log. Runs until killed;
# scripts/run.sh runs it beside the stack it started.
cmd_supervise() {
    need_state
    local -A delay=() due=() since=()
    local svc pid now line
    while true; do
        now=$(date +%s)
        for svc in "${SERVICES[@]}"; do
            pid=$(cat "$CG_STATE/run/$svc.pid" 2>/dev/null) || continue
            if alive "$pid"; then
                [ $((now - ${since[$svc]:-0})) -lt 60 ] || delay[$svc]=0
                continue
            fi
            [ "$now" -ge "${due[$svc]:-0}" ] || continue
            line="$(date -u +%FT%TZ) supervisor: $svc exited unexpectedly; restarting it"
            echo "$line" | tee -a "$CG_STATE/log/supervisor.log"
            cmd_svc_start "$svc" ||
                echo "$(date -u +%FT%TZ) supervisor: $svc did not start" | tee -a "$CG_STATE/log/supervisor.log"
            since[$svc]=$now
            local d=${delay[$svc]:-0}
            due[$svc]=$((now + d))
            d=$((d == 0 ? 1 : d * 2))
            delay[$svc]=$((d > 30 ? 30 : d))
        done
        sleep 1
    done
}

cmd_start_all() {
    local svc
    for svc in "${SERVICES[@]}"; do cmd_svc_start "$svc"; done
    cmd_wait_ready 60
}

cmd_seed() {
    need_state
    (
        while IFS= read -r kv; do export "${kv?}"; done < <(service_env gateway)
        CG_AUDIT_KEY=$(audit_key)
        export CG_AUDIT_KEY
        exec "$CG_BUILD/services/gateway/cg-gateway" --seed-demo
    )
    # The demo rectification batches and a responsibility list, through the
    # API as the demo accounts (scripts/demo-rectify.mjs), when no batch
    # exists yet. CG_DEMO_RECTIFY=off leaves them out (scripts/test.sh: the
    # suite's tests make their own).
    if [ "${CG_DEMO_RECTIFY:-on}" != off ]; then
        command -v node >/dev/null || die "node is needed for the demo data; stack.sh deps installs it"
        node "$ROOT/scripts/demo-rectify.mjs" "$(gateway_url)"
    fi
    # The demo integrity files, last year's reports and verifications, this
    # year's rounds and an opinion request, through the API as the demo
    # accounts (scripts/demo-integrity.mjs), when cadre.east and cadre.west
    # have no file yet. CG_DEMO_INTEGRITY=off leaves them out (scripts/test.sh:
    # the suite's tests open those files themselves and count rounds,
    # reminders and verifications).
    if [ "${CG_DEMO_INTEGRITY:-on}" != off ]; then
        command -v node >/dev/null || die "node is needed for the demo data; stack.sh deps installs it"
        node "$ROOT/scripts/demo-integrity.mjs" "$(gateway_url)"
    fi
    # A year of the enterprise's events for both provinces, with a few
    # planted red flags (tools/enterprise-gen), published as the enterprise
    # systems publish (cg-publish, user "publisher") when the risk service
    # holds no fact yet, so that its pages show scores and alerts.
    # CG_DEMO_RISK=off leaves them out (scripts/test.sh: the suite's tests
    # publish their own).
    if [ "${CG_DEMO_RISK:-on}" != off ]; then
        command -v node >/dev/null || die "node is needed for the demo data; stack.sh deps installs it"
        local facts
        facts=$(as_pg psql -h "$CG_STATE/pg/sock" -d cg_risk -qAtX -c "SELECT count(*) FROM facts" 2>/dev/null || echo 0)
        if [ "${facts:-0}" = 0 ]; then
            # The stream's planted conflicts are judged against the risk
            # service's copy of the declared relatives, taken when it
            # starts and every few minutes: the demo files just loaded
            # must be in it first, or a declared relative would be found
            # undeclared (and a concealment finding sent for it). A
            # restart takes the copy now.
            local want have i
            want=$(as_pg psql -h "$CG_STATE/pg/sock" -d cg_integrity -qAtX \
                -c "SELECT count(*) FROM relatives WHERE NOT removed" 2>/dev/null || echo 0)
            if [ "${want:-0}" != 0 ]; then
                cmd_svc_stop risk
                cmd_svc_start risk
                for i in $(seq 1 300); do
                    have=$(as_pg psql -h "$CG_STATE/pg/sock" -d cg_risk -qAtX \
                        -c "SELECT count(*) FROM declared_relatives" 2>/dev/null || echo 0)
                    [ "${have:-0}" -ge "$want" ] && break
                    sleep 0.1
                done
                [ "${have:-0}" -ge "$want" ] ||
                    die "the risk service did not copy the demo's declared relatives ($have of $want)"
            fi
            local stream=$CG_STATE/demo-enterprise.jsonl
            node "$ROOT/tools/enterprise-gen/gen.mjs" --seed 2026 >"$stream"
            CG_NATS_URL=$(nats_url publisher) "$CG_BUILD/common/cg-publish" "$stream" ||
                die "the demo enterprise events were not published"
            echo "demo-risk: published $(wc -l <"$stream") enterprise events"
            rm -f "$stream"
        fi
    fi
}

cmd_stop_all() {
    need_state
    local svc
    for svc in gateway intake case rectify integrity risk; do cmd_svc_stop "$svc"; done
    local f
    for f in "$CG_STATE"/run/*-[0-9]*.pid; do stop_pid_file "$f"; done
    cmd_nats_stop
    cmd_pg_stop
}

cmd=${1:-}
shift || true
case "$cmd" in
deps) cmd_deps ;;
build) cmd_build ;;
web-build) mkdir -p "$CG_BUILD"; web_build ;;
infra-start) cmd_pg_start; cmd_nats_start ;;
pg-start) cmd_pg_start ;;
pg-stop) cmd_pg_stop ;;
nats-start) cmd_nats_start ;;
nats-stop) cmd_nats_stop ;;
nats-restart) cmd_nats_stop; cmd_nats_start ;;
svc-start) cmd_svc_start "$1" ;;
svc-stop) cmd_svc_stop "$1" ;;
replica-start) cmd_svc_start "$1" "$2" ;;
replica-stop) cmd_svc_stop "$1-$2" ;;
start-all) cmd_start_all ;;
seed) cmd_seed ;;
wait-ready) cmd_wait_ready "${1:-30}" ;;
stop-all) cmd_stop_all ;;
supervise) cmd_supervise ;;
gateway-url) gateway_url ;;
env) need_state; service_env "${1:-gateway}" ;;
nats-url) need_state; nats_url "${1:-tools}" ;;
reporter-secret-key) need_state; reporter_secret_key ;;
*) die "unknown command '$cmd' (see the comment at the top of $0)" ;;
esac
