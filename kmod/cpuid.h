/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules of a CPUID table (cpuid_rules.c), shared by cpuid.c, which
 * holds the tables and handles the CPUID exit, and by KUnit
 * (tests/cpuid_kunit.c), which drives the rules without a vCPU.  Every
 * function here is a pure function of the tables and values it is handed.
 */
#ifndef MINIVMM_CPUID_H
#define MINIVMM_CPUID_H

#include <linux/bits.h>
#include <linux/types.h>

#include <linux/minivmm.h>

#define SIG_INDEX	MINIVMM_CPUID_FLAG_SIGNIFCANT_INDEX

/* The highest leaves minivmm offers (each capped by the host's). */
#define MVM_CPUID_MAX_BASIC	0xd
#define MVM_CPUID_MAX_EXT	0x80000008
#define MVM_CPUID_HV_BASE	0x40000000
#define MVM_CPUID_HV_MAX	0x40000001

/* Leaf 1 ECX: XSAVE, which XSETBV and the guest's XCR0 follow. */
#define L1_ECX_XSAVE	BIT(26)

void mvm_cpuid_mask(struct minivmm_cpuid_entry2 *e, u64 xcr0);
const struct minivmm_cpuid_entry2 *
mvm_cpuid_find(const struct minivmm_cpuid_entry2 *e, u32 nent, u32 function,
	       u32 index);
const struct minivmm_cpuid_entry2 *
mvm_cpuid_lookup(const struct minivmm_cpuid_entry2 *e, u32 nent, u32 function,
		 u32 index);
u32 mvm_xsave_size(const struct minivmm_cpuid_entry2 *sup, u32 nsup, u64 xcr0);
int mvm_cpuid_check(const struct minivmm_cpuid_entry2 *e, u32 nent);
void mvm_cpuid_filter(const struct minivmm_cpuid_entry2 *sup, u32 nsup,
		      struct minivmm_cpuid_entry2 *e, u32 nent);
void mvm_cpuid_fixup(const struct minivmm_cpuid_entry2 *sup, u32 nsup,
		     struct minivmm_cpuid_entry2 *e, u32 apic_id, u64 cr4,
		     u64 xcr0, bool apic, bool apic_enabled);

#endif /* MINIVMM_CPUID_H */
