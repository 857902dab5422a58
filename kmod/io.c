// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits.  minivmm has no devices of its own: every IN, OUT, INS
 * and OUTS the guest executes goes to the VMM as a MINIVMM_EXIT_IO (but an
 * OUT that matches an ioeventfd, which signals it and completes here),
 * with KVM's conventions:
 *
 *  - the data lives in the run page at run->io.data_offset
 *    (MINIVMM_RUN_IO_DATA_OFFSET), count * size bytes of it;
 *  - for OUT/OUTS the kernel has put the data there before the exit;
 *  - for IN/INS the VMM fills it, and the next MINIVMM_RUN moves it into
 *    RAX or guest memory before re-entering the guest;
 *  - the instruction completes (RIP, and for strings RSI/RDI/RCX, move on)
 *    on that next MINIVMM_RUN, so registers read during the exit show the
 *    instruction not yet executed.
 *
 * A `rep ins/outs` is done in chunks of at most one run page of data and
 * within one guest page; RIP stays on the instruction until RCX reaches 0,
 * so the guest re-executes it for the rest (and an interrupt or signal can
 * come in between, as on hardware).
 *
 * Limits, documented in Documentation/api.rst: string I/O uses DS (OUTS)
 * and ES (INS) without segment-override prefixes, and the address size of
 * the current mode (no 67h prefix).  With RFLAGS.DF set, each exit moves
 * one element.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "minivmm.h"

#define MVM_IO_DATA_MAX	(PAGE_SIZE - MINIVMM_RUN_IO_DATA_OFFSET)
#define MVM_RFLAGS_DF	(1ULL << 10)

static void *mvm_io_data(struct mvm_vcpu *vcpu)
{
	return (u8 *)vcpu->run + MINIVMM_RUN_IO_DATA_OFFSET;
}

/* Write @val to a register as an instruction of address size @bytes does. */
static void mvm_write_addr_reg(struct mvm_vcpu *vcpu, int reg, u64 val,
			       unsigned int bytes)
{
	if (bytes == 2)
		vcpu->regs[reg] = (vcpu->regs[reg] & ~0xffffULL) | (val & 0xffff);
	else if (bytes == 4)
		vcpu->regs[reg] = (u32)val;	/* zero-extends, SDM 3.4.1.1 */
	else
		vcpu->regs[reg] = val;
}

static u64 mvm_addr_mask(unsigned int bytes)
{
	return bytes == 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* IN: the VMM's data goes to AL/AX/EAX (SDM vol 2 "IN"). */
VISIBLE_IF_KUNIT int mvm_complete_pio_in(struct mvm_vcpu *vcpu)
{
	u32 val = 0;

	memcpy(&val, mvm_io_data(vcpu), vcpu->pending.size);
	if (vcpu->pending.size == 4)
		vcpu->regs[MVM_RAX] = val;
	else if (vcpu->pending.size == 2)
		vcpu->regs[MVM_RAX] = (vcpu->regs[MVM_RAX] & ~0xffffULL) | (u16)val;
	else
		vcpu->regs[MVM_RAX] = (vcpu->regs[MVM_RAX] & ~0xffULL) | (u8)val;
	vcpu->rip += vcpu->pending.insn_len;
	mvm_insn_done(vcpu);
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_complete_pio_in);

static int mvm_complete_pio_out(struct mvm_vcpu *vcpu)
{
	vcpu->rip += vcpu->pending.insn_len;
	mvm_insn_done(vcpu);
	return 1;
}

/*
 * Move the string registers past the chunk the VMM handled; RIP moves on
 * only when the whole (rep) string is done (SDM vol 2 "REP").
 */
VISIBLE_IF_KUNIT void mvm_string_advance(struct mvm_vcpu *vcpu, int reg)
{
	unsigned int abytes = vcpu->pending.addr_bytes;
	u64 step = (u64)vcpu->pending.count * vcpu->pending.size;
	u64 rcx;

	if (vcpu->rflags & MVM_RFLAGS_DF)
		step = -step;
	mvm_write_addr_reg(vcpu, reg, vcpu->regs[reg] + step, abytes);
	if (!vcpu->pending.rep) {
		vcpu->rip += vcpu->pending.insn_len;
		mvm_insn_done(vcpu);
		return;
	}
	rcx = (vcpu->regs[MVM_RCX] & mvm_addr_mask(abytes)) -
	      vcpu->pending.count;
	mvm_write_addr_reg(vcpu, MVM_RCX, rcx, abytes);
	if (!(rcx & mvm_addr_mask(abytes))) {
		vcpu->rip += vcpu->pending.insn_len;
		mvm_insn_done(vcpu);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvm_string_advance);

static int mvm_complete_outs(struct mvm_vcpu *vcpu)
{
	mvm_string_advance(vcpu, MVM_RSI);
	return 1;
}

/*
 * INS: the VMM's data goes straight from the run page into guest memory.
 * It is data, never a length or index, so the VMM changing it meanwhile
 * only changes what the guest reads.
 */
static int mvm_complete_ins(struct mvm_vcpu *vcpu)
{
	unsigned int len = vcpu->pending.count * vcpu->pending.size;
	int r;

	/* An element that straddles two guest pages goes to both. */
	r = mvm_write_guest_virt(vcpu, vcpu->pending.gva, mvm_io_data(vcpu),
				 len);
	if (r) {
		mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
					vcpu->pending.gva, (u64)r);
		return 0;
	}
	mvm_string_advance(vcpu, MVM_RDI);
	return 1;
}

/* Address size of the guest's current mode (SDM vol 1 3.6). */
static unsigned int mvm_addr_bytes(const struct minivmm_sregs *sregs)
{
	if ((sregs->efer & EFER_LMA) && sregs->cs.l)
		return 8;
	return sregs->cs.db ? 4 : 2;
}

/*
 * Set up one chunk of INS/OUTS: as many elements as fit in the run page's
 * data area and in the guest page the string starts in.
 */
VISIBLE_IF_KUNIT int mvm_string_io(struct mvm_vcpu *vcpu,
				   const struct minivmm_sregs *sregs,
				   bool in, bool rep)
{
	struct minivmm_run *run = vcpu->run;
	unsigned int size = vcpu->pending.size, abytes;
	u64 count, off, gva, room;
	int r;

	abytes = mvm_addr_bytes(sregs);
	count = rep ? vcpu->regs[MVM_RCX] & mvm_addr_mask(abytes) : 1;
	if (!count) {
		/* rep with RCX = 0 does nothing (SDM vol 2 "REP"). */
		vcpu->rip += vcpu->pending.insn_len;
		mvm_insn_done(vcpu);
		return 1;
	}
	off = vcpu->regs[in ? MVM_RDI : MVM_RSI] & mvm_addr_mask(abytes);
	gva = (in ? sregs->es.base : sregs->ds.base) + off;
	if (abytes != 8)
		gva = (u32)gva;

	if (vcpu->rflags & MVM_RFLAGS_DF) {
		count = 1;
	} else {
		room = min_t(u64, MVM_IO_DATA_MAX,
			     PAGE_SIZE - offset_in_page(gva));
		count = max_t(u64, 1, min_t(u64, count, room / size));
	}
	/* An element that crosses a guest page is moved through both pages. */
	vcpu->pending.count = count;
	vcpu->pending.gva = gva;
	vcpu->pending.addr_bytes = abytes;
	vcpu->pending.rep = rep;

	run->io.count = count;
	if (in) {
		memset(mvm_io_data(vcpu), 0, count * size);
		vcpu->complete = mvm_complete_ins;
		return 0;
	}
	r = mvm_read_guest_virt(vcpu, gva, mvm_io_data(vcpu), count * size);
	if (r) {
		mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
					gva, (u64)r);
		vcpu->complete = NULL;
		return 0;
	}
	vcpu->complete = mvm_complete_outs;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_string_io);

/*
 * A port I/O exit, decoded by the backend: @insn_len is the length of the
 * IN/OUT/INS/OUTS instruction at RIP.  Fills the run page and returns 0,
 * or returns 1 after an ioeventfd (eventfd.c) took an OUT.
 */
int mvm_handle_io(struct mvm_vcpu *vcpu, u16 port, u8 size, bool in,
		  bool string, bool rep, u8 insn_len)
{
	struct minivmm_run *run = vcpu->run;
	struct minivmm_sregs sregs;

	if (size != 1 && size != 2 && size != 4) {
		mvm_exit_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
					port, size);
		return 0;
	}
	mvm_stat_exit(vcpu, MVM_EXIT_KIND_IO);
	/*
	 * An OUT that an ioeventfd takes completes here, without an exit
	 * to userspace; string OUTs always go to the VMM.
	 */
	if (!in && !string &&
	    mvm_ioeventfd_write(vcpu->vm, true, port, size,
				vcpu->regs[MVM_RAX])) {
		vcpu->rip += insn_len;
		mvm_insn_done(vcpu);
		return 1;
	}
	run->exit_reason = MINIVMM_EXIT_IO;
	run->io.direction = in ? MINIVMM_EXIT_IO_IN : MINIVMM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = MINIVMM_RUN_IO_DATA_OFFSET;
	vcpu->pending.size = size;
	vcpu->pending.insn_len = insn_len;

	if (string) {
		mvm_ops->get_sregs(vcpu, &sregs);
		return mvm_string_io(vcpu, &sregs, in, rep);
	}

	if (in) {
		memset(mvm_io_data(vcpu), 0, size);
		vcpu->complete = mvm_complete_pio_in;
	} else {
		memcpy(mvm_io_data(vcpu), &vcpu->regs[MVM_RAX], size);
		vcpu->complete = mvm_complete_pio_out;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_handle_io);
