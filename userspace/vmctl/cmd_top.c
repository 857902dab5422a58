// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_top.c: "vmctl top", a table of VMs refreshed every --delay seconds
 * and sorted by exits per second, like top(1).  Each refresh lists the VMs
 * and reads each one's counters; rates come from the difference with the
 * previous refresh, so the first one shows totals only.
 *
 * On a terminal the screen is redrawn; otherwise (or with --json) each
 * refresh is appended, --json as one JSON object per line:
 *   {"time_ns":..,"vms":[{"id":1,"pid":..,"uid":..,"vcpus":1,
 *     "memory_bytes":..,"state":"running","exits":..,"exits_per_sec":..,
 *     "guest_pct":..}]}
 * "exits_per_sec" and "guest_pct" are null on the first refresh.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmctl.h"
#include "nl.h"

static const struct option top_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

struct top_row {
	struct vmctl_vm_info *vm;
	uint64_t exits, guest_ns;
	double rate, guest_pct;		/* < 0: no previous sample */
};

struct top_prev {
	uint32_t id;
	uint64_t exits, guest_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int by_rate(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate < y->rate ? 1 : -1;
	if (x->exits != y->exits)
		return x->exits < y->exits ? 1 : -1;
	return x->vm->id < y->vm->id ? -1 : 1;
}

static const struct top_prev *find_prev(const struct top_prev *p, size_t n,
					uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].id == id)
			return &p[i];
	return NULL;
}

static void top_json(const struct top_row *rows, size_t n)
{
	struct timespec ts;
	struct json j;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_init(&j, stdout);
	json_begin_object(&j);
	json_key(&j, "time_ns");
	json_u64(&j, (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec);
	json_key(&j, "vms");
	json_begin_array(&j);
	for (i = 0; i < n; i++) {
		json_begin_object(&j);
		json_key(&j, "id");
		json_u64(&j, rows[i].vm->id);
		json_key(&j, "pid");
		json_u64(&j, rows[i].vm->pid);
		json_key(&j, "uid");
		json_u64(&j, rows[i].vm->uid);
		json_key(&j, "vcpus");
		json_u64(&j, rows[i].vm->nr_vcpus);
		json_key(&j, "memory_bytes");
		json_u64(&j, rows[i].vm->mem_bytes);
		json_key(&j, "state");
		json_string(&j, vmctl_vm_state_name(rows[i].vm->state));
		json_key(&j, "exits");
		json_u64(&j, rows[i].exits);
		json_key(&j, "exits_per_sec");
		if (rows[i].rate >= 0)
			json_double(&j, rows[i].rate);
		else
			json_null(&j);
		json_key(&j, "guest_pct");
		if (rows[i].guest_pct >= 0)
			json_double(&j, rows[i].guest_pct);
		else
			json_null(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
}

static void top_text(const struct top_row *rows, size_t n, bool redraw)
{
	char mem[16], rate[16], pct[8];
	size_t i;

	if (redraw)
		fputs("\033[H\033[2J", stdout);	/* home, clear screen */
	printf("minivmm: %zu VM%s\n\n", n, n == 1 ? "" : "s");
	printf("%6s %8s %6s %5s %7s %-8s %12s %10s %6s\n", "ID", "PID", "UID",
	       "VCPUS", "MEMORY", "STATE", "EXITS", "EXITS/S", "GUEST%");
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];

		vmctl_format_bytes(mem, sizeof(mem), r->vm->mem_bytes);
		if (r->rate >= 0) {
			snprintf(rate, sizeof(rate), "%.0f", r->rate);
			snprintf(pct, sizeof(pct), "%.1f", r->guest_pct);
		} else {
			strcpy(rate, "-");
			strcpy(pct, "-");
		}
		printf("%6u %8u %6u %5u %7s %-8s %12llu %10s %6s\n", r->vm->id,
		       r->vm->pid, r->vm->uid, r->vm->nr_vcpus, mem,
		       vmctl_vm_state_name(r->vm->state),
		       (unsigned long long)r->exits, rate, pct);
	}
	if (!redraw)
		putchar('\n');
}

/*
 * One refresh: list, read counters, rate against *@prev (replaced by this
 * sample).  A VM that disappears between the list and its counters is
 * left out.
 */
static int top_once(struct vmctl_nl *nl, struct top_prev **prev, size_t *nprev,
		    uint64_t *prev_ns, bool json, bool redraw)
{
	struct vmctl_vm_info *vms = NULL;
	struct top_row *rows = NULL;
	struct top_prev *next = NULL;
	size_t n = 0, nrows = 0, i;
	uint64_t t = now_ns();
	double dt = *prev_ns ? (t - *prev_ns) / 1e9 : 0;
	int r;

	r = vmctl_nl_list(nl, &vms, &n);
	if (r)
		return r;
	rows = calloc(n ?: 1, sizeof(*rows));
	next = calloc(n ?: 1, sizeof(*next));
	if (!rows || !next) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct top_prev *p;
		struct vmctl_stats st;

		r = vmctl_nl_stats(nl, vms[i].id, -1, &st);
		if (r == -ENOENT)
			continue;
		if (r)
			goto out;
		rows[nrows].vm = &vms[i];
		rows[nrows].exits = st.exits;
		rows[nrows].guest_ns = st.guest_ns;
		rows[nrows].rate = rows[nrows].guest_pct = -1;
		p = find_prev(*prev, *nprev, vms[i].id);
		if (p && dt > 0 && st.exits >= p->exits) {
			rows[nrows].rate = (st.exits - p->exits) / dt;
			rows[nrows].guest_pct = 100.0 *
				(st.guest_ns - p->guest_ns) / (dt * 1e9);
		}
		next[nrows].id = vms[i].id;
		next[nrows].exits = st.exits;
		next[nrows].guest_ns = st.guest_ns;
		nrows++;
	}
	r = 0;
	qsort(rows, nrows, sizeof(*rows), by_rate);
	if (json)
		top_json(rows, nrows);
	else
		top_text(rows, nrows, redraw);
	if (fflush(stdout))
		r = -EIO;
	free(*prev);
	*prev = next;
	*nprev = nrows;
	*prev_ns = t;
	next = NULL;
out:
	free(next);
	free(rows);
	free(vms);
	return r;
}

int cmd_top(int argc, char **argv)
{
	struct top_prev *prev = NULL;
	uint64_t prev_ns = 0;
	struct vmctl_nl nl;
	bool json = false, redraw;
	long iterations = -1;
	double delay = 1;
	size_t nprev = 0;
	char *end;
	int opt, r;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", top_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'd':
			delay = strtod(optarg, &end);
			if (end == optarg || *end || !(delay >= 0.1 && delay <= 3600))
				return vmctl_usage_error(argv[0],
					"--delay wants seconds from 0.1 to 3600, not '%s'",
					optarg);
			break;
		case 'n':
			iterations = vmctl_parse_id(optarg);
			if (iterations <= 0)
				return vmctl_usage_error(argv[0],
					"--iterations wants a positive number, not '%s'",
					optarg);
			break;
		default:
			return vmctl_option_error(argv, opt);
		}
	}
	if (optind < argc)
		return vmctl_usage_error(argv[0], "unexpected argument '%s'",
					 argv[optind]);
	redraw = !json && isatty(STDOUT_FILENO);

	r = vmctl_nl_open(&nl);
	if (r) {
		vmctl_nl_report(NULL, r, "top");
		return VMCTL_EXIT_ERROR;
	}
	for (;;) {
		struct timespec ts;

		r = top_once(&nl, &prev, &nprev, &prev_ns, json, redraw);
		if (r || (iterations > 0 && --iterations == 0))
			break;
		ts.tv_sec = (time_t)delay;
		ts.tv_nsec = (long)((delay - ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	free(prev);
	if (r)
		vmctl_nl_report(&nl, r, "top");
	vmctl_nl_close(&nl);
	return r ? VMCTL_EXIT_ERROR : VMCTL_EXIT_OK;
}
