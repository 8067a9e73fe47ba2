#!/usr/bin/env bash
# Text output fits the terminal: with COLUMNS unset, `plan compare` (and recommend,
# breakeven, sweep, project, risk) of every shipped profile has no line over 120 columns
# (tables split, findings wrapped at 100); with COLUMNS=80, compare's findings wrap at 80 and
# its table fits 80.
#   widths.sh PLAN
set -u
plan=$1
fail() { echo "FAIL: $*"; exit 1; }
widest() { awk '{ n = length($0); if (n > m) { m = n; l = $0 } } END { print m }'; }
unset COLUMNS
for p in profiles/*.yaml; do
  out=$("$plan" compare "$p") || fail "compare $p exited $?"
  w=$(widest <<<"$out")
  [ "$w" -le 120 ] || fail "compare $p: a line of $w columns: $(awk 'length > 120' <<<"$out" | head -2)"
done
# The other text reports too (their notes ran to 190-312 columns).
for cmd in recommend breakeven "sweep --volume 1M..10B --format table" project; do
  for p in profiles/*.yaml; do
    out=$("$plan" $cmd "$p") || fail "$cmd $p exited $?"
    w=$(widest <<<"$out")
    [ "$w" -le 120 ] || fail "$cmd $p: a line of $w columns: $(awk 'length > 120' <<<"$out" | head -1)"
  done
done
out=$("$plan" risk profiles/b2b-saas-risk.yaml --draws 500) || fail "risk exited $?"
w=$(widest <<<"$out")
[ "$w" -le 120 ] || fail "risk: a line of $w columns: $(awk 'length > 120' <<<"$out" | head -1)"
# Prose (notes, findings) wraps at 100 where tables may take 120: recommend's notes of b2b-saas
# ran to 229 columns.
out=$("$plan" recommend profiles/b2b-saas.yaml | grep '^  note: \|^      ') || fail "recommend has no notes"
w=$(widest <<<"$out")
[ "$w" -le 100 ] || fail "recommend: a note of $w columns: $(awk 'length > 100' <<<"$out" | head -1)"
# The findings of b2b-saas run to 223 columns on one line unwrapped; at COLUMNS=80 its table
# and findings fit 80 (the table starts at the line of dashes' header, the findings end at
# "sources:").
out=$(COLUMNS=80 "$plan" compare profiles/b2b-saas.yaml | sed -n '/option/,/^sources:/p') || fail "compare exited $?"
w=$(widest <<<"$out")
[ "$w" -le 80 ] || fail "COLUMNS=80: a line of $w columns: $(awk 'length > 80' <<<"$out" | head -2)"
# Nothing is lost by wrapping: the words are the same as on one line.
flat=$(COLUMNS=100000 "$plan" compare profiles/b2b-saas.yaml | sed -n '/^findings:/,/^sources:/p' | tr -s ' \n' '  ')
wrapped=$(COLUMNS=80 "$plan" compare profiles/b2b-saas.yaml | sed -n '/^findings:/,/^sources:/p' | tr -s ' \n' '  ')
[ "$flat" = "$wrapped" ] || fail "wrapping changed the findings' words"
echo ok
