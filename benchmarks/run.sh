#!/usr/bin/env bash
# All benchmarks, with the figures the README quotes.
#
#   benchmarks/run.sh BUILD_DIR
#
# 1. In-memory evaluation (Google Benchmark, one core): a county-sized file
#    (1,000 projects, like seed 000's 718–834), 5,000 projects, and 100,000
#    projects (larger than the caches: memory-bound).
# 2. `perfbudget evaluate` end to end on 1,000,000 projects (≈8.5 M indicator rows).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for n in 1000 5000 100000; do
    dir=${TMPDIR:-/tmp}/perfbudget-bench-$n
    if [[ ! -f $dir/indicators.csv ]]; then
        "$build/benchmarks/gen_data" --projects "$n" --out "$dir" >/dev/null
    fi
    echo "== in-memory evaluation, $n projects"
    "$build/benchmarks/bench_evaluate" "$dir" --benchmark_min_time=1 2>&1 | grep -E "^BM_|^loaded"
done
echo "== end to end, 1,000,000 projects"
RUNS=${RUNS:-3} bash "$here/e2e.sh" "$build" 1000000
