#!/usr/bin/env bash
# Build the JSON codec's libFuzzer targets (common/fuzz) with clang in a
# build folder of their own and run each for the given seconds (default
# 600), one after the other, on a copy of the committed seed corpus.
# Usage: scripts/fuzz.sh [seconds]
# A crash leaves its input as crash-* in the run folder printed at the end;
# add it to common/tests/test_pbjson.c as a unit test case once fixed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_EACH=${1:-600}
BUILD=${CG_FUZZ_BUILD:-$ROOT/build-fuzz}
RUN=${CG_FUZZ_RUN:-$BUILD/runs}

CC=clang cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCG_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    >/dev/null
cmake --build "$BUILD" --target fuzz_pbjson_decode fuzz_pbjson_encode

for direction in decode encode; do
    corpus=$RUN/corpus-$direction
    mkdir -p "$corpus" "$RUN/$direction"
    cp -n "$ROOT"/common/fuzz/corpus/$direction/* "$corpus"/
    dict=()
    if [ -f "$ROOT/common/fuzz/pbjson_$direction.dict" ]; then
        dict=(-dict="$ROOT/common/fuzz/pbjson_$direction.dict")
    fi
    echo "fuzz_pbjson_$direction: $SECONDS_EACH s"
    (cd "$RUN/$direction" &&
        "$BUILD/common/fuzz/fuzz_pbjson_$direction" -max_total_time="$SECONDS_EACH" \
            -max_len=4096 -timeout=10 -print_final_stats=1 "${dict[@]}" "$corpus")
done
echo "corpora and any crash-* files: $RUN"
