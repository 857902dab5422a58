/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel interrupt controllers ("irqchip"), shared by the files
 * that implement them and included by minivmm.h:
 *
 *   lapic.c    the local APIC's register model (pure functions) and its
 *              xAPIC MMIO / x2APIC MSR interface, one per vCPU
 *   timer.c    the APIC timer (one-shot, periodic, TSC-deadline) on host
 *              hrtimers
 *   ioapic.c   the I/O APIC: 24 pins, redirection table, remote IRR
 *   irq.c      the irqchip of a VM: creation, interrupt messages (MSI,
 *              I/O APIC, IPI) delivered to local APICs, IRQ_LINE and
 *              SIGNAL_MSI, kicks
 *   irqstate.c MINIVMM_GET/SET_LAPIC, _IRQCHIP and _VCPU_EVENTS
 *   inject.c   which event a vCPU takes at its next entry, and the
 *              in-kernel HLT
 *   route.c    GSI routing: where a device's interrupt goes (a pin or
 *              an MSI), MINIVMM_SET_GSI_ROUTING
 *   eventfd.c  the device fast paths: ioeventfds (a guest write signals
 *              an eventfd) and irqfds (an eventfd write raises a GSI)
 *
 * Documentation/irq.rst describes the design; the locks are in
 * Documentation/locking.rst.
 */
#ifndef MINIVMM_IRQ_H
#define MINIVMM_IRQ_H

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <linux/minivmm.h>

struct mvm_vm;
struct mvm_vcpu;

/* The I/O APIC's pins and where its registers are (82093AA datasheet). */
#define MVM_IOAPIC_PINS		24
#define MVM_IOAPIC_BASE		0xfec00000ULL
#define MVM_IOAPIC_SIZE		0x1000

/*
 * The device fast paths' limits, so that a VMM cannot pin unbounded
 * kernel memory: GSIs in a routing table (MINIVMM_CAP_NR_GSIS), and
 * ioeventfds and irqfds per VM.
 */
#define MVM_NR_GSIS		1024
#define MVM_MAX_IOEVENTFDS	1024
#define MVM_MAX_IRQFDS		1024

/* IA32_APIC_BASE (SDM Vol. 3A 11.4.4). */
#define MVM_APIC_DEFAULT_BASE	0xfee00000ULL
#define MVM_APIC_BASE_BSP	BIT_ULL(8)
#define MVM_APIC_BASE_EXTD	BIT_ULL(10)	/* x2APIC mode */
#define MVM_APIC_BASE_ENABLE	BIT_ULL(11)

/*
 * The clock the APIC timer counts (before its divider), and what CPUID
 * 0x15 ECX reports as the crystal: 1 GHz, one count per nanosecond, as
 * KVM's default APIC bus.
 */
#define MVM_APIC_BUS_HZ		1000000000ULL

/* Local APIC register offsets (SDM Vol. 3A Table 11-1, xAPIC layout). */
#define MVM_APIC_ID		0x20
#define MVM_APIC_VERSION	0x30
#define MVM_APIC_TPR		0x80
#define MVM_APIC_APR		0x90
#define MVM_APIC_PPR		0xa0
#define MVM_APIC_EOI		0xb0
#define MVM_APIC_RRD		0xc0
#define MVM_APIC_LDR		0xd0
#define MVM_APIC_DFR		0xe0
#define MVM_APIC_SVR		0xf0
#define MVM_APIC_ISR		0x100	/* 8 registers, 0x10 apart */
#define MVM_APIC_TMR		0x180
#define MVM_APIC_IRR		0x200
#define MVM_APIC_ESR		0x280
#define MVM_APIC_LVT_CMCI	0x2f0
#define MVM_APIC_ICR		0x300
#define MVM_APIC_ICR2		0x310
#define MVM_APIC_LVT_TIMER	0x320
#define MVM_APIC_LVT_THERMAL	0x330
#define MVM_APIC_LVT_PMC	0x340
#define MVM_APIC_LVT_LINT0	0x350
#define MVM_APIC_LVT_LINT1	0x360
#define MVM_APIC_LVT_ERROR	0x370
#define MVM_APIC_TMICT		0x380	/* timer initial count */
#define MVM_APIC_TMCCT		0x390	/* timer current count */
#define MVM_APIC_TDCR		0x3e0	/* timer divide configuration */
#define MVM_APIC_SELF_IPI	0x3f0	/* x2APIC only */
#define MVM_APIC_REGS_SIZE		0x400

/* LVT and SVR bits (SDM Vol. 3A 11.5.1, 11.9). */
#define MVM_LVT_VECTOR		0xffu
#define MVM_LVT_DM_SHIFT	8
#define MVM_LVT_DM		(7u << MVM_LVT_DM_SHIFT)
#define MVM_LVT_PENDING	BIT(12)
#define MVM_LVT_LEVEL		BIT(15)
#define MVM_LVT_MASKED		BIT(16)
#define MVM_LVT_TIMER_MODE	(3u << 17)
#define MVM_TIMER_ONESHOT	(0u << 17)
#define MVM_TIMER_PERIODIC	(1u << 17)
#define MVM_TIMER_TSC_DEADLINE	(2u << 17)
#define MVM_SVR_ENABLE		BIT(8)

/* Delivery modes: ICR, LVT, I/O APIC and MSI bits 10:8 (SDM 11.6.1). */
enum mvm_delivery {
	MVM_DM_FIXED	= 0,
	MVM_DM_LOWEST	= 1,
	MVM_DM_SMI	= 2,
	MVM_DM_NMI	= 4,
	MVM_DM_INIT	= 5,
	MVM_DM_STARTUP	= 6,
	MVM_DM_EXTINT	= 7,
};

/* ICR destination shorthands, bits 19:18 (SDM Vol. 3A 11.6.1). */
enum mvm_shorthand {
	MVM_SH_NONE		= 0,
	MVM_SH_SELF		= 1,
	MVM_SH_ALL		= 2,
	MVM_SH_ALL_BUT_SELF	= 3,
};

/*
 * An interrupt message on its way to local APICs: what an I/O APIC
 * redirection entry, an MSI or an ICR write says.  @dest is an APIC id
 * (physical) or a logical destination; 8 bits in xAPIC mode, 32 in x2APIC.
 */
struct mvm_irq {
	u32 dest;
	u8 vector;
	u8 delivery;		/* enum mvm_delivery */
	u8 shorthand;		/* enum mvm_shorthand; ICR only */
	bool logical;		/* destination mode */
	bool level;		/* trigger mode: level */
};

/*
 * One vCPU's local APIC.  @lock protects @regs, @base and the timer state
 * below; it is taken by the vCPU's own thread (register accesses, event
 * injection), by other threads delivering interrupts (IRQ_LINE, MSIs) and
 * by the timer's hrtimer in hard interrupt context, so always with
 * interrupts off.  It nests inside the I/O APIC's lock and takes nothing.
 */
struct mvm_lapic {
	struct mvm_vcpu *vcpu;
	spinlock_t lock;
	u8 regs[MVM_APIC_REGS_SIZE];	/* the register page, xAPIC layout */
	u64 base;			/* IA32_APIC_BASE */

	/* The timer (timer.c). */
	struct hrtimer timer;
	u64 period_ns;			/* one-shot/periodic: count in ns; 0 off */
	ktime_t start;			/* when the count was (re)loaded */
	u64 tsc_deadline;		/* TSC-deadline mode: guest TSC; 0 off */
	u64 timer_fired;		/* expiries, for statistics */
};

/*
 * A VM's I/O APIC.  @lock protects every field; taken by any thread that
 * raises a pin or reads its registers, and by vCPU threads on EOI.  It is
 * taken before a local APIC's lock (delivery happens under it).
 */
struct mvm_ioapic {
	struct mvm_vm *vm;
	spinlock_t lock;
	u32 ioregsel;
	u32 id;				/* IOAPICID bits 27:24 */
	u32 irr;			/* edge: pending; level: line asserted */
	u32 line;			/* each pin's current level, from IRQ_LINE */
	u64 redir[MVM_IOAPIC_PINS];	/* redirection entries */
};

/*
 * One GSI's route (route.c): @type MINIVMM_IRQ_ROUTING_IRQCHIP with an
 * I/O APIC @pin, MINIVMM_IRQ_ROUTING_MSI with the message decoded into
 * @msi, or 0 for none.
 */
struct mvm_route {
	u32 type;
	u32 pin;
	struct mvm_irq msi;
};

/*
 * A VM's routing table, indexed by GSI (@nr: the highest GSI + 1).
 * Replaced whole under vm->eventfd_lock and read under RCU.
 */
struct mvm_routing {
	struct rcu_head rcu;
	u32 nr;
	struct mvm_route routes[];
};

/* lapic.c */
int mvm_lapic_create(struct mvm_vcpu *vcpu);
void mvm_lapic_free(struct mvm_vcpu *vcpu);
bool mvm_lapic_mmio(struct mvm_vcpu *vcpu, u64 gpa, unsigned int len,
		    bool write, u64 *val);
int mvm_lapic_msr_read(struct mvm_vcpu *vcpu, u32 msr, u64 *data);
int mvm_lapic_msr_write(struct mvm_vcpu *vcpu, u32 msr, u64 data);
int mvm_lapic_set_base(struct mvm_vcpu *vcpu, u64 val, bool host);
bool mvm_lapic_accept(struct mvm_lapic *apic, const struct mvm_irq *irq);
bool mvm_lapic_match(struct mvm_lapic *apic, const struct mvm_irq *irq,
		     struct mvm_lapic *source);
int mvm_lapic_pending_vector(struct mvm_lapic *apic);
bool mvm_lapic_tpr_blocks(struct mvm_lapic *apic);
void mvm_lapic_ack(struct mvm_lapic *apic, u8 vector);
void mvm_lapic_set_tpr(struct mvm_vcpu *vcpu, u8 tpr);
u8 mvm_lapic_get_tpr(struct mvm_vcpu *vcpu);
void mvm_lapic_timer_irq(struct mvm_lapic *apic);
void mvm_lapic_get_state(struct mvm_vcpu *vcpu, u8 *regs);
int mvm_lapic_set_state(struct mvm_vcpu *vcpu, const u8 *regs);

/* The pure register model, on a register page; tests/lapic_kunit.c. */
u32 mvm_apic_reg(const u8 *regs, unsigned int off);
void mvm_apic_set_reg(u8 *regs, unsigned int off, u32 val);
int mvm_apic_highest(const u8 *regs, unsigned int base);
u32 mvm_apic_ppr(const u8 *regs);
int mvm_apic_deliverable(const u8 *regs);
bool mvm_apic_tpr_blocks(const u8 *regs);
void mvm_apic_ack_vector(u8 *regs, u8 vector);
int mvm_apic_eoi_vector(u8 *regs);
bool mvm_apic_base_change_ok(u64 old, u64 new, int phys_bits);

/* timer.c */
void mvm_apic_timer_init(struct mvm_lapic *apic);
void mvm_apic_timer_stop(struct mvm_lapic *apic);
void mvm_apic_timer_write(struct mvm_lapic *apic, unsigned int reg, u32 val);
u32 mvm_apic_timer_current(struct mvm_lapic *apic);
void mvm_apic_timer_restore(struct mvm_lapic *apic, u32 current_count);
u64 mvm_apic_tsc_deadline_read(struct mvm_lapic *apic);
void mvm_apic_tsc_deadline_write(struct mvm_lapic *apic, u64 deadline,
				 u64 guest_tsc);
unsigned int mvm_apic_divisor(u32 tdcr);
u64 mvm_apic_count_ns(u32 count, u32 tdcr);
u32 mvm_apic_ns_count(u64 ns, u32 tdcr);
u64 mvm_tsc_delta_ns(u64 delta_tsc, u32 khz);
u64 mvm_tsc_deadline_wait_ns(u64 deadline, u64 guest_tsc, u32 khz);
u64 mvm_apic_period_clamp(u64 ns);

/* ioapic.c */
int mvm_ioapic_create(struct mvm_vm *vm);
void mvm_ioapic_free(struct mvm_vm *vm);
int mvm_ioapic_set_irq(struct mvm_ioapic *ioapic, u32 pin, bool level);
bool mvm_ioapic_mmio(struct mvm_vm *vm, u64 gpa, unsigned int len,
		     bool write, u64 *val);
void mvm_ioapic_eoi(struct mvm_vm *vm, u8 vector);
void mvm_ioapic_get_state(struct mvm_ioapic *ioapic,
			  struct minivmm_ioapic_state *st);
int mvm_ioapic_set_state(struct mvm_ioapic *ioapic,
			 const struct minivmm_ioapic_state *st);
/* The pure rules; tests/ioapic_kunit.c. */
u64 mvm_ioapic_redir_write(u64 old, u32 val, bool high);
void mvm_ioapic_redir_irq(u64 redir, struct mvm_irq *irq);

/* irq.c */
int mvm_create_irqchip(struct mvm_vm *vm);
void mvm_irqchip_free(struct mvm_vm *vm);
int mvm_irq_line(struct mvm_vm *vm, void __user *argp);
int mvm_signal_msi(struct mvm_vm *vm, void __user *argp);
int mvm_irq_deliver(struct mvm_vm *vm, const struct mvm_irq *irq,
		    struct mvm_lapic *source);
int mvm_msi_to_irq(u32 addr_lo, u32 addr_hi, u32 data, struct mvm_irq *irq);
void mvm_vcpu_kick(struct mvm_vcpu *vcpu);

/* irqstate.c */
int mvm_get_lapic(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_set_lapic(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_get_irqchip(struct mvm_vm *vm, void __user *argp);
int mvm_set_irqchip(struct mvm_vm *vm, void __user *argp);
int mvm_get_vcpu_events(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_set_vcpu_events(struct mvm_vcpu *vcpu, void __user *argp);
#if IS_ENABLED(CONFIG_KUNIT)
int mvm_vcpu_events_check(const struct minivmm_vcpu_events *ev);
#endif

/* inject.c */
void mvm_inject_events(struct mvm_vcpu *vcpu);
bool mvm_vcpu_has_wakeup(struct mvm_vcpu *vcpu);
int mvm_vcpu_halt(struct mvm_vcpu *vcpu);

/* route.c */
int mvm_set_gsi_routing(struct mvm_vm *vm, void __user *argp);
void mvm_routing_free(struct mvm_vm *vm);
int mvm_gsi_pin(struct mvm_vm *vm, u32 gsi);
void mvm_gsi_raise(struct mvm_vm *vm, u32 gsi, bool hold);
void mvm_gsi_lower(struct mvm_vm *vm, u32 gsi);
#if IS_ENABLED(CONFIG_KUNIT)
int mvm_routing_build(const struct minivmm_irq_routing_entry *e, u32 nr,
		      struct mvm_routing **out);
bool mvm_route_lookup(struct mvm_vm *vm, u32 gsi, struct mvm_route *out);
#endif

/* eventfd.c */
void mvm_eventfd_init(struct mvm_vm *vm);
void mvm_eventfd_release(struct mvm_vm *vm);
int mvm_ioeventfd(struct mvm_vm *vm, void __user *argp);
bool mvm_ioeventfd_write(struct mvm_vm *vm, bool pio, u64 addr,
			 unsigned int len, u64 val);
int mvm_irqfd(struct mvm_vm *vm, void __user *argp);
void mvm_irqfd_resample(struct mvm_vm *vm, u32 pins);

#endif /* MINIVMM_IRQ_H */
