#!/usr/bin/env bash
# Nothing is written into the data directory, whether it is an install prefix or the source
# tree: calibration results and models added by the user go to $XDG_DATA_HOME/plan (default
# ~/.local/share/plan), are read from there, and `plan calibrate list` says where each lives;
# an imported price sheet goes only to its -o path. The source tree's data and the inputs
# read are compared file by file (SHA-256 and modification time) before and after.
#   user_files.sh PLAN SOURCE_DIR
# The executable is copied into a scratch install layout (<prefix>/bin/plan beside
# <prefix>/share/plan), run from another directory with PLAN_DATA_DIR unset, so the data is
# found as an installed plan finds it.
set -u
plan=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
prefix=$tmp/prefix
mkdir -p "$prefix/bin" "$prefix/share/plan/calib" "$tmp/elsewhere" "$tmp/home"
cp "$plan" "$prefix/bin/plan"
cp -r "$src/pricing" "$src/profiles" "$prefix/share/plan/"
cp "$src/calib/catalog.yaml" "$prefix/share/plan/calib/"
touch "$tmp/marker"
# Every file of the source tree's data and of the inputs the commands read, with its hash
# and modification time; the build directory and .git are left out (other tests write there).
snapshot() {
  (cd "$src" && find pricing profiles calib tests/data/hf tests/data/import tests/data/calib -type f \
     -printf '%p %T@ ' -exec sha256sum {} \; | LC_ALL=C sort)
}
before=$(snapshot)
cd "$tmp/elsewhere"
unset PLAN_DATA_DIR XDG_DATA_HOME
export HOME=$tmp/home CUDA_VISIBLE_DEVICES=
serve=$src/tests/data/calib/vllm_bench_serve.json

# 1. import without -o, XDG_DATA_HOME unset: under $HOME/.local/share/plan.
out=$("$prefix/bin/plan" calibrate import "$serve" --model opt-125m --gpu l4 --precision fp16 --tp 1) ||
  { echo "FAIL: calibrate import exited $?"; fail=1; }
home_results=$tmp/home/.local/share/plan/calib/results
grep -q "^wrote $home_results/opt-125m-l4-fp16-tp1-vllm-bench-serve-[0-9TZ]*\.yaml$" <<<"$out" ||
  { echo "FAIL: import did not write under \$HOME/.local/share/plan: $(tail -1 <<<"$out")"; fail=1; }

# 2. import and a CPU probe run with XDG_DATA_HOME set: under $XDG_DATA_HOME/plan.
export XDG_DATA_HOME=$tmp/xdg
"$prefix/bin/plan" calibrate import "$serve" --model opt-125m --gpu l4 --precision fp16 --tp 1 >/dev/null ||
  { echo "FAIL: calibrate import (XDG) exited $?"; fail=1; }
"$prefix/bin/plan" calibrate run --backend cpu --model tiny --gpu ci-cpu --context 64 --batch 1,2 \
  --prefill-tokens 32 --repeats 2 --warmup 1 --stream-mib 4 >/dev/null 2>&1 ||
  { echo "FAIL: calibrate run exited $?"; fail=1; }
n=$(ls "$tmp/xdg/plan/calib/results" 2>/dev/null | wc -l)
[ "$n" = 2 ] || { echo "FAIL: expected 2 files in \$XDG_DATA_HOME/plan/calib/results, found $n"; fail=1; }

# 2b. models add: the user catalog entry in $XDG_DATA_HOME/plan/models, and it is then found
# by a later command (perf on the added model).
"$prefix/bin/plan" models add "$src/tests/data/hf/tiny-moe/config.json" >/dev/null ||
  { echo "FAIL: models add exited $?"; fail=1; }
[ -f "$tmp/xdg/plan/models/tiny-moe.yaml" ] || { echo "FAIL: models add did not write \$XDG_DATA_HOME/plan/models/tiny-moe.yaml"; fail=1; }
"$prefix/bin/plan" perf --model tiny-moe --gpu l4 --gpus 1 --input 100 --output 100 >/dev/null ||
  { echo "FAIL: perf on the added model exited $?"; fail=1; }

# 2c. prices import: the draft at the -o path and nowhere else (not in the user directory).
mkdir -p "$tmp/drafts"
"$prefix/bin/plan" prices import "$src/tests/data/import/spec.yaml" -o "$tmp/drafts/draft.yaml" >/dev/null 2>&1 ||
  { echo "FAIL: prices import exited $?"; fail=1; }
[ -s "$tmp/drafts/draft.yaml" ] || { echo "FAIL: prices import did not write the -o file"; fail=1; }
[ "$(ls "$tmp/drafts")" = draft.yaml ] || { echo "FAIL: prices import left other files beside -o: $(ls "$tmp/drafts")"; fail=1; }
[ ! -e "$tmp/xdg/plan/pricing" ] || { echo "FAIL: prices import wrote into the user directory"; fail=1; }

# 3. list: the installed data's directory (empty) and the user's, each named.
list=$("$prefix/bin/plan" calibrate list) || { echo "FAIL: calibrate list exited $?"; fail=1; }
grep -qx "no calibration files in $prefix/share/plan/calib/results (shipped with the data)" <<<"$list" ||
  { echo "FAIL: list does not name the installed data directory"; echo "$list"; fail=1; }
grep -qx "in $tmp/xdg/plan/calib/results (user files):" <<<"$list" ||
  { echo "FAIL: list does not name the user directory"; echo "$list"; fail=1; }
grep -q "^opt-125m-l4-fp16-tp1-vllm-bench-serve-.* import " <<<"$list" || { echo "FAIL: imported file not listed"; fail=1; }

# 4. The installed data is found from another directory.
"$prefix/bin/plan" compare "$prefix/share/plan/profiles/early-chat.yaml" >/dev/null ||
  { echo "FAIL: compare of an installed profile exited $?"; fail=1; }

# 5. A development build (the source tree as data directory) writes to the user directory too.
export XDG_DATA_HOME=$tmp/xdg-dev
"$plan" calibrate import "$serve" --model opt-125m --gpu l4 --precision fp16 --tp 1 >/dev/null ||
  { echo "FAIL: calibrate import (source tree) exited $?"; fail=1; }
[ "$(ls "$tmp/xdg-dev/plan/calib/results" 2>/dev/null | wc -l)" = 1 ] || { echo "FAIL: source-tree import not in XDG"; fail=1; }
"$plan" models add "$src/tests/data/hf/tiny-moe/config.json" --id tiny-moe-dev >/dev/null ||
  { echo "FAIL: models add (source tree) exited $?"; fail=1; }
[ -f "$tmp/xdg-dev/plan/models/tiny-moe-dev.yaml" ] || { echo "FAIL: source-tree models add not in XDG"; fail=1; }
"$plan" prices import "$src/tests/data/import/spec.yaml" -o "$tmp/drafts/draft-dev.yaml" >/dev/null 2>&1 ||
  { echo "FAIL: prices import (source tree) exited $?"; fail=1; }
[ -s "$tmp/drafts/draft-dev.yaml" ] || { echo "FAIL: source-tree prices import did not write the -o file"; fail=1; }

# Nothing new under the install prefix, nor in the source tree's data.
written=$(find "$prefix" "$src/pricing" "$src/profiles" "$src/calib" -newer "$tmp/marker" 2>/dev/null)
[ -z "$written" ] || { echo "FAIL: written under the data directory:"; echo "$written"; fail=1; }
after=$(snapshot)
[ "$before" = "$after" ] || { echo "FAIL: the source tree's data or inputs changed:"; diff <(echo "$before") <(echo "$after") | head; fail=1; }
[ "$fail" = 0 ] && echo ok
exit $fail
