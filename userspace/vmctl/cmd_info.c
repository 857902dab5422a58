// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_info.c: "vmctl info", the first thing to run on a new machine.
 *
 * It asks /dev/minivmm everything the system fd answers (API version,
 * backend, capabilities), reads which CPUs have VMX/SVM on, and proves the
 * whole path works by creating and closing a VM.  Any failure is handed to
 * mvm_explain(), so the user reads a cause and a fix, not just an errno.
 *
 * The selftests grep this output for "VM create: ok": keep the phrase.
 */
#include <string.h>
#include <unistd.h>

#include <linux/minivmm.h>

#include "vmctl.h"

enum info_cap_kind {
	INFO_CAP_VENDOR,	/* printed as the backend line */
	INFO_CAP_BOOL,		/* yes/no */
	INFO_CAP_COUNT,		/* a number */
};

struct info_cap {
	const char *name;	/* as in the header, less MINIVMM_CAP_ */
	enum info_cap_kind kind;
	const char *vmx;	/* what it means on each backend */
	const char *svm;
};

static const struct info_cap info_caps[] = {
	[MINIVMM_CAP_VENDOR] = {
		"VENDOR", INFO_CAP_VENDOR, NULL, NULL },
	[MINIVMM_CAP_NESTED_PAGING] = {
		"NESTED_PAGING", INFO_CAP_BOOL, "EPT", "NPT" },
	[MINIVMM_CAP_TAGGED_TLB] = {
		"TAGGED_TLB", INFO_CAP_BOOL, "VPID", "ASID" },
	[MINIVMM_CAP_UNRESTRICTED_GUEST] = {
		"UNRESTRICTED_GUEST", INFO_CAP_BOOL,
		"real-mode guests run natively",
		"real-mode guests run natively" },
	[MINIVMM_CAP_NEXT_RIP] = {
		"NEXT_RIP", INFO_CAP_BOOL, "exit instruction length", "NRIPS" },
	[MINIVMM_CAP_NR_MEMSLOTS] = {
		"NR_MEMSLOTS", INFO_CAP_COUNT, "memory slots per VM",
		"memory slots per VM" },
	[MINIVMM_CAP_MAX_VCPUS] = {
		"MAX_VCPUS", INFO_CAP_COUNT, "vCPUs per VM", "vCPUs per VM" },
	[MINIVMM_CAP_IRQCHIP] = {
		"IRQCHIP", INFO_CAP_COUNT, "I/O APIC pins (in-kernel APICs)",
		"I/O APIC pins (in-kernel APICs)" },
	[MINIVMM_CAP_IOEVENTFD] = {
		"IOEVENTFD", INFO_CAP_BOOL, "guest writes signal eventfds",
		"guest writes signal eventfds" },
	[MINIVMM_CAP_IRQFD] = {
		"IRQFD", INFO_CAP_BOOL, "eventfds raise interrupts",
		"eventfds raise interrupts" },
	[MINIVMM_CAP_NR_GSIS] = {
		"NR_GSIS", INFO_CAP_COUNT, "GSIs in the routing table",
		"GSIs in the routing table" },
};

/* A capability added to the header must be named here before it builds. */
_Static_assert(ARRAY_SIZE(info_caps) == MINIVMM_CAP_NR_CAPS,
	       "info_caps[] must list every MINIVMM_CAP_*");

#define INFO_LABEL	"%-24s"

/* Returns 0, or -errno from the vendor query. */
static int info_backend(int fd, int *vendor)
{
	const char *name;
	int ret;

	ret = mvm_check_extension(fd, MINIVMM_CAP_VENDOR);
	if (ret < 0) {
		printf(INFO_LABEL "unknown\n", "backend:");
		return ret;
	}
	*vendor = ret;
	name = mvm_vendor_name(ret);
	if (name)
		printf(INFO_LABEL "%s\n", "backend:", name);
	else
		printf(INFO_LABEL "unknown (vendor %d)\n", "backend:", ret);
	return 0;
}

/* Returns 0, or the first -errno any capability query gave. */
static int info_caps_print(int fd, int vendor)
{
	const struct info_cap *c;
	const char *what;
	int first_err = 0;
	unsigned int i;
	int val;

	printf("capabilities:\n");
	for (i = 0; i < ARRAY_SIZE(info_caps); i++) {
		c = &info_caps[i];
		if (c->kind == INFO_CAP_VENDOR)
			continue;

		what = vendor == MINIVMM_VENDOR_AMD_SVM ? c->svm : c->vmx;
		val = mvm_check_extension(fd, i);
		if (val < 0) {
			printf("  " INFO_LABEL "error (%s)\n", c->name,
			       strerror(-val));
			if (!first_err)
				first_err = val;
			continue;
		}
		if (c->kind == INFO_CAP_COUNT)
			printf("  " INFO_LABEL "%-4d %s\n", c->name, val, what);
		else
			printf("  " INFO_LABEL "%-4s %s\n", c->name,
			       val ? "yes" : "no", what);
	}
	return first_err;
}

static void info_hw_cpus(void)
{
	char list[256];
	int ret;

	ret = mvm_read_hw_enabled_cpus(list, sizeof(list));
	if (ret < 0)
		printf(INFO_LABEL "unknown (%s/hw_enabled_cpus: %s)\n",
		       "hw virtualization on:", MVM_SYS_CLASS, strerror(-ret));
	else if (!list[0])
		printf(INFO_LABEL "none (off while no VM exists)\n",
		       "hw virtualization on:");
	else
		printf(INFO_LABEL "CPUs %s\n", "hw virtualization on:", list);
}

/*
 * Create a VM and close it again.  The first VM is what makes minivmm turn
 * VMX/SVM on, so this is where another hypervisor shows up.
 */
static int info_probe(int fd, int vendor)
{
	char list[256];
	int vm_fd;

	vm_fd = mvm_create_vm(fd);
	if (vm_fd < 0) {
		printf("VM create: failed\n");
		mvm_explain(-vm_fd, MVM_OP_CREATE_VM);
		return vm_fd;
	}

	/* While it is open the hardware must be on: show where. */
	if (!mvm_read_hw_enabled_cpus(list, sizeof(list)) && list[0])
		printf("VM create: ok (%s on for CPUs %s while it was open)\n",
		       vendor == MINIVMM_VENDOR_AMD_SVM ? "SVM" : "VMX", list);
	else
		printf("VM create: ok\n");
	close(vm_fd);
	return 0;
}

int cmd_info(int argc, char **argv)
{
	int fd, version, vendor = 0, ret;
	int status = VMCTL_EXIT_OK;

	if (argc > 1)
		return vmctl_usage_error(argv[0], "unexpected argument '%s'",
					 argv[1]);

	fd = mvm_open_dev();
	if (fd < 0) {
		mvm_explain(-fd, MVM_OP_OPEN);
		return VMCTL_EXIT_ERROR;
	}

	/* Anything else is meaningless if this is not minivmm at all. */
	version = mvm_get_api_version(fd);
	if (version < 0) {
		mvm_explain(-version, MVM_OP_GET_API_VERSION);
		close(fd);
		return VMCTL_EXIT_ERROR;
	}
	printf(INFO_LABEL "%d\n", "API version:", version);
	if (version != MINIVMM_API_VERSION)
		pr_warn("the module speaks API %d but vmctl was built for API %d; build both from the same tree",
			version, MINIVMM_API_VERSION);

	ret = info_backend(fd, &vendor);
	if (ret < 0) {
		mvm_explain(-ret, MVM_OP_CHECK_EXTENSION);
		status = VMCTL_EXIT_ERROR;
	}
	ret = info_caps_print(fd, vendor);
	if (ret < 0) {
		mvm_explain(-ret, MVM_OP_CHECK_EXTENSION);
		status = VMCTL_EXIT_ERROR;
	}
	info_hw_cpus();

	if (info_probe(fd, vendor) < 0)
		status = VMCTL_EXIT_ERROR;
	close(fd);
	return status;
}
