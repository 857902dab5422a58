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
#include "kunit_compat.h"

#include <linux/minivmm.h>

#define MVM_NAME	"minivmm"

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

/* A virtual CPU.  It lives as long as its VM; its fd holds a VM reference. */
struct mvm_vcpu {
	struct mvm_vm *vm;
	u32 id;
	struct minivmm_run *run;	/* the page userspace mmaps */
};

/*
 * A virtual machine.  Owned by its fds: the VM fd and each vCPU fd hold a
 * reference, and the last one to close destroys it.  Holding a VM keeps
 * hardware virtualization on (vm.c takes the hardware reference before the
 * fd exists).
 *
 * @lock protects @vcpus.  @slots_lock protects @slots.  Neither is held
 * while taking the other.
 */
struct mvm_vm {
	refcount_t users;
	struct mm_struct *mm;		/* the creator's; only it may drive the VM */

	struct mutex lock;
	struct mvm_vcpu *vcpus[MVM_MAX_VCPUS];

	struct mutex slots_lock;
	struct mvm_memslots slots;
};

/* main.c: the module, /dev/minivmm and the system fd ioctls */
extern const struct mvm_vendor_ops *mvm_ops;

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
unsigned long mvm_pt_unmap_range(struct mvm_pt *pt, u64 gpa, u64 size,
				 void (*put)(const struct mvm_pt_fmt *, u64));

/* vcpu.c: vCPU objects, the vCPU fd and its run page */
int mvm_vcpu_create(struct mvm_vm *vm, unsigned long id);
void mvm_vcpu_free(struct mvm_vcpu *vcpu);

/* vmx/vmx.c, svm/svm.c: backend probes; NULL if unusable, *why says why */
const struct mvm_vendor_ops *vmx_probe(const char **why);
const struct mvm_vendor_ops *svm_probe(const char **why);

#endif /* MINIVMM_H */
