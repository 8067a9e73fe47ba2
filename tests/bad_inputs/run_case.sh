#!/usr/bin/env bash
# Runs one bad-input case; used by CTest (tests/cli/bad_inputs.cmake), from tests/bad_inputs.
#   run_case.sh PLAN KIND NAME
# KIND is profile, sheet, hardware, usage or import (an import spec for `plan prices import`). The input is KIND/NAME.yaml (usage: KIND/NAME.* other than .err) (a file, a directory, or absent for
# the missing-file case), or the output of KIND/NAME.gen (a bash snippet; the input is then
# written to a temporary directory under the same relative name, so messages are the same).
# KIND/NAME.err is the exact expected standard error. A usage case KIND/NAME.uri is a database
# connection string to give instead of a file (one that fails before reading any row).
# Each case must: exit 2, print that one line and nothing on stdout; and, run again with
# `-o FILE`, still exit 2 with the same line and create no FILE.
set -u
plan=$1 kind=$2 name=$3
here=$(pwd)
want=$(cat "$kind/$name.err")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sheet="$here/../data/sheet-basic.yaml"
profile="$here/../data/profile-basic.yaml"
run_dir=$here
if [ -f "$kind/$name.gen" ]; then
  mkdir -p "$tmp/in/$kind"
  bash "$kind/$name.gen" >"$tmp/in/$kind/$name.yaml" || { echo "FAIL: $kind/$name.gen failed"; exit 1; }
  run_dir=$tmp/in
fi
input=$kind/$name.yaml
fail=0
check() {  # check LABEL RC OUTFILE-or-empty COMMAND...
  local label=$1 out_file=$2; shift 2
  local t0 t1 rc
  t0=$(date +%s%N)
  (cd "$run_dir" && "$@") >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  t1=$(date +%s%N)
  local got lines
  got=$(cat "$tmp/stderr"); lines=$(wc -l <"$tmp/stderr")
  if [ "$rc" != 2 ]; then echo "FAIL ($label): exit code $rc, expected 2"; fail=1; fi
  if [ "$got" != "$want" ] || [ "$lines" != 1 ]; then
    echo "FAIL ($label): stderr is not the expected line"; echo "  expected: $want"; echo "  got:      $got"; fail=1
  fi
  if [ -s "$tmp/stdout" ]; then echo "FAIL ($label): stdout is not empty"; head -c 300 "$tmp/stdout"; fail=1; fi
  if [ -n "$out_file" ] && [ -e "$out_file" ]; then echo "FAIL ($label): $out_file was created"; fail=1; fi
  echo "$label: exit $rc in $(( (t1 - t0) / 1000000 )) ms"
}
case $kind in
  profile)
    check "compare" "" "$plan" compare "$input" --prices "$sheet"
    check "compare -o" "$tmp/out.json" "$plan" compare "$input" --prices "$sheet" --format json -o "$tmp/out.json"
    ;;
  sheet)
    check "prices show" "" "$plan" prices show "$input"
    check "compare --prices -o" "$tmp/out.csv" "$plan" compare "$profile" --prices "$input" --format csv -o "$tmp/out.csv"
    ;;
  hardware)
    # An owned-hardware list, as the only list of a data directory, read for a profile that
    # names an entry; messages name them ./pricing/hardware/NAME.yaml and owned.yaml.
    mkdir -p "$tmp/data/pricing/hardware"
    cp "$run_dir/$input" "$tmp/data/pricing/hardware/$name.yaml"
    cp "$here/../data/profile-owned-hardware.yaml" "$tmp/data/owned.yaml"
    run_dir=$tmp/data
    owned=owned.yaml
    check "compare" "" "$plan" --data-dir . compare "$owned" --prices "$sheet"
    check "project -o" "$tmp/out.csv" "$plan" --data-dir . project "$owned" --prices "$sheet" --format csv -o "$tmp/out.csv"
    ;;
  usage)
    for f in "$kind/$name".*; do case $f in *.err|*.gen) ;; *) input=$f ;; esac; done
    # NAME.uri holds a database connection string, the FILE argument itself.
    case $input in *.uri) input=$(cat "$input") ;; esac
    check "profile import" "" "$plan" profile import "$input"
    check "profile import -o" "$tmp/out.yaml" "$plan" profile import "$input" -o "$tmp/out.yaml"
    ;;
  import)
    check "prices import -o" "$tmp/draft.yaml" "$plan" prices import "$input" -o "$tmp/draft.yaml"
    ;;
  *) echo "run_case.sh: unknown kind $kind"; exit 2 ;;
esac
exit $fail
