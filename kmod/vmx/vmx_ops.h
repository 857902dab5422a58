/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place raw VMX instructions appear.  Each wrapper has a defined
 * result on failure instead of leaving the caller to read RFLAGS or to take
 * an unhandled fault.
 *
 * VMX instructions report failure in RFLAGS (Intel SDM Vol. 3C 31.2,
 * "Conventions"): CF=1 is VMfailInvalid, ZF=1 is VMfailValid, so "jna"
 * (CF=1 or ZF=1) catches both.  They fault (#UD, #GP) when VMX is not in the
 * state they need; the exception-table entry turns that into an error too.
 */
#ifndef MINIVMM_VMX_OPS_H
#define MINIVMM_VMX_OPS_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/asm.h>

/*
 * Enter VMX root operation with the VMXON region at physical address @pa
 * (SDM Vol. 3C 24.7, 25.11.5).  CR4.VMXE must already be set.
 * Returns 0, -EIO on VMfail (bad region, already in VMX operation) or
 * -EFAULT on a fault (CR0/CR4 fixed bits, IA32_FEATURE_CONTROL).
 */
static __always_inline int vmx_vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	return -EIO;
fault:
	return -EFAULT;
}

/*
 * Leave VMX operation (SDM Vol. 3C 24.7).  A fault means the CPU was not in
 * VMX operation (someone else turned it off, e.g. a reboot path): -EFAULT.
 */
static __always_inline int vmx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
	return 0;
fault:
	return -EFAULT;
}

#endif /* MINIVMM_VMX_OPS_H */
