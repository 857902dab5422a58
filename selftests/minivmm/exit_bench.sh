#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "vmctl bench" in the rig: minivmm's exits next to the host's KVM, the
# same guest under each in this one boot (Documentation/performance.rst).
# A benchmark, not a timed test: the one case passes when vmctl bench ran
# every case under each hypervisor with the exits, counts and values the
# case makes; its table is printed as "# " lines, never judged.
#
#   exit_bench          vmctl bench --accel both (minivmm alone where the
#                       kernel has no KVM: the rig's debug kernel,
#                       MINIVMM_RIG_NO_KVM): VMs without an irqchip
#   exit_bench_irqchip  the same with --irqchip, as a Linux guest runs
#
# MINIVMM_BENCH_ROUNDS and MINIVMM_BENCH_ITERS (mvm.bench_rounds=,
# mvm.bench_iters= in the rig; make bench sets them) size it; make check
# runs one short round, so that the program never rots.  The KVM module
# is loaded for the run and unloaded after.  POSIX sh for busybox.

KSFT_SKIP=4
vmctl=${VMCTL:-$(command -v vmctl)}
if [ -z "$vmctl" ] || [ ! -x "$vmctl" ]; then
	echo "1..0 # SKIP vmctl not found (set VMCTL)"
	exit $KSFT_SKIP
fi
if [ ! -c /dev/minivmm ]; then
	echo "1..0 # SKIP /dev/minivmm missing (is minivmm loaded?)"
	exit $KSFT_SKIP
fi

rounds=${MINIVMM_BENCH_ROUNDS:-1}
iters=${MINIVMM_BENCH_ITERS:-100}
if grep -qw vmx /proc/cpuinfo; then
	kvm_mod=kvm_intel
else
	kvm_mod=kvm_amd
fi

echo "1..2"
accel=both
loaded=
if [ -n "$MINIVMM_RIG_NO_KVM" ]; then
	echo "# minivmm alone: $MINIVMM_RIG_NO_KVM"
	accel=minivmm
elif [ ! -c /dev/kvm ]; then
	if ! modprobe "$kvm_mod"; then
		echo "not ok 1 exit_bench # modprobe $kvm_mod failed"
		echo "not ok 2 exit_bench_irqchip # modprobe $kvm_mod failed"
		exit 1
	fi
	loaded=1
fi

failed=0
n=0
for variant in "" --irqchip; do
	n=$((n + 1))
	name=exit_bench${variant:+_irqchip}
	# shellcheck disable=SC2086 # $variant is one word or none
	out=$("$vmctl" bench --accel "$accel" --rounds "$rounds" \
		--iters "$iters" $variant 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name # vmctl bench exit status $rc"
		failed=1
	fi
done
[ -z "$loaded" ] || modprobe -r "$kvm_mod" kvm 2>/dev/null
exit $failed
