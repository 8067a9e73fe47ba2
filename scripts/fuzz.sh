#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build-fuzz/) and fuzzes each one in turn.
#   scripts/fuzz.sh [SECONDS]     fuzz each target for SECONDS (default 60)
#   scripts/fuzz.sh --smoke       20 s each, as CI does
#   FUZZ_TARGETS="profile" scripts/fuzz.sh 600    only some targets
# First every target replays its regression inputs (fuzz/corpus/<target>/), then it fuzzes,
# starting from those and from the shipped YAML files. New corpus entries go to
# build-fuzz/corpus/<target>/, crashes to build-fuzz/artifacts/<target>/. Exits non-zero when
# a target crashed, leaked, timed out or ran out of memory: copy the artifact into
# fuzz/corpus/<target>/ and into tests/bad_inputs/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
case "${1:-}" in
  --smoke) seconds=20 ;;
  "") ;;
  *) seconds=$1 ;;
esac
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 69
fi
jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DPLAN_ENABLE_CUDA=OFF \
    -DPLAN_FUZZ=ON -DPLAN_BUILD_TESTS=OFF -DPLAN_BUILD_BENCHMARKS=OFF >/dev/null
fi

# Seeds for each target: shell globs of shipped files. Add a line for each new target.
declare -A seeds=(
  [profile]="tests/data/profile-*.yaml profiles/*.yaml examples/*.yaml tests/bad_inputs/profile/*.yaml"
  [price_sheet]="tests/data/sheet-*.yaml pricing/*.yaml tests/bad_inputs/sheet/*.yaml"
  [serving]="tests/data/calib/*.json"
  [calibration]="calib/results/*.yaml tests/data/calib*/*.yaml tests/data/calib*/*/*.yaml"
  [escape]="tests/data/usage/*.csv tests/bad_inputs/profile/*.yaml"
)
targets=${FUZZ_TARGETS:-"profile price_sheet serving calibration escape"}
build_targets=()
for t in $targets; do build_targets+=("fuzz_$t"); done
cmake --build build-fuzz -j "$jobs" --target "${build_targets[@]}" >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in $targets; do
  bin=build-fuzz/fuzz/fuzz_$t
  regress=fuzz/corpus/$t
  work=build-fuzz/corpus/$t
  art=build-fuzz/artifacts/$t/
  mkdir -p "$work" "$art" "$regress"
  # shellcheck disable=SC2086
  for f in ${seeds[$t]:-}; do [ -f "$f" ] && cp -f "$f" "$work/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done
  if compgen -G "$regress/*" >/dev/null; then
    echo "fuzz: $t: replaying $(ls "$regress" | wc -l) regression inputs"
    "$bin" -runs=0 "$regress"/* >build-fuzz/fuzz-$t-regress.log 2>&1 || {
      echo "fuzz: $t: a regression input fails; see build-fuzz/fuzz-$t-regress.log" >&2; status=1; continue; }
  fi
  echo "fuzz: $t: ${seconds} s"
  log=build-fuzz/fuzz-$t.log
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -dict=fuzz/yaml.dict -artifact_prefix="$art" -print_final_stats=1 "$work" "$regress" >"$log" 2>&1; then
    { grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1; grep -E 'stat::(number_of_executed_units|peak_rss_mb)' "$log"; } |
      sed "s/^/fuzz: $t: /" || true
  else
    echo "fuzz: $t: FAILED, see $log and $art" >&2
    tail -30 "$log" >&2
    status=1
  fi
done
exit $status
