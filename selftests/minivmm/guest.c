// SPDX-License-Identifier: GPL-2.0
/*
 * The guest library of the selftests (guest.h): VM, memory, vCPU, modes,
 * RUN.  Built into each program that runs guests.
 *
 * The descriptors it writes follow SDM vol 3A 3.4.5 (segment descriptors),
 * 7.2.3 (the 64-bit TSS descriptor) and 4.5 (4-level paging, 2 MiB pages).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "guest.h"

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

/* Segment types (SDM vol 3A 3.4.5.1, 3.5). */
#define SEG_CODE_RX_A	0xb	/* execute/read, accessed */
#define SEG_DATA_RW_A	0x3	/* read/write, accessed */
#define SEG_TSS_BUSY	0xb	/* busy 32-bit or 64-bit TSS */

static const uint64_t gdt_entries[GDT_ENTRIES] = {
	0,
	0x00cf9b000000ffffULL,	/* SEL_CODE32 */
	0x00cf93000000ffffULL,	/* SEL_DATA */
	0x00af9b000000ffffULL,	/* SEL_CODE64 */
	0x00008b0000000067ULL,	/* SEL_TSS: base 0, limit 0x67, busy */
	0,			/* its upper half */
};

static int xioctl(int fd, unsigned long cmd, unsigned long arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int guest_set_slot(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		   uint64_t size, void *hva)
{
	struct minivmm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return xioctl(vm, MINIVMM_SET_USER_MEMORY_REGION, (unsigned long)&r);
}

int guest_run_supported(void)
{
	struct minivmm_run *run;
	int sys, vm, vcpu, r;
	long size;

	sys = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		return -errno;
	vm = ioctl(sys, MINIVMM_CREATE_VM, 0UL);
	r = vm < 0 ? -errno : 0;
	close(sys);
	if (r)
		return r;
	vcpu = ioctl(vm, MINIVMM_CREATE_VCPU, 0UL);
	if (vcpu < 0) {
		r = -errno;
		goto out_vm;
	}
	size = ioctl(vm, MINIVMM_GET_VCPU_MMAP_SIZE, 0UL);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED) {
		r = -errno;
		goto out_vcpu;
	}
	/* immediate_exit: nothing runs, and nothing is left pending. */
	run->immediate_exit = 1;
	r = xioctl(vcpu, MINIVMM_RUN, 0);
	if (r == -EINTR)
		r = 0;
	else if (r == 0)
		r = -EPROTO;
	munmap(run, size);
out_vcpu:
	close(vcpu);
out_vm:
	close(vm);
	return r;
}

/* guest_open() and guest_open_irqchip(). */
static int guest_open_vm(struct guest *g, bool irqchip)
{
	long size;
	int r;

	memset(g, 0, sizeof(*g));
	g->sys = g->vm = g->vcpu = -1;
	g->run = MAP_FAILED;
	g->mem = MAP_FAILED;

	g->sys = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
	if (g->sys < 0)
		goto err;
	g->vm = ioctl(g->sys, MINIVMM_CREATE_VM, 0UL);
	if (g->vm < 0)
		goto err;
	/* Only before the first vCPU exists (uapi/linux/minivmm.h). */
	if (irqchip && ioctl(g->vm, MINIVMM_CREATE_IRQCHIP, 0UL) < 0)
		goto err;
	g->mem_size = GUEST_MEM_SIZE;
	g->mem = mmap(NULL, g->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		goto err;
	r = guest_set_slot(g->vm, 0, 0, 0, g->mem_size, g->mem);
	if (r) {
		errno = -r;
		goto err;
	}
	g->vcpu = ioctl(g->vm, MINIVMM_CREATE_VCPU, 0UL);
	if (g->vcpu < 0)
		goto err;
	size = ioctl(g->vm, MINIVMM_GET_VCPU_MMAP_SIZE, 0UL);
	if (size < 0)
		goto err;
	g->run_size = size;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      g->vcpu, 0);
	if (g->run == MAP_FAILED)
		goto err;
	return 0;
err:
	r = -errno;
	guest_close(g);
	return r;
}

int guest_open(struct guest *g)
{
	return guest_open_vm(g, false);
}

int guest_open_irqchip(struct guest *g)
{
	return guest_open_vm(g, true);
}

void guest_close(struct guest *g)
{
	if (g->run != MAP_FAILED && g->run)
		munmap(g->run, g->run_size);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->vm >= 0)
		close(g->vm);
	if (g->sys >= 0)
		close(g->sys);
	if (g->mem != MAP_FAILED && g->mem)
		munmap(g->mem, g->mem_size);
	g->run = MAP_FAILED;
	g->mem = MAP_FAILED;
	g->sys = g->vm = g->vcpu = -1;
}

void *guest_gpa(struct guest *g, uint64_t gpa, size_t len)
{
	if (gpa > g->mem_size || len > g->mem_size - gpa)
		return NULL;
	return g->mem + gpa;
}

int guest_load(struct guest *g, struct guest_image image)
{
	size_t len = image.end - image.start;

	if (len > GUEST_STACK - GUEST_CODE - 0x1000)
		return -E2BIG;
	memcpy(g->mem + GUEST_CODE, image.start, len);
	return 0;
}

static void set_seg(struct minivmm_segment *s, uint16_t sel, uint8_t type,
		    bool code64)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = 0;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
}

static void set_real_seg(struct minivmm_segment *s, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
}

int guest_mode_sregs(struct guest *g, enum guest_mode mode,
		     struct minivmm_sregs *sregs)
{
	struct minivmm_segment *data[] = {
		&sregs->ds, &sregs->es, &sregs->fs, &sregs->gs, &sregs->ss,
	};
	size_t i;
	int r;

	r = guest_get_sregs(g, sregs);
	if (r)
		return r;

	if (mode == GUEST_REAL) {
		set_real_seg(&sregs->cs, SEG_CODE_RX_A);
		for (i = 0; i < sizeof(data) / sizeof(data[0]); i++)
			set_real_seg(data[i], SEG_DATA_RW_A);
		sregs->cr0 &= ~(CR0_PE | CR0_PG);
		sregs->cr4 = 0;
		sregs->efer = 0;
		sregs->idt.base = 0;
		sregs->idt.limit = 0x3ff;
		return 0;
	}

	set_seg(&sregs->cs, mode == GUEST_LONG64 ? SEL_CODE64 : SEL_CODE32,
		SEG_CODE_RX_A, mode == GUEST_LONG64);
	for (i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		set_seg(data[i], SEL_DATA, SEG_DATA_RW_A, false);

	/* A usable, busy TSS: VM entry requires one (SDM vol 3C 26.3.1.2). */
	memset(&sregs->tr, 0, sizeof(sregs->tr));
	sregs->tr.selector = SEL_TSS;
	sregs->tr.limit = 0x67;
	sregs->tr.type = SEG_TSS_BUSY;
	sregs->tr.present = 1;

	sregs->gdt.base = GUEST_GDT;
	sregs->gdt.limit = GDT_ENTRIES * 8 - 1;
	sregs->idt.base = GUEST_IDT;
	sregs->idt.limit = mode == GUEST_LONG64 ? 256 * 16 - 1 : 256 * 8 - 1;

	if (mode == GUEST_PROT32) {
		sregs->cr0 = CR0_PE | CR0_ET | CR0_NE;
		sregs->cr3 = 0;
		sregs->cr4 = 0;
		sregs->efer = 0;
	} else {
		sregs->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		sregs->cr3 = GUEST_PML4;
		sregs->cr4 = CR4_PAE;
		sregs->efer = EFER_LME | EFER_LMA;
	}
	return 0;
}

/* 4 GiB identity-mapped with 2 MiB pages. */
static void write_page_tables(struct guest *g)
{
	uint64_t *pml4 = guest_gpa(g, GUEST_PML4, 0x1000);
	uint64_t *pdpt = guest_gpa(g, GUEST_PDPT, 0x1000);
	uint64_t *pd = guest_gpa(g, GUEST_PD, 4 * 0x1000);
	uint64_t i;

	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	pml4[0] = GUEST_PDPT | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (GUEST_PD + i * 0x1000) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | PTE_P | PTE_RW | PTE_PS;
}

int guest_set_mode(struct guest *g, enum guest_mode mode)
{
	struct minivmm_sregs sregs;
	struct minivmm_regs regs;
	int r;

	memcpy(guest_gpa(g, GUEST_GDT, sizeof(gdt_entries)), gdt_entries,
	       sizeof(gdt_entries));
	if (mode == GUEST_LONG64)
		write_page_tables(g);
	r = guest_mode_sregs(g, mode, &sregs);
	if (r)
		return r;
	r = xioctl(g->vcpu, MINIVMM_SET_SREGS, (unsigned long)&sregs);
	if (r)
		return r;
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE;
	regs.rsp = GUEST_STACK;
	regs.rflags = 2;
	return guest_set_regs(g, &regs);
}

int guest_start(struct guest *g, struct guest_image image, enum guest_mode mode)
{
	int r = guest_load(g, image);

	return r ? r : guest_set_mode(g, mode);
}

int guest_run(struct guest *g)
{
	return xioctl(g->vcpu, MINIVMM_RUN, 0);
}

int guest_get_regs(struct guest *g, struct minivmm_regs *regs)
{
	return xioctl(g->vcpu, MINIVMM_GET_REGS, (unsigned long)regs);
}

int guest_set_regs(struct guest *g, const struct minivmm_regs *regs)
{
	return xioctl(g->vcpu, MINIVMM_SET_REGS, (unsigned long)regs);
}

int guest_get_sregs(struct guest *g, struct minivmm_sregs *sregs)
{
	return xioctl(g->vcpu, MINIVMM_GET_SREGS, (unsigned long)sregs);
}

/*
 * One MSR through MINIVMM_GET_MSRS / MINIVMM_SET_MSRS.  Returns what the
 * ioctl returns: the number of MSRs done (1, or 0 for one the kernel
 * refuses), or -1 with errno set.
 */
int guest_get_msr(struct guest *g, uint32_t index, uint64_t *data)
{
	struct {
		struct minivmm_msrs hdr;
		struct minivmm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index };
	int r = ioctl(g->vcpu, MINIVMM_GET_MSRS, &m);

	*data = m.e.data;
	return r;
}

int guest_set_msr(struct guest *g, uint32_t index, uint64_t data)
{
	struct {
		struct minivmm_msrs hdr;
		struct minivmm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index, .e.data = data };

	return ioctl(g->vcpu, MINIVMM_SET_MSRS, &m);
}

/*
 * The run page is the kernel's to fill: check where it says the data is
 * before following it.
 */
uint8_t *guest_io_buf(struct guest *g)
{
	uint64_t off = g->run->io.data_offset;

	if (off < sizeof(*g->run) || off >= g->run_size)
		return NULL;
	return (uint8_t *)g->run + off;
}

uint32_t guest_io_data(struct guest *g)
{
	uint8_t *buf = guest_io_buf(g);
	uint32_t v = 0;

	if (buf && g->run->io.size <= 4)
		memcpy(&v, buf, g->run->io.size);
	return v;
}

void guest_set_io_data(struct guest *g, uint32_t value)
{
	uint8_t *buf = guest_io_buf(g);

	if (buf && g->run->io.size <= 4)
		memcpy(buf, &value, g->run->io.size);
}

const char *guest_exit_name(uint32_t reason)
{
	switch (reason) {
	case MINIVMM_EXIT_UNKNOWN:		return "UNKNOWN";
	case MINIVMM_EXIT_IO:			return "IO";
	case MINIVMM_EXIT_HLT:			return "HLT";
	case MINIVMM_EXIT_MMIO:			return "MMIO";
	case MINIVMM_EXIT_SHUTDOWN:		return "SHUTDOWN";
	case MINIVMM_EXIT_FAIL_ENTRY:		return "FAIL_ENTRY";
	case MINIVMM_EXIT_INTR:			return "INTR";
	case MINIVMM_EXIT_INTERNAL_ERROR:	return "INTERNAL_ERROR";
	default:				return "(unknown reason)";
	}
}

static void dump_seg(const char *name, const struct minivmm_segment *s)
{
	fprintf(stderr, "#   %-3s sel %#06x base %#llx limit %#x type %#x p%u dpl%u db%u s%u l%u g%u u%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->present, s->dpl, s->db, s->s, s->l, s->g,
		s->unusable);
}

void guest_dump(struct guest *g)
{
	struct minivmm_run *run = g->run;
	struct minivmm_sregs s;
	struct minivmm_regs r;
	unsigned int i;

	if (run == MAP_FAILED || !run)
		return;
	fprintf(stderr, "#   exit %u (%s)", run->exit_reason,
		guest_exit_name(run->exit_reason));
	switch (run->exit_reason) {
	case MINIVMM_EXIT_IO:
		fprintf(stderr, ": %s port %#x size %u count %u data_offset %llu data %#x",
			run->io.direction == MINIVMM_EXIT_IO_OUT ? "out" : "in",
			run->io.port, run->io.size, run->io.count,
			(unsigned long long)run->io.data_offset, guest_io_data(g));
		break;
	case MINIVMM_EXIT_MMIO:
		fprintf(stderr, ": %s gpa %#llx len %u data",
			run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len);
		for (i = 0; i < 8; i++)
			fprintf(stderr, " %02x", run->mmio.data[i]);
		break;
	case MINIVMM_EXIT_FAIL_ENTRY:
		fprintf(stderr, ": hardware reason %#llx cpu %u",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			run->fail_entry.cpu);
		break;
	case MINIVMM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, ": suberror %u ndata %u", run->internal.suberror,
			run->internal.ndata);
		for (i = 0; i < run->internal.ndata && i < 16; i++)
			fprintf(stderr, " %#llx", (unsigned long long)run->internal.data[i]);
		break;
	}
	fprintf(stderr, "\n");
	if (!guest_get_regs(g, &r)) {
		fprintf(stderr, "#   rax %#llx rbx %#llx rcx %#llx rdx %#llx\n",
			r.rax, r.rbx, r.rcx, r.rdx);
		fprintf(stderr, "#   rsi %#llx rdi %#llx rsp %#llx rbp %#llx\n",
			r.rsi, r.rdi, r.rsp, r.rbp);
		fprintf(stderr, "#   r8 %#llx r9 %#llx r10 %#llx r11 %#llx\n",
			r.r8, r.r9, r.r10, r.r11);
		fprintf(stderr, "#   rip %#llx rflags %#llx\n", r.rip, r.rflags);
	}
	if (!guest_get_sregs(g, &s)) {
		fprintf(stderr, "#   cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
			s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
		dump_seg("cs", &s.cs);
		dump_seg("ss", &s.ss);
		dump_seg("ds", &s.ds);
		dump_seg("tr", &s.tr);
		fprintf(stderr, "#   gdt %#llx/%#x idt %#llx/%#x\n",
			(unsigned long long)s.gdt.base, s.gdt.limit,
			(unsigned long long)s.idt.base, s.idt.limit);
	}
}

int guest_run_until(struct guest *g, uint32_t reason, int skip_port,
		    int max_exits)
{
	int n, r;

	for (n = 1; n <= max_exits; n++) {
		r = guest_run(g);
		if (r)
			return r;
		if (g->run->exit_reason == reason)
			return n;
		if (g->run->exit_reason != MINIVMM_EXIT_IO ||
		    g->run->io.port != skip_port)
			return -EPROTO;
	}
	return -ETIME;
}
