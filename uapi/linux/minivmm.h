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

/* Capabilities for MINIVMM_CHECK_EXTENSION */
#define MINIVMM_CAP_VENDOR		0	/* MINIVMM_VENDOR_* */
#define MINIVMM_CAP_NESTED_PAGING	1	/* 1: EPT (VMX) or NPT (SVM) */
#define MINIVMM_CAP_TAGGED_TLB		2	/* 1: VPID (VMX) or ASID (SVM) */
#define MINIVMM_CAP_UNRESTRICTED_GUEST	3	/* 1: real-mode guests run natively */
#define MINIVMM_CAP_NEXT_RIP		4	/* 1: SVM NRIPS; VMX always has it */
#define MINIVMM_CAP_NR_MEMSLOTS	5	/* memory slots per VM */
#define MINIVMM_CAP_MAX_VCPUS		6	/* vCPUs per VM; ids are 0..n-1 */
#define MINIVMM_CAP_NR_CAPS		7	/* first unassigned number */

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

/* internal.suberror values */
#define MINIVMM_INTERNAL_ERROR_EMULATION	1
#define MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT	4

#endif /* _UAPI_LINUX_MINIVMM_H */
