#!/usr/bin/env bash
# Whatever `plan calibrate run` writes, `calibrate show`, `calibrate list` and plans read.
#   calibrate_round_trip.sh PLAN WORK_DIR
# 1. The CPU probe of the tiny model with its defaults, as a user runs it, into the user's
#    directory: show and list accept the file, compare reads it without skipping it, and no
#    efficiency in it is above 1 (the reader accepts (0, 1.5]; above 1 the probe replaces
#    its reference, docs/calibration.md).
# 2. A file the reader rejects (the hand-made tests/data/calib-home file with e_bw 2.04, what
#    the probe wrote before its references were bounded): list shows it on one line, and
#    compare names it and why in a finding.
set -u
plan=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
export XDG_DATA_HOME=$work/xdg HOME=$work
results=$XDG_DATA_HOME/plan/calib/results
fail() { echo "FAIL: $*"; exit 1; }

"$plan" calibrate run --backend cpu --model tiny >"$work/run.out" 2>"$work/run.err" ||
  fail "calibrate run exited $?: $(tail -3 "$work/run.err")"
file=$(ls "$results"/tiny-*-fp32-tp1-cpu-*.yaml 2>/dev/null | head -1)
[ -n "$file" ] || fail "calibrate run wrote no file in $results"
for key in e_bw e_fl; do
  v=$(sed -n "s/^  $key: //p" "$file")
  [ -n "$v" ] || fail "no $key in $file"
  awk -v v="$v" 'BEGIN { exit !(v > 0 && v <= 1) }' || fail "$key $v is not in (0, 1]"
done
"$plan" calibrate show "$file" >"$work/show.out" 2>"$work/show.err" || fail "calibrate show: $(cat "$work/show.err")"
"$plan" calibrate list >"$work/list.out" 2>&1 || fail "calibrate list exited $?"
name=$(basename "$file")
grep -q "^$name  *probe  *tiny " "$work/list.out" || fail "list has no valid row for $name: $(cat "$work/list.out")"
"$plan" compare profiles/early-chat.yaml >"$work/compare.out" 2>&1 || fail "compare exited $?"
grep -q "skipped" "$work/compare.out" && fail "compare skipped a file: $(grep skipped "$work/compare.out")"

# 2. A file the reader rejects.
sed 's/^  e_bw: 0\.5$/  e_bw: 2.04/' tests/data/calib-home/calib/results/tiny-example.yaml >"$results/bad-ebw.yaml"
grep -q '^  e_bw: 2.04$' "$results/bad-ebw.yaml" || fail "fixture not made"
"$plan" calibrate list >"$work/list2.out" 2>&1 || fail "calibrate list exited $?"
# One line, starting with the file name; the valid row keeps its width (no column padded to the error).
[ "$(grep -c 'bad-ebw' "$work/list2.out")" = 1 ] || fail "bad-ebw.yaml is not on one line: $(cat "$work/list2.out")"
grep -q "^bad-ebw.yaml: invalid, not read by plans: [0-9]*:[0-9]*: " "$work/list2.out" || fail "invalid line: $(cat "$work/list2.out")"
awk 'length > 200 && !/^bad-ebw/ { bad = 1 } END { exit bad }' "$work/list2.out" || fail "a valid row is padded to the error"
"$plan" compare profiles/early-chat.yaml >"$work/compare2.out" 2>&1 || fail "compare exited $?"
grep -qF "calibration file $results/bad-ebw.yaml skipped: line " "$work/compare2.out" ||
  fail "compare does not name the skipped file: $(cat "$work/compare2.out")"
"$plan" compare profiles/early-chat.yaml --format json >"$work/compare2.json" 2>&1 || fail "compare json exited $?"
grep -qF "bad-ebw.yaml skipped" "$work/compare2.json" || fail "the JSON does not carry the finding"
"$plan" perf --model llama-3.1-8b --gpu h100-sxm --input 100 --output 100 >"$work/perf2.out" 2>&1 || fail "perf exited $?"
grep -qF "calibration file $results/bad-ebw.yaml skipped: line " "$work/perf2.out" ||
  fail "perf does not name the skipped file: $(cat "$work/perf2.out")"
echo ok
