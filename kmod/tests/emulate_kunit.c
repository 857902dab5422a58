// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the instruction decoder (kmod/decode.c) and the guest
 * page walker (kmod/emulate.c).
 *
 * A wrong length moves a guest's RIP into the middle of an instruction; a
 * wrong MMIO decode hands the VMM the wrong bytes or writes the wrong part
 * of a register; a wrong walk reads the wrong guest page.  The expected
 * values are worked out by hand from Intel SDM vol. 2 (chapter 2 and
 * appendix A) and vol. 3A chapter 4, not from the code under test.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "../minivmm.h"
#include "../emulate.h"

/* ---- instruction lengths ---- */

struct len_case {
	const char *name;
	enum mvm_cpu_mode mode;
	u8 n;			/* bytes given to the decoder */
	u8 bytes[MVM_INSN_MAX + 1];
	int len;		/* or -errno */
};

#define BYTES(...)	sizeof((u8[]){ __VA_ARGS__ }), { __VA_ARGS__ }
#define L16(len, name, ...)	{ name, MVM_MODE_16, BYTES(__VA_ARGS__), len }
#define L32(len, name, ...)	{ name, MVM_MODE_32, BYTES(__VA_ARGS__), len }
#define L64(len, name, ...)	{ name, MVM_MODE_64, BYTES(__VA_ARGS__), len }

/* The instructions minivmm steps over, the same in every mode. */
#define EXIT_INSNS(L)							\
	L(2, "cpuid", 0x0f, 0xa2),					\
	L(2, "rdmsr", 0x0f, 0x32),					\
	L(2, "wrmsr", 0x0f, 0x30),					\
	L(1, "hlt", 0xf4),						\
	L(3, "xsetbv", 0x0f, 0x01, 0xd1),				\
	L(3, "xgetbv", 0x0f, 0x01, 0xd0),				\
	L(3, "vmcall", 0x0f, 0x01, 0xc1),				\
	L(3, "vmmcall", 0x0f, 0x01, 0xd9),				\
	L(3, "vmrun", 0x0f, 0x01, 0xd8),				\
	L(3, "rdtscp", 0x0f, 0x01, 0xf9),				\
	L(2, "invd", 0x0f, 0x08),					\
	L(2, "wbinvd", 0x0f, 0x09),					\
	L(2, "rdtsc", 0x0f, 0x31),					\
	L(2, "rdpmc", 0x0f, 0x33),					\
	L(2, "pause", 0xf3, 0x90),					\
	L(2, "ud2", 0x0f, 0x0b),					\
	L(2, "in al,imm8", 0xe4, 0x60),					\
	L(2, "in eax,imm8", 0xe5, 0x71),				\
	L(2, "out imm8,al", 0xe6, 0x80),				\
	L(2, "out imm8,eax", 0xe7, 0xf4),				\
	L(1, "in al,dx", 0xec),						\
	L(1, "in eax,dx", 0xed),					\
	L(1, "out dx,al", 0xee),					\
	L(1, "out dx,eax", 0xef),					\
	L(2, "66 in,dx", 0x66, 0xed),					\
	L(3, "66 out imm8", 0x66, 0xe7, 0x80),				\
	L(1, "insb", 0x6c),						\
	L(1, "insd", 0x6d),						\
	L(1, "outsb", 0x6e),						\
	L(1, "outsd", 0x6f),						\
	L(2, "rep insb", 0xf3, 0x6c),					\
	L(3, "rep 66 outs", 0xf3, 0x66, 0x6f),				\
	L(3, "es rep outsb", 0x26, 0xf3, 0x6e),				\
	L(3, "mov cr0 -> r", 0x0f, 0x20, 0xc0),				\
	L(3, "mov cr: mod ignored", 0x0f, 0x20, 0x05),			\
	L(3, "mov r -> cr3", 0x0f, 0x22, 0xd8),				\
	L(3, "swapgs (grp7, mod 3)", 0x0f, 0x01, 0xf8),			\
	L(4, "0f38 modrm", 0x0f, 0x38, 0x00, 0xc1),			\
	L(5, "0f3a modrm imm8", 0x0f, 0x3a, 0x0f, 0xc1, 0x08),		\
	L(4, "enter", 0xc8, 0x10, 0x00, 0x01),				\
	L(3, "ret imm16", 0xc2, 0x08, 0x00),				\
	L(2, "int imm8", 0xcd, 0x80),					\
	L(2, "jcc rel8", 0x74, 0xfe),					\
	L(3, "grp2 imm8", 0xc1, 0xe0, 0x04),				\
	L(2, "x87", 0xd9, 0xc0)

static const struct len_case len_cases[] = {
	EXIT_INSNS(L16),
	EXIT_INSNS(L32),
	EXIT_INSNS(L64),

	/* 16-bit: ModRM without SIB, disp16 (SDM vol. 2, table 2-1) */
	L16(2, "mov [bx+si],al", 0x88, 0x00),
	L16(4, "mov [disp16],al", 0x88, 0x06, 0x34, 0x12),
	L16(3, "mov [bx+disp8],ax", 0x89, 0x47, 0x10),
	L16(4, "mov ax,[bx+disp16]", 0x8b, 0x87, 0x34, 0x12),
	L16(2, "mov ax,[si] (rm 4: no SIB)", 0x8b, 0x04),
	L16(8, "67: 32-bit addressing, SIB+disp32", 0x67, 0x89, 0x04,
	    0x25, 0x78, 0x56, 0x34, 0x12),
	L16(6, "mov word [disp16],imm16", 0xc7, 0x06, 0x00, 0x10, 0x34, 0x12),
	L16(9, "66 mov dword [disp16],imm32", 0x66, 0xc7, 0x06, 0x00, 0x10,
	    0x78, 0x56, 0x34, 0x12),
	L16(3, "mov byte [bx],imm8", 0xc6, 0x07, 0xff),
	L16(3, "mov ax,moffs16", 0xa1, 0x00, 0x10),
	L16(6, "67 mov ax,moffs32", 0x67, 0xa1, 0x00, 0x10, 0x00, 0x00),
	L16(3, "movzx ax,byte [bx]", 0x0f, 0xb6, 0x07),
	L16(4, "movsx ax,word [bx+2]", 0x0f, 0xbf, 0x47, 0x02),
	L16(3, "mov ax,imm16", 0xb8, 0x34, 0x12),
	L16(6, "66 mov eax,imm32", 0x66, 0xb8, 0x78, 0x56, 0x34, 0x12),
	L16(5, "jmp far ptr16:16", 0xea, 0x00, 0x00, 0x00, 0xf0),
	L16(8, "66 jmp far ptr16:32", 0x66, 0xea, 0, 0, 0, 0, 0x08, 0),
	L16(5, "call far ptr16:16", 0x9a, 0x00, 0x00, 0x00, 0xf0),
	L16(3, "call rel16", 0xe8, 0x34, 0x12),
	L16(4, "jcc rel16", 0x0f, 0x84, 0x34, 0x12),
	L16(5, "test byte [disp16],imm8", 0xf6, 0x06, 0x00, 0x10, 0xff),
	L16(6, "test word [disp16],imm16", 0xf7, 0x06, 0x00, 0x10, 0x34, 0x12),
	L16(4, "not word [disp16]: no imm", 0xf7, 0x16, 0x00, 0x10),
	L16(2, "les (mod != 3)", 0xc4, 0x07),
	L16(2, "bound", 0x62, 0x07),
	L16(1, "inc ax (not REX)", 0x40),
	L16(3, "lock add [bx],al", 0xf0, 0x00, 0x07),

	/* 32-bit: SIB, disp32, the no-base SIB (SDM vol. 2, tables 2-2/2-3) */
	L32(2, "mov [edi],eax", 0x89, 0x07),
	L32(6, "mov [disp32],eax", 0x89, 0x05, 0x78, 0x56, 0x34, 0x12),
	L32(4, "mov eax,[esp+disp8]", 0x8b, 0x44, 0x24, 0x08),
	L32(7, "mov eax,[esp+disp32]", 0x8b, 0x84, 0x24, 0x00, 0x01, 0x00,
	    0x00),
	L32(7, "mov eax,[ecx+disp32] (SIB base 5)", 0x8b, 0x04, 0x0d,
	    0x00, 0x10, 0x00, 0x00),
	L32(3, "mov eax,[ebp+disp8]", 0x8b, 0x45, 0x08),
	L32(4, "mov [ebp+eax+disp8],eax", 0x89, 0x44, 0x05, 0x00),
	L32(3, "66 mov [edi],ax", 0x66, 0x89, 0x07),
	L32(4, "67: 16-bit addressing", 0x67, 0x89, 0x47, 0x10),
	L32(5, "67 mov [disp16],ax", 0x67, 0x89, 0x06, 0x00, 0x10),
	L32(10, "mov dword [disp32],imm32", 0xc7, 0x05, 0x00, 0x10, 0x00,
	    0x00, 0x78, 0x56, 0x34, 0x12),
	L32(9, "66 mov word [disp32],imm16", 0x66, 0xc7, 0x05, 0x00, 0x10,
	    0x00, 0x00, 0x34, 0x12),
	L32(7, "mov byte [disp32],imm8", 0xc6, 0x05, 0x00, 0x10, 0x00, 0x00,
	    0x5a),
	L32(5, "mov eax,moffs32", 0xa1, 0x00, 0x10, 0x00, 0x00),
	L32(5, "mov moffs32,al", 0xa2, 0x00, 0x10, 0x00, 0x00),
	L32(4, "67 mov moffs16,eax", 0x67, 0xa3, 0x00, 0x10),
	L32(4, "movzx eax,word [edi+4]", 0x0f, 0xb7, 0x47, 0x04),
	L32(7, "movsx eax,byte [disp32]", 0x0f, 0xbe, 0x05, 0, 0x10, 0, 0),
	L32(3, "movnti [edi],eax", 0x0f, 0xc3, 0x07),
	L32(5, "mov eax,imm32", 0xb8, 0x78, 0x56, 0x34, 0x12),
	L32(5, "call rel32", 0xe8, 0x00, 0x00, 0x00, 0x00),
	L32(4, "66 call rel16", 0x66, 0xe8, 0x00, 0x00),
	L32(6, "jcc rel32", 0x0f, 0x85, 0x00, 0x00, 0x00, 0x00),
	L32(7, "jmp far ptr16:32", 0xea, 0, 0, 0x10, 0, 0x08, 0),
	L32(6, "imul r,r/m,imm32", 0x69, 0xc0, 0x00, 0x01, 0x00, 0x00),
	L32(3, "imul r,r/m,imm8", 0x6b, 0xc0, 0x10),
	L32(4, "shld imm8", 0x0f, 0xa4, 0xc0, 0x04),
	L32(4, "bt imm8", 0x0f, 0xba, 0xe0, 0x03),
	L32(5, "pshufd imm8", 0x66, 0x0f, 0x70, 0xc0, 0x1b),
	L32(5, "cmpps imm8 disp8", 0x0f, 0xc2, 0x40, 0x10, 0x01),
	L32(2, "lds (mod != 3)", 0xc5, 0x07),
	L32(1, "inc eax (not REX)", 0x40),
	L32(3, "fs mov eax,[eax]", 0x64, 0x8b, 0x00),
	L32(3, "0f01 mod 0: lgdt [eax]", 0x0f, 0x01, 0x10),

	/* 64-bit: REX, RIP-relative, 64-bit moffs and imm64 */
	L64(3, "mov [rdi],rax", 0x48, 0x89, 0x07),
	L64(7, "mov rax,[rip+disp32]", 0x48, 0x8b, 0x05, 0x00, 0x10, 0x00,
	    0x00),
	L64(4, "mov r8,[r12] (SIB)", 0x4d, 0x8b, 0x04, 0x24),
	L64(7, "REX.B: still RIP-relative", 0x49, 0x8b, 0x05, 0, 0, 0, 0),
	L64(4, "REX.B: still a SIB", 0x49, 0x8b, 0x04, 0x24),
	L64(3, "mov [r8],r8b", 0x45, 0x88, 0x00),
	L64(7, "mov r8,imm32 (C7, REX.W)", 0x49, 0xc7, 0xc0, 0x78, 0x56,
	    0x34, 0x12),
	L64(10, "mov rax,imm64", 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8),
	L64(5, "mov eax,imm32", 0xb8, 0x78, 0x56, 0x34, 0x12),
	L64(4, "66 mov ax,imm16", 0x66, 0xb8, 0x34, 0x12),
	L64(10, "mov rax,moffs64", 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8),
	L64(9, "mov eax,moffs64", 0xa1, 1, 2, 3, 4, 5, 6, 7, 8),
	L64(6, "67 mov eax,moffs32", 0x67, 0xa1, 1, 2, 3, 4),
	L64(11, "mov qword [rip],imm32", 0x48, 0xc7, 0x05, 0, 0, 0, 0, 0x78,
	    0x56, 0x34, 0x12),
	L64(4, "REX then 66: REX dropped", 0x48, 0x66, 0x89, 0x07),
	L64(3, "rep stosq", 0xf3, 0x48, 0xab),
	L64(5, "call rel32", 0xe8, 0x00, 0x00, 0x00, 0x00),
	L64(6, "jcc rel32", 0x0f, 0x84, 0x00, 0x00, 0x00, 0x00),
	L64(2, "syscall", 0x0f, 0x05),
	L64(2, "rex hlt", 0x40, 0xf4),
	L64(3, "movsxd", 0x48, 0x63, 0xc1),
	L64(4, "movzx r8d,byte [rdi]", 0x44, 0x0f, 0xb6, 0x07),
	L64(4, "movnti [rdi],rax", 0x48, 0x0f, 0xc3, 0x07),
	L64(2, "8f /0: pop [rax]", 0x8f, 0x00),
	L64(7, "test rax,imm32", 0x48, 0xf7, 0xc0, 0x01, 0, 0, 0),
	L64(15, "15 bytes", 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26,
	    0x26, 0x26, 0x26, 0x48, 0x8b, 0x04, 0x24),
};

static void len_case_desc(const struct len_case *c, char *desc)
{
	static const char *const mode[] = { "16", "32", "64" };

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-bit %s", mode[c->mode],
		 c->name);
}
KUNIT_ARRAY_PARAM(len, len_cases, len_case_desc);

static void emulate_insn_length(struct kunit *test)
{
	const struct len_case *c = test->param_value;
	struct mvm_insn insn;
	int r;

	r = mvm_decode(c->bytes, c->n, c->mode, &insn);
	KUNIT_EXPECT_EQ(test, r, c->len);
	if (r > 0)
		KUNIT_EXPECT_EQ(test, (int)insn.len, r);

	/* Trailing bytes never change the length... */
	if (c->len > 0 && c->n < MVM_INSN_MAX) {
		u8 more[MVM_INSN_MAX];

		memset(more, 0x90, sizeof(more));
		memcpy(more, c->bytes, c->n);
		KUNIT_EXPECT_EQ(test, mvm_decode(more, MVM_INSN_MAX, c->mode,
						 &insn), c->len);
	}
	/* ...and one byte fewer is never enough. */
	if (c->len > 0)
		KUNIT_EXPECT_EQ(test, mvm_decode(c->bytes, c->len - 1, c->mode,
						 &insn), -ENODATA);
}

/* What the decoder refuses rather than guess. */
static const struct len_case bad_cases[] = {
	L64(-EOPNOTSUPP, "push es (i64)", 0x06),
	L64(-EOPNOTSUPP, "daa (i64)", 0x27),
	L64(-EOPNOTSUPP, "pusha (i64)", 0x60),
	L64(-EOPNOTSUPP, "call far (i64)", 0x9a, 0, 0, 0, 0, 0, 0),
	L64(-EOPNOTSUPP, "jmp far (i64)", 0xea, 0, 0, 0, 0, 0, 0),
	L64(-EOPNOTSUPP, "aam (i64)", 0xd4, 0x0a),
	L64(-EOPNOTSUPP, "VEX3", 0xc4, 0xe2, 0x79, 0x18, 0x07),
	L64(-EOPNOTSUPP, "VEX2", 0xc5, 0xf8, 0x77),
	L64(-EOPNOTSUPP, "EVEX", 0x62, 0xf1, 0x7c, 0x48, 0x10, 0x07),
	L32(-EOPNOTSUPP, "VEX2 in 32-bit (mod 3)", 0xc5, 0xf8, 0x77),
	L32(-EOPNOTSUPP, "EVEX in 32-bit (mod 3)", 0x62, 0xf1, 0x7c, 0x48,
	    0x10, 0x07),
	L32(-EOPNOTSUPP, "XOP (8f, reg != 0)", 0x8f, 0xe9, 0x78, 0xc1, 0xc0),
	L64(-EOPNOTSUPP, "66 call rel in 64-bit", 0x66, 0xe8, 0, 0),
	L64(-EOPNOTSUPP, "66 jcc rel in 64-bit", 0x66, 0x0f, 0x84, 0, 0),
	L32(-EOPNOTSUPP, "3DNow!", 0x0f, 0x0f, 0xc1, 0xbf),
	L32(-EOPNOTSUPP, "0f 04", 0x0f, 0x04),
	L32(-EOPNOTSUPP, "salc", 0xd6),
	L32(-EOPNOTSUPP, "test /1", 0xf6, 0xc8, 0x01),
	L32(-EOPNOTSUPP, "mov tr", 0x0f, 0x24, 0xc0),
	L32(-EOPNOTSUPP, "ud0", 0x0f, 0xff, 0xc0),
	L32(-EOPNOTSUPP, "extrq imm", 0x66, 0x0f, 0x78, 0xc0, 0x01, 0x02),
	L64(-EOPNOTSUPP, "16 bytes", 0x26, 0x26, 0x26, 0x26, 0x26, 0x26,
	    0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x48, 0x8b, 0x04, 0x24),
	L64(-EOPNOTSUPP, "15 prefixes", 0x26, 0x26, 0x26, 0x26, 0x26, 0x26,
	    0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x90),
	L64(-ENODATA, "nothing", 0x0f),
	L32(-ENODATA, "prefixes only", 0x66, 0x67),
	L32(-ENODATA, "no SIB", 0x8b, 0x04),
	L32(-ENODATA, "half a disp32", 0x89, 0x05, 0x78, 0x56),
	L32(-ENODATA, "no imm", 0xc7, 0x07, 0x01),
};
KUNIT_ARRAY_PARAM(bad, bad_cases, len_case_desc);

static void emulate_insn_unsupported(struct kunit *test)
{
	const struct len_case *c = test->param_value;
	struct mvm_insn insn;

	KUNIT_EXPECT_EQ(test, mvm_decode(c->bytes, c->n, c->mode, &insn),
			c->len);
}

/* ---- MMIO operand decode ---- */

struct mmio_case {
	const char *name;
	enum mvm_cpu_mode mode;
	u8 n;
	u8 bytes[MVM_INSN_MAX];
	struct mvm_mmio_op op;
};

#define WR(sz, r, hi)		{ .size = sz, .write = true, .reg = r, \
				  .high_byte = hi }
#define WI(sz, v)		{ .size = sz, .write = true, .has_imm = true, \
				  .imm = v }
#define RD(sz, r, hi, dst, sx)	{ .size = sz, .reg = r, .high_byte = hi, \
				  .dst_size = dst, .sign_extend = sx }
#define M16(op, name, ...)	{ name, MVM_MODE_16, BYTES(__VA_ARGS__), op }
#define M32(op, name, ...)	{ name, MVM_MODE_32, BYTES(__VA_ARGS__), op }
#define M64(op, name, ...)	{ name, MVM_MODE_64, BYTES(__VA_ARGS__), op }

static const struct mmio_case mmio_cases[] = {
	/* 88/89: MOV r/m <- reg */
	M32(WR(1, MVM_RAX, false), "mov [edi],al", 0x88, 0x07),
	M32(WR(1, MVM_RAX, true), "mov [edi],ah", 0x88, 0x27),
	M16(WR(1, MVM_RBX, true), "mov [bx],bh", 0x88, 0x3f),
	M64(WR(1, MVM_RSP, false), "mov [rdi],spl", 0x40, 0x88, 0x27),
	M64(WR(1, MVM_R8, false), "mov [rdi],r8b", 0x44, 0x88, 0x07),
	M64(WR(1, MVM_R12, false), "mov [rdi],r12b", 0x44, 0x88, 0x27),
	M16(WR(2, MVM_RCX, false), "mov [bx],cx", 0x89, 0x0f),
	M16(WR(4, MVM_RCX, false), "66 mov [bx],ecx", 0x66, 0x89, 0x0f),
	M32(WR(4, MVM_RCX, false), "mov [edi],ecx", 0x89, 0x0f),
	M32(WR(2, MVM_RCX, false), "66 mov [edi],cx", 0x66, 0x89, 0x0f),
	M64(WR(4, MVM_RCX, false), "mov [rdi],ecx", 0x89, 0x0f),
	M64(WR(8, MVM_RCX, false), "mov [rdi],rcx", 0x48, 0x89, 0x0f),
	M64(WR(8, MVM_R15, false), "mov [rdi+8],r15", 0x4c, 0x89, 0x7f,
	    0x08),
	M64(WR(8, MVM_RDX, false), "66 48: REX.W wins", 0x66, 0x48, 0x89,
	    0x17),
	M64(WR(2, MVM_RDX, false), "48 66: REX dropped", 0x48, 0x66, 0x89,
	    0x17),
	/* 8A/8B: MOV reg <- r/m */
	M16(RD(1, MVM_RBX, true, 1, false), "mov bh,[disp16]", 0x8a, 0x3e,
	    0x00, 0x10),
	M32(RD(1, MVM_RDX, false, 1, false), "mov dl,[eax]", 0x8a, 0x10),
	M64(RD(1, MVM_RDI, false, 1, false), "mov dil,[rax]", 0x40, 0x8a,
	    0x38),
	M16(RD(2, MVM_RAX, false, 2, false), "mov ax,[bx]", 0x8b, 0x07),
	M32(RD(4, MVM_RSI, false, 4, false), "mov esi,[eax]", 0x8b, 0x30),
	M64(RD(4, MVM_RAX, false, 4, false), "mov eax,[rip]", 0x8b, 0x05,
	    0, 0x10, 0, 0),
	M64(RD(8, MVM_R9, false, 8, false), "mov r9,[rax]", 0x4c, 0x8b,
	    0x08),
	M64(RD(2, MVM_R9, false, 2, false), "mov r9w,[rax]", 0x66, 0x44,
	    0x8b, 0x08),
	/* C6/C7 /0: MOV r/m <- imm (imm32 sign-extended under REX.W) */
	M16(WI(1, 0xff), "mov byte [bx],0xff", 0xc6, 0x07, 0xff),
	M16(WI(2, 0x1234), "mov word [bx],0x1234", 0xc7, 0x07, 0x34, 0x12),
	M32(WI(4, 0x12345678), "mov dword [edi],imm32", 0xc7, 0x07, 0x78,
	    0x56, 0x34, 0x12),
	M32(WI(2, 0x8000), "66 mov word [edi],0x8000", 0x66, 0xc7, 0x07,
	    0x00, 0x80),
	M64(WI(4, 0x80000000), "mov dword [rdi],0x80000000", 0xc7, 0x07,
	    0x00, 0x00, 0x00, 0x80),
	M64(WI(8, 0xffffffff80000000ULL), "mov qword [rdi],-2^31", 0x48,
	    0xc7, 0x07, 0x00, 0x00, 0x00, 0x80),
	M64(WI(8, 0x12345678), "mov qword [rdi],imm32", 0x48, 0xc7, 0x07,
	    0x78, 0x56, 0x34, 0x12),
	M64(WI(1, 0x5a), "mov byte [rip],imm8", 0xc6, 0x05, 0, 0, 0, 0, 0x5a),
	/* A0-A3: moffs */
	M16(RD(1, MVM_RAX, false, 1, false), "mov al,moffs16", 0xa0, 0x00,
	    0x10),
	M32(RD(4, MVM_RAX, false, 4, false), "mov eax,moffs32", 0xa1, 0x00,
	    0x10, 0x00, 0x00),
	M64(RD(8, MVM_RAX, false, 8, false), "mov rax,moffs64", 0x48, 0xa1,
	    0, 0x10, 0, 0, 0, 0, 0, 0),
	M32(WR(1, MVM_RAX, false), "mov moffs32,al", 0xa2, 0x00, 0x10, 0x00,
	    0x00),
	M32(WR(2, MVM_RAX, false), "66 mov moffs32,ax", 0x66, 0xa3, 0x00,
	    0x10, 0x00, 0x00),
	M64(WR(4, MVM_RAX, false), "67 mov moffs32,eax", 0x67, 0xa3, 0x00,
	    0x10, 0x00, 0x00),
	/* MOVZX/MOVSX */
	M32(RD(1, MVM_RAX, false, 4, false), "movzx eax,byte [edi]", 0x0f,
	    0xb6, 0x07),
	M32(RD(1, MVM_RSP, false, 4, false), "movzx esp,byte (no AH rule)",
	    0x0f, 0xb6, 0x27),
	M16(RD(1, MVM_RAX, false, 2, false), "movzx ax,byte [bx]", 0x0f,
	    0xb6, 0x07),
	M32(RD(2, MVM_RCX, false, 4, false), "movzx ecx,word [edi]", 0x0f,
	    0xb7, 0x0f),
	M64(RD(2, MVM_R8, false, 8, false), "movzx r8,word [rdi]", 0x4c, 0x0f,
	    0xb7, 0x07),
	M32(RD(1, MVM_RAX, false, 4, true), "movsx eax,byte [edi]", 0x0f,
	    0xbe, 0x07),
	M32(RD(1, MVM_RAX, false, 2, true), "66 movsx ax,byte [edi]", 0x66,
	    0x0f, 0xbe, 0x07),
	M64(RD(1, MVM_RAX, false, 8, true), "movsx rax,byte [rdi]", 0x48,
	    0x0f, 0xbe, 0x07),
	M64(RD(2, MVM_RDX, false, 8, true), "movsx rdx,word [rdi]", 0x48,
	    0x0f, 0xbf, 0x17),
	/* MOVNTI */
	M32(WR(4, MVM_RAX, false), "movnti [edi],eax", 0x0f, 0xc3, 0x07),
	M64(WR(8, MVM_R10, false), "movnti [rdi],r10", 0x4c, 0x0f, 0xc3, 0x17),
};

static void mmio_case_desc(const struct mmio_case *c, char *desc)
{
	static const char *const mode[] = { "16", "32", "64" };

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-bit %s", mode[c->mode],
		 c->name);
}
KUNIT_ARRAY_PARAM(mmio, mmio_cases, mmio_case_desc);

static void emulate_mmio_decode(struct kunit *test)
{
	const struct mmio_case *c = test->param_value;
	struct mvm_mmio_op op;
	struct mvm_insn insn;

	KUNIT_ASSERT_EQ(test, mvm_decode(c->bytes, c->n, c->mode, &insn),
			(int)c->n);
	KUNIT_ASSERT_EQ(test, mvm_decode_mmio(&insn, &op), 0);
	KUNIT_EXPECT_EQ(test, op.size, c->op.size);
	KUNIT_EXPECT_EQ(test, op.write, c->op.write);
	KUNIT_EXPECT_EQ(test, op.has_imm, c->op.has_imm);
	KUNIT_EXPECT_EQ(test, op.imm, c->op.imm);
	if (!c->op.has_imm) {
		KUNIT_EXPECT_EQ(test, op.reg, c->op.reg);
		KUNIT_EXPECT_EQ(test, op.high_byte, c->op.high_byte);
	}
	KUNIT_EXPECT_EQ(test, op.dst_size, c->op.dst_size);
	KUNIT_EXPECT_EQ(test, op.sign_extend, c->op.sign_extend);
}

/* Decodable instructions that are not an MMIO MOV minivmm emulates. */
static const struct len_case mmio_bad_cases[] = {
	L32(-EOPNOTSUPP, "mov eax,eax (no memory)", 0x89, 0xc0),
	L32(-EOPNOTSUPP, "movzx eax,al (no memory)", 0x0f, 0xb6, 0xc0),
	L32(-EOPNOTSUPP, "add [edi],eax", 0x01, 0x07),
	L32(-EOPNOTSUPP, "lock mov (#UD)", 0xf0, 0x89, 0x07),
	L32(-EOPNOTSUPP, "rep mov", 0xf3, 0x89, 0x07),
	L32(-EOPNOTSUPP, "c6 /1", 0xc6, 0x0f, 0x00),
	L32(-EOPNOTSUPP, "c7 /2", 0xc7, 0x17, 0, 0, 0, 0),
	L32(-EOPNOTSUPP, "movsb", 0xa4),
	L64(-EOPNOTSUPP, "rep stosq", 0xf3, 0x48, 0xab),
	L32(-EOPNOTSUPP, "66 movnti", 0x66, 0x0f, 0xc3, 0x07),
	L32(-EOPNOTSUPP, "0f38 op", 0x0f, 0x38, 0xf0, 0x07),
	L32(-EOPNOTSUPP, "movaps", 0x0f, 0x28, 0x07),
	L32(-EOPNOTSUPP, "hlt", 0xf4),
};
KUNIT_ARRAY_PARAM(mmio_bad, mmio_bad_cases, len_case_desc);

static void emulate_mmio_unsupported(struct kunit *test)
{
	const struct len_case *c = test->param_value;
	struct mvm_mmio_op op;
	struct mvm_insn insn;

	KUNIT_ASSERT_EQ(test, mvm_decode(c->bytes, c->n, c->mode, &insn),
			(int)c->n);
	KUNIT_EXPECT_EQ(test, mvm_decode_mmio(&insn, &op), c->len);
}

/* ---- effective addresses (SDM vol. 2, 2.1.5) ---- */

static const u64 ea_regs[MVM_NR_GPRS] = {
	[MVM_RAX] = 0x1000, [MVM_RCX] = 0x3,
	[MVM_RBX] = 0xffffffff00002000ULL,	/* high half: masked off */
	[MVM_RSP] = 0x7000, [MVM_RBP] = 0x8000,
	[MVM_RSI] = 0x10, [MVM_RDI] = 0x20,
	[MVM_R12] = 0x100000, [MVM_R13] = 0x200000,
};

struct ea_case {
	const char *name;
	enum mvm_cpu_mode mode;
	u8 n;
	u8 bytes[MVM_INSN_MAX];
	u64 next_rip;
	u64 ea;
	int seg;		/* or -errno */
};

#define E16(ea, seg, name, ...) \
	{ name, MVM_MODE_16, BYTES(__VA_ARGS__), 0, ea, MVM_SEG_##seg }
#define E32(ea, seg, name, ...) \
	{ name, MVM_MODE_32, BYTES(__VA_ARGS__), 0, ea, MVM_SEG_##seg }
#define E64(rip, ea, seg, name, ...) \
	{ name, MVM_MODE_64, BYTES(__VA_ARGS__), rip, ea, MVM_SEG_##seg }
#define MVM_SEG_NONE	-EOPNOTSUPP

static const struct ea_case ea_cases[] = {
	E16(0x2010, DS, "[bx+si]", 0x88, 0x00),
	E16(0x7ffe, SS, "[bp-2]", 0x8b, 0x46, 0xfe),
	E16(0x7ffe, ES, "es:[bp-2]", 0x26, 0x8b, 0x46, 0xfe),
	E16(0x1234, DS, "[disp16]", 0x88, 0x06, 0x34, 0x12),
	E16(0x1000, DS, "[bx+0xf000] wraps", 0x8b, 0x87, 0x00, 0xf0),
	E16(0x8030, SS, "[bp+di+0x10]", 0x8b, 0x43, 0x10),
	E16(0x1234, DS, "moffs16", 0xa1, 0x34, 0x12),
	E16(0x1006, DS, "67: [eax+ecx*2]", 0x67, 0x8b, 0x04, 0x48),
	E32(0x1006, DS, "[eax+ecx*2]", 0x8b, 0x04, 0x48),
	E32(0x7008, SS, "[esp+8]", 0x8b, 0x44, 0x24, 0x08),
	E32(0x7ffc, SS, "[ebp-4]", 0x8b, 0x45, 0xfc),
	E32(0x1000, DS, "[disp32]: not RIP-relative", 0x8b, 0x05, 0x00, 0x10,
	    0x00, 0x00),
	E32(0x100c, DS, "[ecx*4+disp32]", 0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00,
	    0x00),
	E32(0x2000, DS, "[ebx]: 32 bits", 0x8b, 0x03),
	E32(0x1000, FS, "fs:[eax]", 0x64, 0x8b, 0x00),
	E32(0x8002, SS, "67: [bp+2]", 0x67, 0x8b, 0x46, 0x02),
	E32(0x12345678, DS, "moffs32", 0xa3, 0x78, 0x56, 0x34, 0x12),
	E64(0x401007, 0x400ff7, DS, "[rip-16]", 0x8b, 0x05, 0xf0, 0xff,
	    0xff, 0xff),
	E64(0x100001008, 0xff8, DS, "67: [eip-16]", 0x67, 0x8b, 0x05, 0xf0,
	    0xff, 0xff, 0xff),
	E64(0, 0x100000, DS, "[r12]: SIB, not SS", 0x41, 0x8b, 0x04, 0x24),
	E64(0, 0x200000, DS, "[r13+0]: not SS", 0x41, 0x8b, 0x45, 0x00),
	E64(0, 0x101000, DS, "[rax+r12]: REX.X", 0x42, 0x8b, 0x04, 0x20),
	E64(0, 0x7000, SS, "[rsp]", 0x8b, 0x04, 0x24),
	E64(0, 0xffffffff00002000ULL, DS, "[rbx]: 64 bits", 0x48, 0x8b, 0x03),
	E64(0, 0x10, GS, "gs:[disp32] (SIB, no base)", 0x65, 0x48, 0x8b, 0x04,
	    0x25, 0x10, 0x00, 0x00, 0x00),
	E64(0, 0x1122334455667788ULL, DS, "moffs64", 0x48, 0xa1, 0x88, 0x77,
	    0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	E64(0, 0, NONE, "no memory operand", 0x89, 0xc0),
	E64(0, 0, NONE, "no ModRM", 0xf4),
};

static void ea_case_desc(const struct ea_case *c, char *desc)
{
	static const char *const mode[] = { "16", "32", "64" };

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-bit %s", mode[c->mode],
		 c->name);
}
KUNIT_ARRAY_PARAM(ea, ea_cases, ea_case_desc);

static void emulate_insn_ea(struct kunit *test)
{
	const struct ea_case *c = test->param_value;
	struct mvm_insn insn;
	u64 ea = 0;

	KUNIT_ASSERT_EQ(test, mvm_decode(c->bytes, c->n, c->mode, &insn),
			(int)c->n);
	KUNIT_EXPECT_EQ(test, mvm_insn_ea(&insn, ea_regs, c->next_rip, &ea),
			c->seg);
	if (c->seg >= 0)
		KUNIT_EXPECT_EQ(test, ea, c->ea);
}

/* ---- register write-back (SDM vol. 1, 3.4.1.1) ---- */

#define OLD	0x1122334455667788ULL

static void emulate_reg_merge(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, 0xaa, 1, false),
			0x11223344556677aaULL);
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, 0xaa, 1, true),
			0x112233445566aa88ULL);
	/* Only the low byte of the value counts, for AH too. */
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, 0xffbb, 1, true),
			0x112233445566bb88ULL);
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, 0xffffbbaa, 2, false),
			0x112233445566bbaaULL);
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, 0xffffffffccbbbbaaULL, 4,
					    false), 0xccbbbbaaULL);
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, 0x8877665544332211ULL, 8,
					    false), 0x8877665544332211ULL);
}

static void emulate_mmio_extend(struct kunit *test)
{
	/* Bytes past the access size are the VMM's garbage: dropped. */
	KUNIT_EXPECT_EQ(test, mvm_mmio_extend(0xdeadbeef00000080ULL, 1, false),
			0x80ULL);
	KUNIT_EXPECT_EQ(test, mvm_mmio_extend(0xdeadbeef00000080ULL, 1, true),
			0xffffffffffffff80ULL);
	KUNIT_EXPECT_EQ(test, mvm_mmio_extend(0xdead7f7f, 2, true), 0x7f7fULL);
	KUNIT_EXPECT_EQ(test, mvm_mmio_extend(0xdead8000, 2, true),
			0xffffffffffff8000ULL);
	KUNIT_EXPECT_EQ(test, mvm_mmio_extend(0xdeadbeef87654321ULL, 4, false),
			0x87654321ULL);
	KUNIT_EXPECT_EQ(test, mvm_mmio_extend(0xdeadbeef87654321ULL, 8, false),
			0xdeadbeef87654321ULL);

	/* MOVSX r32, m8: sign into bit 31, bits 63:32 cleared. */
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, mvm_mmio_extend(0x80, 1, true),
					    4, false), 0xffffff80ULL);
	/* MOVSX r16, m8: bits 63:16 kept. */
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, mvm_mmio_extend(0x80, 1, true),
					    2, false), 0x112233445566ff80ULL);
	/* MOVZX r64, m16 and MOV r32, m32 clear the top. */
	KUNIT_EXPECT_EQ(test, mvm_reg_merge(OLD, mvm_mmio_extend(0xffff8000, 2,
								 false), 8,
					    false), 0x8000ULL);
}

static void emulate_mmio_source(struct kunit *test)
{
	u64 regs[MVM_NR_GPRS] = { [MVM_RAX] = OLD, [MVM_R8] = ~0ULL };
	struct mvm_mmio_op op = { .size = 1, .write = true, .reg = MVM_RAX };

	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), 0x88ULL);
	op.high_byte = true;
	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), 0x77ULL);
	op.high_byte = false;
	op.size = 2;
	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), 0x7788ULL);
	op.size = 4;
	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), 0x55667788ULL);
	op.size = 8;
	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), OLD);
	op.reg = MVM_R8;
	op.size = 2;
	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), 0xffffULL);
	op.has_imm = true;
	op.imm = 0xabcd;
	KUNIT_EXPECT_EQ(test, mvm_mmio_source(&op, regs), 0xabcdULL);
}

/* ---- the guest page walk, on hand-built tables ---- */

#define GMEM_SIZE	0x10000

struct gmem {
	u8 *mem;
	unsigned int reads;
};

static int gmem_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct gmem *g = ctx;

	g->reads++;
	if (gpa >= GMEM_SIZE || len > GMEM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, g->mem + gpa, len);
	return 0;
}

static void put32(struct gmem *g, u64 gpa, u32 v)
{
	memcpy(g->mem + gpa, &v, 4);
}

static void put64(struct gmem *g, u64 gpa, u64 v)
{
	memcpy(g->mem + gpa, &v, 8);
}

static struct gmem *gmem_new(struct kunit *test)
{
	struct gmem *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	g->mem = kunit_kzalloc(test, GMEM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g->mem);
	return g;
}

#define P	BIT(0)
#define RW	BIT(1)
#define US	BIT(2)
#define PS	BIT(7)
#define NX	BIT_ULL(63)

/* Expect a walk to give @want, or the error @err when @want is ~0. */
static void expect_walk(struct kunit *test, const struct mvm_paging *pg,
			struct gmem *g, u64 gva, unsigned int access,
			int err, u64 want)
{
	u64 gpa = 0xdead;

	KUNIT_EXPECT_EQ_MSG(test, mvm_walk_guest(pg, gva, access, gmem_read,
						 g, &gpa), err,
			    "gva %llx access %u", gva, access);
	if (!err)
		KUNIT_EXPECT_EQ_MSG(test, gpa, want, "gva %llx", gva);
}

static void emulate_walk_off(struct kunit *test)
{
	struct mvm_paging pg = { .cr0 = X86_CR0_PE };
	struct gmem *g = gmem_new(test);

	expect_walk(test, &pg, g, 0x12345678, MVM_WALK_WRITE, 0, 0x12345678);
	/* Linear addresses are 32 bits with paging off. */
	expect_walk(test, &pg, g, 0x100001000ULL, 0, 0, 0x1000);
	pg.cr0 = 0;
	expect_walk(test, &pg, g, 0xffff0, 0, 0, 0xffff0);
	KUNIT_EXPECT_EQ(test, g->reads, 0U);
}

/* 32-bit paging: SDM vol. 3A, 4.3. */
static void emulate_walk_32(struct kunit *test)
{
	struct mvm_paging pg = {
		.cr0 = X86_CR0_PG | X86_CR0_PE | X86_CR0_WP,
		.cr3 = 0x1000 | 0x18,	/* PCD/PWT: not address bits */
	};
	struct gmem *g = gmem_new(test);

	put32(g, 0x1000 + 2 * 4, 0x2000 | P | RW);	/* 0x00800000 */
	put32(g, 0x2000 + 3 * 4, 0x5000 | P);		/* read-only */
	put32(g, 0x2000 + 5 * 4, 0x6000 | P | RW);
	put32(g, 0x1000 + 3 * 4, 0x3000 | P);		/* read-only PDE */
	put32(g, 0x3000 + 0 * 4, 0x7000 | P | RW);
	/* 4 MB page at 0x12_0c000000 (PSE-36 bits 20:13 = 0x12) */
	put32(g, 0x1000 + 0x10 * 4, 0x0c000000 | (0x12 << 13) | PS | P | RW);

	expect_walk(test, &pg, g, 0x00803abc, 0, 0, 0x5abc);
	expect_walk(test, &pg, g, 0x00805abc, MVM_WALK_WRITE, 0, 0x6abc);
	expect_walk(test, &pg, g, 0x00803abc, MVM_WALK_WRITE, -EACCES, 0);
	expect_walk(test, &pg, g, 0x00c00123, MVM_WALK_WRITE, -EACCES, 0);
	expect_walk(test, &pg, g, 0x00804000, 0, -EFAULT, 0);	/* PTE */
	expect_walk(test, &pg, g, 0x00400000, 0, -EFAULT, 0);	/* PDE */
	/* No U/S anywhere: user accesses fault. */
	expect_walk(test, &pg, g, 0x00803abc, MVM_WALK_USER, -EACCES, 0);

	/* PS is ignored without CR4.PSE: 0x0c024000 is then a table. */
	expect_walk(test, &pg, g, 0x04123456, 0, -EFAULT, 0);
	pg.cr4 = X86_CR4_PSE;
	expect_walk(test, &pg, g, 0x04123456, MVM_WALK_WRITE, 0,
		    0x120c123456ULL);

	/* CR0.WP clear: supervisor writes ignore R/W, user ones do not. */
	pg.cr0 &= ~X86_CR0_WP;
	expect_walk(test, &pg, g, 0x00803abc, MVM_WALK_WRITE, 0, 0x5abc);
	put32(g, 0x1000 + 2 * 4, 0x2000 | P | RW | US);
	put32(g, 0x2000 + 3 * 4, 0x5000 | P | US);
	expect_walk(test, &pg, g, 0x00803abc, MVM_WALK_USER, 0, 0x5abc);
	expect_walk(test, &pg, g, 0x00803abc, MVM_WALK_USER | MVM_WALK_WRITE,
		    -EACCES, 0);
}

/* PAE paging: SDM vol. 3A, 4.4. */
static void emulate_walk_pae(struct kunit *test)
{
	struct mvm_paging pg = {
		.cr0 = X86_CR0_PG | X86_CR0_PE | X86_CR0_WP,
		.cr3 = 0x3020,		/* PDPTEs at bits 31:5 */
		.cr4 = X86_CR4_PAE,
	};
	struct gmem *g = gmem_new(test);

	/* PDPTE 1 (0x40000000..): no R/W bit in a PDPTE */
	put64(g, 0x3020 + 1 * 8, 0x4000 | P);
	put64(g, 0x4000 + 0 * 8, 0x6000 | P | RW);
	put64(g, 0x6000 + 5 * 8, 0x7000 | P | RW | NX);
	/* 2 MB read-only page, bit 12 (PAT) not an address bit */
	put64(g, 0x4000 + 1 * 8, 0x40000000 | BIT(12) | PS | P);

	expect_walk(test, &pg, g, 0x40005123, MVM_WALK_WRITE, 0, 0x7123);
	expect_walk(test, &pg, g, 0x40212345, 0, 0, 0x40012345);
	expect_walk(test, &pg, g, 0x40212345, MVM_WALK_WRITE, -EACCES, 0);
	expect_walk(test, &pg, g, 0x80000000, 0, -EFAULT, 0);	/* PDPTE */
	expect_walk(test, &pg, g, 0x40006000, 0, -EFAULT, 0);	/* PTE */
	/* Outside long mode only 32 bits of the address count. */
	expect_walk(test, &pg, g, 0xf00000000ULL | 0x40005123, 0, 0, 0x7123);
}

/* 4- and 5-level paging: SDM vol. 3A, 4.5. */
static void emulate_walk_long(struct kunit *test)
{
	struct mvm_paging pg = {
		.cr0 = X86_CR0_PG | X86_CR0_PE | X86_CR0_WP,
		.cr3 = 0x8000,
		.cr4 = X86_CR4_PAE,
		.efer = EFER_LME | EFER_LMA,
	};
	struct gmem *g = gmem_new(test);

	put64(g, 0x8000 + 0 * 8, 0x9000 | P | RW | US);
	put64(g, 0x9000 + 0 * 8, 0xa000 | P | RW);
	put64(g, 0xa000 + 0 * 8, 0xb000 | P | RW);
	put64(g, 0xb000 + 1 * 8, 0xc000 | P | RW | NX);
	put64(g, 0xa000 + 1 * 8, 0x00600000 | PS | P);		/* 2 MB, RO */
	put64(g, 0x9000 + 1 * 8, 0x80000000 | PS | P | RW);	/* 1 GB */
	put64(g, 0x8000 + 511 * 8, 0xd000 | P | RW);
	put64(g, 0xd000 + 510 * 8, 0x40000000 | PS | P);	/* 1 GB */
	put64(g, 0x8000 + 2 * 8, 0xe000 | PS | P);		/* reserved */

	expect_walk(test, &pg, g, 0x1234, MVM_WALK_WRITE, 0, 0xc234);
	expect_walk(test, &pg, g, 0x201234, 0, 0, 0x601234);
	expect_walk(test, &pg, g, 0x201234, MVM_WALK_WRITE, -EACCES, 0);
	expect_walk(test, &pg, g, 0x40123456, MVM_WALK_WRITE, 0, 0x80123456);
	expect_walk(test, &pg, g, 0xffffffff80005678ULL, 0, 0, 0x40005678);
	expect_walk(test, &pg, g, 0x2000, 0, -EFAULT, 0);	/* PTE */
	expect_walk(test, &pg, g, 0x80000000, 0, -EFAULT, 0);	/* PDPTE */
	expect_walk(test, &pg, g, 0x10000000000ULL, 0, -EFAULT, 0);
	expect_walk(test, &pg, g, 0x0000800000000000ULL, 0, -EFAULT, 0);
	expect_walk(test, &pg, g, 0xfff0000000000000ULL, 0, -EFAULT, 0);
	/* U/S in the PML4E only: a user access needs it at every level. */
	expect_walk(test, &pg, g, 0x1234, MVM_WALK_USER, -EACCES, 0);

	/* 5-level: a PML5 on top, canonical up to bit 56. */
	pg.cr4 |= X86_CR4_LA57;
	pg.cr3 = 0xf000;
	put64(g, 0xf000 + 0 * 8, 0x8000 | P | RW);
	expect_walk(test, &pg, g, 0x1234, MVM_WALK_WRITE, 0, 0xc234);
	expect_walk(test, &pg, g, 0x0000800000000000ULL, 0, -EFAULT, 0);
	expect_walk(test, &pg, g, 0x0100000000000000ULL, 0, -EFAULT, 0);
}

/* A failing read of a paging structure fails the walk. */
static void emulate_walk_bad_table(struct kunit *test)
{
	struct mvm_paging pg = {
		.cr0 = X86_CR0_PG | X86_CR0_PE,
		.cr3 = 0x100000,	/* outside the fake memory */
		.cr4 = X86_CR4_PAE,
		.efer = EFER_LME | EFER_LMA,
	};
	struct gmem *g = gmem_new(test);

	expect_walk(test, &pg, g, 0x1000, 0, -EFAULT, 0);
	KUNIT_EXPECT_EQ(test, g->reads, 1U);
}

static struct kunit_case emulate_cases[] = {
	KUNIT_CASE_PARAM(emulate_insn_length, len_gen_params),
	KUNIT_CASE_PARAM(emulate_insn_unsupported, bad_gen_params),
	KUNIT_CASE_PARAM(emulate_mmio_decode, mmio_gen_params),
	KUNIT_CASE_PARAM(emulate_mmio_unsupported, mmio_bad_gen_params),
	KUNIT_CASE_PARAM(emulate_insn_ea, ea_gen_params),
	KUNIT_CASE(emulate_reg_merge),
	KUNIT_CASE(emulate_mmio_extend),
	KUNIT_CASE(emulate_mmio_source),
	KUNIT_CASE(emulate_walk_off),
	KUNIT_CASE(emulate_walk_32),
	KUNIT_CASE(emulate_walk_pae),
	KUNIT_CASE(emulate_walk_long),
	KUNIT_CASE(emulate_walk_bad_table),
	{}
};

static struct kunit_suite emulate_suite = {
	.name = "minivmm_emulate",
	.test_cases = emulate_cases,
};
kunit_test_suite(emulate_suite);
