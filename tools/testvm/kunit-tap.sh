#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Turn the KUnit results of the suites that minivmm_kunit.ko ran into the
# TAP that run.sh writes, one program block per suite, so that count.sh
# counts every KUnit case:
#
#   kunit-tap.sh FIRST SUITE...   < kernel log (dmesg, timestamps allowed)
#
#   # selftests: minivmm: kunit:<suite>
#       1..<cases>
#       ok 1 <case>
#       ok 2 <parameterised case>: <parameter>      one line per parameter
#       not ok 3 <case>
#       # <KUnit's diagnostics for the failure>
#   ok <FIRST> selftests: minivmm: kunit:<suite>
#
# Programs are numbered from FIRST, in the order given.  The kernel log is
# the source, not /sys/kernel/debug/kunit/<suite>/results: 6.1 keeps only
# 512 bytes of log per case there, too few for a parameterised case.  That
# file's verdict (its last line) is checked too when it exists: the suite
# passes only if both agree it did.
#
# A suite that never started, or stopped before its last case (the module
# failed to load, a case crashed the loading process), is "not ok" with
# the cases it never reported failed.  If a suite ran more than once, the
# last run counts.
#
# POSIX sh and awk, for busybox: it runs inside the test VM (init.sh).
set -eu

first=${1:?usage: kunit-tap.sh FIRST SUITE... <dmesg}
shift
debugfs=${KUNIT_DEBUGFS:-/sys/kernel/debug/kunit}

log=$(mktemp "${TMPDIR:-/tmp}/kunit-log.XXXXXX")
trap 'rm -f "$log"' EXIT
# Drop printk timestamps ("[    5.123456] "); keep KUnit's indentation.
sed 's/^\[[ 0-9.]*\] //' >"$log"

n=$first
for suite in "$@"; do
	verdict=
	if [ -r "$debugfs/$suite/results" ]; then
		verdict=$(tail -n 1 "$debugfs/$suite/results")
	fi
	awk -v suite="$suite" -v num="$n" -v verdict="$verdict" '
	# Collect the last run of the suite: from its "# Subtest:" line at
	# one indent to its own result line at none.
	$0 == "    # Subtest: " suite {
		inside = 1; started = 1; ended = 0
		nl = 0; ncases = 0; plan = -1; result = ""; nparams = 0
		nleaf = 0; pfail = 0; pend = ""
		next
	}
	!inside { next }
	/^    1\.\.[0-9]+$/ && plan < 0 { plan = substr($0, 8) + 0; next }
	/^        KTAP version/ || /^    KTAP version/ { next }
	/^        # Subtest: / { nparams = 0; pfail = 0; next }
	# One parameter of a parameterised case.
	/^        (not )?ok [0-9]+ / {
		line = $0
		sub(/^        /, "", line)
		ok = line !~ /^not /
		sub(/^(not )?ok [0-9]+ /, "", line)
		pdesc[++nparams] = line
		pok[nparams] = ok
		pdiag[nparams] = pend
		pend = ""
		if (!ok) pfail++
		next
	}
	# The result of one case; its parameters, if any, came just before.
	/^    (not )?ok [0-9]+ / {
		line = $0
		sub(/^    /, "", line)
		ok = line !~ /^not /
		sub(/^(not )?ok [0-9]+ /, "", line)
		name = line
		directive = ""
		if (match(name, / # /)) {
			directive = substr(name, RSTART)
			name = substr(name, 1, RSTART - 1)
		}
		ncases++
		if (nparams > 0) {
			for (i = 1; i <= nparams; i++) {
				diag(pdiag[i])
				leaf(pok[i], name ": " pdesc[i])
			}
			diag(pend)
			# A case that failed with every parameter passing
			# (it crashed between them): one failure more.
			if (!ok && pfail == 0)
				leaf(0, name ": failed outside its parameters")
		} else {
			diag(pend)
			leaf(ok, name directive)
		}
		nparams = 0; pfail = 0; pend = ""
		next
	}
	/^(not )?ok [0-9]+ / {
		line = $0
		sub(/^(not )?ok [0-9]+ /, "", line)
		sub(/ #.*/, "", line)
		if (line == suite) {
			result = $1
			inside = 0; ended = 1
		}
		next
	}
	# Anything else inside the suite is a diagnostic: keep it, as a
	# comment that cannot pass for a result, before the result it
	# precedes in the KUnit output.
	{
		line = $0
		sub(/^ +/, "", line)
		sub(/^# */, "", line)
		if (line != "")
			pend = pend "    # " line "\n"
	}
	function diag(lines,    n, i, l) {
		n = split(lines, l, "\n")
		for (i = 1; i <= n; i++)
			if (l[i] != "")
				out[++nl] = l[i]
	}
	function leaf(ok, desc) {
		nleaf++
		out[++nl] = sprintf("    %s %d %s", ok ? "ok" : "not ok", nleaf, desc)
	}
	END {
		print "# selftests: minivmm: kunit:" suite
		if (!started) {
			print "    1..1"
			print "    not ok 1 " suite " did not run (minivmm_kunit.ko not loaded, or no such suite)"
			printf "not ok %d selftests: minivmm: kunit:%s # did not run\n", num, suite
			exit
		}
		diag(pend)
		missing = plan > ncases ? plan - ncases : 0
		printf "    1..%d\n", nleaf + missing
		for (i = 1; i <= nl; i++)
			print out[i]
		for (i = 1; i <= missing; i++)
			printf "    not ok %d case %d of %d never reported\n", nleaf + i, ncases + i, plan
		why = ""
		if (!ended)
			why = "stopped before its end"
		else if (verdict != "" && verdict !~ "^ok 1 ")
			why = "debugfs: " verdict
		if (why == "" && result == "ok" && missing == 0)
			printf "ok %d selftests: minivmm: kunit:%s\n", num, suite
		else
			printf "not ok %d selftests: minivmm: kunit:%s # %s\n", num, suite,
			       why != "" ? why : "failed"
	}
	' "$log"
	n=$((n + 1))
done
