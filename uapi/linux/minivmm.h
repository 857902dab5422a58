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
#define MINIVMM_CAP_NR_CAPS		5	/* first unassigned number */

/* Values of MINIVMM_CAP_VENDOR */
#define MINIVMM_VENDOR_INTEL_VMX	1
#define MINIVMM_VENDOR_AMD_SVM		2

#endif /* _UAPI_LINUX_MINIVMM_H */
