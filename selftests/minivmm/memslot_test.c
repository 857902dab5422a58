// SPDX-License-Identifier: GPL-2.0
/*
 * MINIVMM_SET_USER_MEMORY_REGION: every validation rule, one case each.
 *
 * Slot validation is where hypervisors have let a guest reach memory it
 * does not own (CVE-2020-36313), so each rule in Documentation/api.rst has a
 * case here that would fail if the rule were dropped: alignment, range
 * wrap-around, the guest-physical limit, kernel addresses, overlap
 * (-EEXIST), the slot count, unknown flags, and the in-place changes an
 * existing slot refuses.  And a slot as large as the VMM can reserve
 * costs no more to create, move or delete than a small one.
 */
#include "kselftest_harness.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "minivmm_util.h"

#define PG		4096UL
#define MEM_SIZE	(64 * PG)
#define GPA_LIMIT	(1ULL << 48)

FIXTURE(slots) {
	int sys;
	int vm;
	void *mem;
	int nr_slots;
};

FIXTURE_SETUP(slots)
{
	self->vm = -1;
	self->mem = MAP_FAILED;
	self->sys = mvm_open_dev();
	ASSERT_LE(0, self->sys)
		TH_LOG("cannot open %s: %s (is minivmm loaded?)",
		       MVM_DEV_PATH, strerror(-self->sys));
	self->vm = mvm_create_vm(self->sys);
	ASSERT_LE(0, self->vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	self->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	self->nr_slots = mvm_check_extension(self->sys, MINIVMM_CAP_NR_MEMSLOTS);
	ASSERT_LT(0, self->nr_slots);
}

FIXTURE_TEARDOWN(slots)
{
	if (self->mem != MAP_FAILED)
		munmap(self->mem, MEM_SIZE);
	if (self->vm >= 0)
		close(self->vm);
	if (self->sys >= 0)
		close(self->sys);
}

/* Returns 0 or -errno. */
static int set_region(int vm, __u32 slot, __u32 flags, __u64 gpa, __u64 size,
		      __u64 uaddr)
{
	struct minivmm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = uaddr,
	};

	return ioctl(vm, MINIVMM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

#define UADDR(self, off)	((__u64)(unsigned long)(self)->mem + (off))

TEST_F(slots, create_and_delete)
{
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, MEM_SIZE, UADDR(self, 0)));
	/* The same request again changes nothing and is fine. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, MEM_SIZE, UADDR(self, 0)));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, 0, 0));
	/* Deleted means free: deleting again is refused, creating works. */
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 0, 0));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, MEM_SIZE, UADDR(self, 0)));
}

TEST_F(slots, delete_unused_slot)
{
	EXPECT_EQ(-EINVAL, set_region(self->vm, 3, 0, 0, 0, 0));
}

TEST_F(slots, read_only_flag)
{
	EXPECT_EQ(0, set_region(self->vm, 0, MINIVMM_MEM_READONLY, 0,
				MEM_SIZE, UADDR(self, 0)));
}

TEST_F(slots, unknown_flags)
{
	static const __u32 flags[] = {
		1u << 0, 1u << 2, 1u << 3, 1u << 31,
		MINIVMM_MEM_READONLY | 1u << 0,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++)
		EXPECT_EQ(-EINVAL, set_region(self->vm, 0, flags[i], 0,
					      MEM_SIZE, UADDR(self, 0)))
			TH_LOG("flags %#x", flags[i]);
}

TEST_F(slots, slot_out_of_range)
{
	static const __u32 far[] = { 0x10000, 0x7fffffffu, 0xffffffffu };
	size_t i;

	EXPECT_EQ(-EINVAL, set_region(self->vm, self->nr_slots, 0, 0, PG,
				      UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, self->nr_slots + 1, 0, 0, PG,
				      UADDR(self, 0)));
	for (i = 0; i < ARRAY_SIZE(far); i++)
		EXPECT_EQ(-EINVAL, set_region(self->vm, far[i], 0, 0, PG,
					      UADDR(self, 0)))
			TH_LOG("slot %u", far[i]);
}

TEST_F(slots, unaligned)
{
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0x800, PG, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 1, PG, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, PG + 1, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 0x800, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, PG, UADDR(self, 8)));
	/* An unaligned size is refused even for a delete. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PG, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 1, 0));
}

TEST_F(slots, wrap_around)
{
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, ~0ULL & ~(PG - 1),
				      2 * PG, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 2 * PG,
				      ~0ULL & ~(PG - 1)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, ~0ULL & ~(PG - 1),
				      UADDR(self, 0)));
}

/* Nested paging maps 48 bits of guest-physical space, and no more. */
TEST_F(slots, guest_physical_limit)
{
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_LIMIT - MEM_SIZE, MEM_SIZE,
				UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 1, 0, GPA_LIMIT - PG, 2 * PG,
				      UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 1, 0, GPA_LIMIT, PG,
				      UADDR(self, 0)));
}

/* Backing memory must be user memory: no kernel addresses. */
TEST_F(slots, kernel_address)
{
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, PG,
				      0xffff888000000000ULL));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, PG,
				      0xffffffff81000000ULL));
	/* A range that starts in user space and runs past its end. */
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 0x100000,
				      0x00007ffffff00000ULL + 0x80000));
}

TEST_F(slots, overlap)
{
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0x100000, 16 * PG,
				UADDR(self, 0)));
	/* Partly below, partly above, inside, around, and exactly. */
	EXPECT_EQ(-EEXIST, set_region(self->vm, 1, 0, 0x100000 - PG, 2 * PG,
				      UADDR(self, 0)));
	EXPECT_EQ(-EEXIST, set_region(self->vm, 1, 0, 0x100000 + 15 * PG,
				      2 * PG, UADDR(self, 0)));
	EXPECT_EQ(-EEXIST, set_region(self->vm, 1, 0, 0x100000 + PG, PG,
				      UADDR(self, 0)));
	EXPECT_EQ(-EEXIST, set_region(self->vm, 1, 0, 0, 0x200000,
				      UADDR(self, 0)));
	EXPECT_EQ(-EEXIST, set_region(self->vm, 1, 0, 0x100000, 16 * PG,
				      UADDR(self, 0)));
	/* Touching ends do not overlap. */
	EXPECT_EQ(0, set_region(self->vm, 1, 0, 0x100000 - PG, PG,
				UADDR(self, 0)));
	EXPECT_EQ(0, set_region(self->vm, 2, 0, 0x100000 + 16 * PG, PG,
				UADDR(self, 0)));
}

TEST_F(slots, all_slots_then_one_more)
{
	int i;

	for (i = 0; i < self->nr_slots; i++)
		ASSERT_EQ(0, set_region(self->vm, i, 0, (__u64)i * 0x100000, PG,
					UADDR(self, 0)))
			TH_LOG("slot %d", i);
	EXPECT_EQ(-EINVAL, set_region(self->vm, self->nr_slots, 0,
				      (__u64)self->nr_slots * 0x100000, PG,
				      UADDR(self, 0)));
}

/* An existing slot can move; its size, backing and flags are fixed. */
TEST_F(slots, change_existing)
{
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, 16 * PG, UADDR(self, 0)));
	ASSERT_EQ(0, set_region(self->vm, 1, 0, 0x100000, PG, UADDR(self, 0)));

	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 8 * PG, UADDR(self, 0)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 16 * PG,
				      UADDR(self, PG)));
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, MINIVMM_MEM_READONLY, 0,
				      16 * PG, UADDR(self, 0)));
	/* Moving onto another slot is refused, elsewhere it is allowed. */
	EXPECT_EQ(-EEXIST, set_region(self->vm, 0, 0, 0x100000 - PG, 16 * PG,
				      UADDR(self, 0)));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0x200000, 16 * PG,
				UADDR(self, 0)));
	/* Its old range is free now. */
	EXPECT_EQ(0, set_region(self->vm, 2, 0, 0, 16 * PG, UADDR(self, 0)));
}

TEST_F(slots, bad_pointer)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm, MINIVMM_SET_USER_MEMORY_REGION, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm, MINIVMM_SET_USER_MEMORY_REGION,
			    (void *)0xffff888000000000UL));
	EXPECT_EQ(EFAULT, errno);
}

/* Only the creator's process may change the VM's memory. */
TEST_F(slots, other_process)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(set_region(self->vm, 0, 0, 0, PG, UADDR(self, 0)) == -EIO ?
		      0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Nothing was created: the creator can still use slot 0 at GPA 0. */
	EXPECT_EQ(-EINVAL, set_region(self->vm, 0, 0, 0, 0, 0));
}

/* Two VMs have separate slot tables: the same slot and GPA are fine. */
TEST_F(slots, per_vm)
{
	int vm2 = mvm_create_vm(self->sys);

	ASSERT_LE(0, vm2);
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, PG, UADDR(self, 0)));
	EXPECT_EQ(0, set_region(vm2, 0, 0, 0, PG, UADDR(self, 0)));
	EXPECT_EQ(0, close(vm2));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A slot costs the VMM only an address range (access_ok()), so a 2^46-byte
 * one is free to create; moving or deleting it must not cost time in
 * proportion to its size either.  Walking it page by page (2^34 lookups)
 * took minutes with slots_lock held; each call must now take well under a
 * second.  The backing is reserved, never touched: PROT_NONE, MAP_NORESERVE.
 */
TEST_F(slots, huge_slot_is_cheap)
{
	size_t size = 1UL << 46;
	double t0, dt;
	void *huge;

	/* The biggest reservation the machine gives, but at least 2^40. */
	for (;;) {
		huge = mmap(NULL, size, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (huge != MAP_FAILED || size <= 1UL << 40)
			break;
		size >>= 1;
	}
	ASSERT_NE(MAP_FAILED, huge) TH_LOG("mmap of 2^40 bytes: %s",
					   strerror(errno));
	TH_LOG("slot of %zu GiB", size >> 30);

	t0 = now_s();
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, size, (unsigned long)huge));
	dt = now_s() - t0;
	EXPECT_GT(1.0, dt) TH_LOG("create took %.3f s", dt);

	t0 = now_s();
	ASSERT_EQ(0, set_region(self->vm, 0, 0, size, size, (unsigned long)huge));
	dt = now_s() - t0;
	EXPECT_GT(1.0, dt) TH_LOG("move took %.3f s", dt);

	t0 = now_s();
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, 0, 0));
	dt = now_s() - t0;
	EXPECT_GT(1.0, dt) TH_LOG("delete took %.3f s", dt);

	munmap(huge, size);
}

TEST_HARNESS_MAIN
