#!/usr/bin/env bash
# Times `plan profile import` on a generated request log (tests/data/usage/generate.py --bench):
# rows per second (wall clock and per CPU second) and peak memory (/usr/bin/time -v).
#   scripts/bench_import.sh [ROWS] [PLAN]      defaults: 10000000, build/apps/plan
set -euo pipefail
rows=${1:-10000000}
plan=${2:-build/apps/plan}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/tests/data/usage/generate.py" --bench "$rows" "$tmp/log.csv"
/usr/bin/time -v "$plan" profile import "$tmp/log.csv" -o "$tmp/out.yaml" 2>"$tmp/time.txt"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$tmp/time.txt")
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$tmp/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
bytes=$(stat -c %s "$tmp/log.csv")
awk -v r="$rows" -v w="$wall" -v c="$cpu" -v k="$rss" -v b="$bytes" 'BEGIN {
  printf "rows %d (%.0f MB): wall %.2f s = %.0f rows/s; CPU %.2f s (parse + sha256 thread) = %.0f rows per CPU second; peak RSS %.1f MB\n",
         r, b / 1e6, w, r / w, c, r / c, k / 1024 }'
