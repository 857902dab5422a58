// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the I/O APIC model (kmod/ioapic.c): its reset state,
 * the redirection entry rules, the IOREGSEL/IOWIN window and what it does
 * with odd sizes and offsets, and the pin rules that need no vCPU to
 * observe (out-of-range pins, an edge on a masked pin, remote IRR).
 *
 * Each case gets a fabricated VM with an I/O APIC and no vCPU, so every
 * delivery the model attempts reaches nobody: irq.c's delivery on a VM
 * without vCPUs accepts nothing, and remote IRR must then stay clear.
 * The expected values are written out from the 82093AA datasheet (3.1,
 * 3.2) here rather than taken from ioapic.c's own definitions.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "../minivmm.h"

/* The window and the indirect registers (datasheet 3.1, 3.2). */
#define IOREGSEL	0x00
#define IOWIN		0x10
#define REG_ID		0x00
#define REG_VER		0x01
#define REG_ARB		0x02
#define RTE_LO(n)	(0x10 + 2 * (n))
#define RTE_HI(n)	(0x11 + 2 * (n))

/* Redirection entry bits (datasheet 3.2.4). */
#define RTE_DM(m)	((m) << 8)
#define RTE_LOGICAL	BIT(11)
#define RTE_DELIVS	BIT(12)
#define RTE_POLARITY	BIT(13)
#define RTE_RIRR	BIT(14)
#define RTE_LEVEL	BIT(15)
#define RTE_MASKED	BIT(16)

/* IOAPICVER: 24 entries (highest index 0x17), version 0x11. */
#define VER_VALUE	0x00170011u

static int ioapic_test_init(struct kunit *test)
{
	struct mvm_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	int r;

	if (!vm)
		return -ENOMEM;
	mutex_init(&vm->lock);
	mutex_lock(&vm->lock);		/* as irq.c calls it */
	r = mvm_ioapic_create(vm);
	mutex_unlock(&vm->lock);
	if (r)
		return r;
	test->priv = vm;
	return 0;
}

static void ioapic_test_exit(struct kunit *test)
{
	struct mvm_vm *vm = test->priv;

	mvm_ioapic_free(vm);
	mvm_ioapic_free(vm);		/* a second free finds NULL */
}

static bool mmio_write(struct mvm_vm *vm, unsigned int off, unsigned int len,
		       u64 val)
{
	return mvm_ioapic_mmio(vm, MVM_IOAPIC_BASE + off, len, true, &val);
}

/* A read that must be claimed; poisons the value first. */
static u64 mmio_read(struct kunit *test, unsigned int off, unsigned int len)
{
	u64 val = 0xdeadbeefdeadbeefULL;

	KUNIT_EXPECT_TRUE(test, mvm_ioapic_mmio(test->priv,
						MVM_IOAPIC_BASE + off, len,
						false, &val));
	return val;
}

static void reg_write(struct kunit *test, u32 reg, u32 val)
{
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOREGSEL, 4, reg));
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOWIN, 4, val));
}

static u64 reg_read(struct kunit *test, u32 reg)
{
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOREGSEL, 4, reg));
	return mmio_read(test, IOWIN, 4);
}

static struct mvm_ioapic *test_ioapic(struct kunit *test)
{
	return ((struct mvm_vm *)test->priv)->ioapic;
}

static void ioapic_reset(struct kunit *test)
{
	struct mvm_vm *vm = test->priv;
	struct mvm_ioapic *ioapic = vm->ioapic;
	int pin;

	KUNIT_ASSERT_NOT_NULL(test, ioapic);
	KUNIT_EXPECT_PTR_EQ(test, ioapic->vm, vm);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOREGSEL, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_VER), (u64)VER_VALUE);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), 0ULL);
	for (pin = 0; pin < MVM_IOAPIC_PINS; pin++) {
		KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(pin)),
				(u64)RTE_MASKED);
		KUNIT_EXPECT_EQ(test, reg_read(test, RTE_HI(pin)), 0ULL);
	}
	KUNIT_EXPECT_EQ(test, ioapic->line, 0u);
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);
}

/* IOAPICID bits 27:24 only; IOAPICVER and IOAPICARB are read-only. */
static void ioapic_id_registers(struct kunit *test)
{
	reg_write(test, REG_ID, 0xffffffff);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), 0x0f000000ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), 0x0f000000ULL);
	reg_write(test, REG_ID, 0x05000000);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), 0x05000000ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), 0x05000000ULL);

	reg_write(test, REG_VER, 0);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_VER), (u64)VER_VALUE);
	reg_write(test, REG_ARB, 0x0a000000);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ARB), 0x05000000ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, REG_ID), 0x05000000ULL);
}

static void ioapic_redir_write_rules(struct kunit *test)
{
	u64 reserved = GENMASK_ULL(55, 17);

	/* Low half: bits 16:0 but delivery status and remote IRR. */
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(RTE_MASKED, 0xffffffff,
						     false), 0x1afffULL);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(RTE_MASKED, 0, false),
			0ULL);
	/* The read-only bits keep the old value, set or clear. */
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(RTE_MASKED | RTE_RIRR |
						     RTE_DELIVS, 0, false),
			(u64)(RTE_RIRR | RTE_DELIVS));
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(RTE_RIRR, 0xffffffff,
						     false), 0x1efffULL);
	/* A low write keeps the destination ... */
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(0xab00000000010000ULL,
						     0x8031, false),
			0xab00000000008031ULL);
	/* ... a high write sets only it, bits 63:56, and keeps the low. */
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(0x1a041, 0xffffffff,
						     true),
			0xff0000000001a041ULL);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(RTE_RIRR | 0x30,
						     0x12345678, true),
			0x1200000000000000ULL | RTE_RIRR | 0x30);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(0x3400000000000000ULL,
						     0x00ffffff, true), 0ULL);
	/* Reserved bits read 0, whether written or already in @old. */
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(reserved | 0x30, 0, true),
			0x30ULL);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(reserved, 0x30, false),
			0x30ULL);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_redir_write(0, 0xfffe0030, false),
			0x30ULL);
}

static void ioapic_mmio_round_trip(struct kunit *test)
{
	struct mvm_ioapic *ioapic = test_ioapic(test);
	u32 lo = RTE_MASKED | RTE_LEVEL | RTE_LOGICAL | RTE_DM(1) | 0x41;

	/* Entries stay masked here: nothing is delivered. */
	reg_write(test, RTE_LO(5), lo);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(5)), (u64)lo);
	reg_write(test, RTE_HI(5), 0xa5ffffff);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_HI(5)), 0xa5000000ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(5)), (u64)lo);
	KUNIT_EXPECT_EQ(test, ioapic->redir[5], 0xa500000000000000ULL | lo);
	/* The neighbours are untouched. */
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(4)), (u64)RTE_MASKED);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_HI(4)), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(6)), (u64)RTE_MASKED);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_HI(6)), 0ULL);

	/* Delivery status and remote IRR cannot be written. */
	reg_write(test, RTE_LO(5), RTE_MASKED | RTE_DELIVS | RTE_RIRR |
		  RTE_POLARITY | 0x41);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(5)),
			(u64)(RTE_MASKED | RTE_POLARITY | 0x41));

	/* IOREGSEL keeps bits 7:0, and takes a byte write (3.0). */
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOREGSEL, 4,
					   0x12345611));
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOREGSEL, 4), 0x11ULL);
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOREGSEL, 1,
					   RTE_HI(5)));
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOREGSEL, 4), (u64)RTE_HI(5));
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN, 4), 0xa5000000ULL);

	/* The last entry, and the first register past it. */
	reg_write(test, RTE_HI(23), 0x77000000);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_HI(23)), 0x77000000ULL);
	KUNIT_EXPECT_EQ(test, ioapic->redir[23] >> 32, 0x77000000ULL);
	reg_write(test, RTE_LO(MVM_IOAPIC_PINS), 0x1234);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(MVM_IOAPIC_PINS)), 0ULL);
}

/* Outside the page, or a VM without an I/O APIC: not claimed. */
static void ioapic_mmio_not_claimed(struct kunit *test)
{
	struct mvm_vm *bare = kunit_kzalloc(test, sizeof(*bare), GFP_KERNEL);
	struct mvm_vm *vm = test->priv;
	static const u64 outside[] = {
		0, MVM_IOAPIC_BASE - 1, MVM_IOAPIC_BASE - 8,
		MVM_IOAPIC_BASE + MVM_IOAPIC_SIZE,
		MVM_IOAPIC_BASE + MVM_IOAPIC_SIZE + 0x10,
		MVM_APIC_DEFAULT_BASE, ~0ULL, ~0ULL - 3,
	};
	u64 val = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, bare);
	KUNIT_EXPECT_FALSE(test, mvm_ioapic_mmio(bare, MVM_IOAPIC_BASE, 4,
						 false, &val));
	KUNIT_EXPECT_FALSE(test, mvm_ioapic_mmio(bare, MVM_IOAPIC_BASE, 4,
						 true, &val));
	for (i = 0; i < ARRAY_SIZE(outside); i++) {
		u64 gpa = outside[i];

		KUNIT_EXPECT_FALSE(test, mvm_ioapic_mmio(vm, gpa, 4, false,
							 &val));
		KUNIT_EXPECT_FALSE(test, mvm_ioapic_mmio(vm, gpa, 4, true,
							 &val));
	}
	/* The page's last byte is the I/O APIC's, whatever the length. */
	KUNIT_EXPECT_EQ(test, mmio_read(test, MVM_IOAPIC_SIZE - 1, 8), 0ULL);
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, MVM_IOAPIC_SIZE - 1, 8,
					   ~0ULL));
	/* An EOI on a VM without an I/O APIC does nothing. */
	mvm_ioapic_eoi(bare, 0x30);
}

/* Sizes other than 4 and offsets other than 0x00 and 0x10. */
static void ioapic_mmio_sizes_offsets(struct kunit *test)
{
	static const unsigned int offs[] = {
		0x01, 0x04, 0x08, 0x0c, 0x11, 0x14, 0x20, 0x40, 0x100,
		0xff0, 0xffc, 0xfff,
	};
	static const unsigned int lens[] = { 0, 1, 2, 3, 4, 8, 16 };
	struct mvm_ioapic *ioapic = test_ioapic(test);
	u32 lo = RTE_MASKED | RTE_LEVEL | RTE_LOGICAL | 0x31;
	u64 redir[MVM_IOAPIC_PINS];
	int i, j;

	reg_write(test, RTE_LO(2), lo);
	reg_write(test, RTE_HI(2), 0x12000000);

	/* Reads give the register's bytes from the offset on. */
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(2)), (u64)lo);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN, 1), 0x31ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN, 2), 0x8831ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN, 8), (u64)lo);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN + 1, 1), 0x88ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN + 2, 2), 0x0001ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN, 16), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_HI(2)), 0x12000000ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN + 3, 1), 0x12ULL);
	/* Bytes past the register's dword read 0. */
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOWIN + 3, 4), 0x12ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOREGSEL, 8), (u64)RTE_HI(2));
	KUNIT_EXPECT_EQ(test, mmio_read(test, IOREGSEL + 1, 1), 0ULL);

	/* Partial writes of IOWIN are ignored ... */
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOREGSEL, 4,
					   RTE_LO(2)));
	for (j = 0; j < ARRAY_SIZE(lens); j++) {
		if (lens[j] == 4 || lens[j] == 8)
			continue;
		KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOWIN, lens[j],
						   RTE_MASKED));
		KUNIT_EXPECT_EQ(test, ioapic->redir[2],
				0x1200000000000000ULL | lo);
	}
	/* ... a qword one writes the low dword into IOWIN. */
	KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, IOWIN, 8,
					   0x0000000500000000ULL | lo | 1));
	KUNIT_EXPECT_EQ(test, ioapic->redir[2],
			0x1200000000000000ULL | lo | 1);

	/*
	 * Elsewhere writes change nothing, and reads are 0 but at 0x11,
	 * inside IOWIN, which gives its bytes from there on for a length
	 * of 1 to 8.
	 */
	memcpy(redir, ioapic->redir, sizeof(redir));
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < ARRAY_SIZE(lens); j++) {
			u64 want = 0;

			if (offs[i] == IOWIN + 1 && lens[j] && lens[j] <= 8)
				want = ((lo | 1ULL) >> 8) &
				       GENMASK_ULL(lens[j] * 8 - 1, 0);
			KUNIT_EXPECT_EQ(test, mmio_read(test, offs[i], lens[j]),
					want);
			KUNIT_EXPECT_TRUE(test, mmio_write(test->priv, offs[i],
							   lens[j], ~0ULL));
		}
	}
	KUNIT_EXPECT_EQ(test, ioapic->ioregsel, (u32)RTE_LO(2));
	KUNIT_EXPECT_EQ(test, ioapic->id, 0u);
	KUNIT_EXPECT_EQ(test, memcmp(redir, ioapic->redir, sizeof(redir)), 0);

	/* Registers that do not exist: read 0, writes ignored. */
	reg_write(test, 0x03, ~0u);
	reg_write(test, 0x0f, ~0u);
	reg_write(test, 0x40, ~0u);
	reg_write(test, 0xff, ~0u);
	KUNIT_EXPECT_EQ(test, reg_read(test, 0x03), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, 0x0f), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, 0x40), 0ULL);
	KUNIT_EXPECT_EQ(test, reg_read(test, 0xff), 0ULL);
	KUNIT_EXPECT_EQ(test, ioapic->id, 0u);
	KUNIT_EXPECT_EQ(test, memcmp(redir, ioapic->redir, sizeof(redir)), 0);
}

static void ioapic_redir_irq_decode(struct kunit *test)
{
	struct mvm_irq irq;

	memset(&irq, 0xff, sizeof(irq));
	mvm_ioapic_redir_irq(0xa500000000000000ULL | RTE_MASKED | RTE_LEVEL |
			     RTE_LOGICAL | RTE_DM(1) | 0x41, &irq);
	KUNIT_EXPECT_EQ(test, irq.dest, 0xa5u);
	KUNIT_EXPECT_EQ(test, irq.vector, 0x41);
	KUNIT_EXPECT_EQ(test, irq.delivery, MVM_DM_LOWEST);
	KUNIT_EXPECT_EQ(test, irq.shorthand, MVM_SH_NONE);
	KUNIT_EXPECT_TRUE(test, irq.logical);
	KUNIT_EXPECT_TRUE(test, irq.level);

	memset(&irq, 0xff, sizeof(irq));
	mvm_ioapic_redir_irq(0x0300000000000000ULL | RTE_DM(4), &irq);
	KUNIT_EXPECT_EQ(test, irq.dest, 3u);
	KUNIT_EXPECT_EQ(test, irq.vector, 0);
	KUNIT_EXPECT_EQ(test, irq.delivery, MVM_DM_NMI);
	KUNIT_EXPECT_EQ(test, irq.shorthand, MVM_SH_NONE);
	KUNIT_EXPECT_FALSE(test, irq.logical);
	KUNIT_EXPECT_FALSE(test, irq.level);

	/* Mask, polarity, status and reserved bits do not leak in. */
	memset(&irq, 0, sizeof(irq));
	mvm_ioapic_redir_irq((GENMASK_ULL(55, 12) & ~(u64)RTE_LEVEL) | 0x7ff,
			     &irq);
	KUNIT_EXPECT_EQ(test, irq.dest, 0u);
	KUNIT_EXPECT_EQ(test, irq.vector, 0xff);
	KUNIT_EXPECT_EQ(test, irq.delivery, MVM_DM_EXTINT);
	KUNIT_EXPECT_FALSE(test, irq.logical);
	KUNIT_EXPECT_FALSE(test, irq.level);
}

static void ioapic_pin_range(struct kunit *test)
{
	struct mvm_ioapic *ioapic = test_ioapic(test);

	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, MVM_IOAPIC_PINS, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 32, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, ~0u, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ioapic->line, 0u);

	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 23, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)BIT(23));
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)(BIT(23) | BIT(0)));
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 23, 0), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)BIT(0));
}

/* The 82093AA neither delivers nor holds an edge on a masked pin. */
static void ioapic_edge_masked_dropped(struct kunit *test)
{
	struct mvm_ioapic *ioapic = test_ioapic(test);

	reg_write(test, RTE_LO(3), RTE_MASKED | 0x33);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 3, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)BIT(3));
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);

	reg_write(test, RTE_LO(3), 0x33);
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(3)), 0x33ULL);
	/* Still high: no new edge, nothing recorded. */
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 3, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)BIT(3));
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 3, 0), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, 0u);
}

/*
 * A level pin asserted while masked fires when unmasked; with no vCPU to
 * accept it, remote IRR stays clear and the line stays pending.
 */
static void ioapic_level_unmask(struct kunit *test)
{
	struct mvm_ioapic *ioapic = test_ioapic(test);

	reg_write(test, RTE_LO(9), RTE_MASKED | RTE_LEVEL | 0x39);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 9, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)BIT(9));
	KUNIT_EXPECT_EQ(test, ioapic->irr, (u32)BIT(9));

	reg_write(test, RTE_LO(9), RTE_LEVEL | 0x39);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(9)),
			(u64)(RTE_LEVEL | 0x39));
	KUNIT_EXPECT_EQ(test, ioapic->irr, (u32)BIT(9));
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 9, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->redir[9] & RTE_RIRR, 0ULL);

	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 9, 0), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, 0u);
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);

	/* Level NMI behaves as edge (datasheet 3.2.4): nothing held. */
	reg_write(test, RTE_LO(10), RTE_MASKED | RTE_LEVEL | RTE_DM(4));
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 10, 1), 0);
	KUNIT_EXPECT_EQ(test, ioapic->line, (u32)BIT(10));
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);
	/* A pin made level while asserted samples its line. */
	reg_write(test, RTE_LO(10), RTE_MASKED | RTE_LEVEL | 0x3a);
	KUNIT_EXPECT_EQ(test, ioapic->irr, (u32)BIT(10));
	/* And made edge, holds nothing. */
	reg_write(test, RTE_LO(10), RTE_MASKED | 0x3a);
	KUNIT_EXPECT_EQ(test, ioapic->irr, 0u);
}

/* Remote IRR is set by hand here: no vCPU can accept a message. */
static void ioapic_eoi(struct kunit *test)
{
	struct mvm_ioapic *ioapic = test_ioapic(test);

	reg_write(test, RTE_LO(4), RTE_LEVEL | 0x44);
	reg_write(test, RTE_LO(5), RTE_LEVEL | 0x45);
	reg_write(test, RTE_LO(6), RTE_MASKED | RTE_LEVEL | 0x44);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 6, 1), 0);
	ioapic->redir[4] |= RTE_RIRR;
	ioapic->redir[5] |= RTE_RIRR;
	ioapic->redir[6] |= RTE_RIRR;
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(4)),
			(u64)(RTE_RIRR | RTE_LEVEL | 0x44));

	/* Both entries with the vector lose it; the other keeps it. */
	mvm_ioapic_eoi(test->priv, 0x44);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(4)),
			(u64)(RTE_LEVEL | 0x44));
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(6)),
			(u64)(RTE_MASKED | RTE_LEVEL | 0x44));
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(5)),
			(u64)(RTE_RIRR | RTE_LEVEL | 0x45));
	KUNIT_EXPECT_EQ(test, ioapic->irr, (u32)BIT(6));

	/* Asserted and unmasked: fires again at once, nobody accepts. */
	reg_write(test, RTE_LO(7), RTE_LEVEL | 0x47);
	KUNIT_EXPECT_EQ(test, mvm_ioapic_set_irq(ioapic, 7, 1), 0);
	ioapic->redir[7] |= RTE_RIRR;
	mvm_ioapic_eoi(test->priv, 0x47);
	KUNIT_EXPECT_EQ(test, ioapic->redir[7] & RTE_RIRR, 0ULL);
	KUNIT_EXPECT_EQ(test, ioapic->irr, (u32)(BIT(6) | BIT(7)));
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(5)),
			(u64)(RTE_RIRR | RTE_LEVEL | 0x45));
}

/* Remote IRR means nothing on an edge entry (3.2.4): it goes. */
static void ioapic_edge_clears_remote_irr(struct kunit *test)
{
	struct mvm_ioapic *ioapic = test_ioapic(test);

	reg_write(test, RTE_LO(8), RTE_MASKED | RTE_LEVEL | 0x48);
	ioapic->redir[8] |= RTE_RIRR;
	/* Still level: the read-only bit stays. */
	reg_write(test, RTE_LO(8), RTE_MASKED | RTE_LEVEL | 0x58);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(8)),
			(u64)(RTE_MASKED | RTE_RIRR | RTE_LEVEL | 0x58));
	reg_write(test, RTE_HI(8), 0x01000000);
	KUNIT_EXPECT_EQ(test, ioapic->redir[8] & RTE_RIRR, (u64)RTE_RIRR);
	reg_write(test, RTE_LO(8), RTE_MASKED | 0x58);
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(8)),
			(u64)(RTE_MASKED | 0x58));

	/* A level NMI is an edge too. */
	reg_write(test, RTE_LO(11), RTE_MASKED | RTE_LEVEL | 0x4b);
	ioapic->redir[11] |= RTE_RIRR;
	reg_write(test, RTE_LO(11), RTE_MASKED | RTE_LEVEL | RTE_DM(4));
	KUNIT_EXPECT_EQ(test, reg_read(test, RTE_LO(11)),
			(u64)(RTE_MASKED | RTE_LEVEL | RTE_DM(4)));
}

static struct kunit_case ioapic_cases[] = {
	KUNIT_CASE(ioapic_reset),
	KUNIT_CASE(ioapic_id_registers),
	KUNIT_CASE(ioapic_redir_write_rules),
	KUNIT_CASE(ioapic_mmio_round_trip),
	KUNIT_CASE(ioapic_mmio_not_claimed),
	KUNIT_CASE(ioapic_mmio_sizes_offsets),
	KUNIT_CASE(ioapic_redir_irq_decode),
	KUNIT_CASE(ioapic_pin_range),
	KUNIT_CASE(ioapic_edge_masked_dropped),
	KUNIT_CASE(ioapic_level_unmask),
	KUNIT_CASE(ioapic_eoi),
	KUNIT_CASE(ioapic_edge_clears_remote_irr),
	{}
};

static struct kunit_suite ioapic_suite = {
	.name = "minivmm_ioapic",
	.init = ioapic_test_init,
	.exit = ioapic_test_exit,
	.test_cases = ioapic_cases,
};
kunit_test_suite(ioapic_suite);
