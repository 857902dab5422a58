/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A level-triggered I/O APIC pin: redirection entry PIN_LEVEL -> vector
 * VEC_IOAPIC_LEVEL, level, fixed, destination APIC id 0, unmasked.
 *
 * The handler counts at IRQ_COUNT, then, before its EOI, reports the count
 * and the entry's low word (remote IRR, bit 14, is set from delivery to
 * EOI; 82093AA datasheet 3.2.4): the test decides at those exits whether
 * the line stays high.  The main code reports IRQ_READY, sleeps until two
 * interrupts came, spins 3 ms (a third would be counted), reports the
 * entry's low word and the count.  Only the handler touches the I/O APIC
 * between the two, so the main code's IOREGSEL/IOWIN pair is not torn.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_IOAPIC_LEVEL, handler)
	APIC_INIT
	IOAPIC_INIT
	IOAPIC_WRITE(IOAPIC_REDIR_HI(PIN_LEVEL), $0)
	IOAPIC_WRITE(IOAPIC_REDIR_LO(PIN_LEVEL), $(IOAPIC_LEVEL | VEC_IOAPIC_LEVEL))
	cli
	REPORT(IRQ_READY)
	HLT_UNTIL(IRQ_COUNT, $2)
	SPIN_MS(3)
	IOAPIC_READ(IOAPIC_REDIR_LO(PIN_LEVEL))
	out	%eax, $PORT_REPORT
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

handler:
	push	%rax
	incq	IRQ_COUNT
	REPORT_MEM(IRQ_COUNT)
	IOAPIC_READ(IOAPIC_REDIR_LO(PIN_LEVEL))
	out	%eax, $PORT_REPORT
	APIC_EOI_WRITE
	pop	%rax
	iretq
