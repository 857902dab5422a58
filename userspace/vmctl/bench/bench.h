/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h: what vmctl bench (cmd_bench.c) and its guest (bench/guest.S)
 * agree on.  Plain #defines: the assembler reads this file too.
 *
 * The guest sits in a loop: it asks for the next case with an OUT to
 * BENCH_PORT_NEXT, reads the case from the mailbox, runs it, writes the
 * guest TSC ticks it took (and a value to check) back, and asks again.
 * One OUT per case, so the host changes no register between cases.
 */
#ifndef VMCTL_BENCH_H
#define VMCTL_BENCH_H

/* Guest-physical layout; page 0 stays unused. */
#define BENCH_MAILBOX		0x8000	/* the mailbox page */
#define BENCH_CODE		0x10000	/* where guest.S is copied */
#define BENCH_TOUCH_BASE	0x1000000 /* 16 MiB: pages first touched */

/* Mailbox fields: 64-bit words at these offsets from BENCH_MAILBOX. */
#define BENCH_MB_CASE		0x00	/* in: a BENCH_* case below */
#define BENCH_MB_ITERS		0x08	/* in: how many operations */
#define BENCH_MB_TICKS		0x10	/* out: guest TSC ticks for them */
#define BENCH_MB_CHECK		0x18	/* out: the last operation's result */

/* Ports and the MMIO address, in no memory slot and no device of either
 * accelerator: every access is an exit to vmctl. */
#define BENCH_PORT_NEXT		0x5f0
#define BENCH_PORT_OUT		0x5f1
#define BENCH_PORT_IN		0x5f2
#define BENCH_MMIO		0xd0000000

/* What IN and the MMIO read return, and the guest gives back to check. */
#define BENCH_IN_VALUE		0x5a
#define BENCH_MMIO_VALUE	0x600dcafe

/* An MSR both KVM and minivmm intercept and emulate in the kernel. */
#define BENCH_MSR		0x1a0	/* IA32_MISC_ENABLE */

/* The cases, in the order of the table vmctl bench prints. */
#define BENCH_CPUID		1
#define BENCH_RDMSR		2
#define BENCH_WRMSR		3
#define BENCH_OUT		4
#define BENCH_IN		5
#define BENCH_MMIO_READ		6
#define BENCH_MMIO_WRITE	7
#define BENCH_HLT		8
#define BENCH_TOUCH		9	/* first touch of 4 KiB pages */
#define BENCH_NR_CASES		10	/* one past the last */

#endif
