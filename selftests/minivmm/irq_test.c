// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel irqchip (MINIVMM_CREATE_IRQCHIP): the ioctls' rules, then
 * guests (guests/NAME.S, constants in guests/apic.h) that use the local
 * APIC, its timer in each mode, the I/O APIC with edge and level pins,
 * MSIs, NMIs and x2APIC mode, checking what the SDM says they do: HLT
 * sleeps in the kernel and no HLT exit reaches userspace, interrupts wait
 * for RFLAGS.IF and the STI shadow, a level pin is delivered again after
 * EOI while it stays high, an NMI waits for the IRET of the one before,
 * a timer never fires early, a signal gets a halted vCPU out of RUN, and
 * a 200 us periodic timer leaves the host responsive.
 *
 * The timing checks compare guest TSC deltas with host time: the guest TSC
 * runs at the host's rate, measured here against CLOCK_MONOTONIC.  Guests
 * keep their simulated time to a few milliseconds (Bochs is slow).
 */
#include "kselftest_harness.h"

#include <cpuid.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "minivmm_util.h"
#include "guest.h"
#include "guests/apic.h"
#include "irq_util.h"

static int open_sys(struct __test_metadata *_metadata)
{
	int fd = mvm_open_dev();

	ASSERT_LE(0, fd) TH_LOG("cannot open %s: %s (is minivmm loaded?)",
				MVM_DEV_PATH, strerror(-fd));
	return fd;
}

static int new_vm(struct __test_metadata *_metadata, int sys, bool irqchip)
{
	int vm = mvm_create_vm(sys);

	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	if (irqchip)
		ASSERT_EQ(0, mvm_ioctl(vm, MINIVMM_CREATE_IRQCHIP, 0))
			TH_LOG("MINIVMM_CREATE_IRQCHIP: %s", strerror(errno));
	return vm;
}

/* ---- The ioctls (no guest runs) ---- */

TEST(irqchip_capability)
{
	int sys = open_sys(_metadata);

	EXPECT_EQ(IOAPIC_PINS, mvm_check_extension(sys, MINIVMM_CAP_IRQCHIP))
		TH_LOG("errno %d", errno);
	close(sys);
}

TEST(create_irqchip)
{
	static const unsigned long bad_args[] = { 1, 0x80, 1UL << 32, ~0UL };
	int sys = open_sys(_metadata);
	int vm = new_vm(_metadata, sys, false), vcpu;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_args); i++) {
		errno = 0;
		EXPECT_EQ(-1, mvm_ioctl(vm, MINIVMM_CREATE_IRQCHIP, bad_args[i]))
			TH_LOG("arg %#lx", bad_args[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("arg %#lx", bad_args[i]);
	}
	EXPECT_EQ(0, mvm_ioctl(vm, MINIVMM_CREATE_IRQCHIP, 0))
		TH_LOG("%s", strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, mvm_ioctl(vm, MINIVMM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EEXIST, errno);
	close(vm);

	/* A vCPU created before would have no local APIC: refused. */
	vm = new_vm(_metadata, sys, false);
	vcpu = mvm_ioctl(vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu) TH_LOG("MINIVMM_CREATE_VCPU: %s", strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, mvm_ioctl(vm, MINIVMM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EINVAL, errno);
	close(vcpu);
	close(vm);
	close(sys);
}

TEST(irq_line_rules)
{
	static const struct minivmm_irq_level bad[] = {
		{ IOAPIC_PINS, 1 }, { 255, 0 }, { 1u << 31, 1 }, { ~0u, 1 },
		{ 0, 2 }, { 23, 0x100 }, { 4, ~0u },
	}, good[] = {
		{ 0, 1 }, { 0, 0 }, { IOAPIC_PINS - 1, 1 }, { IOAPIC_PINS - 1, 0 },
		{ 4, 0 },
	};
	int sys = open_sys(_metadata);
	int vm = new_vm(_metadata, sys, false);
	size_t i;

	errno = 0;
	EXPECT_EQ(-1, irq_line(vm, 0, 1));
	EXPECT_EQ(ENXIO, errno) TH_LOG("IRQ_LINE without an irqchip");
	close(vm);

	vm = new_vm(_metadata, sys, true);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, irq_line(vm, bad[i].irq, bad[i].level))
			TH_LOG("irq %u level %u", bad[i].irq, bad[i].level);
		EXPECT_EQ(EINVAL, errno)
			TH_LOG("irq %u level %u", bad[i].irq, bad[i].level);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++)
		EXPECT_EQ(0, irq_line(vm, good[i].irq, good[i].level))
			TH_LOG("irq %u level %u: %s", good[i].irq, good[i].level,
			       strerror(errno));
	close(vm);
	close(sys);
}

TEST(signal_msi_rules)
{
	static const uint32_t bad_addr[] = {
		0, 0xfec00000, 0xfedff000, 0xfef00000, 0xffe00000, 0x7ee00000,
	};
	/* Delivery modes 3 and 6 are reserved in an MSI (SDM Vol. 3A 11.11.2). */
	static const uint32_t bad_dm[] = { 3, 6 };
	const struct minivmm_msi ok = {
		.address_lo = MSI_ADDR(0), .data = VEC_MSI,
	};
	struct minivmm_msi m;
	int sys = open_sys(_metadata);
	int vm = new_vm(_metadata, sys, false), vcpu;
	size_t i;

	errno = 0;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_SIGNAL_MSI, &ok));
	EXPECT_EQ(ENXIO, errno) TH_LOG("SIGNAL_MSI without an irqchip");
	close(vm);

	vm = new_vm(_metadata, sys, true);
	vcpu = mvm_ioctl(vm, MINIVMM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu) TH_LOG("MINIVMM_CREATE_VCPU: %s", strerror(errno));

#define EXPECT_MSI_EINVAL(what, ...) do {				\
		errno = 0;						\
		EXPECT_EQ(-1, ioctl(vm, MINIVMM_SIGNAL_MSI, &m))	\
			TH_LOG(what, ##__VA_ARGS__);			\
		EXPECT_EQ(EINVAL, errno) TH_LOG(what, ##__VA_ARGS__);	\
	} while (0)

	m = ok;
	m.address_hi = 1;
	EXPECT_MSI_EINVAL("address_hi 1");
	m = ok;
	m.address_hi = 0x80000000;
	EXPECT_MSI_EINVAL("address_hi 0x80000000");
	m = ok;
	m.flags = 1;
	EXPECT_MSI_EINVAL("flags 1");
	m = ok;
	m.flags = 0x80000000;
	EXPECT_MSI_EINVAL("flags 0x80000000");
	m = ok;
	m.devid = 1;
	EXPECT_MSI_EINVAL("devid 1");
	for (i = 0; i < sizeof(m.pad); i++) {
		m = ok;
		m.pad[i] = 1;
		EXPECT_MSI_EINVAL("pad[%zu] 1", i);
	}
	for (i = 0; i < ARRAY_SIZE(bad_addr); i++) {
		m = ok;
		m.address_lo = bad_addr[i];
		EXPECT_MSI_EINVAL("address_lo %#x", bad_addr[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad_dm); i++) {
		m = ok;
		m.data = VEC_MSI | MSI_DM(bad_dm[i]);
		EXPECT_MSI_EINVAL("delivery mode %u", bad_dm[i]);
	}
#undef EXPECT_MSI_EINVAL

	/* Valid, but nobody takes it: no APIC id 5; vCPU 0's is disabled. */
	EXPECT_EQ(0, signal_msi(vm, 5, VEC_MSI)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, signal_msi(vm, 0, VEC_MSI))
		TH_LOG("the APIC is software-disabled at reset: %s", strerror(errno));
	close(vcpu);
	close(vm);
	close(sys);
}

/* ---- Without the irqchip: what it was before ---- */

FIXTURE(noirq) {
	struct guest g;
};

FIXTURE_SETUP(noirq)
{
	GUEST_OPEN(&self->g);
}

FIXTURE_TEARDOWN(noirq)
{
	guest_close(&self->g);
}

/*
 * HLT exits, and the APIC page is unbacked memory (an MMIO exit).  The MMIO
 * read comes last: it stays pending until a RUN completes it.
 */
TEST_F_TIMEOUT(noirq, hlt_exits_and_apic_is_mmio, 30)
{
	struct guest *g = &self->g;

	GUEST_START(g, hlt_cli, GUEST_LONG64);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);

	GUEST_START(g, apic_reset, GUEST_LONG64);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(APIC_BASE + APIC_ID, g->run->mmio.phys_addr);
	EXPECT_EQ(0, g->run->mmio.is_write);
	EXPECT_EQ(4, g->run->mmio.len);
}

/* ---- With the irqchip ---- */

FIXTURE(irq) {
	struct guest g;
};

FIXTURE_SETUP(irq)
{
	ASSERT_EQ(0, catch_signal(SIGALRM));	/* run_report()'s watchdog */
	GUEST_OPEN_IRQCHIP(&self->g);
}

FIXTURE_TEARDOWN(irq)
{
	guest_close(&self->g);
}

/* guests/apic_reset.S: the registers' reset values (SDM Vol. 3A 11.4.7.1). */
TEST_F_TIMEOUT(irq, reset_state, 30)
{
	static const char lvt[][8] = { "timer", "LINT0", "LINT1", "error" };
	struct guest *g = &self->g;
	uint64_t base;
	int i;

	IRQ_START(g, apic_reset, 0, 0, 0);
	ASSERT_EQ(IRQ_DONE, run_report(_metadata, g));
	EXPECT_EQ(0, slot(g, 1)) TH_LOG("APIC ID of vCPU 0");
	EXPECT_EQ(APIC_VERSION_RESET, slot(g, 2));
	EXPECT_EQ(APIC_SVR_RESET, slot(g, 3)) TH_LOG("SVR: software-disabled");
	EXPECT_EQ(0, slot(g, 4)) TH_LOG("TPR");
	for (i = 0; i < (int)ARRAY_SIZE(lvt); i++)
		EXPECT_TRUE(slot(g, 5 + i) & APIC_LVT_MASKED)
			TH_LOG("LVT %s %#llx: not masked", lvt[i],
			       (unsigned long long)slot(g, 5 + i));
	EXPECT_EQ(APIC_BASE_RESET, slot(g, 9)) TH_LOG("IA32_APIC_BASE");
	ASSERT_EQ(1, guest_get_msr(g, MSR_APIC_BASE, &base));
	EXPECT_EQ(APIC_BASE_RESET, base) TH_LOG("IA32_APIC_BASE from GET_MSRS");
	EXPECT_EQ(IOAPIC_VERSION_RESET, slot(g, 10)) TH_LOG("I/O APIC version");
	EXPECT_EQ(IOAPIC_MASKED, slot(g, 11) & (IOAPIC_MASKED | IOAPIC_REMOTE_IRR))
		TH_LOG("redirection entry 0: %#llx", (unsigned long long)slot(g, 11));
	EXPECT_EQ(IOAPIC_MASKED, slot(g, 12) & (IOAPIC_MASKED | IOAPIC_REMOTE_IRR))
		TH_LOG("redirection entry 23: %#llx", (unsigned long long)slot(g, 12));
}

/*
 * guests/apic_periodic.S: 10 ticks of a 1 ms periodic timer.  The only exit
 * is the final report, so no HLT reached userspace.
 *
 * Tolerances.  The timer runs on host time and the guest measures it with
 * its TSC, converted with the host TSC rate (host_tsc_per_ms(): any error
 * makes intervals look longer).  A tick is delivered at or after its
 * expiry, and an expiry that finds the previous tick still pending merges
 * into it, so the k-th tick the guest counts comes k periods or more after
 * the initial count was written: tick 10 is at least 10 ms after the TSC
 * read just before that write, with only the calibration to allow for
 * (5%).  The first-to-last span is printed but not bounded below: it is
 * 9 periods less the first tick's delivery latency, which under QEMU can
 * exceed a period.  Emulators run late, never early: up to 2 s late
 * passes.
 */
TEST_F_TIMEOUT(irq, timer_periodic, 60)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	uint64_t start, first, last;
	double span, total;
	uint32_t n;

	IRQ_START(g, apic_periodic, PERIOD_NS, PERIOD_TICKS, per_ms);
	/*
	 * The last tick's handler masks the timer; a tick that expired before
	 * that (a handler more than a period late, as under the debug kernel)
	 * is already in IRR, which masking does not clear (SDM Vol. 3A
	 * 11.5.1), and is taken after the EOI: one more, never two.
	 */
	n = run_report(_metadata, g);
	EXPECT_TRUE(n == PERIOD_TICKS || n == PERIOD_TICKS + 1)
		TH_LOG("%u ticks counted, the timer masked at tick %d", n,
		       PERIOD_TICKS);
	start = slot(g, 1);
	first = slot(g, 2);
	last = slot(g, 3);
	ASSERT_TRUE(start < first && first < last)
		TH_LOG("TSC: start %llu first tick %llu last tick %llu",
		       (unsigned long long)start, (unsigned long long)first,
		       (unsigned long long)last);
	span = (last - first) / per_ms;
	total = (last - start) / per_ms;
	printf("# ticks 1..%d: %.3f ms; start..%d: %.3f ms\n", PERIOD_TICKS,
	       span, PERIOD_TICKS, total);
	/*
	 * Tick k is due k periods after the start, on the hrtimer's grid:
	 * a first tick delivered late shortens the first-to-last span
	 * without any tick being early, so only the span from the start is
	 * a bound (5% for the rate measurement).
	 */
	EXPECT_TRUE(total >= 0.95 * PERIOD_TICKS)
		TH_LOG("%d ticks %.3f ms after the start: early", PERIOD_TICKS, total);
	EXPECT_TRUE(span <= PERIOD_TICKS - 1 + 2000.0)
		TH_LOG("%d periods in %.3f ms", PERIOD_TICKS - 1, span);
}

/*
 * A guest that retries a timing-fragile step (apic_deadline.S,
 * apic_deadline_tsc_back.S: at most 8 attempts) stores the attempts in slot
 * @tries and 1 in slot @fair when its last attempt was a fair test.  No fair
 * attempt fails the test: the check was never made.  @unfair says what made
 * an attempt unfair.
 */
static void expect_fair_attempt(struct __test_metadata *_metadata,
				struct guest *g, int tries, int fair,
				const char *unfair)
{
	EXPECT_TRUE(slot(g, tries) >= 1 && slot(g, tries) <= 8);
	EXPECT_EQ(1, slot(g, fair))
		TH_LOG("each of 8 attempts %s: never tested", unfair);
	if (slot(g, tries) > 1)
		printf("# %llu attempts (earlier ones %s)\n",
		       (unsigned long long)slot(g, tries), unfair);
}

/*
 * guests/apic_oneshot.S: a 20 ms one-shot timer counts down, fires once, no
 * earlier than 20 ms after it was started (5% for the calibration), and its
 * current count is 0 afterwards.
 */
TEST_F_TIMEOUT(irq, timer_oneshot, 60)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	uint64_t cc1, cc2;
	double after;

	IRQ_START(g, apic_oneshot, ONESHOT_NS, 0, per_ms);
	EXPECT_EQ(1, run_report(_metadata, g))
		TH_LOG("interrupts from one one-shot, 4 ms after the first");
	cc1 = slot(g, 2);
	cc2 = slot(g, 3);
	EXPECT_TRUE(cc1 <= ONESHOT_NS) TH_LOG("current count %llu",
					      (unsigned long long)cc1);
	EXPECT_TRUE(cc2 < cc1) TH_LOG("current count %llu then %llu: not counting down",
				      (unsigned long long)cc1, (unsigned long long)cc2);
	EXPECT_EQ(0, slot(g, 4)) TH_LOG("current count after the interrupt");
	ASSERT_TRUE(slot(g, 5) > slot(g, 1));
	after = (slot(g, 5) - slot(g, 1)) / per_ms;
	printf("# one-shot of %.1f ms: interrupt after %.3f ms\n",
	       ONESHOT_NS / NS_PER_MS, after);
	EXPECT_TRUE(after >= 0.95 * ONESHOT_NS / NS_PER_MS) TH_LOG("early");
	EXPECT_TRUE(after <= ONESHOT_NS / NS_PER_MS + 2000.0);
}

/*
 * guests/apic_deadline.S: TSC-deadline mode (SDM Vol. 3A 11.5.4.1): offered
 * in CPUID, the interrupt comes at or after the deadline (both in guest TSC:
 * no tolerance), the MSR reads the deadline while armed and 0 after; a
 * deadline in the past fires at once; 0 disarms.
 */
TEST_F_TIMEOUT(irq, timer_tsc_deadline, 60)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	uint64_t deadline, irq1;

	IRQ_START(g, apic_deadline, 0, 0, per_ms);
	EXPECT_EQ(2, run_report(_metadata, g))
		TH_LOG("a deadline in the past did not fire within 10 ms");
	EXPECT_EQ(2, run_report(_metadata, g))
		TH_LOG("writing 0 did not disarm a deadline 10 ms ahead");
	expect_fair_attempt(_metadata, g, 9, 10,
			    "took over 10 ms from arming to writing 0");

	EXPECT_TRUE(slot(g, 1) & (1u << 24))
		TH_LOG("CPUID.1:ECX %#llx: no TSC-deadline", (unsigned long long)slot(g, 1));
	deadline = slot(g, 2);
	irq1 = slot(g, 5);
	EXPECT_EQ(deadline, slot(g, 3)) TH_LOG("IA32_TSC_DEADLINE while armed");
	EXPECT_EQ(0, slot(g, 4)) TH_LOG("IA32_TSC_DEADLINE after the interrupt");
	EXPECT_TRUE(irq1 >= deadline)
		TH_LOG("interrupt %.3f us before the deadline",
		       (deadline - irq1) / per_ms * 1000);
	if (irq1 >= deadline) {
		printf("# deadline interrupt %.3f us late\n",
		       (irq1 - deadline) / per_ms * 1000);
		EXPECT_TRUE((irq1 - deadline) / per_ms <= 2000.0);
	}
	EXPECT_TRUE(slot(g, 6) >= slot(g, 7));
	printf("# past deadline: interrupt %.3f us after the write\n",
	       (double)(slot(g, 6) - slot(g, 7)) / per_ms * 1000);
	EXPECT_EQ(0, slot(g, 8)) TH_LOG("IA32_TSC_DEADLINE after writing 0");
}

/*
 * guests/apic_deadline_tsc_back.S: a deadline armed 2 ms ahead, then the
 * guest's TSC written 4 ms back.  The interrupt must wait for the TSC to
 * reach the deadline (11.5.4.1), not come when the host's clock says 2 ms
 * have passed; the same holds when the host's TSC rate and clock disagree.
 */
TEST_F_TIMEOUT(irq, timer_tsc_deadline_tsc_moved_back, 30)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	uint64_t deadline, irq;

	IRQ_START(g, apic_deadline_tsc_back, 0, 0, per_ms);
	ASSERT_EQ(1, run_report(_metadata, g));
	expect_fair_attempt(_metadata, g, 3, 4,
			    "reached the deadline before the TSC moved back");
	deadline = slot(g, 1);
	irq = slot(g, 2);
	EXPECT_TRUE(irq >= deadline)
		TH_LOG("interrupt %.3f ms of guest TSC before the deadline",
		       (deadline - irq) / per_ms);
	if (irq >= deadline)
		printf("# deadline interrupt %.3f us late\n",
		       (irq - deadline) / per_ms * 1000);
}

/* guests/ioapic_edge.S: one interrupt per 0 -> 1 edge, none without one. */
TEST_F_TIMEOUT(irq, ioapic_edge, 30)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	int vm = g->vm;

	IRQ_START(g, ioapic_edge, 0, 0, per_ms);
	ASSERT_EQ(IRQ_READY | 1, run_report(_metadata, g));
	EXPECT_EQ(0, irq_line(vm, PIN_EDGE, 1)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, irq_line(vm, PIN_EDGE, 0)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(1, run_report(_metadata, g)) TH_LOG("interrupts from one edge");

	ASSERT_EQ(IRQ_READY | 2, run_report(_metadata, g));
	EXPECT_EQ(0, irq_line(vm, PIN_EDGE, 1)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(2, run_report(_metadata, g)) TH_LOG("interrupts from two edges");
	/* Already high: no edge, no interrupt. */
	EXPECT_EQ(0, irq_line(vm, PIN_EDGE, 1)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(2, run_report(_metadata, g)) TH_LOG("1 -> 1 is not an edge");
}

/*
 * guests/ioapic_level.S: a level pin is delivered, holds remote IRR until
 * the EOI, is delivered again after the EOI while the line stays high, and
 * not after the line went low.
 */
TEST_F_TIMEOUT(irq, ioapic_level, 30)
{
	const uint32_t entry = IOAPIC_LEVEL | VEC_IOAPIC_LEVEL;
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	uint32_t lo;

	IRQ_START(g, ioapic_level, 0, 0, per_ms);
	ASSERT_EQ(IRQ_READY, run_report(_metadata, g));
	EXPECT_EQ(0, irq_line(g->vm, PIN_LEVEL, 1)) TH_LOG("%s", strerror(errno));

	/* In the handler, before its EOI. */
	ASSERT_EQ(1, run_report(_metadata, g));
	lo = run_report(_metadata, g);
	EXPECT_EQ(entry | IOAPIC_REMOTE_IRR, lo) TH_LOG("entry %#x in the handler", lo);
	/* The line stays high: after the EOI it must come again. */
	ASSERT_EQ(2, run_report(_metadata, g))
		TH_LOG("not delivered again after the EOI with the line high");
	lo = run_report(_metadata, g);
	EXPECT_EQ(entry | IOAPIC_REMOTE_IRR, lo) TH_LOG("entry %#x in the handler", lo);
	EXPECT_EQ(0, irq_line(g->vm, PIN_LEVEL, 0)) TH_LOG("%s", strerror(errno));

	/* After the EOI, 3 ms later, in the main code. */
	lo = run_report(_metadata, g);
	EXPECT_EQ(entry, lo) TH_LOG("entry %#x after the last EOI: remote IRR", lo);
	EXPECT_EQ(2, run_report(_metadata, g))
		TH_LOG("delivered again after the line went low");
}

/* guests/msi.S: SIGNAL_MSI counts the APICs that took it. */
TEST_F_TIMEOUT(irq, msi, 30)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);

	IRQ_START(g, msi, 0, 0, per_ms);
	ASSERT_EQ(IRQ_READY | 1, run_report(_metadata, g));
	EXPECT_EQ(0, signal_msi(g->vm, 5, VEC_MSI))
		TH_LOG("no APIC has id 5: %s", strerror(errno));
	EXPECT_EQ(1, signal_msi(g->vm, 0, VEC_MSI)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(1, run_report(_metadata, g)) TH_LOG("interrupts from one MSI to id 0");

	ASSERT_EQ(IRQ_READY | 2, run_report(_metadata, g));
	EXPECT_EQ(0, signal_msi(g->vm, 0, VEC_MSI))
		TH_LOG("a software-disabled APIC took it: %s", strerror(errno));
	EXPECT_EQ(1, run_report(_metadata, g))
		TH_LOG("delivered through a software-disabled APIC");
}

/*
 * guests/sti_shadow.S: IF = 0 holds an interrupt; STI lets one more run.
 *
 * On SVM an attempt that delivered inside the shadow is made again (3 in
 * all), with a fresh VM: QEMU before 9.1 forgets the shadow that an exit
 * in it recorded in the VMCB (its VMRUN did not load int_state's
 * interrupt shadow; fixed upstream by "target/i386: fix INHIBIT_IRQ/TF/RF
 * handling for VMRUN"), so after a host interrupt that lands on the one
 * instruction of the shadow the emulator opens the interrupt window
 * inside it.  minivmm notices and injects at the next exit instead
 * (svm_handle_vintr()), so the interrupt comes later than right after the
 * shadow: that attempt proves nothing either way.  It is rare (seen once
 * in about 20 debug runs); minivmm's part is checked exactly by the KUnit
 * cases minivmm_svm_vmcb.svm_vmcb_interrupt_shadow and
 * svm_vmcb_window_inside_shadow.  A minivmm that ignored the shadow fails
 * every attempt.  VMX (Bochs) gets one attempt.
 */
static bool sti_shadow_attempt(struct __test_metadata *_metadata,
			       struct guest *g, double per_ms, bool fault)
{
	IRQ_START(g, sti_shadow, fault, 0, per_ms);
	EXPECT_EQ(IRQ_READY, run_report(_metadata, g));
	EXPECT_EQ(1, signal_msi(g->vm, 0, VEC_MSI_SHADOW)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, run_report(_metadata, g)) TH_LOG("delivered with IF = 0");
	EXPECT_EQ(IRQ_DONE, run_report(_metadata, g));
	EXPECT_EQ(1, slot(g, 0));
	EXPECT_EQ(1, slot(g, 2)) TH_LOG("delivered before STI");
	return slot(g, 1) == 1 && slot(g, 3) == slot(g, 4) &&
	       (!fault || slot(g, 5) == 1);
}

TEST_F_TIMEOUT(irq, if_and_sti_shadow, 60)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);
	int tries = mvm_check_extension(g->sys, MINIVMM_CAP_VENDOR) ==
		    MINIVMM_VENDOR_AMD_SVM ? 3 : 1;
	int i;

	for (i = 1; !sti_shadow_attempt(_metadata, g, per_ms, false) && i < tries; i++) {
		printf("# attempt %d delivered inside the STI shadow (returned to %#llx); again\n",
		       i, (unsigned long long)slot(g, 3));
		guest_close(g);
		GUEST_OPEN_IRQCHIP(g);
	}
	EXPECT_EQ(1, slot(g, 1)) TH_LOG("delivered inside the STI shadow");
	EXPECT_EQ(slot(g, 4), slot(g, 3))
		TH_LOG("returned to %#llx: not at the end of the shadow (%#llx)",
		       (unsigned long long)slot(g, 3), (unsigned long long)slot(g, 4));
}

/*
 * Whether the processor this runs on is QEMU's TCG (CPUID leaf 0x40000000
 * says "TCGTCGTCGTCG"), which has the VMRUN shadow defect above.
 */
static bool host_is_qemu_tcg(void)
{
	uint32_t a, b, c, d;
	char sig[13];

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return false;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	return !strcmp(sig, "TCGTCGTCGTCG");
}

/*
 * guests/sti_shadow.S with R12 = 1: the instruction in the shadow makes a
 * nested page fault exit, and the entry after it must keep the shadow:
 * the interrupt comes after that instruction, never before.  Each attempt
 * is exact (the exit happens every time), so there is one.  Under QEMU's
 * TCG before 9.1 an SVM guest loses the shadow at that entry whatever
 * minivmm does (see if_and_sti_shadow: the interrupt then comes at the
 * next exit, not right after the store), so there it is skipped; minivmm's
 * side on SVM is the KUnit cases named there.
 */
TEST_F_TIMEOUT(irq, sti_shadow_exit_inside, 60)
{
	struct guest *g = &self->g;
	double per_ms = host_tsc_per_ms(_metadata);

	if (mvm_check_extension(g->sys, MINIVMM_CAP_VENDOR) ==
	    MINIVMM_VENDOR_AMD_SVM && host_is_qemu_tcg())
		SKIP(return, "QEMU TCG drops an SVM guest's interrupt shadow at VMRUN");
	sti_shadow_attempt(_metadata, g, per_ms, true);
	EXPECT_EQ(1, slot(g, 5)) TH_LOG("delivered before the faulting store in the shadow");
	EXPECT_EQ(slot(g, 4), slot(g, 3))
		TH_LOG("returned to %#llx: not right after the shadow (%#llx)",
		       (unsigned long long)slot(g, 3), (unsigned long long)slot(g, 4));
}

/*
 * guests/hlt_cli.S: HLT with IF = 0 and nothing pending sleeps in RUN; a
 * signal ends RUN with EINTR and the vCPU still halted (the next RUN waits
 * again); immediate_exit ends it at once.
 */
TEST_F_TIMEOUT(irq, hlt_signal_and_immediate_exit, 60)
{
	struct itimerval it = { .it_value = { 0, 200 * 1000 } };
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t t0;
	double dt;
	int i, r;

	IRQ_START(g, hlt_cli, 0, 0, 0);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		t0 = now_ns();
		r = guest_run(g);
		dt = (now_ns() - t0) / 1e9;
		ASSERT_EQ(-EINTR, r) {
			TH_LOG("RUN %d of a halted vCPU: %s after %.3f s", i,
			       strerror(-r), dt);
			guest_dump(g);
		}
		EXPECT_EQ(MINIVMM_EXIT_INTR, g->run->exit_reason);
		EXPECT_TRUE(dt >= 0.15)
			TH_LOG("RUN %d returned after %.3f s, before the signal", i, dt);
		EXPECT_TRUE(dt < 1.2) TH_LOG("RUN %d returned %.3f s after the start", i, dt);
	}
	g->run->immediate_exit = 1;
	t0 = now_ns();
	r = guest_run(g);
	dt = (now_ns() - t0) / 1e9;
	g->run->immediate_exit = 0;
	EXPECT_EQ(-EINTR, r);
	EXPECT_EQ(MINIVMM_EXIT_INTR, g->run->exit_reason);
	EXPECT_TRUE(dt < 0.5) TH_LOG("immediate_exit took %.3f s", dt);
	GUEST_GET_REGS(g, &regs);
	printf("# halted vCPU: RIP %#llx, the HLT is at %#llx\n", regs.rip,
	       (unsigned long long)GUEST_CODE + 1);
}

/* guests/x2apic.S: the steps' reports, (step << 16) | (#GP error code + 1). */
TEST_F_TIMEOUT(irq, x2apic, 30)
{
	static const struct {
		uint32_t report;
		const char *what;
	} steps[] = {
		{ 1 << 16 | 1, "x2APIC MSR in xAPIC mode: #GP(0)" },
		{ 2 << 16, "xAPIC -> x2APIC: allowed" },
		{ 3 << 16, "x2APIC ID, version, SVR: no #GP" },
		{ 4 << 16, "self IPI delivered" },
		{ 5 << 16, "xAPIC page read in x2APIC mode" },
		{ 6 << 16 | 1, "x2APIC -> xAPIC: #GP(0)" },
		{ 7 << 16, "x2APIC -> disabled: allowed" },
		{ 8 << 16 | 1, "disabled -> x2APIC: #GP(0)" },
		{ 9 << 16, "disabled -> xAPIC: allowed" },
	};
	const uint32_t mmio_value = 0x5a5a5a5a;
	struct guest *g = &self->g;
	size_t i;

	IRQ_START(g, x2apic, 0, 0, 0);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (steps[i].report >> 16 == 5) {
			/* In x2APIC mode the xAPIC page is not decoded. */
			GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
			EXPECT_EQ(APIC_BASE + APIC_VERSION, g->run->mmio.phys_addr);
			EXPECT_EQ(0, g->run->mmio.is_write);
			EXPECT_EQ(4, g->run->mmio.len);
			memcpy(g->run->mmio.data, &mmio_value, 4);
		}
		EXPECT_EQ(steps[i].report, run_report(_metadata, g))
			TH_LOG("step %zu: %s", i + 1, steps[i].what);
	}
	EXPECT_EQ(APIC_BASE_RESET, slot(g, 1)) TH_LOG("IA32_APIC_BASE at the start");
	EXPECT_EQ(APIC_BASE_RESET | APIC_BASE_EXTD, slot(g, 2))
		TH_LOG("IA32_APIC_BASE in x2APIC mode");
	EXPECT_EQ(APIC_BASE | APIC_BASE_BSP, slot(g, 3)) TH_LOG("IA32_APIC_BASE disabled");
	EXPECT_EQ(APIC_BASE_RESET, slot(g, 4)) TH_LOG("IA32_APIC_BASE xAPIC again");
	EXPECT_EQ(0, slot(g, 5)) TH_LOG("x2APIC ID of vCPU 0");
	EXPECT_EQ(APIC_VERSION_RESET, slot(g, 6)) TH_LOG("x2APIC version");
	EXPECT_EQ(APIC_SVR_ENABLE | 0xff, slot(g, 7)) TH_LOG("x2APIC SVR");
	EXPECT_EQ(1, slot(g, 0)) TH_LOG("self IPIs taken");
	EXPECT_EQ(mmio_value, slot(g, 8)) TH_LOG("xAPIC page read in x2APIC mode");
	EXPECT_EQ(APIC_VERSION_RESET, slot(g, 9)) TH_LOG("xAPIC version, back in xAPIC mode");
}

struct vcpu_thread {
	struct guest *g;
	int r;
	uint32_t exit_reason;
	uint64_t start_ns, end_ns;
	int done;			/* __atomic */
};

static void *vcpu_thread_run(void *arg)
{
	struct vcpu_thread *t = arg;

	t->start_ns = now_ns();
	t->r = guest_run(t->g);
	t->end_ns = now_ns();
	t->exit_reason = t->g->run->exit_reason;
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool wait_done(struct vcpu_thread *t, uint64_t ns)
{
	uint64_t t0 = now_ns();

	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
		if (now_ns() - t0 >= ns)
			return false;
		usleep(1000);
	}
	return true;
}

/*
 * guests/apic_periodic.S with initial count 1 (raised to 200 us), forever,
 * in a vCPU thread for 1 s (0.3 s on Bochs, the slow VMX machine, where a
 * guest second is over a minute): the host stays responsive (every 10 ms sleep of
 * this thread ends within 500 ms), the guest gets no more than one tick per
 * 200 us, and a signal to the vCPU thread ends its RUN within 1 s.
 */
TEST_F_TIMEOUT(irq, host_not_starved, 120)
{
	struct vcpu_thread t = { .g = &self->g };
	uint64_t t0, a, d, worst = 0, kill_ns, elapsed, count;
	uint64_t span = mvm_cpuinfo_has("vmx") == 1 ? 300000000ULL :
						   1000000000ULL;
	pthread_t tid;
	int i;

	ASSERT_EQ(0, catch_signal(SIGUSR1));
	IRQ_START(&self->g, apic_periodic, 1, 0, 0);
	ASSERT_EQ(0, pthread_create(&tid, NULL, vcpu_thread_run, &t));
	t0 = now_ns();
	while (now_ns() - t0 < span &&
	       !__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		a = now_ns();
		usleep(10000);
		d = now_ns() - a;
		if (d > worst)
			worst = d;
	}
	kill_ns = now_ns();
	ASSERT_EQ(0, pthread_kill(tid, SIGUSR1));
	if (!wait_done(&t, 1000000000ULL)) {
		TH_LOG("RUN still running 1 s after the signal");
		/* Keep signalling for a while, so the join below can end. */
		for (i = 0; i < 100 && !wait_done(&t, 100000000ULL); i++)
			pthread_kill(tid, SIGUSR1);
		ASSERT_TRUE(__atomic_load_n(&t.done, __ATOMIC_ACQUIRE))
			TH_LOG("RUN ignores signals");
		EXPECT_TRUE(0) TH_LOG("RUN took more than 1 s to see a signal");
	}
	pthread_join(tid, NULL);

	count = slot(&self->g, 0);
	elapsed = t.end_ns - t.start_ns;
	printf("# %llu ticks in %.3f s; longest 10 ms sleep %.3f ms; RUN out %.3f ms after the signal\n",
	       (unsigned long long)count, elapsed / 1e9, worst / NS_PER_MS,
	       (t.end_ns - kill_ns) / NS_PER_MS);
	EXPECT_TRUE(t.end_ns >= kill_ns) {
		TH_LOG("RUN returned on its own");
		guest_dump(&self->g);
	}
	EXPECT_EQ(-EINTR, t.r) TH_LOG("%s", strerror(-t.r));
	EXPECT_EQ(MINIVMM_EXIT_INTR, t.exit_reason);
	EXPECT_TRUE(worst < 500 * NS_PER_MS)
		TH_LOG("a 10 ms sleep took %.3f ms", worst / NS_PER_MS);
	EXPECT_TRUE(count <= elapsed / MIN_PERIOD_NS + 1)
		TH_LOG("%llu ticks in %llu ns: the period is below 200 us",
		       (unsigned long long)count, (unsigned long long)elapsed);
	EXPECT_TRUE(count >= 10) TH_LOG("%llu ticks in %.3f s",
					(unsigned long long)count, elapsed / 1e9);
}

/*
 * guests/irq_not_present.S: an interrupt through a not-present gate is a
 * #NP whose error code is the gate's index with IDT and EXT set (SDM Vol.
 * 3A 6.13: 0x70 << 3 | 2 | 1 = 0x383), at the instruction the interrupt
 * came before.
 *
 * EXT is what the CPU delivering the injected event sets, not the
 * hypervisor: VMX injects "as if the event had occurred normally" and
 * Bochs sets it; the SVM rig's QEMU TCG does not emulate EXT at all, so
 * it is checked on VMX only.  QEMU before January 2023 also scaled the
 * index by 16 in 64-bit mode (0x702 here), a bug of the emulator.
 */
TEST_F_TIMEOUT(irq, not_present_gate, 30)
{
	const uint32_t want = VEC_NOT_PRESENT << 3 | 2;
	struct guest *g = &self->g;
	uint32_t err;

	IRQ_START(g, irq_not_present, 0, 0, 0);
	ASSERT_EQ(IRQ_READY, run_report(_metadata, g));
	EXPECT_EQ(1, signal_msi(g->vm, 0, VEC_NOT_PRESENT)) TH_LOG("%s", strerror(errno));
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
	EXPECT_EQ(11, guest_io_data(g)) TH_LOG("vector: not #NP");
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
	err = guest_io_data(g);
	if (mvm_cpuinfo_has("vmx") == 1) {
		EXPECT_EQ(want | 1, err) TH_LOG("#NP error code %#x", err);
	} else if (err == (VEC_NOT_PRESENT << 4 | 2)) {
		/*
		 * The SVM rig's QEMU 7.2 computes the index * 16 and no EXT
		 * bit for this #NP (fixed in later QEMU); the CPU raised it,
		 * not the hypervisor, which only injected vector 0x70.
		 */
		printf("# #NP error code %#x: QEMU 7.2's index * 16\n", err);
	} else {
		EXPECT_EQ(want, err & ~1u) TH_LOG("#NP error code %#x", err);
	}
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
	EXPECT_EQ(slot(g, 1), guest_io_data(g)) TH_LOG("RIP: not after the HLT");
}

/*
 * guests/redeliver.S: 100 ticks of a 1 ms periodic timer, each window
 * with interrupts on opened on a stack page nothing touched before, so
 * that the first delivery in it exits (a nested page fault on the frame's
 * push) and must be made again from the exit's record of it (SVM
 * EXITINTINFO, VMX IDT-vectoring information).  Each interrupt must be taken
 * exactly once: a second delivery would enter the handler with its own
 * first instruction as the frame's RIP (what the open guest panic of
 * Documentation/testing.rst would look like from inside).  The count is
 * at least 100: more when ticks waited in IRR during the last window (the
 * debug host counted 102, taking 100 in 34 windows).
 */
#define REDELIVER_TICKS	100

TEST_F_TIMEOUT(irq, delivery_exit_delivers_once, 60)
{
	struct guest *g = &self->g;
	uint32_t doubles, n, pages;

	IRQ_START(g, redeliver, PERIOD_NS, REDELIVER_TICKS, 0);
	doubles = run_report(_metadata, g);
	n = run_report(_metadata, g);
	pages = run_report(_metadata, g);
	printf("# %u interrupts on %u fresh stack pages, %u taken twice\n", n,
	       pages, doubles);
	EXPECT_EQ(0, doubles)
		TH_LOG("%u of %u interrupts entered their handler at its first instruction: delivered twice",
		       doubles, n);
	EXPECT_LE(REDELIVER_TICKS, n)
		TH_LOG("%u interrupts counted, %u wanted", n, REDELIVER_TICKS);
	/*
	 * A window per fresh page, each opened by a delivery that exits; an
	 * emulator slower than the period takes more ticks in a window (QEMU
	 * took 100 in 44 windows at 200 us), onto a page already touched.
	 */
	EXPECT_TRUE(pages >= 10 && pages <= n)
		TH_LOG("%u windows for %u interrupts", pages, n);
}

/*
 * guests/nmi.S: an NMI MSI reaches a guest with IF = 0 in HLT; a second one,
 * sent while the first handler runs, waits for its IRET.
 */
TEST_F_TIMEOUT(irq, nmi, 30)
{
	struct guest *g = &self->g;
	struct minivmm_regs regs;

	IRQ_START(g, nmi, 0, 0, 0);
	ASSERT_EQ(IRQ_READY, run_report(_metadata, g));
	EXPECT_EQ(1, signal_msi(g->vm, 0, MSI_DM_NMI)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(NMI_ENTRY | 1, run_report(_metadata, g));
	EXPECT_EQ(1, signal_msi(g->vm, 0, MSI_DM_NMI)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(NMI_EXIT | 1, run_report(_metadata, g))
		TH_LOG("the second NMI came inside the first handler");
	ASSERT_EQ(NMI_ENTRY | 2, run_report(_metadata, g));
	ASSERT_EQ(NMI_EXIT | 2, run_report(_metadata, g));
	ASSERT_EQ(IRQ_DONE, run_report(_metadata, g));
	GUEST_GET_REGS(g, &regs);
	EXPECT_EQ(0, regs.rflags & 0x200) TH_LOG("IF set: the guest never does STI");
}

TEST_HARNESS_MAIN
