// SPDX-License-Identifier: GPL-2.0
/*
 * Events for the in-kernel irqchip on SVM: injecting an external
 * interrupt or an NMI, the interrupt window, NMI blocking, the TPR, and
 * the pending events of MINIVMM_GET/SET_VCPU_EVENTS.  inject.c decides
 * what goes in; this file only knows how.  Mirrors vmx/event.c.
 *
 * Events go through EVENTINJ (APM Vol. 2 15.20), as exceptions do; exit.c
 * re-queues one an exit interrupted (svm_complete_interrupts()).
 */
#include <asm/svm.h>
#include <asm/traps.h>

#include "svm.h"

bool svm_event_queued(struct mvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.event_inj & SVM_EVTINJ_VALID;
}

/* RFLAGS.IF and no interrupt shadow (APM 15.21.5); GIF is the host's. */
bool svm_interrupt_allowed(struct mvm_vcpu *vcpu)
{
	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(to_svm(vcpu)->vmcb->control.int_state &
		 SVM_INTERRUPT_SHADOW_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(svm_interrupt_allowed);

bool svm_nmi_allowed(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return !svm->nmi_masked &&
	       !(svm->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
}
EXPORT_SYMBOL_IF_KUNIT(svm_nmi_allowed);

void svm_inject_irq(struct mvm_vcpu *vcpu, u8 vector)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
	c->event_inj_err = 0;
}

/*
 * SVM does not track NMI blocking for the guest (APM 15.21.3 leaves it to
 * the hypervisor): it is ours from the injection until the handler's IRET
 * has run, which the IRET intercept reports (svm_handle_iret()).
 */
void svm_inject_nmi(struct mvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;

	c->event_inj = NMI_VECTOR | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
	c->event_inj_err = 0;
	svm->nmi_masked = true;
	svm_intercept(c, INTERCEPT_IRET, true);
}

/*
 * An interrupt window: a virtual interrupt (V_IRQ, ignoring V_TPR) that
 * the guest would take as soon as RFLAGS.IF = 1 and no shadow blocks it,
 * intercepted (VINTR, APM 15.21.4) so that the real one is injected then.
 */
void svm_enable_irq_window(struct mvm_vcpu *vcpu, bool on)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;

	/* Not while the CPU would open it inside a shadow: svm_handle_vintr(). */
	if (svm->hold_window)
		on = false;
	c->int_ctl &= ~V_IRQ_INJECTION_BITS_MASK;
	if (on)
		c->int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK |
			      (0xf << V_INTR_PRIO_SHIFT);
	svm_intercept(c, INTERCEPT_VINTR, on);
}
EXPORT_SYMBOL_IF_KUNIT(svm_enable_irq_window);

/*
 * SVM has no NMI window.  An NMI that waits for the guest's IRET is
 * injected at the first exit after it (the IRET intercept makes one); one
 * that waits out an interrupt shadow, at the next exit of any kind.
 */
void svm_enable_nmi_window(struct mvm_vcpu *vcpu, bool on)
{
}

/*
 * With V_INTR_MASKING the guest's CR8 is V_TPR (APM 15.21.1), read and
 * written without exits; it is kept equal to the local APIC's TPR, and
 * while an interrupt waits only for the TPR to drop, CR8 writes exit so
 * that the drop is seen at once.
 */
void svm_sync_tpr(struct mvm_vcpu *vcpu, u8 tpr, bool tpr_blocks)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | (tpr >> 4);
	svm_intercept(c, INTERCEPT_CR8_WRITE, tpr_blocks);
}

/*
 * MINIVMM_GET_VCPU_EVENTS: what EVENTINJ holds for the next entry, the
 * interrupt shadow (SVM does not say whether STI or MOV SS made it: it is
 * reported as STI) and minivmm's own NMI blocking.  A software interrupt
 * is never queued (svm_complete_interrupts() leaves it to run again).
 */
void svm_get_events(struct mvm_vcpu *vcpu, struct minivmm_vcpu_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 inj = c->event_inj;
	u8 vector = inj & SVM_EVTINJ_VEC_MASK;

	if (inj & SVM_EVTINJ_VALID) {
		switch (inj & SVM_EVTINJ_TYPE_MASK) {
		case SVM_EVTINJ_TYPE_EXEPT:
			ev->exception.injected = 1;
			ev->exception.nr = vector;
			ev->exception.has_error_code =
				!!(inj & SVM_EVTINJ_VALID_ERR);
			ev->exception.error_code = c->event_inj_err;
			break;
		case SVM_EVTINJ_TYPE_INTR:
			ev->interrupt.injected = 1;
			ev->interrupt.nr = vector;
			break;
		case SVM_EVTINJ_TYPE_NMI:
			ev->nmi.injected = 1;
			break;
		}
	}
	if (c->int_state & SVM_INTERRUPT_SHADOW_MASK)
		ev->interrupt.shadow = MINIVMM_SHADOW_STI;
	ev->nmi.masked = svm->nmi_masked;
}
EXPORT_SYMBOL_IF_KUNIT(svm_get_events);

/* MINIVMM_SET_VCPU_EVENTS, checked by irqstate.c. */
void svm_set_events(struct mvm_vcpu *vcpu,
		    const struct minivmm_vcpu_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	bool err;

	c->event_inj = 0;
	c->event_inj_err = 0;
	svm->awaiting_iret = false;
	svm->shadow_rip = ~0ULL;	/* a new state: nothing to compare with */
	svm->hold_window = false;
	svm->nmi_masked = ev->nmi.masked;
	if (ev->exception.injected || ev->exception.pending) {
		/* No error code in real mode, as svm_queue_exception(). */
		err = ev->exception.has_error_code &&
		      (svm->vmcb->save.cr0 & X86_CR0_PE);
		c->event_inj = ev->exception.nr | SVM_EVTINJ_TYPE_EXEPT |
			       SVM_EVTINJ_VALID |
			       (err ? SVM_EVTINJ_VALID_ERR : 0);
		c->event_inj_err = err ? ev->exception.error_code : 0;
	} else if (ev->interrupt.injected) {
		svm_inject_irq(vcpu, ev->interrupt.nr);
	} else if (ev->nmi.injected) {
		svm_inject_nmi(vcpu);
	}
	/* Blocked NMIs end at the guest's IRET, which must exit. */
	svm_intercept(c, INTERCEPT_IRET, svm->nmi_masked);
	if (ev->flags & MINIVMM_VCPUEVENT_VALID_SHADOW) {
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
		if (ev->interrupt.shadow)
			c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
	}
	/* Queued for the entry: the guest could take it, so no shadow. */
	if (ev->interrupt.injected || ev->nmi.injected)
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}
EXPORT_SYMBOL_IF_KUNIT(svm_set_events);
