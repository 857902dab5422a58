#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (busybox sh).  What it does comes from the kernel
# command line:
#
#   mvm.mode=check   load minivmm, run /selftests/minivmm/run.sh with its
#                    stdout on the second serial port (ttyS1), then the end
#                    marker and the whole kernel log there too; power off
#   mvm.mode=demo    load minivmm, run 'vmctl info', a Multiboot guest and
#                    a Linux guest (/boot/guest) under 'vmctl run' on the
#                    console, typing a few commands into the Linux guest's
#                    shell; power off
#   mvm.mode=shell   load minivmm, boot the Linux guest with its shell on
#                    the console, then give the test VM's own shell
#
# and, for check mode on the debug kernel:
#
#   mvm.kunit=S1,S2  after minivmm, load minivmm_kunit (which runs the KUnit
#                    suites S1, S2 on load), report each suite as a program
#                    ahead of run.sh's (kunit-tap.sh), then unload it
#   mvm.nokvm=1      the kernel has no KVM: run.sh gets MINIVMM_RIG_NO_KVM,
#                    so the tests that need KVM skip instead of failing
#   mvm.kmemleak=1   forget the leaks of the boot before the tests, unload
#                    minivmm after them, scan twice and report the leaks as
#                    a last program, kmemleak
#
# The host side (run-vm.sh, count.sh) relies on the "# minivmm-rig:" lines
# written here; keep them in step.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t devtmpfs devtmpfs /dev
# The initramfs has no /dev/console node, so the kernel started us without
# stdio: take the console now that devtmpfs provides it.
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
[ -e /dev/kmsg ] || mknod /dev/kmsg c 1 11

mode=
kunit=
nokvm=
kmemleak=
for arg in $(cat /proc/cmdline); do
	case $arg in
	mvm.mode=*) mode=${arg#mvm.mode=} ;;
	mvm.kunit=*) kunit=$(echo "${arg#mvm.kunit=}" | tr ',' ' ') ;;
	mvm.nokvm=1) nokvm=1 ;;
	mvm.kmemleak=1) kmemleak=1 ;;
	esac
done

cpu=$(grep -o -w -E 'svm|vmx' /proc/cpuinfo | sort -u | tr '\n' ' ')
echo "minivmm-rig: init: mode=${mode:-none} kernel=$(uname -r)" \
     "cpus=$(grep -c ^processor /proc/cpuinfo) virt=${cpu:-none}"

uptime() {
	cut -d' ' -f1 /proc/uptime
}

power_off() {
	# No sleep to let the console drain: in Bochs a guest second costs about
	# a minute of wall time.  ttyS1 is drained by its close in run_check,
	# and the console keeps up in both emulators (this line is the check:
	# it is the last one written before power-off).
	echo "minivmm-rig: powering off at $(uptime) s"
	poweroff -f
	# Not reached unless poweroff failed; a halted VM still times out.
	while :; do sleep 60; done
}

load_minivmm() {
	if modprobe minivmm; then
		echo "minivmm-rig: minivmm loaded at $(uptime) s"
		return 0
	fi
	echo "minivmm-rig: modprobe minivmm failed"
	return 1
}

# The KUnit suites, one TAP program each, numbered from 1, on stdout.
# minivmm_kunit runs them while it loads; it is unloaded afterwards so
# that module_test can unload minivmm.
run_kunit() {
	kunitfs=/sys/kernel/debug/kunit
	if modprobe minivmm_kunit; then
		echo "minivmm-rig: minivmm_kunit loaded at $(uptime) s" >/dev/console
	else
		echo "minivmm-rig: modprobe minivmm_kunit failed" >/dev/console
	fi
	for s in $kunit; do
		[ -r "$kunitfs/$s/results" ] || continue
		echo "minivmm-rig: $kunitfs/$s/results:"
		sed 's/^/minivmm-rig:   /' "$kunitfs/$s/results"
	done >/dev/console
	# shellcheck disable=SC2086 # one argument per suite
	dmesg | kunit-tap 1 $kunit
	# rmmod, not modprobe -r, which would take minivmm with it.
	[ ! -d /sys/module/minivmm_kunit ] || rmmod minivmm_kunit ||
		echo "minivmm-rig: rmmod minivmm_kunit failed" >/dev/console
}

# run.sh's TAP on stdin, with $1 programs (the KUnit suites in file $2)
# put ahead of its own and $3 more to follow it: one plan for all, its
# programs renumbered after the suites.  Writes run.sh's own plan to $4.
merge_tap() {
	awk -v ahead="$1" -v blocks="$2" -v after="$3" -v planfile="$4" '
	!planned && /^1\.\.[0-9]+$/ {
		n = substr($0, 4) + 0
		print "1.." n + ahead + after
		print n > planfile
		close(planfile)
		while ((getline l < blocks) > 0)
			print l
		planned = 1
		next
	}
	planned && /^(not )?ok [0-9]+ selftests: / {
		match($0, /[0-9]+/)
		$0 = substr($0, 1, RSTART - 1) (substr($0, RSTART, RLENGTH) + ahead) \
		     substr($0, RSTART + RLENGTH)
	}
	{ print; fflush() }
	'
}

kmemleak=${kmemleak:+/sys/kernel/debug/kmemleak}

# What kmemleak suspects now is the boot's, not the tests'.
kmemleak_forget() {
	if echo scan >"$kmemleak" && echo clear >"$kmemleak"; then
		echo "minivmm-rig: kmemleak cleared at $(uptime) s"
	else
		echo "minivmm-rig: $kmemleak: cannot scan"
	fi
}

# The leak report as TAP program number $1.  Objects younger than 5 s are
# never reported, hence the pause and the second scan.
kmemleak_report() {
	echo "# selftests: minivmm: kmemleak"
	echo "    1..1"
	if [ -d /sys/module/minivmm ] && ! modprobe -r minivmm; then
		echo "    # modprobe -r minivmm failed: its leaks may not show"
	fi
	if ! { echo scan >"$kmemleak" && sleep 6 && echo scan >"$kmemleak"; }; then
		echo "    not ok 1 $kmemleak cannot scan"
		echo "not ok $1 selftests: minivmm: kmemleak"
		return
	fi
	cat "$kmemleak" >/tmp/kmemleak.txt
	leaks=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	sed 's/^/    # /' /tmp/kmemleak.txt
	if [ "$leaks" -eq 0 ]; then
		echo "    ok 1 no leaks suspected after the tests"
		echo "ok $1 selftests: minivmm: kmemleak"
	else
		echo "    not ok 1 $leaks leaks suspected"
		echo "not ok $1 selftests: minivmm: kmemleak"
	fi
}

# make demo's second part: the stock kernel boots under vmctl with its log
# on the console, and a short session is typed into its shell.
demo_linux() {
	[ -r /boot/guest/vmlinuz ] || return
	echo "minivmm-rig: \$ vmctl run --mem 256M --initrd /boot/guest/initrd.gz /boot/guest/vmlinuz"
	rm -f /tmp/demo.in /tmp/demo.out
	mkfifo /tmp/demo.in
	{ vmctl run --mem 256M --cmdline mvm.guest=shell \
		--initrd /boot/guest/initrd.gz /boot/guest/vmlinuz </tmp/demo.in
	  echo "minivmm-rig: vmctl run exit=$? (0: the guest powered off)"
	} 2>&1 | tee /tmp/demo.out &
	exec 3>/tmp/demo.in
	w=0
	while ! grep -q "mvm-guest: ready" /tmp/demo.out && [ $w -lt 600 ]; do
		sleep 1
		w=$((w + 1))
	done
	sleep 1
	for cmd in 'uname -a' 'cat /proc/interrupts' \
		   'cat /sys/devices/system/clocksource/clocksource0/current_clocksource' \
		   'exit'; do
		echo "$cmd" >&3
		sleep 2
	done
	wait
	exec 3>&-
}

run_check() {
	out=/dev/ttyS1
	# Raw output: no \n -> \r\n translation, no echo of stray input.
	stty -F "$out" raw -echo 115200 2>/dev/null
	[ -z "$kmemleak" ] || kmemleak_forget
	[ -z "$nokvm" ] ||
		export MINIVMM_RIG_NO_KVM="this kernel has no kvm_intel/kvm_amd (the debug kernel)"
	{
		load_minivmm >/dev/console ||
			echo "# minivmm-rig: modprobe minivmm failed"
		: >/tmp/kunit.tap
		[ -z "$kunit" ] || run_kunit >/tmp/kunit.tap
		ahead=$(grep -c '^# selftests: ' /tmp/kunit.tap)
		after=0
		[ -z "$kmemleak" ] || after=1
		echo 0 >/tmp/run.plan
		if [ -x /selftests/minivmm/run.sh ]; then
			cd /selftests/minivmm
			if [ "$ahead" -eq 0 ] && [ "$after" -eq 0 ]; then
				MINIVMM_RIG=1 ./run.sh
				echo "# minivmm-rig: run.sh exit=$?"
			else
				{ MINIVMM_RIG=1 ./run.sh; echo $? >/tmp/run.rc; } |
					merge_tap "$ahead" /tmp/kunit.tap "$after" /tmp/run.plan
				echo "# minivmm-rig: run.sh exit=$(cat /tmp/run.rc)"
			fi
			cd /
		else
			echo "# minivmm-rig: /selftests/minivmm/run.sh missing"
			cat /tmp/kunit.tap
		fi
		[ -z "$kmemleak" ] ||
			kmemleak_report $((ahead + $(cat /tmp/run.plan) + 1))
		echo "# minivmm-rig: end of tests"
		echo "# minivmm-rig: dmesg follows"
		dmesg
		echo "# minivmm-rig: end of dmesg"
	} >"$out"
	echo "minivmm-rig: check done at $(uptime) s"
}

case $mode in
check)
	run_check
	;;
demo)
	load_minivmm
	echo "minivmm-rig: \$ vmctl info"
	vmctl info
	echo "minivmm-rig: vmctl info exit=$?"
	# A Multiboot guest, booted as GRUB would: it prints what it was given
	# over the UART and leaves through QEMU's debug-exit port.
	guest=/selftests/minivmm/vmctl_guest_mb.elf
	echo 'a Multiboot module' >/tmp/demo.mod
	echo "minivmm-rig: \$ vmctl run --mem 16M --cmdline 'hello from the demo' --module /tmp/demo.mod $guest"
	vmctl run --mem 16M --cmdline 'hello from the demo' \
		--module /tmp/demo.mod "$guest"
	echo "minivmm-rig: vmctl run exit=$? (33: the guest wrote 16 to port 0xf4)"
	demo_linux
	;;
shell)
	load_minivmm
	if [ -r /boot/guest/vmlinuz ]; then
		echo "minivmm-rig: \$ vmctl run --mem 256M --initrd /boot/guest/initrd.gz /boot/guest/vmlinuz"
		echo "minivmm-rig: a Linux guest's shell follows; 'poweroff -f' there (or Ctrl-A Ctrl-A x: QEMU takes the first Ctrl-A) returns here"
		vmctl run --mem 256M --cmdline mvm.guest=shell \
			--initrd /boot/guest/initrd.gz /boot/guest/vmlinuz
		echo "minivmm-rig: vmctl run exit=$?"
	fi
	echo "minivmm-rig: shell; 'poweroff -f' to leave"
	setsid cttyhack sh
	;;
*)
	echo "minivmm-rig: unknown mode '$mode'"
	;;
esac
power_off
