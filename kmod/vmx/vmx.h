/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX backend internals shared by the files of kmod/vmx/ (and its KUnit
 * tests).  Generic code never includes this.
 *
 *   vmx.c      probe, VMXON/VMXOFF, the ops table
 *   vmcs.c     the VMCS: controls, host and reset state, load/put, VPIDs
 *   exit.c     entering the guest, and the exit handlers
 *   event.c    interrupts and NMIs for the in-kernel irqchip
 *   regs.c     segments, control registers and MSRs (sregs, get/set_msr)
 *   spec.c     speculative-execution defences: the L1D flush, what is on
 *   vmenter.S  the register switch around VMLAUNCH/VMRESUME
 */
#ifndef MINIVMM_VMX_H
#define MINIVMM_VMX_H

#include <linux/list.h>
#include <linux/types.h>

#include "../minivmm.h"

/* The capability MSRs minivmm decides on, read once at probe. */
struct vmx_cap_msrs {
	u64 feature_control;	/* IA32_FEATURE_CONTROL */
	u64 basic;		/* IA32_VMX_BASIC */
	u64 procbased;		/* IA32_VMX_PROCBASED_CTLS */
	u64 procbased2;		/* IA32_VMX_PROCBASED_CTLS2 */
	u64 ept_vpid;		/* IA32_VMX_EPT_VPID_CAP */
};

/*
 * The VMCS controls and fixed bits every vCPU uses, computed once at probe
 * from the capability MSRs (vmcs.c, vmx_setup_config()).
 */
struct vmx_config {
	u32 revision;
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
	bool invept_single;	/* else INVEPT all-context */
	bool invvpid_single;	/* else INVVPID all-context */
	u32 preempt_timer;	/* VMX-preemption timer value, 0 = unused */
	bool has_debugctl;	/* IA32_DEBUGCTL readable (not in Bochs) */
};

extern struct vmx_config vmx_config;

/* The VMCS region (SDM Vol. 3C 25.2): a revision id, then the CPU's own. */
struct vmcs {
	u32 revision;
	u32 abort;
	char data[];
};

/* Guest MSRs the hardware does not switch: loaded at vcpu_load. */
enum vmx_soft_msr {
	VMX_MSR_KERNEL_GS_BASE,
	VMX_MSR_STAR,
	VMX_MSR_LSTAR,
	VMX_MSR_CSTAR,
	VMX_MSR_SFMASK,
	VMX_NR_SOFT_MSRS
};

/* DR6 and DR7 at reset (SDM Vol. 3A 18.2.3, 18.2.4). */
#define VMX_DR6_FIXED	0xffff0ff0UL
#define VMX_DR7_FIXED	0x400UL

/* An event to put into the VM-entry interruption-information field. */
struct vmx_event {
	bool pending;
	u32 info;		/* SDM Vol. 3C 25.8.3 format, valid bit set */
	u32 error_code;
	u32 insn_len;		/* software interrupts/exceptions only */
};

/* The backend's vCPU, vcpu->arch. */
struct vmx_vcpu {
	struct mvm_vcpu *vcpu;
	struct vmcs *vmcs;
	u64 vmcs_pa;
	u8 *msr_bitmap;		/* one page, SDM Vol. 3C 25.6.9 */
	u16 vpid;

	/*
	 * The CPU whose VMCS cache holds this VMCS (loaded or active), or -1
	 * once VMCLEARed; @loaded_node is then on that CPU's
	 * vmx_loaded_vmcss list.  Changed only on that CPU with interrupts
	 * off, or by the CPU that VMCLEARs it through an IPI.
	 */
	int cpu;
	struct list_head loaded_node;
	bool launched;		/* VMRESUME, not VMLAUNCH */
	u32 proc;		/* primary controls now (the window bits vary) */
	s64 tsc_offset;		/* TSC_OFFSET now, vm->tsc_offset when entered */
	bool need_flush;	/* moved to another CPU: flush tagged TLB */
	bool l1d_flush;		/* host code ran since the last entry (spec.c) */

	/* Cached host-state fields, written to the VMCS only on change. */
	unsigned long host_rsp, host_cr3, host_cr4;

	/* Host state the hardware does not switch, saved at vcpu_load. */
	bool guest_msrs_loaded;
	u64 host_msrs[VMX_NR_SOFT_MSRS];
	u64 guest_msrs[VMX_NR_SOFT_MSRS];
	u16 host_ds_sel, host_es_sel, host_fs_sel, host_gs_sel, host_ldt_sel;
	u64 host_fs_base;
	u64 host_debugctl;

	/* Guest state not kept in the VMCS. */
	u64 cr2;
	u64 cr8;
	u64 dr[4], dr6, dr7;	/* MOV DR is emulated on these */

	/* The last exit. */
	u32 exit_reason;
	u64 exit_qual;
	u32 exit_intr_info;
	u32 exit_insn_len;
	bool entry_failed;	/* VMfail: @exit_reason is the insn error */

	struct vmx_event event;	/* next entry's injection */
};

/* A decoded I/O-instruction exit qualification (SDM Vol. 3C Table 28-5). */
struct vmx_io_qual {
	u16 port;
	u8 size;		/* bytes: 1, 2 or 4 */
	bool in;
	bool string;
	bool rep;
};

/* A decoded control-register access qualification (SDM Vol. 3C Table 28-3). */
struct vmx_cr_qual {
	u8 cr;
	u8 type;		/* 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
	u8 reg;			/* general-purpose register, MVM_RAX order */
};

static inline struct vmx_vcpu *to_vmx(struct mvm_vcpu *vcpu)
{
	return vcpu->arch;
}

/* vmx.c */
const char *vmx_check_caps(const struct vmx_cap_msrs *m, struct mvm_caps *caps);

/* vmcs.c */
const char *vmx_setup_config(u32 revision);
void vmx_percpu_init(void);
void vmx_clear_loaded_vmcss(void);
bool vmx_vmcs_is_current(struct vmx_vcpu *vmx);
int vmx_vcpu_create(struct mvm_vcpu *vcpu);
void vmx_vcpu_free(struct mvm_vcpu *vcpu);
void vmx_vcpu_load(struct mvm_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct mvm_vcpu *vcpu);
void vmx_refresh_host_state(struct vmx_vcpu *vmx);
void vmx_flush_tlb(struct vmx_vcpu *vmx);
void vmx_set_soft_msr(struct vmx_vcpu *vmx, enum vmx_soft_msr i, u64 data);

/* exit.c */
void vmx_vcpu_enter(struct mvm_vcpu *vcpu);
int vmx_handle_exit(struct mvm_vcpu *vcpu);
int vmx_skip_instruction(struct mvm_vcpu *vcpu);
void vmx_single_step(struct mvm_vcpu *vcpu);
void vmx_queue_exception(struct mvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error_code);
bool vmx_event_queued(struct mvm_vcpu *vcpu);
bool vmx_interrupt_allowed(struct mvm_vcpu *vcpu);
bool vmx_nmi_allowed(struct mvm_vcpu *vcpu);
void vmx_inject_irq(struct mvm_vcpu *vcpu, u8 vector);
void vmx_inject_nmi(struct mvm_vcpu *vcpu);
void vmx_enable_irq_window(struct mvm_vcpu *vcpu, bool on);
void vmx_enable_nmi_window(struct mvm_vcpu *vcpu, bool on);
void vmx_sync_tpr(struct mvm_vcpu *vcpu, u8 tpr, bool tpr_blocks);
void vmx_get_events(struct mvm_vcpu *vcpu, struct minivmm_vcpu_events *ev);
void vmx_set_events(struct mvm_vcpu *vcpu,
		    const struct minivmm_vcpu_events *ev);

/* regs.c */
void vmx_get_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs);
int vmx_set_sregs(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs);
int vmx_get_msr(struct mvm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct mvm_vcpu *vcpu, u32 index, u64 data);
u64 vmx_get_cr0(struct vmx_vcpu *vmx);
int vmx_set_cr0(struct vmx_vcpu *vmx, u64 cr0);
int vmx_set_cr4(struct vmx_vcpu *vmx, u64 cr4);
void vmx_sync_long_mode(struct vmx_vcpu *vmx);
void vmx_reset_regs(struct vmx_vcpu *vmx);

/* spec.c */
int vmx_l1d_setup(void);
void vmx_l1d_teardown(void);
bool vmx_exit_keeps_l1d(u16 basic_reason);
void vmx_l1d_flush(struct vmx_vcpu *vmx);
int vmx_show_mitigations(char *buf, int at);

/* vmenter.S */
bool __vmx_vcpu_run(struct vmx_vcpu *vmx, u64 *regs, bool launched);
void vmx_do_nmi_irqoff(void);
unsigned long vmx_host_nmi_entry(void);
void vmx_update_host_rsp(struct vmx_vcpu *vmx, unsigned long host_rsp);
void vmx_vmexit(void);			/* HOST_RIP, not a function */

/*
 * Pure helpers the KUnit tests reach (static without KUnit,
 * kunit_compat.h); tests/vmx_kunit.c.
 */
#if IS_ENABLED(CONFIG_KUNIT)
bool vmx_fit_ctl(u32 need, u32 want, u64 cap, u32 *out);
u32 vmx_ctl_msr(u64 basic, u32 msr, u32 true_msr);
void vmx_setup_msr_bitmap(u8 *bitmap);
void vmx_seg_from_ar(u32 ar, struct minivmm_segment *seg);
u32 vmx_seg_ar(const struct minivmm_segment *seg);
bool vmx_cr0_valid(u64 cr0);
bool vmx_cr4_valid(u64 cr4);
void vmx_decode_cr_qual(u64 qual, struct vmx_cr_qual *q);
void vmx_decode_io_qual(u64 qual, struct vmx_io_qual *q);
void vmx_decode_ept_qual(u64 qual, struct mvm_gpa_fault *f);
enum vmx_l1d_flush_state vmx_l1d_flush_mode(bool l1tf_bug, u64 arch_caps,
					    enum l1tf_mitigations host);
#endif

/* ept.c */
extern const struct mvm_pt_fmt vmx_ept_fmt;

#endif /* MINIVMM_VMX_H */
