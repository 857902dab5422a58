// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivmm_vmx_caps: vmx_check_caps() (vmx/vmx.c) fed
 * fabricated capability MSRs.
 *
 * The values are spelled here from the Intel SDM bit positions, not with
 * the kernel's <asm/vmx.h> names the backend uses, so a backend that tests
 * the wrong bit fails.  One fully capable set must be accepted and report
 * every capability; each case of vmx_refusals takes one requirement away
 * from it and must be refused for that reason, without reporting anything.
 */
#include <kunit/test.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "../vmx/vmx.h"

/* IA32_FEATURE_CONTROL (SDM Vol. 3C 24.7): lock, VMX outside SMX. */
#define FC_LOCK			BIT_ULL(0)
#define FC_VMX_OUTSIDE_SMX	BIT_ULL(2)

/* IA32_VMX_BASIC (SDM Vol. 3D A.1). */
#define BASIC_REVISION		0x4U
#define BASIC_SIZE(n)		((u64)(n) << 32)	/* bits 44:32 */
#define BASIC_SIZE_MASK		GENMASK_ULL(44, 32)
#define BASIC_PA32		BIT_ULL(48)
#define BASIC_MEMTYPE(t)	((u64)(t) << 50)	/* bits 53:50 */
#define BASIC_MEMTYPE_MASK	GENMASK_ULL(53, 50)
#define BASIC_TRUE_CTLS		BIT_ULL(55)

/* Controls: allowed-1 settings are the high half (SDM Vol. 3D A.3.2, A.3.3). */
#define ALLOWED1(bit)		BIT_ULL(32 + (bit))
#define PROC_SECONDARY		ALLOWED1(31)
#define PROC2_EPT		ALLOWED1(1)
#define PROC2_VPID		ALLOWED1(5)
#define PROC2_UNRESTRICTED	ALLOWED1(7)

/* IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D A.10). */
#define EPT_WALK_4		BIT_ULL(6)
#define EPT_WB			BIT_ULL(14)
#define EPT_INVEPT		BIT_ULL(20)
#define EPT_INVEPT_SINGLE	BIT_ULL(25)
#define EPT_INVEPT_ALL		BIT_ULL(26)
#define VPID_INVVPID		BIT_ULL(32)
#define VPID_INVVPID_SINGLE	BIT_ULL(41)
#define VPID_INVVPID_ALL	BIT_ULL(42)

/* What a current Intel CPU reports, reduced to what minivmm looks at. */
static const struct vmx_cap_msrs vmx_full = {
	.feature_control = FC_LOCK | FC_VMX_OUTSIDE_SMX,
	.basic		 = BASIC_REVISION | BASIC_SIZE(4096) |
			   BASIC_MEMTYPE(6) | BASIC_TRUE_CTLS,
	.procbased	 = PROC_SECONDARY,
	.procbased2	 = PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED,
	.ept_vpid	 = EPT_WALK_4 | EPT_WB | EPT_INVEPT |
			   EPT_INVEPT_SINGLE | EPT_INVEPT_ALL |
			   VPID_INVVPID | VPID_INVVPID_SINGLE | VPID_INVVPID_ALL,
};

/* One change to vmx_full: clear, then set bits of one MSR. */
struct vmx_caps_change {
	const char *desc;
	size_t msr;		/* offsetof(struct vmx_cap_msrs, ...) */
	u64 clear;
	u64 set;
	const char *reason;	/* for a refusal: a word the reason contains */
};

#define CHANGE(d, field, c, s, r) {					\
	.desc = d, .msr = offsetof(struct vmx_cap_msrs, field),		\
	.clear = c, .set = s, .reason = r,				\
}

static struct vmx_cap_msrs vmx_apply(const struct vmx_caps_change *c)
{
	struct vmx_cap_msrs m = vmx_full;
	u64 *msr = (u64 *)((char *)&m + c->msr);

	*msr = (*msr & ~c->clear) | c->set;
	return m;
}

static void vmx_change_desc(const struct vmx_caps_change *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

static void vmx_expect_all_caps(struct kunit *test, const struct mvm_caps *caps)
{
	KUNIT_EXPECT_TRUE(test, caps->nested_paging);
	KUNIT_EXPECT_TRUE(test, caps->tagged_tlb);
	KUNIT_EXPECT_TRUE(test, caps->unrestricted_guest);
	KUNIT_EXPECT_TRUE(test, caps->next_rip);
}

static void vmx_caps_full_set_accepted(struct kunit *test)
{
	struct mvm_caps caps = {};
	const char *why = vmx_check_caps(&vmx_full, &caps);

	KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
	vmx_expect_all_caps(test, &caps);
}

/* Each takes one requirement away from vmx_full. */
static const struct vmx_caps_change vmx_refusals[] = {
	CHANGE("feature control not locked", feature_control,
	       FC_LOCK, 0, "FEATURE_CONTROL"),
	CHANGE("VMX disabled outside SMX", feature_control,
	       FC_VMX_OUTSIDE_SMX, 0, "FEATURE_CONTROL"),
	CHANGE("VMCS region larger than 4 KiB", basic,
	       BASIC_SIZE_MASK, BASIC_SIZE(4097), "page"),
	CHANGE("VMX structures below 4 GiB only", basic,
	       0, BASIC_PA32, "32-bit"),
	CHANGE("VMCS memory type uncacheable", basic,
	       BASIC_MEMTYPE_MASK, BASIC_MEMTYPE(0), "write-back"),
	CHANGE("no TRUE capability MSRs", basic,
	       BASIC_TRUE_CTLS, 0, "TRUE"),
	CHANGE("no secondary controls", procbased,
	       PROC_SECONDARY, 0, "secondary"),
	CHANGE("no EPT", procbased2, PROC2_EPT, 0, "EPT"),
	CHANGE("no VPID", procbased2, PROC2_VPID, 0, "VPID"),
	CHANGE("no unrestricted guest", procbased2,
	       PROC2_UNRESTRICTED, 0, "unrestricted"),
	CHANGE("no 4-level EPT walk", ept_vpid, EPT_WALK_4, 0, "4-level"),
	CHANGE("no write-back EPT structures", ept_vpid,
	       EPT_WB, 0, "write-back"),
	CHANGE("no INVEPT", ept_vpid, EPT_INVEPT, 0, "INVEPT"),
	CHANGE("no INVEPT extent", ept_vpid,
	       EPT_INVEPT_SINGLE | EPT_INVEPT_ALL, 0, "INVEPT"),
	CHANGE("no INVVPID", ept_vpid, VPID_INVVPID, 0, "INVVPID"),
	CHANGE("no INVVPID extent", ept_vpid,
	       VPID_INVVPID_SINGLE | VPID_INVVPID_ALL, 0, "INVVPID"),
};

KUNIT_ARRAY_PARAM(vmx_refusals, vmx_refusals, vmx_change_desc);

static void vmx_caps_refused(struct kunit *test)
{
	const struct vmx_caps_change *c = test->param_value;
	struct vmx_cap_msrs m = vmx_apply(c);
	struct mvm_caps caps = {};
	const char *why;

	/* The change must take something away, or the case proves nothing. */
	KUNIT_ASSERT_NE(test, memcmp(&m, &vmx_full, sizeof(m)), 0);

	why = vmx_check_caps(&m, &caps);
	KUNIT_ASSERT_NOT_NULL_MSG(test, why, "accepted without: %s", c->desc);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->reason),
				  "refused for another reason: \"%s\"", why);
	/* A refused CPU reports nothing. */
	KUNIT_EXPECT_FALSE(test, caps.nested_paging);
	KUNIT_EXPECT_FALSE(test, caps.tagged_tlb);
	KUNIT_EXPECT_FALSE(test, caps.unrestricted_guest);
	KUNIT_EXPECT_FALSE(test, caps.next_rip);
}

/* Sets that differ from vmx_full but are still enough. */
static const struct vmx_caps_change vmx_variants[] = {
	CHANGE("INVEPT single-context only", ept_vpid, EPT_INVEPT_ALL, 0, NULL),
	CHANGE("INVEPT all-context only", ept_vpid, EPT_INVEPT_SINGLE, 0, NULL),
	CHANGE("INVVPID single-context only", ept_vpid,
	       VPID_INVVPID_ALL, 0, NULL),
	CHANGE("INVVPID all-context only", ept_vpid,
	       VPID_INVVPID_SINGLE, 0, NULL),
	CHANGE("VMCS region smaller than 4 KiB", basic,
	       BASIC_SIZE_MASK, BASIC_SIZE(1024), NULL),
};

KUNIT_ARRAY_PARAM(vmx_variants, vmx_variants, vmx_change_desc);

static void vmx_caps_variant_accepted(struct kunit *test)
{
	const struct vmx_caps_change *c = test->param_value;
	struct vmx_cap_msrs m = vmx_apply(c);
	struct mvm_caps caps = {};
	const char *why;

	KUNIT_ASSERT_NE(test, memcmp(&m, &vmx_full, sizeof(m)), 0);

	why = vmx_check_caps(&m, &caps);
	KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
	vmx_expect_all_caps(test, &caps);
}

static struct kunit_case vmx_caps_cases[] = {
	KUNIT_CASE(vmx_caps_full_set_accepted),
	KUNIT_CASE_PARAM(vmx_caps_refused, vmx_refusals_gen_params),
	KUNIT_CASE_PARAM(vmx_caps_variant_accepted, vmx_variants_gen_params),
	{}
};

static struct kunit_suite vmx_caps_suite = {
	.name = "minivmm_vmx_caps",
	.test_cases = vmx_caps_cases,
};

kunit_test_suite(vmx_caps_suite);
