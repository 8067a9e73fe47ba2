#!/usr/bin/env bash
# Installs everything plan needs to build and test on Debian 12, as root.
# help2man writes the man page at install time, dpkg-dev's dpkg-shlibdeps the .deb's
# dependencies, and zsh checks the zsh completion script. postgresql is the server the tests
# of `plan profile import postgresql://...` start and stop themselves (libpq-dev is the client).
# Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libyaml-dev nlohmann-json3-dev libfmt-dev libeigen3-dev catch2 libbenchmark-dev
  libxlsxwriter-dev
  libpq-dev postgresql
  clang clang-tidy libclang-rt-14-dev python3 python3-openpyxl
  help2man dpkg-dev zsh
  locales
  chromium
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all packages present"
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The comma-decimal locale the [locale] unit test renders under (tests/unit/test_locale.cpp).
# Enabled in /etc/locale.gen and generated once; left alone when already there.
locale_name=de_DE.UTF-8
if locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
  echo "setup: locale $locale_name present"
else
  echo "setup: generating locale $locale_name"
  if grep -q "^# *$locale_name UTF-8" /etc/locale.gen; then
    $SUDO sed -i "s/^# *$locale_name UTF-8/$locale_name UTF-8/" /etc/locale.gen
  elif ! grep -q "^$locale_name UTF-8" /etc/locale.gen; then
    echo "$locale_name UTF-8" | $SUDO tee -a /etc/locale.gen >/dev/null
  fi
  $SUDO locale-gen
fi
