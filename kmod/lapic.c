// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC of a vCPU (Intel SDM Vol. 3A chapter 11): its register
 * model and the two ways the guest reaches it, xAPIC MMIO at the page
 * IA32_APIC_BASE names and x2APIC MSRs 0x800-0x8ff.
 *
 * The registers live in a 1 KiB page in the xAPIC layout (the layout of
 * MINIVMM_GET_LAPIC too), each 32-bit register at its MMIO offset.  The
 * model's rules -- priorities, acknowledge, EOI, IA32_APIC_BASE changes --
 * are pure functions of that page, which tests/lapic_kunit.c drives with
 * fabricated pages.  The timer's timing is in timer.c; routing interrupt
 * messages between APICs is in irq.c.
 *
 * apic->lock protects the page: the vCPU's thread reads and writes
 * registers and injects, while other threads and the timer's hrtimer set
 * IRR bits.  Every function taking it is safe from any context.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/processor.h>

#include "minivmm.h"

/* 6 LVT entries (max LVT index 5 in bits 23:16) and version 0x14. */
#define MVM_APIC_VERSION_VAL	(0x14 | (5 << 16))

/* ESR bits (SDM Vol. 3A 11.5.3). */
#define MVM_ESR_SEND_ILLEGAL	BIT(5)
#define MVM_ESR_RECV_ILLEGAL	BIT(6)
#define MVM_ESR_ILLEGAL_REG	BIT(7)

/* ICR bits (SDM Vol. 3A 11.6.1). */
#define MVM_ICR_LOGICAL	BIT(11)
#define MVM_ICR_LEVEL		BIT(15)
#define MVM_ICR_SH_SHIFT	18

/* The LVT registers, in their order; a write keeps only their bits. */
static const unsigned int mvm_apic_lvts[] = {
	MVM_APIC_LVT_TIMER, MVM_APIC_LVT_THERMAL, MVM_APIC_LVT_PMC,
	MVM_APIC_LVT_LINT0, MVM_APIC_LVT_LINT1, MVM_APIC_LVT_ERROR,
};

u32 mvm_apic_reg(const u8 *regs, unsigned int off)
{
	return *(const u32 *)(regs + off);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_reg);

void mvm_apic_set_reg(u8 *regs, unsigned int off, u32 val)
{
	*(u32 *)(regs + off) = val;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_set_reg);

/*
 * The highest vector set in the 256-bit register at @base (ISR, TMR or
 * IRR: eight 32-bit registers 0x10 apart), or -1.
 */
int mvm_apic_highest(const u8 *regs, unsigned int base)
{
	int i;
	u32 v;

	for (i = 7; i >= 0; i--) {
		v = mvm_apic_reg(regs, base + i * 0x10);
		if (v)
			return i * 32 + __fls(v);
	}
	return -1;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_highest);

static void mvm_apic_vec_set(u8 *regs, unsigned int base, u8 vec, bool on)
{
	unsigned int off = base + (vec / 32) * 0x10;
	u32 v = mvm_apic_reg(regs, off);

	mvm_apic_set_reg(regs, off, on ? v | BIT(vec % 32) : v & ~BIT(vec % 32));
}

static bool mvm_apic_vec_test(const u8 *regs, unsigned int base, u8 vec)
{
	return mvm_apic_reg(regs, base + (vec / 32) * 0x10) & BIT(vec % 32);
}

/*
 * The processor priority (SDM Vol. 3A 11.8.3.1): the TPR if its class is
 * at least that of the highest in-service vector, else that class.
 */
u32 mvm_apic_ppr(const u8 *regs)
{
	u32 tpr = mvm_apic_reg(regs, MVM_APIC_TPR) & 0xff;
	int isr = mvm_apic_highest(regs, MVM_APIC_ISR);
	u32 isrv = isr < 0 ? 0 : isr;

	return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_ppr);

/*
 * The vector the CPU would take now, or -1: the highest requested one
 * whose class is above the processor priority's (SDM Vol. 3A 11.8.3).
 */
int mvm_apic_deliverable(const u8 *regs)
{
	int irr = mvm_apic_highest(regs, MVM_APIC_IRR);

	if (irr < 0 || (irr & 0xf0) <= (mvm_apic_ppr(regs) & 0xf0))
		return -1;
	return irr;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_deliverable);

/*
 * Whether the highest requested vector waits only because of the TPR:
 * above the in-service class, not above the task priority class.  A
 * guest that lowers its TPR then lets it through (SVM's CR8 writes).
 */
bool mvm_apic_tpr_blocks(const u8 *regs)
{
	int irr = mvm_apic_highest(regs, MVM_APIC_IRR);
	int isr = mvm_apic_highest(regs, MVM_APIC_ISR);
	u32 tpr = mvm_apic_reg(regs, MVM_APIC_TPR) & 0xf0;

	if (irr < 0)
		return false;
	return (irr & 0xf0) > (isr < 0 ? 0 : isr & 0xf0) &&
	       (irr & 0xf0) <= tpr;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_tpr_blocks);

/* The CPU takes @vector: from requested to in service (SDM 11.8.4). */
void mvm_apic_ack_vector(u8 *regs, u8 vector)
{
	mvm_apic_vec_set(regs, MVM_APIC_IRR, vector, false);
	mvm_apic_vec_set(regs, MVM_APIC_ISR, vector, true);
	mvm_apic_set_reg(regs, MVM_APIC_PPR, mvm_apic_ppr(regs));
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_ack_vector);

/*
 * An EOI retires the highest in-service vector (SDM 11.8.5).  Returns it,
 * or -1 when nothing is in service; its TMR bit says whether it was
 * level-triggered (the caller then tells the I/O APIC).
 */
int mvm_apic_eoi_vector(u8 *regs)
{
	int isr = mvm_apic_highest(regs, MVM_APIC_ISR);

	if (isr < 0)
		return -1;
	mvm_apic_vec_set(regs, MVM_APIC_ISR, isr, false);
	mvm_apic_set_reg(regs, MVM_APIC_PPR, mvm_apic_ppr(regs));
	return isr;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_eoi_vector);

/*
 * Whether IA32_APIC_BASE may go from @old to @new (SDM Vol. 3A 11.12.5,
 * Figure 11-27): no reserved bit, a base within MAXPHYADDR, and no mode
 * change the figure calls invalid: x2APIC without the global enable,
 * x2APIC back to xAPIC, or disabled straight to x2APIC.  The BSP flag is
 * read-only (the caller keeps it).
 */
bool mvm_apic_base_change_ok(u64 old, u64 new, int phys_bits)
{
	u64 ok = GENMASK_ULL(phys_bits - 1, 12) | MVM_APIC_BASE_BSP |
		 MVM_APIC_BASE_EXTD | MVM_APIC_BASE_ENABLE;
	bool old_x2 = old & MVM_APIC_BASE_EXTD, new_x2 = new & MVM_APIC_BASE_EXTD;
	bool old_en = old & MVM_APIC_BASE_ENABLE;
	bool new_en = new & MVM_APIC_BASE_ENABLE;

	if (new & ~ok)
		return false;
	if (new_x2 && !new_en)
		return false;
	if (old_x2 && new_en && !new_x2)
		return false;
	if (!old_en && new_x2)
		return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_base_change_ok);

static bool mvm_apic_x2(const struct mvm_lapic *apic)
{
	return apic->base & MVM_APIC_BASE_EXTD;
}

static bool mvm_apic_hw_enabled(const struct mvm_lapic *apic)
{
	return apic->base & MVM_APIC_BASE_ENABLE;
}

static bool mvm_apic_sw_enabled(const struct mvm_lapic *apic)
{
	return mvm_apic_reg(apic->regs, MVM_APIC_SVR) & MVM_SVR_ENABLE;
}

/*
 * The register state at reset and after a hardware disable (SDM Vol. 3A
 * 11.4.7.1): everything 0, every LVT masked, SVR 0xff, DFR all ones; the
 * ID is the vCPU's.  In x2APIC mode the ID is 32 bits and the LDR is
 * derived from it (SDM 11.12.10.2).
 */
static void mvm_apic_reset_regs(struct mvm_lapic *apic)
{
	u32 id = apic->vcpu->id;
	int i;

	memset(apic->regs, 0, sizeof(apic->regs));
	mvm_apic_set_reg(apic->regs, MVM_APIC_ID,
			 mvm_apic_x2(apic) ? id : id << 24);
	mvm_apic_set_reg(apic->regs, MVM_APIC_VERSION, MVM_APIC_VERSION_VAL);
	mvm_apic_set_reg(apic->regs, MVM_APIC_DFR, ~0u);
	mvm_apic_set_reg(apic->regs, MVM_APIC_SVR, 0xff);
	for (i = 0; i < ARRAY_SIZE(mvm_apic_lvts); i++)
		mvm_apic_set_reg(apic->regs, mvm_apic_lvts[i], MVM_LVT_MASKED);
	if (mvm_apic_x2(apic))
		mvm_apic_set_reg(apic->regs, MVM_APIC_LDR,
				 ((id >> 4) << 16) | BIT(id & 15));
}

int mvm_lapic_create(struct mvm_vcpu *vcpu)
{
	struct mvm_lapic *apic;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	apic->vcpu = vcpu;
	spin_lock_init(&apic->lock);
	apic->base = MVM_APIC_DEFAULT_BASE | MVM_APIC_BASE_ENABLE |
		     (vcpu->id == 0 ? MVM_APIC_BASE_BSP : 0);
	mvm_apic_reset_regs(apic);
	mvm_apic_timer_init(apic);
	vcpu->apic = apic;
	return 0;
}

void mvm_lapic_free(struct mvm_vcpu *vcpu)
{
	if (!vcpu->apic)
		return;
	mvm_apic_timer_stop(vcpu->apic);
	kfree(vcpu->apic);
	vcpu->apic = NULL;
}

/*
 * Accept an interrupt message this APIC is a destination of (SDM Vol. 3A
 * 11.6, 11.8.3).  Fixed and lowest-priority interrupts go into IRR (TMR
 * says level) and need the APIC enabled in hardware and software; NMIs
 * are counted on the vCPU.  SMI, INIT, SIPI and ExtINT are not modelled
 * (one vCPU, no 8259; Documentation/irq.rst).  Returns whether accepted;
 * the caller kicks the vCPU.
 */
bool mvm_lapic_accept(struct mvm_lapic *apic, const struct mvm_irq *irq)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&apic->lock, flags);
	if (!mvm_apic_hw_enabled(apic))
		goto out;
	switch (irq->delivery) {
	case MVM_DM_FIXED:
	case MVM_DM_LOWEST:
		if (!mvm_apic_sw_enabled(apic))
			break;
		/* Vectors 0-15 are illegal (SDM 11.5.2): an error instead. */
		if (irq->vector < 16) {
			mvm_apic_set_reg(apic->regs, MVM_APIC_ESR,
					 mvm_apic_reg(apic->regs, MVM_APIC_ESR) |
					 MVM_ESR_RECV_ILLEGAL);
			break;
		}
		mvm_apic_vec_set(apic->regs, MVM_APIC_IRR, irq->vector, true);
		mvm_apic_vec_set(apic->regs, MVM_APIC_TMR, irq->vector,
				 irq->level);
		ok = true;
		break;
	case MVM_DM_NMI:
		atomic_inc(&apic->vcpu->nmi_pending);
		ok = true;
		break;
	default:
		break;
	}
out:
	spin_unlock_irqrestore(&apic->lock, flags);
	return ok;
}

/*
 * Whether @apic is a destination of @irq (SDM Vol. 3A 11.6.2): a physical
 * id (0xff, or 0xffffffff in x2APIC mode, is a broadcast), or a logical
 * one matched against the LDR in the flat (DFR 0xf) or cluster model, or
 * in x2APIC's cluster form.  @source is the sending APIC for ICR
 * shorthands, NULL otherwise.
 */
bool mvm_lapic_match(struct mvm_lapic *apic, const struct mvm_irq *irq,
		     struct mvm_lapic *source)
{
	unsigned long flags;
	u32 id, ldr, dfr, dest = irq->dest;
	bool x2;

	switch (irq->shorthand) {
	case MVM_SH_SELF:
		return apic == source;
	case MVM_SH_ALL:
		return true;
	case MVM_SH_ALL_BUT_SELF:
		return apic != source;
	}
	spin_lock_irqsave(&apic->lock, flags);
	x2 = mvm_apic_x2(apic);
	id = mvm_apic_reg(apic->regs, MVM_APIC_ID);
	ldr = mvm_apic_reg(apic->regs, MVM_APIC_LDR);
	dfr = mvm_apic_reg(apic->regs, MVM_APIC_DFR);
	spin_unlock_irqrestore(&apic->lock, flags);

	if (!x2) {
		id >>= 24;
		ldr >>= 24;
		dest &= 0xff;
	}
	if (!irq->logical)
		return dest == (x2 ? 0xffffffffu : 0xffu) || dest == id;
	if (x2) {
		/* Cluster in bits 31:16, a bit mask of 16 in 15:0. */
		if (dest == 0xffffffffu)
			return true;
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	if (dest == 0xff)
		return true;
	if ((dfr >> 28) == 0xf)			/* flat: 8 bits of mask */
		return dest & ldr;
	/* Cluster: cluster in bits 7:4, a mask of 4 in 3:0. */
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_lapic_match);

/* The vector to inject now, or -1; apic->lock taken here. */
int mvm_lapic_pending_vector(struct mvm_lapic *apic)
{
	unsigned long flags;
	int v = -1;

	spin_lock_irqsave(&apic->lock, flags);
	if (mvm_apic_hw_enabled(apic))
		v = mvm_apic_deliverable(apic->regs);
	spin_unlock_irqrestore(&apic->lock, flags);
	return v;
}

bool mvm_lapic_tpr_blocks(struct mvm_lapic *apic)
{
	unsigned long flags;
	bool r;

	spin_lock_irqsave(&apic->lock, flags);
	r = mvm_apic_tpr_blocks(apic->regs);
	spin_unlock_irqrestore(&apic->lock, flags);
	return r;
}

void mvm_lapic_ack(struct mvm_lapic *apic, u8 vector)
{
	unsigned long flags;

	spin_lock_irqsave(&apic->lock, flags);
	mvm_apic_ack_vector(apic->regs, vector);
	spin_unlock_irqrestore(&apic->lock, flags);
}

/* CR8 is TPR[7:4] (SDM Vol. 3A 11.8.6). */
void mvm_lapic_set_tpr(struct mvm_vcpu *vcpu, u8 tpr)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned long flags;

	spin_lock_irqsave(&apic->lock, flags);
	mvm_apic_set_reg(apic->regs, MVM_APIC_TPR, tpr);
	mvm_apic_set_reg(apic->regs, MVM_APIC_PPR, mvm_apic_ppr(apic->regs));
	spin_unlock_irqrestore(&apic->lock, flags);
	/* A lower priority may let a waiting interrupt through. */
	set_bit(MVM_REQ_EVENT, &vcpu->requests);
}

u8 mvm_lapic_get_tpr(struct mvm_vcpu *vcpu)
{
	return mvm_apic_reg(vcpu->apic->regs, MVM_APIC_TPR) & 0xff;
}

/* The timer fired (timer.c, hard interrupt context, apic->lock held). */
void mvm_lapic_timer_irq(struct mvm_lapic *apic)
{
	u32 lvt = mvm_apic_reg(apic->regs, MVM_APIC_LVT_TIMER);
	u8 vec = lvt & MVM_LVT_VECTOR;

	lockdep_assert_held(&apic->lock);
	apic->timer_fired++;
	if ((lvt & MVM_LVT_MASKED) || !mvm_apic_sw_enabled(apic) ||
	    !mvm_apic_hw_enabled(apic) || vec < 16)
		return;
	mvm_apic_vec_set(apic->regs, MVM_APIC_IRR, vec, true);
	mvm_apic_vec_set(apic->regs, MVM_APIC_TMR, vec, false);
}

/*
 * An EOI write: retire the in-service vector, and if it was level
 * triggered tell the I/O APIC (SDM 11.8.5; no directed EOI: version bit
 * 24 is 0).  Outside apic->lock: the I/O APIC's lock comes first.
 */
static void mvm_apic_eoi(struct mvm_lapic *apic)
{
	unsigned long flags;
	bool level = false;
	int vec;

	spin_lock_irqsave(&apic->lock, flags);
	vec = mvm_apic_eoi_vector(apic->regs);
	if (vec >= 0)
		level = mvm_apic_vec_test(apic->regs, MVM_APIC_TMR, vec);
	spin_unlock_irqrestore(&apic->lock, flags);
	if (vec < 0)
		return;
	set_bit(MVM_REQ_EVENT, &apic->vcpu->requests);
	if (level)
		mvm_ioapic_eoi(apic->vcpu->vm, vec);
}

/*
 * The ICR: send an IPI (SDM Vol. 3A 11.6.1).  In xAPIC mode the
 * destination is ICR2[31:24], in x2APIC mode the high half of the 64-bit
 * MSR.  Delivery is immediate, so the delivery-status bit stays 0.
 */
static void mvm_apic_send_ipi(struct mvm_lapic *apic, u32 low, u32 high)
{
	struct mvm_irq irq = {
		.vector = low & 0xff,
		.delivery = (low >> 8) & 7,
		.logical = low & MVM_ICR_LOGICAL,
		.level = low & MVM_ICR_LEVEL,
		.shorthand = (low >> MVM_ICR_SH_SHIFT) & 3,
		.dest = mvm_apic_x2(apic) ? high : high >> 24,
	};

	/* Fixed IPIs with an illegal vector are a send error. */
	if (irq.delivery == MVM_DM_FIXED && irq.vector < 16) {
		unsigned long flags;

		spin_lock_irqsave(&apic->lock, flags);
		mvm_apic_set_reg(apic->regs, MVM_APIC_ESR,
				 mvm_apic_reg(apic->regs, MVM_APIC_ESR) |
				 MVM_ESR_SEND_ILLEGAL);
		spin_unlock_irqrestore(&apic->lock, flags);
		return;
	}
	mvm_irq_deliver(apic->vcpu->vm, &irq, apic);
}

/* The writable bits of each LVT register (SDM Vol. 3A Figure 11-8). */
static u32 mvm_apic_lvt_mask(unsigned int reg)
{
	switch (reg) {
	case MVM_APIC_LVT_TIMER:
		return MVM_LVT_VECTOR | MVM_LVT_MASKED | MVM_LVT_TIMER_MODE;
	case MVM_APIC_LVT_LINT0:
	case MVM_APIC_LVT_LINT1:
		return MVM_LVT_VECTOR | MVM_LVT_DM | MVM_LVT_MASKED |
		       BIT(13) | MVM_LVT_LEVEL;
	case MVM_APIC_LVT_ERROR:
		return MVM_LVT_VECTOR | MVM_LVT_MASKED;
	default:			/* thermal, PMC, CMCI */
		return MVM_LVT_VECTOR | MVM_LVT_DM | MVM_LVT_MASKED;
	}
}

static bool mvm_apic_is_lvt(unsigned int reg)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(mvm_apic_lvts); i++)
		if (mvm_apic_lvts[i] == reg)
			return true;
	return false;
}

/*
 * Read register @reg (an offset in the page).  -EINVAL for an offset
 * with no register, which the caller turns into #GP (x2APIC) or a read
 * of 0 (xAPIC MMIO).
 */
static int mvm_apic_read(struct mvm_lapic *apic, unsigned int reg, u32 *val)
{
	unsigned long flags;

	if (reg == MVM_APIC_TMCCT) {
		*val = mvm_apic_timer_current(apic);
		return 0;
	}
	switch (reg) {
	case MVM_APIC_ID: case MVM_APIC_VERSION: case MVM_APIC_TPR:
	case MVM_APIC_PPR: case MVM_APIC_LDR: case MVM_APIC_SVR:
	case MVM_APIC_ISR ... MVM_APIC_IRR + 0x70: case MVM_APIC_ESR:
	case MVM_APIC_ICR: case MVM_APIC_LVT_TIMER ... MVM_APIC_LVT_ERROR:
	case MVM_APIC_TMICT: case MVM_APIC_TDCR:
		break;
	case MVM_APIC_ICR2: case MVM_APIC_DFR: case MVM_APIC_APR:
		if (mvm_apic_x2(apic))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (reg & 0xf)
		return -EINVAL;
	spin_lock_irqsave(&apic->lock, flags);
	*val = mvm_apic_reg(apic->regs, reg);
	spin_unlock_irqrestore(&apic->lock, flags);
	return 0;
}

/* Store @val at @reg under the lock. */
static void mvm_apic_store(struct mvm_lapic *apic, unsigned int reg, u32 val)
{
	unsigned long flags;

	spin_lock_irqsave(&apic->lock, flags);
	mvm_apic_set_reg(apic->regs, reg, val);
	if (reg == MVM_APIC_TPR)
		mvm_apic_set_reg(apic->regs, MVM_APIC_PPR,
				 mvm_apic_ppr(apic->regs));
	spin_unlock_irqrestore(&apic->lock, flags);
}

/*
 * Write register @reg.  -EINVAL for a register that cannot be written
 * (read-only, or absent in this mode): #GP in x2APIC mode, ignored in
 * xAPIC mode.  @high is the ICR's upper half in x2APIC mode.
 */
static int mvm_apic_write(struct mvm_lapic *apic, unsigned int reg, u32 val,
			  u32 high)
{
	bool x2 = mvm_apic_x2(apic);
	int i;

	switch (reg) {
	case MVM_APIC_ID:
		/* Read-only in x2APIC mode (SDM 11.12.5.1). */
		if (x2)
			return -EINVAL;
		mvm_apic_store(apic, reg, val & 0xff000000);
		return 0;
	case MVM_APIC_TPR:
		mvm_apic_store(apic, reg, val & 0xff);
		set_bit(MVM_REQ_EVENT, &apic->vcpu->requests);
		return 0;
	case MVM_APIC_EOI:
		mvm_apic_eoi(apic);
		return 0;
	case MVM_APIC_LDR:
		if (x2)
			return -EINVAL;
		mvm_apic_store(apic, reg, val & 0xff000000);
		return 0;
	case MVM_APIC_DFR:
		if (x2)
			return -EINVAL;
		mvm_apic_store(apic, reg, val | 0x0fffffff);
		return 0;
	case MVM_APIC_SVR:
		/*
		 * Clearing the enable bit masks every LVT (SDM 11.4.7.2);
		 * bit 12 (EOI-broadcast suppression) is not offered.
		 */
		mvm_apic_store(apic, reg, val & 0x1ff);
		if (!(val & MVM_SVR_ENABLE)) {
			for (i = 0; i < ARRAY_SIZE(mvm_apic_lvts); i++)
				mvm_apic_store(apic, mvm_apic_lvts[i],
					       mvm_apic_reg(apic->regs,
							    mvm_apic_lvts[i]) |
					       MVM_LVT_MASKED);
		}
		set_bit(MVM_REQ_EVENT, &apic->vcpu->requests);
		return 0;
	case MVM_APIC_ESR:
		/* A write clears it (SDM 11.5.3; x2APIC: must write 0). */
		if (x2 && val)
			return -EINVAL;
		mvm_apic_store(apic, reg, 0);
		return 0;
	case MVM_APIC_ICR:
		if (!x2)
			high = mvm_apic_reg(apic->regs, MVM_APIC_ICR2);
		else
			mvm_apic_store(apic, MVM_APIC_ICR2, high);
		/* Bit 12, delivery status, always reads 0: delivery is at once. */
		mvm_apic_store(apic, reg, val & ~BIT(12));
		mvm_apic_send_ipi(apic, val, high);
		return 0;
	case MVM_APIC_ICR2:
		if (x2)
			return -EINVAL;
		mvm_apic_store(apic, reg, val & 0xff000000);
		return 0;
	case MVM_APIC_LVT_TIMER ... MVM_APIC_LVT_ERROR:
		if (!mvm_apic_is_lvt(reg))
			return -EINVAL;
		val &= mvm_apic_lvt_mask(reg);
		/* Software-disabled: LVTs stay masked (SDM 11.4.7.2). */
		if (!(mvm_apic_reg(apic->regs, MVM_APIC_SVR) & MVM_SVR_ENABLE))
			val |= MVM_LVT_MASKED;
		if (reg == MVM_APIC_LVT_TIMER)
			mvm_apic_timer_write(apic, reg, val);
		else
			mvm_apic_store(apic, reg, val);
		return 0;
	case MVM_APIC_TMICT:
	case MVM_APIC_TDCR:
		mvm_apic_timer_write(apic, reg, val);
		return 0;
	case MVM_APIC_SELF_IPI:
		if (!x2)
			return -EINVAL;
		mvm_apic_send_ipi(apic, (val & 0xff) | MVM_SH_SELF << MVM_ICR_SH_SHIFT,
				  0);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * A guest access to @gpa that no memory slot backs: the APIC's page if it
 * is the one IA32_APIC_BASE names and the APIC is enabled in xAPIC mode
 * (SDM 11.4.1; in x2APIC mode the page is not decoded, 11.12.1).  Aligned
 * 32-bit accesses to a register reach it; anything else reads 0 and
 * writes nothing, as KVM does.  Returns false when the access is not the
 * APIC's.
 */
bool mvm_lapic_mmio(struct mvm_vcpu *vcpu, u64 gpa, unsigned int len,
		    bool write, u64 *val)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned int off;
	u32 v = 0;

	if (!apic || !mvm_apic_hw_enabled(apic) || mvm_apic_x2(apic) ||
	    (gpa & ~0xfffULL) != (apic->base & GENMASK_ULL(51, 12)))
		return false;
	off = gpa & 0xfff;
	if (len != 4 || (off & 0xf) || off >= MVM_APIC_REGS_SIZE) {
		if (!write)
			*val = 0;
		return true;
	}
	if (write) {
		mvm_apic_write(apic, off, *val, 0);
		return true;
	}
	if (mvm_apic_read(apic, off, &v))
		v = 0;
	*val = v;
	return true;
}

/*
 * x2APIC MSRs (SDM Vol. 3A 11.12.1.2): 0x800 + offset / 16.  Only in
 * x2APIC mode; otherwise, and for a register the mode does not have,
 * -EINVAL (#GP).  The ICR is one 64-bit MSR.
 */
int mvm_lapic_msr_read(struct mvm_vcpu *vcpu, u32 msr, u64 *data)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned int reg = (msr - 0x800) << 4;
	u32 v;

	if (!apic || !mvm_apic_x2(apic) || reg == MVM_APIC_EOI ||
	    reg == MVM_APIC_SELF_IPI)
		return -EINVAL;
	if (mvm_apic_read(apic, reg, &v))
		return -EINVAL;
	*data = v;
	if (reg == MVM_APIC_ICR)
		*data |= (u64)mvm_apic_reg(apic->regs, MVM_APIC_ICR2) << 32;
	return 0;
}

int mvm_lapic_msr_write(struct mvm_vcpu *vcpu, u32 msr, u64 data)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned int reg = (msr - 0x800) << 4;

	/* Reserved bits 63:32 must be 0, except in the ICR (SDM 11.12.1.2). */
	if (!apic || !mvm_apic_x2(apic) ||
	    (reg != MVM_APIC_ICR && (data >> 32)))
		return -EINVAL;
	return mvm_apic_write(apic, reg, (u32)data, data >> 32);
}

/*
 * A write of IA32_APIC_BASE, by the guest (WRMSR) or by the VMM
 * (@host: MINIVMM_SET_MSRS, which may also set the BSP flag).  The mode
 * changes reset what the SDM says they reset: a hardware disable resets
 * the registers (11.4.3), entering x2APIC mode derives the ID and LDR
 * from the vCPU id (11.12.5.1).  -EINVAL for a change the SDM forbids
 * (#GP).
 */
int mvm_lapic_set_base(struct mvm_vcpu *vcpu, u64 val, bool host)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned long flags;
	u64 old = apic->base;
	u32 id = vcpu->id;

	/*
	 * The VMM restores a state rather than making a transition: any
	 * legal mode is fine, as from an enabled xAPIC.
	 */
	if (!host)
		val = (val & ~MVM_APIC_BASE_BSP) | (old & MVM_APIC_BASE_BSP);
	if (!mvm_apic_base_change_ok(host ? MVM_APIC_BASE_ENABLE : old, val,
				     boot_cpu_data.x86_phys_bits))
		return -EINVAL;
	if (old == val)
		return 0;

	spin_lock_irqsave(&apic->lock, flags);
	apic->base = val;
	if (!(val & MVM_APIC_BASE_ENABLE)) {
		mvm_apic_reset_regs(apic);
	} else if ((val ^ old) & MVM_APIC_BASE_EXTD) {
		/* Into x2APIC mode: the rest keeps its value (11.12.5.1). */
		mvm_apic_set_reg(apic->regs, MVM_APIC_ID,
				 val & MVM_APIC_BASE_EXTD ? id : id << 24);
		mvm_apic_set_reg(apic->regs, MVM_APIC_LDR,
				 val & MVM_APIC_BASE_EXTD ?
				 ((id >> 4) << 16) | BIT(id & 15) : 0);
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	if (!(val & MVM_APIC_BASE_ENABLE))
		mvm_apic_timer_stop(apic);
	set_bit(MVM_REQ_EVENT, &vcpu->requests);
	return 0;
}

/*
 * MINIVMM_GET_LAPIC: the register page, with the timer's current count
 * filled in (it is computed, not stored).
 */
void mvm_lapic_get_state(struct mvm_vcpu *vcpu, u8 *regs)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned long flags;
	u32 count = mvm_apic_timer_current(apic);

	spin_lock_irqsave(&apic->lock, flags);
	memcpy(regs, apic->regs, MVM_APIC_REGS_SIZE);
	spin_unlock_irqrestore(&apic->lock, flags);
	mvm_apic_set_reg(regs, MVM_APIC_TMCCT, count);
}

/*
 * MINIVMM_SET_LAPIC: restore a register page, after IA32_APIC_BASE (the
 * mode says how to read the ID) and before IA32_TSC_DEADLINE, as with KVM.
 * What the guest could not have written is put right rather than refused:
 * the version, the PPR (recomputed), the x2APIC ID and LDR (derived from
 * the vCPU id), the ICR's delivery status and the LVTs' read-only bits.
 * The timer restarts with the saved current count left in its period.
 */
int mvm_lapic_set_state(struct mvm_vcpu *vcpu, const u8 *regs)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned long flags;
	u32 count = mvm_apic_reg(regs, MVM_APIC_TMCCT);
	u32 id = vcpu->id;
	int i;

	mvm_apic_timer_stop(apic);
	spin_lock_irqsave(&apic->lock, flags);
	memcpy(apic->regs, regs, MVM_APIC_REGS_SIZE);
	mvm_apic_set_reg(apic->regs, MVM_APIC_VERSION, MVM_APIC_VERSION_VAL);
	if (mvm_apic_x2(apic)) {
		mvm_apic_set_reg(apic->regs, MVM_APIC_ID, id);
		mvm_apic_set_reg(apic->regs, MVM_APIC_LDR,
				 ((id >> 4) << 16) | BIT(id & 15));
	} else {
		mvm_apic_set_reg(apic->regs, MVM_APIC_ID,
				 mvm_apic_reg(regs, MVM_APIC_ID) & 0xff000000);
	}
	mvm_apic_set_reg(apic->regs, MVM_APIC_ICR,
			 mvm_apic_reg(regs, MVM_APIC_ICR) & ~BIT(12));
	for (i = 0; i < ARRAY_SIZE(mvm_apic_lvts); i++)
		mvm_apic_set_reg(apic->regs, mvm_apic_lvts[i],
				 mvm_apic_reg(regs, mvm_apic_lvts[i]) &
				 mvm_apic_lvt_mask(mvm_apic_lvts[i]));
	mvm_apic_set_reg(apic->regs, MVM_APIC_SVR,
			 mvm_apic_reg(regs, MVM_APIC_SVR) & 0x1ff);
	mvm_apic_set_reg(apic->regs, MVM_APIC_TDCR,
			 mvm_apic_reg(regs, MVM_APIC_TDCR) & 0xb);
	mvm_apic_set_reg(apic->regs, MVM_APIC_TPR,
			 mvm_apic_reg(regs, MVM_APIC_TPR) & 0xff);
	mvm_apic_set_reg(apic->regs, MVM_APIC_PPR, mvm_apic_ppr(apic->regs));
	mvm_apic_set_reg(apic->regs, MVM_APIC_TMCCT, 0);
	spin_unlock_irqrestore(&apic->lock, flags);
	mvm_apic_timer_restore(apic, count);
	set_bit(MVM_REQ_EVENT, &vcpu->requests);
	return 0;
}
