/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APIC timer in periodic mode, divide by 1, vector VEC_TIMER, with the
 * initial count the test puts in R12 (the timer counts 1 GHz: R12 ns).
 * The guest sleeps in HLT between ticks; the handler counts them at
 * IRQ_COUNT and EOIs.
 *
 * R13 = N > 0: the handler stores the TSC of the first tick at
 * IRQ_DATA(2) and of the N-th at IRQ_DATA(3) and masks the timer there;
 * the guest then reports the count.  IRQ_DATA(1) is the TSC just before
 * the initial count is written: the timer starts after it.
 * R13 = 0: it counts forever and never exits to userspace.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	APIC_INIT
	movl	$APIC_TDCR_DIV1, APIC_TDCR(%r15)
	movl	$(APIC_TIMER_PERIODIC | VEC_TIMER), APIC_LVTT(%r15)
	RDTSC64
	mov	%rax, IRQ_DATA(1)
	mov	%r12d, APIC_TMICT(%r15)

1:	cli
	test	%r13, %r13
	jz	2f
	cmp	%r13, IRQ_COUNT
	jae	3f
2:	sti
	hlt			/* in the STI shadow: see HLT_UNTIL */
	jmp	1b

3:	REPORT_MEM(IRQ_COUNT)
	GUEST_END

timer:
	push	%rax
	push	%rdx
	RDTSC64
	incq	IRQ_COUNT
	cmpq	$1, IRQ_COUNT
	jne	1f
	mov	%rax, IRQ_DATA(2)
1:	cmp	%r13, IRQ_COUNT
	jne	2f
	mov	%rax, IRQ_DATA(3)
	movl	$(APIC_LVT_MASKED | APIC_TIMER_PERIODIC | VEC_TIMER), APIC_LVTT(%r15)
2:	APIC_EOI_WRITE
	pop	%rdx
	pop	%rax
	iretq
