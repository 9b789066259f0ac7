#!/bin/sh
# Check that a service's migration holds the statements of a template of
# common/templates/ filled in with its names: comments and blank lines
# aside, the two must be the same, so the template a new service copies is
# the one the case service has run in production.
#
#   check.sh TEMPLATE MIGRATION [@KEY@=value ...]
set -eu
template=$1
migration=$2
shift 2
script=
for pair in "$@"; do
    script="$script;s|${pair%%=*}|${pair#*=}|g"
done
statements() { grep -v '^ *--' | grep -v '^ *$'; }
sed -e "${script#;}" "$template" | statements > "${TMPDIR:-/tmp}/cg-template.$$"
trap 'rm -f "${TMPDIR:-/tmp}/cg-template.$$"' EXIT
statements < "$migration" | diff -u "${TMPDIR:-/tmp}/cg-template.$$" -
