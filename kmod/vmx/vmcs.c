// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCS of a vCPU: which controls it runs with, the host state it
 * returns to, its reset state, and where it is loaded.
 *
 * A VMCS is "active" on at most one CPU at a time, and the CPU may cache it
 * until VMCLEAR writes it back (Intel SDM Vol. 3C 25.1, 25.11.1).  So a
 * vCPU that moves to another CPU is first VMCLEARed on the old one (an IPI),
 * and every CPU keeps a list of the VMCSs it may cache,
 * vmx_loaded_vmcss, so that turning VMX off on it (VMXOFF does not write
 * them back) VMCLEARs them first.  A per-CPU "current VMCS" pointer saves
 * the VMPTRLD when the same vCPU runs again on the same CPU.
 *
 * The hardware loads only part of the host state at VM exit (SDM Vol. 3C
 * 28.5).  What it does not touch and the guest may change (KERNEL_GS_BASE,
 * the SYSCALL MSRs) is switched here, in vcpu_load/vcpu_put, which the
 * preempt notifiers call whenever the vCPU thread leaves or regains its
 * CPU.  Host fields that can change while the VMCS is loaded (CR3, CR4, the
 * FS base) are refreshed before every entry: caching CR4 at setup let a
 * guest run with a stale host CR4 in CVE-2014-3690.
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "../kunit_compat.h"
#include "vmx.h"
#include "vmx_ops.h"

struct vmx_config vmx_config;
EXPORT_SYMBOL_IF_KUNIT(vmx_config);

/* This CPU's current VMCS (SDM Vol. 3C 25.1), NULL if none or unknown. */
static DEFINE_PER_CPU(struct vmx_vcpu *, vmx_current_vmcs);
/* The VMCSs this CPU may hold in its VMCS cache (IRQs off to change). */
static DEFINE_PER_CPU(struct list_head, vmx_loaded_vmcss);

/*
 * VPIDs (SDM Vol. 3C 29.1): 16 bits, 0 is the host's.  One per vCPU, so
 * that a VM exit keeps the guest's TLB entries and the host's apart.  When
 * all 65,535 are taken, a vCPU runs with VPID off (its vpid field 0): every
 * entry and exit then flushes the linear mappings tagged 0 (SDM Vol. 3C
 * 29.4.3.1), slower but as safe, as KVM does.
 */
#define VMX_NR_VPIDS	(1 << 16)
static DECLARE_BITMAP(vmx_vpid_bitmap, VMX_NR_VPIDS);
static DEFINE_SPINLOCK(vmx_vpid_lock);

void vmx_insn_failed(const char *insn, unsigned long arg, bool fault)
{
	u32 err = 0;

	/*
	 * The VM-instruction error (SDM Vol. 3C 31.4) exists after a
	 * VMfailValid of VMWRITE.  Never for VMREAD: a VMREAD that fails here
	 * would come back to this function.
	 */
	if (!fault && !strcmp(insn, "vmwrite"))
		err = __vmcs_read(VM_INSTRUCTION_ERROR);
	pr_warn_ratelimited(MVM_NAME ": %s %#lx %s (VM-instruction error %u) on CPU %d\n",
			    insn, arg, fault ? "faulted" : "failed", err,
			    raw_smp_processor_id());
}

/*
 * Fit the control bits we want to the value @cap of a capability MSR
 * (SDM Vol. 3D A.3-A.5): bits set in its low half (allowed-0 settings)
 * must be 1, bits clear in its high half (allowed-1 settings) must be 0.
 * @need must all be allowed; @want are taken where allowed.  Returns
 * false if a needed bit is not allowed.
 */
VISIBLE_IF_KUNIT bool vmx_fit_ctl(u32 need, u32 want, u64 cap, u32 *out)
{
	u32 ctl = ((need | want) & (u32)(cap >> 32)) | (u32)cap;

	*out = ctl;
	return (ctl & need) == need;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_fit_ctl);

static bool vmx_adjust_ctl(u32 need, u32 want, u32 msr, u32 *out)
{
	u64 cap;

	if (rdmsrl_safe(msr, &cap))
		return false;
	return vmx_fit_ctl(need, want, cap, out);
}

/*
 * The capability MSR to fit a control against: with IA32_VMX_BASIC bit 55
 * the TRUE_* MSR, which lets the default-1 controls be 0 (SDM Vol. 3D A.2).
 */
VISIBLE_IF_KUNIT u32 vmx_ctl_msr(u64 basic, u32 msr, u32 true_msr)
{
	return basic & BIT_ULL(55) ? true_msr : msr;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_ctl_msr);

/*
 * The VMX-preemption timer (SDM Vol. 3C 26.5.1), where the CPU has it,
 * bounds every stay in the guest to about one scheduler tick.  The tick's
 * interrupt makes the guest exit anyway (external-interrupt exiting); the
 * timer is a backstop for when it does not.  One such case is Bochs 2.7, the
 * project's VMX test machine: entering a guest whose RFLAGS.IF is 0 from a
 * host with interrupts off leaves external interrupts masked there, so a
 * guest spinning with interrupts off would hold the CPU for good.  The timer
 * counts down at the TSC rate shifted right by IA32_VMX_MISC[4:0]
 * (SDM Vol. 3D A.6); without "save preemption timer value" every entry
 * starts it from the VMCS field afresh.
 */
static void vmx_setup_preemption_timer(struct vmx_config *c)
{
	u64 misc, ticks;

	c->preempt_timer = 0;
	if (!(c->pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		return;
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	ticks = tsc_khz ? (u64)tsc_khz * 1000 / HZ : 1ULL << 24;
	ticks >>= misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
	c->preempt_timer = clamp_val(ticks, 1, U32_MAX);
}

/*
 * Compute the controls every VMCS runs with.  What each buys:
 *
 * pin-based: external-interrupt exiting so the host keeps its interrupts
 * (taken when the run loop re-enables interrupts: "acknowledge interrupt on
 * exit" stays 0, the interrupt stays pending in the local APIC), NMI
 * exiting so host NMIs exit too and go to the host handler, and virtual
 * NMIs so the CPU tracks the guest's NMI blocking (SDM Vol. 3C 25.3)
 * and NMI-window exiting exists.
 *
 * primary: HLT exits (the in-kernel irqchip sleeps, or userspace
 * decides); interrupt- and NMI-window exiting must be allowed (inject.c
 * turns them on only while an event waits, SDM Vol. 3C 26.7.5); every I/O
 * instruction exits; MSR accesses go through the bitmap (vmx_setup_msr_bitmap);
 * MOV DR exits so the guest never reaches the host's debug registers;
 * CR8 loads and stores exit, because without a TPR shadow they would write
 * the host's local APIC TPR and could block host interrupts; RDPMC exits
 * (it would read host counters); MWAIT/MONITOR exit (they could park the
 * physical CPU); TSC offsetting gives the guest its own TSC.
 *
 * secondary: EPT, VPID, and unrestricted guest so guests start in real
 * mode with CR0.PE=PG=0 (SDM Vol. 3C 26.6); WBINVD exiting, so a guest
 * cannot flush the host's caches (exit.c).
 *
 * exit: 64-bit host; save/load EFER and PAT.  entry: load EFER, PAT and
 * the debug controls (DR7, DEBUGCTL), so the host's breakpoints never fire
 * in the guest; IA-32e mode guest is set per vCPU from EFER.LMA.
 *
 * With BASIC bit 55, the TRUE_* MSRs let the default-1 controls (CR3
 * load/store exiting and the like) be 0 (SDM Vol. 3D A.2).
 */
const char *vmx_setup_config(u32 revision)
{
	struct vmx_config *c = &vmx_config;
	u64 basic, ept_vpid, debugctl;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	c->revision = revision;

	if (!vmx_adjust_ctl(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
			    PIN_BASED_VIRTUAL_NMIS,
			    PIN_BASED_VMX_PREEMPTION_TIMER,
			    vmx_ctl_msr(basic, MSR_IA32_VMX_PINBASED_CTLS,
					MSR_IA32_VMX_TRUE_PINBASED_CTLS), &c->pin))
		return "VMX lacks external-interrupt exiting, NMI exiting or virtual NMIs";
	vmx_setup_preemption_timer(c);
	if (!vmx_adjust_ctl(CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			    CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_MOV_DR_EXITING |
			    CPU_BASED_CR8_LOAD_EXITING |
			    CPU_BASED_CR8_STORE_EXITING |
			    CPU_BASED_RDPMC_EXITING | CPU_BASED_MWAIT_EXITING |
			    CPU_BASED_MONITOR_EXITING |
			    CPU_BASED_USE_TSC_OFFSETTING |
			    CPU_BASED_INTR_WINDOW_EXITING |
			    CPU_BASED_NMI_WINDOW_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
			    vmx_ctl_msr(basic, MSR_IA32_VMX_PROCBASED_CTLS,
					MSR_IA32_VMX_TRUE_PROCBASED_CTLS), &c->proc))
		return "VMX lacks a required processor-based control";
	/* Allowed, and turned on per vCPU only when a window is wanted. */
	c->proc &= ~(CPU_BASED_INTR_WINDOW_EXITING |
		     CPU_BASED_NMI_WINDOW_EXITING);
	/* Forced-1 I/O bitmaps would need bitmap pages; refuse instead. */
	if (c->proc & (CPU_BASED_USE_IO_BITMAPS | CPU_BASED_TPR_SHADOW))
		return "VMX forces I/O bitmaps or a TPR shadow";
	if (!vmx_adjust_ctl(SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
			    SECONDARY_EXEC_UNRESTRICTED_GUEST |
			    SECONDARY_EXEC_WBINVD_EXITING, 0,
			    MSR_IA32_VMX_PROCBASED_CTLS2, &c->proc2))
		return "VMX lacks EPT, VPID, unrestricted guest or WBINVD exiting";
	if (!vmx_adjust_ctl(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
			    VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT |
			    VM_EXIT_LOAD_IA32_PAT, 0,
			    vmx_ctl_msr(basic, MSR_IA32_VMX_EXIT_CTLS,
					MSR_IA32_VMX_TRUE_EXIT_CTLS), &c->exit))
		return "VMX cannot switch EFER and PAT at VM exit";
	if (c->exit & VM_EXIT_ACK_INTR_ON_EXIT)
		return "VMX forces acknowledge-interrupt-on-exit";
	if (!vmx_adjust_ctl(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT |
			    VM_ENTRY_LOAD_DEBUG_CONTROLS, 0,
			    vmx_ctl_msr(basic, MSR_IA32_VMX_ENTRY_CTLS,
					MSR_IA32_VMX_TRUE_ENTRY_CTLS), &c->entry))
		return "VMX cannot load EFER and PAT at VM entry";
	/* Set per vCPU from the guest's EFER.LMA. */
	c->entry &= ~VM_ENTRY_IA32E_MODE;

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);

	c->has_debugctl = !rdmsrl_safe(MSR_IA32_DEBUGCTLMSR, &debugctl);
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, ept_vpid);
	c->invept_single = ept_vpid & VMX_EPT_EXTENT_CONTEXT_BIT;
	c->invvpid_single = (ept_vpid >> 32) & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT;
	return NULL;
}

void vmx_percpu_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(vmx_loaded_vmcss, cpu));
}

/* VMCLEAR @vmx on this CPU, where it is cached; interrupts off. */
static void __vmx_vmcs_clear(struct vmx_vcpu *vmx)
{
	vmx_vmclear(vmx->vmcs_pa);
	if (__this_cpu_read(vmx_current_vmcs) == vmx)
		__this_cpu_write(vmx_current_vmcs, NULL);
	list_del(&vmx->loaded_node);
	vmx->launched = false;
	/* Published last: another CPU may load it as soon as it sees -1. */
	smp_store_release(&vmx->cpu, -1);
}

static void vmx_vmcs_clear_ipi(void *arg)
{
	struct vmx_vcpu *vmx = arg;

	/* Already cleared by a cpu_disable that ran first. */
	if (vmx->cpu == raw_smp_processor_id())
		__vmx_vmcs_clear(vmx);
}

/* VMCLEAR @vmx wherever it is cached.  Process context, IRQs on. */
static void vmx_vmcs_clear(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	/* An offline CPU cleared its VMCSs before VMXOFF (cpu_disable). */
	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vmcs_clear_ipi, vmx, 1);
}

/*
 * hw.c's cpu_disable path, on the CPU going out of VMX operation with
 * interrupts off: VMXOFF leaves cached VMCSs unwritten (SDM Vol. 3C 25.11.1),
 * so write every one back first.  A later vcpu_load elsewhere sees cpu == -1.
 */
void vmx_clear_loaded_vmcss(void)
{
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&vmx_loaded_vmcss),
				 loaded_node)
		__vmx_vmcs_clear(vmx);
	__this_cpu_write(vmx_current_vmcs, NULL);
}

bool vmx_vmcs_is_current(struct vmx_vcpu *vmx)
{
	return __this_cpu_read(vmx_current_vmcs) == vmx;
}

/* Host state that differs per CPU (SDM Vol. 3C 25.5): at each CPU change. */
static void vmx_set_host_percpu(int cpu)
{
	struct desc_ptr dt;
	u64 v;

	vmcs_writel(HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	store_idt(&dt);
	vmcs_writel(HOST_IDTR_BASE, dt.address);
	vmcs_writel(HOST_GS_BASE, cpu_kernelmode_gs_base(cpu));
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, v);
}

/*
 * Make @vmx's VMCS current on this CPU, VMCLEARing it on the CPU it was
 * cached on first.  Preemption off, interrupts on (the IPI).
 */
static void vmx_vmcs_load(struct vmx_vcpu *vmx, int cpu)
{
	bool moved = vmx->cpu != cpu;
	unsigned long flags;

	if (moved) {
		vmx_vmcs_clear(vmx);
		local_irq_save(flags);
		list_add(&vmx->loaded_node, this_cpu_ptr(&vmx_loaded_vmcss));
		WRITE_ONCE(vmx->cpu, cpu);
		local_irq_restore(flags);
	}
	if (__this_cpu_read(vmx_current_vmcs) != vmx) {
		if (!vmx_vmptrld(vmx->vmcs_pa))
			__this_cpu_write(vmx_current_vmcs, vmx);
	}
	if (moved) {
		vmx_set_host_percpu(cpu);
		/* Old entries for this VPID may be stale on this CPU. */
		vmx->need_flush = true;
	}
}

/*
 * The MSRs and selectors the VM exit does not restore.  Their guest values
 * stay in the CPU from here to vcpu_put: only this thread's kernel code runs
 * meanwhile, and none of it uses them (no SYSCALL from ring 0, no SWAPGS
 * without a ring change).  Hardware VM exits zero DS/ES/FS/GS selectors
 * (the host-state selector fields are 0, SDM Vol. 3C 28.5.2), so the user
 * values are put back at vcpu_put too.
 *
 * TSC_AUX and SPEC_CTRL need no switching: the guest cannot reach either.
 * "Enable RDTSCP" stays 0, so RDTSCP and RDPID raise #UD in the guest
 * (CPUID does not offer them), and WRMSR/RDMSR of both exit to msr.c
 * (the MSR bitmap intercepts them), so the host's values stay in the CPU.
 */
static const u32 vmx_soft_msr_index[VMX_NR_SOFT_MSRS] = {
	[VMX_MSR_KERNEL_GS_BASE]	= MSR_KERNEL_GS_BASE,
	[VMX_MSR_STAR]			= MSR_STAR,
	[VMX_MSR_LSTAR]			= MSR_LSTAR,
	[VMX_MSR_CSTAR]			= MSR_CSTAR,
	[VMX_MSR_SFMASK]		= MSR_SYSCALL_MASK,
};

void vmx_vcpu_load(struct mvm_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int i;

	vmx_vmcs_load(vmx, cpu);
	vcpu->cpu = cpu;
	/* Back from userspace or another task: L1D holds their data. */
	vmx->l1d_flush = true;
	if (vmx->guest_msrs_loaded)
		return;

	savesegment(ds, vmx->host_ds_sel);
	savesegment(es, vmx->host_es_sel);
	savesegment(fs, vmx->host_fs_sel);
	savesegment(gs, vmx->host_gs_sel);
	asm volatile("sldt %0" : "=rm" (vmx->host_ldt_sel));
	rdmsrl(MSR_FS_BASE, vmx->host_fs_base);
	/* The cache must match the field, or the refresh skips the write. */
	vmcs_writel(HOST_FS_BASE, vmx->host_fs_base);
	for (i = 0; i < VMX_NR_SOFT_MSRS; i++) {
		rdmsrl(vmx_soft_msr_index[i], vmx->host_msrs[i]);
		if (vmx->guest_msrs[i] != vmx->host_msrs[i])
			wrmsrl(vmx_soft_msr_index[i], vmx->guest_msrs[i]);
	}
	vmx->guest_msrs_loaded = true;
}

void vmx_vcpu_put(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long flags;
	int i;

	if (!vmx->guest_msrs_loaded)
		return;
	local_irq_save(flags);
	if (vmx->host_ds_sel)
		loadsegment(ds, vmx->host_ds_sel);
	if (vmx->host_es_sel)
		loadsegment(es, vmx->host_es_sel);
	if (vmx->host_fs_sel) {
		/* Loading the selector loads a base: put ours back after. */
		loadsegment(fs, vmx->host_fs_sel);
		wrmsrl(MSR_FS_BASE, vmx->host_fs_base);
	}
	/* Before KERNEL_GS_BASE: load_gs_index() changes the user GS base. */
	if (vmx->host_gs_sel)
		load_gs_index(vmx->host_gs_sel);
	for (i = 0; i < VMX_NR_SOFT_MSRS; i++) {
		if (vmx->guest_msrs[i] != vmx->host_msrs[i] ||
		    (i == VMX_MSR_KERNEL_GS_BASE && vmx->host_gs_sel))
			wrmsrl(vmx_soft_msr_index[i], vmx->host_msrs[i]);
	}
	/*
	 * VM exits set the TR limit to 0x67 (SDM Vol. 3C 28.5.2), which
	 * hides the I/O bitmap; the kernel reloads TR lazily when it needs it.
	 */
	invalidate_tss_limit();
	/*
	 * They also set the GDTR limit to 0xffff and make LDTR unusable
	 * (SDM Vol. 3C 28.5.2).  The kernel never reloads either by itself,
	 * and a limit past the real GDT (GDT_SIZE - 1) lets user code on this
	 * CPU use as descriptors whatever follows the read-only GDT in the
	 * CPU entry area: the entry stack, where its own saved registers
	 * land, and the TSS.  So put the kernel's GDT and the task's LDT
	 * back before this thread can return to user mode.
	 */
	load_fixmap_gdt(raw_smp_processor_id());
	if (vmx->host_ldt_sel)
		asm volatile("lldt %0" : : "rm" (vmx->host_ldt_sel));
	vmx->guest_msrs_loaded = false;
	local_irq_restore(flags);
}

/* A guest WRMSR or SET_MSRS of a software-switched MSR; value checked. */
void vmx_set_soft_msr(struct vmx_vcpu *vmx, enum vmx_soft_msr i, u64 data)
{
	vmx->guest_msrs[i] = data;
	if (vmx->guest_msrs_loaded)
		wrmsrl(vmx_soft_msr_index[i], data);
}

/* Before every entry, interrupts off: the host fields that can change. */
void vmx_refresh_host_state(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();
	u64 fs_base;

	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	rdmsrl(MSR_FS_BASE, fs_base);
	if (unlikely(fs_base != vmx->host_fs_base)) {
		vmcs_writel(HOST_FS_BASE, fs_base);
		vmx->host_fs_base = fs_base;
	}
}

/* Called by vmenter.S with the RSP the VM exit must return to. */
void vmx_update_host_rsp(struct vmx_vcpu *vmx, unsigned long host_rsp)
{
	if (unlikely(host_rsp != vmx->host_rsp)) {
		vmcs_writel(HOST_RSP, host_rsp);
		vmx->host_rsp = host_rsp;
	}
}

/*
 * Drop the guest's cached translations on this CPU (SDM Vol. 3C 29.4.3):
 * INVEPT for the guest-physical and combined mappings of this EPTP,
 * INVVPID for the linear ones tagged with this VPID.  Single-context when
 * the CPU has it, all-context otherwise.
 */
void vmx_flush_tlb(struct vmx_vcpu *vmx)
{
	u64 eptp = vmcs_read64(EPT_POINTER);

	if (!vmx_config.invept_single ||
	    vmx_invept(VMX_EPT_EXTENT_CONTEXT, eptp))
		vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	/* Without a VPID, entry and exit flush the linear mappings. */
	if (vmx->vpid &&
	    (!vmx_config.invvpid_single ||
	     vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vmx->vpid)))
		vmx_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0);
	vmx->need_flush = false;
}

static int vmx_vpid_alloc(void)
{
	int vpid;

	spin_lock(&vmx_vpid_lock);
	vpid = find_next_zero_bit(vmx_vpid_bitmap, VMX_NR_VPIDS, 1);
	if (vpid < VMX_NR_VPIDS)
		__set_bit(vpid, vmx_vpid_bitmap);
	spin_unlock(&vmx_vpid_lock);
	return vpid < VMX_NR_VPIDS ? vpid : 0;
}

static void vmx_vpid_free(u16 vpid)
{
	if (!vpid)
		return;
	spin_lock(&vmx_vpid_lock);
	__clear_bit(vpid, vmx_vpid_bitmap);
	spin_unlock(&vmx_vpid_lock);
}

/*
 * The MSR bitmap (SDM Vol. 3C 25.6.9): a set bit makes RDMSR/WRMSR of that
 * MSR exit.  Everything exits except the MSRs whose guest value the VMCS
 * itself holds and switches at every entry and exit (SDM Vol. 3C 25.4.1,
 * 28.3.1, 28.5.1): FS/GS base and the three SYSENTER MSRs.  The hardware
 * checks guest writes to them (#GP on a non-canonical address), the host
 * values come back from the host-state area at every exit, and reading
 * them shows the guest only its own values.
 */
VISIBLE_IF_KUNIT void vmx_setup_msr_bitmap(u8 *bitmap)
{
	static const u32 pass[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	unsigned int i, base, bit;

	memset(bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(pass); i++) {
		/* Read bitmaps at 0 (low) and 1024 (high), writes at +2048. */
		base = pass[i] >= 0xc0000000 ? 1024 : 0;
		bit = pass[i] & 0x1fff;
		bitmap[base + bit / 8] &= ~BIT(bit % 8);
		bitmap[2048 + base + bit / 8] &= ~BIT(bit % 8);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmx_setup_msr_bitmap);

/* Exceptions that always exit (SDM Vol. 3C 25.6.3); see exit.c. */
#define VMX_EXCEPTION_BITMAP	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) | \
				 BIT(X86_TRAP_MC))

/* The fields that never change after creation.  VMCS current. */
static void vmx_vmcs_setup(struct vmx_vcpu *vmx)
{
	struct mvm_vcpu *vcpu = vmx->vcpu;
	u64 v;

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_config.pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx_config.proc);
	vmx->proc = vmx_config.proc;
	/* VPID 0 is refused with "enable VPID" on (SDM Vol. 3C 27.2.1.1). */
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, vmx->vpid ? vmx_config.proc2 :
		     vmx_config.proc2 & ~SECONDARY_EXEC_ENABLE_VPID);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_config.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_config.entry);
	vmcs_write32(EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	if (vmx_config.preempt_timer)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE,
			     vmx_config.preempt_timer);
	vmcs_write64(MSR_BITMAP, virt_to_phys(vmx->msr_bitmap));
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	/* 4-level walk, write-back paging structures (SDM Vol. 3C 25.6.11). */
	vmcs_write64(EPT_POINTER, mvm_pt_root_pa(&vcpu->vm->pt) |
		     VMX_EPTP_PWL_4 | VMX_EPTP_MT_WB);

	/* Host state that is the same on every CPU (SDM Vol. 3C 25.5). */
	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_writel(HOST_RIP, (unsigned long)vmx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write32(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write64(HOST_IA32_EFER, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write64(HOST_IA32_PAT, v);
	/* Forced-unequal caches: the first entry writes them. */
	vmx->host_cr3 = vmx->host_cr4 = vmx->host_rsp = ~0UL;
	vmx->host_fs_base = ~0ULL;
}

/* The architectural reset state, as minivmm.h describes it. */
static void vmx_vcpu_reset(struct vmx_vcpu *vmx)
{
	struct mvm_vcpu *vcpu = vmx->vcpu;

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_config.entry);
	vmx_reset_regs(vmx);
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_writel(GUEST_DR7, VMX_DR7_FIXED);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	/* The guest's TSC starts at 0 (SDM Vol. 3C 26.3, TSC offsetting). */
	vmcs_write64(TSC_OFFSET, READ_ONCE(vcpu->vm->tsc_offset));
	vmx->tsc_offset = READ_ONCE(vcpu->vm->tsc_offset);
	vmx->dr6 = VMX_DR6_FIXED;
	vmx->dr7 = VMX_DR7_FIXED;
}

int vmx_vcpu_create(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx;
	struct page *page;
	int cpu, r;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->vcpu = vcpu;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_node);

	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		r = -ENOMEM;
		goto err_free_vmx;
	}
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	vmx->vmcs->revision = vmx_config.revision;

	vmx->msr_bitmap = (u8 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->msr_bitmap) {
		r = -ENOMEM;
		goto err_free_vmcs;
	}
	vmx_setup_msr_bitmap(vmx->msr_bitmap);

	vmx->vpid = vmx_vpid_alloc();
	vcpu->arch = vmx;

	/*
	 * A new VMCS region must be VMCLEARed before its first VMPTRLD
	 * (SDM Vol. 3C 25.11.3).  The VM holds VMX on on every CPU.
	 */
	cpu = get_cpu();
	r = vmx_vmclear(vmx->vmcs_pa);
	if (!r) {
		vmx_vmcs_load(vmx, cpu);
		vcpu->cpu = cpu;
		if (__this_cpu_read(vmx_current_vmcs) != vmx)
			r = -EIO;
	}
	if (!r) {
		vmx_vmcs_setup(vmx);
		vmx_vcpu_reset(vmx);
	}
	put_cpu();
	if (r)
		goto err_clear;
	return 0;

err_clear:
	vmx_vmcs_clear(vmx);
	vcpu->arch = NULL;
	vmx_vpid_free(vmx->vpid);
	free_page((unsigned long)vmx->msr_bitmap);
err_free_vmcs:
	free_page((unsigned long)vmx->vmcs);
err_free_vmx:
	kfree(vmx);
	return r;
}

void vmx_vcpu_free(struct mvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (!vmx)
		return;
	/* The CPU must not write a cached copy into a freed page later. */
	vmx_vmcs_clear(vmx);
	vmx_vpid_free(vmx->vpid);
	free_page((unsigned long)vmx->msr_bitmap);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
	vcpu->arch = NULL;
}
