#!/usr/bin/env bash
# The installed man page (scripts/man_page.sh, help2man) has a section for every subcommand,
# nested ones included, and each holds that subcommand's usage line.
#   man_page.sh PLAN SOURCE_DIR      (exit 125, skipped, without help2man)
set -u
plan=$1 src=$2
command -v help2man >/dev/null || { echo "help2man not installed"; exit 125; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$src/scripts/man_page.sh" "$plan" "$tmp/plan.1" "test" || { echo "FAIL: man_page.sh exited $?"; exit 1; }
fail=0
# The command tree as written by hand: 16 commands and the 12 below prices, calibrate,
# profile and models.
for cmd in compare prices "prices list" "prices show" "prices verify" "prices diff" "prices import" "prices lint" recommend report project \
           breakeven sweep risk diff perf calibrate "calibrate run" "calibrate import" "calibrate show" \
           "calibrate list" profile "profile import" models "models add" validate search completion; do
  grep -qx ".SS \"plan $cmd\"" "$tmp/plan.1" || { echo "FAIL: no section for plan $cmd"; fail=1; }
  # The section's own usage line (help2man leaves the preformatted text alone; '-' is '\-').
  grep -q "^Usage: plan $cmd \[OPTIONS\]" "$tmp/plan.1" || { echo "FAIL: no usage line of plan $cmd"; fail=1; }
done
# And nothing the executable lists is missing from the list above: 16 + 12 = 28 sections.
n=$(grep -c '^\.SS "plan ' "$tmp/plan.1")
[ "$n" = 28 ] || { echo "FAIL: $n subcommand sections (expected 28)"; fail=1; }
grep -q '^\.SH SUBCOMMANDS$' "$tmp/plan.1" || { echo "FAIL: no SUBCOMMANDS section"; fail=1; }
[ "$fail" = 0 ] && echo ok
exit $fail
