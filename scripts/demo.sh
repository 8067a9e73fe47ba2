#!/usr/bin/env bash
# Installs dependencies, builds the plan executable alone (not the tests or benchmarks) and
# compares the options of an example profile. Ninja prints its progress while it builds
# (from scratch: about 11 minutes of CPU time, measured on a busy 2-core machine, so
# several minutes on two idle cores; seconds when build/ is up to date).
#   scripts/demo.sh [PROFILE]      (default: profiles/early-chat.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: checking packages (scripts/setup.sh)"
bash scripts/setup.sh >/dev/null
echo "demo: configuring build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
echo "demo: building plan"
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target plan
echo
./build/apps/plan compare "${1:-profiles/early-chat.yaml}"
