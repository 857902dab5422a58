// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID table a guest sees, and the CPUID exit.
 *
 * CPUID always exits to the hypervisor (Intel SDM Vol. 3C "Instructions
 * That Cause VM Exits Unconditionally"; on AMD the backend sets the CPUID
 * intercept, APM Vol. 2 15.9), so every answer the guest gets comes
 * from a table here.  The table starts from the host's own leaves,
 * filtered to what minivmm can really give a guest ("the supported
 * table", MINIVMM_GET_SUPPORTED_CPUID).  MINIVMM_SET_CPUID2 replaces it
 * per vCPU, each register combined with the supported value by the rules
 * of cpuid_rules.c.
 *
 * This file holds the state: the supported table, built once from the
 * host, each vCPU's table, the two ioctls and the CPUID exit.
 */
#include <linux/bits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#include <linux/minivmm.h>

#include "minivmm.h"
#include "cpuid.h"

/* The table of one vCPU, set by MINIVMM_SET_CPUID2. */
struct mvm_cpuid {
	u32 nent;
	struct minivmm_cpuid_entry2 entries[];
};

/* Room for the supported table; it needs about 40 entries. */
#define MVM_CPUID_SUPPORTED_MAX	64

/*
 * The XSAVE components a guest may enable in XCR0: x87, SSE, AVX and
 * AVX-512.  Left out: MPX (deprecated, needs IA32_BNDCFGS), PKRU (minivmm
 * does not switch PKRU around entry), AMX (needs XFD and a bigger guest
 * FPU buffer) and every supervisor component (no IA32_XSS).
 */
#define MVM_XCR0_OFFERED	(XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM | \
				 XFEATURE_MASK_AVX512)

/*
 * The supported table, built once from the host's leaves on first use
 * and constant after: @ready is set with release semantics once the rest
 * is written, and read with acquire semantics before the rest is read.
 */
static struct {
	bool ready;
	u64 xcr0;
	u32 nent;
	struct minivmm_cpuid_entry2 entries[MVM_CPUID_SUPPORTED_MAX];
} mvm_sup;
/*
 * Serializes the one build of mvm_sup.  A leaf lock: taken in process
 * context (ioctls and exit handlers, possibly under vcpu->mutex) and
 * nothing is taken under it.
 */
static DEFINE_MUTEX(mvm_sup_lock);

/*
 * The XCR0 bits minivmm can offer: those of x87..AVX-512 the host kernel
 * enabled in its own XCR0, which stays the same after boot.  0 without
 * XSAVE.
 */
static u64 mvm_host_offered_xcr0(void)
{
	u64 xcr0;

	if (!boot_cpu_has(X86_FEATURE_XSAVE) ||
	    !boot_cpu_has(X86_FEATURE_OSXSAVE))
		return 0;
	xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK) & MVM_XCR0_OFFERED;
	/* AVX-512 is three components, usable only together and with AVX. */
	if ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	    !(xcr0 & XFEATURE_MASK_YMM))
		xcr0 &= ~XFEATURE_MASK_AVX512;
	if ((xcr0 & XFEATURE_MASK_FPSSE) != XFEATURE_MASK_FPSSE)
		return 0;
	return xcr0;
}

/* A new zeroed entry at the end of the supported table, or NULL. */
static struct minivmm_cpuid_entry2 *mvm_sup_new(u32 function, u32 index,
						u32 flags)
{
	struct minivmm_cpuid_entry2 *e;

	if (WARN_ON_ONCE(mvm_sup.nent >= MVM_CPUID_SUPPORTED_MAX))
		return NULL;
	e = &mvm_sup.entries[mvm_sup.nent++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = flags;
	return e;
}

/* A host leaf, reduced to what minivmm offers. */
static void mvm_sup_add(u32 function, u32 index, u32 flags)
{
	struct minivmm_cpuid_entry2 *e = mvm_sup_new(function, index, flags);

	if (!e)
		return;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	mvm_cpuid_mask(e, mvm_sup.xcr0);
}

/*
 * One of minivmm's time leaves, from the host kernel's tsc_khz as it is
 * when the table is built.  The kernel refines its first figure once,
 * about a second after boot (tsc_refine_calibration_work()), normally
 * long before a VM exists.  A host whose TSC rate follows the CPU's clock
 * (no constant TSC, gone from x86-64 CPUs for years) has no one rate to
 * report: its guests get the rate of that moment.
 */
static void mvm_sup_add_time(u32 function)
{
	struct minivmm_cpuid_entry2 *e = mvm_sup_new(function, 0, 0);

	if (e)
		mvm_cpuid_time(e, tsc_khz);
}

static void mvm_sup_build(void)
{
	u32 max, ext, i, a, b, c, d;

	mvm_sup.xcr0 = mvm_host_offered_xcr0();
	mvm_sup.nent = 0;
	/* The host's highest basic leaf: which of its leaves exist. */
	max = cpuid_eax(0);

	mvm_sup_add(0x0, 0, 0);
	if (max >= 0x1)
		mvm_sup_add(0x1, 0, 0);
	if (max >= 0x2)
		mvm_sup_add(0x2, 0, 0);
	/* Deterministic cache parameters, until a null cache type. */
	for (i = 0; max >= 0x4 && i < 8; i++) {
		cpuid_count(0x4, i, &a, &b, &c, &d);
		if (!(a & 0x1f))
			break;
		mvm_sup_add(0x4, i, SIG_INDEX);
	}
	/* Leaf 6 is ARAT alone, offered whatever the host has. */
	mvm_sup_add(0x6, 0, 0);
	if (max >= 0x7) {
		cpuid_count(0x7, 0, &a, &b, &c, &d);
		mvm_sup_add(0x7, 0, SIG_INDEX);
		if (a >= 1)
			mvm_sup_add(0x7, 1, SIG_INDEX);
	}
	/* Topology levels, until an invalid level type. */
	for (i = 0; max >= 0xb && i < 8; i++) {
		cpuid_count(0xb, i, &a, &b, &c, &d);
		if (!(c & 0xff00))
			break;
		mvm_sup_add(0xb, i, SIG_INDEX);
	}
	if (max >= 0xd && mvm_sup.xcr0) {
		mvm_sup_add(0xd, 0, SIG_INDEX);
		mvm_sup_add(0xd, 1, SIG_INDEX);
		for (i = 2; i < 64; i++)
			if (mvm_sup.xcr0 & BIT_ULL(i))
				mvm_sup_add(0xd, i, SIG_INDEX);
	}

	/* minivmm's own, whatever the host has: leaf 0 EAX covers them. */
	mvm_sup_add_time(MVM_CPUID_TSC);
	mvm_sup_add_time(MVM_CPUID_FREQ);

	mvm_sup_add(MVM_CPUID_HV_BASE, 0, 0);
	mvm_sup_add(MVM_CPUID_HV_FEATURES, 0, 0);
	mvm_sup_add_time(MVM_CPUID_HV_TIMING);

	ext = cpuid_eax(0x80000000);
	if (ext >= 0x80000000 && ext < 0x8000ffff) {
		ext = min_t(u32, ext, MVM_CPUID_MAX_EXT);
		for (i = 0x80000000; i <= ext; i++)
			mvm_sup_add(i, 0, 0);
	}
	/* Filtering changes nothing but the sizes in leaf 0xd.0 now. */
	mvm_cpuid_filter(mvm_sup.entries, mvm_sup.nent,
			 mvm_sup.entries, mvm_sup.nent);
}

/* The supported table; built on first use, constant after. */
VISIBLE_IF_KUNIT const struct minivmm_cpuid_entry2 *mvm_cpuid_supported(u32 *nent)
{
	might_sleep();
	if (!smp_load_acquire(&mvm_sup.ready)) {
		mutex_lock(&mvm_sup_lock);
		if (!mvm_sup.ready) {
			mvm_sup_build();
			smp_store_release(&mvm_sup.ready, true);
		}
		mutex_unlock(&mvm_sup_lock);
	}
	*nent = mvm_sup.nent;
	return mvm_sup.entries;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_supported);

/* The XCR0 bits minivmm offers any guest; 0 if the host has no XSAVE. */
u64 mvm_supported_xcr0(void)
{
	u32 n;

	mvm_cpuid_supported(&n);
	return mvm_sup.xcr0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_supported_xcr0);

/* The table @vcpu's guest sees. */
static const struct minivmm_cpuid_entry2 *mvm_vcpu_cpuid(struct mvm_vcpu *vcpu,
							 u32 *nent)
{
	if (vcpu->cpuid) {
		*nent = vcpu->cpuid->nent;
		return vcpu->cpuid->entries;
	}
	return mvm_cpuid_supported(nent);
}

/*
 * The XCR0 bits @vcpu's guest may set: those its CPUID table declares
 * (leaf 0xd.0 EDX:EAX, and x87), within what minivmm offers.  0 when
 * the guest has no XSAVE (leaf 1 ECX bit 26), where XSETBV is #UD.
 */
u64 mvm_guest_supported_xcr0(struct mvm_vcpu *vcpu)
{
	const struct minivmm_cpuid_entry2 *e, *l1, *ld;
	u64 xcr0 = 0;
	u32 n;

	e = mvm_vcpu_cpuid(vcpu, &n);
	l1 = mvm_cpuid_find(e, n, 0x1, 0);
	ld = mvm_cpuid_find(e, n, 0xd, 0);
	if (!l1 || !(l1->ecx & L1_ECX_XSAVE))
		return 0;
	/* x87 state is always there (SDM Vol. 1 13.3). */
	xcr0 = XFEATURE_MASK_FP;
	if (ld)
		xcr0 |= ld->eax | (u64)ld->edx << 32;
	return xcr0 & mvm_supported_xcr0();
}

/*
 * MINIVMM_GET_SUPPORTED_CPUID.  The header is read once; with too little
 * room, nent comes back as the size needed, with -E2BIG.
 */
int mvm_get_supported_cpuid(void __user *argp)
{
	struct minivmm_cpuid2 __user *uc = argp;
	const struct minivmm_cpuid_entry2 *sup;
	struct minivmm_cpuid2 hdr;
	u32 nsup;

	if (copy_from_user(&hdr, uc, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding)
		return -EINVAL;
	sup = mvm_cpuid_supported(&nsup);
	if (hdr.nent < nsup) {
		hdr.nent = nsup;
		if (copy_to_user(uc, &hdr, sizeof(hdr)))
			return -EFAULT;
		return -E2BIG;
	}
	hdr.nent = nsup;
	if (copy_to_user(uc->entries, sup, nsup * sizeof(*sup)) ||
	    copy_to_user(uc, &hdr, sizeof(hdr)))
		return -EFAULT;
	return 0;
}

/*
 * MINIVMM_SET_CPUID2.  Caller holds vcpu->mutex, which the CPUID exit
 * path holds too, so the table can be swapped under it.  The header and
 * the entries are each copied once; only the copy is checked and used.
 */
int mvm_set_cpuid(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_cpuid2 __user *uc = argp;
	const struct minivmm_cpuid_entry2 *sup;
	struct minivmm_cpuid2 hdr;
	struct mvm_cpuid *t;
	u32 nsup;
	int r;

	lockdep_assert_held(&vcpu->mutex);
	if (copy_from_user(&hdr, uc, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding)
		return -EINVAL;
	if (hdr.nent > MINIVMM_MAX_CPUID_ENTRIES)
		return -E2BIG;

	t = kvmalloc(struct_size(t, entries, hdr.nent), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->nent = hdr.nent;
	if (copy_from_user(t->entries, uc->entries,
			   hdr.nent * sizeof(t->entries[0]))) {
		r = -EFAULT;
		goto err_free;
	}
	r = mvm_cpuid_check(t->entries, t->nent);
	if (r)
		goto err_free;

	sup = mvm_cpuid_supported(&nsup);
	mvm_cpuid_filter(sup, nsup, t->entries, t->nent);
	kvfree(vcpu->cpuid);
	vcpu->cpuid = t;
	return 0;

err_free:
	kvfree(t);
	return r;
}

/* At vCPU free. */
void mvm_cpuid_free(struct mvm_vcpu *vcpu)
{
	kvfree(vcpu->cpuid);
	vcpu->cpuid = NULL;
}

/*
 * Finish an instruction emulated at an exit (CPUID, RDMSR, WRMSR, XSETBV):
 * move RIP past it.  Returns 1 to re-enter the guest; when the backend
 * cannot find the instruction's length (SVM without NRIPS, bytes it
 * cannot decode), the run page reports an emulation error and it
 * returns 0.
 */
int mvm_complete_insn(struct mvm_vcpu *vcpu)
{
	int r = mvm_ops->skip_instruction(vcpu);

	if (r >= 0)
		return 1;
	mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION, 0, r);
	return 0;
}

/* Whether @vcpu's local APIC is globally enabled (IA32_APIC_BASE bit 11). */
static bool mvm_cpuid_apic_enabled(struct mvm_vcpu *vcpu)
{
	struct mvm_lapic *apic = vcpu->apic;
	unsigned long flags;
	u64 base;

	if (!apic)
		return false;
	/* Other threads and the timer's hrtimer take it too: irqsave. */
	spin_lock_irqsave(&apic->lock, flags);
	base = apic->base;
	spin_unlock_irqrestore(&apic->lock, flags);
	return base & MVM_APIC_BASE_ENABLE;
}

/*
 * The CPUID exit: answer from the vCPU's table, write EAX..EDX (a 32-bit
 * result clears the upper halves of RAX..RDX in 64-bit mode, SDM Vol. 1
 * 3.4.1.1), and move past the instruction (mvm_complete_insn()).
 */
int mvm_emulate_cpuid(struct mvm_vcpu *vcpu)
{
	const struct minivmm_cpuid_entry2 *tbl, *e, *sup;
	struct minivmm_cpuid_entry2 out = {};
	struct minivmm_sregs sregs;
	bool apic_enabled = false;
	u32 n, nsup;

	mvm_stat_exit(vcpu, MVM_EXIT_KIND_CPUID);
	out.function = lower_32_bits(vcpu->regs[MVM_RAX]);
	out.index = lower_32_bits(vcpu->regs[MVM_RCX]);

	tbl = mvm_vcpu_cpuid(vcpu, &n);
	e = mvm_cpuid_lookup(tbl, n, out.function, out.index);
	if (e)
		out = *e;

	/*
	 * Only leaf 1 depends on CR4 (get_sregs reads the whole set), and
	 * only leaves 1 and 0x80000001 on IA32_APIC_BASE.
	 */
	sregs.cr4 = 0;
	if (e && e->function == 0x1)
		mvm_ops->get_sregs(vcpu, &sregs);
	if (e && (e->function == 0x1 || e->function == 0x80000001))
		apic_enabled = mvm_cpuid_apic_enabled(vcpu);
	sup = mvm_cpuid_supported(&nsup);
	if (e)
		mvm_cpuid_fixup(sup, nsup, &out, vcpu->id, sregs.cr4,
				vcpu->guest_xcr0, vcpu->apic != NULL,
				apic_enabled);

	vcpu->regs[MVM_RAX] = out.eax;
	vcpu->regs[MVM_RBX] = out.ebx;
	vcpu->regs[MVM_RCX] = out.ecx;
	vcpu->regs[MVM_RDX] = out.edx;
	return mvm_complete_insn(vcpu);
}
