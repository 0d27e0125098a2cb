#!/usr/bin/env bash
# Soak benchmark (issue 13 item 6): projects streamed through `perfbudget evaluate`
# and `perfbudget monitor` at two sizes, with the data generated on the fly, and
# the peak memory of the two compared.
#
#   benchmarks/soak.sh BUILD_DIR [SMALL=1000000] [LARGE=10000000]
#
# BUILD_DIR  a CMake build tree of this project (holds perfbudget and benchmarks/gen_data)
# SMALL, LARGE  the two project counts (≈ 8.5 indicator rows each)
#
# No input touches the disk: for every run two generators (`gen_data --stdout
# projects`, `gen_data --stdout indicators`, the same bytes as gen_data's files)
# write into named pipes in a temporary directory, which perfbudget reads as its
# --projects and --indicators. The results go to a file in that directory (the CLI
# writes a temporary file and renames it, so it needs a real file: see
# docs/testing.md, "Soak"), whose rows are counted and which is deleted after the run;
# LARGE = 10,000,000 writes about 1 GB there.
#
# Measured with /usr/bin/time -v, of the perfbudget process only (not the
# generators): peak RSS ("Maximum resident set size"), wall and CPU time. The wall
# time includes waiting for the generators, which run beside it on the same cores.
#
# Environment:
#   COMMANDS="evaluate monitor"  the commands to run
#   AS_OF=2024-06-30  monitor's as-of date
#   SEED=1            generator seed
#   MAX_RATIO=1.10    the criterion: peak RSS at LARGE / peak RSS at SMALL, per command
#   ORDERED=1         run with --ordered (the generators write both tables in the
#                     projects' order): one project kept at a time; ORDERED=0 measures
#                     the default path, which keeps every project
#   PERFBUDGET=       path of the CLI (default BUILD_DIR/perfbudget)
#   GEN_DATA=         path of the generator (default BUILD_DIR/benchmarks/gen_data)
#   TMPDIR            where the pipes and the output file go (default /tmp)
#
# Exit status: 0 when every command's ratio is within MAX_RATIO; 1 when one is not
# (the table is printed first); the CLI's status if it fails, 2 on bad usage or setup.
set -euo pipefail

die() { echo "soak: $*" >&2; exit 2; }

[[ $# -ge 1 && $# -le 3 ]] || die "usage: $0 BUILD_DIR [SMALL=1000000] [LARGE=10000000]"
build_dir=$1
small=${2:-1000000}
large=${3:-10000000}
seed=${SEED:-1}
as_of=${AS_OF:-2024-06-30}
max_ratio=${MAX_RATIO:-1.10}
ordered=${ORDERED:-1}
[[ $ordered == 0 || $ordered == 1 ]] || die "ORDERED must be 0 or 1, got '$ordered'"
read -r -a commands <<<"${COMMANDS:-evaluate monitor}"
for c in "${commands[@]}"; do [[ $c == evaluate || $c == monitor ]] || die "COMMANDS: evaluate or monitor, got '$c'"; done
for v in "$small" "$large"; do [[ $v =~ ^[0-9]+$ && $v -gt 0 ]] || die "SMALL and LARGE must be positive whole numbers, got '$v'"; done
[[ $small -lt $large ]] || die "SMALL ($small) must be less than LARGE ($large)"
[[ $seed =~ ^[0-9]+$ ]] || die "SEED must be a whole number, got '$seed'"
[[ $max_ratio =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MAX_RATIO must be a number, got '$max_ratio'"
[[ -d $build_dir ]] || die "no build directory '$build_dir'"
build_dir=$(cd "$build_dir" && pwd)
cli=${PERFBUDGET:-$build_dir/perfbudget}
gen=${GEN_DATA:-$build_dir/benchmarks/gen_data}
[[ -x $cli ]] || die "no perfbudget executable at '$cli' (build the perfbudget_cli target)"
[[ -x $gen ]] || die "no gen_data executable at '$gen' (build the perfbudget_gen_data target)"
"$gen" --help | grep -q -- --stdout || die "'$gen' has no --stdout mode (rebuild perfbudget_gen_data)"
timer=/usr/bin/time
[[ -x $timer ]] || die "/usr/bin/time is needed for peak RSS (Debian package 'time')"

work=$(mktemp -d "${TMPDIR:-/tmp}/perfbudget-soak.XXXXXX")
gen_pids=()
cleanup() {
    for p in "${gen_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/projects.csv" "$work/indicators.csv"
out=$work/results.csv
timelog=$work/time.log
errlog=$work/stderr.log

# One run: sets rss_kb, wall_ns, cpu_s, indicator_rows; the output is checked and deleted.
run() { # COMMAND N
    local c=$1 n=$2 status=0 start end gp gi
    "$gen" --projects "$n" --stdout projects --seed "$seed" >"$work/projects.csv" 2>"$work/gen-projects.log" &
    gp=$!
    "$gen" --projects "$n" --stdout indicators --seed "$seed" >"$work/indicators.csv" 2>"$work/gen-indicators.log" &
    gi=$!
    gen_pids=("$gp" "$gi")
    local cmd=("$cli" "$c" --projects "$work/projects.csv" --indicators "$work/indicators.csv" --out "$out")
    [[ $c == monitor ]] && cmd+=(--as-of "$as_of")
    [[ $ordered == 1 ]] && cmd+=(--ordered)
    echo "soak: ${cmd[*]}   # $n projects, generated into the pipes" >&2
    start=$(date +%s%N)
    "$timer" -v -o "$timelog" "${cmd[@]}" 2>"$errlog" || status=$?
    end=$(date +%s%N)
    if [[ $status -ne 0 ]]; then
        echo "soak: perfbudget $c failed with exit status $status on $n projects; last lines of its stderr:" >&2
        tail -n 20 "$errlog" >&2
        exit "$status"
    fi
    wait "$gp" || die "gen_data --stdout projects failed: $(cat "$work/gen-projects.log")"
    wait "$gi" || die "gen_data --stdout indicators failed: $(cat "$work/gen-indicators.log")"
    gen_pids=()
    wall_ns=$(( end - start ))
    rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): *//p' "$timelog")
    [[ -n $rss_kb ]] || die "no peak RSS in /usr/bin/time's report"
    cpu_s=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { t += $2 } END { printf "%.2f", t }' "$timelog")
    indicator_rows=$(sed -n 's/.*), \([0-9]*\) indicators (.*/\1/p' "$work/gen-indicators.log")
    [[ -f $out ]] || { echo "soak: perfbudget exited 0 but wrote no $out" >&2; exit 1; }
    local rows
    rows=$(( $(wc -l <"$out") - 1 ))
    rm -f "$out"
    [[ $rows -eq $n ]] || { echo "soak: $rows result rows for $n projects" >&2; exit 1; }
    printf 'soak: %s %d projects (%s indicator rows): peak RSS %.1f MB, wall %.1f s, CPU %s s\n' "$c" "$n" \
        "$indicator_rows" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "$(awk -v n="$wall_ns" 'BEGIN { print n / 1e9 }')" \
        "$cpu_s" >&2
}

declare -A rss wall cpu rows
for c in "${commands[@]}"; do
    for n in "$small" "$large"; do
        run "$c" "$n"
        rss[$c,$n]=$rss_kb
        wall[$c,$n]=$wall_ns
        cpu[$c,$n]=$cpu_s
        rows[$c,$n]=$indicator_rows
    done
done

# --- report -------------------------------------------------------------------------
failed=0
echo "perfbudget soak: $(date -u +%Y-%m-%d), $(nproc) cores, seed $seed, data generated into pipes, $([[ $ordered == 1 ]] && echo "--ordered" || echo "default path (every project kept)")"
printf '%-9s %11s %12s %11s %9s %9s %12s %12s\n' command projects "indicators" "peak RSS" wall CPU "wall ns/p" "CPU ns/p"
for c in "${commands[@]}"; do
    for n in "$small" "$large"; do
        awk -v c="$c" -v n="$n" -v ir="${rows[$c,$n]}" -v kb="${rss[$c,$n]}" -v ns="${wall[$c,$n]}" -v cpu="${cpu[$c,$n]}" 'BEGIN {
            printf "%-9s %11d %12d %8.1f MB %7.1f s %7.1f s %12d %12d\n", c, n, ir, kb / 1024, ns / 1e9, cpu, ns / n, cpu * 1e9 / n }'
    done
done
for c in "${commands[@]}"; do
    verdict=$(awk -v a="${rss[$c,$small]}" -v b="${rss[$c,$large]}" -v s="$small" -v l="$large" -v max="$max_ratio" -v c="$c" 'BEGIN {
        r = b / a
        printf "%s: peak RSS %d / %d projects = %.2f (criterion <= %s): %s; %.0f bytes more per project\n",
            c, l, s, r, max, (r <= max ? "met" : "NOT MET"), (b - a) * 1024 / (l - s)
        exit (r <= max ? 0 : 1) }') || failed=1
    echo "$verdict"
done
exit "$failed"
