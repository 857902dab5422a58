/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every interrupt taken once, also when its delivery exits.  A periodic
 * APIC timer (R12 ns) interrupts the guest in a loop that, before each
 * window with interrupts on, moves RSP to the top of a page nothing has
 * touched yet: the CPU's push of the interrupt frame is then the page's
 * first access, a nested page fault during the delivery, and the
 * hypervisor must deliver the interrupt again from the exit's record of
 * it (SVM EXITINTINFO, VMX IDT-vectoring information) -- once.  An
 * interrupt delivered twice shows in its handler: the second delivery
 * lands on the handler's first instruction, so the frame's RIP is the
 * handler's own address.  The handler counts those at IRQ_DATA(1) and all
 * deliveries at IRQ_COUNT; after R13 deliveries (or when the fresh pages
 * run out) the guest reports the two, in that order, and the number of
 * fresh pages used.
 */
#include "apic.h"

#define FRESH_FIRST	0x40000		/* pages never touched up to ... */
#define FRESH_END	GUEST_MEM_SIZE	/* ... here */

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	APIC_INIT
	movl	$APIC_TDCR_DIV1, APIC_TDCR(%r15)
	movl	$(APIC_TIMER_PERIODIC | VEC_TIMER), APIC_LVTT(%r15)
	mov	$(FRESH_FIRST + 4096), %rbp	/* the next fresh page's top */
	mov	%r12d, APIC_TMICT(%r15)

1:	cmp	%r13, IRQ_COUNT
	jae	3f
	cmp	$FRESH_END, %rbp
	ja	3f
	mov	%rbp, %rsp		/* the frame goes to a fresh page */
	add	$4096, %rbp
	mov	IRQ_COUNT, %rcx
	sti
2:	cmp	IRQ_COUNT, %rcx		/* wait for the next delivery */
	je	2b
	cli
	jmp	1b

3:	movl	$(APIC_LVT_MASKED | APIC_TIMER_PERIODIC | VEC_TIMER), APIC_LVTT(%r15)
	mov	$GUEST_STACK, %rsp
	REPORT_MEM(IRQ_DATA(1))
	REPORT_MEM(IRQ_COUNT)
	mov	%rbp, %rax
	sub	$(FRESH_FIRST + 4096), %rax
	shr	$12, %rax
	out	%eax, $PORT_REPORT
	GUEST_END

timer:
	push	%rax
	mov	8(%rsp), %rax		/* the RIP the frame returns to */
	cmp	$ADDR(timer), %rax
	jne	1f
	incq	IRQ_DATA(1)
1:	incq	IRQ_COUNT
	APIC_EOI_WRITE
	pop	%rax
	iretq
