/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt latency (irq_bench.c): the guest sleeps in HLT with IF = 1;
 * the handler of VEC_MSI stores the TSC at IRQ_DATA(1), then counts at
 * IRQ_COUNT, and EOIs.  It never exits on its own: the test reads the two
 * slots while the vCPU runs, and ends the RUN with a signal.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_MSI, handler)
	APIC_INIT
	REPORT(IRQ_READY)
1:	sti
	hlt
	jmp	1b

handler:
	push	%rax
	push	%rdx
	RDTSC64
	mov	%rax, IRQ_DATA(1)
	incq	IRQ_COUNT		/* after the TSC: x86 keeps store order */
	APIC_EOI_WRITE
	pop	%rdx
	pop	%rax
	iretq
