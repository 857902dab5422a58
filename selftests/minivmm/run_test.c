// SPDX-License-Identifier: GPL-2.0
/*
 * MINIVMM_RUN and its exits, one kind at a time, with small guests from
 * guests/NAME.S: port I/O of each size and direction (an IN completes into
 * RAX on the next RUN), rep outsb/insb with a count, MMIO reads and writes
 * of 1 to 8 bytes to an address with no slot (a read completes into the
 * destination register), HLT, a triple fault (SHUTDOWN), a guest state the
 * hardware refuses (FAIL_ENTRY), CPUID and MSRs handled in the kernel (an
 * unknown MSR is a #GP in the guest), the local APIC bits of a VM without
 * an irqchip, the time leaves against the TSC rate measured here, a
 * spinning guest stopped by a signal, immediate_exit, and the exit rates of
 * a CPUID and an OUT loop.
 */
#include "kselftest_harness.h"

#include <math.h>
#include <sched.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <x86intrin.h>

#include "minivmm_util.h"
#include "guest.h"

#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
/* No CPU or hypervisor defines it; minivmm must answer #GP. */
#define MSR_UNKNOWN	0xdeadbeef

/* Exit-rate loops: small, each exit costs ~90 us in QEMU TCG, more in Bochs. */
#define BENCH_CPUID	4000
#define BENCH_OUT	2000

FIXTURE(run) {
	struct guest g;
};

FIXTURE_SETUP(run)
{
	GUEST_OPEN(&self->g);
}

FIXTURE_TEARDOWN(run)
{
	guest_close(&self->g);
}

static const char *mode_name(enum guest_mode mode)
{
	return mode == GUEST_REAL ? "real" : mode == GUEST_PROT32 ? "prot32" : "long64";
}

/* guests/io_out.S, in order. */
static const struct {
	uint16_t port;
	uint8_t size;
	uint32_t value;
} io_out_table[] = {
	{ PORT_OUT8, 1, 0x5a },
	{ PORT_OUT8, 2, 0xbeef },
	{ PORT_OUT8, 4, 0xcafef00d },
	{ PORT_OUT_DX, 1, 0xa5 },
	{ PORT_OUT_DX, 2, 0x1234 },
	{ PORT_OUT_DX, 4, 0x89abcdef },
};

TEST_F(run, io_out)
{
	static const enum guest_mode modes[] = { GUEST_PROT32, GUEST_LONG64 };
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	size_t m, i;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		TH_LOG("mode %s", mode_name(modes[m]));
		GUEST_START(g, io_out, modes[m]);
		for (i = 0; i < ARRAY_SIZE(io_out_table); i++) {
			GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, io_out_table[i].port,
				     io_out_table[i].size);
			ASSERT_EQ(MINIVMM_RUN_IO_DATA_OFFSET, g->run->io.data_offset);
			EXPECT_EQ(io_out_table[i].value, guest_io_data(g))
				TH_LOG("OUT #%zu", i);
		}
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
		GUEST_GET_REGS(g, &regs);
		/* RIP is past the HLT, the last byte of the image. */
		EXPECT_EQ(GUEST_CODE + (GUEST_IMAGE(io_out).end -
					GUEST_IMAGE(io_out).start), regs.rip);
	}
}

/*
 * guests/io_out.S stopped at its first OUT, then the VMM restarts it at its
 * first instruction.  The OUT it left behind must not complete on the next
 * RUN (that would move the new RIP on by the OUT's length and start the
 * guest mid-instruction): the guest runs from exactly where it was put, as
 * with KVM, and so gives the first OUT again.  It once did not: a second
 * run of a guest after a report started two bytes in.
 */
TEST_F(run, out_then_rip_moved)
{
	struct guest *g = &self->g;
	struct minivmm_regs regs;

	GUEST_START(g, io_out, GUEST_PROT32);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, io_out_table[0].port,
		     io_out_table[0].size);
	GUEST_GET_REGS(g, &regs);
	regs.rip = GUEST_CODE;
	regs.rax = 0;
	GUEST_SET_REGS(g, &regs);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, io_out_table[0].port,
		     io_out_table[0].size);
	EXPECT_EQ(io_out_table[0].value, guest_io_data(g));
	/* Left alone this time, it completes and goes on to the next one. */
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, io_out_table[1].port,
		     io_out_table[1].size);
	EXPECT_EQ(io_out_table[1].value, guest_io_data(g));
}

/* guests/io_in.S: each IN then HLT; RAX is set before each IN. */
TEST_F(run, io_in)
{
	static const struct {
		uint8_t size;
		uint16_t port;
		uint32_t data;
		uint64_t rax_before, rax_after;
	} t[] = {
		{ 1, PORT_OUT8, 0xd1, 0x1122334455667788ULL, 0x11223344556677d1ULL },
		{ 2, PORT_OUT8, 0xd2d3, 0x1122334455667788ULL, 0x112233445566d2d3ULL },
		{ 4, PORT_OUT8, 0xd4d5d6d7, 0x1122334455667788ULL, 0xd4d5d6d7ULL },
		{ 1, PORT_OUT_DX, 0xe1, 0xffffffffffffffffULL, 0xffffffffffffffe1ULL },
		{ 2, PORT_OUT_DX, 0xe2e3, 0xffffffffffffffffULL, 0xffffffffffffe2e3ULL },
		{ 4, PORT_OUT_DX, 0xe4e5e6e7, 0xffffffffffffffffULL, 0xe4e5e6e7ULL },
	};
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t hlt_rip;
	size_t i;

	GUEST_START(g, io_in, GUEST_LONG64);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		GUEST_GET_REGS(g, &regs);
		regs.rax = t[i].rax_before;
		GUEST_SET_REGS(g, &regs);
		GUEST_RUN_IO(g, MINIVMM_EXIT_IO_IN, t[i].port, t[i].size);
		ASSERT_EQ(MINIVMM_RUN_IO_DATA_OFFSET, g->run->io.data_offset);
		guest_set_io_data(g, t[i].data);
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
		GUEST_GET_REGS(g, &regs);
		EXPECT_EQ(t[i].rax_after, regs.rax) TH_LOG("IN #%zu, size %u", i, t[i].size);
		/* HLT leaves RIP past itself, and it is 0xf4. */
		hlt_rip = regs.rip - 1;
		ASSERT_NE(NULL, guest_gpa(g, hlt_rip, 1));
		EXPECT_EQ(0xf4, *(uint8_t *)guest_gpa(g, hlt_rip, 1))
			TH_LOG("RIP %#llx after HLT #%zu", regs.rip, i);
	}
}

/*
 * guests/ins_straddle.S: INS of a dword at virtual 0x200ffe.  The test maps
 * virtual 0x200000 to GPA 0x30000 and 0x201000 to GPA 0x50000 with a 4 KiB
 * page table, so the first two bytes belong at GPA 0x30ffe and the last
 * two at GPA 0x50000, not at 0x31000.
 */
TEST_F(run, ins_straddles_pages)
{
	struct guest *g = &self->g;
	uint64_t *pd, *pt;
	uint8_t *lo, *hi, *next;

	GUEST_START(g, ins_straddle, GUEST_LONG64);
	pd = guest_gpa(g, GUEST_PD, 8 * 2);
	pt = guest_gpa(g, GUEST_DATA + 0x1000, 0x1000);
	ASSERT_TRUE(pd && pt);
	memset(pt, 0, 0x1000);
	pt[0] = 0x30000 | 3;			/* present, writable */
	pt[1] = 0x50000 | 3;
	pd[1] = (GUEST_DATA + 0x1000) | 3;	/* 2 MiB..4 MiB: 4 KiB pages */
	lo = guest_gpa(g, 0x30ffe, 2);
	next = guest_gpa(g, 0x31000, 2);
	hi = guest_gpa(g, 0x50000, 2);
	ASSERT_TRUE(lo && next && hi);
	memset(lo, 0, 2);
	memset(next, 0, 2);
	memset(hi, 0, 2);

	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_IO);
	EXPECT_EQ(MINIVMM_EXIT_IO_IN, g->run->io.direction);
	ASSERT_EQ(4, g->run->io.size);
	ASSERT_EQ(1, g->run->io.count);
	guest_set_io_data(g, 0x44434241);	/* "ABCD" */
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);

	EXPECT_EQ(0, memcmp(lo, "AB", 2)) TH_LOG("GPA 0x30ffe: %.2s", lo);
	EXPECT_EQ(0, memcmp(hi, "CD", 2)) TH_LOG("GPA 0x50000: %.2s", hi);
	EXPECT_EQ(0, next[0] | next[1])
		TH_LOG("the second half went to GPA 0x31000, the next physical page");
}

/* guests/rep_io.S: rep outsb of a 16-byte message, rep insb of 16 bytes. */
TEST_F(run, rep_outsb_insb)
{
	static const enum guest_mode modes[] = { GUEST_PROT32, GUEST_LONG64 };
	static const char msg[] = "rep outsb: 16 B!";
	static const char in[] = "0123456789abcdef";
	struct guest_image img = GUEST_IMAGE(rep_io);
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t msg_gpa;
	uint8_t *buf;
	size_t m;

	buf = memmem(img.start, img.end - img.start, msg, 16);
	ASSERT_NE(NULL, buf);
	msg_gpa = GUEST_CODE + (buf - img.start);

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		TH_LOG("mode %s", mode_name(modes[m]));
		GUEST_START(g, rep_io, modes[m]);
		memset(guest_gpa(g, GUEST_DATA, 16), 0, 16);

		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_IO);
		EXPECT_EQ(MINIVMM_EXIT_IO_OUT, g->run->io.direction);
		EXPECT_EQ(PORT_STRING, g->run->io.port);
		EXPECT_EQ(1, g->run->io.size);
		ASSERT_EQ(16, g->run->io.count) guest_dump(g);
		buf = guest_io_buf(g);
		ASSERT_NE(NULL, buf) TH_LOG("data_offset %llu",
					    (unsigned long long)g->run->io.data_offset);
		EXPECT_EQ(0, memcmp(buf, msg, 16))
			TH_LOG("rep outsb data: %.16s", buf);

		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
		GUEST_GET_REGS(g, &regs);
		EXPECT_EQ(0, regs.rcx);
		EXPECT_EQ(msg_gpa + 16, regs.rsi);

		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_IO);
		EXPECT_EQ(MINIVMM_EXIT_IO_IN, g->run->io.direction);
		EXPECT_EQ(PORT_STRING, g->run->io.port);
		EXPECT_EQ(1, g->run->io.size);
		ASSERT_EQ(16, g->run->io.count) guest_dump(g);
		buf = guest_io_buf(g);
		ASSERT_NE(NULL, buf);
		memcpy(buf, in, 16);

		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
		GUEST_GET_REGS(g, &regs);
		EXPECT_EQ(0, regs.rcx);
		EXPECT_EQ(GUEST_DATA + 16, regs.rdi);
		EXPECT_EQ(0, memcmp(guest_gpa(g, GUEST_DATA, 16), in, 16))
			TH_LOG("guest memory after rep insb: %.16s",
			       (char *)guest_gpa(g, GUEST_DATA, 16));
	}
}

/* guests/mmio.S: four writes, then four reads into CL, DX, ESI, R9. */
TEST_F(run, mmio)
{
	static const struct {
		uint64_t offset;
		uint32_t len;
		uint64_t value;
	} writes[] = {
		{ 0x00, 1, 0x11 },
		{ 0x10, 2, 0x2233 },
		{ 0x20, 4, 0x44556677 },
		{ 0x30, 8, 0x8899aabbccddeeffULL },
	}, reads[] = {
		{ 0x40, 1, 0xc1 },
		{ 0x50, 2, 0xd1d2 },
		{ 0x60, 4, 0xe1e2e3e4 },
		{ 0x70, 8, 0xf1f2f3f4f5f6f7f8ULL },
	};
	const uint64_t fill = 0xaaaaaaaaaaaaaaaaULL;
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t data;
	size_t i;

	GUEST_START(g, mmio, GUEST_LONG64);
	GUEST_GET_REGS(g, &regs);
	regs.rcx = regs.rdx = regs.rsi = regs.r9 = fill;
	GUEST_SET_REGS(g, &regs);

	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
		EXPECT_EQ(GUEST_MMIO + writes[i].offset, g->run->mmio.phys_addr);
		EXPECT_EQ(writes[i].len, g->run->mmio.len);
		EXPECT_EQ(1, g->run->mmio.is_write);
		data = 0;
		memcpy(&data, g->run->mmio.data, writes[i].len);
		EXPECT_EQ(writes[i].value, data) TH_LOG("write #%zu", i);
	}
	for (i = 0; i < ARRAY_SIZE(reads); i++) {
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
		EXPECT_EQ(GUEST_MMIO + reads[i].offset, g->run->mmio.phys_addr);
		EXPECT_EQ(reads[i].len, g->run->mmio.len);
		EXPECT_EQ(0, g->run->mmio.is_write);
		memcpy(g->run->mmio.data, &reads[i].value, 8);
	}
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	GUEST_GET_REGS(g, &regs);
	/* 8- and 16-bit loads keep the rest; a 32-bit one zero-extends. */
	EXPECT_EQ(0xaaaaaaaaaaaaaac1ULL, regs.rcx);
	EXPECT_EQ(0xaaaaaaaaaaaad1d2ULL, regs.rdx);
	EXPECT_EQ(0xe1e2e3e4ULL, regs.rsi);
	EXPECT_EQ(0xf1f2f3f4f5f6f7f8ULL, regs.r9);
}

/* guests/triple_fault.S with an IDT that cannot deliver anything. */
TEST_F(run, triple_fault_shutdown)
{
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;

	GUEST_START(g, triple_fault, GUEST_PROT32);
	GUEST_GET_SREGS(g, &sregs);
	sregs.idt.limit = 0;
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_SREGS, &sregs))
		TH_LOG("MINIVMM_SET_SREGS: %s", strerror(errno));
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_SHUTDOWN);
}

/*
 * CS.L and CS.D both set in IA-32e mode: the kernel leaves segment
 * attributes to the hardware, and both refuse it at entry (SDM vol 3C
 * 26.3.1.2, "CS ... If the guest will be in IA-32e mode and the L bit is
 * 1, the D bit must be 0"; APM vol 2 15.5.1, "EFER.LME, CR0.PG, CR4.PAE,
 * CS.L, and CS.D are all non-zero" is an illegal VMRUN state).
 */
TEST_F(run, fail_entry)
{
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);

	GUEST_START(g, spin, GUEST_LONG64);
	GUEST_GET_SREGS(g, &sregs);
	sregs.cs.db = 1;
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_SREGS, &sregs))
		TH_LOG("MINIVMM_SET_SREGS refused CS.L = CS.D = 1: %s; "
		       "the test needs a state only the hardware refuses",
		       strerror(errno));
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_FAIL_ENTRY);
	EXPECT_NE(0, g->run->fail_entry.hardware_entry_failure_reason);
	EXPECT_GT(ncpus, (long)g->run->fail_entry.cpu);
	TH_LOG("hardware reason %#llx on CPU %u",
	       (unsigned long long)g->run->fail_entry.hardware_entry_failure_reason,
	       g->run->fail_entry.cpu);
}

/* The supported table, or an ASSERT. */
static struct minivmm_cpuid2 *supported_cpuid(struct __test_metadata *_metadata,
					      int sys)
{
	struct minivmm_cpuid2 *c;
	size_t size = sizeof(*c) + MINIVMM_MAX_CPUID_ENTRIES * sizeof(c->entries[0]);

	c = calloc(1, size);
	ASSERT_NE(NULL, c);
	c->nent = MINIVMM_MAX_CPUID_ENTRIES;
	ASSERT_EQ(0, ioctl(sys, MINIVMM_GET_SUPPORTED_CPUID, c))
		TH_LOG("MINIVMM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	return c;
}

static struct minivmm_cpuid_entry2 *find_leaf(struct minivmm_cpuid2 *c,
					      uint32_t function)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == function && c->entries[i].index == 0)
			return &c->entries[i];
	return NULL;
}

/* guests/cpuid.S: CPUID with the test's EAX and ECX, then HLT. */
static void guest_cpuid(struct __test_metadata *_metadata, struct guest *g,
			uint32_t leaf, struct minivmm_regs *regs)
{
	GUEST_START(g, cpuid, GUEST_PROT32);
	GUEST_GET_REGS(g, regs);
	regs->rax = leaf;
	regs->rcx = 0;
	GUEST_SET_REGS(g, regs);
	/* The first exit to userspace is the HLT: CPUID stayed in the kernel. */
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	GUEST_GET_REGS(g, regs);
}

/* Leaf 1: x2APIC, TSC-deadline (ECX), APIC (EDX). */
#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_EDX_APIC	(1u << 9)

TEST_F(run, cpuid_in_kernel)
{
	struct minivmm_cpuid2 *sup = supported_cpuid(_metadata, self->g.sys);
	struct minivmm_cpuid_entry2 *leaf0 = find_leaf(sup, 0);
	struct minivmm_cpuid_entry2 *leaf1 = find_leaf(sup, 1);
	struct minivmm_regs regs;

	ASSERT_NE(NULL, leaf0);
	ASSERT_NE(NULL, leaf1);

	guest_cpuid(_metadata, &self->g, 0, &regs);
	EXPECT_EQ(leaf0->eax, (uint32_t)regs.rax);
	EXPECT_EQ(leaf0->ebx, (uint32_t)regs.rbx);	/* the vendor string */
	EXPECT_EQ(leaf0->ecx, (uint32_t)regs.rcx);
	EXPECT_EQ(leaf0->edx, (uint32_t)regs.rdx);

	guest_cpuid(_metadata, &self->g, 1, &regs);
	EXPECT_EQ(leaf1->eax, (uint32_t)regs.rax);	/* family, model, stepping */
	EXPECT_TRUE(regs.rcx & (1u << 31))
		TH_LOG("leaf 1 ECX %#llx: no hypervisor bit", regs.rcx);
	free(sup);
}

/* A bit cleared with SET_CPUID2 is cleared for the guest. */
TEST_F(run, cpuid_set_cpuid2)
{
	struct minivmm_cpuid2 *c = supported_cpuid(_metadata, self->g.sys);
	struct minivmm_cpuid_entry2 *leaf1 = find_leaf(c, 1);
	struct minivmm_regs regs;
	uint32_t edx_bit;

	ASSERT_NE(NULL, leaf1);
	/* FPU (EDX bit 0) is on every x86-64 CPU, and static. */
	edx_bit = 1u << 0;
	ASSERT_TRUE(leaf1->edx & edx_bit);
	leaf1->edx &= ~edx_bit;
	leaf1->ecx &= ~(1u << 31);	/* the kernel sets it back */
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_CPUID2, c))
		TH_LOG("MINIVMM_SET_CPUID2: %s", strerror(errno));

	guest_cpuid(_metadata, &self->g, 1, &regs);
	EXPECT_FALSE(regs.rdx & edx_bit) TH_LOG("leaf 1 EDX %#llx", regs.rdx);
	EXPECT_TRUE(regs.rcx & (1u << 31)) TH_LOG("leaf 1 ECX %#llx", regs.rcx);
	EXPECT_EQ(leaf1->eax, (uint32_t)regs.rax);
	free(c);
}

/*
 * The supported table offers the three local APIC bits (the in-kernel APIC
 * emulates them), but a VM without MINIVMM_CREATE_IRQCHIP has no APIC: its
 * guest reads them as 0, with or without a SET_CPUID2 table that has them.
 */
TEST_F(run, cpuid_apic_bits_without_irqchip)
{
	struct minivmm_cpuid2 *c = supported_cpuid(_metadata, self->g.sys);
	struct minivmm_cpuid_entry2 *leaf1 = find_leaf(c, 1);
	struct minivmm_regs regs;
	int pass;

	ASSERT_NE(NULL, leaf1);
	EXPECT_TRUE(leaf1->ecx & CPUID_1_ECX_X2APIC);
	EXPECT_TRUE(leaf1->ecx & CPUID_1_ECX_TSC_DEADLINE);
	EXPECT_TRUE(leaf1->edx & CPUID_1_EDX_APIC);
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_CPUID2, c))
				TH_LOG("MINIVMM_SET_CPUID2: %s", strerror(errno));
		guest_cpuid(_metadata, &self->g, 1, &regs);
		EXPECT_FALSE(regs.rcx & (CPUID_1_ECX_X2APIC |
					 CPUID_1_ECX_TSC_DEADLINE))
			TH_LOG("pass %d: leaf 1 ECX %#llx", pass, regs.rcx);
		EXPECT_FALSE(regs.rdx & CPUID_1_EDX_APIC)
			TH_LOG("pass %d: leaf 1 EDX %#llx", pass, regs.rdx);
		/* Everything else of the leaf is there. */
		EXPECT_EQ(leaf1->edx & ~CPUID_1_EDX_APIC, (uint32_t)regs.rdx);
	}
	free(c);
}

/*
 * The host's TSC rate, measured against CLOCK_MONOTONIC over about 200 ms
 * on one CPU.  The guest's TSC is the host's plus an offset, so it counts
 * at this rate too.  0 if the clock fails.
 */
static double host_tsc_hz(void)
{
	struct timespec t0, t1, pause = { 0, 200 * 1000 * 1000 };
	uint64_t c0, c1;
	cpu_set_t set;
	double dt;
	int cpu = sched_getcpu();

	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t0))
		return 0;
	c0 = __rdtsc();
	while (nanosleep(&pause, &pause) && errno == EINTR)
		;
	c1 = __rdtsc();
	if (clock_gettime(CLOCK_MONOTONIC, &t1))
		return 0;
	dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return dt > 0 ? (c1 - c0) / dt : 0;
}

#define CLOCKSOURCES	"/sys/devices/system/clocksource/clocksource0/available_clocksource"

/* Whether the host kernel has a "tsc" clocksource, which needs tsc_khz. */
static bool host_has_tsc_clocksource(void)
{
	char buf[512];

	if (mvm_read_file(CLOCKSOURCES, buf, sizeof(buf)) < 0)
		return false;
	return strstr(buf, "tsc") != NULL;
}

/*
 * The time leaves, read by a guest: 0x15's crystal is the APIC timer's
 * 1 GHz; its ratio EBX/EAX fits the 32-bit arithmetic a Linux guest does
 * (crystal kHz * EBX) and gives the TSC rate 0x40000010 EAX states in kHz,
 * to within the ratio's resolution; 0x16 says the same in MHz; and that
 * rate is within 5% of the TSC rate measured here on the host.  The guest
 * reads what MINIVMM_GET_SUPPORTED_CPUID reports.
 */
TEST_F(run, cpuid_time_leaves)
{
	static const uint32_t fn[] = { 0x15, 0x16, 0x40000010 };
	struct minivmm_cpuid2 *c = supported_cpuid(_metadata, self->g.sys);
	struct minivmm_regs r[3], regs;
	struct minivmm_cpuid_entry2 *e;
	double ratio_hz, measured_hz, khz_hz;
	uint32_t khz, eax, ebx, ecx;
	size_t i;

	/* ASSERTs up to the SKIP below, which would hide an EXPECT's failure. */
	guest_cpuid(_metadata, &self->g, 0, &regs);
	ASSERT_EQ(0x16, (uint32_t)regs.rax) TH_LOG("highest basic leaf");
	guest_cpuid(_metadata, &self->g, 0x40000000, &regs);
	ASSERT_EQ(0x40000010, (uint32_t)regs.rax) TH_LOG("highest hypervisor leaf");
	/* Leaf 6: ARAT alone, so a guest trusts its APIC timer (no PIT). */
	guest_cpuid(_metadata, &self->g, 6, &regs);
	ASSERT_EQ(1u << 2, (uint32_t)regs.rax) TH_LOG("leaf 6 EAX");
	ASSERT_EQ(0, regs.rbx | regs.rcx | regs.rdx) TH_LOG("leaf 6 EBX-EDX");

	for (i = 0; i < ARRAY_SIZE(fn); i++) {
		guest_cpuid(_metadata, &self->g, fn[i], &r[i]);
		e = find_leaf(c, fn[i]);
		ASSERT_NE(NULL, e) TH_LOG("leaf %#x not supported", fn[i]);
		ASSERT_EQ(e->eax, (uint32_t)r[i].rax) TH_LOG("leaf %#x", fn[i]);
		ASSERT_EQ(e->ebx, (uint32_t)r[i].rbx) TH_LOG("leaf %#x", fn[i]);
		ASSERT_EQ(e->ecx, (uint32_t)r[i].rcx) TH_LOG("leaf %#x", fn[i]);
		ASSERT_EQ(e->edx, (uint32_t)r[i].rdx) TH_LOG("leaf %#x", fn[i]);
	}
	free(c);

	eax = r[0].rax;
	ebx = r[0].rbx;
	ecx = r[0].rcx;
	khz = r[2].rax;
	TH_LOG("0x15 %u/%u x %u Hz, 0x16 %llu MHz, 0x40000010 %u kHz",
	       ebx, eax, ecx, r[1].rax, khz);
	if (!khz) {
		/* Only a host kernel without its TSC's rate gives 0s. */
		ASSERT_FALSE(host_has_tsc_clocksource())
			TH_LOG("the host runs a tsc clocksource, so it knows tsc_khz");
		ASSERT_EQ(0, eax | ebx | ecx | (uint32_t)r[1].rax);
		SKIP(return, "the host kernel does not know its TSC's rate");
	}

	EXPECT_EQ(1000000000u, ecx);
	EXPECT_EQ(0, (uint32_t)r[0].rdx);
	ASSERT_NE(0, eax);
	ASSERT_NE(0, ebx);
	EXPECT_GE(UINT32_MAX, (uint64_t)ecx / 1000 * ebx)
		TH_LOG("a 32-bit guest overflows crystal kHz * %u", ebx);
	ratio_hz = (double)ecx * ebx / eax;
	khz_hz = khz * 1000.0;
	/* EBX <= 4294: a step of 1/4294 of the ratio at most. */
	EXPECT_GE(khz_hz / 4294, fabs(ratio_hz - khz_hz))
		TH_LOG("0x15 says %.0f Hz, 0x40000010 %.0f Hz", ratio_hz, khz_hz);

	EXPECT_EQ(khz / 1000, (uint32_t)r[1].rax);	/* base MHz */
	EXPECT_EQ(khz / 1000, (uint32_t)r[1].rbx);	/* max MHz */
	EXPECT_EQ(1000, (uint32_t)r[1].rcx);		/* bus MHz */
	EXPECT_EQ(1000000, (uint32_t)r[2].rbx);		/* APIC bus kHz */
	EXPECT_EQ(0, (uint32_t)(r[2].rcx | r[2].rdx));

	measured_hz = host_tsc_hz();
	ASSERT_LT(0, measured_hz);
	TH_LOG("measured %.0f Hz", measured_hz);
	EXPECT_GE(measured_hz * 0.05, fabs(ratio_hz - measured_hz))
		TH_LOG("0x15 says %.0f Hz, the host's TSC runs at %.0f Hz",
		       ratio_hz, measured_hz);
}

/*
 * guests/msr.S: WRMSR and RDMSR of a known MSR stay in the kernel, in both
 * directions between the guest and MINIVMM_GET/SET_MSRS; RDMSR and WRMSR of
 * an unknown MSR raise #GP(0) in the guest at the instruction.
 */
TEST_F(run, msr)
{
	const uint64_t star = 0x0023001089abcdefULL, lstar = 0xffffffff81234560ULL;
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t rip_phase2, v;
	uint8_t *insn;
	int i;

	GUEST_START(g, msr, GUEST_LONG64);
	GUEST_GET_REGS(g, &regs);
	regs.rcx = MSR_STAR;
	regs.rax = (uint32_t)star;
	regs.rdx = star >> 32;
	GUEST_SET_REGS(g, &regs);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	GUEST_GET_REGS(g, &regs);
	EXPECT_EQ((uint32_t)star, regs.rax);
	EXPECT_EQ(star >> 32, regs.rdx);
	ASSERT_EQ(1, guest_get_msr(g, MSR_STAR, &v)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(star, v);
	rip_phase2 = regs.rip;

	/* A value set from userspace is what the guest reads. */
	ASSERT_EQ(1, guest_set_msr(g, MSR_LSTAR, lstar)) TH_LOG("%s", strerror(errno));
	regs.rcx = MSR_LSTAR;
	regs.rax = regs.rdx = 0;
	GUEST_SET_REGS(g, &regs);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	GUEST_GET_REGS(g, &regs);
	EXPECT_EQ((uint32_t)lstar, regs.rax);
	EXPECT_EQ(lstar >> 32, regs.rdx);

	/* Unknown: RDMSR, then WRMSR, each a #GP(0) reported by the handler. */
	regs.rip = rip_phase2;
	regs.rcx = MSR_UNKNOWN;
	GUEST_SET_REGS(g, &regs);
	for (i = 0; i < 2; i++) {
		GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
		EXPECT_EQ(13, guest_io_data(g)) TH_LOG("%s", i ? "wrmsr" : "rdmsr");
		GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
		EXPECT_EQ(0, guest_io_data(g)) TH_LOG("error code");
		GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
		EXPECT_EQ(rip_phase2 + 2 * i, guest_io_data(g));
		insn = guest_gpa(g, guest_io_data(g), 2);
		ASSERT_NE(NULL, insn);
		/* RDMSR is 0f 32, WRMSR 0f 30 (SDM vol 2B). */
		EXPECT_TRUE(insn[0] == 0x0f && insn[1] == (i ? 0x30 : 0x32))
			TH_LOG("#GP at %02x %02x", insn[0], insn[1]);
	}
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, guest_get_msr(g, MSR_UNKNOWN, &v));
}

/*
 * guests/msr.S again: the legacy performance-counter MSRs of a guest without
 * a virtual PMU (AMD's EVNTSEL/PERFCTR 0-3, Intel's first two pairs) and
 * AMD's NB_CFG read 0 and take any write without a #GP, as KVM answers
 * them; the write is
 * dropped, so a counter written 0xabcd still reads 0 (that is how Linux's
 * perf finds out there is no PMU, without an error in its log).
 */
TEST_F(run, msr_reads_zero)
{
	static const uint32_t msrs[] = {
		0xc0010000, 0xc0010003, 0xc0010004, 0xc0010007,	/* K7 */
		0xc1, 0xc2, 0x186, 0x187,			/* P6 */
		0xc001001f,					/* NB_CFG */
	};
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	uint64_t start;
	unsigned int i;

	GUEST_START(g, msr, GUEST_LONG64);
	GUEST_GET_REGS(g, &regs);
	start = regs.rip;
	for (i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		regs.rip = start;
		regs.rcx = msrs[i];
		regs.rax = 0xabcd;
		regs.rdx = i & 1;
		GUEST_SET_REGS(g, &regs);
		/* A #GP would show as an OUT to PORT_EXCEPTION, not HLT. */
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
		GUEST_GET_REGS(g, &regs);
		EXPECT_EQ(0, regs.rax) TH_LOG("MSR %#x", msrs[i]);
		EXPECT_EQ(0, regs.rdx) TH_LOG("MSR %#x", msrs[i]);
	}
}

/*
 * Reads one #DB report of guests/single_step.S: vector, return RIP, DR6.
 * The two bytes before the RIP must be @insn (the trapped instruction) and
 * the byte at it @next: the trap came after the instruction, not before.
 */
static void expect_single_step(struct __test_metadata *_metadata,
			       struct guest *g, const char *what,
			       uint8_t insn0, uint8_t insn1, uint8_t next)
{
	uint8_t *p;
	uint32_t rip;

	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
	EXPECT_EQ(1, guest_io_data(g)) TH_LOG("%s: vector", what);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
	rip = guest_io_data(g);
	p = guest_gpa(g, rip - 2, 3);
	ASSERT_NE(NULL, p) TH_LOG("%s: RIP %#x", what, rip);
	EXPECT_TRUE(p[0] == insn0 && p[1] == insn1 && p[2] == next)
		TH_LOG("%s: #DB returns to %#x after %02x %02x, before %02x",
		       what, rip, p[0], p[1], p[2]);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_EXCEPTION, 4);
	EXPECT_TRUE(guest_io_data(g) & (1u << 14))
		TH_LOG("%s: DR6 %#x, BS clear", what, guest_io_data(g));
}

/*
 * guests/single_step.S: with RFLAGS.TF set, an instruction the kernel
 * completes for the guest (CPUID), or completes on the next RUN (OUT, an
 * MMIO store), is followed by the single-step #DB the CPU would raise,
 * with DR6.BS set, and only one.
 */
TEST_F(run, single_step)
{
	struct guest *g = &self->g;
	int i;

	GUEST_START(g, single_step, GUEST_LONG64);
	/* CPUID is 0f a2; PUSHFQ (9c) follows. */
	expect_single_step(_metadata, g, "cpuid", 0x0f, 0xa2, 0x9c);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 4);
	/* OUT imm8, EAX is e7 ib; MOV $imm32, EDI (bf) follows. */
	expect_single_step(_metadata, g, "out", 0xe7, PORT_REPORT, 0xbf);
	/* The same MMIO store twice, without TF, then with it. */
	for (i = 0; i < 2; i++) {
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
		EXPECT_EQ(GUEST_MMIO, g->run->mmio.phys_addr);
		EXPECT_TRUE(g->run->mmio.is_write);
	}
	/* MOV EAX, (RDI) is 89 07; HLT (f4) follows. */
	expect_single_step(_metadata, g, "mmio", 0x89, 0x07, 0xf4);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
}

/*
 * guests/delivery_mmio.S: a #UD whose frame goes to a stack in MMIO.  The
 * CPU's write during event delivery is not an access of the instruction
 * at RIP, so minivmm must not decode and emulate that instruction: an
 * INTERNAL_ERROR with MINIVMM_INTERNAL_ERROR_DELIVERY_EV, the vendor's exit
 * reason and the address in the frame.
 */
TEST_F(run, mmio_during_delivery)
{
	const uint64_t top = GUEST_MMIO + 0x1000;
	struct guest *g = &self->g;
	uint64_t reason, gpa;

	GUEST_START(g, delivery_mmio, GUEST_LONG64);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(MINIVMM_INTERNAL_ERROR_DELIVERY_EV, g->run->internal.suberror);
	ASSERT_EQ(2, g->run->internal.ndata);
	reason = g->run->internal.data[0];
	gpa = g->run->internal.data[1];
	/* EPT violation (SDM Vol. 3D C), NPF (APM Vol. 2 15.9). */
	EXPECT_EQ(mvm_cpuinfo_has("vmx") == 1 ? 48 : 0x400, reason);
	/* The 64-bit frame: five quadwords below the aligned RSP. */
	EXPECT_TRUE(gpa >= top - 40 && gpa < top) TH_LOG("gpa %#llx",
							  (unsigned long long)gpa);
}

static void nop_handler(int sig)
{
	(void)sig;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A guest spinning in "jmp ." never exits on its own; a signal must get
 * RUN out within a second, with EINTR and MINIVMM_EXIT_INTR, twice, and
 * leave the guest where it was.  The timer fires after 100 ms.
 */
TEST_F_TIMEOUT(run, spin_stopped_by_signal, 60)
{
	struct itimerval it = { .it_value = { 0, 100 * 1000 } };
	struct sigaction sa = { .sa_handler = nop_handler };
	struct guest *g = &self->g;
	struct minivmm_regs regs;
	double t0, dt;
	int i, r;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	GUEST_START(g, spin, GUEST_LONG64);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		t0 = now_s();
		r = guest_run(g);
		dt = now_s() - t0;
		ASSERT_EQ(-EINTR, r) guest_dump(g);
		EXPECT_EQ(MINIVMM_EXIT_INTR, g->run->exit_reason);
		EXPECT_GT(1.0, dt) TH_LOG("RUN returned %.3f s after the start", dt);
		GUEST_GET_REGS(g, &regs);
		EXPECT_EQ(GUEST_CODE, regs.rip);
	}
}

/* immediate_exit: RUN returns at once and the guest has not run. */
TEST_F(run, immediate_exit)
{
	struct guest *g = &self->g;
	struct minivmm_regs regs;

	GUEST_START(g, io_out, GUEST_PROT32);
	g->run->immediate_exit = 1;
	errno = 0;
	EXPECT_EQ(-EINTR, guest_run(g));
	EXPECT_EQ(MINIVMM_EXIT_INTR, g->run->exit_reason);
	GUEST_GET_REGS(g, &regs);
	EXPECT_EQ(GUEST_CODE, regs.rip);
	g->run->immediate_exit = 0;
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_OUT8, 1);
	EXPECT_EQ(0x5a, guest_io_data(g));
}

/*
 * guests/bench.S: the exit rate of CPUID (handled in the kernel) and of OUT
 * (an exit to userspace each).  Printed, not judged: what is asserted is
 * that every iteration ran and saw what it should.
 */
static void bench(struct __test_metadata *_metadata, struct guest *g,
		  int out_loop, uint32_t n)
{
	struct minivmm_regs regs;
	double t0, dt;
	uint32_t i;

	GUEST_START(g, bench, GUEST_PROT32);
	GUEST_GET_REGS(g, &regs);
	regs.rcx = n;
	regs.rdi = out_loop;
	GUEST_SET_REGS(g, &regs);
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_MARK, 4);
	t0 = now_s();
	for (i = 1; out_loop && i <= n; i++) {
		GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 4);
		ASSERT_EQ(i, guest_io_data(g));
	}
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_MARK, 4);
	dt = now_s() - t0;
	/* CPUID: the iterations that saw the hypervisor bit; OUT: the last. */
	EXPECT_EQ(n, guest_io_data(g));
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	printf("# %s exits/s: %.0f (%u in %.3f s)\n", out_loop ? "out" : "cpuid",
	       dt > 0 ? n / dt : 0.0, n, dt);
}

TEST_F_TIMEOUT(run, bench_cpuid, 300)
{
	bench(_metadata, &self->g, 0, BENCH_CPUID);
}

TEST_F_TIMEOUT(run, bench_out, 300)
{
	bench(_metadata, &self->g, 1, BENCH_OUT);
}

TEST_HARNESS_MAIN
