#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs minivmm's selftests, in a fixed order, each under a time limit, and
# reports in the kselftest runner's TAP format:
#
#   TAP version 13
#   1..<number of programs>
#   # selftests: minivmm: <prog>
#       <the program's own output, indented by 4 spaces>
#   ok <n> selftests: minivmm: <prog>            (exit 0)
#   ok <n> selftests: minivmm: <prog> # SKIP     (exit 4, KSFT_SKIP)
#   not ok <n> selftests: minivmm: <prog> # TIMEOUT
#   not ok <n> selftests: minivmm: <prog> # exit=<rc>
#
# POSIX sh, for busybox: it runs as root in the test machines after
# 'modprobe minivmm'.  Expects the programs next to it.  Exits 0 only when
# every program passed or skipped.
#
# module_test must stay last: it unloads and reloads the module.
# The limits are for Bochs, the slower of the two emulators.  Each is a
# little above the sum of its program's per-case harness timeouts, so the
# harness, which stops a hung case and goes on with the next, acts first.
#
# A third field "novmx" runs a program only where the CPU has no VMX: in
# the rig, the QEMU (SVM) runs.  It marks programs whose paths are the
# same on both vendors, so that Bochs, the slow machine, spends its time on
# what only VMX can answer; on VMX they are reported as skipped.

TESTS="
api_test:300
vm_lifecycle_test:700
memslot_test:300
vcpu_test:300
conflict_test:650
regs_test:420
run_test:900
modes_test:150
guest_mem_test:240
hardening_test:300
vmctl_run_test.sh:600
linux_boot_test.sh:600
linux_boot_bench.sh:900
exit_bench.sh:400
netlink_test:300
netlink_scope_test:300
irq_test:810
irq_state_test:200
irq_bench:800
eventfd_test:400:novmx
fuzz_test:400
module_test:1400
"

# mvm.tests=PROG,PROG on the kernel command line (MINIVMM_RIG_APPEND in the
# rig) runs only those programs, for a quicker look at a few.
only=$(sed -n 's/.*mvm\.tests=\([^ ]*\).*/\1/p' /proc/cmdline 2>/dev/null | tr ',' ' ')
if [ -n "$only" ]; then
	sel=
	for t in $TESTS; do
		case " $only " in *" ${t%%:*} "*) sel="$sel $t" ;; esac
	done
	TESTS=$sel
fi

# mvm.fuzz_seed=N and mvm.fuzz_ops=N replay a fuzz_test run in the rig
# (MINIVMM_RIG_APPEND="mvm.tests=fuzz_test mvm.fuzz_seed=N").
for v in seed ops; do
	val=$(sed -n "s/.*mvm\.fuzz_$v=\([0-9]*\).*/\1/p" /proc/cmdline 2>/dev/null)
	[ -z "$val" ] || export "MINIVMM_FUZZ_$(echo "$v" | tr a-z A-Z)=$val"
done
# Without one, the seed is chosen here and printed before fuzz_test starts:
# a program's output is shown only once it has ended, and the seed must
# outlive a machine that died under the fuzzer (an emulator that aborted).
if [ -z "${MINIVMM_FUZZ_SEED:-}" ]; then
	MINIVMM_FUZZ_SEED=$(od -An -N4 -tu4 /dev/urandom 2>/dev/null | tr -d ' ')
	[ -n "$MINIVMM_FUZZ_SEED" ] || MINIVMM_FUZZ_SEED=$(date +%s)
	export MINIVMM_FUZZ_SEED
fi
# mvm.bench_boots=N: linux_boot_bench.sh boots the guest N times under
# each hypervisor (a reliability count: MINIVMM_RIG_APPEND="mvm.tests=
# linux_boot_bench.sh mvm.bench_boots=25").
val=$(sed -n 's/.*mvm\.bench_boots=\([0-9]*\).*/\1/p' /proc/cmdline 2>/dev/null)
[ -z "$val" ] || export MINIVMM_BENCH_BOOTS=$val
# mvm.bench_rounds=N, mvm.bench_iters=N: exit_bench.sh's size (make bench).
for v in rounds iters; do
	val=$(sed -n "s/.*mvm\.bench_$v=\([0-9]*\).*/\1/p" /proc/cmdline 2>/dev/null)
	[ -z "$val" ] || export "MINIVMM_BENCH_$(echo "$v" | tr a-z A-Z)=$val"
done
val=$(sed -n 's/.*mvm\.bench_pin=\([0-9]*\).*/\1/p' /proc/cmdline 2>/dev/null)
[ -z "$val" ] || export MINIVMM_BENCH_PIN=$val

KSFT_SKIP=4

cd "$(dirname "$0")" || exit 1

# Where a program leaves figures for a later one (linux_boot_test.sh's
# boot for linux_boot_bench.sh); fresh for each run.sh.
MINIVMM_FIGURES=${TMPDIR:-/tmp}/minivmm-figures.$$
export MINIVMM_FIGURES

# Programs print a nested plan without their own "TAP version" line.
KSFT_TAP_LEVEL=1
export KSFT_TAP_LEVEL

# Each program writes to a file, indented once it has ended.  Through a pipe
# instead, a process it left behind (a test case stuck in the kernel that
# outlived its killed parent) would hold the pipe open, and this script
# would wait for it forever.
tmp=${TMPDIR:-/tmp}
mkdir -p "$tmp" 2>/dev/null
out=$(mktemp "$tmp/minivmm-selftest.XXXXXX") || exit 1
trap 'rm -rf "$out" "$MINIVMM_FIGURES"' EXIT

count=0
for t in $TESTS; do
	count=$((count + 1))
done

echo "TAP version 13"
echo "1..$count"

n=0
failed=0
for t in $TESTS; do
	n=$((n + 1))
	prog=${t%%:*}
	limit=${t#*:}
	where=${limit#*:}
	[ "$where" = "$limit" ] && where=
	limit=${limit%%:*}
	echo "# selftests: minivmm: $prog"
	if [ "$where" = novmx ] && grep -qw vmx /proc/cpuinfo; then
		echo "ok $n selftests: minivmm: $prog # SKIP vendor-neutral, runs on SVM"
		continue
	fi

	[ "$prog" != fuzz_test ] ||
		echo "# fuzz_test seed $MINIVMM_FUZZ_SEED (replay in the rig: MINIVMM_RIG_APPEND=\"mvm.tests=fuzz_test mvm.fuzz_seed=$MINIVMM_FUZZ_SEED\")"
	start=$(date +%s)
	timeout "$limit" "./$prog" >"$out" 2>&1 </dev/null
	rc=$?
	elapsed=$(( $(date +%s) - start ))
	sed 's/^/    /' "$out"
	# The machine's clock: guest seconds under Bochs, which is where the
	# rig's time goes (Documentation/testing.rst, timings).
	echo "# $prog took $elapsed s"

	# busybox timeout kills with SIGTERM (status 143), coreutils' exits 124.
	if [ "$rc" = 124 ] || { [ "$rc" = 143 ] && [ "$elapsed" -ge "$limit" ]; }; then
		echo "not ok $n selftests: minivmm: $prog # TIMEOUT"
		failed=$((failed + 1))
	elif [ "$rc" = 0 ]; then
		echo "ok $n selftests: minivmm: $prog"
	elif [ "$rc" = "$KSFT_SKIP" ]; then
		echo "ok $n selftests: minivmm: $prog # SKIP"
	else
		echo "not ok $n selftests: minivmm: $prog # exit=$rc"
		failed=$((failed + 1))
	fi
done

[ "$failed" -eq 0 ]
