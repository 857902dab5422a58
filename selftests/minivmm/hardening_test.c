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
 *  - host_descriptor_tables: after a guest has run on this CPU, user code
 *    on it sees the kernel's GDT limit and its own LDT.  A VMX exit leaves
 *    GDTR.limit = 0xffff and LDTR unusable (Intel SDM Vol. 3C 28.5.2);
 *    with the limit left so, LSL/LAR from user mode accept as descriptors
 *    whatever follows the GDT page in the CPU entry area (the entry stack,
 *    where this thread's own registers are saved, and the TSS), the first
 *    step of building a call gate the kernel never made.
 *  - mitigations_match_host: /sys/class/misc/minivmm/mitigations agrees
 *    with what the host kernel says it mitigates
 *    (/sys/devices/system/cpu/vulnerabilities), and where VMX flushes the
 *    L1D before entry, RUNs from userspace really flush it.
 */
#include "kselftest_harness.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <asm/ldt.h>

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

/*
 * The kernel's GDT has GDT_ENTRIES (16) descriptors: selectors from 0x80
 * up lie beyond its limit, and LSL must refuse every one (SDM Vol. 2A
 * "LSL": ZF = 0 when the selector is outside the table's limit).  Before
 * the scan, this thread's registers are loaded with a valid DPL-3 data
 * descriptor and a fresh page is touched, so the page fault saves them on
 * the entry stack right after the GDT page: with a limit of 0xffff, LSL
 * would accept them.  The scan stops at 0x3000, the end of the GDT page,
 * the entry stack and the first TSS page (struct cpu_entry_area): the CPU
 * reads further descriptors from unmapped memory, and with the limit left
 * at 0xffff the host kernel oopses on that read (seen on Bochs before
 * vmx_vcpu_put() restored the limit).  Returns how many selectors LSL
 * accepted.
 */
static unsigned int lsl_beyond_gdt(void)
{
	const uint64_t desc = 0x0000f20000000abcULL; /* data, DPL 3, limit 0xabc */
	unsigned int hits;
	void *fresh;

	fresh = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh == MAP_FAILED)
		return ~0U;
	asm volatile(
		"mov %[d], %%r8\n\t"  "mov %[d], %%r9\n\t"
		"mov %[d], %%r10\n\t" "mov %[d], %%r11\n\t"
		"mov %[d], %%r12\n\t" "mov %[d], %%r13\n\t"
		"mov %[d], %%r14\n\t" "mov %[d], %%r15\n\t"
		"movb (%[p]), %%al\n\t"		/* #PF: registers to the entry stack */
		"xor %[h], %[h]\n\t"
		"mov $0x83, %%esi\n"		/* index 16, RPL 3 */
		"1:\n\t"
		"lsl %%si, %%eax\n\t"
		"jnz 2f\n\t"
		"inc %[h]\n"
		"2:\n\t"
		"add $8, %%esi\n\t"
		"cmp $0x3000, %%esi\n\t"
		"jb 1b\n\t"
		: [h] "=&r" (hits)
		: [d] "r" (desc), [p] "r" (fresh)
		: "rax", "rsi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
		  "r15", "cc", "memory");
	munmap(fresh, 4096);
	return hits;
}

/* The limit LSL reports for @sel, or -1 if LSL refuses it. */
static long lsl(uint16_t sel)
{
	uint32_t limit;
	uint8_t ok;

	asm volatile("lsl %2, %0\n\tsetz %1" : "=r" (limit), "=q" (ok) : "r" ((uint32_t)sel) : "cc");
	return ok ? (long)limit : -1;
}

TEST_F(hard, host_descriptor_tables)
{
	struct user_desc ldt = {
		.entry_number = 0, .base_addr = 0, .limit = 0xabc,
		.seg_32bit = 1, .useable = 1,
	};
	const uint16_t ldt_sel = 0 << 3 | 4 | 3, user_ds = 0x2b;
	struct guest *g = &self->g;
	cpu_set_t one;
	int cpu;

	/* Stay on the CPU the guest runs on. */
	cpu = sched_getcpu();
	ASSERT_LE(0, cpu);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	ASSERT_EQ(0, syscall(SYS_modify_ldt, 1, &ldt, sizeof(ldt)));
	/*
	 * LSL itself works: the flat user data segment (page-granular, so
	 * its byte limit is 4 GiB - 1) and the new LDT entry.
	 */
	ASSERT_EQ(0xffffffff, lsl(user_ds));
	ASSERT_EQ(0xabc, lsl(ldt_sel));
	EXPECT_EQ(0, lsl_beyond_gdt()) TH_LOG("GDT limit too large before the guest ran");

	GUEST_START(g, io_out, GUEST_REAL);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_IO);
	ASSERT_EQ(cpu, sched_getcpu());

	EXPECT_EQ(0, lsl_beyond_gdt())
		TH_LOG("selectors past the kernel's GDT usable after a VM exit");
	EXPECT_EQ(0xabc, lsl(ldt_sel)) TH_LOG("the LDT is gone after a VM exit");
	EXPECT_EQ(0xffffffff, lsl(user_ds));
}

#define MVM_MITIGATIONS_PATH	"/sys/class/misc/minivmm/mitigations"
#define VULN_DIR		"/sys/devices/system/cpu/vulnerabilities/"

/* The value of "name: value" in @text, into @val; false if absent. */
static bool report_value(const char *text, const char *name, char *val,
			 size_t size)
{
	size_t n = strlen(name);
	const char *p = text, *end;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, n) || p[n] != ':')
			continue;
		p += n + 1;
		while (*p == ' ')
			p++;
		end = strchrnul(p, '\n');
		snprintf(val, size, "%.*s", (int)(end - p), p);
		return true;
	}
	return false;
}

/* Whether the host's vulnerabilities file @name mentions @what. */
static bool vuln_says(const char *name, const char *what)
{
	char path[128], buf[512];

	snprintf(path, sizeof(path), VULN_DIR "%s", name);
	if (mvm_read_file(path, buf, sizeof(buf)) < 0)
		return false;
	return strstr(buf, what);
}

/* The L1D flushes VMX has done so far, or -1. */
static long long l1d_flushes(void)
{
	char buf[1024], val[64];

	if (mvm_read_file(MVM_MITIGATIONS_PATH, buf, sizeof(buf)) < 0 ||
	    !report_value(buf, "l1d_flushes", val, sizeof(val)))
		return -1;
	return atoll(val);
}

TEST_F(hard, mitigations_match_host)
{
	char buf[1024], val[64], *line, *save;
	struct guest *g = &self->g;
	long long before;
	bool vmx;
	int i;

	ASSERT_LT(0, mvm_read_file(MVM_MITIGATIONS_PATH, buf, sizeof(buf)));
	for (line = strtok_r(strdupa(buf), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		TH_LOG("%s", line);
	ASSERT_TRUE(report_value(buf, "backend", val, sizeof(val)));
	vmx = !strcmp(val, "Intel VMX");
	ASSERT_TRUE(report_value(buf, "ibpb_exit_to_user", val, sizeof(val)));
	EXPECT_STREQ(vuln_says("vmscape", "IBPB before exit to userspace") ?
		     "on" : "off", val);
	ASSERT_TRUE(report_value(buf, "clear_cpu_buffers", val, sizeof(val)));
	if (vmx) {
		/* VERW before entry wherever the host clears buffers. */
		if (vuln_says("mds", "Clear CPU buffers") ||
		    vuln_says("tsx_async_abort", "Clear CPU buffers") ||
		    vuln_says("mmio_stale_data", "Clear CPU buffers") ||
		    vuln_says("reg_file_data_sampling", "Clear Register File"))
			EXPECT_STREQ("on", val);
		ASSERT_TRUE(report_value(buf, "l1d_flush", val, sizeof(val)));
		if (vuln_says("l1tf", "Not affected"))
			EXPECT_STREQ("not required", val);
		if (strcmp(val, "conditional") && strcmp(val, "always"))
			return;
		/* Every RUN comes from userspace: each must flush. */
		before = l1d_flushes();
		ASSERT_LE(0, before);
		GUEST_START(g, io_out, GUEST_REAL);
		for (i = 0; i < 4; i++)
			GUEST_RUN_EXPECT(g, MINIVMM_EXIT_IO);
		EXPECT_LE(before + 4, l1d_flushes());
	} else if (vuln_says("tsa", "Clear CPU buffers")) {
		EXPECT_STREQ("on", val);
	}
}

TEST_HARNESS_MAIN
