#!/usr/bin/env bash
# `plan risk` output is a function of the profile and the seed only: one thread, two threads
# (--threads and PLAN_THREADS) and the example profile give the same bytes.
#   risk_threads.sh PLAN PROFILE SHEET
set -u
plan=$1 profile=$2 sheet=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for fmt in json table; do
  "$plan" risk "$profile" --prices "$sheet" --format "$fmt" --threads 1 >"$tmp/one.$fmt" || { echo "FAIL: 1 thread"; exit 1; }
  "$plan" risk "$profile" --prices "$sheet" --format "$fmt" --threads 2 >"$tmp/two.$fmt" || { echo "FAIL: 2 threads"; exit 1; }
  PLAN_THREADS=2 "$plan" risk "$profile" --prices "$sheet" --format "$fmt" >"$tmp/env.$fmt" || { echo "FAIL: PLAN_THREADS"; exit 1; }
  cmp "$tmp/one.$fmt" "$tmp/two.$fmt" || { echo "FAIL: --format $fmt differs between 1 and 2 threads"; fail=1; }
  cmp "$tmp/one.$fmt" "$tmp/env.$fmt" || { echo "FAIL: --format $fmt differs under PLAN_THREADS=2"; fail=1; }
done
"$plan" risk profiles/b2b-saas-risk.yaml --draws 4000 --format json --threads 1 >"$tmp/b1" || { echo "FAIL: example, 1 thread"; exit 1; }
"$plan" risk profiles/b2b-saas-risk.yaml --draws 4000 --format json --threads 2 >"$tmp/b2" || { echo "FAIL: example, 2 threads"; exit 1; }
cmp "$tmp/b1" "$tmp/b2" || { echo "FAIL: the example differs between 1 and 2 threads"; fail=1; }
exit $fail
