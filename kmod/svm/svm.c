// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD SVM backend: deciding whether SVM is usable, and turning it on
 * and off on a CPU.  Mirrors vmx/vmx.c.
 *
 * minivmm requires nested paging (NPT) and at least one ASID besides the
 * host's.  It does not require NRIPS (next-RIP save): QEMU's emulated SVM
 * lacks it, so the exit handlers find instruction lengths themselves when
 * the CPU does not report them.
 */
#include <linux/mm.h>
#include <asm/io.h>
#include <asm/cpufeatures.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/svm.h>

#include <linux/minivmm.h>

#include "../kunit_compat.h"
#include "svm.h"
#include "svm_ops.h"

/* CPUID Fn8000_000A_EDX feature bits (AMD APM Vol. 3, E.4.10). */
#define SVM_CPUID_NP		BIT(0)
#define SVM_CPUID_NRIPS		BIT(3)

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
	return 0;
}

static void svm_cpu_disable(void)
{
	svm_off();
}

static struct mvm_vendor_ops svm_ops = {
	.name			= "AMD SVM",
	.vendor			= MINIVMM_VENDOR_AMD_SVM,
	.holder_hint		= "kvm_amd",
	.pt_fmt			= &svm_npt_fmt,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.cpu_hw_on		= svm_cpu_hw_on,
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
	return &svm_ops;
}
