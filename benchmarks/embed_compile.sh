#!/bin/sh
# What examples/embed/main.cpp costs its compiler: CPU seconds to compile it (the
# least of N runs, as the example's own build does it: no -O, and with -O2), its
# preprocessed size in bytes and the number of distinct headers it opens (and how
# many of those are Boost's). Usage: benchmarks/embed_compile.sh [runs] [compiler]
# from the source tree; docs/embedding.md quotes its figures.
set -eu
runs=${1:-5}
cxx=${2:-g++}
src=examples/embed/main.cpp
flags="-std=c++20 -Iinclude"
least() { # least CPU time (user + sys) of $runs compilations with the flags given
    best=
    i=0
    while [ "$i" -lt "$runs" ]; do
        t=$( { /usr/bin/time -f '%U %S' "$cxx" $flags "$@" -c "$src" -o /dev/null 2>&1 >/dev/null; } | tail -1 |
            awk '{printf "%.2f", $1 + $2}')
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
        i=$((i + 1))
    done
    echo "$best"
}
headers=$("$cxx" $flags -M "$src" | sed 's/\\$//' | tr ' ' '\n' | grep -v '^$' | tail -n +3)
echo "compiler:          $("$cxx" --version | head -1)"
echo "compile (no -O):   $(least) s CPU"
echo "compile (-O2):     $(least -O2) s CPU"
echo "preprocessed:      $("$cxx" $flags -E "$src" | wc -c) bytes"
echo "headers:           $(echo "$headers" | wc -l) ($(echo "$headers" | grep -c boost/ || true) from Boost)"
