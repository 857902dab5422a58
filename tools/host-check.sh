#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The checks that run on the build machine itself, framed like one test VM
# run so that tools/testvm/count.sh counts them into make check's summary:
#
#   host-check.sh OUTDIR ABI KERNEL_DIR
#
# runs tools/install-check.sh (make install/uninstall, man pages, bash
# completion, the release number), tools/dkms-check.sh (the DKMS round
# trip, with one short QEMU boot of the module DKMS built) and
# tools/netlink-spec-check.sh (the netlink spec against the kernel's schema,
# the uapi header, kmod/netlink.c and vmctl) and tools/vmctl-check.sh
# (vmctl's diagnostics on a host without the module, its image checks, the
# bash completion) and tools/vmctl-unit.sh (vmctl's unit tests,
# userspace/vmctl/tests/), and writes
#
#   OUTDIR/host.tap          all five as kselftest-style TAP, programs
#                            "install_check", "dkms_check",
#                            "netlink_spec_check", "vmctl_check" and
#                            "vmctl_unit", and the rig's end marker
#   OUTDIR/host.console.log  the console of dkms_check's VM, so count.sh
#                            looks for kernel problems there too
#   OUTDIR/host.dmesg.log    empty
#   OUTDIR/host.status       how it ended and the wall time
#
# The logs of each program are in OUTDIR/install-check.log,
# OUTDIR/dkms-check.log, OUTDIR/vmctl-check.log and OUTDIR/vmctl-unit.log.  ABI and KERNEL_DIR are what rig.sh has from
# tools/deps.sh and tools/testvm/fetch-kernel.sh.
set -u

usage="usage: host-check.sh OUTDIR ABI KERNEL_DIR"
out=${1:?$usage}
abi=${2:?$usage}
kdir=${3:?$usage}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$out"
out=$(cd "$out" && pwd)
tap=$out/host.tap
rm -f "$out/host.counts" "$out/host.stderr.log" "$out/dkms-svm.console.log"
: >"$out/host.dmesg.log"
start=$(date +%s)

# One program: its TAP indented by four spaces, then its result line.
run() {
	i=$1
	prog=$2
	shift 2
	echo "# selftests: minivmm: $prog"
	"$@" >"$out/$prog.tap" 2>>"$out/host.stderr.log"
	rc=$?
	sed 's/^/    /' "$out/$prog.tap"
	# A program that skipped as a whole says so in its plan.
	skip=$(sed -n 's/^1\.\.0 # SKIP \(.*\)/\1/p' "$out/$prog.tap")
	rm -f "$out/$prog.tap"
	if [ "$rc" -eq 0 ] && [ -n "$skip" ]; then
		echo "ok $i selftests: minivmm: $prog # SKIP $skip"
	elif [ "$rc" -eq 0 ]; then
		echo "ok $i selftests: minivmm: $prog"
	else
		echo "not ok $i selftests: minivmm: $prog # exit=$rc"
	fi
}

{
	echo "TAP version 13"
	echo "1..5"
	run 1 install_check "$here/install-check.sh" "$out/install-check.log"
	run 2 dkms_check "$here/dkms-check.sh" "$abi" "$kdir" "$out"
	run 3 netlink_spec_check "$here/netlink-spec-check.sh"
	run 4 vmctl_check "$here/vmctl-check.sh" "$here/../userspace/vmctl/vmctl" \
		"$out/vmctl-check.log"
	run 5 vmctl_unit "$here/vmctl-unit.sh" "$out/vmctl-unit.log"
	echo "# minivmm-rig: end of tests"
} >"$tap"

cp "$out/dkms-svm.console.log" "$out/host.console.log" 2>/dev/null ||
	: >"$out/host.console.log"
wall=$(($(date +%s) - start))
printf 'exit: host-check exit=0\nwall: %s s\n' "$wall" >"$out/host.status"
echo "host: install_check, dkms_check, netlink_spec_check, vmctl_check and vmctl_unit in $wall s" >&2
