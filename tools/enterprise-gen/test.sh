#!/bin/sh
# The enterprise event generator's tests (CMakeLists.txt beside it), run
# with Node.js at $1:
#   test.sh NODE indicators     a planted stream (with its manifest) fires
#                               every planted case and no near miss or
#                               other hit; a --clean one fires nothing; the
#                               demo cadres and companies are the ones
#                               scripts/demo-integrity.mjs loads
#   test.sh NODE deterministic  the same seed gives the same bytes
set -eu
NODE=$1
DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$DIR/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ARGS="--seed 42 --now 2026-03-01"
case "$2" in
indicators)
    "$NODE" "$DIR/gen.mjs" $ARGS --manifest "$WORK/planted.json" >"$WORK/planted.jsonl"
    "$NODE" "$DIR/check.mjs" --stream "$WORK/planted.jsonl" --manifest "$WORK/planted.json" --strict \
        --demo "$ROOT/scripts/demo-integrity.mjs"
    "$NODE" "$DIR/gen.mjs" $ARGS --clean --manifest "$WORK/clean.json" >"$WORK/clean.jsonl"
    "$NODE" "$DIR/check.mjs" --stream "$WORK/clean.jsonl" --manifest "$WORK/clean.json"
    ;;
deterministic)
    "$NODE" "$DIR/gen.mjs" $ARGS --manifest "$WORK/a.json" >"$WORK/a.jsonl"
    "$NODE" "$DIR/gen.mjs" $ARGS --manifest "$WORK/b.json" >"$WORK/b.jsonl"
    cmp "$WORK/a.jsonl" "$WORK/b.jsonl"
    cmp "$WORK/a.json" "$WORK/b.json"
    "$NODE" "$DIR/gen.mjs" --seed 43 --now 2026-03-01 >"$WORK/c.jsonl"
    if cmp -s "$WORK/a.jsonl" "$WORK/c.jsonl"; then
        echo "seeds 42 and 43 gave the same stream" >&2
        exit 1
    fi
    echo "ok: seed 42 gives the same $(wc -l <"$WORK/a.jsonl") events twice"
    ;;
*)
    echo "usage: $0 NODE indicators|deterministic" >&2
    exit 2
    ;;
esac
