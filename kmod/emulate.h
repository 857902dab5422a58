/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure logic behind emulate.c, split out so KUnit can drive it without
 * a vCPU: the instruction decoder (decode.c) and the guest page-table
 * walker (emulate.c).  Nothing here touches a vCPU, the hardware or guest
 * memory except through the reader callback it is handed.
 */
#ifndef MINIVMM_EMULATE_H
#define MINIVMM_EMULATE_H

#include <linux/types.h>

/*
 * The default operand and address size of the code being decoded, from
 * CR0.PE, RFLAGS.VM, CS.L, CS.D and EFER.LMA (Intel SDM vol. 1, 3.6.1 and
 * vol. 3A, 5.2.1).
 */
enum mvm_cpu_mode {
	MVM_MODE_16,		/* real, virtual-8086, 16-bit protected */
	MVM_MODE_32,		/* 32-bit protected or compatibility */
	MVM_MODE_64,		/* 64-bit (IA-32e with CS.L = 1) */
};

/* SDM vol. 2, 2.3.11: longer instructions raise #GP. */
#define MVM_INSN_MAX		15

/* Opcode maps (SDM vol. 2, appendix A.3). */
enum mvm_opcode_map {
	MVM_MAP_1BYTE,		/* xx */
	MVM_MAP_0F,		/* 0F xx */
	MVM_MAP_0F38,		/* 0F 38 xx */
	MVM_MAP_0F3A,		/* 0F 3A xx */
};

/* Segment registers in their encoding order (SDM vol. 2, 3.1.1.3, Sreg). */
enum mvm_seg {
	MVM_SEG_ES, MVM_SEG_CS, MVM_SEG_SS, MVM_SEG_DS, MVM_SEG_FS, MVM_SEG_GS,
};

/* One decoded instruction: the fields the emulator looks at. */
struct mvm_insn {
	u8 len;			/* bytes, prefixes to immediate */
	u8 mode;		/* enum mvm_cpu_mode it was decoded for */
	u8 map;			/* enum mvm_opcode_map */
	u8 opcode;
	u8 modrm;		/* valid when @has_modrm */
	bool has_modrm;
	u8 sib;			/* valid when @has_sib */
	bool has_sib;
	u8 rex;			/* 0 or 0x40-0x4f, 64-bit mode only */
	u8 rep;			/* 0, 0xf2 or 0xf3: the last one given */
	u8 seg;			/* segment override prefix byte, or 0 */
	bool opsize_prefix;	/* 66 */
	bool lock;		/* F0 */
	u8 op_size;		/* 2, 4 or 8 */
	u8 ad_size;		/* 2, 4 or 8 */
	u8 disp_len;
	u8 imm_len;
	u64 disp;		/* sign-extended from @disp_len bytes */
	u64 imm;		/* zero-extended from @imm_len bytes */
};

int mvm_decode(const u8 *bytes, unsigned int n, enum mvm_cpu_mode mode,
	       struct mvm_insn *insn);
int mvm_insn_ea(const struct mvm_insn *insn, const u64 *regs, u64 next_rip,
		u64 *ea);

/*
 * The memory access of an MMIO-capable MOV.  For a write the source is
 * @imm (already sign-extended to the access size) or register @reg; for a
 * read the destination is @reg, written @dst_size bytes wide after zero or
 * sign extension from @size.  @high_byte names AH, CH, DH or BH: bits 15:8
 * of @reg (which is then RAX..RBX).
 */
struct mvm_mmio_op {
	u8 size;		/* bytes of memory: 1, 2, 4 or 8 */
	bool write;
	bool has_imm;
	u64 imm;
	u8 reg;			/* enum mvm_reg */
	bool high_byte;
	u8 dst_size;		/* read: 1, 2, 4 or 8 */
	bool sign_extend;	/* read: MOVSX */
};

int mvm_decode_mmio(const struct mvm_insn *insn, struct mvm_mmio_op *op);
u64 mvm_mmio_source(const struct mvm_mmio_op *op, const u64 *regs);
u64 mvm_mmio_extend(u64 data, unsigned int size, bool sign_extend);
u64 mvm_reg_merge(u64 old, u64 val, unsigned int size, bool high_byte);

/* The guest state a page walk depends on. */
struct mvm_paging {
	u64 cr0, cr3, cr4, efer;
};

#define MVM_WALK_WRITE		BIT(0)
#define MVM_WALK_USER		BIT(1)

/* Reads @len bytes of guest-physical memory; 0 or -errno. */
typedef int (*mvm_read_phys_fn)(void *ctx, u64 gpa, void *buf,
				unsigned int len);

#if IS_ENABLED(CONFIG_KUNIT)
int mvm_walk_guest(const struct mvm_paging *pg, u64 gva, unsigned int access,
		   mvm_read_phys_fn read, void *ctx, u64 *gpa);
#endif

#endif /* MINIVMM_EMULATE_H */
