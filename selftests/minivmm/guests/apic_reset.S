/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupt controllers at reset, as the guest reads them: the local
 * APIC's ID, version, SVR, TPR and LVT registers through the xAPIC page,
 * IA32_APIC_BASE, and the I/O APIC's version register and two redirection
 * entries.  Stores them at IRQ_DATA(1..12) and reports IRQ_DONE.
 *
 * The first access is the read of the APIC ID: without an irqchip it is
 * an MMIO exit to userspace, which is what irq_test checks there.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	mov	$APIC_BASE, %r15d
	mov	APIC_ID(%r15), %eax
	mov	%rax, IRQ_DATA(1)
	mov	APIC_VERSION(%r15), %eax
	mov	%rax, IRQ_DATA(2)
	mov	APIC_SVR(%r15), %eax
	mov	%rax, IRQ_DATA(3)
	mov	APIC_TPR(%r15), %eax
	mov	%rax, IRQ_DATA(4)
	mov	APIC_LVTT(%r15), %eax
	mov	%rax, IRQ_DATA(5)
	mov	APIC_LVT_LINT0(%r15), %eax
	mov	%rax, IRQ_DATA(6)
	mov	APIC_LVT_LINT1(%r15), %eax
	mov	%rax, IRQ_DATA(7)
	mov	APIC_LVT_ERROR(%r15), %eax
	mov	%rax, IRQ_DATA(8)
	RDMSR64(MSR_APIC_BASE)
	mov	%rax, IRQ_DATA(9)

	IOAPIC_INIT
	IOAPIC_READ(IOAPIC_VER)
	mov	%rax, IRQ_DATA(10)
	IOAPIC_READ(IOAPIC_REDIR_LO(0))
	mov	%rax, IRQ_DATA(11)
	IOAPIC_READ(IOAPIC_REDIR_LO(23))
	mov	%rax, IRQ_DATA(12)

	REPORT(IRQ_DONE)
	GUEST_END
