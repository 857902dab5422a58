// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of a CPUID table, as pure functions of the tables they are
 * handed (cpuid.c holds the tables themselves and the CPUID exit; KUnit,
 * tests/cpuid_kunit.c, drives these without a vCPU).
 *
 * Each register userspace passes in MINIVMM_SET_CPUID2 is combined with
 * the supported value by a rule that depends on what the register means:
 * feature flags are ANDed, a highest-leaf number is capped, sizes the
 * hardware fixes are taken from the host, and plain information (vendor,
 * family, brand, cache descriptions) is taken as given, because nothing
 * in minivmm acts on it.
 *
 * Feature flags are offered by allow-list: a bit new hardware defines
 * reaches a guest only after someone has checked that minivmm handles it.
 * Documentation/msrs.rst lists every leaf and the reason for each bit
 * that is held back.
 *
 * A few answers are minivmm's own rather than the host's: the local APIC
 * bits (the in-kernel APIC emulates them whatever the host's APIC is;
 * each guest sees them only with an irqchip) and the time leaves 0x15,
 * 0x16 and 0x40000010, which tell a guest the rates of its TSC and of its
 * APIC timer so that it need not calibrate them against another clock.
 */
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <asm/processor-flags.h>

#include <linux/minivmm.h>

#include "cpuid.h"
#include "irq.h"
#include "kunit_compat.h"

/*
 * Leaf 0x40000000 EBX, ECX, EDX: the hypervisor signature, "minivmm" and
 * five NULs, so a guest can compare it as a C string.
 */
#define MVM_HV_SIG_EBX	0x696e696d	/* "mini" */
#define MVM_HV_SIG_ECX	0x006d6d76	/* "vmm\0" */
#define MVM_HV_SIG_EDX	0x00000000

/* The legacy region plus the XSAVE header (SDM Vol. 1 13.4). */
#define MVM_XSAVE_LEGACY_SIZE	576

/*
 * Feature flags offered, by leaf and register (SDM Vol. 2A, CPUID; AMD
 * APM Vol. 3, Appendix E).  Bits that need AVX or AVX-512 state are
 * listed apart and only offered when that state is (mvm_cpuid_mask()).
 */
#define L1_ECX	(BIT(0)  /* SSE3 */ | BIT(1) /* PCLMULQDQ */ |		\
		 BIT(9)  /* SSSE3 */ | BIT(13) /* CMPXCHG16B */ |	\
		 BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ |		\
		 BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ |		\
		 BIT(25) /* AES */ | BIT(30) /* RDRAND */)
#define L1_ECX_OSXSAVE	BIT(27)
#define L1_ECX_AVX	(BIT(12) /* FMA */ | BIT(28) /* AVX */ | BIT(29) /* F16C */)
#define L1_ECX_HV	BIT(31)
/*
 * Emulated by the in-kernel local APIC (lapic.c, timer.c), so offered
 * whatever the host has; mvm_cpuid_fixup() clears them for a vCPU without
 * one, and APIC while IA32_APIC_BASE disables it.
 */
#define L1_ECX_APIC	(BIT(21) /* x2APIC */ | BIT(24) /* TSC-deadline */)
#define L1_EDX_APIC	BIT(9)	/* APIC */
/*
 * Leaf 6 EAX bit 2, ARAT: the APIC timer runs in every C-state.  The
 * in-kernel timer is a host hrtimer that never stops, so this is minivmm's
 * to say, whatever the host CPU has (KVM says it too).  Linux needs it to
 * trust the LAPIC timer without a PIT (apic_needs_pit(),
 * arch/x86/kernel/apic/apic.c); the rest of leaf 6 (thermal and power
 * management) is not offered.
 */
#define L6_EAX_ARAT	BIT(2)

#define L1_EDX	(BIT(0)  /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ |	\
		 BIT(3)  /* PSE */ | BIT(4) /* TSC */ | BIT(5) /* MSR */ |	\
		 BIT(6)  /* PAE */ | BIT(8) /* CX8 */ | BIT(11) /* SEP */ |	\
		 BIT(12) /* MTRR */ | BIT(13) /* PGE */ | BIT(15) /* CMOV */ |	\
		 BIT(16) /* PAT */ | BIT(17) /* PSE-36 */ |			\
		 BIT(19) /* CLFSH */ | BIT(23) /* MMX */ | BIT(24) /* FXSR */ | \
		 BIT(25) /* SSE */ | BIT(26) /* SSE2 */ | BIT(27) /* SS */ |	\
		 BIT(28) /* HTT */)

#define L7_EBX	(BIT(0)  /* FSGSBASE */ | BIT(3) /* BMI1 */ | BIT(4) /* HLE */ | \
		 BIT(6)  /* FDP_EXCPTN_ONLY */ | BIT(7) /* SMEP */ |		\
		 BIT(8)  /* BMI2 */ | BIT(9) /* ERMS */ | BIT(11) /* RTM */ |	\
		 BIT(13) /* FCS/FDS deprecated */ | BIT(18) /* RDSEED */ |	\
		 BIT(19) /* ADX */ | BIT(20) /* SMAP */ |			\
		 BIT(23) /* CLFLUSHOPT */ | BIT(24) /* CLWB */ | BIT(29) /* SHA */)
#define L7_EBX_AVX	BIT(5)	/* AVX2 */
#define L7_EBX_AVX512	(BIT(16) /* F */ | BIT(17) /* DQ */ | BIT(21) /* IFMA */ | \
			 BIT(26) /* PF */ | BIT(27) /* ER */ | BIT(28) /* CD */ | \
			 BIT(30) /* BW */ | BIT(31) /* VL */)
#define L7_ECX	(BIT(2)  /* UMIP */ | BIT(8) /* GFNI */ |			\
		 BIT(25) /* CLDEMOTE */ | BIT(27) /* MOVDIRI */ |		\
		 BIT(28) /* MOVDIR64B */)
#define L7_ECX_AVX	(BIT(9) /* VAES */ | BIT(10) /* VPCLMULQDQ */)
#define L7_ECX_AVX512	(BIT(1) /* VBMI */ | BIT(6) /* VBMI2 */ |		\
			 BIT(11) /* VNNI */ | BIT(12) /* BITALG */ |		\
			 BIT(14) /* VPOPCNTDQ */)
#define L7_EDX	(BIT(4)  /* FSRM */ | BIT(10) /* MD_CLEAR */ |			\
		 BIT(11) /* RTM_ALWAYS_ABORT */ | BIT(14) /* SERIALIZE */ |	\
		 BIT(16) /* TSXLDTRK */)
#define L7_EDX_AVX512	(BIT(2) /* 4VNNIW */ | BIT(3) /* 4FMAPS */ |		\
			 BIT(8) /* VP2INTERSECT */ | BIT(23) /* FP16 */)
#define L7_1_EAX	(BIT(10) /* fast zero-length MOVSB */ |			\
			 BIT(11) /* fast short STOSB */ |			\
			 BIT(12) /* fast short CMPSB/SCASB */)
#define L7_1_EAX_AVX	BIT(4)	/* AVX-VNNI */
#define L7_1_EAX_AVX512	BIT(5)	/* AVX512_BF16 */

#define LD_1_EAX	(BIT(0) /* XSAVEOPT */ | BIT(1) /* XSAVEC */ |		\
			 BIT(2) /* XGETBV with ECX = 1 */)

#define LX1_ECX	(BIT(0)  /* LAHF/SAHF */ | BIT(5) /* LZCNT */ |		\
		 BIT(6)  /* SSE4A */ | BIT(7) /* misaligned SSE */ |		\
		 BIT(8)  /* PREFETCHW */ | BIT(21) /* TBM */)
#define LX1_ECX_AVX	(BIT(11) /* XOP */ | BIT(16) /* FMA4 */)
/*
 * AMD repeats leaf 1 EDX here; the same bits are held back.  Its APIC bit
 * (reserved on Intel, so kept only if the host has it) follows leaf 1's.
 */
#define LX1_EDX_APIC	BIT(9)
#define LX1_EDX	((L1_EDX & ~(BIT(11) | BIT(19) | BIT(25) | BIT(26) |	\
			     BIT(27) | BIT(28))) | LX1_EDX_APIC |		\
		 BIT(11) /* SYSCALL */ | BIT(20) /* NX */ |			\
		 BIT(22) /* MMXEXT */ | BIT(26) /* 1 GiB pages */ |		\
		 BIT(29) /* LM */ | BIT(30) /* 3DNOWEXT */ | BIT(31) /* 3DNOW */)
#define LX7_EDX	BIT(8)	/* invariant TSC */
#define LX8_EBX	(BIT(0) /* CLZERO */ | BIT(2) /* XSAVE saves FIP/FDP always */)

/* How a register of a SET_CPUID2 entry combines with the supported one. */
enum mvm_cpuid_rule {
	MVM_ZERO,	/* not offered: reads 0 */
	MVM_AND,	/* feature flags: userspace's, within the supported */
	MVM_MIN,	/* a highest leaf: userspace's, at most the supported */
	MVM_BYTES_MIN,	/* four byte-sized limits, each capped the same way */
	MVM_USER,	/* information minivmm does not act on: userspace's */
	MVM_HOST,	/* sizes, offsets, clock rates: the supported */
};

#define ANY_INDEX	(~0u)

static const struct mvm_cpuid_leaf_rule {
	u32 function;
	u32 index;		/* ANY_INDEX: every subleaf */
	u8 rule[4];		/* EAX, EBX, ECX, EDX */
} mvm_cpuid_rules[] = {
	{ 0x0, ANY_INDEX, { MVM_MIN, MVM_USER, MVM_USER, MVM_USER } },
	/* EBX[31:24] (the APIC id) is replaced on each CPUID. */
	{ 0x1, ANY_INDEX, { MVM_USER, MVM_USER, MVM_AND, MVM_AND } },
	{ 0x2, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x4, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x6, ANY_INDEX, { MVM_AND, MVM_ZERO, MVM_ZERO, MVM_ZERO } },
	{ 0x7, 0, { MVM_MIN, MVM_AND, MVM_AND, MVM_AND } },
	{ 0x7, ANY_INDEX, { MVM_AND, MVM_AND, MVM_AND, MVM_AND } },
	/* EDX (the x2APIC id) is replaced on each CPUID. */
	{ 0xb, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	/* 0xd.0 ECX is recomputed from EAX/EDX; EBX follows XCR0. */
	{ 0xd, 0, { MVM_AND, MVM_HOST, MVM_HOST, MVM_AND } },
	{ 0xd, 1, { MVM_AND, MVM_HOST, MVM_AND, MVM_AND } },
	{ 0xd, ANY_INDEX, { MVM_HOST, MVM_HOST, MVM_HOST, MVM_HOST } },
	/*
	 * The rates the guest's TSC and APIC timer really count at: userspace
	 * may leave the leaves out (they read 0) but not change them.
	 */
	{ 0x15, ANY_INDEX, { MVM_HOST, MVM_HOST, MVM_HOST, MVM_HOST } },
	{ 0x16, ANY_INDEX, { MVM_HOST, MVM_HOST, MVM_HOST, MVM_HOST } },
	{ 0x40000000, ANY_INDEX, { MVM_MIN, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x40000001, ANY_INDEX, { MVM_AND, MVM_AND, MVM_AND, MVM_AND } },
	{ 0x40000010, ANY_INDEX, { MVM_HOST, MVM_HOST, MVM_HOST, MVM_HOST } },
	{ 0x80000000, ANY_INDEX, { MVM_MIN, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x80000001, ANY_INDEX, { MVM_USER, MVM_USER, MVM_AND, MVM_AND } },
	{ 0x80000002, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x80000003, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x80000004, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x80000005, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x80000006, ANY_INDEX, { MVM_USER, MVM_USER, MVM_USER, MVM_USER } },
	{ 0x80000007, ANY_INDEX, { MVM_AND, MVM_AND, MVM_AND, MVM_AND } },
	{ 0x80000008, ANY_INDEX, { MVM_BYTES_MIN, MVM_AND, MVM_USER, MVM_AND } },
};

static u32 *mvm_reg(struct minivmm_cpuid_entry2 *e, int i)
{
	u32 *r[] = { &e->eax, &e->ebx, &e->ecx, &e->edx };

	return r[i];
}

static u32 mvm_reg_val(const struct minivmm_cpuid_entry2 *e, int i)
{
	const u32 r[] = { e->eax, e->ebx, e->ecx, e->edx };

	return r[i];
}

/*
 * Clear what minivmm does not offer from a host leaf, in place.  @xcr0 is
 * the XCR0 mask offered (mvm_supported_xcr0(), 0 without XSAVE); XSAVE,
 * AVX and AVX-512 flags go with their state.  Leaves minivmm does not
 * offer at all become zero, and so do the host's time leaves (0x15,
 * 0x16, 0x4000xxxx): minivmm's own replace them (mvm_cpuid_time()).
 */
void mvm_cpuid_mask(struct minivmm_cpuid_entry2 *e, u64 xcr0)
{
	bool xsave = xcr0 != 0;
	bool avx = xcr0 & XFEATURE_MASK_YMM;
	bool avx512 = (xcr0 & XFEATURE_MASK_AVX512) == XFEATURE_MASK_AVX512;
	u32 m[4] = {};		/* flags kept, EAX..EDX; ~0 keeps a register */
	int i;

	switch (e->function) {
	case 0x0:
		e->eax = MVM_CPUID_MAX_BASIC;
		return;
	case 0x1:
		/* The APIC id is per vCPU, set on each CPUID. */
		e->ebx &= ~GENMASK(31, 24);
		m[0] = m[1] = ~0u;
		m[2] = L1_ECX | (xsave ? L1_ECX_XSAVE : 0) |
		       (avx ? L1_ECX_AVX : 0);
		m[3] = L1_EDX;
		break;
	case 0x2:
	case 0x4:
		return;
	case 0x6:
		e->eax = L6_EAX_ARAT;
		e->ebx = e->ecx = e->edx = 0;
		return;
	case 0xb:
		e->edx = 0;	/* the x2APIC id: per vCPU */
		return;
	case 0x7:
		if (e->index == 0) {
			e->eax = min_t(u32, e->eax, 1);
			m[0] = ~0u;
			m[1] = L7_EBX | (avx ? L7_EBX_AVX : 0) |
			       (avx512 ? L7_EBX_AVX512 : 0);
			m[2] = L7_ECX | (avx ? L7_ECX_AVX : 0) |
			       (avx512 ? L7_ECX_AVX512 : 0);
			m[3] = L7_EDX | (avx512 ? L7_EDX_AVX512 : 0);
		} else if (e->index == 1) {
			m[0] = L7_1_EAX | (avx ? L7_1_EAX_AVX : 0) |
			       (avx512 ? L7_1_EAX_AVX512 : 0);
		}
		break;
	case 0xd:
		if (e->index == 0) {
			e->eax &= lower_32_bits(xcr0);
			e->edx &= upper_32_bits(xcr0);
			/* Sizes: mvm_cpuid_filter(), mvm_cpuid_fixup(). */
			e->ebx = 0;
			e->ecx = 0;
			return;
		}
		if (e->index == 1) {
			/* No XSAVES: no IA32_XSS, no size for it. */
			m[0] = LD_1_EAX;
			break;
		}
		if (e->index < 64 && (xcr0 & BIT_ULL(e->index)))
			return;		/* a component's size and offset */
		break;
	case MVM_CPUID_HV_BASE:
		e->eax = MVM_CPUID_HV_MAX;
		e->ebx = MVM_HV_SIG_EBX;
		e->ecx = MVM_HV_SIG_ECX;
		e->edx = MVM_HV_SIG_EDX;
		return;
	case 0x80000000:
		e->eax = min_t(u32, e->eax, MVM_CPUID_MAX_EXT);
		return;
	case 0x80000001:
		m[0] = m[1] = ~0u;
		m[2] = LX1_ECX | (avx ? LX1_ECX_AVX : 0);
		m[3] = LX1_EDX;
		break;
	case 0x80000002 ... 0x80000006:
		return;
	case 0x80000007:
		m[3] = LX7_EDX;
		break;
	case 0x80000008:
		/* Physical and linear address bits; no guest-physical
		 * override (byte 2, meant for nested paging guests). */
		e->eax &= GENMASK(15, 0);
		m[0] = ~0u;
		m[1] = LX8_EBX;
		m[2] = ~0u;
		break;
	default:
		break;
	}
	for (i = 0; i < 4; i++)
		*mvm_reg(e, i) &= m[i];
	if (e->function == 0x1) {
		e->ecx |= L1_ECX_HV | L1_ECX_APIC;
		e->edx |= L1_EDX_APIC;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_mask);

/* |p/q - k/d| scaled by q*d: how far p/q is from k/d, for comparisons. */
static u64 mvm_ratio_err(u64 p, u64 q, u64 k, u64 d)
{
	u64 a = p * d, b = k * q;

	return a > b ? a - b : b - a;
}

/*
 * Leaf 0x15's TSC/crystal ratio, numerator @num (EBX) over denominator
 * @den (EAX), for a TSC of @khz kHz and a crystal of MVM_APIC_BUS_HZ: the
 * fraction closest to the exact ratio @khz * 1000 / MVM_APIC_BUS_HZ whose
 * numerator is at most @max_num.
 *
 * The limit is the guest's, not the SDM's: Linux (native_calibrate_tsc())
 * computes crystal kHz * EBX / EAX in 32 bits, so with a 1 GHz crystal
 * (10^6 kHz) any EBX above 4294 overflows and the guest believes in a
 * wildly wrong TSC rate.  The exact ratio, reduced, fits whenever the
 * TSC's kHz share enough factors with 10^6 (2.1 GHz is 21/10); otherwise
 * the nearest fraction is at most half a step of 1/4294 of the ratio away
 * (about 120 ppm at worst, next to a ratio of small integers; below 1 ppm
 * for nine TSC rates in ten).
 *
 * It walks the continued fraction of the ratio.  When the next convergent's
 * numerator would exceed the limit, the two fractions with a numerator
 * within it that enclose the ratio are the last convergent and the
 * largest intermediate fraction before the next one (adjacent in the
 * Stern-Brocot sense, so nothing with a small enough numerator lies
 * between them); the closer of the two wins.  An exact ratio ends the walk.
 * The two are compared by cross-multiplying with mvm_ratio_err(); for
 * fractions that close to the ratio every product stays below 10^12.
 */
static void mvm_tsc_ratio(u32 khz, u32 max_num, u32 *num, u32 *den)
{
	const u64 d0 = MVM_APIC_BUS_HZ / 1000;
	u64 p0 = 0, q0 = 1, p1 = 1, q1 = 0;	/* convergents n-2 and n-1 */
	u64 n = khz, d = d0, a, m, p, q, t;

	while (d) {
		a = n / d;
		if (p0 + a * p1 > max_num) {
			/* The largest intermediate fraction within the limit. */
			m = (max_num - p0) / p1;
			p = p0 + m * p1;
			q = q0 + m * q1;
			if (!q1 || mvm_ratio_err(p, q, khz, d0) * q1 <
				   mvm_ratio_err(p1, q1, khz, d0) * q) {
				p1 = p;
				q1 = q;
			}
			break;
		}
		t = p0 + a * p1;
		p0 = p1;
		p1 = t;
		t = q0 + a * q1;
		q0 = q1;
		q1 = t;
		t = n - a * d;
		n = d;
		d = t;
	}
	*num = p1;
	*den = q1;
}

/*
 * minivmm's time leaves for a TSC of @khz kHz, the rate of the host's TSC,
 * at which the guest's TSC counts too (minivmm offsets it and never
 * scales it).  @e->function selects the leaf; others are left alone.
 * With @khz 0 (the host kernel does not know its TSC's rate) all three
 * read 0, and a guest calibrates as it would on hardware without them.
 *
 * 0x15 (SDM Vol. 2A, CPUID, "Time Stamp Counter and Nominal Core Crystal
 * Clock Information Leaf"): EAX/EBX the ratio TSC/crystal
 * (mvm_tsc_ratio()), ECX the crystal in Hz.  The crystal is the APIC
 * timer's clock, MVM_APIC_BUS_HZ: a Linux guest sets its APIC timer
 * period from this ECX.
 *
 * 0x16 ("Processor Frequency Information Leaf"): EAX base and EBX maximum
 * frequency, both the TSC's, and ECX the bus (reference) frequency, in
 * MHz, bits 15:0 each.
 *
 * 0x40000010, the timing leaf several hypervisors define: EAX the TSC and
 * EBX the APIC bus in kHz, exact, for guests that look for it.
 */
void mvm_cpuid_time(struct minivmm_cpuid_entry2 *e, u32 khz)
{
	const u32 bus_khz = MVM_APIC_BUS_HZ / 1000;
	u32 num, den;

	/* ECX holds the crystal in Hz; Linux divides it to whole kHz. */
	BUILD_BUG_ON(upper_32_bits(MVM_APIC_BUS_HZ) || MVM_APIC_BUS_HZ % 1000);

	switch (e->function) {
	case MVM_CPUID_TSC:
	case MVM_CPUID_FREQ:
	case MVM_CPUID_HV_TIMING:
		e->eax = 0;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	default:
		return;
	}
	if (!khz)
		return;

	switch (e->function) {
	case MVM_CPUID_TSC:
		mvm_tsc_ratio(khz, U32_MAX / bus_khz, &num, &den);
		e->eax = den;
		e->ebx = num;
		e->ecx = MVM_APIC_BUS_HZ;
		break;
	case MVM_CPUID_FREQ:
		e->eax = min_t(u32, khz / 1000, 0xffff);
		e->ebx = e->eax;
		e->ecx = min_t(u32, bus_khz / 1000, 0xffff);
		break;
	case MVM_CPUID_HV_TIMING:
		e->eax = khz;
		e->ebx = bus_khz;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_time);

/* The exact entry for @function/@index, or NULL. */
const struct minivmm_cpuid_entry2 *
mvm_cpuid_find(const struct minivmm_cpuid_entry2 *e, u32 nent, u32 function,
	       u32 index)
{
	u32 i;

	for (i = 0; i < nent; i++)
		if (e[i].function == function &&
		    (!(e[i].flags & SIG_INDEX) || e[i].index == index))
			return &e[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_find);

/* Intel-compatible vendors answer out-of-range leaves differently. */
static bool mvm_cpuid_is_amd(const struct minivmm_cpuid_entry2 *e, u32 nent)
{
	const struct minivmm_cpuid_entry2 *v = mvm_cpuid_find(e, nent, 0, 0);

	/* "AuthenticAMD", "HygonGenuine": EBX holds the first four bytes. */
	return v && (v->ebx == 0x68747541 || v->ebx == 0x6f677948);
}

/*
 * What CPUID with EAX = @function, ECX = @index reads from a table; NULL
 * means all four registers read 0.
 *
 * A leaf above the highest one its range reports (leaf 0, 0x40000000 or
 * 0x80000000 EAX) reads, on Intel-compatible CPUs, as the highest basic
 * leaf with the same index (SDM Vol. 2A, CPUID: "If a value entered for
 * CPUID.EAX is higher than the maximum input value ... the data for the
 * highest basic information leaf is returned"); on AMD and Hygon it reads
 * 0 (APM Vol. 3, CPUID).  The table's own vendor decides, as a guest
 * expects.  A leaf in range that the table lacks, and a subleaf it lacks,
 * read 0, as reserved leaves and subleaves do on hardware.  A range whose
 * first leaf is missing has no limit.
 */
const struct minivmm_cpuid_entry2 *
mvm_cpuid_lookup(const struct minivmm_cpuid_entry2 *e, u32 nent, u32 function,
		 u32 index)
{
	const struct minivmm_cpuid_entry2 *max, *basic;
	u32 base;

	if (function >= MVM_CPUID_HV_BASE && function < 0x50000000)
		base = MVM_CPUID_HV_BASE;
	else
		base = function & 0x80000000;

	max = mvm_cpuid_find(e, nent, base, 0);
	if (!max || function <= max->eax)
		return mvm_cpuid_find(e, nent, function, index);

	if (mvm_cpuid_is_amd(e, nent))
		return NULL;
	basic = mvm_cpuid_find(e, nent, 0, 0);
	if (!basic)
		return NULL;
	return mvm_cpuid_find(e, nent, basic->eax, index);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_lookup);

/*
 * The size of an XSAVE area in the standard format holding the
 * components of @xcr0 (SDM Vol. 1 13.4.3): the end of the last one, from
 * the host's offsets and sizes (leaf 0xd subleaves) in @sup.
 */
u32 mvm_xsave_size(const struct minivmm_cpuid_entry2 *sup, u32 nsup,
		   u64 xcr0)
{
	const struct minivmm_cpuid_entry2 *c;
	u32 size = MVM_XSAVE_LEGACY_SIZE;
	int i;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		c = mvm_cpuid_find(sup, nsup, 0xd, i);
		if (c)
			size = max(size, c->ebx + c->eax);
	}
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_xsave_size);

/*
 * Check a table from userspace: only known flags, zero padding, no index
 * on a leaf without subleaves, and no leaf or subleaf twice (which entry
 * a guest would see would depend on the order).
 */
int mvm_cpuid_check(const struct minivmm_cpuid_entry2 *e, u32 nent)
{
	u32 i, j;

	for (i = 0; i < nent; i++) {
		if (e[i].flags & ~SIG_INDEX)
			return -EINVAL;
		if (e[i].padding[0] || e[i].padding[1] || e[i].padding[2])
			return -EINVAL;
		if (!(e[i].flags & SIG_INDEX) && e[i].index)
			return -EINVAL;
		for (j = 0; j < i; j++) {
			if (e[j].function != e[i].function)
				continue;
			if (!(e[i].flags & SIG_INDEX) ||
			    !(e[j].flags & SIG_INDEX) ||
			    e[j].index == e[i].index)
				return -EINVAL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_check);

static const struct mvm_cpuid_leaf_rule *mvm_cpuid_rule(u32 function, u32 index)
{
	const struct mvm_cpuid_leaf_rule *r;

	for (r = mvm_cpuid_rules; r < mvm_cpuid_rules + ARRAY_SIZE(mvm_cpuid_rules); r++)
		if (r->function == function &&
		    (r->index == ANY_INDEX || r->index == index))
			return r;
	return NULL;
}

static u32 mvm_bytes_min(u32 user, u32 sup)
{
	u32 v = 0;
	int s;

	for (s = 0; s < 32; s += 8)
		v |= min((user >> s) & 0xff, (sup >> s) & 0xff) << s;
	return v;
}

/*
 * Bring a table from userspace within the supported one @sup, in place.
 * An entry whose leaf minivmm does not offer reads 0; leaf 1 always has
 * the hypervisor bit.
 */
void mvm_cpuid_filter(const struct minivmm_cpuid_entry2 *sup, u32 nsup,
		      struct minivmm_cpuid_entry2 *e, u32 nent)
{
	const struct mvm_cpuid_leaf_rule *rule;
	const struct minivmm_cpuid_entry2 *s;
	u32 i, *u, v;
	int r;

	for (i = 0; i < nent; i++) {
		s = mvm_cpuid_find(sup, nsup, e[i].function, e[i].index);
		rule = mvm_cpuid_rule(e[i].function, e[i].index);
		for (r = 0; r < 4; r++) {
			u = mvm_reg(&e[i], r);
			v = s ? mvm_reg_val(s, r) : 0;
			switch (s && rule ? rule->rule[r] : MVM_ZERO) {
			case MVM_AND:
				*u &= v;
				break;
			case MVM_MIN:
				*u = min(*u, v);
				break;
			case MVM_BYTES_MIN:
				*u = mvm_bytes_min(*u, v);
				break;
			case MVM_USER:
				break;
			case MVM_HOST:
				*u = v;
				break;
			default:
				*u = 0;
				break;
			}
		}
		if (e[i].function == 0x1)
			e[i].ecx |= L1_ECX_HV;
		if (e[i].function == 0xd && e[i].index == 0)
			e[i].ecx = mvm_xsave_size(sup, nsup,
						  e[i].eax | (u64)e[i].edx << 32);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_filter);

/*
 * The values that depend on the vCPU and on guest state, on an entry
 * CPUID is about to return (SDM Vol. 2A, CPUID): the initial APIC id in
 * leaf 1 EBX[31:24] and leaf 0xb EDX, OSXSAVE (leaf 1 ECX bit 27) mirroring
 * CR4.OSXSAVE, leaf 0xd.0 EBX, the XSAVE size for the current XCR0, and
 * the local APIC bits.
 *
 * @apic: the vCPU has an in-kernel local APIC (its VM has an irqchip).
 * Without one there is no APIC, x2APIC or TSC-deadline timer to offer.
 * @apic_enabled: its IA32_APIC_BASE global enable (bit 11) is set; while
 * it is clear, leaf 1 EDX.APIC reads 0 (SDM Vol. 3A 11.4.3, "Enabling or
 * Disabling the Local APIC"), and so does AMD's copy in 0x80000001 EDX.
 * The table's own bits are never added to: what userspace cleared stays
 * clear.
 */
void mvm_cpuid_fixup(const struct minivmm_cpuid_entry2 *sup, u32 nsup,
		     struct minivmm_cpuid_entry2 *e, u32 apic_id, u64 cr4,
		     u64 xcr0, bool apic, bool apic_enabled)
{
	switch (e->function) {
	case 0x1:
		e->ebx = (e->ebx & ~GENMASK(31, 24)) | (apic_id & 0xff) << 24;
		e->ecx &= ~L1_ECX_OSXSAVE;
		if ((e->ecx & L1_ECX_XSAVE) && (cr4 & X86_CR4_OSXSAVE))
			e->ecx |= L1_ECX_OSXSAVE;
		if (!apic)
			e->ecx &= ~L1_ECX_APIC;
		if (!apic || !apic_enabled)
			e->edx &= ~L1_EDX_APIC;
		break;
	case 0x80000001:
		if (!apic || !apic_enabled)
			e->edx &= ~LX1_EDX_APIC;
		break;
	case 0xb:
		e->edx = apic_id;
		break;
	case 0xd:
		if (e->index == 0)
			e->ebx = mvm_xsave_size(sup, nsup, xcr0);
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvm_cpuid_fixup);
