// SPDX-License-Identifier: GPL-2.0
/*
 * The system fd's ABI, one rule of uapi/linux/minivmm.h at a time: the API
 * version and its zero argument, every capability's value (derived from what
 * /proc/cpuinfo says the CPU has, not written down here), unknown capability
 * numbers, unknown ioctls on the system and VM fds, VM types, the VM fd's
 * flags, and the file operations the module does not implement.
 *
 * Unknown means the full ioctl command value: an ioctl with the right number
 * but another direction or size is a different command, and gets -ENOTTY
 * like any other.  Botched matching (on _IOC_NR alone) would turn such a
 * call into a real one, so the tests send those variants deliberately.
 */
#include "kselftest_harness.h"

#include <sys/mman.h>
#include <termios.h>

#include "minivmm_util.h"

/* KVM's ioctl magic: another driver's commands must not reach ours. */
#define KVMIO_MAGIC	0xAE

FIXTURE(sys) {
	int fd;
};

FIXTURE_SETUP(sys)
{
	self->fd = mvm_open_dev();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s (is minivmm loaded?)",
		       MVM_DEV_PATH, strerror(-self->fd));
}

FIXTURE_TEARDOWN(sys)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(sys, api_version)
{
	EXPECT_EQ(MINIVMM_API_VERSION,
		  mvm_ioctl(self->fd, MINIVMM_GET_API_VERSION, 0))
		TH_LOG("errno %d", errno);
}

/* The argument is reserved: any bit set must be refused, not ignored. */
TEST_F(sys, api_version_nonzero_arg)
{
	static const unsigned long args[] = {
		1, 2, 0x80, 0xffffffffUL, 1UL << 32, 1UL << 63, ~0UL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		errno = 0;
		EXPECT_EQ(-1, mvm_ioctl(self->fd, MINIVMM_GET_API_VERSION, args[i]))
			TH_LOG("arg %#lx", args[i]);
		EXPECT_EQ(EINVAL, errno)
			TH_LOG("arg %#lx", args[i]);
	}
}

static int cpu_vendor(struct __test_metadata *_metadata)
{
	int vmx = mvm_cpuinfo_has("vmx");
	int svm = mvm_cpuinfo_has("svm");

	ASSERT_LE(0, vmx) TH_LOG("cannot parse /proc/cpuinfo: %s", strerror(-vmx));
	ASSERT_LE(0, svm) TH_LOG("cannot parse /proc/cpuinfo: %s", strerror(-svm));
	ASSERT_NE(vmx, svm) TH_LOG("cpuinfo flags: vmx=%d svm=%d", vmx, svm);
	return vmx ? MINIVMM_VENDOR_INTEL_VMX : MINIVMM_VENDOR_AMD_SVM;
}

static int cpu_has(struct __test_metadata *_metadata, const char *flag)
{
	int ret = mvm_cpuinfo_has(flag);

	ASSERT_LE(0, ret) TH_LOG("cannot parse /proc/cpuinfo: %s", strerror(-ret));
	return ret;
}

TEST_F(sys, cap_vendor)
{
	int vendor = cpu_vendor(_metadata);

	EXPECT_EQ(vendor, mvm_check_extension(self->fd, MINIVMM_CAP_VENDOR))
		TH_LOG("cpuinfo says %s", vendor == MINIVMM_VENDOR_INTEL_VMX ?
		       "vmx" : "svm");
}

/*
 * What each feature capability must report, from the flags the kernel found
 * on this CPU.  The mapping is the uapi header's: EPT/NPT, VPID/ASID (every
 * SVM CPU tags its TLB with ASIDs), unrestricted guest (SVM runs real mode
 * natively), next RIP (VMX always reports instruction length; SVM only with
 * NRIPS, which QEMU's TCG lacks).
 */
TEST_F(sys, cap_features)
{
	int vendor = cpu_vendor(_metadata);
	bool vmx = vendor == MINIVMM_VENDOR_INTEL_VMX;
	struct {
		unsigned long cap;
		const char *name;
		int expected;
	} caps[] = {
		{ MINIVMM_CAP_NESTED_PAGING, "NESTED_PAGING",
		  cpu_has(_metadata, vmx ? "ept" : "npt") },
		{ MINIVMM_CAP_TAGGED_TLB, "TAGGED_TLB",
		  vmx ? cpu_has(_metadata, "vpid") : 1 },
		{ MINIVMM_CAP_UNRESTRICTED_GUEST, "UNRESTRICTED_GUEST",
		  vmx ? cpu_has(_metadata, "unrestricted_guest") : 1 },
		{ MINIVMM_CAP_NEXT_RIP, "NEXT_RIP",
		  vmx ? 1 : cpu_has(_metadata, "nrip_save") },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		EXPECT_EQ(caps[i].expected, mvm_check_extension(self->fd, caps[i].cap))
			TH_LOG("MINIVMM_CAP_%s (errno %d)", caps[i].name, errno);
	}

	/* Both emulated machines of the rig have nested paging and tags. */
	if (mvm_on_rig()) {
		EXPECT_EQ(1, caps[0].expected) TH_LOG("rig CPU lacks EPT/NPT");
		EXPECT_EQ(1, caps[1].expected) TH_LOG("rig CPU lacks VPID");
	}
}

/*
 * Unknown capabilities read as 0 (absent), never as an error, so that older
 * modules answer newer userspace.  The argument is the full unsigned long:
 * a number with high bits set is not CAP_VENDOR in disguise.
 */
TEST_F(sys, cap_unknown)
{
	static const unsigned long caps[] = {
		MINIVMM_CAP_NR_CAPS, MINIVMM_CAP_NR_CAPS + 1, 63, 64, 255, 256,
		0x7fffffff, 0x80000000, 0xffffffff, 1UL << 32,
		(1UL << 32) | MINIVMM_CAP_VENDOR,
		(1UL << 63) | MINIVMM_CAP_NESTED_PAGING, ~0UL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		errno = 0;
		EXPECT_EQ(0, mvm_check_extension(self->fd, caps[i]))
			TH_LOG("cap %#lx (errno %d)", caps[i], errno);
	}
}

/* Commands no minivmm fd implements, whatever the fd. */
static const unsigned long foreign_cmds[] = {
	0,
	TCGETS,				/* isatty() must say no */
	_IO('X', 0x00),
	_IO(KVMIO_MAGIC, 0x00),		/* KVM_GET_API_VERSION */
	_IO(KVMIO_MAGIC, 0x01),		/* KVM_CREATE_VM */
	_IO(MINIVMM_IO + 1, 0x00),
	_IO(MINIVMM_IO - 1, 0x02),
	/* The system ioctls' numbers with a direction or size added. */
	_IOR(MINIVMM_IO, 0x00, __u64),
	_IOW(MINIVMM_IO, 0x00, __u64),
	_IOWR(MINIVMM_IO, 0x00, __u64),
	_IOR(MINIVMM_IO, 0x00, __u32),
	_IOC(_IOC_NONE, MINIVMM_IO, 0x00, 8),
	_IOR(MINIVMM_IO, 0x01, __u64),
	_IOW(MINIVMM_IO, 0x01, __u64),
	_IOWR(MINIVMM_IO, 0x01, __u32),
	_IOR(MINIVMM_IO, 0x02, __u64),
	_IOW(MINIVMM_IO, 0x02, __u64),
	_IOWR(MINIVMM_IO, 0x02, __u64),
	_IOC(_IOC_NONE, MINIVMM_IO, 0x02, 4),
};

static void expect_enotty(struct __test_metadata *_metadata, int fd,
			  const char *fd_name, unsigned long cmd)
{
	int ret;

	errno = 0;
	ret = mvm_ioctl(fd, cmd, 0);
	EXPECT_EQ(-1, ret)
		TH_LOG("%s fd: ioctl %#lx returned %d", fd_name, cmd, ret);
	EXPECT_EQ(ENOTTY, errno)
		TH_LOG("%s fd: ioctl %#lx: errno %d", fd_name, cmd, errno);
	/* A command that wrongly created a VM must not outlive the check. */
	if (ret > 2 && ret != fd)
		close(ret);
}

TEST_F(sys, unknown_ioctls_sys_fd)
{
	unsigned long nr;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(foreign_cmds); i++)
		expect_enotty(_metadata, self->fd, "system", foreign_cmds[i]);

	/* Every unassigned number in minivmm's magic. */
	for (nr = 0x03; nr <= 0xff; nr++)
		expect_enotty(_metadata, self->fd, "system", _IO(MINIVMM_IO, nr));
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * The VM fd knows only its own commands: the system fd's and every other
 * number of the magic are unknown to it, and so are its own numbers with
 * another direction or size.  memslot_test and vcpu_test cover the known
 * ones.
 */
static bool vm_fd_knows(unsigned long cmd)
{
	return cmd == MINIVMM_SET_USER_MEMORY_REGION ||
	       cmd == MINIVMM_CREATE_VCPU ||
	       cmd == MINIVMM_GET_VCPU_MMAP_SIZE ||
	       cmd == MINIVMM_CREATE_IRQCHIP;
}

TEST_F(sys, unknown_ioctls_vm_fd)
{
	unsigned long nr;
	size_t i;
	int vm;

	vm = mvm_create_vm(self->fd);
	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));

	for (i = 0; i < ARRAY_SIZE(foreign_cmds); i++)
		expect_enotty(_metadata, vm, "VM", foreign_cmds[i]);
	expect_enotty(_metadata, vm, "VM", MINIVMM_GET_API_VERSION);
	expect_enotty(_metadata, vm, "VM", MINIVMM_CHECK_EXTENSION);
	expect_enotty(_metadata, vm, "VM", MINIVMM_CREATE_VM);
	for (nr = 0x00; nr <= 0xff; nr++) {
		if (!vm_fd_knows(_IO(MINIVMM_IO, nr)))
			expect_enotty(_metadata, vm, "VM", _IO(MINIVMM_IO, nr));
		expect_enotty(_metadata, vm, "VM",
			      _IOWR(MINIVMM_IO, nr,
				    struct minivmm_userspace_memory_region));
	}

	EXPECT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF);
}

/* Only type 0 exists; every other value is refused and leaves nothing on. */
TEST_F(sys, create_vm_bad_type)
{
	static const unsigned long types[] = {
		1, 2, 0xff, 0x80000000, 0xffffffff, 1UL << 32, 1UL << 63, ~0UL,
	};
	size_t i;
	int vm;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		errno = 0;
		vm = mvm_ioctl(self->fd, MINIVMM_CREATE_VM, types[i]);
		EXPECT_EQ(-1, vm) TH_LOG("type %#lx", types[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("type %#lx", types[i]);
		if (vm >= 0)
			close(vm);
	}
	ASSERT_HW(MVM_HW_OFF);

	/* The refusals left the module able to create a VM. */
	vm = mvm_create_vm(self->fd);
	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	EXPECT_HW(MVM_HW_ON);
	EXPECT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF);
}

/* A VM fd must not leak into programs the VMM executes. */
TEST_F(sys, vm_fd_flags)
{
	int vm, fdflags, flflags;

	vm = mvm_create_vm(self->fd);
	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	EXPECT_NE(self->fd, vm);

	fdflags = fcntl(vm, F_GETFD);
	ASSERT_LE(0, fdflags);
	EXPECT_TRUE(fdflags & FD_CLOEXEC) TH_LOG("F_GETFD = %#x", fdflags);

	flflags = fcntl(vm, F_GETFL);
	ASSERT_LE(0, flflags);
	EXPECT_EQ(O_RDWR, flflags & O_ACCMODE) TH_LOG("F_GETFL = %#x", flflags);

	EXPECT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * Neither fd implements read, write or mmap: the VFS refuses them (EINVAL
 * for read/write, ENODEV for mmap) and nothing reaches the module.
 */
static void expect_no_file_ops(struct __test_metadata *_metadata, int fd,
			       const char *fd_name)
{
	char buf[64] = { 0x5a };
	void *map;

	errno = 0;
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf))) TH_LOG("%s fd: read", fd_name);
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s fd: read errno %d", fd_name, errno);
	EXPECT_EQ(0x5a, buf[0]) TH_LOG("%s fd: read wrote the buffer", fd_name);

	errno = 0;
	EXPECT_EQ(-1, write(fd, buf, sizeof(buf))) TH_LOG("%s fd: write", fd_name);
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s fd: write errno %d", fd_name, errno);

	errno = 0;
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, map) TH_LOG("%s fd: mmap", fd_name);
	EXPECT_EQ(ENODEV, errno) TH_LOG("%s fd: mmap errno %d", fd_name, errno);
	if (map != MAP_FAILED)
		munmap(map, 4096);
}

TEST_F(sys, no_read_write_mmap)
{
	int vm;

	expect_no_file_ops(_metadata, self->fd, "system");

	vm = mvm_create_vm(self->fd);
	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	expect_no_file_ops(_metadata, vm, "VM");
	EXPECT_EQ(0, close(vm));

	/* The system fd still works after all that. */
	EXPECT_EQ(MINIVMM_API_VERSION,
		  mvm_ioctl(self->fd, MINIVMM_GET_API_VERSION, 0));
	ASSERT_HW(MVM_HW_OFF);
}

TEST_HARNESS_MAIN
