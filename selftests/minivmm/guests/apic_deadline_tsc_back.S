/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TSC deadline whose TSC is moved back after arming (R14 = guest TSC
 * ticks per millisecond).  The deadline is 2 ms ahead; then the guest
 * writes IA32_TSC 4 ms back, so the deadline is 6 ms of TSC away while
 * the host's clock says 2 ms.  The interrupt belongs to the TSC (SDM Vol.
 * 3A 11.5.4.1: it fires when the TSC reaches the deadline).  The guest
 * stores
 *   IRQ_DATA(1)  the deadline,
 *   IRQ_DATA(2)  the TSC in the interrupt handler,
 *   IRQ_DATA(3)  the attempts it took (below),
 *   IRQ_DATA(4)  1 when the last attempt was a fair one, else 0,
 * sleeps in HLT until the interrupt and reports the count.
 *
 * The test holds only when the TSC moves back before the deadline: on a
 * slow host (a debug kernel under an emulator) the two WRMSR exits can
 * take over 2 ms, and a deadline reached before the TSC moved rightly
 * fires.  So both writes run with IF = 0 and the timer's bit in IRR is
 * read after them: set, the deadline came first, the attempt's interrupt
 * is taken and discarded, and the guest tries again, at most TRIES times.
 */
#include "apic.h"

#define MSR_TSC		0x10
#define TRIES		8
/* The IRR register and bit of VEC_TIMER (0x40): register 2, bit 0. */
#define IRR_TIMER	(APIC_IRR + 0x10 * (VEC_TIMER / 32))
#define IRR_TIMER_BIT	(1 << (VEC_TIMER % 32))

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	APIC_INIT
	movl	$(APIC_TIMER_TSC_DEADLINE | VEC_TIMER), APIC_LVTT(%r15)

	xor	%ebx, %ebx
	movq	$0, IRQ_DATA(4)
1:	inc	%ebx
	mov	%rbx, IRQ_DATA(3)
	cli
	RDTSC64
	lea	(%rax, %r14, 2), %rax
	mov	%rax, IRQ_DATA(1)
	WRMSR64(MSR_TSC_DEADLINE)
	RDTSC64
	imul	$4, %r14, %rcx
	sub	%rcx, %rax
	WRMSR64(MSR_TSC)
	/* A plain load: minivmm's MMIO decoder has no TEST with memory. */
	mov	IRR_TIMER(%r15), %eax
	test	$IRR_TIMER_BIT, %eax
	jz	2f
	/* The deadline came before the TSC moved: take it, try again. */
	HLT_UNTIL(IRQ_COUNT, $1)
	movq	$0, IRQ_COUNT
	cmp	$TRIES, %ebx
	jb	1b
	jmp	3f
2:	movq	$1, IRQ_DATA(4)
3:	HLT_UNTIL(IRQ_COUNT, $1)
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

timer:
	push	%rax
	push	%rdx
	RDTSC64
	mov	%rax, IRQ_DATA(2)
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	pop	%rdx
	pop	%rax
	iretq
