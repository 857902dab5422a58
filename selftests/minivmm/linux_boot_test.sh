#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A stock Linux kernel boots under "vmctl run" to a shell on the serial
# console.  The guest is the test VM's own kernel and a busybox initramfs
# (/boot/guest, put there by tools/testvm/mkinitramfs.sh) whose /init
# (tools/testvm/guest-init.sh, mvm.guest=check) prints what it found as
# "mvm-guest: KEY=VALUE" lines; this script feeds the console through a
# FIFO on vmctl's stdin, as a person at the terminal would type:
#
#   boots_to_init        /init ran and printed its facts
#   clocksource_tsc      the clocksource is tsc (no PIT, no HPET, no kvmclock)
#   clockevent_lapic     the clockevent is the local APIC, TSC-deadline mode
#   sleep_one_second     "sleep 1" took 0.9-1.5 s of the guest's clock
#                        (less what a "sleep 0" took: process starts)
#   dmesg_clean          no warning, BUG, oops or refused MSR in its log
#   console_input        a command typed on the console runs, and its
#                        answer comes back
#   serial_irq4          the 8250 driver's IRQ 4 fired (I/O APIC pin 4)
#   powered_off          the guest powered off (ACPI S5): vmctl says so and
#                        exits 0
#   refuse_*             bad images and options: status 1, a message that
#                        names the cause, no VM started
#
# The guest's whole console is shown when a case fails.  POSIX sh for
# busybox.  Exits 0 when all passed, 1 otherwise, 4 (skip) without
# /dev/minivmm, vmctl or the guest.

KSFT_SKIP=4
guest=${MINIVMM_LINUX_GUEST:-/boot/guest}
vmctl=${VMCTL:-$(command -v vmctl)}
if [ -z "$vmctl" ] || [ ! -x "$vmctl" ]; then
	echo "1..0 # SKIP vmctl not found (set VMCTL)"
	exit $KSFT_SKIP
fi
if [ ! -c /dev/minivmm ]; then
	echo "1..0 # SKIP /dev/minivmm missing (is minivmm loaded?)"
	exit $KSFT_SKIP
fi
if [ ! -r "$guest/vmlinuz" ] || [ ! -r "$guest/initrd.gz" ]; then
	echo "1..0 # SKIP no Linux guest in $guest (tools/testvm/mkinitramfs.sh)"
	exit $KSFT_SKIP
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-boot.XXXXXX") || exit 1
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
out=$tmp/out
err=$tmp/err

# The boot's limit, in seconds of the test VM's clock.  In Bochs that
# clock follows the emulated instructions, so the same limit holds there.
limit=${MINIVMM_LINUX_TIMEOUT:-240}

n=0
failed=0
shown=
echo "1..12"

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n $2"
	[ -n "$3" ] && echo "# $3"
	[ -z "$shown" ] || return
	shown=1
	echo "# vmctl's exit status: ${rc:-none}; the guest's console:"
	sed 's/^/#   /' "$out"
	echo "# vmctl's stderr:"
	sed 's/^/#   /' "$err"
}

# The value of "mvm-guest: KEY=VALUE" in the console output.
fact() {
	sed -n "s/^mvm-guest: $1=\([^[:space:]]*\).*/\1/p" "$out" | tail -n 1
}

# wait_for TEXT SECONDS: until the console shows TEXT; 1 on timeout or
# when vmctl ended first.
wait_for() {
	w=0
	while ! grep -qF -- "$1" "$out"; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$w" -lt "$2" ] || return 1
		sleep 1
		w=$((w + 1))
	done
	return 0
}

# In the rig's QEMU (SVM under TCG) a nested guest whose vCPU thread moves
# between the machine's CPUs hangs now and then, under KVM as under
# minivmm (tools/testvm/README): there vmctl stays on CPU 1.
pin=
if [ -n "$MINIVMM_RIG" ] && grep -qw svm /proc/cpuinfo; then
	pin="taskset -c 1"
fi

start=$(date +%s)
mkfifo "$tmp/in" || exit 1
$pin "$vmctl" run --mem 256M --trace-boot --exit-stats \
	--cmdline "quiet mvm.guest=check" \
	--initrd "$guest/initrd.gz" "$guest/vmlinuz" \
	<"$tmp/in" >"$out" 2>"$err" &
pid=$!
# Hold the FIFO open for writing: vmctl's stdin stays open between lines.
exec 3>"$tmp/in"

rc=
ready=1
wait_for "mvm-guest: ready" "$limit" && ready=0
echo "# /init after $(( $(date +%s) - start )) s of the test VM's clock"

[ -n "$(fact init)" ]
result $? boots_to_init
[ "$(fact clocksource)" = tsc ]
result $? clocksource_tsc "clocksource: $(fact clocksource)"
[ "$(fact clockevent)" = lapic-deadline ]
result $? clockevent_lapic "clockevent: $(fact clockevent)"
s=$(fact sleep1)
awk -v s="${s:-0}" 'BEGIN { exit !(s >= 0.9 && s <= 1.5) }'
result $? sleep_one_second "sleep 1 took ${s:-?} s beyond sleep 0's $(fact sleep0) s"
[ "$(fact dmesg)" = clean ]
result $? dmesg_clean

# Typed at the shell: the answer is computed by the guest.
answered=1
if [ "$ready" = 0 ]; then
	echo 'echo "answer=$((6 * 7))"' >&3
	wait_for "answer=42" 120 && answered=0
	echo 'exit' >&3
fi
result $answered console_input

# The shell's end makes /init count IRQ 4 and power off.
w=0
while kill -0 "$pid" 2>/dev/null && [ "$w" -lt 180 ]; do
	sleep 1
	w=$((w + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	# Alive or stuck: the kernel's counters twice, a second apart, and
	# where vmctl's signal found the guest.
	for i in 1 2; do
		"$vmctl" list 2>&1 | sed 's/^/# vmctl list: /'
		"$vmctl" stats "$("$vmctl" list --json 2>/dev/null |
			sed -n 's/^{"vms":\[{"id":\([0-9]*\).*/\1/p')" 2>&1 |
			sed 's/^/# vmctl stats: /'
		sleep 1
	done
	kill "$pid"
	wait "$pid"
	rc=timeout
	grep -F 'stopped by signal' "$err" | sed 's/^/# /'
else
	wait "$pid"
	rc=$?
fi
pid=
exec 3>&-
irq=$(fact irq4)
[ "${irq:-0}" -gt 0 ] 2>/dev/null
result $? serial_irq4 "IRQ 4 count: ${irq:-none}"
[ "$rc" = 0 ] && grep -qF "the guest powered off" "$err"
result $? powered_off
echo "# whole run $(( $(date +%s) - start )) s; vmctl's --trace-boot said:"
sed -n 's/^vmctl: boot: /#   /p' "$err"
# This boot's figures, for linux_boot_bench.sh where a boot is dear (VMX,
# in Bochs): it reuses them instead of booting minivmm once more.
if [ "$rc" = 0 ] && [ -n "$MINIVMM_FIGURES" ]; then
	mkdir -p "$MINIVMM_FIGURES" &&
		cp "$out" "$MINIVMM_FIGURES/linux_boot.out" &&
		cp "$err" "$MINIVMM_FIGURES/linux_boot.err"
fi

# refuse CASE MESSAGE ARGS...: status 1 and MESSAGE on stderr.
refuse() {
	name=$1 msg=$2
	shift 2
	"$vmctl" run "$@" </dev/null >"$out" 2>"$err"
	rc=$?
	[ "$rc" = 1 ] && grep -qiF -- "$msg" "$err"
	result $? "refuse_$name" "wanted status 1 and '$msg'"
}

# Cut after the setup code: the protected-mode kernel is missing.
head -c 40000 "$guest/vmlinuz" >"$tmp/cut"
refuse truncated "truncated" "$tmp/cut"
# Boot protocol 2.02 (bytes 0x206-0x207): no 64-bit entry.
cp "$guest/vmlinuz" "$tmp/old"
printf '\002\002' | dd of="$tmp/old" bs=1 seek=518 conv=notrunc 2>/dev/null
refuse old_protocol "boot protocol" "$tmp/old"
# An initrd bigger than the guest's RAM (sparse: no room taken here).
dd if=/dev/zero of="$tmp/big" bs=1M seek=300 count=0 2>/dev/null
refuse initrd_too_big "larger than the guest's RAM" --mem 256M \
	--initrd "$tmp/big" "$guest/vmlinuz"
# A command line longer than the kernel's cmdline_size (2048 for x86).
long=$(awk 'BEGIN { while (i++ < 3000) printf "x" }')
refuse cmdline_too_long "command line" --cmdline "$long" "$guest/vmlinuz"

[ "$failed" -eq 0 ]
