#!/usr/bin/env bash
# Time and peak memory of `plan compare` on hostile profiles (docs/errors.md, "Measurements"):
# each is generated here, run once under /usr/bin/time, and must fail with exit code 2 and
# one error line (or load and fail on its content). Prints a Markdown table.
#   scripts/bench_hostile.sh [PLAN]     (default: build/apps/plan)
set -euo pipefail
cd "$(dirname "$0")/.."
plan=$(realpath "${1:-build/apps/plan}")
export PLAN_DATA_DIR=$PWD XDG_DATA_HOME=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$XDG_DATA_HOME"' EXIT

gen() {  # gen NAME: writes $tmp/NAME.yaml
  local f=$tmp/$1.yaml
  case $1 in
    billion-laughs)
      { echo "name: x"; echo "lol: &a [a, a, a, a, a, a, a, a, a]"; prev=a
        for l in b c d e f g h i; do
          printf 'l%s: &%s [' "$l" "$l"; for k in 1 2 3 4 5 6 7 8 9; do printf '*%s%s' "$prev" "$([ $k -lt 9 ] && echo ', ')"; done; echo "]"; prev=$l
        done; } >"$f" ;;
    deep-flow) { printf 'name: deep\nworkloads: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } >"$f" ;;
    deep-block) python3 -c "import sys; sys.stdout.write('name: deep\nworkloads: \n  ' + '- ' * 50000 + '1\n')" >"$f" ;;
    flow-list-300k) python3 -c "import sys; sys.stdout.write('name: x\nextra: [' + ', '.join(['1'] * 300000) + ']\n')" >"$f" ;;
    flow-list-249k) python3 -c "import sys; sys.stdout.write('name: x\nextra: [' + ', '.join(['1'] * 249980) + ']\n')" >"$f" ;;
    scalar-2mb) python3 -c "import sys; sys.stdout.write('name: ' + 'x' * 2000000 + '\n')" >"$f" ;;
    scalars-8x1mib) python3 -c "import sys; sys.stdout.write(''.join('k%d: %s\n' % (i, 'x' * (1048576 - 16)) for i in range(8)))" >"$f" ;;
    size-8.4mb) python3 -c "import sys; sys.stdout.write('# ' + 'x' * 8400000 + '\n')" >"$f" ;;
  esac
}

echo "| input | size | result | CPU s | peak RSS |"
echo "|-------|-----:|--------|------:|---------:|"
for c in billion-laughs deep-flow deep-block flow-list-300k flow-list-249k scalar-2mb scalars-8x1mib size-8.4mb; do
  gen "$c"
  size=$(stat -c %s "$tmp/$c.yaml")
  set +e
  /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$plan" compare "$tmp/$c.yaml" >/dev/null 2>"$tmp/err"
  rc=$?
  set -e
  read -r u s m < <(tail -1 "$tmp/time")
  msg=$(head -1 "$tmp/err" | sed -e "s|^plan: error: $tmp/||" | cut -c1-70)
  printf '| %s | %s B | rc %s: %s | %.2f | %.1f MB |\n' "$c" "$size" "$rc" "$msg" "$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')" "$(awk -v m="$m" 'BEGIN {print m / 1024}')"
done
