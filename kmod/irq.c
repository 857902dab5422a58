// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's irqchip: MINIVMM_CREATE_IRQCHIP, the interrupt messages that
 * travel between the I/O APIC, MSIs, IPIs and the local APICs, the two
 * ioctls that let the VMM's devices interrupt the guest, and the kick that
 * makes a vCPU notice.
 *
 * The model is KVM's "in-kernel irqchip": the VM opts in before creating
 * its vCPUs; each vCPU then gets a local APIC (lapic.c) and the VM an I/O
 * APIC (ioapic.c).  Every interrupt, whatever raised it, becomes a struct
 * mvm_irq and goes through mvm_irq_deliver(), which finds the destination
 * APICs (SDM Vol. 3A 11.6.2), lets each accept it into IRR and kicks its
 * vCPU.  The vCPU then injects it at its next entry (inject.c).
 */
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include "minivmm.h"

/* MSI address (SDM Vol. 3A 11.11.1): 0xfee, destination 19:12, RH, DM. */
#define MSI_ADDR_BASE_MASK	0xfff00000u
#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_LOGICAL	BIT(2)
/* MSI data (11.11.2): vector 7:0, delivery mode 10:8, level 15. */
#define MSI_DATA_LEVEL		BIT(15)

/*
 * MINIVMM_CREATE_IRQCHIP: before any vCPU (each takes its local APIC at
 * creation), once.
 */
int mvm_create_irqchip(struct mvm_vm *vm)
{
	int r;

	mutex_lock(&vm->lock);
	if (vm->ioapic)
		r = -EEXIST;
	else if (vm->nr_vcpus)
		r = -EINVAL;
	else
		r = mvm_ioapic_create(vm);
	mutex_unlock(&vm->lock);
	return r;
}

/* At VM destruction, after the vCPUs (and their APICs) are gone. */
void mvm_irqchip_free(struct mvm_vm *vm)
{
	mvm_ioapic_free(vm);
}

/*
 * Make @vcpu notice an event: set MVM_REQ_EVENT, wake it if it sleeps in
 * HLT, and if it is in guest mode on another CPU interrupt that CPU, which
 * makes the guest exit (external-interrupt exiting / the INTR intercept).
 * Safe in any context, hard interrupts included.  The IPI is the
 * scheduler's reschedule IPI, as KVM's kick: it needs no memory of ours,
 * so none can be in flight when the vCPU is freed, and its handler does
 * nothing when there is nothing to schedule.
 */
void mvm_vcpu_kick(struct mvm_vcpu *vcpu)
{
	int cpu;

	set_bit(MVM_REQ_EVENT, &vcpu->requests);
	/* Pairs with the barrier after the mode write in vcpu.c. */
	smp_mb__after_atomic();
	wake_up_interruptible(&vcpu->wq);
	if (READ_ONCE(vcpu->mode) != MVM_IN_GUEST)
		return;
	cpu = READ_ONCE(vcpu->run_cpu);
	if (cpu != raw_smp_processor_id())
		smp_send_reschedule(cpu);
}

/*
 * Send @irq to every local APIC it names; @source is the sending APIC
 * for an IPI (its shorthands), NULL otherwise.  Lowest-priority delivery
 * goes to one destination only: the first that matches, which the SDM
 * allows (11.6.2.4: the arbitration is model-specific).  Returns how many
 * APICs accepted it.
 */
int mvm_irq_deliver(struct mvm_vm *vm, const struct mvm_irq *irq,
		    struct mvm_lapic *source)
{
	struct mvm_vcpu *vcpu;
	int i, n = 0;

	for (i = 0; i < MVM_MAX_VCPUS; i++) {
		vcpu = READ_ONCE(vm->vcpus[i]);
		if (!vcpu || !vcpu->apic ||
		    !mvm_lapic_match(vcpu->apic, irq, source))
			continue;
		if (!mvm_lapic_accept(vcpu->apic, irq))
			continue;
		mvm_vcpu_kick(vcpu);
		n++;
		if (irq->delivery == MVM_DM_LOWEST)
			break;
	}
	return n;
}

/*
 * Decode an MSI (SDM Vol. 3A 11.11).  -EINVAL for an address outside the
 * 0xfee00000 window, a nonzero high address (no extended destination ids)
 * or a delivery mode 11.11.2 reserves for MSIs (3 and 6: no STARTUP).
 */
int mvm_msi_to_irq(u32 addr_lo, u32 addr_hi, u32 data, struct mvm_irq *irq)
{
	if ((addr_lo & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE || addr_hi)
		return -EINVAL;
	memset(irq, 0, sizeof(*irq));
	irq->dest = (addr_lo >> MSI_ADDR_DEST_SHIFT) & 0xff;
	irq->logical = addr_lo & MSI_ADDR_LOGICAL;
	irq->vector = data & 0xff;
	irq->delivery = (data >> 8) & 7;
	irq->level = data & MSI_DATA_LEVEL;
	if (irq->delivery == 3 || irq->delivery == MVM_DM_STARTUP)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_msi_to_irq);

/* MINIVMM_IRQ_LINE: drive an I/O APIC pin. */
int mvm_irq_line(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_irq_level l;

	if (copy_from_user(&l, argp, sizeof(l)))
		return -EFAULT;
	if (!vm->ioapic)
		return -ENXIO;
	if (l.irq >= MVM_IOAPIC_PINS || l.level > 1)
		return -EINVAL;
	return mvm_ioapic_set_irq(vm->ioapic, l.irq, l.level);
}

/* MINIVMM_SIGNAL_MSI: every field checked, reserved ones zero. */
int mvm_signal_msi(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_msi msi;
	struct mvm_irq irq;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	if (!vm->ioapic)
		return -ENXIO;
	if (msi.flags || msi.devid || memchr_inv(msi.pad, 0, sizeof(msi.pad)))
		return -EINVAL;
	if (mvm_msi_to_irq(msi.address_lo, msi.address_hi, msi.data, &irq))
		return -EINVAL;
	return mvm_irq_deliver(vm, &irq, NULL);
}
