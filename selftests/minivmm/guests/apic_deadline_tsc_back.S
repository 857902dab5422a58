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
 * sleeps in HLT until the interrupt and reports the count.
 */
#include "apic.h"

#define MSR_TSC		0x10

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	APIC_INIT
	movl	$(APIC_TIMER_TSC_DEADLINE | VEC_TIMER), APIC_LVTT(%r15)

	RDTSC64
	lea	(%rax, %r14, 2), %rax
	mov	%rax, IRQ_DATA(1)
	WRMSR64(MSR_TSC_DEADLINE)
	RDTSC64
	imul	$4, %r14, %rcx
	sub	%rcx, %rax
	WRMSR64(MSR_TSC)
	HLT_UNTIL(IRQ_COUNT, $1)
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
