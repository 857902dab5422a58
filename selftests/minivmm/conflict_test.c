// SPDX-License-Identifier: GPL-2.0
/*
 * Sharing the CPU's virtualization extension with another hypervisor: the
 * stock kernel's own KVM (kvm_intel / kvm_amd), which turns VMX/SVM on when
 * its first VM is created and off when its last one goes.
 *
 * Only one hypervisor can hold VMX/SVM on a CPU.  While KVM has a VM,
 * MINIVMM_CREATE_VM must fail with EBUSY, say why in the kernel log, and
 * leave nothing of its own on; vmctl must explain it to the user.  While
 * minivmm has a VM, KVM_CREATE_VM must fail and leave minivmm's state
 * intact.  Once either side has closed its VMs, the other must succeed:
 * that proves each turned the hardware off behind it.
 *
 * KVM is loaded with modprobe and always unloaded afterwards, so the tests
 * that follow run without it.  Without KVM these tests skip, except on the
 * rig (MINIVMM_RIG=1), which ships the KVM modules: there a skip would hide
 * a broken test.  The rig's debug kernel is built without KVM; there the
 * rig sets MINIVMM_RIG_NO_KVM to the reason, and the tests skip with it.
 */
#include "kselftest_harness.h"

#include <linux/kvm.h>

#include "minivmm_util.h"

#define BUSY_MSG	"already in use by another hypervisor"

static const char *kvm_module_for(int vendor)
{
	switch (vendor) {
	case MINIVMM_VENDOR_INTEL_VMX:
		return "kvm_intel";
	case MINIVMM_VENDOR_AMD_SVM:
		return "kvm_amd";
	default:
		return NULL;
	}
}

/*
 * Unloads both vendor modules and kvm itself; a module that is not loaded
 * is not an error.  Returns 0 when none of them is left loaded.
 */
static int kvm_unload(void)
{
	/* modprobe -r fails for modules that are not loaded: ask sysfs. */
	if (mvm_path_exists("/sys/module/kvm_intel"))
		system("modprobe -r kvm_intel >/dev/null 2>&1");
	if (mvm_path_exists("/sys/module/kvm_amd"))
		system("modprobe -r kvm_amd >/dev/null 2>&1");
	if (mvm_path_exists("/sys/module/kvm"))
		system("modprobe -r kvm >/dev/null 2>&1");
	return mvm_path_exists("/sys/module/kvm") ? -EBUSY : 0;
}

/*
 * A test killed by the harness's timeout never reaches its teardown; the
 * harness's own process unloads KVM on its way out in that case too.
 */
static void kvm_unload_at_exit(void)
{
	kvm_unload();
}

static void __attribute__((constructor)) register_kvm_unload(void)
{
	atexit(kvm_unload_at_exit);
}

/*
 * Runs "vmctl info" and collects its output (stdout and stderr) in @out.
 * Returns its wait status, or -1 if it could not be started.
 */
static int run_vmctl_info(char *out, size_t size)
{
	size_t len = 0, n;
	FILE *p;

	out[0] = '\0';
	p = popen("vmctl info 2>&1", "r");
	if (!p)
		return -1;
	while (len + 1 < size && (n = fread(out + len, 1, size - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	/* Drain whatever did not fit, so vmctl does not block on the pipe. */
	while (fgetc(p) != EOF)
		;
	return pclose(p);
}

FIXTURE(conflict) {
	int sys_fd;
	int vendor;
	const char *kvm_mod;
	int kvm_fd;		/* /dev/kvm */
	int kvm_vm;		/* a KVM VM */
	int vm;			/* a minivmm VM */
	struct mvm_kmsg kmsg;
};

FIXTURE_SETUP(conflict)
{
	int r;

	self->kvm_fd = -1;
	self->kvm_vm = -1;
	self->vm = -1;
	self->kmsg.fd = -1;

	self->sys_fd = mvm_open_dev();
	ASSERT_LE(0, self->sys_fd)
		TH_LOG("cannot open %s: %s (is minivmm loaded?)",
		       MVM_DEV_PATH, strerror(-self->sys_fd));
	self->vendor = mvm_check_extension(self->sys_fd, MINIVMM_CAP_VENDOR);
	self->kvm_mod = kvm_module_for(self->vendor);
	ASSERT_NE(NULL, self->kvm_mod)
		TH_LOG("MINIVMM_CAP_VENDOR = %d", self->vendor);

	r = mvm_kmsg_open(&self->kmsg);
	ASSERT_EQ(0, r) TH_LOG("cannot follow /dev/kmsg: %s", strerror(-r));

	/* Start without KVM and without any VM. */
	ASSERT_EQ(0, kvm_unload()) TH_LOG("kvm is loaded and cannot be unloaded");
	ASSERT_HW(MVM_HW_OFF);
}

FIXTURE_TEARDOWN(conflict)
{
	int r;

	if (self->vm >= 0)
		close(self->vm);
	if (self->kvm_vm >= 0)
		close(self->kvm_vm);
	if (self->kvm_fd >= 0)
		close(self->kvm_fd);
	if (self->sys_fd >= 0)
		close(self->sys_fd);
	/*
	 * No message attached to the EXPECT: after a failed ASSERT the
	 * harness would print it whatever the result.
	 */
	r = kvm_unload();
	if (r)
		TH_LOG("kvm stays loaded after the test");
	EXPECT_EQ(0, r);
	mvm_kmsg_close(&self->kmsg);
}

/*
 * Loads the vendor's KVM module and opens /dev/kvm.  Returns false after a
 * SKIP when KVM is not available here; on the rig that is a failure,
 * unless the rig said this kernel has no KVM.
 */
static bool kvm_load(struct __test_metadata *_metadata,
		     FIXTURE_DATA(conflict) *self)
{
	const char *no_kvm = getenv("MINIVMM_RIG_NO_KVM");
	char cmd[64];
	int r;

	if (no_kvm && *no_kvm)
		SKIP(return false, "%s", no_kvm);
	snprintf(cmd, sizeof(cmd), "modprobe %s", self->kvm_mod);
	r = system(cmd);
	if (r != 0) {
		ASSERT_FALSE(mvm_on_rig())
			TH_LOG("'%s' failed (status %#x); the rig ships KVM", cmd, r);
		SKIP(return false, "'%s' failed: no KVM here", cmd);
	}
	self->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm_fd < 0) {
		ASSERT_FALSE(mvm_on_rig())
			TH_LOG("/dev/kvm: %s; the rig ships KVM", strerror(errno));
		SKIP(return false, "/dev/kvm: %s", strerror(errno));
	}
	ASSERT_EQ(KVM_API_VERSION, ioctl(self->kvm_fd, KVM_GET_API_VERSION, 0UL));
	return true;
}

static int kvm_create_vm(FIXTURE_DATA(conflict) *self)
{
	return ioctl(self->kvm_fd, KVM_CREATE_VM, 0UL);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* No warning or oops may come out of either hypervisor meanwhile. */
static void expect_no_kernel_bugs(struct __test_metadata *_metadata,
				  FIXTURE_DATA(conflict) *self)
{
	ASSERT_EQ(0, mvm_kmsg_update(&self->kmsg));
	EXPECT_EQ(0, mvm_kmsg_count_bugs(&self->kmsg));
}

/*
 * KVM holds the hardware: minivmm refuses with EBUSY, rolls back, logs the
 * reason, and vmctl reports it.  Once KVM's VM is gone and KVM unloaded,
 * minivmm works again.
 */
TEST_F_TIMEOUT(conflict, kvm_first_then_minivmm, 200)
{
	char out[4096];
	int i, status;

	if (!kvm_load(_metadata, self))
		return;
	self->kvm_vm = kvm_create_vm(self);
	ASSERT_LE(0, self->kvm_vm)
		TH_LOG("KVM_CREATE_VM with minivmm idle: %s", strerror(errno));

	/* Twice: a refused creation must not leave anything half-done. */
	for (i = 0; i < 2; i++) {
		errno = 0;
		self->vm = mvm_create_vm(self->sys_fd);
		ASSERT_EQ(-1, self->vm) TH_LOG("attempt %d", i + 1);
		ASSERT_EQ(EBUSY, errno) TH_LOG("attempt %d: %s", i + 1, strerror(errno));
		ASSERT_HW(MVM_HW_OFF, "attempt %d was not rolled back", i + 1);
	}

	ASSERT_EQ(0, mvm_kmsg_update(&self->kmsg));
	EXPECT_TRUE(mvm_kmsg_contains(&self->kmsg, BUSY_MSG))
		TH_LOG("no \"%s\" in the kernel log since the test started", BUSY_MSG);

	status = run_vmctl_info(out, sizeof(out));
	ASSERT_NE(-1, status) TH_LOG("cannot run vmctl: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0)
		TH_LOG("vmctl info succeeded while KVM holds the hardware:\n%s", out);
	EXPECT_NE(127, WEXITSTATUS(status)) TH_LOG("vmctl is not installed");
	EXPECT_NE(NULL, strstr(out, "another hypervisor"))
		TH_LOG("vmctl info said:\n%s", out);
	ASSERT_HW(MVM_HW_OFF);

	close_fd(&self->kvm_vm);
	close_fd(&self->kvm_fd);
	ASSERT_EQ(0, kvm_unload());

	self->vm = mvm_create_vm(self->sys_fd);
	ASSERT_LE(0, self->vm)
		TH_LOG("MINIVMM_CREATE_VM after KVM left: %s", strerror(errno));
	ASSERT_HW(MVM_HW_ON);
	close_fd(&self->vm);
	ASSERT_HW(MVM_HW_OFF);

	/* vmctl's success path, so its failure above meant something. */
	status = run_vmctl_info(out, sizeof(out));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("vmctl info failed (status %#x):\n%s", status, out);
	EXPECT_NE(NULL, strstr(out, "VM create: ok"))
		TH_LOG("vmctl info said:\n%s", out);
	ASSERT_HW(MVM_HW_OFF, "vmctl's VM left the hardware on");

	expect_no_kernel_bugs(_metadata, self);
}

/*
 * minivmm holds the hardware: KVM cannot create a VM, and its failed attempt
 * leaves minivmm's VMX/SVM on (kvm_intel would clear CR4.VMXE behind us if
 * it did not see it set).  Once minivmm's VMs are closed, KVM works.
 */
TEST_F_TIMEOUT(conflict, minivmm_first_then_kvm, 200)
{
	int second;

	self->vm = mvm_create_vm(self->sys_fd);
	ASSERT_LE(0, self->vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	ASSERT_HW(MVM_HW_ON);

	if (!kvm_load(_metadata, self))
		return;
	ASSERT_HW(MVM_HW_ON, "loading %s changed minivmm's state", self->kvm_mod);

	errno = 0;
	self->kvm_vm = kvm_create_vm(self);
	ASSERT_EQ(-1, self->kvm_vm)
		TH_LOG("KVM_CREATE_VM succeeded while minivmm holds the hardware");
	EXPECT_EQ(EBUSY, errno) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	ASSERT_HW(MVM_HW_ON, "KVM's failed attempt changed minivmm's state");

	/* minivmm still works after KVM's attempt. */
	second = mvm_create_vm(self->sys_fd);
	ASSERT_LE(0, second) TH_LOG("second MINIVMM_CREATE_VM: %s", strerror(errno));
	ASSERT_EQ(0, close(second));
	ASSERT_HW(MVM_HW_ON);

	close_fd(&self->vm);
	ASSERT_HW(MVM_HW_OFF);

	self->kvm_vm = kvm_create_vm(self);
	ASSERT_LE(0, self->kvm_vm)
		TH_LOG("KVM_CREATE_VM after minivmm closed its VMs: %s", strerror(errno));
	/* KVM holds it now; minivmm's view stays empty. */
	ASSERT_HW(MVM_HW_OFF);
	close_fd(&self->kvm_vm);

	expect_no_kernel_bugs(_metadata, self);
}

/*
 * KVM loaded but without a VM holds nothing, and a KVM VM that has been
 * closed leaves nothing behind: minivmm must work in both cases, with KVM
 * still loaded.
 */
TEST_F_TIMEOUT(conflict, idle_kvm_does_not_block, 200)
{
	if (!kvm_load(_metadata, self))
		return;

	self->vm = mvm_create_vm(self->sys_fd);
	ASSERT_LE(0, self->vm)
		TH_LOG("MINIVMM_CREATE_VM with KVM loaded but idle: %s", strerror(errno));
	ASSERT_HW(MVM_HW_ON);
	close_fd(&self->vm);
	ASSERT_HW(MVM_HW_OFF);

	self->kvm_vm = kvm_create_vm(self);
	ASSERT_LE(0, self->kvm_vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	close_fd(&self->kvm_vm);

	self->vm = mvm_create_vm(self->sys_fd);
	ASSERT_LE(0, self->vm)
		TH_LOG("MINIVMM_CREATE_VM after KVM's VM closed: %s", strerror(errno));
	ASSERT_HW(MVM_HW_ON);
	close_fd(&self->vm);
	ASSERT_HW(MVM_HW_OFF);

	expect_no_kernel_bugs(_metadata, self);
}

TEST_HARNESS_MAIN
