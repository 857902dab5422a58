// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_list.c: "vmctl list", every VM on the host this user may see
 * (all of them with CAP_NET_ADMIN), from the minivmm netlink family.
 *
 * --json prints one object (Documentation/netlink.rst lists the fields):
 *   {"vms":[{"id":1,"pid":..,"uid":..,"vcpus":1,"memory_bytes":..,
 *            "state":"idle","created_ns":..,
 *            "vcpu":[{"id":0,"tid":..,"cpu":0,"state":"running"}]}]}
 * "cpu" is null for a vCPU that has never entered the guest.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmctl.h"
#include "nl.h"

static const struct option list_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

/* 1536 -> "1.5K"; binary units, like free -h. */
void vmctl_format_bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "BKMGTP";
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < (int)sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 100 || v == (uint64_t)v)
		snprintf(buf, size, "%.0f%c", v, units[u]);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
}

/* Seconds since @created_ns (CLOCK_REALTIME) as "3d04h", "5m02s"... */
void vmctl_format_age(char *buf, size_t size, uint64_t created_ns)
{
	struct timespec now;
	uint64_t s;

	clock_gettime(CLOCK_REALTIME, &now);
	s = (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec;
	s = s > created_ns ? (s - created_ns) / 1000000000ull : 0;
	if (s >= 86400)
		snprintf(buf, size, "%llud%02lluh", (unsigned long long)s / 86400,
			 (unsigned long long)s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%lluh%02llum", (unsigned long long)s / 3600,
			 (unsigned long long)s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, size, "%llum%02llus", (unsigned long long)s / 60,
			 (unsigned long long)s % 60);
	else
		snprintf(buf, size, "%llus", (unsigned long long)s);
}

static void list_json(const struct vmctl_vm_info *vms, size_t n)
{
	struct json j;
	size_t i;
	unsigned int c;

	json_init(&j, stdout);
	json_begin_object(&j);
	json_key(&j, "vms");
	json_begin_array(&j);
	for (i = 0; i < n; i++) {
		const struct vmctl_vm_info *vm = &vms[i];

		json_begin_object(&j);
		json_key(&j, "id");
		json_u64(&j, vm->id);
		json_key(&j, "pid");
		json_u64(&j, vm->pid);
		json_key(&j, "uid");
		json_u64(&j, vm->uid);
		json_key(&j, "vcpus");
		json_u64(&j, vm->nr_vcpus);
		json_key(&j, "memory_bytes");
		json_u64(&j, vm->mem_bytes);
		json_key(&j, "state");
		json_string(&j, vmctl_vm_state_name(vm->state));
		json_key(&j, "created_ns");
		json_u64(&j, vm->created_ns);
		json_key(&j, "vcpu");
		json_begin_array(&j);
		for (c = 0; c < vm->nr; c++) {
			const struct vmctl_vcpu_info *v = &vm->vcpu[c];

			json_begin_object(&j);
			json_key(&j, "id");
			json_u64(&j, v->id);
			json_key(&j, "tid");
			json_u64(&j, v->tid);
			json_key(&j, "cpu");
			if (v->has_cpu)
				json_u64(&j, v->cpu);
			else
				json_null(&j);
			json_key(&j, "state");
			json_string(&j, vmctl_vcpu_state_name(v->state));
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
}

static void list_text(const struct vmctl_vm_info *vms, size_t n)
{
	char mem[16], age[24];
	size_t i;

	printf("%6s %8s %6s %5s %7s %-8s %s\n", "ID", "PID", "UID", "VCPUS",
	       "MEMORY", "STATE", "AGE");
	for (i = 0; i < n; i++) {
		vmctl_format_bytes(mem, sizeof(mem), vms[i].mem_bytes);
		vmctl_format_age(age, sizeof(age), vms[i].created_ns);
		printf("%6u %8u %6u %5u %7s %-8s %s\n", vms[i].id, vms[i].pid,
		       vms[i].uid, vms[i].nr_vcpus, mem,
		       vmctl_vm_state_name(vms[i].state), age);
	}
}

int cmd_list(int argc, char **argv)
{
	struct vmctl_vm_info *vms = NULL;
	struct vmctl_nl nl;
	bool json = false;
	size_t n = 0;
	int opt, r;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", list_options, NULL)) != -1) {
		if (opt != 'j')
			return vmctl_option_error(argv, opt);
		json = true;
	}
	if (optind < argc)
		return vmctl_usage_error(argv[0], "unexpected argument '%s'",
					 argv[optind]);

	r = vmctl_nl_open(&nl);
	if (r) {
		vmctl_nl_report(NULL, r, "list");
		return VMCTL_EXIT_ERROR;
	}
	r = vmctl_nl_list(&nl, &vms, &n);
	if (r) {
		vmctl_nl_report(&nl, r, "list");
		vmctl_nl_close(&nl);
		return VMCTL_EXIT_ERROR;
	}
	vmctl_nl_close(&nl);

	if (json)
		list_json(vms, n);
	else
		list_text(vms, n);
	free(vms);
	return fflush(stdout) ? VMCTL_EXIT_ERROR : VMCTL_EXIT_OK;
}
