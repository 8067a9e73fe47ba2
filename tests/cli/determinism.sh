#!/usr/bin/env bash
# Output is a function of the inputs only: `plan compare` in json, csv and table form gives
# the same bytes when run twice, and the same bytes under a comma-decimal locale
# (de_DE.UTF-8, generated with localedef into a temporary LOCPATH when the system does
# not have it) as under LC_ALL=C.
#   determinism.sh PLAN PROFILE SHEET
# Exits 77 (CTest: skipped) only when no de_DE locale can be had, after the repeat checks.
set -u
plan=$1 profile=$2 sheet=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for fmt in json csv table; do
  LC_ALL=C "$plan" compare "$profile" --prices "$sheet" --format "$fmt" >"$tmp/a.$fmt" || { echo "FAIL: run 1 ($fmt)"; exit 1; }
  LC_ALL=C "$plan" compare "$profile" --prices "$sheet" --format "$fmt" >"$tmp/b.$fmt" || { echo "FAIL: run 2 ($fmt)"; exit 1; }
  [ -s "$tmp/a.$fmt" ] || { echo "FAIL: empty $fmt output"; fail=1; }
  cmp "$tmp/a.$fmt" "$tmp/b.$fmt" || { echo "FAIL: two runs of --format $fmt differ"; fail=1; }
done
# -o FILE writes the same bytes as standard output.
LC_ALL=C "$plan" compare "$profile" --prices "$sheet" --format json -o "$tmp/o.json" || { echo "FAIL: -o run"; exit 1; }
cmp "$tmp/a.json" "$tmp/o.json" || { echo "FAIL: -o FILE differs from standard output"; fail=1; }

# A comma-decimal locale.
loc=de_DE.UTF-8
has_comma() { LC_ALL=$loc locale -k decimal_point 2>/dev/null | grep -q ','; }
if ! has_comma && command -v localedef >/dev/null; then
  mkdir -p "$tmp/locale"
  localedef -i de_DE -f UTF-8 "$tmp/locale/$loc" 2>/dev/null && export LOCPATH=$tmp/locale
fi
if ! has_comma; then
  echo "SKIP: no $loc locale (install locales or locales-all)"
  [ "$fail" = 0 ] && exit 77
  exit 1
fi
echo "locale $loc: $(LC_ALL=$loc locale -k decimal_point)${LOCPATH:+ (LOCPATH=$LOCPATH)}"
for fmt in json csv table; do
  LC_ALL=$loc LANG=$loc "$plan" compare "$profile" --prices "$sheet" --format "$fmt" >"$tmp/de.$fmt" || { echo "FAIL: $loc run ($fmt)"; exit 1; }
  cmp "$tmp/a.$fmt" "$tmp/de.$fmt" || { echo "FAIL: --format $fmt differs under LC_ALL=$loc"; diff "$tmp/a.$fmt" "$tmp/de.$fmt" | head; fail=1; }
done
exit $fail
