// SPDX-License-Identifier: GPL-2.0
/*
 * The host survives what the guest does to the MSRs it is allowed to
 * write (HARDENING.md rows 1 and 2), with guests/msr.S in 64-bit mode:
 *
 *  - host_state_survives: the guest writes hostile values to every
 *    syscall, segment-base and SYSENTER MSR minivmm lets it write (the
 *    ones some backend passes through to hardware among them).  After each
 *    RUN this thread and a forked child make system calls and use
 *    thread-local storage (FS base): a guest value left in the hardware
 *    would crash or corrupt them, so the test would die, not pass.
 *  - non_canonical_refused: a non-canonical address for an address MSR is
 *    refused by MINIVMM_SET_MSRS and the MSR keeps its old value
 *    (CVE-2014-3610 crashed a host with such a value).  Guest WRMSRs of
 *    these MSRs either exit to the same checks (msr.c, the backends'
 *    set_msr) or, where a backend passes the MSR through, are checked by
 *    the CPU itself; which depends on the backend, so only the shared
 *    check is tested here.
 */
#include "kselftest_harness.h"

#include <sys/syscall.h>
#include <sys/wait.h>

#include "minivmm_util.h"
#include "guest.h"

#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#define NON_CANONICAL		0x8000000000001000ULL

/* Values no host could run with: a syscall would jump to nowhere. */
static const struct {
	uint32_t index;
	uint64_t value;
} hostile[] = {
	{ MSR_LSTAR,		0xffff800000001000ULL },
	{ MSR_CSTAR,		0xffff800000002000ULL },
	{ MSR_STAR,		0x0013000800000000ULL },
	{ MSR_SFMASK,		0x0ULL },
	{ MSR_KERNEL_GS_BASE,	0x00007f0000003000ULL },
	{ MSR_FS_BASE,		0x00007f0000004000ULL },
	{ MSR_GS_BASE,		0xffff800000005000ULL },
	{ MSR_SYSENTER_CS,	0x8 },
	{ MSR_SYSENTER_ESP,	0xffff800000006000ULL },
	{ MSR_SYSENTER_EIP,	0xffff800000007000ULL },
};

static __thread volatile uint64_t tls_canary = 0x1234567890abcdefULL;

FIXTURE(hard) {
	struct guest g;
};

FIXTURE_SETUP(hard)
{
	GUEST_OPEN(&self->g);
}

FIXTURE_TEARDOWN(hard)
{
	guest_close(&self->g);
}

/* Point the guest at its WRMSR (the start of guests/msr.S) with ECX/EDX:EAX. */
static void set_wrmsr(struct __test_metadata *_metadata, struct guest *g,
		      uint64_t rip, uint32_t index, uint64_t value)
{
	struct minivmm_regs regs;

	GUEST_GET_REGS(g, &regs);
	regs.rip = rip;
	regs.rcx = index;
	regs.rax = (uint32_t)value;
	regs.rdx = value >> 32;
	GUEST_SET_REGS(g, &regs);
}

/* System calls and TLS in this thread and in a new process. */
static void host_still_works(struct __test_metadata *_metadata, uint32_t index)
{
	pid_t child;
	int status;

	EXPECT_EQ(getpid(), (pid_t)syscall(SYS_getpid)) TH_LOG("after MSR %#x", index);
	EXPECT_EQ(0x1234567890abcdefULL, tls_canary) TH_LOG("TLS after MSR %#x", index);
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(syscall(SYS_getppid) > 0 && tls_canary == 0x1234567890abcdefULL ?
		      0 : 1);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("child after MSR %#x: status %#x", index, status);
}

TEST_F(hard, host_state_survives)
{
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t start, v;
	unsigned int i;

	GUEST_START(g, msr, GUEST_LONG64);
	GUEST_GET_REGS(g, &regs);
	start = regs.rip;
	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		set_wrmsr(_metadata, g, start, hostile[i].index, hostile[i].value);
		/* The guest reads its value back before it halts. */
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
		GUEST_GET_REGS(g, &regs);
		EXPECT_EQ((uint32_t)hostile[i].value, (uint32_t)regs.rax)
			TH_LOG("MSR %#x low", hostile[i].index);
		EXPECT_EQ(hostile[i].value >> 32, (uint32_t)regs.rdx)
			TH_LOG("MSR %#x high", hostile[i].index);
		ASSERT_EQ(1, guest_get_msr(g, hostile[i].index, &v));
		EXPECT_EQ(hostile[i].value, v) TH_LOG("MSR %#x", hostile[i].index);
		host_still_works(_metadata, hostile[i].index);
	}
}

TEST_F(hard, non_canonical_refused)
{
	static const uint32_t addr_msrs[] = {
		MSR_LSTAR, MSR_CSTAR, MSR_FS_BASE, MSR_GS_BASE,
		MSR_KERNEL_GS_BASE, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
	};
	struct guest *g = &self->g;
	uint64_t before, v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(addr_msrs); i++) {
		ASSERT_EQ(1, guest_get_msr(g, addr_msrs[i], &before));
		/* Processing stops at the refused entry: 0 done. */
		EXPECT_EQ(0, guest_set_msr(g, addr_msrs[i], NON_CANONICAL))
			TH_LOG("SET_MSRS %#x accepted a non-canonical value", addr_msrs[i]);
		ASSERT_EQ(1, guest_get_msr(g, addr_msrs[i], &v));
		EXPECT_EQ(before, v) TH_LOG("MSR %#x changed", addr_msrs[i]);
		/* A canonical value is still taken. */
		EXPECT_EQ(1, guest_set_msr(g, addr_msrs[i], 0xffff800000008000ULL))
			TH_LOG("MSR %#x", addr_msrs[i]);
	}
}

TEST_HARNESS_MAIN
