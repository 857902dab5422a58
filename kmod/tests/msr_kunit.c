// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the MSR and XCR0 value rules (kmod/msr.c): which values
 * IA32_PAT, IA32_MTRR_DEF_TYPE, IA32_MISC_ENABLE and IA32_APIC_BASE take,
 * and which XCR0 values XSETBV accepts.  A value refused here is a #GP in
 * the guest and the end of a MINIVMM_SET_MSRS list.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <asm/fpu/types.h>
#include <asm/msr-index.h>

#include "../minivmm.h"

/* The PAT at reset (SDM Vol. 3A Table 11-12): WB WT UC- UC, twice. */
#define PAT_RESET	0x0007040600070406ULL

static void msr_pat(struct kunit *test)
{
	int i, t;

	KUNIT_EXPECT_TRUE(test, mvm_pat_valid(PAT_RESET));
	KUNIT_EXPECT_TRUE(test, mvm_pat_valid(0));
	/* WC in every entry, as Linux programs entry 1. */
	KUNIT_EXPECT_TRUE(test, mvm_pat_valid(0x0101010101010101ULL));
	/* Types 2 and 3 are reserved, and so is anything above 7. */
	for (i = 0; i < 8; i++) {
		for (t = 2; t <= 3; t++)
			KUNIT_EXPECT_FALSE(test, mvm_pat_valid(
				(PAT_RESET & ~(0xffULL << (i * 8))) |
				(u64)t << (i * 8)));
		KUNIT_EXPECT_FALSE(test, mvm_pat_valid(PAT_RESET |
						       0x08ULL << (i * 8)));
	}
}

static void msr_mtrr_def_type(struct kunit *test)
{
	u64 fixed = BIT_ULL(8);		/* MTRRCAP.FIX */

	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0, 0));
	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0x806, 0));	/* E, WB */
	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0x800, 0));	/* E, UC */
	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0x801, 0));	/* WC */
	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0x804, 0));	/* WT */
	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0x805, 0));	/* WP */
	/* 2, 3 reserved; 7 (UC-) exists only in the PAT. */
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0x802, 0));
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0x803, 0));
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0x807, 0));
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0x8ff, 0));
	/* Reserved bits 9:8 and 63:12. */
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0x906, 0));
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0x1806, 0));
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(BIT_ULL(63) | 6, 0));
	/* FE only when fixed ranges exist. */
	KUNIT_EXPECT_FALSE(test, mvm_mtrr_def_type_valid(0xc06, 0));
	KUNIT_EXPECT_TRUE(test, mvm_mtrr_def_type_valid(0xc06, fixed));
}

static void msr_misc_enable(struct kunit *test)
{
	u64 ro = MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
		 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL;
	u64 v = 0;

	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(ro, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, ro);	/* read-only bits stay */
	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(ro,
			MSR_IA32_MISC_ENABLE_FAST_STRING, &v), 0);
	KUNIT_EXPECT_EQ(test, v, ro | MSR_IA32_MISC_ENABLE_FAST_STRING);
	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(0, ro, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0ULL);	/* ... and cannot be set */

	/* Bits that would change CPUID are not emulated: #GP. */
	v = 42;
	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(ro,
			MSR_IA32_MISC_ENABLE_LIMIT_CPUID, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(ro,
			MSR_IA32_MISC_ENABLE_XD_DISABLE, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(ro,
			MSR_IA32_MISC_ENABLE_MWAIT, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_misc_enable_write(ro, BIT_ULL(63), &v),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, v, 42ULL);	/* untouched on failure */
}

static void msr_apic_base(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_valid(0xfee00900, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_valid(0xfee00800, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_valid(0, 46));
	/* x2APIC mode is not offered. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_valid(0xfee00d00, 46));
	/* Reserved low bits, and a base above MAXPHYADDR. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_valid(0xfee00901, 46));
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_valid(0xfee00b00, 46));
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_valid(BIT_ULL(46) | 0x900, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_valid(BIT_ULL(45) | 0x900, 46));
}

static void msr_xcr0(struct kunit *test)
{
	u64 fp = XFEATURE_MASK_FP, sse = XFEATURE_MASK_SSE;
	u64 ymm = XFEATURE_MASK_YMM, avx512 = XFEATURE_MASK_AVX512;
	u64 mpx = XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR;
	u64 amx = XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA;
	u64 all = fp | sse | ymm | avx512;

	KUNIT_EXPECT_TRUE(test, mvm_xcr0_valid(fp, all));
	KUNIT_EXPECT_TRUE(test, mvm_xcr0_valid(fp | sse, all));
	KUNIT_EXPECT_TRUE(test, mvm_xcr0_valid(fp | sse | ymm, all));
	KUNIT_EXPECT_TRUE(test, mvm_xcr0_valid(all, all));
	/* x87 can never be off. */
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(0, all));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(sse, all));
	/* AVX needs SSE; AVX-512 needs AVX and all three parts. */
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | ymm, all));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | sse | avx512, all));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | sse | ymm |
						XFEATURE_MASK_OPMASK, all));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | sse | ymm |
						XFEATURE_MASK_OPMASK |
						XFEATURE_MASK_ZMM_Hi256, all));
	/* Nothing the guest's CPUID (or the host) does not allow. */
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | sse | ymm, fp | sse));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | XFEATURE_MASK_PKRU, all));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | BIT_ULL(63), all));
	/* MPX and AMX go in pairs. */
	KUNIT_EXPECT_TRUE(test, mvm_xcr0_valid(fp | mpx, ~0ULL));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | XFEATURE_MASK_BNDREGS,
						~0ULL));
	KUNIT_EXPECT_TRUE(test, mvm_xcr0_valid(fp | sse | ymm | amx, ~0ULL));
	KUNIT_EXPECT_FALSE(test, mvm_xcr0_valid(fp | sse | ymm |
						XFEATURE_MASK_XTILE_DATA,
						~0ULL));
}

static struct kunit_case msr_cases[] = {
	KUNIT_CASE(msr_pat),
	KUNIT_CASE(msr_mtrr_def_type),
	KUNIT_CASE(msr_misc_enable),
	KUNIT_CASE(msr_apic_base),
	KUNIT_CASE(msr_xcr0),
	{}
};

static struct kunit_suite msr_suite = {
	.name = "minivmm_msr",
	.test_cases = msr_cases,
};
kunit_test_suite(msr_suite);
