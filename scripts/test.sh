#!/usr/bin/env bash
# Installs dependencies, builds and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
# Line tables only (-g1): backtraces keep file and line, and the build takes about a quarter
# less time than with full debug information. The libraries build as a unity build
# (PLAN_UNITY): from scratch, each batch of sources parses the shared headers once.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DPLAN_UNITY=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
