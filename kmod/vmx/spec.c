// SPDX-License-Identifier: GPL-2.0
/*
 * Speculative-execution defences around VMX entry and exit, as the kernel's
 * own KVM applies them and keyed on the same host feature bits.  vmenter.S
 * does what must sit next to VMLAUNCH/VMRESUME (VERW, the RSB fill, the
 * SPEC_CTRL rewrite for legacy IBRS, the BHB clear); this file does the L1D
 * flush and says what is in force (the "mitigations" file in sysfs).
 * Mirrors svm/spec.c.
 *
 * The L1D flush before VM entry is against L1 Terminal Fault (L1TF, "Foreshadow-
 * NG", CVE-2018-3646): on an affected CPU a guest can read, speculatively,
 * any host data still in the L1 data cache through a guest page-table entry
 * it marks not present (Intel, "Deep Dive: Intel Analysis of L1 Terminal
 * Fault").  So the L1D is emptied before entering the guest whenever host
 * code that may have pulled secrets into it ran since the last entry.
 *
 * How often follows the host's L1TF mitigation, as the kernel's own KVM
 * decides it (its vmx_setup_l1d_flush() with vmentry_l1d_flush=auto):
 *
 *   not required   the CPU is not affected, or ARCH_CAPABILITIES says a
 *                  VMM need not flush (SKIP_VMENTRY_L1DFLUSH)
 *   never          the host turned the mitigation off (l1tf=off)
 *   conditional    l1tf=flush, flush,nowarn, flush,nosmt (the default):
 *                  flush when the vCPU comes from userspace or from another
 *                  task, after a host interrupt, and after every exit but
 *                  the few handled entirely in the kernel without touching
 *                  other data and EPT violations that map guest RAM
 *                  (vmx_exit_keeps_l1d())
 *   always         l1tf=full, full,force: before every entry
 *
 * The flush is the L1D_FLUSH command where the CPU has it (IA32_FLUSH_CMD,
 * CPUID.7.0:EDX[28]), else a read of 64 KiB, twice the L1D of any affected
 * CPU, which evicts every line.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/hardirq.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "../kunit_compat.h"
#include "vmx.h"

#define VMX_L1D_FLUSH_ORDER	4	/* 64 KiB */

static enum vmx_l1d_flush_state vmx_l1d_mode = VMENTER_L1D_FLUSH_NOT_REQUIRED;
static void *vmx_l1d_flush_pages;
/* Flushes done, all vCPUs together: the selftests see them happen. */
static atomic64_t vmx_l1d_flushes;

/*
 * The flush mode for a host with the L1TF bug or not (@l1tf_bug), the
 * ARCH_CAPABILITIES MSR (@arch_caps, 0 if absent) and the kernel's L1TF
 * mitigation.  Pure, for the KUnit tests.
 */
VISIBLE_IF_KUNIT enum vmx_l1d_flush_state
vmx_l1d_flush_mode(bool l1tf_bug, u64 arch_caps, enum l1tf_mitigations host)
{
	if (!l1tf_bug || (arch_caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH))
		return VMENTER_L1D_FLUSH_NOT_REQUIRED;
	switch (host) {
	case L1TF_MITIGATION_OFF:
		return VMENTER_L1D_FLUSH_NEVER;
	case L1TF_MITIGATION_FULL:
	case L1TF_MITIGATION_FULL_FORCE:
		return VMENTER_L1D_FLUSH_ALWAYS;
	default:
		return VMENTER_L1D_FLUSH_COND;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmx_l1d_flush_mode);

/*
 * The kernel exports its L1TF mode only when built with KVM_INTEL.  A
 * kernel without it cannot run minivmm's VMX backend anyway (vmx_probe()
 * needs its NMI entry, exported under the same condition), so the default
 * there only has to build.
 */
static enum l1tf_mitigations vmx_host_l1tf_mitigation(void)
{
#if IS_ENABLED(CONFIG_KVM_INTEL)
	return l1tf_mitigation;
#else
	return L1TF_MITIGATION_FLUSH;
#endif
}

/* At probe: choose the mode and, for the software flush, its buffer. */
int vmx_l1d_setup(void)
{
	u64 caps = 0;
	struct page *page;
	unsigned int i;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &caps);
	vmx_l1d_mode = vmx_l1d_flush_mode(boot_cpu_has_bug(X86_BUG_L1TF), caps,
					  vmx_host_l1tf_mitigation());
	if (vmx_l1d_mode != VMENTER_L1D_FLUSH_COND &&
	    vmx_l1d_mode != VMENTER_L1D_FLUSH_ALWAYS)
		return 0;
	if (boot_cpu_has(X86_FEATURE_FLUSH_L1D) || vmx_l1d_flush_pages)
		return 0;
	page = alloc_pages(GFP_KERNEL, VMX_L1D_FLUSH_ORDER);
	if (!page)
		return -ENOMEM;
	vmx_l1d_flush_pages = page_address(page);
	/*
	 * Distinct contents, so that no page of the buffer can be merged
	 * with another by a hypervisor below us and the reads really miss.
	 */
	memset(vmx_l1d_flush_pages, 0, PAGE_SIZE << VMX_L1D_FLUSH_ORDER);
	for (i = 0; i < (1 << VMX_L1D_FLUSH_ORDER); i++)
		*(u64 *)(vmx_l1d_flush_pages + i * PAGE_SIZE) = i + 1;
	return 0;
}

void vmx_l1d_teardown(void)
{
	if (vmx_l1d_flush_pages)
		free_pages((unsigned long)vmx_l1d_flush_pages,
			   VMX_L1D_FLUSH_ORDER);
	vmx_l1d_flush_pages = NULL;
}

static const char *vmx_l1d_mode_name(void)
{
	switch (vmx_l1d_mode) {
	case VMENTER_L1D_FLUSH_NEVER:
		return "off";
	case VMENTER_L1D_FLUSH_COND:
		return "conditional";
	case VMENTER_L1D_FLUSH_ALWAYS:
		return "always";
	default:
		return "not required";
	}
}

/*
 * Exits handled in the kernel from the VMCS and the vCPU's own state
 * alone: no flush needed before the next entry (KVM's conditional mode
 * flushes after none of these either).  An EPT violation in guest RAM
 * maps a page (KVM flushes after one only when it emulates, or when the
 * handler slept or took an interrupt, as here: vmx_vcpu_load() and the
 * CPU's mark); one that goes to emulation asks for the flush itself
 * (vmx_handle_ept_violation()).
 */
bool vmx_exit_keeps_l1d(u16 basic_reason)
{
	switch (basic_reason) {
	case EXIT_REASON_CPUID:
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
	case EXIT_REASON_XSETBV:
	case EXIT_REASON_PREEMPTION_TIMER:
	case EXIT_REASON_EPT_VIOLATION:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vmx_exit_keeps_l1d);

/* Before VM entry, interrupts off. */
void vmx_l1d_flush(struct vmx_vcpu *vmx)
{
	int size = PAGE_SIZE << VMX_L1D_FLUSH_ORDER;

	if (vmx_l1d_mode != VMENTER_L1D_FLUSH_COND &&
	    vmx_l1d_mode != VMENTER_L1D_FLUSH_ALWAYS)
		return;
	if (vmx_l1d_mode == VMENTER_L1D_FLUSH_COND) {
		bool flush = vmx->l1d_flush;

		vmx->l1d_flush = false;
		/*
		 * The kernel marks the CPU in every interrupt and exception
		 * entry, for its own KVM (idtentry.h); without KVM_INTEL it
		 * does not, and every entry must flush.
		 */
#if IS_ENABLED(CONFIG_KVM_INTEL)
		flush |= kvm_get_cpu_l1tf_flush_l1d();
		kvm_clear_cpu_l1tf_flush_l1d();
#else
		flush = true;
#endif
		if (!flush)
			return;
	}
	atomic64_inc(&vmx_l1d_flushes);
	if (boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		return;
	}
	/*
	 * First bring every page of the buffer into the TLB, so that the
	 * fill below is not cut short by page walks, and serialize; then
	 * read one byte of every cache line.
	 */
	asm volatile(
		"xorl	%%eax, %%eax\n"
		"1:\n\t"
		"movzbl	(%[pages], %%rax), %%ecx\n\t"
		"addl	$4096, %%eax\n\t"
		"cmpl	%%eax, %[size]\n\t"
		"jne	1b\n\t"
		"xorl	%%eax, %%eax\n\t"
		"cpuid\n\t"
		"xorl	%%eax, %%eax\n"
		"2:\n\t"
		"movzbl	(%[pages], %%rax), %%ecx\n\t"
		"addl	$64, %%eax\n\t"
		"cmpl	%%eax, %[size]\n\t"
		"jne	2b\n\t"
		"lfence\n"
		: : [pages] "r" (vmx_l1d_flush_pages), [size] "r" (size)
		: "eax", "ebx", "ecx", "edx", "memory");
}

static const char *vmx_rsb_vmexit(void)
{
	if (cpu_feature_enabled(X86_FEATURE_RSB_VMEXIT))
		return "fill";
	if (cpu_feature_enabled(X86_FEATURE_RSB_VMEXIT_LITE))
		return "one call (PBRSB)";
	return "off";
}

/* The "mitigations" sysfs file: one "name: state" line each. */
int vmx_show_mitigations(char *buf, int at)
{
	return sysfs_emit_at(buf, at,
		"clear_cpu_buffers: %s\n"
		"l1d_flush: %s\n"
		"l1d_flushes: %lld\n"
		"rsb_vmexit: %s\n"
		"spec_ctrl_after_exit: %s\n"
		"bhb_clear_after_exit: %s\n",
		cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF) ? "on" : "off",
		vmx_l1d_mode_name(), atomic64_read(&vmx_l1d_flushes),
		vmx_rsb_vmexit(),
		cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS) ? "rewritten (IBRS)" : "unchanged",
		cpu_feature_enabled(X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT) ? "on" : "off");
}
