// SPDX-License-Identifier: GPL-2.0
/*
 * The guest state a VMCB holds (AMD APM Vol. 2 15.5, Appendix B "Layout
 * of VMCB"): its reset state, the intercepts and permission maps that
 * decide what exits, and the conversions behind MINIVMM_GET/SET_SREGS and
 * the MSRs that live in the VMCB.  Mirrors vmx/vmcs.c.
 *
 * Every value written here comes from minivmm or from userspace and is
 * checked first: nothing userspace hands in is copied into the VMCB
 * unvalidated (HARDENING rows 2 and 4).
 */
#include <linux/bits.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/processor-flags.h>
#include <asm/svm.h>
#include <asm/tsc.h>

#include "../kunit_compat.h"
#include "svm.h"

/* Segment attributes in the VMCB's compressed form (APM 15.5.1). */
#define SEG_ATTR(type, s, dpl, p, db, g)				\
	((type) | ((s) << SVM_SELECTOR_S_SHIFT) |			\
	 ((dpl) << SVM_SELECTOR_DPL_SHIFT) | ((p) << SVM_SELECTOR_P_SHIFT) | \
	 ((db) << SVM_SELECTOR_DB_SHIFT) | ((g) << SVM_SELECTOR_G_SHIFT))

/* The guest PAT at power-on (APM Vol. 2 7.8.2): WB WT UC- UC, twice. */
#define SVM_PAT_DEFAULT		0x0007040600070406ULL

#define DR6_RESET		0xffff0ff0ULL
#define DR7_RESET		0x400ULL

static void svm_set_intercept(struct vmcb_control_area *c, u32 bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

/*
 * What exits (APM 15.9 "Instruction Intercepts", 15.12 "Exception
 * Intercepts"), and why:
 * - SHUTDOWN always: without it a guest triple fault shuts down the
 *   physical CPU (APM 15.9.1; HARDENING row 3);
 * - INTR, NMI, SMI: the host's interrupts must reach the host;
 * - CPUID, HLT, XSETBV, port I/O (every port, IOPM all ones) and MSRs
 *   (MSRPM): emulated or handed to userspace;
 * - INVD: it would throw away dirty lines the host owns; WBINVD: a
 *   cache-wide flush the guest has no need for; both become no-ops;
 * - RDPMC: minivmm has no virtual PMU, and the host's counters are not
 *   the guest's to read: #GP, as on a CPU without the counter;
 * - the SVM instructions, MONITOR/MWAIT, RSM, RDPRU: not offered to the
 *   guest, #UD (VMRUN's intercept is also required by VMRUN itself,
 *   APM 15.5.1);
 * - TASK_SWITCH: not emulated, so it becomes an internal error rather
 *   than something the hardware does half of;
 * - every MOV DR: the guest's debug registers are software only;
 * - #AC and #DB: a guest could otherwise loop the CPU in microcode on
 *   them (CVE-2015-5307, CVE-2015-8104); both are reinjected.  #MC: the
 *   host handles machine checks.
 */
static void svm_init_intercepts(struct vmcb_control_area *c)
{
	static const u32 bits[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI,
		INTERCEPT_CPUID, INTERCEPT_RSM, INTERCEPT_INVD,
		INTERCEPT_HLT, INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT,
		INTERCEPT_MSR_PROT, INTERCEPT_TASK_SWITCH, INTERCEPT_SHUTDOWN,
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
		INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI,
		INTERCEPT_SKINIT, INTERCEPT_WBINVD, INTERCEPT_MONITOR,
		INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND, INTERCEPT_XSETBV,
		INTERCEPT_RDPRU, INTERCEPT_RDPMC,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		svm_set_intercept(c, bits[i]);
	for (i = 0; i < 8; i++) {
		svm_set_intercept(c, INTERCEPT_DR0_READ + i);
		svm_set_intercept(c, INTERCEPT_DR0_WRITE + i);
	}
	svm_set_intercept(c, INTERCEPT_EXCEPTION_OFFSET + DB_VECTOR);
	svm_set_intercept(c, INTERCEPT_EXCEPTION_OFFSET + AC_VECTOR);
	svm_set_intercept(c, INTERCEPT_EXCEPTION_OFFSET + MC_VECTOR);
}

/*
 * MSRs the guest reads and writes without an exit.  Each is part of the
 * VMLOAD/VMSAVE set (APM 15.5.2), so the guest's value is in the hardware
 * only while the guest runs: vmenter.S VMSAVEs it into the VMCB after the
 * exit and VMLOADs the host's, so the host never runs with a guest value.
 * A value the hardware refuses (a non-canonical base) faults in the guest
 * at its own WRMSR.  A 64-bit guest kernel writes several of them on every
 * context switch, so an exit for each would cost dearly.
 */
static const u32 svm_msr_passthrough[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/*
 * The MSR permission map (APM 15.11): three 2 KiB blocks for MSRs
 * 0-0x1fff, 0xc0000000-0xc0001fff and 0xc0010000-0xc0011fff, two bits per
 * MSR (read, write); a set bit intercepts.  Everything not listed above
 * exits, including every MSR outside the three ranges.
 */
void svm_msrpm_init(void *msrpm)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	u8 *map = msrpm;
	u32 msr, bit;
	int i, j;

	memset(map, 0xff, 2 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(svm_msr_passthrough); i++) {
		msr = svm_msr_passthrough[i];
		for (j = 0; j < ARRAY_SIZE(base); j++) {
			if (msr - base[j] >= 0x2000)
				continue;
			bit = j * 0x800 * 8 + (msr - base[j]) * 2;
			map[bit / 8] &= ~(3 << (bit % 8));
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(svm_msrpm_init);

static void svm_seg_init(struct vmcb_seg *seg, u16 attrib)
{
	seg->selector = 0;
	seg->attrib = attrib;
	seg->limit = 0xffff;
	seg->base = 0;
}

/*
 * The vCPU's power-on state, KVM's and the hardware's (APM Vol. 2 14.1.3
 * "Processor Initialization State"): real mode, CS 0xf000 based at
 * 0xffff0000, RIP 0xfff0, CR0 0x60000010, EFER 0.  The guest's EFER.SVME
 * is set in the VMCB as VMRUN requires (APM 15.5.1) and hidden from the
 * guest by get_msr/get_sregs.  Also called to rebuild the VMCB after a
 * SHUTDOWN intercept, after which its contents are undefined (APM
 * 15.9.1); the GPRs, RIP and RFLAGS are not touched then.
 */
void svm_vmcb_reset(struct mvm_vcpu *vcpu, u64 iopm_pa, u64 msrpm_pa)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_control_area *c = &vmcb->control;
	struct vmcb_save_area *s = &vmcb->save;

	memset(vmcb, 0, PAGE_SIZE);

	svm_init_intercepts(c);
	c->iopm_base_pa = iopm_pa;
	c->msrpm_base_pa = msrpm_pa;
	/* Guest TSC starts near 0, as KVM's does. */
	c->tsc_offset = READ_ONCE(vcpu->vm->tsc_offset);
	/* Guest EFLAGS.IF masks only virtual interrupts (APM 15.21.1). */
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = mvm_pt_root_pa(&vcpu->vm->pt);
	/* A fresh VMCB must not trust anything cached. */
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	/* Force a new ASID, and so a clean TLB, at the next entry. */
	svm->asid_cpu = -1;

	svm_seg_init(&s->cs, SEG_ATTR(0xb, 1, 0, 1, 0, 0));
	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	svm_seg_init(&s->ds, SEG_ATTR(3, 1, 0, 1, 0, 0));
	svm_seg_init(&s->es, SEG_ATTR(3, 1, 0, 1, 0, 0));
	svm_seg_init(&s->ss, SEG_ATTR(3, 1, 0, 1, 0, 0));
	svm_seg_init(&s->fs, SEG_ATTR(3, 1, 0, 1, 0, 0));
	svm_seg_init(&s->gs, SEG_ATTR(3, 1, 0, 1, 0, 0));
	svm_seg_init(&s->ldtr, SEG_ATTR(2, 0, 0, 1, 0, 0));
	svm_seg_init(&s->tr, SEG_ATTR(3, 0, 0, 1, 0, 0));
	svm_seg_init(&s->gdtr, 0);
	svm_seg_init(&s->idtr, 0);
	s->cpl = 0;
	s->efer = EFER_SVME;
	s->cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = DR6_RESET;
	s->dr7 = DR7_RESET;
	s->g_pat = SVM_PAT_DEFAULT;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = 0xfff0;

	memset(svm->dr, 0, sizeof(svm->dr));
	svm->dr6 = DR6_RESET;
	svm->dr7 = DR7_RESET;
	svm->tsc_aux = 0;
	svm->spec_ctrl = 0;
	svm->pkru = 0;
	svm->shutdown = false;
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmcb_reset);

/* The guest runs 64-bit code: long mode active and CS.L (APM 4.8.1). */
bool svm_long_mode_code(struct vmcb *vmcb)
{
	return (vmcb->save.efer & EFER_LMA) &&
	       (vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK);
}

/* VMCB segment -> struct minivmm_segment, with KVM's corrections. */
static void svm_seg_get(const struct vmcb_seg *v, struct minivmm_segment *s,
			bool is_cs)
{
	u16 a = v->attrib;

	memset(s, 0, sizeof(*s));
	s->base = v->base;
	s->limit = v->limit;
	s->selector = v->selector;
	s->type = a & SVM_SELECTOR_TYPE_MASK;
	s->s = !!(a & SVM_SELECTOR_S_MASK);
	s->dpl = (a & SVM_SELECTOR_DPL_MASK) >> SVM_SELECTOR_DPL_SHIFT;
	s->present = !!(a & SVM_SELECTOR_P_MASK);
	s->avl = !!(a & SVM_SELECTOR_AVL_MASK);
	s->l = !!(a & SVM_SELECTOR_L_MASK);
	s->db = !!(a & SVM_SELECTOR_DB_MASK);
	s->g = !!(a & SVM_SELECTOR_G_MASK);
	/* SVM has no "unusable": a segment not present is. */
	s->unusable = !s->present;
	/* Some CPUs do not keep CS's G bit; the limit tells it. */
	if (is_cs)
		s->g = s->limit > 0xfffff;
}

static void svm_seg_set(struct vmcb_seg *v, const struct minivmm_segment *s)
{
	v->base = s->base;
	v->limit = s->limit;
	v->selector = s->selector;
	v->attrib = (s->type & SVM_SELECTOR_TYPE_MASK) |
		    ((s->s & 1) << SVM_SELECTOR_S_SHIFT) |
		    ((s->dpl & 3) << SVM_SELECTOR_DPL_SHIFT) |
		    ((s->present && !s->unusable) << SVM_SELECTOR_P_SHIFT) |
		    ((s->avl & 1) << SVM_SELECTOR_AVL_SHIFT) |
		    ((s->l & 1) << SVM_SELECTOR_L_SHIFT) |
		    ((s->db & 1) << SVM_SELECTOR_DB_SHIFT) |
		    ((s->g & 1) << SVM_SELECTOR_G_SHIFT);
}

void svm_get_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	memset(sregs, 0, sizeof(*sregs));
	svm_seg_get(&s->cs, &sregs->cs, true);
	svm_seg_get(&s->ds, &sregs->ds, false);
	svm_seg_get(&s->es, &sregs->es, false);
	svm_seg_get(&s->fs, &sregs->fs, false);
	svm_seg_get(&s->gs, &sregs->gs, false);
	svm_seg_get(&s->ss, &sregs->ss, false);
	svm_seg_get(&s->tr, &sregs->tr, false);
	svm_seg_get(&s->ldtr, &sregs->ldt, false);

	/*
	 * The hardware keeps data segments' accessed bit and TR's busy bit
	 * loosely; report them as a descriptor load leaves them.  SS's DPL
	 * is the CPL (APM 15.5.1), and its D bit means nothing once unusable.
	 */
	if (!sregs->ds.unusable)
		sregs->ds.type |= 1;
	if (!sregs->es.unusable)
		sregs->es.type |= 1;
	if (!sregs->fs.unusable)
		sregs->fs.type |= 1;
	if (!sregs->gs.unusable)
		sregs->gs.type |= 1;
	sregs->tr.type |= 2;
	sregs->ss.dpl = s->cpl;
	if (sregs->ss.unusable)
		sregs->ss.db = 0;

	sregs->gdt.base = s->gdtr.base;
	sregs->gdt.limit = s->gdtr.limit;
	sregs->idt.base = s->idtr.base;
	sregs->idt.limit = s->idtr.limit;

	sregs->cr0 = s->cr0;
	sregs->cr2 = s->cr2;
	sregs->cr3 = s->cr3;
	sregs->cr4 = s->cr4;
	sregs->cr8 = to_svm(vcpu)->vmcb->control.int_ctl & V_TPR_MASK;
	sregs->efer = s->efer & ~EFER_SVME;
	/* No local APIC is emulated; report the reset value (SDM 10.4.4). */
	sregs->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			   (vcpu->id == 0 ? MSR_IA32_APICBASE_BSP : 0);
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_sregs);

#define SVM_CR0_VALID	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | \
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | \
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)

/* CR4 bits the guest may have: the architectural ones the host has. */
static u64 svm_cr4_valid(void)
{
	u64 v = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_UMIP))
		v |= X86_CR4_UMIP;
	if (boot_cpu_has(X86_FEATURE_LA57))
		v |= X86_CR4_LA57;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		v |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_PCID))
		v |= X86_CR4_PCIDE;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		v |= X86_CR4_OSXSAVE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		v |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		v |= X86_CR4_SMAP;
	if (boot_cpu_has(X86_FEATURE_PKU))
		v |= X86_CR4_PKE;
	return v;
}

/* EFER bits the guest may have (APM Vol. 2 3.1.7); SVME stays hidden. */
static u64 svm_efer_valid(void)
{
	u64 v = EFER_SCE | EFER_LME | EFER_LMA;

	if (boot_cpu_has(X86_FEATURE_NX))
		v |= EFER_NX;
	if (boot_cpu_has(X86_FEATURE_FXSR_OPT))
		v |= EFER_FFXSR;
	return v;
}

/* Canonical for the guest's paging: 57 bits with CR4.LA57, else 48. */
static bool svm_canonical(u64 addr, u64 cr4)
{
	return __is_canonical_address(addr, (cr4 & X86_CR4_LA57) ? 57 : 48);
}

/*
 * The rules KVM's KVM_SET_SREGS applies, plus canonical bases: a state
 * the CPU would refuse at VMRUN because of these is refused here instead.
 * A combination the CPU alone checks (CS.L with CS.D in long mode, APM
 * 15.5.1) still reaches VMRUN and ends as FAIL_ENTRY, as in KVM.
 */
static int svm_check_sregs(const struct minivmm_sregs *r)
{
	const struct minivmm_segment *segs[] = {
		&r->cs, &r->ds, &r->es, &r->fs, &r->gs, &r->ss, &r->tr, &r->ldt,
	};
	int i;

	if (r->cr0 & ~SVM_CR0_VALID)
		return -EINVAL;
	if ((r->cr0 & X86_CR0_NW) && !(r->cr0 & X86_CR0_CD))
		return -EINVAL;
	if ((r->cr0 & X86_CR0_PG) && !(r->cr0 & X86_CR0_PE))
		return -EINVAL;
	if (r->cr4 & ~svm_cr4_valid())
		return -EINVAL;
	if (r->efer & ~svm_efer_valid())
		return -EINVAL;
	if (r->cr8 & ~(u64)V_TPR_MASK)
		return -EINVAL;

	if ((r->efer & EFER_LME) && (r->cr0 & X86_CR0_PG)) {
		if (!(r->cr4 & X86_CR4_PAE) || !(r->efer & EFER_LMA))
			return -EINVAL;
		if (r->cr3 >> boot_cpu_data.x86_phys_bits)
			return -EINVAL;
	} else if ((r->efer & EFER_LMA) || r->cs.l) {
		return -EINVAL;
	}

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (!svm_canonical(segs[i]->base, r->cr4))
			return -EINVAL;
	if (!svm_canonical(r->gdt.base, r->cr4) ||
	    !svm_canonical(r->idt.base, r->cr4))
		return -EINVAL;
	return 0;
}

int svm_set_sregs(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save_area *s = &vmcb->save;
	int r;

	r = svm_check_sregs(sregs);
	if (r)
		return r;

	svm_seg_set(&s->cs, &sregs->cs);
	svm_seg_set(&s->ds, &sregs->ds);
	svm_seg_set(&s->es, &sregs->es);
	svm_seg_set(&s->fs, &sregs->fs);
	svm_seg_set(&s->gs, &sregs->gs);
	svm_seg_set(&s->ss, &sregs->ss);
	svm_seg_set(&s->tr, &sregs->tr);
	svm_seg_set(&s->ldtr, &sregs->ldt);
	/* The CPL is SS.DPL (APM 15.5.1), 0 in real mode. */
	s->cpl = (sregs->cr0 & X86_CR0_PE) ? sregs->ss.dpl & 3 : 0;

	s->gdtr.base = sregs->gdt.base;
	s->gdtr.limit = sregs->gdt.limit;
	s->idtr.base = sregs->idt.base;
	s->idtr.limit = sregs->idt.limit;

	s->cr0 = sregs->cr0;
	s->cr2 = sregs->cr2;
	s->cr3 = sregs->cr3;
	s->cr4 = sregs->cr4;
	s->efer = sregs->efer | EFER_SVME;
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) |
				sregs->cr8;
	/* New paging roots: drop the guest's cached translations. */
	svm_request_tlb_flush(svm, TLB_CONTROL_FLUSH_ASID);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_set_sregs);

/* Each byte a memory type: UC, WC, WT, WP, WB or UC- (APM Vol. 2 7.8.1). */
static bool svm_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/* SPEC_CTRL bits the host has (IBRS, STIBP, SSBD). */
static u64 svm_spec_ctrl_valid(void)
{
	u64 v = 0;

	if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		return 0;
	if (boot_cpu_has(X86_FEATURE_IBRS) || boot_cpu_has(X86_FEATURE_AMD_IBRS))
		v |= SPEC_CTRL_IBRS;
	if (boot_cpu_has(X86_FEATURE_STIBP) ||
	    boot_cpu_has(X86_FEATURE_AMD_STIBP))
		v |= SPEC_CTRL_STIBP;
	if (boot_cpu_has(X86_FEATURE_SPEC_CTRL_SSBD) ||
	    boot_cpu_has(X86_FEATURE_AMD_SSBD))
		v |= SPEC_CTRL_SSBD;
	return v;
}

/* Returns a pointer to the VMCB field of an address-valued MSR, or NULL. */
static u64 *svm_msr_addr_field(struct vmcb_save_area *s, u32 index)
{
	switch (index) {
	case MSR_FS_BASE:		return &s->fs.base;
	case MSR_GS_BASE:		return &s->gs.base;
	case MSR_KERNEL_GS_BASE:	return &s->kernel_gs_base;
	case MSR_LSTAR:			return &s->lstar;
	case MSR_CSTAR:			return &s->cstar;
	case MSR_IA32_SYSENTER_ESP:	return &s->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:	return &s->sysenter_eip;
	}
	return NULL;
}

int svm_get_msr(struct mvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save_area *s = &vmcb->save;
	u64 *field = svm_msr_addr_field(s, index);

	if (field) {
		*data = *field;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*data = s->efer & ~EFER_SVME;
		return 0;
	case MSR_STAR:
		*data = s->star;
		return 0;
	case MSR_SYSCALL_MASK:
		*data = s->sfmask;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = s->sysenter_cs;
		return 0;
	case MSR_IA32_CR_PAT:
		*data = s->g_pat;
		return 0;
	case MSR_TSC_AUX:
		if (!svm_has_tsc_aux())
			return 1;
		*data = svm->tsc_aux;
		return 0;
	case MSR_IA32_SPEC_CTRL:
		if (!svm_spec_ctrl_valid())
			return 1;
		*data = svm->spec_ctrl;
		return 0;
	}
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_msr);

int svm_set_msr(struct mvm_vcpu *vcpu, u32 index, u64 data)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save_area *s = &vmcb->save;
	u64 *field = svm_msr_addr_field(s, index);

	if (field) {
		/* A non-canonical base would fault the host (CVE-2014-3610). */
		if (!svm_canonical(data, s->cr4))
			return -EINVAL;
		*field = data;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		if (data & ~svm_efer_valid())
			return -EINVAL;
		/* LME cannot change with paging on (APM Vol. 2 14.6.1). */
		if ((s->cr0 & X86_CR0_PG) &&
		    ((data ^ s->efer) & EFER_LME))
			return -EINVAL;
		/* LMA is the CPU's to set; VMRUN needs SVME (APM 15.5.1). */
		s->efer = (data & ~EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_STAR:
		s->star = data;
		return 0;
	case MSR_SYSCALL_MASK:
		if (data >> 32)
			return -EINVAL;
		s->sfmask = data;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		s->sysenter_cs = data & 0xffff;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!svm_pat_valid(data))
			return -EINVAL;
		s->g_pat = data;
		return 0;
	case MSR_TSC_AUX:
		if (!svm_has_tsc_aux())
			return 1;
		if (data >> 32)
			return -EINVAL;
		svm->tsc_aux = data;
		return 0;
	case MSR_IA32_SPEC_CTRL:
		if (!svm_spec_ctrl_valid())
			return 1;
		if (data & ~svm_spec_ctrl_valid())
			return -EINVAL;
		svm->spec_ctrl = data;
		return 0;
	}
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(svm_set_msr);
