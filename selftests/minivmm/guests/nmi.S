/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NMIs sent as MSIs (delivery mode NMI).  The guest runs with IF = 0 from
 * the start: it reports IRQ_READY and sleeps in HLT until two NMIs came
 * (an NMI ends HLT whatever IF says), then reports IRQ_DONE.  The vector 2
 * handler numbers itself n = ++count and reports NMI_ENTRY | n on entry
 * and NMI_EXIT | n just before its IRETQ.  The test sends the second NMI
 * at the first handler's entry report: NMIs stay blocked until the IRET
 * (SDM Vol. 3A 6.7.1), so the second handler must start after the first
 * one's exit report, not inside it.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(2, nmi_handler)
	APIC_INIT
	cli
	REPORT(IRQ_READY)
1:	cmpq	$2, IRQ_COUNT
	jae	2f
	hlt
	jmp	1b
2:	REPORT(IRQ_DONE)
	GUEST_END

nmi_handler:
	push	%rax
	push	%rcx
	incq	IRQ_COUNT
	mov	IRQ_COUNT, %rcx
	mov	%ecx, %eax
	or	$NMI_ENTRY, %eax
	out	%eax, $PORT_REPORT
	mov	%ecx, %eax
	or	$NMI_EXIT, %eax
	out	%eax, $PORT_REPORT
	pop	%rcx
	pop	%rax
	iretq
