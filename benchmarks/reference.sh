#!/usr/bin/env bash
# `perfbudget evaluate` against a plain hand-written loop (issue 15 item 5).
#
#   benchmarks/reference.sh BUILD_DIR [N=1000000]
#
# Times, on the same generated files (gen_data, N projects, ≈ 8.5 indicator rows
# each, reused from ${TMPDIR:-/tmp}/perfbudget-bench-N), interleaved, RUNS times
# each (default 3), the fastest kept:
#   reference   benchmarks/reference_loop.cpp: std::getline and exact integers;
#   evaluate    perfbudget evaluate (every project kept, rows in any order);
#   ordered     perfbudget evaluate --ordered (one project kept at a time).
# Wall time and peak RSS by /usr/bin/time; the ratio of each to the reference.
# The reference's totals are checked against perfbudget's (the same numbers).
# THREADS (default: unset, the cores) is passed as --threads.
set -euo pipefail
die() { echo "reference: $*" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 BUILD_DIR [N=1000000]"
build=$(cd "$1" && pwd)
n=${2:-1000000}
runs=${RUNS:-3}
[[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "N must be a positive whole number, got '$n'"
[[ $runs =~ ^[0-9]+$ && $runs -gt 0 ]] || die "RUNS must be a positive whole number, got '$runs'"
cli=$build/perfbudget
ref=$build/benchmarks/reference_loop
gen=$build/benchmarks/gen_data
for x in "$cli" "$ref" "$gen"; do [[ -x $x ]] || die "no executable $x (build perfbudget_cli, perfbudget_reference_loop, perfbudget_gen_data)"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (Debian package 'time')"
dir=${TMPDIR:-/tmp}/perfbudget-bench-$n
[[ -f $dir/indicators.csv && -f $dir/projects.csv ]] || "$gen" --projects "$n" --out "$dir" >/dev/null
out=$(mktemp -d "${TMPDIR:-/tmp}/perfbudget-reference.XXXXXX")
trap 'rm -rf "$out"' EXIT
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")

declare -A best rss
jobs=(reference evaluate ordered)
for ((r = 1; r <= runs; r++)); do
    for j in "${jobs[@]}"; do
        case $j in
        reference) cmd=("$ref" "$dir/projects.csv" "$dir/indicators.csv" "$out/reference.csv") ;;
        evaluate) cmd=("$cli" evaluate "${threads[@]}" --projects "$dir/projects.csv" --indicators "$dir/indicators.csv" --out "$out/evaluate.csv") ;;
        ordered) cmd=("$cli" evaluate --ordered "${threads[@]}" --projects "$dir/projects.csv" --indicators "$dir/indicators.csv" --out "$out/ordered.csv") ;;
        esac
        /usr/bin/time -f "%e %M" -o "$out/time" "${cmd[@]}" 2>/dev/null >/dev/null || die "$j failed: ${cmd[*]}"
        read -r wall kb <"$out/time"
        echo "reference: run $r $j: ${wall} s, $((kb / 1024)) MB" >&2
        if [[ -z ${best[$j]:-} ]] || awk -v a="$wall" -v b="${best[$j]}" 'BEGIN { exit !(a < b) }'; then
            best[$j]=$wall
            rss[$j]=$kb
        fi
    done
done
cmp -s "$out/evaluate.csv" "$out/ordered.csv" || die "evaluate and evaluate --ordered wrote different results"
# The yardstick scores as the national rules do: its totals must be perfbudget's.
total_col=$(head -1 "$out/evaluate.csv" | tr ',' '\n' | grep -n -x total | cut -d: -f1)
[[ -n $total_col ]] || die "no total column in perfbudget's output"
cmp -s <(tail -n +2 "$out/reference.csv") <(tail -n +2 "$out/evaluate.csv" | cut -d, -f1,"$total_col") ||
    die "the reference loop's totals differ from perfbudget's (only the national rules are comparable)"
echo "perfbudget vs a hand-written getline loop: $n projects, $(date -u +%Y-%m-%d), $(nproc) cores, fastest of $runs"
printf '%-10s %9s %10s %14s\n' job wall "peak RSS" "× reference"
for j in "${jobs[@]}"; do
    awk -v j="$j" -v w="${best[$j]}" -v kb="${rss[$j]}" -v ref="${best[reference]}" \
        'BEGIN { printf "%-10s %7.2f s %7.1f MB %13.2f\n", j, w, kb / 1024, w / ref }'
done
