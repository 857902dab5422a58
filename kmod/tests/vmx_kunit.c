// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivmm_vmx: the pure logic of the VMX backend, without
 * VMX -- how the controls are fitted to the capability MSRs (vmx/vmcs.c),
 * the MSR bitmap (vmcs.c), segment access rights and the CR0/CR4 rules
 * (vmx/regs.c), and how I/O and control-register exit qualifications are
 * decoded (vmx/exit.c).
 *
 * Expected values are worked out here from the Intel SDM (bit positions,
 * MSR numbers, well-known descriptor attribute words), not with the
 * <asm/vmx.h> names the backend uses, so a backend that uses the wrong bit
 * fails.
 *
 * The CR0/CR4 rules read the fixed bits from the global vmx_config, which
 * each case saves and restores (vmx_test_init/exit): load the suite only
 * when no VM runs, as the rig does.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../vmx/vmx.h"

/* ---- Controls (SDM Vol. 3D A.2-A.5) ---- */

/* Capability MSR with allowed-0 settings @lo and allowed-1 settings @hi. */
#define CAP(lo, hi)	((u64)(u32)(hi) << 32 | (u32)(lo))

/* Pin-based controls (SDM Vol. 3C 25.6.1): bits 1, 2, 4 default to 1. */
#define PIN_EXT_INTR		BIT(0)
#define PIN_NMI			BIT(3)
#define PIN_PREEMPT_TIMER	BIT(6)
#define PIN_DEFAULT1		(BIT(1) | BIT(2) | BIT(4))

static void vmx_ctl_fits_wanted_where_allowed(struct kunit *test)
{
	u32 out = 0;

	/* Everything allowed: the default-1 bits, what is needed and wanted. */
	KUNIT_EXPECT_TRUE(test, vmx_fit_ctl(PIN_EXT_INTR | PIN_NMI,
					    PIN_PREEMPT_TIMER,
					    CAP(PIN_DEFAULT1, 0x7f), &out));
	KUNIT_EXPECT_EQ(test, out, 0x5fU);

	/* No preemption timer: the wanted bit is dropped, no refusal. */
	out = 0;
	KUNIT_EXPECT_TRUE(test, vmx_fit_ctl(PIN_EXT_INTR | PIN_NMI,
					    PIN_PREEMPT_TIMER,
					    CAP(PIN_DEFAULT1, 0x3f), &out));
	KUNIT_EXPECT_EQ(test, out, 0x1fU);
}

static void vmx_ctl_forced_bits_kept(struct kunit *test)
{
	u32 out = 0;

	/* Bits the CPU forces to 1 (allowed-0 = 1) are set unasked. */
	KUNIT_EXPECT_TRUE(test, vmx_fit_ctl(BIT(0), 0,
					    CAP(BIT(9) | BIT(20), ~0U), &out));
	KUNIT_EXPECT_EQ(test, out, (u32)(BIT(0) | BIT(9) | BIT(20)));

	/* A bit neither needed, wanted nor forced stays 0 though allowed. */
	out = ~0U;
	KUNIT_EXPECT_TRUE(test, vmx_fit_ctl(0, 0, CAP(0, ~0U), &out));
	KUNIT_EXPECT_EQ(test, out, 0U);
}

static void vmx_ctl_refuses_missing_need(struct kunit *test)
{
	u32 out;

	/* NMI exiting (bit 3) not allowed to be 1. */
	KUNIT_EXPECT_FALSE(test, vmx_fit_ctl(PIN_EXT_INTR | PIN_NMI, 0,
					     CAP(PIN_DEFAULT1, 0x77), &out));
	/* Nothing allowed to be 1 at all. */
	KUNIT_EXPECT_FALSE(test, vmx_fit_ctl(BIT(31), 0, CAP(0, 0), &out));
	/* Only the top bit missing: the halves are not mixed up. */
	KUNIT_EXPECT_FALSE(test, vmx_fit_ctl(BIT(31) | BIT(0), 0,
					     CAP(0, 0x7fffffff), &out));
	/* One bit missing in the middle, everything else allowed. */
	KUNIT_EXPECT_FALSE(test, vmx_fit_ctl(BIT(5) | BIT(4), BIT(6),
					     CAP(0, 0xffffffdf), &out));
}

/* MSR numbers: SDM Vol. 4 Table 2-2, Vol. 3D A.1. */
#define MSR_PINBASED		0x481
#define MSR_PROCBASED		0x482
#define MSR_EXIT		0x483
#define MSR_ENTRY		0x484
#define MSR_TRUE_PINBASED	0x48d
#define MSR_TRUE_PROCBASED	0x48e
#define MSR_TRUE_EXIT		0x48f
#define MSR_TRUE_ENTRY		0x490
#define BASIC_TRUE_CTLS		BIT_ULL(55)

static void vmx_ctl_true_msrs(struct kunit *test)
{
	static const u32 plain[] = { MSR_PINBASED, MSR_PROCBASED,
				     MSR_EXIT, MSR_ENTRY };
	static const u32 true_msr[] = { MSR_TRUE_PINBASED, MSR_TRUE_PROCBASED,
					MSR_TRUE_EXIT, MSR_TRUE_ENTRY };
	/* A BASIC value with every bit but 55 set, and one with 55 only. */
	u64 without = ~BASIC_TRUE_CTLS, with = BASIC_TRUE_CTLS;
	int i;

	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		KUNIT_EXPECT_EQ(test, vmx_ctl_msr(with, plain[i], true_msr[i]),
				true_msr[i]);
		KUNIT_EXPECT_EQ(test, vmx_ctl_msr(without, plain[i],
						  true_msr[i]), plain[i]);
		KUNIT_EXPECT_EQ(test, vmx_ctl_msr(0, plain[i], true_msr[i]),
				plain[i]);
	}
}

/*
 * What the TRUE MSR buys (SDM Vol. 3D A.3.2): the plain processor-based
 * MSR forces CR3-load/store exiting (bits 15, 16) among its default-1
 * bits, the TRUE one lets them be 0.  Fitting the same need to each gives
 * different controls.
 */
static void vmx_ctl_true_default1_clear(struct kunit *test)
{
	/* HLT, unconditional I/O, MSR bitmaps, secondary controls. */
	u32 need = BIT(7) | BIT(24) | BIT(28) | BIT(31);
	u32 dflt1 = 0x0401e172, true_lo = dflt1 & ~(u32)(BIT(15) | BIT(16));
	u32 plain_out, true_out;

	KUNIT_ASSERT_TRUE(test, vmx_fit_ctl(need, 0, CAP(dflt1, ~0U),
					    &plain_out));
	KUNIT_ASSERT_TRUE(test, vmx_fit_ctl(need, 0, CAP(true_lo, ~0U),
					    &true_out));
	KUNIT_EXPECT_EQ(test, plain_out & (BIT(15) | BIT(16)),
			(u32)(BIT(15) | BIT(16)));
	KUNIT_EXPECT_EQ(test, true_out & (BIT(15) | BIT(16)), 0U);
	KUNIT_EXPECT_EQ(test, true_out, need | true_lo);
}

/* ---- MSR bitmap (SDM Vol. 3C 25.6.9) ---- */

/*
 * The MSRs whose guest value the VMCS switches and which pass through:
 * IA32_SYSENTER_CS/ESP/EIP 0x174-0x176, IA32_FS_BASE 0xc0000100,
 * IA32_GS_BASE 0xc0000101 (SDM Vol. 4 Table 2-2).
 */
static bool vmx_msr_passes(u32 msr)
{
	return msr == 0x174 || msr == 0x175 || msr == 0x176 ||
	       msr == 0xc0000100 || msr == 0xc0000101;
}

/*
 * The bitmap's four 1 KiB parts: read-low (MSRs 0-0x1fff) at 0, read-high
 * (0xc0000000-0xc0001fff) at 1024, write-low at 2048, write-high at 3072.
 */
static bool vmx_bitmap_exits(const u8 *bm, u32 msr, bool write)
{
	unsigned int part = (write ? 2 : 0) + (msr >= 0xc0000000 ? 1 : 0);
	unsigned int n = msr - (msr >= 0xc0000000 ? 0xc0000000 : 0);

	return bm[part * 1024 + n / 8] & (1 << (n % 8));
}

static void vmx_msr_bitmap_all_but_pass_through(struct kunit *test)
{
	u8 *bm = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	static const u32 base[] = { 0, 0xc0000000 };
	unsigned int clear = 0, i, b;
	u32 msr, n;

	KUNIT_ASSERT_NOT_NULL(test, bm);
	memset(bm, 0x5a, PAGE_SIZE);	/* not what the setup leaves */
	vmx_setup_msr_bitmap(bm);

	for (b = 0; b < ARRAY_SIZE(base); b++) {
		for (n = 0; n < 0x2000; n++) {
			msr = base[b] + n;
			KUNIT_EXPECT_EQ_MSG(test, vmx_bitmap_exits(bm, msr, false),
					    !vmx_msr_passes(msr),
					    "RDMSR %#x", msr);
			KUNIT_EXPECT_EQ_MSG(test, vmx_bitmap_exits(bm, msr, true),
					    !vmx_msr_passes(msr),
					    "WRMSR %#x", msr);
		}
	}
	/* Five MSRs, two halves each: exactly ten clear bits in the page. */
	for (i = 0; i < PAGE_SIZE; i++)
		clear += 8 - hweight8(bm[i]);
	KUNIT_EXPECT_EQ(test, clear, 10U);
}

static void vmx_msr_bitmap_spot_checks(struct kunit *test)
{
	u8 *bm = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bm);
	vmx_setup_msr_bitmap(bm);
	/* FS_BASE: bit 0x100 = byte 32 bit 0 of each high part. */
	KUNIT_EXPECT_EQ(test, bm[1024 + 32] & 1, 0);
	KUNIT_EXPECT_EQ(test, bm[3072 + 32] & 1, 0);
	/* GS_BASE bit 1 clear, KERNEL_GS_BASE (0xc0000102) bit 2 set. */
	KUNIT_EXPECT_EQ(test, bm[1024 + 32] & 6, 4);
	KUNIT_EXPECT_EQ(test, bm[3072 + 32] & 6, 4);
	/* SYSENTER_CS/ESP/EIP 0x174-0x176: byte 46 bits 4-6 of the low parts. */
	KUNIT_EXPECT_EQ(test, bm[46], 0x8f);
	KUNIT_EXPECT_EQ(test, bm[2048 + 46], 0x8f);
	/* The same offsets in the other range stay intercepted. */
	KUNIT_EXPECT_EQ(test, bm[32], 0xff);	/* MSRs 0x100-0x107 */
	KUNIT_EXPECT_EQ(test, bm[1024 + 46], 0xff); /* 0xc0000170-77 */
	/* EFER 0xc0000080, PAT 0x277, TSC 0x10, SPEC_CTRL 0x48 exit. */
	KUNIT_EXPECT_TRUE(test, vmx_bitmap_exits(bm, 0xc0000080, true));
	KUNIT_EXPECT_TRUE(test, vmx_bitmap_exits(bm, 0x277, true));
	KUNIT_EXPECT_TRUE(test, vmx_bitmap_exits(bm, 0x10, false));
	KUNIT_EXPECT_TRUE(test, vmx_bitmap_exits(bm, 0x48, true));
}

/* ---- Segment access rights (SDM Vol. 3C 25.4.1, Table 25-2) ---- */

#define AR_UNUSABLE	BIT(16)

struct vmx_ar_case {
	const char *desc;
	struct minivmm_segment seg;
	u32 ar;
};

/* Attribute words as descriptors spell them (SDM Vol. 3A 3.4.5). */
static const struct vmx_ar_case vmx_ar_cases[] = {
	{ "64-bit kernel code", { .type = 11, .s = 1, .present = 1, .l = 1,
				  .g = 1 }, 0xa09b },
	{ "64-bit user code", { .type = 11, .s = 1, .dpl = 3, .present = 1,
				.l = 1, .g = 1 }, 0xa0fb },
	{ "32-bit flat data", { .type = 3, .s = 1, .present = 1, .db = 1,
				.g = 1 }, 0xc093 },
	{ "32-bit user data", { .type = 3, .s = 1, .dpl = 3, .present = 1,
				.db = 1, .g = 1 }, 0xc0f3 },
	{ "real-mode data", { .type = 3, .s = 1, .present = 1 }, 0x93 },
	{ "real-mode code", { .type = 11, .s = 1, .present = 1 }, 0x9b },
	{ "busy 64-bit TSS", { .type = 11, .present = 1 }, 0x8b },
	{ "LDT", { .type = 2, .present = 1 }, 0x82 },
	{ "data with AVL", { .type = 3, .s = 1, .present = 1, .avl = 1 },
	  0x1093 },
	{ "DPL 2 read-only data", { .type = 1, .s = 1, .dpl = 2,
				    .present = 1 }, 0xd1 },
};

static void vmx_ar_desc(const struct vmx_ar_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmx_ar, vmx_ar_cases, vmx_ar_desc);

static void vmx_seg_attrs_eq(struct kunit *test,
			     const struct minivmm_segment *a,
			     const struct minivmm_segment *b)
{
	KUNIT_EXPECT_EQ(test, a->type, b->type);
	KUNIT_EXPECT_EQ(test, a->s, b->s);
	KUNIT_EXPECT_EQ(test, a->dpl, b->dpl);
	KUNIT_EXPECT_EQ(test, a->present, b->present);
	KUNIT_EXPECT_EQ(test, a->avl, b->avl);
	KUNIT_EXPECT_EQ(test, a->l, b->l);
	KUNIT_EXPECT_EQ(test, a->db, b->db);
	KUNIT_EXPECT_EQ(test, a->g, b->g);
	KUNIT_EXPECT_EQ(test, a->unusable, b->unusable);
}

static void vmx_ar_encode(struct kunit *test)
{
	const struct vmx_ar_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vmx_seg_ar(&c->seg), c->ar);
}

static void vmx_ar_decode(struct kunit *test)
{
	const struct vmx_ar_case *c = test->param_value;
	struct minivmm_segment seg = {};

	vmx_seg_from_ar(c->ar, &seg);
	vmx_seg_attrs_eq(test, &seg, &c->seg);
}

static void vmx_ar_unusable(struct kunit *test)
{
	struct minivmm_segment seg = { .type = 3, .s = 1, .present = 1,
				       .db = 1, .g = 1 };

	/* Unusable, or not present: the unusable bit alone. */
	seg.unusable = 1;
	KUNIT_EXPECT_EQ(test, vmx_seg_ar(&seg), (u32)AR_UNUSABLE);
	seg.unusable = 0;
	seg.present = 0;
	KUNIT_EXPECT_EQ(test, vmx_seg_ar(&seg), (u32)AR_UNUSABLE);

	/* Read back, an unusable segment is not present, whatever else. */
	memset(&seg, 0, sizeof(seg));
	vmx_seg_from_ar(AR_UNUSABLE, &seg);
	KUNIT_EXPECT_EQ(test, seg.unusable, 1);
	KUNIT_EXPECT_EQ(test, seg.present, 0);
	memset(&seg, 0, sizeof(seg));
	vmx_seg_from_ar(AR_UNUSABLE | 0xc093, &seg);
	KUNIT_EXPECT_EQ(test, seg.unusable, 1);
	KUNIT_EXPECT_EQ(test, seg.present, 0);
}

/*
 * The limit is in bytes on both sides (the VMCS guest limit fields and
 * struct minivmm_segment): G=1 describes the granularity the limit was
 * scaled with, the conversion must not scale it again.
 */
static void vmx_ar_leaves_limit(struct kunit *test)
{
	struct minivmm_segment seg = { .limit = 0xfffff, .base = 0x1000,
				       .selector = 0x10 };

	vmx_seg_from_ar(0xc093, &seg);
	KUNIT_EXPECT_EQ(test, seg.g, 1);
	KUNIT_EXPECT_EQ(test, seg.limit, 0xfffffU);
	KUNIT_EXPECT_EQ(test, seg.base, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, seg.selector, 0x10);
}

/*
 * Every usable, present access-rights value survives VMCS -> segment ->
 * VMCS except reserved bits 11:8 and 31:17; every not-present one comes
 * back unusable.
 */
static void vmx_ar_round_trip(struct kunit *test)
{
	struct minivmm_segment seg;
	u32 ar, want;

	for (ar = 0; ar < 0x20000; ar++) {
		memset(&seg, 0, sizeof(seg));
		vmx_seg_from_ar(ar, &seg);
		if ((ar & AR_UNUSABLE) || !(ar & BIT(7)))
			want = AR_UNUSABLE;
		else
			want = ar & 0xf0ff;
		if (vmx_seg_ar(&seg) != want) {
			KUNIT_FAIL(test, "AR %#x came back %#x, want %#x",
				   ar, vmx_seg_ar(&seg), want);
			return;
		}
	}
}

static void vmx_ar_round_trip_segment(struct kunit *test)
{
	const struct vmx_ar_case *c = test->param_value;
	struct minivmm_segment seg = {};

	vmx_seg_from_ar(vmx_seg_ar(&c->seg), &seg);
	vmx_seg_attrs_eq(test, &seg, &c->seg);
}

/* ---- CR0 and CR4 (SDM Vol. 3A 2.5, 2.4; Vol. 3D A.7, A.8) ---- */

#define CR0_PE		BIT_ULL(0)
#define CR0_ET		BIT_ULL(4)
#define CR0_NE		BIT_ULL(5)
#define CR0_WP		BIT_ULL(16)
#define CR0_AM		BIT_ULL(18)
#define CR0_NW		BIT_ULL(29)
#define CR0_CD		BIT_ULL(30)
#define CR0_PG		BIT_ULL(31)

#define CR4_PAE		BIT_ULL(5)
#define CR4_OSFXSR	BIT_ULL(9)
#define CR4_LA57	BIT_ULL(12)
#define CR4_VMXE	BIT_ULL(13)
#define CR4_PCIDE	BIT_ULL(17)
#define CR4_PKE		BIT_ULL(22)
#define CR4_CET		BIT_ULL(23)

static int vmx_test_init(struct kunit *test)
{
	struct vmx_config *saved = kunit_kmalloc(test, sizeof(*saved),
						 GFP_KERNEL);

	if (!saved)
		return -ENOMEM;
	/*
	 * The rules read the fixed bits from vmx_config; give them what a
	 * typical CPU reports (PE, NE, PG fixed to 1 in CR0, VMXE in CR4;
	 * CR4 bits 0-22 but reserved bit 15 allowed), and put the real
	 * values back afterwards.
	 */
	*saved = vmx_config;
	test->priv = saved;
	vmx_config.cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG;
	vmx_config.cr0_fixed1 = 0xffffffffULL;
	vmx_config.cr4_fixed0 = CR4_VMXE;
	vmx_config.cr4_fixed1 = GENMASK_ULL(22, 0) & ~BIT_ULL(15);
	return 0;
}

static void vmx_test_exit(struct kunit *test)
{
	vmx_config = *(struct vmx_config *)test->priv;
}

static void vmx_cr0_rules(struct kunit *test)
{
	/* Unrestricted guest: PE and PG may be 0 despite CR0_FIXED0. */
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(0));
	/* The reset value (SDM Vol. 3A 10.1.1). */
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(CR0_CD | CR0_NW | CR0_ET));
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(CR0_PE));
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(CR0_PE | CR0_PG));
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(0x80050033ULL)); /* Linux */
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(CR0_CD));

	/* PG without PE, NW without CD: #GP (SDM Vol. 3A 2.5). */
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(CR0_PG));
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(CR0_PG | CR0_ET | CR0_NE));
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(CR0_NW));
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(CR0_PE | CR0_PG | CR0_NW));
	/* Bits 63:32 are reserved: #GP. */
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(BIT_ULL(32) | CR0_PE));
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(BIT_ULL(63)));
}

static void vmx_cr0_fixed1(struct kunit *test)
{
	/* A CPU that cannot run with AM set in VMX operation. */
	vmx_config.cr0_fixed1 = 0xffffffffULL & ~CR0_AM;
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(CR0_PE | CR0_AM));
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(CR0_PE | CR0_WP));

	/* Bits 63:32 stay reserved even if CR0_FIXED1 claimed them. */
	vmx_config.cr0_fixed1 = ~0ULL;
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(BIT_ULL(32) | CR0_PE));
	KUNIT_EXPECT_FALSE(test, vmx_cr0_valid(BIT_ULL(63)));
	KUNIT_EXPECT_TRUE(test, vmx_cr0_valid(CR0_PE | CR0_AM));
}

static void vmx_cr4_rules(struct kunit *test)
{
	/* VMXE is in CR4_FIXED0 but the guest does not see it set. */
	KUNIT_EXPECT_TRUE(test, vmx_cr4_valid(0));
	KUNIT_EXPECT_TRUE(test, vmx_cr4_valid(CR4_PAE));
	KUNIT_EXPECT_TRUE(test, vmx_cr4_valid(0x6f0ULL)); /* Linux, no PCID */
	KUNIT_EXPECT_TRUE(test, vmx_cr4_valid(CR4_PAE | CR4_PCIDE));

	/* Host-owned or hidden from the guest: refused even if allowed. */
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_VMXE));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_PAE | CR4_VMXE));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_PKE));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_LA57 | CR4_PAE));

	/* Reserved: bit 15, bits above what CR4_FIXED1 allows. */
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(BIT_ULL(15)));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_CET));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(BIT_ULL(32)));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(BIT_ULL(63) | CR4_PAE));
}

static void vmx_cr4_fixed1(struct kunit *test)
{
	/* A CPU without OSFXSR in VMX operation refuses it... */
	vmx_config.cr4_fixed1 &= ~CR4_OSFXSR;
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_OSFXSR));
	/* ...and PKE, LA57, SMXE, CET stay refused even where the CPU has them. */
	vmx_config.cr4_fixed1 = GENMASK_ULL(23, 0);
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_PKE));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_LA57));
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(BIT_ULL(14)));	/* SMXE */
	KUNIT_EXPECT_FALSE(test, vmx_cr4_valid(CR4_CET));
	KUNIT_EXPECT_TRUE(test, vmx_cr4_valid(CR4_PAE | CR4_OSFXSR));
}

/* ---- Exit qualifications (SDM Vol. 3C 28.2.1) ---- */

struct vmx_io_case {
	const char *desc;
	u64 qual;
	u16 port;
	u8 size;
	bool in, string, rep;
};

/*
 * Table 28-5: bits 2:0 size - 1, bit 3 IN, bit 4 string, bit 5 REP,
 * bit 6 immediate operand, bits 31:16 port; 63:32 reserved.
 */
static const struct vmx_io_case vmx_io_cases[] = {
	{ "OUT DX, AL to 0x3f8", 0x03f80000, 0x3f8, 1, false, false, false },
	{ "IN AX, 0x60", 0x00600049, 0x60, 2, true, false, false },
	{ "OUT 0x80, EAX", 0x00800043, 0x80, 4, false, false, false },
	{ "OUTSB to 0x80", 0x00800010, 0x80, 1, false, true, false },
	{ "REP OUTSW to 0x1f0", 0x01f00031, 0x1f0, 2, false, true, true },
	{ "REP INSD from 0xffff", 0xffff003b, 0xffff, 4, true, true, true },
	{ "IN AL, DX from port 0", 0x00000008, 0, 1, true, false, false },
	{ "reserved high bits", 0xdeadbeef00640008ULL, 0x64, 1,
	  true, false, false },
};

static void vmx_io_desc(const struct vmx_io_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmx_io, vmx_io_cases, vmx_io_desc);

static void vmx_io_qual(struct kunit *test)
{
	const struct vmx_io_case *c = test->param_value;
	struct vmx_io_qual q;

	memset(&q, 0xa5, sizeof(q));
	vmx_decode_io_qual(c->qual, &q);
	KUNIT_EXPECT_EQ(test, q.port, c->port);
	KUNIT_EXPECT_EQ(test, q.size, c->size);
	KUNIT_EXPECT_EQ(test, q.in, c->in);
	KUNIT_EXPECT_EQ(test, q.string, c->string);
	KUNIT_EXPECT_EQ(test, q.rep, c->rep);
}

/*
 * Table 28-3: bits 3:0 CR, 5:4 access type (0 MOV to CR, 1 MOV from CR,
 * 2 CLTS, 3 LMSW), bit 6 LMSW operand, 11:8 GPR (0 RAX ... 15 R15),
 * 31:16 LMSW source data.
 */
static void vmx_cr_qual(struct kunit *test)
{
	static const struct {
		u64 qual;
		u8 cr, type, reg;
	} c[] = {
		{ 0x000, 0, 0, 0 },	/* MOV CR0, RAX */
		{ 0xf04, 4, 0, 15 },	/* MOV CR4, R15 */
		{ 0x403, 3, 0, 4 },	/* MOV CR3, RSP */
		{ 0x118, 8, 1, 1 },	/* MOV RCX, CR8 */
		{ 0x708, 8, 0, 7 },	/* MOV CR8, RDI */
		{ 0x020, 0, 2, 0 },	/* CLTS */
		{ 0x00110030, 0, 3, 0 },	/* LMSW AX (0x11) */
		{ 0x00010070, 0, 3, 0 },	/* LMSW from memory */
		{ 0xffffffff00000b14ULL, 4, 1, 11 }, /* reserved bits set */
	};
	struct vmx_cr_qual q;
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memset(&q, 0xa5, sizeof(q));
		vmx_decode_cr_qual(c[i].qual, &q);
		KUNIT_EXPECT_EQ_MSG(test, q.cr, c[i].cr, "qual %#llx", c[i].qual);
		KUNIT_EXPECT_EQ_MSG(test, q.type, c[i].type, "qual %#llx",
				    c[i].qual);
		KUNIT_EXPECT_EQ_MSG(test, q.reg, c[i].reg, "qual %#llx",
				    c[i].qual);
	}
}

/*
 * Table 28-7: bits 2:0 the access (read, write, fetch), 5:3 what the EPT
 * entry allowed, 7 linear address valid, 8 final translation, 12 NMI
 * unblocking.  Only the access may reach the fault path.
 */
static void vmx_ept_qual(struct kunit *test)
{
	static const struct {
		u64 qual;
		bool write, fetch;
	} c[] = {
		{ 0x181, false, false },	/* data read, not present */
		{ 0x182, true, false },		/* data write */
		{ 0x18a, true, false },		/* write to a read-only page */
		{ 0x184, false, true },		/* fetch */
		{ 0x1bc, false, true },		/* fetch, entry allowed rwx */
		{ 0x039, false, false },	/* read, no GLA, rwx bits */
		{ 0x1002, true, false },	/* write, NMI unblocking */
		{ 0x000, false, false },
	};
	struct mvm_gpa_fault f;
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memset(&f, 0xa5, sizeof(f));
		vmx_decode_ept_qual(c[i].qual, &f);
		KUNIT_EXPECT_EQ_MSG(test, f.write, c[i].write, "qual %#llx",
				    c[i].qual);
		KUNIT_EXPECT_EQ_MSG(test, f.fetch, c[i].fetch, "qual %#llx",
				    c[i].qual);
		KUNIT_EXPECT_FALSE_MSG(test, f.bad_entry, "qual %#llx",
				       c[i].qual);
	}
}

static struct kunit_case vmx_cases[] = {
	KUNIT_CASE(vmx_ctl_fits_wanted_where_allowed),
	KUNIT_CASE(vmx_ctl_forced_bits_kept),
	KUNIT_CASE(vmx_ctl_refuses_missing_need),
	KUNIT_CASE(vmx_ctl_true_msrs),
	KUNIT_CASE(vmx_ctl_true_default1_clear),
	KUNIT_CASE(vmx_msr_bitmap_all_but_pass_through),
	KUNIT_CASE(vmx_msr_bitmap_spot_checks),
	KUNIT_CASE_PARAM(vmx_ar_encode, vmx_ar_gen_params),
	KUNIT_CASE_PARAM(vmx_ar_decode, vmx_ar_gen_params),
	KUNIT_CASE_PARAM(vmx_ar_round_trip_segment, vmx_ar_gen_params),
	KUNIT_CASE(vmx_ar_unusable),
	KUNIT_CASE(vmx_ar_leaves_limit),
	KUNIT_CASE(vmx_ar_round_trip),
	KUNIT_CASE(vmx_cr0_rules),
	KUNIT_CASE(vmx_cr0_fixed1),
	KUNIT_CASE(vmx_cr4_rules),
	KUNIT_CASE(vmx_cr4_fixed1),
	KUNIT_CASE_PARAM(vmx_io_qual, vmx_io_gen_params),
	KUNIT_CASE(vmx_cr_qual),
	KUNIT_CASE(vmx_ept_qual),
	{}
};

/* The CR rules change vmx_config: init/exit save and restore it. */
static struct kunit_suite vmx_suite = {
	.name = "minivmm_vmx",
	.init = vmx_test_init,
	.exit = vmx_test_exit,
	.test_cases = vmx_cases,
};

kunit_test_suite(vmx_suite);
