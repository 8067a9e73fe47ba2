#!/usr/bin/env bash
# Regenerates the outputs of this example with the plan executable.
#   examples/calibration/generate.sh [PLAN]   (default PLAN: build/apps/plan)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plan=${1:-$root/build/apps/plan}
export PLAN_DATA_DIR=${PLAN_DATA_DIR:-$root}
cd "$root"
d=examples/calibration
rm -rf "$d/results"
mkdir -p "$d/results"
"$plan" calibrate import "$d/serve-4rps.json" --model llama-3.1-8b --gpu a100-80gb-sxm --precision bf16 --tp 1 \
  -o "$d/results/serve-4rps.yaml" > "$d/import-serve.txt"
"$plan" calibrate import "$d/offline.json" --model llama-3.1-8b --gpu a100-80gb-sxm --precision bf16 --tp 1 \
  --input-len 215 --output-len 194.28 -o "$d/results/offline.yaml" > "$d/import-offline.txt"
"$plan" --no-calibration compare "$d/profile.yaml" -o "$d/compare-catalog.txt"
"$plan" --calibration "$d/results/serve-4rps.yaml" --calibration "$d/results/offline.yaml" \
  compare "$d/profile.yaml" -o "$d/compare-calibrated.txt"
"$plan" --calibration "$d/results/serve-4rps.yaml" --calibration "$d/results/offline.yaml" \
  perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194.28 --rate 4 -o "$d/perf-calibrated.txt"
