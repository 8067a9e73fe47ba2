#!/usr/bin/env bash
# Regenerates the outputs of this walkthrough with the plan executable.
#   examples/finance-walkthrough/generate.sh [PLAN]   (default PLAN: build/apps/plan)
# Needs pricing/2026-05.yaml under the data directory ($PLAN_DATA_DIR, else the repo root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
plan=${1:-$root/build/apps/plan}
export PLAN_DATA_DIR=${PLAN_DATA_DIR:-$root}
cd "$root"
p=examples/finance-walkthrough/profile.yaml
out=examples/finance-walkthrough
"$plan" project "$p" --format csv -o "$out/project.csv"
"$plan" project "$p" -o "$out/project.txt"
"$plan" breakeven "$p" --format csv -o "$out/breakeven.csv"
"$plan" breakeven "$p" -o "$out/breakeven.txt"
"$plan" sweep "$p" --volume 100M..300M --points 201 -o "$out/sweep.csv"
"$plan" sweep "$p" --volume 100M..300M --points 201 --crossovers -o "$out/sweep-crossovers.csv"
