// SPDX-License-Identifier: GPL-2.0
/*
 * The limits of what the minivmm netlink family (Documentation/netlink.rst)
 * shows, and to whom: a VM stuck in a fault on its own memory (a
 * userfaultfd page nobody serves) stops neither netlink readers nor other
 * VMs' creation; a VM is visible to its owner only through a socket its
 * owner opened; process ids come in the reader's pid namespace.
 *
 * netlink_test.c has the family's protocol and counters; this file the
 * isolation between users.
 */
#include "kselftest_harness.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/userfaultfd.h>

#include "minivmm_util.h"
#include "guest.h"
#include "netlink_util.h"

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

	/*
	 * The rig's debug kernel is built without CONFIG_USERFAULTFD: there
	 * the stall cannot be set up, and the case says so as a skip (the
	 * stock kernels run it).
	 */
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 && errno == ENOSYS)
		SKIP(return, "this kernel has no userfaultfd");
	ASSERT_LE(0, uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	b.l = calloc(1, sizeof(*b.l));
	ASSERT_NE(NULL, b.l);
	GUEST_OPEN(&g);
	GUEST_START(&g, rep_io, GUEST_PROT32);

	page = guest_gpa(&g, GUEST_DATA, 4096);
	ASSERT_NE(NULL, page);
	/* Nothing wrote to it yet; make sure it is not populated. */
	ASSERT_EQ(0, madvise(page, 4096, MADV_DONTNEED));
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

/*
 * Visibility asks both the sender and the socket's opener, as
 * netlink_capable() does for CAP_NET_ADMIN: a socket opened as nobody and
 * then used by a process that is root again (but without CAP_NET_ADMIN)
 * must not show root's VMs.
 */
TEST_F(nl, socket_opener_counts)
{
	struct vm_list *l = calloc(1, sizeof(*l));
	void *mem;
	int vm, vcpu, status;
	pid_t child, parent = getpid();

	ASSERT_NE(NULL, l);
	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		unsigned int i = CAP_NET_ADMIN / 32;
		unsigned int bit = 1u << (CAP_NET_ADMIN % 32);
		struct nl nl;
		int r;

		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[i].effective &= ~bit;
		data[i].permitted &= ~bit;
		data[i].inheritable &= ~bit;
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		/* Open as nobody, keeping uid 0 saved to come back to. */
		if (setresuid(-1, NOBODY, -1))
			_exit(12);
		r = nl_open(&nl);
		if (r)
			_exit(13);
		if (setresuid(-1, 0, -1) || geteuid())
			_exit(14);
		/* The sender is root, the VM's owner; the opener is not. */
		if (nl_list(&nl, l))
			_exit(15);
		_exit(find_pid(l, parent) ? 20 : 0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("20: root's VM listed on a socket nobody opened");

	/* A socket root opened shows it, with CAP_NET_ADMIN or without. */
	ASSERT_EQ(0, nl_list(&self->nl, l));
	EXPECT_NE(NULL, find_pid(l, parent));
	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
	free(l);
}

/* Sends a u32 down a pipe; the reading end takes it with read_u32(). */
static int write_u32(int fd, uint32_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static int read_u32(int fd, uint32_t *v)
{
	return read(fd, v, sizeof(*v)) == sizeof(*v) ? 0 : -1;
}

/*
 * Process ids come in the reader's pid namespace.  A process in a new pid
 * namespace (pid 1 there) makes a VM: it sees its own VM's pid as 1 and
 * ours, which its namespace cannot name, as 0; we see its VM with the
 * pid we know it by.
 */
TEST_F(nl, pid_in_readers_namespace)
{
	struct vm_list *l = calloc(1, sizeof(*l));
	const struct vm_info *v;
	int pid_pipe[2], to_parent[2], to_child[2];
	uint32_t our_id, its_id = 0, its_pid = 0;
	pid_t child, parent = getpid();
	void *mem;
	int vm, vcpu, status;

	ASSERT_NE(NULL, l);
	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	v = find_pid(l, parent);
	ASSERT_NE(NULL, v);
	our_id = v->id;
	ASSERT_EQ(0, pipe(pid_pipe));
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, pipe(to_child));

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		pid_t inner;
		int st;

		if (unshare(CLONE_NEWPID))
			_exit(10);
		inner = fork();
		if (inner < 0)
			_exit(11);
		if (inner) {
			/* Its pid as we see it, then wait for it. */
			write_u32(pid_pipe[1], inner);
			if (waitpid(inner, &st, 0) != inner)
				_exit(12);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 13);
		}
		/* pid 1 of the new namespace. */
		{
			struct nl nl;
			int ivm, bad = 0, i;
			uint32_t id = 0;

			if (getpid() != 1)
				_exit(14);
			ivm = mvm_create_vm(self->sys);
			if (ivm < 0 || nl_open(&nl) || nl_list(&nl, l))
				_exit(15);
			for (i = 0; i < l->n; i++) {
				if (l->vm[i].id == our_id && l->vm[i].pid != 0)
					bad |= 1;
				if (l->vm[i].pid == 1)
					id = l->vm[i].id;
			}
			if (!id)
				bad |= 2;
			write_u32(to_parent[1], id);
			/* Keep the VM until the parent has looked. */
			read_u32(to_child[0], &id);
			_exit(bad ? 20 + bad : 0);
		}
	}
	ASSERT_EQ(0, read_u32(pid_pipe[0], &its_pid));
	ASSERT_EQ(0, read_u32(to_parent[0], &its_id));
	ASSERT_EQ(0, nl_list(&self->nl, l));
	for (int i = 0; i < l->n; i++)
		if (l->vm[i].id == its_id)
			v = &l->vm[i];
	EXPECT_EQ(its_id, v->id);
	EXPECT_EQ(its_pid, v->pid);
	write_u32(to_child[1], 0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("21: our VM's pid not 0 there, 22: its own not 1");

	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
	free(l);
}

TEST_HARNESS_MAIN
