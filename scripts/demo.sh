#!/usr/bin/env bash
# Installs dependencies, builds plan and compares the options of an example profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
./build/apps/plan compare "${1:-profiles/early-chat.yaml}"
