/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the irqchip selftests (irq_test.c, irq_state_test.c) share: the
 * host's TSC rate, driving pins and MSIs, the guests' result slots
 * (guests/apic.h), loading a guest with its parameters, and a RUN that must
 * end in a report.  Test-body helpers: include after kselftest_harness.h,
 * guest.h and guests/apic.h.
 */
#ifndef MINIVMM_IRQ_UTIL_H
#define MINIVMM_IRQ_UTIL_H

#include <signal.h>
#include <sys/time.h>
#include <time.h>

#define IOAPIC_PINS	24

/* MSI address and data (SDM Vol. 3A 11.11.1, 11.11.2). */
#define MSI_ADDR(dest)	(0xfee00000u | (uint32_t)(dest) << 12)
#define MSI_DM(mode)	((uint32_t)(mode) << 8)
#define MSI_DM_NMI	MSI_DM(4)

#define NS_PER_MS	1000000.0
#define PERIOD_NS	1000000		/* the periodic case: 1 ms */
#define PERIOD_TICKS	10
/*
 * 20 ms: the guest reads the current count twice right after arming, and
 * a fresh clone's stock SVM run once took over 2 ms for the exits before
 * the first read, finding the timer expired already.
 */
#define ONESHOT_NS	20000000
#define MIN_PERIOD_NS	200000		/* shorter periods are raised to it */

/* How long a RUN may take before the test calls the guest stuck. */
#define RUN_WATCHDOG_S	5

static inline void nop_handler(int sig)
{
	(void)sig;
}

/* A handler without SA_RESTART: a signal makes MINIVMM_RUN return EINTR. */
static inline int catch_signal(int sig)
{
	struct sigaction sa = { .sa_handler = nop_handler };

	return sigaction(sig, &sa, NULL);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline uint64_t host_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * Host TSC ticks per millisecond, against CLOCK_MONOTONIC over 100 ms.  The
 * TSC reads sit inside the clock reads, so a delay between them makes the
 * rate come out low and guest intervals converted with it look longer:
 * that can hide a timer a little early, never fail a correct one.
 */
static inline double host_tsc_per_ms(struct __test_metadata *_metadata)
{
	uint64_t t0, t1, c0, c1;
	double rate;

	t0 = now_ns();
	c0 = host_rdtsc();
	usleep(100000);
	c1 = host_rdtsc();
	t1 = now_ns();
	rate = (double)(c1 - c0) / (t1 - t0) * NS_PER_MS;
	ASSERT_TRUE(c1 > c0 && t1 > t0 && rate >= 1.0)
		TH_LOG("TSC %llu -> %llu over %llu ns", (unsigned long long)c0,
		       (unsigned long long)c1, (unsigned long long)(t1 - t0));
	printf("# host TSC: %.0f kHz\n", rate);
	return rate;
}

static inline int irq_line(int vm, uint32_t irq, uint32_t level)
{
	struct minivmm_irq_level l = { .irq = irq, .level = level };

	return ioctl(vm, MINIVMM_IRQ_LINE, &l);
}

static inline int signal_msi(int vm, uint32_t dest, uint32_t data)
{
	struct minivmm_msi msi = { .address_lo = MSI_ADDR(dest), .data = data };

	return ioctl(vm, MINIVMM_SIGNAL_MSI, &msi);
}

/*
 * The guest's 64-bit result slot @n (guests/apic.h), read once: in
 * host_not_starved the guest writes it while this thread reads.
 */
static inline uint64_t slot(struct guest *g, int n)
{
	return __atomic_load_n((uint64_t *)guest_gpa(g, IRQ_DATA(n), 8),
			       __ATOMIC_RELAXED);
}

/* Load @img in long mode with R12, R13 and R14 = guest TSC ticks a ms. */
static inline void irq_guest_start(struct __test_metadata *_metadata, struct guest *g,
			    struct guest_image img, uint64_t r12, uint64_t r13,
			    double tsc_per_ms)
{
	struct minivmm_regs regs;
	int r = guest_start(g, img, GUEST_LONG64);

	ASSERT_EQ(0, r) TH_LOG("guest_start(%s): %s", img.name, strerror(-r));
	GUEST_GET_REGS(g, &regs);
	regs.r12 = r12;
	regs.r13 = r13;
	regs.r14 = (uint64_t)tsc_per_ms;
	GUEST_SET_REGS(g, &regs);
}

#define IRQ_START(g, name, r12, r13, tsc_per_ms)			\
	irq_guest_start(_metadata, g, GUEST_IMAGE(name), r12, r13, tsc_per_ms)

/*
 * The irqchip's view of a stuck guest, on stderr: the local APIC's
 * priority registers and timer, IA32_TSC_DEADLINE and the pending events.
 */
static inline void irq_dump(struct guest *g)
{
	static struct minivmm_lapic_state s;
	struct minivmm_vcpu_events ev = { 0 };
	struct minivmm_irqchip chip = { .chip_id = MINIVMM_IRQCHIP_IOAPIC };
	uint64_t deadline = 0;
	uint32_t r[8];
	int i;

	if (ioctl(g->vcpu, MINIVMM_GET_LAPIC, &s))
		return;
	for (i = 0; i < 8; i++)
		memcpy(&r[i], s.regs + 0x200 + i * 0x10, 4);
	fprintf(stderr, "#   IRR %08x %08x %08x %08x %08x %08x %08x %08x\n",
		r[7], r[6], r[5], r[4], r[3], r[2], r[1], r[0]);
	for (i = 0; i < 8; i++)
		memcpy(&r[i], s.regs + 0x100 + i * 0x10, 4);
	fprintf(stderr, "#   ISR %08x %08x %08x %08x %08x %08x %08x %08x\n",
		r[7], r[6], r[5], r[4], r[3], r[2], r[1], r[0]);
	memcpy(&r[0], s.regs + 0xa0, 4);	/* PPR */
	memcpy(&r[1], s.regs + 0xf0, 4);	/* SVR */
	memcpy(&r[2], s.regs + 0x320, 4);	/* LVT timer */
	memcpy(&r[3], s.regs + 0x380, 4);	/* initial count */
	memcpy(&r[4], s.regs + 0x390, 4);	/* current count */
	guest_get_msr(g, 0x6e0, &deadline);
	ioctl(g->vcpu, MINIVMM_GET_VCPU_EVENTS, &ev);
	fprintf(stderr, "#   PPR %#x SVR %#x LVTT %#x TMICT %u TMCCT %u deadline %llu; queued exc %u irq %u/%#x nmi %u, nmi pending %u masked %u, shadow %u\n",
		r[0], r[1], r[2], r[3], r[4], (unsigned long long)deadline,
		ev.exception.injected, ev.interrupt.injected, ev.interrupt.nr,
		ev.nmi.injected, ev.nmi.pending, ev.nmi.masked,
		ev.interrupt.shadow);
	if (ioctl(g->vm, MINIVMM_GET_IRQCHIP, &chip))
		return;
	fprintf(stderr, "#   I/O APIC lines %#x ioregsel %#x", chip.chip.ioapic.irr,
		chip.chip.ioapic.ioregsel);
	for (i = 0; i < 24; i++)
		if (!(chip.chip.ioapic.redirtbl[i] & (1 << 16)))
			fprintf(stderr, " pin %d: %#llx", i,
				(unsigned long long)chip.chip.ioapic.redirtbl[i]);
	fprintf(stderr, "\n");
}

/*
 * One RUN that must end in a report (a 4-byte OUT to PORT_REPORT) within
 * @secs seconds; returns its value.  Any other exit fails, a HLT exit
 * above all: with the irqchip the kernel keeps HLT.  A guest still running
 * after @secs is stopped by SIGALRM (the fixture catches it) and fails
 * here instead of hanging the case.
 */
static inline uint32_t run_report_within(struct __test_metadata *_metadata,
					 struct guest *g, int secs)
{
	struct itimerval on = { .it_value = { secs, 0 } }, off = {};
	int r;

	ASSERT_EQ(0, setitimer(ITIMER_REAL, &on, NULL));
	r = guest_run(g);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
	ASSERT_EQ(0, r) {
		TH_LOG("MINIVMM_RUN: %s: no report within %d s (a guest waiting for an interrupt that never came, or one too slow)",
		       strerror(-r), secs);
		guest_dump(g);
		irq_dump(g);
	}
	ASSERT_STREQ("IO", guest_exit_name(g->run->exit_reason)) guest_dump(g);
	ASSERT_EQ(MINIVMM_EXIT_IO_OUT, g->run->io.direction) guest_dump(g);
	ASSERT_EQ(PORT_REPORT, g->run->io.port) guest_dump(g);
	ASSERT_EQ(4, g->run->io.size) guest_dump(g);
	ASSERT_EQ(1, g->run->io.count) guest_dump(g);
	return guest_io_data(g);
}

/* The usual RUN: a guest that reports within RUN_WATCHDOG_S. */
static inline uint32_t run_report(struct __test_metadata *_metadata, struct guest *g)
{
	return run_report_within(_metadata, g, RUN_WATCHDOG_S);
}

#endif /* MINIVMM_IRQ_UTIL_H */
