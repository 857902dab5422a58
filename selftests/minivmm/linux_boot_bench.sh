#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A benchmark, not a timed test: the stock Linux guest of /boot/guest boots
# to /init under "vmctl run" on minivmm, then on the host's own KVM
# (--accel kvm: the same loader, ACPI tables and devices, only the
# hypervisor differs), in this same emulated machine, and the figures are
# printed side by side:
#
#   # minivmm boot 1: /init at 3.10 s (vmctl), 2.64 s (guest clock), 41234 exits
#   # exits by kind under minivmm: io 30000, ...
#   # /init (median of 3): minivmm 3.10 s, kvm 2.80 s: minivmm/kvm 1.11
#
# "At" is counted from vmctl's start to the guest opening its console for
# /init (vmctl --trace-boot); the guest clock is /init's own uptime.  The
# cases only say whether each hypervisor booted the guest (each boot
# powered off, vmctl exit status 0): a figure is never judged.  A boot that
# hangs (no power-off within the limit) is counted and reported; for
# minivmm it fails the case, for KVM it does not (the stock kvm_amd is
# known to hang in QEMU's SVM: tools/testvm/README), unless every boot
# hung.  MINIVMM_BENCH_BOOTS sets the boots per hypervisor (default 1;
# with one, minivmm's boot is linux_boot_test.sh's, see reuse below).
# POSIX sh for busybox.

KSFT_SKIP=4
guest=${MINIVMM_LINUX_GUEST:-/boot/guest}
vmctl=${VMCTL:-$(command -v vmctl)}
if [ -z "$vmctl" ] || [ ! -c /dev/minivmm ] || [ ! -r "$guest/vmlinuz" ]; then
	echo "1..0 # SKIP needs vmctl, /dev/minivmm and a guest in $guest"
	exit $KSFT_SKIP
fi

# The benchmark is the comparison: without KVM (the rig's debug kernel)
# there is none to make, and boot times on a KASAN kernel say nothing of
# minivmm.  The guest's boot there is linux_boot_test.sh's to check.
if [ -n "$MINIVMM_RIG_NO_KVM" ]; then
	echo "1..0 # SKIP no KVM to compare with: $MINIVMM_RIG_NO_KVM"
	exit $KSFT_SKIP
fi

# One boot each by default: make check's time, and the open guest panic
# (testing.rst) is met once per boot; mvm.bench_boots=N for medians.
boots=${MINIVMM_BENCH_BOOTS:-1}
if grep -qw vmx /proc/cpuinfo; then
	kvm_mod=kvm_intel
else
	kvm_mod=kvm_amd
fi
limit=${MINIVMM_LINUX_TIMEOUT:-120}
# MINIVMM_BENCH_PIN=N: vmctl (and so the vCPU) stays on CPU N.  In the
# rig's QEMU (SVM under TCG) it is CPU 1 by default: there a nested guest
# whose vCPU thread moves between the machine's CPUs hangs now and then,
# under KVM as under minivmm (tools/testvm/README).
pin_cpu=$MINIVMM_BENCH_PIN
if [ -z "$pin_cpu" ] && [ -n "$MINIVMM_RIG" ] && grep -qw svm /proc/cpuinfo; then
	pin_cpu=1
fi
pin=
[ -z "$pin_cpu" ] || pin="taskset -c $pin_cpu"
# With one boot each, minivmm's is linux_boot_test.sh's own when it
# left its figures (run.sh sets MINIVMM_FIGURES): the same kernel, memory
# and machine, booted to /init, so the one boot Bochs can afford goes to
# KVM.
reuse=0
if [ "$boots" = 1 ] && [ -n "$MINIVMM_FIGURES" ] &&
   [ -s "$MINIVMM_FIGURES/linux_boot.err" ]; then
	reuse=1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "1..2"
n=0
failed=0

# median FILE: the middle of the numbers in FILE, one per line.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# bench ACCEL: boot $boots times; figures in $tmp/ACCEL.*; sets ok, hangs.
bench() {
	accel=$1
	ok=0 hangs=0
	: >"$tmp/$accel.at"
	i=0
	while [ "$i" -lt "$boots" ]; do
		i=$((i + 1))
		out=$tmp/$accel.out.$i
		err=$tmp/$accel.err.$i
		if [ "$accel" = minivmm ] && [ "$i" = 1 ] && [ "$reuse" = 1 ]; then
			cp "$MINIVMM_FIGURES/linux_boot.out" "$out"
			cp "$MINIVMM_FIGURES/linux_boot.err" "$err"
			rc=0
			echo "# minivmm boot 1 is linux_boot_test.sh's, in this same machine"
		else
			timeout "$limit" $pin "$vmctl" run --accel "$accel" \
				--mem 256M --trace-boot --exit-stats \
				--cmdline "quiet mvm.guest=bench" \
				--initrd "$guest/initrd.gz" "$guest/vmlinuz" \
				</dev/null >"$out" 2>"$err"
			rc=$?
		fi
		at=$(sed -n 's/^vmctl: boot: \([0-9.]*\) s: console opened.*/\1/p' "$err")
		own=$(sed -n 's/^mvm-guest: init=\([0-9.]*\).*/\1/p' "$out")
		total=$(sed -E -n 's/^(vmctl: )?exits: total ([0-9]+).*/\2/p' "$err")
		if [ "$rc" = 0 ] && [ -n "$at" ] && [ -n "$own" ]; then
			ok=$((ok + 1))
			echo "$at" >>"$tmp/$accel.at"
			echo "# $accel boot $i: /init at $at s (vmctl), $own s (guest clock), ${total:-?} exits"
			[ -s "$tmp/$accel.kinds" ] ||
				sed -E -n 's/^(vmctl: )?exits: ([a-z_0-9]+) ([0-9]+)$/\2 \3/p' "$err" |
				grep -v '^total ' >"$tmp/$accel.kinds"
		else
			[ "$rc" = 124 ] || [ "$rc" = 143 ] && hangs=$((hangs + 1))
			echo "# $accel boot $i: no power-off (vmctl exit status $rc); the end of its console and stderr:"
			tail -n 120 "$out" | sed 's/^/#   /'
			tail -n 15 "$err" | sed 's/^/#   /'
		fi
	done
	if [ -s "$tmp/$accel.kinds" ]; then
		echo "# exits by kind under $accel, boot 1: $(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' "$tmp/$accel.kinds")"
	fi
	echo "# $accel: $ok of $boots boots reached /init and powered off, $hangs hung"
}

bench minivmm
n=$((n + 1))
if [ "$ok" = "$boots" ]; then
	echo "ok $n boot_minivmm"
else
	echo "not ok $n boot_minivmm"
	failed=$((failed + 1))
fi

n=$((n + 1))
if [ -n "$MINIVMM_RIG_NO_KVM" ]; then
	echo "ok $n boot_kvm # SKIP $MINIVMM_RIG_NO_KVM"
elif ! modprobe "$kvm_mod"; then
	echo "not ok $n boot_kvm # modprobe $kvm_mod failed"
	failed=$((failed + 1))
else
	bench kvm
	modprobe -r "$kvm_mod" kvm 2>/dev/null
	if [ "$ok" -gt 0 ]; then
		echo "ok $n boot_kvm"
	else
		echo "not ok $n boot_kvm"
		failed=$((failed + 1))
	fi
fi

m=$(median "$tmp/minivmm.at")
k=$( [ -s "$tmp/kvm.at" ] && median "$tmp/kvm.at")
if [ -n "$m" ] && [ -n "$k" ]; then
	echo "# /init (median of $boots): minivmm $m s, kvm $k s: minivmm/kvm $(awk -v a="$m" -v b="$k" 'BEGIN { printf "%.2f", a / b }')"
fi

[ "$failed" -eq 0 ]
