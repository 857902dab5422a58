/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register switch around VMLAUNCH/VMRESUME, and the host NMI call.
 *
 * The VMCS switches RSP, RIP, RFLAGS, the control and segment registers
 * (Intel SDM Vol. 3C 27.3.2, 28.5); the other general registers are the
 * guest's only because this code loads them from vcpu->regs before entry
 * and stores them back after the exit, which lands at vmx_vmexit (HOST_RIP)
 * with RSP = HOST_RSP, the stack pointer at the entry instruction.
 * Mirrors svm/vmenter.S.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

/* Offsets in u64 regs[], the hardware encoding order (enum mvm_reg). */
#define VCPU_RAX	(0 * 8)
#define VCPU_RCX	(1 * 8)
#define VCPU_RDX	(2 * 8)
#define VCPU_RBX	(3 * 8)
#define VCPU_RBP	(5 * 8)
#define VCPU_RSI	(6 * 8)
#define VCPU_RDI	(7 * 8)
#define VCPU_R8		(8 * 8)
#define VCPU_R9		(9 * 8)
#define VCPU_R10	(10 * 8)
#define VCPU_R11	(11 * 8)
#define VCPU_R12	(12 * 8)
#define VCPU_R13	(13 * 8)
#define VCPU_R14	(14 * 8)
#define VCPU_R15	(15 * 8)

/* Not instrumentable: it runs with guest values in the registers. */
.section .noinstr.text, "ax"

/*
 * bool __vmx_vcpu_run(struct vmx_vcpu *vmx, u64 *regs, bool launched)
 *
 * Enter the guest with the current VMCS, VMRESUME if @launched, else
 * VMLAUNCH.  Returns 0 after a VM exit (including an exit with the
 * "VM-entry failure" bit, SDM Vol. 3C 27.8), 1 if the instruction itself
 * failed (VMfailInvalid/VMfailValid, SDM Vol. 3C 31.2) or faulted (VMX off).
 * Interrupts off.
 */
SYM_FUNC_START(__vmx_vcpu_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx

	/* @launched survives the call in a callee-saved register. */
	mov	%edx, %ebx
	/* @regs, at 0(%rsp) from here to the exit. */
	push	%rsi

	/* HOST_RSP = the RSP at VMLAUNCH/VMRESUME (vmx in %rdi already). */
	mov	%rsp, %rsi
	call	vmx_update_host_rsp

	mov	(%rsp), %rax
	/* CF = @launched; it survives the MOVs and the VERW below. */
	bt	$0, %ebx

	mov	VCPU_RCX(%rax), %rcx
	mov	VCPU_RDX(%rax), %rdx
	mov	VCPU_RBX(%rax), %rbx
	mov	VCPU_RBP(%rax), %rbp
	mov	VCPU_RSI(%rax), %rsi
	mov	VCPU_RDI(%rax), %rdi
	mov	VCPU_R8(%rax), %r8
	mov	VCPU_R9(%rax), %r9
	mov	VCPU_R10(%rax), %r10
	mov	VCPU_R11(%rax), %r11
	mov	VCPU_R12(%rax), %r12
	mov	VCPU_R13(%rax), %r13
	mov	VCPU_R14(%rax), %r14
	mov	VCPU_R15(%rax), %r15
	mov	VCPU_RAX(%rax), %rax

	/*
	 * MDS, TAA, MMIO stale data, RFDS: VERW overwrites the CPU buffers
	 * the host may have filled (X86_FEATURE_CLEAR_CPU_BUF, set by the
	 * kernel's mitigations; Intel's "Deep Dive: MDS").  Last, with every
	 * guest register loaded: no host load may follow it.  Clobbers ZF.
	 */
	CLEAR_CPU_BUFFERS

	jnc	.Lvmlaunch

	/* The exit resumes at vmx_vmexit with this stack and unwind state. */
	UNWIND_HINT_SAVE
.Lvmresume:
	vmresume
	jmp	.Lvmfail

.Lvmlaunch:
	vmlaunch
	jmp	.Lvmfail

	/* A fault (#UD: VMX was turned off under us) is an entry failure. */
	_ASM_EXTABLE(.Lvmresume, .Lvmfail)
	_ASM_EXTABLE(.Lvmlaunch, .Lvmfail)

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	/* Guest RAX aside, then store every guest register. */
	push	%rax
	mov	8(%rsp), %rax
	pop	VCPU_RAX(%rax)
	mov	%rcx, VCPU_RCX(%rax)
	mov	%rdx, VCPU_RDX(%rax)
	mov	%rbx, VCPU_RBX(%rax)
	mov	%rbp, VCPU_RBP(%rax)
	mov	%rsi, VCPU_RSI(%rax)
	mov	%rdi, VCPU_RDI(%rax)
	mov	%r8,  VCPU_R8(%rax)
	mov	%r9,  VCPU_R9(%rax)
	mov	%r10, VCPU_R10(%rax)
	mov	%r11, VCPU_R11(%rax)
	mov	%r12, VCPU_R12(%rax)
	mov	%r13, VCPU_R13(%rax)
	mov	%r14, VCPU_R14(%rax)
	mov	%r15, VCPU_R15(%rax)

	/* Result: 0, a VM exit. */
	xor	%ebx, %ebx

.Lclear_regs:
	/*
	 * Clear the guest values left in registers so they cannot feed
	 * speculation in the host (%rbx holds the result, %rbp and the
	 * callee-saved ones are restored below).
	 */
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d

	/*
	 * Before the first RET, as the kernel's Spectre v2 mitigations ask:
	 * the guest may have filled the return stack buffer with its own
	 * targets, so overwrite it (X86_FEATURE_RSB_VMEXIT, retpoline or
	 * legacy IBRS hosts); with eIBRS one call retires before the RET
	 * instead, against PBRSB (X86_FEATURE_RSB_VMEXIT_LITE, Intel's
	 * "Post-barrier Return Stack Buffer Predictions").
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	/*
	 * Legacy IBRS protects only while the IBRS bit is written after a
	 * change to a more privileged predictor mode, and a VM exit is one:
	 * write the host's SPEC_CTRL again (X86_FEATURE_KERNEL_IBRS).  The
	 * guest cannot change SPEC_CTRL (msr.c intercepts it), so no other
	 * host needs it rewritten.  The LFENCE keeps the RET below from
	 * running ahead of the WRMSR.
	 */
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	movl	PER_CPU_VAR(x86_spec_ctrl_current), %eax
	xor	%edx, %edx
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	wrmsr
	lfence
.Lspec_ctrl_done:

	/* BHI: the guest's branch history must not steer the host's. */
	CLEAR_BRANCH_HISTORY_VMEXIT

	mov	%rbx, %rax
	add	$8, %rsp		/* @regs */
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	/* No exit happened; the guest registers are loaded all the same. */
	mov	$1, %ebx
	jmp	.Lclear_regs
SYM_FUNC_END(__vmx_vcpu_run)

.section .text, "ax"

/*
 * The kernel exports its NMI entry only when built with KVM_INTEL (the
 * stock kernel is; the rig's debug kernel is not).  A weak reference lets
 * the module load either way; vmx_probe() refuses VMX when it is missing,
 * so the call below never goes to address 0.  Called through a register
 * because a direct call cannot reach a weak symbol that resolved to 0.
 */
.weak asm_exc_nmi_noist

/* unsigned long vmx_host_nmi_entry(void): asm_exc_nmi_noist, or 0. */
SYM_FUNC_START(vmx_host_nmi_entry)
	movabs	$asm_exc_nmi_noist, %rax
	RET
SYM_FUNC_END(vmx_host_nmi_entry)

/*
 * void vmx_do_nmi_irqoff(void)
 *
 * Run the host NMI handler for an NMI that caused a VM exit: the exit
 * consumed the NMI and left NMIs blocked (SDM Vol. 3C 28.1, 33.2), so call
 * the handler as the CPU would, through an interrupt frame (SS, RSP,
 * RFLAGS, CS, then RIP from the CALL) on a 16-byte aligned stack; its IRET
 * returns here and unblocks NMIs.  Interrupts are off.
 */
SYM_FUNC_START(vmx_do_nmi_irqoff)
	push	%rbp
	mov	%rsp, %rbp

	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	movabs	$asm_exc_nmi_noist, %rax
	CALL_NOSPEC rax

	/* The IRET left RSP = %rbp. */
	leave
	RET
SYM_FUNC_END(vmx_do_nmi_irqoff)
