// SPDX-License-Identifier: GPL-2.0
/*
 * Entering the guest and acting on why it came back.  Mirrors svm/exit.c.
 *
 * vmx_vcpu_enter() runs with interrupts off: it brings the VMCS up to date
 * (TLB tag, host fields, guest RSP/RIP/RFLAGS, an event to inject), enters
 * through vmenter.S, and before returning deals with what cannot wait for
 * interrupts to come back on: a host NMI or machine check that caused the
 * exit, host debug state the exit clobbered, and an event whose delivery
 * the exit interrupted.  vmx_handle_exit() then runs with interrupts on and
 * dispatches on the basic exit reason (Intel SDM Vol. 3D Appendix C).
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "../kunit_compat.h"
#include "vmx.h"
#include "vmx_ops.h"

/* The basic exit reason is bits 15:0 (SDM Vol. 3C 25.9.1). */
#define VMX_BASIC_REASON(r)	((u16)(r))

/* Not in <asm/vmx.h>: GETSEC always exits (SDM Vol. 3C 26.1.2). */
#define EXIT_REASON_GETSEC	11

static bool vmx_is_64bit(struct vmx_vcpu *vmx)
{
	return (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read32(GUEST_CS_AR_BYTES) & BIT(13));
}

/*
 * An exit interrupted the delivery of an event (SDM Vol. 3C 28.2.4): an EPT
 * violation on the guest's IDT or stack, a host interrupt.  Deliver it
 * again at the next entry, or it is lost: software interrupts and traps do
 * not come back by re-executing the instruction.  Interrupts off.
 */
static void vmx_save_vectoring(struct vmx_vcpu *vmx)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	vmx->event.pending = true;
	/* Bit 12 is undefined here and reserved at entry. */
	vmx->event.info = info & ~INTR_INFO_UNBLOCK_NMI;
	vmx->event.error_code = info & VECTORING_INFO_DELIVER_CODE_MASK ?
				vmcs_read32(IDT_VECTORING_ERROR_CODE) : 0;
	vmx->event.insn_len = 0;
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmx->event.insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	/*
	 * An NMI whose delivery was cut short left no blocking behind, and
	 * injecting one with blocking by NMI set fails the entry (SDM Vol. 3C
	 * 27.3.1.5 and 28.2.3).
	 */
	if (type == INTR_TYPE_NMI_INTR)
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
			     ~GUEST_INTR_STATE_NMI);
}

static void vmx_inject_event(struct vmx_vcpu *vmx)
{
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vmx->event.info);
	if (vmx->event.info & INTR_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmx->event.error_code);
	if (vmx->event.insn_len)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmx->event.insn_len);
	/* The valid bit is cleared by the next VM exit (SDM Vol. 3C 28.2.3). */
	vmx->event.pending = false;
}

/* The host events behind this exit, handled before interrupts come back. */
static void vmx_handle_exit_irqoff(struct vmx_vcpu *vmx)
{
	u32 info;

	if (VMX_BASIC_REASON(vmx->exit_reason) == EXIT_REASON_MCE_DURING_VMENTRY) {
		mvm_host_machine_check();
		return;
	}
	if (VMX_BASIC_REASON(vmx->exit_reason) != EXIT_REASON_EXCEPTION_NMI)
		return;
	info = vmcs_read32(VM_EXIT_INTR_INFO);
	vmx->exit_intr_info = info;
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		vmx_do_nmi_irqoff();
	else if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
		mvm_host_machine_check();
}

void vmx_vcpu_enter(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 gen = READ_ONCE(vcpu->vm->tlb_gen);
	unsigned long guest_cr4, host_dr7;

	lockdep_assert_irqs_disabled();
	vmx->exit_reason = 0;
	/* The VMCS could not be loaded (VMX turned off for reboot). */
	if (unlikely(!vmx_vmcs_is_current(vmx))) {
		vmx->entry_failed = true;
		return;
	}
	if (vmx->need_flush || vcpu->tlb_gen != gen) {
		vmx_flush_tlb(vmx);
		vcpu->tlb_gen = gen;
	}
	vmx_refresh_host_state(vmx);
	/* A guest's WRMSR to IA32_TSC moves every vCPU's TSC (msr.c). */
	if (unlikely(vmx->tsc_offset != READ_ONCE(vcpu->vm->tsc_offset))) {
		vmx->tsc_offset = READ_ONCE(vcpu->vm->tsc_offset);
		vmcs_write64(TSC_OFFSET, vmx->tsc_offset);
	}
	vmcs_writel(GUEST_RSP, vcpu->regs[MVM_RSP]);
	vmcs_writel(GUEST_RIP, vcpu->rip);
	vmcs_writel(GUEST_RFLAGS, vcpu->rflags);
	if (vmx->event.pending)
		vmx_inject_event(vmx);

	/* CR2 is not part of the VMCS: the guest's goes into the CPU. */
	if (native_read_cr2() != vmx->cr2)
		native_write_cr2(vmx->cr2);
	/* A VM exit sets DR7 to 0x400 and clears DEBUGCTL (SDM 28.5.1). */
	get_debugreg(host_dr7, 7);
	/*
	 * DEBUGCTL too, which the exit clears (SDM Vol. 3C 28.5.1): read
	 * here, not at load, because perf changes it from interrupts while
	 * this thread runs.  Bochs has no DEBUGCTL (vmx_config).
	 */
	if (vmx_config.has_debugctl)
		rdmsrl(MSR_IA32_DEBUGCTLMSR, vmx->host_debugctl);
	guest_cr4 = vmcs_readl(GUEST_CR4);
	mvm_load_guest_xcr0(vcpu, guest_cr4);

	/* L1TF: last, so that nothing refills the L1D before the entry. */
	vmx_l1d_flush(vmx);
	vmx->entry_failed = __vmx_vcpu_run(vmx, vcpu->regs, vmx->launched);

	mvm_load_host_xcr0(vcpu, guest_cr4);
	if (vmx->host_debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, vmx->host_debugctl);
	if (host_dr7 & ~VMX_DR7_FIXED)
		set_debugreg(host_dr7, 7);
	vmx->cr2 = native_read_cr2();

	if (unlikely(vmx->entry_failed)) {
		/* VMfailValid: the reason is the VM-instruction error. */
		vmx->exit_reason = vmcs_read32(VM_INSTRUCTION_ERROR);
		return;
	}
	vmx->exit_reason = vmcs_read32(VM_EXIT_REASON);
	vmx->l1d_flush = !vmx_exit_keeps_l1d(VMX_BASIC_REASON(vmx->exit_reason));
	vmx_handle_exit_irqoff(vmx);
	if (unlikely(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		return;

	/* Only a successful entry moves the VMCS to "launched" (SDM 27.8). */
	vmx->launched = true;
	vcpu->regs[MVM_RSP] = vmcs_readl(GUEST_RSP);
	vcpu->rip = vmcs_readl(GUEST_RIP);
	vcpu->rflags = vmcs_readl(GUEST_RFLAGS);
	vmx_save_vectoring(vmx);
	vmx_sync_long_mode(vmx);
}

/* Bits 63:32 are ignored outside 64-bit mode (SDM Vol. 1 3.4.1.1). */
static u64 vmx_read_gpr(struct vmx_vcpu *vmx, int reg)
{
	u64 v = vmx->vcpu->regs[reg];

	return vmx_is_64bit(vmx) ? v : (u32)v;
}

int vmx_skip_instruction(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u64 rip = vcpu->rip + vmcs_read32(VM_EXIT_INSTRUCTION_LEN);

	vcpu->rip = vmx_is_64bit(vmx) ? rip : (u32)rip;
	/* Blocking by STI or MOV SS lasts one instruction (SDM Vol. 3C 25.4.2). */
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
	mvm_insn_done(vcpu);
	return 1;
}

void vmx_single_step(struct mvm_vcpu *vcpu)
{
	/*
	 * The #DB goes in as an injected event.  A single-step trap the CPU
	 * left pending for the instruction that exited (the guest's pending
	 * debug exceptions, SDM Vol. 3C 25.4.2 and 27.3.4) would be a second
	 * one; Bochs records BS there on CPUID and OUT exits of a guest
	 * running with TF.
	 */
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
		    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) & ~DR_STEP);
	to_vmx(vcpu)->dr6 |= DR_STEP;
	vmx_queue_exception(vcpu, X86_TRAP_DB, false, 0);
}

/*
 * Real mode delivers no error codes, and with unrestricted guest the VM
 * entry refuses one when CR0.PE is 0 (SDM Vol. 3C 27.2.1.3).
 */
void vmx_queue_exception(struct mvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error_code)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	mvm_stat_injected(vcpu);
	if (has_error && (vmx_get_cr0(vmx) & X86_CR0_PE))
		info |= INTR_INFO_DELIVER_CODE_MASK;
	/* Replaces an event whose delivery the exit interrupted. */
	vmx->event.pending = true;
	vmx->event.info = info;
	vmx->event.error_code = error_code;
	vmx->event.insn_len = 0;
}

/* The window is open: inject.c injects at the next entry. */
static int vmx_handle_window(struct mvm_vcpu *vcpu)
{
	return 1;
}

static int vmx_inject_ud(struct mvm_vcpu *vcpu)
{
	vmx_queue_exception(vcpu, X86_TRAP_UD, false, 0);
	return 1;
}

static int vmx_inject_gp(struct mvm_vcpu *vcpu)
{
	vmx_queue_exception(vcpu, X86_TRAP_GP, true, 0);
	return 1;
}

static int vmx_unhandled(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
				vmx->exit_reason,
				vmcs_readl(EXIT_QUALIFICATION));
	return 0;
}

/*
 * Exception bitmap exits (#DB, #AC, #MC) and NMIs.  #DB and #AC go back to
 * the guest: they are intercepted only so that a guest whose own delivery
 * of them faults again cannot hold the CPU in microcode forever
 * (CVE-2015-5307, CVE-2015-8104); each round trip passes the run loop's
 * signal and resched checks.
 */
static int vmx_handle_exception_nmi(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info = vmx->exit_intr_info;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;	/* the host's, handled in vcpu_enter */
	switch (vector) {
	case X86_TRAP_DB:
		/* The qualification holds the DR6 bits (SDM Vol. 3C 28.2.1). */
		vmx->dr6 = (vmx->dr6 & ~0xe00fUL) |
			   (vmcs_readl(EXIT_QUALIFICATION) & 0xe00f);
		vmx_queue_exception(vcpu, X86_TRAP_DB, false, 0);
		return 1;
	case X86_TRAP_AC:
		vmx_queue_exception(vcpu, X86_TRAP_AC, true,
				    vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
		return 1;
	case X86_TRAP_MC:
		return 1;	/* the host's, handled in vcpu_enter */
	default:
		return vmx_unhandled(vcpu);
	}
}

static int vmx_handle_external_interrupt(struct mvm_vcpu *vcpu)
{
	/* Still pending in the local APIC: taken when IRQs come back on. */
	return 1;
}

/* The preemption-timer backstop expired (vmcs.c): just go back in. */
static int vmx_handle_preemption_timer(struct mvm_vcpu *vcpu)
{
	return 1;
}

static int vmx_handle_triple_fault(struct mvm_vcpu *vcpu)
{
	return mvm_handle_shutdown(vcpu);
}

static int vmx_handle_hlt(struct mvm_vcpu *vcpu)
{
	vmx_skip_instruction(vcpu);
	return mvm_handle_hlt(vcpu);
}

/*
 * INVD would drop the host's dirty cache lines, and WBINVD lets a guest
 * flush every cache of the host at will (a denial of service to its other
 * work): run both as no-ops, as on SVM.  Guest memory is write-back and
 * coherent, so no device a guest can reach needs the flush.
 */
static int vmx_handle_invd(struct mvm_vcpu *vcpu)
{
	return vmx_skip_instruction(vcpu);
}

/* Control-register access qualification: SDM Vol. 3C 28.2.1, Table 28-3. */
VISIBLE_IF_KUNIT void vmx_decode_cr_qual(u64 qual, struct vmx_cr_qual *q)
{
	q->cr = qual & 15;
	q->type = (qual >> 4) & 3;
	q->reg = (qual >> 8) & 15;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_decode_cr_qual);

/*
 * CR accesses that exit: writes touching a host-owned CR0/CR4 bit (see
 * regs.c) and all CR8 accesses.  Qualification: SDM Vol. 3C 28.2.1,
 * Table 28-3.  A value the CPU would refuse is a #GP, and the instruction
 * is not skipped.
 */
static int vmx_handle_cr(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_cr_qual q;
	u64 val;
	int r;

	vmx_decode_cr_qual(vmcs_readl(EXIT_QUALIFICATION), &q);
	if (q.type == 0) {		/* MOV to CR */
		val = vmx_read_gpr(vmx, q.reg);
		switch (q.cr) {
		case 0:
			r = vmx_set_cr0(vmx, val);
			break;
		case 4:
			r = vmx_set_cr4(vmx, val);
			break;
		case 8:
			r = val & ~15ULL ? -EINVAL : 0;
			if (r)
				break;
			/* The in-kernel APIC's TPR (SDM Vol. 3A 11.8.6). */
			if (vcpu->apic)
				mvm_lapic_set_tpr(vcpu, val << 4);
			else
				vmx->cr8 = val;
			break;
		default:
			return vmx_unhandled(vcpu);
		}
		if (r)
			return vmx_inject_gp(vcpu);
		return vmx_skip_instruction(vcpu);
	}
	if (q.type == 1 && q.cr == 8) {	/* MOV from CR8: 64-bit mode only */
		vcpu->regs[q.reg] = vcpu->apic ? mvm_lapic_get_tpr(vcpu) >> 4 :
						 vmx->cr8;
		return vmx_skip_instruction(vcpu);
	}
	return vmx_unhandled(vcpu);
}

/*
 * MOV DR always exits: the debug registers are the host's (the guest runs
 * with GUEST_DR7 = 0x400, no breakpoints armed).  The guest reads back what
 * it wrote; its breakpoints do not fire (a documented limitation).  Faults
 * by CPL come before the exit (SDM Vol. 3C 26.1.1); DR4/5 alias DR6/7
 * unless CR4.DE (SDM Vol. 3A 18.2.2).  Qualification: Table 28-4.
 */
static int vmx_handle_dr(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	int dr = qual & 7, reg = (qual >> 8) & 15;
	bool from_dr = qual & BIT(4);
	u64 val;

	if (dr == 4 || dr == 5) {
		if (vmcs_readl(GUEST_CR4) & X86_CR4_DE)
			return vmx_inject_ud(vcpu);
		dr += 2;
	}
	if (from_dr) {
		val = dr < 4 ? vmx->dr[dr] : dr == 6 ? vmx->dr6 : vmx->dr7;
		vcpu->regs[reg] = val;
		return vmx_skip_instruction(vcpu);
	}
	val = vmx_read_gpr(vmx, reg);
	if (dr < 4) {
		vmx->dr[dr] = val;
	} else {
		if (val >> 32)
			return vmx_inject_gp(vcpu);
		if (dr == 6)
			vmx->dr6 = val | VMX_DR6_FIXED;
		else
			vmx->dr7 = val | VMX_DR7_FIXED;
	}
	return vmx_skip_instruction(vcpu);
}

/* I/O instruction qualification: SDM Vol. 3C 28.2.1, Table 28-5. */
VISIBLE_IF_KUNIT void vmx_decode_io_qual(u64 qual, struct vmx_io_qual *q)
{
	q->port = qual >> 16;
	q->size = (qual & 7) + 1;
	q->in = qual & BIT(3);
	q->string = qual & BIT(4);
	q->rep = qual & BIT(5);
}
EXPORT_SYMBOL_IF_KUNIT(vmx_decode_io_qual);

static int vmx_handle_io(struct mvm_vcpu *vcpu)
{
	struct vmx_io_qual q;

	vmx_decode_io_qual(vmcs_readl(EXIT_QUALIFICATION), &q);
	return mvm_handle_io(vcpu, q.port, q.size, q.in, q.string, q.rep,
			     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

static int vmx_handle_cpuid(struct mvm_vcpu *vcpu)
{
	return mvm_emulate_cpuid(vcpu);
}

static int vmx_handle_rdmsr(struct mvm_vcpu *vcpu)
{
	return mvm_emulate_rdmsr(vcpu);
}

static int vmx_handle_wrmsr(struct mvm_vcpu *vcpu)
{
	return mvm_emulate_wrmsr(vcpu);
}

static int vmx_handle_xsetbv(struct mvm_vcpu *vcpu)
{
	return mvm_emulate_xsetbv(vcpu);
}

/*
 * EPT-violation qualification, SDM Vol. 3C 28.2.1, Table 28-7: bit 0 read,
 * 1 write, 2 instruction fetch (the access); 3-5 what the entry allowed;
 * 7 guest linear address valid, 8 the access was to the final translation.
 * Only the access matters to the fault path.  A misconfigured entry is a
 * different exit (EPT misconfiguration), so @bad_entry stays false here.
 */
VISIBLE_IF_KUNIT void vmx_decode_ept_qual(u64 qual, struct mvm_gpa_fault *f)
{
	f->write = qual & EPT_VIOLATION_ACC_WRITE;
	f->fetch = qual & EPT_VIOLATION_ACC_INSTR;
	f->bad_entry = false;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_decode_ept_qual);

static int vmx_handle_ept_violation(struct mvm_vcpu *vcpu)
{
	struct mvm_gpa_fault f = {};
	int r;

	vmx_decode_ept_qual(vmcs_readl(EXIT_QUALIFICATION), &f);
	f.gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	/*
	 * vmx_save_vectoring() has just re-queued the event this exit
	 * interrupted, if any; entry had consumed the previous one.
	 */
	f.in_delivery = to_vmx(vcpu)->event.pending;
	f.hw_reason = EXIT_REASON_EPT_VIOLATION;
	r = mvm_handle_page_fault(vcpu, &f);
	/* A page mapped needs no L1D flush (spec.c); an emulation does. */
	if (f.emulated)
		to_vmx(vcpu)->l1d_flush = true;
	return r;
}

/* An entry minivmm wrote wrongly (SDM Vol. 3C 29.3.3.1): a host bug. */
static int vmx_handle_ept_misconfig(struct mvm_vcpu *vcpu)
{
	/* minivmm writes every EPT entry: a misconfigured one is its bug. */
	mvm_vm_mark_dead(vcpu->vm, "EPT misconfiguration");
	mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
				EXIT_REASON_EPT_MISCONFIG,
				vmcs_read64(GUEST_PHYSICAL_ADDRESS));
	return 0;
}

/*
 * The exit handlers, indexed by basic exit reason.  Each returns 1 to
 * re-enter the guest, 0 after filling vcpu->run for userspace, or -errno
 * to fail MINIVMM_RUN.  A reason without a handler ends the run with an
 * INTERNAL_ERROR exit carrying the reason and the exit qualification.
 *
 * The guest has no VMX (CPUID hides it), so VMX instructions, VMCALL,
 * GETSEC and MONITOR/MWAIT, which exit unconditionally or by our choice,
 * raise #UD as on a CPU without them; RDPMC raises #GP (no counters).
 */
static int (*const vmx_exit_handlers[])(struct mvm_vcpu *vcpu) = {
	[EXIT_REASON_EXCEPTION_NMI]		= vmx_handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= vmx_handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT]		= vmx_handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]		= vmx_handle_window,
	[EXIT_REASON_NMI_WINDOW]		= vmx_handle_window,
	[EXIT_REASON_CPUID]			= vmx_handle_cpuid,
	[EXIT_REASON_GETSEC]			= vmx_inject_ud,
	[EXIT_REASON_HLT]			= vmx_handle_hlt,
	[EXIT_REASON_INVD]			= vmx_handle_invd,
	[EXIT_REASON_WBINVD]			= vmx_handle_invd,
	[EXIT_REASON_RDPMC]			= vmx_inject_gp,
	[EXIT_REASON_VMCALL]			= vmx_inject_ud,
	[EXIT_REASON_VMCLEAR]			= vmx_inject_ud,
	[EXIT_REASON_VMLAUNCH]			= vmx_inject_ud,
	[EXIT_REASON_VMPTRLD]			= vmx_inject_ud,
	[EXIT_REASON_VMPTRST]			= vmx_inject_ud,
	[EXIT_REASON_VMREAD]			= vmx_inject_ud,
	[EXIT_REASON_VMRESUME]			= vmx_inject_ud,
	[EXIT_REASON_VMWRITE]			= vmx_inject_ud,
	[EXIT_REASON_VMOFF]			= vmx_inject_ud,
	[EXIT_REASON_VMON]			= vmx_inject_ud,
	[EXIT_REASON_CR_ACCESS]			= vmx_handle_cr,
	[EXIT_REASON_DR_ACCESS]			= vmx_handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]		= vmx_handle_io,
	[EXIT_REASON_MSR_READ]			= vmx_handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= vmx_handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= vmx_inject_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= vmx_inject_ud,
	[EXIT_REASON_EPT_VIOLATION]		= vmx_handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]		= vmx_handle_ept_misconfig,
	[EXIT_REASON_INVEPT]			= vmx_inject_ud,
	[EXIT_REASON_PREEMPTION_TIMER]		= vmx_handle_preemption_timer,
	[EXIT_REASON_INVVPID]			= vmx_inject_ud,
	[EXIT_REASON_XSETBV]			= vmx_handle_xsetbv,
};

int vmx_handle_exit(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 reason = vmx->exit_reason;
	u16 basic = VMX_BASIC_REASON(reason);

	/* VMfail, or a failed guest-state/MSR-load check (SDM Vol. 3C 27.8). */
	if (vmx->entry_failed) {
		mvm_exit_fail_entry(vcpu, reason);
		return 0;
	}
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		mvm_exit_fail_entry(vcpu, basic);
		return 0;
	}
	if (basic < ARRAY_SIZE(vmx_exit_handlers) && vmx_exit_handlers[basic])
		return vmx_exit_handlers[basic](vcpu);
	return vmx_unhandled(vcpu);
}
