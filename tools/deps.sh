#!/bin/bash
# Install every Debian package minivmm's build and test rig need.
# Idempotent: packages already present are skipped, so running it twice is cheap.
# Prints the stock kernel ABI in use on its last line (see tools/testvm/stock-abi).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pinned=$(grep -v '^#' "$top/tools/testvm/stock-abi" | head -n1)

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev dwarves kmod cpio
	qemu-system-x86 bochs bochsbios bochs-term vgabios seabios
	busybox-static isolinux syslinux-common genisoimage
	libnl-3-dev libnl-genl-3-dev pkg-config dkms man-db linux-source-6.1 xz-utils
	# tools/netlink-spec-check.sh: the kernel's netlink spec schemas, and
	# what reads and validates them
	linux-doc-6.12 python3-yaml python3-jsonschema
	# tools/vmctl-check.sh drives vmctl's completion through bash-completion
	bash-completion
)

updated=
apt_update() {
	[ -n "$updated" ] && return
	$sudo apt-get update -qq
	updated=1
}

# The pinned ABI, or whatever linux-headers-amd64 depends on now.
abi=$pinned
if ! apt-cache show "linux-headers-$abi-amd64" >/dev/null 2>&1; then
	apt_update
	if ! apt-cache show "linux-headers-$abi-amd64" >/dev/null 2>&1; then
		abi=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		      sed -n 's/.*Depends: linux-headers-\(.*\)-amd64$/\1/p' | head -n1)
		echo "deps: pinned ABI $pinned is gone; using $abi" >&2
	fi
fi
pkgs+=("linux-headers-$abi-amd64")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	apt_update
	echo "deps: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
fi
echo "$abi"
