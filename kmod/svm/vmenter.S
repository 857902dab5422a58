/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch.  Mirrors vmx/vmenter.S.
 *
 * VMRUN saves and restores only part of the host's state (the host save
 * area at VM_HSAVE_PA: segments CS/DS/ES/SS, GDTR/IDTR, CR0/CR3/CR4, EFER,
 * RFLAGS, RIP, RSP, RAX; AMD APM Vol. 2 15.5.1 "VMRUN" and 15.6
 * "#VMEXIT").  The rest of what the guest may change without an exit -- FS,
 * GS, TR and LDTR with their hidden parts, KERNEL_GS_BASE, STAR, LSTAR,
 * CSTAR, SFMASK and the SYSENTER MSRs -- is the VMSAVE/VMLOAD set (APM
 * 15.5.2 "VMSAVE and VMLOAD Instructions").  So the host's set is VMSAVEd
 * into a per-CPU page, the guest's is VMLOADed from its VMCB, and after the
 * exit the guest's is VMSAVEd back into the VMCB and the host's VMLOADed
 * again.  Between the two VMLOADs GS.base is the guest's, so nothing in
 * that window may touch per-CPU data, and the addresses it needs are kept
 * on the stack.
 *
 * The caller runs this with GIF clear (CLGI) and RFLAGS.IF set: no host
 * interrupt or NMI is taken here, and the ones that arrive make the guest
 * exit and are taken when the caller executes STGI.
 *
 * The guest's RAX and RSP are in the VMCB; every other GPR comes from and
 * goes back to the register block (struct mvm_vcpu.regs, in enum mvm_reg
 * order; svm.c checks the layout at build time).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>

#define REG_RCX		(1 * 8)
#define REG_RDX		(2 * 8)
#define REG_RBX		(3 * 8)
#define REG_RBP		(5 * 8)
#define REG_RSI		(6 * 8)
#define REG_RDI		(7 * 8)
#define REG_R8		(8 * 8)
#define REG_R9		(9 * 8)
#define REG_R10		(10 * 8)
#define REG_R11		(11 * 8)
#define REG_R12		(12 * 8)
#define REG_R13		(13 * 8)
#define REG_R14		(14 * 8)
#define REG_R15		(15 * 8)

/* What the function keeps on its stack across VMRUN. */
#define STK_REGS	0
#define STK_SPEC_CTRL	8
#define STK_VMCB	16
#define STK_HOST_SAVE	24
#define STK_SIZE	32

	.text

/**
 * __svm_vcpu_run - enter the guest once
 * @regs:		the guest's GPRs (RDI)
 * @vmcb_pa:		physical address of the vCPU's VMCB (RSI)
 * @host_save_pa:	this CPU's page for the host's VMSAVE set (RDX)
 * @guest_spec_ctrl:	the guest's SPEC_CTRL (RCX)
 */
SYM_FUNC_START(__svm_vcpu_run)
	push %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx

	push %rdx
	push %rsi
	push %rcx
	push %rdi

	/*
	 * The guest's SPEC_CTRL, when it differs from the host's.  With
	 * V_SPEC_CTRL the CPU switches it from the VMCB itself.  No RET or
	 * indirect branch between here and VMRUN.
	 */
	ALTERNATIVE_2 "", "jmp 800f", X86_FEATURE_MSR_SPEC_CTRL, \
		      "", X86_FEATURE_V_SPEC_CTRL
801:
	mov STK_HOST_SAVE(%rsp), %rax
1:	vmsave %rax
2:
	mov STK_VMCB(%rsp), %rax
3:	vmload %rax
4:
	mov REG_RCX(%rdi), %rcx
	mov REG_RDX(%rdi), %rdx
	mov REG_RBX(%rdi), %rbx
	mov REG_RBP(%rdi), %rbp
	mov REG_RSI(%rdi), %rsi
	mov REG_R8(%rdi), %r8
	mov REG_R9(%rdi), %r9
	mov REG_R10(%rdi), %r10
	mov REG_R11(%rdi), %r11
	mov REG_R12(%rdi), %r12
	mov REG_R13(%rdi), %r13
	mov REG_R14(%rdi), %r14
	mov REG_R15(%rdi), %r15
	mov REG_RDI(%rdi), %rdi

	/* Clobbers EFLAGS.ZF. */
	VM_CLEAR_CPU_BUFFERS

5:	vmrun %rax
6:
	/* RAX and RSP are the host's again (restored by #VMEXIT). */
	mov STK_REGS(%rsp), %rax
	mov %rcx, REG_RCX(%rax)
	mov %rdx, REG_RDX(%rax)
	mov %rbx, REG_RBX(%rax)
	mov %rbp, REG_RBP(%rax)
	mov %rsi, REG_RSI(%rax)
	mov %rdi, REG_RDI(%rax)
	mov %r8, REG_R8(%rax)
	mov %r9, REG_R9(%rax)
	mov %r10, REG_R10(%rax)
	mov %r11, REG_R11(%rax)
	mov %r12, REG_R12(%rax)
	mov %r13, REG_R13(%rax)
	mov %r14, REG_R14(%rax)
	mov %r15, REG_R15(%rax)

	mov STK_VMCB(%rsp), %rax
7:	vmsave %rax
8:
	/* The host's GS.base is back: per-CPU data is reachable again. */
	mov STK_HOST_SAVE(%rsp), %rax
9:	vmload %rax
10:
	/* Stuff the RSB before any RET, so the guest cannot steer one. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE

	ALTERNATIVE_2 "", "jmp 900f", X86_FEATURE_MSR_SPEC_CTRL, \
		      "", X86_FEATURE_V_SPEC_CTRL
901:
	/* RETBleed/SRSO: untrain the return predictor before any RET. */
	UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	/* No guest value may linger in a register the host may use. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d

	add $STK_SIZE, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

800:	/* Guest SPEC_CTRL: the MSR is intercepted, so it is ours to set. */
	movl STK_SPEC_CTRL(%rsp), %eax
	cmp PER_CPU_VAR(x86_spec_ctrl_current), %eax
	je 801b
	mov $MSR_IA32_SPEC_CTRL, %ecx
	xor %edx, %edx
	wrmsr
	mov STK_REGS(%rsp), %rdi
	jmp 801b

900:	/* Host SPEC_CTRL back, if the guest's differed. */
	movl PER_CPU_VAR(x86_spec_ctrl_current), %eax
	cmp STK_SPEC_CTRL(%rsp), %eax
	je 901b
	mov $MSR_IA32_SPEC_CTRL, %ecx
	xor %edx, %edx
	wrmsr
	jmp 901b

	/*
	 * SVM instructions fault (#UD) only if EFER.SVME was cleared under
	 * us, which the kernel does on its emergency reboot/crash path.
	 * The CPU is going down then; carry on rather than oops on top.
	 */
	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(3b, 4b)
	_ASM_EXTABLE(5b, 6b)
	_ASM_EXTABLE(7b, 8b)
	_ASM_EXTABLE(9b, 10b)

SYM_FUNC_END(__svm_vcpu_run)
