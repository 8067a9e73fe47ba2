#!/usr/bin/env bash
# plan profile import, then plan compare on what it wrote: every fixture of tests/data/usage
# gives a profile that loads and compares as is. Run by CTest from the source root.
#   profile_import.sh PLAN
set -u
plan=$1
data=tests/data/usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() {  # run NAME IMPORT-ARGS...: import into $tmp/NAME.yaml, then compare it
  local name=$1; shift
  if ! "$plan" profile import "$@" -o "$tmp/$name.yaml" 2>"$tmp/$name.err"; then
    echo "FAIL ($name): import failed"; cat "$tmp/$name.err"; fail=1; return
  fi
  if ! "$plan" compare "$tmp/$name.yaml" >"$tmp/$name.out" 2>&1; then
    echo "FAIL ($name): compare failed"; cat "$tmp/$name.out"; fail=1
  fi
}
want() {  # want NAME ERE: the written profile matches ERE
  grep -Eq -- "$2" "$tmp/$1.yaml" || { echo "FAIL ($1): profile does not match /$2/"; sed 's/^/  /' "$tmp/$1.yaml" | head -60; fail=1; }
}
run requests $data/requests.csv
# 280 requests / 28 days; (3 x 500 + 3 x 1000 + 2 x 1500 + 2 x 2000) / 10 = 1150 tokens in.
want requests '^  - id: "gpt-4o-2024-08-06"$'
want requests '^    requests_per_day: 10$'
want requests '^    input_tokens: 1150$'
want requests '^    batchable_share: 0\.2$'
# The longest inputs are 2,000 tokens: p99 2,000, written within the sketch's 0.8% (2,000-2,016),
# as a key the loader reads back (memory fit and context limit use it).
want requests '^    input_tokens_p99: 20(0[0-9]|1[0-6])$'
# Dated snapshots mapped to the sheet's ids: gpt-4o and claude-3-haiku are options.
want requests '^  - id: "gpt-4o"$'
want requests '^  - id: "claude-3-haiku"$'
want requests '^#     337 rows read, 1 skipped as malformed$'  # 28 x 12 + 1
grep -q 'plan: warning: tests/data/usage/requests.csv:14:1: timestamp' "$tmp/requests.err" ||
  { echo "FAIL (requests): no warning for the malformed row"; cat "$tmp/requests.err"; fail=1; }
run by-tag $data/requests.csv --by tag --tz +02:00 --window 7
want by-tag '^  - id: "chat"$'
want by-tag '^  - id: "etl"$'
run requests-jsonl $data/requests.jsonl
run buckets $data/buckets.csv
# Growth fitted on 70 days of 1% a day: 1.01^(730/24) - 1 = 0.3534.
want buckets '^  growth_per_month: 0\.353[45]$'
run openai $data/openai-usage.jsonl
want openai '^    requests_per_day: 1100$'
run anthropic $data/anthropic-usage.json
want anthropic '^    tokens_per_day: 3750$'
want anthropic '^    input_share: 0\.8$'
run litellm-csv $data/litellm-spend.csv
run litellm-json $data/litellm-spend.json --source litellm-spend
run vllm $data/vllm-1.prom $data/vllm-2.prom $data/vllm-3.prom
want vllm '^  - id: "meta-llama-llama-3.1-8b-instruct"$'
want vllm '^    requests_per_day: 350$'
want vllm 'counters went down'
exit $fail
