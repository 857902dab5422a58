// SPDX-License-Identifier: GPL-2.0
/*
 * GSI routing: where a device's interrupt goes when the kernel raises it
 * for the VMM (an irqfd, eventfd.c).  A GSI ("global system interrupt",
 * the ACPI name for an interrupt input) is routed to one I/O APIC pin or
 * to one MSI; MINIVMM_SET_GSI_ROUTING replaces the whole table, as KVM's
 * KVM_SET_GSI_ROUTING does, except that a GSI has at most one route here
 * (KVM lets one GSI fan out to several).
 *
 * Until the VMM sets a table, vm->irq_routing is NULL and GSI n is I/O APIC
 * pin n for every pin, KVM's default for its I/O APIC.  The table is read
 * in atomic context (an eventfd's wakeup callback) under RCU and replaced
 * under vm->eventfd_lock; the old one is freed after a grace period, so
 * once MINIVMM_SET_GSI_ROUTING returns no interrupt takes an old route.
 *
 * mvm_routing_build() turns the VMM's entries into a table: a pure function
 * of its input, tested by tests/route_kunit.c.
 */
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "minivmm.h"

/* The union's words that a member leaves unused must be 0. */
static bool route_tail_zero(const struct minivmm_irq_routing_entry *e,
			    size_t used)
{
	return !memchr_inv((const u8 *)&e->u + used, 0, sizeof(e->u) - used);
}

/* Check one entry and decode it into @r; -EINVAL for anything unknown. */
static int route_decode(const struct minivmm_irq_routing_entry *e,
			struct mvm_route *r)
{
	if (e->flags || e->pad)
		return -EINVAL;

	switch (e->type) {
	case MINIVMM_IRQ_ROUTING_IRQCHIP:
		if (e->u.irqchip.irqchip != MINIVMM_IRQCHIP_IOAPIC ||
		    e->u.irqchip.pin >= MVM_IOAPIC_PINS ||
		    !route_tail_zero(e, sizeof(e->u.irqchip)))
			return -EINVAL;
		r->pin = e->u.irqchip.pin;
		break;
	case MINIVMM_IRQ_ROUTING_MSI:
		/*
		 * Decoded now, so that a bad message is refused here rather
		 * than dropped at each interrupt; devid (KVM's for ARM ITS,
		 * with a flag minivmm does not have) must be 0.
		 */
		if (e->u.msi.devid || !route_tail_zero(e, sizeof(e->u.msi)) ||
		    mvm_msi_to_irq(e->u.msi.address_lo, e->u.msi.address_hi,
				   e->u.msi.data, &r->msi))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	r->type = e->type;
	return 0;
}

/*
 * A routing table from @nr entries: indexed by GSI, as long as the highest
 * GSI + 1.  -EINVAL for more than MVM_NR_GSIS entries, a GSI out of range,
 * a GSI given twice or a bad entry; -ENOMEM.  @nr 0 gives an empty table
 * (no GSI goes anywhere).  The caller frees it with kvfree().
 */
VISIBLE_IF_KUNIT int
mvm_routing_build(const struct minivmm_irq_routing_entry *e, u32 nr,
		  struct mvm_routing **out)
{
	struct mvm_routing *t;
	u32 i, size = 0;
	int r;

	if (nr > MVM_NR_GSIS)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if (e[i].gsi >= MVM_NR_GSIS)
			return -EINVAL;
		size = max(size, e[i].gsi + 1);
	}

	t = kvzalloc(struct_size(t, routes, size), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->nr = size;
	for (i = 0; i < nr; i++) {
		struct mvm_route *rt = &t->routes[e[i].gsi];

		/* A GSI with a route already: one route per GSI. */
		r = rt->type ? -EINVAL : route_decode(&e[i], rt);
		if (r) {
			kvfree(t);
			return r;
		}
	}
	*out = t;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_routing_build);

/*
 * A copy of @gsi's route, false when it has none.  Any context; the
 * caller need not hold RCU (the copy outlives the table).
 */
VISIBLE_IF_KUNIT bool mvm_route_lookup(struct mvm_vm *vm, u32 gsi,
				       struct mvm_route *out)
{
	const struct mvm_routing *t;
	bool found = false;

	rcu_read_lock();
	t = rcu_dereference(vm->irq_routing);
	if (!t) {
		/* The default: GSI n is pin n. */
		if (gsi < MVM_IOAPIC_PINS) {
			out->type = MINIVMM_IRQ_ROUTING_IRQCHIP;
			out->pin = gsi;
			found = true;
		}
	} else if (gsi < t->nr && t->routes[gsi].type) {
		*out = t->routes[gsi];
		found = true;
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_route_lookup);

/* The I/O APIC pin @gsi goes to, or -1 (an MSI, or no route). */
int mvm_gsi_pin(struct mvm_vm *vm, u32 gsi)
{
	struct mvm_route r;

	if (!mvm_route_lookup(vm, gsi, &r) ||
	    r.type != MINIVMM_IRQ_ROUTING_IRQCHIP)
		return -1;
	return r.pin;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_gsi_pin);

/*
 * Raise @gsi for a device.  An I/O APIC pin is pulsed, raised and lowered
 * again, as KVM does for an irqfd: an edge for an edge-triggered entry,
 * one message for a level-triggered one.  With @hold (a resampling
 * irqfd) the pin stays raised until the guest's EOI lowers it
 * (mvm_irqfd_resample()).  An MSI is sent.  A GSI without a route does
 * nothing.
 *
 * Any context, hard interrupts included: the I/O APIC and local APIC
 * locks are spinlocks taken with interrupts off, and the kick is a wakeup
 * and an IPI.
 */
void mvm_gsi_raise(struct mvm_vm *vm, u32 gsi, bool hold)
{
	struct mvm_route r;

	if (!mvm_route_lookup(vm, gsi, &r))
		return;
	if (r.type == MINIVMM_IRQ_ROUTING_MSI) {
		mvm_irq_deliver(vm, &r.msi, NULL);
		return;
	}
	mvm_ioapic_set_irq(vm->ioapic, r.pin, true);
	if (!hold)
		mvm_ioapic_set_irq(vm->ioapic, r.pin, false);
}

/* Lower the pin @gsi goes to, if it goes to one. */
void mvm_gsi_lower(struct mvm_vm *vm, u32 gsi)
{
	int pin = mvm_gsi_pin(vm, gsi);

	if (pin >= 0)
		mvm_ioapic_set_irq(vm->ioapic, pin, false);
}

/*
 * MINIVMM_SET_GSI_ROUTING.  The entries are copied into the kernel once
 * and only the copy is checked and used.
 */
int mvm_set_gsi_routing(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_irq_routing_entry *e = NULL;
	struct minivmm_irq_routing hdr;
	struct mvm_routing *new, *old;
	int r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (!READ_ONCE(vm->ioapic))
		return -ENXIO;
	if (hdr.flags || hdr.nr > MVM_NR_GSIS)
		return -EINVAL;

	if (hdr.nr) {
		/* At most MVM_NR_GSIS * 48 bytes: no overflow. */
		size_t len = hdr.nr * sizeof(*e);

		e = kvmalloc(len, GFP_KERNEL_ACCOUNT);
		if (!e)
			return -ENOMEM;
		if (copy_from_user(e, argp + sizeof(hdr), len)) {
			kvfree(e);
			return -EFAULT;
		}
	}
	r = mvm_routing_build(e, hdr.nr, &new);
	kvfree(e);
	if (r)
		return r;

	mutex_lock(&vm->eventfd_lock);
	old = rcu_replace_pointer(vm->irq_routing, new,
				  lockdep_is_held(&vm->eventfd_lock));
	mutex_unlock(&vm->eventfd_lock);
	/* No interrupt in flight still reads the old table. */
	synchronize_rcu();
	kvfree(old);
	return 0;
}

/* At VM destruction, when no irqfd is left to read the table. */
void mvm_routing_free(struct mvm_vm *vm)
{
	kvfree(rcu_dereference_protected(vm->irq_routing, true));
	RCU_INIT_POINTER(vm->irq_routing, NULL);
}
