#!/usr/bin/env bash
# CPU time of a whole `plan compare` run (start-up, reading, costing, rendering) for each
# shipped profile: the mean task-clock of `perf stat -r N` (Debian package linux-perf),
# else user+system time of /usr/bin/time averaged over N runs. Target: under 20 ms each.
# On a busy or virtual machine CPU time varies from run to run; --instructions counts the
# instructions of one run instead (valgrind's lackey tool; deterministic, ~10 s a profile).
#   scripts/bench_start.sh [--instructions] [PLAN] [RUNS]     (default: build/apps/plan, 20 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
count=0
if [ "${1:-}" = --instructions ]; then count=1; shift; fi
plan=${1:-build/apps/plan}
runs=${2:-20}
export PLAN_DATA_DIR=$PWD XDG_DATA_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
if [ "$count" = 1 ]; then
  printf '%-28s %14s\n' profile instructions
  for p in profiles/*.yaml; do
    n=$(valgrind --tool=lackey --basic-counts=yes "$plan" compare "$p" 2>&1 >/dev/null |
        awk '/guest instrs:/ {gsub(",", "", $4); print $4}')
    printf '%-28s %14s\n' "$(basename "$p")" "$n"
  done
  exit 0
fi
use_perf=0
if command -v perf >/dev/null && perf stat -x, -e task-clock true >/dev/null 2>&1; then use_perf=1; fi
printf '%-28s %10s\n' profile "CPU ms"
over=0
for p in profiles/*.yaml; do
  "$plan" compare "$p" >/dev/null  # warm the page cache
  if [ "$use_perf" = 1 ]; then
    ms=$(perf stat -r "$runs" -x, -e task-clock "$plan" compare "$p" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}')
  else
    total=0
    for ((i = 0; i < runs; i++)); do
      t=$({ /usr/bin/time -f '%U %S' "$plan" compare "$p" >/dev/null; } 2>&1 | tail -1)
      total=$(awk -v a="$total" -v t="$t" 'BEGIN {split(t, x, " "); print a + (x[1] + x[2]) * 1000}')
    done
    ms=$(awk -v a="$total" -v n="$runs" 'BEGIN {print a / n}')
  fi
  printf '%-28s %10.1f\n' "$(basename "$p")" "$ms"
  awk -v m="$ms" 'BEGIN {exit !(m >= 20)}' && over=1
done
[ "$over" = 0 ] || echo "bench_start: a profile took 20 ms of CPU or more"
exit 0
