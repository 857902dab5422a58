// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VMX backend: deciding whether VMX is usable, turning it on and
 * off on a CPU, and the ops table.  The vCPU ops live in vmcs.c (VMCS,
 * load/put), exit.c (entry and exit handlers) and regs.c (registers and
 * MSRs).  Mirrors svm/svm.c.
 *
 * minivmm requires EPT, VPID and unrestricted guest: EPT so guest memory is
 * translated by hardware, VPID so VM exits do not flush the TLB, and
 * unrestricted guest so guests can start in real mode without emulation.
 * Every VT-x CPU since Westmere (2010) has all three.
 */
#include <linux/mm.h>
#include <asm/io.h>
#include <asm/cpufeatures.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include <linux/minivmm.h>

#include "../kunit_compat.h"
#include "vmx.h"
#include "vmx_ops.h"

/* IA32_VMX_BASIC fields (Intel SDM Vol. 3D A.1, "Basic VMX Information"). */
#define VMX_BASIC_REVISION_MASK		GENMASK_ULL(30, 0)
#define VMX_BASIC_REGION_SIZE(b)	(((b) >> 32) & GENMASK_ULL(12, 0))
#define VMX_BASIC_32BIT_PA		BIT_ULL(48)
#define VMX_BASIC_MEMTYPE(b)		(((b) >> 50) & 0xf)
#define VMX_BASIC_MEMTYPE_WB		6

static u32 vmx_vmcs_revision;

/*
 * Decide from the capability MSRs whether minivmm can use VMX on this CPU.
 * Returns NULL and fills @caps, or a sentence saying what is missing.
 * A pure function of @m so that tests can feed it fabricated MSR values.
 */
const char *vmx_check_caps(const struct vmx_cap_msrs *m, struct mvm_caps *caps)
{
	/* Allowed-1 settings live in the high 32 bits (SDM Vol. 3D A.3.2). */
	u32 proc_allowed1 = m->procbased >> 32;
	u32 proc2_allowed1 = m->procbased2 >> 32;
	u64 ept_need = VMX_EPT_PAGE_WALK_4_BIT | VMX_EPTP_WB_BIT |
		       VMX_EPT_INVEPT_BIT;
	u32 vpid_caps = m->ept_vpid >> 32;

	/* SDM Vol. 3C 24.7: VMXON outside SMX needs bits 0 and 2. */
	if (!(m->feature_control & FEAT_CTL_LOCKED) ||
	    !(m->feature_control & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return "VMX is disabled in IA32_FEATURE_CONTROL (enable VT-x in the firmware setup)";
	if (VMX_BASIC_REGION_SIZE(m->basic) > PAGE_SIZE)
		return "the VMCS region is larger than a page";
	if (m->basic & VMX_BASIC_32BIT_PA)
		return "VMX structures are limited to 32-bit physical addresses";
	if (VMX_BASIC_MEMTYPE(m->basic) != VMX_BASIC_MEMTYPE_WB)
		return "VMX structures cannot be write-back cached";
	/*
	 * Bit 55: the IA32_VMX_TRUE_*_CTLS MSRs exist (SDM Vol. 3D A.2).
	 * Without them CR3-load/store exiting are default1 and cannot be
	 * cleared, and minivmm does not emulate MOV CR3.  Every CPU with
	 * unrestricted guest has them.
	 */
	if (!(m->basic & BIT_ULL(55)))
		return "VMX has no TRUE capability MSRs (CR3-access exiting could not be turned off)";
	if (!(proc_allowed1 & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return "VMX has no secondary processor-based controls";
	if (!(proc2_allowed1 & SECONDARY_EXEC_ENABLE_EPT))
		return "VMX has no EPT (extended page tables)";
	if (!(proc2_allowed1 & SECONDARY_EXEC_ENABLE_VPID))
		return "VMX has no VPID";
	if (!(proc2_allowed1 & SECONDARY_EXEC_UNRESTRICTED_GUEST))
		return "VMX has no unrestricted guest mode";
	/* SDM Vol. 3D A.10: EPT and VPID capabilities. */
	if ((m->ept_vpid & ept_need) != ept_need ||
	    !(m->ept_vpid & (VMX_EPT_EXTENT_CONTEXT_BIT |
			     VMX_EPT_EXTENT_GLOBAL_BIT)))
		return "EPT lacks 4-level tables, write-back paging structures or INVEPT";
	if (!(vpid_caps & VMX_VPID_INVVPID_BIT) ||
	    !(vpid_caps & (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT |
			   VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT)))
		return "VPID lacks INVVPID";

	caps->nested_paging = true;
	caps->tagged_tlb = true;
	caps->unrestricted_guest = true;
	/* The VM-exit instruction length field always exists (SDM 3C 28.2.5). */
	caps->next_rip = true;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_check_caps);

/* CR0 and CR4 must respect the VMX fixed bits (SDM Vol. 3D A.7, A.8). */
static bool vmx_fixed_bits_ok(void)
{
	u64 f0, f1, cr0 = read_cr0(), cr4 = __read_cr4() | X86_CR4_VMXE;

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, f0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, f1);
	if ((cr0 & f0) != f0 || (cr0 & ~f1))
		return false;
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, f0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, f1);
	return (cr4 & f0) == f0 && !(cr4 & ~f1);
}

static bool vmx_cpu_hw_on(void)
{
	return __read_cr4() & X86_CR4_VMXE;
}

/*
 * @area becomes this CPU's VMXON region (SDM Vol. 3C 25.11.5), which starts
 * with the VMCS revision identifier.
 *
 * CR4.VMXE already set means someone else is in (or preparing) VMX
 * operation on this CPU: KVM, VirtualBox, VMware.  VMXE cannot be cleared
 * while in VMX operation (SDM Vol. 3C 24.7), so leave it alone.
 */
static int vmx_cpu_enable(struct page *area)
{
	u64 feat;
	int r;

	if (vmx_cpu_hw_on())
		return -EBUSY;
	/* Firmware may have set up the boot CPU only. */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -EIO;
	if (!vmx_fixed_bits_ok())
		return -EIO;

	*(u32 *)page_address(area) = vmx_vmcs_revision;
	cr4_set_bits(X86_CR4_VMXE);
	r = vmx_vmxon(page_to_phys(area));
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		return r;
	}
	return 0;
}

static void vmx_cpu_disable(void)
{
	/* VMXOFF does not write cached VMCSs back (SDM Vol. 3C 25.11.1). */
	if (vmx_cpu_hw_on())
		vmx_clear_loaded_vmcss();
	/* A fault here means VMX was already off; CR4.VMXE must go anyway. */
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

static struct mvm_vendor_ops vmx_ops = {
	.name			= "Intel VMX",
	.vendor			= MINIVMM_VENDOR_INTEL_VMX,
	.holder_hint		= "kvm_intel",
	.pt_fmt			= &vmx_ept_fmt,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.cpu_hw_on		= vmx_cpu_hw_on,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.vcpu_enter		= vmx_vcpu_enter,
	.handle_exit		= vmx_handle_exit,
	.skip_instruction	= vmx_skip_instruction,
	.queue_exception	= vmx_queue_exception,
	.single_step		= vmx_single_step,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.show_mitigations	= vmx_show_mitigations,
	.teardown		= vmx_l1d_teardown,
	.event_queued		= vmx_event_queued,
	.interrupt_allowed	= vmx_interrupt_allowed,
	.nmi_allowed		= vmx_nmi_allowed,
	.inject_irq		= vmx_inject_irq,
	.inject_nmi		= vmx_inject_nmi,
	.enable_irq_window	= vmx_enable_irq_window,
	.enable_nmi_window	= vmx_enable_nmi_window,
	.sync_tpr		= vmx_sync_tpr,
	.get_events		= vmx_get_events,
	.set_events		= vmx_set_events,
};

const struct mvm_vendor_ops *vmx_probe(const char **why)
{
	struct vmx_cap_msrs m = {};

	/*
	 * Raw CPUID.1:ECX.VMX[bit 5]: the kernel clears X86_FEATURE_VMX when
	 * the firmware disabled VMX, and we want to say so, not "no VMX".
	 */
	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31)))
		return NULL;

	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &m.feature_control) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &m.basic) ||
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS, &m.procbased)) {
		*why = "the VMX capability MSRs cannot be read";
		return NULL;
	}
	/* These two exist only if the controls that announce them do. */
	if ((m.procbased >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
		rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &m.procbased2);
	if ((m.procbased2 >> 32) &
	    (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID))
		rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &m.ept_vpid);

	*why = vmx_check_caps(&m, &vmx_ops.caps);
	if (*why)
		return NULL;
	/* A host NMI that exits the guest must reach the kernel's handler. */
	if (!vmx_host_nmi_entry()) {
		*why = "this kernel does not export its NMI entry (asm_exc_nmi_noist, built with KVM_INTEL), so host NMIs during a guest could not be handled";
		return NULL;
	}
	vmx_vmcs_revision = m.basic & VMX_BASIC_REVISION_MASK;
	*why = vmx_setup_config(vmx_vmcs_revision);
	if (*why)
		return NULL;
	if (vmx_l1d_setup()) {
		*why = "no memory for the L1D flush buffer";
		return NULL;
	}
	vmx_percpu_init();
	return &vmx_ops;
}
