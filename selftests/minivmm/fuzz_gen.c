// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's generators (fuzz_gen.h).  The guest code is emitted as raw
 * bytes for the mode the vCPU is put in; the encodings are from the SDM
 * vol 2 opcode tables (operand- and address-size prefixes 0x66/0x67 turn
 * the 16-bit forms into 32-bit ones in real mode).  The tables follow SDM
 * vol 3A 3.4.5 (descriptors), 4.5 (4-level paging, 2 MiB pages), 6.11 and
 * 6.14.1 (IDT gates) and 20.1.4 (the real-mode IVT); the interrupt
 * controllers' values follow SDM vol 3A chapter 11 (local APIC, MSIs) and
 * the 82093AA datasheet 3.2.4 (redirection entries).
 */
#include <string.h>

#include "fuzz_gen.h"
#include "guest_layout.h"
#include "guests/apic.h"

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
	0x800, 0x802, 0x803, 0x808, 0x80b, 0x80f,	/* x2APIC: ID .. SVR */
	0x830, 0x832, 0x838, 0x839, 0x83e, 0x83f,	/* ICR, timer, SELF IPI */
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

uint8_t fz_vector(struct fz_rng *r)
{
	if (fz_chance(r, 85))
		return 0x20 + fz_below(r, 0xe0);
	return fz_below(r, fz_chance(r, 50) ? 32 : 16);
}

static const uint16_t apic_regs[] = {
	APIC_ID, APIC_VERSION, APIC_TPR, APIC_TPR, APIC_PPR, APIC_EOI, APIC_EOI,
	APIC_LDR, APIC_DFR, APIC_SVR, APIC_SVR, APIC_ISR, APIC_TMR, APIC_IRR,
	APIC_ESR, APIC_LVT_CMCI, APIC_ICR, APIC_ICR, APIC_ICR, APIC_ICR2,
	APIC_LVTT, APIC_LVTT, APIC_LVT_THERMAL, APIC_LVT_PMC, APIC_LVT_LINT0,
	APIC_LVT_LINT1, APIC_LVT_ERROR, APIC_TMICT, APIC_TMICT, APIC_TMCCT,
	APIC_TDCR, APIC_SELF_IPI,
};

uint32_t fz_apic_reg(struct fz_rng *r)
{
	uint32_t reg;

	switch (fz_below(r, 20)) {
	case 0:
		return fz_below(r, 0x40) << 4;		/* any register slot */
	case 1:
		return fz_below(r, 0x1000);		/* unaligned, or past the page */
	default:
		reg = apic_regs[fz_below(r, sizeof(apic_regs) / sizeof(apic_regs[0]))];
		/* ISR, TMR, IRR: one of their 8 registers */
		if (reg == APIC_ISR || reg == APIC_TMR || reg == APIC_IRR)
			reg += fz_below(r, 8) << 4;
		return reg;
	}
}

/* One-shot, periodic, TSC-deadline and the reserved mode (SDM 11.5.4). */
static uint32_t lvt_timer(struct fz_rng *r)
{
	uint32_t v = fz_vector(r) | fz_below(r, 4) << 17;

	if (fz_chance(r, 15))
		v |= APIC_LVT_MASKED;
	if (fz_chance(r, 5))
		v |= fz_rand(r) & 0xfff8e000;	/* reserved bits */
	return v;
}

/* ICR low (SDM 11.6.1): delivery mode, destination mode, level, shorthand. */
static uint32_t icr_low(struct fz_rng *r)
{
	static const uint8_t modes[] = { 0, 0, 0, 1, 4, 4, 2, 5, 6, 7, 3 };
	uint32_t v = fz_vector(r);

	v |= modes[fz_below(r, sizeof(modes))] << 8;
	if (fz_chance(r, 15))
		v |= 1 << 11;			/* logical */
	if (fz_chance(r, 70))
		v |= 1 << 14;			/* assert */
	if (fz_chance(r, 10))
		v |= 1 << 15;			/* level */
	/* Self (1) most often, else none, all, all but self. */
	v |= (fz_chance(r, 50) ? 1 : fz_below(r, 4)) << 18;
	if (fz_chance(r, 3))
		v |= fz_rand(r) & 0xfff32000;	/* reserved, delivery status */
	return v;
}

uint32_t fz_apic_val(struct fz_rng *r, uint32_t reg)
{
	switch (reg) {
	case APIC_SVR:
		if (fz_chance(r, 75))
			return APIC_SVR_ENABLE | (fz_chance(r, 80) ? 0xff : fz_vector(r));
		return fz_chance(r, 50) ? APIC_SVR_RESET : (uint32_t)fz_u64(r);
	case APIC_LVTT:
		return lvt_timer(r);
	case APIC_LVT_CMCI:
	case APIC_LVT_THERMAL:
	case APIC_LVT_PMC:
	case APIC_LVT_LINT0:
	case APIC_LVT_LINT1:
	case APIC_LVT_ERROR:
		return fz_vector(r) | fz_below(r, 8) << 8 |
		       (fz_chance(r, 30) ? APIC_LVT_MASKED : 0) |
		       (fz_chance(r, 20) ? 0xe000 : 0);
	case APIC_TMICT:
		if (fz_chance(r, 60))
			return 1000 + fz_below(r, 2000000);	/* 1 us - 2 ms at 1 GHz */
		return fz_chance(r, 30) ? fz_below(r, 100) : (uint32_t)fz_u64(r);
	case APIC_TDCR:
		return fz_chance(r, 50) ? APIC_TDCR_DIV1 : fz_below(r, 16);
	case APIC_ICR:
		return icr_low(r);
	case APIC_ICR2:
		return (fz_chance(r, 70) ? 0 : fz_chance(r, 50) ? 0xff : fz_below(r, 256)) << 24;
	case APIC_TPR:
		return fz_chance(r, 50) ? 0 : fz_below(r, fz_chance(r, 90) ? 256 : ~0u);
	case APIC_EOI:
		return fz_chance(r, 90) ? 0 : (uint32_t)fz_u64(r);
	case APIC_DFR:
		return fz_chance(r, 50) ? 0xffffffff : 0x0fffffff;
	case APIC_LDR:
	case APIC_ID:
		return fz_below(r, 256) << 24;
	default:
		return fz_u64(r);
	}
}

uint64_t fz_redir(struct fz_rng *r)
{
	uint64_t e = fz_vector(r), dest;

	e |= (uint64_t)(fz_chance(r, 80) ? fz_below(r, 2) : fz_below(r, 8)) << 8;
	if (fz_chance(r, 15))
		e |= 1 << 11;			/* logical destination */
	if (fz_chance(r, 20))
		e |= 1 << 13;			/* polarity: low */
	if (fz_chance(r, 40))
		e |= IOAPIC_LEVEL;
	if (fz_chance(r, 25))
		e |= IOAPIC_MASKED;
	dest = fz_chance(r, 75) ? 0 : fz_chance(r, 50) ? 0xff : fz_below(r, 256);
	return e | dest << 56;
}

uint32_t fz_msi_addr(struct fz_rng *r)
{
	uint32_t a = APIC_BASE;

	if (fz_chance(r, 8))
		return fz_chance(r, 50) ? IOAPIC_BASE : (uint32_t)fz_u64(r);
	if (fz_chance(r, 25))
		a |= (fz_chance(r, 50) ? 0xff : fz_below(r, 256)) << 12;
	if (fz_chance(r, 15))
		a |= 1 << 2;			/* logical destination */
	if (fz_chance(r, 10))
		a |= 1 << 3;			/* redirection hint */
	return a;
}

uint32_t fz_msi_data(struct fz_rng *r)
{
	/* Fixed, lowest, NMI mostly; SMI, INIT, ExtINT; the reserved 3 and 6. */
	static const uint8_t modes[] = { 0, 0, 0, 0, 1, 4, 4, 2, 5, 7, 3, 6 };
	uint32_t d = fz_vector(r) | modes[fz_below(r, sizeof(modes))] << 8;

	if (fz_chance(r, 50))
		d |= 1 << 14;			/* assert */
	if (fz_chance(r, 10))
		d |= 1 << 15;			/* level */
	if (fz_chance(r, 5))
		d |= fz_rand(r) & 0xffff3800;	/* reserved */
	return d;
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

/*
 * The interrupt handlers: EOI to the xAPIC, then IRET.  An EOI with no
 * vector in service does nothing (SDM 11.8.5), so NMIs share them.  Real
 * mode cannot reach the APIC within its 64 KiB segments: IRET only.
 * Exceptions (0-31 but NMI) get no gate, so that a faulting guest still
 * ends in a triple fault and a SHUTDOWN exit, not in a fault loop.
 */
static const uint8_t handler64[] = {
	0x50,				/* push %rax */
	0xb8, 0xb0, 0x00, 0xe0, 0xfe,	/* mov $APIC_BASE + APIC_EOI, %eax */
	0xc7, 0x00, 0, 0, 0, 0,		/* movl $0, (%rax) */
	0x58,				/* pop %rax */
	0x48, 0xcf,			/* iretq */
};
static const uint8_t handler32[] = {
	0x50, 0xb8, 0xb0, 0x00, 0xe0, 0xfe, 0xc7, 0x00, 0, 0, 0, 0, 0x58,
	0xcf,				/* iretd */
};
#define HANDLER32	(FZ_HANDLERS + 0x20)
#define HANDLER16	(FZ_HANDLERS + 0x40)	/* iret */

static bool has_gate(unsigned int v)
{
	return v >= 32 || v == 2;
}

static void write_idts(uint8_t *mem)
{
	uint64_t *idt64 = (uint64_t *)(mem + FZ_IDT64);
	uint64_t *idt32 = (uint64_t *)(mem + FZ_IDT32);
	uint32_t *ivt = (uint32_t *)mem;
	unsigned int v;

	memset(idt64, 0, 256 * 16);
	memset(idt32, 0, 256 * 8);
	memset(ivt, 0, 256 * 4);
	memcpy(mem + FZ_HANDLERS, handler64, sizeof(handler64));
	memcpy(mem + HANDLER32, handler32, sizeof(handler32));
	mem[HANDLER16] = 0xcf;
	for (v = 0; v < 256; v++) {
		if (!has_gate(v))
			continue;
		/* Present, DPL 0, interrupt gate; offset 15:0, selector, 31:16. */
		idt64[2 * v] = (FZ_HANDLERS & 0xffff) | (uint64_t)SEL_CODE64 << 16 |
			       0x8eULL << 40 | (uint64_t)(FZ_HANDLERS >> 16) << 48;
		idt32[v] = (HANDLER32 & 0xffff) | (uint64_t)SEL_CODE32 << 16 |
			   0x8eULL << 40 | (uint64_t)(HANDLER32 >> 16) << 48;
		ivt[v] = HANDLER16;		/* segment 0, offset */
	}
}

void fz_write_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + GUEST_PDPT);
	uint64_t *pd = (uint64_t *)(mem + GUEST_PD);
	uint64_t i;

	write_idts(mem);

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
	s->idt.base = real ? 0 : lm ? FZ_IDT64 : FZ_IDT32;
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
#define KEEP_MAX	16

struct emit {
	uint8_t *p;
	size_t len, size;
	enum fz_mode mode;
	/* WRMSRs the SVM filter leaves: the APIC's, by their offsets. */
	size_t keep[KEEP_MAX];
	unsigned int nkeep;
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
		if (fz_chance(r, 50))
			return FZ_MMIO_HOT(fz_below(r, 16));
		return GUEST_MMIO + fz_below(r, 0x2000);
	case 1:
		return GUEST_MEM_SIZE + fz_below(r, 8) * 0x200000 + fz_below(r, 16);
	case 2:
		return GUEST_DATA + fz_below(r, 0x1000);
	default:
		return fz_rand(r);
	}
}

/* A local APIC register, read or written through the xAPIC page. */
static void apic_mmio(struct emit *e, struct fz_rng *r)
{
	uint32_t reg = fz_apic_reg(r);

	mov_imm(e, 0, APIC_BASE + reg);
	mov_imm(e, 3, fz_apic_val(r, reg & 0x3f0));
	mem_access(e, fz_chance(r, 75));
}

/* IOREGSEL, then IOWIN: a redirection entry half mostly. */
static void ioapic_mmio(struct emit *e, struct fz_rng *r)
{
	uint32_t idx, val;

	if (fz_chance(r, 85))
		idx = IOAPIC_REDIR_LO(fz_below(r, 26)) + fz_below(r, 2);
	else
		idx = fz_chance(r, 50) ? fz_below(r, 4) : fz_below(r, 256);
	val = idx & 1 ? fz_redir(r) >> 32 : (uint32_t)fz_redir(r);
	mov_imm(e, 0, IOAPIC_BASE + IOAPIC_REGSEL);
	mov_imm(e, 3, idx);
	mem_access(e, true);
	mov_imm(e, 0, IOAPIC_BASE + IOAPIC_WIN + (fz_chance(r, 95) ? 0 : fz_below(r, 0x40)));
	if (fz_chance(r, 75))
		mov_imm(e, 3, val);
	mem_access(e, fz_chance(r, 75));
}

/*
 * A WRMSR the SVM filter keeps: ECX is loaded just before it, with an
 * APIC MSR, and no generated code ever loads ECX with EFER on SVM (the
 * RDMSR snippet skips it), so only a jump straight onto these two bytes
 * with ECX = EFER left by a mutated SET_REGS could reach the state the
 * filter keeps out.
 */
static void wrmsr_kept(struct emit *e)
{
	if (e->nkeep < KEEP_MAX && e->len + 2 <= e->size)
		e->keep[e->nkeep++] = e->len;
	b(e, 0x0f);
	b(e, 0x30);
}

/*
 * The APIC through its MSRs: x2APIC registers (SDM 11.12.1.2),
 * IA32_APIC_BASE (11.4.4: disable, xAPIC, x2APIC, move) and
 * IA32_TSC_DEADLINE (11.5.4.1), this one often a little after now.
 */
static void apic_wrmsr(struct emit *e, struct fz_rng *r)
{
	static const uint32_t bases[] = {
		APIC_BASE_RESET, APIC_BASE_RESET | APIC_BASE_EXTD, 0,
		APIC_BASE | APIC_BASE_EN, APIC_BASE_EXTD | APIC_BASE_EN,
		APIC_BASE_RESET | APIC_BASE_EXTD | 0x1000, GUEST_MMIO | APIC_BASE_EN,
	};
	uint32_t msr, reg, lo, hi = 0;

	switch (fz_below(r, 10)) {
	case 0:
	case 1:
		msr = MSR_APIC_BASE;
		lo = fz_chance(r, 90) ? bases[fz_below(r, sizeof(bases) / sizeof(bases[0]))] :
		     (uint32_t)fz_u64(r);
		break;
	case 2:
		/* rdtsc; add $delta, %eax; adc $0, %edx: the deadline. */
		b(e, 0x0f);
		b(e, 0x31);
		op32(e);
		b(e, 0x05);
		imm32(e, fz_below(r, fz_chance(r, 80) ? 1 << 20 : ~0u));
		op32(e);
		b(e, 0x83);
		b(e, 0xd2);
		b(e, 0x00);
		mov_imm(e, 1, MSR_TSC_DEADLINE);
		wrmsr_kept(e);
		return;
	case 3:
		msr = MSR_TSC_DEADLINE;
		lo = fz_u64(r);
		hi = fz_chance(r, 80) ? 0 : fz_rand(r);
		break;
	case 4:
		msr = 0x800 + fz_below(r, 0x100);
		lo = fz_u64(r);
		break;
	default:
		reg = fz_apic_reg(r) & 0x3f0;
		msr = MSR_X2APIC(reg);
		lo = fz_apic_val(r, reg);
		if (reg == APIC_ICR)		/* x2APIC: a 32-bit destination */
			hi = fz_chance(r, 70) ? 0 : fz_chance(r, 50) ? ~0u : fz_rand(r);
		break;
	}
	mov_imm(e, 1, msr);
	mov_imm(e, 0, lo);
	mov_imm(e, 2, hi);
	wrmsr_kept(e);
}

/*
 * The QEMU filter (fuzz_ops.c): every 0x0f 0x30 (WRMSR), 0x0f 0x22 (MOV
 * to CR) and 0x0f 0x01 (LMSW, LGDT, VMRUN, ...) in the whole buffer,
 * wherever a jump could land, loses its 0x0f; but for the APIC's WRMSRs
 * (wrmsr_kept()).
 */
static void svm_filter(struct emit *e)
{
	uint8_t *p = e->p;
	unsigned int k;
	size_t i;

	for (i = 0; i + 1 < e->len; i++) {
		if (p[i] != 0x0f ||
		    (p[i + 1] != 0x30 && p[i + 1] != 0x22 && p[i + 1] != 0x01))
			continue;
		for (k = 0; k < e->nkeep && e->keep[k] != i; k++)
			;
		if (k == e->nkeep || p[i + 1] != 0x30)
			p[i] = 0x90;
	}
}

size_t fz_gen_code(struct fz_rng *r, uint8_t *buf, size_t size,
		   enum fz_mode mode, bool svm)
{
	struct emit e = { .p = buf, .size = size, .mode = mode };
	unsigned int n = 1 + fz_below(r, 8);
	uint32_t idx;

	while (n-- && e.len + 40 < e.size) {
		switch (fz_below(r, 15)) {
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
		case 4:		/* rdmsr (not of EFER on SVM: see wrmsr_kept()) */
			idx = fz_msr_index(r);
			mov_imm(&e, 1, svm && idx == 0xc0000080 ? MSR_APIC_BASE : idx);
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
		case 9:
			apic_mmio(&e, r);
			break;
		case 10:
			ioapic_mmio(&e, r);
			break;
		case 11:
			apic_wrmsr(&e, r);
			break;
		case 12:	/* sti, cli, sti; hlt (sleep until an interrupt) */
			idx = fz_below(r, 4);
			b(&e, idx == 1 ? 0xfa : 0xfb);
			if (idx >= 2)
				b(&e, idx == 2 ? 0xf4 : 0x90);
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
		svm_filter(&e);
	return e.len;
}
