// SPDX-License-Identifier: GPL-2.0
/*
 * devices/debug_exit.c: QEMU's isa-debug-exit device at port 0xf4.
 *
 * A write of value v stops the machine and makes the VMM exit with status
 * (v << 1) | 1, the convention test kernels written for QEMU rely on to
 * report success or failure (they pick a v whose status is not 1, since a
 * VMM failing on its own exits 1 too).  v is the value of whatever size
 * the guest wrote (outb, outw or outl); the shell sees the status modulo
 * 256, as for any exit status.  Reads return all ones, as an absent
 * device does (QEMU's does the same).
 */
#include "vmctl.h"
#include "run.h"

void debug_exit_write(struct debug_exit *d, uint32_t val)
{
	d->requested = true;
	d->status = (int)(((val << 1) | 1) & 0xff);
}
