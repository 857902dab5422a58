/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqfd (eventfd_test.c): a handler for EFD_VECTOR that counts in
 * EFD_P_COUNT and writes EOI; the local APIC enabled (SVR bit 8, SDM Vol.
 * 3A 11.4.7.2); I/O APIC entry EFD_P_PIN, unless it is EFD_NO_PIN, sent to
 * APIC 0 with EFD_P_LOW as its low dword (82093AA 3.2.4: the high dword
 * first, so that the entry is never live with a stale destination).  Then
 * EFD_READY to PORT_REPORT, and a loop: STI; HLT (which sleeps in the
 * kernel until an interrupt), CLI, the count to PORT_REPORT, until it
 * reaches EFD_P_N.  Reporting after every wakeup lets the test see each
 * interrupt on its own: a level-triggered pin that stayed asserted past
 * the EOI would interrupt again before the report.  At the end the guest
 * halts with interrupts off, for good.
 */
#include "../guest_layout.h"
#include "../efd_guest.h"

	.text
	.code64
guest_start:
	IDT_GATE64(EFD_VECTOR, handler)
	mov	$EFD_APIC_SVR, %edi
	movl	$0x1ff, (%rdi)			/* enabled, spurious vector 0xff */

	mov	EFD_P_PIN, %ecx
	cmp	$EFD_NO_PIN, %ecx
	je	1f
	mov	$EFD_IOAPIC, %edi		/* IOREGSEL; IOWIN at +0x10 */
	lea	0x11(%rcx,%rcx), %eax		/* entry high: destination 0 */
	mov	%eax, (%rdi)
	movl	$0, 0x10(%rdi)
	lea	0x10(%rcx,%rcx), %eax		/* entry low */
	mov	%eax, (%rdi)
	mov	EFD_P_LOW, %eax
	mov	%eax, 0x10(%rdi)

1:	mov	$EFD_READY, %eax
	out	%eax, $PORT_REPORT
2:	sti
	hlt
	cli
	mov	EFD_P_COUNT, %eax
	out	%eax, $PORT_REPORT
	cmp	EFD_P_N, %eax
	jb	2b
3:	hlt
	jmp	3b

handler:
	push	%rax
	push	%rdi
	incl	EFD_P_COUNT
	mov	$EFD_APIC_EOI, %edi
	movl	$0, (%rdi)
	pop	%rdi
	pop	%rax
	iretq
