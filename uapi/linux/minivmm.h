/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivmm's userspace ABI: the one header shared by the module, vmctl and
 * the selftests.  Every ioctl is documented in Documentation/api.rst.
 *
 * Rules this header keeps (Documentation/process/botching-up-ioctls.rst):
 * fixed-width types only, pointers passed as __u64, every struct padded to a
 * multiple of 8 bytes with explicit reserved fields that must be zero, and
 * every unknown flag rejected with -EINVAL.  The API version only grows;
 * new features are announced through MINIVMM_CHECK_EXTENSION.
 */
#ifndef _UAPI_LINUX_MINIVMM_H
#define _UAPI_LINUX_MINIVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MINIVMM_API_VERSION	1

/*
 * ioctl magic.  0xE9 is unassigned in
 * Documentation/userspace-api/ioctl/ioctl-number.rst.
 * Numbers 0x00-0x1f are system fd ioctls, 0x20-0x5f VM fd ioctls,
 * 0x60-0x9f vCPU fd ioctls.
 */
#define MINIVMM_IO		0xE9

/* ioctls on the system fd (/dev/minivmm) */

/* Returns MINIVMM_API_VERSION.  The argument must be 0. */
#define MINIVMM_GET_API_VERSION	_IO(MINIVMM_IO, 0x00)

/*
 * The argument is a MINIVMM_CAP_* number.  Returns 0 for an unknown or
 * absent capability, otherwise a capability-specific positive value.
 */
#define MINIVMM_CHECK_EXTENSION	_IO(MINIVMM_IO, 0x01)

/*
 * The argument is a VM type and must be 0.  Returns a new VM fd
 * (O_RDWR | O_CLOEXEC).  The first VM turns VMX/SVM on on every online CPU;
 * -EBUSY means another hypervisor already holds it on some CPU.
 */
#define MINIVMM_CREATE_VM	_IO(MINIVMM_IO, 0x02)

/*
 * Fills a struct minivmm_cpuid2 with the CPUID leaves minivmm can give a
 * guest (the host's, filtered).  In: nent = room in entries[].  Out: nent
 * = entries written.  -E2BIG (nent updated to the size needed) if too few.
 */
#define MINIVMM_GET_SUPPORTED_CPUID	_IOWR(MINIVMM_IO, 0x03, struct minivmm_cpuid2)

/* Capabilities for MINIVMM_CHECK_EXTENSION */
#define MINIVMM_CAP_VENDOR		0	/* MINIVMM_VENDOR_* */
#define MINIVMM_CAP_NESTED_PAGING	1	/* 1: EPT (VMX) or NPT (SVM) */
#define MINIVMM_CAP_TAGGED_TLB		2	/* 1: VPID (VMX) or ASID (SVM) */
#define MINIVMM_CAP_UNRESTRICTED_GUEST	3	/* 1: real-mode guests run natively */
#define MINIVMM_CAP_NEXT_RIP		4	/* 1: SVM NRIPS; VMX always has it */
#define MINIVMM_CAP_NR_MEMSLOTS	5	/* memory slots per VM */
#define MINIVMM_CAP_MAX_VCPUS		6	/* vCPUs per VM; ids are 0..n-1 */
#define MINIVMM_CAP_IRQCHIP		7	/* I/O APIC pins of MINIVMM_CREATE_IRQCHIP */
#define MINIVMM_CAP_IOEVENTFD		8	/* 1: MINIVMM_IOEVENTFD */
#define MINIVMM_CAP_IRQFD		9	/* 1: MINIVMM_IRQFD, with RESAMPLE */
#define MINIVMM_CAP_NR_GSIS		10	/* GSIs of MINIVMM_SET_GSI_ROUTING */
#define MINIVMM_CAP_NR_CAPS		11	/* first unassigned number */

/* Values of MINIVMM_CAP_VENDOR */
#define MINIVMM_VENDOR_INTEL_VMX	1
#define MINIVMM_VENDOR_AMD_SVM		2

/* ioctls on a VM fd */

/*
 * Create, move, change or delete a guest memory slot.  Same layout as KVM's
 * struct kvm_userspace_memory_region.
 */
struct minivmm_userspace_memory_region {
	__u32 slot;		/* in: 0 .. MINIVMM_CAP_NR_MEMSLOTS - 1 */
	__u32 flags;		/* in: MINIVMM_MEM_* */
	__u64 guest_phys_addr;	/* in: page aligned */
	__u64 memory_size;	/* in: page aligned; 0 deletes the slot */
	__u64 userspace_addr;	/* in: page aligned start of the backing memory */
};

/* Guest writes to a read-only slot exit to userspace as MMIO. */
#define MINIVMM_MEM_READONLY		(1u << 1)

#define MINIVMM_SET_USER_MEMORY_REGION \
	_IOW(MINIVMM_IO, 0x20, struct minivmm_userspace_memory_region)

/* The argument is the vCPU id.  Returns a vCPU fd (O_RDWR | O_CLOEXEC). */
#define MINIVMM_CREATE_VCPU		_IO(MINIVMM_IO, 0x21)

/* Returns the size to mmap() from a vCPU fd to see its struct minivmm_run. */
#define MINIVMM_GET_VCPU_MMAP_SIZE	_IO(MINIVMM_IO, 0x22)

/*
 * The in-kernel interrupt controllers (Documentation/irq.rst): a local APIC
 * per vCPU, with its timer, and one I/O APIC at 0xfec00000 with
 * MINIVMM_CAP_IRQCHIP pins.  The argument must be 0.  Only before the first
 * vCPU exists (-EINVAL after), once (-EEXIST).  Without it a VM keeps the
 * behaviour of API version 1: no interrupts, HLT exits to userspace.
 */
#define MINIVMM_CREATE_IRQCHIP		_IO(MINIVMM_IO, 0x23)

/* Same layout as KVM's struct kvm_irq_level. */
struct minivmm_irq_level {
	__u32 irq;		/* GSI: an I/O APIC pin, 0 .. pins - 1 */
	__u32 level;		/* 1 raise, 0 lower; nothing else */
};

/*
 * Drive an I/O APIC pin as a device's interrupt line.  An edge-triggered
 * pin interrupts on 0 -> 1; a level-triggered one while it is 1 (and again
 * after the guest's EOI while it stays 1).  -ENXIO without an irqchip.
 */
#define MINIVMM_IRQ_LINE	_IOW(MINIVMM_IO, 0x24, struct minivmm_irq_level)

/* An MSI write.  Same layout as KVM's struct kvm_msi. */
struct minivmm_msi {
	__u32 address_lo;	/* 0xfeeXXXXX: destination, mode (SDM 11.11.1) */
	__u32 address_hi;	/* must be 0: no extended destination ids */
	__u32 data;		/* vector, delivery mode, trigger (SDM 11.11.2) */
	__u32 flags;		/* must be 0 */
	__u32 devid;		/* must be 0 */
	__u8  pad[12];		/* must be 0 */
};

/*
 * Deliver an MSI.  Returns the number of local APICs that accepted it (0:
 * none matched the destination, or each had it masked), -EINVAL for an
 * address outside 0xfee00000-0xfeefffff or a reserved delivery mode (3, 6),
 * -ENXIO without an irqchip.
 */
#define MINIVMM_SIGNAL_MSI	_IOW(MINIVMM_IO, 0x25, struct minivmm_msi)

/* The I/O APIC's state.  Same layout as KVM's struct kvm_ioapic_state. */
struct minivmm_ioapic_state {
	__u64 base_address;	/* 0xfec00000, the only one */
	__u32 ioregsel;		/* bits 7:0 */
	__u32 id;		/* IOAPICID: bits 27:24 */
	__u32 irr;		/* each pin's line level (IRQ_LINE) */
	__u32 pad;		/* must be 0 */
	__u64 redirtbl[24];	/* redirection entries, remote IRR included */
};

#define MINIVMM_IRQCHIP_IOAPIC	2	/* KVM's number; there are no PICs */

/* Same layout as KVM's struct kvm_irqchip. */
struct minivmm_irqchip {
	__u32 chip_id;		/* MINIVMM_IRQCHIP_IOAPIC */
	__u32 pad;		/* must be 0 */
	union {
		char dummy[512];	/* set: must be 0 past the state */
		struct minivmm_ioapic_state ioapic;
	} chip;
};

/*
 * Read or restore the I/O APIC (Documentation/api.rst), for pausing,
 * snapshotting and migrating a VM.  -ENXIO without an irqchip.
 */
#define MINIVMM_GET_IRQCHIP	_IOWR(MINIVMM_IO, 0x29, struct minivmm_irqchip)
#define MINIVMM_SET_IRQCHIP	_IOW(MINIVMM_IO, 0x2a, struct minivmm_irqchip)
/*
 * The device fast paths (Documentation/irq.rst, "Device fast paths").
 *
 * An ioeventfd: a guest OUT to a port, or a guest write to an MMIO
 * address, that signals an eventfd in the kernel instead of exiting to
 * userspace.  Same layout as KVM's struct kvm_ioeventfd.
 */
struct minivmm_ioeventfd {
	__u64 datamatch;	/* in: the value to match, with DATAMATCH; else 0 */
	__u64 addr;		/* in: port (PIO) or guest-physical address */
	__u32 len;		/* in: PIO 1, 2, 4; MMIO 1, 2, 4, 8 or 0 (any) */
	__s32 fd;		/* in: an eventfd */
	__u32 flags;		/* in: MINIVMM_IOEVENTFD_* */
	__u8  pad[36];		/* must be 0 */
};

#define MINIVMM_IOEVENTFD_DATAMATCH	(1u << 0)	/* only writes of datamatch */
#define MINIVMM_IOEVENTFD_PIO		(1u << 1)	/* a port, not MMIO */
#define MINIVMM_IOEVENTFD_DEASSIGN	(1u << 2)	/* remove the one described */

/* Assign or deassign an ioeventfd.  Works without an irqchip. */
#define MINIVMM_IOEVENTFD	_IOW(MINIVMM_IO, 0x26, struct minivmm_ioeventfd)

/*
 * An irqfd: a write to an eventfd raises a GSI, routed by the table that
 * MINIVMM_SET_GSI_ROUTING sets.  Same layout as KVM's struct kvm_irqfd.
 */
struct minivmm_irqfd {
	__u32 fd;		/* in: an eventfd */
	__u32 gsi;		/* in: below MINIVMM_CAP_NR_GSIS */
	__u32 flags;		/* in: MINIVMM_IRQFD_* */
	__u32 resamplefd;	/* in: an eventfd with RESAMPLE; else 0 */
	__u8  pad[16];		/* must be 0 */
};

#define MINIVMM_IRQFD_DEASSIGN		(1u << 0)	/* remove (fd, gsi) */
#define MINIVMM_IRQFD_RESAMPLE		(1u << 1)	/* level: held until EOI */

/* Assign or deassign an irqfd.  -ENXIO without an irqchip. */
#define MINIVMM_IRQFD		_IOW(MINIVMM_IO, 0x27, struct minivmm_irqfd)

/* Where a GSI goes: an I/O APIC pin or an MSI.  KVM's layouts. */
struct minivmm_irq_routing_irqchip {
	__u32 irqchip;		/* MINIVMM_IRQCHIP_IOAPIC */
	__u32 pin;		/* below MINIVMM_CAP_IRQCHIP */
};

struct minivmm_irq_routing_msi {
	__u32 address_lo;	/* as struct minivmm_msi */
	__u32 address_hi;	/* must be 0 */
	__u32 data;
	__u32 devid;		/* must be 0 */
};

#define MINIVMM_IRQ_ROUTING_IRQCHIP	1
#define MINIVMM_IRQ_ROUTING_MSI		2

struct minivmm_irq_routing_entry {
	__u32 gsi;		/* below MINIVMM_CAP_NR_GSIS, once per table */
	__u32 type;		/* MINIVMM_IRQ_ROUTING_* */
	__u32 flags;		/* must be 0 */
	__u32 pad;		/* must be 0 */
	union {
		struct minivmm_irq_routing_irqchip irqchip;
		struct minivmm_irq_routing_msi msi;
		__u32 pad[8];	/* must be 0 past the member in use */
	} u;
};

struct minivmm_irq_routing {
	__u32 nr;		/* in: entries, at most MINIVMM_CAP_NR_GSIS */
	__u32 flags;		/* must be 0 */
	struct minivmm_irq_routing_entry entries[];
};

/*
 * Replace the whole GSI routing table.  At MINIVMM_CREATE_IRQCHIP, GSI n
 * goes to I/O APIC pin n for each pin.  -ENXIO without an irqchip.
 */
#define MINIVMM_SET_GSI_ROUTING	_IOW(MINIVMM_IO, 0x28, struct minivmm_irq_routing)

/* ioctls on a vCPU fd */

/*
 * Enter the guest until an exit userspace must see.  Returns 0 with
 * run->exit_reason set, or -EINTR (run->exit_reason = MINIVMM_EXIT_INTR)
 * when a signal is pending or run->immediate_exit is set.
 */
#define MINIVMM_RUN			_IO(MINIVMM_IO, 0x60)

/* General registers.  Same layout as KVM's struct kvm_regs. */
struct minivmm_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8,  r9,  r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

/* A segment register.  Same layout as KVM's struct kvm_segment. */
struct minivmm_segment {
	__u64 base;
	__u32 limit;		/* in bytes (already scaled if g = 1) */
	__u16 selector;
	__u8  type;
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;		/* must be 0 */
};

/* GDTR/IDTR.  Same layout as KVM's struct kvm_dtable. */
struct minivmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];	/* must be 0 */
};

/* Special registers.  Same layout as KVM's struct kvm_sregs. */
struct minivmm_sregs {
	struct minivmm_segment cs, ds, es, fs, gs, ss;
	struct minivmm_segment tr, ldt;
	struct minivmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
	/* KVM queues an interrupt from here without an in-kernel irqchip;
	 * minivmm's interrupts come from its irqchip (MINIVMM_IRQ_LINE,
	 * MINIVMM_SIGNAL_MSI) or MINIVMM_SET_VCPU_EVENTS: out always 0, in
	 * must be 0. */
	__u64 interrupt_bitmap[4];
};

#define MINIVMM_GET_REGS	_IOR(MINIVMM_IO, 0x61, struct minivmm_regs)
#define MINIVMM_SET_REGS	_IOW(MINIVMM_IO, 0x62, struct minivmm_regs)
#define MINIVMM_GET_SREGS	_IOR(MINIVMM_IO, 0x63, struct minivmm_sregs)
#define MINIVMM_SET_SREGS	_IOW(MINIVMM_IO, 0x64, struct minivmm_sregs)

/* x87/SSE state.  Same layout as KVM's struct kvm_fpu. */
struct minivmm_fpu {
	__u8  fpr[8][16];
	__u16 fcw;
	__u16 fsw;
	__u8  ftwx;		/* abridged tag word, as FXSAVE stores it */
	__u8  pad1;		/* must be 0 */
	__u16 last_opcode;
	__u64 last_ip;
	__u64 last_dp;
	__u8  xmm[16][16];
	__u32 mxcsr;
	__u32 pad2;		/* must be 0 */
};

/*
 * The whole XSAVE area in the standard (non-compacted) format, as XSAVE
 * with the guest's XCR0 writes it.  Same layout as KVM's struct kvm_xsave.
 */
struct minivmm_xsave {
	__u32 region[1024];
};

#define MINIVMM_GET_FPU		_IOR(MINIVMM_IO, 0x65, struct minivmm_fpu)
#define MINIVMM_SET_FPU		_IOW(MINIVMM_IO, 0x66, struct minivmm_fpu)
#define MINIVMM_GET_XSAVE	_IOR(MINIVMM_IO, 0x67, struct minivmm_xsave)
#define MINIVMM_SET_XSAVE	_IOW(MINIVMM_IO, 0x68, struct minivmm_xsave)

/* MSRs.  Same layout as KVM's struct kvm_msr_entry / kvm_msrs. */
struct minivmm_msr_entry {
	__u32 index;
	__u32 reserved;		/* must be 0 */
	__u64 data;
};

struct minivmm_msrs {
	__u32 nmsrs;		/* in: entries that follow, at most 256 */
	__u32 pad;		/* must be 0 */
	struct minivmm_msr_entry entries[];
};

/*
 * Both return the number of entries processed: processing stops at the
 * first MSR minivmm does not know or a value the guest could not write.
 */
#define MINIVMM_GET_MSRS	_IOWR(MINIVMM_IO, 0x69, struct minivmm_msrs)
#define MINIVMM_SET_MSRS	_IOW(MINIVMM_IO, 0x6a, struct minivmm_msrs)

/* One CPUID leaf.  Same layout as KVM's struct kvm_cpuid_entry2. */
struct minivmm_cpuid_entry2 {
	__u32 function;
	__u32 index;
	__u32 flags;		/* MINIVMM_CPUID_FLAG_* */
	__u32 eax, ebx, ecx, edx;
	__u32 padding[3];	/* must be 0 */
};

/* The leaf has subleaves: match on index too. */
#define MINIVMM_CPUID_FLAG_SIGNIFCANT_INDEX	(1u << 0)

struct minivmm_cpuid2 {
	__u32 nent;		/* entries that follow, at most 256 */
	__u32 padding;		/* must be 0 */
	struct minivmm_cpuid_entry2 entries[];
};

/*
 * The CPUID table the guest sees.  Each entry is limited to what the host
 * can give and the hypervisor bit (leaf 1, ECX bit 31) is set.  A leaf
 * above the highest one reads as Intel CPUs do (the highest basic leaf)
 * or, with an AMD vendor string, as 0; a missing leaf below it reads 0.
 */
#define MINIVMM_SET_CPUID2	_IOW(MINIVMM_IO, 0x6b, struct minivmm_cpuid2)

/*
 * The local APIC's register page in the xAPIC layout (SDM Vol. 3A Table
 * 11-1).  Same layout as KVM's struct kvm_lapic_state.
 */
struct minivmm_lapic_state {
	__u8 regs[1024];
};

#define MINIVMM_GET_LAPIC	_IOR(MINIVMM_IO, 0x6c, struct minivmm_lapic_state)
#define MINIVMM_SET_LAPIC	_IOW(MINIVMM_IO, 0x6d, struct minivmm_lapic_state)

/*
 * The events a vCPU holds between entries.  Same layout as KVM's
 * struct kvm_vcpu_events; the SMM, triple-fault and payload fields are
 * not used and must be 0.
 */
struct minivmm_vcpu_events {
	struct {
		__u8 injected;	/* queued for the next entry */
		__u8 nr;	/* vector, below 32, not 2 */
		__u8 has_error_code;
		__u8 pending;	/* set: the same as injected; get: 0 */
		__u32 error_code;
	} exception;
	struct {
		__u8 injected;	/* taken from the local APIC, not yet delivered */
		__u8 nr;
		__u8 soft;	/* must be 0 */
		__u8 shadow;	/* MINIVMM_SHADOW_* */
	} interrupt;
	struct {
		__u8 injected;	/* queued for the next entry */
		__u8 pending;	/* raised, not yet injected */
		__u8 masked;	/* the guest blocks NMIs (in its handler) */
		__u8 pad;
	} nmi;
	__u32 sipi_vector;	/* must be 0 */
	__u32 flags;		/* MINIVMM_VCPUEVENT_VALID_* */
	struct {
		__u8 smm, pending, smm_inside_nmi, latched_init;
	} smi;			/* must be 0 */
	struct {
		__u8 pending;
	} triple_fault;		/* must be 0 */
	__u8 reserved[26];	/* must be 0 */
	__u8 exception_has_payload;	/* must be 0 */
	__u64 exception_payload;	/* must be 0 */
};

/* interrupt.shadow: blocking by MOV SS / by STI (KVM's values). */
#define MINIVMM_SHADOW_MOV_SS		(1u << 0)
#define MINIVMM_SHADOW_STI		(1u << 1)

/* flags: which optional fields SET_VCPU_EVENTS takes (KVM's bits). */
#define MINIVMM_VCPUEVENT_VALID_NMI_PENDING	(1u << 0)
#define MINIVMM_VCPUEVENT_VALID_SHADOW		(1u << 2)

/* -ENXIO for a vCPU without an in-kernel local APIC (LAPIC ioctls). */
#define MINIVMM_GET_VCPU_EVENTS	_IOR(MINIVMM_IO, 0x6e, struct minivmm_vcpu_events)
#define MINIVMM_SET_VCPU_EVENTS	_IOW(MINIVMM_IO, 0x6f, struct minivmm_vcpu_events)

#define MINIVMM_MAX_MSR_ENTRIES		256
#define MINIVMM_MAX_CPUID_ENTRIES	256

/*
 * The run page: shared between the kernel and the VMM through mmap() of
 * the vCPU fd.  The field layout is that of KVM's struct kvm_run, and exit
 * reasons have KVM's numbers, so VMM code ports with a rename.  The kernel
 * treats everything userspace can write here as hostile: it reads each
 * input once and checks it before use.
 */
struct minivmm_run {
	/* in */
	__u8 request_interrupt_window;
	__u8 immediate_exit;	/* nonzero: MINIVMM_RUN returns -EINTR at once */
	__u8 padding1[6];

	/* out */
	__u32 exit_reason;	/* MINIVMM_EXIT_* */
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u16 flags;

	/* in (before MINIVMM_RUN), out (after) */
	__u64 cr8;
	__u64 apic_base;

	union {
		/* MINIVMM_EXIT_UNKNOWN */
		struct {
			__u64 hardware_exit_reason;
		} hw;
		/* MINIVMM_EXIT_FAIL_ENTRY */
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
		} fail_entry;
		/* MINIVMM_EXIT_IO */
		struct {
#define MINIVMM_EXIT_IO_IN	0
#define MINIVMM_EXIT_IO_OUT	1
			__u8 direction;
			__u8 size;	/* 1, 2 or 4 */
			__u16 port;
			__u32 count;	/* > 1 for rep ins/outs */
			__u64 data_offset; /* from the start of the run page */
		} io;
		/* MINIVMM_EXIT_MMIO: a read completes on the next MINIVMM_RUN */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
		} mmio;
		/* MINIVMM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;	/* MINIVMM_INTERNAL_ERROR_* */
			__u32 ndata;
			__u64 data[16];
		} internal;
		char padding[256];
	};
};

/* exit_reason values (KVM's numbers) */
#define MINIVMM_EXIT_UNKNOWN		0
#define MINIVMM_EXIT_IO			2
#define MINIVMM_EXIT_HLT		5
#define MINIVMM_EXIT_MMIO		6
#define MINIVMM_EXIT_SHUTDOWN		8
#define MINIVMM_EXIT_FAIL_ENTRY		9
#define MINIVMM_EXIT_INTR		10
#define MINIVMM_EXIT_INTERNAL_ERROR	17

/* internal.suberror values (KVM's numbers) */
#define MINIVMM_INTERNAL_ERROR_EMULATION	1
#define MINIVMM_INTERNAL_ERROR_DELIVERY_EV	3
#define MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT	4

/*
 * Port I/O data (run->io.data_offset) lives in the run page after the
 * struct, from this offset up to the end of the page.
 */
#define MINIVMM_RUN_IO_DATA_OFFSET	512

/*
 * ---------------------------------------------------------------------------
 * The generic netlink family "minivmm": a read-only, host-wide view of every
 * VM, its statistics and its events (Documentation/netlink.rst).  The one
 * description of the protocol is Documentation/netlink/minivmm.yaml; the
 * enums below mirror it.  Attribute and command numbers only grow.
 * tools/netlink-spec-check.sh compares everything from MINIVMM_GENL_NAME to
 * the end of this file with the spec, so the netlink part stays last.
 * ---------------------------------------------------------------------------
 */
#define MINIVMM_GENL_NAME		"minivmm"
#define MINIVMM_GENL_VERSION		1
#define MINIVMM_GENL_MCGRP_EVENTS	"events"

enum minivmm_cmd {
	MINIVMM_CMD_UNSPEC,
	MINIVMM_CMD_GET_VM,		/* do: one VM (VM_ID); dump: all visible */
	MINIVMM_CMD_GET_STATS,		/* do: VM_ID [, VCPU_ID] */
	/* Notifications, multicast to the "events" group */
	MINIVMM_CMD_VM_CREATED,
	MINIVMM_CMD_VM_DESTROYED,
	MINIVMM_CMD_VCPU_SHUTDOWN,	/* triple fault */
	MINIVMM_CMD_VCPU_FAIL_ENTRY,
	MINIVMM_CMD_VCPU_INTERNAL_ERROR,

	__MINIVMM_CMD_MAX,
	MINIVMM_CMD_MAX = __MINIVMM_CMD_MAX - 1
};

/* MINIVMM_A_VM_STATE */
enum minivmm_vm_state {
	MINIVMM_VM_STATE_IDLE = 1,	/* no vCPU inside MINIVMM_RUN */
	MINIVMM_VM_STATE_RUNNING,	/* at least one vCPU inside MINIVMM_RUN */
	MINIVMM_VM_STATE_DEAD,		/* marked inconsistent: ioctls fail -EIO */
};

/* MINIVMM_A_VCPU_STATE */
enum minivmm_vcpu_state {
	MINIVMM_VCPU_STATE_CREATED = 1,	/* never entered */
	MINIVMM_VCPU_STATE_IDLE,	/* outside MINIVMM_RUN */
	MINIVMM_VCPU_STATE_RUNNING,	/* inside MINIVMM_RUN */
	MINIVMM_VCPU_STATE_HALTED,	/* inside MINIVMM_RUN, asleep in HLT */
};

/* Top-level attributes: requests, VM replies and events. */
enum minivmm_a_vm {
	MINIVMM_A_VM_UNSPEC,
	MINIVMM_A_VM_PAD,
	MINIVMM_A_VM_ID,		/* u32, from 1; not reused soon */
	MINIVMM_A_VM_PID,		/* u32, creator's thread group id */
	MINIVMM_A_VM_UID,		/* u32, creator's effective uid */
	MINIVMM_A_VM_NR_VCPUS,		/* u32 */
	MINIVMM_A_VM_MEM_BYTES,		/* u64, sum of the memory slots */
	MINIVMM_A_VM_STATE,		/* u32, enum minivmm_vm_state */
	MINIVMM_A_VM_CREATED_NS,	/* u64, CLOCK_REALTIME */
	MINIVMM_A_VM_VCPU,		/* nest, enum minivmm_a_vcpu; repeated */
	MINIVMM_A_VM_VCPU_ID,		/* u32 */
	MINIVMM_A_VM_STATS,		/* nest, enum minivmm_a_stats */
	MINIVMM_A_VM_HW_REASON,		/* u64, FAIL_ENTRY/INTERNAL_ERROR */
	MINIVMM_A_VM_SUBERROR,		/* u32, INTERNAL_ERROR: MINIVMM_INTERNAL_ERROR_* */

	__MINIVMM_A_VM_MAX,
	MINIVMM_A_VM_MAX = __MINIVMM_A_VM_MAX - 1
};

/* One vCPU in a MINIVMM_CMD_GET_VM reply. */
enum minivmm_a_vcpu {
	MINIVMM_A_VCPU_UNSPEC,
	MINIVMM_A_VCPU_ID,		/* u32 */
	MINIVMM_A_VCPU_TID,		/* u32, thread that last ran it; 0: never */
	MINIVMM_A_VCPU_CPU,		/* u32, host CPU last run on; absent: never */
	MINIVMM_A_VCPU_STATE,		/* u32, enum minivmm_vcpu_state */

	__MINIVMM_A_VCPU_MAX,
	MINIVMM_A_VCPU_MAX = __MINIVMM_A_VCPU_MAX - 1
};

/* Counters of one vCPU, or summed over a VM's vCPUs. */
enum minivmm_a_stats {
	MINIVMM_A_STATS_UNSPEC,
	MINIVMM_A_STATS_PAD,
	MINIVMM_A_STATS_EXITS,		/* u64, every exit */
	MINIVMM_A_STATS_EXITS_TO_USER,	/* u64, MINIVMM_RUN returns with an exit */
	MINIVMM_A_STATS_HALTS,		/* u64 */
	MINIVMM_A_STATS_INJECTED,	/* u64, events injected into the guest */
	MINIVMM_A_STATS_GUEST_NS,	/* u64, time in the guest */
	MINIVMM_A_STATS_HOST_NS,	/* u64, in-kernel exit handling */
	MINIVMM_A_STATS_EXIT_KINDS,	/* nest, enum minivmm_a_exit_kind */
	MINIVMM_A_STATS_LATENCY,	/* nest: attr i + 1 is bucket i, u64 */

	__MINIVMM_A_STATS_MAX,
	MINIVMM_A_STATS_MAX = __MINIVMM_A_STATS_MAX - 1
};

/*
 * Exits by what handled them (u64 each).  MINIVMM_A_STATS_LATENCY has
 * MINIVMM_LATENCY_BUCKETS counts: bucket i counts exits handled in the
 * kernel whose exit-to-re-entry time was in [2^i, 2^(i+1)) ns (bucket 0
 * also counts 0 ns, the last bucket everything above).
 */
enum minivmm_a_exit_kind {
	MINIVMM_A_EXIT_KIND_UNSPEC,
	MINIVMM_A_EXIT_KIND_PAD,
	MINIVMM_A_EXIT_KIND_IO,		/* port I/O */
	MINIVMM_A_EXIT_KIND_MMIO,
	MINIVMM_A_EXIT_KIND_NPF,	/* nested page fault mapped in the kernel */
	MINIVMM_A_EXIT_KIND_CPUID,
	MINIVMM_A_EXIT_KIND_MSR,
	MINIVMM_A_EXIT_KIND_HLT,
	MINIVMM_A_EXIT_KIND_SHUTDOWN,
	MINIVMM_A_EXIT_KIND_FAIL_ENTRY,
	MINIVMM_A_EXIT_KIND_INTERNAL,
	MINIVMM_A_EXIT_KIND_OTHER,

	__MINIVMM_A_EXIT_KIND_MAX,
	MINIVMM_A_EXIT_KIND_MAX = __MINIVMM_A_EXIT_KIND_MAX - 1
};

#define MINIVMM_LATENCY_BUCKETS		32

#endif /* _UAPI_LINUX_MINIVMM_H */
