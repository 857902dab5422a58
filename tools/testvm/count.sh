#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Count one test VM run:
#
#   count.sh DIR NAME
#
# reads DIR/NAME.tap (run.sh's TAP stream), DIR/NAME.console.log,
# DIR/NAME.dmesg.log and DIR/NAME.status (from run-vm.sh), prints each
# failure briefly, with up to 6 of the failed case's own diagnostic lines
# (the "# " lines the harness printed since its RUN line, so a CI log
# says why without the TAP file), and writes "PASS FAIL SKIP" to
# DIR/NAME.counts.  A VM that ended without its end marker also gets the
# emulator's fatal lines from DIR/NAME.emulator.log (QEMU's "qemu: fatal:",
# Bochs's panics).
#
# Rules:
#  - each indented (4 spaces) "ok"/"not ok" line is one case: a pass, a
#    failure, or a skip when it carries "# SKIP";
#  - a program whose own line is "not ok" but none of whose cases failed
#    counts one more failure (it crashed, timed out or exited non-zero);
#  - a program with fewer cases than its nested plan "1..N" counts each
#    missing case as a failure, and programs missing from the top-level
#    plan count one failure each;
#  - a program that printed no cases at all counts once, by its own line;
#  - each run-level problem counts one failure: the run could not be set up
#    (its kernel or modules failed to build), the VM timed out, it never
#    wrote the end marker, modprobe minivmm failed, or the kernel log has a
#    BUG, WARNING, Oops, panic, lockdep, KASAN, UBSAN, kmemleak or hung-task
#    report, a "cut here" line or a Call Trace.
set -eu

dir=${1:?usage: count.sh DIR NAME}
name=${2:?usage: count.sh DIR NAME}
tap=$dir/$name.tap
console=$dir/$name.console.log
dmesg=$dir/$name.dmesg.log
status=$dir/$name.status
for f in "$tap" "$console" "$dmesg" "$status"; do
	[ -f "$f" ] || : >"$f"
done

# Kernel log reports that mean the run failed whatever the tests said.
# Anchored where a bare word would also match harmless boot messages (the
# stock kernel prints "Speculative Return Stack Overflow: WARNING: ...").
bad='BUG:|(^|[]] +)WARNING:|WARNING: CPU: [0-9]+ PID:|Oops|general protection'
bad=$bad'|Kernel panic|possible circular locking|KASAN|UBSAN'
# Lockdep's reports open with WARNING: or INFO: and end by turning it off;
# the bare word is no report ("RCU lockdep checking is enabled" at boot).
bad=$bad'|(^|[]] +)INFO: possible|lockdep is turned off'
bad=$bad'|turning off the locking correctness validator'
bad=$bad'|kmemleak: [0-9]+ new suspected memory leak|unreferenced object 0x'
bad=$bad'|Call Trace:|INFO: task .* blocked for more than|detected stalls?'
bad=$bad'|soft lockup|hard LOCKUP|-+\[ cut here \]-+'

awk -v name="$name" -v statusfile="$status" -v bad="$bad" \
    -v consolefile="$console" -v dmesgfile="$dmesg" -v emulogfile="$dir/$name.emulator.log" -v counts="$dir/$name.counts" '
# Log scanning.  One splat is exempt: the CPUID leaf 0xD Bochs emulates
# sometimes disagrees with its own XSAVE layout, and the stock kernel then
# warns "XSAVE consistency problem" from fpu__init_system_xstate() at boot,
# long before minivmm loads.  From its "cut here" line to its end-of-trace
# line that splat is skipped; any other splat, before or after, still counts.
function note_bad(where, line) {
	if (nbad++ < 5)
		badlines = badlines "\n    " where ": " line
}
function flush_cut(where) {
	if (cutline != "")
		note_bad(where, cutline)
	cutline = ""
}
function scan(where, line) {
	if (skipping) {
		if (line ~ /---\[ end trace/)
			skipping = 0
		return
	}
	if (cutline != "") {
		if (line ~ /XSAVE consistency problem/) {
			cutline = ""
			skipping = 1
			return
		}
		flush_cut(where)
	}
	if (line ~ /-+\[ cut here \]-+/) {
		cutline = line
		return
	}
	if (line ~ bad)
		note_bad(where, line)
}
function fail(n, what) {
	nfail += n
	if (nshown < 40)
		printf "FAIL %s: %s\n", name, what
	else if (nshown == 40)
		printf "FAIL %s: ... (more in %s.tap)\n", name, name
	nshown++
}
function end_program(top_ok, top_skip, label,    missing) {
	if (!inprog)
		return
	if (ncases == 0) {
		# No nested TAP: the program line is the only result.
		if (top_skip)
			nskip++
		else if (top_ok)
			npass++
		else
			fail(1, prog ": " label)
	} else {
		if (!top_ok && pfail == 0)
			fail(1, prog ": " label)
		missing = plan - ncases
		if (plan >= 0 && missing > 0)
			fail(missing, prog ": " missing " of " plan " cases never reported")
	}
	# What run.sh said before the program ran (the fuzz seed).
	if (!top_ok && !top_skip && pnote != "")
		printf "    %s\n", pnote
	inprog = 0
	nprogs++
}
BEGIN {
	toplan = -1
	while ((getline line < statusfile) > 0)
		if (line ~ /^(setup|timeout|panic|reboot): /) { problem = line; sub(/^[a-z]*: /, "", problem) }
}
/^# selftests: minivmm: / {
	end_program(0, 0, "ended without a result line (run.sh stopped)")
	prog = substr($0, 23)
	inprog = 1; ncases = 0; pfail = 0; plan = -1; pnote = ""
	next
}
# The diagnostics of a case: the "# " lines from its RUN line on.
/^    #  RUN / { ndiag = 0; next }
/^    # / {
	if ($0 !~ /^    # +(OK|FAIL|SKIP) /)
		diag[++ndiag] = substr($0, 7)
	next
}
/^    1\.\.[0-9]+/ {
	if (inprog && plan < 0) plan = substr($1, 4) + 0
	next
}
/^    (not )?ok [0-9]+/ {
	if (!inprog) { prog = "(no program line)"; inprog = 1; ncases = 0; pfail = 0; plan = -1 }
	ncases++
	desc = $0
	sub(/^    (not )?ok [0-9]+ ?(- )?/, "", desc)
	if (desc ~ /# *[Ss][Kk][Ii][Pp]/)
		nskip++
	else if ($1 == "ok")
		npass++
	else {
		pfail++
		fail(1, prog ": " desc)
		for (i = 1; i <= ndiag && i <= 6 && nshown <= 40; i++)
			printf "    %s\n", diag[i]
	}
	ndiag = 0
	next
}
/^(not )?ok [0-9]+ selftests: minivmm: / {
	if (!inprog) { prog = $0; sub(/.*selftests: minivmm: /, "", prog); sub(/ #.*/, "", prog); inprog = 1; ncases = 0; pfail = 0; plan = -1 }
	label = $0
	sub(/.*selftests: minivmm: [^ ]*/, "", label)
	sub(/^ *# */, "", label)
	if (label == "") label = "program failed"
	end_program($1 == "ok", $0 ~ /# *[Ss][Kk][Ii][Pp]/, label)
	next
}
/^1\.\.[0-9]+/ { if (toplan < 0) toplan = substr($1, 4) + 0; next }
/^# minivmm-rig: modprobe minivmm failed/ { fail(1, "modprobe minivmm failed (see console log)"); next }
/^# minivmm-rig: end of tests/ { ended = 1; next }
/^# / { if (inprog && ncases == 0 && plan < 0) pnote = substr($0, 3); next }
END {
	end_program(0, 0, "ended without a result line (run.sh stopped)")
	if (toplan > nprogs)
		fail(toplan - nprogs, (toplan - nprogs) " of " toplan " programs never ran")
	if (problem != "")
		fail(1, problem)
	else if (!ended) {
		fail(1, "the VM ended without the end marker (kernel crash or panic?)")
		# The emulator may have died itself: its own last words.
		while ((getline line < emulogfile) > 0)
			if (line ~ /^qemu: fatal:|^qemu-system-x86_64: [^w]|>>PANIC<<|^[0-9]+p\[/ && nemu++ < 4)
				printf "    %s: %s\n", emulogfile, line
	}
	nbad = 0
	while ((getline line < consolefile) > 0)
		scan("console", line)
	flush_cut("console")
	while ((getline line < dmesgfile) > 0)
		scan("dmesg", line)
	flush_cut("dmesg")
	if (nbad > 0)
		fail(1, "kernel log reports a problem (" nbad " lines)" badlines)
	printf "%d %d %d\n", npass, nfail, nskip > counts
	printf "%s: %d passed, %d failed, %d skipped\n", name, npass, nfail, nskip
}
' "$tap"
