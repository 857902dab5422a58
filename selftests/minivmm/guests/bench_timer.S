/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timer interrupt rate a guest can sustain (irq_bench.c), for R13
 * guest TSC ticks.  R12 > 0: TSC-deadline mode, each interrupt arms the
 * next deadline R12 ticks ahead (a small R12: back to back).  R12 = 0: a
 * periodic timer with an initial count of 1, which the kernel raises to its
 * floor.  The guest sleeps in HLT between interrupts, counts them at
 * IRQ_COUNT, stores the start and end TSC at IRQ_DATA(1) and (2) and
 * reports the count.  The handler stops re-arming at the end: back-to-back
 * deadlines come faster than the guest takes them, and the next one would
 * be injected at every IRET, before the main loop ran an instruction.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, handler)
	APIC_INIT
	RDTSC64
	mov	%rax, IRQ_DATA(1)
	lea	(%rax, %r13), %rbx	/* the end */
	test	%r12, %r12
	jz	1f
	movl	$(APIC_TIMER_TSC_DEADLINE | VEC_TIMER), APIC_LVTT(%r15)
	add	%r12, %rax
	WRMSR64(MSR_TSC_DEADLINE)
	jmp	2f
1:	movl	$APIC_TDCR_DIV1, APIC_TDCR(%r15)
	movl	$(APIC_TIMER_PERIODIC | VEC_TIMER), APIC_LVTT(%r15)
	movl	$1, APIC_TMICT(%r15)
2:	cli
	RDTSC64
	cmp	%rbx, %rax
	jae	3f
	sti
	hlt
	jmp	2b
3:	movl	$APIC_LVT_MASKED, APIC_LVTT(%r15)
	mov	%rax, IRQ_DATA(2)
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

handler:
	push	%rax
	push	%rcx
	push	%rdx
	incq	IRQ_COUNT
	test	%r12, %r12
	jz	1f
	RDTSC64
	cmp	%rbx, %rax
	jae	1f
	add	%r12, %rax
	WRMSR64(MSR_TSC_DEADLINE)
1:	APIC_EOI_WRITE
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq
