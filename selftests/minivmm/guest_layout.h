/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical layout and the port numbers the test guests and the
 * test programs agree on.  Included by the guest sources (guests/NAME.S) and by
 * guest.h, so it holds nothing but #defines.
 *
 * Guest memory is one slot at GPA 0 (GUEST_MEM_SIZE bytes, the test's own
 * anonymous memory).  A guest image is loaded at GUEST_CODE and entered at
 * its first byte.  Everything from GUEST_MEM_SIZE to 4 GiB is mapped by the
 * long-mode page tables but has no slot: an access there exits as MMIO.
 */
#ifndef MINIVMM_GUEST_LAYOUT_H
#define MINIVMM_GUEST_LAYOUT_H

#define GUEST_GDT		0x1000	/* the GDT below, written by guest.c */
#define GUEST_IDT		0x2000	/* free for a guest's IDT */
#define GUEST_CODE		0x4000	/* images load and start here */
#define GUEST_STACK		0xf000	/* initial RSP/ESP/SP */
#define GUEST_PML4		0x10000	/* long-mode tables, written by guest.c */
#define GUEST_PDPT		0x11000
#define GUEST_PD		0x12000	/* 4 pages: 4 GiB in 2 MiB pages */
#define GUEST_DATA		0x20000	/* scratch data for the tests */
#define GUEST_MEM_SIZE		0x200000
#define GUEST_MMIO		0xd0000000 /* no slot: MMIO */

/* The GDT guest.c writes at GUEST_GDT for protected and long mode. */
#define SEL_CODE32		0x08	/* flat 32-bit code */
#define SEL_DATA		0x10	/* flat data */
#define SEL_CODE64		0x18	/* 64-bit code */
#define SEL_TSS			0x20	/* 64-bit TSS (two slots) */
#define GDT_ENTRIES		6

/* Ports.  Values a guest reports to the test are 4-byte OUTs. */
#define PORT_REPORT		0xe0	/* a value for the test to check */
#define PORT_EXCEPTION		0xe4	/* an exception handler: vector, error, RIP */
#define PORT_MARK		0xe8	/* benchmarks: start and end marks */
#define PORT_CMD		0xec	/* probe guest: commands in (4-byte IN) */
#define PORT_OUT8		0x80	/* the OUT/IN size tests */
#define PORT_OUT_DX		0x3f0	/* the same through DX */
#define PORT_STRING		0x3e0	/* rep outsb / rep insb */

/*
 * An address inside a guest image: images are assembled with gcc -c and
 * copied out with objcopy -O binary, never linked, so they use no
 * relocations.  A label's distance from the image's first byte is known to
 * the assembler; add the load address to it.  Every image opens with the
 * label guest_start.
 */
#define ADDR(label)		(GUEST_CODE + (label) - guest_start)

/*
 * Guest code (64-bit): point IDT entry @vector at @handler, a present DPL 0
 * interrupt gate in the 64-bit code segment (SDM Vol. 3A 6.14.1).  Uses
 * RAX and RDI.
 */
#define IDT_GATE64(vector, handler)					\
	mov	$ADDR(handler), %eax;					\
	mov	$GUEST_IDT + (vector) * 16, %edi;			\
	mov	%ax, (%rdi);		/* offset 15:0 */		\
	movw	$SEL_CODE64, 2(%rdi);					\
	movw	$0x8e00, 4(%rdi);	/* present, DPL 0, int gate */	\
	shr	$16, %eax;						\
	mov	%ax, 6(%rdi);		/* offset 31:16 */		\
	movq	$0, 8(%rdi)		/* offset 63:32, reserved */

/* Probe guest (guests/probe.S) commands: IN from PORT_CMD. */
#define PROBE_HLT		0	/* hlt, then read the next command */
#define PROBE_READ		1	/* in: size, address lo, hi; out: value lo, hi */
#define PROBE_WRITE		2	/* in: size, address lo, hi, value lo, hi */
#define PROBE_INVERT		3	/* in: src, dst, qwords; dst = ~src; out: sum lo, hi */

#endif /* MINIVMM_GUEST_LAYOUT_H */
