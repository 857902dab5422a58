// SPDX-License-Identifier: GPL-2.0
/*
 * What happens after a #VMEXIT: the exit handlers, moving RIP past an
 * instruction, and the events the guest is owed on its next entry
 * (exceptions minivmm queues, and those an exit interrupted).  Mirrors
 * vmx/exit.c.
 *
 * Exit codes are the AMD APM Vol. 2 Appendix C list; EXITINFO1/2 are as
 * 15.7 "Intercept Operation" and the sections cited per handler say.
 */
#include <linux/bits.h>
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/mce.h>
#include <asm/processor-flags.h>
#include <asm/ptrace.h>
#include <asm/svm.h>
#include <asm/traps.h>

#include "../kunit_compat.h"
#include "svm.h"

/* NPF error code (EXITINFO1, APM 15.25.6), the #PF error code's bits. */
#define NPF_WRITE		BIT_ULL(1)
#define NPF_RSVD		BIT_ULL(3)
#define NPF_FETCH		BIT_ULL(4)

/* IOIO EXITINFO1 (APM 15.10.2 "IN and OUT Behavior"). */
#define IOIO_IN			BIT(0)
#define IOIO_STR		BIT(2)
#define IOIO_REP		BIT(3)
#define IOIO_SZ8		BIT(4)
#define IOIO_SZ16		BIT(5)
#define IOIO_SZ32		BIT(6)
#define IOIO_PORT_SHIFT		16

/* MOV DR decode assist: EXITINFO1[63] valid, [3:0] the GPR (APM 15.33). */
#define DR_INFO_VALID		BIT_ULL(63)

/* Debug register bits (SDM Vol. 3B 17.2, APM Vol. 2 13.1.1). */
#define DR6_WRITABLE		(DR_TRAP_BITS | BIT(13) | DR_STEP | BIT(15))
#define DR6_BD			BIT(13)
#define DR7_GD			BIT(13)
#define DR7_WRITABLE		0xffff2bffULL
#define DR7_FIXED		0x400ULL

static bool svm_exception_contributory(u8 vector)
{
	return vector == DE_VECTOR || vector == TS_VECTOR ||
	       vector == NP_VECTOR || vector == SS_VECTOR ||
	       vector == GP_VECTOR;
}

/*
 * Queue a hardware exception through EVENTINJ (APM 15.20 "Event
 * Injection").  If one is already queued, the two combine as the CPU
 * would combine them (SDM Vol. 3A 6.15, Table 6-5): into #DF, and a fault
 * on top of #DF into a triple fault, which handle_exit reports as
 * SHUTDOWN.  Real mode has no error codes.
 */
void svm_queue_exception(struct mvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error_code)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 prev = c->event_inj;

	mvm_stat_injected(vcpu);
	if ((prev & SVM_EVTINJ_VALID) &&
	    (prev & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_EXEPT) {
		u8 pv = prev & SVM_EVTINJ_VEC_MASK;

		if (pv == DF_VECTOR) {
			svm->shutdown = true;
			c->event_inj = 0;
			return;
		}
		if ((svm_exception_contributory(pv) || pv == PF_VECTOR) &&
		    (svm_exception_contributory(vector) ||
		     (vector == PF_VECTOR && pv == PF_VECTOR))) {
			vector = DF_VECTOR;
			has_error = true;
			error_code = 0;
		}
	}

	if (!(svm->vmcb->save.cr0 & X86_CR0_PE))
		has_error = false;
	c->event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = has_error ? error_code : 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_queue_exception);

/*
 * After the exit: an event whose delivery the exit interrupted (EXITINTINFO,
 * APM 15.7.2), e.g. an exception whose IDT entry or stack page the nested
 * page table did not map yet, must be delivered again on the next entry:
 * exceptions, and the external interrupts and NMIs the in-kernel irqchip
 * injected (the interrupt is already in service in the local APIC; the
 * NMI keeps the guest's NMIs blocked).  Software interrupts and INT3/INTO
 * are not reinjected: RIP still points at the instruction, which runs
 * again.  Interrupts off.
 */
void svm_complete_interrupts(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	c->event_inj = 0;
	c->event_inj_err = 0;
	svm->window_in_shadow = c->exit_code == SVM_EXIT_VINTR &&
				vcpu->rip == svm->shadow_rip;
	svm->shadow_rip = c->int_state & SVM_INTERRUPT_SHADOW_MASK ?
			  vcpu->rip : ~0ULL;
	svm->hold_window = false;
	/* The guest left the intercepted IRET behind: NMIs are unblocked. */
	if (svm->awaiting_iret && vcpu->rip != svm->iret_rip) {
		svm->awaiting_iret = false;
		svm->nmi_masked = false;
	}
	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	if (type == SVM_EXITINTINFO_TYPE_SOFT ||
	    (type == SVM_EXITINTINFO_TYPE_EXEPT &&
	     (vector == BP_VECTOR || vector == OF_VECTOR)))
		return;
	c->event_inj = info & (SVM_EVTINJ_VEC_MASK | SVM_EVTINJ_TYPE_MASK |
			       SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR);
	c->event_inj_err = c->exit_int_info_err;
}
EXPORT_SYMBOL_IF_KUNIT(svm_complete_interrupts);

/* RIP as the guest's code size wraps it (APM Vol. 2 4.8). */
static u64 svm_wrap_rip(struct vmcb *vmcb, u64 rip)
{
	if (svm_long_mode_code(vmcb))
		return rip;
	if (vmcb->save.cs.attrib & SVM_SELECTOR_DB_MASK)
		return (u32)rip;
	return (u16)rip;
}

/*
 * Move RIP past the intercepted instruction: from NextRIP when the CPU
 * saves it (APM 15.7.1), else from a decode of the bytes at RIP.  An
 * instruction completed this way ends any interrupt shadow, and under
 * RFLAGS.TF owes the guest a single-step #DB.
 */
int svm_skip_instruction(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	int len;

	if (mvm_ops->caps.next_rip && vmcb->control.next_rip) {
		vcpu->rip = vmcb->control.next_rip;
	} else {
		len = mvm_insn_length(vcpu);
		if (len < 0)
			return len;
		vcpu->rip = svm_wrap_rip(vmcb, vcpu->rip + len);
	}
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	mvm_insn_done(vcpu);
	return 0;
}

void svm_single_step(struct mvm_vcpu *vcpu)
{
	to_svm(vcpu)->dr6 |= DR_STEP;
	svm_queue_exception(vcpu, DB_VECTOR, false, 0);
}

/* An instruction that could not be decoded or emulated. */
static int svm_emulation_error(struct mvm_vcpu *vcpu, int err)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
				c->exit_code, err);
	return 0;
}

static int svm_skip_or_fail(struct mvm_vcpu *vcpu)
{
	int r = svm_skip_instruction(vcpu);

	return r ? svm_emulation_error(vcpu, r) : 1;
}

/*
 * The exit handlers, reached through svm_exit_handlers[] (their return
 * contract is written there).  Instruction intercepts leave RIP on the
 * instruction (APM 15.7.1); a handler that completes the instruction moves
 * RIP past it.
 */

/* The host's interrupt, NMI or SMI was taken on the way out. */
static int svm_handle_host_event(struct mvm_vcpu *vcpu)
{
	return 1;
}

static int svm_handle_ud(struct mvm_vcpu *vcpu)
{
	svm_queue_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

static int svm_handle_gp(struct mvm_vcpu *vcpu)
{
	svm_queue_exception(vcpu, GP_VECTOR, true, 0);
	return 1;
}

/* INVD and WBINVD: no-ops, see vmcb.c's intercept list. */
static int svm_handle_nop(struct mvm_vcpu *vcpu)
{
	return svm_skip_or_fail(vcpu);
}

static int svm_handle_cpuid(struct mvm_vcpu *vcpu)
{
	return mvm_emulate_cpuid(vcpu);
}

static int svm_handle_xsetbv(struct mvm_vcpu *vcpu)
{
	return mvm_emulate_xsetbv(vcpu);
}

/* RDMSR/WRMSR: EXITINFO1 is 0 for a read, 1 for a write (APM 15.11). */
static int svm_handle_msr(struct mvm_vcpu *vcpu)
{
	if (to_svm(vcpu)->vmcb->control.exit_info_1)
		return mvm_emulate_wrmsr(vcpu);
	return mvm_emulate_rdmsr(vcpu);
}

/* HLT completes before userspace sees it, as in KVM: RIP is past it. */
static int svm_handle_hlt(struct mvm_vcpu *vcpu)
{
	int r = svm_skip_instruction(vcpu);

	if (r)
		return svm_emulation_error(vcpu, r);
	return mvm_handle_hlt(vcpu);
}

/*
 * IN/OUT/INS/OUTS (APM 15.10.2).  EXITINFO2 is the RIP of the next
 * instruction even without NRIPS, so the length comes from there.
 */
VISIBLE_IF_KUNIT void svm_decode_ioio(u64 info, struct svm_io_exit *io)
{
	io->port = (info >> IOIO_PORT_SHIFT) & 0xffff;
	if (info & IOIO_SZ32)
		io->size = 4;
	else if (info & IOIO_SZ16)
		io->size = 2;
	else
		io->size = 1;
	io->in = info & IOIO_IN;
	io->string = info & IOIO_STR;
	io->rep = info & IOIO_REP;
}
EXPORT_SYMBOL_IF_KUNIT(svm_decode_ioio);

static int svm_handle_io(struct mvm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	/* IP/EIP wrap: the difference taken at the code size is the length. */
	u64 len = svm_wrap_rip(to_svm(vcpu)->vmcb, c->exit_info_2 - vcpu->rip);
	struct svm_io_exit io;

	svm_decode_ioio(c->exit_info_1, &io);
	if (len == 0 || len > 15)
		return svm_emulation_error(vcpu, -EINVAL);
	return mvm_handle_io(vcpu, io.port, io.size, io.in, io.string, io.rep,
			     len);
}

/*
 * NPF EXITINFO1 (APM Vol. 2 15.25.6) has the #PF error code's layout: bit 1
 * write, 3 a reserved bit set in an entry, 4 instruction fetch; bits 32/33
 * tell a fault on the final address from one on a guest page-table read,
 * which the fault path treats alike.
 */
VISIBLE_IF_KUNIT void svm_decode_npf(u64 info, struct mvm_gpa_fault *f)
{
	f->write = info & NPF_WRITE;
	f->fetch = info & NPF_FETCH;
	f->bad_entry = info & NPF_RSVD;
}
EXPORT_SYMBOL_IF_KUNIT(svm_decode_npf);

/*
 * A nested page fault: EXITINFO2 is the guest-physical address.  A
 * reserved-bit fault means minivmm wrote a bad NPT entry.
 */
static int svm_handle_npf(struct mvm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	struct mvm_gpa_fault f = {};

	svm_decode_npf(c->exit_info_1, &f);
	if (WARN_ON_ONCE(f.bad_entry)) {
		mvm_vm_mark_dead(vcpu->vm, "NPT entry with reserved bits");
		mvm_exit_internal_error(vcpu,
					MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
					c->exit_code, c->exit_info_1);
		return 0;
	}
	f.gpa = c->exit_info_2;
	f.in_delivery = c->exit_int_info & SVM_EXITINTINFO_VALID;
	f.hw_reason = SVM_EXIT_NPF;
	return mvm_handle_page_fault(vcpu, &f);
}

/*
 * SHUTDOWN: the guest triple-faulted.  The VMCB is undefined after this
 * intercept (APM 15.9.1), so it is rebuilt in its reset state; the GPRs,
 * RIP and RFLAGS stay as the exit left them, for the VMM's report.
 */
static int svm_handle_shutdown(struct mvm_vcpu *vcpu)
{
	svm_vcpu_reset(vcpu);
	return mvm_handle_shutdown(vcpu);
}

/*
 * #DB: reinjected, its cause merged into the guest's software DR6.  The
 * CPU put the cause in the VMCB's DR6 (APM 15.12); that is reset for the
 * next entry so that each #DB reports only its own.
 */
static int svm_handle_db(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 cause = svm->vmcb->save.dr6 & (DR_TRAP_BITS | DR6_BD | DR_STEP |
					  BIT(15));

	svm->dr6 = (svm->dr6 & ~(u64)DR_TRAP_BITS) | cause;
	svm->vmcb->save.dr6 = DR6_RESERVED;
	svm_queue_exception(vcpu, DB_VECTOR, false, 0);
	return 1;
}

/* #AC: reinjected, error code 0 (SDM Vol. 3A 6.15). */
static int svm_handle_ac(struct mvm_vcpu *vcpu)
{
	svm_queue_exception(vcpu, AC_VECTOR, true, 0);
	return 1;
}

/* #MC: the host's handler already ran (svm.c, before interrupts). */
static int svm_handle_mc(struct mvm_vcpu *vcpu)
{
	return 1;
}

/*
 * The GPR of an intercepted MOV to or from a CR or DR (@opcode: 0x22 MOV
 * to CR, 0x21/0x23 MOV from/to DR): from the decode assist when the CPU
 * has it (APM 15.33), else from the ModRM byte of 0F @opcode at RIP.
 */
static int svm_mov_gpr(struct mvm_vcpu *vcpu, u8 opcode)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	bool lm = svm_long_mode_code(vmcb);
	u64 ip = lm ? vcpu->rip : (u32)(vmcb->save.cs.base + vcpu->rip);
	u8 b = 0, rex = 0;
	int i, r;

	if ((svm_features & SVM_FEATURE_DECODEASSISTS) &&
	    (vmcb->control.exit_info_1 & DR_INFO_VALID))
		return vmcb->control.exit_info_1 & SVM_EXITINFO_REG_MASK;

	for (i = 0; i < 13; i++) {
		r = mvm_read_guest_virt(vcpu, ip + i, &b, 1);
		if (r)
			return r;
		if (lm && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		switch (b) {
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64:
		case 0x65: case 0x66: case 0x67: case 0xf0: case 0xf2:
		case 0xf3:
			rex = 0;	/* REX counts only right before the opcode */
			continue;
		}
		break;
	}
	if (b != 0x0f)
		return -EINVAL;
	r = mvm_read_guest_virt(vcpu, ip + i + 1, &b, 1);
	if (r)
		return r;
	if (b != opcode)
		return -EINVAL;
	r = mvm_read_guest_virt(vcpu, ip + i + 2, &b, 1);
	if (r)
		return r;
	return (b & 7) | ((rex & 1) << 3);
}

/*
 * MOV to/from DR0-DR7 (APM 15.9, Vol. 2 13.1.1): on the software copy
 * only; the hardware's debug registers stay the host's.
 */
static int svm_handle_dr(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	u32 code = vmcb->control.exit_code;
	bool write = code >= SVM_EXIT_WRITE_DR0;
	unsigned int dr = code & 7;
	bool lm = svm_long_mode_code(vmcb);
	int gpr;
	u64 val;

	if (vmcb->save.cpl) {
		svm_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	if (dr == 4 || dr == 5) {
		if (vmcb->save.cr4 & X86_CR4_DE) {
			svm_queue_exception(vcpu, UD_VECTOR, false, 0);
			return 1;
		}
		dr += 2;
	}
	/* General detect: the access faults with DR6.BD (SDM 17.2.4). */
	if (svm->dr7 & DR7_GD) {
		svm->dr7 &= ~DR7_GD;
		svm->dr6 |= DR6_BD;
		svm_queue_exception(vcpu, DB_VECTOR, false, 0);
		return 1;
	}
	gpr = svm_mov_gpr(vcpu, write ? 0x23 : 0x21);
	if (gpr < 0)
		return svm_emulation_error(vcpu, gpr);

	if (write) {
		val = vcpu->regs[gpr];
		if (!lm)
			val = (u32)val;
		if (dr >= 6 && (val >> 32)) {
			svm_queue_exception(vcpu, GP_VECTOR, true, 0);
			return 1;
		}
		if (dr < 4)
			svm->dr[dr] = val;
		else if (dr == 6)
			svm->dr6 = (val & DR6_WRITABLE) | DR6_RESERVED;
		else
			svm->dr7 = (val & DR7_WRITABLE) | DR7_FIXED;
	} else {
		val = dr < 4 ? svm->dr[dr] : dr == 6 ? svm->dr6 : svm->dr7;
		/* A 32-bit destination zero-extends, as the CPU would. */
		vcpu->regs[gpr] = lm ? val : (u32)val;
	}
	return svm_skip_or_fail(vcpu);
}

/*
 * MOV to CR8, intercepted only while the TPR holds back an interrupt
 * (svm_sync_tpr()): the new TPR goes to the local APIC, and inject.c sees
 * whether the interrupt may now go.  Bits 63:4 set are a #GP (APM Vol. 2
 * 3.1.5).
 */
static int svm_handle_cr8_write(struct mvm_vcpu *vcpu)
{
	int gpr = svm_mov_gpr(vcpu, 0x22);
	u64 val;

	if (gpr < 0)
		return svm_emulation_error(vcpu, gpr);
	val = vcpu->regs[gpr];
	if (!svm_long_mode_code(to_svm(vcpu)->vmcb))
		val = (u32)val;
	if (val & ~15ULL) {
		svm_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	mvm_lapic_set_tpr(vcpu, val << 4);
	return svm_skip_or_fail(vcpu);
}

/*
 * The interrupt window opened: inject.c injects at the next entry.
 *
 * Unless it opened at the very RIP where the previous exit found the guest
 * inside an interrupt shadow: then the shadowed instruction has not run,
 * and the CPU ignored the shadow that int_state gave it at VMRUN, which
 * APM Vol. 2 15.21.5 says it honours (QEMU's TCG before 9.1 ignores it).
 * Injecting now would deliver between STI and HLT, and the guest would
 * sleep in its HLT with the interrupt it waits for already taken.  So the
 * shadow is put back, and the next entry goes without a window (the CPU
 * would open it at once again): the interrupt goes in at the next exit of
 * any kind -- right after a HLT, which exits, else at the next host
 * interrupt.  On a CPU that honours the shadow this happens only when the
 * shadowed instruction jumps to itself, and costs that interrupt's wait
 * for the next exit.
 */
VISIBLE_IF_KUNIT int svm_handle_vintr(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm_enable_irq_window(vcpu, false);
	if (svm->window_in_shadow) {
		pr_info_once("minivmm: the CPU opened an interrupt window inside an interrupt shadow; injecting at the next exit instead\n");
		svm->vmcb->control.int_state |= SVM_INTERRUPT_SHADOW_MASK;
		svm->hold_window = true;
	}
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(svm_handle_vintr);

/*
 * The guest's NMI handler is about to IRET.  The IRET has not run yet
 * (intercepts come before the instruction), so NMIs stay blocked until
 * RIP has moved off it (svm_complete_interrupts()).
 */
static int svm_handle_iret(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm_intercept(&svm->vmcb->control, INTERCEPT_IRET, false);
	svm->awaiting_iret = true;
	svm->iret_rip = vcpu->rip;
	return 1;
}

/*
 * Indexed by exit code (APM Vol. 2 Appendix C); a missing entry is an
 * exit minivmm does not handle, reported as an internal error.
 *
 * Each handler returns 1 to re-enter the guest, 0 when vcpu->run is
 * filled for userspace, or -errno to fail MINIVMM_RUN.
 */
static int (*const svm_exit_handlers[])(struct mvm_vcpu *vcpu) = {
	[SVM_EXIT_WRITE_CR8]				= svm_handle_cr8_write,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7]	= svm_handle_dr,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7]	= svm_handle_dr,
	[SVM_EXIT_EXCP_BASE + DB_VECTOR]		= svm_handle_db,
	[SVM_EXIT_EXCP_BASE + AC_VECTOR]		= svm_handle_ac,
	[SVM_EXIT_EXCP_BASE + MC_VECTOR]		= svm_handle_mc,
	[SVM_EXIT_INTR]					= svm_handle_host_event,
	[SVM_EXIT_NMI]					= svm_handle_host_event,
	[SVM_EXIT_SMI]					= svm_handle_host_event,
	[SVM_EXIT_VINTR]				= svm_handle_vintr,
	[SVM_EXIT_RDPMC]				= svm_handle_gp,
	[SVM_EXIT_CPUID]				= svm_handle_cpuid,
	[SVM_EXIT_RSM]					= svm_handle_ud,
	[SVM_EXIT_IRET]					= svm_handle_iret,
	[SVM_EXIT_INVD]					= svm_handle_nop,
	[SVM_EXIT_HLT]					= svm_handle_hlt,
	[SVM_EXIT_INVLPGA]				= svm_handle_ud,
	[SVM_EXIT_IOIO]					= svm_handle_io,
	[SVM_EXIT_MSR]					= svm_handle_msr,
	[SVM_EXIT_SHUTDOWN]				= svm_handle_shutdown,
	[SVM_EXIT_VMRUN]				= svm_handle_ud,
	[SVM_EXIT_VMMCALL]				= svm_handle_ud,
	[SVM_EXIT_VMLOAD]				= svm_handle_ud,
	[SVM_EXIT_VMSAVE]				= svm_handle_ud,
	[SVM_EXIT_STGI]					= svm_handle_ud,
	[SVM_EXIT_CLGI]					= svm_handle_ud,
	[SVM_EXIT_SKINIT]				= svm_handle_ud,
	[SVM_EXIT_WBINVD]				= svm_handle_nop,
	[SVM_EXIT_MONITOR]				= svm_handle_ud,
	[SVM_EXIT_MWAIT]				= svm_handle_ud,
	[SVM_EXIT_MWAIT_COND]				= svm_handle_ud,
	[SVM_EXIT_XSETBV]				= svm_handle_xsetbv,
	[SVM_EXIT_RDPRU]				= svm_handle_ud,
	[SVM_EXIT_NPF]					= svm_handle_npf,
};

int svm_handle_exit(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u64 code = ((u64)c->exit_code_hi << 32) | c->exit_code;
	int r;

	/*
	 * VMRUN refused the guest state (APM 15.5.1 "consistency checks"):
	 * VMEXIT_INVALID, -1.  Compared on the low half, which is all some
	 * implementations (QEMU's) write.
	 */
	if (c->exit_code == (u32)SVM_EXIT_ERR) {
		mvm_exit_fail_entry(vcpu, code);
		return 0;
	}
	/* With V_INTR_MASKING the guest wrote CR8 into V_TPR unseen. */
	if (vcpu->apic && (c->int_ctl & V_TPR_MASK) !=
			  mvm_lapic_get_tpr(vcpu) >> 4)
		mvm_lapic_set_tpr(vcpu, (c->int_ctl & V_TPR_MASK) << 4);
	if (code >= ARRAY_SIZE(svm_exit_handlers) ||
	    !svm_exit_handlers[code]) {
		mvm_exit_internal_error(vcpu,
					MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
					code, c->exit_info_1);
		return 0;
	}
	r = svm_exit_handlers[code](vcpu);
	if (r > 0 && svm->shutdown) {
		svm->shutdown = false;
		return svm_handle_shutdown(vcpu);
	}
	return r;
}
