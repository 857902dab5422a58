#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs (gzip'ed newc cpio):
#
#   mkinitramfs.sh KERNEL_DIR MODULE VMCTL SELFTESTS_DIR OUT [MODULE...]
#
# KERNEL_DIR is a kernel cache from fetch-kernel.sh (stock) or
# build-debug-kernel.sh (debug), MODULE the minivmm.ko built against that
# kernel, VMCTL the vmctl binary, SELFTESTS_DIR an installed selftests tree
# (test programs plus run.sh); further MODULEs (minivmm_kunit.ko) go beside
# minivmm.ko.  The root holds static busybox with its applet links, the KVM
# modules and minivmm's (under extra/) with a modules.dep so busybox
# modprobe can load and unload them, vmctl and kunit-tap (kunit-tap.sh) in
# /usr/bin, the selftests in /selftests/minivmm and /init (init.sh beside
# this script).  Shared libraries of dynamically linked programs are copied
# in from the build machine.
#
# Environment: MINIVMM_RIG_KVM=0 leaves the KVM modules out, for a kernel
# built without them (the debug kernel); by default a missing one is an
# error.  MINIVMM_RIG_GUEST_KERNEL=FILE puts a Linux guest in /boot/guest:
# FILE as vmlinuz, and initrd.gz, a second busybox initramfs whose /init is
# guest-init.sh, for linux_boot_test.sh and make demo/shell to boot under
# "vmctl run".
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kdir=${1:?usage: mkinitramfs.sh KERNEL_DIR MODULE VMCTL SELFTESTS_DIR OUT}
module=${2:?missing MODULE}
vmctl=${3:?missing VMCTL}
selftests=${4:?missing SELFTESTS_DIR}
out=${5:?missing OUT}
shift 5
case $out in /*) ;; *) out=$PWD/$out ;; esac
extra=
for ko in "$@"; do
	case $ko in /*) ;; *) ko=$PWD/$ko ;; esac
	extra="$extra $ko"
done

krel=$(ls "$kdir/lib/modules")
stock=$kdir/lib/modules/$krel
busybox=/bin/busybox
PATH=$PATH:/sbin:/usr/sbin

for f in "$module" $extra "$vmctl" "$selftests/run.sh" "$busybox"; do
	[ -e "$f" ] || { echo "mkinitramfs: missing $f" >&2; exit 1; }
done
if ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2
	exit 1
fi

root=$out.root
rm -rf "$root"
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin lib etc proc sys dev tmp run root \
	 "lib/modules/$krel/kernel" "lib/modules/$krel/extra" selftests

# busybox and one link per applet.
cp "$busybox" bin/busybox
for app in $(bin/busybox --list-full); do
	[ -e "$app" ] || ln -s /bin/busybox "$app"
done

# The kernel's modules: the KVM modules the tests may load or compare
# against, and whatever minivmm's modules need besides each other, each
# with its dependencies, as the kernel's modules.dep lists them.
wanted=
[ "${MINIVMM_RIG_KVM:-1}" = 0 ] || wanted="kvm kvm_amd kvm_intel"
ours=
for ko in "$module" $extra; do
	m=$(basename "$ko" .ko)
	ours="$ours $m $(echo "$m" | tr '_' '-')"
done
for ko in "$module" $extra; do
	for d in $(modinfo -F depends "$ko" | tr ',' ' '); do
		case " $ours " in *" $d "*) ;; *) wanted="$wanted $d" ;; esac
	done
done
: >"$out.kos"
for m in $wanted; do
	modprobe -d "$kdir" -S "$krel" --show-depends "$m" >"$out.deps" ||
		{ echo "mkinitramfs: stock module $m not found" >&2; exit 1; }
	sed -n 's/^insmod \([^ ]*\).*/\1/p' "$out.deps" >>"$out.kos"
done
sort -u -o "$out.kos" "$out.kos"
while read -r ko; do
	rel=${ko#"$stock"/}
	mkdir -p "lib/modules/$krel/$(dirname "$rel")"
	# Store modules uncompressed: busybox modprobe may lack the decoder.
	case $ko in
	*.ko.xz)  xz -dc "$ko" >"lib/modules/$krel/${rel%.xz}" ;;
	*.ko.zst) zstd -qdc "$ko" >"lib/modules/$krel/${rel%.zst}" ;;
	*.ko.gz)  gzip -dc "$ko" >"lib/modules/$krel/${rel%.gz}" ;;
	*)        cp "$ko" "lib/modules/$krel/$rel" ;;
	esac
done <"$out.kos"
[ -s "$out.kos" ] || [ -z "$wanted" ] ||
	{ echo "mkinitramfs: no stock modules found" >&2; exit 1; }
rm -f "$out.deps" "$out.kos"
cp "$module" $extra "lib/modules/$krel/extra/"
cp "$stock/modules.order" "$stock/modules.builtin" \
   "$stock/modules.builtin.modinfo" "lib/modules/$krel/"
depmod -b "$root" "$krel"

# Programs.
cp "$vmctl" usr/bin/vmctl
cp "$here/kunit-tap.sh" usr/bin/kunit-tap
mkdir -p selftests/minivmm
cp -a "$selftests/." selftests/minivmm/
cp "$here/init.sh" init
chmod 755 init usr/bin/vmctl usr/bin/kunit-tap

# The Linux guest: the kernel as given, and its own small initramfs.
if [ -n "${MINIVMM_RIG_GUEST_KERNEL:-}" ]; then
	mkdir -p boot/guest
	cp "$MINIVMM_RIG_GUEST_KERNEL" boot/guest/vmlinuz
	groot=$out.guest
	rm -rf "$groot"
	mkdir -p "$groot/bin" "$groot/sbin" "$groot/usr/bin" "$groot/usr/sbin" \
		 "$groot/proc" "$groot/sys" "$groot/dev" "$groot/tmp" "$groot/root"
	cp "$busybox" "$groot/bin/busybox"
	for app in $("$groot/bin/busybox" --list-full); do
		[ -e "$groot/$app" ] || ln -s /bin/busybox "$groot/$app"
	done
	cp "$here/guest-init.sh" "$groot/init"
	chmod 755 "$groot/init"
	(cd "$groot" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet | gzip -6) >boot/guest/initrd.gz
	rm -rf "$groot"
fi

# Shared libraries for anything dynamically linked (the selftests usually
# are).  ldd on the build machine names what the loader will look for.
find usr/bin selftests -type f | while read -r f; do
	ldd "$f" >/dev/null 2>&1 || continue
	ldd "$f" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
done | sort -u | while read -r lib; do
	mkdir -p ".$(dirname "$lib")"
	cp -L "$lib" ".$lib"
done

find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6 >"$out"
cd /
rm -rf "$root"
