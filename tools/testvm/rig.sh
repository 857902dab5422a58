#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test rig's driver, behind make check / check-svm / check-vmx / demo /
# demo-vmx (tools/testvm/rig.mk):
#
#   rig.sh check [svm] [vmx]    run the selftests; the last line printed is
#                               "N passed, N failed[, N skipped]"
#   rig.sh demo|shell svm|vmx   boot one VM with the console shown live
#
# Steps: install missing packages (tools/deps.sh), build minivmm.ko against
# the stock kernel's headers plus vmctl and the selftests, fetch the stock
# kernel into the cache, build the initramfs, boot, count.
#
# Environment: BUILD (default <top>/build), MINIVMM_CACHE,
# MINIVMM_RIG_PARALLEL=0|1 (run both vendors at once), and what run-vm.sh
# reads.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
make=${MAKE:-make}

mode=${1:?usage: rig.sh check|demo|shell [svm] [vmx]}
shift
[ $# -gt 0 ] || set -- svm vmx
for v in "$@"; do
	case $v in
	svm|vmx|host) ;;
	*) echo "rig.sh: unknown vendor '$v'" >&2; exit 2 ;;
	esac
done

now() { date +%s; }
t0=$(now)

# 1. Packages, and the stock ABI they settled on.
abi=$("$top/tools/deps.sh" | tail -n1)
kheaders=/usr/src/linux-headers-$abi-amd64

# 2. The pieces under test, the module built for the kernel the VM boots.
# Each step stops the rig: a broken build is a failed run, not a skip.
rig_build() {
	$make -C "$top" --no-print-directory modules vmctl selftests \
		KDIR="$kheaders" BUILD="$build" &&
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

# 3. The stock kernel (cached outside the clone) and the initramfs.
kdir=$("$here/fetch-kernel.sh" "$abi")
initrd=$build/testvm/initramfs.cpio.gz
"$here/mkinitramfs.sh" "$kdir" "$top/kmod/minivmm.ko" \
	"$top/userspace/vmctl/vmctl" "$build/testvm/selftests" "$initrd"
t2=$(now)
echo "rig: built in $((t1 - t0)) s, kernel and initramfs in $((t2 - t1)) s" >&2

name() {
	case $1 in
	host) echo host ;;
	*) echo "stock-$1" ;;
	esac
}
out=$build/check

if [ "$mode" != check ]; then
	[ $# -eq 1 ] || { echo "rig.sh: $mode takes one vendor" >&2; exit 2; }
	exec "$here/run-vm.sh" "$1" "$mode" "$kdir" "$initrd" \
		"$build/testvm" "$(name "$1")-$mode"
fi

# 4. Boot.  QEMU TCG runs one thread per vCPU and Bochs one thread in all,
# so on two cores the runs only overlap when asked to.
for v in "$@"; do
	rm -f "$out/$(name "$v").counts"
done
# The host-side checks (tools/host-check.sh: make install, the man pages,
# the DKMS round trip with one short QEMU boot) run beside the VMs, at low
# priority, in about a minute; they count as the run "host".
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
		[ "$v" != host ] || continue
		"$here/run-vm.sh" "$v" check "$kdir" "$initrd" "$out" "$(name "$v")" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || :
	done
else
	for v in "$@"; do
		[ "$v" != host ] || continue
		echo "rig: booting $(name "$v") ($v)" >&2
		"$here/run-vm.sh" "$v" check "$kdir" "$initrd" "$out" "$(name "$v")" || :
	done
fi

[ -z "$host_pid" ] || wait "$host_pid" || :

# 5. Count, each run's failures first, the sum last.
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
