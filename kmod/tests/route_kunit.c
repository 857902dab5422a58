// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for GSI routing (kmod/route.c): the default table (GSI n is
 * I/O APIC pin n), the table MINIVMM_SET_GSI_ROUTING builds from the VMM's
 * entries, and every entry it must refuse.  The VM is a zeroed struct: a
 * lookup reads only its routing table.  The MSI fields are written out
 * from the SDM (Vol. 3A 11.11) rather than taken from irq.c.
 */
#include <kunit/test.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../minivmm.h"

#define MSI_ADDR(dest)	(0xfee00000u | ((dest) << 12))

static struct minivmm_irq_routing_entry pin_entry(u32 gsi, u32 pin)
{
	struct minivmm_irq_routing_entry e = {
		.gsi = gsi,
		.type = MINIVMM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = MINIVMM_IRQCHIP_IOAPIC, .pin = pin },
	};

	return e;
}

static struct minivmm_irq_routing_entry msi_entry(u32 gsi, u32 addr, u32 data)
{
	struct minivmm_irq_routing_entry e = {
		.gsi = gsi,
		.type = MINIVMM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = addr, .data = data },
	};

	return e;
}

static struct mvm_vm *fake_vm(struct kunit *test)
{
	struct mvm_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vm);
	return vm;
}

/* Before any SET_GSI_ROUTING: the 24 pins, nothing else. */
static void route_default(struct kunit *test)
{
	struct mvm_vm *vm = fake_vm(test);
	struct mvm_route r;
	u32 gsi;

	for (gsi = 0; gsi < 24; gsi++) {
		memset(&r, 0xa5, sizeof(r));
		KUNIT_ASSERT_TRUE(test, mvm_route_lookup(vm, gsi, &r));
		KUNIT_EXPECT_EQ(test, r.type, (u32)MINIVMM_IRQ_ROUTING_IRQCHIP);
		KUNIT_EXPECT_EQ(test, r.pin, gsi);
		KUNIT_EXPECT_EQ(test, mvm_gsi_pin(vm, gsi), (int)gsi);
	}
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, 24, &r));
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, 1023, &r));
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, ~0u, &r));
	KUNIT_EXPECT_EQ(test, mvm_gsi_pin(vm, 24), -1);
}

/* A pin and an MSI, far apart: the table spans up to the highest GSI. */
static void route_build(struct kunit *test)
{
	struct minivmm_irq_routing_entry e[] = {
		msi_entry(1000, MSI_ADDR(3) | (1u << 2), 0x4041),
		pin_entry(5, 23),
		pin_entry(0, 0),
	};
	struct mvm_vm *vm = fake_vm(test);
	struct mvm_routing *t = NULL;
	struct mvm_route r;

	KUNIT_ASSERT_EQ(test, mvm_routing_build(e, ARRAY_SIZE(e), &t), 0);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->nr, 1001u);
	RCU_INIT_POINTER(vm->irq_routing, t);

	KUNIT_ASSERT_TRUE(test, mvm_route_lookup(vm, 5, &r));
	KUNIT_EXPECT_EQ(test, r.type, (u32)MINIVMM_IRQ_ROUTING_IRQCHIP);
	KUNIT_EXPECT_EQ(test, r.pin, 23u);
	KUNIT_ASSERT_TRUE(test, mvm_route_lookup(vm, 0, &r));
	KUNIT_EXPECT_EQ(test, r.pin, 0u);

	/*
	 * Address: destination 3, logical (bit 2).  Data 0x4041: vector
	 * 0x41, fixed, assert (bit 14), edge (bit 15 clear).
	 */
	KUNIT_ASSERT_TRUE(test, mvm_route_lookup(vm, 1000, &r));
	KUNIT_EXPECT_EQ(test, r.type, (u32)MINIVMM_IRQ_ROUTING_MSI);
	KUNIT_EXPECT_EQ(test, r.msi.vector, 0x41);
	KUNIT_EXPECT_EQ(test, r.msi.dest, 3u);
	KUNIT_EXPECT_TRUE(test, r.msi.logical);
	KUNIT_EXPECT_EQ(test, r.msi.delivery, MVM_DM_FIXED);
	KUNIT_EXPECT_FALSE(test, r.msi.level);
	KUNIT_EXPECT_EQ(test, mvm_gsi_pin(vm, 1000), -1);

	/* The table replaced the default: the other pins go nowhere now. */
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, 1, &r));
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, 999, &r));
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, 1001, &r));
	kvfree(t);
}

/* No entries: a table that routes nothing, not the default. */
static void route_build_empty(struct kunit *test)
{
	struct mvm_vm *vm = fake_vm(test);
	struct mvm_routing *t = NULL;
	struct mvm_route r;

	KUNIT_ASSERT_EQ(test, mvm_routing_build(NULL, 0, &t), 0);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->nr, 0u);
	RCU_INIT_POINTER(vm->irq_routing, t);
	KUNIT_EXPECT_FALSE(test, mvm_route_lookup(vm, 0, &r));
	kvfree(t);
}

/* Every rule of an entry, one broken at a time, next to a good entry. */
static void route_build_rejects(struct kunit *test)
{
	/* From the heap: 32 entries on the stack overflow KASAN's frame. */
	struct minivmm_irq_routing_entry *bad, e[2];
	struct mvm_routing *t;
	unsigned int i, n = 0;

	bad = kunit_kcalloc(test, 32, sizeof(*bad), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	bad[n] = pin_entry(1024, 0);			/* GSI out of range */
	n++;
	bad[n] = pin_entry(~0u, 0);
	n++;
	bad[n] = pin_entry(1, 24);			/* no such pin */
	n++;
	bad[n] = pin_entry(1, ~0u);
	n++;
	bad[n] = pin_entry(1, 1);			/* no PIC */
	bad[n].u.irqchip.irqchip = 0;
	n++;
	bad[n] = pin_entry(1, 1);
	bad[n].u.irqchip.irqchip = 1;
	n++;
	bad[n] = pin_entry(1, 1);
	bad[n].u.irqchip.irqchip = 3;
	n++;
	bad[n] = pin_entry(1, 1);			/* unknown types */
	bad[n].type = 0;
	n++;
	bad[n] = pin_entry(1, 1);
	bad[n].type = 3;
	n++;
	bad[n] = pin_entry(1, 1);
	bad[n].type = ~0u;
	n++;
	bad[n] = pin_entry(1, 1);			/* flags, pad */
	bad[n].flags = 1;
	n++;
	bad[n] = pin_entry(1, 1);
	bad[n].pad = 1;
	n++;
	bad[n] = pin_entry(1, 1);			/* union past irqchip */
	bad[n].u.pad[2] = 1;
	n++;
	bad[n] = pin_entry(1, 1);
	bad[n].u.pad[7] = 0x80000000;
	n++;
	bad[n] = msi_entry(1, MSI_ADDR(0), 0x40);	/* devid */
	bad[n].u.msi.devid = 1;
	n++;
	bad[n] = msi_entry(1, MSI_ADDR(0), 0x40);	/* union past msi */
	bad[n].u.pad[4] = 1;
	n++;
	bad[n] = msi_entry(1, 0xfed00000, 0x40);	/* outside the window */
	n++;
	bad[n] = msi_entry(1, 0, 0x40);
	n++;
	bad[n] = msi_entry(1, MSI_ADDR(0), 0x40);	/* extended dest id */
	bad[n].u.msi.address_hi = 1;
	n++;
	bad[n] = msi_entry(1, MSI_ADDR(0), 0x340);	/* delivery mode 3 */
	n++;

	for (i = 0; i < n; i++) {
		e[0] = pin_entry(0, 0);
		e[1] = bad[i];
		t = NULL;
		KUNIT_EXPECT_EQ_MSG(test, mvm_routing_build(e, 2, &t), -EINVAL,
				    "entry %u", i);
		KUNIT_EXPECT_NULL_MSG(test, t, "entry %u", i);
		if (t)
			kvfree(t);
	}

	/* One route per GSI, even the same one twice. */
	e[0] = pin_entry(7, 1);
	e[1] = pin_entry(7, 1);
	t = NULL;
	KUNIT_EXPECT_EQ(test, mvm_routing_build(e, 2, &t), -EINVAL);
	KUNIT_EXPECT_NULL(test, t);
	e[1] = msi_entry(7, MSI_ADDR(0), 0x40);
	KUNIT_EXPECT_EQ(test, mvm_routing_build(e, 2, &t), -EINVAL);
	KUNIT_EXPECT_NULL(test, t);
}

/* At most MVM_NR_GSIS entries, and exactly that many is fine. */
static void route_build_size(struct kunit *test)
{
	struct minivmm_irq_routing_entry *e;
	struct mvm_routing *t = NULL;
	u32 i;

	e = kunit_kcalloc(test, 1025, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	for (i = 0; i < 1024; i++)
		e[i] = msi_entry(1023 - i, MSI_ADDR(0), 0x20 + i % 200);
	KUNIT_ASSERT_EQ(test, mvm_routing_build(e, 1024, &t), 0);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->nr, 1024u);
	KUNIT_EXPECT_EQ(test, t->routes[0].msi.vector, 0x20 + 1023 % 200);
	kvfree(t);

	t = NULL;
	e[1024] = pin_entry(0, 0);
	KUNIT_EXPECT_EQ(test, mvm_routing_build(e, 1025, &t), -EINVAL);
	KUNIT_EXPECT_NULL(test, t);
}

static struct kunit_case route_cases[] = {
	KUNIT_CASE(route_default),
	KUNIT_CASE(route_build),
	KUNIT_CASE(route_build_empty),
	KUNIT_CASE(route_build_rejects),
	KUNIT_CASE(route_build_size),
	{}
};

static struct kunit_suite route_suite = {
	.name = "minivmm_route",
	.test_cases = route_cases,
};
kunit_test_suite(route_suite);
