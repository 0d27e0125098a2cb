#!/usr/bin/env bash
# All benchmarks, with the figures the README quotes.
#
#   benchmarks/run.sh BUILD_DIR
#
# 1. In-memory evaluation (Google Benchmark, one core): a county-sized file
#    (1,000 projects, like seed 000's 718–834), 5,000 projects, and 100,000
#    projects (larger than the caches: memory-bound). Each with the national
#    rules and with rules/urumqi-county.yaml (national scoring plus its custom
#    steps); the summary gives ns per project and the profile's ratio.
# 2. `perfbudget evaluate` end to end on the same 1,000,000 projects (≈8.5 M
#    indicator rows), national and Urumqi runs interleaved, fastest of RUNS (3):
#    the machine is a shared 2-core VM whose runs vary by up to 40 %.
# 3. `perfbudget evaluate` on 100,000 projects as one workbook vs the same tables as
#    CSV, end to end (e2e.sh WORKBOOK=1; issue 11's figure); then the readers alone
#    on one thread (bench_xlsx: xlsx::Sheet::next vs CsvReader::next), with the
#    floor of minizip + expat doing nothing.
# 4. `perfbudget evaluate` (and --ordered) against a hand-written std::getline loop
#    with exact integers on the same 1,000,000 projects (reference.sh; issue 15).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
profile=$here/../rules/urumqi-county.yaml
for n in 1000 5000 100000; do
    dir=${TMPDIR:-/tmp}/perfbudget-bench-$n
    if [[ ! -f $dir/indicators.csv ]]; then
        "$build/benchmarks/gen_data" --projects "$n" --out "$dir" >/dev/null
    fi
    echo "== in-memory evaluation, $n projects"
    "$build/benchmarks/bench_evaluate" "$dir" --profile="$profile" --benchmark_min_time=1 \
        --benchmark_repetitions=3 2>&1 |
        grep -E "^BM_[a-z_]+/[a-z]+ |^loaded|^ns per|^  BM_"
done
echo "== end to end, 1,000,000 projects: national, then rules/urumqi-county.yaml"
RUNS=${RUNS:-3} bash "$here/e2e.sh" "$build" 1000000 national "$profile"
echo "== evaluating a workbook vs the same tables as CSV, 100,000 projects, end to end (issue 11: ≤ 3×)"
WORKBOOK=1 RUNS=${RUNS:-3} bash "$here/e2e.sh" "$build" 100000 | sed -n '/^comparison/,$p'
echo "== the readers alone, one thread: a 100,000-row workbook vs the same table as CSV"
"$build/benchmarks/bench_xlsx" 100000 --benchmark_min_time=0.5 --benchmark_repetitions=3 2>&1 |
    grep -E "^BM_[a-z_]+ |^ns per row|^floor"
echo "== against a hand-written getline loop, 1,000,000 projects (issue 15)"
RUNS=${RUNS:-3} bash "$here/reference.sh" "$build" 1000000
