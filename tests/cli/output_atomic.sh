#!/usr/bin/env bash
# Output files: a failing command leaves an existing -o FILE untouched and leaves no
# temporary file behind; a good one replaces it; `-o -` writes to standard output; an
# unwritable destination exits 73; a pipe or device is written in place, never replaced by
# a file; a symbolic link keeps pointing at the file it names.
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

# A named pipe (as /dev/null, /dev/stdout or a shell's >(...) are not regular files): written
# in place. Renaming a temporary file over it would leave a regular file where the pipe was.
mkfifo "$tmp/pipe"
cat "$tmp/pipe" >"$tmp/from-pipe" &
reader=$!
"$plan" compare "$profile" --prices "$sheet" --format json -o "$tmp/pipe" || { echo "FAIL: -o PIPE run"; fail=1; }
[ -p "$tmp/pipe" ] || { echo "FAIL: -o PIPE replaced the pipe by a file"; fail=1; kill "$reader" 2>/dev/null; }
wait "$reader"
cmp -s "$tmp/from-pipe" "$tmp/out.json" || { echo "FAIL: -o PIPE: the reader got other bytes than -o FILE"; fail=1; }
rm -f "$tmp/pipe" "$tmp/from-pipe"

# A symbolic link: the file it names is replaced, the link stays a link.
printf 'old\n' >"$tmp/target.json"
ln -s target.json "$tmp/link.json"
"$plan" compare "$profile" --prices "$sheet" --format json -o "$tmp/link.json" || { echo "FAIL: -o LINK run"; fail=1; }
[ -L "$tmp/link.json" ] || { echo "FAIL: -o LINK replaced the link by a file"; fail=1; }
cmp -s "$tmp/target.json" "$tmp/out.json" || { echo "FAIL: -o LINK did not write the file the link names"; fail=1; }
rm -f "$tmp/link.json" "$tmp/target.json"

# A directory: exit 73.
"$plan" compare "$profile" --prices "$sheet" -o "$tmp" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 73 ] || { echo "FAIL: -o DIRECTORY exited $rc, expected 73"; fail=1; }

# A directory that does not exist: exit 73, one error line, nothing on stdout.
"$plan" compare "$profile" --prices "$sheet" -o "$tmp/no/such/dir/out.txt" >"$tmp/stdout" 2>"$tmp/err"
rc=$?
[ "$rc" = 73 ] || { echo "FAIL: unwritable output exited $rc, expected 73"; fail=1; }
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^plan: error: $tmp/no/such/dir/out.txt: cannot create output file: " "$tmp/err" \
  || { echo "FAIL: unwritable output message: $(cat "$tmp/err")"; fail=1; }
[ -s "$tmp/stdout" ] && { echo "FAIL: stdout not empty when output cannot be written"; fail=1; }
exit $fail
