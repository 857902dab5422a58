# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154 # $log and $msg are the caller's
#
# The case runner of the host checks that print TAP (install-check.sh,
# dkms-check.sh, vmctl-check.sh), sourced by each once it has set $log
# (where the cases' commands write) and $msg (a scratch file):
#
#   case_ DESC CMD [ARG...]   one case: "ok N DESC" when CMD succeeds
#   say TEXT                  in CMD: why it failed
#   skip TEXT                 in CMD: 'skip TEXT; return' skips the case
#
# What CMD said is printed as "# " lines above its result line, which is
# where tools/testvm/count.sh takes a failed case's diagnostics from.  A
# skip counts only when skip() made it: a command that merely returns 2
# (grep's status for an error, say) has failed.  $n counts the cases and
# $failed the failures.

n=0
failed=0

case_() {
	desc=$1
	shift
	n=$((n + 1))
	: >"$msg"
	rm -f "$msg.skip"
	echo "## $n $desc" >>"$log"
	"$@" >>"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok $n $desc"
	elif [ "$rc" -eq 2 ] && [ -e "$msg.skip" ]; then
		echo "ok $n $desc # SKIP $(head -n 1 "$msg")"
	else
		sed 's/^/# /' "$msg"
		echo "not ok $n $desc"
		failed=$((failed + 1))
	fi
}

say() {
	echo "$*" >>"$msg"
}

skip() {
	say "$*"
	: >"$msg.skip"
	return 2
}
