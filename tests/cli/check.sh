#!/usr/bin/env bash
# Runs one plan command and checks what it did. Used by CTest (tests/cli/CMakeLists.txt).
#   check.sh [--rc N] [--stdout-re ERE] [--stdout-not-re ERE] [--stdout-file FILE] [--stderr-exact LINE] [--stderr-re ERE]
#            [--no-file PATH] [--file-re PATH ERE] [--env K=V] -- COMMAND ARGS...
# --stdout-file compares stdout with FILE byte for byte.
set -u
rc_want=0; stdout_re=(); stdout_not_re=(); stderr_exact=""; stderr_re=(); no_files=(); file_checks=(); stdout_file=""; envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rc) rc_want=$2; shift 2 ;;
    --stdout-re) stdout_re+=("$2"); shift 2 ;;
    --stdout-not-re) stdout_not_re+=("$2"); shift 2 ;;
    --stdout-file) stdout_file=$2; shift 2 ;;
    --stderr-exact) stderr_exact=$2; shift 2 ;;
    --stderr-re) stderr_re+=("$2"); shift 2 ;;
    --no-file) no_files+=("$2"); shift 2 ;;
    --file-re) file_checks+=("$2" "$3"); shift 3 ;;
    --env) envs+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for f in "${no_files[@]+"${no_files[@]}"}"; do rm -f "$f"; done
env "${envs[@]+"${envs[@]}"}" "$@" >"$out" 2>"$err"
rc=$?
fail=0
if [ "$rc" != "$rc_want" ]; then echo "FAIL: exit code $rc, expected $rc_want"; fail=1; fi
for re in "${stdout_re[@]+"${stdout_re[@]}"}"; do
  grep -Eq -- "$re" "$out" || { echo "FAIL: stdout does not match /$re/"; fail=1; }
done
for re in "${stdout_not_re[@]+"${stdout_not_re[@]}"}"; do
  grep -Eq -- "$re" "$out" && { echo "FAIL: stdout matches /$re/"; fail=1; }
done
if [ -n "$stdout_file" ] && ! cmp -s "$out" "$stdout_file"; then
  echo "FAIL: stdout differs from $stdout_file"; diff "$stdout_file" "$out" | head -20; fail=1
fi
if [ -n "$stderr_exact" ]; then
  lines=$(wc -l <"$err")
  got=$(cat "$err")
  if [ "$got" != "$stderr_exact" ] || [ "$lines" != 1 ]; then
    echo "FAIL: stderr is not the one expected line"; echo "  expected: $stderr_exact"; echo "  got:      $got"; fail=1
  fi
  [ -s "$out" ] && { echo "FAIL: stdout is not empty on error"; fail=1; }
fi
for re in "${stderr_re[@]+"${stderr_re[@]}"}"; do
  grep -Eq -- "$re" "$err" || { echo "FAIL: stderr does not match /$re/"; fail=1; }
done
for f in "${no_files[@]+"${no_files[@]}"}"; do
  [ -e "$f" ] && { echo "FAIL: $f was written"; fail=1; }
done
set -- "${file_checks[@]+"${file_checks[@]}"}"
while [ $# -gt 0 ]; do
  grep -Eq -- "$2" "$1" 2>/dev/null || { echo "FAIL: $1 does not match /$2/"; fail=1; }
  shift 2
done
if [ "$fail" != 0 ]; then
  echo "--- command: $*"; echo "--- stdout:"; head -40 "$out"; echo "--- stderr:"; head -20 "$err"
fi
exit $fail
