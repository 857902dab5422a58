/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place SVM is switched or its instructions are issued.
 *
 * SVM has no VMXON: it is on while EFER.SVME is set (AMD APM Vol. 2 15.4,
 * "Enabling SVM"), and VMRUN saves host state to the page named by
 * VM_HSAVE_PA (APM Vol. 2 15.30.4).
 */
#ifndef MINIVMM_SVM_OPS_H
#define MINIVMM_SVM_OPS_H

#include <linux/types.h>
#include <asm/msr.h>
#include <asm/msr-index.h>

static __always_inline bool svm_efer_svme(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	return efer & EFER_SVME;
}

/* Turn SVM on with @hsave_pa as the host save area. */
static __always_inline void svm_on(u64 hsave_pa)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, hsave_pa);
}

/*
 * Turn SVM off.  The host save area is cleared first so that nothing can
 * use a page that is about to be freed.
 */
static __always_inline void svm_off(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

/*
 * GIF (APM Vol. 2 15.17 "Global Interrupt Flag"): while it is clear, the
 * CPU holds off interrupts, NMIs and SMIs; VMRUN sets it for the guest and
 * #VMEXIT clears it.  The world switch runs between CLGI and STGI, and an
 * NMI or interrupt that made the guest exit is taken at the STGI (or, for
 * an interrupt, when RFLAGS.IF comes back on).
 */
static __always_inline void svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static __always_inline void svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

#endif /* MINIVMM_SVM_OPS_H */
