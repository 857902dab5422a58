// SPDX-License-Identifier: GPL-2.0
/*
 * Events for the in-kernel irqchip on VMX: injecting an external
 * interrupt or an NMI, the interrupt and NMI windows, and the pending
 * events of MINIVMM_GET/SET_VCPU_EVENTS.  inject.c decides what goes in;
 * this file only knows how.  Mirrors svm/event.c.
 *
 * An event goes into the VM-entry interruption-information field like an
 * exception (SDM Vol. 3C 27.6.1): the CPU delivers it through the guest's
 * IDT as the first thing after entry.  vmx->event holds it until then
 * (exit.c writes the field at entry and re-queues an event an exit
 * interrupted).
 */
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "vmx.h"
#include "vmx_ops.h"

bool vmx_event_queued(struct mvm_vcpu *vcpu)
{
	return to_vmx(vcpu)->event.pending;
}

/* RFLAGS.IF and no STI / MOV SS blocking (SDM Vol. 3C 27.3.1.5). */
bool vmx_interrupt_allowed(struct mvm_vcpu *vcpu)
{
	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/*
 * No blocking by NMI (set by the CPU when it delivers one, cleared by
 * IRET: virtual NMIs, SDM Vol. 3C 25.3) and no shadow: an NMI is refused
 * at entry with MOV SS blocking, and may be with STI blocking.
 */
bool vmx_nmi_allowed(struct mvm_vcpu *vcpu)
{
	return !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS |
		  GUEST_INTR_STATE_NMI));
}

static void vmx_set_event(struct vmx_vcpu *vmx, u32 info)
{
	vmx->event.pending = true;
	vmx->event.info = info | INTR_INFO_VALID_MASK;
	vmx->event.error_code = 0;
	vmx->event.insn_len = 0;
}

void vmx_inject_irq(struct mvm_vcpu *vcpu, u8 vector)
{
	vmx_set_event(to_vmx(vcpu), vector | INTR_TYPE_EXT_INTR);
}

void vmx_inject_nmi(struct mvm_vcpu *vcpu)
{
	vmx_set_event(to_vmx(vcpu), X86_TRAP_NMI | INTR_TYPE_NMI_INTR);
}

/* Set or clear a primary processor-based control, writing only changes. */
static void vmx_set_proc(struct vmx_vcpu *vmx, u32 bit, bool on)
{
	u32 proc = on ? vmx->proc | bit : vmx->proc & ~bit;

	if (proc == vmx->proc)
		return;
	vmx->proc = proc;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc);
}

/*
 * Interrupt-window exiting: an exit at the first instruction boundary
 * where RFLAGS.IF = 1 and nothing blocks interrupts (SDM Vol. 3C 26.7.5).
 */
void vmx_enable_irq_window(struct mvm_vcpu *vcpu, bool on)
{
	vmx_set_proc(to_vmx(vcpu), CPU_BASED_INTR_WINDOW_EXITING, on);
}

/* NMI-window exiting: the same for virtual-NMI blocking (26.7.6). */
void vmx_enable_nmi_window(struct mvm_vcpu *vcpu, bool on)
{
	vmx_set_proc(to_vmx(vcpu), CPU_BASED_NMI_WINDOW_EXITING, on);
}

/* Every CR8 access exits on VMX (vmcs.c): the TPR is always current. */
void vmx_sync_tpr(struct mvm_vcpu *vcpu, u8 tpr, bool tpr_blocks)
{
}

/*
 * MINIVMM_GET_VCPU_EVENTS: the event queued for the next entry, the
 * shadow and NMI blocking from the interruptibility state (SDM Vol. 3C
 * 25.4.2).  A software interrupt or exception that an exit interrupted is
 * not reported: the guest's RIP is still on its instruction, which runs
 * again if the event is dropped.
 */
void vmx_get_events(struct mvm_vcpu *vcpu, struct minivmm_vcpu_events *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u32 info = vmx->event.info;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if (vmx->event.pending) {
		switch (info & INTR_INFO_INTR_TYPE_MASK) {
		case INTR_TYPE_HARD_EXCEPTION:
			ev->exception.injected = 1;
			ev->exception.nr = vector;
			ev->exception.has_error_code =
				!!(info & INTR_INFO_DELIVER_CODE_MASK);
			ev->exception.error_code = vmx->event.error_code;
			break;
		case INTR_TYPE_EXT_INTR:
			ev->interrupt.injected = 1;
			ev->interrupt.nr = vector;
			break;
		case INTR_TYPE_NMI_INTR:
			ev->nmi.injected = 1;
			break;
		}
	}
	if (intr & GUEST_INTR_STATE_STI)
		ev->interrupt.shadow |= MINIVMM_SHADOW_STI;
	if (intr & GUEST_INTR_STATE_MOV_SS)
		ev->interrupt.shadow |= MINIVMM_SHADOW_MOV_SS;
	ev->nmi.masked = !!(intr & GUEST_INTR_STATE_NMI);
}

/*
 * MINIVMM_SET_VCPU_EVENTS, checked by irqstate.c.  An NMI queued for
 * injection is not also marked blocked: the CPU blocks NMIs when it
 * delivers it, and an entry injecting an NMI with blocking by NMI set
 * fails (SDM Vol. 3C 27.3.1.5).
 */
void vmx_set_events(struct mvm_vcpu *vcpu,
		    const struct minivmm_vcpu_events *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u32 info;

	vmx->event.pending = false;
	if (ev->exception.injected || ev->exception.pending) {
		info = ev->exception.nr | INTR_TYPE_HARD_EXCEPTION;
		/* No error code in real mode (27.2.1.3), as queue_exception. */
		if (ev->exception.has_error_code &&
		    (vmx_get_cr0(vmx) & X86_CR0_PE))
			info |= INTR_INFO_DELIVER_CODE_MASK;
		vmx_set_event(vmx, info);
		vmx->event.error_code = ev->exception.error_code;
	} else if (ev->interrupt.injected) {
		vmx_inject_irq(vcpu, ev->interrupt.nr);
	} else if (ev->nmi.injected) {
		vmx_inject_nmi(vcpu);
	}
	if (ev->flags & MINIVMM_VCPUEVENT_VALID_SHADOW) {
		intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
		if (ev->interrupt.shadow & MINIVMM_SHADOW_STI)
			intr |= GUEST_INTR_STATE_STI;
		if (ev->interrupt.shadow & MINIVMM_SHADOW_MOV_SS)
			intr |= GUEST_INTR_STATE_MOV_SS;
	}
	/*
	 * An interrupt or NMI queued for the entry means the guest could take
	 * it: no shadow, whatever the vCPU had (the entry would fail).
	 */
	if (ev->interrupt.injected || ev->nmi.injected)
		intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	intr &= ~GUEST_INTR_STATE_NMI;
	if (ev->nmi.masked && !ev->nmi.injected)
		intr |= GUEST_INTR_STATE_NMI;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
}
