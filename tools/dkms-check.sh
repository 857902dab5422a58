#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS round trip, for real, on this machine, as TAP on stdout:
#
#   dkms-check.sh ABI KERNEL_DIR OUTDIR
#
# 'make dkms-install KVER=<ABI>-amd64' against the stock headers (tools/deps.sh
# installs them), then checks what DKMS left: its status, the source copy,
# the installed module and depmod's index; that dkms.conf's
# BUILD_EXCLUSIVE_* keep it off kernels it cannot run on; then boots the
# stock kernel (KERNEL_DIR, from tools/testvm/fetch-kernel.sh) in QEMU with
# an initramfs holding the module DKMS built, loads it, runs 'vmctl info'
# and boots a guest with 'vmctl run';
# last 'make dkms-uninstall', which must leave nothing behind.
#
# It installs into /usr/src, /var/lib/dkms and /lib/modules/<release>, so
# it needs root (or sudo without a password), and it skips rather than
# replace a minivmm that is already in DKMS.  Files it creates that are not
# minivmm's (depmod's index of a kernel that had none, DKMS's signing key
# when there was none) are removed again at the end.  Needs kmod/minivmm.ko
# built from this tree, and the selftests and static vmctl the rig builds
# under BUILD (make check-host does both).  Logs go to OUTDIR/dkms-check.log
# and the VM's to OUTDIR/dkms-svm.*.  Exits 0 when every case passed or skipped.
set -u

usage="usage: dkms-check.sh ABI KERNEL_DIR OUTDIR"
abi=${1:?$usage}
kdir=${2:?$usage}
outdir=${3:?$usage}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
make=${MAKE:-make}
PATH=$PATH:/usr/sbin:/sbin
mkdir -p "$outdir"
log=$outdir/dkms-check.log
: >"$log"

krel=$abi-amd64
version=$(cat "$top/VERSION")
mod=minivmm/$version
src=/usr/src/minivmm-$version
kmods=/lib/modules/$krel
installed=$kmods/updates/dkms/minivmm.ko
vm=dkms-svm

NCASES=16
old=0.0-old

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

if [ "$(id -u)" -eq 0 ]; then
	as_root() { "$@"; }
elif sudo -n true 2>/dev/null; then
	as_root() { sudo -n "$@"; }
else
	skip_all "needs root or sudo without a password"
fi
command -v dkms >/dev/null || skip_all "dkms is not installed (tools/deps.sh installs it)"
[ -e "$kmods/build/Makefile" ] || skip_all "no headers for $krel (tools/deps.sh installs them)"
if [ -n "$(dkms status -m minivmm 2>/dev/null)" ] || ls -d /usr/src/minivmm-* >/dev/null 2>&1; then
	skip_all "minivmm is already in DKMS or /usr/src here; the check would replace it"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/minivmm-dkms-check.XXXXXX") || exit 1
msg=$tmp/msg

# What was there before, so that only what this check created is removed.
had_index=0
[ ! -e "$kmods/modules.dep" ] || had_index=1
had_key=0
[ ! -e /var/lib/dkms/mok.key ] && [ ! -e /var/lib/dkms/mok.pub ] || had_key=1
for f in "$kmods"/modules.*; do
	echo "$f"
done >"$tmp/index.before"

# The minivmm versions DKMS knows.
dkms_versions() {
	dkms status -m minivmm 2>/dev/null |
		sed -n 's|^minivmm[/, ]*\([^,:]*\)[,:].*|\1|p' | sort -u
}

# Put the machine back even when a case fails or the script is stopped.
restore() {
	for v in $(dkms_versions); do
		echo "# dkms-check: removing minivmm/$v left behind" >>"$log"
		as_root dkms remove "minivmm/$v" --all >>"$log" 2>&1
	done
	as_root rm -rf "$src" "/usr/src/minivmm-$old"
	if [ "$had_index" -eq 0 ]; then
		# depmod's index of a kernel that had none: drop what it wrote.
		for f in "$kmods"/modules.*; do
			[ ! -e "$f" ] || grep -qxF "$f" "$tmp/index.before" ||
				as_root rm -f "$f"
		done
	fi
	[ "$had_key" -eq 1 ] || as_root rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	rm -rf "$tmp"
}
trap restore EXIT
trap 'exit 1' INT TERM

# case_ and say.
# shellcheck source=tools/tap.sh
. "$top/tools/tap.sh"

# An older minivmm, added to DKMS but not built, for dkms-install to replace.
add_old() {
	as_root mkdir -p "/usr/src/minivmm-$old" &&
	sed "s/#MODULE_VERSION#/$old/" "$top/dkms.conf" |
		as_root tee "/usr/src/minivmm-$old/dkms.conf" >/dev/null &&
	as_root dkms add "minivmm/$old"
}

check_dkms_install() {
	add_old || { say "could not add minivmm/$old to DKMS"; return 1; }
	as_root env MAKEFLAGS= "$make" -C "$top" --no-print-directory \
		dkms-install KVER="$krel" ||
		{ say "make dkms-install KVER=$krel failed (see $log)"; return 1; }
}

check_status() {
	st=$(dkms status -m minivmm)
	echo "$st"
	[ "$st" = "$mod, $krel, x86_64: installed" ] ||
		{ say "dkms status says '$st'"; return 1; }
	[ ! -e "/usr/src/minivmm-$old" ] ||
		{ say "/usr/src/minivmm-$old, the replaced version's source, is still there"; return 1; }
}

# Only sources, and dkms.conf with the version filled in.
check_source() {
	[ -d "$src" ] || { say "$src is missing"; return 1; }
	grep -qx "PACKAGE_VERSION=\"$version\"" "$src/dkms.conf" ||
		{ say "$src/dkms.conf does not say PACKAGE_VERSION=\"$version\""; return 1; }
	! grep -q '#MODULE_VERSION#' "$src/dkms.conf" ||
		{ say "$src/dkms.conf still has the placeholder"; return 1; }
	for f in Kbuild VERSION kmod/Kbuild kmod/main.c uapi/linux/minivmm.h; do
		[ -f "$src/$f" ] || { say "$src/$f is missing"; return 1; }
	done
	bad=$(cd "$src" && find . -type f ! -name '*.[chS]' ! -name Kbuild \
		! -name Makefile ! -name VERSION ! -name dkms.conf -o -name '*.mod.c')
	[ -z "$bad" ] || { say "not sources: $bad"; return 1; }
}

check_module() {
	[ -f "$installed" ] || { say "$installed is missing"; return 1; }
	modinfo "$installed" | grep -v '^sig' | grep -v '^[[:space:]]'
	v=$(modinfo -F version "$installed")
	[ "$v" = "$version" ] || { say "version '$v', want $version"; return 1; }
	vm_magic=$(modinfo -F vermagic "$installed")
	case $vm_magic in
	"$krel "*) ;;
	*) say "vermagic '$vm_magic' is not for $krel"; return 1 ;;
	esac
}

check_depmod() {
	grep -q '^updates/dkms/minivmm.ko:' "$kmods/modules.dep" ||
		{ say "$kmods/modules.dep does not list updates/dkms/minivmm.ko"; return 1; }
}

check_srcversion() {
	a=$(modinfo -F srcversion "$installed")
	b=$(modinfo -F srcversion "$top/kmod/minivmm.ko")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		say "srcversion $a (DKMS) but $b (kmod/minivmm.ko)"
		return 1
	fi
}

# dkms must refuse a kernel whose config lacks $1, without building.
check_exclusive_config() {
	fake=$tmp/ks-$1
	mkdir -p "$fake/include"
	sed "s/^$1=.*/# $1 is not set/" "$kmods/build/.config" >"$fake/.config"
	rc=0
	as_root dkms build "$mod" -k "$krel-no-${1#CONFIG_}" \
		--kernelsourcedir "$fake" || rc=$?
	[ "$rc" -eq 77 ] ||
		{ say "dkms build for a kernel without $1 exited $rc, want 77 (excluded)"; return 1; }
}

check_exclusive_arch() {
	rc=0
	as_root dkms build "$mod" -k "$krel-arm64" -a aarch64 \
		--kernelsourcedir "$kmods/build" || rc=$?
	[ "$rc" -eq 77 ] ||
		{ say "dkms build for aarch64 exited $rc, want 77 (excluded)"; return 1; }
}

# dkms must refuse a kernel outside BUILD_EXCLUSIVE_KERNEL (a later
# release, as Ubuntu or Fedora run), without building.
check_exclusive_kernel() {
	rc=0
	as_root dkms build "$mod" -k "$1" --kernelsourcedir "$kmods/build" || rc=$?
	[ "$rc" -eq 77 ] ||
		{ say "dkms build for kernel $1 exited $rc, want 77 (excluded)"; return 1; }
}

initrd=$outdir/$vm.initramfs.cpio.gz
# The rig builds and installs the selftests, with this guest, first, and
# the static vmctl its VMs run (rig.sh).
guest_build=${BUILD:-$top/build}
case $guest_build in /*) ;; *) guest_build=$top/$guest_build ;; esac
guest=$guest_build/testvm/selftests/vmctl_guest_mb.elf
rig_vmctl=$guest_build/testvm/vmctl

# The initramfs the VM boots carries the very file DKMS installed.
check_initramfs() {
	mkdir -p "$tmp/st" "$tmp/x"
	# The VM runs 'vmctl info' and one guest under 'vmctl run' (demo
	# mode), not the selftests: only the demo's guest goes in.
	printf '#!/bin/sh\necho "1..0 # SKIP not used here"\n' >"$tmp/st/run.sh"
	chmod +x "$tmp/st/run.sh"
	cp "$guest" "$tmp/st/" ||
		{ say "no $guest: build the selftests first (make selftests)"; return 1; }
	[ -f "$rig_vmctl" ] ||
		{ say "no $rig_vmctl: the rig builds it (make check-host)"; return 1; }
	"$here/testvm/mkinitramfs.sh" "$kdir" "$installed" \
		"$rig_vmctl" "$tmp/st" "$initrd" ||
		{ say "mkinitramfs.sh failed"; return 1; }
	# Exactly one minivmm.ko, so it is the one modprobe loads.
	kos=$(gzip -dc "$initrd" | cpio -t --quiet | grep 'minivmm\.ko')
	[ "$kos" = "lib/modules/$krel/extra/minivmm.ko" ] ||
		{ say "minivmm modules in the initramfs: $kos"; return 1; }
	(cd "$tmp/x" && gzip -dc "$initrd" | cpio -id --quiet "$kos")
	a=$(sha256sum <"$installed" | cut -d' ' -f1)
	b=$(sha256sum <"$tmp/x/lib/modules/$krel/extra/minivmm.ko" | cut -d' ' -f1)
	[ "$a" = "$b" ] || { say "sha256 $b in the initramfs, $a installed"; return 1; }
	echo "sha256 $a"
}

console=$outdir/$vm.console.log

check_vm_load() {
	MINIVMM_RIG_TIMEOUT=${MINIVMM_DKMS_VM_TIMEOUT:-300} \
		"$here/testvm/run-vm.sh" svm demo "$kdir" "$initrd" "$outdir" "$vm" \
		>"$outdir/$vm.run.log" 2>&1
	cat "$outdir/$vm.status"
	grep -q '^minivmm-rig: minivmm loaded' "$console" ||
		{ say "modprobe minivmm failed in the VM (see $console)"; return 1; }
}

check_vm_info() {
	if ! grep -q '^minivmm-rig: vmctl info exit=0' "$console" ||
	   ! grep -q '^VM create: ok' "$console"; then
		say "vmctl info failed in the VM (see $console)"
		return 1
	fi
	! grep -Eq 'BUG:|Oops|Call Trace:|Kernel panic' "$console" ||
		{ say "the kernel reported a problem (see $console)"; return 1; }
}

# The demo's Multiboot guest prints its command line over the UART and
# leaves through port 0xf4 with 16: vmctl's status is (16 << 1) | 1.
check_vm_guest() {
	if ! grep -q '^minivmm-rig: vmctl run exit=33 ' "$console" ||
	   ! grep -q 'cmdline: .*hello from the demo' "$console"; then
		say "the guest under vmctl run did not finish as expected (see $console)"
		return 1
	fi
}

check_dkms_uninstall() {
	as_root env MAKEFLAGS= "$make" -C "$top" --no-print-directory \
		dkms-uninstall ||
		{ say "make dkms-uninstall failed"; return 1; }
}

check_nothing_left() {
	left=$(ls -d /var/lib/dkms/minivmm /usr/src/minivmm-* \
		/lib/modules/*/updates/dkms/minivmm.ko* \
		/lib/modules/*/extra/minivmm.ko* 2>/dev/null)
	[ -z "$left" ] || { say "left behind: $left"; return 1; }
	[ -z "$(dkms status -m minivmm)" ] ||
		{ say "dkms status still lists minivmm"; return 1; }
	! grep -q minivmm "$kmods/modules.dep" 2>/dev/null ||
		{ say "$kmods/modules.dep still lists minivmm"; return 1; }
}

echo "1..$NCASES"
t0=$(date +%s)
case_ "make dkms-install KVER=$krel: dkms add, build and install" check_dkms_install
case_ "dkms status: only $mod, $krel, x86_64: installed (minivmm/$old replaced)" check_status
case_ "$src holds the sources only, dkms.conf with version $version" check_source
case_ "$installed: version $version, vermagic $krel" check_module
case_ "depmod ran: modules.dep lists updates/dkms/minivmm.ko" check_depmod
case_ "DKMS built this tree: its srcversion is kmod/minivmm.ko's" check_srcversion
for c in CONFIG_MODULES CONFIG_PREEMPT_NOTIFIERS CONFIG_MMU_NOTIFIER; do
	case_ "BUILD_EXCLUSIVE_CONFIG: dkms skips a kernel without $c" \
		check_exclusive_config "$c"
done
case_ "BUILD_EXCLUSIVE_ARCH: dkms skips aarch64" check_exclusive_arch
case_ "BUILD_EXCLUSIVE_KERNEL: dkms skips a 6.8 kernel" check_exclusive_kernel 6.8.0-31-generic
t1=$(date +%s)
case_ "the VM's initramfs carries the module DKMS installed, and no other (same sha256)" check_initramfs
case_ "stock $krel in QEMU (SVM): modprobe loads the DKMS module" check_vm_load
case_ "stock $krel in QEMU (SVM): vmctl info creates a VM" check_vm_info
case_ "stock $krel in QEMU (SVM): vmctl run boots a Multiboot guest to its exit status" check_vm_guest
t2=$(date +%s)
case_ "make dkms-uninstall: dkms remove $mod --all, source copy deleted" check_dkms_uninstall
case_ "nothing left: /var/lib/dkms/minivmm, $src, minivmm.ko under /lib/modules, modules.dep" check_nothing_left
echo "# dkms-check: DKMS $((t1 - t0)) s, VM $((t2 - t1)) s, uninstall $(($(date +%s) - t2)) s"
[ "$failed" -eq 0 ]
