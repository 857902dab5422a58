// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c: what vmctl asks of /dev/minivmm, and of the system around it when
 * an answer is an error.
 *
 * The wrappers return the kernel's answer or -errno and print nothing.
 * When one fails, its caller hands the errno to mvm_explain(), which
 * gathers the facts a person would check by hand (is the module loaded,
 * is the node there, does the CPU have VT-x/AMD-V, ...) and lets diag.c
 * decide what they mean.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/minivmm.h>

#include "vmctl.h"

int mvm_open_dev(void)
{
	int fd = open(MVM_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int sys_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

/* Returns the module's MINIVMM_API_VERSION or -errno. */
int mvm_get_api_version(int sys_fd)
{
	return sys_ioctl(sys_fd, MINIVMM_GET_API_VERSION, 0);
}

/* Returns 0 (absent), the capability's value, or -errno. */
int mvm_check_extension(int sys_fd, unsigned int cap)
{
	return sys_ioctl(sys_fd, MINIVMM_CHECK_EXTENSION, cap);
}

/* Returns a new VM fd (close-on-exec) or -errno. */
int mvm_create_vm(int sys_fd)
{
	return sys_ioctl(sys_fd, MINIVMM_CREATE_VM, 0);
}

/*
 * The CPUs on which minivmm has VMX/SVM turned on, as a cpulist ("0-1"),
 * or "" when none.  Returns 0 or -errno.
 */
int mvm_read_hw_enabled_cpus(char *buf, size_t size)
{
	return read_line(MVM_SYS_CLASS "/hw_enabled_cpus", buf, size);
}

/* What the module may be installed as: plain, or compressed by kmod. */
static const char *const module_files[] = {
	"minivmm.ko", "minivmm.ko.xz", "minivmm.ko.zst", "minivmm.ko.gz",
};

static int match_module_file(const char *path, const struct stat *st,
			     int type, struct FTW *ftw)
{
	const char *name = path + ftw->base;
	size_t i;

	(void)st;
	if (type != FTW_F && type != FTW_SL)
		return 0;
	for (i = 0; i < ARRAY_SIZE(module_files); i++)
		if (!strcmp(name, module_files[i]))
			return 1;	/* stops the walk */
	return 0;
}

/*
 * Is minivmm.ko (or a compressed one) anywhere under @dir?  FTW_PHYS keeps
 * the walk out of the build/ and source/ symlinks of /lib/modules/<release>:
 * a minivmm.ko in a kernel tree is a build product, not an installed module,
 * and walking a whole kernel tree would be slow.
 */
bool mvm_module_file_under(const char *dir)
{
	return nftw(dir, match_module_file, 16, FTW_PHYS) == 1;
}

/* The name of group @gid from <root>/etc/group; its number if not found. */
static void group_name(const char *root, gid_t gid, char *buf, size_t size)
{
	char path[PATH_MAX], text[32768];
	char *line, *save, *name, *p;
	ssize_t n;

	snprintf(buf, size, "%u", (unsigned int)gid);
	snprintf(path, sizeof(path), "%s/etc/group", root);
	n = read_file(path, text, sizeof(text) - 1);
	if (n < 0)
		return;
	text[n] = '\0';

	/* name:password:gid:members */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		name = line;
		p = strchr(name, ':');
		if (!p)
			continue;
		*p = '\0';
		p = strchr(p + 1, ':');
		if (!p || !p[1] || p[1] == ':')
			continue;
		if (strtoul(p + 1, NULL, 10) == gid) {
			snprintf(buf, size, "%s", name);
			return;
		}
	}
}

/* Whether this process already carries @gid (usermod needs a new login). */
static bool process_has_group(gid_t gid)
{
	bool found = false;
	gid_t *groups;
	int i, n;

	if (getegid() == gid)
		return true;
	n = getgroups(0, NULL);
	if (n <= 0)
		return false;
	groups = calloc(n, sizeof(*groups));
	if (!groups)
		return false;
	n = getgroups(n, groups);
	for (i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	return found;
}

static void node_facts(const char *root, struct mvm_facts *f)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, MVM_DEV_PATH);
	/* stat follows a symlink to the real node; lstat sees a dangling one. */
	if (stat(path, &st) && lstat(path, &st))
		return;

	f->dev_present = true;
	f->dev_mode = st.st_mode & 07777;
	if (S_ISCHR(st.st_mode))
		snprintf(f->node_devnum, sizeof(f->node_devnum), "%u:%u",
			 major(st.st_rdev), minor(st.st_rdev));
	group_name(root, st.st_gid, f->dev_group, sizeof(f->dev_group));
	f->in_dev_group = process_has_group(st.st_gid);
}

static void cpu_facts(const char *root, struct mvm_facts *f)
{
	/* The first CPU's block, which holds its flags line, fits easily. */
	char path[PATH_MAX], text[16384];
	ssize_t n;

	f->cpu = MVM_CPU_UNKNOWN;
	snprintf(path, sizeof(path), "%s/proc/cpuinfo", root);
	n = read_file(path, text, sizeof(text) - 1);
	if (n < 0)
		return;
	text[n] = '\0';
	f->cpu = mvm_parse_cpu_flags(text);
	f->in_vm = mvm_parse_cpu_in_vm(text);
}

/* Best effort: no EFI, or efivarfs not mounted, is "cannot tell". */
static int secure_boot_facts(const char *root)
{
	char path[PATH_MAX];
	unsigned char var[64];
	struct dirent *de;
	int ret = -1;
	ssize_t n;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/sys/firmware/efi/efivars", root);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "SecureBoot-", strlen("SecureBoot-")))
			continue;
		snprintf(path, sizeof(path), "%s/sys/firmware/efi/efivars/%s",
			 root, de->d_name);
		n = read_file(path, var, sizeof(var));
		if (n >= 0)
			ret = mvm_parse_secure_boot(var, n);
		break;
	}
	closedir(dir);
	return ret;
}

/*
 * The numbers the module's misc device got: from its sysfs directory, or
 * from /proc/misc when that is missing (sysfs without the class tree).
 */
static void devnum_facts(const char *root, struct mvm_facts *f)
{
	char path[PATH_MAX], text[8192];
	ssize_t n;
	int minor;

	snprintf(path, sizeof(path), "%s%s/dev", root, MVM_SYS_CLASS);
	if (!read_line(path, f->devnum, sizeof(f->devnum)) && f->devnum[0])
		return;
	f->devnum[0] = '\0';

	snprintf(path, sizeof(path), "%s/proc/misc", root);
	n = read_file(path, text, sizeof(text) - 1);
	if (n < 0)
		return;
	text[n] = '\0';
	minor = mvm_parse_proc_misc(text, "minivmm");
	if (minor >= 0)
		snprintf(f->devnum, sizeof(f->devnum), "10:%d", minor);
}

/* Ask the module itself, if it answers, which backend it runs. */
static int vendor_facts(const char *root)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "%s%s", root, MVM_DEV_PATH);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ret = mvm_check_extension(fd, MINIVMM_CAP_VENDOR);
	close(fd);
	return ret > 0 ? ret : 0;
}

/*
 * Fill @f from the system under @root ("" for the real one; tests pass a
 * directory laid out like one).  @release is the kernel release whose
 * modules to search, or NULL for the running kernel's.
 */
void mvm_gather_facts(const char *root, const char *release,
		      struct mvm_facts *f)
{
	static const char *const kvm_modules[] = { "kvm_intel", "kvm_amd" };
	char path[PATH_MAX];
	struct utsname uts;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (!release) {
		release = "unknown";
		if (!uname(&uts))
			release = uts.release;
	}
	snprintf(f->release, sizeof(f->release), "%s", release);

	snprintf(path, sizeof(path), "%s/sys/module", root);
	f->sysfs_mounted = path_exists(path);
	snprintf(path, sizeof(path), "%s%s", root, MVM_SYS_MODULE);
	f->module_loaded = path_exists(path);
	devnum_facts(root, f);

	node_facts(root, f);
	cpu_facts(root, f);
	f->secure_boot = secure_boot_facts(root);
	f->vendor = vendor_facts(root);

	snprintf(path, sizeof(path), "%s/lib/modules/%s", root, f->release);
	f->ko_installed = mvm_module_file_under(path);

	for (i = 0; i < ARRAY_SIZE(kvm_modules); i++) {
		snprintf(path, sizeof(path), "%s/sys/module/%s", root,
			 kvm_modules[i]);
		if (path_exists(path)) {
			snprintf(f->kvm_module, sizeof(f->kvm_module), "%s",
				 kvm_modules[i]);
			break;
		}
	}
}

/*
 * Tell the user, on stderr, why @op failed with @err and what to do:
 * one line of cause, after "@cmd: " when @cmd is not NULL, then a line of
 * fix and a note when there is one.
 */
void mvm_explain_for(const char *cmd, int err, const char *op)
{
	struct mvm_facts f;
	struct mvm_diag d;

	mvm_gather_facts("", NULL, &f);
	mvm_diagnose(&f, err, op, &d);
	if (cmd)
		pr_err("%s: %s", cmd, d.what);
	else
		pr_err("%s", d.what);
	if (d.fix[0])
		pr_err("fix: %s", d.fix);
	if (d.note[0])
		pr_err("note: %s", d.note);
}

void mvm_explain(int err, const char *op)
{
	mvm_explain_for(NULL, err, op);
}
