/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSRs in 64-bit mode.  First an IDT whose #GP handler reports through
 * PORT_EXCEPTION (vector, error code, faulting RIP), steps over the 2-byte
 * RDMSR/WRMSR and returns.  Then:
 *   WRMSR ECX <- EDX:EAX (as the test set them), RDMSR back, HLT;
 *   RDMSR, WRMSR of ECX (the test sets an unknown MSR at the HLT), HLT.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	mov	%eax, %r8d
	IDT_GATE64(13, gp_handler)
	lidt	ADDR(idtr)
	mov	%r8d, %eax
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	hlt
	rdmsr
	wrmsr
	hlt

gp_handler:
	push	%rax
	mov	$13, %eax
	out	%eax, $PORT_EXCEPTION
	mov	8(%rsp), %rax			/* error code */
	out	%eax, $PORT_EXCEPTION
	mov	16(%rsp), %rax			/* RIP of the faulting instruction */
	out	%eax, $PORT_EXCEPTION
	addq	$2, 16(%rsp)
	pop	%rax
	add	$8, %rsp
	iretq

idtr:
	.word	256 * 16 - 1
	.quad	GUEST_IDT
