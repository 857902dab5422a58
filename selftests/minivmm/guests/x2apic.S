/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x2APIC mode and the IA32_APIC_BASE transitions (SDM Vol. 3A 11.12.1,
 * 11.12.5).  The #GP handler sets R12 = error code + 1 and steps over the
 * 2-byte RDMSR/WRMSR; each step clears R12 first and ends reporting
 * (step << 16) | R12, so the test sees which steps faulted.
 *
 *   1  RDMSR of the x2APIC ID in xAPIC mode: #GP
 *   2  xAPIC -> x2APIC (EN | EXTD): allowed
 *   3  ID (0x802), version (0x803), SVR written and read back (0x80f)
 *   4  a self IPI (0x83f) of VEC_SELF_IPI; the handler counts and EOIs
 *      through 0x80b; the guest sleeps until it came
 *   5  a read of the xAPIC page: not the APIC any more, an MMIO exit
 *   6  x2APIC -> xAPIC: #GP
 *   7  x2APIC -> disabled: allowed
 *   8  disabled -> x2APIC: #GP
 *   9  disabled -> xAPIC: allowed, and the xAPIC page is the APIC again
 *
 * Stores IA32_APIC_BASE at the start (IRQ_DATA(1)), in x2APIC mode (2),
 * after steps 7 (3) and 9 (4); the x2APIC ID (5), version (6) and SVR (7);
 * what the xAPIC page read returned in steps 5 (8) and 9 (9).
 */
#include "apic.h"

#define STEP(n)								\
	mov	$((n) << 16), %eax;					\
	or	%r12d, %eax;						\
	out	%eax, $PORT_REPORT;					\
	xor	%r12d, %r12d

#define X2APIC_ON	(APIC_BASE | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP)
#define XAPIC_ON	(APIC_BASE | APIC_BASE_EN | APIC_BASE_BSP)
#define APIC_OFF	(APIC_BASE | APIC_BASE_BSP)

	.text
	.code64
guest_start:
	IDT_GATE64(13, gp_handler)
	IDT_GATE64(VEC_SELF_IPI, ipi_handler)
	mov	$APIC_BASE, %r15d
	xor	%r12d, %r12d
	RDMSR64(MSR_APIC_BASE)
	mov	%rax, IRQ_DATA(1)

	RDMSR64(MSR_X2APIC(APIC_ID))
	STEP(1)

	mov	$X2APIC_ON, %eax
	WRMSR64(MSR_APIC_BASE)
	RDMSR64(MSR_APIC_BASE)
	mov	%rax, IRQ_DATA(2)
	STEP(2)

	RDMSR64(MSR_X2APIC(APIC_ID))
	mov	%rax, IRQ_DATA(5)
	RDMSR64(MSR_X2APIC(APIC_VERSION))
	mov	%rax, IRQ_DATA(6)
	mov	$(APIC_SVR_ENABLE | 0xff), %eax
	WRMSR64(MSR_X2APIC(APIC_SVR))
	RDMSR64(MSR_X2APIC(APIC_SVR))
	mov	%rax, IRQ_DATA(7)
	STEP(3)

	mov	$VEC_SELF_IPI, %eax
	WRMSR64(MSR_X2APIC_SELF_IPI)
	HLT_UNTIL(IRQ_COUNT, $1)
	cli
	STEP(4)

	mov	APIC_VERSION(%r15), %eax
	mov	%rax, IRQ_DATA(8)
	STEP(5)

	mov	$XAPIC_ON, %eax
	WRMSR64(MSR_APIC_BASE)
	STEP(6)

	mov	$APIC_OFF, %eax
	WRMSR64(MSR_APIC_BASE)
	RDMSR64(MSR_APIC_BASE)
	mov	%rax, IRQ_DATA(3)
	STEP(7)

	mov	$X2APIC_ON, %eax
	WRMSR64(MSR_APIC_BASE)
	STEP(8)

	mov	$XAPIC_ON, %eax
	WRMSR64(MSR_APIC_BASE)
	RDMSR64(MSR_APIC_BASE)
	mov	%rax, IRQ_DATA(4)
	mov	APIC_VERSION(%r15), %eax
	mov	%rax, IRQ_DATA(9)
	STEP(9)
	GUEST_END

gp_handler:
	mov	(%rsp), %r12			/* the error code */
	inc	%r12
	addq	$2, 8(%rsp)			/* the RIP: past RDMSR/WRMSR */
	add	$8, %rsp
	iretq

ipi_handler:
	push	%rax
	push	%rcx
	push	%rdx
	incq	IRQ_COUNT
	xor	%eax, %eax
	WRMSR64(MSR_X2APIC(APIC_EOI))
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq
