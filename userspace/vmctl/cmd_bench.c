// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_bench.c: vmctl bench, the exit path of minivmm measured next to the
 * host's KVM.  The same guest (bench/guest.S), the same loop in vmctl and
 * the same machine run under each accelerator in turn, in one process:
 * round after round, the order alternating, a fresh VM for each.  Printed
 * are the medians over the rounds, their spread and minivmm/KVM.
 *
 * Each case times ITERS operations inside the guest with its TSC
 * (bench/bench.h has the protocol): an exit the kernel handles (CPUID,
 * RDMSR, WRMSR), an exit to vmctl and back (OUT, IN, MMIO read and write,
 * HLT), the first touch of a 4 KiB page (a nested page fault the kernel
 * maps; guest RAM is kept off transparent huge pages for both, so every
 * page faults), and, timed on the host with CLOCK_MONOTONIC, a VM built
 * and destroyed (VM, memory slot, vCPU, run page).  The VMs have no
 * irqchip, so that HLT comes to vmctl under both; with --irqchip they
 * have the in-kernel APICs a Linux guest runs with (and HLT is left out:
 * it would sleep in the kernel).
 *
 * Nothing is judged on speed.  A case fails when an accelerator gives it
 * an exit the case does not make, the wrong number of exits, a wrong
 * value back, or a figure that is no time at all or over a second.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vmctl.h"
#include "run.h"
#include "nl.h"
#include "bench/bench.h"

extern const uint8_t bench_guest_start[], bench_guest_end[];

#define BENCH_ROUNDS_DEFAULT	5
#define BENCH_ROUNDS_MAX	100
#define BENCH_ITERS_DEFAULT	1000
#define BENCH_ITERS_MAX		100000
#define BENCH_WARMUP		8	/* operations before each timed run */
#define BENCH_CREATE_REPS	4	/* VMs built per round for the row */
#define BENCH_CREATE		BENCH_NR_CASES	/* its row, after the cases */
#define BENCH_NR_ROWS		(BENCH_NR_CASES + 1)

static const struct bench_row {
	const char *name;
	const char *what;
	enum vm_exit_kind kind;	/* exits it makes to vmctl... */
	bool to_vmctl;		/* ...if any */
} bench_rows[BENCH_NR_ROWS] = {
	[BENCH_CPUID]		= { "cpuid", "CPUID, handled in the kernel" },
	[BENCH_RDMSR]		= { "rdmsr", "RDMSR 0x1a0, in the kernel" },
	[BENCH_WRMSR]		= { "wrmsr", "WRMSR 0x1a0, in the kernel" },
	[BENCH_OUT]		= { "out", "OUT to vmctl and back",
				    VM_EXIT_IO, true },
	[BENCH_IN]		= { "in", "IN from vmctl and back",
				    VM_EXIT_IO, true },
	[BENCH_MMIO_READ]	= { "mmio_read", "MMIO read from vmctl",
				    VM_EXIT_MMIO, true },
	[BENCH_MMIO_WRITE]	= { "mmio_write", "MMIO write to vmctl",
				    VM_EXIT_MMIO, true },
	[BENCH_HLT]		= { "hlt", "HLT to vmctl and back",
				    VM_EXIT_HLT, true },
	[BENCH_TOUCH]		= { "page_touch", "first touch of a 4 KiB page" },
	[BENCH_CREATE]		= { "vm_create", "VM + slot + vCPU + destroy" },
};

struct bench_opts {
	const struct vm_accel *accels[2];
	unsigned int nr_accels;
	unsigned int rounds;
	unsigned int iters;
	bool irqchip;		/* the in-kernel APICs, as a Linux guest has */
};

/* ns per operation: [accelerator][row][round] */
struct bench_results {
	double ns[2][BENCH_NR_ROWS][BENCH_ROUNDS_MAX];
};

/* One VM's run of the cases. */
struct bench_run {
	struct vm *vm;
	const struct bench_opts *o;
	uint8_t *mailbox;
	uint32_t tsc_khz;
	int row;		/* the case running, or 0 before the first */
	bool warm;		/* the case's timed run (after its warm-up) */
	uint64_t exits;		/* exits to vmctl in this run of the case */
};

static uint64_t mb_get(const struct bench_run *b, unsigned int field)
{
	uint64_t v;

	memcpy(&v, b->mailbox + field, sizeof(v));
	return v;
}

static void mb_set(struct bench_run *b, unsigned int field, uint64_t v)
{
	memcpy(b->mailbox + field, &v, sizeof(v));
}

/* With an irqchip, HLT sleeps in the kernel (forever, interrupts off). */
static bool bench_skipped(const struct bench_opts *o, int row)
{
	return o->irqchip && row == BENCH_HLT;
}

static uint64_t bench_iters(const struct bench_run *b)
{
	return b->warm || b->row == BENCH_TOUCH ? b->o->iters : BENCH_WARMUP;
}

/* What the last operation of the case must have given the guest. */
static int bench_check(const struct bench_run *b, uint64_t check)
{
	uint64_t want;

	switch (b->row) {
	case BENCH_CPUID:
		/* The highest basic leaf: any CPU this runs on has a few. */
		if (check >= 1 && check < 0x100)
			return 0;
		pr_err("bench: cpuid: leaf 0 gave EAX 0x%llx",
		       (unsigned long long)check);
		return -EINVAL;
	case BENCH_IN:
		want = BENCH_IN_VALUE;
		break;
	case BENCH_MMIO_READ:
		want = BENCH_MMIO_VALUE;
		break;
	case BENCH_TOUCH:
		want = BENCH_TOUCH_BASE + bench_iters(b) * 4096;
		break;
	default:
		return 0;
	}
	if (check == want)
		return 0;
	pr_err("bench: %s: the guest read 0x%llx, not 0x%llx",
	       bench_rows[b->row].name, (unsigned long long)check,
	       (unsigned long long)want);
	return -EINVAL;
}

/*
 * The guest asks for the next case (an OUT to BENCH_PORT_NEXT): take the
 * figure of the one it ended, then hand it the next.  Returns 1 to go on,
 * 0 when every case has run, -EINVAL for a wrong result.
 */
static int bench_next(struct bench_run *b, double *ns_row)
{
	const struct bench_row *r = &bench_rows[b->row];
	uint64_t want = r->to_vmctl ? bench_iters(b) : 0;

	if (b->row) {
		if (b->exits != want) {
			pr_err("bench: %s under %s: %llu exits to vmctl, not %llu",
			       r->name, b->vm->accel->display,
			       (unsigned long long)b->exits,
			       (unsigned long long)want);
			return -EINVAL;
		}
		if (bench_check(b, mb_get(b, BENCH_MB_CHECK)))
			return -EINVAL;
		if (b->warm || b->row == BENCH_TOUCH)
			ns_row[b->row] = mb_get(b, BENCH_MB_TICKS) * 1e6 /
					 b->tsc_khz / bench_iters(b);
	}
	/* A warm-up run of each case but the page touch, then the timed one. */
	if (b->row && !b->warm && b->row != BENCH_TOUCH) {
		b->warm = true;
	} else {
		do
			b->row++;
		while (bench_skipped(b->o, b->row));
		b->warm = false;
		if (b->row == BENCH_NR_CASES)
			return 0;
	}
	b->exits = 0;
	mb_set(b, BENCH_MB_CASE, b->row);
	mb_set(b, BENCH_MB_ITERS, bench_iters(b));
	return 1;
}

/* An exit of the running case: served as the case expects, or refused. */
static int bench_exit(struct bench_run *b, const struct vm_exit *e,
		      double *ns_row)
{
	const struct bench_row *r = &bench_rows[b->row];
	uint32_t v = BENCH_MMIO_VALUE;
	uint8_t *data;

	if (e->kind == VM_EXIT_INTR)
		return 1;
	if (e->kind == VM_EXIT_IO && e->io.out && e->io.port == BENCH_PORT_NEXT)
		return bench_next(b, ns_row);
	if (!r->to_vmctl || e->kind != r->kind)
		goto unexpected;
	switch (b->row) {
	case BENCH_OUT:
	case BENCH_IN:
		if (e->io.port != (b->row == BENCH_OUT ? BENCH_PORT_OUT :
				   BENCH_PORT_IN) ||
		    e->io.out != (b->row == BENCH_OUT) || e->io.size != 1 ||
		    e->io.count != 1 || e->io.data_offset >= b->vm->run_size)
			goto unexpected;
		data = (uint8_t *)b->vm->run + e->io.data_offset;
		if (!e->io.out)
			*data = BENCH_IN_VALUE;
		break;
	case BENCH_MMIO_READ:
	case BENCH_MMIO_WRITE:
		if (e->mmio.addr != BENCH_MMIO || e->mmio.len != 4 ||
		    e->mmio.write != (b->row == BENCH_MMIO_WRITE))
			goto unexpected;
		if (!e->mmio.write)
			memcpy(e->mmio.data, &v, sizeof(v));
		break;
	}
	b->exits++;
	return 1;

unexpected:
	pr_err("bench: %s under %s: an exit the case does not make (reason %u)",
	       r->name, b->vm->accel->display, e->reason);
	if (e->kind == VM_EXIT_IO)
		pr_err("bench: it was %s port 0x%x", e->io.out ? "OUT to" : "IN from",
		       e->io.port);
	else if (e->kind == VM_EXIT_MMIO)
		pr_err("bench: it was an MMIO %s at 0x%llx",
		       e->mmio.write ? "write" : "read",
		       (unsigned long long)e->mmio.addr);
	return -EINVAL;
}

/* Build a VM with the bench guest, ready to enter.  0 or -errno. */
static int bench_vm_setup(struct vm *vm, const struct vm_accel *accel,
			  const struct bench_opts *o, uint32_t *tsc_khz)
{
	uint64_t mem = BENCH_TOUCH_BASE + (uint64_t)o->iters * 4096 + 2 * MiB;
	size_t code = bench_guest_end - bench_guest_start;
	struct boot_layout l;
	struct boot_state bs;
	bool intel;
	int ret;

	ret = vm_create(vm, accel, mem, o->irqchip);
	if (ret) {
		vm_explain(vm, -ret);
		return ret;
	}
	/* 4 KiB pages for both: a huge page would map 512 at one fault. */
	if (madvise(vm->mem.host, mem, MADV_NOHUGEPAGE) && errno != EINVAL)
		pr_warn("bench: madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	ret = vm_guest_clock(vm, &intel, tsc_khz);
	if (!ret && !*tsc_khz)
		ret = -ENODATA;
	if (ret) {
		pr_err("bench: %s does not tell the guest's TSC rate: %s",
		       accel->display, strerror(-ret));
		return ret;
	}
	ret = vm_get_boot_state(vm, &bs);
	if (ret) {
		vm_explain(vm, -ret);
		return ret;
	}
	memcpy(gmem_ptr(&vm->mem, BENCH_CODE, code), bench_guest_start, code);
	layout_init(&l);
	/* Page 0, the mailbox, the code and the pages the guest touches. */
	layout_reserve(&l, 0, BENCH_CODE + code);
	layout_reserve(&l, BENCH_TOUCH_BASE, mem - BENCH_TOUCH_BASE);
	ret = boot_long_mode(&vm->mem, &l, BENCH_CODE, &bs);
	if (!ret)
		ret = vm_set_boot_state(vm, &bs);
	if (ret)
		pr_err("bench: cannot start the guest under %s: %s",
		       accel->display, strerror(-ret));
	return ret;
}

/* All cases once on a fresh VM; ns_row[] gets the figures. */
static int bench_one_vm(const struct vm_accel *accel,
			const struct bench_opts *o, double *ns_row)
{
	struct bench_run b = { .o = o };
	struct vm_exit e;
	struct vm vm;
	int ret;

	ret = bench_vm_setup(&vm, accel, o, &b.tsc_khz);
	if (ret)
		goto out;
	b.vm = &vm;
	b.mailbox = gmem_ptr(&vm.mem, BENCH_MAILBOX, 4096);
	do {
		ret = vm_run(&vm, &e);
		if (ret == -EINTR)
			continue;
		if (ret) {
			vm_explain(&vm, -ret);
			break;
		}
		ret = bench_exit(&b, &e, ns_row);
	} while (ret > 0);
out:
	vm_destroy(&vm);
	return ret;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The vm_create row: a small VM built and destroyed, on the host clock. */
static int bench_create(const struct vm_accel *accel,
			const struct bench_opts *o, double *ns)
{
	double t0 = now_ns();
	struct vm vm;
	int i, ret;

	for (i = 0; i < BENCH_CREATE_REPS; i++) {
		ret = vm_create(&vm, accel, 2 * MiB, o->irqchip);
		if (ret) {
			vm_explain(&vm, -ret);
			return ret;
		}
		vm_destroy(&vm);
	}
	*ns = (now_ns() - t0) / BENCH_CREATE_REPS;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, minimum and maximum of @n figures (sorted in place). */
static void bench_stats(double *v, unsigned int n, double *med, double *lo,
			double *hi)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*lo = v[0];
	*hi = v[n - 1];
}

static void bench_print(const struct bench_opts *o, struct bench_results *res)
{
	double med[2], lo, hi;
	unsigned int a, row;

	printf("%-11s %-29s", "case", "what");
	for (a = 0; a < o->nr_accels; a++) {
		char head[32];

		snprintf(head, sizeof(head), "%s ns", o->accels[a]->name);
		printf(" %13s %-16s", head, "(min-max)");
	}
	if (o->nr_accels == 2)
		printf(" minivmm/kvm");
	printf("\n");
	for (row = 1; row < BENCH_NR_ROWS; row++) {
		printf("%-11s %-29s", bench_rows[row].name, bench_rows[row].what);
		if (bench_skipped(o, row)) {
			printf(" (not run: with an irqchip HLT waits in the kernel)\n");
			continue;
		}
		for (a = 0; a < o->nr_accels; a++) {
			char spread[32];

			bench_stats(res->ns[a][row], o->rounds, &med[a], &lo, &hi);
			snprintf(spread, sizeof(spread), "(%.0f-%.0f)", lo, hi);
			printf(" %13.0f %-16s", med[a], spread);
		}
		if (o->nr_accels == 2)
			printf(" %11.2f", med[0] / med[1]);
		printf("\n");
	}
}

/* A figure that is no time, or over a second, is a broken measurement. */
static int bench_plausible(const struct bench_opts *o,
			   struct bench_results *res)
{
	unsigned int a, row, r;

	for (a = 0; a < o->nr_accels; a++)
		for (row = 1; row < BENCH_NR_ROWS; row++)
			for (r = 0; r < o->rounds && !bench_skipped(o, row); r++) {
				double ns = res->ns[a][row][r];

				if (ns > 0 && ns < 1e9)
					continue;
				pr_err("bench: %s under %s, round %u: %.0f ns is not a plausible figure",
				       bench_rows[row].name,
				       o->accels[a]->display, r + 1, ns);
				return -ERANGE;
			}
	return 0;
}

static const struct option bench_options[] = {
	{ "accel",	required_argument, NULL, 'a' },
	{ "rounds",	required_argument, NULL, 'r' },
	{ "iters",	required_argument, NULL, 'i' },
	{ "irqchip",	no_argument,	   NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	long v;
	int opt;

	o->accels[0] = &vm_accel_minivmm;
	o->accels[1] = &vm_accel_kvm;
	o->nr_accels = 2;
	o->rounds = BENCH_ROUNDS_DEFAULT;
	o->iters = BENCH_ITERS_DEFAULT;
	o->irqchip = false;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", bench_options, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (!strcmp(optarg, "minivmm") || !strcmp(optarg, "kvm")) {
				o->accels[0] = !strcmp(optarg, "kvm") ?
					       &vm_accel_kvm : &vm_accel_minivmm;
				o->nr_accels = 1;
			} else if (strcmp(optarg, "both")) {
				return vmctl_usage_error(argv[0],
					"--accel wants minivmm, kvm or both, not '%s'",
					optarg);
			}
			break;
		case 'r':
			v = vmctl_parse_id(optarg);
			if (v < 1 || v > BENCH_ROUNDS_MAX)
				return vmctl_usage_error(argv[0],
					"--rounds wants 1 to %d, not '%s'",
					BENCH_ROUNDS_MAX, optarg);
			o->rounds = v;
			break;
		case 'c':
			o->irqchip = true;
			break;
		case 'i':
			v = vmctl_parse_id(optarg);
			if (v < BENCH_WARMUP || v > BENCH_ITERS_MAX)
				return vmctl_usage_error(argv[0],
					"--iters wants %d to %d, not '%s'",
					BENCH_WARMUP, BENCH_ITERS_MAX, optarg);
			o->iters = v;
			break;
		default:
			return vmctl_option_error(argv, opt);
		}
	}
	if (optind < argc)
		return vmctl_usage_error(argv[0], "unexpected argument '%s'",
					 argv[optind]);
	return VMCTL_EXIT_OK;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_results *res;
	struct bench_opts o;
	unsigned int r, i, a;
	int ret;

	ret = bench_parse(argc, argv, &o);
	if (ret != VMCTL_EXIT_OK)
		return ret;
	res = calloc(1, sizeof(*res));
	if (!res) {
		pr_err("bench: out of memory");
		return VMCTL_EXIT_ERROR;
	}
	printf("vmctl bench: %u round%s of %u operations per case, %s, ns per operation on the guest's TSC\n",
	       o.rounds, o.rounds == 1 ? "" : "s", o.iters,
	       o.irqchip ? "in-kernel irqchip" : "no irqchip");
	fflush(stdout);
	ret = 0;
	for (r = 0; r < o.rounds && !ret; r++) {
		/* Alternate which goes first, so that neither always warms
		 * the caches (or the emulator's translations) for the other. */
		for (i = 0; i < o.nr_accels && !ret; i++) {
			double row_ns[BENCH_NR_ROWS] = { 0 };
			unsigned int row;

			a = (r + i) % o.nr_accels;
			ret = bench_one_vm(o.accels[a], &o, row_ns);
			if (!ret)
				ret = bench_create(o.accels[a], &o,
						   &row_ns[BENCH_CREATE]);
			for (row = 0; row < BENCH_NR_ROWS; row++)
				res->ns[a][row][r] = row_ns[row];
		}
	}
	if (!ret)
		ret = bench_plausible(&o, res);
	if (!ret)
		bench_print(&o, res);
	free(res);
	return ret ? VMCTL_EXIT_ERROR : VMCTL_EXIT_OK;
}
