// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR, WRMSR and XSETBV exits, MINIVMM_GET/SET_MSRS, and the guest's
 * XCR0 around guest entry.
 *
 * Every MSR access a guest makes exits unless the backend's MSR bitmap
 * lets it through (Documentation/msrs.rst lists those).  The backend
 * answers first for the MSRs whose guest value lives in the VMCS/VMCB or
 * that it switches itself; this file answers for the few generic ones a
 * 64-bit guest touches while it boots, and every other index is a #GP,
 * as on a CPU without that MSR.  Nothing here is ever written to a
 * hardware MSR: each value is checked and stored in the vCPU.
 *
 * XCR0 is not switched by VM entry or exit (neither the VMCS guest-state
 * area, SDM Vol. 3C "Guest-State Area", nor the VMCB state save area, APM
 * Vol. 2 Appendix B, holds it), so it is loaded around entry here, with
 * interrupts off, only when the guest's value differs.
 *
 * The value checks are pure functions, tested by tests/msr_kunit.c.
 */
#include <linux/bits.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>

#include <linux/minivmm.h>

#include "minivmm.h"

#define GP_VECTOR	13
#define UD_VECTOR	6

/*
 * IA32_MISC_ENABLE (SDM Vol. 4, Table 2-2): the bits a guest may change
 * (fast strings, automatic thermal control, Enhanced SpeedStep enable,
 * xTPR message disable), stored and otherwise without effect, and the
 * read-only ones minivmm reports set: no BTS, no PEBS.  Every other bit
 * is reserved here: the ones that would change CPUID (limit CPUID maxval,
 * XD disable, MONITOR enable) are not emulated.
 */
#define MVM_MISC_ENABLE_RW	(MSR_IA32_MISC_ENABLE_FAST_STRING |	\
				 MSR_IA32_MISC_ENABLE_TM1 |		\
				 MSR_IA32_MISC_ENABLE_ENHANCED_SPEEDSTEP | \
				 MSR_IA32_MISC_ENABLE_XTPR_DISABLE)
#define MVM_MISC_ENABLE_RO	(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |	\
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)

/*
 * IA32_MTRRCAP: no variable ranges, no fixed ranges, no WC, no SMRR.
 * minivmm does not apply guest memory types; a guest that reads this
 * finds nothing to program beyond the default type.
 */
#define MVM_MTRRCAP		0ULL

/* IA32_MTRR_DEF_TYPE fields (SDM Vol. 3A 11.11.2.1). */
#define MVM_MTRR_DEF_TYPE_TYPE	GENMASK_ULL(7, 0)
#define MVM_MTRR_DEF_TYPE_FE	BIT_ULL(10)
#define MVM_MTRR_DEF_TYPE_E	BIT_ULL(11)
/* At reset: enabled, write-back, which is what guest memory is. */
#define MVM_MTRR_DEF_TYPE_RESET	(MVM_MTRR_DEF_TYPE_E | 6)

/* The x2APIC registers (SDM Vol. 3A 11.12.1.2) and IA32_TSC_DEADLINE. */
#define MVM_MSR_X2APIC_FIRST	0x800
#define MVM_MSR_X2APIC_LAST	0x8ff
#define MVM_MSR_TSC_DEADLINE	0x6e0

/*
 * MSRs answered as KVM answers a guest that has nothing behind them: reads
 * give 0 and writes are dropped, where a #GP would make a stock kernel log
 * an "unchecked MSR access error" (it reads them with the plain
 * accessors, whatever CPUID says):
 *
 *  - the legacy performance counters, AMD's EVNTSEL0-3 and PERFCTR0-3
 *    (APM Vol. 2 13.2.1) and Intel's first two pairs (SDM Vol. 4 Table
 *    2-2).  minivmm has no virtual PMU and CPUID says so (leaf 0xA zero,
 *    no PERFCTR_CORE), yet perf's check_hw_exists() and the NMI watchdog
 *    touch them; a counter that reads back 0 after a write tells perf
 *    there is no PMU;
 *  - AMD's NB_CFG (0xc001001f, BKDG for family 10h), which Linux's
 *    amd_bus_cpu_online() (arch/x86/pci/amd_bus.c) reads and writes on
 *    every AMD CPU of family 10h or later to enable extended PCI config
 *    space access; there is no northbridge behind it here.
 */
#define MVM_MSR_AMD64_NB_CFG	0xc001001f

static bool mvm_msr_reads_zero(u32 index)
{
	return (index >= MSR_K7_EVNTSEL0 && index <= MSR_K7_PERFCTR3) ||
	       index == MSR_P6_PERFCTR0 || index == MSR_P6_PERFCTR1 ||
	       index == MSR_P6_EVNTSEL0 || index == MSR_P6_EVNTSEL1 ||
	       index == MVM_MSR_AMD64_NB_CFG;
}

/* IA32_BIOS_SIGN_ID: microcode revision 1 in the upper half. */
#define MVM_UCODE_REV		(1ULL << 32)

/* IA32_FEATURE_CONTROL: locked, with VMX, SMX and SGX off. */
#define MVM_FEAT_CTL		FEAT_CTL_LOCKED

/*
 * A memory type valid in the PAT or an MTRR (SDM Vol. 3A Table 11-10,
 * 11.12.2): UC, WC, WT, WP, WB, and for the PAT only UC- (7).
 */
static bool mvm_mem_type_valid(u8 type, bool pat)
{
	switch (type) {
	case 0: case 1: case 4: case 5: case 6:
		return true;
	case 7:
		return pat;
	default:
		return false;
	}
}

/* A value IA32_PAT accepts: eight valid types (else #GP, SDM 11.12.2). */
bool mvm_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!mvm_mem_type_valid(pat >> (i * 8), true))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pat_valid);

/*
 * A value IA32_MTRR_DEF_TYPE accepts given IA32_MTRRCAP @cap: a valid
 * type, no reserved bit, and FE only with fixed ranges (MTRRCAP bit 8).
 */
VISIBLE_IF_KUNIT bool mvm_mtrr_def_type_valid(u64 val, u64 cap)
{
	u64 ok = MVM_MTRR_DEF_TYPE_TYPE | MVM_MTRR_DEF_TYPE_E;

	if (cap & BIT_ULL(8))
		ok |= MVM_MTRR_DEF_TYPE_FE;
	if (val & ~ok)
		return false;
	return mvm_mem_type_valid(val & MVM_MTRR_DEF_TYPE_TYPE, false);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_mtrr_def_type_valid);

/*
 * The IA32_MISC_ENABLE value a write of @val leaves, from @old; -EINVAL
 * for a reserved bit.  Read-only bits keep their value whatever is
 * written, as on hardware.
 */
VISIBLE_IF_KUNIT int mvm_misc_enable_write(u64 old, u64 val, u64 *new)
{
	if (val & ~(MVM_MISC_ENABLE_RW | MVM_MISC_ENABLE_RO))
		return -EINVAL;
	*new = (val & MVM_MISC_ENABLE_RW) | (old & MVM_MISC_ENABLE_RO);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_misc_enable_write);

/*
 * A value IA32_APIC_BASE accepts without the in-kernel APIC: no x2APIC
 * (not offered), nothing reserved, a base within MAXPHYADDR @phys_bits.
 */
VISIBLE_IF_KUNIT bool mvm_apic_base_valid(u64 val, int phys_bits)
{
	u64 ok = (GENMASK_ULL(phys_bits - 1, 12)) | MVM_APIC_BASE_BSP |
		 MVM_APIC_BASE_ENABLE;

	return !(val & ~ok);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_apic_base_valid);

/*
 * A value XSETBV may put in XCR0, given the bits the guest may use
 * (SDM Vol. 1 13.3, Vol. 2B XSETBV): x87 always set, AVX only with SSE,
 * the three AVX-512 components together and only with AVX, the two MPX
 * and the two AMX components in pairs, nothing outside @allowed.
 */
VISIBLE_IF_KUNIT bool mvm_xcr0_valid(u64 xcr0, u64 allowed)
{
	u64 avx512 = xcr0 & XFEATURE_MASK_AVX512;
	u64 mpx = xcr0 & (XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR);
	u64 amx = xcr0 & (XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA);

	if (xcr0 & ~allowed)
		return false;
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (avx512 && (avx512 != XFEATURE_MASK_AVX512 ||
		       !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if (mpx && mpx != (XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR))
		return false;
	if (amx && amx != (XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA))
		return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_xcr0_valid);

/* The generic MSRs' state at vCPU reset (vcpu.c calls it at create). */
void mvm_msr_reset(struct mvm_vcpu *vcpu)
{
	vcpu->msr_misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING |
				MVM_MISC_ENABLE_RO;
	vcpu->msr_mtrr_def_type = MVM_MTRR_DEF_TYPE_RESET;
	/* x87 only (SDM Vol. 1 13.3: XCR0 is 1 after reset). */
	vcpu->guest_xcr0 = XFEATURE_MASK_FP;
}

/*
 * Read MSR @index.  0 with *data set, or -EINVAL for an MSR the guest
 * does not have (a #GP for RDMSR, the end of MINIVMM_GET_MSRS).
 */
static int mvm_msr_read(struct mvm_vcpu *vcpu, u32 index, u64 *data)
{
	int r = mvm_ops->get_msr(vcpu, index, data);

	if (r != 1)
		return r ? -EINVAL : 0;

	switch (index) {
	case MSR_IA32_MISC_ENABLE:
		*data = vcpu->msr_misc_enable;
		return 0;
	case MSR_MTRRcap:
		*data = MVM_MTRRCAP;
		return 0;
	case MSR_MTRRdefType:
		*data = vcpu->msr_mtrr_def_type;
		return 0;
	case MSR_IA32_APICBASE:
		if (vcpu->apic)
			*data = vcpu->apic->base;
		else
			*data = MVM_APIC_DEFAULT_BASE | MVM_APIC_BASE_ENABLE |
				(vcpu->id == 0 ? MVM_APIC_BASE_BSP : 0);
		return 0;
	case MSR_IA32_TSC:
		*data = mvm_guest_tsc(vcpu);
		return 0;
	case MVM_MSR_TSC_DEADLINE:
		if (!vcpu->apic)
			return -EINVAL;
		*data = mvm_apic_tsc_deadline_read(vcpu->apic);
		return 0;
	case MVM_MSR_X2APIC_FIRST ... MVM_MSR_X2APIC_LAST:
		return mvm_lapic_msr_read(vcpu, index, data);
	case MSR_IA32_UCODE_REV:
		*data = MVM_UCODE_REV;
		return 0;
	case MSR_IA32_FEAT_CTL:
		*data = MVM_FEAT_CTL;
		return 0;
	default:
		if (mvm_msr_reads_zero(index)) {
			*data = 0;
			return 0;
		}
		return -EINVAL;
	}
}

/*
 * Write MSR @index: 0, or -EINVAL for a #GP (and the end of SET_MSRS).
 * @host: the VMM writes it (MINIVMM_SET_MSRS), restoring state.
 */
static int mvm_msr_write(struct mvm_vcpu *vcpu, u32 index, u64 data,
			 bool host)
{
	int r = mvm_ops->set_msr(vcpu, index, data);

	if (r != 1)
		return r ? -EINVAL : 0;

	switch (index) {
	case MSR_IA32_MISC_ENABLE:
		return mvm_misc_enable_write(vcpu->msr_misc_enable, data,
					     &vcpu->msr_misc_enable);
	case MSR_MTRRdefType:
		if (!mvm_mtrr_def_type_valid(data, MVM_MTRRCAP))
			return -EINVAL;
		vcpu->msr_mtrr_def_type = data;
		return 0;
	case MSR_IA32_APICBASE:
		if (vcpu->apic)
			return mvm_lapic_set_base(vcpu, data, host);
		/* No local APIC is emulated: a valid value is dropped. */
		return mvm_apic_base_valid(data, boot_cpu_data.x86_phys_bits) ?
		       0 : -EINVAL;
	case MSR_IA32_TSC:
		/* One offset for the whole VM: every vCPU's TSC moves. */
		WRITE_ONCE(vcpu->vm->tsc_offset, data - rdtsc());
		return 0;
	case MVM_MSR_TSC_DEADLINE:
		if (!vcpu->apic)
			return -EINVAL;
		mvm_apic_tsc_deadline_write(vcpu->apic, data,
					    mvm_guest_tsc(vcpu));
		return 0;
	case MVM_MSR_X2APIC_FIRST ... MVM_MSR_X2APIC_LAST:
		return mvm_lapic_msr_write(vcpu, index, data);
	case MSR_IA32_UCODE_REV:
		/* Guests write 0 before CPUID to read the revision. */
		return 0;
	default:
		if (mvm_msr_reads_zero(index))
			return 0;
		/* Unknown, or read-only (MTRRCAP; FEATURE_CONTROL locked). */
		return -EINVAL;
	}
}

/*
 * Say once per vCPU and MSR what the guest was refused, so that a guest
 * that misbehaves after a #GP shows why, without a log line per access.
 * Only the first few MSRs are remembered: past them, nothing more is said
 * (a guest probing every index cannot flood the host's log).
 */
static void mvm_msr_log_refused(struct mvm_vcpu *vcpu, u32 index, bool write,
				u64 data)
{
	u32 i;

	for (i = 0; i < vcpu->nr_msr_refused; i++)
		if (vcpu->msr_refused[i] == index)
			return;
	if (vcpu->nr_msr_refused == ARRAY_SIZE(vcpu->msr_refused))
		return;
	vcpu->msr_refused[vcpu->nr_msr_refused++] = index;
	if (write)
		pr_info(MVM_NAME ": vCPU %u: WRMSR 0x%x (value 0x%llx) refused with #GP%s\n",
			vcpu->id, index, data,
			vcpu->nr_msr_refused == ARRAY_SIZE(vcpu->msr_refused) ?
			"; no further MSR reported" : "; not reported again");
	else
		pr_info(MVM_NAME ": vCPU %u: RDMSR 0x%x refused with #GP%s\n",
			vcpu->id, index,
			vcpu->nr_msr_refused == ARRAY_SIZE(vcpu->msr_refused) ?
			"; no further MSR reported" : "; not reported again");
}

/* The RDMSR exit: ECX names the MSR, the value goes to EDX:EAX. */
int mvm_emulate_rdmsr(struct mvm_vcpu *vcpu)
{
	u32 index = lower_32_bits(vcpu->regs[MVM_RCX]);
	u64 data;

	mvm_stat_exit(vcpu, MVM_EXIT_KIND_MSR);
	if (mvm_msr_read(vcpu, index, &data)) {
		mvm_msr_log_refused(vcpu, index, false, 0);
		mvm_ops->queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->regs[MVM_RAX] = lower_32_bits(data);
	vcpu->regs[MVM_RDX] = upper_32_bits(data);
	return mvm_complete_insn(vcpu);
}

/* The WRMSR exit: ECX names the MSR, EDX:EAX is the value. */
int mvm_emulate_wrmsr(struct mvm_vcpu *vcpu)
{
	u32 index = lower_32_bits(vcpu->regs[MVM_RCX]);
	u64 data = lower_32_bits(vcpu->regs[MVM_RAX]) |
		   (u64)lower_32_bits(vcpu->regs[MVM_RDX]) << 32;

	mvm_stat_exit(vcpu, MVM_EXIT_KIND_MSR);
	if (mvm_msr_write(vcpu, index, data, false)) {
		mvm_msr_log_refused(vcpu, index, true, data);
		mvm_ops->queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	return mvm_complete_insn(vcpu);
}

/*
 * MINIVMM_GET_MSRS and MINIVMM_SET_MSRS.  Caller holds vcpu->mutex with
 * the vCPU loaded (the backend reads the VMCS/VMCB).  The header and the
 * entries are each copied once; every entry's reserved field is checked
 * before any MSR is touched.  Returns the number of entries processed,
 * stopping at the first that fails, as KVM does.
 */
static int mvm_msrs_io(struct mvm_vcpu *vcpu, void __user *argp, bool set)
{
	struct minivmm_msrs __user *um = argp;
	struct minivmm_msr_entry *e;
	struct minivmm_msrs hdr;
	u32 i;
	int r;

	lockdep_assert_held(&vcpu->mutex);
	if (copy_from_user(&hdr, um, sizeof(hdr)))
		return -EFAULT;
	if (hdr.pad)
		return -EINVAL;
	if (hdr.nmsrs > MINIVMM_MAX_MSR_ENTRIES)
		return -E2BIG;
	if (!hdr.nmsrs)
		return 0;

	e = kmalloc_array(hdr.nmsrs, sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	if (copy_from_user(e, um->entries, hdr.nmsrs * sizeof(*e))) {
		r = -EFAULT;
		goto out;
	}
	for (i = 0; i < hdr.nmsrs; i++) {
		if (e[i].reserved) {
			r = -EINVAL;
			goto out;
		}
	}

	for (i = 0; i < hdr.nmsrs; i++) {
		if (set ? mvm_msr_write(vcpu, e[i].index, e[i].data, true) :
			  mvm_msr_read(vcpu, e[i].index, &e[i].data))
			break;
	}
	r = i;
	if (!set && copy_to_user(um->entries, e, i * sizeof(*e)))
		r = -EFAULT;
out:
	kfree(e);
	return r;
}

int mvm_get_msrs(struct mvm_vcpu *vcpu, void __user *argp)
{
	return mvm_msrs_io(vcpu, argp, false);
}

int mvm_set_msrs(struct mvm_vcpu *vcpu, void __user *argp)
{
	return mvm_msrs_io(vcpu, argp, true);
}

/*
 * The guest's CPL: 0 in real mode, 3 in virtual-8086 mode, else SS.DPL.
 * On VMX SS.DPL is the CPL (SDM Vol. 3C "Guest-State Area": "the DPL of
 * SS is always equal to the CPL"); on SVM the backend reports the VMCB's
 * CPL field there (APM Vol. 2 Appendix B).
 */
static int mvm_guest_cpl(const struct minivmm_sregs *sregs, u64 rflags)
{
	if (!(sregs->cr0 & X86_CR0_PE))
		return 0;
	if (rflags & X86_EFLAGS_VM)
		return 3;
	return sregs->ss.dpl;
}

/*
 * The XSETBV exit (SDM Vol. 2B XSETBV): #UD without XSAVE in the guest's
 * CPUID or with CR4.OSXSAVE clear; #GP(0) at CPL > 0, for an XCR other
 * than XCR0, or for a value XCR0 cannot hold.  A valid value is stored
 * and loaded before the next entry (mvm_load_guest_xcr0()).
 */
int mvm_emulate_xsetbv(struct mvm_vcpu *vcpu)
{
	u64 allowed = mvm_guest_supported_xcr0(vcpu);
	u64 val = lower_32_bits(vcpu->regs[MVM_RAX]) |
		  (u64)lower_32_bits(vcpu->regs[MVM_RDX]) << 32;
	struct minivmm_sregs sregs;

	mvm_ops->get_sregs(vcpu, &sregs);
	if (!allowed || !(sregs.cr4 & X86_CR4_OSXSAVE)) {
		mvm_ops->queue_exception(vcpu, UD_VECTOR, false, 0);
		return 1;
	}
	if (mvm_guest_cpl(&sregs, vcpu->rflags) != 0 ||
	    lower_32_bits(vcpu->regs[MVM_RCX]) != XCR_XFEATURE_ENABLED_MASK ||
	    !mvm_xcr0_valid(val, allowed)) {
		mvm_ops->queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->guest_xcr0 = val;
	return mvm_complete_insn(vcpu);
}

/*
 * The host's XCR0, read the first time it is needed, while the hardware
 * still holds it; the kernel sets it once at boot, the same on every CPU.
 */
static u64 mvm_host_xcr0;
/* Whether this CPU runs with the guest's XCR0 (IRQs off meanwhile). */
static DEFINE_PER_CPU(bool, mvm_guest_xcr0_loaded);

/*
 * After an exit, interrupts on: an XCR0 the guest set without an XSETBV
 * exit (mvm_load_host_xcr0() found it) becomes the guest's, if the guest
 * could have set it with XSETBV; else the guest keeps its last value.
 */
void mvm_xcr0_stray(struct mvm_vcpu *vcpu)
{
	u64 hw = vcpu->xcr0_stray;

	if (likely(!hw))
		return;
	vcpu->xcr0_stray = 0;
	pr_warn_once(MVM_NAME ": the guest changed XCR0 without an XSETBV exit (the CPU ignores the intercept); following the guest's value\n");
	if (mvm_xcr0_valid(hw, mvm_guest_supported_xcr0(vcpu)))
		vcpu->guest_xcr0 = hw;
}

/*
 * Just before entry, interrupts off: the guest's XCR0 whenever it differs
 * from the host's.  Not only when the guest's CR4.OSXSAVE is set: a
 * backend may let the guest set CR4.OSXSAVE without an exit (VMX with
 * OSXSAVE guest-owned), and the guest must then find its own XCR0, never
 * the host's (which may enable PKRU or AMX state).  With CR4.OSXSAVE
 * clear, XCR0 is invisible to the guest and legacy SSE does not depend on
 * it (SDM Vol. 1 13.3), so loading it early changes nothing for the
 * guest.  Its bits are always a subset of the host's (mvm_xcr0_valid()
 * against mvm_supported_xcr0()), so XSETBV cannot fault.  @guest_cr4 is
 * not needed.
 */
void mvm_load_guest_xcr0(struct mvm_vcpu *vcpu, u64 guest_cr4)
{
	u64 host = READ_ONCE(mvm_host_xcr0);

	lockdep_assert_irqs_disabled();
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return;
	if (!host) {
		host = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		WRITE_ONCE(mvm_host_xcr0, host);
	}
	if (vcpu->guest_xcr0 == host)
		return;
	if (WARN_ON_ONCE(vcpu->guest_xcr0 & ~host ||
			 !(vcpu->guest_xcr0 & XFEATURE_MASK_FP)))
		return;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->guest_xcr0);
	this_cpu_write(mvm_guest_xcr0_loaded, true);
}

/*
 * Just after the exit, interrupts still off: the host's XCR0 back if the
 * guest's was loaded, before anything in the host can use XSAVE state.
 *
 * XSETBV always exits on VMX (SDM Vol. 3C 26.1.2) and exits on SVM with
 * its intercept set (APM Vol. 2 15.9), so the hardware XCR0 should still
 * be the value loaded at entry.  An emulated SVM that ignores the
 * intercept (QEMU 7.2's TCG, tools/testvm/README) lets the guest write
 * XCR0 directly: the host must not keep running with the guest's value,
 * and the guest's value must survive the next entry.  So the register is
 * read back, and a change is taken as the guest's XSETBV (if the guest
 * could have set it) and undone for the host.
 */
void mvm_load_host_xcr0(struct mvm_vcpu *vcpu, u64 guest_cr4)
{
	bool loaded = this_cpu_read(mvm_guest_xcr0_loaded);
	u64 host = READ_ONCE(mvm_host_xcr0);
	u64 hw;

	lockdep_assert_irqs_disabled();
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE) || !host)
		return;
	hw = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (hw != (loaded ? vcpu->guest_xcr0 : host)) {
		/* Checked by mvm_xcr0_stray(), where it may sleep. */
		vcpu->xcr0_stray = hw;
		loaded = true;
	}
	if (!loaded)
		return;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, host);
	this_cpu_write(mvm_guest_xcr0_loaded, false);
}
