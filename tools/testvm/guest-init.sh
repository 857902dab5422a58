#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the Linux guest that boots under "vmctl run" inside the test VM
# (busybox sh; the guest's initramfs is built by mkinitramfs.sh and kept in
# the test VM at /boot/guest/initrd.gz).  The kernel command line says
# what to do:
#
#   mvm.guest=check  print the facts the test judges, as "mvm-guest: KEY=VALUE"
#                    lines (linux_boot_test.sh), then "mvm-guest: ready" and
#                    a shell on the serial console; power off when it ends
#   mvm.guest=shell  the same shell, without the checks (make shell, demo)
#   mvm.guest=bench  say "mvm-guest: init=SECONDS" and power off at once
#                    (linux_boot_bench.sh: boot time to /init)
#
# The shell reads the serial console, so whatever vmctl's stdin gives is
# typed into it; "poweroff -f" or the end of its input ends the guest.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

mode=shell
for arg in $(cat /proc/cmdline); do
	case $arg in
	mvm.guest=*) mode=${arg#mvm.guest=} ;;
	esac
done

say() {
	echo "mvm-guest: $*"
}

# Seconds since boot, on the guest's own clock (the clocksource).
uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

if [ "$mode" = bench ]; then
	say "init=$(uptime_s)"
	poweroff -f
fi

if [ "$mode" = check ]; then
	say "init=$(uptime_s)"
	say "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	say "clockevent=$(cat /sys/devices/system/clockevents/clockevent0/current_device)"
	# One second of sleep measured on the clocksource: the clockevent
	# (the APIC timer) fires when the clocksource says it should.  Less
	# what starting sleep and reading the clock cost (a "sleep 0"
	# measured the same way): under a debug host in the emulator each
	# process start is tenths of a second of nested page faults, and
	# "sleep 1" read 1.65 s there.
	t0=$(uptime_s)
	sleep 0
	t1=$(uptime_s)
	sleep 1
	t2=$(uptime_s)
	say "sleep1=$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.2f", (c - b) - (b - a) }')"
	say "sleep0=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
	# The kernel's view of its hardware: the I/O APIC and the ISA IRQs.
	say "ioapic=$(grep -c 'IO-APIC' /proc/interrupts)"
	# Warnings and worse in the guest's own log (quiet keeps them off the
	# console), by the patterns the rig applies to its own kernel's log
	# (tools/testvm/count.sh: "WARNING:" opening a message, so that the
	# stock kernel's "RETBleed: WARNING: ..." and "Speculative Return
	# Stack Overflow: WARNING: ..." boot lines are not taken for one), and
	# the MSR accesses the guest's kernel found refused.  Printed in full
	# when there are any.
	bad=$(dmesg | grep -E 'BUG:|(^|[]] +)WARNING:|WARNING: CPU: [0-9]+ PID:|Oops|general protection|Kernel panic|Call Trace:|cut here|unchecked MSR|soft lockup|hard LOCKUP|detected stalls?')
	if [ -n "$bad" ]; then
		say "dmesg=dirty"
		dmesg | sed 's/^/mvm-guest-dmesg: /'
	else
		say "dmesg=clean"
	fi
fi

say "ready"
# A shell on the serial console with job control (cttyhack gives it the
# console as its controlling terminal), as a person would get it.
setsid cttyhack sh -l
# The interrupt count of the serial port, after the shell used it: the
# line the 8250 driver's interrupt handler counts on.
[ "$mode" != check ] ||
	say "irq4=$(awk '$1 == "4:" { print $2 }' /proc/interrupts)"
say "powering off"
poweroff -f
