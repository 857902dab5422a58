// SPDX-License-Identifier: GPL-2.0
/*
 * The limits of what the minivmm netlink family (Documentation/netlink.rst)
 * costs others: a VM stuck in a fault on its own memory (a userfaultfd
 * page nobody serves) stops neither netlink readers nor other VMs'
 * creation.
 *
 * netlink_test.c has the family's protocol and counters; this file the
 * isolation between users.
 */
#include "kselftest_harness.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "minivmm_util.h"
#include "guest.h"
#include "netlink_util.h"

FIXTURE(nl) {
	int sys;
	struct nl nl;
};

FIXTURE_SETUP(nl)
{
	int r;

	self->sys = mvm_open_dev();
	ASSERT_LE(0, self->sys) TH_LOG("open %s: %s", MVM_DEV_PATH,
				       strerror(-self->sys));
	r = nl_open(&self->nl);
	ASSERT_EQ(0, r) TH_LOG("the minivmm netlink family: %s", strerror(-r));
}

FIXTURE_TEARDOWN(nl)
{
	close(self->nl.fd);
	close(self->sys);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *stall_run(void *arg)
{
	struct guest *g = arg;

	return (void *)(long)guest_run(g);
}

/* What another user of the host does meanwhile: list VMs, make one. */
struct bystander {
	int sys;
	struct nl *nl;
	struct vm_list *l;
	int list_r, create_r;
	double took;
};

static void *bystander_run(void *arg)
{
	struct bystander *b = arg;
	double t0 = now_s();
	int vm;

	b->list_r = nl_list(b->nl, b->l);
	vm = mvm_create_vm(b->sys);
	b->create_r = vm < 0 ? -errno : 0;
	if (vm >= 0)
		close(vm);
	b->took = now_s() - t0;
	return NULL;
}

/*
 * A VM's slots_lock is held across copies to and from the VMM's memory,
 * which can take forever (a FUSE file, a userfaultfd page nobody serves).
 * With that VM stuck so, a GET_VM dump and another VM's creation and
 * destruction must still finish at once: netlink used to take the VM's
 * slots_lock under the host-wide registry lock, so the dump waited for
 * the fault and every CREATE_VM on the host waited for the dump.
 *
 * The stall: guests/rep_io.S's rep insb into GUEST_DATA, whose page in the
 * VMM is registered with a userfaultfd and never touched, so the next
 * RUN's copy of the data into it (under slots_lock) waits in the fault.
 * (Not a pin: on 6.1, a FOLL_LONGTERM pin of a userfaultfd page fails
 * instead of waiting.)
 */
TEST_F_TIMEOUT(nl, stuck_vm_blocks_nobody, 60)
{
	static const char in[] = "0123456789abcdef";
	struct bystander b = { .sys = self->sys, .nl = &self->nl };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { 0 };
	struct pollfd pfd;
	struct uffd_msg msg;
	pthread_t vcpu_thr, by_thr;
	struct timespec deadline;
	const struct vm_info *v;
	struct guest g;
	bool stuck = false;
	uint8_t *page;
	void *ret;
	int uffd, r;

	b.l = calloc(1, sizeof(*b.l));
	ASSERT_NE(NULL, b.l);
	GUEST_OPEN(&g);
	GUEST_START(&g, rep_io, GUEST_PROT32);

	page = guest_gpa(&g, GUEST_DATA, 4096);
	ASSERT_NE(NULL, page);
	/* Nothing wrote to it yet; make sure it is not populated. */
	ASSERT_EQ(0, madvise(page, 4096, MADV_DONTNEED));
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api)) TH_LOG("UFFDIO_API: %s",
							 strerror(errno));
	reg.range.start = (uintptr_t)page;
	reg.range.len = 4096;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg))
		TH_LOG("UFFDIO_REGISTER: %s", strerror(errno));

	GUEST_RUN_EXPECT(&g, MINIVMM_EXIT_IO);		/* rep outsb */
	GUEST_RUN_EXPECT(&g, MINIVMM_EXIT_HLT);
	GUEST_RUN_EXPECT(&g, MINIVMM_EXIT_IO);		/* rep insb */
	ASSERT_EQ(MINIVMM_EXIT_IO_IN, g.run->io.direction);
	ASSERT_EQ(16, g.run->io.count);
	memcpy(guest_io_buf(&g), in, 16);

	/* The next RUN copies the 16 bytes into the page, and waits. */
	ASSERT_EQ(0, pthread_create(&vcpu_thr, NULL, stall_run, &g));
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	r = poll(&pfd, 1, 10000);
	EXPECT_EQ(1, r) TH_LOG("no userfault within 10 s");
	if (r == 1) {
		ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
		EXPECT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
		stuck = msg.event == UFFD_EVENT_PAGEFAULT;
	}

	/* Meanwhile, somebody else lists VMs and makes and closes one. */
	ASSERT_EQ(0, pthread_create(&by_thr, NULL, bystander_run, &b));
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	r = pthread_timedjoin_np(by_thr, NULL, &deadline);
	EXPECT_EQ(0, r) TH_LOG("netlink dump + CREATE_VM still blocked after 5 s");

	/* Serve the fault with a zero page (and wake it), whatever happened. */
	zero.range = reg.range;
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zero))
		TH_LOG("UFFDIO_ZEROPAGE: %s", strerror(errno));
	if (r)
		ASSERT_EQ(0, pthread_join(by_thr, NULL));
	ASSERT_EQ(0, pthread_join(vcpu_thr, &ret));

	EXPECT_TRUE(stuck);
	EXPECT_GT(1.0, b.took) TH_LOG("bystander took %.3f s", b.took);
	EXPECT_EQ(0, b.list_r);
	EXPECT_EQ(0, b.create_r) TH_LOG("CREATE_VM: %s", strerror(-b.create_r));
	/* The stuck VM is listed, with its memory size. */
	v = find_pid(b.l, getpid());
	ASSERT_NE(NULL, v);
	EXPECT_EQ(GUEST_MEM_SIZE, v->mem_bytes);

	/* And the stuck RUN finished the rep insb once served. */
	ASSERT_EQ(0, (long)ret) TH_LOG("RUN: %s", strerror(-(long)ret));
	EXPECT_EQ(MINIVMM_EXIT_HLT, g.run->exit_reason);
	EXPECT_EQ(0, memcmp(page, in, 16));

	guest_close(&g);
	close(uffd);
	free(b.l);
}

TEST_HARNESS_MAIN
