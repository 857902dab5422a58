/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFLAGS.TF over instructions the kernel completes for the guest.  An IDT
 * whose #DB handler reports through PORT_EXCEPTION (vector, the RIP it
 * returns to, DR6), clears DR6 and TF, and returns.  Then, each with TF
 * set by POPF (the trap comes after the instruction that follows it):
 *   CPUID (completed in the kernel), OUT to PORT_REPORT (completed on the
 *   next MINIVMM_RUN), a MOV store to GUEST_MMIO (the same), HLT.
 *
 * The MMIO store is done once without TF first, so that the guest page
 * walk for GUEST_MMIO is already mapped when TF is on.  Otherwise the
 * store's first exit is an EPT violation on a page-table read, which minivmm
 * resolves and re-enters; Bochs leaves a single-step trap pending in the
 * VMCS on that fault-like exit (a CPU does not, the store did not complete)
 * and delivers it before the store.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	IDT_GATE64(1, db_handler)
	lidt	ADDR(idtr)

	pushfq
	orq	$0x100, (%rsp)
	popfq
	cpuid
after_cpuid:
	pushfq
	orq	$0x100, (%rsp)
	popfq
	out	%eax, $PORT_REPORT
after_out:
	mov	$GUEST_MMIO, %edi
	mov	%eax, (%rdi)			/* once without TF: see below */
	pushfq
	orq	$0x100, (%rsp)
	popfq
	mov	%eax, (%rdi)
after_mmio:
	hlt

db_handler:
	push	%rax
	mov	$1, %eax
	out	%eax, $PORT_EXCEPTION
	mov	8(%rsp), %rax			/* the RIP it returns to */
	out	%eax, $PORT_EXCEPTION
	mov	%dr6, %rax
	out	%eax, $PORT_EXCEPTION
	mov	$0xffff0ff0, %eax
	mov	%rax, %dr6
	andq	$~0x100, 24(%rsp)		/* TF off in the saved RFLAGS */
	pop	%rax
	iretq

idtr:
	.word	256 * 16 - 1
	.quad	GUEST_IDT

