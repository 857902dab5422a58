// SPDX-License-Identifier: GPL-2.0
/*
 * MINIVMM_GET/SET_FPU and MINIVMM_GET/SET_XSAVE: the guest's x87, SSE and
 * AVX state.
 *
 * The state lives in vcpu->guest_fpu, the kernel's guest FPU container
 * (fpu_alloc_guest_fpstate()).  It is in the registers only inside
 * MINIVMM_RUN, between the two fpu_swap_kvm_fpstate() calls, and these
 * ioctls run under vcpu->mutex, which RUN holds, so here it is always in
 * memory.  The kernel's own helpers convert between its buffer (possibly
 * compacted, with supervisor state) and the standard XSAVE format
 * userspace sees, and they check what userspace writes: the XSAVE header
 * (no compacted format, no reserved bit, no component outside the mask
 * passed) and MXCSR's reserved bits.  Those helpers write only the parts
 * they copy, so every buffer that goes to userspace starts zeroed.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include <linux/minivmm.h>

#include "minivmm.h"

/* struct minivmm_xsave is the standard format, which holds the legacy
 * region at offset 0 and the header at 512 (SDM Vol. 1 13.4). */
static_assert(sizeof(struct minivmm_xsave) >= sizeof(struct xregs_state));
static_assert(sizeof(((struct minivmm_fpu *)0)->fpr) ==
	      sizeof(((struct fxregs_state *)0)->st_space));
static_assert(sizeof(((struct minivmm_fpu *)0)->xmm) ==
	      sizeof(((struct fxregs_state *)0)->xmm_space));

/*
 * The components userspace sees and may set: what the guest's CPUID
 * allows, and always x87 and SSE (the legacy region), as KVM does.
 */
static u64 mvm_fpu_xfeatures(struct mvm_vcpu *vcpu)
{
	return mvm_guest_supported_xcr0(vcpu) | XFEATURE_MASK_FPSSE;
}

/* The guest's state in the standard format, in a new zeroed buffer. */
static union fpregs_state *mvm_fpu_read(struct mvm_vcpu *vcpu)
{
	union fpregs_state *buf;

	buf = kzalloc(sizeof(struct minivmm_xsave), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return NULL;
	/* PKRU is never offered: its value does not matter here. */
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, buf,
				       sizeof(struct minivmm_xsave),
				       mvm_fpu_xfeatures(vcpu), 0);
	return buf;
}

/* Load a standard-format buffer into the guest; -EINVAL if invalid. */
static int mvm_fpu_write(struct mvm_vcpu *vcpu, const union fpregs_state *buf)
{
	u32 pkru = 0;

	return fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, buf,
					      mvm_fpu_xfeatures(vcpu), &pkru);
}

/* Caller holds vcpu->mutex. */
int mvm_get_fpu(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct fxregs_state *fx;
	union fpregs_state *buf;
	struct minivmm_fpu fpu;
	int r = 0;

	lockdep_assert_held(&vcpu->mutex);
	buf = mvm_fpu_read(vcpu);
	if (!buf)
		return -ENOMEM;
	fx = &buf->fxsave;

	/* The padding goes out as zero. */
	memset(&fpu, 0, sizeof(fpu));
	memcpy(fpu.fpr, fx->st_space, sizeof(fpu.fpr));
	fpu.fcw = fx->cwd;
	fpu.fsw = fx->swd;
	fpu.ftwx = fx->twd;
	fpu.last_opcode = fx->fop;
	fpu.last_ip = fx->rip;
	fpu.last_dp = fx->rdp;
	memcpy(fpu.xmm, fx->xmm_space, sizeof(fpu.xmm));
	fpu.mxcsr = fx->mxcsr;
	kfree(buf);

	if (copy_to_user(argp, &fpu, sizeof(fpu)))
		r = -EFAULT;
	return r;
}

/*
 * Caller holds vcpu->mutex.  Only the legacy region changes: the rest of
 * the guest's XSAVE state (AVX upper halves, AVX-512) is kept.
 */
int mvm_set_fpu(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct fxregs_state *fx;
	union fpregs_state *buf;
	struct minivmm_fpu fpu;
	int r;

	lockdep_assert_held(&vcpu->mutex);
	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	if (fpu.pad1 || fpu.pad2)
		return -EINVAL;

	buf = mvm_fpu_read(vcpu);
	if (!buf)
		return -ENOMEM;
	fx = &buf->fxsave;
	memcpy(fx->st_space, fpu.fpr, sizeof(fpu.fpr));
	fx->cwd = fpu.fcw;
	fx->swd = fpu.fsw;
	fx->twd = fpu.ftwx;	/* FXSAVE's abridged tag: one byte */
	fx->fop = fpu.last_opcode;
	fx->rip = fpu.last_ip;
	fx->rdp = fpu.last_dp;
	memcpy(fx->xmm_space, fpu.xmm, sizeof(fpu.xmm));
	fx->mxcsr = fpu.mxcsr;	/* checked against the CPU's mask there */
	/* x87 and SSE are now given, not in their initial state. */
	buf->xsave.header.xfeatures |= XFEATURE_MASK_FPSSE;

	r = mvm_fpu_write(vcpu, buf);
	kfree(buf);
	return r;
}

/* Caller holds vcpu->mutex.  4096 bytes, zero beyond the guest's state. */
int mvm_get_xsave(struct mvm_vcpu *vcpu, void __user *argp)
{
	union fpregs_state *buf;
	int r = 0;

	lockdep_assert_held(&vcpu->mutex);
	buf = mvm_fpu_read(vcpu);
	if (!buf)
		return -ENOMEM;
	if (copy_to_user(argp, buf, sizeof(struct minivmm_xsave)))
		r = -EFAULT;
	kfree(buf);
	return r;
}

/*
 * Caller holds vcpu->mutex.  The buffer is copied once; -EINVAL for a
 * header the kernel's check refuses, a component the guest's CPUID does
 * not allow, or reserved MXCSR bits.  Components absent from the header's
 * XSTATE_BV take their initial state (SDM Vol. 1 13.8).
 */
int mvm_set_xsave(struct mvm_vcpu *vcpu, void __user *argp)
{
	union fpregs_state *buf;
	int r;

	lockdep_assert_held(&vcpu->mutex);
	buf = kmalloc(sizeof(struct minivmm_xsave), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, argp, sizeof(struct minivmm_xsave)))
		r = -EFAULT;
	else if (buf->xsave.header.xcomp_bv ||
		 memchr_inv(buf->xsave.header.reserved, 0,
			    sizeof(buf->xsave.header.reserved)))
		/*
		 * The standard format has XCOMP_BV and the reserved header
		 * bytes zero (SDM Vol. 1 13.4.2).  The kernel's helper checks
		 * this only when the host uses XSAVE; a host without it (the
		 * stock kernel turns it off under Bochs) must refuse the
		 * same buffers.
		 */
		r = -EINVAL;
	else
		r = mvm_fpu_write(vcpu, buf);
	kfree(buf);
	return r;
}
