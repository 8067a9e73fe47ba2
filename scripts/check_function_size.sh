#!/usr/bin/env bash
# No function in lib/ is over 120 lines (docs/ARCHITECTURE.md, "Where the logic lives"):
# clang-tidy's readability-function-size over every source of lib/, with a compile database
# configured (not built) in a directory of its own. Exit 1 and a line per function when one
# is over; exit 0 and a count otherwise. A stage of .ci/run.
#   scripts/check_function_size.sh [BUILD_DIR]      (default: build-tidy)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-tidy}
limit=120
command -v clang-tidy >/dev/null || { echo "check_function_size: clang-tidy not found (scripts/setup.sh installs it)"; exit 1; }
cmake -S . -B "$dir" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DPLAN_UNITY=OFF >/dev/null
out=$(git ls-files 'lib/*.cpp' | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 4 clang-tidy -p "$dir" --quiet \
        --checks='-*,readability-function-size' \
        --config="{CheckOptions: [{key: readability-function-size.LineThreshold, value: $limit}]}" 2>/dev/null |
      grep -E "warning: function .* exceeds recommended size" || true)
files=$(git ls-files 'lib/*.cpp' | wc -l)
if [ -n "$out" ]; then
  echo "$out" | sed "s#^$PWD/##"
  echo "check_function_size: $(echo "$out" | wc -l) functions over $limit lines in $files files of lib/"
  exit 1
fi
echo "check_function_size: no function over $limit lines in $files files of lib/"
