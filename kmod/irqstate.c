// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and restoring the irqchip's state and a vCPU's pending events,
 * so that a VM can be paused, snapshotted and moved: MINIVMM_GET/SET_LAPIC
 * (the local APIC's register page), MINIVMM_GET/SET_IRQCHIP (the I/O
 * APIC), MINIVMM_GET/SET_VCPU_EVENTS (what the next entry injects, the
 * interrupt shadow, NMI state).  KVM's layouts, and KVM's order for a
 * restore: IA32_APIC_BASE (SET_SREGS or SET_MSRS) before SET_LAPIC, and
 * IA32_TSC_DEADLINE after it.
 *
 * Every field userspace gives is checked here before anything changes;
 * the models then apply it (lapic.c, ioapic.c, the vendors' event.c).
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "minivmm.h"

#define NMI_VECTOR_NR	2

/* Callers hold vcpu->mutex, as for every vCPU ioctl. */
int mvm_get_lapic(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_lapic_state *st;
	int r = 0;

	if (!vcpu->apic)
		return -ENXIO;
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	BUILD_BUG_ON(sizeof(st->regs) != MVM_APIC_REGS_SIZE);
	mvm_lapic_get_state(vcpu, st->regs);
	if (copy_to_user(argp, st, sizeof(*st)))
		r = -EFAULT;
	kfree(st);
	return r;
}

int mvm_set_lapic(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_lapic_state *st;
	int r;

	if (!vcpu->apic)
		return -ENXIO;
	st = memdup_user(argp, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	r = mvm_lapic_set_state(vcpu, st->regs);
	kfree(st);
	return r;
}

/* Only the I/O APIC: there are no PICs (MINIVMM_IRQCHIP_IOAPIC). */
int mvm_get_irqchip(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_irqchip *chip;
	int r = 0;

	if (!vm->ioapic)
		return -ENXIO;
	chip = memdup_user(argp, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	if (chip->chip_id != MINIVMM_IRQCHIP_IOAPIC || chip->pad) {
		r = -EINVAL;
		goto out;
	}
	memset(&chip->chip, 0, sizeof(chip->chip));
	mvm_ioapic_get_state(vm->ioapic, &chip->chip.ioapic);
	if (copy_to_user(argp, chip, sizeof(*chip)))
		r = -EFAULT;
out:
	kfree(chip);
	return r;
}

int mvm_set_irqchip(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_irqchip *chip;
	size_t used = sizeof(chip->chip.ioapic);
	int r;

	if (!vm->ioapic)
		return -ENXIO;
	chip = memdup_user(argp, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	r = -EINVAL;
	if (chip->chip_id != MINIVMM_IRQCHIP_IOAPIC || chip->pad ||
	    memchr_inv(chip->chip.dummy + used, 0,
		       sizeof(chip->chip.dummy) - used))
		goto out;
	r = mvm_ioapic_set_state(vm->ioapic, &chip->chip.ioapic);
out:
	kfree(chip);
	return r;
}

/* The two events ioctls: vCPU loaded (the backend reads its VMCS/VMCB). */
int mvm_get_vcpu_events(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	mvm_ops->get_events(vcpu, &ev);
	ev.nmi.pending = atomic_read(&vcpu->nmi_pending) > 0;
	ev.flags = MINIVMM_VCPUEVENT_VALID_NMI_PENDING |
		   MINIVMM_VCPUEVENT_VALID_SHADOW;
	return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
}

/* Exceptions that push an error code (SDM Vol. 3A Table 6-1). */
static bool mvm_exception_has_error(u8 nr)
{
	switch (nr) {
	case 8: case 10: case 11: case 12: case 13: case 14: case 17:
	case 21: case 29: case 30:
		return true;
	default:
		return false;
	}
}

/*
 * A request MINIVMM_SET_VCPU_EVENTS can apply: known flags, every unused
 * field 0, booleans 0 or 1, at most one event to inject, an exception
 * vector below 32 (not NMI's) with an error code only where the CPU pushes
 * one, an interrupt vector of 16 or more, no shadow with an interrupt or
 * an NMI to inject (the entry would fail: SDM Vol. 3C 27.3.1.5; the
 * backends drop a shadow the vCPU had when one is queued without a new
 * shadow), the shadow and NMI-pending fields only with their flags.
 */
VISIBLE_IF_KUNIT int mvm_vcpu_events_check(const struct minivmm_vcpu_events *ev)
{
	const struct minivmm_vcpu_events zero = {};
	bool exc = ev->exception.injected || ev->exception.pending;

	if (ev->flags & ~(MINIVMM_VCPUEVENT_VALID_NMI_PENDING |
			  MINIVMM_VCPUEVENT_VALID_SHADOW))
		return -EINVAL;
	if (ev->sipi_vector || memcmp(&ev->smi, &zero.smi, sizeof(ev->smi)) ||
	    ev->triple_fault.pending ||
	    memchr_inv(ev->reserved, 0, sizeof(ev->reserved)) ||
	    ev->exception_has_payload || ev->exception_payload ||
	    ev->nmi.pad || ev->interrupt.soft)
		return -EINVAL;
	if (ev->exception.injected > 1 || ev->exception.pending > 1 ||
	    ev->exception.has_error_code > 1 || ev->interrupt.injected > 1 ||
	    ev->nmi.injected > 1 || ev->nmi.pending > 1 || ev->nmi.masked > 1)
		return -EINVAL;
	if (exc + ev->interrupt.injected + ev->nmi.injected > 1)
		return -EINVAL;
	if (exc) {
		if (ev->exception.nr >= 32 || ev->exception.nr == NMI_VECTOR_NR ||
		    (ev->exception.has_error_code &&
		     !mvm_exception_has_error(ev->exception.nr)))
			return -EINVAL;
	} else if (ev->exception.nr || ev->exception.has_error_code ||
		   ev->exception.error_code) {
		return -EINVAL;
	}
	if (ev->interrupt.injected ? ev->interrupt.nr < 16 : ev->interrupt.nr)
		return -EINVAL;
	if (ev->interrupt.shadow &
	    ~(MINIVMM_SHADOW_MOV_SS | MINIVMM_SHADOW_STI))
		return -EINVAL;
	if (ev->interrupt.shadow &&
	    (!(ev->flags & MINIVMM_VCPUEVENT_VALID_SHADOW) ||
	     ev->interrupt.injected || ev->nmi.injected))
		return -EINVAL;
	if (ev->nmi.pending &&
	    !(ev->flags & MINIVMM_VCPUEVENT_VALID_NMI_PENDING))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_vcpu_events_check);

int mvm_set_vcpu_events(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_vcpu_events ev;
	int r;

	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	r = mvm_vcpu_events_check(&ev);
	if (r)
		return r;
	mvm_ops->set_events(vcpu, &ev);
	if (ev.flags & MINIVMM_VCPUEVENT_VALID_NMI_PENDING)
		atomic_set(&vcpu->nmi_pending, ev.nmi.pending);
	set_bit(MVM_REQ_EVENT, &vcpu->requests);
	return 0;
}
