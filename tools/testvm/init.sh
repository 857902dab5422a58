#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (busybox sh).  What it does comes from the kernel
# command line:
#
#   mvm.mode=check   load minivmm, run /selftests/minivmm/run.sh with its
#                    stdout on the second serial port (ttyS1), then the end
#                    marker and the whole kernel log there too; power off
#   mvm.mode=demo    load minivmm, run 'vmctl info' on the console, power off
#   mvm.mode=shell   load minivmm and give a shell on the console
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
for arg in $(cat /proc/cmdline); do
	case $arg in
	mvm.mode=*) mode=${arg#mvm.mode=} ;;
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

run_check() {
	out=/dev/ttyS1
	# Raw output: no \n -> \r\n translation, no echo of stray input.
	stty -F "$out" raw -echo 115200 2>/dev/null
	{
		load_minivmm >/dev/console ||
			echo "# minivmm-rig: modprobe minivmm failed"
		if [ -x /selftests/minivmm/run.sh ]; then
			cd /selftests/minivmm &&
				MINIVMM_RIG=1 ./run.sh
			echo "# minivmm-rig: run.sh exit=$?"
			cd /
		else
			echo "# minivmm-rig: /selftests/minivmm/run.sh missing"
		fi
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
	;;
shell)
	load_minivmm
	echo "minivmm-rig: shell; 'poweroff -f' to leave"
	setsid cttyhack sh
	;;
*)
	echo "minivmm-rig: unknown mode '$mode'"
	;;
esac
power_off
