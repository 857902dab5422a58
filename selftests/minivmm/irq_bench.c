// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the in-kernel irqchip.  They print figures ("# ..." lines)
 * and assert only that the figures are plausible, never a speed:
 *
 *   msi_latency   from just before MINIVMM_SIGNAL_MSI on the host to the
 *                 first instruction of the guest's handler, the guest
 *                 asleep in HLT: the kick, the wakeup, the injection and
 *                 the entry;
 *   irqfd_latency the same from a write to an irqfd routed to that MSI;
 *   timer_rate    the timer interrupts a guest takes per second, TSC
 *                 deadlines armed back to back (timer_rate) and a periodic
 *                 timer at the kernel's floor (timer_rate_periodic_floor);
 *   eoi_cost      one EOI exit through the xAPIC page (MMIO) and through
 *                 the x2APIC MSR (WRMSR), against CPUID, the cheapest exit.
 *
 * Times come from the TSC, which the guest and the host share (the guest's
 * is the host's plus the VM's offset, measured once with GET_MSRS).  Under
 * Bochs that is the emulated clock (repeatable); under QEMU TCG it is the
 * host's real TSC, and the figures move with the machine's load (each
 * prints its median and spread).
 */
#include "kselftest_harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>

#include "minivmm_util.h"
#include "guest.h"
#include "guests/apic.h"
#include "irq_util.h"

#define MSR_TSC		0x10

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Fewer rounds on Bochs (VMX in the rig), which is ~30x slower. */
static int rounds(int qemu_rounds)
{
	return mvm_cpuinfo_has("vmx") == 1 ? qemu_rounds / 10 : qemu_rounds;
}

FIXTURE(bench) {
	struct guest g;
	double per_ms;		/* host TSC ticks a millisecond */
};

FIXTURE_SETUP(bench)
{
	ASSERT_EQ(0, catch_signal(SIGALRM));	/* run_report()'s watchdog */
	ASSERT_EQ(0, catch_signal(SIGUSR1));	/* ends a RUN in a thread */
	GUEST_OPEN_IRQCHIP(&self->g);
	self->per_ms = host_tsc_per_ms(_metadata);
}

FIXTURE_TEARDOWN(bench)
{
	guest_close(&self->g);
}

/*
 * The guest's TSC minus the host's: GET_MSRS between two host reads,
 * taken where the bracket was narrowest of a few tries.
 */
static int64_t guest_tsc_offset(struct __test_metadata *_metadata,
				struct guest *g, uint64_t *width)
{
	uint64_t t0, t1, gt, best = ~0ULL;
	int64_t off = 0;
	int i;

	for (i = 0; i < 16; i++) {
		t0 = host_rdtsc();
		ASSERT_EQ(1, guest_get_msr(g, MSR_TSC, &gt));
		t1 = host_rdtsc();
		if (t1 - t0 < best) {
			best = t1 - t0;
			off = (int64_t)(gt - (t0 + (t1 - t0) / 2));
		}
	}
	*width = best;
	return off;
}

static void *run_until_signal(void *arg)
{
	struct guest *g = arg;

	return (void *)(long)guest_run(g);
}

/* Raise the interrupt: an MSI ioctl, or a write to an irqfd (@efd >= 0). */
static int raise_irq(struct guest *g, int efd)
{
	uint64_t one = 1;

	if (efd < 0)
		return signal_msi(g->vm, 0, VEC_MSI) == 1 ? 0 : -1;
	return write(efd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

/* Rounds of "raise, wait for the handler", the vCPU halted in between. */
static void latency(struct __test_metadata *_metadata, struct guest *g,
		    double per_ms, int efd, const char *what)
{
	int n = rounds(200), i, spin;
	uint64_t *lat, width, count, t0;
	pthread_t vcpu;
	int64_t off;
	void *ret;

	lat = calloc(n, sizeof(*lat));
	ASSERT_NE(NULL, lat);
	IRQ_START(g, bench_msi, 0, 0, per_ms);
	ASSERT_EQ(IRQ_READY, run_report(_metadata, g));
	off = guest_tsc_offset(_metadata, g, &width);
	ASSERT_EQ(0, pthread_create(&vcpu, NULL, run_until_signal, g));
	/* Let the vCPU reach its HLT. */
	usleep(20000);
	for (i = 0; i < n; i++) {
		count = slot(g, 0);
		t0 = host_rdtsc();
		ASSERT_EQ(0, raise_irq(g, efd)) TH_LOG("%s", strerror(errno));
		for (spin = 0; slot(g, 0) == count; spin++) {
			ASSERT_LT(spin, 2000000) TH_LOG("no interrupt after round %d", i);
			if (spin > 1000)
				usleep(10);
		}
		lat[i] = slot(g, 1) - off - t0;
		/* Let it go back to sleep before the next one. */
		usleep(2000);
	}
	pthread_kill(vcpu, SIGUSR1);
	pthread_join(vcpu, &ret);
	EXPECT_EQ(-EINTR, (long)ret);
	qsort(lat, n, sizeof(*lat), cmp_u64);
	/* A latency below 0 would wrap: a wrong offset, not a fast path. */
	EXPECT_LT(lat[n - 1], (uint64_t)(per_ms * 1000))
		TH_LOG("latency above 1 s: %llu ticks", (unsigned long long)lat[n - 1]);
	printf("# %s to guest handler, vCPU halted: median %.1f us, 10%% %.1f, 90%% %.1f (%d rounds; TSC offset +/- %.1f us)\n",
	       what, lat[n / 2] / per_ms * 1000, lat[n / 10] / per_ms * 1000,
	       lat[n * 9 / 10] / per_ms * 1000, n, width / 2 / per_ms * 1000);
	free(lat);
}

TEST_F_TIMEOUT(bench, msi_latency, 120)
{
	latency(_metadata, &self->g, self->per_ms, -1, "MSI ioctl");
}

/* GSI 100 routed to the MSI the handler takes; an irqfd on it. */
TEST_F_TIMEOUT(bench, irqfd_latency, 120)
{
	struct {
		struct minivmm_irq_routing r;
		struct minivmm_irq_routing_entry e;
	} rt = {
		.r.nr = 1,
		.e = { .gsi = 100, .type = MINIVMM_IRQ_ROUTING_MSI,
		       .u.msi = { .address_lo = MSI_ADDR(0), .data = VEC_MSI } },
	};
	int efd = eventfd(0, EFD_CLOEXEC);
	struct minivmm_irqfd irqfd = { .gsi = 100 };

	ASSERT_LE(0, efd);
	irqfd.fd = efd;
	ASSERT_EQ(0, ioctl(self->g.vm, MINIVMM_SET_GSI_ROUTING, &rt))
		TH_LOG("SET_GSI_ROUTING: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->g.vm, MINIVMM_IRQFD, &irqfd))
		TH_LOG("IRQFD: %s", strerror(errno));
	latency(_metadata, &self->g, self->per_ms, efd, "irqfd write");
	close(efd);
}

/*
 * A fresh VM for each measurement: nothing (pending interrupts, the APIC's
 * mode, a timer) carries over from the one before.
 */
static void fresh_guest(struct __test_metadata *_metadata, struct guest *g)
{
	int r;

	guest_close(g);
	r = guest_open_irqchip(g);
	ASSERT_EQ(0, r) TH_LOG("guest_open_irqchip: %s", strerror(-r));
}

/* One timer-rate run: interrupts a second over @ms of guest time. */
static double timer_rate(struct __test_metadata *_metadata, struct guest *g,
			 double per_ms, uint64_t delta, int ms)
{
	uint64_t n;

	fresh_guest(_metadata, g);
	IRQ_START(g, bench_timer, delta, (uint64_t)(per_ms * ms), per_ms);
	n = run_report(_metadata, g);
	EXPECT_LT(0, n) TH_LOG("no timer interrupt");
	EXPECT_LT(slot(g, 1), slot(g, 2));
	return n / ((slot(g, 2) - slot(g, 1)) / per_ms / 1000);
}

TEST_F_TIMEOUT(bench, timer_rate, 120)
{
	int ms = mvm_cpuinfo_has("vmx") == 1 ? 20 : 200;
	double deadline;

	/* A deadline 1 us ahead: as fast as the guest can take them. */
	deadline = timer_rate(_metadata, &self->g, self->per_ms,
			      (uint64_t)(self->per_ms / 1000), ms);
	printf("# timer interrupts a guest takes: TSC deadline back to back %.0f/s (%d ms of guest time)\n",
	       deadline, ms);
}

/*
 * A periodic timer at the 200 us floor, the guest asleep in HLT between
 * ticks.  (It stalled under Bochs until the rig's machine stopped idling
 * in MWAIT, which missed its wakeups: tools/testvm/README.)
 */
TEST_F_TIMEOUT(bench, timer_rate_periodic_floor, 120)
{
	double periodic;

	periodic = timer_rate(_metadata, &self->g, self->per_ms, 0, 200);
	/* The floor is 200 us: 5000 a second at most, with a little slack. */
	EXPECT_GE(5100, periodic) TH_LOG("%.0f/s: above the periodic floor",
					 periodic);
	printf("# timer interrupts a guest takes: periodic at the floor %.0f/s (200 ms of guest time)\n",
	       periodic);
}

/* Ticks one iteration of bench_eoi's loop @mode takes. */
/* The longest one eoi_loop() RUN may take (eoi_cost's timeout is 3x). */
#define EOI_RUN_S	90

static double eoi_loop(struct __test_metadata *_metadata, struct guest *g,
		       double per_ms, int n, int mode)
{
	fresh_guest(_metadata, g);
	IRQ_START(g, bench_eoi, n, mode, per_ms);
	/*
	 * n exits in one RUN: on the debug kernel under QEMU an MMIO exit
	 * can take a few hundred microseconds, past run_report()'s 5 s.
	 */
	EXPECT_EQ(IRQ_DONE, run_report_within(_metadata, g, EOI_RUN_S));
	EXPECT_LT(slot(g, 1), slot(g, 2));
	return (double)(slot(g, 2) - slot(g, 1)) / n;
}

TEST_F_TIMEOUT(bench, eoi_cost, 3 * EOI_RUN_S + 30)
{
	int n = rounds(20000);
	double mmio, msr, cpuid, us = 1000 / self->per_ms;

	mmio = eoi_loop(_metadata, &self->g, self->per_ms, n, 0);
	cpuid = eoi_loop(_metadata, &self->g, self->per_ms, n, 2);
	msr = eoi_loop(_metadata, &self->g, self->per_ms, n, 1);
	printf("# one EOI exit: xAPIC MMIO %.2f us, x2APIC WRMSR %.2f us; CPUID exit %.2f us (%d each)\n",
	       mmio * us, msr * us, cpuid * us, n);
}

TEST_HARNESS_MAIN
