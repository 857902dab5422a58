/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SVM backend internals shared by the files of kmod/svm/ (and its KUnit
 * tests).  Generic code never includes this.  Mirrors vmx/vmx.h.
 *
 *   svm.c      probe, per-CPU on/off, ASIDs, vCPU create/load/enter
 *   vmcb.c     the VMCB's guest state: reset, sregs, MSRs
 *   exit.c     exit handlers, RIP advance, exceptions and re-injection
 *   event.c    interrupts and NMIs for the in-kernel irqchip
 *   spec.c     speculative-execution defences: what is on
 *   vmenter.S  the world switch (VMLOAD/VMRUN/VMSAVE)
 *   npt.c      NPT entry encoding
 *
 * KUnit: tests/svm_caps_kunit.c (probe decision), tests/svm_vmcb_kunit.c
 * (reset state, MSRPM, sregs and MSR rules, exception queueing, EXITINFO1
 * of the IOIO intercept).
 */
#ifndef MINIVMM_SVM_H
#define MINIVMM_SVM_H

#include <linux/types.h>
#include <asm/cpufeature.h>
#include <asm/svm.h>

#include "../minivmm.h"

/* The CPUID leaves and MSRs minivmm decides on, read once at probe. */
struct svm_cap_regs {
	u64 vm_cr;		/* MSR VM_CR */
	u32 nasid;		/* CPUID 0x8000000A EBX: number of ASIDs */
	u32 features;		/* CPUID 0x8000000A EDX: SVM feature bits */
};

/*
 * Per-vCPU SVM state, vcpu->arch.  The VMCB holds the guest's state
 * between entries except the GPRs and RIP/RFLAGS, whose authoritative copy
 * is in struct mvm_vcpu (vmcb->save.rax/rsp/rip/rflags are refreshed from
 * it before each VMRUN and copied back after).
 *
 * The guest's debug registers are never loaded into the hardware: every
 * MOV DR exits (exit.c) and works on the software copy @dr/@dr6/@dr7, while
 * the VMCB keeps DR7 with all breakpoints off, so a guest can neither arm
 * a hardware breakpoint nor see the host's.
 */
struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;

	u32 asid;		/* 0: none yet */
	int asid_cpu;		/* the CPU @asid belongs to */
	u64 asid_generation;	/* that CPU's generation when assigned */

	u64 dr[4];
	u64 dr6;
	u64 dr7;

	u64 tsc_aux;		/* switched around VMRUN when RDTSCP/RDPID exist */
	u64 host_tsc_aux;	/* read at vcpu_load */
	u64 spec_ctrl;		/* the guest's SPEC_CTRL, intercepted */
	u32 pkru;		/* the guest's PKRU, switched when CR4.PKE */

	bool shutdown;		/* an exception hit a pending #DF: triple fault */

	/*
	 * NMI blocking, which SVM leaves to the hypervisor (APM 15.21.3):
	 * set when an NMI is injected, kept through the IRET intercept until
	 * the guest's RIP has left the IRET (@iret_rip), i.e. the IRET ran.
	 */
	bool nmi_masked;
	bool awaiting_iret;
	u64 iret_rip;

	/*
	 * The interrupt shadow, against a CPU that forgets it at VMRUN
	 * (svm_handle_vintr()): the RIP at which the last exit found the
	 * guest inside a shadow (~0 when it did not), whether this exit is
	 * an interrupt window that opened at that very RIP, and whether the
	 * next entry must go without a window.  All set after each exit
	 * (svm_complete_interrupts()) and by the VINTR handler.
	 */
	u64 shadow_rip;
	bool window_in_shadow;
	bool hold_window;
};

/* Turn intercept @bit (enum in <asm/svm.h>) on or off. */
static inline void svm_intercept(struct vmcb_control_area *c, u32 bit,
				 bool on)
{
	if (on)
		c->intercepts[bit / 32] |= BIT(bit % 32);
	else
		c->intercepts[bit / 32] &= ~BIT(bit % 32);
}

static inline struct svm_vcpu *to_svm(struct mvm_vcpu *vcpu)
{
	return vcpu->arch;
}

/* The SVM feature bits minivmm uses beyond its requirements (svm.c). */
extern u32 svm_features;
#define SVM_FEATURE_NRIPS		BIT(3)	/* APM Vol. 3 E.4.10 */
#define SVM_FEATURE_FLUSHBYASID		BIT(6)
#define SVM_FEATURE_DECODEASSISTS	BIT(7)

/* RDTSCP and RDPID read TSC_AUX, which minivmm then switches itself. */
static inline bool svm_has_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) ||
	       boot_cpu_has(X86_FEATURE_RDPID);
}

/* svm.c */
void svm_vcpu_reset(struct mvm_vcpu *vcpu);
const char *svm_check_caps(const struct svm_cap_regs *r, struct mvm_caps *caps);
void svm_request_tlb_flush(struct svm_vcpu *svm, u8 tlb_ctl);

/* vmcb.c */
void svm_vmcb_reset(struct mvm_vcpu *vcpu, u64 iopm_pa, u64 msrpm_pa);
void svm_msrpm_init(void *msrpm);
void svm_get_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs);
int svm_set_sregs(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs);
int svm_get_msr(struct mvm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct mvm_vcpu *vcpu, u32 index, u64 data);
bool svm_long_mode_code(struct vmcb *vmcb);

/* exit.c */

/* An IOIO intercept's EXITINFO1, decoded (APM 15.10.2, figure 15-2). */
struct svm_io_exit {
	u16 port;
	u8 size;
	bool in, string, rep;
};

#if IS_ENABLED(CONFIG_KUNIT)
void svm_decode_ioio(u64 info, struct svm_io_exit *io);
void svm_decode_npf(u64 info, struct mvm_gpa_fault *f);
int svm_handle_vintr(struct mvm_vcpu *vcpu);
#endif
int svm_handle_exit(struct mvm_vcpu *vcpu);
int svm_skip_instruction(struct mvm_vcpu *vcpu);
void svm_single_step(struct mvm_vcpu *vcpu);
void svm_queue_exception(struct mvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error_code);
void svm_complete_interrupts(struct mvm_vcpu *vcpu);
bool svm_event_queued(struct mvm_vcpu *vcpu);
bool svm_interrupt_allowed(struct mvm_vcpu *vcpu);
bool svm_nmi_allowed(struct mvm_vcpu *vcpu);
void svm_inject_irq(struct mvm_vcpu *vcpu, u8 vector);
void svm_inject_nmi(struct mvm_vcpu *vcpu);
void svm_enable_irq_window(struct mvm_vcpu *vcpu, bool on);
void svm_enable_nmi_window(struct mvm_vcpu *vcpu, bool on);
void svm_sync_tpr(struct mvm_vcpu *vcpu, u8 tpr, bool tpr_blocks);
void svm_get_events(struct mvm_vcpu *vcpu, struct minivmm_vcpu_events *ev);
void svm_set_events(struct mvm_vcpu *vcpu,
		    const struct minivmm_vcpu_events *ev);

/* spec.c */
int svm_show_mitigations(char *buf, int at);

/* vmenter.S: the register block is vcpu->regs, in enum mvm_reg order. */
void __svm_vcpu_run(u64 *regs, u64 vmcb_pa, u64 host_save_pa,
		    u64 guest_spec_ctrl);

/* npt.c */
extern const struct mvm_pt_fmt svm_npt_fmt;

#endif /* MINIVMM_SVM_H */
