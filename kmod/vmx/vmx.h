/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX backend internals shared by the files of kmod/vmx/ (and its KUnit
 * tests).  Generic code never includes this.
 */
#ifndef MINIVMM_VMX_H
#define MINIVMM_VMX_H

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

/* vmx.c */
const char *vmx_check_caps(const struct vmx_cap_msrs *m, struct mvm_caps *caps);

/* ept.c */
extern const struct mvm_pt_fmt vmx_ept_fmt;

#endif /* MINIVMM_VMX_H */
