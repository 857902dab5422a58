#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel the rig's debug run boots, and keep it in a cache
# outside the clone:
#
#   build-debug-kernel.sh           prints the cache directory on stdout
#   build-debug-kernel.sh --cached  the same if the kernel is built already;
#                                   otherwise fails without building
#
# Source: Debian's linux-source-6.1 tarball.  Config: x86_64_defconfig with
# debug.config (beside this script) merged by scripts/kconfig/merge_config.sh;
# the build stops if any option of the fragment is missing from the final
# .config.
#
# The cache directory is $MINIVMM_CACHE/debug-KEY/ (MINIVMM_CACHE defaults to
# ~/.cache/minivmm), KEY a hash of the fragment, the linux-source-6.1
# package version and this script.  It holds, laid out like the stock
# kernel cache of fetch-kernel.sh so the rest of the rig takes either:
#
#   vmlinuz                  the bzImage
#   config, System.map
#   lib/modules/KREL/        the kernel's own modules, depmod'ed
#   build/                   what out-of-tree modules build against
#                            (make -C .../build M=DIR): the Makefiles,
#                            Kconfig-generated headers, include trees,
#                            scripts and objtool, .config, Module.symvers
#   .info                    package version, build time, sizes
#
# The kernel is built in a scratch directory next to the cache and renamed
# into place only once complete, so an interrupted build is never reused.
# A lock lets two rigs wait for one build instead of doing it twice.
#
# Environment: MINIVMM_CACHE, MINIVMM_KSRC (default
# /usr/src/linux-source-6.1.tar.xz), MINIVMM_JOBS (default: nproc),
# MINIVMM_DEBUG_KEEP=1 (keep the scratch tree, to look into a failure).
set -eu

# One compound command, read whole before it runs: a checkout that changes
# this file during the half hour of a build cannot change what runs.
{
here=$(cd "$(dirname "$0")" && pwd)
self=$here/$(basename "$0")
fragment=$here/debug.config
tarball=${MINIVMM_KSRC:-/usr/src/linux-source-6.1.tar.xz}
cache=${MINIVMM_CACHE:-${HOME:-/tmp}/.cache/minivmm}
jobs=${MINIVMM_JOBS:-$(nproc)}

die() {
	echo "build-debug-kernel: $*" >&2
	exit 1
}

[ -r "$tarball" ] || die "$tarball is missing (install linux-source-6.1: tools/deps.sh)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed (tools/deps.sh)"

key=$( { cat "$fragment"; echo "linux-source-6.1 $srcver"; cat "$self"; } |
      sha256sum | cut -c1-16)
dir=$cache/debug-$key

if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
[ "${1:-}" != --cached ] || exit 1

mkdir -p "$cache"
# One build per key at a time; a second caller waits, then reuses it.
exec 9>"$cache/.debug-$key.lock"
if ! flock -n 9; then
	echo "build-debug-kernel: another build of debug-$key is running; waiting" >&2
	flock 9
fi
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

work=$(mktemp -d "$cache/.debug-$key.work.XXXXXX")
if [ "${MINIVMM_DEBUG_KEEP:-0}" = 1 ]; then
	echo "build-debug-kernel: keeping $work" >&2
else
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM HUP
src=$work/src
out=$work/out
log=$work/build.log
mkdir -p "$src" "$out"

now() { date +%s; }
t0=$(now)
echo "build-debug-kernel: building debug-$key from linux-source-6.1 $srcver" \
     "with -j$jobs (log: $log)" >&2

# Run a step with its output in the log; show the end of the log if it fails.
step() {
	if ! "$@" >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "failed: $*"
	fi
}

tar -xJf "$tarball" -C "$src" --strip-components=1
t1=$(now)

# PREEMPT_NOTIFIERS has no prompt in 6.1: only KVM selects it, and KVM
# stays off.  minivmm needs the notifiers (the stock kernel has them), so
# give the symbol a prompt here; the fragment then sets it like any other.
awk '
	/^config PREEMPT_NOTIFIERS$/ { print; getline
		if ($0 == "\tbool") { print "\tbool \"Preempt notifiers\""; done = 1; next } }
	{ print }
	END { exit !done }
' "$src/init/Kconfig" >"$work/Kconfig" ||
	die "init/Kconfig: PREEMPT_NOTIFIERS is not the bare bool expected"
mv "$work/Kconfig" "$src/init/Kconfig"

cd "$src"
step make x86_64_defconfig
step scripts/kconfig/merge_config.sh .config "$fragment"

# merge_config.sh only warns when Kconfig drops a requested value: check
# each line of the fragment against the final .config here.
missing=
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" .config || missing="$missing
  $line (got: $(grep -E "^(# )?${line%%=*}[= ]" .config || echo absent))"
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		! grep -q "^$sym=" .config || missing="$missing
  $line (got: $(grep "^$sym=" .config))"
		;;
	esac
done <"$fragment"
[ -z "$missing" ] || die "options of debug.config missing from .config:$missing"

step make -j"$jobs" all
t2=$(now)

krel=$(cat include/config/kernel.release)
cp arch/x86/boot/bzImage "$out/vmlinuz"
cp .config "$out/config"
cp System.map "$out/System.map"
step make modules_install INSTALL_MOD_PATH="$out" DEPMOD=/sbin/depmod
rm -f "$out/lib/modules/$krel/build" "$out/lib/modules/$krel/source"
ln -s ../../../build "$out/lib/modules/$krel/build"

# The tree for out-of-tree modules, the way Debian's headers packages cut
# it: from the source, the Makefiles and everything under include/,
# scripts/ and the arch's include directories; from the build, the
# generated headers, the host programs in scripts/, objtool, .config and
# Module.symvers.  Source and objects share this directory here.
{
	find . arch/x86 -maxdepth 1 -name 'Makefile*'
	find include scripts -type f -o -type l
	find arch/x86 -name Kbuild.platforms -o -name Platform
	find $(find arch/x86 -name include -o -name scripts -type d) -type f
	find tools/objtool -maxdepth 1 -name objtool -type f
	echo .config
	echo Module.symvers
} | sort -u >"$work/headers.list"
mkdir -p "$out/build"
tar -cf - -T "$work/headers.list" | tar -xf - -C "$out/build"

# Prove the cut tree builds (and modposts) a module before calling it done.
mkdir -p "$work/probe"
cat >"$work/probe/probe.c" <<-'EOF'
	#include <linux/module.h>
	#include <linux/slab.h>
	static int __init probe_init(void) { kfree(kmalloc(8, GFP_KERNEL)); return 0; }
	module_init(probe_init);
	MODULE_LICENSE("GPL");
EOF
echo 'obj-m := probe.o' >"$work/probe/Kbuild"
step make -C "$out/build" M="$work/probe" modules
[ -f "$work/probe/probe.ko" ] || die "the build tree did not produce a module"
t3=$(now)
times >"$work/times"

{
	echo "source: linux-source-6.1 $srcver"
	echo "release: $krel"
	echo "jobs: $jobs"
	echo "extract: $((t1 - t0)) s"
	echo "build: $((t2 - t1)) s"
	echo "total: $((t3 - t0)) s"
	# User and system CPU time of everything run (times' second line):
	# a measure of the work that does not depend on the machine's load.
	echo "cpu: $(tail -n 1 "$work/times")"
	echo "size: $(du -sh "$out" | cut -f1) (build/ $(du -sh "$out/build" | cut -f1))"
} >"$out/.info"
touch "$out/.complete"

rm -rf "$dir"
mv "$out" "$dir"
echo "build-debug-kernel: debug-$key ($krel) built in $((t3 - t0)) s:" \
     "$(grep ^size: "$dir/.info" | cut -d' ' -f2-)" >&2
echo "$dir"
exit
}
