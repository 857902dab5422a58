/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFLAGS.IF and the STI shadow (SDM Vol. 2B, STI: interrupts are
 * recognized only after the instruction that follows STI).  With IF = 0
 * the guest reports IRQ_READY (the test signals an MSI, vector
 * VEC_MSI_SHADOW), spins 3 ms and reports the count (0: IF held it off).
 * Then R10 = 1 (the marker), STI, R9 = 1, and the interrupt must come
 * right there.  The handler stores R9 at IRQ_DATA(1) (1: the instruction
 * after STI ran first), R10 at IRQ_DATA(2) (1: not before STI), and the
 * RIP it returns to at IRQ_DATA(3); IRQ_DATA(4) is where that should be.
 * Last it reports IRQ_DONE.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_MSI_SHADOW, handler)
	APIC_INIT
	movq	$ADDR(after_shadow), IRQ_DATA(4)
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	cli
	REPORT(IRQ_READY)
	SPIN_MS(3)
	REPORT_MEM(IRQ_COUNT)
	mov	$1, %r10d
	sti
	mov	$1, %r9d
after_shadow:
	HLT_UNTIL(IRQ_COUNT, $1)
	REPORT(IRQ_DONE)
	GUEST_END

handler:
	mov	%r9, IRQ_DATA(1)
	mov	%r10, IRQ_DATA(2)
	push	%rax
	mov	8(%rsp), %rax			/* the RIP it returns to */
	mov	%rax, IRQ_DATA(3)
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	pop	%rax
	iretq
