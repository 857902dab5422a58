// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivmm_svm_caps: svm_check_caps() (svm/svm.c) fed
 * fabricated CPUID leaves and VM_CR values.
 *
 * The bits are spelled here from the AMD APM, not with the names the
 * backend uses, so a backend that tests the wrong bit fails.  Nested
 * paging and a guest ASID are required, SVMDIS must be clear, and NRIPS
 * is optional but must be reported as it is: QEMU's emulated SVM lacks it.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "../svm/svm.h"

/* MSR VM_CR (APM Vol. 2 15.30.1): bit 4, SVMDIS. */
#define VM_CR_SVMDIS		BIT_ULL(4)
/* CPUID Fn8000_000A_EDX (APM Vol. 3 E.4.10): NP bit 0, NRIPS bit 3. */
#define FEAT_NP			BIT(0)
#define FEAT_NRIPS		BIT(3)

/* EPYC-like: NP, LBR virtualization, SVM lock, NRIPS; 32768 ASIDs. */
static const struct svm_cap_regs svm_full = {
	.vm_cr		= 0,
	.nasid		= 32768,
	.features	= FEAT_NP | BIT(1) | BIT(2) | FEAT_NRIPS,
};

static void svm_expect_base_caps(struct kunit *test,
				 const struct mvm_caps *caps)
{
	KUNIT_EXPECT_TRUE(test, caps->nested_paging);
	KUNIT_EXPECT_TRUE(test, caps->tagged_tlb);
	KUNIT_EXPECT_TRUE(test, caps->unrestricted_guest);
}

static void svm_caps_full_set_accepted(struct kunit *test)
{
	struct mvm_caps caps = {};
	const char *why = svm_check_caps(&svm_full, &caps);

	KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
	svm_expect_base_caps(test, &caps);
	KUNIT_EXPECT_TRUE(test, caps.next_rip);
}

/* QEMU TCG's SVM: NP without NRIPS, and few ASIDs. */
static void svm_caps_no_nrips_accepted(struct kunit *test)
{
	struct svm_cap_regs r = svm_full;
	struct mvm_caps caps = { .next_rip = true };
	const char *why;

	r.features &= ~FEAT_NRIPS;
	r.nasid = 16;
	why = svm_check_caps(&r, &caps);
	KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
	svm_expect_base_caps(test, &caps);
	KUNIT_EXPECT_FALSE(test, caps.next_rip);
}

/* ASID 0 is the host's: two ASIDs are the fewest that leave one for guests. */
static void svm_caps_two_asids_accepted(struct kunit *test)
{
	struct svm_cap_regs r = svm_full;
	struct mvm_caps caps = {};
	const char *why;

	r.nasid = 2;
	why = svm_check_caps(&r, &caps);
	KUNIT_EXPECT_NULL_MSG(test, why, "refused: %s", why);
	svm_expect_base_caps(test, &caps);
}

struct svm_caps_refusal {
	const char *desc;
	struct svm_cap_regs regs;
	const char *reason;	/* a word the reason contains */
};

static const struct svm_caps_refusal svm_refusals[] = {
	{
		.desc	= "SVMDIS set by the firmware",
		.regs	= { .vm_cr = VM_CR_SVMDIS, .nasid = 32768,
			    .features = FEAT_NP | FEAT_NRIPS },
		.reason	= "SVMDIS",
	}, {
		.desc	= "no nested paging",
		.regs	= { .nasid = 32768, .features = FEAT_NRIPS },
		.reason	= "nested paging",
	}, {
		.desc	= "no ASIDs",
		.regs	= { .nasid = 0, .features = FEAT_NP | FEAT_NRIPS },
		.reason	= "ASID",
	}, {
		.desc	= "only the host's ASID",
		.regs	= { .nasid = 1, .features = FEAT_NP | FEAT_NRIPS },
		.reason	= "ASID",
	},
};

static void svm_refusal_desc(const struct svm_caps_refusal *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(svm_refusals, svm_refusals, svm_refusal_desc);

static void svm_caps_refused(struct kunit *test)
{
	const struct svm_caps_refusal *c = test->param_value;
	struct mvm_caps caps = {};
	const char *why = svm_check_caps(&c->regs, &caps);

	KUNIT_ASSERT_NOT_NULL_MSG(test, why, "accepted with %s", c->desc);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->reason),
				  "refused for another reason: \"%s\"", why);
	/* A refused CPU reports nothing. */
	KUNIT_EXPECT_FALSE(test, caps.nested_paging);
	KUNIT_EXPECT_FALSE(test, caps.tagged_tlb);
	KUNIT_EXPECT_FALSE(test, caps.unrestricted_guest);
	KUNIT_EXPECT_FALSE(test, caps.next_rip);
}

static struct kunit_case svm_caps_cases[] = {
	KUNIT_CASE(svm_caps_full_set_accepted),
	KUNIT_CASE(svm_caps_no_nrips_accepted),
	KUNIT_CASE(svm_caps_two_asids_accepted),
	KUNIT_CASE_PARAM(svm_caps_refused, svm_refusals_gen_params),
	{}
};

static struct kunit_suite svm_caps_suite = {
	.name = "minivmm_svm_caps",
	.test_cases = svm_caps_cases,
};

kunit_test_suite(svm_caps_suite);
