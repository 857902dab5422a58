#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's stock kernel image for the test VMs and keep it in a cache
# outside the clone, so later runs reuse it:
#
#   fetch-kernel.sh ABI      prints the cache directory on stdout
#
# The cache directory ($MINIVMM_CACHE, default ~/.cache/minivmm) gets
# stock-ABI/ holding vmlinuz, config and lib/modules/ABI-amd64/ with the stock
# modules the rig puts in the initramfs.  The .deb itself is not kept.
set -eu

abi=${1:?usage: fetch-kernel.sh ABI}
cache=${MINIVMM_CACHE:-${HOME:-/tmp}/.cache/minivmm}
dir=$cache/stock-$abi

if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/minivmm-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# As root, apt downloads as the _apt user, who may not write into $tmp.
sandbox=
[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
start=$(date +%s)
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
got=
for try in 1 2; do
	for pkg in "linux-image-$abi-amd64-unsigned" "linux-image-$abi-amd64"; do
		if (cd "$tmp" && apt-get download -q $sandbox "$pkg" >&2); then
			got=$pkg
			break 2
		fi
	done
	# The package lists may be old or missing on a fresh machine.
	[ $try -eq 1 ] && $sudo apt-get update -qq >&2
done
if [ -z "$got" ]; then
	echo "fetch-kernel: cannot download linux-image-$abi-amd64" \
	     "(try 'apt-get update')" >&2
	exit 1
fi
dpkg -x "$tmp"/*.deb "$tmp/x"

rm -rf "$dir"
mkdir -p "$dir/lib/modules/$abi-amd64"
cp "$tmp/x/boot/vmlinuz-$abi-amd64" "$dir/vmlinuz"
cp "$tmp/x/boot/config-$abi-amd64" "$dir/config"
# Keep the whole module tree: the initramfs takes only what it needs
# (see mkinitramfs.sh), but module dependencies are resolved against it.
cp -a "$tmp/x/lib/modules/$abi-amd64/." "$dir/lib/modules/$abi-amd64/"
# modules.dep answers "what does this module need" for mkinitramfs.sh.
PATH=$PATH:/sbin:/usr/sbin depmod -b "$dir" "$abi-amd64"
echo "$got" >"$dir/.package"
touch "$dir/.complete"
echo "fetch-kernel: $got into $dir in $(($(date +%s) - start)) s" >&2
echo "$dir"
