// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU creation, the vCPU fd and its run page.
 *
 * Checks the id rules (range -EINVAL, duplicate -EEXIST), the fd's flags,
 * that the run page can only be mapped shared at offset 0 and one page
 * long, that a vCPU fd or a mapping of its run page keeps the VM (and the
 * hardware) alive after the VM fd is gone (the lifetime rules behind
 * CVE-2019-6974 and CVE-2019-7221), and that only the creator's process may
 * issue vCPU ioctls.
 */
#include "kselftest_harness.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include "minivmm_util.h"

FIXTURE(vcpu) {
	int sys;
	int vm;
	long page;
};

FIXTURE_SETUP(vcpu)
{
	self->vm = -1;
	self->page = sysconf(_SC_PAGESIZE);
	self->sys = mvm_open_dev();
	ASSERT_LE(0, self->sys)
		TH_LOG("cannot open %s: %s (is minivmm loaded?)",
		       MVM_DEV_PATH, strerror(-self->sys));
	self->vm = mvm_create_vm(self->sys);
	ASSERT_LE(0, self->vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vcpu)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->sys >= 0)
		close(self->sys);
}

TEST_F(vcpu, caps)
{
	EXPECT_EQ(1, mvm_check_extension(self->sys, MINIVMM_CAP_MAX_VCPUS));
	EXPECT_EQ(32, mvm_check_extension(self->sys, MINIVMM_CAP_NR_MEMSLOTS));
}

TEST_F(vcpu, create_ids)
{
	static const unsigned long bad[] = {
		1, 2, 255, 0x80000000UL, 0xffffffffUL, 1UL << 32, ~0UL,
	};
	int fd, flags;
	size_t i;

	fd = mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, fd) TH_LOG("MINIVMM_CREATE_VCPU: %s", strerror(errno));
	flags = fcntl(fd, F_GETFD);
	EXPECT_TRUE(flags >= 0 && (flags & FD_CLOEXEC));

	errno = 0;
	EXPECT_EQ(-1, mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0));
	EXPECT_EQ(EEXIST, errno);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, bad[i]))
			TH_LOG("id %#lx", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("id %#lx", bad[i]);
	}
	EXPECT_EQ(0, close(fd));
}

TEST_F(vcpu, mmap_size)
{
	EXPECT_EQ(self->page,
		  mvm_ioctl(self->vm, MINIVMM_GET_VCPU_MMAP_SIZE, 0));
	EXPECT_LE((long)sizeof(struct minivmm_run), self->page);
	errno = 0;
	EXPECT_EQ(-1, mvm_ioctl(self->vm, MINIVMM_GET_VCPU_MMAP_SIZE, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vcpu, run_page_mapping)
{
	struct minivmm_run *run;
	void *p;
	int fd;

	fd = mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, fd);

	run = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, run) TH_LOG("mmap: %s", strerror(errno));
	/* A new run page is zeroed: nothing of the kernel's leaks into it. */
	EXPECT_EQ(0, run->exit_reason);
	EXPECT_EQ(0, run->immediate_exit);
	run->immediate_exit = 1;

	/* A second shared mapping sees the same page. */
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1, ((struct minivmm_run *)p)->immediate_exit);
	munmap(p, self->page);

	/* Offset, length and private mappings are refused. */
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page, PROT_READ, MAP_SHARED,
				   fd, self->page));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * self->page, PROT_READ, MAP_SHARED,
				   fd, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page, PROT_READ, MAP_PRIVATE,
				   fd, 0));
	EXPECT_EQ(EINVAL, errno);

	munmap(run, self->page);
	EXPECT_EQ(0, close(fd));
}

TEST_F(vcpu, unknown_ioctls)
{
	unsigned long nr;
	int fd;

	fd = mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, fd);
	for (nr = 0; nr <= 0xff; nr++) {
		/* The one _IO vCPU command; regs_test covers the others' variants. */
		if (_IO(MINIVMM_IO, nr) == MINIVMM_RUN)
			continue;
		errno = 0;
		EXPECT_EQ(-1, mvm_ioctl(fd, _IO(MINIVMM_IO, nr), 0))
			TH_LOG("nr %#lx", nr);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("nr %#lx", nr);
	}
	EXPECT_EQ(0, close(fd));
}

/* A vCPU fd keeps its VM, and so the hardware, alive. */
TEST_F(vcpu, fd_keeps_vm)
{
	int fd;

	fd = mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(self->vm));
	self->vm = -1;
	EXPECT_HW(MVM_HW_ON);
	errno = 0;
	EXPECT_EQ(-1, mvm_ioctl(fd, _IO(MINIVMM_IO, 0x7f), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(0, close(fd));
	EXPECT_HW(MVM_HW_OFF);
}

/* So does a mapping of the run page, after every fd is closed. */
TEST_F(vcpu, mapping_keeps_vm)
{
	struct minivmm_run *run;
	int fd;

	fd = mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, fd);
	run = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, run);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, close(self->vm));
	self->vm = -1;

	EXPECT_HW(MVM_HW_ON);
	run->immediate_exit = 1;
	EXPECT_EQ(1, run->immediate_exit);
	EXPECT_EQ(0, munmap(run, self->page));
	EXPECT_HW(MVM_HW_OFF);
}

/* Only the creator's process may drive a vCPU; others get EIO. */
TEST_F(vcpu, other_process)
{
	int fd, status;
	pid_t pid;

	fd = mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		errno = 0;
		if (mvm_ioctl(fd, _IO(MINIVMM_IO, 0x60), 0) != -1 || errno != EIO)
			_exit(1);
		errno = 0;
		if (mvm_ioctl(self->vm, MINIVMM_CREATE_VCPU, 0) != -1 ||
		    errno != EIO)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, close(fd));
}

TEST_HARNESS_MAIN
