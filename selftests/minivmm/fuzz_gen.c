// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's generators (fuzz_gen.h).  The guest code is emitted as raw
 * bytes for the mode the vCPU is put in; the encodings are from the SDM
 * vol 2 opcode tables (operand- and address-size prefixes 0x66/0x67 turn
 * the 16-bit forms into 32-bit ones in real mode).  The tables follow SDM
 * vol 3A 3.4.5 (descriptors) and 4.5 (4-level paging, 2 MiB pages).
 */
#include <string.h>

#include "fuzz_gen.h"
#include "guest_layout.h"

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

static const uint64_t edges[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0x7fff,
	0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ULL, 0x00007fffffffffffULL, 0x0000800000000000ULL,
	0xffff800000000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
	0xfffffffffffff000ULL, 0xffffffffffffffffULL, 1ULL << 48, 1ULL << 52,
	GUEST_MEM_SIZE, GUEST_MMIO,
};

uint64_t fz_u64(struct fz_rng *r)
{
	switch (fz_below(r, 4)) {
	case 0:
	case 1:
		return edges[fz_below(r, sizeof(edges) / sizeof(edges[0]))];
	case 2:
		return fz_below(r, 0x1000);
	default:
		return fz_rand(r);
	}
}

void fz_mutate(struct fz_rng *r, void *p, size_t len)
{
	uint8_t *b = p;
	unsigned int n = 1 + fz_below(r, 3);
	uint64_t v;
	size_t off;

	if (!len)
		return;
	while (n--) {
		off = fz_below(r, len);
		switch (fz_below(r, 3)) {
		case 0:
			b[off] ^= 1 << fz_below(r, 8);
			break;
		case 1:
			b[off] = fz_rand(r);
			break;
		default:
			v = fz_u64(r);
			off &= ~7UL;
			memcpy(b + off, &v, len - off < 8 ? len - off : 8);
			break;
		}
	}
}

static const uint32_t msrs[] = {
	0x10,		/* TSC */
	0x1b,		/* APIC_BASE */
	0x3a,		/* FEATURE_CONTROL */
	0x48, 0x49,	/* SPEC_CTRL, PRED_CMD */
	0x8b,		/* microcode revision */
	0xfe,		/* MTRRCAP */
	0x174, 0x175, 0x176,	/* SYSENTER_CS/ESP/EIP */
	0x1a0,		/* MISC_ENABLE */
	0x1d9,		/* DEBUGCTL */
	0x200, 0x2ff,	/* MTRR physbase 0, def type */
	0x277,		/* PAT */
	0x480, 0x48d,	/* VMX capability MSRs */
	0x6e0,		/* TSC_DEADLINE */
	0x800, 0x830,	/* x2APIC */
	0xda0,		/* XSS */
	0xc0000080,	/* EFER */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR .. SFMASK */
	0xc0000100, 0xc0000101, 0xc0000102,	/* FS, GS, KERNEL_GS base */
	0xc0000103,	/* TSC_AUX */
	0xc0010114, 0xc0010117,	/* VM_CR, VM_HSAVE_PA */
	0xc0011029,	/* DE_CFG */
	0x40000000, 0x4b564d00,	/* hypervisor ranges */
	0xdeadbeef, 0xffffffff,
};

uint32_t fz_msr_index(struct fz_rng *r)
{
	if (fz_chance(r, 85))
		return msrs[fz_below(r, sizeof(msrs) / sizeof(msrs[0]))];
	return fz_rand(r);
}

static const uint64_t gdt32[6] = {
	0,
	0x00cf9b000000ffffULL,	/* SEL_CODE32 */
	0x00cf93000000ffffULL,	/* SEL_DATA */
	0x00af9b000000ffffULL,	/* SEL_CODE64 */
	0x00008b0000000067ULL,	/* SEL_TSS: base 0, limit 0x67, busy */
	0,
};

/* No 32-bit code segment: see the QEMU filter in fuzz_ops.c. */
static const uint64_t gdt64[6] = {
	0,
	0x00af9b000000ffffULL,
	0x00cf93000000ffffULL,
	0x00af9b000000ffffULL,
	0x00008b0000000067ULL,
	0,
};

void fz_write_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + GUEST_PDPT);
	uint64_t *pd = (uint64_t *)(mem + GUEST_PD);
	uint64_t i;

	memcpy(mem + FZ_GDT32, gdt32, sizeof(gdt32));
	memcpy(mem + FZ_GDT64, gdt64, sizeof(gdt64));
	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	pml4[0] = GUEST_PDPT | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (GUEST_PD + i * 0x1000) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;	/* present, writable, 2 MiB */
}

static void seg(struct minivmm_segment *s, uint16_t sel, uint8_t type,
		bool code64, bool real)
{
	memset(s, 0, sizeof(*s));
	s->selector = real ? 0 : sel;
	s->limit = real ? 0xffff : 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = !real;
	s->l = code64;
	s->db = !code64 && !real;
}

void fz_mode_sregs(struct minivmm_sregs *s, enum fz_mode mode)
{
	bool real = mode == FZ_REAL, lm = mode == FZ_LONG64;

	seg(&s->cs, lm ? SEL_CODE64 : SEL_CODE32, 0xb, lm, real);
	seg(&s->ds, SEL_DATA, 0x3, false, real);
	s->es = s->fs = s->gs = s->ss = s->ds;
	memset(&s->tr, 0, sizeof(s->tr));
	s->tr.selector = SEL_TSS;
	s->tr.limit = 0x67;
	s->tr.type = 0xb;
	s->tr.present = 1;
	memset(&s->gdt, 0, sizeof(s->gdt));
	memset(&s->idt, 0, sizeof(s->idt));
	s->gdt.base = lm ? FZ_GDT64 : FZ_GDT32;
	s->gdt.limit = 6 * 8 - 1;
	s->idt.base = real ? 0 : GUEST_IDT;
	s->idt.limit = real ? 0x3ff : lm ? 0xfff : 0x7ff;
	s->cr2 = 0;
	s->cr8 = 0;
	memset(s->interrupt_bitmap, 0, sizeof(s->interrupt_bitmap));
	switch (mode) {
	case FZ_REAL:
		s->cr0 = CR0_ET | CR0_NE;
		s->cr3 = s->cr4 = s->efer = 0;
		break;
	case FZ_PROT32:
		s->cr0 = CR0_PE | CR0_ET | CR0_NE;
		s->cr3 = s->cr4 = s->efer = 0;
		break;
	default:
		s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
		s->cr3 = GUEST_PML4;
		s->cr4 = CR4_PAE;
		s->efer = EFER_LME | EFER_LMA;
		break;
	}
}

/* A small emitter: bytes into a bounded buffer. */
struct emit {
	uint8_t *p;
	size_t len, size;
	enum fz_mode mode;
};

static void b(struct emit *e, uint8_t v)
{
	if (e->len < e->size)
		e->p[e->len++] = v;
}

static void imm32(struct emit *e, uint32_t v)
{
	b(e, v);
	b(e, v >> 8);
	b(e, v >> 16);
	b(e, v >> 24);
}

/* 32-bit operand size in every mode (REX-free: zero-extends in 64-bit). */
static void op32(struct emit *e)
{
	if (e->mode == FZ_REAL)
		b(e, 0x66);
}

/* mov $v, %reg (0 eax, 1 ecx, 2 edx, 3 ebx) */
static void mov_imm(struct emit *e, int reg, uint32_t v)
{
	op32(e);
	b(e, 0xb8 + reg);
	imm32(e, v);
}

/* mov (%eax/%rax), %ebx or mov %ebx, (%eax/%rax) */
static void mem_access(struct emit *e, bool write)
{
	if (e->mode == FZ_REAL)
		b(e, 0x67);
	op32(e);
	b(e, write ? 0x89 : 0x8b);
	b(e, 0x18);
}

static uint32_t mmio_addr(struct fz_rng *r)
{
	switch (fz_below(r, 4)) {
	case 0:
		return GUEST_MMIO + fz_below(r, 0x2000);
	case 1:
		return GUEST_MEM_SIZE + fz_below(r, 8) * 0x200000 + fz_below(r, 16);
	case 2:
		return GUEST_DATA + fz_below(r, 0x1000);
	default:
		return fz_rand(r);
	}
}

/*
 * The QEMU filter (fuzz_ops.c): every 0x0f 0x30 (WRMSR), 0x0f 0x22 (MOV
 * to CR) and 0x0f 0x01 (LMSW, LGDT, VMRUN, ...) in the whole buffer,
 * wherever a jump could land, loses its 0x0f.
 */
static void svm_filter(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == 0x0f &&
		    (p[i + 1] == 0x30 || p[i + 1] == 0x22 || p[i + 1] == 0x01))
			p[i] = 0x90;
}

size_t fz_gen_code(struct fz_rng *r, uint8_t *buf, size_t size,
		   enum fz_mode mode, bool svm)
{
	struct emit e = { .p = buf, .size = size, .mode = mode };
	unsigned int n = 1 + fz_below(r, 8);
	uint32_t idx;

	while (n-- && e.len + 32 < e.size) {
		switch (fz_below(r, 11)) {
		case 0:		/* out/in imm8 of 1 or 4 bytes */
			b(&e, 0xe4 + fz_below(r, 4));
			b(&e, fz_chance(r, 50) ? PORT_REPORT : fz_rand(r));
			break;
		case 1:		/* rep outsb / rep insb through DX */
			mov_imm(&e, 2, fz_rand(r) & 0xffff);
			mov_imm(&e, 1, fz_below(r, 0x2000));
			b(&e, 0xf3);
			b(&e, fz_chance(r, 50) ? 0x6e : 0x6c);
			break;
		case 2:		/* MMIO or RAM read or write */
			mov_imm(&e, 0, mmio_addr(r));
			mov_imm(&e, 3, fz_rand(r));
			mem_access(&e, fz_chance(r, 50));
			break;
		case 3:		/* cpuid */
			mov_imm(&e, 0, fz_chance(r, 70) ? fz_below(r, 0x20) :
				0x80000000 + fz_below(r, 0x20));
			mov_imm(&e, 1, fz_below(r, 4));
			b(&e, 0x0f);
			b(&e, 0xa2);
			break;
		case 4:		/* rdmsr */
			mov_imm(&e, 1, fz_msr_index(r));
			b(&e, 0x0f);
			b(&e, 0x32);
			break;
		case 5:		/* wrmsr (VMX only) */
			if (svm) {
				b(&e, 0xf4);
				break;
			}
			mov_imm(&e, 1, fz_msr_index(r));
			mov_imm(&e, 0, fz_u64(r));
			mov_imm(&e, 2, fz_u64(r));
			b(&e, 0x0f);
			b(&e, 0x30);
			break;
		case 6:
			b(&e, 0xf4);	/* hlt */
			break;
		case 7:		/* mode switch: toggle CR0.PE or PG (VMX only) */
			if (svm) {
				b(&e, 0xf4);
				break;
			}
			b(&e, 0x0f);	/* mov %cr0, %eax */
			b(&e, 0x20);
			b(&e, 0xc0);
			op32(&e);
			b(&e, 0x35);	/* xor $imm32, %eax */
			imm32(&e, fz_chance(r, 50) ? CR0_PE : CR0_PG);
			b(&e, 0x0f);	/* mov %eax, %cr0 */
			b(&e, 0x22);
			b(&e, 0xc0);
			break;
		case 8:		/* a triple fault or an exception, sometimes */
			b(&e, fz_chance(r, 50) ? 0xcc : 0x0f);
			if (e.p[e.len - 1] == 0x0f)
				b(&e, 0x0b);	/* ud2 */
			break;
		default:
			idx = 1 + fz_below(r, 24);
			while (idx--)
				b(&e, fz_rand(r));
			break;
		}
	}
	/* End: halt, spin, or run on into whatever follows. */
	switch (fz_below(r, 4)) {
	case 0:
	case 1:
		b(&e, 0xf4);
		break;
	case 2:
		b(&e, 0xeb);
		b(&e, 0xfe);
		break;
	}
	if (svm)
		svm_filter(e.p, e.len);
	return e.len;
}
