// SPDX-License-Identifier: GPL-2.0
/*
 * Which event a vCPU with the in-kernel irqchip takes at its next entry,
 * and the HLT that waits for one.
 *
 * Before an entry, mvm_inject_events() looks at what is pending -- an
 * event the backend already holds for the entry (a queued exception, or
 * one an exit interrupted), NMIs, and the local APIC's highest deliverable
 * vector -- in the priority order of SDM Vol. 3A 6.9 (exceptions, then
 * NMI, then maskable interrupts), and hands at most one to the backend.
 * What cannot go in now because the guest blocks it (RFLAGS.IF = 0, an
 * STI or MOV SS shadow, NMI blocking) or because another event occupies
 * the entry is left pending, and the backend is asked for an exit the
 * moment the guest can take it (an interrupt or NMI window).  It runs
 * before the entries that follow a change (MVM_REQ_EVENT, minivmm.h) and
 * while an event waits; the other entries skip it, as KVM's skip
 * inject_pending_event() without KVM_REQ_EVENT.  The vendor
 * ops carry the decisions out (vmx/exit.c, svm/exit.c).
 *
 * A vCPU that executes HLT sleeps here until something it can take is
 * pending, a signal arrives, or the VM dies: MINIVMM_RUN does not return
 * for it.  Everything that makes an event pending kicks the vCPU
 * (mvm_vcpu_kick()), which wakes it.
 */
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include "minivmm.h"

/* Called with the vCPU loaded, on its own thread, before an entry. */
void mvm_inject_events(struct mvm_vcpu *vcpu)
{
	bool irq_window = false, nmi_window = false;
	bool queued = mvm_ops->event_queued(vcpu);
	int vec = mvm_lapic_pending_vector(vcpu->apic);

	if (atomic_read(&vcpu->nmi_pending)) {
		if (!queued && mvm_ops->nmi_allowed(vcpu)) {
			atomic_dec(&vcpu->nmi_pending);
			mvm_ops->inject_nmi(vcpu);
			mvm_stat_injected(vcpu);
			queued = true;
		}
		/* Another NMI, or one that must wait: exit when it can go. */
		nmi_window = atomic_read(&vcpu->nmi_pending) > 0;
	}
	if (vec >= 0) {
		if (!queued && mvm_ops->interrupt_allowed(vcpu)) {
			mvm_lapic_ack(vcpu->apic, vec);
			mvm_ops->inject_irq(vcpu, vec);
			mvm_stat_injected(vcpu);
		} else {
			irq_window = true;
		}
	}
	mvm_ops->enable_nmi_window(vcpu, nmi_window);
	mvm_ops->enable_irq_window(vcpu, irq_window);
	mvm_ops->sync_tpr(vcpu, mvm_lapic_get_tpr(vcpu),
			  vec < 0 && mvm_lapic_tpr_blocks(vcpu->apic));
	/*
	 * Look again at the next entry while something waits, or after an
	 * injection (a lower vector may follow).  An IRR bit that only the
	 * ISR or the TPR holds back needs no look until an EOI or a TPR
	 * write, and both set MVM_REQ_EVENT.
	 */
	vcpu->events_pending = vec >= 0 || nmi_window || irq_window ||
			       atomic_read(&vcpu->nmi_pending);
}

/*
 * Whether a halted vCPU has something to wake for (SDM Vol. 2A, HLT: "an
 * enabled interrupt (including NMI ...)"): an NMI, or an interrupt the
 * local APIC would deliver and RFLAGS.IF lets in.
 */
bool mvm_vcpu_has_wakeup(struct mvm_vcpu *vcpu)
{
	if (atomic_read(&vcpu->nmi_pending))
		return true;
	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       mvm_lapic_pending_vector(vcpu->apic) >= 0;
}

/*
 * The vCPU executed HLT: sleep until it can take an event.  Returns 1 to
 * enter the guest again, -EINTR for a signal (the vCPU stays halted, so
 * the next MINIVMM_RUN waits on), -EIO when the VM died meanwhile.
 */
int mvm_vcpu_halt(struct mvm_vcpu *vcpu)
{
	int r;

	r = wait_event_interruptible(vcpu->wq, mvm_vcpu_has_wakeup(vcpu) ||
				     READ_ONCE(vcpu->vm->dead));
	if (r)
		return -EINTR;
	if (READ_ONCE(vcpu->vm->dead))
		return -EIO;
	WRITE_ONCE(vcpu->halted, false);
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_vcpu_halt);
