#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test rig's driver, behind make check / check-svm / check-vmx /
# check-debug / demo / demo-vmx / shell / shell-debug (tools/testvm/rig.mk):
#
#   rig.sh check [svm] [vmx] [debug]   run the tests; the last line printed
#                                      is "N passed, N failed[, N skipped]"
#   rig.sh demo|shell svm|vmx|debug    boot one VM with the console live
#
# The runs: svm (stock-svm) and vmx (stock-vmx) boot Debian's stock kernel
# in QEMU and Bochs; debug (debug-svm) boots the debug kernel
# (build-debug-kernel.sh: KASAN, UBSAN, lockdep, kmemleak, KUnit) in QEMU,
# runs minivmm's KUnit suites before the selftests and a kmemleak scan
# after them.
#
# Steps: install missing packages (tools/deps.sh), build vmctl, the
# selftests and minivmm.ko for each kernel booted, fetch or build the
# kernels into the cache, build the initramfs images, boot, count.
#
# Environment: BUILD (default <top>/build), MINIVMM_CACHE,
# MINIVMM_RIG_PARALLEL=0|1 (run all at once), and what run-vm.sh reads.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
make=${MAKE:-make}

mode=${1:?usage: rig.sh check|demo|shell [svm] [vmx] [debug]}
shift
[ $# -gt 0 ] || set -- svm vmx debug
stock= debug=
for v in "$@"; do
	case $v in
	svm|vmx) stock=1 ;;
	# host needs the stock kernel and kmod/minivmm.ko too
	host) stock=1 ;;
	debug) debug=1 ;;
	*) echo "rig.sh: unknown run '$v'" >&2; exit 2 ;;
	esac
done

# Each run's name (its files in build/check/) and emulator.
name() {
	case $1 in
	debug) echo debug-svm ;;
	host) echo host ;;
	*) echo "stock-$1" ;;
	esac
}
vendor() {
	case $1 in
	debug) echo svm ;;
	*) echo "$1" ;;
	esac
}

now() { date +%s; }
t0=$(now)
out=$build/check

# 1. Packages, and the stock ABI they settled on.
abi=$("$top/tools/deps.sh" | tail -n1)
kheaders=/usr/src/linux-headers-$abi-amd64

# 2. The pieces under test, the module built for the stock kernel the VMs
# boot.  Each step stops the rig: a broken build is a failed run, not a
# skip.
#
# vmctl is linked statically (STATIC=1), as the selftests are, so the
# initramfs holds no shared library: mkinitramfs.sh could copy the build
# machine's libc and libnl for a dynamic one, but only what ldd lists, and
# every start in Bochs would pay for the dynamic loader.  The VMs get a
# copy, build/testvm/vmctl (dkms-check.sh's VM too), so that a later
# 'make vmctl' (dynamic, the default) in the tree cannot change what they
# run.
rig_vmctl=$build/testvm/vmctl
rig_build() {
	$make -C "$top" --no-print-directory ${stock:+modules} selftests \
		KDIR="$kheaders" BUILD="$build" &&
	$make -C "$top" --no-print-directory vmctl STATIC=1 &&
	mkdir -p "$build/testvm" &&
	cp "$top/userspace/vmctl/vmctl" "$rig_vmctl" &&
	if ldd "$rig_vmctl" >/dev/null 2>&1; then
		echo "rig: $rig_vmctl is linked dynamically, not statically" >&2
		false
	fi &&
	rm -rf "$build/testvm/selftests" &&
	$make -C "$top/selftests/minivmm" --no-print-directory \
		OUTPUT="$build/selftests" install \
		INSTALL_PATH="$build/testvm/selftests"
}
if ! rig_build >&2; then
	echo "rig: building the module, vmctl or the selftests failed" >&2
	[ "$mode" != check ] || echo "0 passed, 1 failed"
	exit 1
fi
t1=$(now)

# 3. The stock kernel (cached outside the clone) and its initramfs.
kdir= initrd=
if [ -n "$stock" ]; then
	kdir=$("$here/fetch-kernel.sh" "$abi")
	initrd=$build/testvm/initramfs.cpio.gz
	MINIVMM_RIG_GUEST_KERNEL=$kdir/vmlinuz \
	"$here/mkinitramfs.sh" "$kdir" "$top/kmod/minivmm.ko" \
		"$rig_vmctl" "$build/testvm/selftests" "$initrd"
fi
t2=$(now)

# 4. The debug kernel (built once, cached outside the clone), minivmm.ko
# and minivmm_kunit.ko built against it from a copy of the sources (so
# the stock build in kmod/ stays), and its initramfs.  A failure here
# fails the debug run alone.
kdebug= initrd_debug= debug_append= debug_failed=
debug_src=$build/debug/src
debug_prepare() {
	kdebug=$("$here/build-debug-kernel.sh") || return 1
	rm -rf "$debug_src" && mkdir -p "$debug_src" || return 1
	(cd "$top" && find Kbuild VERSION kmod uapi -type f \
		\( -name '*.[chS]' -o -name Kbuild -o -name VERSION \) \
		! -name '*.mod.c' | cpio -pdm --quiet "$debug_src") || return 1
	$make -C "$kdebug/build" --no-print-directory M="$debug_src" \
		modules >&2 || return 1
	[ -f "$debug_src/kmod/minivmm_kunit.ko" ] || {
		echo "rig: minivmm_kunit.ko was not built" >&2
		return 1
	}
	# The suites the tests define; a suite that does not report fails.
	suites=$(sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\(minivmm_[A-Za-z0-9_]*\)".*/\1/p' \
		 "$debug_src"/kmod/tests/*_kunit.c | tr '\n' ',')
	suites=${suites%,}
	[ -n "$suites" ] || { echo "rig: no KUnit suite in kmod/tests/" >&2; return 1; }
	initrd_debug=$build/testvm/initramfs-debug.cpio.gz
	# The Linux guest is the stock kernel here too (the same vmlinuz the
	# stock runs boot), so the debug kernel's checks watch a real boot.
	kstock=$("$here/fetch-kernel.sh" "$abi") || return 1
	MINIVMM_RIG_GUEST_KERNEL=$kstock/vmlinuz \
	MINIVMM_RIG_KVM=0 "$here/mkinitramfs.sh" "$kdebug" \
		"$debug_src/kmod/minivmm.ko" "$rig_vmctl" \
		"$build/testvm/selftests" "$initrd_debug" \
		"$debug_src/kmod/minivmm_kunit.ko" || return 1
	# A bigger log buffer: the dmesg at the end must hold every report.
	debug_append="log_buf_len=8M mvm.kunit=$suites mvm.nokvm=1 mvm.kmemleak=1"
}
debug_prepare_or_fail() {
	if ! debug_prepare; then
		echo "rig: preparing the debug run failed (above)" >&2
		[ "$mode" = check ] || exit 1
		debug_failed=1
	fi
}

# Without the debug kernel in the cache (a fresh machine), building it is
# the longest step, and so is the Bochs run, which keeps one core busy.
# When both are due the kernel builds in the background at the lowest
# priority while the stock runs boot, and the debug run is prepared after
# them.
kbuild=
if [ -n "$debug" ] && [ "$mode" = check ] &&
   [ "${MINIVMM_RIG_PARALLEL:-0}" != 1 ] &&
   case " $* " in *" vmx "*) true ;; *) false ;; esac &&
   ! "$here/build-debug-kernel.sh" --cached >/dev/null 2>&1; then
	mkdir -p "$build/debug"
	# Its own process group, so that stopping the rig stops all of it.
	# setsid also gives it its own session, and with it its own scheduler
	# autogroup (CONFIG_SCHED_AUTOGROUP, on in most distribution kernels),
	# which would share the CPUs equally with the emulators' group
	# whatever nice says: only the autogroup's own nice lowers its share
	# (sched(7), "The autogroup feature").
	setsid sh -c 'echo 19 >/proc/self/autogroup 2>/dev/null
		      exec nice -n 19 "$0"' "$here/build-debug-kernel.sh" \
		>/dev/null 2>"$build/debug/kernel.log" </dev/null &
	kbuild=$!
	trap '[ -z "$kbuild" ] || kill -TERM -- "-$kbuild" 2>/dev/null || :' EXIT
	trap 'exit 130' INT TERM HUP
	echo "rig: building the debug kernel in the background," \
	     "log in $build/debug/kernel.log" >&2
elif [ -n "$debug" ]; then
	debug_prepare_or_fail
fi
t3=$(now)
echo "rig: built in $((t1 - t0)) s, stock kernel and initramfs in" \
     "$((t2 - t1)) s, debug run prepared in $((t3 - t2)) s" >&2

# The debug run after a background build of its kernel.
debug_wait() {
	[ -n "$kbuild" ] || return 0
	echo "rig: waiting for the debug kernel build" >&2
	if ! wait "$kbuild"; then
		tail -n 20 "$build/debug/kernel.log" >&2
		echo "rig: building the debug kernel failed" \
		     "(log: $build/debug/kernel.log)" >&2
		debug_failed=1
	else
		grep '^build-debug-kernel: .* built in' "$build/debug/kernel.log" >&2 || :
		debug_prepare_or_fail
	fi
	kbuild=
	echo "rig: debug run prepared at $(($(now) - t0)) s" >&2
}

# Boot run $1 in mode $2, its files named $4 in directory $3.
boot() {
	if [ "$1" = debug ]; then
		MINIVMM_RIG_APPEND="$debug_append ${MINIVMM_RIG_APPEND:-}" \
		MINIVMM_RIG_TIMEOUT=${MINIVMM_RIG_TIMEOUT:-1200} \
			"$here/run-vm.sh" svm "$2" "$kdebug" "$initrd_debug" "$3" "$4"
	else
		"$here/run-vm.sh" "$1" "$2" "$kdir" "$initrd" "$3" "$4"
	fi
}

if [ "$mode" != check ]; then
	[ $# -eq 1 ] || { echo "rig.sh: $mode takes one run" >&2; exit 2; }
	boot "$1" "$mode" "$build/testvm" "$(name "$1")-$mode"
	exit
fi

# 5. Boot.  QEMU TCG runs one thread per vCPU and Bochs one thread in all,
# so on two cores the runs only overlap when asked to.
mkdir -p "$out"
for v in "$@"; do
	rm -f "$out/$(name "$v")".*
done
runnable() {
	[ "$1" != host ] || return 1
	[ "$1" != debug ] || debug_wait
	[ "$1" != debug ] || [ -z "$debug_failed" ]
}
# The host-side checks (tools/host-check.sh: make install, the man pages,
# the DKMS round trip with one short QEMU boot, the netlink spec) run beside
# the VMs, at low priority, in about a minute; they count as the run "host".
host_pid=
case " $* " in
*" host "*)
	nice -n 10 "$top/tools/host-check.sh" "$out" "$abi" "$kdir" &
	host_pid=$!
	;;
esac
if [ "${MINIVMM_RIG_PARALLEL:-0}" = 1 ] && [ $# -gt 1 ]; then
	pids=
	for v in "$@"; do
		runnable "$v" || continue
		boot "$v" check "$out" "$(name "$v")" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || :
	done
else
	for v in "$@"; do
		runnable "$v" || continue
		echo "rig: booting $(name "$v") ($(vendor "$v"))" >&2
		boot "$v" check "$out" "$(name "$v")" || :
	done
fi

[ -z "$host_pid" ] || wait "$host_pid" || :

# 6. Count, each run's failures first, the sum last.
if [ -n "$debug_failed" ]; then
	echo "setup: building the debug kernel or minivmm against it failed" \
		>"$out/debug-svm.status"
fi
pass=0 fail=0 skip=0
for v in "$@"; do
	n=$(name "$v")
	"$here/count.sh" "$out" "$n" || echo "0 1 0" >"$out/$n.counts"
	read -r p f s <"$out/$n.counts"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ "$f" -gt 0 ]; then
		echo "  logs: $out/$n.{tap,console.log,dmesg.log}"
	fi
done
echo "rig: total $(($(now) - t0)) s; results in $out" >&2
line="$pass passed, $fail failed"
[ "$skip" -eq 0 ] || line="$line, $skip skipped"
echo "$line"
[ "$fail" -eq 0 ]
