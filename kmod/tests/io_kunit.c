// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for port I/O exits (kmod/io.c): what lands in the run page,
 * how IN data is merged into RAX, and how a rep INS/OUTS is cut into chunks
 * and walks RSI/RDI/RCX/RIP.  A fake vCPU (a zeroed struct and run page,
 * in a zeroed VM with no ioeventfd) is enough: none of these paths enters
 * a guest.  INS/OUTS needing guest memory, and ioeventfds, are covered by
 * the selftests.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../minivmm.h"

#define DATA(v)	((u8 *)(v)->run + MINIVMM_RUN_IO_DATA_OFFSET)
#define DF	(1ULL << 10)

static struct mvm_vcpu *fake_vcpu(struct kunit *test)
{
	struct mvm_vcpu *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	/* An OUT looks for an ioeventfd in the VM's (empty) list first. */
	v->vm = kunit_kzalloc(test, sizeof(*v->vm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v->vm);
	mvm_eventfd_init(v->vm);
	v->run = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v->run);
	v->rip = 0x1000;
	v->rflags = 2;
	return v;
}

/* Flat 32-bit, 16-bit real mode and 64-bit code segments. */
static void mode(struct minivmm_sregs *s, unsigned int abytes)
{
	memset(s, 0, sizeof(*s));
	if (abytes == 8) {
		s->efer = EFER_LMA | EFER_LME;
		s->cs.l = 1;
	} else if (abytes == 4) {
		s->cs.db = 1;
	}
}

static void io_out_fills_run_page(struct kunit *test)
{
	struct mvm_vcpu *v = fake_vcpu(test);

	v->regs[MVM_RAX] = 0x1122334455667788ULL;
	KUNIT_EXPECT_EQ(test, mvm_handle_io(v, 0x3f8, 2, false, false, false, 1), 0);
	KUNIT_EXPECT_EQ(test, v->run->exit_reason, (u32)MINIVMM_EXIT_IO);
	KUNIT_EXPECT_EQ(test, v->run->io.direction, (u8)MINIVMM_EXIT_IO_OUT);
	KUNIT_EXPECT_EQ(test, v->run->io.port, (u16)0x3f8);
	KUNIT_EXPECT_EQ(test, v->run->io.size, (u8)2);
	KUNIT_EXPECT_EQ(test, v->run->io.count, 1U);
	KUNIT_EXPECT_EQ(test, v->run->io.data_offset,
			(u64)MINIVMM_RUN_IO_DATA_OFFSET);
	KUNIT_EXPECT_EQ(test, DATA(v)[0], (u8)0x88);
	KUNIT_EXPECT_EQ(test, DATA(v)[1], (u8)0x77);
	KUNIT_EXPECT_EQ(test, DATA(v)[2], (u8)0);	/* only size bytes */
	/* RIP moves on only when the next RUN completes the OUT. */
	KUNIT_EXPECT_EQ(test, v->rip, 0x1000ULL);
	KUNIT_ASSERT_NOT_NULL(test, v->complete);
	KUNIT_EXPECT_EQ(test, v->complete(v), 1);
	KUNIT_EXPECT_EQ(test, v->rip, 0x1001ULL);
}

static void io_bad_size_is_internal_error(struct kunit *test)
{
	struct mvm_vcpu *v = fake_vcpu(test);

	KUNIT_EXPECT_EQ(test, mvm_handle_io(v, 0x80, 3, true, false, false, 1), 0);
	KUNIT_EXPECT_EQ(test, v->run->exit_reason,
			(u32)MINIVMM_EXIT_INTERNAL_ERROR);
	KUNIT_EXPECT_PTR_EQ(test, v->complete, (mvm_complete_fn)NULL);
}

/* IN of 1 and 2 bytes merges into RAX; 4 bytes zero-extends (SDM "IN"). */
static void io_in_merges_into_rax(struct kunit *test)
{
	static const struct { u8 size; u64 expect; } c[] = {
		{ 1, 0xffffffffffffffa5ULL },
		{ 2, 0xffffffffffffbaa5ULL },
		{ 4, 0x00000000fedcbaa5ULL },
	};
	struct mvm_vcpu *v;
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		v = fake_vcpu(test);
		v->regs[MVM_RAX] = ~0ULL;
		KUNIT_EXPECT_EQ(test, mvm_handle_io(v, 0x60, c[i].size, true,
						    false, false, 2), 0);
		KUNIT_EXPECT_EQ(test, v->run->io.direction, (u8)MINIVMM_EXIT_IO_IN);
		/* The VMM answers; bytes beyond size must be ignored. */
		memcpy(DATA(v), "\xa5\xba\xdc\xfe\x11\x22", 6);
		KUNIT_EXPECT_EQ(test, mvm_complete_pio_in(v), 1);
		KUNIT_EXPECT_EQ(test, v->regs[MVM_RAX], c[i].expect);
		KUNIT_EXPECT_EQ(test, v->rip, 0x1002ULL);
	}
}

/* rep ins with RCX = 0 does nothing but move RIP on. */
static void io_rep_zero_count(struct kunit *test)
{
	struct mvm_vcpu *v = fake_vcpu(test);
	struct minivmm_sregs s;

	mode(&s, 4);
	v->pending.size = 1;
	v->pending.insn_len = 2;
	v->regs[MVM_RCX] = 0xffffffff00000000ULL;	/* ECX = 0 in 32-bit */
	KUNIT_EXPECT_EQ(test, mvm_string_io(v, &s, true, true), 1);
	KUNIT_EXPECT_EQ(test, v->rip, 0x1002ULL);
}

/* A chunk stops at the end of the guest page and of the run page. */
static void io_rep_chunking(struct kunit *test)
{
	struct mvm_vcpu *v = fake_vcpu(test);
	struct minivmm_sregs s;

	mode(&s, 8);
	v->pending.size = 4;
	v->regs[MVM_RCX] = 100000;
	v->regs[MVM_RDI] = 0x2000 - 40;		/* 10 dwords to the page end */
	KUNIT_EXPECT_EQ(test, mvm_string_io(v, &s, true, true), 0);
	KUNIT_EXPECT_EQ(test, v->run->io.count, 10U);
	KUNIT_EXPECT_EQ(test, v->pending.gva, 0x2000ULL - 40);

	v = fake_vcpu(test);
	v->pending.size = 1;
	v->regs[MVM_RCX] = 100000;
	v->regs[MVM_RDI] = 0x3000;		/* a whole page ahead */
	KUNIT_EXPECT_EQ(test, mvm_string_io(v, &s, true, true), 0);
	KUNIT_EXPECT_EQ(test, v->run->io.count,
			(u32)(PAGE_SIZE - MINIVMM_RUN_IO_DATA_OFFSET));

	/* DF = 1: one element per exit. */
	v = fake_vcpu(test);
	v->rflags |= DF;
	v->pending.size = 2;
	v->regs[MVM_RCX] = 5;
	KUNIT_EXPECT_EQ(test, mvm_string_io(v, &s, true, true), 0);
	KUNIT_EXPECT_EQ(test, v->run->io.count, 1U);
}

/* ES base + DI, truncated to 32 bits outside long mode (SDM vol 1 3.4). */
static void io_string_segment_base(struct kunit *test)
{
	struct mvm_vcpu *v = fake_vcpu(test);
	struct minivmm_sregs s;

	mode(&s, 2);
	s.es.base = 0x12340;
	v->pending.size = 1;
	v->regs[MVM_RDI] = 0xdead0010;		/* only DI counts in 16-bit */
	KUNIT_EXPECT_EQ(test, mvm_string_io(v, &s, true, false), 0);
	KUNIT_EXPECT_EQ(test, v->pending.gva, 0x12350ULL);
	KUNIT_EXPECT_EQ(test, v->run->io.count, 1U);
}

static void io_string_advance(struct kunit *test)
{
	struct mvm_vcpu *v = fake_vcpu(test);

	/* 64-bit rep outsw: 10 of 30 done, RIP stays. */
	v->pending.size = 2;
	v->pending.count = 10;
	v->pending.addr_bytes = 8;
	v->pending.rep = true;
	v->pending.insn_len = 3;
	v->regs[MVM_RCX] = 30;
	v->regs[MVM_RSI] = 0x5000;
	mvm_string_advance(v, MVM_RSI);
	KUNIT_EXPECT_EQ(test, v->regs[MVM_RSI], 0x5014ULL);
	KUNIT_EXPECT_EQ(test, v->regs[MVM_RCX], 20ULL);
	KUNIT_EXPECT_EQ(test, v->rip, 0x1000ULL);

	/* The last 20: RCX reaches 0 and RIP moves on. */
	v->pending.count = 20;
	mvm_string_advance(v, MVM_RSI);
	KUNIT_EXPECT_EQ(test, v->regs[MVM_RCX], 0ULL);
	KUNIT_EXPECT_EQ(test, v->rip, 0x1003ULL);

	/* 16-bit, DF = 1: SI wraps within 16 bits, upper bits kept. */
	v = fake_vcpu(test);
	v->rflags |= DF;
	v->pending.size = 1;
	v->pending.count = 1;
	v->pending.addr_bytes = 2;
	v->pending.rep = true;
	v->pending.insn_len = 2;
	v->regs[MVM_RSI] = 0xabcd0000;
	v->regs[MVM_RCX] = 0x77770002;
	mvm_string_advance(v, MVM_RSI);
	KUNIT_EXPECT_EQ(test, v->regs[MVM_RSI], 0xabcdffffULL);
	KUNIT_EXPECT_EQ(test, v->regs[MVM_RCX], 0x77770001ULL);
	KUNIT_EXPECT_EQ(test, v->rip, 0x1000ULL);

	/* 32-bit address size zero-extends the registers it writes. */
	v = fake_vcpu(test);
	v->pending.size = 4;
	v->pending.count = 1;
	v->pending.addr_bytes = 4;
	v->pending.rep = false;
	v->pending.insn_len = 1;
	v->regs[MVM_RDI] = 0xffffffff00000010ULL;
	mvm_string_advance(v, MVM_RDI);
	KUNIT_EXPECT_EQ(test, v->regs[MVM_RDI], 0x14ULL);
	KUNIT_EXPECT_EQ(test, v->rip, 0x1001ULL);
}

static struct kunit_case io_cases[] = {
	KUNIT_CASE(io_out_fills_run_page),
	KUNIT_CASE(io_bad_size_is_internal_error),
	KUNIT_CASE(io_in_merges_into_rax),
	KUNIT_CASE(io_rep_zero_count),
	KUNIT_CASE(io_rep_chunking),
	KUNIT_CASE(io_string_segment_base),
	KUNIT_CASE(io_string_advance),
	{}
};

static struct kunit_suite io_suite = {
	.name = "minivmm_io",
	.test_cases = io_cases,
};
kunit_test_suite(io_suite);
