// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's segments, control registers and the MSRs the VMX backend
 * keeps itself: MINIVMM_GET/SET_SREGS and the backend half of the MSR
 * ioctls and exits.
 *
 * CR0 and CR4 are split between the guest and the host by the guest/host
 * masks (Intel SDM Vol. 3C 25.6.6): a bit set in the mask is the host's,
 * the guest reads it from the read shadow and a write that would change it
 * exits (handled by exit.c through vmx_set_cr0/4 here).  The host owns
 * CR0.NE (VMX requires it set, SDM Vol. 3C 24.8), CR0.CD/NW (kept clear in
 * the hardware so a guest cannot run the CPU uncached; the guest still
 * reads what it wrote) and CR4.VMXE (set in the hardware, hidden from the
 * guest), plus any bit the CPU requires or forbids in VMX operation
 * (IA32_VMX_CR0/CR4_FIXED0/1, SDM Vol. 3D A.7, A.8).  CR0.PE and PG belong
 * to the guest: unrestricted guest lets them be 0 (SDM Vol. 3C 26.6).
 */
#include <asm/apicdef.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "../kunit_compat.h"
#include "vmx.h"
#include "vmx_ops.h"

#define VMX_CR0_HOST_BITS	(X86_CR0_NE | X86_CR0_CD | X86_CR0_NW)
#define VMX_CR0_GUEST_ZERO	(X86_CR0_CD | X86_CR0_NW)
#define VMX_EFER_VALID		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/* Segment access rights in the VMCS (SDM Vol. 3C 25.4.1, Table 25-2). */
#define VMX_AR_UNUSABLE		BIT(16)

/* Register order of the guest segment fields: ES CS SS DS FS GS LDTR TR. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };
#define SEG_SELECTOR(s)	(GUEST_ES_SELECTOR + 2 * (s))
#define SEG_BASE(s)	(GUEST_ES_BASE + 2 * (s))
#define SEG_LIMIT(s)	(GUEST_ES_LIMIT + 2 * (s))
#define SEG_AR(s)	(GUEST_ES_AR_BYTES + 2 * (s))

/* Guest linear addresses are 48-bit: CPUID does not offer LA57. */
static bool vmx_canonical(u64 addr)
{
	return __is_canonical_address(addr, 48);
}

static u32 vmx_cr0_mask(void)
{
	return VMX_CR0_HOST_BITS |
	       (vmx_config.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG)) |
	       ~(u32)vmx_config.cr0_fixed1;
}

/*
 * CR4 bits the host owns (SDM Vol. 3C 25.6.6): writes to them exit.  PKE,
 * LA57, SMXE and CET are refused: CPUID hides them all; PKE would let the
 * guest's WRPKRU reach the host's PKRU and CET would run the guest under
 * the host's S_CET, neither of which VMX switches (HARDENING row 1).
 */
#define VMX_CR4_REFUSED	(X86_CR4_VMXE | X86_CR4_PKE | X86_CR4_LA57 | \
			 X86_CR4_SMXE | X86_CR4_CET)

static u32 vmx_cr4_mask(void)
{
	return VMX_CR4_REFUSED | (u32)vmx_config.cr4_fixed0 |
	       ~(u32)vmx_config.cr4_fixed1;
}

u64 vmx_get_cr0(struct vmx_vcpu *vmx)
{
	u64 mask = vmx_cr0_mask();

	return (vmcs_readl(GUEST_CR0) & ~mask) |
	       (vmcs_readl(CR0_READ_SHADOW) & mask);
}

static u64 vmx_get_cr4(struct vmx_vcpu *vmx)
{
	u64 mask = vmx_cr4_mask();

	return (vmcs_readl(GUEST_CR4) & ~mask) |
	       (vmcs_readl(CR4_READ_SHADOW) & mask);
}

/* The hardware CR0 for a guest CR0 (unrestricted guest). */
static u64 vmx_hw_cr0(u64 cr0)
{
	return (cr0 & ~(u64)VMX_CR0_GUEST_ZERO) | X86_CR0_NE |
	       (vmx_config.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG));
}

/* Architectural CR0 rules plus what this CPU can hold in VMX operation. */
VISIBLE_IF_KUNIT bool vmx_cr0_valid(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	return !(vmx_hw_cr0(cr0) & ~vmx_config.cr0_fixed1);
}
EXPORT_SYMBOL_IF_KUNIT(vmx_cr0_valid);

/* CR4.VMXE, PKE, LA57: features the guest does not have are reserved. */
VISIBLE_IF_KUNIT bool vmx_cr4_valid(u64 cr4)
{
	if (cr4 & VMX_CR4_REFUSED)
		return false;
	return !((cr4 | vmx_config.cr4_fixed0) & ~vmx_config.cr4_fixed1);
}
EXPORT_SYMBOL_IF_KUNIT(vmx_cr4_valid);

static void vmx_write_cr0(u64 cr0)
{
	vmcs_writel(CR0_GUEST_HOST_MASK, vmx_cr0_mask());
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_hw_cr0(cr0));
}

static void vmx_write_cr4(u64 cr4)
{
	vmcs_writel(CR4_GUEST_HOST_MASK, vmx_cr4_mask());
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, cr4 | vmx_config.cr4_fixed0);
}

/* IA-32e mode guest must equal EFER.LMA (SDM Vol. 3C 27.3.1.1). */
static void vmx_write_efer(u64 efer)
{
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);
	u32 want = efer & EFER_LMA ? entry | VM_ENTRY_IA32E_MODE :
				     entry & ~VM_ENTRY_IA32E_MODE;

	vmcs_write64(GUEST_IA32_EFER, efer);
	if (want != entry)
		vmcs_write32(VM_ENTRY_CONTROLS, want);
}

/*
 * The guest may turn long mode on or off itself (CR0.PG with EFER.LME,
 * which unrestricted guest lets it do without an exit); the hardware then
 * changes EFER.LMA, saved at exit.  Keep the entry control in step, or the
 * next entry fails.
 */
void vmx_sync_long_mode(struct vmx_vcpu *vmx)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	bool lma = efer & EFER_LMA;
	bool ia32e = vmcs_read32(VM_ENTRY_CONTROLS) & VM_ENTRY_IA32E_MODE;

	if (lma != ia32e)
		vmx_write_efer(efer);
}

/*
 * PAE paging outside long mode takes its four PDPTEs from the VMCS at
 * entry when EPT is on (SDM Vol. 3C 27.3.2.4, 29.3.1), so they are loaded
 * here whenever a CR write by us turns it on.  A reserved bit in a present
 * PDPTE is a #GP for the guest (-EINVAL).
 */
static int vmx_load_pdptrs(struct vmx_vcpu *vmx)
{
	u64 pdpte[4], cr3 = vmcs_readl(GUEST_CR3);
	int i;

	if (mvm_read_guest(vmx->vcpu->vm, cr3 & GENMASK_ULL(31, 5), pdpte,
			   sizeof(pdpte)))
		return -EINVAL;
	for (i = 0; i < 4; i++)
		if ((pdpte[i] & 1) && (pdpte[i] & (GENMASK_ULL(8, 5) | 6)))
			return -EINVAL;
	vmcs_write64(GUEST_PDPTR0, pdpte[0]);
	vmcs_write64(GUEST_PDPTR1, pdpte[1]);
	vmcs_write64(GUEST_PDPTR2, pdpte[2]);
	vmcs_write64(GUEST_PDPTR3, pdpte[3]);
	return 0;
}

static bool vmx_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * A guest write of CR0 that exited (it touched a host-owned bit), or the
 * reset value.  Does what the CPU would: long mode activation and
 * deactivation (SDM Vol. 3A 10.8.5), PDPTE loads.  -EINVAL = #GP.
 */
int vmx_set_cr0(struct vmx_vcpu *vmx, u64 cr0)
{
	u64 old = vmx_get_cr0(vmx);
	u64 cr4 = vmx_get_cr4(vmx);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	bool pg_on = (cr0 & X86_CR0_PG) && !(old & X86_CR0_PG);
	int r;

	if (!vmx_cr0_valid(cr0))
		return -EINVAL;
	if (pg_on && (efer & EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE))
			return -EINVAL;
		efer |= EFER_LMA;
	} else if (!(cr0 & X86_CR0_PG)) {
		efer &= ~EFER_LMA;
	}
	if ((pg_on || !(old & X86_CR0_PG)) && vmx_pae_paging(cr0, cr4, efer)) {
		r = vmx_load_pdptrs(vmx);
		if (r)
			return r;
	}
	vmx_write_efer(efer);
	vmx_write_cr0(cr0);
	return 0;
}

/* A guest write of CR4 that exited, or the reset value. */
int vmx_set_cr4(struct vmx_vcpu *vmx, u64 cr4)
{
	u64 old = vmx_get_cr4(vmx);
	u64 cr0 = vmx_get_cr0(vmx);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	int r;

	if (!vmx_cr4_valid(cr4))
		return -EINVAL;
	if ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	if (!(old & X86_CR4_PAE) && vmx_pae_paging(cr0, cr4, efer)) {
		r = vmx_load_pdptrs(vmx);
		if (r)
			return r;
	}
	vmx_write_cr4(cr4);
	return 0;
}

/*
 * The attributes of @seg from VMCS access rights @ar.  The limit needs no
 * conversion: the VMCS holds it in bytes, as struct minivmm_segment does.
 */
VISIBLE_IF_KUNIT void vmx_seg_from_ar(u32 ar, struct minivmm_segment *seg)
{
	seg->unusable = !!(ar & VMX_AR_UNUSABLE);
	seg->type = ar & 15;
	seg->s = (ar >> 4) & 1;
	seg->dpl = (ar >> 5) & 3;
	/* An unusable segment reads as not present. */
	seg->present = !seg->unusable && ((ar >> 7) & 1);
	seg->avl = (ar >> 12) & 1;
	seg->l = (ar >> 13) & 1;
	seg->db = (ar >> 14) & 1;
	seg->g = (ar >> 15) & 1;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_seg_from_ar);

static void vmx_get_segment(int s, struct minivmm_segment *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = vmcs_read16(SEG_SELECTOR(s));
	seg->base = vmcs_readl(SEG_BASE(s));
	seg->limit = vmcs_read32(SEG_LIMIT(s));
	vmx_seg_from_ar(vmcs_read32(SEG_AR(s)), seg);
}

/*
 * A segment that is unusable, or not present, becomes "unusable" in the
 * VMCS with no other bits set: the VM entry checks skip such segments
 * (SDM Vol. 3C 27.3.1.2), which is what a null selector loaded in
 * protected mode gives on hardware.
 */
VISIBLE_IF_KUNIT u32 vmx_seg_ar(const struct minivmm_segment *seg)
{
	if (seg->unusable || !seg->present)
		return VMX_AR_UNUSABLE;
	return (seg->type & 15) | (seg->s & 1) << 4 |
	       (seg->dpl & 3) << 5 | 1 << 7 | (seg->avl & 1) << 12 |
	       (seg->l & 1) << 13 | (seg->db & 1) << 14 |
	       (seg->g & 1) << 15;
}
EXPORT_SYMBOL_IF_KUNIT(vmx_seg_ar);

static void vmx_set_segment(int s, const struct minivmm_segment *seg)
{
	vmcs_write16(SEG_SELECTOR(s), seg->selector);
	vmcs_writel(SEG_BASE(s), seg->base);
	vmcs_write32(SEG_LIMIT(s), seg->limit);
	vmcs_write32(SEG_AR(s), vmx_seg_ar(seg));
}

/* The reset state of segments and control registers (SDM Vol. 3A 10.1.1). */
void vmx_reset_regs(struct vmx_vcpu *vmx)
{
	struct minivmm_segment data = {
		.limit = 0xffff, .type = 3, .s = 1, .present = 1,
	};
	struct minivmm_segment cs = data;
	struct minivmm_segment ldt = { .limit = 0xffff, .type = 2, .present = 1 };
	struct minivmm_segment tr = { .limit = 0xffff, .type = 11, .present = 1 };

	cs.selector = 0xf000;
	cs.base = 0xffff0000;
	cs.type = 11;
	vmx_set_segment(SEG_CS, &cs);
	vmx_set_segment(SEG_DS, &data);
	vmx_set_segment(SEG_ES, &data);
	vmx_set_segment(SEG_FS, &data);
	vmx_set_segment(SEG_GS, &data);
	vmx_set_segment(SEG_SS, &data);
	vmx_set_segment(SEG_LDTR, &ldt);
	vmx_set_segment(SEG_TR, &tr);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);
	vmx->cr2 = 0;
	vmx->cr8 = 0;
	vmcs_writel(GUEST_CR3, 0);
	vmx_write_efer(0);
	vmx_write_cr4(0);
	vmx_write_cr0(X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
}

void vmx_get_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memset(sregs, 0, sizeof(*sregs));
	vmx_get_segment(SEG_CS, &sregs->cs);
	vmx_get_segment(SEG_DS, &sregs->ds);
	vmx_get_segment(SEG_ES, &sregs->es);
	vmx_get_segment(SEG_FS, &sregs->fs);
	vmx_get_segment(SEG_GS, &sregs->gs);
	vmx_get_segment(SEG_SS, &sregs->ss);
	vmx_get_segment(SEG_TR, &sregs->tr);
	vmx_get_segment(SEG_LDTR, &sregs->ldt);
	sregs->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx_get_cr0(vmx);
	sregs->cr2 = vmx->cr2;
	sregs->cr3 = vmcs_readl(GUEST_CR3);
	sregs->cr4 = vmx_get_cr4(vmx);
	sregs->cr8 = vmx->cr8;
	sregs->efer = vmcs_read64(GUEST_IA32_EFER);
	/* No local APIC is emulated: the architectural reset value. */
	sregs->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			   (vcpu->id == 0 ? MSR_IA32_APICBASE_BSP : 0);
}

static bool vmx_segment_ok(const struct minivmm_segment *seg)
{
	return !seg->padding && vmx_canonical(seg->base);
}

static bool vmx_dtable_ok(const struct minivmm_dtable *dt)
{
	return !dt->padding[0] && !dt->padding[1] && !dt->padding[2] &&
	       vmx_canonical(dt->base);
}

/*
 * Check what the VM entry would otherwise reject with an unhelpful
 * "invalid guest state" or that the hardware would take as given:
 * reserved CR0/CR4/EFER bits, the long-mode consistency rules (SDM Vol. 3C
 * 27.3.1.1), canonical bases.  Segment attributes are left to the entry
 * checks, which report FAIL_ENTRY with the hardware reason.
 */
static bool vmx_sregs_valid(const struct minivmm_sregs *s)
{
	bool lma = s->efer & EFER_LMA;
	int i;

	for (i = 0; i < 4; i++)
		if (s->interrupt_bitmap[i])
			return false;
	if (!vmx_segment_ok(&s->cs) || !vmx_segment_ok(&s->ds) ||
	    !vmx_segment_ok(&s->es) || !vmx_segment_ok(&s->fs) ||
	    !vmx_segment_ok(&s->gs) || !vmx_segment_ok(&s->ss) ||
	    !vmx_segment_ok(&s->tr) || !vmx_segment_ok(&s->ldt) ||
	    !vmx_dtable_ok(&s->gdt) || !vmx_dtable_ok(&s->idt))
		return false;
	if (!vmx_cr0_valid(s->cr0) || !vmx_cr4_valid(s->cr4))
		return false;
	if (s->efer & ~(u64)VMX_EFER_VALID)
		return false;
	if (lma && (!(s->efer & EFER_LME) || !(s->cr0 & X86_CR0_PG) ||
		    !(s->cr4 & X86_CR4_PAE)))
		return false;
	if (!lma && (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG))
		return false;
	return !(s->cr8 & ~15ULL);
}

int vmx_set_sregs(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (!vmx_sregs_valid(sregs))
		return -EINVAL;

	vmx_set_segment(SEG_CS, &sregs->cs);
	vmx_set_segment(SEG_DS, &sregs->ds);
	vmx_set_segment(SEG_ES, &sregs->es);
	vmx_set_segment(SEG_FS, &sregs->fs);
	vmx_set_segment(SEG_GS, &sregs->gs);
	vmx_set_segment(SEG_SS, &sregs->ss);
	vmx_set_segment(SEG_TR, &sregs->tr);
	vmx_set_segment(SEG_LDTR, &sregs->ldt);
	vmcs_writel(GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, sregs->idt.limit);
	vmx->cr2 = sregs->cr2;
	vmx->cr8 = sregs->cr8;
	vmcs_writel(GUEST_CR3, sregs->cr3);
	vmx_write_efer(sregs->efer);
	vmx_write_cr4(sregs->cr4);
	vmx_write_cr0(sregs->cr0);
	/* Stale PDPTEs fail the entry rather than the ioctl. */
	if (vmx_pae_paging(sregs->cr0, sregs->cr4, sregs->efer))
		vmx_load_pdptrs(vmx);
	return 0;
}

/* Each byte of PAT must be a defined memory type (SDM Vol. 3A 13.12.2). */
static bool vmx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (8 * i);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static int vmx_soft_msr(u32 index)
{
	switch (index) {
	case MSR_KERNEL_GS_BASE:	return VMX_MSR_KERNEL_GS_BASE;
	case MSR_STAR:			return VMX_MSR_STAR;
	case MSR_LSTAR:			return VMX_MSR_LSTAR;
	case MSR_CSTAR:			return VMX_MSR_CSTAR;
	case MSR_SYSCALL_MASK:		return VMX_MSR_SFMASK;
	default:			return -1;
	}
}

int vmx_get_msr(struct mvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int soft = vmx_soft_msr(index);

	if (soft >= 0) {
		*data = vmx->guest_msrs[soft];
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*data = vmcs_read64(GUEST_IA32_EFER);
		return 0;
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read64(GUEST_IA32_PAT);
		return 0;
	default:
		return 1;
	}
}

/*
 * EFER written by the guest or by SET_MSRS.  LMA is the CPU's to set: it
 * follows LME and CR0.PG, and LME cannot change while paging is on
 * (SDM Vol. 3A 10.8.5).
 */
static int vmx_set_efer(struct vmx_vcpu *vmx, u64 efer)
{
	u64 old = vmcs_read64(GUEST_IA32_EFER);
	bool pg = vmx_get_cr0(vmx) & X86_CR0_PG;

	if (efer & ~(u64)VMX_EFER_VALID)
		return -EINVAL;
	if (pg && ((efer ^ old) & EFER_LME))
		return -EINVAL;
	efer = (efer & ~(u64)EFER_LMA) | (old & EFER_LMA);
	vmx_write_efer(efer);
	return 0;
}

int vmx_set_msr(struct mvm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int soft = vmx_soft_msr(index);

	switch (index) {
	case MSR_STAR:
		break;
	case MSR_SYSCALL_MASK:
		if (data >> 32)
			return -EINVAL;
		break;
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* These reach the hardware: a non-canonical one would #GP it. */
		if (!vmx_canonical(data))
			return -EINVAL;
		break;
	}
	if (soft >= 0) {
		vmx_set_soft_msr(vmx, soft, data);
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		return vmx_set_efer(vmx, data);
	case MSR_FS_BASE:
		vmcs_writel(GUEST_FS_BASE, data);
		return 0;
	case MSR_GS_BASE:
		vmcs_writel(GUEST_GS_BASE, data);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(GUEST_SYSENTER_ESP, data);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(GUEST_SYSENTER_EIP, data);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!vmx_pat_valid(data))
			return -EINVAL;
		vmcs_write64(GUEST_IA32_PAT, data);
		return 0;
	default:
		return 1;
	}
}
