// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_events.c: "vmctl events", following the minivmm "events" multicast
 * group until interrupted (or --count events).  Joining it needs
 * CAP_NET_ADMIN: events name every VM on the host.
 *
 * One line per event.  --json makes each line a JSON object:
 *   {"event":"vm-created","vm":1,"pid":..,"uid":..}
 * plus "vcpu", "hw_reason" and "suberror" when the event has them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "nl.h"

static const struct option events_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "count", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

struct events_state {
	bool json;
	long left;		/* events still to print; -1: no limit */
};

static int print_event(const struct vmctl_event *ev, void *arg)
{
	struct events_state *es = arg;

	if (es->json) {
		struct json j;

		json_init(&j, stdout);
		json_begin_object(&j);
		json_key(&j, "event");
		json_string(&j, vmctl_event_name(ev->cmd));
		json_key(&j, "vm");
		json_u64(&j, ev->vm);
		json_key(&j, "pid");
		json_u64(&j, ev->pid);
		json_key(&j, "uid");
		json_u64(&j, ev->uid);
		if (ev->has_vcpu) {
			json_key(&j, "vcpu");
			json_u64(&j, ev->vcpu);
		}
		if (ev->has_hw_reason) {
			json_key(&j, "hw_reason");
			json_u64(&j, ev->hw_reason);
		}
		if (ev->has_suberror) {
			json_key(&j, "suberror");
			json_u64(&j, ev->suberror);
		}
		json_end_object(&j);
	} else {
		printf("%s vm=%u pid=%u uid=%u", vmctl_event_name(ev->cmd),
		       ev->vm, ev->pid, ev->uid);
		if (ev->has_vcpu)
			printf(" vcpu=%u", ev->vcpu);
		if (ev->has_hw_reason)
			printf(" hw_reason=%#llx",
			       (unsigned long long)ev->hw_reason);
		if (ev->has_suberror)
			printf(" suberror=%u", ev->suberror);
		putchar('\n');
	}
	/* Whoever reads this follows it live. */
	if (fflush(stdout))
		return -EIO;
	if (es->left > 0 && --es->left == 0)
		return 1;
	return 0;
}

int cmd_events(int argc, char **argv)
{
	struct events_state es = { .json = false, .left = -1 };
	struct vmctl_nl nl;
	int opt, r;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", events_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			es.json = true;
			break;
		case 'n':
			es.left = vmctl_parse_id(optarg);
			if (es.left <= 0)
				return vmctl_usage_error(argv[0],
					"--count wants a positive number, not '%s'",
					optarg);
			break;
		default:
			return vmctl_option_error(argv, opt);
		}
	}
	if (optind < argc)
		return vmctl_usage_error(argv[0], "unexpected argument '%s'",
					 argv[optind]);

	r = vmctl_nl_open(&nl);
	if (r) {
		vmctl_nl_report(NULL, r, "events");
		return VMCTL_EXIT_ERROR;
	}
	r = vmctl_nl_subscribe(&nl);
	if (r) {
		vmctl_nl_report(&nl, r, "events: joining the events group");
		vmctl_nl_close(&nl);
		return VMCTL_EXIT_ERROR;
	}
	do
		r = vmctl_nl_next_event(&nl, print_event, &es);
	while (!r);
	vmctl_nl_close(&nl);
	if (r < 0) {
		vmctl_nl_report(NULL, r, "events");
		return VMCTL_EXIT_ERROR;
	}
	return VMCTL_EXIT_OK;
}
