#!/usr/bin/env bash
# Writes the man page plan.1 with help2man (Debian package help2man): the top-level `--help`
# as help2man lays it out, then a SUBCOMMANDS section with one subsection per subcommand
# (nested ones too, e.g. "plan prices import"), each its own `--help` text as is.
#   scripts/man_page.sh PLAN OUT.1 "SHORT DESCRIPTION"
# Run at install time by cmake/install.cmake and by the man-page test.
set -euo pipefail
plan=$1 out=$2 name=$3
include=$(mktemp)
trap 'rm -f "$include"' EXIT

# The names under "Subcommands:" of a --help text, one a line.
subcommands() { sed -n '/^Subcommands:$/,/^$/ s/^  \([a-z][a-z0-9-]*\) .*/\1/p'; }

# A --help text as roff: preformatted, backslashes and minus signs escaped, a leading
# '.' or "'" kept from being read as a request.
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

section() {  # section WORD...  (the subcommand path, e.g. prices import)
  local help
  help=$("$plan" "$@" --help)
  printf '.SS "plan %s"\n.nf\n' "$*"
  roff <<<"$help"
  printf '.fi\n'
  local sub
  for sub in $(subcommands <<<"$help"); do section "$@" "$sub"; done
}

{
  echo '[SUBCOMMANDS]'
  echo 'Each subcommand takes the options shown in its own section, after the global options above.'
  for sub in $("$plan" --help | subcommands); do section "$sub"; done
} >"$include"

help2man --no-info --no-discard-stderr --name "$name" --include "$include" --output "$out" "$plan"
