/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFLAGS.IF and the STI shadow (SDM Vol. 2B, STI: interrupts are
 * recognized only after the instruction that follows STI).  With IF = 0
 * the guest reports IRQ_READY (the test signals an MSI, vector
 * VEC_MSI_SHADOW), spins 3 ms and reports the count (0: IF held it off).
 * Then R10 = 1 (the marker), STI, and the one instruction of the shadow;
 * the interrupt must come right after it.  The handler stores R9 at
 * IRQ_DATA(1), R10 at IRQ_DATA(2) (1: not before STI), the RIP it
 * returns to at IRQ_DATA(3) and the u64 at SHADOW_PAGE at IRQ_DATA(5);
 * IRQ_DATA(4) is where the RIP should be.  Last it reports IRQ_DONE.
 *
 * R12 = 0: the instruction in the shadow is R9 = 1.  R12 = 1: it stores 1
 * at SHADOW_PAGE, a page the guest has not touched, so it makes a nested
 * page fault exit from inside the shadow, and the entry after it must
 * keep the shadow (VMX: the interruptibility state the exit saved, SDM
 * Vol. 3C 27.3.4 / 26.3.1.5); R9 = 1 is then set before STI.
 */
#include "apic.h"

#define SHADOW_PAGE	0x100000	/* untouched until the shadow */

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_MSI_SHADOW, handler)
	APIC_INIT
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	cli
	REPORT(IRQ_READY)
	SPIN_MS(3)
	REPORT_MEM(IRQ_COUNT)
	test	%r12, %r12
	jnz	fault_in_shadow
	movq	$ADDR(after_shadow), IRQ_DATA(4)
	mov	$1, %r10d
	sti
	mov	$1, %r9d
after_shadow:
	HLT_UNTIL(IRQ_COUNT, $1)
	REPORT(IRQ_DONE)
	GUEST_END

fault_in_shadow:
	movq	$ADDR(after_fault), IRQ_DATA(4)
	mov	$1, %r9d
	mov	$1, %r10d
	sti
	movq	$1, SHADOW_PAGE
after_fault:
	jmp	after_shadow

handler:
	mov	%r9, IRQ_DATA(1)
	mov	%r10, IRQ_DATA(2)
	push	%rax
	mov	8(%rsp), %rax			/* the RIP it returns to */
	mov	%rax, IRQ_DATA(3)
	mov	SHADOW_PAGE, %rax
	mov	%rax, IRQ_DATA(5)
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	pop	%rax
	iretq
