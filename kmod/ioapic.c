// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC of the in-kernel irqchip: one per VM, 24 pins, modelled on
 * the Intel 82093AA (datasheet 290566, "82093AA I/O Advanced Programmable
 * Interrupt Controller (IOAPIC)").
 *
 * Userspace drives the pins (MINIVMM_IRQ_LINE, through irq.c); the guest
 * programs the redirection table through two memory-mapped registers at
 * MVM_IOAPIC_BASE; a pin that fires becomes an interrupt message
 * (struct mvm_irq) that irq.c hands to the local APICs it names.  Delivery
 * is synchronous, under the I/O APIC's lock, so nothing is ever "send
 * pending" and the delivery status bit always reads 0.
 *
 * Level-triggered pins use the remote IRR handshake of datasheet 3.2.4: an
 * accepted message sets it, the pin does not fire again until a local APIC
 * reports an EOI for the entry's vector (mvm_ioapic_eoi()), and if the line
 * is still asserted then, it fires again at once.
 *
 * Not modelled: the pin polarity bit (stored and read back; the level that
 * userspace gives is the logical "asserted" level, polarity already
 * applied, as KVM's ABI has it), the EOI register of the version 0x20 I/O
 * APICs (this is a version 0x11 part: EOIs come from the local APICs'
 * broadcasts only), and edges on masked pins, which the 82093AA drops and
 * so does this model.
 *
 * The register rules are pure functions (mvm_ioapic_redir_write(),
 * mvm_ioapic_redir_irq()) tested with the rest by tests/ioapic_kunit.c.
 * Documentation/irq.rst describes the model.
 */
#include <linux/bits.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "minivmm.h"

/*
 * The two directly addressed registers (datasheet 3.1): IOREGSEL selects
 * an indirect register with bits 7:0, IOWIN reads or writes it.
 */
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10
#define IOAPIC_IOREGSEL_MASK	0xffu

/* The indirect registers (datasheet 3.2, Table 2). */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDIR	0x10	/* 0x10 + 2n low, 0x11 + 2n high */
#define IOAPIC_REG_REDIR_END	(IOAPIC_REG_REDIR + 2 * MVM_IOAPIC_PINS)

/* IOAPICID and IOAPICARB bits 27:24 (3.2.1, 3.2.3). */
#define IOAPIC_ID_MASK		GENMASK(27, 24)

/*
 * IOAPICVER (3.2.2): version 0x11 in bits 7:0, the highest redirection
 * entry's index (pins - 1) in bits 23:16.
 */
#define IOAPIC_VERSION		0x11
#define IOAPIC_VER_VALUE	(((MVM_IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION)

/* A redirection table entry (3.2.4). */
#define REDIR_VECTOR		GENMASK_ULL(7, 0)
#define REDIR_DM_SHIFT		8
#define REDIR_DM		GENMASK_ULL(10, 8)
#define REDIR_LOGICAL		BIT_ULL(11)
#define REDIR_DELIVS		BIT_ULL(12)	/* read-only */
#define REDIR_POLARITY		BIT_ULL(13)	/* stored, not applied */
#define REDIR_REMOTE_IRR	BIT_ULL(14)	/* read-only */
#define REDIR_LEVEL		BIT_ULL(15)
#define REDIR_MASKED		BIT_ULL(16)
#define REDIR_DEST_SHIFT	56
#define REDIR_DEST		GENMASK_ULL(63, 56)

#define REDIR_RO		(REDIR_DELIVS | REDIR_REMOTE_IRR)
#define REDIR_RW_LOW		(GENMASK_ULL(16, 0) & ~REDIR_RO)
#define REDIR_RW_HIGH		REDIR_DEST
/* Bits 55:17 are reserved and read 0. */
#define REDIR_IMPLEMENTED	(REDIR_RW_LOW | REDIR_RO | REDIR_RW_HIGH)

/*
 * A 32-bit guest write to the low (@high false) or high half of a
 * redirection entry @old: the written half's read/write bits take @val,
 * the read-only bits (delivery status, remote IRR) and the other half stay
 * as they were, and the reserved bits are 0 whatever @old held.
 */
u64 mvm_ioapic_redir_write(u64 old, u32 val, bool high)
{
	u64 rw = high ? REDIR_RW_HIGH : REDIR_RW_LOW;
	u64 v = high ? (u64)val << 32 : val;

	return ((old & ~rw) | (v & rw)) & REDIR_IMPLEMENTED;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_redir_write);

/*
 * The interrupt message an entry sends (datasheet 3.2.4): an 8-bit
 * destination, physical or logical, never a shorthand (those exist only
 * in the local APIC's ICR).
 */
void mvm_ioapic_redir_irq(u64 redir, struct mvm_irq *irq)
{
	irq->dest = (redir & REDIR_DEST) >> REDIR_DEST_SHIFT;
	irq->vector = redir & REDIR_VECTOR;
	irq->delivery = (redir & REDIR_DM) >> REDIR_DM_SHIFT;
	irq->shorthand = MVM_SH_NONE;
	irq->logical = !!(redir & REDIR_LOGICAL);
	irq->level = !!(redir & REDIR_LEVEL);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_redir_irq);

/*
 * Whether an entry behaves as level-triggered.  Only fixed and
 * lowest-priority messages can be: the datasheet (3.2.4, delivery mode)
 * requires SMI, NMI, INIT and ExtINT entries to be programmed edge-
 * triggered, and an NMI or INIT message is edge whatever its trigger mode
 * says (SDM Vol. 3A 11.11.2, the MSI data register).  Taking the trigger
 * bit at its word for those would set a remote IRR that no EOI ever
 * clears, leaving the pin dead; treating them as edge is what a guest
 * that programs them properly sees anyway.
 */
static bool ioapic_entry_level(u64 redir)
{
	u64 dm = (redir & REDIR_DM) >> REDIR_DM_SHIFT;

	return (redir & REDIR_LEVEL) &&
	       (dm == MVM_DM_FIXED || dm == MVM_DM_LOWEST);
}

/*
 * Send @pin's message to the local APICs; the number that accepted it.
 * Called with the I/O APIC's lock held, which irq.c's delivery takes
 * local APIC locks inside of (the documented order).
 */
static int ioapic_deliver(struct mvm_ioapic *ioapic, unsigned int pin)
{
	struct mvm_irq irq;

	lockdep_assert_held(&ioapic->lock);
	mvm_ioapic_redir_irq(ioapic->redir[pin], &irq);
	irq.level = ioapic_entry_level(ioapic->redir[pin]);
	return mvm_irq_deliver(ioapic->vm, &irq, NULL);
}

/*
 * A level-triggered pin fires while its line is asserted, its entry is
 * unmasked and its remote IRR is clear (3.2.4).  Remote IRR is set only
 * when some local APIC accepted the message: with none (no vCPU matches
 * the destination), the message is lost and the pin fires again at the
 * next assertion from userspace, write of its entry or EOI of its vector.
 */
static void ioapic_service_level(struct mvm_ioapic *ioapic, unsigned int pin)
{
	u64 redir = ioapic->redir[pin];

	lockdep_assert_held(&ioapic->lock);
	if (!ioapic_entry_level(redir) || !(ioapic->irr & BIT(pin)) ||
	    (redir & (REDIR_MASKED | REDIR_REMOTE_IRR)))
		return;
	if (ioapic_deliver(ioapic, pin) > 0)
		ioapic->redir[pin] |= REDIR_REMOTE_IRR;
}

/*
 * Record @pin's line level and fire it if that makes it fire.  The level
 * is the logical one: the entry's polarity bit is not applied.
 *
 * ioapic->irr holds, for a level-triggered pin, whether its line is
 * asserted; for an edge-triggered pin nothing is ever held pending (an
 * edge is delivered at once or dropped), so its bit is always 0 once the
 * lock is dropped.
 */
int mvm_ioapic_set_irq(struct mvm_ioapic *ioapic, u32 pin, bool level)
{
	unsigned long flags;
	bool was;

	if (pin >= MVM_IOAPIC_PINS)
		return -EINVAL;

	spin_lock_irqsave(&ioapic->lock, flags);
	was = ioapic->line & BIT(pin);
	if (level)
		ioapic->line |= BIT(pin);
	else
		ioapic->line &= ~BIT(pin);

	if (ioapic_entry_level(ioapic->redir[pin])) {
		if (level)
			ioapic->irr |= BIT(pin);
		else
			ioapic->irr &= ~BIT(pin);
		ioapic_service_level(ioapic, pin);
	} else if (level && !was) {
		/*
		 * A rising edge.  On a masked pin the 82093AA ignores it:
		 * "not delivered or held pending" (datasheet 3.2.4, bit 16),
		 * so unmasking later delivers nothing.  The model drops it
		 * the same way; an unaccepted edge is lost as well.
		 */
		if (!(ioapic->redir[pin] & REDIR_MASKED))
			ioapic_deliver(ioapic, pin);
	}
	spin_unlock_irqrestore(&ioapic->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_set_irq);

/*
 * A guest write to half of @pin's entry.  Remote IRR has no meaning for an
 * edge-triggered entry (3.2.4, bit 14), so an entry that becomes edge
 * loses it; one that is (or becomes) level-triggered samples its line, so
 * unmasking an asserted level pin, or making an asserted pin level, fires
 * it now rather than at its next line change.
 */
static void ioapic_write_redir(struct mvm_ioapic *ioapic, unsigned int pin,
			       u32 val, bool high)
{
	u64 redir = mvm_ioapic_redir_write(ioapic->redir[pin], val, high);

	lockdep_assert_held(&ioapic->lock);
	if (ioapic_entry_level(redir)) {
		if (ioapic->line & BIT(pin))
			ioapic->irr |= BIT(pin);
		else
			ioapic->irr &= ~BIT(pin);
	} else {
		redir &= ~REDIR_REMOTE_IRR;
		ioapic->irr &= ~BIT(pin);
	}
	ioapic->redir[pin] = redir;
	ioapic_service_level(ioapic, pin);
}

/* The indirect register @reg (IOREGSEL bits 7:0); unknown ones read 0. */
static u32 ioapic_read_reg(struct mvm_ioapic *ioapic, u32 reg)
{
	u64 redir;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		/*
		 * A write of IOAPICID loads the arbitration ID as well
		 * (3.2.1), and nothing else changes it here: there is no
		 * APIC bus whose arbitration would rotate it.
		 */
		return ioapic->id;
	case IOAPIC_REG_VER:
		return IOAPIC_VER_VALUE;
	}
	if (reg < IOAPIC_REG_REDIR || reg >= IOAPIC_REG_REDIR_END)
		return 0;
	redir = ioapic->redir[(reg - IOAPIC_REG_REDIR) / 2];
	return (reg & 1) ? redir >> 32 : (u32)redir;
}

/* Version and arbitration ID are read-only; unknown registers ignore it. */
static void ioapic_write_reg(struct mvm_ioapic *ioapic, u32 reg, u32 val)
{
	if (reg == IOAPIC_REG_ID) {
		ioapic->id = val & IOAPIC_ID_MASK;
		return;
	}
	if (reg < IOAPIC_REG_REDIR || reg >= IOAPIC_REG_REDIR_END)
		return;
	ioapic_write_redir(ioapic, (reg - IOAPIC_REG_REDIR) / 2, val,
			   reg & 1);
}

/*
 * A read of @len bytes at offset @off of the register window.  The
 * datasheet (3.0) has software use 32-bit loads; a narrower or wider read
 * is answered too, from the aligned dword that holds @off alone: the bytes
 * of IOREGSEL (0x00-0x03) or IOWIN (0x10-0x13) from @off on, zero-extended,
 * and 0 everywhere else.  Reading IOWIN has no side effects, so any size
 * is harmless.
 */
static u64 ioapic_mmio_read(struct mvm_ioapic *ioapic, unsigned int off,
			    unsigned int len)
{
	u64 v;

	if (!len || len > 8)
		return 0;
	switch (off & ~3u) {
	case IOAPIC_IOREGSEL:
		v = ioapic->ioregsel;
		break;
	case IOAPIC_IOWIN:
		v = ioapic_read_reg(ioapic, ioapic->ioregsel);
		break;
	default:
		return 0;
	}
	v >>= (off & 3) * 8;
	return len < 8 ? v & GENMASK_ULL(len * 8 - 1, 0) : v;
}

/*
 * A write.  IOREGSEL takes bits 7:0 of a write of any size at 0x00 (the
 * datasheet, 3.0, loads it with a byte write; bits 31:8 are reserved).
 * IOWIN takes a dword write at 0x10 only (3.0: "must be accessed as a
 * Dword quantity"); of a qword write there, the high half falls on
 * 0x14-0x17, where nothing is.  Every other write is ignored: a partial
 * write of IOWIN would have to merge bytes into a register the datasheet
 * never lets software write in parts.
 */
static void ioapic_mmio_write(struct mvm_ioapic *ioapic, unsigned int off,
			      unsigned int len, u64 val)
{
	if (!len || len > 8)
		return;
	if (off == IOAPIC_IOREGSEL)
		ioapic->ioregsel = val & IOAPIC_IOREGSEL_MASK;
	else if (off == IOAPIC_IOWIN && (len == 4 || len == 8))
		ioapic_write_reg(ioapic, ioapic->ioregsel, (u32)val);
}

/*
 * A guest access of @len bytes at @gpa.  False when the VM has no I/O
 * APIC or @gpa is outside its page (the caller looks elsewhere); true
 * after doing it, a read's bytes in *@val.  The whole page
 * [MVM_IOAPIC_BASE, + MVM_IOAPIC_SIZE) belongs to the I/O APIC; outside
 * its two registers it reads 0 and ignores writes.
 */
bool mvm_ioapic_mmio(struct mvm_vm *vm, u64 gpa, unsigned int len,
		     bool write, u64 *val)
{
	struct mvm_ioapic *ioapic = vm->ioapic;
	unsigned long flags;
	unsigned int off;

	if (!ioapic || gpa < MVM_IOAPIC_BASE ||
	    gpa - MVM_IOAPIC_BASE >= MVM_IOAPIC_SIZE)
		return false;
	off = gpa - MVM_IOAPIC_BASE;

	spin_lock_irqsave(&ioapic->lock, flags);
	if (write)
		ioapic_mmio_write(ioapic, off, len, *val);
	else
		*val = ioapic_mmio_read(ioapic, off, len);
	spin_unlock_irqrestore(&ioapic->lock, flags);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_mmio);

/*
 * The level-triggered entries an EOI of @vector acknowledges: those with
 * that vector and remote IRR set.
 */
static u32 ioapic_eoi_pins(struct mvm_ioapic *ioapic, u8 vector)
{
	unsigned int pin;
	u32 pins = 0;

	lockdep_assert_held(&ioapic->lock);
	for (pin = 0; pin < MVM_IOAPIC_PINS; pin++) {
		u64 redir = ioapic->redir[pin];

		if (ioapic_entry_level(redir) && (redir & REDIR_REMOTE_IRR) &&
		    (redir & REDIR_VECTOR) == vector)
			pins |= BIT(pin);
	}
	return pins;
}

/*
 * A local APIC took an EOI for a level-triggered @vector.  On the 82093AA
 * the EOI message reaches every I/O APIC, and each entry whose vector
 * matches clears its remote IRR (3.2.4, bit 14); a line still asserted
 * then fires again at once.  Called by vCPU threads with no local APIC
 * lock held, since the delivery here takes them.
 *
 * A pin that a resampling irqfd raises (eventfd.c) is lowered, and the
 * VMM told, before its remote IRR clears, so that it fires again only if
 * the VMM raises it again.  That signals eventfds, whose callbacks may
 * take this lock: it is done with the lock dropped, and the entries are
 * looked at again after.
 */
void mvm_ioapic_eoi(struct mvm_vm *vm, u8 vector)
{
	struct mvm_ioapic *ioapic = vm->ioapic;
	unsigned long flags;
	unsigned int pin;
	u32 pins;

	if (!ioapic)
		return;

	spin_lock_irqsave(&ioapic->lock, flags);
	pins = ioapic_eoi_pins(ioapic, vector);
	if (pins && READ_ONCE(vm->nr_resamplefds)) {
		spin_unlock_irqrestore(&ioapic->lock, flags);
		mvm_irqfd_resample(vm, pins);
		spin_lock_irqsave(&ioapic->lock, flags);
		pins &= ioapic_eoi_pins(ioapic, vector);
	}
	for (pin = 0; pin < MVM_IOAPIC_PINS; pin++) {
		if (!(pins & BIT(pin)))
			continue;
		ioapic->redir[pin] &= ~REDIR_REMOTE_IRR;
		ioapic_service_level(ioapic, pin);
	}
	spin_unlock_irqrestore(&ioapic->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_eoi);

/*
 * MINIVMM_GET_IRQCHIP: the state in KVM's layout.  @irr holds each pin's
 * line level (what IRQ_LINE last set), from which the pending state of
 * level-triggered pins follows.
 */
void mvm_ioapic_get_state(struct mvm_ioapic *ioapic,
			  struct minivmm_ioapic_state *st)
{
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	spin_lock_irqsave(&ioapic->lock, flags);
	st->base_address = MVM_IOAPIC_BASE;
	st->ioregsel = ioapic->ioregsel;
	st->id = ioapic->id;
	st->irr = ioapic->line;
	memcpy(st->redirtbl, ioapic->redir, sizeof(st->redirtbl));
	spin_unlock_irqrestore(&ioapic->lock, flags);
}

/*
 * MINIVMM_SET_IRQCHIP: restore a state.  -EINVAL for another base
 * address (the I/O APIC does not move), a nonzero pad, bits outside the
 * registers' or a line level for a pin that does not exist.  Remote IRR is
 * taken as saved (a level interrupt in service stays so); delivery status
 * reads 0.  Then every asserted, unmasked level pin without remote IRR
 * fires, as it would have had its line just risen.
 */
int mvm_ioapic_set_state(struct mvm_ioapic *ioapic,
			 const struct minivmm_ioapic_state *st)
{
	unsigned long flags;
	unsigned int pin;

	BUILD_BUG_ON(ARRAY_SIZE(st->redirtbl) != MVM_IOAPIC_PINS);
	if (st->base_address != MVM_IOAPIC_BASE || st->pad ||
	    (st->ioregsel & ~IOAPIC_IOREGSEL_MASK) ||
	    (st->id & ~IOAPIC_ID_MASK) ||
	    (st->irr & ~GENMASK(MVM_IOAPIC_PINS - 1, 0)))
		return -EINVAL;
	for (pin = 0; pin < MVM_IOAPIC_PINS; pin++)
		if (st->redirtbl[pin] & ~(REDIR_IMPLEMENTED & ~REDIR_DELIVS))
			return -EINVAL;

	spin_lock_irqsave(&ioapic->lock, flags);
	ioapic->ioregsel = st->ioregsel;
	ioapic->id = st->id;
	ioapic->line = st->irr;
	ioapic->irr = 0;
	for (pin = 0; pin < MVM_IOAPIC_PINS; pin++) {
		ioapic->redir[pin] = st->redirtbl[pin];
		if (ioapic_entry_level(st->redirtbl[pin]) &&
		    (st->irr & BIT(pin)))
			ioapic->irr |= BIT(pin);
		ioapic_service_level(ioapic, pin);
	}
	spin_unlock_irqrestore(&ioapic->lock, flags);
	return 0;
}

/*
 * Out of reset every entry is masked with everything else 0 (3.2.4), and
 * the ID is 0 (3.2.1).  Called from irq.c under vm->lock, before any vCPU
 * exists.
 */
int mvm_ioapic_create(struct mvm_vm *vm)
{
	struct mvm_ioapic *ioapic;
	unsigned int pin;

	lockdep_assert_held(&vm->lock);
	ioapic = kzalloc(sizeof(*ioapic), GFP_KERNEL_ACCOUNT);
	if (!ioapic)
		return -ENOMEM;
	ioapic->vm = vm;
	spin_lock_init(&ioapic->lock);
	for (pin = 0; pin < MVM_IOAPIC_PINS; pin++)
		ioapic->redir[pin] = REDIR_MASKED;
	vm->ioapic = ioapic;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_create);

/* At VM destruction, when nothing can reach it any more. */
void mvm_ioapic_free(struct mvm_vm *vm)
{
	kfree(vm->ioapic);
	vm->ioapic = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_ioapic_free);
