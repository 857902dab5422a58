/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest to save and restore mid-run (irq_state_test.c).  A periodic APIC
 * timer (VEC_TIMER, R12 ns) counts at IRQ_COUNT; a level-triggered I/O
 * APIC pin (PIN_LEVEL -> VEC_IOAPIC_LEVEL) counts at IRQ_DATA(1) and its
 * handler reports 0x5100 | count before its EOI, so that the test can
 * catch the vCPU with that vector in service and remote IRR set.  Other
 * handlers report what the test injects through MINIVMM_SET_VCPU_EVENTS:
 * an NMI (0x2000), a #GP (0x1300, then its error code) and vector
 * VEC_EVENT (0x5200; it is not in the APIC's ISR, so no EOI).
 *
 * The main code reports IRQ_READY with IF = 0, then sleeps until
 * IRQ_COUNT reaches R13, masks the timer and reports IRQ_DONE.
 */
#include "apic.h"

#define VEC_EVENT	0x52

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	IDT_GATE64(VEC_IOAPIC_LEVEL, level)
	IDT_GATE64(2, nmi)
	IDT_GATE64(13, gp)
	IDT_GATE64(VEC_EVENT, event)
	APIC_INIT
	IOAPIC_INIT
	IOAPIC_WRITE(IOAPIC_REDIR_HI(PIN_LEVEL), $0)
	IOAPIC_WRITE(IOAPIC_REDIR_LO(PIN_LEVEL), $(IOAPIC_LEVEL | VEC_IOAPIC_LEVEL))
	movl	$APIC_TDCR_DIV1, APIC_TDCR(%r15)
	movl	$(APIC_TIMER_PERIODIC | VEC_TIMER), APIC_LVTT(%r15)
	mov	%r12d, APIC_TMICT(%r15)
	cli
	REPORT(IRQ_READY)
	HLT_UNTIL(IRQ_COUNT, %r13)
	movl	$APIC_LVT_MASKED, APIC_LVTT(%r15)
	REPORT(IRQ_DONE)
	GUEST_END

timer:
	incq	IRQ_COUNT
	APIC_EOI_WRITE
	iretq

level:
	push	%rax
	incq	IRQ_DATA(1)
	mov	IRQ_DATA(1), %rax
	or	$0x5100, %eax
	out	%eax, $PORT_REPORT
	APIC_EOI_WRITE
	pop	%rax
	iretq

nmi:
	push	%rax
	REPORT(0x2000)
	pop	%rax
	iretq

gp:
	push	%rax
	REPORT(0x1300)
	mov	8(%rsp), %rax			/* the error code */
	out	%eax, $PORT_REPORT
	pop	%rax
	add	$8, %rsp
	iretq

event:
	push	%rax
	REPORT(0x5200)
	pop	%rax
	iretq
