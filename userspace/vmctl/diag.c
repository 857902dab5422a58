// SPDX-License-Identifier: GPL-2.0
/*
 * diag.c: turning a failed open or ioctl of /dev/minivmm, or a missing
 * netlink family, into one line saying why and one line saying what to
 * do.  Every command reaches the module through one of those, so each
 * says the same about a module that is not there (diagnose_not_loaded()).
 *
 * Nothing here touches the system.  dev.c gathers a struct mvm_facts and
 * mvm_diagnose() decides from it alone, so tests/diag_test.c can walk every
 * branch on any machine, with or without the module or VT-x/AMD-V.
 *
 * The selftests grep vmctl's output for "another hypervisor" while KVM
 * holds the hardware: keep that phrase in MVM_CAUSE_HW_BUSY.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <linux/minivmm.h>

#include "vmctl.h"

const char *mvm_vendor_name(int vendor)
{
	switch (vendor) {
	case MINIVMM_VENDOR_INTEL_VMX:
		return "Intel VMX";
	case MINIVMM_VENDOR_AMD_SVM:
		return "AMD SVM";
	}
	return NULL;
}

/* The names firmware setup menus and vendor documents use. */
const char *mvm_vendor_ext(int vendor)
{
	switch (vendor) {
	case MINIVMM_VENDOR_INTEL_VMX:
		return "VT-x";
	case MINIVMM_VENDOR_AMD_SVM:
		return "AMD-V";
	}
	return "VT-x/AMD-V";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Is [line, line + len) the "flags" line of /proc/cpuinfo?  Kernels since
 * 5.8 also print a "vmx flags" line listing VMX features, which must not
 * count, so the key must be exactly "flags".
 */
static const char *flags_value(const char *line, size_t len)
{
	size_t i = strlen("flags");

	if (len < i || strncmp(line, "flags", i))
		return NULL;
	while (i < len && is_blank(line[i]))
		i++;
	if (i == len || line[i] != ':')
		return NULL;
	return line + i + 1;
}

/*
 * The value of the first CPU's "flags" line in @cpuinfo (the text of
 * /proc/cpuinfo), as [*start, *end).  All CPUs of a machine advertise the
 * same.  Returns false when there is no such line.
 */
static bool flags_line(const char *cpuinfo, const char **start,
		       const char **end)
{
	const char *line = cpuinfo, *eol, *p;
	size_t len;

	while (line && *line) {
		eol = strchr(line, '\n');
		len = eol ? (size_t)(eol - line) : strlen(line);
		p = flags_value(line, len);
		if (p) {
			*start = p;
			*end = line + len;
			return true;
		}
		line = eol ? eol + 1 : NULL;
	}
	return false;
}

/* Is @flag one of the whole words in [p, end)? */
static bool has_word(const char *p, const char *end, const char *flag)
{
	size_t len = strlen(flag);
	const char *tok;

	while (p < end) {
		while (p < end && is_blank(*p))
			p++;
		tok = p;
		while (p < end && !is_blank(*p))
			p++;
		if ((size_t)(p - tok) == len && !strncmp(tok, flag, len))
			return true;
	}
	return false;
}

/* Which virtualization extension the CPU in @cpuinfo advertises. */
enum mvm_cpu_virt mvm_parse_cpu_flags(const char *cpuinfo)
{
	const char *p, *end;

	if (!flags_line(cpuinfo, &p, &end))
		return MVM_CPU_UNKNOWN;
	if (has_word(p, end, "vmx"))
		return MVM_CPU_VMX;
	if (has_word(p, end, "svm"))
		return MVM_CPU_SVM;
	return MVM_CPU_NONE;
}

/*
 * Does the CPU in @cpuinfo say it runs under a hypervisor?  The kernel
 * prints "hypervisor" for CPUID.1:ECX bit 31, which hypervisors set for
 * their guests and real CPUs leave clear (Intel SDM vol 2A, CPUID: ECX
 * bit 31 is "not used", always 0).
 */
bool mvm_parse_cpu_in_vm(const char *cpuinfo)
{
	const char *p, *end;

	return flags_line(cpuinfo, &p, &end) && has_word(p, end, "hypervisor");
}

/*
 * An efivarfs file is 4 bytes of attributes followed by the variable's
 * data; SecureBoot's data is one byte, 1 when Secure Boot is enforcing.
 * Returns 1 (on), 0 (off) or -1 (cannot tell).
 */
int mvm_parse_secure_boot(const unsigned char *var, size_t len)
{
	if (len < 5)
		return -1;
	return var[len - 1] == 1;
}

/*
 * The minor of misc device @name in @text, the contents of /proc/misc
 * ("MINOR NAME" lines), or -1.  All misc devices have major 10.
 */
int mvm_parse_proc_misc(const char *text, const char *name)
{
	const char *line, *next;
	char word[64];
	int minor;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;
		if (sscanf(line, "%d %63s", &minor, word) == 2 &&
		    !strcmp(word, name))
			return minor;
	}
	return -1;
}

static void say(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, MVM_DIAG_LEN, fmt, ap);
	va_end(ap);
}

/*
 * The vendor as best known: the module's answer, else the CPU flags, else
 * which KVM module is loaded.  0 when none of them tells.
 */
static int facts_vendor(const struct mvm_facts *f)
{
	if (f->vendor)
		return f->vendor;
	if (f->cpu == MVM_CPU_VMX || !strcmp(f->kvm_module, "kvm_intel"))
		return MINIVMM_VENDOR_INTEL_VMX;
	if (f->cpu == MVM_CPU_SVM || !strcmp(f->kvm_module, "kvm_amd"))
		return MINIVMM_VENDOR_AMD_SVM;
	return 0;
}

/*
 * "10:123" -> "10 123", as mknod wants it.  Misc devices have major 10;
 * the minor is dynamic and, when unknown, is the number /proc/misc lists.
 */
static const char *mknod_numbers(const struct mvm_facts *f, char *buf,
				 size_t size)
{
	char *colon;

	if (!f->devnum[0])
		return "10 MINOR";
	snprintf(buf, size, "%s", f->devnum);
	colon = strchr(buf, ':');
	if (colon)
		*colon = ' ';
	return buf;
}

static void minor_note(const struct mvm_facts *f, struct mvm_diag *d)
{
	if (!f->devnum[0])
		say(d->note, "MINOR is minivmm's number in /proc/misc");
}

/*
 * Why minivmm is not there at all, for @subject ("cannot open
 * /dev/minivmm", ...): every command that needs the module, whichever
 * door it knocks on, says the same.
 */
static enum mvm_cause diagnose_not_loaded(const struct mvm_facts *f,
					  const char *subject,
					  struct mvm_diag *d)
{
	enum mvm_cause cause = MVM_CAUSE_NO_CPU_VIRT;

	/* No point installing or loading what cannot run: CPU first. */
	if (f->cpu == MVM_CPU_NONE) {
		say(d->what, "%s: minivmm is not loaded, and this CPU exposes no VT-x/AMD-V",
		    subject);
		if (f->in_vm) {
			/* No firmware setup to visit: the host decides. */
			say(d->fix, "you are inside a VM: enable nested virtualization on the host (this VM's CPU needs the vmx or svm flag)");
			cause = MVM_CAUSE_NO_NESTED_VIRT;
		} else {
			say(d->fix, "enable it in the firmware setup; inside a VM, enable nested virtualization");
		}
		if (!f->ko_installed)
			say(d->note, "minivmm is also not installed for kernel %s: run 'sudo make dkms-install' in the minivmm source tree (Documentation/install.rst)",
			    f->release);
		return cause;
	}

	if (!f->ko_installed) {
		say(d->what, "%s: minivmm is not installed for kernel %s",
		    subject, f->release);
		say(d->fix, "run 'sudo make dkms-install' in the minivmm source tree (Documentation/install.rst)");
		return MVM_CAUSE_NOT_INSTALLED;
	}

	say(d->what, "%s: minivmm is installed for kernel %s but not loaded",
	    subject, f->release);
	say(d->fix, "run 'sudo modprobe minivmm'; if it fails see 'sudo dmesg | grep minivmm'");
	/*
	 * With Secure Boot on, the kernel refuses unsigned modules and
	 * modprobe prints only "Key was rejected by service".
	 */
	if (f->secure_boot == 1)
		say(d->note, "Secure Boot is on: if modprobe says 'Key was rejected by service', enroll the DKMS signing key with mokutil (Documentation/install.rst)");
	return MVM_CAUSE_NOT_LOADED;
}

/* Without sysfs every module looks unloaded: do not guess. */
static enum mvm_cause diagnose_no_sysfs(const char *subject,
					struct mvm_diag *d)
{
	say(d->what, "%s, and cannot tell why: /sys is not mounted", subject);
	say(d->fix, "mount it ('mount -t sysfs sysfs /sys') and run vmctl again");
	return MVM_CAUSE_NO_SYSFS;
}

/* open() said the node is missing or leads nowhere (ENOENT/ENXIO/ENODEV). */
static enum mvm_cause diagnose_missing(const struct mvm_facts *f,
				       struct mvm_diag *d)
{
	char nums[sizeof(f->devnum)];

	if (!f->sysfs_mounted)
		return diagnose_no_sysfs("cannot open " MVM_DEV_PATH, d);
	if (!f->module_loaded)
		return diagnose_not_loaded(f, "cannot open " MVM_DEV_PATH, d);

	/*
	 * The misc device exists but nothing made its node: a system with
	 * neither devtmpfs on /dev nor udev (a hand-made initramfs).
	 */
	if (!f->dev_present) {
		say(d->what, "cannot open %s: minivmm is loaded but the device node was not created (no devtmpfs or udev)",
		    MVM_DEV_PATH);
		say(d->fix, "mount devtmpfs ('mount -t devtmpfs devtmpfs /dev') or create it: 'mknod -m 0660 %s c %s && chgrp kvm %s'",
		    MVM_DEV_PATH, mknod_numbers(f, nums, sizeof(nums)),
		    MVM_DEV_PATH);
		minor_note(f, d);
		return MVM_CAUSE_NO_DEV_NODE;
	}

	/* The right node, so the module's own open() refused: no guess. */
	if (f->devnum[0] && !strcmp(f->node_devnum, f->devnum))
		return MVM_CAUSE_PLAIN;

	/* A node made by hand for an earlier load, with other numbers. */
	say(d->what, "cannot open %s: it does not lead to the loaded minivmm (a stale device node)",
	    MVM_DEV_PATH);
	say(d->fix, "recreate it: 'sudo rm %s && sudo mknod -m 0660 %s c %s && sudo chgrp kvm %s'",
	    MVM_DEV_PATH, MVM_DEV_PATH, mknod_numbers(f, nums, sizeof(nums)),
	    MVM_DEV_PATH);
	minor_note(f, d);
	return MVM_CAUSE_STALE_DEV_NODE;
}

/*
 * The netlink family (list, stats, top, events) is registered by the
 * module's init and gone with it, so its absence is the module's.
 */
static enum mvm_cause diagnose_no_family(const struct mvm_facts *f,
					 struct mvm_diag *d)
{
	static const char subject[] = "the '" MINIVMM_GENL_NAME "' netlink family is not registered";

	if (!f->sysfs_mounted)
		return diagnose_no_sysfs(subject, d);
	if (!f->module_loaded)
		return diagnose_not_loaded(f, subject, d);
	return MVM_CAUSE_PLAIN;
}

static enum mvm_cause diagnose_permission(const struct mvm_facts *f,
					  struct mvm_diag *d)
{
	const char *group = f->dev_group[0] ? f->dev_group : "kvm";
	unsigned int mode = f->dev_mode ? f->dev_mode : 0660;

	say(d->what, "permission denied on %s: it is group %s, mode %04o",
	    MVM_DEV_PATH, group, mode);

	if (!strcmp(group, "root") || !strcmp(group, "0"))
		/* No udev rule handed it to kvm: usermod would not help. */
		say(d->fix, "give it to group kvm ('sudo chgrp kvm %s && sudo chmod 0660 %s'), then 'sudo usermod -aG kvm $USER' and log in again",
		    MVM_DEV_PATH, MVM_DEV_PATH);
	else if (f->in_dev_group && (mode & 060) != 060)
		say(d->fix, "you are in group %s already, but the mode does not let the group in: 'sudo chmod 0660 %s'",
		    group, MVM_DEV_PATH);
	else if (f->in_dev_group)
		say(d->fix, "you are in group %s and the mode allows it, so a security module refused: see 'sudo dmesg | tail'",
		    group);
	else
		say(d->fix, "add yourself with 'sudo usermod -aG %s $USER' and log in again",
		    group);
	return MVM_CAUSE_NO_PERMISSION;
}

/* Is kernel @release ("6.1.0-56-amd64") at least @major.@minor? */
static bool release_at_least(const char *release, int major, int minor)
{
	int ma, mi;

	if (sscanf(release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * VMXON/EFER.SVME is one per CPU: while another hypervisor has it on,
 * minivmm cannot turn it on and the module fails the first VM with -EBUSY
 * (and logs "already in use by another hypervisor").
 */
static enum mvm_cause diagnose_busy(const struct mvm_facts *f,
				    struct mvm_diag *d)
{
	int vendor = facts_vendor(f);
	const char *ext = mvm_vendor_ext(vendor);

	say(d->what, "cannot create a VM: another hypervisor holds %s on this machine (KVM with a VM open, VirtualBox, VMware)",
	    ext);

	if (vendor == MINIVMM_VENDOR_INTEL_VMX)
		say(d->fix, "close its VMs, or unload it: 'sudo modprobe -r kvm_intel'");
	else if (vendor == MINIVMM_VENDOR_AMD_SVM)
		say(d->fix, "close its VMs, or unload it: 'sudo modprobe -r kvm_amd'");
	else
		say(d->fix, "close its VMs, or unload it: 'sudo modprobe -r kvm_intel' (or kvm_amd)");

	/*
	 * Since Linux 6.12 KVM turns VMX/SVM on when it loads, not when its
	 * first VM is created, so closing VMs is not enough there.
	 */
	if (f->kvm_module[0] && release_at_least(f->release, 6, 12))
		say(d->note, "%s is loaded, and on Linux 6.12 and later it holds %s even with no VM open (unless kvm.enable_virt_at_load=0)",
		    f->kvm_module, ext);
	else if (f->kvm_module[0])
		say(d->note, "%s is loaded, so a KVM user (QEMU, libvirt, a test) has a VM open",
		    f->kvm_module);
	else
		say(d->note, "'sudo dmesg | grep minivmm' shows which CPU refused");
	return MVM_CAUSE_HW_BUSY;
}

static enum mvm_cause diagnose_not_minivmm(const struct mvm_facts *f,
					   struct mvm_diag *d)
{
	say(d->what, "%s: %s does not speak this API (is it another driver?)",
	    MVM_OP_GET_API_VERSION, MVM_DEV_PATH);

	if (!f->module_loaded)
		say(d->fix, "minivmm is not loaded, so the node belongs to someone else: remove it, then 'sudo modprobe minivmm'");
	else if (f->devnum[0])
		say(d->fix, "'ls -l %s' should show a character device with the numbers %s from %s/dev",
		    MVM_DEV_PATH, f->devnum, MVM_SYS_CLASS);
	else
		say(d->fix, "compare 'ls -l %s' with %s/dev", MVM_DEV_PATH,
		    MVM_SYS_CLASS);
	return MVM_CAUSE_NOT_MINIVMM;
}

/*
 * Decide what @err from @op (an MVM_OP_* name, or any other name for a
 * plain report) means on a system described by @f, and fill @d.
 */
enum mvm_cause mvm_diagnose(const struct mvm_facts *f, int err,
			    const char *op, struct mvm_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->cause = MVM_CAUSE_PLAIN;

	if (!strcmp(op, MVM_OP_OPEN)) {
		switch (err) {
		case ENOENT:
		case ENXIO:
		case ENODEV:
			d->cause = diagnose_missing(f, d);
			break;
		case EACCES:
		case EPERM:
			d->cause = diagnose_permission(f, d);
			break;
		}
	} else if (!strcmp(op, MVM_OP_GENL) && err == ENOENT) {
		d->cause = diagnose_no_family(f, d);
	} else if (!strcmp(op, MVM_OP_CREATE_VM) && err == EBUSY) {
		d->cause = diagnose_busy(f, d);
	} else if (!strcmp(op, MVM_OP_GET_API_VERSION) && err == ENOTTY) {
		d->cause = diagnose_not_minivmm(f, d);
	}

	if (d->cause == MVM_CAUSE_PLAIN)
		say(d->what, "%s: %s", op, strerror(err));
	return d->cause;
}
