#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "vmctl run" end to end: boots each test guest of vmctl_guests/ in a real
# VM through /dev/minivmm and checks what it printed on the UART (vmctl's
# stdout), what vmctl said (stderr) and vmctl's exit status:
#
#   Multiboot kernel, --cmdline, --module   status 33, its checks printed
#   64-bit ELF                              status 35
#   flat real-mode binary at 0x7c00         status 37
#   the same with --trace-exits             one line per exit on stderr
#   a guest that halts                      status 0, "halted"
#   a guest that triple-faults              status 4, SHUTDOWN + registers
#   a spinning guest, then SIGINT           status 130, "stopped by signal"
#
# Output: a TAP plan and one "ok"/"not ok" line per case, nested inside
# run.sh's stream.  POSIX sh for busybox.  Runs vmctl from PATH, or $VMCTL.
# Exits 0 when all passed, 1 otherwise, 4 (skip) without /dev/minivmm or
# vmctl.

KSFT_SKIP=4
cd "$(dirname "$0")" || exit 1
here=$(pwd)

vmctl=${VMCTL:-$(command -v vmctl)}
if [ -z "$vmctl" ] || [ ! -x "$vmctl" ]; then
	echo "1..0 # SKIP vmctl not found (set VMCTL)"
	exit $KSFT_SKIP
fi
if [ ! -c /dev/minivmm ]; then
	echo "1..0 # SKIP /dev/minivmm missing (is minivmm loaded?)"
	exit $KSFT_SKIP
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmctl-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
err=$tmp/err

n=0
failed=0
echo "1..7"

# A guest that hangs must not hang the suite: guest time is cheap, but
# Bochs makes every second count, so the limit is generous but finite.
vmrun() {
	timeout 120 "$vmctl" run "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

# check NAME COND...: one TAP line; on failure, show what vmctl printed.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n $2"
	echo "# exit status $rc; stdout:"
	sed 's/^/#   /' "$out"
	echo "# stderr:"
	sed 's/^/#   /' "$err"
}

has() {
	grep -qF -- "$2" "$1"
}

# 1. Multiboot: cmdline with the image name first, a module, fw_cfg.
printf 'vmctl-module-data' >"$tmp/module"
vmrun --cmdline "hello=world" --module "$tmp/module" \
	"$here/vmctl_guest_mb.elf"
ok=1
[ "$rc" = 33 ] &&
	has "$out" "vmctl multiboot guest: ok" &&
	has "$out" "cmdline: $here/vmctl_guest_mb.elf hello=world" &&
	has "$out" "module: vmctl-module-data" &&
	has "$out" "fw_cfg: QEMU" && ! has "$out" FAIL && ok=0
result $ok "multiboot_kernel"

# 2. A 64-bit ELF in long mode, 128M of RAM.
vmrun "$here/vmctl_guest_64.elf"
ok=1
[ "$rc" = 35 ] &&
	has "$out" "vmctl elf64 guest: long mode ok" &&
	has "$out" "fw_cfg: ram 128M" && ! has "$out" FAIL && ok=0
result $ok "elf64_long_mode"

# 3. A flat binary in real mode.
vmrun --flat 0x7c00 "$here/vmctl_guest_flat.bin"
ok=1
[ "$rc" = 37 ] && has "$out" "vmctl flat guest: real mode ok" && ok=0
result $ok "flat_real_mode"

# 4. --trace-exits: the UART polling and the final OUT are all logged.
vmrun --trace-exits --flat 0x7c00 "$here/vmctl_guest_flat.bin"
ok=1
[ "$rc" = 37 ] &&
	has "$err" "exit IO in port 0x3fd size 1" &&
	has "$err" "exit IO out port 0x3f8 size 1" &&
	has "$err" "exit IO out port 0xf4 size 1 count 1 value 0x12" && ok=0
result $ok "trace_exits"

# 5. HLT with interrupts off ends the VM cleanly.
vmrun --flat 0x7c00 "$here/vmctl_guest_halt.bin"
ok=1
[ "$rc" = 0 ] && has "$out" "halting" && has "$err" "the guest halted" &&
	ok=0
result $ok "halt_exits_0"

# 6. A triple fault: SHUTDOWN, the registers, status 4.
vmrun --flat 0x7c00 "$here/vmctl_guest_crash.bin"
ok=1
[ "$rc" = 4 ] && has "$out" "triple fault next" &&
	has "$err" "the guest shut down" && has "$err" "  rip 0x" &&
	has "$err" "  cs  sel" && ok=0
result $ok "triple_fault_exits_4"

# 7. SIGINT stops a guest that never exits: RUN returns -EINTR, vmctl
# stops.  An asynchronous command of a script starts with SIGINT ignored;
# vmctl's handler replaces that, so wait until the guest has printed.
nap() {
	sleep 0.1 2>/dev/null || sleep 1
}
"$vmctl" run --flat 0x7c00 "$here/vmctl_guest_spin.bin" \
	>"$out" 2>"$err" </dev/null &
pid=$!
i=0
while ! has "$out" spinning && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
	nap
	i=$((i + 1))
done
kill -INT $pid 2>/dev/null
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do
	nap
	i=$((i + 1))
done
kill -KILL $pid 2>/dev/null
wait $pid
rc=$?
ok=1
[ "$rc" = 130 ] && has "$out" spinning &&
	has "$err" "stopped by signal 2" && ok=0
result $ok "sigint_stops_a_spinning_guest"

[ "$failed" = 0 ]
