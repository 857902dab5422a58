/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cost of an EOI exit (irq_bench.c): R12 iterations of an EOI write
 * through the xAPIC page (R13 = 0: an MMIO exit the kernel serves), of
 * the x2APIC EOI MSR (R13 = 1: a WRMSR exit), or of CPUID leaf 1 (R13 = 2:
 * the cheapest exit, for comparison).  The TSC before and after goes to
 * IRQ_DATA(1) and (2); then it reports IRQ_DONE.  Nothing is in service,
 * so each EOI retires nothing but is still a full exit.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	APIC_INIT
	cmp	$1, %r13
	jb	mmio
	je	x2apic
	RDTSC64
	mov	%rax, IRQ_DATA(1)
1:	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r12
	jnz	1b
	jmp	done

mmio:
	RDTSC64
	mov	%rax, IRQ_DATA(1)
1:	APIC_EOI_WRITE
	dec	%r12
	jnz	1b
	jmp	done

x2apic:
	RDMSR64(MSR_APIC_BASE)
	or	$APIC_BASE_EXTD, %rax
	WRMSR64(MSR_APIC_BASE)
	RDTSC64
	mov	%rax, IRQ_DATA(1)
1:	mov	$MSR_X2APIC(APIC_EOI), %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	dec	%r12
	jnz	1b

done:
	RDTSC64
	mov	%rax, IRQ_DATA(2)
	REPORT(IRQ_DONE)
	GUEST_END
