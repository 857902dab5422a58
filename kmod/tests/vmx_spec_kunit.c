// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivmm_vmx_spec: how often vmx/spec.c flushes the L1D before
 * VM entry, from the host's L1TF state, ARCH_CAPABILITIES and the kernel's
 * mitigation mode, and which exits may skip the conditional flush.  The
 * expected modes are those of the kernel's own KVM with
 * vmentry_l1d_flush=auto (Documentation/admin-guide/hw-vuln/l1tf.rst,
 * "Mitigation control for KVM"); the bit and exit numbers are the SDM's,
 * written out here.
 */
#include <kunit/test.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "../vmx/vmx.h"

/* IA32_ARCH_CAPABILITIES bit 3, SKIP_L1DFL_VMENTRY (SDM Vol. 4 2.1). */
#define CAPS_SKIP_L1DFL		BIT_ULL(3)

struct l1d_case {
	const char *name;
	bool bug;
	u64 caps;
	enum l1tf_mitigations host;
	enum vmx_l1d_flush_state want;
};

static const struct l1d_case l1d_cases[] = {
	{ "not affected", false, 0, L1TF_MITIGATION_FLUSH,
	  VMENTER_L1D_FLUSH_NOT_REQUIRED },
	{ "not affected, full", false, 0, L1TF_MITIGATION_FULL_FORCE,
	  VMENTER_L1D_FLUSH_NOT_REQUIRED },
	{ "ARCH_CAPABILITIES says skip", true, CAPS_SKIP_L1DFL,
	  L1TF_MITIGATION_FULL, VMENTER_L1D_FLUSH_NOT_REQUIRED },
	{ "other ARCH_CAPABILITIES bits", true, ~CAPS_SKIP_L1DFL,
	  L1TF_MITIGATION_FLUSH, VMENTER_L1D_FLUSH_COND },
	{ "l1tf=off", true, 0, L1TF_MITIGATION_OFF, VMENTER_L1D_FLUSH_NEVER },
	{ "l1tf=flush,nowarn", true, 0, L1TF_MITIGATION_FLUSH_NOWARN,
	  VMENTER_L1D_FLUSH_COND },
	{ "l1tf=flush (default)", true, 0, L1TF_MITIGATION_FLUSH,
	  VMENTER_L1D_FLUSH_COND },
	{ "l1tf=flush,nosmt", true, 0, L1TF_MITIGATION_FLUSH_NOSMT,
	  VMENTER_L1D_FLUSH_COND },
	{ "l1tf=full", true, 0, L1TF_MITIGATION_FULL, VMENTER_L1D_FLUSH_ALWAYS },
	{ "l1tf=full,force", true, 0, L1TF_MITIGATION_FULL_FORCE,
	  VMENTER_L1D_FLUSH_ALWAYS },
};

static void l1d_case_desc(const struct l1d_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(l1d, l1d_cases, l1d_case_desc);

static void vmx_l1d_mode(struct kunit *test)
{
	const struct l1d_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vmx_l1d_flush_mode(c->bug, c->caps, c->host),
			c->want);
}

/* Basic exit reasons, SDM Vol. 3D Appendix C. */
static void vmx_l1d_fast_exits(struct kunit *test)
{
	static const u16 keep[] = { 10 /* CPUID */, 31 /* RDMSR */,
				    32 /* WRMSR */, 48 /* EPT violation: RAM */,
				    52 /* preemption timer */, 55 /* XSETBV */ };
	static const u16 flush[] = { 0 /* exception or NMI */,
				     1 /* external interrupt */,
				     2 /* triple fault */, 12 /* HLT */,
				     28 /* CR access */, 30 /* I/O */,
				     49 /* EPT misconfiguration */,
				     54 /* WBINVD */, 65535 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keep); i++)
		KUNIT_EXPECT_TRUE_MSG(test, vmx_exit_keeps_l1d(keep[i]),
				      "exit %u", keep[i]);
	for (i = 0; i < ARRAY_SIZE(flush); i++)
		KUNIT_EXPECT_FALSE_MSG(test, vmx_exit_keeps_l1d(flush[i]),
				       "exit %u", flush[i]);
}

static struct kunit_case vmx_spec_cases[] = {
	KUNIT_CASE_PARAM(vmx_l1d_mode, l1d_gen_params),
	KUNIT_CASE(vmx_l1d_fast_exits),
	{}
};

static struct kunit_suite vmx_spec_suite = {
	.name = "minivmm_vmx_spec",
	.test_cases = vmx_spec_cases,
};

kunit_test_suite(vmx_spec_suite);
