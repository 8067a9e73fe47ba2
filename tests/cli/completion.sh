#!/usr/bin/env bash
# The completion scripts of `plan completion bash|zsh`: bash completes subcommands at each
# level and options of the command being typed (with the global ones); zsh, when installed,
# parses the script and has the same tables.
#   completion.sh PLAN
set -u
plan=$1
fail=0
script=$("$plan" completion bash) || { echo "FAIL: plan completion bash exited $?"; exit 1; }
bash -n <<<"$script" || { echo "FAIL: the bash script does not parse"; exit 1; }
eval "$script"
# complete WORDS... -> the completions of the last word, space-separated.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _plan
  echo "${COMPREPLY[*]}"
}
expect() {
  local want=$1
  shift
  local got
  got=$(complete_words "$@")
  [ "$got" = "$want" ] || { echo "FAIL: completing '$*': got '$got', expected '$want'"; fail=1; }
}
expect "compare completion" plan comp
expect "run import show list" plan calibrate ""
expect "--format" plan compare --form
expect "--no-calibration" plan compare --no-c       # a global option, after the subcommand
expect "--model" plan calibrate run --mod
expect "--benchmark-index" plan calibrate import x.json --bench
expect "breakeven" plan --data-dir /tmp bre           # the value of --data-dir is no command
# After a flag (no value) options are offered again; after an option with a value, files.
expect "--force" plan calibrate import x.json --force --for
[[ " $(_plan_valopts "calibrate import") " == *" --force "* ]] && { echo "FAIL: --force listed as taking a value"; fail=1; }
[[ " $(_plan_valopts "calibrate import") " == *" --model "* ]] || { echo "FAIL: --model not listed as taking a value"; fail=1; }

if command -v zsh >/dev/null; then
  zscript=$("$plan" completion zsh) || { echo "FAIL: plan completion zsh exited $?"; exit 1; }
  zsh -n <<<"$zscript" || { echo "FAIL: the zsh script does not parse"; fail=1; }
  got=$(zsh -c "$(sed '$d' <<<"$zscript")"$'\n''_plan_subs calibrate; _plan_subdesc calibrate | head -1')
  want=$'run import show list\nrun:Run the probe'
  [ "$got" = "$want" ] || { echo "FAIL: zsh tables: got '$got'"; fail=1; }
fi
[ "$fail" = 0 ] && echo ok
exit $fail
