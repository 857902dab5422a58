// SPDX-License-Identifier: GPL-2.0
/* TEMPORARY scaffold while the pieces land; removed before the work is done. */
#include "minivmm.h"
__weak int mvm_handle_mmio(struct mvm_vcpu *vcpu, u64 gpa, bool write) { return -ENOSYS; }
__weak int mvm_insn_length(struct mvm_vcpu *vcpu) { return -ENOSYS; }
__weak int mvm_gva_to_gpa(struct mvm_vcpu *vcpu, u64 gva, bool write, u64 *gpa) { return -ENOSYS; }
__weak int mvm_read_guest_virt(struct mvm_vcpu *vcpu, u64 gva, void *buf, unsigned int len) { return -ENOSYS; }
__weak int mvm_get_supported_cpuid(void __user *argp) { return -ENOSYS; }
__weak int mvm_set_cpuid(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
__weak int mvm_emulate_cpuid(struct mvm_vcpu *vcpu) { return -ENOSYS; }
__weak void mvm_cpuid_free(struct mvm_vcpu *vcpu) { }
__weak int mvm_emulate_rdmsr(struct mvm_vcpu *vcpu) { return -ENOSYS; }
__weak int mvm_emulate_wrmsr(struct mvm_vcpu *vcpu) { return -ENOSYS; }
__weak int mvm_get_msrs(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
__weak int mvm_set_msrs(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
__weak int mvm_emulate_xsetbv(struct mvm_vcpu *vcpu) { return -ENOSYS; }
__weak void mvm_load_guest_xcr0(struct mvm_vcpu *vcpu, u64 guest_cr4) { }
__weak void mvm_load_host_xcr0(struct mvm_vcpu *vcpu, u64 guest_cr4) { }
__weak int mvm_get_fpu(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
__weak int mvm_set_fpu(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
__weak int mvm_get_xsave(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
__weak int mvm_set_xsave(struct mvm_vcpu *vcpu, void __user *argp) { return -ENOSYS; }
