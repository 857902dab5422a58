// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the checks MINIVMM_SET_VCPU_EVENTS makes before it
 * changes anything (kmod/irqstate.c, mvm_vcpu_events_check()): what a
 * restore may ask for, and every field it must leave 0.
 */
#include <kunit/test.h>

#include "../minivmm.h"

#define VALID	(MINIVMM_VCPUEVENT_VALID_NMI_PENDING |			\
		 MINIVMM_VCPUEVENT_VALID_SHADOW)

static void events_accepted(struct kunit *test)
{
	struct minivmm_vcpu_events ev = { .flags = VALID };

	KUNIT_EXPECT_EQ(test, mvm_vcpu_events_check(&ev), 0);
	/* A #GP with its error code, NMIs blocked, one pending. */
	ev.exception.injected = 1;
	ev.exception.nr = 13;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = 0x10;
	ev.nmi.masked = 1;
	ev.nmi.pending = 1;
	KUNIT_EXPECT_EQ(test, mvm_vcpu_events_check(&ev), 0);
	/* An interrupt, with no shadow. */
	memset(&ev, 0, sizeof(ev));
	ev.interrupt.injected = 1;
	ev.interrupt.nr = 0x30;
	KUNIT_EXPECT_EQ(test, mvm_vcpu_events_check(&ev), 0);
	/* A shadow alone, with its flag. */
	memset(&ev, 0, sizeof(ev));
	ev.flags = MINIVMM_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = MINIVMM_SHADOW_STI;
	KUNIT_EXPECT_EQ(test, mvm_vcpu_events_check(&ev), 0);
}

static void events_refused(struct kunit *test)
{
	struct minivmm_vcpu_events ev;

#define REFUSED(stmt) do {						\
	memset(&ev, 0, sizeof(ev));					\
	ev.flags = VALID;						\
	stmt;								\
	KUNIT_EXPECT_EQ_MSG(test, mvm_vcpu_events_check(&ev), -EINVAL,	\
			    "%s", #stmt);				\
} while (0)

	REFUSED(ev.flags |= BIT(1));			/* SIPI vector: no */
	REFUSED(ev.flags |= BIT(3));			/* SMM: no */
	REFUSED(ev.sipi_vector = 1);
	REFUSED(ev.smi.smm = 1);
	REFUSED(ev.smi.latched_init = 1);
	REFUSED(ev.triple_fault.pending = 1);
	REFUSED(ev.reserved[25] = 1);
	REFUSED(ev.exception_has_payload = 1);
	REFUSED(ev.exception_payload = 1);
	REFUSED(ev.nmi.pad = 1);
	REFUSED(ev.interrupt.soft = 1);
	REFUSED(ev.nmi.masked = 2);
	/* Two events at once. */
	REFUSED(ev.exception.injected = 1; ev.nmi.injected = 1);
	REFUSED(ev.interrupt.injected = 1; ev.interrupt.nr = 0x30;
		ev.nmi.injected = 1);
	/* Exception vectors: 32 and up, NMI's, an error code #UD lacks. */
	REFUSED(ev.exception.injected = 1; ev.exception.nr = 32);
	REFUSED(ev.exception.injected = 1; ev.exception.nr = 2);
	REFUSED(ev.exception.injected = 1; ev.exception.nr = 6;
		ev.exception.has_error_code = 1);
	/* Leftovers of an exception that is not there. */
	REFUSED(ev.exception.nr = 13);
	REFUSED(ev.exception.error_code = 1);
	/* Interrupt vectors below 16; a vector without the interrupt. */
	REFUSED(ev.interrupt.injected = 1; ev.interrupt.nr = 15);
	REFUSED(ev.interrupt.nr = 0x30);
	/* A shadow with an interrupt: the entry would fail. */
	REFUSED(ev.interrupt.injected = 1; ev.interrupt.nr = 0x30;
		ev.interrupt.shadow = MINIVMM_SHADOW_STI);
	REFUSED(ev.nmi.injected = 1; ev.interrupt.shadow = MINIVMM_SHADOW_MOV_SS);
	REFUSED(ev.interrupt.shadow = 4);
	/* Fields without their flags. */
	REFUSED(ev.flags = 0; ev.interrupt.shadow = MINIVMM_SHADOW_STI);
	REFUSED(ev.flags = 0; ev.nmi.pending = 1);
#undef REFUSED
}

static struct kunit_case irqstate_cases[] = {
	KUNIT_CASE(events_accepted),
	KUNIT_CASE(events_refused),
	{}
};

static struct kunit_suite irqstate_suite = {
	.name = "minivmm_irqstate",
	.test_cases = irqstate_cases,
};
kunit_test_suite(irqstate_suite);
