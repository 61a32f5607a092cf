#!/bin/sh
# Builds the libFuzzer targets of the pure core into build-fuzz/.
#   fuzz/build.sh            (CC defaults to clang)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build-fuzz"
cc=${CC:-clang}
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -Wall -Wextra -Werror -std=gnu11
       -I$root/src/core -I$root/src/launcher"

mkdir -p "$out"
for target in cli elf json_policy netmatch pathmatch preload trace; do
    extra=""
    if [ "$target" = cli ]; then
        extra="$root/src/launcher/cli.c"
    fi
    # shellcheck disable=SC2086 # flags and extra are word lists on purpose
    "$cc" $flags -o "$out/fuzz_$target" "$root/fuzz/fuzz_$target.c" \
        "$root"/src/core/*.c $extra
    echo "built $out/fuzz_$target"
done
