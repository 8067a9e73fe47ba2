#!/usr/bin/env bash
# Output files: a failing command leaves an existing -o FILE untouched and leaves no
# temporary file behind; a good one replaces it; `-o -` writes to standard output; an
# unwritable destination exits 73.
#   output_atomic.sh PLAN PROFILE SHEET BAD_PROFILE
set -u
plan=$1 profile=$2 sheet=$3 bad=$4
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail=0
printf 'precious\n' >"$tmp/out.json"
"$plan" compare "$bad" --prices "$sheet" --format json -o "$tmp/out.json" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || { echo "FAIL: bad profile exited $rc, expected 2"; fail=1; }
[ "$(cat "$tmp/out.json")" = precious ] || { echo "FAIL: existing output file changed by a failing command"; fail=1; }
[ "$(ls -A "$tmp" | grep -c tmp)" = 0 ] || { echo "FAIL: temporary file left behind: $(ls -A "$tmp")"; fail=1; }

"$plan" compare "$profile" --prices "$sheet" --format json -o "$tmp/out.json" || { echo "FAIL: good run"; fail=1; }
grep -q '"hours_per_month": 730' "$tmp/out.json" || { echo "FAIL: good run did not replace the file"; fail=1; }
[ "$(ls -A "$tmp" | grep -c tmp)" = 0 ] || { echo "FAIL: temporary file left behind after success"; fail=1; }

"$plan" compare "$profile" --prices "$sheet" --format json -o - >"$tmp/stdout" || { echo "FAIL: -o - run"; fail=1; }
cmp -s "$tmp/stdout" "$tmp/out.json" || { echo "FAIL: -o - differs from -o FILE"; fail=1; }
[ -e ./- ] && { echo "FAIL: -o - created a file named '-'"; fail=1; }

# A directory that does not exist: exit 73, one error line, nothing on stdout.
"$plan" compare "$profile" --prices "$sheet" -o "$tmp/no/such/dir/out.txt" >"$tmp/stdout" 2>"$tmp/err"
rc=$?
[ "$rc" = 73 ] || { echo "FAIL: unwritable output exited $rc, expected 73"; fail=1; }
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^plan: error: $tmp/no/such/dir/out.txt: cannot create output file: " "$tmp/err" \
  || { echo "FAIL: unwritable output message: $(cat "$tmp/err")"; fail=1; }
[ -s "$tmp/stdout" ] && { echo "FAIL: stdout not empty when output cannot be written"; fail=1; }
exit $fail
