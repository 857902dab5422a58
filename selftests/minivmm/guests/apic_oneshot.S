/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APIC timer in one-shot mode, divide by 1, initial count R12 (ns at
 * 1 GHz).  The guest stores
 *   IRQ_DATA(1)  the TSC just before it writes the initial count,
 *   IRQ_DATA(2), IRQ_DATA(3)  the current count read twice right after
 *                (counting down: the second is smaller),
 *   IRQ_DATA(4)  the current count after the interrupt (0: expired),
 *   IRQ_DATA(5)  the TSC in the handler,
 * sleeps in HLT until the interrupt, spins 4 ms more (R14 TSC ticks a ms)
 * with interrupts on so that a second one would be counted, and reports
 * the count.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	APIC_INIT
	movl	$APIC_TDCR_DIV1, APIC_TDCR(%r15)
	movl	$VEC_TIMER, APIC_LVTT(%r15)		/* one-shot, unmasked */
	RDTSC64
	mov	%rax, IRQ_DATA(1)
	mov	%r12d, APIC_TMICT(%r15)
	mov	APIC_TMCCT(%r15), %eax
	mov	%rax, IRQ_DATA(2)
	mov	APIC_TMCCT(%r15), %eax
	mov	%rax, IRQ_DATA(3)

	HLT_UNTIL(IRQ_COUNT, $1)
	SPIN_MS(4)
	mov	APIC_TMCCT(%r15), %eax
	mov	%rax, IRQ_DATA(4)
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

timer:
	push	%rax
	push	%rdx
	RDTSC64
	mov	%rax, IRQ_DATA(5)
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	pop	%rdx
	pop	%rax
	iretq
