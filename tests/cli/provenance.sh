#!/usr/bin/env bash
# Catalog entries are cited by the file they came from: a model added with `plan models add`
# by its user catalog file (and line), a `model: hf:PATH` by its config.json; the shipped
# catalog by calib/catalog.yaml.
#   provenance.sh PLAN SHEET WORK_DIR
set -u
plan=$1 sheet=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
export XDG_DATA_HOME=$work/xdg HOME=$work
fail() { echo "FAIL: $*"; exit 1; }

# hf: tests/data/profile-hf.yaml's option names hf:hf/tiny-moe/config.json, relative to the
# profile: tests/data/hf/tiny-moe/config.json.
json=$("$plan" compare tests/data/profile-hf.yaml --prices "$sheet" --format json) || fail "compare exited $?"
# (after the engine terms' provenance when they size it: "engine terms: ...; tests/data/...").
grep -qE '"throughput_source": "(engine terms: [^"]*; )?tests/data/hf/tiny-moe/config\.json: hf:hf/tiny-moe/config\.json on ' <<<"$json" ||
  fail "hf: model not cited by its config.json: $(grep throughput_source <<<"$json")"
grep -q 'calib/catalog.yaml: hf:' <<<"$json" && fail "hf: model cited as calib/catalog.yaml"

# models add: the entry is the first model of $XDG_DATA_HOME/plan/models/tiny-moe.yaml, on the
# line after the header (2 comment lines, sources: and its item, models:), line 6.
"$plan" models add tests/data/hf/tiny-moe/config.json >/dev/null || fail "models add exited $?"
user=$XDG_DATA_HOME/plan/models/tiny-moe.yaml
out=$("$plan" perf --model tiny-moe --gpu h100-sxm --precision bf16 --input 100 --output 100) || fail "perf exited $?"
grep -qF "Sources: model $user:6 (user-tiny-moe)" <<<"$out" || fail "user model not cited by its file: $(grep Sources <<<"$out")"
grep -qE 'calib/catalog\.yaml:6([^0-9]|$)' <<<"$out" && fail "user model cited as calib/catalog.yaml:6"
# The shipped catalog's entries keep their citation.
out=$("$plan" perf --model llama-3.1-8b --gpu h100-sxm --precision bf16 --input 100 --output 100) || fail "perf exited $?"
grep -q "Sources: model calib/catalog.yaml:[0-9]* (" <<<"$out" || fail "shipped model: $(grep Sources <<<"$out")"
echo ok
