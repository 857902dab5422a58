// SPDX-License-Identifier: GPL-2.0
/*
 * Speculative-execution defences around VMRUN, as the kernel's own KVM
 * applies them and keyed on the same host feature bits.  All of them sit in
 * vmenter.S, next to VMRUN; this file says what is in force (the
 * "mitigations" file in sysfs).  Mirrors vmx/spec.c.
 *
 *   clear_cpu_buffers  VERW before VMRUN (TSA, X86_FEATURE_CLEAR_CPU_BUF_VM)
 *   rsb_vmexit         the RSB refilled after #VMEXIT (retpoline hosts)
 *   untrain_ret        the return predictor untrained after #VMEXIT
 *                      (RETBleed, SRSO: X86_FEATURE_UNRET, SRSO_ALIAS,
 *                      ENTRY_IBPB)
 *   ibpb_on_vmexit     an IBPB after every #VMEXIT (IBPB_ON_VMEXIT)
 *   spec_ctrl          the guest's SPEC_CTRL switched in and out
 *
 * There is no L1D flush: AMD CPUs are not affected by L1TF.
 */
#include <linux/sysfs.h>
#include <asm/cpufeature.h>

#include "svm.h"

static const char *svm_on(bool on)
{
	return on ? "on" : "off";
}

int svm_show_mitigations(char *buf, int at)
{
	const char *spec_ctrl = "unchanged";

	if (cpu_feature_enabled(X86_FEATURE_V_SPEC_CTRL))
		spec_ctrl = "switched by the CPU (V_SPEC_CTRL)";
	else if (cpu_feature_enabled(X86_FEATURE_MSR_SPEC_CTRL))
		spec_ctrl = "switched";
	return sysfs_emit_at(buf, at,
		"clear_cpu_buffers: %s\n"
		"rsb_vmexit: %s\n"
		"untrain_ret: %s\n"
		"ibpb_on_vmexit: %s\n"
		"spec_ctrl: %s\n",
		svm_on(cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF_VM)),
		cpu_feature_enabled(X86_FEATURE_RETPOLINE) ? "fill" : "off",
		svm_on(cpu_feature_enabled(X86_FEATURE_UNRET) ||
		       cpu_feature_enabled(X86_FEATURE_SRSO_ALIAS) ||
		       cpu_feature_enabled(X86_FEATURE_ENTRY_IBPB)),
		svm_on(cpu_feature_enabled(X86_FEATURE_IBPB_ON_VMEXIT)),
		spec_ctrl);
}
