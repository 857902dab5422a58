#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test VM in an emulator that provides the vendor's extensions:
#
#   run-vm.sh VENDOR MODE KERNEL_DIR INITRD OUTDIR NAME
#
# VENDOR svm: QEMU TCG, -cpu EPYC (SVM + NPT), 2 CPUs.
# VENDOR vmx: Bochs, corei7_skylake_x (VMX + EPT + VPID), 2 CPUs, booting an
#             isolinux CD made here.
# MODE is init.sh's mvm.mode (check, demo, shell; shell is QEMU only and
# interactive).
#
# Writes into OUTDIR: NAME.console.log (ttyS0), NAME.tap and NAME.dmesg.log
# (split from ttyS1), NAME.status (how the emulator ended, wall time) and
# NAME.emulator.log (and NAME.bochs.log).  In demo and shell modes the console is also shown live.
#
# Environment: MINIVMM_RIG_TIMEOUT (seconds; default 600 for svm, 3600 for
# vmx), MINIVMM_RIG_APPEND (extra kernel command line), MINIVMM_BOCHS_IPS.
set -eu

usage="usage: run-vm.sh svm|vmx check|demo|shell KERNEL_DIR INITRD OUTDIR NAME"
vendor=${1:?$usage}
mode=${2:?$usage}
kdir=${3:?$usage}
initrd=${4:?$usage}
outdir=${5:?$usage}
name=${6:?$usage}

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
case $initrd in /*) ;; *) initrd=$PWD/$initrd ;; esac
case $kdir in /*) ;; *) kdir=$PWD/$kdir ;; esac
out=$outdir/$name
console=$out.console.log
ttys1=$out.ttyS1.log
emulog=$out.emulator.log
rm -f "$console" "$ttys1" "$emulog" "$out.tap" "$out.dmesg.log" \
      "$out.status" "$out.counts" "$out.wall.log"
: >"$console"
: >"$ttys1"

cmdline="console=ttyS0 quiet panic=-1 mvm.mode=$mode ${MINIVMM_RIG_APPEND:-}"

case $vendor in
svm)
	timeout=${MINIVMM_RIG_TIMEOUT:-600}
	# One TCG thread for both vCPUs.  With a thread per vCPU, QEMU 7.2
	# can keep running a stale translation of kernel text that another
	# vCPU has just patched: every load and unload of minivmm flips the
	# preempt-notifier static key (text_poke_bp() on finish_task_switch),
	# and now and then both vCPUs were left looping on an int3 that is
	# no longer in memory (soft lockups, until a TB flush from gdb freed
	# them).  One thread serialises the vCPUs, so the patch and the next
	# translation cannot interleave.  Documentation/testing.rst has the
	# measurements.
	#
	# no_timer_check: the boot-time check that the PIT reaches the
	# IO-APIC counts ticks during a busy-wait; when the host is busy
	# (make check runs the DKMS VM beside stock-svm) QEMU delivers the
	# missed ticks late and the kernel panicked with "IO-APIC + timer
	# doesn't work!".  Virtual machines commonly boot with it.
	cmdline="$cmdline no_timer_check"
	set -- qemu-system-x86_64 -accel tcg,thread=single -cpu EPYC -m 1024 -smp 2 \
		-no-reboot -display none -monitor none -nodefaults \
		-serial "file:$console" -serial "file:$ttys1" \
		-kernel "$kdir/vmlinuz" -initrd "$initrd" -append "$cmdline"
	;;
vmx)
	# A slow two-core machine needed about 40 minutes for the whole run
	# before the two fixes below, about 15 after (925 s); the limit
	# leaves room under CI's 90.
	timeout=${MINIVMM_RIG_TIMEOUT:-3600}
	ips=${MINIVMM_BOCHS_IPS:-200000000}
	# Bochs's TSC counts one per emulated instruction tick, ips per
	# guest second, but its CPUID leaf 0x15 says 3.5 GHz, and Linux
	# believes CPUID: its clock (the TSC) then ran 17.5 times slower than
	# the APIC timer, which it also set up from CPUID, so every timer
	# fired early and was re-armed, about 23,000 local timer interrupts
	# a guest second even idle, each a VM exit while a nested guest ran;
	# a guest second cost about 90 s of wall time.  tsc_early_khz gives
	# Linux the true rate and makes it calibrate the APIC timer against
	# the PIT (arch/x86/kernel/tsc.c): 13 interrupts in an idle second,
	# and a guest second costs about 5 s (Documentation/testing.rst).
	cmdline="$cmdline tsc_early_khz=$((ips / 1000))"
	# Linux idles in MWAIT here and wakes an idle CPU by writing the
	# flags word it monitors, without an IPI; Bochs's MWAIT misses that
	# write, so a task woken on an idle CPU waited for its next timer
	# interrupt (irq_bench: an irqfd wakeup took 2.4 s of guest time, a
	# 200 us periodic guest timer stalled).  idle=halt makes the kernel
	# send the reschedule IPI: 50 us.
	cmdline="$cmdline idle=halt"
	work=$out.bochs
	rm -rf "$work"
	mkdir -p "$work/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin \
	   /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
	cp "$kdir/vmlinuz" "$work/iso/vmlinuz"
	cp "$initrd" "$work/iso/initrd.gz"
	cat >"$work/iso/isolinux/isolinux.cfg" <<-EOF
	DEFAULT minivmm
	PROMPT 0
	LABEL minivmm
	  KERNEL /vmlinuz
	  APPEND initrd=/initrd.gz $cmdline
	EOF
	genisoimage -quiet -o "$work/boot.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table "$work/iso"
	rm -rf "$work/iso"
	# Headless: this Bochs build has no "nogui"; rfb with timeout=0 does
	# not wait for a viewer.  Without the speaker and sound lines it
	# aborts at start.  clock sync=none makes guest time follow the
	# instruction count, so runs are repeatable.
	cat >"$work/bochsrc" <<-EOF
	megs: 512
	cpu: model=corei7_skylake_x, count=2, ips=$ips
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$console
	com2: enabled=1, mode=file, dev=$ttys1
	display_library: rfb, options="timeout=0"
	speaker: enabled=0
	sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
	log: $work/bochs.log
	panic: action=fatal
	error: action=report
	clock: sync=none
	EOF
	# The built-in debugger stops at a prompt: this makes it continue.
	echo c >"$work/rc"
	set -- bochs -q -f "$work/bochsrc" -rc "$work/rc"
	;;
*)
	echo "$usage" >&2
	exit 2
	;;
esac

if [ "$mode" = shell ]; then
	# Interactive: the console on this terminal (Ctrl-A X leaves QEMU).
	[ "$vendor" = svm ] || { echo "run-vm.sh: shell needs svm (QEMU)" >&2; exit 2; }
	for a in "$@"; do
		[ "$a" = "file:$console" ] && a=mon:stdio
		set -- "$@" "$a"
		shift
	done
	exec "$@"
fi

start=$(date +%s)
"$@" </dev/null >"$emulog" 2>&1 &
pid=$!
if [ "$mode" != check ]; then
	tail -n +1 -f --pid=$pid "$console" &
fi

# Watch the run: a wall-clock limit, and a guest that panicked or rebooted
# (Bochs has no -no-reboot and would boot the CD again) is stopped here.
# The wall-clock second at which each test program started goes to
# $out.wall.log: the guest's own "took" figures are guest seconds, which
# under Bochs say little about where the real time goes.
ended=
started=0
while kill -0 $pid 2>/dev/null; do
	elapsed=$(($(date +%s) - start))
	# Whole lines only: the port may be in the middle of writing one.
	lines=$(wc -l <"$ttys1")
	n=$(head -n "$lines" "$ttys1" | grep -ac '^# selftests: minivmm: ' || :)
	if [ "$n" -gt "$started" ]; then
		head -n "$lines" "$ttys1" | grep -a '^# selftests: minivmm: ' |
			tr -d '\r' | tail -n +$((started + 1)) |
			sed "s/^# selftests: minivmm: /$elapsed /" >>"$out.wall.log"
		started=$n
	fi
	if [ $elapsed -ge "$timeout" ]; then
		ended="timeout: timed out after ${timeout} s"
	elif grep -q 'Kernel panic - not syncing' "$console"; then
		sleep 3
		ended="panic: the guest kernel panicked"
	elif [ "$(grep -c '^minivmm-rig: init:' "$console")" -gt 1 ]; then
		ended="reboot: the guest rebooted"
	fi
	if [ -n "$ended" ]; then
		kill $pid 2>/dev/null || :
		sleep 2
		kill -9 $pid 2>/dev/null || :
		break
	fi
	sleep 1
done
rc=0
wait $pid || rc=$?
elapsed=$(($(date +%s) - start))
[ -n "$ended" ] || ended="exit: $1 exit=$rc"
echo "$ended" >"$out.status"
echo "wall: $elapsed s" >>"$out.status"
[ ! -f "$out.wall.log" ] || echo "$elapsed (end)" >>"$out.wall.log"

# The console carries \r\n; ttyS1 is raw but strip \r there too.
tr -d '\r' <"$console" >"$console.tmp" && mv "$console.tmp" "$console"
tr -d '\r' <"$ttys1" | awk -v tap="$out.tap" -v dmesg="$out.dmesg.log" '
	/^# minivmm-rig: dmesg follows/ { d = 1; next }
	/^# minivmm-rig: end of dmesg/ { d = 2; next }
	d == 1 { print > dmesg; next }
	d == 0 { print > tap }
'
if [ "$mode" = check ]; then
	[ -f "$out.tap" ] || : >"$out.tap"
	[ -f "$out.dmesg.log" ] || : >"$out.dmesg.log"
fi
rm -f "$ttys1"
if [ "$vendor" = vmx ]; then
	[ ! -f "$out.bochs/bochs.log" ] || mv "$out.bochs/bochs.log" "$out.bochs.log"
	rm -rf "$out.bochs"
fi
echo "$name: $ended, ${elapsed} s" >&2
