// SPDX-License-Identifier: GPL-2.0
/*
 * VM lifetime and the hardware reference it holds.  minivmm switches VMX/SVM
 * on for every online CPU while at least one VM exists and off when the last VM
 * is gone; a VM lives as long as any file reference to its fd (fork, dup,
 * SCM_RIGHTS).  After every step these tests read, through
 * /sys/class/misc/minivmm/hw_enabled_cpus, what the hardware itself says,
 * and compare it with the online CPUs: a leaked reference leaves it on, a
 * lost one turns it off under a live VM.
 */
#include "kselftest_harness.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "minivmm_util.h"

#define MANY_VMS	256

FIXTURE(vm) {
	int sys_fd;
};

FIXTURE_SETUP(vm)
{
	self->sys_fd = mvm_open_dev();
	ASSERT_LE(0, self->sys_fd)
		TH_LOG("cannot open %s: %s (is minivmm loaded?)",
		       MVM_DEV_PATH, strerror(-self->sys_fd));
	/* Every test starts from, and must end in, no VM at all. */
	ASSERT_HW(MVM_HW_OFF);
}

FIXTURE_TEARDOWN(vm)
{
	if (self->sys_fd >= 0)
		close(self->sys_fd);
}

/* Returns the VM fd; fails the test if creation fails. */
static int create_vm(struct __test_metadata *_metadata, int sys_fd)
{
	int vm = mvm_create_vm(sys_fd);

	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	return vm;
}

/* Makes room for @need more fds, raising the hard limit too (root). */
static void want_fds(struct __test_metadata *_metadata, rlim_t need)
{
	struct rlimit rl;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	need += 64;	/* stdio, the system fd, the harness's, libc's */
	if (rl.rlim_cur >= need)
		return;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl))
		TH_LOG("cannot raise RLIMIT_NOFILE to %lu: %s",
		       (unsigned long)need, strerror(errno));
}

/*
 * One token over a pipe, so parent and child take turns.  Returns 1 on a
 * token, 0 when the other side is gone (EOF), -1 on error.
 */
static int wait_token(int fd)
{
	char c;
	ssize_t n;

	do {
		n = read(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? 1 : (n == 0 ? 0 : -1);
}

static int send_token(int fd)
{
	return write(fd, "x", 1) == 1 ? 0 : -1;
}

/* Waits for @pid and expects it to have exited with status 0. */
static void expect_child_ok(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child failed (see its message)");
}

/*
 * Create and close one VM after another.  Each close is the last reference,
 * so each must turn the hardware off again; the state is checked every
 * 100th time (reading it interrupts every CPU) and at the end.
 */
TEST_F_TIMEOUT(vm, create_close_1000, 180)
{
	int i, vm;

	for (i = 0; i < 1000; i++) {
		vm = create_vm(_metadata, self->sys_fd);
		if (i % 100 == 0)
			ASSERT_HW(MVM_HW_ON, "iteration %d, VM open", i);
		ASSERT_EQ(0, close(vm));
		if (i % 100 == 0)
			ASSERT_HW(MVM_HW_OFF, "iteration %d, VM closed", i);
	}
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * Many VMs at once: only the first turns the hardware on and only the last
 * turns it off, whatever the order in between.
 */
TEST_F_TIMEOUT(vm, many_open_at_once, 120)
{
	int vms[MANY_VMS];
	int i;

	want_fds(_metadata, MANY_VMS);
	for (i = 0; i < MANY_VMS; i++) {
		vms[i] = mvm_create_vm(self->sys_fd);
		ASSERT_LE(0, vms[i])
			TH_LOG("VM %d of %d: %s", i + 1, MANY_VMS, strerror(errno));
		if (i % 64 == 0 || i == MANY_VMS - 1)
			ASSERT_HW(MVM_HW_ON, "%d VMs open", i + 1);
	}

	/* Close the first half oldest-first and the rest newest-first. */
	for (i = 0; i < MANY_VMS / 2; i++)
		ASSERT_EQ(0, close(vms[i]));
	ASSERT_HW(MVM_HW_ON);
	for (i = MANY_VMS - 1; i > MANY_VMS / 2; i--) {
		ASSERT_EQ(0, close(vms[i]));
		if (i % 64 == 0)
			ASSERT_HW(MVM_HW_ON, "%d VMs open", i - MANY_VMS / 2);
	}
	ASSERT_HW(MVM_HW_ON, "one VM left open");
	ASSERT_EQ(0, close(vms[MANY_VMS / 2]));
	ASSERT_HW(MVM_HW_OFF);
}

/* The VM fd, not the system fd, keeps the VM and the hardware alive. */
TEST_F(vm, outlives_system_fd)
{
	int vm = create_vm(_metadata, self->sys_fd);

	ASSERT_EQ(0, close(self->sys_fd));
	self->sys_fd = -1;
	ASSERT_HW(MVM_HW_ON);
	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF);
}

TEST_F(vm, dup_keeps_vm)
{
	int vm, copy1, copy2;

	vm = create_vm(_metadata, self->sys_fd);
	copy1 = dup(vm);
	ASSERT_LE(0, copy1);
	copy2 = fcntl(vm, F_DUPFD_CLOEXEC, 100);
	ASSERT_LE(100, copy2);

	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_ON, "closed the original, two copies left");
	ASSERT_EQ(0, close(copy2));
	ASSERT_HW(MVM_HW_ON, "one copy left");
	ASSERT_EQ(0, close(copy1));
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * fork(): the child's copy keeps the VM after the parent closes its own.
 * The child also checks that the VM refuses to be driven from a process
 * other than its creator (its ioctls return -EIO before looking at the
 * command, as KVM's do).
 */
TEST_F(vm, fork_child_keeps_vm)
{
	int go[2], done[2];
	pid_t pid;
	int vm;

	vm = create_vm(_metadata, self->sys_fd);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ret, err;

		close(go[1]);
		close(done[0]);
		errno = 0;
		ret = mvm_ioctl(vm, _IO(MINIVMM_IO, 0x20), 0);
		err = errno;
		if (wait_token(go[0]) != 1)
			_exit(2);
		if (close(vm))
			_exit(3);
		if (send_token(done[1]))
			_exit(4);
		if (ret != -1 || err != EIO) {
			fprintf(stderr, "# child: ioctl on the parent's VM returned %d errno %d, expected -1 EIO\n",
				ret, err);
			_exit(5);
		}
		_exit(0);
	}
	close(go[0]);
	close(done[1]);

	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_ON, "the child still holds the VM");
	ASSERT_EQ(0, send_token(go[1]));
	ASSERT_EQ(1, wait_token(done[0])) TH_LOG("the child did not close the VM");
	ASSERT_HW(MVM_HW_OFF, "the child closed the last copy");
	expect_child_ok(_metadata, pid);
	close(go[1]);
	close(done[0]);
}

/* A child that exits holding the last copy releases it on exit. */
TEST_F(vm, child_exit_releases_vm)
{
	int go[2];
	pid_t pid;
	int vm;

	vm = create_vm(_metadata, self->sys_fd);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(go[1]);
		/* Exit without closing the VM, whatever the parent did. */
		wait_token(go[0]);
		_exit(0);
	}
	close(go[0]);

	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_ON, "the child still holds the VM");
	ASSERT_EQ(0, send_token(go[1]));
	expect_child_ok(_metadata, pid);
	ASSERT_HW(MVM_HW_OFF, "the child exited holding the last copy");
	close(go[1]);
}

/*
 * The VM fd is close-on-exec: a child that executes another program loses
 * its copy at exec, so the VM dies when the parent closes its own even
 * though the child is still running.
 */
TEST_F(vm, exec_drops_vm)
{
	int to_child[2], from_child[2];
	char line[16] = "";
	pid_t pid;
	int vm;

	vm = create_vm(_metadata, self->sys_fd);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(from_child));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (dup2(to_child[0], 0) < 0 || dup2(from_child[1], 1) < 0)
			_exit(2);
		close(to_child[1]);
		close(from_child[0]);
		/* "ready" is written after exec has closed the VM fd. */
		execl("/bin/sh", "sh", "-c", "echo ready; read x", (char *)NULL);
		_exit(3);
	}
	close(to_child[0]);
	close(from_child[1]);

	ASSERT_LT(0, read(from_child[0], line, sizeof(line) - 1))
		TH_LOG("the child did not start /bin/sh");
	ASSERT_EQ(0, strncmp(line, "ready", 5));
	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF, "the exec'd child kept the VM");
	ASSERT_EQ(1, write(to_child[1], "\n", 1));
	expect_child_ok(_metadata, pid);
	close(to_child[1]);
	close(from_child[0]);
}

/*
 * A VM fd passed over a UNIX socket to a process that was not its creator's
 * child: the receiver's copy keeps the VM, and its exit releases it.
 */
TEST_F(vm, passed_fd_released_on_exit)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	struct iovec iov;
	int sv[2], vm;
	char byte = 'v';
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int got = -1;

		close(sv[0]);
		memset(cbuf, 0, sizeof(cbuf));
		iov.iov_base = &byte;
		iov.iov_len = 1;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if (recvmsg(sv[1], &msg, 0) != 1)
			_exit(2);
		cmsg = CMSG_FIRSTHDR(&msg);
		if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
			_exit(3);
		memcpy(&got, CMSG_DATA(cmsg), sizeof(got));
		if (fcntl(got, F_GETFD) < 0)
			_exit(4);
		/* Tell the parent we hold it, then exit without closing it. */
		if (send_token(sv[1]))
			_exit(5);
		wait_token(sv[1]);
		_exit(0);
	}
	close(sv[1]);

	/* Created after the fork: the child only ever gets the passed copy. */
	vm = create_vm(_metadata, self->sys_fd);
	memset(cbuf, 0, sizeof(cbuf));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &vm, sizeof(vm));
	ASSERT_EQ(1, sendmsg(sv[0], &msg, 0)) TH_LOG("sendmsg: %s", strerror(errno));
	ASSERT_EQ(1, wait_token(sv[0])) TH_LOG("the child did not receive the VM");

	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_ON, "the receiver still holds the VM");
	ASSERT_EQ(0, send_token(sv[0]));
	expect_child_ok(_metadata, pid);
	ASSERT_HW(MVM_HW_OFF, "the receiver exited holding the last copy");
	close(sv[0]);
}

/*
 * A creation that fails after taking the hardware reference (no free fd:
 * EMFILE) must give it back: the hardware is off afterwards, and the next
 * creation works.
 */
TEST_F(vm, create_without_free_fd_rolls_back)
{
	struct rlimit saved, rl;
	int probe, vm;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &saved));
	/* The lowest free fd number becomes the limit: no fd is left. */
	probe = fcntl(self->sys_fd, F_DUPFD, 0);
	ASSERT_LE(0, probe);
	close(probe);
	rl = saved;
	rl.rlim_cur = probe;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));

	errno = 0;
	vm = mvm_create_vm(self->sys_fd);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &saved));
	EXPECT_EQ(-1, vm);
	EXPECT_EQ(EMFILE, errno) TH_LOG("errno %d", errno);
	if (vm >= 0)
		close(vm);
	ASSERT_HW(MVM_HW_OFF, "a failed creation left the hardware on");

	vm = create_vm(_metadata, self->sys_fd);
	ASSERT_HW(MVM_HW_ON);
	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * Several processes creating and closing VMs at the same time race the
 * first-VM and last-VM transitions against each other.  Each process checks
 * after every creation that the hardware is on (its own VM is open), which
 * fails if a concurrent last close turned it off under a live VM; at the
 * end, with everyone gone, it must be off.
 */
#define RACERS		4
#define RACE_ROUNDS	200

static int race(int sys_fd, int id)
{
	char desc[1200];
	int i, vm, st;

	for (i = 0; i < RACE_ROUNDS; i++) {
		vm = mvm_create_vm(sys_fd);
		if (vm < 0) {
			fprintf(stderr, "# racer %d round %d: MINIVMM_CREATE_VM: %s\n",
				id, i, strerror(errno));
			return 1;
		}
		st = mvm_hw_state(desc, sizeof(desc));
		if (st != MVM_HW_ON) {
			fprintf(stderr, "# racer %d round %d: VM open but hardware %s: %s\n",
				id, i, mvm_hw_state_name(st), desc);
			close(vm);
			return 1;
		}
		if (close(vm))
			return 1;
	}
	return 0;
}

TEST_F_TIMEOUT(vm, concurrent_create_close, 180)
{
	pid_t pids[RACERS];
	int i;

	for (i = 0; i < RACERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			_exit(race(self->sys_fd, i));
	}
	for (i = 0; i < RACERS; i++)
		expect_child_ok(_metadata, pids[i]);
	ASSERT_HW(MVM_HW_OFF);
}

TEST_HARNESS_MAIN
