// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the CPUID table rules (kmod/cpuid_rules.c): what the
 * supported table holds back, how a MINIVMM_SET_CPUID2 table is checked
 * and brought within it, and which entry a CPUID with a given EAX/ECX
 * reads, including subleaves and leaves out of range; the local APIC bits
 * with and without an in-kernel APIC, and the time leaves (0x15, 0x16,
 * 0x40000010) for given TSC rates.  All on small tables built here, plus
 * one look at this host's real supported table (kmod/cpuid.c).
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <asm/fpu/types.h>
#include <asm/processor-flags.h>
#include <asm/tsc.h>

#include "../minivmm.h"
#include "../cpuid.h"

#define SIG	MINIVMM_CPUID_FLAG_SIGNIFCANT_INDEX
#define XCR0_AVX512_ALL	(XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM | \
			 XFEATURE_MASK_AVX512)

/* "GenuineIntel" and "AuthenticAMD" as leaf 0 EBX, EDX, ECX hold them. */
#define INTEL_EBX	0x756e6547
#define INTEL_EDX	0x49656e69
#define INTEL_ECX	0x6c65746e
#define AMD_EBX		0x68747541

/* The local APIC bits: leaf 1 ECX x2APIC and TSC-deadline, EDX APIC. */
#define X2APIC		BIT(21)
#define TSC_DEADLINE	BIT(24)
#define APIC		BIT(9)

/* Linux's largest safe 0x15 EBX with a 1 GHz crystal: 10^6 * EBX < 2^32. */
#define MAX_RATIO_NUM	(U32_MAX / 1000000)

static struct minivmm_cpuid_entry2 leaf(u32 fn, u32 idx, u32 flags, u32 a,
					u32 b, u32 c, u32 d)
{
	return (struct minivmm_cpuid_entry2) {
		.function = fn, .index = idx, .flags = flags,
		.eax = a, .ebx = b, .ecx = c, .edx = d,
	};
}

static struct minivmm_cpuid_entry2 ones(u32 fn, u32 idx, u32 flags)
{
	return leaf(fn, idx, flags, ~0u, ~0u, ~0u, ~0u);
}

/* Leaf 1 from a CPU claiming every feature loses what minivmm lacks. */
static void cpuid_mask_leaf1(struct kunit *test)
{
	struct minivmm_cpuid_entry2 e = ones(1, 0, 0);

	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, ~0u);		/* signature kept */
	KUNIT_EXPECT_EQ(test, e.ebx >> 24, 0u);		/* APIC id: per vCPU */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(31));	/* hypervisor */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(5));	/* VMX */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(3));	/* MONITOR */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(15));	/* PDCM */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(17));	/* PCID */
	KUNIT_EXPECT_TRUE(test, e.ecx & X2APIC);	/* in-kernel APIC */
	KUNIT_EXPECT_TRUE(test, e.ecx & TSC_DEADLINE);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(27));	/* OSXSAVE: dynamic */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(26));	/* XSAVE */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(28));	/* AVX */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(0));	/* SSE3 */
	KUNIT_EXPECT_TRUE(test, e.edx & APIC);
	KUNIT_EXPECT_FALSE(test, e.edx & BIT(7));	/* MCE */
	KUNIT_EXPECT_FALSE(test, e.edx & BIT(14));	/* MCA */
	KUNIT_EXPECT_FALSE(test, e.edx & BIT(21));	/* DS */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(12));	/* MTRR */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(16));	/* PAT */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(26));	/* SSE2 */

	/* AVX and what needs its state go with YMM in XCR0. */
	e = ones(1, 0, 0);
	mvm_cpuid_mask(&e, XFEATURE_MASK_FPSSE);
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(26));
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(28));
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(12));	/* FMA */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(29));	/* F16C */

	/* No XSAVE at all on the host: none offered. */
	e = ones(1, 0, 0);
	mvm_cpuid_mask(&e, 0);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(26));
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(31));

	/* The APIC bits are emulated: offered even if the host lacks them. */
	e = leaf(1, 0, 0, 0x906ea, 0, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.ecx, (u32)(BIT(31) | X2APIC | TSC_DEADLINE));
	KUNIT_EXPECT_EQ(test, e.edx, (u32)APIC);
}

static void cpuid_mask_leaf7(struct kunit *test)
{
	struct minivmm_cpuid_entry2 e = ones(7, 0, SIG);

	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 1u);		/* subleaves 0-1 */
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(1));	/* TSC_ADJUST */
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(2));	/* SGX */
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(10));	/* INVPCID */
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(14));	/* MPX */
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(25));	/* Intel PT */
	KUNIT_EXPECT_TRUE(test, e.ebx & BIT(5));	/* AVX2 */
	KUNIT_EXPECT_TRUE(test, e.ebx & BIT(16));	/* AVX512F */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(3));	/* PKU */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(4));	/* OSPKE */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(5));	/* WAITPKG */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(16));	/* LA57 */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(22));	/* RDPID */
	KUNIT_EXPECT_FALSE(test, e.edx & GENMASK(31, 26)); /* SPEC_CTRL & co */
	KUNIT_EXPECT_FALSE(test, e.edx & BIT(24));	/* AMX */

	e = ones(7, 0, SIG);
	mvm_cpuid_mask(&e, XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM);
	KUNIT_EXPECT_TRUE(test, e.ebx & BIT(5));
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(16));
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(31));	/* AVX512VL */

	/* AVX-512 needs all three of its components. */
	e = ones(7, 0, SIG);
	mvm_cpuid_mask(&e, XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM |
		       XFEATURE_MASK_OPMASK);
	KUNIT_EXPECT_FALSE(test, e.ebx & BIT(16));
}

static void cpuid_mask_other_leaves(struct kunit *test)
{
	struct minivmm_cpuid_entry2 e;
	u32 fn;

	/* The basic range always reaches minivmm's time leaves. */
	e = ones(0, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 0x16u);
	KUNIT_EXPECT_EQ(test, e.ebx, ~0u);		/* vendor kept */
	e = leaf(0, 0, 0, 0xd, AMD_EBX, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 0x16u);
	KUNIT_EXPECT_EQ(test, e.ebx, (u32)AMD_EBX);

	e = ones(0xa, 0, 0);				/* PMU */
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0u);
	e = ones(0x5, 0, 0);				/* MONITOR/MWAIT */
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0u);

	/* Leaf 6: ARAT alone, whether or not the host has it. */
	e = ones(0x6, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, (u32)BIT(2));
	KUNIT_EXPECT_EQ(test, e.ebx | e.ecx | e.edx, 0u);
	e = leaf(0x6, 0, 0, 0, 0, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, (u32)BIT(2));

	e = ones(0xb, 1, SIG);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.edx, 0u);		/* host x2APIC id */

	e = ones(0x40000000, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 0x40000010u);
	KUNIT_EXPECT_EQ(test, memcmp(&e.ebx, "minivmm\0\0\0\0", 12), 0);
	e = ones(0x40000001, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0u);

	e = ones(0x80000001, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(2));	/* SVM */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(29));	/* MONITORX */
	KUNIT_EXPECT_FALSE(test, e.edx & BIT(27));	/* RDTSCP */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(29));	/* LM */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(20));	/* NX */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(11));	/* SYSCALL */
	KUNIT_EXPECT_TRUE(test, e.edx & APIC);		/* AMD's copy */
	e = leaf(0x80000001, 0, 0, 0, 0, 0, 0);		/* Intel: reserved */
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.edx, 0u);

	/*
	 * Host leaves minivmm does not offer (0xe-0x14: RDT, SGX, PT, ...)
	 * or replaces with its own (0x15, 0x16, 0x4000xxxx) read 0 from
	 * the host, whatever it has there.
	 */
	for (fn = 0xe; fn <= 0x16; fn++) {
		e = ones(fn, 0, 0);
		mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
		KUNIT_EXPECT_EQ_MSG(test, e.eax | e.ebx | e.ecx | e.edx, 0u,
				    "leaf %#x", fn);
	}
	for (fn = 0x40000002; fn <= 0x40000010; fn++) {
		e = ones(fn, 0, 0);
		mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
		KUNIT_EXPECT_EQ_MSG(test, e.eax | e.ebx | e.ecx | e.edx, 0u,
				    "leaf %#x", fn);
	}

	e = ones(0x80000008, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 0xffffu);		/* no guest-phys byte */
	KUNIT_EXPECT_EQ(test, e.ebx, (u32)(BIT(0) | BIT(2)));

	/* Only the components offered get a 0xd subleaf. */
	e = ones(0xd, 9, SIG);				/* PKRU */
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0u);
	e = leaf(0xd, 2, SIG, 256, 576, 0, 0);
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 256u);
	KUNIT_EXPECT_EQ(test, e.ebx, 576u);
	e = ones(0xd, 0, SIG);	/* components offered; sizes set later */
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, (u32)XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.ebx | e.ecx | e.edx, 0u);
	e = ones(0xd, 1, SIG);				/* no XSAVES, no XFD */
	mvm_cpuid_mask(&e, XCR0_AVX512_ALL);
	KUNIT_EXPECT_EQ(test, e.eax, 7u);
	KUNIT_EXPECT_EQ(test, e.ebx | e.ecx | e.edx, 0u);
}

static void cpuid_check_rules(struct kunit *test)
{
	struct minivmm_cpuid_entry2 t[3];

	t[0] = leaf(0, 0, 0, 0xd, 0, 0, 0);
	t[1] = leaf(7, 0, SIG, 0, 0, 0, 0);
	t[2] = leaf(7, 1, SIG, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), 0);
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 0), 0);

	t[1].flags = 2;					/* unknown flag */
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), -EINVAL);
	t[1].flags = SIG;
	t[1].padding[2] = 1;
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), -EINVAL);
	t[1].padding[2] = 0;
	t[0].index = 1;					/* index, no subleaves */
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), -EINVAL);
	t[0].index = 0;

	t[2].index = 0;					/* subleaf twice */
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), -EINVAL);
	t[2].index = 1;
	t[2].flags = 0;					/* one with, one without */
	t[2].index = 0;
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), -EINVAL);
	t[2] = t[0];					/* leaf twice */
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(t, 3), -EINVAL);
}

/*
 * A small supported table: an Intel CPU with x87, SSE and AVX, a 2.1 GHz
 * TSC, and minivmm's own leaves as mvm_cpuid_time() makes them for it
 * (checked in cpuid_time_leaves).
 */
static const struct minivmm_cpuid_entry2 sup[] = {
	{ .function = 0, .eax = 0x16, .ebx = INTEL_EBX, .ecx = INTEL_ECX,
	  .edx = INTEL_EDX },
	{ .function = 1, .eax = 0x906ea, .ebx = 0x00100800,
	  .ecx = BIT(31) | BIT(28) | BIT(26) | TSC_DEADLINE | X2APIC | BIT(0),
	  .edx = BIT(0) | BIT(25) | APIC },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x121 },
	{ .function = 7, .index = 0, .flags = SIG, .eax = 1, .ebx = BIT(5) },
	{ .function = 7, .index = 1, .flags = SIG, .eax = BIT(4) },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 7, .ecx = 832 },
	{ .function = 0xd, .index = 1, .flags = SIG, .eax = 1 },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 256, .ebx = 576 },
	{ .function = 0x15, .eax = 10, .ebx = 21, .ecx = 1000000000 },
	{ .function = 0x16, .eax = 2100, .ebx = 2100, .ecx = 1000 },
	{ .function = 0x40000000, .eax = 0x40000010, .ebx = 0x696e696d,
	  .ecx = 0x006d6d76 },
	{ .function = 0x40000001 },
	{ .function = 0x40000010, .eax = 2100000, .ebx = 1000000 },
	{ .function = 0x80000000, .eax = 0x80000008 },
	{ .function = 0x80000008, .eax = 0x3027, .ebx = BIT(0) },
};

static void cpuid_filter_rules(struct kunit *test)
{
	struct minivmm_cpuid_entry2 t[8];

	t[0] = leaf(0, 0, 0, 0x1f, AMD_EBX, 1, 2);	/* max leaf, vendor */
	t[1] = ones(1, 0, 0);
	t[2] = ones(7, 1, SIG);
	t[3] = ones(0xa, 0, 0);				/* not offered */
	t[4] = ones(0xd, 0, SIG);
	t[5] = leaf(0x80000008, 0, 0, 0x2430, ~0u, 0x1234, ~0u);
	t[6] = ones(0xd, 2, SIG);
	t[7] = ones(4, 0, SIG);
	mvm_cpuid_filter(sup, ARRAY_SIZE(sup), t, 8);

	KUNIT_EXPECT_EQ(test, t[0].eax, 0x16u);		/* capped */
	KUNIT_EXPECT_EQ(test, t[0].ebx, (u32)AMD_EBX);	/* information: kept */
	KUNIT_EXPECT_EQ(test, t[1].eax, ~0u);
	KUNIT_EXPECT_EQ(test, t[1].ecx, sup[1].ecx);	/* flags: ANDed */
	KUNIT_EXPECT_EQ(test, t[1].edx, sup[1].edx);
	KUNIT_EXPECT_EQ(test, t[2].eax, (u32)BIT(4));
	KUNIT_EXPECT_EQ(test, t[2].ebx | t[2].ecx | t[2].edx, 0u);
	KUNIT_EXPECT_EQ(test, t[3].eax | t[3].ebx | t[3].ecx | t[3].edx, 0u);
	/* 0xd.0: the components within the supported ones, the size
	 * for them recomputed, the current size left to CPUID time. */
	KUNIT_EXPECT_EQ(test, t[4].eax, 7u);
	KUNIT_EXPECT_EQ(test, t[4].ecx, 832u);
	KUNIT_EXPECT_EQ(test, t[4].edx, 0u);
	KUNIT_EXPECT_EQ(test, t[5].eax, 0x2427u);	/* byte by byte */
	KUNIT_EXPECT_EQ(test, t[5].ebx, (u32)BIT(0));
	KUNIT_EXPECT_EQ(test, t[5].ecx, 0x1234u);
	KUNIT_EXPECT_EQ(test, t[6].eax, 256u);		/* sizes from the host */
	KUNIT_EXPECT_EQ(test, t[6].ebx, 576u);
	KUNIT_EXPECT_EQ(test, t[7].eax, ~0u);		/* cache info: kept */

	/* Userspace cannot hide the hypervisor bit. */
	t[1] = leaf(1, 0, 0, 0, 0, 0, 0);
	mvm_cpuid_filter(sup, ARRAY_SIZE(sup), t, 2);
	KUNIT_EXPECT_EQ(test, t[1].ecx, (u32)BIT(31));

	/* Fewer AVX components: a smaller maximum size. */
	t[0] = leaf(0xd, 0, SIG, 3, 0, 0, 0);
	mvm_cpuid_filter(sup, ARRAY_SIZE(sup), t, 1);
	KUNIT_EXPECT_EQ(test, t[0].ecx, 576u);
}

static void cpuid_lookup_rules(struct kunit *test)
{
	struct minivmm_cpuid_entry2 *amd, *old;
	const struct minivmm_cpuid_entry2 *e;
	u32 n = ARRAY_SIZE(sup), fn;

	amd = kunit_kmalloc(test, sizeof(sup), GFP_KERNEL);
	old = kunit_kmalloc(test, sizeof(sup), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, amd);
	KUNIT_ASSERT_NOT_NULL(test, old);

	e = mvm_cpuid_lookup(sup, n, 1, 5);		/* index ignored */
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[1]);
	e = mvm_cpuid_lookup(sup, n, 7, 1);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[4]);
	e = mvm_cpuid_lookup(sup, n, 7, 2);		/* missing subleaf */
	KUNIT_EXPECT_NULL(test, e);
	e = mvm_cpuid_lookup(sup, n, 3, 0);		/* in range, absent */
	KUNIT_EXPECT_NULL(test, e);
	e = mvm_cpuid_lookup(sup, n, 0x80000005, 0);
	KUNIT_EXPECT_NULL(test, e);

	/* Out of range, on Intel: the highest basic leaf, 0x16. */
	e = mvm_cpuid_lookup(sup, n, 0x17, 2);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[9]);
	e = mvm_cpuid_lookup(sup, n, 0x80000009, 0);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[9]);
	e = mvm_cpuid_lookup(sup, n, 0x40000011, 1);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[9]);
	e = mvm_cpuid_lookup(sup, n, 0xc0000000, 0);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[9]);
	e = mvm_cpuid_lookup(sup, n, 0x40000001, 0);	/* in range */
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[11]);
	e = mvm_cpuid_lookup(sup, n, 0x15, 0);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[8]);
	e = mvm_cpuid_lookup(sup, n, 0x40000010, 0);
	KUNIT_EXPECT_PTR_EQ(test, e, &sup[12]);

	/* ... with the same index: a highest leaf with subleaves. */
	memcpy(old, sup, sizeof(sup));
	old[0].eax = 0xd;
	e = mvm_cpuid_lookup(old, n, 0xe, 2);
	KUNIT_EXPECT_PTR_EQ(test, e, &old[7]);
	e = mvm_cpuid_lookup(old, n, 0x15, 1);
	KUNIT_EXPECT_PTR_EQ(test, e, &old[6]);

	/* In range and absent: 0xe-0x14, 0x40000002-0x4000000f read 0. */
	for (fn = 0xe; fn <= 0x14; fn++)
		KUNIT_EXPECT_NULL_MSG(test, mvm_cpuid_lookup(sup, n, fn, 0),
				      "leaf %#x", fn);
	for (fn = 0x40000002; fn <= 0x4000000f; fn++)
		KUNIT_EXPECT_NULL_MSG(test, mvm_cpuid_lookup(sup, n, fn, 0),
				      "leaf %#x", fn);

	/* On AMD: zeros. */
	memcpy(amd, sup, sizeof(sup));
	amd[0].ebx = AMD_EBX;
	KUNIT_EXPECT_NULL(test, mvm_cpuid_lookup(amd, n, 0x17, 0));
	KUNIT_EXPECT_NULL(test, mvm_cpuid_lookup(amd, n, 0x80000009, 0));
	KUNIT_EXPECT_PTR_EQ(test, mvm_cpuid_lookup(amd, n, 0x16, 0), &amd[9]);

	/* Without leaf 0 there is no basic limit. */
	KUNIT_EXPECT_PTR_EQ(test, mvm_cpuid_lookup(sup + 1, n - 1, 0xd, 1),
			    &sup[6]);
	KUNIT_EXPECT_NULL(test, mvm_cpuid_lookup(sup + 1, n - 1, 0x17, 0));
	/* An empty table reads 0 everywhere. */
	KUNIT_EXPECT_NULL(test, mvm_cpuid_lookup(sup, 0, 1, 0));
}

static void cpuid_fixup_rules(struct kunit *test)
{
	u32 n = ARRAY_SIZE(sup);
	struct minivmm_cpuid_entry2 e = sup[1];

	mvm_cpuid_fixup(sup, n, &e, 3, 0, XFEATURE_MASK_FP, true, true);
	KUNIT_EXPECT_EQ(test, e.ebx, 0x03100800u);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(27));
	mvm_cpuid_fixup(sup, n, &e, 0, X86_CR4_OSXSAVE, XFEATURE_MASK_FP,
			true, true);
	KUNIT_EXPECT_EQ(test, e.ebx, 0x00100800u);
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(27));

	/* OSXSAVE only with XSAVE. */
	e.ecx &= ~BIT(26);
	mvm_cpuid_fixup(sup, n, &e, 0, X86_CR4_OSXSAVE, XFEATURE_MASK_FP,
			true, true);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(27));

	e = leaf(0xb, 1, SIG, 0, 1, 0x201, 0);
	mvm_cpuid_fixup(sup, n, &e, 5, 0, 1, true, true);
	KUNIT_EXPECT_EQ(test, e.edx, 5u);

	/* The XSAVE size follows the guest's XCR0. */
	e = sup[5];
	mvm_cpuid_fixup(sup, n, &e, 0, 0, XFEATURE_MASK_FPSSE, true, true);
	KUNIT_EXPECT_EQ(test, e.ebx, 576u);
	mvm_cpuid_fixup(sup, n, &e, 0, 0, XFEATURE_MASK_FPSSE |
			XFEATURE_MASK_YMM, true, true);
	KUNIT_EXPECT_EQ(test, e.ebx, 832u);
	KUNIT_EXPECT_EQ(test, mvm_xsave_size(sup, n, XFEATURE_MASK_FP), 576u);

	/* The time leaves do not depend on the vCPU. */
	e = sup[8];
	mvm_cpuid_fixup(sup, n, &e, 7, X86_CR4_OSXSAVE, XFEATURE_MASK_FPSSE,
			false, false);
	KUNIT_EXPECT_EQ(test, memcmp(&e, &sup[8], sizeof(e)), 0);
}

/*
 * The local APIC bits at CPUID time: all three only with an in-kernel
 * APIC; APIC (leaf 1 EDX bit 9, and AMD's copy) only while IA32_APIC_BASE
 * enables it; never one the table lacks.
 */
static void cpuid_fixup_apic(struct kunit *test)
{
	static const struct {
		bool apic, enabled;
		u32 ecx, edx;		/* the APIC bits left */
	} t[] = {
		{ false, false, 0, 0 },
		{ false, true, 0, 0 },	/* no APIC: "enabled" means nothing */
		{ true, false, X2APIC | TSC_DEADLINE, 0 },
		{ true, true, X2APIC | TSC_DEADLINE, APIC },
	};
	u32 n = ARRAY_SIZE(sup);
	struct minivmm_cpuid_entry2 e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		e = sup[1];
		mvm_cpuid_fixup(sup, n, &e, 0, 0, XFEATURE_MASK_FP,
				t[i].apic, t[i].enabled);
		KUNIT_EXPECT_EQ_MSG(test, e.ecx & (X2APIC | TSC_DEADLINE),
				    t[i].ecx, "case %zu", i);
		KUNIT_EXPECT_EQ_MSG(test, e.edx & APIC, t[i].edx, "case %zu", i);
		/* Nothing else moves. */
		KUNIT_EXPECT_EQ(test, e.ecx & ~(X2APIC | TSC_DEADLINE),
				sup[1].ecx & ~(X2APIC | TSC_DEADLINE));
		KUNIT_EXPECT_EQ(test, e.edx & ~APIC, sup[1].edx & ~APIC);

		e = leaf(0x80000001, 0, 0, 0, 0, 0, BIT(29) | APIC);
		mvm_cpuid_fixup(sup, n, &e, 0, 0, XFEATURE_MASK_FP,
				t[i].apic, t[i].enabled);
		KUNIT_EXPECT_EQ_MSG(test, e.edx, BIT(29) | t[i].edx,
				    "case %zu", i);
	}

	/* Cleared by SET_CPUID2: an irqchip does not bring them back. */
	e = sup[1];
	e.ecx &= ~(X2APIC | TSC_DEADLINE);
	e.edx &= ~APIC;
	mvm_cpuid_fixup(sup, n, &e, 0, 0, XFEATURE_MASK_FP, true, true);
	KUNIT_EXPECT_FALSE(test, e.ecx & (X2APIC | TSC_DEADLINE));
	KUNIT_EXPECT_FALSE(test, e.edx & APIC);
}

/*
 * The TSC kHz a Linux guest derives from leaf 0x15 (native_calibrate_tsc()),
 * in its 32-bit arithmetic: crystal kHz * EBX / EAX.
 */
static u32 linux_tsc_khz(const struct minivmm_cpuid_entry2 *e)
{
	u32 crystal_khz = e->ecx / 1000;

	return crystal_khz * e->ebx / e->eax;
}

/* |a/b - k/10^6| scaled by b * 10^6, as u64: how far a/b is from k/10^6. */
static u64 ratio_err(u64 a, u64 b, u64 k)
{
	u64 x = a * 1000000, y = k * b;

	return x > y ? x - y : y - x;
}

/* Leaves 0x15, 0x16, 0x40000010 for a TSC of @khz. */
static void time_leaves(u32 khz, struct minivmm_cpuid_entry2 *l15,
			struct minivmm_cpuid_entry2 *l16,
			struct minivmm_cpuid_entry2 *lhv)
{
	*l15 = ones(0x15, 0, 0);
	*l16 = ones(0x16, 0, 0);
	*lhv = ones(0x40000010, 0, 0);
	mvm_cpuid_time(l15, khz);
	mvm_cpuid_time(l16, khz);
	mvm_cpuid_time(lhv, khz);
}

static void cpuid_time_leaves(struct kunit *test)
{
	/* TSC rates with no exact ratio within Linux's limit, and one with. */
	static const u32 khz[] = {
		2095999, 2000233, 3192001, 1500007, 999999, 4999991, 2100000,
	};
	struct minivmm_cpuid_entry2 l15, l16, lhv, e;
	u32 a, b, d, i;
	u64 err;

	/* 2.1 GHz: 21/10 exactly, the table above. */
	time_leaves(2100000, &l15, &l16, &lhv);
	KUNIT_EXPECT_EQ(test, memcmp(&l15, &sup[8], sizeof(l15)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&l16, &sup[9], sizeof(l16)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&lhv, &sup[12], sizeof(lhv)), 0);
	KUNIT_EXPECT_EQ(test, linux_tsc_khz(&l15), 2100000u);

	/* Unknown rate: all three read 0. */
	time_leaves(0, &l15, &l16, &lhv);
	KUNIT_EXPECT_EQ(test, l15.eax | l15.ebx | l15.ecx | l15.edx, 0u);
	KUNIT_EXPECT_EQ(test, l16.eax | l16.ebx | l16.ecx | l16.edx, 0u);
	KUNIT_EXPECT_EQ(test, lhv.eax | lhv.ebx | lhv.ecx | lhv.edx, 0u);

	/* Other leaves are not touched. */
	e = ones(0x14, 0, 0);
	mvm_cpuid_time(&e, 2100000);
	KUNIT_EXPECT_EQ(test, e.eax & e.ebx & e.ecx & e.edx, ~0u);

	/* Just above 2 GHz: 2000233/10^6 is nearest to 4293/2146. */
	time_leaves(2000233, &l15, &l16, &lhv);
	KUNIT_EXPECT_EQ(test, l15.ebx, 4293u);
	KUNIT_EXPECT_EQ(test, l15.eax, 2146u);
	KUNIT_EXPECT_EQ(test, l16.eax, 2000u);

	/* The largest rate a u32 holds: the largest ratio Linux can take. */
	time_leaves(U32_MAX, &l15, &l16, &lhv);
	KUNIT_EXPECT_EQ(test, l15.ebx, MAX_RATIO_NUM);
	KUNIT_EXPECT_EQ(test, l15.eax, 1u);
	KUNIT_EXPECT_EQ(test, l16.eax, 0xffffu);	/* 16 bits of MHz */
	KUNIT_EXPECT_EQ(test, lhv.eax, U32_MAX);

	for (i = 0; i < ARRAY_SIZE(khz); i++) {
		time_leaves(khz[i], &l15, &l16, &lhv);
		KUNIT_EXPECT_EQ(test, l15.ecx, 1000000000u);
		KUNIT_EXPECT_EQ(test, l15.edx, 0u);
		KUNIT_ASSERT_NE(test, l15.eax, 0u);
		KUNIT_ASSERT_NE(test, l15.ebx, 0u);
		/* Within what the guest's 32-bit arithmetic can take. */
		KUNIT_EXPECT_LE(test, l15.ebx, MAX_RATIO_NUM);
		/*
		 * What the guest derives is within one step of
		 * 1/MAX_RATIO_NUM of the ratio (and Linux's rounding down).
		 */
		KUNIT_EXPECT_LE_MSG(test, abs((s64)linux_tsc_khz(&l15) - khz[i]),
				    (s64)khz[i] / MAX_RATIO_NUM + 1,
				    "%u kHz: %u/%u", khz[i], l15.ebx, l15.eax);
		/*
		 * And no fraction within the limit is closer (brute force:
		 * for each numerator, the two denominators around it).
		 */
		err = ratio_err(l15.ebx, l15.eax, khz[i]);
		for (b = 1; b <= MAX_RATIO_NUM; b++) {
			a = div_u64((u64)b * 1000000, khz[i]);
			for (d = max_t(u32, a, 1); d <= a + 1; d++)
				KUNIT_EXPECT_LE_MSG(test, err * d,
						    ratio_err(b, d, khz[i]) *
						    l15.eax,
						    "%u kHz: %u/%u beats %u/%u",
						    khz[i], b, d, l15.ebx,
						    l15.eax);
		}

		KUNIT_EXPECT_EQ(test, l16.eax, khz[i] / 1000);
		KUNIT_EXPECT_EQ(test, l16.ebx, khz[i] / 1000);
		KUNIT_EXPECT_EQ(test, l16.ecx, 1000u);
		KUNIT_EXPECT_EQ(test, l16.edx, 0u);
		KUNIT_EXPECT_EQ(test, lhv.eax, khz[i]);
		KUNIT_EXPECT_EQ(test, lhv.ebx, 1000000u);
		KUNIT_EXPECT_EQ(test, lhv.ecx | lhv.edx, 0u);
	}
}

/*
 * SET_CPUID2 cannot change the time leaves; it may leave them out, lower
 * the highest leaves, and gets nothing in 0xe-0x14 or 0x40000002-f.
 */
static void cpuid_filter_time(struct kunit *test)
{
	struct minivmm_cpuid_entry2 t[7];
	u32 i;

	t[0] = leaf(0, 0, 0, 0x20, INTEL_EBX, INTEL_ECX, INTEL_EDX);
	t[1] = leaf(0x15, 0, 0, 1, 4000, 25000000, 7);	/* a 100 GHz TSC */
	t[2] = ones(0x16, 0, 0);
	t[3] = leaf(0x40000000, 0, 0, 0x400000ff, 0, 0, 0);
	t[4] = leaf(0x40000010, 0, 0, 1, 2, 3, 4);
	t[5] = ones(0x10, 0, 0);
	t[6] = ones(0x40000003, 0, 0);
	mvm_cpuid_filter(sup, ARRAY_SIZE(sup), t, ARRAY_SIZE(t));
	KUNIT_EXPECT_EQ(test, t[0].eax, 0x16u);
	KUNIT_EXPECT_EQ(test, t[3].eax, 0x40000010u);
	for (i = 1; i < ARRAY_SIZE(t); i++) {
		const struct minivmm_cpuid_entry2 *s =
			mvm_cpuid_find(sup, ARRAY_SIZE(sup), t[i].function, 0);

		if (i == 3)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, t[i].eax, s ? s->eax : 0, "%#x", t[i].function);
		KUNIT_EXPECT_EQ_MSG(test, t[i].ebx, s ? s->ebx : 0, "%#x", t[i].function);
		KUNIT_EXPECT_EQ_MSG(test, t[i].ecx, s ? s->ecx : 0, "%#x", t[i].function);
		KUNIT_EXPECT_EQ_MSG(test, t[i].edx, s ? s->edx : 0, "%#x", t[i].function);
	}
	KUNIT_EXPECT_EQ(test, t[1].ecx, 1000000000u);	/* not 25 MHz */
	KUNIT_EXPECT_EQ(test, t[5].eax | t[6].eax, 0u);

	/* Lower maximums are userspace's to set. */
	t[0] = leaf(0, 0, 0, 0xd, INTEL_EBX, INTEL_ECX, INTEL_EDX);
	t[1] = leaf(0x40000000, 0, 0, 0x40000001, 0, 0, 0);
	mvm_cpuid_filter(sup, ARRAY_SIZE(sup), t, 2);
	KUNIT_EXPECT_EQ(test, t[0].eax, 0xdu);
	KUNIT_EXPECT_EQ(test, t[1].eax, 0x40000001u);
}

/* This host's supported table keeps minivmm's promises. */
static void cpuid_supported_table(struct kunit *test)
{
	static const u32 time_leaf[] = { 0x15, 0x16, 0x40000010 };
	const struct minivmm_cpuid_entry2 *s, *e;
	struct minivmm_cpuid_entry2 *copy, t;
	u64 xcr0 = mvm_supported_xcr0();
	u32 n, i, fn;

	s = mvm_cpuid_supported(&n);
	KUNIT_ASSERT_GT(test, n, 0u);
	copy = kunit_kcalloc(test, n, sizeof(*copy), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_EXPECT_EQ(test, mvm_cpuid_check(s, n), 0);

	e = mvm_cpuid_find(s, n, 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_TRUE(test, e->ecx & BIT(31));
	KUNIT_EXPECT_FALSE(test, e->ecx & (BIT(5) | BIT(27)));
	/* Whatever this host's own APIC offers. */
	KUNIT_EXPECT_EQ(test, e->ecx & (X2APIC | TSC_DEADLINE),
			(u32)(X2APIC | TSC_DEADLINE));
	KUNIT_EXPECT_TRUE(test, e->edx & APIC);
	e = mvm_cpuid_find(s, n, 0x80000001, 0);
	if (e)
		KUNIT_EXPECT_FALSE(test, e->ecx & BIT(2));
	e = mvm_cpuid_find(s, n, 0x6, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->eax, (u32)BIT(2));	/* ARAT */
	e = mvm_cpuid_find(s, n, 0x40000000, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->eax, 0x40000010u);
	KUNIT_EXPECT_EQ(test, e->ebx, 0x696e696du);

	/*
	 * The basic range reaches the time leaves, which hold this host's
	 * TSC rate; none of the host's leaves 0xe-0x14 came through, nor
	 * anything in 0x40000002-f.
	 */
	e = mvm_cpuid_find(s, n, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->eax, 0x16u);
	for (i = 0; i < ARRAY_SIZE(time_leaf); i++) {
		t = leaf(time_leaf[i], 0, 0, 0, 0, 0, 0);
		mvm_cpuid_time(&t, tsc_khz);
		e = mvm_cpuid_lookup(s, n, time_leaf[i], 0);
		KUNIT_ASSERT_NOT_NULL(test, e);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(e, &t, sizeof(t)), 0,
				    "leaf %#x, tsc_khz %u", time_leaf[i],
				    tsc_khz);
	}
	for (fn = 0xe; fn <= 0x14; fn++)
		KUNIT_EXPECT_NULL_MSG(test, mvm_cpuid_lookup(s, n, fn, 0),
				      "leaf %#x", fn);
	for (fn = 0x40000002; fn <= 0x4000000f; fn++)
		KUNIT_EXPECT_NULL_MSG(test, mvm_cpuid_lookup(s, n, fn, 0),
				      "leaf %#x", fn);

	/* Within x87..AVX-512; the XSAVE area fits struct minivmm_xsave. */
	KUNIT_EXPECT_EQ(test, xcr0 & ~XCR0_AVX512_ALL, 0ULL);
	KUNIT_EXPECT_LE(test, mvm_xsave_size(s, n, xcr0),
			(u32)sizeof(struct minivmm_xsave));
	if (xcr0) {
		e = mvm_cpuid_find(s, n, 0xd, 0);
		KUNIT_ASSERT_NOT_NULL(test, e);
		KUNIT_EXPECT_EQ(test, e->eax | (u64)e->edx << 32, xcr0);
	}

	/* Handing it back through SET_CPUID2 changes nothing. */
	memcpy(copy, s, n * sizeof(*s));
	mvm_cpuid_filter(s, n, copy, n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&copy[i], &s[i], sizeof(*s)), 0,
				    "leaf %#x.%u", s[i].function, s[i].index);
}

static struct kunit_case cpuid_cases[] = {
	KUNIT_CASE(cpuid_mask_leaf1),
	KUNIT_CASE(cpuid_mask_leaf7),
	KUNIT_CASE(cpuid_mask_other_leaves),
	KUNIT_CASE(cpuid_check_rules),
	KUNIT_CASE(cpuid_filter_rules),
	KUNIT_CASE(cpuid_lookup_rules),
	KUNIT_CASE(cpuid_fixup_rules),
	KUNIT_CASE(cpuid_fixup_apic),
	KUNIT_CASE(cpuid_time_leaves),
	KUNIT_CASE(cpuid_filter_time),
	KUNIT_CASE(cpuid_supported_table),
	{}
};

static struct kunit_suite cpuid_suite = {
	.name = "minivmm_cpuid",
	.test_cases = cpuid_cases,
};
kunit_test_suite(cpuid_suite);
