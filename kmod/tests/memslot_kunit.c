// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the memory-slot rules (kmod/memslot.c).
 *
 * mvm_memslot_check() decides every MINIVMM_SET_USER_MEMORY_REGION request
 * from the slot table alone, so each rule can be checked here without a VM
 * or user memory; selftests/minivmm/memslot_test.c checks the same rules
 * through the ioctl.
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "../minivmm.h"

#define PG	PAGE_SIZE

static struct minivmm_userspace_memory_region region(u32 slot, u32 flags,
						     u64 gpa, u64 size,
						     u64 uaddr)
{
	return (struct minivmm_userspace_memory_region) {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};
}

static int check(const struct mvm_memslots *s, u32 slot, u32 flags, u64 gpa,
		 u64 size, u64 uaddr)
{
	struct minivmm_userspace_memory_region r =
		region(slot, flags, gpa, size, uaddr);

	return mvm_memslot_check(s, &r, true);
}

static void memslot_create_move_delete(struct kunit *test)
{
	struct mvm_memslots s = {};

	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 16 * PG, 0x10000),
			MVM_MEMSLOT_CREATE);
	s.slot[0] = (struct mvm_memslot){ .base_gfn = 0, .npages = 16,
					  .uaddr = 0x10000 };
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 16 * PG, 0x10000),
			MVM_MEMSLOT_UNCHANGED);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0x100000, 16 * PG, 0x10000),
			MVM_MEMSLOT_MOVE);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 0, 0), MVM_MEMSLOT_DELETE);
	KUNIT_EXPECT_EQ(test, check(&s, 1, 0, 0, 0, 0), -EINVAL);
}

static void memslot_field_rules(struct kunit *test)
{
	struct mvm_memslots s = {};
	struct minivmm_userspace_memory_region r = region(0, 0, 0, PG, 0x10000);

	KUNIT_EXPECT_EQ(test, check(&s, 0, 1, 0, PG, 0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 1u << 31, 0, PG, 0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, MINIVMM_MEM_READONLY, 0, PG, 0x10000),
			MVM_MEMSLOT_CREATE);
	KUNIT_EXPECT_EQ(test, check(&s, MVM_MAX_MEMSLOTS, 0, 0, PG, 0x10000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, MVM_MAX_MEMSLOTS - 1, 0, 0, PG, 0x10000),
			MVM_MEMSLOT_CREATE);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0x800, PG, 0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, PG + 8, 0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, PG, 0x10008), -EINVAL);
	/* Wrap-around of either range, and the 48-bit limit. */
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, ~0ULL & PAGE_MASK, 2 * PG,
				    0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 2 * PG, ~0ULL & PAGE_MASK),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, (1ULL << 48) - PG, PG, 0x10000),
			MVM_MEMSLOT_CREATE);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, (1ULL << 48) - PG, 2 * PG,
				    0x10000), -EINVAL);
	/* The caller's access_ok() verdict is honoured. */
	KUNIT_EXPECT_EQ(test, mvm_memslot_check(&s, &r, false), -EINVAL);
}

static void memslot_overlap(struct kunit *test)
{
	struct mvm_memslots s = {};

	s.slot[3] = (struct mvm_memslot){ .base_gfn = 0x100, .npages = 16,
					  .uaddr = 0x10000 };
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0xff000, 2 * PG, 0x20000),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0x10f000, 2 * PG, 0x20000),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0x104000, PG, 0x20000), -EEXIST);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 0x200000, 0x20000), -EEXIST);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0xff000, PG, 0x20000),
			MVM_MEMSLOT_CREATE);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0x110000, PG, 0x20000),
			MVM_MEMSLOT_CREATE);
	/* A slot never overlaps itself when it moves. */
	KUNIT_EXPECT_EQ(test, check(&s, 3, 0, 0x108000, 16 * PG, 0x10000),
			MVM_MEMSLOT_MOVE);
}

static void memslot_existing_is_fixed(struct kunit *test)
{
	struct mvm_memslots s = {};

	s.slot[0] = (struct mvm_memslot){ .base_gfn = 0, .npages = 16,
					  .uaddr = 0x10000 };
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 8 * PG, 0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, 0, 0, 16 * PG, 0x20000), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(&s, 0, MINIVMM_MEM_READONLY, 0, 16 * PG,
				    0x10000), -EINVAL);
}

static struct kunit_case memslot_cases[] = {
	KUNIT_CASE(memslot_create_move_delete),
	KUNIT_CASE(memslot_field_rules),
	KUNIT_CASE(memslot_overlap),
	KUNIT_CASE(memslot_existing_is_fixed),
	{}
};

static struct kunit_suite memslot_suite = {
	.name = "minivmm_memslot",
	.test_cases = memslot_cases,
};
kunit_test_suite(memslot_suite);
