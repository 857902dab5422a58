// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD SVM backend: deciding whether SVM is usable, turning it on and
 * off on a CPU, ASIDs, and the vCPU's life: create, load, enter, free.
 * Mirrors vmx/vmx.c.  The VMCB's guest state is vmcb.c's, exits are
 * exit.c's, the world switch is vmenter.S.
 *
 * minivmm requires nested paging (NPT) and at least one ASID besides the
 * host's.  It does not require NRIPS (next-RIP save): QEMU's emulated SVM
 * lacks it, so the exit handlers find instruction lengths themselves when
 * the CPU does not report them.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/io.h>
#include <asm/traps.h>
#include <asm/cpufeatures.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/svm.h>

#include <linux/minivmm.h>

#include "../kunit_compat.h"
#include "svm.h"
#include "svm_ops.h"

/* CPUID Fn8000_000A_EDX feature bits (AMD APM Vol. 3, E.4.10). */
#define SVM_CPUID_NP		BIT(0)
#define SVM_CPUID_NRIPS		BIT(3)

/* CPUID Fn8000_000A_EDX of the boot CPU, for the optional features. */
u32 svm_features;
/* Guest ASIDs are 1..svm_max_asid (0 is the host's, APM Vol. 2 15.16). */
static u32 svm_max_asid;

/*
 * Decide from CPUID and VM_CR whether minivmm can use SVM on this CPU.
 * Returns NULL and fills @caps, or a sentence saying what is missing.
 * A pure function of @r so that tests can feed it fabricated values.
 */
const char *svm_check_caps(const struct svm_cap_regs *r, struct mvm_caps *caps)
{
	/* APM Vol. 2 15.30.1: VM_CR.SVMDIS makes EFER.SVME reserved. */
	if (r->vm_cr & SVM_VM_CR_SVM_DIS_MASK)
		return "SVM is disabled by the firmware (VM_CR.SVMDIS; enable SVM/AMD-V in the firmware setup)";
	if (!(r->features & SVM_CPUID_NP))
		return "SVM has no nested paging (NPT)";
	/* ASID 0 is the host's (APM Vol. 2 15.16). */
	if (r->nasid < 2)
		return "SVM has no ASID for guests";

	caps->nested_paging = true;
	caps->tagged_tlb = true;
	/* With NPT the guest may run with paging off (APM Vol. 2 15.25). */
	caps->unrestricted_guest = true;
	caps->next_rip = r->features & SVM_CPUID_NRIPS;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(svm_check_caps);

/*
 * ASIDs (APM Vol. 2 15.16 "TLB Control"): the TLB tags guest translations
 * with the ASID of the VMCB that made them, so each vCPU needs an ASID of
 * its own on the CPU it runs on.  Each CPU hands them out in generations:
 * a vCPU keeps its ASID while it stays on the CPU and the generation does
 * not change; when the CPU runs out, the generation moves on, every ASID
 * is flushed at once (TLB_CONTROL_FLUSH_ALL_ASID) and numbering restarts,
 * so an ASID is never reused without a flush in between.
 */
struct svm_cpu {
	u64 asid_generation;
	u32 next_asid;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpu);

/*
 * SVM was just enabled on this CPU.  Another hypervisor may have used it
 * while minivmm had SVM off, leaving its translations under ASIDs minivmm
 * will hand out: start a new generation whose first ASID flushes them all.
 * Interrupts are off (cpu_enable context).
 */
static void svm_asid_cpu_reset(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu);

	sd->asid_generation++;
	sd->next_asid = svm_max_asid + 1;
}

/* Ask for a TLB flush at the next VMRUN; a flush of all ASIDs wins. */
void svm_request_tlb_flush(struct svm_vcpu *svm, u8 tlb_ctl)
{
	struct vmcb_control_area *c = &svm->vmcb->control;

	/* Without FlushByAsid only "all" is defined (APM 15.16.1). */
	if (!(svm_features & SVM_FEATURE_FLUSHBYASID))
		tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	if (c->tlb_ctl == TLB_CONTROL_DO_NOTHING ||
	    tlb_ctl == TLB_CONTROL_FLUSH_ALL_ASID)
		c->tlb_ctl = tlb_ctl;
}

static void svm_new_asid(struct svm_vcpu *svm, struct svm_cpu *sd, int cpu)
{
	/* 0: SVM never came on here through svm_cpu_enable(); be safe. */
	if (sd->next_asid > svm_max_asid || !sd->next_asid) {
		sd->asid_generation++;
		sd->next_asid = 1;
		svm_request_tlb_flush(svm, TLB_CONTROL_FLUSH_ALL_ASID);
	}
	svm->asid = sd->next_asid++;
	svm->asid_cpu = cpu;
	svm->asid_generation = sd->asid_generation;
}

/*
 * What every vCPU shares, allocated with the first vCPU and freed with the
 * last, under svm_shared_lock:
 *
 * - the I/O permission map, all ones: every port exits (APM 15.10.1; 12
 *   KiB, the last byte covers accesses that wrap past port 0xffff);
 * - the MSR permission map, all ones but for the pass-through list in
 *   vmcb.c (APM 15.11; 8 KiB);
 * - per CPU, a page for the host's VMSAVE set (vmenter.S).  minivmm keeps
 *   it apart from the host save area at VM_HSAVE_PA, whose format is the
 *   CPU's own business (APM 15.30.4).
 *
 * The maps are written once, before any VMCB points at them, and only
 * read by the hardware after that.
 */
static DEFINE_MUTEX(svm_shared_lock);
static unsigned int svm_shared_users;
static struct page *svm_iopm;
static struct page *svm_msrpm;
static DEFINE_PER_CPU(struct page *, svm_host_save);

#define SVM_IOPM_ORDER		2	/* 12 KiB used */
#define SVM_IOPM_SIZE		(3 * PAGE_SIZE)
#define SVM_MSRPM_ORDER		1
#define SVM_MSRPM_SIZE		(2 * PAGE_SIZE)

static void svm_shared_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(svm_host_save, cpu))
			__free_page(per_cpu(svm_host_save, cpu));
		per_cpu(svm_host_save, cpu) = NULL;
	}
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	svm_msrpm = NULL;
	svm_iopm = NULL;
}

static int svm_shared_get(void)
{
	struct page *page;
	int cpu, r = 0;

	mutex_lock(&svm_shared_lock);
	if (svm_shared_users++)
		goto out;

	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm)
		goto err_free;
	memset(page_address(svm_iopm), 0xff, SVM_IOPM_SIZE);
	svm_msrpm_init(page_address(svm_msrpm));

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page)
			goto err_free;
		per_cpu(svm_host_save, cpu) = page;
	}
	goto out;

err_free:
	svm_shared_free();
	svm_shared_users--;
	r = -ENOMEM;
out:
	mutex_unlock(&svm_shared_lock);
	return r;
}

static void svm_shared_put(void)
{
	mutex_lock(&svm_shared_lock);
	if (!--svm_shared_users)
		svm_shared_free();
	mutex_unlock(&svm_shared_lock);
}

static bool svm_cpu_hw_on(void)
{
	return svm_efer_svme();
}

/*
 * @area becomes this CPU's host save area, where VMRUN keeps host state
 * (APM Vol. 2 15.30.4).
 *
 * EFER.SVME already set means another hypervisor (KVM, VirtualBox) is
 * using SVM on this CPU and owns VM_HSAVE_PA: leave both alone.
 */
static int svm_cpu_enable(struct page *area)
{
	if (svm_efer_svme())
		return -EBUSY;
	svm_on(page_to_phys(area));
	svm_asid_cpu_reset();
	return 0;
}

static void svm_cpu_disable(void)
{
	svm_off();
}

/*
 * The VMCB in its reset state, with the host-wide I/O and MSR permission
 * maps: at creation, and after a SHUTDOWN left the VMCB undefined (APM
 * Vol. 2 15.9.1), when nothing in it, the maps' addresses included, may be
 * read back.
 */
void svm_vcpu_reset(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm_vmcb_reset(vcpu, page_to_phys(svm_iopm), page_to_phys(svm_msrpm));
	svm->nmi_masked = false;
	svm->awaiting_iret = false;
	svm->shadow_rip = ~0ULL;
	svm->hold_window = false;
}

static int svm_vcpu_create(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm;
	struct page *page;
	int r;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		r = -ENOMEM;
		goto err_free_svm;
	}
	r = svm_shared_get();
	if (r)
		goto err_free_vmcb;

	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->asid_cpu = -1;
	vcpu->arch = svm;
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	svm_vcpu_reset(vcpu);
	return 0;

err_free_vmcb:
	__free_page(page);
err_free_svm:
	kfree(svm);
	return r;
}

static void svm_vcpu_free(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (!svm)
		return;
	__free_page(virt_to_page(svm->vmcb));
	kfree(svm);
	vcpu->arch = NULL;
	svm_shared_put();
}

/*
 * Unlike a VMCS, a VMCB needs no loading: it is named by its address at
 * VMRUN.  What is per CPU is the ASID (checked at entry) and the host's
 * TSC_AUX, which Linux sets per CPU (the CPU number RDTSCP/RDPID give).
 */
static void svm_vcpu_load(struct mvm_vcpu *vcpu, int cpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (svm_has_tsc_aux())
		rdmsrl(MSR_TSC_AUX, svm->host_tsc_aux);
}

static void svm_vcpu_put(struct mvm_vcpu *vcpu)
{
}

/*
 * One VMRUN (APM Vol. 2 15.5).  Interrupts and preemption are off.
 *
 * RFLAGS.IF is set around VMRUN while GIF is clear: with V_INTR_MASKING
 * the host's IF at VMRUN decides whether physical interrupts reach the
 * host (and make the guest exit) while the guest runs (APM 15.21.1), and
 * GIF=0 keeps them from being taken here before the world switch.
 */
static void svm_vcpu_enter(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu);
	int cpu = smp_processor_id();
	bool switch_tsc_aux;
	u32 host_pkru = 0;
	u64 tlb_gen;

	BUILD_BUG_ON(MVM_RCX != 1 || MVM_RDI != 7 || MVM_R15 != 15);

	if (svm->asid_cpu != cpu || svm->asid_generation != sd->asid_generation)
		svm_new_asid(svm, sd, cpu);
	vmcb->control.asid = svm->asid;

	/* Pairs with the unmap's generation bump and kick (vcpu.c). */
	tlb_gen = READ_ONCE(vcpu->vm->tlb_gen);
	if (vcpu->tlb_gen != tlb_gen) {
		svm_request_tlb_flush(svm, TLB_CONTROL_FLUSH_ASID);
		vcpu->tlb_gen = tlb_gen;
	}

	vmcb->save.rax = vcpu->regs[MVM_RAX];
	vmcb->save.rsp = vcpu->regs[MVM_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	/* Nothing is cached across VMRUNs (APM 15.15 "VMCB State Caching"). */
	vmcb->control.clean = 0;
	/* The VM's, which a guest's WRMSR to IA32_TSC moves (msr.c). */
	vmcb->control.tsc_offset = READ_ONCE(vcpu->vm->tsc_offset);
	if (boot_cpu_has(X86_FEATURE_V_SPEC_CTRL))
		vmcb->save.spec_ctrl = svm->spec_ctrl;

	switch_tsc_aux = svm_has_tsc_aux() &&
			 svm->tsc_aux != svm->host_tsc_aux;

	svm_clgi();
	mvm_load_guest_xcr0(vcpu, vmcb->save.cr4);
	if (switch_tsc_aux)
		wrmsrl(MSR_TSC_AUX, svm->tsc_aux);
	/*
	 * PKRU: a guest may turn CR4.PKE on and WRPKRU without an exit,
	 * whatever its CPUID says, so the host's value is put back after.
	 */
	if (cpu_feature_enabled(X86_FEATURE_OSPKE)) {
		host_pkru = rdpkru();
		if ((vmcb->save.cr4 & X86_CR4_PKE) && svm->pkru != host_pkru)
			wrpkru(svm->pkru);
	}
	/* Zen1 can leak a host division's quotient to the guest. */
	amd_clear_divider();

	/*
	 * If VMRUN faults instead (EFER.SVME cleared under us by the reboot
	 * path), nothing writes the exit code: without this the previous
	 * exit would be handled again, forever.  VMEXIT_INVALID ends the RUN
	 * with FAIL_ENTRY instead (svm_handle_exit).
	 */
	vmcb->control.exit_code = (u32)SVM_EXIT_ERR;
	vmcb->control.exit_code_hi = ~0U;
	vmcb->control.exit_int_info = 0;

	raw_local_irq_enable();
	__svm_vcpu_run(vcpu->regs, svm->vmcb_pa,
		       page_to_phys(this_cpu_read(svm_host_save)),
		       svm->spec_ctrl);
	raw_local_irq_disable();

	if (cpu_feature_enabled(X86_FEATURE_OSPKE)) {
		if (vmcb->save.cr4 & X86_CR4_PKE)
			svm->pkru = rdpkru();
		if (rdpkru() != host_pkru)
			wrpkru(host_pkru);
	}
	if (switch_tsc_aux)
		wrmsrl(MSR_TSC_AUX, svm->host_tsc_aux);
	mvm_load_host_xcr0(vcpu, vmcb->save.cr4);
	/* #VMEXIT leaves DR7 with every breakpoint off (APM 15.6). */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	/* A host NMI that made the guest exit is taken here. */
	svm_stgi();
	/* An intercepted #MC never reached the host's handler (APM 15.12). */
	if (unlikely(vmcb->control.exit_code == SVM_EXIT_EXCP_BASE + MC_VECTOR))
		mvm_host_machine_check();

	vcpu->regs[MVM_RAX] = vmcb->save.rax;
	vcpu->regs[MVM_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;

	svm_complete_interrupts(vcpu);
}

static struct mvm_vendor_ops svm_ops = {
	.name			= "AMD SVM",
	.vendor			= MINIVMM_VENDOR_AMD_SVM,
	.holder_hint		= "kvm_amd",
	.pt_fmt			= &svm_npt_fmt,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.cpu_hw_on		= svm_cpu_hw_on,

	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_load		= svm_vcpu_load,
	.vcpu_put		= svm_vcpu_put,
	.vcpu_enter		= svm_vcpu_enter,
	.handle_exit		= svm_handle_exit,
	.skip_instruction	= svm_skip_instruction,
	.queue_exception	= svm_queue_exception,
	.single_step		= svm_single_step,
	.get_sregs		= svm_get_sregs,
	.set_sregs		= svm_set_sregs,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr,
	.show_mitigations	= svm_show_mitigations,
	.event_queued		= svm_event_queued,
	.interrupt_allowed	= svm_interrupt_allowed,
	.nmi_allowed		= svm_nmi_allowed,
	.inject_irq		= svm_inject_irq,
	.inject_nmi		= svm_inject_nmi,
	.enable_irq_window	= svm_enable_irq_window,
	.enable_nmi_window	= svm_enable_nmi_window,
	.sync_tpr		= svm_sync_tpr,
	.get_events		= svm_get_events,
	.set_events		= svm_set_events,
};

const struct mvm_vendor_ops *svm_probe(const char **why)
{
	struct svm_cap_regs r = {};

	/* CPUID Fn8000_0001_ECX[SVM] (APM Vol. 3, E.4.2). */
	if (cpuid_eax(0x80000000) < 0x8000000a ||
	    !(cpuid_ecx(0x80000001) & BIT(X86_FEATURE_SVM & 31)))
		return NULL;

	if (rdmsrl_safe(MSR_VM_CR, &r.vm_cr)) {
		*why = "the SVM VM_CR MSR cannot be read";
		return NULL;
	}
	r.nasid = cpuid_ebx(0x8000000a);
	r.features = cpuid_edx(0x8000000a);

	*why = svm_check_caps(&r, &svm_ops.caps);
	if (*why)
		return NULL;
	/*
	 * With SME active, every physical address the CPU is given (host
	 * save area, VMCB, permission maps, nCR3, NPT entries) would need the
	 * encryption bit (APM Vol. 2 7.10); minivmm sets it nowhere.
	 */
	if (sme_me_mask) {
		*why = "host memory encryption (AMD SME) is active, which minivmm does not support; boot the host with mem_encrypt=off to use it";
		return NULL;
	}
	svm_features = r.features;
	svm_max_asid = r.nasid - 1;
	return &svm_ops;
}
