// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC timer (Intel SDM Vol. 3A 11.5.4) on a host hrtimer.
 *
 * The timer counts MVM_APIC_BUS_HZ (1 GHz, what CPUID 0x15 calls the
 * crystal) through the divide configuration register, so a count is a
 * whole number of nanoseconds and its expiry an absolute CLOCK_MONOTONIC
 * time.  The hrtimer fires in hard interrupt context wherever the vCPU
 * thread is -- in RUN, halted, in userspace or moved to another CPU --
 * sets the timer's vector in IRR and kicks the vCPU (irq.c).
 *
 * TSC-deadline mode (11.5.4.1) converts the guest's deadline to host time
 * with the host TSC's rate: the guest's TSC is the host's plus an offset
 * (vm->tsc_offset), so it runs at the same rate.  The interrupt still waits
 * for the TSC itself: an hrtimer that comes first is re-armed for the rest
 * (mvm_apic_timer_fn), as a host whose TSC rate or clocksource is off would
 * otherwise deliver it before the deadline.
 *
 * A periodic timer is never faster than one expiry per
 * MVM_APIC_MIN_PERIOD_NS, the floor KVM uses (min_timer_period_us): with
 * a period of one count a guest could otherwise keep a host CPU in hard
 * interrupt context.  Missed periods are dropped, not replayed.
 *
 * The pure arithmetic (divisor, count <-> ns, TSC -> ns, the floor) is
 * tested by tests/lapic_kunit.c.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <asm/tsc.h>

#include "minivmm.h"

#define MVM_APIC_MIN_PERIOD_NS	200000ULL

/* TDCR bits 0, 1 and 3 select divide by 2..128, or 1 (SDM Figure 11-10). */
unsigned int mvm_apic_divisor(u32 tdcr)
{
	unsigned int v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return v == 7 ? 1 : 2u << v;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_divisor);

/* Nanoseconds @count timer counts take at divide @tdcr (bus: 1 GHz). */
u64 mvm_apic_count_ns(u32 count, u32 tdcr)
{
	return (u64)count * mvm_apic_divisor(tdcr) *
	       (NSEC_PER_SEC / MVM_APIC_BUS_HZ);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_count_ns);

/* Counts left in @ns nanoseconds, rounded up so a live timer never reads 0. */
u32 mvm_apic_ns_count(u64 ns, u32 tdcr)
{
	u64 step = mvm_apic_divisor(tdcr) * (NSEC_PER_SEC / MVM_APIC_BUS_HZ);

	return min_t(u64, DIV_ROUND_UP_ULL(ns, step), U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_ns_count);

/* @delta_tsc TSC ticks at @khz kHz, in ns (capped to a century). */
u64 mvm_tsc_delta_ns(u64 delta_tsc, u32 khz)
{
	u64 cap = 100ULL * 365 * 24 * 3600 * NSEC_PER_SEC;

	if (!khz)
		return min(delta_tsc, cap);
	/*
	 * ticks / kHz is milliseconds: beyond the cap's, the result is the
	 * cap, and below it ticks * 1e6 / kHz fits in 64 bits at any rate.
	 */
	if (div_u64(delta_tsc, khz) >= cap / NSEC_PER_MSEC)
		return cap;
	return mul_u64_u32_div(delta_tsc, 1000000, khz);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_tsc_delta_ns);

u64 mvm_apic_period_clamp(u64 ns)
{
	return max(ns, MVM_APIC_MIN_PERIOD_NS);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_period_clamp);

static u32 mvm_apic_timer_mode(struct mvm_lapic *apic)
{
	return mvm_apic_reg(apic->regs, MVM_APIC_LVT_TIMER) &
	       MVM_LVT_TIMER_MODE;
}

/*
 * How long until the guest's TSC, now @guest_tsc, reaches @deadline at
 * @khz: 0 once it has.  Rounded up by a nanosecond, so the conversion's
 * truncation never makes the wait short.
 */
u64 mvm_tsc_deadline_wait_ns(u64 deadline, u64 guest_tsc, u32 khz)
{
	if (deadline <= guest_tsc)
		return 0;
	return mvm_tsc_delta_ns(deadline - guest_tsc, khz) + 1;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_tsc_deadline_wait_ns);

static enum hrtimer_restart mvm_apic_timer_fn(struct hrtimer *t)
{
	struct mvm_lapic *apic = container_of(t, struct mvm_lapic, timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;
	u64 wait;

	spin_lock_irqsave(&apic->lock, flags);
	switch (mvm_apic_timer_mode(apic)) {
	case MVM_TIMER_PERIODIC:
		mvm_lapic_timer_irq(apic);
		if (apic->period_ns) {
			hrtimer_forward_now(t, ns_to_ktime(apic->period_ns));
			apic->start = ktime_sub_ns(hrtimer_get_expires(t),
						   apic->period_ns);
			ret = HRTIMER_RESTART;
		}
		break;
	case MVM_TIMER_TSC_DEADLINE:
		/*
		 * The deadline is in TSC ticks but the hrtimer runs on the
		 * host's clocksource: where the two disagree (a TSC rate
		 * calibrated wrong, a TSC the host marked unstable, the
		 * guest's TSC written back meanwhile) the hrtimer can come
		 * first.  The interrupt waits for the TSC (SDM 11.5.4.1),
		 * re-armed for the rest, at least 1 us so a rate far off
		 * cannot keep this CPU in hard interrupt context.
		 */
		wait = mvm_tsc_deadline_wait_ns(apic->tsc_deadline,
						mvm_guest_tsc(apic->vcpu),
						tsc_khz);
		if (wait) {
			hrtimer_set_expires(t, ktime_add_ns(ktime_get(),
						max_t(u64, wait, NSEC_PER_USEC)));
			spin_unlock_irqrestore(&apic->lock, flags);
			return HRTIMER_RESTART;
		}
		mvm_lapic_timer_irq(apic);
		/* It disarms itself and reads 0 (SDM 11.5.4.1). */
		apic->tsc_deadline = 0;
		break;
	default:
		mvm_lapic_timer_irq(apic);
		/* One-shot: the current count stays 0 until rearmed. */
		apic->period_ns = 0;
		break;
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	mvm_vcpu_kick(apic->vcpu);
	return ret;
}

void mvm_apic_timer_init(struct mvm_lapic *apic)
{
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = mvm_apic_timer_fn;
}

/* Disarm, waiting for a running expiry; never under apic->lock. */
void mvm_apic_timer_stop(struct mvm_lapic *apic)
{
	unsigned long flags;

	hrtimer_cancel(&apic->timer);
	spin_lock_irqsave(&apic->lock, flags);
	apic->period_ns = 0;
	apic->tsc_deadline = 0;
	spin_unlock_irqrestore(&apic->lock, flags);
}

/*
 * (Re)load the count from the initial count register, under apic->lock,
 * with the hrtimer stopped: a count of 0 stops the timer (11.5.4).
 */
static void mvm_apic_timer_load(struct mvm_lapic *apic)
{
	u32 count = mvm_apic_reg(apic->regs, MVM_APIC_TMICT);
	u32 tdcr = mvm_apic_reg(apic->regs, MVM_APIC_TDCR);
	u64 ns;

	lockdep_assert_held(&apic->lock);
	apic->period_ns = 0;
	if (!count || mvm_apic_timer_mode(apic) == MVM_TIMER_TSC_DEADLINE)
		return;
	ns = mvm_apic_count_ns(count, tdcr);
	if (mvm_apic_timer_mode(apic) == MVM_TIMER_PERIODIC)
		ns = mvm_apic_period_clamp(ns);
	apic->period_ns = ns;
	apic->start = ktime_get();
	hrtimer_start(&apic->timer, ktime_add_ns(apic->start, ns),
		      HRTIMER_MODE_ABS_HARD);
}

/*
 * A guest write of the LVT timer, initial count or divide register (the
 * vCPU's thread).  Loading the initial count starts the count; a mode
 * change disarms the timer (11.5.4.1: the initial count or the deadline
 * of the old mode is cleared); in TSC-deadline mode the initial count
 * register ignores writes.
 */
void mvm_apic_timer_write(struct mvm_lapic *apic, unsigned int reg, u32 val)
{
	unsigned long flags;
	u32 old_mode = mvm_apic_timer_mode(apic);

	hrtimer_cancel(&apic->timer);
	spin_lock_irqsave(&apic->lock, flags);
	switch (reg) {
	case MVM_APIC_LVT_TIMER:
		mvm_apic_set_reg(apic->regs, reg, val);
		if ((val & MVM_LVT_TIMER_MODE) != old_mode) {
			mvm_apic_set_reg(apic->regs, MVM_APIC_TMICT, 0);
			apic->period_ns = 0;
			apic->tsc_deadline = 0;
			break;
		}
		goto rearm;
	case MVM_APIC_TMICT:
		if (old_mode == MVM_TIMER_TSC_DEADLINE)
			goto rearm;
		mvm_apic_set_reg(apic->regs, reg, val);
		mvm_apic_timer_load(apic);
		break;
	case MVM_APIC_TDCR:
		/*
		 * The new rate applies from the next load of the count; the
		 * period in progress keeps its length (a simplification: the
		 * SDM leaves the effect on a running count unspecified).
		 */
		mvm_apic_set_reg(apic->regs, reg, val & 0xb);
		goto rearm;
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	return;

rearm:
	/* Nothing changed the count: put the cancelled expiry back. */
	if (apic->period_ns || apic->tsc_deadline)
		hrtimer_start(&apic->timer, hrtimer_get_expires(&apic->timer),
			      HRTIMER_MODE_ABS_HARD);
	spin_unlock_irqrestore(&apic->lock, flags);
}

/*
 * After MINIVMM_SET_LAPIC: run the count the saved registers describe,
 * @current_count of the initial count being left (0: a one-shot count that
 * had expired, or a stopped timer).  TSC-deadline mode waits for the
 * IA32_TSC_DEADLINE write that restores its deadline.
 */
void mvm_apic_timer_restore(struct mvm_lapic *apic, u32 current_count)
{
	u32 tdcr = mvm_apic_reg(apic->regs, MVM_APIC_TDCR);
	u32 initial = mvm_apic_reg(apic->regs, MVM_APIC_TMICT);
	unsigned long flags;
	u64 left;

	spin_lock_irqsave(&apic->lock, flags);
	apic->period_ns = 0;
	apic->tsc_deadline = 0;
	if (mvm_apic_timer_mode(apic) == MVM_TIMER_TSC_DEADLINE || !initial ||
	    !current_count)
		goto out;
	mvm_apic_timer_load(apic);
	left = min(mvm_apic_count_ns(min(current_count, initial), tdcr),
		   apic->period_ns);
	/* As if loaded (period - left) ago. */
	apic->start = ktime_sub_ns(ktime_get(), apic->period_ns - left);
	hrtimer_start(&apic->timer, ktime_add_ns(apic->start, apic->period_ns),
		      HRTIMER_MODE_ABS_HARD);
out:
	spin_unlock_irqrestore(&apic->lock, flags);
}

/* The current count register (11.5.4): what is left of this period. */
u32 mvm_apic_timer_current(struct mvm_lapic *apic)
{
	unsigned long flags;
	u64 elapsed, left;
	u32 count = 0;

	spin_lock_irqsave(&apic->lock, flags);
	if (apic->period_ns &&
	    mvm_apic_timer_mode(apic) != MVM_TIMER_TSC_DEADLINE) {
		elapsed = ktime_to_ns(ktime_sub(ktime_get(), apic->start));
		/* A late expiry has not moved @start on yet. */
		if (mvm_apic_timer_mode(apic) == MVM_TIMER_PERIODIC)
			div64_u64_rem(elapsed, apic->period_ns, &elapsed);
		left = elapsed < apic->period_ns ? apic->period_ns - elapsed : 0;
		count = min(mvm_apic_ns_count(left,
					      mvm_apic_reg(apic->regs,
							   MVM_APIC_TDCR)),
			    mvm_apic_reg(apic->regs, MVM_APIC_TMICT));
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	return count;
}

u64 mvm_apic_tsc_deadline_read(struct mvm_lapic *apic)
{
	if (mvm_apic_timer_mode(apic) != MVM_TIMER_TSC_DEADLINE)
		return 0;
	return READ_ONCE(apic->tsc_deadline);
}

/*
 * A write of IA32_TSC_DEADLINE (SDM 11.5.4.1): ignored outside TSC-deadline
 * mode, 0 disarms, a deadline already passed fires at once.  @guest_tsc is
 * the guest's TSC now.
 */
void mvm_apic_tsc_deadline_write(struct mvm_lapic *apic, u64 deadline,
				 u64 guest_tsc)
{
	unsigned long flags;
	bool now = false;
	u64 ns;

	if (mvm_apic_timer_mode(apic) != MVM_TIMER_TSC_DEADLINE)
		return;
	hrtimer_cancel(&apic->timer);
	spin_lock_irqsave(&apic->lock, flags);
	apic->tsc_deadline = deadline;
	ns = mvm_tsc_deadline_wait_ns(deadline, guest_tsc, tsc_khz);
	if (deadline && !ns) {
		mvm_lapic_timer_irq(apic);
		apic->tsc_deadline = 0;
		now = true;
	} else if (deadline) {
		hrtimer_start(&apic->timer, ktime_add_ns(ktime_get(), ns),
			      HRTIMER_MODE_ABS_HARD);
	}
	spin_unlock_irqrestore(&apic->lock, flags);
	if (now)
		set_bit(MVM_REQ_EVENT, &apic->vcpu->requests);
}
