// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as the guest sees it, driven through the probe guest
 * (guests/probe.S), which reads and writes guest-physical addresses on
 * command: what the guest writes is in the VMM's mapping and the other way
 * round (also after the guest has touched the page once); a read-only slot
 * reads normally but a write to it exits as MMIO and leaves the memory
 * alone; two VMs do not see each other's memory; and a slot deleted and
 * re-created, or moved, at another address is gone from the old one (an
 * access there now exits as MMIO) and present at the new one.
 *
 * And what the kernel does with the VMM's memory: pinned guest pages are
 * charged to the VMM's RLIMIT_MEMLOCK (past it, RUN fails with ENOMEM) and
 * uncharged when unpinned; guest RAM backed by a file of a filesystem
 * other than tmpfs is refused at the first access (RUN fails with
 * EFAULT), while memfd memory works.
 */
#include "kselftest_harness.h"

#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/magic.h>

#include "minivmm_util.h"
#include "guest.h"

#define PAGE		4096
#define SLOT_GPA	0x400000	/* above slot 0 */
#define SLOT_GPA2	0x800000
#define PATTERN_QWORDS	(4 * PAGE / 8)

FIXTURE(mem) {
	struct guest g;
	uint8_t *extra;		/* a second slot's memory */
	size_t extra_size;
};

FIXTURE_SETUP(mem)
{
	self->extra = MAP_FAILED;
	GUEST_OPEN(&self->g);
	GUEST_START(&self->g, probe, GUEST_LONG64);
	self->extra_size = 4 * PAGE;
	self->extra = mmap(NULL, self->extra_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->extra);
}

FIXTURE_TEARDOWN(mem)
{
	guest_close(&self->g);
	if (self->extra != MAP_FAILED)
		munmap(self->extra, self->extra_size);
}

/* Answers the probe's next IN from PORT_CMD with @v. */
static void send(struct __test_metadata *_metadata, struct guest *g, uint32_t v)
{
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_IN, PORT_CMD, 4);
	guest_set_io_data(g, v);
}

static void send64(struct __test_metadata *_metadata, struct guest *g, uint64_t v)
{
	send(_metadata, g, (uint32_t)v);
	send(_metadata, g, v >> 32);
}

/* The probe's two OUTs to PORT_REPORT. */
static uint64_t recv64(struct __test_metadata *_metadata, struct guest *g)
{
	uint64_t lo;

	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 4);
	lo = guest_io_data(g);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 4);
	return lo | (uint64_t)guest_io_data(g) << 32;
}

static uint64_t probe_read(struct __test_metadata *_metadata, struct guest *g,
			   uint32_t size, uint64_t gpa)
{
	send(_metadata, g, PROBE_READ);
	send(_metadata, g, size);
	send64(_metadata, g, gpa);
	return recv64(_metadata, g);
}

/*
 * A read the probe makes of an address that must exit as MMIO: checks the
 * exit, answers @value and returns what the guest loaded.
 */
static uint64_t probe_read_mmio(struct __test_metadata *_metadata, struct guest *g,
				uint32_t size, uint64_t gpa, uint64_t value)
{
	send(_metadata, g, PROBE_READ);
	send(_metadata, g, size);
	send64(_metadata, g, gpa);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(gpa, g->run->mmio.phys_addr);
	EXPECT_EQ(size, g->run->mmio.len);
	EXPECT_EQ(0, g->run->mmio.is_write);
	memcpy(g->run->mmio.data, &value, 8);
	return recv64(_metadata, g);
}

/* Sends a write; the caller runs the guest on to see where it went. */
static void probe_write(struct __test_metadata *_metadata, struct guest *g,
			uint32_t size, uint64_t gpa, uint64_t value)
{
	send(_metadata, g, PROBE_WRITE);
	send(_metadata, g, size);
	send64(_metadata, g, gpa);
	send64(_metadata, g, value);
}

/* Runs the probe to its next command: the last write was not an exit. */
static void probe_sync(struct __test_metadata *_metadata, struct guest *g)
{
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_IN, PORT_CMD, 4);
	/* Make it a HLT, so the next command starts from a fresh IN. */
	guest_set_io_data(g, PROBE_HLT);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
}

static uint64_t pattern(uint64_t i)
{
	return 0x9e3779b97f4a7c15ULL * (i + 1);
}

/* The guest inverts 4 pages the test wrote into 4 pages the test reads. */
TEST_F_TIMEOUT(mem, pattern_both_ways, 120)
{
	struct guest *g = &self->g;
	uint64_t *src = guest_gpa(g, GUEST_DATA, PATTERN_QWORDS * 8);
	uint64_t *dst = guest_gpa(g, GUEST_DATA + PATTERN_QWORDS * 8, PATTERN_QWORDS * 8);
	uint64_t i, sum = 0, bad = 0;

	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	for (i = 0; i < PATTERN_QWORDS; i++) {
		src[i] = pattern(i);
		dst[i] = 0;
		sum += src[i];
	}
	send(_metadata, g, PROBE_INVERT);
	send64(_metadata, g, GUEST_DATA);
	send64(_metadata, g, GUEST_DATA + PATTERN_QWORDS * 8);
	send(_metadata, g, PATTERN_QWORDS);
	EXPECT_EQ(sum, recv64(_metadata, g));
	for (i = 0; i < PATTERN_QWORDS; i++)
		bad += dst[i] != ~pattern(i);
	EXPECT_EQ(0, bad) TH_LOG("%llu of %d qwords wrong", (unsigned long long)bad,
				 PATTERN_QWORDS);

	/* Pages the guest has mapped now: a change by the VMM still shows. */
	src[5] = 0x1122334455667788ULL;
	EXPECT_EQ(0x1122334455667788ULL, probe_read(_metadata, g, 8, GUEST_DATA + 5 * 8));
	EXPECT_EQ(0x7788, probe_read(_metadata, g, 2, GUEST_DATA + 5 * 8));
	probe_write(_metadata, g, 4, GUEST_DATA + 7 * 8, 0xa1b2c3d4);
	probe_sync(_metadata, g);
	EXPECT_EQ(0xa1b2c3d4, (uint32_t)src[7]);
	EXPECT_EQ(pattern(7) >> 32, src[7] >> 32);
}

/* Slot 1, read-only: reads work, a write exits as MMIO and changes nothing. */
TEST_F(mem, readonly_slot)
{
	struct guest *g = &self->g;
	uint64_t v = 0x0102030405060708ULL;
	int r;

	memcpy(self->extra, &v, 8);
	r = guest_set_slot(g->vm, 1, MINIVMM_MEM_READONLY, SLOT_GPA, PAGE, self->extra);
	ASSERT_EQ(0, r) TH_LOG("read-only slot: %s", strerror(-r));

	EXPECT_EQ(v, probe_read(_metadata, g, 8, SLOT_GPA));
	probe_write(_metadata, g, 4, SLOT_GPA + 8, 0xdeadbeef);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(SLOT_GPA + 8, g->run->mmio.phys_addr);
	EXPECT_EQ(4, g->run->mmio.len);
	EXPECT_EQ(1, g->run->mmio.is_write);
	EXPECT_EQ(0xdeadbeef, *(uint32_t *)g->run->mmio.data);
	probe_sync(_metadata, g);
	EXPECT_EQ(0, *(uint32_t *)(self->extra + 8));
	/* And a read after the refused write still sees the memory. */
	EXPECT_EQ(v, probe_read(_metadata, g, 8, SLOT_GPA));
}

/*
 * Two VMs with the same layout: what one writes, the other does not see,
 * and a slot only the first has is MMIO for the second.
 */
TEST_F(mem, two_vms)
{
	struct guest *a = &self->g, b;
	int r;

	*(uint64_t *)self->extra = 0x5151515151515151ULL;
	r = guest_set_slot(a->vm, 1, 0, SLOT_GPA, PAGE, self->extra);
	ASSERT_EQ(0, r) TH_LOG("%s", strerror(-r));
	EXPECT_EQ(0x5151515151515151ULL, probe_read(_metadata, a, 8, SLOT_GPA));
	probe_write(_metadata, a, 8, GUEST_DATA, 0xaaaaaaaaaaaaaaaaULL);
	probe_sync(_metadata, a);
	ASSERT_EQ(0xaaaaaaaaaaaaaaaaULL, *(uint64_t *)guest_gpa(a, GUEST_DATA, 8));

	r = guest_open(&b);
	ASSERT_EQ(0, r) TH_LOG("second VM: %s", strerror(-r));
	r = guest_start(&b, GUEST_IMAGE(probe), GUEST_LONG64);
	ASSERT_EQ(0, r) TH_LOG("%s", strerror(-r));
	EXPECT_EQ(0, probe_read(_metadata, &b, 8, GUEST_DATA));
	probe_write(_metadata, &b, 8, GUEST_DATA, 0xbbbbbbbbbbbbbbbbULL);
	probe_sync(_metadata, &b);
	EXPECT_EQ(0xbbbbbbbbbbbbbbbbULL, *(uint64_t *)guest_gpa(&b, GUEST_DATA, 8));
	EXPECT_EQ(0x1234, probe_read_mmio(_metadata, &b, 8, SLOT_GPA, 0x1234));

	/* The first VM's view did not change. */
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, probe_read(_metadata, a, 8, GUEST_DATA));
	EXPECT_EQ(0x5151515151515151ULL, probe_read(_metadata, a, 8, SLOT_GPA));
	guest_close(&b);
}

/*
 * A slot the guest has used, deleted and created again elsewhere: the old
 * address is MMIO now (its nested mapping is gone), the new one is the
 * same memory.  Then the same by moving the slot in one call.
 */
TEST_F(mem, slot_delete_readd_move)
{
	struct guest *g = &self->g;
	uint64_t v = 0x6a6a6a6a12121212ULL;
	int r;

	memcpy(self->extra + 0x18, &v, 8);
	r = guest_set_slot(g->vm, 1, 0, SLOT_GPA, PAGE, self->extra);
	ASSERT_EQ(0, r) TH_LOG("%s", strerror(-r));
	EXPECT_EQ(v, probe_read(_metadata, g, 8, SLOT_GPA + 0x18));

	r = guest_set_slot(g->vm, 1, 0, SLOT_GPA, 0, self->extra);
	ASSERT_EQ(0, r) TH_LOG("delete: %s", strerror(-r));
	r = guest_set_slot(g->vm, 1, 0, SLOT_GPA2, PAGE, self->extra);
	ASSERT_EQ(0, r) TH_LOG("re-add: %s", strerror(-r));
	EXPECT_EQ(0x77, probe_read_mmio(_metadata, g, 8, SLOT_GPA + 0x18, 0x77));
	EXPECT_EQ(v, probe_read(_metadata, g, 8, SLOT_GPA2 + 0x18));

	/* The guest's write through the new address is in the same memory. */
	probe_write(_metadata, g, 8, SLOT_GPA2 + 0x20, 0x4242424242424242ULL);
	probe_sync(_metadata, g);
	EXPECT_EQ(0x4242424242424242ULL, *(uint64_t *)(self->extra + 0x20));

	/* Move back in one call. */
	r = guest_set_slot(g->vm, 1, 0, SLOT_GPA, PAGE, self->extra);
	ASSERT_EQ(0, r) TH_LOG("move: %s", strerror(-r));
	EXPECT_EQ(0x88, probe_read_mmio(_metadata, g, 8, SLOT_GPA2 + 0x20, 0x88));
	EXPECT_EQ(0x4242424242424242ULL, probe_read(_metadata, g, 8, SLOT_GPA + 0x20));
}

/* VmLck of this process (mm->locked_vm) in KiB, or -1. */
static long vmlck_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Give up CAP_IPC_LOCK, which lets a process lock memory past its
 * RLIMIT_MEMLOCK (and root has it).  0 or -errno.
 */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int i = CAP_IPC_LOCK / 32, bit = 1u << (CAP_IPC_LOCK % 32);

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	data[i].inheritable &= ~bit;
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* Sends the probe an invert of @pages pages at GUEST_DATA into the next. */
static void probe_invert(struct __test_metadata *_metadata, struct guest *g,
			 uint32_t pages)
{
	send(_metadata, g, PROBE_INVERT);
	send64(_metadata, g, GUEST_DATA);
	send64(_metadata, g, GUEST_DATA + pages * PAGE);
	send(_metadata, g, pages * PAGE / 8);
}

/*
 * Every page the guest touches stays pinned: it is locked memory and
 * counts against RLIMIT_MEMLOCK like mlock().  With 64 KiB (16 pages) and
 * no CAP_IPC_LOCK, a guest touching 64 pages makes RUN fail with ENOMEM
 * with at most 16 pages charged; with the limit raised the same RUN goes
 * on and finishes.  Deleting a slot and destroying the VM give the charge
 * back.
 */
TEST_F_TIMEOUT(mem, memlock_limit, 120)
{
	struct rlimit rl = { .rlim_cur = 64 << 10, .rlim_max = 8 << 20 };
	struct guest *g = &self->g;
	const uint32_t pages = 32;
	long lck, before;
	int r;

	ASSERT_EQ(0, drop_ipc_lock());
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	ASSERT_EQ(0, vmlck_kib());

	probe_invert(_metadata, g, pages);
	r = guest_run(g);
	EXPECT_EQ(-ENOMEM, r) TH_LOG("RUN past RLIMIT_MEMLOCK: %s",
				     r ? strerror(-r) : "succeeded");
	lck = vmlck_kib();
	EXPECT_LT(0, lck) TH_LOG("nothing was charged");
	EXPECT_GE(64, lck) TH_LOG("%ld KiB charged, the limit is 64", lck);

	/* Raised: the guest goes on where it stopped. */
	rl.rlim_cur = rl.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	recv64(_metadata, g);
	lck = vmlck_kib();
	EXPECT_LE(2 * pages * PAGE / 1024, lck) TH_LOG("%ld KiB charged", lck);

	/* A slot's pages are uncharged when it goes. */
	before = lck;
	r = guest_set_slot(g->vm, 1, 0, SLOT_GPA, self->extra_size, self->extra);
	ASSERT_EQ(0, r) TH_LOG("%s", strerror(-r));
	probe_read(_metadata, g, 8, SLOT_GPA);
	probe_read(_metadata, g, 8, SLOT_GPA + 3 * PAGE);
	EXPECT_EQ(before + 2 * PAGE / 1024, vmlck_kib());
	ASSERT_EQ(0, guest_set_slot(g->vm, 1, 0, SLOT_GPA, 0, NULL));
	EXPECT_EQ(before, vmlck_kib());

	/* And all of them when the VM goes. */
	guest_close(g);
	EXPECT_EQ(0, vmlck_kib());
}

/*
 * Guest RAM must be anonymous, shmem (memfd) or hugetlbfs memory: a
 * long-term writable pin of another filesystem's page cache breaks its
 * writeback.  A memfd-backed slot works; a slot backed by a MAP_SHARED
 * file on ramfs (a filesystem with its own page cache that is neither
 * tmpfs nor anonymous memory, and one every kernel has) is accepted by
 * SET_USER_MEMORY_REGION but the guest's first access to it fails RUN
 * with EFAULT.
 */
TEST_F(mem, file_backed_slot_refused)
{
	char dir[] = "/tmp/mvm-ramfs-XXXXXX", path[64];
	struct guest *g = &self->g;
	uint64_t v = 0x0badf11e0badf11eULL;
	uint64_t w = 0x3e3f3e3f3e3f3e3fULL;
	void *fmem, *mmem;
	struct statfs st;
	int fd, mfd, r;

	if (!statfs("/", &st))
		TH_LOG("/ is %s", st.f_type == TMPFS_MAGIC ? "tmpfs" :
		       st.f_type == RAMFS_MAGIC ? "ramfs" : "something else");

	mfd = memfd_create("guest-ram", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, PAGE));
	mmem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, mmem);
	memcpy(mmem, &w, 8);
	r = guest_set_slot(g->vm, 2, 0, SLOT_GPA2, PAGE, mmem);
	ASSERT_EQ(0, r) TH_LOG("memfd slot: %s", strerror(-r));
	EXPECT_EQ(w, probe_read(_metadata, g, 8, SLOT_GPA2));
	probe_write(_metadata, g, 8, SLOT_GPA2 + 8, v);
	probe_sync(_metadata, g);
	EXPECT_EQ(v, ((uint64_t *)mmem)[1]);

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount("none", dir, "ramfs", 0, NULL))
		TH_LOG("mount ramfs: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/ram", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, PAGE));
	fmem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, fmem);
	memcpy(fmem, &v, 8);
	r = guest_set_slot(g->vm, 1, 0, SLOT_GPA, PAGE, fmem);
	ASSERT_EQ(0, r) TH_LOG("file slot: %s", strerror(-r));

	send(_metadata, g, PROBE_READ);
	send(_metadata, g, 8);
	send64(_metadata, g, SLOT_GPA);
	r = guest_run(g);
	EXPECT_EQ(-EFAULT, r) TH_LOG("RUN reading a ramfs page: %s",
				     r ? strerror(-r) : "succeeded");

	/* Nothing of it was kept pinned: the file and mount go away. */
	guest_close(g);
	munmap(fmem, PAGE);
	close(fd);
	EXPECT_EQ(0, umount(dir)) TH_LOG("umount: %s", strerror(errno));
	rmdir(dir);
	munmap(mmem, PAGE);
	close(mfd);
}

TEST_HARNESS_MAIN
