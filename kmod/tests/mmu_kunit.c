// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the nested page tables (kmod/mmu.c) in both encodings,
 * EPT (kmod/vmx/ept.c) and NPT (kmod/svm/npt.c).
 *
 * A wrong bit here is a guest reading or writing host memory it was never
 * given, so the leaf encodings are checked bit for bit against the manuals,
 * and the walk is checked at the boundaries of every table level.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <asm/io.h>

#include "../minivmm.h"
#include "../vmx/vmx.h"
#include "../svm/svm.h"

/* Which encoding a parameterised case runs with. */
static const struct mvm_pt_fmt *const mmu_fmts[] = {
	&vmx_ept_fmt,
	&svm_npt_fmt,
};

static void mmu_fmt_desc(const struct mvm_pt_fmt *const *fmt, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
		 *fmt == &vmx_ept_fmt ? "ept" : "npt");
}
KUNIT_ARRAY_PARAM(mmu_fmt, mmu_fmts, mmu_fmt_desc);

static const struct mvm_pt_fmt *mmu_param(struct kunit *test)
{
	return *(const struct mvm_pt_fmt *const *)test->param_value;
}

/* A host page to map: any page address works, nothing dereferences it. */
#define HPA_A		0x12345000ULL
#define HPA_B		0xabcdef000ULL

static unsigned long mmu_puts;

static void mmu_count_put(const struct mvm_pt_fmt *fmt, u64 pte)
{
	mmu_puts++;
}

/* EPT: R=bit 0, W=1, X=2, memory type WB (6) in 5:3, ignore PAT bit 6. */
static void mmu_ept_leaf_bits(struct kunit *test)
{
	const struct mvm_pt_fmt *f = &vmx_ept_fmt;

	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A, true, true),
			HPA_A | 0x77);
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A, false, true),
			HPA_A | 0x75);
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A, false, false),
			HPA_A | 0x71);
	KUNIT_EXPECT_EQ(test, f->table, 0x7ULL);
	/* Bits below 12 and above 51 of the address never leak in. */
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A | 0xfff, false, false),
			HPA_A | 0x71);
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A | BIT_ULL(63), false,
					       false), HPA_A | 0x71);
}

/* NPT: P=bit 0, R/W=1, U/S=2 on every entry, NX (63) clear. */
static void mmu_npt_leaf_bits(struct kunit *test)
{
	const struct mvm_pt_fmt *f = &svm_npt_fmt;

	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A, true, true),
			HPA_A | 0x7);
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A, false, true),
			HPA_A | 0x5);
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A, false, false),
			HPA_A | 0x5);
	KUNIT_EXPECT_EQ(test, f->table, 0x7ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_make_leaf(f, HPA_A | BIT_ULL(63), true,
					       false), HPA_A | 0x7);
}

static void mmu_map_lookup_unmap(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	u64 leaf = mvm_pt_make_leaf(f, HPA_A, true, true);
	struct mvm_pt pt;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x1000), 0ULL);

	KUNIT_EXPECT_EQ(test, mvm_pt_map(&pt, 0x1000, leaf), 0);
	/* Root plus one table for each of the three lower levels. */
	KUNIT_EXPECT_EQ(test, pt.nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x1000), leaf);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x0), 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x2000), 0ULL);

	/* A mapped page is not silently replaced. */
	KUNIT_EXPECT_EQ(test, mvm_pt_map(&pt, 0x1000,
					 mvm_pt_make_leaf(f, HPA_B, true, true)),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x1000), leaf);

	mmu_puts = 0;
	KUNIT_EXPECT_EQ(test, mvm_pt_unmap_range(&pt, 0x1000, PAGE_SIZE,
						 mmu_count_put), 1UL);
	KUNIT_EXPECT_EQ(test, mmu_puts, 1UL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x1000), 0ULL);
	/* Unmapped, it can be mapped again. */
	KUNIT_EXPECT_EQ(test, mvm_pt_map(&pt, 0x1000, leaf), 0);

	mvm_pt_destroy(&pt, NULL);
	KUNIT_EXPECT_EQ(test, pt.nr_tables, 0UL);
}

/* The index of each level is taken from its own address bits. */
static void mmu_level_boundaries(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	static const u64 gpas[] = {
		0x0,			/* first page */
		0x1ff000,		/* last page of the first 2 MiB */
		0x200000,		/* next level-1 table */
		0x3ffff000,		/* last page of the first 1 GiB */
		0x40000000,		/* next level-2 table */
		0x7ffffff000,		/* last page of the first 512 GiB */
		0x8000000000,		/* next level-3 table */
		0x7ffffffff000,		/* the last page below 2^47 */
		0xfffffffff000,		/* the last 48-bit page */
	};
	struct mvm_pt pt;
	unsigned int i, j;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	for (i = 0; i < ARRAY_SIZE(gpas); i++)
		KUNIT_ASSERT_EQ(test, mvm_pt_map(&pt, gpas[i],
				mvm_pt_make_leaf(f, HPA_A + i * PAGE_SIZE,
						 true, true)), 0);
	/* Each mapping is found at its own address and no other. */
	for (i = 0; i < ARRAY_SIZE(gpas); i++) {
		u64 pte = mvm_pt_lookup(&pt, gpas[i]);

		KUNIT_EXPECT_EQ_MSG(test, pte & f->addr_mask,
				    HPA_A + i * PAGE_SIZE, "gpa %llx", gpas[i]);
		for (j = 0; j < ARRAY_SIZE(gpas); j++)
			if (j != i)
				KUNIT_EXPECT_NE(test, mvm_pt_lookup(&pt, gpas[j]),
						pte);
	}
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x1000), 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x1fe000), 0ULL);

	/* A range across the 1 GiB boundary removes exactly its leaves. */
	mmu_puts = 0;
	KUNIT_EXPECT_EQ(test, mvm_pt_unmap_range(&pt, 0x3fffe000, 0x3000,
						 mmu_count_put), 2UL);
	KUNIT_EXPECT_EQ(test, mmu_puts, 2UL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x3ffff000), 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x40000000), 0ULL);
	KUNIT_EXPECT_NE(test, mvm_pt_lookup(&pt, 0x200000), 0ULL);

	/* Destroy hands back every leaf still mapped, once. */
	mmu_puts = 0;
	mvm_pt_destroy(&pt, mmu_count_put);
	KUNIT_EXPECT_EQ(test, mmu_puts, (unsigned long)ARRAY_SIZE(gpas) - 2);
	KUNIT_EXPECT_EQ(test, pt.nr_tables, 0UL);
}

static void mmu_bad_gpa(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	u64 leaf = mvm_pt_make_leaf(f, HPA_A, true, true);
	struct mvm_pt pt;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	KUNIT_EXPECT_EQ(test, mvm_pt_map(&pt, 0x1001, leaf), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_pt_map(&pt, 1ULL << 48, leaf), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_pt_map(&pt, ~0ULL & PAGE_MASK, leaf), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 1ULL << 48), 0ULL);
	/* Nothing was allocated for the refused requests. */
	KUNIT_EXPECT_EQ(test, pt.nr_tables, 1UL);
	mvm_pt_destroy(&pt, NULL);
}

/* A read-only leaf never carries the write bit, whatever else it has. */
static void mmu_read_only(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	struct mvm_pt pt;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	KUNIT_ASSERT_EQ(test, mvm_pt_map(&pt, 0x5000,
			mvm_pt_make_leaf(f, HPA_B, false, true)), 0);
	KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, 0x5000) & f->leaf_write, 0ULL);
	KUNIT_EXPECT_NE(test, mvm_pt_lookup(&pt, 0x5000) & f->present_mask,
			0ULL);
	mvm_pt_destroy(&pt, NULL);
}

/* Intermediate tables point at real, zeroed pages of the table. */
static void mmu_tables_linked(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	struct mvm_pt pt;
	u64 *l3, *l2, *l1;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	KUNIT_ASSERT_EQ(test, mvm_pt_map(&pt, 0x40201000,
			mvm_pt_make_leaf(f, HPA_A, true, true)), 0);
	/* 0x40201000: level-4 index 0, level 3 index 1, 2 index 1, 1 index 1. */
	KUNIT_EXPECT_EQ(test, pt.root[0] & ~f->addr_mask, f->table);
	l3 = phys_to_virt(pt.root[0] & f->addr_mask);
	KUNIT_EXPECT_EQ(test, l3[0], 0ULL);
	KUNIT_EXPECT_EQ(test, l3[1] & ~f->addr_mask, f->table);
	l2 = phys_to_virt(l3[1] & f->addr_mask);
	KUNIT_EXPECT_EQ(test, l2[1] & ~f->addr_mask, f->table);
	l1 = phys_to_virt(l2[1] & f->addr_mask);
	KUNIT_EXPECT_EQ(test, l1[1] & f->addr_mask, HPA_A);
	KUNIT_EXPECT_EQ(test, l1[0], 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_root_pa(&pt), virt_to_phys(pt.root));
	mvm_pt_destroy(&pt, NULL);
}

/*
 * mvm_pt_next_mapped() finds each leaf of a sparse table in order, whatever
 * table edge it sits on, and nothing in between or beyond.
 */
static void mmu_next_mapped_sparse(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	static const u64 gpas[] = {
		0x1ff000,		/* last page of a level-1 table */
		0x200000,		/* first page of the next one */
		0x3ffff000,		/* last page of a level-2 table */
		0x8000000000,		/* first page of the second level-3 table */
		0x3fffffffe000,		/* inside the last 2 MiB below 2^46 */
		0x7ffffffff000,		/* the last page below 2^47 */
		0xfffffffff000,		/* the last 48-bit page */
	};
	const u64 top = 1ULL << 48;
	struct mvm_pt pt;
	unsigned int i;
	u64 gpa;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	/* An empty table: nothing anywhere, and the end comes back as given. */
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0, top), top);
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0, ~0ULL), ~0ULL);

	for (i = 0; i < ARRAY_SIZE(gpas); i++)
		KUNIT_ASSERT_EQ(test, mvm_pt_map(&pt, gpas[i],
				mvm_pt_make_leaf(f, HPA_A, true, true)), 0);

	/* Stepping from one leaf to the next visits them all, in order. */
	gpa = mvm_pt_next_mapped(&pt, 0, top);
	for (i = 0; i < ARRAY_SIZE(gpas); i++) {
		KUNIT_EXPECT_EQ_MSG(test, gpa, gpas[i], "leaf %u", i);
		gpa = mvm_pt_next_mapped(&pt, gpa + PAGE_SIZE, top);
	}
	KUNIT_EXPECT_EQ(test, gpa, top);

	/* A start on a leaf finds it; the end is exclusive. */
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0x200000, top), 0x200000ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0x201000, 0x3ffff000),
			0x3ffff000ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0x201000, 0x40000000),
			0x3ffff000ULL);
	/* Across absent level-4 and level-3 entries. */
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0x40000000, top),
			0x8000000000ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0x8000001000, top),
			0x3fffffffe000ULL);
	/* An unaligned start counts from its page. */
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0x1ff123, top), 0x1ff000ULL);
	/* Above the last leaf, and past 2^48: the end as given. */
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0xfffffffff000 + PAGE_SIZE,
						 ~0ULL), ~0ULL);
	mvm_pt_destroy(&pt, NULL);
}

/*
 * Unmapping a 2^46-byte range with a few leaves in it removes exactly
 * those.  Page by page this would be 2^34 lookups and the case would not
 * finish within KUnit's timeout.
 */
static void mmu_unmap_huge_sparse(struct kunit *test)
{
	const struct mvm_pt_fmt *f = mmu_param(test);
	static const u64 gpas[] = {
		0x0, 0x1ff000, 0x40000000, 0x8000000000, 0x3ffffffff000,
		0x400000000000,		/* just past the range */
	};
	const u64 size = 1ULL << 46;
	struct mvm_pt pt;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, mvm_pt_init(&pt, f), 0);
	for (i = 0; i < ARRAY_SIZE(gpas); i++)
		KUNIT_ASSERT_EQ(test, mvm_pt_map(&pt, gpas[i],
				mvm_pt_make_leaf(f, HPA_A, true, true)), 0);

	mmu_puts = 0;
	KUNIT_EXPECT_EQ(test, mvm_pt_unmap_range(&pt, 0, size, mmu_count_put),
			(unsigned long)ARRAY_SIZE(gpas) - 1);
	KUNIT_EXPECT_EQ(test, mmu_puts, (unsigned long)ARRAY_SIZE(gpas) - 1);
	for (i = 0; i + 1 < ARRAY_SIZE(gpas); i++)
		KUNIT_EXPECT_EQ(test, mvm_pt_lookup(&pt, gpas[i]), 0ULL);
	KUNIT_EXPECT_NE(test, mvm_pt_lookup(&pt, size), 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_pt_next_mapped(&pt, 0, size), size);
	/* Again over the now empty range: nothing to remove. */
	KUNIT_EXPECT_EQ(test, mvm_pt_unmap_range(&pt, 0, size, mmu_count_put),
			0UL);
	mvm_pt_destroy(&pt, NULL);
}

static struct kunit_case mmu_cases[] = {
	KUNIT_CASE(mmu_ept_leaf_bits),
	KUNIT_CASE(mmu_npt_leaf_bits),
	KUNIT_CASE_PARAM(mmu_map_lookup_unmap, mmu_fmt_gen_params),
	KUNIT_CASE_PARAM(mmu_level_boundaries, mmu_fmt_gen_params),
	KUNIT_CASE_PARAM(mmu_bad_gpa, mmu_fmt_gen_params),
	KUNIT_CASE_PARAM(mmu_read_only, mmu_fmt_gen_params),
	KUNIT_CASE_PARAM(mmu_tables_linked, mmu_fmt_gen_params),
	KUNIT_CASE_PARAM(mmu_next_mapped_sparse, mmu_fmt_gen_params),
	KUNIT_CASE_PARAM(mmu_unmap_huge_sparse, mmu_fmt_gen_params),
	{}
};

static struct kunit_suite mmu_suite = {
	.name = "minivmm_mmu",
	.test_cases = mmu_cases,
};
kunit_test_suite(mmu_suite);
