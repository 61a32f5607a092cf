#!/bin/sh
# Runs every fuzz target for SECONDS each (default 60) and fails on the
# first crash, leak or timeout.  Run fuzz/build.sh first.
#   fuzz/run.sh [SECONDS]
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build-fuzz"
seconds=${1:-60}

mkdir -p "$out/artifacts"
for target in cli elf json_policy netmatch pathmatch preload trace; do
    corpus="$out/corpus-$target"
    mkdir -p "$corpus"
    dict=""
    if [ -f "$root/fuzz/$target.dict" ]; then
        dict="-dict=$root/fuzz/$target.dict"
    fi
    echo "fuzzing $target for ${seconds}s"
    # shellcheck disable=SC2086 # dict is empty or one word
    "$out/fuzz_$target" -max_total_time="$seconds" -timeout=10 \
        -max_len=4096 $dict -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$target-" \
        "$corpus" "$root/fuzz/seeds/$target" ||
        { echo "fuzz/run.sh: $target failed" >&2; exit 1; }
done
echo "fuzz/run.sh: all targets ran ${seconds}s without a crash"
