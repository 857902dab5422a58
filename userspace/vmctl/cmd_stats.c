// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_stats.c: "vmctl stats VM [--vcpu N]", one VM's exit counters (summed
 * over its vCPUs) or one vCPU's, from the minivmm netlink family.
 *
 * --json prints one object:
 *   {"vm":1,"vcpu":0,"exits":..,"exits_to_user":..,"halts":..,
 *    "injected":..,"guest_ns":..,"host_ns":..,
 *    "exits_by_reason":{"io":..,"mmio":..,...},
 *    "latency_ns":[{"from":1,"to":2,"count":..},...]}
 * "vcpu" only with --vcpu; latency lists the non-empty buckets.  Each vCPU's
 * state (created, idle, running or halted: asleep in HLT with the in-kernel
 * irqchip) comes too, as "vcpu_state":{"0":"halted",...}.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "nl.h"

static const struct option stats_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "vcpu", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

/* A decimal id that fits in 31 bits, or -1. */
int vmctl_parse_id(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -1;
	return v;
}

void vmctl_json_stats(struct json *j, const struct vmctl_stats *st)
{
	unsigned int i;

	json_key(j, "exits");
	json_u64(j, st->exits);
	json_key(j, "exits_to_user");
	json_u64(j, st->exits_to_user);
	json_key(j, "halts");
	json_u64(j, st->halts);
	json_key(j, "injected");
	json_u64(j, st->injected);
	json_key(j, "guest_ns");
	json_u64(j, st->guest_ns);
	json_key(j, "host_ns");
	json_u64(j, st->host_ns);
	json_key(j, "exits_by_reason");
	json_begin_object(j);
	for (i = 0; i <= MINIVMM_A_EXIT_KIND_MAX; i++) {
		const char *name = vmctl_exit_kind_name(i);

		if (!name)
			continue;
		json_key(j, name);
		json_u64(j, st->kind[i]);
	}
	json_end_object(j);
	json_key(j, "latency_ns");
	json_begin_array(j);
	for (i = 0; i < MINIVMM_LATENCY_BUCKETS; i++) {
		if (!st->latency[i])
			continue;
		json_begin_object(j);
		json_key(j, "from");
		json_u64(j, i ? 1ull << i : 0);
		json_key(j, "to");
		json_u64(j, 2ull << i);
		json_key(j, "count");
		json_u64(j, st->latency[i]);
		json_end_object(j);
	}
	json_end_array(j);
}

/* The state of @vm's vCPUs (all, or @vcpu), from the VM list. */
static void stats_states(struct vmctl_nl *nl, int vm, int vcpu,
			 struct vmctl_vm_info *out)
{
	struct vmctl_vm_info *vms = NULL;
	size_t n = 0, i;

	memset(out, 0, sizeof(*out));
	if (vmctl_nl_list(nl, &vms, &n))
		return;
	for (i = 0; i < n; i++) {
		if (vms[i].id != (uint32_t)vm)
			continue;
		*out = vms[i];
		break;
	}
	free(vms);
	if (vcpu < 0)
		return;
	for (i = 0; i < out->nr; i++)
		if (out->vcpu[i].id == (uint32_t)vcpu)
			break;
	if (i < out->nr) {
		out->vcpu[0] = out->vcpu[i];
		out->nr = 1;
	} else {
		out->nr = 0;
	}
}

static void stats_text(const struct vmctl_stats *st)
{
	uint64_t max = 0;
	unsigned int i;

	printf("exits          %llu\n", (unsigned long long)st->exits);
	printf("exits to user  %llu\n", (unsigned long long)st->exits_to_user);
	printf("halts          %llu\n", (unsigned long long)st->halts);
	printf("injected       %llu\n", (unsigned long long)st->injected);
	printf("guest time     %llu.%06llu ms\n",
	       (unsigned long long)st->guest_ns / 1000000,
	       (unsigned long long)st->guest_ns % 1000000);
	printf("host time      %llu.%06llu ms (exit handling in the kernel)\n",
	       (unsigned long long)st->host_ns / 1000000,
	       (unsigned long long)st->host_ns % 1000000);
	printf("\nexits by reason\n");
	for (i = 0; i <= MINIVMM_A_EXIT_KIND_MAX; i++)
		if (vmctl_exit_kind_name(i))
			printf("  %-12s %llu\n", vmctl_exit_kind_name(i),
			       (unsigned long long)st->kind[i]);

	for (i = 0; i < MINIVMM_LATENCY_BUCKETS; i++)
		if (st->latency[i] > max)
			max = st->latency[i];
	if (!max)
		return;
	printf("\nexit-to-entry latency (exits handled in the kernel)\n");
	for (i = 0; i < MINIVMM_LATENCY_BUCKETS; i++) {
		int bar;

		if (!st->latency[i])
			continue;
		bar = (int)(40 * st->latency[i] / max);
		printf("  %12llu ns  %10llu  %.*s\n", 1ull << i,
		       (unsigned long long)st->latency[i], bar ?: 1,
		       "########################################");
	}
}

int cmd_stats(int argc, char **argv)
{
	struct vmctl_vm_info info;
	struct vmctl_stats st;
	struct vmctl_nl nl;
	unsigned int i;
	bool json = false;
	int opt, r, vm, vcpu = -1;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", stats_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			vcpu = vmctl_parse_id(optarg);
			if (vcpu < 0)
				return vmctl_usage_error(argv[0],
					"--vcpu wants a vCPU number, not '%s'",
					optarg);
			break;
		default:
			return vmctl_option_error(argv, opt);
		}
	}
	if (optind != argc - 1)
		return vmctl_usage_error(argv[0], optind < argc ?
					 "one VM id, please" :
					 "which VM? (see 'vmctl list')");
	vm = vmctl_parse_id(argv[optind]);
	if (vm <= 0)
		return vmctl_usage_error(argv[0], "'%s' is not a VM id",
					 argv[optind]);

	r = vmctl_nl_open(&nl);
	if (r) {
		vmctl_nl_report(NULL, r, "stats");
		return VMCTL_EXIT_ERROR;
	}
	r = vmctl_nl_stats(&nl, vm, vcpu, &st);
	if (r) {
		vmctl_nl_report(&nl, r, "stats");
		vmctl_nl_close(&nl);
		return VMCTL_EXIT_ERROR;
	}
	stats_states(&nl, vm, vcpu, &info);
	vmctl_nl_close(&nl);

	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_begin_object(&j);
		json_key(&j, "vm");
		json_u64(&j, vm);
		if (vcpu >= 0) {
			json_key(&j, "vcpu");
			json_u64(&j, vcpu);
		}
		vmctl_json_stats(&j, &st);
		json_key(&j, "vcpu_state");
		json_begin_object(&j);
		for (i = 0; i < info.nr; i++) {
			char id[16];

			snprintf(id, sizeof(id), "%u", info.vcpu[i].id);
			json_key(&j, id);
			json_string(&j, vmctl_vcpu_state_name(info.vcpu[i].state));
		}
		json_end_object(&j);
		json_end_object(&j);
	} else {
		if (vcpu >= 0)
			printf("VM %d, vCPU %d\n\n", vm, vcpu);
		else
			printf("VM %d (all vCPUs)\n\n", vm);
		for (i = 0; i < info.nr; i++)
			printf("vCPU %-9u %s\n", info.vcpu[i].id,
			       vmctl_vcpu_state_name(info.vcpu[i].state));
		stats_text(&st);
	}
	return fflush(stdout) ? VMCTL_EXIT_ERROR : VMCTL_EXIT_OK;
}
