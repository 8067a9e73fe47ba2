#!/usr/bin/env bash
# Installs dependencies, builds the plan executable alone (not the tests or benchmarks) and
# compares the options of an example profile. Ninja prints its progress while it builds.
# The demo has its own build directory, build-demo/, built for a short compile rather than
# for speed or debugging: a unity build (the sources of each library compiled together, in
# batches) at -O1 without debug information; scripts/test.sh builds build/ as usual. From
# scratch the whole script took 135.5 s of wall time on an idle 2-core machine (README.md,
# "Two commands"); seconds when build-demo/ is up to date.
#   scripts/demo.sh [PROFILE]      (default: profiles/early-chat.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: checking packages (scripts/setup.sh)"
bash scripts/setup.sh >/dev/null
echo "demo: configuring build-demo/"
cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DCMAKE_UNITY_BUILD=ON -DPLAN_BUILD_TESTS=OFF -DPLAN_BUILD_BENCHMARKS=OFF >/dev/null
echo "demo: building plan"
cmake --build build-demo -j "$(nproc 2>/dev/null || echo 2)" --target plan
echo
./build-demo/apps/plan compare "${1:-profiles/early-chat.yaml}"
