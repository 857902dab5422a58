// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 instruction decoder minivmm needs: the length of any legacy-
 * encoded instruction (to step over CPUID, RDMSR, HLT, IN/OUT and the like
 * when the CPU does not report it, as SVM without NRIPS), and the memory
 * operand of the few MOV forms a guest uses on device registers, so that
 * emulate.c can turn an access to unbacked guest-physical memory into an
 * MMIO exit.  Pure functions on a byte buffer: no vCPU, no guest memory.
 *
 * References: Intel SDM vol. 2, chapter 2 (instruction format: prefixes,
 * REX, ModRM, SIB, displacement, immediate) and appendix A (opcode maps,
 * tables ).  Whatever the decoder cannot size for certain (VEX,
 * EVEX, XOP, 3DNow!, reserved or vendor-dependent encodings) it refuses
 * with -EOPNOTSUPP rather than guess.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "minivmm.h"
#include "emulate.h"

/* What follows an opcode: ModRM and the kind of immediate. */
#define D_MODRM		BIT(0)
#define D_IB		(1 << 1)	/* imm8 */
#define D_IW		(2 << 1)	/* imm16 */
#define D_IZ		(3 << 1)	/* imm16 or imm32 by operand size */
#define D_IV		(4 << 1)	/* imm16/32/64 by operand size */
#define D_MOFFS		(5 << 1)	/* offset of the address size */
#define D_AP		(6 << 1)	/* ptr16:16 or ptr16:32 */
#define D_ENTER		(7 << 1)	/* imm16 + imm8 */
#define D_IMM_MASK	(7 << 1)
#define D_I64		BIT(4)	/* invalid in 64-bit mode (table A-1, "i64") */
#define D_BAD		BIT(5)	/* reserved or not sized here */
#define D_PREFIX	BIT(6)	/* a legacy prefix (SDM vol. 2, 2.1.1) */
#define D_GRP3		BIT(7)	/* F6/F7: the immediate only for /0 */
#define D_REL		BIT(8)	/* near branch, rel16/32 */
#define D_VEX		BIT(9)	/* C4/C5/62: VEX/EVEX when ModRM.mod = 3 */
#define D_XOP		BIT(10)	/* 8F: XOP when ModRM.reg != 0 */
#define D_MODREG	BIT(11)	/* MOV CR/DR: mod is read as 3 */

#define M		D_MODRM
#define MIB		(D_MODRM | D_IB)

/* SDM vol. 2, table A-2: the one-byte opcode map. */
static const u16 map_1byte[256] = {
	[0x00 ... 0x03] = M, [0x04] = D_IB, [0x05] = D_IZ,
	[0x06 ... 0x07] = D_I64,
	[0x08 ... 0x0b] = M, [0x0c] = D_IB, [0x0d] = D_IZ, [0x0e] = D_I64,
	[0x0f] = D_BAD,		/* the escape: handled by mvm_decode() */
	[0x10 ... 0x13] = M, [0x14] = D_IB, [0x15] = D_IZ,
	[0x16 ... 0x17] = D_I64,
	[0x18 ... 0x1b] = M, [0x1c] = D_IB, [0x1d] = D_IZ,
	[0x1e ... 0x1f] = D_I64,
	[0x20 ... 0x23] = M, [0x24] = D_IB, [0x25] = D_IZ,
	[0x26] = D_PREFIX, [0x27] = D_I64,
	[0x28 ... 0x2b] = M, [0x2c] = D_IB, [0x2d] = D_IZ,
	[0x2e] = D_PREFIX, [0x2f] = D_I64,
	[0x30 ... 0x33] = M, [0x34] = D_IB, [0x35] = D_IZ,
	[0x36] = D_PREFIX, [0x37] = D_I64,
	[0x38 ... 0x3b] = M, [0x3c] = D_IB, [0x3d] = D_IZ,
	[0x3e] = D_PREFIX, [0x3f] = D_I64,
	/* 40-5f: INC/DEC (REX in 64-bit mode), PUSH/POP: opcode only */
	[0x60 ... 0x61] = D_I64, [0x62] = M | D_I64 | D_VEX, [0x63] = M,
	[0x64 ... 0x67] = D_PREFIX,
	[0x68] = D_IZ, [0x69] = M | D_IZ, [0x6a] = D_IB, [0x6b] = MIB,
	/* 6c-6f: INS/OUTS */
	[0x70 ... 0x7f] = D_IB,
	[0x80] = MIB, [0x81] = M | D_IZ, [0x82] = MIB | D_I64, [0x83] = MIB,
	[0x84 ... 0x8e] = M, [0x8f] = M | D_XOP,
	/* 90-99: XCHG, NOP, PAUSE, CBW, CWD */
	[0x9a] = D_AP | D_I64,
	/* 9b-9f: FWAIT, PUSHF, POPF, SAHF, LAHF */
	[0xa0 ... 0xa3] = D_MOFFS,
	/* a4-a7: MOVS, CMPS */
	[0xa8] = D_IB, [0xa9] = D_IZ,
	/* aa-af: STOS, LODS, SCAS */
	[0xb0 ... 0xb7] = D_IB, [0xb8 ... 0xbf] = D_IV,
	[0xc0 ... 0xc1] = MIB, [0xc2] = D_IW,
	[0xc4 ... 0xc5] = M | D_I64 | D_VEX,
	[0xc6] = MIB, [0xc7] = M | D_IZ,
	[0xc8] = D_ENTER, [0xca] = D_IW, [0xcd] = D_IB, [0xce] = D_I64,
	[0xd0 ... 0xd3] = M, [0xd4 ... 0xd5] = D_IB | D_I64, [0xd6] = D_BAD,
	[0xd8 ... 0xdf] = M,	/* x87 escapes */
	[0xe0 ... 0xe7] = D_IB,	/* LOOPcc, JrCXZ, IN/OUT imm8 */
	[0xe8 ... 0xe9] = D_IZ | D_REL, [0xea] = D_AP | D_I64, [0xeb] = D_IB,
	/* ec-ef: IN/OUT DX */
	[0xf0] = D_PREFIX, [0xf2 ... 0xf3] = D_PREFIX,
	/* f1 INT1, f4 HLT, f5 CMC, f8-fd CLC..STD */
	[0xf6] = MIB | D_GRP3, [0xf7] = M | D_IZ | D_GRP3,
	[0xfe ... 0xff] = M,
};

/* SDM vol. 2, table A-3: the two-byte opcode map (0F xx). */
static const u16 map_0f[256] = {
	[0x00 ... 0x03] = M, [0x04] = D_BAD,
	/* 05-09: SYSCALL, CLTS, SYSRET, INVD, WBINVD */
	[0x0a] = D_BAD, [0x0c] = D_BAD,	/* 0b: UD2 */
	[0x0d] = M,		/* 0e: FEMMS */
	[0x0f] = D_BAD,		/* 3DNow!: imm8 opcode after the operands */
	[0x10 ... 0x1f] = M,
	[0x20 ... 0x23] = M | D_MODREG, [0x24 ... 0x27] = D_BAD,
	[0x28 ... 0x2f] = M,
	/* 30-35, 37: WRMSR, RDTSC, RDMSR, RDPMC, SYSENTER, SYSEXIT, GETSEC */
	[0x36] = D_BAD,
	[0x38] = D_BAD, [0x3a] = D_BAD,	/* escapes: handled by mvm_decode() */
	[0x39] = D_BAD, [0x3b ... 0x3f] = D_BAD,
	[0x40 ... 0x6f] = M,
	[0x70 ... 0x73] = MIB, [0x74 ... 0x76] = M,	/* 77: EMMS */
	[0x78 ... 0x79] = M,	/* VMREAD/VMWRITE; 66/F2 78: see below */
	[0x7a ... 0x7b] = D_BAD, [0x7c ... 0x7f] = M,
	[0x80 ... 0x8f] = D_IZ | D_REL,
	[0x90 ... 0x9f] = M,
	/* a0-a2: PUSH FS, POP FS, CPUID */
	[0xa3] = M, [0xa4] = MIB, [0xa5] = M, [0xa6 ... 0xa7] = D_BAD,
	/* a8-aa: PUSH GS, POP GS, RSM */
	[0xab] = M, [0xac] = MIB, [0xad ... 0xaf] = M,
	[0xb0 ... 0xb9] = M, [0xba] = MIB, [0xbb ... 0xbf] = M,
	[0xc0 ... 0xc1] = M, [0xc2] = MIB, [0xc3] = M, [0xc4 ... 0xc6] = MIB,
	[0xc7] = M,		/* c8-cf: BSWAP */
	[0xd0 ... 0xfe] = M,
	[0xff] = D_BAD,		/* UD0: a ModRM on Intel, none on older AMD */
};

#undef M
#undef MIB

struct decoder {
	const u8 *bytes;
	unsigned int n;		/* bytes available */
	unsigned int pos;
};

/* The next byte; -ENODATA past what the caller had, -EOPNOTSUPP past 15. */
static int next_byte(struct decoder *d)
{
	if (d->pos >= MVM_INSN_MAX)
		return -EOPNOTSUPP;
	if (d->pos >= d->n)
		return -ENODATA;
	return d->bytes[d->pos++];
}

/*
 * Legacy prefixes (SDM vol. 2, 2.1.1) in any order and number, then in
 * 64-bit mode an optional REX (2.2.1), which counts only right before the
 * opcode: a legacy prefix after it makes the CPU ignore it.
 */
static int decode_prefixes(struct decoder *d, enum mvm_cpu_mode mode,
			   struct mvm_insn *insn, bool *adsize_prefix)
{
	int b;

	for (;;) {
		b = next_byte(d);
		if (b < 0)
			return b;
		if (mode == MVM_MODE_64 && (b & 0xf0) == 0x40) {
			insn->rex = b;
			continue;
		}
		if (!(map_1byte[b] & D_PREFIX))
			return b;
		insn->rex = 0;
		switch (b) {
		case 0x66:
			insn->opsize_prefix = true;
			break;
		case 0x67:
			*adsize_prefix = true;
			break;
		case 0xf0:
			insn->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			insn->rep = b;
			break;
		default:
			insn->seg = b;
			break;
		}
	}
}

/*
 * ModRM, SIB and displacement sizes: SDM vol. 2, 2.1.5, tables 2-1
 * (16-bit addressing) and 2-2/2-3 (32/64-bit).  REX.B does not change
 * which encodings take a SIB or a disp32 (table 2-5).
 */
static int decode_modrm(struct decoder *d, struct mvm_insn *insn, u16 flags)
{
	unsigned int mod, rm;
	int b;

	b = next_byte(d);
	if (b < 0)
		return b;
	insn->modrm = b;
	insn->has_modrm = true;
	mod = b >> 6;
	rm = b & 7;

	/* MOV to/from CR/DR ignore mod (SDM vol. 2, MOV-Move to/from CR). */
	if (mod == 3 || (flags & D_MODREG))
		return 0;

	if (insn->ad_size == 2) {
		if (mod == 1)
			insn->disp_len = 1;
		else if (mod == 2 || rm == 6)
			insn->disp_len = 2;
		return 0;
	}

	if (rm == 4) {
		b = next_byte(d);	/* SIB */
		if (b < 0)
			return b;
		insn->sib = b;
		insn->has_sib = true;
		if (mod == 0 && (b & 7) == 5)
			insn->disp_len = 4;
	}
	if (mod == 1)
		insn->disp_len = 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		insn->disp_len = 4;
	return 0;
}

static unsigned int imm_size(const struct mvm_insn *insn, u16 flags)
{
	switch (flags & D_IMM_MASK) {
	case D_IB:
		return 1;
	case D_IW:
		return 2;
	case D_IZ:
		return insn->op_size == 2 ? 2 : 4;
	case D_IV:
		return insn->op_size;
	case D_MOFFS:
		return insn->ad_size;
	case D_AP:
		return 2 + (insn->op_size == 2 ? 2 : 4);
	case D_ENTER:
		return 3;
	}
	return 0;
}

static u64 sign_extend_bytes(u64 v, unsigned int size)
{
	return size >= 8 ? v : (u64)sign_extend64(v, size * 8 - 1);
}

/*
 * Decode the instruction in @bytes[0..@n) as code of @mode would run it.
 * Returns its length (also in @insn->len), -ENODATA when it runs past @n,
 * or -EOPNOTSUPP for what this decoder does not size for certain.
 */
int mvm_decode(const u8 *bytes, unsigned int n, enum mvm_cpu_mode mode,
	       struct mvm_insn *insn)
{
	struct decoder d = { .bytes = bytes, .n = n };
	bool adsize_prefix = false;
	unsigned int i, def;
	u16 flags;
	int b, r;

	memset(insn, 0, sizeof(*insn));
	insn->mode = mode;
	b = decode_prefixes(&d, mode, insn, &adsize_prefix);
	if (b < 0)
		return b;

	/* SDM vol. 1, 3.6.1; vol. 2, 2.2.1.2: REX.W beats 66. */
	def = mode == MVM_MODE_16 ? 2 : 4;
	if (insn->rex & 0x8)
		insn->op_size = 8;
	else if (insn->opsize_prefix)
		insn->op_size = 6 - def;
	else
		insn->op_size = def;
	if (mode == MVM_MODE_64)
		insn->ad_size = adsize_prefix ? 4 : 8;
	else
		insn->ad_size = adsize_prefix ? 6 - def : def;

	if (b != 0x0f) {
		insn->map = MVM_MAP_1BYTE;
		flags = map_1byte[b];
	} else {
		b = next_byte(&d);
		if (b < 0)
			return b;
		if (b == 0x38 || b == 0x3a) {
			/*
			 * SDM vol. 2, tables: all take ModRM,
			 * and every 0F 3A opcode an imm8.
			 */
			insn->map = b == 0x38 ? MVM_MAP_0F38 : MVM_MAP_0F3A;
			flags = D_MODRM | (b == 0x3a ? D_IB : 0);
			b = next_byte(&d);
			if (b < 0)
				return b;
		} else {
			insn->map = MVM_MAP_0F;
			flags = map_0f[b];
			/* 66/F2 0F 78: AMD's EXTRQ/INSERTQ, two imm8 */
			if (b == 0x78 && (insn->opsize_prefix || insn->rep == 0xf2))
				return -EOPNOTSUPP;
		}
	}
	insn->opcode = b;

	if (flags & D_BAD)
		return -EOPNOTSUPP;
	if ((flags & D_I64) && mode == MVM_MODE_64)
		return -EOPNOTSUPP;
	/*
	 * A 66 on a near branch in 64-bit mode: Intel ignores it (rel32),
	 * AMD honours it (rel16).  Not a case to guess.
	 */
	if ((flags & D_REL) && mode == MVM_MODE_64 && insn->opsize_prefix)
		return -EOPNOTSUPP;

	if (flags & D_MODRM) {
		r = decode_modrm(&d, insn, flags);
		if (r)
			return r;
		/* SDM vol. 2, 2.3.5 (VEX), 2.6.1 (EVEX): mod = 3 here is one */
		if ((flags & D_VEX) && (insn->modrm >> 6) == 3)
			return -EOPNOTSUPP;
		/* AMD APM vol. 3, 1.8: 8F with reg != 0 is an XOP prefix */
		if ((flags & D_XOP) && (insn->modrm & 0x38))
			return -EOPNOTSUPP;
		/* Table A-6: F6/F7 /1 is reserved (AMD: an alias of TEST) */
		if ((flags & D_GRP3) && ((insn->modrm >> 3) & 7) == 1)
			return -EOPNOTSUPP;
	}
	if (!(flags & D_GRP3) || ((insn->modrm >> 3) & 7) == 0)
		insn->imm_len = imm_size(insn, flags);

	if (d.pos + insn->disp_len + insn->imm_len > MVM_INSN_MAX)
		return -EOPNOTSUPP;
	if (d.pos + insn->disp_len + insn->imm_len > n)
		return -ENODATA;
	for (i = 0; i < insn->disp_len; i++)
		insn->disp |= (u64)bytes[d.pos + i] << (8 * i);
	if (insn->disp_len)
		insn->disp = sign_extend_bytes(insn->disp, insn->disp_len);
	d.pos += insn->disp_len;
	for (i = 0; i < insn->imm_len; i++)
		insn->imm |= (u64)bytes[d.pos + i] << (8 * i);
	d.pos += insn->imm_len;

	insn->len = d.pos;
	return insn->len;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_decode);

static bool is_moffs(const struct mvm_insn *insn)
{
	return insn->map == MVM_MAP_1BYTE && insn->opcode >= 0xa0 &&
	       insn->opcode <= 0xa3;
}

/* Base and index of each 16-bit ModRM.rm (SDM vol. 2, table 2-1). */
#define NOREG	0xff
static const u8 ea16_regs[8][2] = {
	{ MVM_RBX, MVM_RSI }, { MVM_RBX, MVM_RDI },
	{ MVM_RBP, MVM_RSI }, { MVM_RBP, MVM_RDI },
	{ MVM_RSI, NOREG }, { MVM_RDI, NOREG },
	{ MVM_RBP, NOREG }, { MVM_RBX, NOREG },
};

/*
 * The effective address (the offset in its segment) of @insn's memory
 * operand with the registers @regs, and its segment: SDM vol. 2, 2.1.5
 * (ModRM/SIB, RIP-relative from @next_rip in 64-bit mode, 2.2.1.6) and
 * vol. 1, 3.7.5 (SS by default with rBP or rSP as base, else DS, unless a
 * prefix says otherwise).  Returns the enum mvm_seg, or -EOPNOTSUPP when
 * @insn has no memory operand.
 */
int mvm_insn_ea(const struct mvm_insn *insn, const u64 *regs, u64 next_rip,
		u64 *ea)
{
	static const u8 seg_prefix[] = {
		[MVM_SEG_ES] = 0x26, [MVM_SEG_CS] = 0x2e, [MVM_SEG_SS] = 0x36,
		[MVM_SEG_DS] = 0x3e, [MVM_SEG_FS] = 0x64, [MVM_SEG_GS] = 0x65,
	};
	unsigned int mod = insn->modrm >> 6, rm = insn->modrm & 7;
	unsigned int base, index;
	int seg = MVM_SEG_DS;
	u64 addr = insn->disp;

	if (is_moffs(insn)) {
		addr = insn->imm;
	} else if (!insn->has_modrm || mod == 3) {
		return -EOPNOTSUPP;
	} else if (insn->ad_size == 2) {
		if (mod != 0 || rm != 6) {
			addr += regs[ea16_regs[rm][0]];
			if (ea16_regs[rm][1] != NOREG)
				addr += regs[ea16_regs[rm][1]];
			if (ea16_regs[rm][0] == MVM_RBP)
				seg = MVM_SEG_SS;
		}
	} else if (insn->has_sib) {
		/* Index 4 without REX.X is "none"; base 5 with mod 0 too. */
		index = ((insn->sib >> 3) & 7) | ((insn->rex & 0x2) << 2);
		base = (insn->sib & 7) | ((insn->rex & 0x1) << 3);
		if (index != 4)
			addr += regs[index] << (insn->sib >> 6);
		if (mod != 0 || (base & 7) != 5) {
			addr += regs[base];
			if (base == MVM_RSP || base == MVM_RBP)
				seg = MVM_SEG_SS;
		}
	} else if (mod == 0 && rm == 5) {
		if (insn->mode == MVM_MODE_64)
			addr += next_rip;
	} else {
		base = rm | ((insn->rex & 0x1) << 3);
		addr += regs[base];
		if (base == MVM_RBP)
			seg = MVM_SEG_SS;
	}

	if (insn->ad_size < 8)
		addr &= GENMASK_ULL(insn->ad_size * 8 - 1, 0);
	*ea = addr;

	if (insn->seg) {
		for (seg = 0; seg < ARRAY_SIZE(seg_prefix); seg++)
			if (seg_prefix[seg] == insn->seg)
				break;
	}
	return seg;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_insn_ea);

/* ModRM.reg with REX.R as a byte register: AH..BH without any REX. */
static void modrm_reg(const struct mvm_insn *insn, struct mvm_mmio_op *op,
		      bool byte)
{
	unsigned int reg = (insn->modrm >> 3) & 7;

	/* SDM vol. 2, 2.2.1.2 and table 3-1: REX makes 4-7 SPL..DIL. */
	if (byte && !insn->rex && reg >= 4) {
		op->reg = reg - 4;
		op->high_byte = true;
		return;
	}
	op->reg = reg | ((insn->rex & 0x4) << 1);
}

/*
 * The memory access of a decoded instruction that may touch MMIO: the MOV
 * forms 88, 89, 8A, 8B, C6 /0, C7 /0, A0-A3, MOVZX/MOVSX (0F B6, B7, BE,
 * BF) and MOVNTI (0F C3).  Anything else, a register-only form, or a
 * prefix these reserve (LOCK, REP) is -EOPNOTSUPP.
 */
int mvm_decode_mmio(const struct mvm_insn *insn, struct mvm_mmio_op *op)
{
	bool moffs = is_moffs(insn);
	unsigned int op_size = insn->op_size;

	memset(op, 0, sizeof(*op));
	if (insn->lock || insn->rep)
		return -EOPNOTSUPP;
	if (!moffs && (!insn->has_modrm || (insn->modrm >> 6) == 3))
		return -EOPNOTSUPP;

	if (insn->map == MVM_MAP_1BYTE) {
		switch (insn->opcode) {
		case 0x88:		/* MOV Eb, Gb */
		case 0x89:		/* MOV Ev, Gv */
			op->write = true;
			op->size = insn->opcode == 0x88 ? 1 : op_size;
			modrm_reg(insn, op, op->size == 1);
			return 0;
		case 0x8a:		/* MOV Gb, Eb */
		case 0x8b:		/* MOV Gv, Ev */
			op->size = insn->opcode == 0x8a ? 1 : op_size;
			op->dst_size = op->size;
			modrm_reg(insn, op, op->size == 1);
			return 0;
		case 0xc6:		/* MOV Eb, Ib */
		case 0xc7:		/* MOV Ev, Iz: imm32 sign-extended */
			if (insn->modrm & 0x38)
				return -EOPNOTSUPP;
			op->write = true;
			op->has_imm = true;
			op->size = insn->opcode == 0xc6 ? 1 : op_size;
			op->imm = sign_extend_bytes(insn->imm, insn->imm_len);
			if (op->size < 8)
				op->imm &= GENMASK_ULL(op->size * 8 - 1, 0);
			return 0;
		case 0xa0:		/* MOV AL, moffs8 */
		case 0xa1:		/* MOV rAX, moffs */
		case 0xa2:		/* MOV moffs8, AL */
		case 0xa3:		/* MOV moffs, rAX */
			op->write = insn->opcode >= 0xa2;
			op->size = insn->opcode & 1 ? op_size : 1;
			op->reg = MVM_RAX;
			if (!op->write)
				op->dst_size = op->size;
			return 0;
		}
		return -EOPNOTSUPP;
	}

	if (insn->map != MVM_MAP_0F)
		return -EOPNOTSUPP;
	switch (insn->opcode) {
	case 0xb6:			/* MOVZX Gv, Eb */
	case 0xb7:			/* MOVZX Gv, Ew */
	case 0xbe:			/* MOVSX Gv, Eb */
	case 0xbf:			/* MOVSX Gv, Ew */
		op->size = insn->opcode & 1 ? 2 : 1;
		op->dst_size = op_size;
		op->sign_extend = insn->opcode >= 0xbe;
		modrm_reg(insn, op, false);
		return 0;
	case 0xc3:			/* MOVNTI My, Gy: no 16-bit form */
		if (insn->opsize_prefix)
			return -EOPNOTSUPP;
		op->write = true;
		op->size = op_size;
		modrm_reg(insn, op, false);
		return 0;
	}
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_decode_mmio);

/* The bytes an MMIO write stores, low @op->size bytes of the result. */
u64 mvm_mmio_source(const struct mvm_mmio_op *op, const u64 *regs)
{
	u64 v;

	if (op->has_imm)
		v = op->imm;
	else if (op->high_byte)
		v = regs[op->reg] >> 8;
	else
		v = regs[op->reg];
	return op->size >= 8 ? v : v & GENMASK_ULL(op->size * 8 - 1, 0);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_mmio_source);

/* Widen @size bytes of MMIO read data: MOVZX/MOV zero-, MOVSX sign-. */
u64 mvm_mmio_extend(u64 data, unsigned int size, bool sign_extend)
{
	if (size >= 8)
		return data;
	data &= GENMASK_ULL(size * 8 - 1, 0);
	return sign_extend ? sign_extend_bytes(data, size) : data;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_mmio_extend);

/*
 * A register after a @size-byte write of @val (SDM vol. 1, 3.4.1.1):
 * 8- and 16-bit writes leave the rest of the register alone, a 32-bit
 * write zero-extends to 64 bits.  Outside 64-bit mode the upper half is
 * undefined after a 32-bit write and the guest cannot see it; clearing it
 * there too keeps one rule.
 */
u64 mvm_reg_merge(u64 old, u64 val, unsigned int size, bool high_byte)
{
	switch (size) {
	case 1:
		if (high_byte)
			return (old & ~0xff00ULL) | ((val & 0xff) << 8);
		return (old & ~0xffULL) | (val & 0xff);
	case 2:
		return (old & ~0xffffULL) | (val & 0xffff);
	case 4:
		return (u32)val;
	}
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_reg_merge);
