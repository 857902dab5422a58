/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl's one internal header.  Prototypes are grouped under the file that
 * defines them, so any definition can be found from here alone.
 *
 * Only main.c exits.  Everything else returns: commands return an exit
 * code (VMCTL_EXIT_*), library functions return a value >= 0 or -errno
 * and leave explaining the error to their caller.
 */
#ifndef VMCTL_H
#define VMCTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The release, from the top-level VERSION file (see the Makefile). */
#ifndef VMCTL_VERSION
#error "VMCTL_VERSION is defined by the Makefile from the top-level VERSION file"
#endif

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* What every command returns, and so what vmctl exits with. */
#define VMCTL_EXIT_OK		0
#define VMCTL_EXIT_ERROR	1	/* the command ran and failed */
#define VMCTL_EXIT_USAGE	2	/* the command line was wrong */
/* vmctl run: the guest crashed (even, so never a debug-exit status) */
#define VMCTL_EXIT_GUEST_FAULT	4
/* vmctl run: the guest reset the machine (even, so never a debug-exit status) */
#define VMCTL_EXIT_RESET	6

#define MVM_DEV_PATH		"/dev/minivmm"
#define MVM_SYS_MODULE		"/sys/module/minivmm"
#define MVM_SYS_CLASS		"/sys/class/misc/minivmm"

/*
 * Names of the operations mvm_explain() knows causes for.  Any other name
 * is fine too: the error is then reported as the plain strerror().
 */
#define MVM_OP_OPEN		"open " MVM_DEV_PATH
#define MVM_OP_GET_API_VERSION	"MINIVMM_GET_API_VERSION"
#define MVM_OP_CHECK_EXTENSION	"MINIVMM_CHECK_EXTENSION"
#define MVM_OP_CREATE_VM	"MINIVMM_CREATE_VM"
/* Finding the netlink family, for list, stats, top and events. */
#define MVM_OP_GENL		"the minivmm netlink family"

/* main.c: the command table */
struct vmctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the name */
	const char *usage;			/* "vmctl info" */
	const char *help;	/* first line: summary; the rest: details */
};

extern const struct vmctl_cmd vmctl_cmds[];
extern const size_t vmctl_nr_cmds;
const struct vmctl_cmd *vmctl_find_cmd(const char *name);

/* cmd_help.c: vmctl about itself */
int cmd_help(int argc, char **argv);
/* cmd_bench.c: minivmm's exit path next to KVM's */
int cmd_bench(int argc, char **argv);
int cmd_version(int argc, char **argv);
void vmctl_print_usage(FILE *out);
void vmctl_print_cmd_help(const struct vmctl_cmd *cmd, FILE *out);
int vmctl_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The usage error for what getopt_long() (with ":" leading its option
 * string) returned for argv[optind - 1]: ':' for a missing value, '?' for
 * an unknown option.
 */
static inline int vmctl_option_error(char **argv, int opt)
{
	if (opt == ':')
		return vmctl_usage_error(argv[0], "'%s' needs a value",
					 argv[optind - 1]);
	return vmctl_usage_error(argv[0], "unknown option '%s'",
				 argv[optind - 1]);
}

/* cmd_info.c */
int cmd_info(int argc, char **argv);

/* cmd_run.c; its parts are declared in run.h */
int cmd_run(int argc, char **argv);

/* util.c: messages and small file helpers */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
ssize_t read_file(const char *path, void *buf, size_t size);
int read_line(const char *path, char *buf, size_t size);
bool path_exists(const char *path);

/* diag.c: deciding what an error means (pure: no system access) */
enum mvm_cpu_virt {
	MVM_CPU_UNKNOWN,	/* no flags line to read */
	MVM_CPU_NONE,		/* neither vmx nor svm */
	MVM_CPU_VMX,
	MVM_CPU_SVM,
};

/* What dev.c found on the system, for diagnosing an error. */
struct mvm_facts {
	bool sysfs_mounted;	/* /sys/module exists at all */
	bool module_loaded;	/* /sys/module/minivmm */
	bool dev_present;	/* /dev/minivmm, of any type */
	bool ko_installed;	/* minivmm.ko* under /lib/modules/<release> */
	bool in_dev_group;	/* this process has /dev/minivmm's group */
	enum mvm_cpu_virt cpu;	/* from /proc/cpuinfo */
	bool in_vm;		/* its flags show a hypervisor */
	int secure_boot;	/* 1 on, 0 off, -1 unknown */
	int vendor;		/* MINIVMM_VENDOR_*, 0 when unknown */
	unsigned int dev_mode;	/* permission bits of /dev/minivmm */
	char dev_group[32];	/* its group's name or number, "" unknown */
	char devnum[24];	/* "MAJ:MIN" the module registered, "" unknown */
	char node_devnum[24];	/* "MAJ:MIN" of /dev/minivmm, "" if no chardev */
	char kvm_module[16];	/* "kvm_intel" or "kvm_amd" if loaded */
	char release[65];	/* uname -r */
};

enum mvm_cause {
	MVM_CAUSE_PLAIN,		/* no better words than strerror() */
	MVM_CAUSE_NO_SYSFS,		/* cannot tell: /sys not mounted */
	MVM_CAUSE_NO_CPU_VIRT,		/* not loaded; CPU has no VT-x/AMD-V */
	MVM_CAUSE_NO_NESTED_VIRT,	/* the same, inside a VM */
	MVM_CAUSE_NOT_INSTALLED,	/* not loaded; no .ko for this kernel */
	MVM_CAUSE_NOT_LOADED,		/* installed, not loaded */
	MVM_CAUSE_NO_DEV_NODE,		/* loaded, /dev/minivmm not made */
	MVM_CAUSE_STALE_DEV_NODE,	/* loaded, node leads elsewhere */
	MVM_CAUSE_NO_PERMISSION,
	MVM_CAUSE_HW_BUSY,		/* another hypervisor holds VMX/SVM */
	MVM_CAUSE_NOT_MINIVMM,		/* the node answers another ABI */
};

#define MVM_DIAG_LEN		320

/* One line each; fix and note are "" when there is nothing to add. */
struct mvm_diag {
	enum mvm_cause cause;
	char what[MVM_DIAG_LEN];
	char fix[MVM_DIAG_LEN];
	char note[MVM_DIAG_LEN];
};

enum mvm_cause mvm_diagnose(const struct mvm_facts *f, int err,
			    const char *op, struct mvm_diag *d);
enum mvm_cpu_virt mvm_parse_cpu_flags(const char *cpuinfo);
bool mvm_parse_cpu_in_vm(const char *cpuinfo);
int mvm_parse_secure_boot(const unsigned char *var, size_t len);
int mvm_parse_proc_misc(const char *text, const char *name);
const char *mvm_vendor_name(int vendor);
const char *mvm_vendor_ext(int vendor);

/* dev.c: /dev/minivmm and the system around it */
int mvm_open_dev(void);
int mvm_get_api_version(int sys_fd);
int mvm_check_extension(int sys_fd, unsigned int cap);
int mvm_create_vm(int sys_fd);
int mvm_read_hw_enabled_cpus(char *buf, size_t size);
bool mvm_module_file_under(const char *dir);
void mvm_gather_facts(const char *root, const char *release,
		      struct mvm_facts *f);
void mvm_explain(int err, const char *op);
void mvm_explain_for(const char *cmd, int err, const char *op);

#endif /* VMCTL_H */
