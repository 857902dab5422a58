// SPDX-License-Identifier: GPL-2.0
/*
 * Guests in each processor mode: started directly in 16-bit real mode,
 * 32-bit flat protected mode and 64-bit long mode (set up with
 * MINIVMM_SET_SREGS and, for long mode, page tables built by the test), and
 * one guest that starts at the reset vector and walks real -> protected ->
 * long mode itself.  Each guest does something whose result depends on the
 * mode actually being the one intended: real-mode segmentation, operand
 * sizes, and a store through a page-table alias.
 */
#include "kselftest_harness.h"

#include <sys/mman.h>

#include "minivmm_util.h"
#include "guest.h"

#define CR0_PE		(1ULL << 0)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

FIXTURE(modes) {
	struct guest g;
	void *reset_page;
};

FIXTURE_SETUP(modes)
{
	self->reset_page = MAP_FAILED;
	GUEST_OPEN(&self->g);
}

FIXTURE_TEARDOWN(modes)
{
	if (self->reset_page != MAP_FAILED)
		munmap(self->reset_page, 4096);
	guest_close(&self->g);
}

static uint64_t read64(struct guest *g, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, guest_gpa(g, gpa, 8), 8);
	return v;
}

/* guests/real16.S */
TEST_F(modes, real_mode)
{
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;
	struct minivmm_regs regs;

	GUEST_START(g, real16, GUEST_REAL);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 2);
	EXPECT_EQ(0x5678, guest_io_data(g));
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	/* DS = 0x2000: the store at DS:0x10 is at linear 0x20010. */
	EXPECT_EQ(0x1616, *(uint16_t *)guest_gpa(g, GUEST_DATA + 0x10, 2));
	GUEST_GET_SREGS(g, &sregs);
	EXPECT_EQ(GUEST_DATA >> 4, sregs.ds.selector);
	EXPECT_EQ(GUEST_DATA, sregs.ds.base);
	EXPECT_EQ(0, sregs.cr0 & CR0_PE);
	GUEST_GET_REGS(g, &regs);
	EXPECT_EQ(GUEST_CODE + GUEST_IMAGE(real16).end - GUEST_IMAGE(real16).start,
		  regs.rip);
}

/* guests/pm32.S */
TEST_F(modes, protected_mode)
{
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;

	GUEST_START(g, pm32, GUEST_PROT32);
	GUEST_RUN_REPORT(g, 0x32323232);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	EXPECT_EQ(0x32323232, *(uint32_t *)guest_gpa(g, GUEST_DATA, 4));
	GUEST_GET_SREGS(g, &sregs);
	EXPECT_EQ(CR0_PE, sregs.cr0 & (CR0_PE | CR0_PG));
	EXPECT_EQ(1, sregs.cs.db);
	EXPECT_EQ(SEL_CODE32, sregs.cs.selector);
}

/*
 * guests/lm64.S.  The 2 MiB page at virtual 2 MiB is made an alias of
 * guest-physical 0, so the guest's store to GUEST_DATA + 2 MiB lands at
 * GUEST_DATA only if the guest really translates through these tables.
 */
TEST_F(modes, long_mode)
{
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;
	uint64_t *pd;

	GUEST_START(g, lm64, GUEST_LONG64);
	pd = guest_gpa(g, GUEST_PD, 4096);
	pd[1] = pd[0];
	memset(guest_gpa(g, GUEST_DATA, 8), 0, 8);
	GUEST_RUN_REPORT(g, 0x64646464);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	EXPECT_EQ(0x6464646412345678ULL, read64(g, GUEST_DATA));
	GUEST_GET_SREGS(g, &sregs);
	EXPECT_EQ(EFER_LME | EFER_LMA, sregs.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(1, sregs.cs.l);
}

/*
 * guests/transitions.S, from the vCPU's reset state untouched: CS base
 * 0xffff0000, IP 0xfff0.  A page at the top of the 4 GiB holds the reset
 * vector, a far jump to 0:GUEST_CODE (SDM vol 3A 9.1.4, "First Instruction
 * Executed").  The test only writes the page tables the guest loads.
 */
TEST_F(modes, real_to_protected_to_long)
{
	static const uint8_t ljmp[] = { 0xea, GUEST_CODE & 0xff, GUEST_CODE >> 8, 0, 0 };
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;
	struct minivmm_regs regs;
	uint8_t *page;
	int r;

	GUEST_GET_REGS(g, &regs);
	ASSERT_EQ(0xfff0, regs.rip);
	GUEST_GET_SREGS(g, &sregs);
	ASSERT_EQ(0xffff0000, sregs.cs.base);

	self->reset_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->reset_page);
	page = self->reset_page;
	memset(page, 0xf4, 4096);		/* hlt */
	memcpy(page + 0xff0, ljmp, sizeof(ljmp));
	r = guest_set_slot(g->vm, 1, 0, 0xfffff000, 4096, page);
	ASSERT_EQ(0, r) TH_LOG("slot at the reset vector: %s", strerror(-r));

	ASSERT_EQ(0, guest_load(g, GUEST_IMAGE(transitions)));
	/* guest_set_mode() would write the tables; here the guest does the rest. */
	{
		uint64_t *pml4 = guest_gpa(g, GUEST_PML4, 4096);
		uint64_t *pdpt = guest_gpa(g, GUEST_PDPT, 4096);
		uint64_t *pd = guest_gpa(g, GUEST_PD, 4096);

		pml4[0] = GUEST_PDPT | 3;
		pdpt[0] = GUEST_PD | 3;
		pd[0] = 0x83;			/* 2 MiB at 0, present, writable */
	}

	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 2);
	EXPECT_EQ(16, guest_io_data(g));
	GUEST_RUN_REPORT(g, 32);
	GUEST_GET_SREGS(g, &sregs);
	EXPECT_EQ(CR0_PE, sregs.cr0 & (CR0_PE | CR0_PG));
	EXPECT_EQ(0x08, sregs.cs.selector);
	GUEST_RUN_REPORT(g, 64);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	EXPECT_EQ(0x0123456789abcdefULL, read64(g, GUEST_DATA));

	GUEST_GET_SREGS(g, &sregs);
	EXPECT_EQ(CR0_PE | CR0_PG, sregs.cr0 & (CR0_PE | CR0_PG));
	EXPECT_EQ(CR4_PAE, sregs.cr4 & CR4_PAE);
	EXPECT_EQ(EFER_LME | EFER_LMA, sregs.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(GUEST_PML4, sregs.cr3);
	EXPECT_EQ(0x18, sregs.cs.selector);
	EXPECT_EQ(1, sregs.cs.l);
	EXPECT_EQ(0x10, sregs.ss.selector);
}

TEST_HARNESS_MAIN
