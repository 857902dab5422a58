// SPDX-License-Identifier: GPL-2.0
/*
 * The little instruction emulation minivmm does itself: it walks the
 * guest's own page tables to find the bytes at RIP, decodes them
 * (decode.c), and either reports the instruction's length (for a backend
 * that must step over an intercepted instruction without the CPU's help)
 * or turns the MOV that touched unbacked guest-physical memory into an
 * MMIO exit for userspace, finishing a read on the next MINIVMM_RUN.
 *
 * Everything the guest controls here (its page tables, its instruction
 * bytes) is read once into a kernel copy and only the copy is used; what
 * the decoder does not understand becomes an INTERNAL_ERROR exit, never a
 * guess.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/unaligned.h>

#include "minivmm.h"
#include "emulate.h"

/* Paging-structure entry bits (SDM vol. 3A, 4.3 and 4.5, tables 4-4..4-20). */
#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/*
 * Check one entry of a walk: present, and for a write writable (which a
 * supervisor write needs only with CR0.WP, SDM vol. 3A, 4.6.1), and for
 * a user access user-accessible.  @rw_us is false for PAE PDPTEs, which
 * have no R/W or U/S bit (SDM vol. 3A, 4.4.1).
 */
static int walk_check(u64 pte, unsigned int access, bool wp, bool rw_us)
{
	if (!(pte & PTE_P))
		return -EFAULT;
	if (!rw_us)
		return 0;
	if ((access & MVM_WALK_WRITE) && wp && !(pte & PTE_RW))
		return -EACCES;
	if ((access & MVM_WALK_USER) && !(pte & PTE_US))
		return -EACCES;
	return 0;
}

/* 32-bit paging: SDM vol. 3A, 4.3; 4 MB pages with CR4.PSE, PSE-36. */
static int walk_32(const struct mvm_paging *pg, u32 va, unsigned int access,
		   bool wp, mvm_read_phys_fn read, void *ctx, u64 *gpa)
{
	u32 pde, pte;
	int r;

	r = read(ctx, (pg->cr3 & 0xfffff000) + (va >> 22) * 4, &pde, 4);
	if (r)
		return r;
	r = walk_check(pde, access, wp, true);
	if (r)
		return r;
	if ((pg->cr4 & X86_CR4_PSE) && (pde & PTE_PS)) {
		/* Bits 20:13 of the PDE are bits 39:32 of the page (table 4-4). */
		*gpa = (pde & 0xffc00000) | ((u64)((pde >> 13) & 0xff) << 32) |
		       (va & 0x3fffff);
		return 0;
	}

	r = read(ctx, (pde & 0xfffff000) + ((va >> 12) & 0x3ff) * 4, &pte, 4);
	if (r)
		return r;
	r = walk_check(pte, access, wp, true);
	if (r)
		return r;
	*gpa = (pte & 0xfffff000) | (va & 0xfff);
	return 0;
}

/*
 * PAE (SDM vol. 3A, 4.4: 3 levels, 2 MB pages) and 4/5-level paging (4.5:
 * 2 MB and 1 GB pages).  Each level indexes 9 bits of @va; PAE's top
 * level is the 4 PDPTEs at CR3 bits 31:5.
 *
 * With PAE the CPU uses PDPTEs it loaded with CR3 (SDM vol. 3A, 4.4.1);
 * this reads them from memory again, which differs only if the guest
 * rewrote them without reloading CR3.  Accessed/dirty bits are left
 * alone: the guest's own access already set them before the exit.
 */
static int walk_pae_long(const struct mvm_paging *pg, u64 va, int levels,
			 unsigned int access, bool wp, mvm_read_phys_fn read,
			 void *ctx, u64 *gpa)
{
	bool pae = levels == 3;
	u64 table, pte, size;
	unsigned int shift, idx;
	int level, r;

	table = pae ? pg->cr3 & 0xffffffe0 : pg->cr3 & PTE_ADDR;
	for (level = levels; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		idx = (va >> shift) & (pae && level == 3 ? 3 : 511);
		r = read(ctx, table + idx * 8, &pte, 8);
		if (r)
			return r;
		r = walk_check(pte, access, wp, !(pae && level == 3));
		if (r)
			return r;
		/* A PS bit ends the walk in a PDE, or a PDPTE in 4/5-level. */
		if (level == 1 || ((pte & PTE_PS) &&
				   (level == 2 || (level == 3 && !pae)))) {
			size = 1ULL << shift;
			*gpa = (pte & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			return 0;
		}
		if ((pte & PTE_PS) && level > 2)
			return -EFAULT;		/* reserved there: #PF */
		table = pte & PTE_ADDR;
	}
	return -EFAULT;
}

/*
 * Translate linear address @gva the way the guest's MMU would, reading
 * its paging structures through @read.  0 and *@gpa, -EFAULT (not present,
 * non-canonical, or @read failed), or -EACCES (a write to a read-only page
 * or a user access to a supervisor page).  SDM vol. 3A, 4.1.1 picks the
 * mode from CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57.
 *
 * Not checked: NX, SMEP/SMAP, protection keys and reserved bits.  Most
 * walks here follow an access the guest's MMU has just allowed (the fetch
 * of the instruction that exited); for the others (INS) a missing check
 * can only let the guest write its own memory where its own page tables
 * would have refused, never reach past its slots: the result is a GPA,
 * and guest memory is reached only through the slots.
 */
VISIBLE_IF_KUNIT int mvm_walk_guest(const struct mvm_paging *pg, u64 gva,
				    unsigned int access, mvm_read_phys_fn read,
				    void *ctx, u64 *gpa)
{
	bool wp = (access & MVM_WALK_USER) || (pg->cr0 & X86_CR0_WP);
	int levels;

	if (!(pg->cr0 & X86_CR0_PG)) {
		*gpa = (u32)gva;	/* linear addresses are 32 bits here */
		return 0;
	}
	if (!(pg->cr4 & X86_CR4_PAE))
		return walk_32(pg, gva, access, wp, read, ctx, gpa);
	if (!(pg->efer & EFER_LMA))
		return walk_pae_long(pg, (u32)gva, 3, access, wp, read, ctx,
				     gpa);

	levels = pg->cr4 & X86_CR4_LA57 ? 5 : 4;
	/* SDM vol. 3A, 4.5: the unused high bits repeat the top one. */
	if (sign_extend64(gva, 9 * levels + 11) != (s64)gva)
		return -EFAULT;
	return walk_pae_long(pg, gva, levels, access, wp, read, ctx, gpa);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_walk_guest);

static int mvm_read_phys(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	return mvm_read_guest(ctx, gpa, buf, len);
}

static void mvm_paging_of(const struct minivmm_sregs *s, struct mvm_paging *pg)
{
	pg->cr0 = s->cr0;
	pg->cr3 = s->cr3;
	pg->cr4 = s->cr4;
	pg->efer = s->efer;
}

/* SS.DPL is the CPL (SDM vol. 3A, 5.5); 3 makes the walk a user access. */
static unsigned int mvm_walk_access(const struct minivmm_sregs *s, bool write)
{
	return (write ? MVM_WALK_WRITE : 0) |
	       (s->ss.dpl == 3 ? MVM_WALK_USER : 0);
}

/*
 * The code size: real and virtual-8086 mode are 16-bit whatever CS says;
 * otherwise CS.L under EFER.LMA, then CS.D (SDM vol. 3A, 3.4.5 and 5.2.1).
 */
static enum mvm_cpu_mode mvm_cpu_mode_of(const struct mvm_vcpu *vcpu,
					 const struct minivmm_sregs *s)
{
	if (!(s->cr0 & X86_CR0_PE) || (vcpu->rflags & X86_EFLAGS_VM))
		return MVM_MODE_16;
	if ((s->efer & EFER_LMA) && s->cs.l)
		return MVM_MODE_64;
	return s->cs.db ? MVM_MODE_32 : MVM_MODE_16;
}

static int mvm_read_virt(struct mvm_vcpu *vcpu, const struct minivmm_sregs *s,
			 u64 gva, void *buf, unsigned int len)
{
	struct mvm_paging pg;
	unsigned int n;
	u64 gpa;
	int r;

	mvm_paging_of(s, &pg);
	while (len) {
		n = min_t(u64, len, PAGE_SIZE - offset_in_page(gva));
		r = mvm_walk_guest(&pg, gva, mvm_walk_access(s, false),
				   mvm_read_phys, vcpu->vm, &gpa);
		if (!r)
			r = mvm_read_guest(vcpu->vm, gpa, buf, n);
		if (r)
			return r;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int mvm_gva_to_gpa(struct mvm_vcpu *vcpu, u64 gva, bool write, u64 *gpa)
{
	struct minivmm_sregs s;
	struct mvm_paging pg;

	mvm_ops->get_sregs(vcpu, &s);
	mvm_paging_of(&s, &pg);
	return mvm_walk_guest(&pg, gva, mvm_walk_access(&s, write),
			      mvm_read_phys, vcpu->vm, gpa);
}

/*
 * Write @len bytes (at most two pages' worth) at linear @gva, as a guest
 * store would: each page translated for writing, both before any byte is
 * written, so a fault on the second page leaves the first untouched.
 */
int mvm_write_guest_virt(struct mvm_vcpu *vcpu, u64 gva, const void *buf,
			 unsigned int len)
{
	unsigned int n = min_t(u64, len, PAGE_SIZE - offset_in_page(gva));
	u64 gpa[2];
	int r;

	if (len > PAGE_SIZE)
		return -EINVAL;
	r = mvm_gva_to_gpa(vcpu, gva, true, &gpa[0]);
	if (!r && n < len)
		r = mvm_gva_to_gpa(vcpu, gva + n, true, &gpa[1]);
	if (!r)
		r = mvm_write_guest(vcpu->vm, gpa[0], buf, n);
	if (!r && n < len)
		r = mvm_write_guest(vcpu->vm, gpa[1], buf + n, len - n);
	return r;
}

/* @gva is linear: the caller has added the segment base. */
int mvm_read_guest_virt(struct mvm_vcpu *vcpu, u64 gva, void *buf,
			unsigned int len)
{
	struct minivmm_sregs s;

	mvm_ops->get_sregs(vcpu, &s);
	return mvm_read_virt(vcpu, &s, gva, buf, len);
}

/*
 * Copy the (up to 15) bytes at CS:RIP into @buf; returns how many could be
 * read, which is fewer when the instruction ends before an unmapped page.
 * Outside 64-bit mode CS.base counts (real mode: selector << 4, as the
 * backends keep it) and the linear address wraps at 4 GB.
 */
static int mvm_fetch(struct mvm_vcpu *vcpu, const struct minivmm_sregs *s,
		     enum mvm_cpu_mode mode, u8 *buf)
{
	u64 la = vcpu->rip;
	unsigned int n;
	int r;

	if (mode != MVM_MODE_64)
		la = (u32)(s->cs.base + la);
	n = min_t(u64, MVM_INSN_MAX, PAGE_SIZE - offset_in_page(la));
	r = mvm_read_virt(vcpu, s, la, buf, n);
	if (r)
		return r;
	if (n < MVM_INSN_MAX &&
	    !mvm_read_virt(vcpu, s, mode == MVM_MODE_64 ? la + n : (u32)(la + n),
			   buf + n, MVM_INSN_MAX - n))
		n = MVM_INSN_MAX;
	return n;
}

/* Fetch and decode the instruction at CS:RIP. */
static int mvm_decode_at_rip(struct mvm_vcpu *vcpu,
			     const struct minivmm_sregs *s,
			     enum mvm_cpu_mode mode, u8 *bytes,
			     struct mvm_insn *insn)
{
	int n, r;

	n = mvm_fetch(vcpu, s, mode, bytes);
	if (n < 0)
		return n;
	r = mvm_decode(bytes, n, mode, insn);
	return r == -ENODATA ? -EFAULT : r;
}

int mvm_insn_length(struct mvm_vcpu *vcpu)
{
	u8 bytes[MVM_INSN_MAX];
	struct minivmm_sregs s;
	struct mvm_insn insn;

	mvm_ops->get_sregs(vcpu, &s);
	return mvm_decode_at_rip(vcpu, &s, mvm_cpu_mode_of(vcpu, &s), bytes,
				 &insn);
}

/*
 * The base of segment @seg; in 64-bit mode only FS and GS have one (SDM
 * vol. 3A, 3.4.4).
 */
static u64 mvm_seg_base(const struct minivmm_sregs *s, int seg,
			enum mvm_cpu_mode mode)
{
	switch (seg) {
	case MVM_SEG_FS:
		return s->fs.base;
	case MVM_SEG_GS:
		return s->gs.base;
	}
	if (mode == MVM_MODE_64)
		return 0;
	switch (seg) {
	case MVM_SEG_ES:
		return s->es.base;
	case MVM_SEG_CS:
		return s->cs.base;
	case MVM_SEG_SS:
		return s->ss.base;
	}
	return s->ds.base;
}

/*
 * Whether @insn's memory operand starts at @gpa: paging keeps the low 12
 * bits of an address, so its linear address must agree with @gpa there.
 * It does not when the access began on the page before and crossed into
 * this one (the fault reports the first byte it could not map), or when
 * the bytes at RIP changed since the access.
 */
static bool mvm_mmio_at(struct mvm_vcpu *vcpu, const struct minivmm_sregs *s,
			const struct mvm_insn *insn, u64 gpa)
{
	enum mvm_cpu_mode mode = insn->mode;
	u64 ea, la;
	int seg;

	seg = mvm_insn_ea(insn, vcpu->regs, vcpu->rip + insn->len, &ea);
	if (seg < 0)
		return false;
	la = mvm_seg_base(s, seg, mode) + ea;
	if (mode != MVM_MODE_64)
		la = (u32)la;
	return offset_in_page(la) == offset_in_page(gpa);
}

/* RIP past the instruction, wrapping as IP/EIP do outside 64-bit mode. */
static void mvm_advance_rip(struct mvm_vcpu *vcpu, enum mvm_cpu_mode mode,
			    unsigned int len)
{
	u64 rip = vcpu->rip + len;

	if (mode == MVM_MODE_16)
		rip = (u16)rip;
	else if (mode == MVM_MODE_32)
		rip = (u32)rip;
	vcpu->rip = rip;
	mvm_insn_done(vcpu);
}

static int mvm_finish_mmio_read(struct mvm_vcpu *vcpu, u64 data);

/*
 * The next MINIVMM_RUN after an MMIO read: the VMM's data goes into the
 * destination register.  The run page is the VMM's to scribble on at any
 * time, so the data is copied out once and only the copy is used; what to
 * do with it comes from vcpu->pending, which the VMM cannot touch.
 */
static int mvm_complete_mmio_read(struct mvm_vcpu *vcpu)
{
	u8 data[sizeof(vcpu->run->mmio.data)];

	memcpy(data, vcpu->run->mmio.data, sizeof(data));
	return mvm_finish_mmio_read(vcpu, get_unaligned_le64(data));
}

/* The read of vcpu->pending is done: @data goes into its register. */
static int mvm_finish_mmio_read(struct mvm_vcpu *vcpu, u64 data)
{
	struct minivmm_sregs s;
	unsigned int reg = vcpu->pending.reg;
	u64 val;

	if (WARN_ON_ONCE(reg >= MVM_NR_GPRS))
		return -EIO;

	val = mvm_mmio_extend(data, vcpu->pending.size,
			      vcpu->pending.sign_extend);
	vcpu->regs[reg] = mvm_reg_merge(vcpu->regs[reg], val,
					vcpu->pending.dst_size,
					vcpu->pending.high_byte);

	mvm_ops->get_sregs(vcpu, &s);
	mvm_advance_rip(vcpu, mvm_cpu_mode_of(vcpu, &s), vcpu->pending.insn_len);
	return 1;
}

/* Where an MMIO read's data goes, for mvm_finish_mmio_read(). */
static void mvm_mmio_set_pending(struct mvm_vcpu *vcpu,
				 const struct mvm_mmio_op *op, u8 insn_len)
{
	vcpu->pending.size = op->size;
	vcpu->pending.reg = op->reg;
	vcpu->pending.high_byte = op->high_byte;
	vcpu->pending.dst_size = op->dst_size;
	vcpu->pending.sign_extend = op->sign_extend;
	vcpu->pending.insn_len = insn_len;
}

/*
 * The one MMIO dispatch for the devices in the kernel: the vCPU's local
 * APIC page, then the I/O APIC, then (writes only) the ioeventfds.  True
 * when one of them took the access (a read's value in *@val); false sends
 * it to userspace.
 */
static bool mvm_kernel_mmio(struct mvm_vcpu *vcpu, u64 gpa, unsigned int len,
			    bool write, u64 *val)
{
	return mvm_lapic_mmio(vcpu, gpa, len, write, val) ||
	       mvm_ioapic_mmio(vcpu->vm, gpa, len, write, val) ||
	       (write && mvm_ioeventfd_write(vcpu->vm, false, gpa, len, *val));
}

/*
 * A guest access to @gpa that no slot backs (or a write to a read-only
 * slot): decode the MOV at RIP and hand the access to userspace as an MMIO
 * exit.  A write is complete once the VMM has seen it, so RIP moves on now;
 * a read finishes in mvm_complete_mmio_read().  Returns 0 (run page
 * filled), or 1 when a device in the kernel completed the access: an
 * instruction this cannot emulate is an INTERNAL_ERROR exit with @gpa and
 * the first instruction bytes.
 */
int mvm_handle_mmio(struct mvm_vcpu *vcpu, u64 gpa, bool write)
{
	struct minivmm_run *run = vcpu->run;
	u8 bytes[MVM_INSN_MAX] = { 0 };
	struct minivmm_sregs s;
	enum mvm_cpu_mode mode;
	struct mvm_mmio_op op;
	struct mvm_insn insn;
	u64 val;
	int r;

	mvm_ops->get_sregs(vcpu, &s);
	mode = mvm_cpu_mode_of(vcpu, &s);
	r = mvm_decode_at_rip(vcpu, &s, mode, bytes, &insn);
	if (r >= 0)
		r = mvm_decode_mmio(&insn, &op);
	/*
	 * The fault's direction and address must be the instruction's, else
	 * the bytes are not what faulted.  An access split across a page
	 * boundary would need two exits: not done.
	 */
	if (r < 0 || op.write != write || !mvm_mmio_at(vcpu, &s, &insn, gpa) ||
	    offset_in_page(gpa) + op.size > PAGE_SIZE) {
		mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
					gpa, get_unaligned_le64(bytes));
		return 0;
	}

	/*
	 * The in-kernel devices (the local and I/O APICs) answer here,
	 * without a trip to userspace.
	 */
	if (write) {
		val = mvm_mmio_source(&op, vcpu->regs);
		if (mvm_kernel_mmio(vcpu, gpa, op.size, true, &val)) {
			mvm_advance_rip(vcpu, mode, insn.len);
			return 1;
		}
	} else if (mvm_kernel_mmio(vcpu, gpa, op.size, false, &val)) {
		mvm_mmio_set_pending(vcpu, &op, insn.len);
		return mvm_finish_mmio_read(vcpu, val);
	}

	/* Zero the whole union member first: nothing stale past len. */
	memset(&run->mmio, 0, sizeof(run->mmio));
	run->exit_reason = MINIVMM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = op.size;
	run->mmio.is_write = write;

	if (write) {
		put_unaligned_le64(mvm_mmio_source(&op, vcpu->regs),
				   run->mmio.data);
		mvm_advance_rip(vcpu, mode, insn.len);
		return 0;
	}

	vcpu->pending.gpa = gpa;
	mvm_mmio_set_pending(vcpu, &op, insn.len);
	vcpu->complete = mvm_complete_mmio_read;
	return 0;
}
