// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU ioctls' rules, one at a time (uapi/linux/minivmm.h and
 * Documentation/api.rst): the reset state; get/set round trips of the
 * general and special registers, the FPU, the XSAVE area and MSRs;
 * nonzero padding anywhere (segments, descriptor tables, FPU, MSR entries,
 * CPUID entries) and a nonzero interrupt_bitmap are -EINVAL and change
 * nothing; too many MSRs or CPUID entries are -E2BIG; reserved RFLAGS bits
 * are -EINVAL; unknown MSRs stop the list; RUN's argument must be 0; an
 * unknown command or a known number with another size or direction is
 * -ENOTTY; and every vCPU ioctl from another process is -EIO.
 */
#include "kselftest_harness.h"

#include <sys/wait.h>

#include "minivmm_util.h"
#include "guest.h"

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_CR_PAT		0x277
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_UNKNOWN		0xdeadbeef

/* XSAVE standard format (SDM vol 1 13.4): legacy area, then the header. */
#define XSAVE_MXCSR		24
#define XSAVE_XMM		160
#define XSAVE_HDR		512

FIXTURE(regs) {
	struct guest g;
};

FIXTURE_SETUP(regs)
{
	GUEST_OPEN(&self->g);
}

FIXTURE_TEARDOWN(regs)
{
	guest_close(&self->g);
}

/* KVM's reset state (Documentation/api.rst, MINIVMM_GET_SREGS). */
TEST_F(regs, reset_state)
{
	struct minivmm_sregs s;
	struct minivmm_regs r;

	GUEST_GET_REGS(&self->g, &r);
	EXPECT_EQ(0xfff0, r.rip);
	EXPECT_EQ(2, r.rflags);
	GUEST_GET_SREGS(&self->g, &s);
	EXPECT_EQ(0xf000, s.cs.selector);
	EXPECT_EQ(0xffff0000, s.cs.base);
	EXPECT_EQ(0xffff, s.cs.limit);
	EXPECT_EQ(0x60000010, s.cr0);
	EXPECT_EQ(0, s.efer);
	EXPECT_EQ(0, s.interrupt_bitmap[0] | s.interrupt_bitmap[1] |
		     s.interrupt_bitmap[2] | s.interrupt_bitmap[3]);
}

TEST_F(regs, regs_round_trip)
{
	struct minivmm_regs in, out;
	uint64_t *p = (uint64_t *)&in;
	size_t i;

	for (i = 0; i < sizeof(in) / 8; i++)
		p[i] = 0x0101010101010101ULL * (i + 1);
	in.rip = 0x4000;
	in.rflags = 0x2 | 0x1 | 0x40 | 0x800;	/* CF, ZF, OF */
	GUEST_SET_REGS(&self->g, &in);
	GUEST_GET_REGS(&self->g, &out);
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
}

TEST_F(regs, rflags_reserved_bits)
{
	static const uint64_t bad[] = {
		0,			/* bit 1 clear */
		0x2 | 1ULL << 3,	/* bit 3 reserved */
		0x2 | 1ULL << 5,
		0x2 | 1ULL << 15,
		0x2 | 1ULL << 22,
		0x2 | 1ULL << 63,
	};
	struct minivmm_regs r, after;
	size_t i;

	GUEST_GET_REGS(&self->g, &r);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r.rflags = bad[i];
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_REGS, &r))
			TH_LOG("rflags %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(EINVAL, errno);
	}
	GUEST_GET_REGS(&self->g, &after);
	EXPECT_EQ(2, after.rflags);
}

TEST_F(regs, sregs_round_trip)
{
	struct minivmm_sregs in, out;

	ASSERT_EQ(0, guest_mode_sregs(&self->g, GUEST_LONG64, &in));
	in.cr2 = 0x123456789000ULL;
	in.fs.base = 0x7fff12345000ULL;
	in.gs.base = 0xffff880012345000ULL;
	in.idt.base = 0x3000;
	in.idt.limit = 0x7ff;
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_SREGS, &in))
		TH_LOG("MINIVMM_SET_SREGS: %s", strerror(errno));
	GUEST_GET_SREGS(&self->g, &out);
#define SAME(f) EXPECT_EQ(0, memcmp(&in.f, &out.f, sizeof(in.f))) TH_LOG(#f)
	SAME(cs); SAME(ds); SAME(es); SAME(fs); SAME(gs); SAME(ss); SAME(tr);
	SAME(gdt); SAME(idt);
#undef SAME
	EXPECT_EQ(in.cr0, out.cr0);
	EXPECT_EQ(in.cr2, out.cr2);
	EXPECT_EQ(in.cr3, out.cr3);
	EXPECT_EQ(in.cr4, out.cr4);
	EXPECT_EQ(in.efer, out.efer);
}

/* Sets sregs with one field spoiled: EINVAL, and nothing changed. */
#define SREGS_BAD(field, value) do {					\
	struct minivmm_sregs __s = good, __after;			\
									\
	__s.field = value;						\
	errno = 0;							\
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_SREGS, &__s))	\
		TH_LOG(#field " = " #value);				\
	EXPECT_EQ(EINVAL, errno) TH_LOG(#field " = " #value);		\
	GUEST_GET_SREGS(&self->g, &__after);				\
	EXPECT_EQ(0, memcmp(&before, &__after, sizeof(before)))	\
		TH_LOG(#field " = " #value ": state changed");		\
} while (0)

TEST_F(regs, sregs_padding)
{
	struct minivmm_sregs good, before;

	ASSERT_EQ(0, guest_mode_sregs(&self->g, GUEST_PROT32, &good));
	GUEST_GET_SREGS(&self->g, &before);
	SREGS_BAD(cs.padding, 1);
	SREGS_BAD(ds.padding, 0x80);
	SREGS_BAD(es.padding, 1);
	SREGS_BAD(fs.padding, 1);
	SREGS_BAD(gs.padding, 1);
	SREGS_BAD(ss.padding, 1);
	SREGS_BAD(tr.padding, 1);
	SREGS_BAD(ldt.padding, 1);
	SREGS_BAD(gdt.padding[0], 1);
	SREGS_BAD(gdt.padding[2], 0x8000);
	SREGS_BAD(idt.padding[1], 1);
	SREGS_BAD(interrupt_bitmap[0], 1);
	SREGS_BAD(interrupt_bitmap[3], 1ULL << 63);
	/* And the good one is accepted. */
	EXPECT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_SREGS, &good))
		TH_LOG("%s", strerror(errno));
}

TEST_F(regs, fpu_round_trip_and_padding)
{
	struct minivmm_fpu in, out, bad;
	int i;

	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_GET_FPU, &in))
		TH_LOG("MINIVMM_GET_FPU: %s", strerror(errno));
	EXPECT_EQ(0x37f, in.fcw);		/* FNINIT state */
	EXPECT_EQ(0x1f80, in.mxcsr);
	in.fcw = 0x27f;
	in.mxcsr = 0x1fa0;
	for (i = 0; i < 16; i++)
		memset(in.xmm[i], 0x11 * (i + 1), 16);
	/* Only the 10 bytes of each x87 register: the rest is reserved. */
	for (i = 0; i < 8; i++)
		memset(in.fpr[i], 0x21 + i, 10);
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_FPU, &in))
		TH_LOG("MINIVMM_SET_FPU: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_GET_FPU, &out));
	EXPECT_EQ(in.fcw, out.fcw);
	EXPECT_EQ(in.mxcsr, out.mxcsr);
	EXPECT_EQ(0, memcmp(in.xmm, out.xmm, sizeof(in.xmm)));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, memcmp(in.fpr[i], out.fpr[i], 10)) TH_LOG("st%d", i);

	bad = in;
	bad.pad1 = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_FPU, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad = in;
	bad.pad2 = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_FPU, &bad));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_GET_FPU, &out));
	EXPECT_EQ(in.fcw, out.fcw);
}

TEST_F(regs, xsave_round_trip)
{
	static struct minivmm_xsave in, out, bad;
	uint8_t *p = (uint8_t *)in.region;
	uint64_t xstate_bv;
	int i;

	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_GET_XSAVE, &in))
		TH_LOG("MINIVMM_GET_XSAVE: %s", strerror(errno));
	for (i = 0; i < 16 * 16; i++)
		p[XSAVE_XMM + i] = i;
	memcpy(&xstate_bv, p + XSAVE_HDR, 8);
	xstate_bv |= 1 << 1;			/* SSE state present */
	memcpy(p + XSAVE_HDR, &xstate_bv, 8);
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_XSAVE, &in))
		TH_LOG("MINIVMM_SET_XSAVE: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_GET_XSAVE, &out));
	EXPECT_EQ(0, memcmp(p + XSAVE_XMM, (uint8_t *)out.region + XSAVE_XMM, 256));

	/* A header XRSTOR would refuse: XCOMP_BV nonzero in standard format. */
	bad = in;
	((uint8_t *)bad.region)[XSAVE_HDR + 8 + 7] = 0x80;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_XSAVE, &bad));
	EXPECT_EQ(EINVAL, errno);
	/* A feature no CPU has yet (XSTATE_BV bit 62). */
	bad = in;
	((uint8_t *)bad.region)[XSAVE_HDR + 7] |= 0x40;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_XSAVE, &bad));
	EXPECT_EQ(EINVAL, errno);
}

struct msr_list {
	struct minivmm_msrs hdr;
	struct minivmm_msr_entry e[MINIVMM_MAX_MSR_ENTRIES + 1];
};

TEST_F(regs, msrs_round_trip)
{
	static const struct minivmm_msr_entry set[] = {
		{ .index = MSR_IA32_SYSENTER_CS, .data = 0x10 },
		{ .index = MSR_IA32_SYSENTER_ESP, .data = 0xffff880000001000ULL },
		{ .index = MSR_IA32_SYSENTER_EIP, .data = 0xffffffff81000000ULL },
		{ .index = MSR_IA32_CR_PAT, .data = 0x0007040600070406ULL },
		{ .index = MSR_STAR, .data = 0x0023001000000000ULL },
		{ .index = MSR_LSTAR, .data = 0xffffffff81800000ULL },
		{ .index = MSR_CSTAR, .data = 0xffffffff81800100ULL },
		{ .index = MSR_SYSCALL_MASK, .data = 0x47700 },
		{ .index = MSR_FS_BASE, .data = 0x7f0012345000ULL },
		{ .index = MSR_GS_BASE, .data = 0xffff888012345000ULL },
		{ .index = MSR_KERNEL_GS_BASE, .data = 0x7f0054321000ULL },
	};
	static struct msr_list l;
	size_t n = ARRAY_SIZE(set), i;

	l.hdr.nmsrs = n;
	memcpy(l.e, set, sizeof(set));
	EXPECT_EQ((int)n, ioctl(self->g.vcpu, MINIVMM_SET_MSRS, &l))
		TH_LOG("MINIVMM_SET_MSRS: %s", strerror(errno));
	memset(&l, 0, sizeof(l));
	l.hdr.nmsrs = n;
	for (i = 0; i < n; i++)
		l.e[i].index = set[i].index;
	EXPECT_EQ((int)n, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l))
		TH_LOG("MINIVMM_GET_MSRS: %s", strerror(errno));
	for (i = 0; i < n; i++)
		EXPECT_EQ(set[i].data, l.e[i].data) TH_LOG("MSR %#x", set[i].index);
}

TEST_F(regs, msrs_rules)
{
	static struct msr_list l;
	uint64_t lstar_before;

	/* Processing stops at an unknown MSR: the count says where. */
	memset(&l, 0, sizeof(l));
	l.hdr.nmsrs = 3;
	l.e[0].index = MSR_STAR;
	l.e[1].index = MSR_UNKNOWN;
	l.e[2].index = MSR_LSTAR;
	EXPECT_EQ(1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	lstar_before = 0;
	l.hdr.nmsrs = 1;
	l.e[0].index = MSR_LSTAR;
	ASSERT_EQ(1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	lstar_before = l.e[0].data;

	l.hdr.nmsrs = 3;
	l.e[0].index = MSR_STAR;
	l.e[0].data = 0;
	l.e[1].index = MSR_UNKNOWN;
	l.e[2].index = MSR_LSTAR;
	l.e[2].data = lstar_before ^ 0x1000;
	EXPECT_EQ(1, ioctl(self->g.vcpu, MINIVMM_SET_MSRS, &l));
	/* ... and so does a value the guest could not write (non-canonical). */
	l.hdr.nmsrs = 2;
	l.e[0].index = MSR_LSTAR;
	l.e[0].data = 0x8000000000000000ULL;
	l.e[1].index = MSR_CSTAR;
	EXPECT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_MSRS, &l));
	l.hdr.nmsrs = 1;
	l.e[0].index = MSR_LSTAR;
	ASSERT_EQ(1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	EXPECT_EQ(lstar_before, l.e[0].data);

	/* Nonzero reserved or pad: EINVAL, for get and set. */
	l.hdr.nmsrs = 1;
	l.e[0].index = MSR_STAR;
	l.e[0].reserved = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_MSRS, &l));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	EXPECT_EQ(EINVAL, errno);
	l.e[0].reserved = 0;
	l.hdr.pad = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_MSRS, &l));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	EXPECT_EQ(EINVAL, errno);
	l.hdr.pad = 0;

	/* More than MINIVMM_MAX_MSR_ENTRIES: E2BIG. */
	l.hdr.nmsrs = MINIVMM_MAX_MSR_ENTRIES + 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	EXPECT_EQ(E2BIG, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_MSRS, &l));
	EXPECT_EQ(E2BIG, errno);
	l.hdr.nmsrs = 0xffffffff;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l));
	EXPECT_EQ(E2BIG, errno);
	/* Exactly the maximum is fine (all STAR: each one processed). */
	l.hdr.nmsrs = MINIVMM_MAX_MSR_ENTRIES;
	memset(l.e, 0, sizeof(l.e));
	for (int i = 0; i < MINIVMM_MAX_MSR_ENTRIES; i++)
		l.e[i].index = MSR_STAR;
	EXPECT_EQ(MINIVMM_MAX_MSR_ENTRIES, ioctl(self->g.vcpu, MINIVMM_GET_MSRS, &l))
		TH_LOG("%s", strerror(errno));
}

struct cpuid_list {
	struct minivmm_cpuid2 hdr;
	struct minivmm_cpuid_entry2 e[MINIVMM_MAX_CPUID_ENTRIES + 1];
};

/* Sets the table with one change: EINVAL. */
#define CPUID_BAD(stmt, err) do {					\
	*c = sup;							\
	stmt;								\
	errno = 0;							\
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_SET_CPUID2, c)) TH_LOG(#stmt); \
	EXPECT_EQ(err, errno) TH_LOG(#stmt);				\
} while (0)

TEST_F(regs, cpuid_rules)
{
	static struct cpuid_list sup, small, l;
	struct cpuid_list *c = &l;
	uint32_t need;

	sup.hdr.nent = MINIVMM_MAX_CPUID_ENTRIES;
	ASSERT_EQ(0, ioctl(self->g.sys, MINIVMM_GET_SUPPORTED_CPUID, &sup))
		TH_LOG("MINIVMM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	ASSERT_LT(1, sup.hdr.nent);
	need = sup.hdr.nent;

	/* Too small: E2BIG and the size needed. */
	small.hdr.nent = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.sys, MINIVMM_GET_SUPPORTED_CPUID, &small));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(need, small.hdr.nent);
	small.hdr.nent = need;
	small.hdr.padding = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.sys, MINIVMM_GET_SUPPORTED_CPUID, &small));
	EXPECT_EQ(EINVAL, errno);

	/* The supported table itself is accepted. */
	l = sup;
	EXPECT_EQ(0, ioctl(self->g.vcpu, MINIVMM_SET_CPUID2, &l))
		TH_LOG("MINIVMM_SET_CPUID2: %s", strerror(errno));

	CPUID_BAD(c->hdr.padding = 1, EINVAL);
	CPUID_BAD(c->e[0].padding[0] = 1, EINVAL);
	CPUID_BAD(c->e[need - 1].padding[2] = 0x80000000, EINVAL);
	CPUID_BAD(c->e[0].flags |= 0x80, EINVAL);
	CPUID_BAD(c->e[1] = c->e[0], EINVAL);		/* a leaf given twice */
	CPUID_BAD(c->hdr.nent = MINIVMM_MAX_CPUID_ENTRIES + 1, E2BIG);
	CPUID_BAD(c->hdr.nent = 0x80000000, E2BIG);
}

/* RUN's argument is reserved. */
TEST_F(regs, run_argument)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->g.vcpu, MINIVMM_RUN, 1UL));
	EXPECT_EQ(EINVAL, errno);
}

/* Bad pointers are EFAULT, not a crash. */
TEST_F(regs, efault)
{
	static const unsigned long cmds[] = {
		MINIVMM_GET_REGS, MINIVMM_SET_REGS, MINIVMM_GET_SREGS,
		MINIVMM_SET_SREGS, MINIVMM_GET_FPU, MINIVMM_SET_FPU,
		MINIVMM_GET_XSAVE, MINIVMM_SET_XSAVE, MINIVMM_GET_MSRS,
		MINIVMM_SET_MSRS, MINIVMM_SET_CPUID2,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->g.vcpu, cmds[i], 8UL)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(EFAULT, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
}

/*
 * Unknown commands: numbers no vCPU ioctl has, the vCPU numbers with
 * another size or direction, and the system and VM fd's commands.
 */
TEST_F(regs, unknown_ioctls)
{
	static const unsigned long cmds[] = {
		_IO(MINIVMM_IO, 0x9f),
		_IO(MINIVMM_IO, 0x6c),
		_IOW(MINIVMM_IO, 0x60, int),			/* RUN */
		_IOR(MINIVMM_IO, 0x61, struct minivmm_sregs),	/* GET_REGS */
		_IOW(MINIVMM_IO, 0x61, struct minivmm_regs),
		_IOWR(MINIVMM_IO, 0x62, struct minivmm_regs),	/* SET_REGS */
		_IOR(MINIVMM_IO, 0x63, struct minivmm_regs),	/* GET_SREGS */
		_IOR(MINIVMM_IO, 0x65, struct minivmm_xsave),	/* GET_FPU */
		_IOW(MINIVMM_IO, 0x69, struct minivmm_msrs),	/* GET_MSRS */
		_IOWR(MINIVMM_IO, 0x6b, struct minivmm_cpuid2),	/* SET_CPUID2 */
		MINIVMM_GET_API_VERSION, MINIVMM_CREATE_VM,
		MINIVMM_GET_SUPPORTED_CPUID, MINIVMM_CREATE_VCPU,
		MINIVMM_SET_USER_MEMORY_REGION, MINIVMM_GET_VCPU_MMAP_SIZE,
		_IOWR(0xAE, 0x80, struct minivmm_regs),		/* another driver's */
	};
	struct minivmm_xsave buf;
	size_t i;

	memset(&buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->g.vcpu, cmds[i], &buf)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
}

/* Every vCPU ioctl from a forked child (another mm): EIO. */
TEST_F(regs, other_process)
{
	static const unsigned long cmds[] = {
		MINIVMM_RUN, MINIVMM_GET_REGS, MINIVMM_SET_REGS,
		MINIVMM_GET_SREGS, MINIVMM_SET_SREGS, MINIVMM_GET_FPU,
		MINIVMM_SET_FPU, MINIVMM_GET_XSAVE, MINIVMM_SET_XSAVE,
		MINIVMM_GET_MSRS, MINIVMM_SET_MSRS, MINIVMM_SET_CPUID2,
		_IO(MINIVMM_IO, 0x9f),
	};
	static struct minivmm_xsave buf;	/* big enough for any of them */
	struct minivmm_regs before, after;
	int status;
	size_t i;
	pid_t pid;

	GUEST_GET_REGS(&self->g, &before);
	/* Valid arguments: only the caller is wrong. */
	ASSERT_EQ(0, ioctl(self->g.vcpu, MINIVMM_GET_REGS, &buf));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < ARRAY_SIZE(cmds); i++) {
			errno = 0;
			if (ioctl(self->g.vcpu, cmds[i],
				  cmds[i] == MINIVMM_RUN ? 0 : (unsigned long)&buf) != -1 ||
			    errno != EIO) {
				fprintf(stderr, "# child: cmd %#lx: errno %d\n", cmds[i], errno);
				_exit(1 + i);
			}
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("command #%d", WEXITSTATUS(status) - 1);
	GUEST_GET_REGS(&self->g, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

TEST_HARNESS_MAIN
