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

/*
 * The highest leaves minivmm offers.  The extended range is capped by the
 * host's; the basic range always reaches 0x16, because minivmm fills the
 * time leaves 0x15 and 0x16 itself, whatever the host has there.
 */
#define MVM_CPUID_MAX_BASIC	0x16
#define MVM_CPUID_MAX_EXT	0x80000008

/* The leaves minivmm defines itself. */
#define MVM_CPUID_TSC		0x15	/* TSC/crystal ratio, crystal Hz */
#define MVM_CPUID_FREQ		0x16	/* base, max and bus MHz */
#define MVM_CPUID_HV_BASE	0x40000000	/* highest leaf, signature */
#define MVM_CPUID_HV_FEATURES	0x40000001	/* none */
#define MVM_CPUID_HV_TIMING	0x40000010	/* TSC and APIC bus kHz */
#define MVM_CPUID_HV_MAX	MVM_CPUID_HV_TIMING

/* Leaf 1 ECX: XSAVE, which XSETBV and the guest's XCR0 follow. */
#define L1_ECX_XSAVE	BIT(26)

void mvm_cpuid_mask(struct minivmm_cpuid_entry2 *e, u64 xcr0);
void mvm_cpuid_time(struct minivmm_cpuid_entry2 *e, u32 khz);
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
