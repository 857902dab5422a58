// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the local APIC's register model (kmod/lapic.c), its
 * timer arithmetic (kmod/timer.c) and the MSI decode (kmod/irq.c), on
 * fabricated register pages: priorities and the vector the CPU takes,
 * acknowledge and EOI, the TPR rules, IA32_APIC_BASE mode changes,
 * destination matching, the divide register, counts and nanoseconds, the
 * TSC-deadline conversion and the periodic floor.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../minivmm.h"

static void set_vec(u8 *regs, unsigned int base, u8 vec)
{
	unsigned int off = base + (vec / 32) * 0x10;

	mvm_apic_set_reg(regs, off, mvm_apic_reg(regs, off) | BIT(vec % 32));
}

static u8 *page(struct kunit *test)
{
	u8 *regs = kunit_kzalloc(test, MVM_APIC_REGS_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, regs);
	return regs;
}

/* The highest set bit of the 256-bit IRR/ISR, across the 8 registers. */
static void lapic_highest(struct kunit *test)
{
	u8 *regs = page(test);

	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_IRR), -1);
	set_vec(regs, MVM_APIC_IRR, 0x31);
	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_IRR), 0x31);
	set_vec(regs, MVM_APIC_IRR, 0xfe);
	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_IRR), 0xfe);
	set_vec(regs, MVM_APIC_IRR, 0x20);
	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_IRR), 0xfe);
	/* ISR is a different register: still empty. */
	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_ISR), -1);
}

/* PPR: the TPR, or the in-service class when that is higher (11.8.3.1). */
static void lapic_ppr(struct kunit *test)
{
	u8 *regs = page(test);

	KUNIT_EXPECT_EQ(test, mvm_apic_ppr(regs), 0u);
	mvm_apic_set_reg(regs, MVM_APIC_TPR, 0x35);
	KUNIT_EXPECT_EQ(test, mvm_apic_ppr(regs), 0x35u);
	set_vec(regs, MVM_APIC_ISR, 0x31);	/* same class: the TPR */
	KUNIT_EXPECT_EQ(test, mvm_apic_ppr(regs), 0x35u);
	set_vec(regs, MVM_APIC_ISR, 0x51);	/* higher class: its class */
	KUNIT_EXPECT_EQ(test, mvm_apic_ppr(regs), 0x50u);
}

/* Deliverable: the highest IRR vector whose class is above the PPR's. */
static void lapic_deliverable(struct kunit *test)
{
	u8 *regs = page(test);

	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), -1);
	set_vec(regs, MVM_APIC_IRR, 0x41);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), 0x41);
	/* TPR in the same class blocks it (class must be above). */
	mvm_apic_set_reg(regs, MVM_APIC_TPR, 0x40);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), -1);
	KUNIT_EXPECT_TRUE(test, mvm_apic_tpr_blocks(regs));
	mvm_apic_set_reg(regs, MVM_APIC_TPR, 0x3f);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), 0x41);
	KUNIT_EXPECT_FALSE(test, mvm_apic_tpr_blocks(regs));
	/* An in-service vector of the same class blocks it too ... */
	mvm_apic_set_reg(regs, MVM_APIC_TPR, 0);
	set_vec(regs, MVM_APIC_ISR, 0x42);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), -1);
	/* ... but that is not the TPR's doing. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_tpr_blocks(regs));
	/* A higher class goes through. */
	set_vec(regs, MVM_APIC_IRR, 0x50);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), 0x50);
}

/* Acknowledge moves IRR to ISR; EOI retires the highest in service. */
static void lapic_ack_eoi(struct kunit *test)
{
	u8 *regs = page(test);

	set_vec(regs, MVM_APIC_IRR, 0x40);
	set_vec(regs, MVM_APIC_IRR, 0x60);
	mvm_apic_ack_vector(regs, 0x60);
	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_IRR), 0x40);
	KUNIT_EXPECT_EQ(test, mvm_apic_highest(regs, MVM_APIC_ISR), 0x60);
	KUNIT_EXPECT_EQ(test, mvm_apic_reg(regs, MVM_APIC_PPR), 0x60u);
	/* 0x40 waits for the EOI of 0x60. */
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), -1);
	/* A higher one preempts: nested in service. */
	set_vec(regs, MVM_APIC_IRR, 0x80);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), 0x80);
	mvm_apic_ack_vector(regs, 0x80);
	/* EOIs come back out in priority order. */
	KUNIT_EXPECT_EQ(test, mvm_apic_eoi_vector(regs), 0x80);
	KUNIT_EXPECT_EQ(test, mvm_apic_reg(regs, MVM_APIC_PPR), 0x60u);
	KUNIT_EXPECT_EQ(test, mvm_apic_eoi_vector(regs), 0x60);
	KUNIT_EXPECT_EQ(test, mvm_apic_reg(regs, MVM_APIC_PPR), 0u);
	KUNIT_EXPECT_EQ(test, mvm_apic_deliverable(regs), 0x40);
	/* Nothing in service: an EOI does nothing. */
	KUNIT_EXPECT_EQ(test, mvm_apic_eoi_vector(regs), -1);
}

/* IA32_APIC_BASE transitions, SDM Vol. 3A Figure 11-27. */
static void lapic_base_modes(struct kunit *test)
{
	u64 xapic = MVM_APIC_DEFAULT_BASE | MVM_APIC_BASE_ENABLE;
	u64 x2 = xapic | MVM_APIC_BASE_EXTD;
	u64 off = MVM_APIC_DEFAULT_BASE;

	KUNIT_EXPECT_TRUE(test, mvm_apic_base_change_ok(xapic, x2, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_change_ok(x2, off, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_change_ok(xapic, off, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_change_ok(off, xapic, 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_change_ok(x2, x2, 46));
	/* x2APIC back to xAPIC without a disable: invalid. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_change_ok(x2, xapic, 46));
	/* Disabled straight to x2APIC: invalid. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_change_ok(off, x2, 46));
	/* EXTD without EN: invalid in any state. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_change_ok(xapic,
				 off | MVM_APIC_BASE_EXTD, 46));
	/* Reserved bits and a base beyond MAXPHYADDR. */
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_change_ok(xapic, xapic | BIT(9),
							 46));
	KUNIT_EXPECT_FALSE(test, mvm_apic_base_change_ok(xapic,
				 xapic | BIT_ULL(46), 46));
	KUNIT_EXPECT_TRUE(test, mvm_apic_base_change_ok(xapic,
				 xapic | BIT_ULL(45), 46));
}

static struct mvm_lapic *fake_apic(struct kunit *test, u32 id, bool x2,
				   u32 ldr, u32 dfr)
{
	struct mvm_lapic *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	spin_lock_init(&a->lock);
	a->base = MVM_APIC_DEFAULT_BASE | MVM_APIC_BASE_ENABLE |
		  (x2 ? MVM_APIC_BASE_EXTD : 0);
	mvm_apic_set_reg(a->regs, MVM_APIC_ID, x2 ? id : id << 24);
	mvm_apic_set_reg(a->regs, MVM_APIC_LDR, ldr);
	mvm_apic_set_reg(a->regs, MVM_APIC_DFR, dfr);
	return a;
}

/* Destinations, SDM Vol. 3A 11.6.2 and 11.12.10. */
static void lapic_match(struct kunit *test)
{
	struct mvm_lapic *flat = fake_apic(test, 3, false, 0x04u << 24, ~0u);
	struct mvm_lapic *cl = fake_apic(test, 3, false, 0x21u << 24,
					 0x0fffffff);
	struct mvm_lapic *x2 = fake_apic(test, 0x23, true, (2 << 16) | BIT(3),
					 0);
	struct mvm_irq irq = { .dest = 3 };

	/* Physical: the id, or the broadcast id of the mode. */
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(flat, &irq, NULL));
	irq.dest = 4;
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(flat, &irq, NULL));
	irq.dest = 0xff;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(flat, &irq, NULL));
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(x2, &irq, NULL));
	irq.dest = 0xffffffff;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(x2, &irq, NULL));
	irq.dest = 0x23;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(x2, &irq, NULL));

	/* Logical flat: any common bit of the 8-bit mask. */
	irq.logical = true;
	irq.dest = 0x0c;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(flat, &irq, NULL));
	irq.dest = 0x08;
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(flat, &irq, NULL));
	/* Logical cluster: same cluster (7:4) and a common bit (3:0). */
	irq.dest = 0x23;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(cl, &irq, NULL));
	irq.dest = 0x31;
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(cl, &irq, NULL));
	/* x2APIC logical: cluster 31:16, mask 15:0. */
	irq.dest = (2 << 16) | BIT(3) | BIT(0);
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(x2, &irq, NULL));
	irq.dest = (1 << 16) | BIT(3);
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(x2, &irq, NULL));

	/* Shorthands ignore the destination. */
	irq.dest = 0;
	irq.shorthand = MVM_SH_SELF;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(flat, &irq, flat));
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(flat, &irq, cl));
	irq.shorthand = MVM_SH_ALL_BUT_SELF;
	KUNIT_EXPECT_FALSE(test, mvm_lapic_match(flat, &irq, flat));
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(cl, &irq, flat));
	irq.shorthand = MVM_SH_ALL;
	KUNIT_EXPECT_TRUE(test, mvm_lapic_match(flat, &irq, flat));
}

/* TDCR (SDM Figure 11-10) and the 1 GHz count. */
static void lapic_timer_math(struct kunit *test)
{
	static const struct { u32 tdcr; unsigned int div; } t[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_EXPECT_EQ(test, mvm_apic_divisor(t[i].tdcr), t[i].div);
		/* Bit 2 is reserved and ignored. */
		KUNIT_EXPECT_EQ(test, mvm_apic_divisor(t[i].tdcr | 4),
				t[i].div);
	}
	KUNIT_EXPECT_EQ(test, mvm_apic_count_ns(1000000, 0xb), 1000000ULL);
	KUNIT_EXPECT_EQ(test, mvm_apic_count_ns(1000, 0x3), 16000ULL);
	KUNIT_EXPECT_EQ(test, mvm_apic_count_ns(U32_MAX, 0xa),
			(u64)U32_MAX * 128);
	KUNIT_EXPECT_EQ(test, mvm_apic_ns_count(16000, 0x3), 1000u);
	/* A partial count rounds up: a live timer never reads 0. */
	KUNIT_EXPECT_EQ(test, mvm_apic_ns_count(1, 0x3), 1u);
	KUNIT_EXPECT_EQ(test, mvm_apic_ns_count(0, 0x3), 0u);
	KUNIT_EXPECT_EQ(test, mvm_apic_ns_count(~0ULL, 0xb), U32_MAX);

	/* The periodic floor: 200 us, as KVM. */
	KUNIT_EXPECT_EQ(test, mvm_apic_period_clamp(1), 200000ULL);
	KUNIT_EXPECT_EQ(test, mvm_apic_period_clamp(1000000), 1000000ULL);
}

/* TSC ticks to nanoseconds at the host's rate, without overflow. */
static void lapic_tsc_deadline_math(struct kunit *test)
{
	/* 2 GHz: 2 ticks a nanosecond. */
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(2000000, 2000000), 1000000ULL);
	/* 2.5 GHz. */
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(2500, 2500000), 1000ULL);
	/* Far deadlines are capped, not wrapped. */
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(~0ULL, 1000000),
			100ULL * 365 * 24 * 3600 * NSEC_PER_SEC);
	KUNIT_EXPECT_GT(test, mvm_tsc_delta_ns(1ULL << 60, 3000000),
			mvm_tsc_delta_ns(1ULL << 59, 3000000));
	/*
	 * A rate above 5.8 GHz once wrapped the cap's threshold: all 2^64
	 * ticks at 6 GHz are 97 years, under the cap, and exact.
	 */
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(~0ULL, 6000000),
			3074457345618258602ULL);
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(6000, 6000000), 1000ULL);
	/* 1e18 ticks at 6 GHz: 1.67e17 ns, well below the cap. */
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(1000000000000000000ULL, 6000000),
			166666666666666666ULL);
	/* An unknown TSC rate counts ticks as nanoseconds. */
	KUNIT_EXPECT_EQ(test, mvm_tsc_delta_ns(1234, 0), 1234ULL);

	/*
	 * The wait for a deadline: none once the TSC reached it, else
	 * rounded up so truncation never fires early (3 ticks at 2 GHz
	 * are 1.5 ns: wait 2).
	 */
	KUNIT_EXPECT_EQ(test, mvm_tsc_deadline_wait_ns(100, 100, 2000000), 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_tsc_deadline_wait_ns(100, 101, 2000000), 0ULL);
	KUNIT_EXPECT_EQ(test, mvm_tsc_deadline_wait_ns(103, 100, 2000000), 2ULL);
	KUNIT_EXPECT_EQ(test, mvm_tsc_deadline_wait_ns(2000100, 100, 2000000),
			1000001ULL);
}

/* MSI address/data (SDM Vol. 3A 11.11). */
static void lapic_msi(struct kunit *test)
{
	struct mvm_irq irq;

	KUNIT_EXPECT_EQ(test, mvm_msi_to_irq(0xfee03004, 0, 0x8441, &irq), 0);
	KUNIT_EXPECT_EQ(test, irq.dest, 3u);
	KUNIT_EXPECT_TRUE(test, irq.logical);
	KUNIT_EXPECT_EQ(test, irq.vector, 0x41);
	KUNIT_EXPECT_EQ(test, irq.delivery, MVM_DM_NMI);
	KUNIT_EXPECT_TRUE(test, irq.level);
	KUNIT_EXPECT_EQ(test, irq.shorthand, MVM_SH_NONE);
	/* Outside the window, an extended destination, mode 3. */
	KUNIT_EXPECT_EQ(test, mvm_msi_to_irq(0xfed00000, 0, 0x41, &irq),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_msi_to_irq(0xfee00000, 1, 0x41, &irq),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_msi_to_irq(0xfee00000, 0, 0x341, &irq),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_msi_to_irq(0xfee00000, 0, 0x641, &irq),
			-EINVAL);
}

static struct kunit_case lapic_cases[] = {
	KUNIT_CASE(lapic_highest),
	KUNIT_CASE(lapic_ppr),
	KUNIT_CASE(lapic_deliverable),
	KUNIT_CASE(lapic_ack_eoi),
	KUNIT_CASE(lapic_base_modes),
	KUNIT_CASE(lapic_match),
	KUNIT_CASE(lapic_timer_math),
	KUNIT_CASE(lapic_tsc_deadline_math),
	KUNIT_CASE(lapic_msi),
	{}
};

static struct kunit_suite lapic_suite = {
	.name = "minivmm_lapic",
	.test_cases = lapic_cases,
};
kunit_test_suite(lapic_suite);
