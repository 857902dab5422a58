// SPDX-License-Identifier: GPL-2.0
/*
 * Saving and restoring the irqchip and a vCPU's pending events
 * (MINIVMM_GET/SET_LAPIC, _IRQCHIP, _VCPU_EVENTS): their rules, a guest
 * moved mid-run into a fresh VM that goes on as if nothing happened, and
 * events injected by a restore.  guests/irq_migrate.S is the guest.
 */
#include "kselftest_harness.h"

#include <stdlib.h>
#include <string.h>

#include "minivmm_util.h"
#include "guest.h"
#include "guests/apic.h"
#include "irq_util.h"

#define MIGRATE_PERIOD_NS	1000000	/* the guest's timer: 1 ms */
#define MIGRATE_TICKS		12	/* it stops after this many */
#define VEC_EVENT		0x52	/* guests/irq_migrate.S */
#define MSR_TSC			0x10

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

/* A vCPU's irqchip state: what a VMM saves to move a VM. */
struct vcpu_state {
	struct minivmm_regs regs;
	struct minivmm_sregs sregs;
	struct minivmm_lapic_state lapic;
	struct minivmm_irqchip chip;
	struct minivmm_vcpu_events ev;
	uint64_t tsc;
	uint8_t *mem;
};

static bool lapic_vec(const struct minivmm_lapic_state *s, unsigned int base,
		      uint8_t vec)
{
	uint32_t reg;

	memcpy(&reg, s->regs + base + (vec / 32) * 0x10, 4);
	return reg & (1u << (vec % 32));
}

static uint32_t lapic_reg(const struct minivmm_lapic_state *s, unsigned int off)
{
	uint32_t reg;

	memcpy(&reg, s->regs + off, 4);
	return reg;
}

/*
 * A VMM saves a vCPU only between instructions: the OUT that stopped it
 * completes (RIP moves past it) in the next MINIVMM_RUN, so that RUN comes
 * first, with immediate_exit set so that it returns at once (as with KVM).
 */
static void save(struct __test_metadata *_metadata, struct guest *g,
		 struct vcpu_state *st)
{
	g->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, guest_run(g));
	g->run->immediate_exit = 0;
	GUEST_GET_REGS(g, &st->regs);
	ASSERT_EQ(0, guest_get_sregs(g, &st->sregs));
	ASSERT_EQ(1, guest_get_msr(g, MSR_TSC, &st->tsc));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_GET_LAPIC, &st->lapic))
		TH_LOG("GET_LAPIC: %s", strerror(errno));
	memset(&st->chip, 0, sizeof(st->chip));
	st->chip.chip_id = MINIVMM_IRQCHIP_IOAPIC;
	ASSERT_EQ(0, ioctl(g->vm, MINIVMM_GET_IRQCHIP, &st->chip))
		TH_LOG("GET_IRQCHIP: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_GET_VCPU_EVENTS, &st->ev))
		TH_LOG("GET_VCPU_EVENTS: %s", strerror(errno));
	st->mem = malloc(g->mem_size);
	ASSERT_NE(NULL, st->mem);
	memcpy(st->mem, g->mem, g->mem_size);
}

/* KVM's restore order: sregs (APIC base) before LAPIC, TSC, then events. */
static void restore(struct __test_metadata *_metadata, struct guest *g,
		    struct vcpu_state *st)
{
	memcpy(g->mem, st->mem, g->mem_size);
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_SREGS, &st->sregs))
		TH_LOG("SET_SREGS: %s", strerror(errno));
	GUEST_SET_REGS(g, &st->regs);
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_LAPIC, &st->lapic))
		TH_LOG("SET_LAPIC: %s", strerror(errno));
	ASSERT_EQ(1, guest_set_msr(g, MSR_TSC, st->tsc));
	ASSERT_EQ(0, ioctl(g->vm, MINIVMM_SET_IRQCHIP, &st->chip))
		TH_LOG("SET_IRQCHIP: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_VCPU_EVENTS, &st->ev))
		TH_LOG("SET_VCPU_EVENTS: %s", strerror(errno));
}

/*
 * The guest is stopped inside its level-triggered handler: vector 0x51 in
 * service, the pin's remote IRR set and its line still high, the timer
 * running.  Moved into a fresh VM it must go on: its EOI there finds the
 * line high and the I/O APIC delivers again (so the ISR bit, remote IRR
 * and line came across), then, the line lowered, the timer ticks on to
 * the end (so the timer came across), counting from where it was.
 */
TEST_F_TIMEOUT(irq, move_mid_run, 60)
{
	struct guest *a = &self->g, b = { 0 };
	struct minivmm_irqchip chip = { .chip_id = MINIVMM_IRQCHIP_IOAPIC };
	struct minivmm_lapic_state lapic;
	struct vcpu_state st;
	uint64_t ticks;
	int r;

	IRQ_START(a, irq_migrate, MIGRATE_PERIOD_NS, MIGRATE_TICKS, 0);
	ASSERT_EQ(IRQ_READY, run_report(_metadata, a));
	ASSERT_EQ(0, irq_line(a->vm, PIN_LEVEL, 1)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0x5101, run_report(_metadata, a));

	save(_metadata, a, &st);
	ticks = slot(a, 0);
	EXPECT_TRUE(lapic_vec(&st.lapic, 0x100, VEC_IOAPIC_LEVEL))
		TH_LOG("ISR: the level vector is not in service");
	EXPECT_TRUE(lapic_vec(&st.lapic, 0x180, VEC_IOAPIC_LEVEL))
		TH_LOG("TMR: the level vector is not level");
	EXPECT_EQ(MIGRATE_PERIOD_NS, lapic_reg(&st.lapic, APIC_TMICT));
	EXPECT_TRUE(st.chip.chip.ioapic.redirtbl[PIN_LEVEL] & IOAPIC_REMOTE_IRR)
		TH_LOG("remote IRR not set in the saved entry");
	EXPECT_EQ(1u << PIN_LEVEL, st.chip.chip.ioapic.irr & (1u << PIN_LEVEL));
	EXPECT_EQ(0xfec00000ULL, st.chip.chip.ioapic.base_address);
	guest_close(a);

	r = guest_open_irqchip(&b);
	ASSERT_EQ(0, r) TH_LOG("guest_open_irqchip: %s", strerror(-r));
	restore(_metadata, &b, &st);
	free(st.mem);

	/* What B holds now is what A held. */
	ASSERT_EQ(0, ioctl(b.vcpu, MINIVMM_GET_LAPIC, &lapic));
	EXPECT_TRUE(lapic_vec(&lapic, 0x100, VEC_IOAPIC_LEVEL));
	EXPECT_EQ(lapic_reg(&st.lapic, APIC_LVTT), lapic_reg(&lapic, APIC_LVTT));
	EXPECT_NE(0, lapic_reg(&lapic, APIC_TMCCT)) TH_LOG("timer not running");
	ASSERT_EQ(0, ioctl(b.vm, MINIVMM_GET_IRQCHIP, &chip));
	EXPECT_EQ(0, memcmp(&chip.chip.ioapic, &st.chip.chip.ioapic,
			    sizeof(chip.chip.ioapic)));

	EXPECT_EQ(0x5102, run_report(_metadata, &b))
		TH_LOG("no second delivery after the EOI in the new VM");
	ASSERT_EQ(0, irq_line(b.vm, PIN_LEVEL, 0));
	EXPECT_EQ(IRQ_DONE, run_report(_metadata, &b));
	EXPECT_LE(MIGRATE_TICKS, slot(&b, 0));
	EXPECT_LE(ticks, slot(&b, 0));
	ASSERT_EQ(0, ioctl(b.vm, MINIVMM_GET_IRQCHIP, &chip));
	EXPECT_EQ(0, chip.chip.ioapic.redirtbl[PIN_LEVEL] & IOAPIC_REMOTE_IRR);
	guest_close(&b);
}

/* SET_VCPU_EVENTS with one event, then RUN: the guest reports it. */
static uint32_t inject(struct __test_metadata *_metadata, struct guest *g,
		       struct minivmm_vcpu_events *ev)
{
	struct minivmm_vcpu_events back;

	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_VCPU_EVENTS, ev))
		TH_LOG("SET_VCPU_EVENTS: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_GET_VCPU_EVENTS, &back));
	EXPECT_EQ(ev->exception.injected | ev->exception.pending,
		  back.exception.injected);
	EXPECT_EQ(ev->exception.nr, back.exception.nr);
	EXPECT_EQ(ev->exception.error_code, back.exception.error_code);
	EXPECT_EQ(ev->interrupt.injected, back.interrupt.injected);
	EXPECT_EQ(ev->interrupt.nr, back.interrupt.nr);
	EXPECT_EQ(ev->nmi.injected, back.nmi.injected);
	EXPECT_EQ(ev->nmi.pending, back.nmi.pending);
	return run_report(_metadata, g);
}

/*
 * Events a restore puts in: an NMI pending (taken with IF = 0), an
 * exception with its error code, an interrupt already taken from the APIC
 * (which needs RFLAGS.IF = 1 at entry, as the guest had it when it took
 * it).  What GET reports between SET and RUN is what SET gave.
 */
TEST_F_TIMEOUT(irq, events_injected, 60)
{
	struct minivmm_vcpu_events ev = { 0 };
	struct minivmm_regs regs;
	struct guest *g = &self->g;

	IRQ_START(g, irq_migrate, MIGRATE_PERIOD_NS, ~0ULL, 0);
	ASSERT_EQ(IRQ_READY, run_report(_metadata, g));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(MINIVMM_VCPUEVENT_VALID_NMI_PENDING |
		  MINIVMM_VCPUEVENT_VALID_SHADOW, ev.flags);
	EXPECT_EQ(0, ev.exception.injected | ev.interrupt.injected |
		     ev.nmi.injected | ev.nmi.pending | ev.nmi.masked);

	memset(&ev, 0, sizeof(ev));
	ev.flags = MINIVMM_VCPUEVENT_VALID_NMI_PENDING;
	ev.nmi.pending = 1;
	EXPECT_EQ(0x2000, inject(_metadata, g, &ev)) TH_LOG("NMI");

	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = 13;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = 0x18;
	EXPECT_EQ(0x1300, inject(_metadata, g, &ev)) TH_LOG("#GP");
	EXPECT_EQ(0x18, run_report(_metadata, g)) TH_LOG("#GP error code");

	GUEST_GET_REGS(g, &regs);
	regs.rflags |= 0x200;
	GUEST_SET_REGS(g, &regs);
	memset(&ev, 0, sizeof(ev));
	ev.interrupt.injected = 1;
	ev.interrupt.nr = VEC_EVENT;
	EXPECT_EQ(0x5200, inject(_metadata, g, &ev)) TH_LOG("interrupt");

	/*
	 * A shadow the vCPU has, then an interrupt queued without a shadow:
	 * the interrupt wins (an entry with both fails), GET no longer reports
	 * the shadow, and the guest takes the interrupt.  Found by the fuzzer:
	 * GET once returned both, which SET refuses.
	 */
	GUEST_GET_REGS(g, &regs);
	regs.rflags |= 0x200;		/* in a handler now: IF as taken */
	GUEST_SET_REGS(g, &regs);
	memset(&ev, 0, sizeof(ev));
	ev.flags = MINIVMM_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = MINIVMM_SHADOW_STI;
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_VCPU_EVENTS, &ev));
	memset(&ev, 0, sizeof(ev));
	ev.interrupt.injected = 1;
	ev.interrupt.nr = VEC_EVENT;
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_VCPU_EVENTS, &ev));
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(1, ev.interrupt.injected);
	EXPECT_EQ(0, ev.interrupt.shadow);
	EXPECT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_VCPU_EVENTS, &ev))
		TH_LOG("what GET gave, SET refuses: %s", strerror(errno));
	EXPECT_EQ(0x5200, run_report(_metadata, g)) TH_LOG("interrupt after a shadow");

	/* A shadow comes back as it went in. */
	memset(&ev, 0, sizeof(ev));
	ev.flags = MINIVMM_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = MINIVMM_SHADOW_STI;
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_VCPU_EVENTS, &ev));
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(MINIVMM_SHADOW_STI, ev.interrupt.shadow);
}

/* ---- The rules (no guest runs) ---- */

static int events_set(int vcpu, void (*change)(struct minivmm_vcpu_events *))
{
	struct minivmm_vcpu_events ev = { 0 };

	change(&ev);
	return ioctl(vcpu, MINIVMM_SET_VCPU_EVENTS, &ev);
}

static void ev_flag(struct minivmm_vcpu_events *e) { e->flags = 1u << 1; }
static void ev_reserved(struct minivmm_vcpu_events *e) { e->reserved[3] = 1; }
static void ev_smi(struct minivmm_vcpu_events *e) { e->smi.pending = 1; }
static void ev_sipi(struct minivmm_vcpu_events *e) { e->sipi_vector = 1; }
static void ev_triple(struct minivmm_vcpu_events *e) { e->triple_fault.pending = 1; }
static void ev_payload(struct minivmm_vcpu_events *e) { e->exception_payload = 1; }
static void ev_nmi_pad(struct minivmm_vcpu_events *e) { e->nmi.pad = 1; }
static void ev_soft(struct minivmm_vcpu_events *e) { e->interrupt.soft = 1; }
static void ev_two(struct minivmm_vcpu_events *e)
{
	e->exception.injected = 1;
	e->nmi.injected = 1;
}
static void ev_vec32(struct minivmm_vcpu_events *e)
{
	e->exception.injected = 1;
	e->exception.nr = 32;
}
static void ev_no_errcode(struct minivmm_vcpu_events *e)
{
	e->exception.injected = 1;
	e->exception.nr = 6;		/* #UD pushes no error code */
	e->exception.has_error_code = 1;
}
static void ev_low_irq(struct minivmm_vcpu_events *e)
{
	e->interrupt.injected = 1;
	e->interrupt.nr = 15;
}
static void ev_shadow_noflag(struct minivmm_vcpu_events *e)
{
	e->interrupt.shadow = MINIVMM_SHADOW_STI;
}
static void ev_pending_noflag(struct minivmm_vcpu_events *e)
{
	e->nmi.pending = 1;
}
static void ev_bool(struct minivmm_vcpu_events *e) { e->nmi.masked = 2; }

TEST(state_ioctl_rules)
{
	static void (*const bad[])(struct minivmm_vcpu_events *) = {
		ev_flag, ev_reserved, ev_smi, ev_sipi, ev_triple, ev_payload,
		ev_nmi_pad, ev_soft, ev_two, ev_vec32, ev_no_errcode,
		ev_low_irq, ev_shadow_noflag, ev_pending_noflag, ev_bool,
	};
	struct minivmm_irqchip chip = { .chip_id = MINIVMM_IRQCHIP_IOAPIC };
	struct minivmm_lapic_state lapic;
	struct guest g = { 0 }, plain = { 0 };
	size_t i;

	ASSERT_EQ(0, guest_open(&plain));
	/* Without an irqchip: ENXIO. */
	EXPECT_EQ(-1, ioctl(plain.vcpu, MINIVMM_GET_LAPIC, &lapic));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(plain.vcpu, MINIVMM_SET_LAPIC, &lapic));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(plain.vm, MINIVMM_GET_IRQCHIP, &chip));
	EXPECT_EQ(ENXIO, errno);
	guest_close(&plain);

	ASSERT_EQ(0, guest_open_irqchip(&g));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, events_set(g.vcpu, bad[i])) TH_LOG("case %zu", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("case %zu", i);
	}

	/* The PICs (chip 0 and 1) do not exist; pad must be 0. */
	chip.chip_id = 0;
	EXPECT_EQ(-1, ioctl(g.vm, MINIVMM_GET_IRQCHIP, &chip));
	EXPECT_EQ(EINVAL, errno);
	chip.chip_id = MINIVMM_IRQCHIP_IOAPIC;
	chip.pad = 1;
	EXPECT_EQ(-1, ioctl(g.vm, MINIVMM_GET_IRQCHIP, &chip));
	EXPECT_EQ(EINVAL, errno);
	chip.pad = 0;
	ASSERT_EQ(0, ioctl(g.vm, MINIVMM_GET_IRQCHIP, &chip));
	EXPECT_EQ(0, ioctl(g.vm, MINIVMM_SET_IRQCHIP, &chip)) TH_LOG("as read");

#define BAD_CHIP(stmt) do {						\
	struct minivmm_irqchip c = chip;				\
	stmt;								\
	EXPECT_EQ(-1, ioctl(g.vm, MINIVMM_SET_IRQCHIP, &c)) TH_LOG(#stmt); \
	EXPECT_EQ(EINVAL, errno) TH_LOG(#stmt);				\
} while (0)
	BAD_CHIP(c.chip.ioapic.base_address = 0xfec01000);
	BAD_CHIP(c.chip.ioapic.pad = 1);
	BAD_CHIP(c.chip.ioapic.irr = 1u << 24);
	BAD_CHIP(c.chip.ioapic.id = 1);
	BAD_CHIP(c.chip.ioapic.ioregsel = 0x100);
	BAD_CHIP(c.chip.ioapic.redirtbl[3] |= 1ULL << 20);	/* reserved */
	BAD_CHIP(c.chip.ioapic.redirtbl[3] |= 1ULL << 12);	/* delivery status */
	BAD_CHIP(c.chip.dummy[511] = 1);
	BAD_CHIP(c.chip_id = 1);
#undef BAD_CHIP
	guest_close(&g);
}

TEST_HARNESS_MAIN
