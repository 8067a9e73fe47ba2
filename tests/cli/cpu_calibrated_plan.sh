#!/usr/bin/env bash
# End to end on any machine: the CPU probe measures the built-in tiny model against the
# catalog's CPU entry (tests/data/calib-cpu), writes a calibration file, and plan compare
# sizes the self-hosted option with it (provenance `calibrated`, source the file).
#   cpu_calibrated_plan.sh PLAN OUT_FILE
set -u
plan=$1 out=$2
data=tests/data/calib-cpu
rm -f "$out"
"$plan" --data-dir "$data" calibrate run --backend cpu --model tiny --gpu ci-cpu --context 64 --batch 1,2,4 \
  --prefill-tokens 32 --repeats 3 --warmup 1 --stream-mib 16 -o "$out" >/dev/null 2>&1 ||
  { echo "FAIL: calibrate run exited $?"; exit 1; }
grep -q '^  reference_source: "catalog gpu ci-cpu ' "$out" || { echo "FAIL: not relative to the catalog entry"; exit 1; }
json=$("$plan" --data-dir "$data" --calibration "$out" compare "$data/profile.yaml" --prices "$data/sheet.yaml" \
  --format json) || { echo "FAIL: compare exited $?"; exit 1; }
grep -q '"throughput_provenance": "calibrated"' <<<"$json" || { echo "FAIL: compare did not use the calibration"; exit 1; }
grep -qF "\"throughput_source\": \"$out\"" <<<"$json" || { echo "FAIL: the calibration file is not the source"; exit 1; }
echo ok
