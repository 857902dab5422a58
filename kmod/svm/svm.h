/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SVM backend internals shared by the files of kmod/svm/ (and its KUnit
 * tests).  Generic code never includes this.
 */
#ifndef MINIVMM_SVM_H
#define MINIVMM_SVM_H

#include <linux/types.h>

#include "../minivmm.h"

/* The CPUID leaves and MSRs minivmm decides on, read once at probe. */
struct svm_cap_regs {
	u64 vm_cr;		/* MSR VM_CR */
	u32 nasid;		/* CPUID 0x8000000A EBX: number of ASIDs */
	u32 features;		/* CPUID 0x8000000A EDX: SVM feature bits */
};

/* svm.c */
const char *svm_check_caps(const struct svm_cap_regs *r, struct mvm_caps *caps);

/* npt.c */
extern const struct mvm_pt_fmt svm_npt_fmt;

#endif /* MINIVMM_SVM_H */
