#!/usr/bin/env bash
# Installs an existing build into a temporary prefix and checks it works on its own: the
# layout, the man page and completions, the .deb and .tar.gz (CPack), then - with the source
# tree moved away and PLAN_DATA_DIR unset - a copy of the installed tree at another prefix,
# run from another directory on an installed example profile. The source tree is moved
# back on exit, whatever happens.
#   scripts/install_check.sh [BUILD_DIR]      (default: build; it must have built `plan`)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
tmp=$(mktemp -d)
hidden=""
cleanup() {
  if [ -n "$hidden" ] && [ -e "$hidden" ]; then mv "$hidden" "$src"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "install_check: FAIL: $*" >&2; exit 1; }

echo "install_check: cmake --install $build --prefix $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/plan share/plan/pricing/2026-05.yaml share/plan/pricing/MANIFEST.sha256 share/plan/calib/catalog.yaml \
         share/plan/profiles/early-chat.yaml share/bash-completion/completions/plan share/zsh/site-functions/_plan; do
  [ -e "$tmp/prefix/$f" ] || fail "$f was not installed"
done
if command -v help2man >/dev/null; then
  grep -q '^\.SH DESCRIPTION' "$tmp/prefix/share/man/man1/plan.1" || fail "no man page (share/man/man1/plan.1)"
  grep -q '^\.SS "plan prices import"' "$tmp/prefix/share/man/man1/plan.1" || fail "the man page has no subcommand sections"
else
  echo "install_check: help2man not installed: no man page to check"
fi
if grep -q '^PLAN_HAVE_CUDA:INTERNAL=ON' "$build/CMakeCache.txt" 2>/dev/null || ls "$build"/calib/libplan_probe_cuda.so >/dev/null 2>&1; then
  [ -e "$tmp/prefix/lib/plan/libplan_probe_cuda.so" ] || fail "the CUDA probe module was not installed in lib/plan/"
fi

echo "install_check: cpack (.deb and .tar.gz)"
(cd "$build" && cpack -G "DEB;TGZ" >/dev/null 2>&1) || fail "cpack failed (run it in $build to see why)"
deb=$(ls "$build"/packages/plan_*.deb | head -1)
listing=$(dpkg -c "$deb")
grep -q ' \./usr/bin/plan$' <<<"$listing" || fail "dpkg -c $deb does not list ./usr/bin/plan"
if [ -e "$tmp/prefix/lib/plan/libplan_probe_cuda.so" ]; then
  grep -q ' \./usr/lib/plan/libplan_probe_cuda\.so$' <<<"$listing" || fail "the .deb lacks the CUDA probe module"
fi
depends=$(dpkg-deb -f "$deb" Depends)
echo "install_check: $(basename "$deb") Depends: $depends"
grep -q 'libyaml-0-2' <<<"$depends" || fail "Depends lacks libyaml's runtime library"
grep -q 'libpq5' <<<"$depends" || fail "Depends lacks libpq5 (loaded on demand)"
grep -q 'libxlsxwriter' <<<"$depends" || fail "Depends lacks libxlsxwriter (loaded on demand)"
grep -q 'libfmt' <<<"$depends" || fail "Depends lacks fmt's runtime library"
# libpq and libxlsxwriter are loaded when a command needs them, not at start-up: linked, they
# and what they pull in (TLS, Kerberos, LDAP, zlib) cost every run about 10 ms of CPU.
needed=$(readelf -d "$tmp/prefix/bin/plan" | grep NEEDED || true)
if grep -Eq 'libpq|libxlsxwriter' <<<"$needed"; then fail "bin/plan links libpq or libxlsxwriter at start-up: $needed"; fi
ls "$build"/packages/plan-*.tar.gz >/dev/null || fail "no .tar.gz"

echo "install_check: moving the source tree away and running a relocated copy of the install"
cp -a "$tmp/prefix" "$tmp/moved"
mkdir -p "$tmp/elsewhere" "$tmp/home"
hidden="$src.hidden-$$"
mv "$src" "$hidden"
cd "$tmp/elsewhere"
run() { env -u PLAN_DATA_DIR -u XDG_DATA_HOME HOME="$tmp/home" "$tmp/moved/bin/plan" "$@"; }
out=$(run compare "$tmp/moved/share/plan/profiles/early-chat.yaml") || fail "installed plan compare exited $?"
newest=$(cd "$tmp/moved/share/plan/pricing" && ls [0-9]*.yaml | sort | tail -1)
grep -q "pricing/$newest" <<<"$out" || fail "compare does not name the installed sheet ($newest, the newest)"
list=$(run calibrate list) || fail "installed plan calibrate list exited $?"
grep -qx "no calibration files in $tmp/moved/share/plan/calib/results (shipped with the data)" <<<"$list" ||
  fail "the relocated install does not find its own data: $list"
run prices verify >/dev/null || fail "installed plan prices verify exited $?"
mv "$hidden" "$src"
hidden=""
echo "install_check: ok"
