/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An edge-triggered I/O APIC pin: redirection entry PIN_EDGE -> vector
 * VEC_IOAPIC_EDGE, fixed, physical destination APIC id 0, active high,
 * unmasked.  The handler counts at IRQ_COUNT and EOIs.
 *
 * Two rounds, r = 1 and 2: report IRQ_READY | r (the test drives the line
 * there), sleep in HLT until the count reaches r, spin 3 ms more with
 * interrupts on (a duplicate delivery would be counted), report the
 * count.  Then spin 3 ms once more and report the count: the test raises
 * the line again before it without an edge in between.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_IOAPIC_EDGE, handler)
	APIC_INIT
	IOAPIC_INIT
	/* The destination first, so the entry is complete when unmasked. */
	IOAPIC_WRITE(IOAPIC_REDIR_HI(PIN_EDGE), $0)
	IOAPIC_WRITE(IOAPIC_REDIR_LO(PIN_EDGE), $VEC_IOAPIC_EDGE)

	mov	$1, %r12d
1:	cli
	mov	%r12d, %eax
	or	$IRQ_READY, %eax
	out	%eax, $PORT_REPORT
	HLT_UNTIL(IRQ_COUNT, %r12)
	SPIN_MS(3)
	REPORT_MEM(IRQ_COUNT)
	inc	%r12d
	cmp	$2, %r12d
	jbe	1b

	SPIN_MS(3)
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

handler:
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	iretq
