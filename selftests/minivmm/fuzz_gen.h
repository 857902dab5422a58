/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's generators (fuzz_gen.c): the random number generator, the
 * edge values, values for the interrupt controllers' registers, the guest
 * code generator and the mode templates.
 */
#ifndef MINIVMM_FUZZ_GEN_H
#define MINIVMM_FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/minivmm.h>

#include "guest_layout.h"

/* xorshift64*, seeded through splitmix64: never zero, cheap, replayable. */
struct fz_rng {
	uint64_t s;
};

static inline void fz_seed(struct fz_rng *r, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	r->s = (z ^ (z >> 31)) | 1;
}

static inline uint64_t fz_rand(struct fz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return n ? (uint32_t)((fz_rand(r) >> 32) % n) : 0;
}

/* True @pct times in 100. */
static inline bool fz_chance(struct fz_rng *r, unsigned int pct)
{
	return fz_below(r, 100) < pct;
}

/* Edge values: boundaries of every width, canonical-address edges. */
uint64_t fz_u64(struct fz_rng *r);

/* Flips a bit, or writes an edge value, at 1-3 random places of @p. */
void fz_mutate(struct fz_rng *r, void *p, size_t len);

/* An MSR index: the interesting ones mostly, random ones sometimes. */
uint32_t fz_msr_index(struct fz_rng *r);

/* An interrupt vector: mostly 32-255, sometimes one of the reserved 0-31. */
uint8_t fz_vector(struct fz_rng *r);

/* A local APIC register offset (xAPIC page), mostly a real register. */
uint32_t fz_apic_reg(struct fz_rng *r);

/* A value for APIC register @reg: mostly what a guest would write there. */
uint32_t fz_apic_val(struct fz_rng *r, uint32_t reg);

/* An I/O APIC redirection entry, without remote IRR and reserved bits. */
uint64_t fz_redir(struct fz_rng *r);

/* An MSI address and data, mostly valid (SDM Vol. 3A 11.11). */
uint32_t fz_msi_addr(struct fz_rng *r);
uint32_t fz_msi_data(struct fz_rng *r);

/* Where a guest's MMIO goes most often: ioeventfds aim there. */
#define FZ_MMIO_HOT(i)	(GUEST_MMIO + 4 * (i))	/* i below 16 */

enum fz_mode {
	FZ_REAL,
	FZ_PROT32,
	FZ_LONG64,
	FZ_MODE_NR
};

#define FZ_GDT32	0x1000	/* GUEST_GDT: null, code32, data, code64, TSS */
#define FZ_GDT64	0x1800	/* long mode: null, code64, data, code64, TSS */
#define FZ_IDT32	0x2000	/* GUEST_IDT: 256 protected-mode gates */
#define FZ_IDT64	0x3000	/* 256 long-mode gates */
#define FZ_HANDLERS	0x5000	/* the interrupt handlers the gates name */

/*
 * The GDTs, the long-mode page tables, and the IDTs (and the real-mode
 * IVT at 0), in guest memory at GPA 0.
 */
void fz_write_tables(uint8_t *mem);

/* The special registers of @mode (the rest of @s is kept). */
void fz_mode_sregs(struct minivmm_sregs *s, enum fz_mode mode);

/*
 * Up to @size bytes of guest code for @mode at @buf: structured snippets
 * (port I/O, MMIO, CPUID, RDMSR/WRMSR, HLT, mode switches) and random
 * bytes, filtered on SVM (fuzz_ops.c says why).  Returns the length.
 */
size_t fz_gen_code(struct fz_rng *r, uint8_t *buf, size_t size,
		   enum fz_mode mode, bool svm);

#endif /* MINIVMM_FUZZ_GEN_H */
