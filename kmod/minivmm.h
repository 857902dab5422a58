/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm's internal header: the types every file shares and, grouped by the
 * file that defines them, every function that crosses a file boundary.  A
 * reader should be able to find any definition starting from here.
 *
 * Generic code (this directory) talks to the hardware only through
 * struct mvm_vendor_ops.  It never includes vmx/ or svm/ headers, and the two
 * vendors never include each other's.
 */
#ifndef MINIVMM_H
#define MINIVMM_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>
#include <linux/preempt.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/msr.h>
#include <linux/wait.h>
#include "kunit_compat.h"
#include "irq.h"

#include <linux/minivmm.h>

#define MVM_NAME	"minivmm"

struct mvm_vcpu;
struct mvm_cpuid;

#define MVM_MAX_MEMSLOTS	32
#define MVM_MAX_VCPUS		1

/*
 * What a backend found at probe time; MINIVMM_CHECK_EXTENSION reports it.
 * Only features minivmm actually relies on (or will) appear here.
 */
struct mvm_caps {
	bool nested_paging;		/* EPT / NPT */
	bool tagged_tlb;		/* VPID / ASID */
	bool unrestricted_guest;	/* real mode runs natively */
	bool next_rip;			/* instruction length on exits */
};

/*
 * How a backend encodes nested page-table entries (vmx/ept.c, svm/npt.c);
 * mmu.c does the walking.  An entry is present if any present_mask bit is
 * set; addr_mask selects the physical address bits.
 */
struct mvm_pt_fmt {
	u64 table;		/* bits of an entry pointing to a table */
	u64 leaf_read;		/* bits of every leaf (readable, present) */
	u64 leaf_write;		/* added to writable leaves */
	u64 leaf_exec;		/* added to executable leaves */
	u64 present_mask;
	u64 addr_mask;
};

/* One 4-level nested page table. */
struct mvm_pt {
	const struct mvm_pt_fmt *fmt;
	u64 *root;
	unsigned long nr_tables;	/* including the root */
};

/*
 * The vendor ops table.  A backend's probe fills one in and returns it; the
 * generic code calls only these.
 *
 * cpu_enable/cpu_disable run on the CPU they act on with interrupts off
 * (IPI, hotplug or syscore context).  cpu_enable is handed that CPU's
 * page-sized hardware area (VMXON region, host save area), owned by hw.c,
 * and returns -EBUSY when another hypervisor already has VMX/SVM on this
 * CPU, leaving the CPU as it found it.  cpu_disable is only called on a
 * CPU that minivmm enabled and must tolerate the hardware having been
 * turned off behind its back (a reboot path that ran first).
 *
 * cpu_hw_on reads the hardware (CR4.VMXE / EFER.SVME) on the current CPU.
 */
struct mvm_vendor_ops {
	const char *name;		/* "Intel VMX" / "AMD SVM" */
	u32 vendor;			/* MINIVMM_VENDOR_* */
	const char *holder_hint;	/* the KVM module that competes for it */
	struct mvm_caps caps;
	const struct mvm_pt_fmt *pt_fmt;	/* EPT or NPT entries */

	int (*cpu_enable)(struct page *area);
	void (*cpu_disable)(void);
	bool (*cpu_hw_on)(void);

	/*
	 * vCPUs.  vcpu_create allocates the VMCS/VMCB and puts the vCPU in
	 * its reset state (as KVM: real mode, CS.selector 0xf000, CS.base
	 * 0xffff0000, RIP 0xfff0, RFLAGS 2, CR0 0x60000010, EFER 0);
	 * vcpu_free undoes it, on any CPU, with no vCPU loaded anywhere.
	 * Both run in process context.
	 */
	int (*vcpu_create)(struct mvm_vcpu *vcpu);
	void (*vcpu_free)(struct mvm_vcpu *vcpu);

	/*
	 * vcpu_load makes the vCPU current on @cpu (VMCLEAR on the CPU it
	 * was last loaded on, VMPTRLD here; ASID/VPID checks); vcpu_put is
	 * its inverse when the thread leaves the CPU.  Both are called with
	 * preemption off, from RUN and from the preempt notifiers.  Every
	 * other vCPU op below is called only between load and put.
	 */
	void (*vcpu_load)(struct mvm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct mvm_vcpu *vcpu);

	/*
	 * Enter the guest once and come back.  Called with preemption and
	 * interrupts off.  Copies vcpu->regs (all GPRs, RIP, RFLAGS) into
	 * the guest before entry and back after the exit, flushes the
	 * guest TLB tag first if vcpu->tlb_gen is behind vm->tlb_gen, and
	 * deals with a host NMI that caused the exit before returning.
	 * Host interrupts that caused the exit are taken by the caller when
	 * it re-enables interrupts.
	 */
	void (*vcpu_enter)(struct mvm_vcpu *vcpu);

	/*
	 * Act on the exit vcpu_enter returned from.  Called with interrupts
	 * and preemption on (the vCPU stays loaded through the notifiers).
	 * Returns 1 to re-enter the guest, 0 when vcpu->run is filled for
	 * userspace, -errno to fail MINIVMM_RUN.
	 */
	int (*handle_exit)(struct mvm_vcpu *vcpu);

	/* Move RIP past the instruction that exited (length from the
	 * hardware, or decoded when SVM has no NRIPS). */
	int (*skip_instruction)(struct mvm_vcpu *vcpu);

	/* Queue a hardware exception for the next entry. */
	void (*queue_exception)(struct mvm_vcpu *vcpu, u8 vector,
				bool has_error, u32 error_code);

	/*
	 * The kernel completed an instruction for a guest running with
	 * RFLAGS.TF: set DR6.BS and queue the single-step #DB the CPU would
	 * have raised after it (SDM Vol. 3A 18.3.1.4; APM Vol. 2 13.1.3.1).
	 */
	void (*single_step)(struct mvm_vcpu *vcpu);

	/* Segments, control registers, EFER; set_sregs validates. */
	void (*get_sregs)(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs);
	int (*set_sregs)(struct mvm_vcpu *vcpu,
			 const struct minivmm_sregs *sregs);

	/*
	 * The MSRs whose guest value lives in the VMCS/VMCB (EFER, FS/GS
	 * base, SYSENTER_*, PAT, and on SVM the VMSAVE set) or that the
	 * backend switches itself.  Return 0 on success, 1 when @index is
	 * not the backend's (msr.c then handles it), -EINVAL for a value
	 * the guest could not write (msr.c injects #GP).
	 */
	int (*get_msr)(struct mvm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct mvm_vcpu *vcpu, u32 index, u64 data);

	/*
	 * The speculative-execution defences in force around entry and
	 * exit, as "name: state" lines appended to a sysfs buffer at @at;
	 * returns the length added (vmx/spec.c, svm/spec.c).
	 */
	int (*show_mitigations)(char *buf, int at);

	/* Free what the probe allocated; at module unload.  Optional. */
	void (*teardown)(void);

	/*
	 * Event injection for the in-kernel irqchip (inject.c decides, these
	 * carry it out; all between vcpu_load and vcpu_put, on the vCPU's
	 * own thread).
	 *
	 * event_queued: an event already waits for the next entry (a queued
	 * exception, or one an exit interrupted): nothing else can go with it.
	 * interrupt_allowed: RFLAGS.IF = 1 and no STI/MOV SS shadow.
	 * nmi_allowed: no NMI blocking and no shadow.
	 * inject_irq / inject_nmi: put an external interrupt / an NMI into the
	 * next entry.  enable_irq_window / enable_nmi_window: exit as soon as
	 * the guest can take one (on: VMX interrupt-/NMI-window exiting, SVM
	 * V_IRQ + VINTR intercept; off again when @on is false).
	 * sync_tpr: the guest's CR8 as the local APIC's TPR stands now
	 * (SVM's V_TPR; VMX traps every CR8 access and needs nothing);
	 * @tpr_blocks: an interrupt waits only because of the TPR, so a
	 * guest write that lowers CR8 must exit.
	 */
	bool (*event_queued)(struct mvm_vcpu *vcpu);
	bool (*interrupt_allowed)(struct mvm_vcpu *vcpu);
	bool (*nmi_allowed)(struct mvm_vcpu *vcpu);
	void (*inject_irq)(struct mvm_vcpu *vcpu, u8 vector);
	void (*inject_nmi)(struct mvm_vcpu *vcpu);
	void (*enable_irq_window)(struct mvm_vcpu *vcpu, bool on);
	void (*enable_nmi_window)(struct mvm_vcpu *vcpu, bool on);
	void (*sync_tpr)(struct mvm_vcpu *vcpu, u8 tpr, bool tpr_blocks);

	/*
	 * MINIVMM_GET/SET_VCPU_EVENTS (irqstate.c): the event queued for
	 * the next entry, the interrupt shadow and NMI blocking.  get fills
	 * exception, interrupt and nmi.injected/masked (the rest is
	 * generic); set gets a request irqstate.c has checked (at most one
	 * event, valid vectors) and applies all of it.
	 */
	void (*get_events)(struct mvm_vcpu *vcpu,
			   struct minivmm_vcpu_events *ev);
	void (*set_events)(struct mvm_vcpu *vcpu,
			   const struct minivmm_vcpu_events *ev);
};

/* One guest memory slot; npages == 0 means the slot is free. */
struct mvm_memslot {
	u64 base_gfn;
	u64 npages;
	u64 uaddr;		/* page-aligned start of the backing memory */
	u32 flags;		/* MINIVMM_MEM_* */
};

struct mvm_memslots {
	struct mvm_memslot slot[MVM_MAX_MEMSLOTS];
};

/* What mvm_memslot_check() found a request to be. */
enum {
	MVM_MEMSLOT_CREATE,
	MVM_MEMSLOT_MOVE,
	MVM_MEMSLOT_DELETE,
	MVM_MEMSLOT_UNCHANGED,
};

struct mvm_vm;

/* General registers in the hardware's encoding order (ModRM, SDM 2.1.5). */
enum mvm_reg {
	MVM_RAX, MVM_RCX, MVM_RDX, MVM_RBX, MVM_RSP, MVM_RBP, MVM_RSI, MVM_RDI,
	MVM_R8, MVM_R9, MVM_R10, MVM_R11, MVM_R12, MVM_R13, MVM_R14, MVM_R15,
	MVM_NR_GPRS
};

/* Where a vCPU is, for kicks (vcpu.c). */
enum mvm_vcpu_mode {
	MVM_OUTSIDE_GUEST,
	MVM_IN_GUEST,
};

/* What the exits of one vCPU were, by the generic handler that took them. */
enum mvm_exit_kind {
	MVM_EXIT_KIND_IO,		/* port I/O (to userspace) */
	MVM_EXIT_KIND_MMIO,		/* MMIO (to userspace) */
	MVM_EXIT_KIND_NPF,		/* nested page fault mapped in the kernel */
	MVM_EXIT_KIND_CPUID,
	MVM_EXIT_KIND_MSR,		/* RDMSR/WRMSR */
	MVM_EXIT_KIND_HLT,
	MVM_EXIT_KIND_SHUTDOWN,
	MVM_EXIT_KIND_FAIL_ENTRY,
	MVM_EXIT_KIND_INTERNAL,		/* internal error */
	MVM_EXIT_KIND_OTHER,		/* host interrupts, exceptions, the rest */
	MVM_EXIT_KIND_NR
};

#define MVM_LATENCY_BUCKETS	32	/* bucket i: [2^i, 2^(i+1)) ns */

/*
 * Per-vCPU counters.  Written only by the vCPU's own thread, without
 * atomics or locks (the exit path must not pay for them); readers on
 * other CPUs use READ_ONCE() and may see a count one exit old.
 */
struct mvm_vcpu_stats {
	u64 exits;			/* every exit */
	u64 by_kind[MVM_EXIT_KIND_NR];	/* exits by the handler that took them */
	u64 exits_to_user;		/* MINIVMM_RUN returns with an exit */
	u64 injected;			/* exceptions queued for the guest */
	u64 guest_ns;			/* from just before entry to just after exit */
	u64 host_ns;			/* exit handling in the kernel */
	u64 latency[MVM_LATENCY_BUCKETS]; /* exit to re-entry, in-kernel exits */
};

/*
 * A userspace exit that the next MINIVMM_RUN must finish before entering
 * the guest (an IN's data into RAX, an MMIO read into a register).
 */
typedef int (*mvm_complete_fn)(struct mvm_vcpu *vcpu);

/*
 * A virtual CPU.  It lives as long as its VM; its fd holds a VM reference.
 *
 * @mutex serializes the vCPU's ioctls: RUN holds it while the guest runs,
 * so register ioctls from another thread wait.  It is taken before
 * vm->slots_lock (the fault path maps memory under it).
 * @regs, @rip, @rflags are the authoritative copy between entries; the
 * backend moves them in and out around each entry.
 */
struct mvm_vcpu {
	struct mvm_vm *vm;
	u32 id;
	struct minivmm_run *run;	/* the page userspace mmaps */
	struct mutex mutex;

	u64 regs[MVM_NR_GPRS];
	u64 rip;
	u64 rflags;

	int cpu;			/* last CPU loaded on, -1 if none */
	int mode;			/* enum mvm_vcpu_mode, for kicks */
	int run_cpu;			/* the CPU it is in guest mode on */
	u64 tlb_gen;			/* vm->tlb_gen as of the last flush */
	struct preempt_notifier preempt_notifier;
	struct fpu_guest guest_fpu;
	u64 guest_xcr0;			/* XSETBV value, 1 at reset */
	u64 xcr0_stray;			/* XCR0 set without an exit, or 0 */

	mvm_complete_fn complete;	/* NULL: nothing pending */
	struct {			/* the pending PIO/MMIO, for @complete */
		u64 gpa;		/* MMIO: address */
		u64 gva;		/* INS: linear address of the chunk */
		u32 size;		/* bytes per element / access */
		u32 count;		/* string PIO: elements in this chunk */
		int reg;		/* MMIO read: destination enum mvm_reg */
		bool sign_extend;	/* MMIO read: MOVSX */
		bool high_byte;		/* MMIO read: @reg's bits 15:8 (AH..BH) */
		u8 dst_size;		/* MMIO read: bytes of @reg written */
		bool rep;		/* string PIO: REP prefix */
		u8 addr_bytes;		/* string PIO: address size, 2/4/8 */
		u8 insn_len;
		u64 exit_rip;		/* RIP when RUN returned with @complete set */
	} pending;

	struct mvm_cpuid *cpuid;	/* SET_CPUID2 table, NULL = host default */
	u64 msr_misc_enable;
	u64 msr_mtrr_def_type;
	u64 msr_tsc_adjust;
	/* MSRs this vCPU was refused (#GP), each logged once (msr.c). */
	u32 msr_refused[8];
	u32 nr_msr_refused;

	/*
	 * The in-kernel irqchip (irq.h); @apic is NULL in a VM without one.
	 * @requests: MVM_REQ_* bits other threads set before a kick, so that
	 * an entry racing with the kick is abandoned (vcpu.c).  @wq: where a
	 * halted vCPU sleeps.  @halted: the guest executed HLT and waits for
	 * an event (written by its own thread, read by netlink).
	 * @nmi_pending: NMIs raised and not yet injected (atomic: raised
	 * from any thread).  @events_pending: the last mvm_inject_events()
	 * left an interrupt or NMI waiting (or injected one, with maybe
	 * more behind it), so the next entry looks again even without
	 * MVM_REQ_EVENT (own thread only).
	 */
	struct mvm_lapic *apic;
	unsigned long requests;
	wait_queue_head_t wq;
	bool halted;
	bool events_pending;
	atomic_t nmi_pending;

	void *arch;			/* the backend's (struct vmx_vcpu/svm_vcpu) */
	struct mvm_vcpu_stats stats;
	/* For the netlink view (netlink.c), written by RUN's own thread. */
	pid_t run_tid;			/* the thread in or last in RUN, 0: never
					 * (init pid namespace; netlink.c
					 * translates it for the reader) */
	bool in_run;			/* inside MINIVMM_RUN now */
	u64 last_exit_ns;		/* 0: the last exit went to userspace */
};

/* vcpu->requests bits. */
/*
 * MVM_REQ_EVENT: an interrupt or NMI may be deliverable.  Set by every
 * change that can make one so (an IRR bit or NMI raised, an EOI, a TPR or
 * APIC state write, the state ioctls): the entry path looks for events
 * only after it, or while one waits (@events_pending), as KVM_REQ_EVENT.
 */
#define MVM_REQ_EVENT		0

/* Count an exception queued for @vcpu's guest (its own thread only). */
static inline void mvm_stat_injected(struct mvm_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->stats.injected, vcpu->stats.injected + 1);
}

/* Count an exit of @kind on @vcpu (its own thread only). */
static inline void mvm_stat_exit(struct mvm_vcpu *vcpu,
				 enum mvm_exit_kind kind)
{
	WRITE_ONCE(vcpu->stats.by_kind[kind], vcpu->stats.by_kind[kind] + 1);
}

/*
 * A virtual machine.  Owned by its fds: the VM fd and each vCPU fd hold a
 * reference, and the last one to close destroys it.  Holding a VM keeps
 * hardware virtualization on (vm.c takes the hardware reference before the
 * fd exists).
 *
 * @lock protects @vcpus.  @slots_lock protects @slots, @pt and the pins it
 * holds, and is taken after vcpu->mutex; @lock and @slots_lock are never
 * held together.  @slots_lock can be held for as long as a fault on the
 * VMM's memory takes (pin_user_pages_fast(), copy_from_user(): a FUSE or
 * userfaultfd page may never come), so nothing host-wide (the registry
 * lock, netlink) ever waits for it: what netlink reports of the slots is
 * @mem_pages, written under @slots_lock and read with READ_ONCE().
 */
struct mvm_vm {
	refcount_t users;
	struct mm_struct *mm;		/* the creator's; only it may drive the VM */

	struct mutex lock;
	struct mvm_vcpu *vcpus[MVM_MAX_VCPUS];	/* published with release */
	unsigned int nr_vcpus;		/* created or being created */

	struct mutex slots_lock;
	struct mvm_memslots slots;
	struct mvm_pt pt;		/* nested page table, under slots_lock */
	u64 mem_pages;			/* pages in all slots: written under
					 * slots_lock, read with READ_ONCE() */
	unsigned long nr_pinned;	/* pages pinned by the table and
					 * charged to mm's locked_vm: under
					 * slots_lock, or alone at destroy */
	u64 tlb_gen;			/* bumped after each unmap (vcpu.c) */
	bool dead;			/* inconsistent: every ioctl -EIO */

	/*
	 * The guest's TSC is the host's plus this, the same for every vCPU
	 * (set at creation; a guest write of IA32_TSC changes it for all).
	 */
	s64 tsc_offset;

	/*
	 * The in-kernel irqchip (irq.c): set once by MINIVMM_CREATE_IRQCHIP
	 * under @lock, before any vCPU exists, and constant after.
	 */
	struct mvm_ioapic *ioapic;

	/*
	 * The device fast paths (eventfd.c, route.c; the locks in
	 * Documentation/locking.rst).  @eventfd_lock (mutex) serializes
	 * every change to them: ioeventfds, irqfds, the routing table.
	 * @ioeventfds is an RCU list that vCPU threads read on their exit
	 * path, changed under @eventfd_lock, as is @nr_ioeventfds.
	 * @irqfds_lock (spinlock, interrupts off) protects @irqfds'
	 * membership, each irqfd's active flag and the two counts: an
	 * eventfd's EPOLLHUP removes an irqfd in atomic context, under the
	 * eventfd's own lock, which nests outside this one.  @irqfds is read
	 * under RCU by the EOI path (resampling), @nr_resamplefds with
	 * READ_ONCE() by the I/O APIC.  @irq_routing: the GSI routing
	 * table, read under RCU, replaced under @eventfd_lock; NULL: the
	 * default (GSI n is pin n).
	 */
	struct mutex eventfd_lock;
	struct list_head ioeventfds;
	unsigned int nr_ioeventfds;
	spinlock_t irqfds_lock;
	struct list_head irqfds;
	unsigned int nr_irqfds;
	unsigned int nr_resamplefds;
	struct mvm_routing __rcu *irq_routing;

	/* registry.c: set before the fd exists, constant after */
	u32 id;				/* host-wide, from 1; 0: not registered */
	struct pid *owner_pid;		/* creator's thread group, referenced;
					 * put by vm.c when the VM goes */
	kuid_t owner_uid;		/* creator's effective uid */
	u64 created_ns;			/* CLOCK_REALTIME */
};

/* The guest's TSC now: the host's plus the VM's offset. */
static inline u64 mvm_guest_tsc(struct mvm_vcpu *vcpu)
{
	return rdtsc() + READ_ONCE(vcpu->vm->tsc_offset);
}

/* main.c: the module, /dev/minivmm and the system fd ioctls */
extern const struct mvm_vendor_ops *mvm_ops;

/*
 * Call after moving RIP past an instruction the kernel completed for the
 * guest (skip_instruction, port I/O, MMIO).  A REP string instruction
 * traps once, when the whole string is done, not after each iteration.
 */
static inline void mvm_insn_done(struct mvm_vcpu *vcpu)
{
	if (vcpu->rflags & X86_EFLAGS_TF)
		mvm_ops->single_step(vcpu);
}

/* hw.c: turning VMX/SVM on and off across CPUs */
int mvm_hw_init(void);
void mvm_hw_exit(void);
int mvm_hw_get(void);
void mvm_hw_put(void);
int mvm_hw_cpus_on(struct cpumask *mask);

/* vm.c: VM objects and the VM fd */
int mvm_vm_create(unsigned long type);
void mvm_vm_get(struct mvm_vm *vm);
void mvm_vm_put(struct mvm_vm *vm);
void mvm_vm_mark_dead(struct mvm_vm *vm, const char *why);
int mvm_vm_check_caller(const struct mvm_vm *vm);

/* registry.c: the host-wide list of VMs */
int mvm_registry_add(struct mvm_vm *vm);
void mvm_registry_remove(struct mvm_vm *vm);
void mvm_registry_lock(void);
void mvm_registry_unlock(void);
struct mvm_vm *mvm_registry_find(u32 id);
struct mvm_vm *mvm_registry_next(unsigned long *id);

/* netlink.c: the "minivmm" generic netlink family */
int mvm_nl_init(void);
void mvm_nl_exit(void);
void mvm_nl_vm_event(const struct mvm_vm *vm, u8 cmd);
void mvm_nl_vcpu_event(struct mvm_vcpu *vcpu, u8 cmd, u64 hw_reason,
		       u32 suberror);

/* memslot.c: guest memory slots */
int mvm_set_memory_region(struct mvm_vm *vm, void __user *argp);
const struct mvm_memslot *mvm_memslot_find(struct mvm_vm *vm, u64 gfn);
#if IS_ENABLED(CONFIG_KUNIT)
int mvm_memslot_check(const struct mvm_memslots *slots,
		      const struct minivmm_userspace_memory_region *r,
		      bool uaddr_ok);
#endif

/* mmu.c: nested page tables (EPT/NPT), walked the same way on both */
int mvm_pt_init(struct mvm_pt *pt, const struct mvm_pt_fmt *fmt);
void mvm_pt_destroy(struct mvm_pt *pt,
		    void (*put)(const struct mvm_pt_fmt *, u64));
phys_addr_t mvm_pt_root_pa(const struct mvm_pt *pt);
u64 mvm_pt_make_leaf(const struct mvm_pt_fmt *fmt, phys_addr_t hpa,
		     bool writable, bool exec);
int mvm_pt_map(struct mvm_pt *pt, u64 gpa, u64 leaf);
u64 mvm_pt_lookup(struct mvm_pt *pt, u64 gpa);
u64 mvm_pt_next_mapped(struct mvm_pt *pt, u64 gpa, u64 end);
unsigned long mvm_pt_unmap_range(struct mvm_pt *pt, u64 gpa, u64 size,
				 void (*put)(const struct mvm_pt_fmt *, u64));

/* vcpu.c: vCPU objects, the vCPU fd, its run page and the RUN loop */
int mvm_vcpu_create(struct mvm_vm *vm, unsigned long id);
void mvm_vcpu_free(struct mvm_vcpu *vcpu);
void mvm_vm_kick_vcpus(struct mvm_vm *vm);
void mvm_exit_internal_error(struct mvm_vcpu *vcpu, u32 suberror,
			     u64 hw_reason, u64 extra);
void mvm_exit_fail_entry(struct mvm_vcpu *vcpu, u64 hw_reason);
int mvm_handle_hlt(struct mvm_vcpu *vcpu);
int mvm_handle_shutdown(struct mvm_vcpu *vcpu);
void mvm_host_machine_check(void);

/*
 * A nested-paging fault as both vendors' exit information describes it
 * (VMX: EPT-violation qualification; SVM: NPF EXITINFO1), decoded by
 * vmx_decode_ept_qual() / svm_decode_npf().
 */
struct mvm_gpa_fault {
	u64 gpa;
	bool write;		/* the access was a write */
	bool fetch;		/* ... an instruction fetch */
	bool bad_entry;		/* a reserved bit in an entry: a host bug */
	/*
	 * The exit interrupted the delivery of an event (VMX IDT-vectoring
	 * information, SVM EXITINTINFO): the access was the CPU's (the IDT,
	 * the GDT, the frame it pushes), not the instruction's at RIP.
	 * Set by the exit handler, not by the decoders.
	 */
	bool in_delivery;
	u32 hw_reason;		/* the exit reason, for an error report */
	/*
	 * Set by mvm_handle_page_fault(): the access was not to guest RAM
	 * and went to emulation (the kernel's or the VMM's), which reads
	 * guest and host data the L1D flush must not leave behind (VMX).
	 */
	bool emulated;
};

/* fault.c: guest memory behind the nested page table */
int mvm_handle_page_fault(struct mvm_vcpu *vcpu, struct mvm_gpa_fault *f);
void mvm_unmap_gpa_range(struct mvm_vm *vm, u64 gpa, u64 size);
void mvm_mmu_destroy(struct mvm_vm *vm);
int mvm_read_guest(struct mvm_vm *vm, u64 gpa, void *buf, unsigned int len);
int mvm_write_guest(struct mvm_vm *vm, u64 gpa, const void *buf,
		    unsigned int len);

/* io.c: port I/O exits */
int mvm_handle_io(struct mvm_vcpu *vcpu, u16 port, u8 size, bool in,
		  bool string, bool rep, u8 insn_len);
#if IS_ENABLED(CONFIG_KUNIT)
int mvm_complete_pio_in(struct mvm_vcpu *vcpu);
void mvm_string_advance(struct mvm_vcpu *vcpu, int reg);
int mvm_string_io(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs,
		  bool in, bool rep);
#endif

/* emulate.c: the few instructions minivmm decodes itself */
int mvm_handle_mmio(struct mvm_vcpu *vcpu, u64 gpa, bool write);
int mvm_insn_length(struct mvm_vcpu *vcpu);
int mvm_gva_to_gpa(struct mvm_vcpu *vcpu, u64 gva, bool write, u64 *gpa);
int mvm_write_guest_virt(struct mvm_vcpu *vcpu, u64 gva, const void *buf,
			 unsigned int len);
int mvm_read_guest_virt(struct mvm_vcpu *vcpu, u64 gva, void *buf,
			unsigned int len);

/* cpuid.c: the guest's CPUID table and the CPUID exit */
int mvm_get_supported_cpuid(void __user *argp);
int mvm_set_cpuid(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_emulate_cpuid(struct mvm_vcpu *vcpu);
void mvm_cpuid_free(struct mvm_vcpu *vcpu);
u64 mvm_supported_xcr0(void);
u64 mvm_guest_supported_xcr0(struct mvm_vcpu *vcpu);
int mvm_complete_insn(struct mvm_vcpu *vcpu);
#if IS_ENABLED(CONFIG_KUNIT)
const struct minivmm_cpuid_entry2 *mvm_cpuid_supported(u32 *nent);
#endif
/* cpuid_rules.c: the rules of a CPUID table, declared in cpuid.h */

/* msr.c: RDMSR/WRMSR/XSETBV exits, MINIVMM_GET/SET_MSRS, XCR0 switching */
int mvm_emulate_rdmsr(struct mvm_vcpu *vcpu);
int mvm_emulate_wrmsr(struct mvm_vcpu *vcpu);
int mvm_get_msrs(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_set_msrs(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_emulate_xsetbv(struct mvm_vcpu *vcpu);
void mvm_load_guest_xcr0(struct mvm_vcpu *vcpu, u64 guest_cr4);
void mvm_load_host_xcr0(struct mvm_vcpu *vcpu, u64 guest_cr4);
void mvm_xcr0_stray(struct mvm_vcpu *vcpu);
void mvm_msr_reset(struct mvm_vcpu *vcpu);
bool mvm_pat_valid(u64 pat);
#if IS_ENABLED(CONFIG_KUNIT)
bool mvm_mtrr_def_type_valid(u64 val, u64 cap);
int mvm_misc_enable_write(u64 old, u64 val, u64 *new);
bool mvm_apic_base_valid(u64 val, int phys_bits);
bool mvm_xcr0_valid(u64 xcr0, u64 allowed);
#endif

/* fpu.c: MINIVMM_GET/SET_FPU and _XSAVE */
int mvm_get_fpu(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_set_fpu(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_get_xsave(struct mvm_vcpu *vcpu, void __user *argp);
int mvm_set_xsave(struct mvm_vcpu *vcpu, void __user *argp);

/* vmx/vmx.c, svm/svm.c: backend probes; NULL if unusable, *why says why */
const struct mvm_vendor_ops *vmx_probe(const char **why);
const struct mvm_vendor_ops *svm_probe(const char **why);

#endif /* MINIVMM_H */
