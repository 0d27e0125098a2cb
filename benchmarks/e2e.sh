#!/usr/bin/env bash
# End-to-end benchmark of `perfbudget evaluate` (and `monitor`, `review`) on synthetic county data.
#
#   benchmarks/e2e.sh BUILD_DIR [N=1000000] [RULES...]
#
# BUILD_DIR  a CMake build tree of this project (holds perfbudget and benchmarks/gen_data)
# N          number of projects to generate (≈ 8.5 indicator rows each)
# RULES      rule profiles passed as --rules; `national` (the default) is the
#            built-in national rules. With several, every one runs on the same
#            data, their runs interleaved (national, profile, national, …) so a
#            slow spell of the machine hits each alike, and a final table gives
#            each one's fastest time and its ratio to the first.
#
# Environment:
#   COMMANDS=evaluate  the commands to time, e.g. "evaluate monitor": each runs
#                 with every rule set on the same data, interleaved; monitor runs
#                 `perfbudget monitor --as-of $AS_OF` (CSV output, streamed);
#                 review runs `perfbudget review` (the target review, CSV, streamed):
#                 "evaluate review" checks issue 9's "review costs no more than evaluate"
#   AS_OF=2024-06-30  monitor's as-of date
#   SEED=1        generator seed
#   RUNS=1        how many timed runs per rule set (the report gives each and the fastest)
#   KEEP_OUT=0    1 keeps the result CSV next to the data
#   PERFBUDGET=   path of the CLI (default BUILD_DIR/perfbudget)
#   GEN_DATA=     path of the generator (default BUILD_DIR/benchmarks/gen_data)
#   WORKBOOK=0    1 also times every job on the same data as one .xlsx workbook
#                 (sheets 项目 and 指标, written by BUILD_DIR/benchmarks/csv_to_xlsx,
#                 kept next to the CSV files), interleaved with the CSV runs: the
#                 comparison gives the workbook's cost over CSV (issue 11 item 5: ≤ 3×)
#
# Data go to ${TMPDIR:-/tmp}/perfbudget-bench-N and are reused when a previous run
# generated them completely with the same N, seed and generator binary.
# Exit status: 0 on success, the CLI's status if it fails, 2 on bad usage or setup.
set -euo pipefail

die() { echo "e2e: $*" >&2; exit 2; }

[[ $# -ge 1 ]] || die "usage: $0 BUILD_DIR [N=1000000] [RULES...]"
build_dir=$1
n=${2:-1000000}
rule_sets=("${@:3}")
[[ ${#rule_sets[@]} -gt 0 ]] || rule_sets=(national)
seed=${SEED:-1}
runs=${RUNS:-1}
read -r -a commands <<<"${COMMANDS:-evaluate}"
as_of=${AS_OF:-2024-06-30}
for c in "${commands[@]}"; do [[ $c == evaluate || $c == monitor || $c == review ]] || die "COMMANDS: evaluate, monitor or review, got '$c'"; done
workbook=${WORKBOOK:-0}
[[ $workbook == 0 || $workbook == 1 ]] || die "WORKBOOK must be 0 or 1, got '$workbook'"
[[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "N must be a positive whole number, got '$n'"
[[ $seed =~ ^[0-9]+$ ]] || die "SEED must be a whole number, got '$seed'"
[[ $runs =~ ^[0-9]+$ && $runs -gt 0 ]] || die "RUNS must be a positive whole number, got '$runs'"
[[ -d $build_dir ]] || die "no build directory '$build_dir'"
build_dir=$(cd "$build_dir" && pwd)
cli=${PERFBUDGET:-$build_dir/perfbudget}
gen=${GEN_DATA:-$build_dir/benchmarks/gen_data}
[[ -x $cli ]] || die "no perfbudget executable at '$cli' (build the perfbudget_cli target)"
[[ -x $gen ]] || die "no gen_data executable at '$gen' (build the perfbudget_gen_data target)"
for i in "${!rule_sets[@]}"; do
    r=${rule_sets[$i]}
    [[ $r == national ]] && continue
    [[ -f $r ]] || die "no rules file '$r'"
    rule_sets[$i]=$(cd "$(dirname "$r")" && pwd)/$(basename "$r")
done

# --- /usr/bin/time -v for peak RSS -------------------------------------------
timer=/usr/bin/time
if [[ ! -x $timer ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "e2e: /usr/bin/time missing; installing Debian package 'time'" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || true
    fi
    if [[ ! -x $timer ]]; then
        echo "e2e: /usr/bin/time unavailable; timing with bash, peak RSS unknown" >&2
        timer=
    fi
fi

# --- data ----------------------------------------------------------------------
data=${TMPDIR:-/tmp}/perfbudget-bench-$n
projects=$data/projects.csv
indicators=$data/indicators.csv
stamp=$data/.complete
gen_id="n=$n seed=$seed gen=$(cksum <"$gen" | cut -d' ' -f1,2)"
if [[ -f $stamp && -f $projects && -f $indicators && $(head -n1 "$stamp") == "$gen_id" ]]; then
    echo "e2e: reusing data in $data"
else
    echo "e2e: generating $n projects (seed $seed) into $data"
    rm -f "$stamp"
    mkdir -p "$data"
    gen_start=$(date +%s%N)
    gen_line=$("$gen" --projects "$n" --out "$data" --seed "$seed") || die "gen_data failed"
    gen_end=$(date +%s%N)
    echo "$gen_line"
    echo "e2e: generated in $(( (gen_end - gen_start) / 1000000 )) ms"
    # Remember the row counts so reuse does not have to count 8.5 M lines again.
    indicator_rows=$(sed -n 's/.*), \([0-9]*\) indicators (.*/\1/p' <<<"$gen_line")
    [[ -n $indicator_rows ]] || indicator_rows=$(( $(wc -l <"$indicators") - 1 ))
    printf '%s\n%s\n' "$gen_id" "$indicator_rows" >"$stamp"
fi
indicator_rows=$(sed -n 2p "$stamp")
input_bytes=$(( $(stat -c %s "$projects") + $(stat -c %s "$indicators") ))
inputs=(csv)
if [[ $workbook == 1 ]]; then
    to_xlsx=$build_dir/benchmarks/csv_to_xlsx
    [[ -x $to_xlsx ]] || die "no csv_to_xlsx executable at '$to_xlsx' (build the perfbudget_csv_to_xlsx target)"
    book=$data/tables.xlsx
    if [[ ! -f $book || $book -ot $stamp ]]; then
        echo "e2e: writing the tables as the workbook $book"
        "$to_xlsx" "$book.tmp" "项目=$projects" "指标=$indicators" >/dev/null || die "csv_to_xlsx failed"
        mv "$book.tmp" "$book"
    fi
    inputs+=(xlsx)
fi

# --- timed runs ------------------------------------------------------------------
out=$data/out-$$.csv
timelog=$data/time-$$.log
errlog=$data/stderr-$$.log
cleanup() { rm -f "$timelog" "$errlog"; [[ ${KEEP_OUT:-0} == 1 ]] || rm -f "$out"; }
trap cleanup EXIT

# Jobs: every command with every rule set on every input, as "command|rules|input".
jobs=()
for r in "${rule_sets[@]}"; do for c in "${commands[@]}"; do for i in "${inputs[@]}"; do
    jobs+=("$c|$r|$i")
done; done; done
job_parts() { IFS='|' read -r c r i <<<"$1"; } # sets c, r, i
command_for() { # the job's command line, in the array `cmd`
    local c r i
    job_parts "$1"
    if [[ $i == xlsx ]]; then
        cmd=("$cli" "$c" --projects "$book" --indicators "$book" --out "$out")
    else
        cmd=("$cli" "$c" --projects "$projects" --indicators "$indicators" --out "$out")
    fi
    [[ $c == monitor ]] && cmd+=(--as-of "$as_of")
    [[ $r == national ]] || cmd+=(--rules "$r")
}
job_name() {
    local c r i
    job_parts "$1"
    echo "$c $(basename "$r" .yaml)$([[ $i == xlsx ]] && echo ' (workbook)')"
}
for j in "${jobs[@]}"; do
    command_for "$j"
    echo "e2e: ${cmd[*]}"
done

declare -A best_ns best_rss best_cpu out_rows_of out_bytes_of notices_of
for (( run = 1; run <= runs; run++ )); do
    for j in "${jobs[@]}"; do
        command_for "$j"
        rm -f "$out"
        status=0
        start=$(date +%s%N)
        if [[ -n $timer ]]; then
            "$timer" -v -o "$timelog" "${cmd[@]}" 2>"$errlog" || status=$?
        else
            "${cmd[@]}" 2>"$errlog" || status=$?
        fi
        end=$(date +%s%N)
        if [[ $status -ne 0 ]]; then
            echo "e2e: perfbudget failed with exit status $status ($(job_name "$j")); last lines of its stderr:" >&2
            tail -n 20 "$errlog" >&2
            exit "$status"
        fi
        ns=$(( end - start ))
        rss_mb=unknown
        cpu_s=unknown
        if [[ -n $timer ]]; then
            rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): *//p' "$timelog")
            [[ -n $rss_kb ]] && rss_mb="$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }') MB"
            cpu_s=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { t += $2 } END { printf "%.2f", t }' "$timelog")
        fi
        printf 'e2e: run %d, %s: wall %s s, CPU %s s, peak RSS %s\n' "$run" "$(job_name "$j")" \
            "$(awk -v n="$ns" 'BEGIN { printf "%.3f", n / 1e9 }')" "$cpu_s" "$rss_mb"
        if [[ -z ${best_ns[$j]:-} || $ns -lt ${best_ns[$j]} ]]; then best_ns[$j]=$ns; best_rss[$j]=$rss_mb; best_cpu[$j]=$cpu_s; fi
        [[ -f $out ]] || { echo "e2e: perfbudget exited 0 but wrote no $out" >&2; exit 1; }
        out_rows_of[$j]=$(( $(wc -l <"$out") - 1 ))
        out_bytes_of[$j]=$(stat -c %s "$out")
        notices_of[$j]=$(wc -l <"$errlog")
        [[ ${out_rows_of[$j]} -eq $n ]] || echo "e2e: warning: ${out_rows_of[$j]} result rows for $n projects" >&2
    done
done

# --- report ----------------------------------------------------------------------------
for j in "${jobs[@]}"; do
    job_parts "$j"
    awk -v ns="${best_ns[$j]}" -v rss="${best_rss[$j]}" -v cpu="${best_cpu[$j]}" -v bytes="$([[ $i == xlsx ]] && stat -c %s "$book" || echo "$input_bytes")" -v n="$n" \
        -v irows="$indicator_rows" -v orows="${out_rows_of[$j]}" -v runs="$runs" -v notices="${notices_of[$j]}" \
        -v rules="$([[ $r == national ]] && echo 'national (built in)' || echo "$r")" -v command="$c" \
        -v as_of="$([[ $c == monitor ]] && echo " --as-of $as_of")" -v input="$([[ $i == xlsx ]] && echo "$book (.xlsx)" || echo CSV)" \
        -v outbytes="${out_bytes_of[$j]}" 'BEGIN {
        printf "perfbudget %s%s, end to end%s\n", command, as_of, (runs > 1 ? " (fastest of " runs " runs)" : "")
        printf "  rules              %s\n", rules
        printf "  input              %s\n", input
        printf "  projects           %d\n", n
        printf "  indicator rows     %d (%.2f per project)\n", irows, irows / n
        printf "  input size         %.1f MB\n", bytes / 1048576
        printf "  output rows        %d (%.1f MB)\n", orows, outbytes / 1048576
        printf "  wall time          %.3f s\n", ns / 1e9
        printf "  CPU (user + sys)   %s s\n", cpu
        printf "  peak RSS           %s\n", rss
        printf "  ns per project     %d\n", ns / n
        printf "  ns per indicator   %d\n", ns / irows
        printf "  throughput         %.1f MB/s\n", (bytes / 1048576) / (ns / 1e9)
        if (notices > 0) printf "  stderr lines       %d\n", notices
    }'
done
if [[ ${#jobs[@]} -gt 1 ]]; then
    first=${jobs[0]}
    echo "comparison (fastest of $runs, same data):"
    for j in "${jobs[@]}"; do
        awk -v ns="${best_ns[$j]}" -v base="${best_ns[$first]}" -v name="$(job_name "$j")" -v rss="${best_rss[$j]}" \
            -v cpu="${best_cpu[$j]}" 'BEGIN { printf "  %-35s %7.3f s   %5.2f×   CPU %s s   peak RSS %s\n", name, ns / 1e9, ns / base, cpu, rss }'
    done
fi
