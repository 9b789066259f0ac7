# What the benchmarks that measure a list through the gateway share:
# sourced by bench/rectify_ledger.sh and bench/integrity.sh, after they set
# URL (the gateway) and PASSWORD (the demo accounts').

# A member of the JSON on stdin, as Python writes the path: '["token"]'.
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# A session token of the demo account $1.
login() {
    curl -sf "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" | json '["token"]'
}

# wrk prints latencies as 850.00us, 1.20ms or 1.05s; turn them into ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'; }

# GET $3 (a URL) with the token $2 from one connection for $1 seconds
# (wrk); prints "p50_ms p99_ms requests", or fails naming $4 (what was
# asked) when any answer was not 2xx, so no figure of errors is reported.
wrk_get() {
    local secs=$1 token=$2 target=$3 what=$4 out bad
    out=$(wrk -t1 -c1 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$target")
    bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    if [ -n "$bad" ] && [ "$bad" != 0 ]; then
        echo "INVALID: $bad answers of $what were not 2xx; no figure reported" >&2
        return 1
    fi
    echo "$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")" \
        "$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")" \
        "$(echo "$out" | awk '/requests in/ {print $1}')"
}
