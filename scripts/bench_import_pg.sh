#!/usr/bin/env bash
# Times `plan profile import postgresql://...` (--source litellm-db) on a throwaway
# PostgreSQL server (tests/cli/pg_server.sh) holding ROWS generated LiteLLM spend log rows
# (one a second over five models, with LiteLLM's metadata): rows per second and plan's peak
# memory (/usr/bin/time -v; the server's memory is not plan's).
#   scripts/bench_import_pg.sh [ROWS] [PLAN]      defaults: 1000000, build/apps/plan
set -euo pipefail
rows=${1:-1000000}
plan=$(realpath "${2:-build/apps/plan}")
here=$(cd "$(dirname "$0")/.." && pwd)
PG_LOG_STATEMENT=none
. "$here/tests/cli/pg_server.sh"
pg_start
psql postgres <<<"CREATE ROLE bench LOGIN PASSWORD 'bench'; CREATE DATABASE bench OWNER bench;"
psql bench <<SQL
SET ROLE bench;
$spend_table
INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, spend, total_tokens, prompt_tokens, completion_tokens,
    "startTime", "endTime", model, metadata, request_tags)
SELECT 'r' || i, 'acompletion', 0.001, 1000 + i % 997 + i % 251, 1000 + i % 997, i % 251,
       timestamp '2026-05-01' + i * interval '1 s', timestamp '2026-05-01' + i * interval '1 s' + interval '2 s',
       'model-' || i % 5,
       jsonb_build_object('usage_object', jsonb_build_object('prompt_tokens_details',
                          jsonb_build_object('cached_tokens', (i % 997) / 2))),
       '["bench"]'
FROM generate_series(1, $rows) i;
VACUUM ANALYZE "LiteLLM_SpendLogs";
SQL
/usr/bin/time -v "$plan" profile import "postgresql://bench:bench@127.0.0.1:$port/bench" -o "$tmp/out.yaml" \
  2>"$tmp/time.txt" || { cat "$tmp/time.txt"; exit 1; }
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$tmp/time.txt")
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$tmp/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
awk -v r="$rows" -v w="$wall" -v c="$cpu" -v k="$rss" 'BEGIN {
  printf "rows %d: wall %.2f s = %.0f rows/s (server included); plan CPU %.2f s = %.0f rows per CPU second; peak RSS %.1f MB\n",
         r, w, r / w, c, r / c, k / 1024 }'
