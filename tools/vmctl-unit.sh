#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmctl's host-side unit tests (userspace/vmctl/tests/*_test.c, the ones
# 'make -C userspace/vmctl test' runs), one case per test program, as TAP
# on stdout:
#
#   vmctl-unit.sh LOG
#
# A program's own TAP goes to LOG; the lines of its failed cases are shown
# above its "not ok" line.  Exits 0 when every program passed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
log=${1:?usage: vmctl-unit.sh LOG}
make=${MAKE:-make}
dir=$top/userspace/vmctl
: >"$log"

progs=
for src in "$dir"/tests/*_test.c; do
	progs="$progs $(basename "$src" .c)"
done
# shellcheck disable=SC2086 # one word per program
set -- $progs
echo "1..$#"

# Built together first: one build error fails every program, visibly.
targets=
for p in $progs; do
	targets="$targets tests/$p"
done
# shellcheck disable=SC2086 # one word per target
if ! $make -s -C "$dir" vmctl $targets >>"$log" 2>&1; then
	echo "# the build failed; its output is in $log"
fi

n=0
failed=0
for p in $progs; do
	n=$((n + 1))
	echo "## tests/$p" >>"$log"
	out=$(cd "$dir" && "./tests/$p" ./vmctl 2>&1)
	rc=$?
	printf '%s\n' "$out" >>"$log"
	bad=$(printf '%s\n' "$out" | grep '^not ok')
	plan=$(printf '%s\n' "$out" | grep -c '^ok ')
	if [ "$rc" -eq 0 ] && [ -z "$bad" ] && [ "$plan" -gt 0 ]; then
		echo "ok $n $p ($plan cases)"
	else
		[ -n "$bad" ] && printf '%s\n' "$bad" | sed 's/^/# /'
		[ "$plan" -gt 0 ] || echo "# no case passed (exit $rc)"
		echo "not ok $n $p"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
