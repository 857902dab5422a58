/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSIs to the local APIC, vector VEC_MSI; the handler counts at IRQ_COUNT
 * and EOIs.  Round 1: report IRQ_READY | 1 (the test signals an MSI),
 * sleep until it comes, spin 3 ms (a duplicate would be counted), report
 * the count.  Round 2: software-disable the APIC (SVR bit 8 clear), report
 * IRQ_READY | 2 (the test signals another MSI, which the APIC must
 * refuse), spin 3 ms with interrupts on, report the count.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_MSI, handler)
	APIC_INIT
	cli
	REPORT(IRQ_READY | 1)
	HLT_UNTIL(IRQ_COUNT, $1)
	SPIN_MS(3)
	REPORT_MEM(IRQ_COUNT)

	cli
	movl	$APIC_SVR_RESET, APIC_SVR(%r15)
	REPORT(IRQ_READY | 2)
	sti
	SPIN_MS(3)
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

handler:
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	iretq
