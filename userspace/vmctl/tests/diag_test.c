// SPDX-License-Identifier: GPL-2.0
/*
 * tests/diag_test.c: host-side tests for vmctl, printing TAP.
 *
 * The machines vmctl is built on have no minivmm and often no VT-x/AMD-V,
 * so the diagnosis is tested from the inputs it decides on: struct
 * mvm_facts filled by hand for each branch of mvm_diagnose(), then
 * mvm_gather_facts() run on a fake root laid out like /proc, /sys and
 * /lib/modules.  Last, the vmctl binary named by argv[1] is run to check
 * the command line: help for every command, exit codes, error wording.
 *
 *	usage: diag_test PATH-TO-VMCTL
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/minivmm.h>

#include "vmctl.h"
#include "tap.h"


static bool has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* A system with VMX, sysfs mounted, and nothing else known. */
static void base_facts(struct mvm_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->sysfs_mounted = true;
	f->cpu = MVM_CPU_VMX;
	f->secure_boot = -1;
	strcpy(f->release, "6.1.0-56-amd64");
}

static void test_cpu_flags(void)
{
	check(mvm_parse_cpu_flags("processor\t: 0\nflags\t\t: fpu vmx sse\n") ==
	      MVM_CPU_VMX, "cpuinfo: vmx flag");
	check(mvm_parse_cpu_flags("flags\t\t: fpu svm\n") == MVM_CPU_SVM,
	      "cpuinfo: svm flag at the end of the line");
	check(mvm_parse_cpu_flags("flags : fpu sse hypervisor") == MVM_CPU_NONE,
	      "cpuinfo: neither flag, no final newline");
	check(mvm_parse_cpu_flags("vmx flags\t: vnmi ept\nflags\t: fpu\n") ==
	      MVM_CPU_NONE, "cpuinfo: the 'vmx flags' line does not count");
	check(mvm_parse_cpu_flags("flags\t: vmxx svm_lock\n") == MVM_CPU_NONE,
	      "cpuinfo: whole tokens only");
	check(mvm_parse_cpu_flags("processor\t: 0\n") == MVM_CPU_UNKNOWN,
	      "cpuinfo: no flags line is unknown");
	check(mvm_parse_cpu_flags("") == MVM_CPU_UNKNOWN,
	      "cpuinfo: empty is unknown");
	check(mvm_parse_cpu_in_vm("flags\t\t: fpu sse hypervisor lahf_lm\n") &&
	      mvm_parse_cpu_in_vm("flags : fpu hypervisor") &&
	      !mvm_parse_cpu_in_vm("flags\t\t: fpu vmx sse\n") &&
	      !mvm_parse_cpu_in_vm("flags\t: hypervisorx\n") &&
	      !mvm_parse_cpu_in_vm("bugs\t: hypervisor\nflags\t: fpu\n") &&
	      !mvm_parse_cpu_in_vm(""),
	      "cpuinfo: the hypervisor flag, a whole word of the flags line");
}

static void test_secure_boot(void)
{
	static const unsigned char on[] = { 6, 0, 0, 0, 1 };
	static const unsigned char off[] = { 6, 0, 0, 0, 0 };

	check(mvm_parse_secure_boot(on, sizeof(on)) == 1, "SecureBoot: on");
	check(mvm_parse_secure_boot(off, sizeof(off)) == 0, "SecureBoot: off");
	check(mvm_parse_secure_boot(on, 4) == -1,
	      "SecureBoot: attributes only is unknown");
}

static void test_proc_misc(void)
{
	static const char misc[] = "234 btrfs-control\n 59 minivmm\n"
				   "258 minivmm2\n";

	check(mvm_parse_proc_misc(misc, "minivmm") == 59 &&
	      mvm_parse_proc_misc(misc, "minivmm2") == 258 &&
	      mvm_parse_proc_misc(misc, "kvm") == -1 &&
	      mvm_parse_proc_misc("", "minivmm") == -1,
	      "/proc/misc: the minor by exact name");
}

static void test_vendor_names(void)
{
	check(!strcmp(mvm_vendor_name(MINIVMM_VENDOR_INTEL_VMX), "Intel VMX") &&
	      !strcmp(mvm_vendor_name(MINIVMM_VENDOR_AMD_SVM), "AMD SVM") &&
	      !mvm_vendor_name(0), "vendor names");
}

/* Case 1: the module is not loaded. */
static void test_not_loaded(void)
{
	struct mvm_facts f;
	struct mvm_diag d;

	base_facts(&f);
	f.cpu = MVM_CPU_NONE;
	f.ko_installed = true;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NO_CPU_VIRT &&
	      has(d.what, "this CPU exposes no VT-x/AMD-V") &&
	      has(d.fix, "enable it in the firmware setup") &&
	      has(d.fix, "inside a VM, enable nested virtualization") &&
	      !d.note[0], "1a: no vmx/svm flag: firmware and nesting");

	f.ko_installed = false;
	mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d);
	check(has(d.note, "not installed for kernel 6.1.0-56-amd64") &&
	      has(d.note, "make dkms-install"),
	      "1a: also not installed: said in a note");

	f.in_vm = true;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NO_NESTED_VIRT &&
	      !strcmp(d.what, "cannot open /dev/minivmm: minivmm is not loaded, and this CPU exposes no VT-x/AMD-V") &&
	      !strcmp(d.fix, "you are inside a VM: enable nested virtualization on the host (this VM's CPU needs the vmx or svm flag)") &&
	      !strcmp(d.note, "minivmm is also not installed for kernel 6.1.0-56-amd64: run 'sudo make dkms-install' in the minivmm source tree (Documentation/install.rst)"),
	      "1a: the flags show a hypervisor: nested virtualization on the host");
	f.cpu = MVM_CPU_VMX;
	f.ko_installed = true;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NOT_LOADED,
	      "1a: inside a VM with vmx: only not loaded");

	base_facts(&f);
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NOT_INSTALLED &&
	      has(d.what, "minivmm is not installed for kernel 6.1.0-56-amd64") &&
	      has(d.fix, "run 'sudo make dkms-install' in the minivmm source tree"),
	      "1b: no minivmm.ko for the running kernel");

	f.cpu = MVM_CPU_UNKNOWN;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NOT_INSTALLED,
	      "1b: unreadable cpuinfo does not claim the CPU lacks VT-x");

	base_facts(&f);
	f.cpu = MVM_CPU_SVM;
	f.ko_installed = true;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NOT_LOADED &&
	      has(d.fix, "run 'sudo modprobe minivmm'") &&
	      has(d.fix, "'sudo dmesg | grep minivmm'") && !d.note[0],
	      "1c: installed, not loaded: modprobe");

	f.secure_boot = 1;
	mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d);
	check(has(d.note, "Key was rejected by service") &&
	      has(d.note, "mokutil") && has(d.note, "Documentation/install.rst"),
	      "1c: Secure Boot on: the signing key note");

	f.secure_boot = 0;
	mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d);
	check(!d.note[0], "1c: Secure Boot off: no note");

	check(mvm_diagnose(&f, ENXIO, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NOT_LOADED &&
	      mvm_diagnose(&f, ENODEV, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NOT_LOADED,
	      "1: a node left without its module (ENXIO, ENODEV)");

	f.sysfs_mounted = false;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) == MVM_CAUSE_NO_SYSFS &&
	      has(d.fix, "mount -t sysfs"),
	      "1: without /sys it does not guess");
}

/*
 * list, stats, top and events find the netlink family, not the node: the
 * same cause, fix and note as open() gives, after their own subject.
 */
static void test_no_family(void)
{
	static const char open_subj[] = "cannot open /dev/minivmm: ";
	static const char genl_subj[] = "the 'minivmm' netlink family is not registered: ";
	struct mvm_diag o, g;
	struct mvm_facts f;
	bool same = true;
	int i;

	for (i = 0; i < 4; i++) {
		base_facts(&f);
		f.cpu = i < 2 ? MVM_CPU_NONE : MVM_CPU_SVM;
		f.in_vm = i == 1;
		f.ko_installed = i == 3;
		f.secure_boot = 1;
		mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &o);
		mvm_diagnose(&f, ENOENT, MVM_OP_GENL, &g);
		same &= o.cause == g.cause &&
			!strncmp(o.what, open_subj, strlen(open_subj)) &&
			!strncmp(g.what, genl_subj, strlen(genl_subj)) &&
			!strcmp(o.what + strlen(open_subj),
				g.what + strlen(genl_subj)) &&
			!strcmp(o.fix, g.fix) && !strcmp(o.note, g.note);
	}
	check(same, "genl: not loaded: the same cause, fix and note as open");

	base_facts(&f);
	f.cpu = MVM_CPU_NONE;
	f.in_vm = true;
	f.ko_installed = true;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_GENL, &g) ==
	      MVM_CAUSE_NO_NESTED_VIRT &&
	      !strcmp(g.what, "the 'minivmm' netlink family is not registered: minivmm is not loaded, and this CPU exposes no VT-x/AMD-V") &&
	      has(g.fix, "you are inside a VM") && !g.note[0],
	      "genl: inside a VM without VT-x/AMD-V");

	f.sysfs_mounted = false;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_GENL, &g) == MVM_CAUSE_NO_SYSFS &&
	      !strcmp(g.what, "the 'minivmm' netlink family is not registered, and cannot tell why: /sys is not mounted"),
	      "genl: without /sys it does not guess");

	base_facts(&f);
	f.module_loaded = true;
	check(mvm_diagnose(&f, ENOENT, MVM_OP_GENL, &g) == MVM_CAUSE_PLAIN &&
	      !strcmp(g.what, "the minivmm netlink family: No such file or directory") &&
	      !g.fix[0], "genl: loaded yet no family: plain error, no guess");
	check(mvm_diagnose(&f, EPERM, MVM_OP_GENL, &g) == MVM_CAUSE_PLAIN,
	      "genl: other errors are plain");
}

/* Case 2 and the stale node: the module is loaded. */
static void test_dev_node(void)
{
	struct mvm_facts f;
	struct mvm_diag d;

	base_facts(&f);
	f.module_loaded = true;
	strcpy(f.devnum, "10:123");
	check(mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NO_DEV_NODE &&
	      has(d.what, "device node was not created") &&
	      has(d.what, "no devtmpfs or udev") &&
	      has(d.fix, "devtmpfs") &&
	      has(d.fix, "mknod -m 0660 /dev/minivmm c 10 123"),
	      "2: loaded, no node: devtmpfs or mknod with its numbers");

	f.devnum[0] = '\0';
	mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d);
	check(has(d.fix, "c 10 MINOR &&") && has(d.note, "/proc/misc"),
	      "2: minor unknown: where to find it");

	strcpy(f.devnum, "10:123");
	strcpy(f.node_devnum, "10:99");
	f.dev_present = true;
	check(mvm_diagnose(&f, ENXIO, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_STALE_DEV_NODE && has(d.what, "stale device node") &&
	      has(d.fix, "c 10 123"),
	      "2: loaded, node with other numbers: stale");

	strcpy(f.node_devnum, "10:123");
	check(mvm_diagnose(&f, ENODEV, MVM_OP_OPEN, &d) == MVM_CAUSE_PLAIN &&
	      !strcmp(d.what, "open /dev/minivmm: No such device") &&
	      !d.fix[0], "2: the right node: plain error, no guess");
}

/* Case 3: permission. */
static void test_permission(void)
{
	struct mvm_facts f;
	struct mvm_diag d;

	base_facts(&f);
	f.module_loaded = true;
	f.dev_present = true;
	f.dev_mode = 0660;
	strcpy(f.dev_group, "kvm");
	check(mvm_diagnose(&f, EACCES, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NO_PERMISSION &&
	      !strcmp(d.what, "permission denied on /dev/minivmm: it is group kvm, mode 0660") &&
	      !strcmp(d.fix, "add yourself with 'sudo usermod -aG kvm $USER' and log in again"),
	      "3: EACCES: group kvm, usermod");
	check(mvm_diagnose(&f, EPERM, MVM_OP_OPEN, &d) ==
	      MVM_CAUSE_NO_PERMISSION, "3: EPERM too");

	f.in_dev_group = true;
	f.dev_mode = 0600;
	mvm_diagnose(&f, EACCES, MVM_OP_OPEN, &d);
	check(has(d.what, "mode 0600") && has(d.fix, "sudo chmod 0660"),
	      "3: in the group but mode 0600: chmod");

	f.dev_mode = 0660;
	mvm_diagnose(&f, EACCES, MVM_OP_OPEN, &d);
	check(has(d.fix, "security module"),
	      "3: in the group and mode 0660: a security module");

	f.in_dev_group = false;
	strcpy(f.dev_group, "root");
	mvm_diagnose(&f, EACCES, MVM_OP_OPEN, &d);
	check(has(d.fix, "chgrp kvm") && has(d.fix, "usermod -aG kvm"),
	      "3: group root (no udev rule): chgrp kvm first");

	f.dev_group[0] = '\0';
	f.dev_mode = 0;
	mvm_diagnose(&f, EACCES, MVM_OP_OPEN, &d);
	check(has(d.what, "group kvm, mode 0660"),
	      "3: unknown group and mode: the expected ones");
}

/* Case 4: another hypervisor holds VMX/SVM. */
static void test_busy(void)
{
	struct mvm_facts f;
	struct mvm_diag d;

	base_facts(&f);
	f.module_loaded = true;
	f.vendor = MINIVMM_VENDOR_INTEL_VMX;
	check(mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d) ==
	      MVM_CAUSE_HW_BUSY &&
	      has(d.what, "another hypervisor holds VT-x on this machine") &&
	      has(d.what, "KVM with a VM open, VirtualBox, VMware") &&
	      has(d.fix, "close its VMs, or unload it: 'sudo modprobe -r kvm_intel'") &&
	      !has(d.fix, "kvm_amd"),
	      "4: Intel: another hypervisor, kvm_intel");

	f.vendor = MINIVMM_VENDOR_AMD_SVM;
	mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d);
	check(has(d.what, "another hypervisor holds AMD-V") &&
	      has(d.fix, "'sudo modprobe -r kvm_amd'") &&
	      !has(d.fix, "kvm_intel"), "4: AMD: kvm_amd");

	f.vendor = 0;
	f.cpu = MVM_CPU_SVM;
	mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d);
	check(has(d.fix, "-r kvm_amd'"),
	      "4: vendor unknown: from the CPU flags");

	f.cpu = MVM_CPU_UNKNOWN;
	strcpy(f.kvm_module, "kvm_intel");
	mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d);
	check(has(d.fix, "-r kvm_intel'") &&
	      has(d.note, "kvm_intel is loaded"),
	      "4: vendor unknown: from the loaded KVM module, named in a note");
	check(has(d.note, "has a VM open") && !has(d.note, "6.12"),
	      "4: KVM on 6.1: a VM of it is open");
	strcpy(f.release, "6.12.1");
	mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d);
	check(has(d.note, "enable_virt_at_load"),
	      "4: KVM on 6.12: it holds the hardware from load time");
	strcpy(f.release, "7.0.0");
	mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d);
	check(has(d.note, "enable_virt_at_load"), "4: KVM on 7.0 too");
	strcpy(f.release, "6.1.0-56-amd64");

	f.kvm_module[0] = '\0';
	mvm_diagnose(&f, EBUSY, MVM_OP_CREATE_VM, &d);
	check(has(d.what, "VT-x/AMD-V") &&
	      has(d.fix, "'sudo modprobe -r kvm_intel' (or kvm_amd)"),
	      "4: nothing known: both modules named");

	check(mvm_diagnose(&f, EBUSY, MVM_OP_OPEN, &d) == MVM_CAUSE_PLAIN,
	      "4: EBUSY from anything but MINIVMM_CREATE_VM is plain");
}

/* Cases 5 and 6: plain errors, and a node that is not minivmm. */
static void test_plain(void)
{
	struct mvm_facts f;
	struct mvm_diag d;

	base_facts(&f);
	f.module_loaded = true;
	check(mvm_diagnose(&f, ENOMEM, MVM_OP_CREATE_VM, &d) ==
	      MVM_CAUSE_PLAIN &&
	      !strcmp(d.what, "MINIVMM_CREATE_VM: Cannot allocate memory") &&
	      !d.fix[0] && !d.note[0], "5: ENOMEM: strerror and the ioctl");
	mvm_diagnose(&f, EMFILE, MVM_OP_CREATE_VM, &d);
	check(!strcmp(d.what, "MINIVMM_CREATE_VM: Too many open files"),
	      "5: EMFILE: strerror and the ioctl");
	mvm_diagnose(&f, EINTR, "MINIVMM_RUN", &d);
	check(!strcmp(d.what, "MINIVMM_RUN: Interrupted system call"),
	      "5: an operation diag.c does not know: plain");

	strcpy(f.devnum, "10:123");
	check(mvm_diagnose(&f, ENOTTY, MVM_OP_GET_API_VERSION, &d) ==
	      MVM_CAUSE_NOT_MINIVMM &&
	      has(d.what, "/dev/minivmm does not speak this API (is it another driver?)") &&
	      has(d.fix, "10:123"),
	      "6: ENOTTY on MINIVMM_GET_API_VERSION: another driver");
	check(mvm_diagnose(&f, ENOTTY, MVM_OP_CREATE_VM, &d) ==
	      MVM_CAUSE_PLAIN, "6: ENOTTY elsewhere is plain");
}

/* Fake-root helpers: everything is created under the test's temp dir. */
static char root[256];

static void put(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (!data) {
		mkdir(path, 0755);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		printf("# cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void put_str(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void test_gather(void)
{
	static const unsigned char sb_on[] = { 6, 0, 0, 0, 1 };
	static const char *const names[] = {
		"minivmm.ko", "minivmm.ko.xz", "minivmm.ko.zst", "minivmm.ko.gz",
	};
	char path[PATH_MAX], text[PATH_MAX];
	struct mvm_facts f;
	struct mvm_diag d;
	size_t i;

	mvm_gather_facts(root, "0.0.0-empty", &f);
	check(!f.sysfs_mounted && !f.module_loaded && !f.dev_present &&
	      !f.ko_installed && f.cpu == MVM_CPU_UNKNOWN &&
	      !f.in_vm && f.secure_boot == -1 && !f.kvm_module[0] &&
	      !f.vendor,
	      "gather: an empty root knows nothing");

	put_str("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu svm hypervisor npt\n\n"
				"processor\t: 1\nflags\t\t: fpu svm hypervisor npt\n");
	put("sys/module/kvm_amd", NULL, 0);
	put("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0283e2b9f1e",
	    sb_on, sizeof(sb_on));
	put_str("lib/modules/9.9.9-test/updates/dkms/minivmm.ko.zst", "x");
	mvm_gather_facts(root, "9.9.9-test", &f);
	check(f.sysfs_mounted && !f.module_loaded && f.ko_installed &&
	      f.cpu == MVM_CPU_SVM && f.in_vm && f.secure_boot == 1 &&
	      !strcmp(f.kvm_module, "kvm_amd") &&
	      !strcmp(f.release, "9.9.9-test"),
	      "gather: cpuinfo, sysfs, efivars, /lib/modules");
	mvm_diagnose(&f, ENOENT, MVM_OP_OPEN, &d);
	check(d.cause == MVM_CAUSE_NOT_LOADED && has(d.note, "mokutil"),
	      "gather + diagnose: installed, not loaded, Secure Boot note");

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "lib/modules/7.%zu/extra/%s", i,
			 names[i]);
		put_str(path, "x");
		snprintf(path, sizeof(path), "%s/lib/modules/7.%zu", root, i);
		check(mvm_module_file_under(path), "gather: finds %s",
		      names[i]);
	}
	put_str("lib/modules/8.0/extra/minivmm.ko.orig", "x");
	snprintf(path, sizeof(path), "%s/lib/modules/8.0", root);
	check(!mvm_module_file_under(path), "gather: ignores minivmm.ko.orig");

	/* build/ is a symlink into a kernel tree: not an installed module. */
	put_str("usr/src/linux/minivmm.ko", "x");
	put("lib/modules/8.1/kernel", NULL, 0);
	snprintf(path, sizeof(path), "%s/lib/modules/8.1/build", root);
	snprintf(text, sizeof(text), "%s/usr/src/linux", root);
	if (symlink(text, path))
		printf("# symlink %s: %s\n", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/lib/modules/8.1", root);
	check(!mvm_module_file_under(path),
	      "gather: does not follow the build symlink");

	put("sys/module/minivmm", NULL, 0);
	put_str("proc/misc", "234 btrfs-control\n 57 minivmm\n");
	mvm_gather_facts(root, "9.9.9-test", &f);
	check(!strcmp(f.devnum, "10:57"),
	      "gather: the numbers from /proc/misc without the sysfs class");
	put_str("sys/class/misc/minivmm/dev", "10:123\n");
	put_str("dev/minivmm", "");
	snprintf(path, sizeof(path), "%s/dev/minivmm", root);
	chmod(path, 0660);
	/* The node is ours, so its group is our egid: call that kvm. */
	snprintf(text, sizeof(text), "other:x:%u:\nkvm:x:%u:alice\n",
		 (unsigned int)getegid() + 1, (unsigned int)getegid());
	put_str("etc/group", text);
	mvm_gather_facts(root, "9.9.9-test", &f);
	check(f.module_loaded && f.dev_present && f.dev_mode == 0660 &&
	      !strcmp(f.devnum, "10:123") && !f.node_devnum[0] &&
	      !strcmp(f.dev_group, "kvm") && f.in_dev_group && !f.vendor,
	      "gather: the node, its group from etc/group, the sysfs numbers");
	mvm_diagnose(&f, ENXIO, MVM_OP_OPEN, &d);
	check(d.cause == MVM_CAUSE_STALE_DEV_NODE,
	      "gather + diagnose: a regular file as node is stale");
}

/*
 * Run vmctl with @args; its stdout and stderr land in @out and @err (each
 * NUL-terminated, cut at their size).  Returns the exit status, or -1.
 */
static int run(const char *vmctl, const char *const *args, char *out,
	       size_t out_size, char *err, size_t err_size)
{
	char out_path[PATH_MAX], err_path[PATH_MAX];
	posix_spawn_file_actions_t fa;
	char *argv[16];
	ssize_t n;
	int i, status;
	pid_t pid;

	argv[0] = (char *)vmctl;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;

	snprintf(out_path, sizeof(out_path), "%s/stdout", root);
	snprintf(err_path, sizeof(err_path), "%s/stderr", root);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	i = posix_spawn(&pid, vmctl, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (i || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;

	n = read_file(out_path, out, out_size - 1);
	out[n > 0 ? n : 0] = '\0';
	n = read_file(err_path, err, err_size - 1);
	err[n > 0 ? n : 0] = '\0';
	return WEXITSTATUS(status);
}

#define RUN(...) run(vmctl, (const char *const[]){ __VA_ARGS__, NULL }, \
		     out, sizeof(out), err, sizeof(err))

/* Every stderr line is "vmctl: ...". */
static bool all_prefixed(const char *text)
{
	const char *line;

	for (line = text; *line; line = strchr(line, '\n') + 1) {
		if (strncmp(line, "vmctl: ", 7))
			return false;
		if (!strchr(line, '\n'))
			break;
	}
	return true;
}

static void test_cli(const char *vmctl)
{
	char out[8192], err[4096], help[8192], want[64], cmd[32];
	const char *line;
	int rc, n;

	rc = RUN("--version");
	snprintf(want, sizeof(want), "(minivmm API %d)", MINIVMM_API_VERSION);
	check(rc == 0 && !strncmp(out, "vmctl ", 6) && has(out, want),
	      "cli: --version names the API it was built for");

	rc = RUN("--help");
	check(rc == 0 && has(out, "usage: vmctl") && has(out, "  info ") &&
	      !err[0], "cli: --help on stdout, exit 0");
	strcpy(help, out);

	rc = RUN("help");
	check(rc == 0 && !strcmp(out, help), "cli: 'help' is --help");

	rc = run(vmctl, (const char *const[]){ NULL }, out, sizeof(out), err,
		 sizeof(err));
	check(rc == 2 && has(err, "usage: vmctl") && !out[0],
	      "cli: no command: usage on stderr, exit 2");

	rc = RUN("bogus");
	check(rc == 2 && !strcmp(err, "vmctl: 'bogus' is not a vmctl command; run 'vmctl --help'\n"),
	      "cli: unknown command: one line, exit 2");

	rc = RUN("--bogus");
	check(rc == 2 && has(err, "vmctl --help"),
	      "cli: unknown option: exit 2");

	/* Every command --help lists, from the help text itself. */
	line = strstr(help, "Commands:\n");
	for (line = line ? strchr(line, '\n') + 1 : ""; !strncmp(line, "  ", 2);
	     line = strchr(line, '\n') + 1) {
		if (sscanf(line, " %31s%n", cmd, &n) != 1)
			break;
		rc = RUN(cmd, "--help");
		snprintf(want, sizeof(want), "usage: vmctl %s", cmd);
		check(rc == 0 && !strncmp(out, want, strlen(want)) && !err[0],
		      "cli: '%s --help' prints its usage, exit 0", cmd);
		strcpy(help + 4096, out);
		rc = RUN("help", cmd);
		check(rc == 0 && !strcmp(out, help + 4096),
		      "cli: 'help %s' is '%s --help'", cmd, cmd);
	}

	rc = RUN("help", "bogus");
	check(rc == 2 && has(err, "'bogus' is not a vmctl command"),
	      "cli: help for an unknown command: exit 2");

	rc = RUN("info", "extra");
	check(rc == 2 && has(err, "run 'vmctl info --help'"),
	      "cli: info with an argument: exit 2");

	if (path_exists(MVM_DEV_PATH)) {
		skip("this machine has /dev/minivmm",
		     "cli: info without the module explains and exits 1");
		return;
	}
	rc = RUN("info");
	check(rc == 1 && !strncmp(err, "vmctl: cannot open /dev/minivmm: ", 33) &&
	      has(err, "\nvmctl: fix: ") && all_prefixed(err),
	      "cli: info without the module explains and exits 1");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-VMCTL\n", argv[0]);
		return 2;
	}

	snprintf(root, sizeof(root), "%s/vmctl-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}

	test_cpu_flags();
	test_secure_boot();
	test_proc_misc();
	test_vendor_names();
	test_not_loaded();
	test_no_family();
	test_dev_node();
	test_permission();
	test_busy();
	test_plain();
	test_gather();
	test_cli(argv[1]);

	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done("diag_test");
}
