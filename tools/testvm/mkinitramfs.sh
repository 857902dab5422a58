#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs (gzip'ed newc cpio):
#
#   mkinitramfs.sh KERNEL_DIR MODULE VMCTL SELFTESTS_DIR OUT
#
# KERNEL_DIR is a stock kernel cache from fetch-kernel.sh, MODULE the
# minivmm.ko built against that kernel's headers, VMCTL the vmctl binary,
# SELFTESTS_DIR an installed selftests tree (test programs plus run.sh).
# The root holds static busybox with its applet links, the KVM modules and
# minivmm.ko (under extra/) with a modules.dep so busybox modprobe can load
# and unload them, vmctl in /usr/bin, the selftests in /selftests/minivmm
# and /init (init.sh beside this script).  Shared libraries of dynamically
# linked programs are copied in from the build machine.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kdir=${1:?usage: mkinitramfs.sh KERNEL_DIR MODULE VMCTL SELFTESTS_DIR OUT}
module=${2:?missing MODULE}
vmctl=${3:?missing VMCTL}
selftests=${4:?missing SELFTESTS_DIR}
out=${5:?missing OUT}
case $out in /*) ;; *) out=$PWD/$out ;; esac

krel=$(ls "$kdir/lib/modules")
stock=$kdir/lib/modules/$krel
busybox=/bin/busybox
PATH=$PATH:/sbin:/usr/sbin

for f in "$module" "$vmctl" "$selftests/run.sh" "$busybox"; do
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

# Stock modules: the KVM modules the tests may load or compare against, and
# whatever minivmm.ko needs, each with its dependencies, as the stock
# modules.dep (made by fetch-kernel.sh) lists them.
wanted="kvm kvm_amd kvm_intel $(modinfo -F depends "$module" | tr ',' ' ')"
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
[ -s "$out.kos" ] || { echo "mkinitramfs: no stock modules found" >&2; exit 1; }
rm -f "$out.deps" "$out.kos"
cp "$module" "lib/modules/$krel/extra/"
cp "$stock/modules.order" "$stock/modules.builtin" \
   "$stock/modules.builtin.modinfo" "lib/modules/$krel/"
depmod -b "$root" "$krel"

# Programs.
cp "$vmctl" usr/bin/vmctl
mkdir -p selftests/minivmm
cp -a "$selftests/." selftests/minivmm/
cp "$here/init.sh" init
chmod 755 init usr/bin/vmctl

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
