// SPDX-License-Identifier: GPL-2.0
/*
 * tests/run_test.c: host-side tests for "vmctl run", printing TAP.
 *
 * Everything "vmctl run" does before and after the module's RUN ioctl is
 * pure code: the option parser, the loaders (images are built here in
 * memory, and loaded into a buffer standing for guest RAM, whose page
 * tables and boot information are then walked as a guest would), and the
 * device models.  Last, the vmctl binary named by argv[1] is run on images
 * written to a scratch directory, for the errors that come before any VM.
 *
 *	usage: run_test PATH-TO-VMCTL
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

static char tmpdir[256];

/* ---- the option parser ---- */

static int parse(struct run_opts *o, char *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = "run";
	va_start(ap, err);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return run_parse_args(argc, argv, o, err, 256);
}

static void test_parse(void)
{
	struct run_opts o;
	char err[256];
	uint64_t v;

	check(!parse(&o, err, "k.elf", NULL) && o.mem_size == 128 * MiB &&
	      o.cpus == 1 && !o.flat && !o.cmdline && !o.nr_modules &&
	      !o.trace_exits && !o.trace_boot && !strcmp(o.image, "k.elf"),
	      "parse: defaults: 128M, 1 CPU, the image");
	check(!parse(&o, err, "--mem", "64M", "--cmdline", "a b", "--module",
		     "m1", "--module=m2", "--trace-exits", "--trace-boot", "k",
		     NULL) &&
	      o.mem_size == 64 * MiB && !strcmp(o.cmdline, "a b") &&
	      o.nr_modules == 2 && !strcmp(o.modules[1], "m2") &&
	      o.trace_exits && o.trace_boot,
	      "parse: every option, both spellings");
	check(!parse(&o, err, "k", "--mem=1G", NULL) && o.mem_size == GiB &&
	      !strcmp(o.image, "k"), "parse: options after the image");
	check(!parse(&o, err, "--flat", "0x7c00", "boot.bin", NULL) &&
	      o.flat && o.flat_addr == 0x7c00, "parse: --flat takes hex");
	check(!parse(&o, err, "--cpus", "1", "--", "--odd-name", NULL) &&
	      !strcmp(o.image, "--odd-name"), "parse: -- ends the options");

	check(parse(&o, err, "--cpus", "2", "k", NULL) == -EINVAL &&
	      strstr(err, "only 1 vCPU"), "parse: --cpus 2 is refused: %s", err);
	check(parse(&o, err, "--cpus", "x", "k", NULL) == -EINVAL,
	      "parse: --cpus x is refused");
	check(parse(&o, err, "--mem", "12Q", "k", NULL) == -EINVAL &&
	      strstr(err, "--mem"), "parse: a bad size: %s", err);
	check(parse(&o, err, "--mem", "512K", "k", NULL) == -EINVAL,
	      "parse: --mem below 1M is refused");
	check(parse(&o, err, "--mem", "1T", "k", NULL) == -EINVAL &&
	      parse(&o, err, "--mem", "300G", "k", NULL) == -EINVAL,
	      "parse: --mem above 256G is refused");
	check(parse(&o, err, "--mem", "1048577", "k", NULL) == -EINVAL,
	      "parse: --mem not a multiple of 4K is refused");
	check(parse(&o, err, "--flat", "0x100000", "k", NULL) == -EINVAL &&
	      strstr(err, "1M"), "parse: --flat at 1M is refused");
	check(parse(&o, err, "--flat", "0", "--module", "m", "k", NULL) ==
	      -EINVAL, "parse: --module with --flat is refused");
	check(parse(&o, err, NULL) == -EINVAL && strstr(err, "no IMAGE"),
	      "parse: no image: %s", err);
	check(parse(&o, err, "a", "b", NULL) == -EINVAL &&
	      strstr(err, "'b'"), "parse: two images: %s", err);
	check(parse(&o, err, "--bogus", "k", NULL) == -EINVAL &&
	      strstr(err, "--bogus"), "parse: unknown option: %s", err);
	check(parse(&o, err, "k", "--mem", NULL) == -EINVAL &&
	      strstr(err, "needs a value"), "parse: missing value: %s", err);

	check(!run_parse_size("2G", &v) && v == 2 * GiB &&
	      !run_parse_size("64MiB", &v) && v == 64 * MiB &&
	      !run_parse_size("4096", &v) && v == 4096 &&
	      !run_parse_size("0x100000", &v) && v == MiB &&
	      !run_parse_size("16k", &v) && v == 16 * KiB,
	      "parse: sizes with suffixes");
	check(run_parse_size("", &v) && run_parse_size("-1M", &v) &&
	      run_parse_size("1MM", &v) && run_parse_size("M", &v) &&
	      run_parse_size("99999999999999999G", &v),
	      "parse: bad sizes are refused");
}

/* ---- guest memory ---- */

static void test_gmem(void)
{
	uint64_t size = 3 * GiB + 8 * MiB, gpa;
	struct boot_layout l;
	struct guest_mem m;
	uint8_t *host;

	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED) {
		skip("cannot map 3 GiB", "gmem: the hole above 3 GiB");
		return;
	}
	gmem_init(&m, host, size);
	check(m.low_size == 3 * GiB && gmem_top(&m) == 4 * GiB + 8 * MiB,
	      "gmem: more than 3G: 3G low, the rest at 4G");
	check(gmem_ptr(&m, 3 * GiB - 4096, 4096) == host + 3 * GiB - 4096 &&
	      !gmem_ptr(&m, 3 * GiB - 4096, 8192) &&
	      !gmem_ptr(&m, 3 * GiB, 1) &&
	      gmem_ptr(&m, 4 * GiB, 8 * MiB) == host + 3 * GiB &&
	      !gmem_ptr(&m, 4 * GiB + 4096, 8 * MiB) &&
	      !gmem_ptr(&m, ~0ULL - 10, 100),
	      "gmem: ranges in the hole, across it or wrapping are refused");

	layout_init(&l);
	layout_reserve(&l, 0, 4096);
	layout_reserve(&l, 8192, 4096);
	check(!layout_alloc(&l, &m, 4096, 4096, 0, ~0ULL, &gpa) &&
	      gpa == 4096, "layout: first fit between reservations");
	check(!layout_alloc(&l, &m, 8192, 4096, 0, ~0ULL, &gpa) &&
	      gpa == 12288, "layout: a larger block goes after them");
	check(!layout_alloc(&l, &m, 8 * MiB, 4096, 3 * GiB - 4 * MiB, ~0ULL,
			    &gpa) && gpa == 4 * GiB &&
	      layout_alloc(&l, &m, 16 * MiB, 4096, 0, 1 * MiB, &gpa) ==
	      -ENOMEM, "layout: across the hole goes above it; no room fails");
	munmap(host, size);
}

/* ---- ELF images built in memory ---- */

#define IMG_MAX		(64 * 1024)

struct img_seg {
	uint64_t paddr, vaddr;
	const void *data;
	uint64_t filesz, memsz;
};

/* An ELF64 x86-64 or ELF32 i386 executable with @n PT_LOAD segments. */
static size_t build_elf(uint8_t *buf, bool is64, uint64_t entry,
			const struct img_seg *segs, unsigned int n)
{
	size_t off = 0x1000, phoff = is64 ? sizeof(Elf64_Ehdr) :
					    sizeof(Elf32_Ehdr);
	unsigned int i;

	memset(buf, 0, IMG_MAX);
	if (is64) {
		Elf64_Ehdr *e = (Elf64_Ehdr *)buf;

		memcpy(e->e_ident, ELFMAG, SELFMAG);
		e->e_ident[EI_CLASS] = ELFCLASS64;
		e->e_ident[EI_DATA] = ELFDATA2LSB;
		e->e_ident[EI_VERSION] = EV_CURRENT;
		e->e_type = ET_EXEC;
		e->e_machine = EM_X86_64;
		e->e_entry = entry;
		e->e_phoff = phoff;
		e->e_ehsize = sizeof(*e);
		e->e_phentsize = sizeof(Elf64_Phdr);
		e->e_phnum = n;
	} else {
		Elf32_Ehdr *e = (Elf32_Ehdr *)buf;

		memcpy(e->e_ident, ELFMAG, SELFMAG);
		e->e_ident[EI_CLASS] = ELFCLASS32;
		e->e_ident[EI_DATA] = ELFDATA2LSB;
		e->e_ident[EI_VERSION] = EV_CURRENT;
		e->e_type = ET_EXEC;
		e->e_machine = EM_386;
		e->e_entry = entry;
		e->e_phoff = phoff;
		e->e_ehsize = sizeof(*e);
		e->e_phentsize = sizeof(Elf32_Phdr);
		e->e_phnum = n;
	}
	for (i = 0; i < n; i++) {
		if (is64) {
			Elf64_Phdr *p = (Elf64_Phdr *)(buf + phoff) + i;

			*p = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off,
				.p_paddr = segs[i].paddr,
				.p_vaddr = segs[i].vaddr,
				.p_filesz = segs[i].filesz,
				.p_memsz = segs[i].memsz };
		} else {
			Elf32_Phdr *p = (Elf32_Phdr *)(buf + phoff) + i;

			*p = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = off,
				.p_paddr = segs[i].paddr,
				.p_vaddr = segs[i].vaddr,
				.p_filesz = segs[i].filesz,
				.p_memsz = segs[i].memsz };
		}
		memcpy(buf + off, segs[i].data, segs[i].filesz);
		off += (segs[i].filesz + 0xfff) & ~0xfffULL;
	}
	return off;
}

#define RAM_SIZE	(16 * MiB)

static uint8_t img_buf[IMG_MAX];

static void fresh_ram(struct guest_mem *m)
{
	static uint8_t *ram;

	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0xcc, RAM_SIZE);
	gmem_init(m, ram, RAM_SIZE);
}

static uint64_t ram_u64(struct guest_mem *m, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, gmem_ptr(m, gpa, 8), 8);
	return v;
}

static uint32_t ram_u32(struct guest_mem *m, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, gmem_ptr(m, gpa, 4), 4);
	return v;
}

/* Translate @va as the guest's 4-level paging would, or ~0 if unmapped. */
static uint64_t walk(struct guest_mem *m, uint64_t cr3, uint64_t va)
{
	uint64_t e;

	e = ram_u64(m, (cr3 & ~0xfffULL) + ((va >> 39) & 511) * 8);
	if (!(e & 1))
		return ~0ULL;
	e = ram_u64(m, (e & 0xffffffffff000ULL) + ((va >> 30) & 511) * 8);
	if (!(e & 1))
		return ~0ULL;
	e = ram_u64(m, (e & 0xffffffffff000ULL) + ((va >> 21) & 511) * 8);
	if (!(e & 1) || !(e & 0x80) || !(e & 2))
		return ~0ULL;
	return (e & 0xfffffffe00000ULL) + (va & 0x1fffff);
}

static void test_elf64(void)
{
	static const uint8_t code[] = { 0xe6, 0xf4, 0xf4 };  /* out; hlt */
	static const uint8_t data[] = "data";
	struct img_seg segs[2] = {
		{ 0x100000, 0xffffffff80100000ULL, code, sizeof(code), 0x2000 },
		{ 0x200000, 0xffffffff80200000ULL, data, sizeof(data), 8 },
	};
	struct run_file img = { "k64", img_buf, 0 };
	struct boot_state bs;
	struct guest_mem m;
	uint64_t rsp, cr3;
	bool clean;
	int ret;

	img.size = build_elf(img_buf, true, 0xffffffff80100001ULL, segs, 2);
	fresh_ram(&m);
	memset(&bs, 0, sizeof(bs));
	check(elf_is_elf64(&img), "elf64: recognized");
	ret = load_elf64(&m, &img, &bs);
	check(ret == 0, "elf64: a two-segment image loads (%d)", ret);
	check(!memcmp(gmem_ptr(&m, 0x100000, 3), code, 3) &&
	      *(uint8_t *)gmem_ptr(&m, 0x100003, 1) == 0 &&
	      *(uint8_t *)gmem_ptr(&m, 0x101fff, 1) == 0 &&
	      *(uint8_t *)gmem_ptr(&m, 0x102000, 1) == 0xcc &&
	      !memcmp(gmem_ptr(&m, 0x200000, 5), "data", 5),
	      "elf64: segments at p_paddr, .bss zeroed, nothing more");
	check(bs.regs.rip == 0x100001,
	      "elf64: a high e_entry is made physical through its segment");
	check(bs.sregs.cr0 == 0x80000033 && (bs.sregs.cr4 & 0x20) &&
	      bs.sregs.efer == 0x500, "elf64: CR0 PE|MP|ET|NE|PG, PAE, LME|LMA");
	check(bs.sregs.cs.l && !bs.sregs.cs.db && bs.sregs.cs.selector == 8 &&
	      bs.sregs.cs.type == 0xb && bs.sregs.ss.selector == 0x10 &&
	      bs.sregs.ds.db && bs.sregs.tr.type == 0xb && bs.sregs.tr.present,
	      "elf64: 64-bit CS, flat data segments, a busy TSS");
	check(bs.regs.rflags == 2 && !bs.regs.rsi && !bs.regs.rdi,
	      "elf64: interrupts off, RSI = RDI = 0");
	check(ram_u64(&m, bs.sregs.gdt.base + 8) == 0x00af9b000000ffffULL &&
	      ram_u64(&m, bs.sregs.gdt.base + 16) == 0x00cf93000000ffffULL &&
	      ram_u64(&m, bs.sregs.gdt.base) == 0 &&
	      bs.sregs.gdt.limit == 23,
	      "elf64: the GDT matches the segment registers");

	cr3 = bs.sregs.cr3;
	check(walk(&m, cr3, 0) == 0 && walk(&m, cr3, 0x123456) == 0x123456 &&
	      walk(&m, cr3, RAM_SIZE - 1) == RAM_SIZE - 1 &&
	      walk(&m, cr3, 0xfee00000) == 0xfee00000 &&
	      walk(&m, cr3, 4 * GiB) == ~0ULL,
	      "elf64: RAM and the first 4G are identity mapped, 2M pages");
	rsp = bs.regs.rsp;
	clean = rsp % 16 == 0 && rsp <= RAM_SIZE &&
		!(cr3 < 0x102000 && cr3 + 0x1000 > 0x100000) &&
		!(rsp > 0x100000 && rsp - 16 * KiB < 0x102000) &&
		bs.sregs.gdt.base >= 0x1000;
	check(clean, "elf64: tables and stack are off page 0 and the image (cr3 0x%llx rsp 0x%llx)",
	      (unsigned long long)cr3, (unsigned long long)rsp);

	/* A segment where the tables would go by default: they move. */
	segs[0].paddr = 0x1000;
	segs[0].vaddr = 0x1000;
	img.size = build_elf(img_buf, true, 0x1000, segs, 1);
	fresh_ram(&m);
	check(!load_elf64(&m, &img, &bs) && bs.sregs.cr3 >= 0x3000 &&
	      walk(&m, bs.sregs.cr3, 0x1000) == 0x1000 &&
	      !memcmp(gmem_ptr(&m, 0x1000, 3), code, 3),
	      "elf64: tables go around an image at 4K");

	/* Bad images. */
	segs[0] = (struct img_seg){ 0x100000, 0x100000, code, 3, 16 };
	img.size = build_elf(img_buf, true, 0x100000, segs, 1);
	((Elf64_Ehdr *)img_buf)->e_machine = EM_386;
	check(load_elf64(&m, &img, &bs) == -ENOEXEC,
	      "elf64: another machine is refused");
	img.size = build_elf(img_buf, false, 0x100000, segs, 1);
	check(!elf_is_elf64(&img) && load_elf64(&m, &img, &bs) == -ENOEXEC,
	      "elf64: an ELF32 is refused");
	img.size = build_elf(img_buf, true, 0x100000, segs, 1);
	img.size = sizeof(Elf64_Ehdr) + 10;
	check(load_elf64(&m, &img, &bs) == -EINVAL,
	      "elf64: program headers past the end of the file are refused");
	img.size = build_elf(img_buf, true, 0x100000, segs, 1);
	((Elf64_Phdr *)(img_buf + sizeof(Elf64_Ehdr)))->p_filesz = 32;
	check(load_elf64(&m, &img, &bs) == -EINVAL,
	      "elf64: p_filesz > p_memsz is refused");
	img.size = build_elf(img_buf, true, 0x100000, segs, 1);
	((Elf64_Phdr *)(img_buf + sizeof(Elf64_Ehdr)))->p_offset = ~0ULL - 1;
	check(load_elf64(&m, &img, &bs) == -EINVAL,
	      "elf64: a segment offset past the file (wrapping) is refused");
	img.size = build_elf(img_buf, true, 0x500000, segs, 1);
	check(load_elf64(&m, &img, &bs) == -EINVAL,
	      "elf64: an entry outside every segment is refused");
	segs[0].paddr = segs[0].vaddr = RAM_SIZE - 8;
	img.size = build_elf(img_buf, true, RAM_SIZE - 8, segs, 1);
	check(load_elf64(&m, &img, &bs) == -ERANGE,
	      "elf64: a segment past the end of RAM is refused");
	img.size = 3;
	check(load_elf64(&m, &img, &bs) == -ENOEXEC,
	      "elf64: a 3-byte file is refused");
}

/* ---- Multiboot ---- */

static void mb_header(uint8_t *p, uint32_t flags)
{
	uint32_t h[3] = { MB_MAGIC, flags, -(MB_MAGIC + flags) };

	memcpy(p, h, sizeof(h));
}

static void test_multiboot(void)
{
	uint8_t text[64] = { 0 };
	struct img_seg seg = { 0x100000, 0x100000, text, sizeof(text),
			       0x3000 };
	struct run_file img = { "/boot/kernel", img_buf, 0 };
	struct run_file mods[2] = {
		{ "initrd.img", (uint8_t *)"INITRD", 6 },
		{ "/mod/two", (uint8_t *)"second module", 13 },
	};
	uint32_t info, mmap_addr, mmap_len, mods_addr, i, m0, m1;
	uint64_t base, len;
	struct boot_state bs;
	struct guest_mem m;
	struct mb_header h;
	size_t off;
	int ret;

	mb_header(text, 0x3);		/* page align, memory info */
	img.size = build_elf(img_buf, false, 0x100010, &seg, 1);
	fresh_ram(&m);
	memset(&bs, 0, sizeof(bs));
	check(!mb_find_header(&img, &h, &off) && off == 0x1000 &&
	      h.flags == 3, "multiboot: header found in the first 8K");
	ret = load_multiboot(&m, &img, "console=ttyS0 quiet", mods, 2, &bs);
	check(ret == 0, "multiboot: an ELF32 kernel with two modules loads (%d)",
	      ret);
	check(bs.regs.rax == 0x2BADB002 && bs.regs.rip == 0x100010 &&
	      bs.regs.rflags == 2, "multiboot: EAX magic, entry, IF off");
	check(bs.sregs.cr0 & 1 && !(bs.sregs.cr0 & 0x80000000) &&
	      !bs.sregs.efer && bs.sregs.cs.db && !bs.sregs.cs.l &&
	      bs.sregs.cs.limit == 0xffffffff && !bs.sregs.cs.base &&
	      bs.sregs.ds.limit == 0xffffffff && bs.sregs.ss.type == 3,
	      "multiboot: 32-bit protected mode, paging off, flat 4G segments");
	check(ram_u64(&m, bs.sregs.gdt.base + 8) == 0x00cf9b000000ffffULL &&
	      ram_u64(&m, bs.sregs.gdt.base + 16) == 0x00cf93000000ffffULL,
	      "multiboot: a GDT backs selectors 0x08 and 0x10");

	info = bs.regs.rbx;
	check(info && info + 88 <= 640 * KiB,
	      "multiboot: the info sits in low memory (0x%x)", info);
	check(ram_u32(&m, info) == (1 | 4 | 8 | 64 | 512),
	      "multiboot: flags: mem, cmdline, mods, mmap, loader name");
	check(ram_u32(&m, info + 4) == 640 &&
	      ram_u32(&m, info + 8) == (RAM_SIZE - MiB) / KiB,
	      "multiboot: mem_lower 640, mem_upper = RAM above 1M in KiB");
	check(!strcmp(gmem_ptr(&m, ram_u32(&m, info + 16), 1),
		      "/boot/kernel console=ttyS0 quiet"),
	      "multiboot: cmdline is the image name, then --cmdline");
	check(!strcmp(gmem_ptr(&m, ram_u32(&m, info + 64), 1), "vmctl"),
	      "multiboot: boot loader name");

	mmap_len = ram_u32(&m, info + 44);
	mmap_addr = ram_u32(&m, info + 48);
	check(mmap_len == 3 * 24, "multiboot: 3 memory map entries");
	for (i = 0; i < mmap_len / 24 && mmap_len == 72; i++) {
		uint32_t e = mmap_addr + i * 24;
		static const uint64_t want[3][3] = {
			{ 0, 640 * KiB, 1 },
			{ 640 * KiB, 384 * KiB, 2 },
			{ MiB, RAM_SIZE - MiB, 1 },
		};

		base = ram_u64(&m, e + 4);
		len = ram_u64(&m, e + 12);
		check(ram_u32(&m, e) == 20 && base == want[i][0] &&
		      len == want[i][1] && ram_u32(&m, e + 20) == want[i][2],
		      "multiboot: mmap entry %u: 0x%llx+0x%llx type %u", i,
		      (unsigned long long)base, (unsigned long long)len,
		      ram_u32(&m, e + 20));
	}

	mods_addr = ram_u32(&m, info + 24);
	m0 = ram_u32(&m, mods_addr);
	m1 = ram_u32(&m, mods_addr + 16);
	check(ram_u32(&m, info + 20) == 2 && m0 >= 0x103000 && !(m0 & 0xfff) &&
	      !(m1 & 0xfff) && m1 >= ram_u32(&m, mods_addr + 4),
	      "multiboot: modules page aligned above the kernel (0x%x, 0x%x)",
	      m0, m1);
	check(ram_u32(&m, mods_addr + 4) == m0 + 6 &&
	      !memcmp(gmem_ptr(&m, m0, 6), "INITRD", 6) &&
	      !memcmp(gmem_ptr(&m, m1, 13), "second module", 13) &&
	      !strcmp(gmem_ptr(&m, ram_u32(&m, mods_addr + 8), 1),
		      "initrd.img") &&
	      !strcmp(gmem_ptr(&m, ram_u32(&m, mods_addr + 24), 1),
		      "/mod/two"),
	      "multiboot: module contents, ends and strings");

	/* No --cmdline, no modules. */
	fresh_ram(&m);
	check(!load_multiboot(&m, &img, NULL, NULL, 0, &bs) &&
	      !strcmp(gmem_ptr(&m, ram_u32(&m, bs.regs.rbx + 16), 1),
		      "/boot/kernel") &&
	      !(ram_u32(&m, bs.regs.rbx) & 8),
	      "multiboot: no --cmdline: just the name; no modules flag");

	/* The a.out kludge: a flat image with addresses in the header. */
	memset(img_buf, 0, IMG_MAX);
	{
		uint32_t k[8] = { MB_MAGIC, 0x10003, -(MB_MAGIC + 0x10003),
				  0x200040, 0x200000, 0x200100, 0x204000,
				  0x200080 };

		memcpy(img_buf + 0x40, k, sizeof(k));
		memcpy(img_buf + 0x80, "ENTRY", 5);
		img.size = 0x1000;
		fresh_ram(&m);
		ret = load_multiboot(&m, &img, NULL, NULL, 0, &bs);
		check(!ret && bs.regs.rip == 0x200080 &&
		      !memcmp(gmem_ptr(&m, 0x200080, 5), "ENTRY", 5) &&
		      *(uint8_t *)gmem_ptr(&m, 0x200100, 1) == 0 &&
		      *(uint8_t *)gmem_ptr(&m, 0x203fff, 1) == 0 &&
		      *(uint8_t *)gmem_ptr(&m, 0x204000, 1) == 0xcc,
		      "multiboot: a.out kludge: load, bss, entry (%d)", ret);
		k[4] = 0x200050;	/* load_addr after header_addr */
		k[2] = -(MB_MAGIC + k[1]);
		memcpy(img_buf + 0x40, k, sizeof(k));
		check(load_multiboot(&m, &img, NULL, NULL, 0, &bs) == -EINVAL,
		      "multiboot: a.out kludge with load_addr > header_addr is refused");
	}

	/* Bad headers. */
	img.size = build_elf(img_buf, false, 0x100010, &seg, 1);
	img_buf[0x1008] ^= 1;		/* checksum */
	check(load_multiboot(&m, &img, NULL, NULL, 0, &bs) == -EINVAL,
	      "multiboot: a bad checksum is refused");
	mb_header(text, 0x4);		/* video mode */
	img.size = build_elf(img_buf, false, 0x100010, &seg, 1);
	check(load_multiboot(&m, &img, NULL, NULL, 0, &bs) == -EOPNOTSUPP,
	      "multiboot: a required video mode is refused");
	mb_header(text, 0x3);
	memset(img_buf, 0, IMG_MAX);
	mb_header(img_buf + 8192, 0);
	img.size = 8192 + 12;
	check(mb_find_header(&img, &h, &off) == -ENOENT,
	      "multiboot: a header past 8192 bytes is not found");
	mb_header(img_buf + 8180, 0);
	check(mb_find_header(&img, &h, &off) == 0 && off == 8180,
	      "multiboot: a header ending at 8192 bytes is found");
	mb_header(img_buf + 2, 0);
	memset(img_buf + 8180, 0, 12);
	check(mb_find_header(&img, &h, &off) == -ENOENT,
	      "multiboot: an unaligned header is not found");
	memset(img_buf, 0, IMG_MAX);
	mb_header(img_buf, 0);		/* no kludge and not an ELF */
	img.size = 4096;
	check(load_multiboot(&m, &img, NULL, NULL, 0, &bs) == -ENOEXEC,
	      "multiboot: neither ELF32 nor a.out kludge is refused");
	seg.paddr = seg.vaddr = RAM_SIZE - 16;
	img.size = build_elf(img_buf, false, RAM_SIZE - 16, &seg, 1);
	check(load_multiboot(&m, &img, NULL, NULL, 0, &bs) == -ERANGE,
	      "multiboot: a kernel past the end of RAM is refused");
}

/* More than 3 GiB: the hole shows in the memory map and the page tables. */
static void test_big_ram(void)
{
	static const uint8_t code[] = { 0xf4 };
	uint64_t size = 3 * GiB + 8 * MiB;
	uint8_t text[32] = { 0 };
	struct img_seg seg = { 0x100000, 0x100000, text, sizeof(text), 32 };
	struct run_file img = { "k", img_buf, 0 };
	uint32_t info, map;
	struct boot_state bs;
	struct guest_mem m;
	uint8_t *host;

	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED) {
		skip("cannot map 3 GiB", "big RAM: Multiboot map and page tables");
		return;
	}
	gmem_init(&m, host, size);

	mb_header(text, 0);
	img.size = build_elf(img_buf, false, 0x100000, &seg, 1);
	memset(&bs, 0, sizeof(bs));
	check(!load_multiboot(&m, &img, NULL, NULL, 0, &bs),
	      "big RAM: a Multiboot kernel loads");
	info = bs.regs.rbx;
	map = ram_u32(&m, info + 48);
	check(ram_u32(&m, info + 8) == (3 * GiB - MiB) / KiB &&
	      ram_u32(&m, info + 44) == 4 * 24 &&
	      ram_u64(&m, map + 3 * 24 + 4) == 4 * GiB &&
	      ram_u64(&m, map + 3 * 24 + 12) == 8 * MiB &&
	      ram_u32(&m, map + 3 * 24 + 20) == 1 &&
	      ram_u64(&m, map + 2 * 24 + 12) == 3 * GiB - MiB,
	      "big RAM: mem_upper stops at the hole; RAM from 4G is mapped");

	seg = (struct img_seg){ 4 * GiB + 4096, 4 * GiB + 4096, code, 1, 1 };
	img.size = build_elf(img_buf, true, 4 * GiB + 4096, &seg, 1);
	check(!load_elf64(&m, &img, &bs) &&
	      *(uint8_t *)gmem_ptr(&m, 4 * GiB + 4096, 1) == 0xf4 &&
	      walk(&m, bs.sregs.cr3, 4 * GiB + 4096) == 4 * GiB + 4096 &&
	      walk(&m, bs.sregs.cr3, 4 * GiB + 8 * MiB - 1) ==
	      4 * GiB + 8 * MiB - 1 && bs.regs.rip == 4 * GiB + 4096,
	      "big RAM: a 64-bit ELF above 4G loads and is mapped");
	munmap(host, size);
}

/* ---- flat binaries ---- */

static void test_flat(void)
{
	struct run_file img = { "boot.bin", (uint8_t *)"\xf4", 1 };
	struct boot_state bs;
	struct guest_mem m;

	fresh_ram(&m);
	memset(&bs, 0, sizeof(bs));
	check(!load_flat(&m, &img, 0x7c00, &bs) && bs.regs.rip == 0x7c00 &&
	      bs.sregs.cs.selector == 0 && bs.sregs.cs.base == 0 &&
	      bs.sregs.ss.selector == 0 && bs.sregs.cs.limit == 0xffff &&
	      *(uint8_t *)gmem_ptr(&m, 0x7c00, 1) == 0xf4 &&
	      !strcmp(bs.mode, "real"),
	      "flat: below 64K: CS = 0, IP = ADDR");
	check(!load_flat(&m, &img, 0x12345, &bs) && bs.regs.rip == 5 &&
	      bs.sregs.cs.selector == 0x1234 &&
	      bs.sregs.cs.base == 0x12340 && bs.sregs.ds.selector == 0x1234,
	      "flat: above 64K: CS = ADDR >> 4, IP = ADDR & 0xf");
	check(load_flat(&m, &img, MiB, &bs) == -EINVAL,
	      "flat: 1M is out of real mode's reach");
	gmem_init(&m, m.host, 64 * KiB);
	check(load_flat(&m, &img, 64 * KiB, &bs) == -ERANGE,
	      "flat: past the end of RAM is refused");
}

/* ---- devices ---- */

static void test_uart(void)
{
	struct uart16550 u;
	char got[16] = { 0 };
	int fds[2];

	if (pipe(fds)) {
		skip("no pipe", "uart");
		return;
	}
	uart_init(&u, fds[1], NULL, NULL);
	check(uart_read(&u, 5) == 0x60, "uart: LSR: THR empty and TEMT");
	uart_write(&u, 0, 'h');
	uart_write(&u, 0, 'i');
	check(read(fds[0], got, sizeof(got)) == 2 && !strcmp(got, "hi"),
	      "uart: THR writes reach the output at once");
	check(uart_read(&u, 0) == 0 && uart_read(&u, 5) == 0x60,
	      "uart: RBR reads 0, no data ready");
	uart_write(&u, 3, 0x83);	/* DLAB, 8N1 */
	uart_write(&u, 0, 0x01);
	uart_write(&u, 1, 0x00);
	check(uart_read(&u, 0) == 1 && uart_read(&u, 1) == 0 &&
	      uart_read(&u, 3) == 0x83, "uart: divisor latch with DLAB");
	uart_write(&u, 3, 0x03);
	uart_write(&u, 1, 0xff);
	uart_write(&u, 4, 0xff);
	uart_write(&u, 7, 0x5a);
	check(uart_read(&u, 1) == 0x0f && uart_read(&u, 3) == 3 &&
	      uart_read(&u, 4) == 0x1f && uart_read(&u, 7) == 0x5a,
	      "uart: IER, LCR, MCR, SCR read back (reserved bits 0)");
	check(uart_read(&u, 2) == 0x02 && uart_read(&u, 2) == 0x01,
	      "uart: IIR: THR empty once ETBEI is set, then none pending");
	uart_write(&u, 2, 0x07);
	check(uart_read(&u, 2) == 0xc1, "uart: IIR shows FIFOs enabled");
	uart_write(&u, 4, 0x1a);	/* loopback, RTS, OUT2: Linux's probe */
	check((uart_read(&u, 6) & 0xf0) == 0x90,
	      "uart: loopback: modem outputs read back as inputs");
	uart_write(&u, 0, 'x');
	check(uart_read(&u, 5) == 0x61 && uart_read(&u, 0) == 'x' &&
	      uart_read(&u, 5) == 0x60,
	      "uart: loopback: a sent byte comes back, not to the output");
	uart_write(&u, 4, 0x03);
	check(uart_read(&u, 6) == 0xb2 && uart_read(&u, 6) == 0xb0,
	      "uart: MSR: DCD, DSR, CTS; DSR's change shown once");
	close(fds[0]);
	close(fds[1]);
}

static void fw_cfg_bytes(struct fw_cfg *f, uint16_t key, uint8_t *buf,
			 unsigned int n)
{
	unsigned int i;

	fw_cfg_select(f, key);
	for (i = 0; i < n; i++)
		buf[i] = fw_cfg_read(f);
}

static void test_fw_cfg(void)
{
	struct fw_cfg f;
	uint8_t b[12];
	uint64_t v = 0;

	fw_cfg_init(&f, 3 * GiB + 4096, 1);
	fw_cfg_bytes(&f, 0, b, 5);
	check(!memcmp(b, "QEMU\0", 5), "fw_cfg: signature QEMU, then 0");
	fw_cfg_bytes(&f, 1, b, 4);
	check(b[0] == 1 && !b[1] && !b[2] && !b[3],
	      "fw_cfg: ID: traditional interface, no DMA");
	fw_cfg_bytes(&f, 3, b, 9);
	memcpy(&v, b, 8);
	check(v == 3 * GiB + 4096 && !b[8], "fw_cfg: RAM size, 64-bit LE");
	fw_cfg_bytes(&f, 5, b, 3);
	check(b[0] == 1 && !b[1] && !b[2], "fw_cfg: CPU count, 16-bit LE");
	fw_cfg_bytes(&f, 0x19, b, 4);
	check(!b[0] && !b[1] && !b[2] && !b[3], "fw_cfg: an empty file dir");
	fw_cfg_bytes(&f, 0x1234, b, 4);
	check(!b[0] && !b[3], "fw_cfg: an unknown key reads 0");
	fw_cfg_bytes(&f, 0, b, 2);
	fw_cfg_bytes(&f, 0, b, 4);
	check(!memcmp(b, "QEMU", 4), "fw_cfg: selecting again rewinds");
}

static void test_machine(void)
{
	struct machine mc;
	uint8_t d[4];
	uint32_t v;
	int fds[2];
	char got[8] = { 0 };

	if (pipe(fds)) {
		skip("no pipe", "machine");
		return;
	}
	machine_init(&mc, 64 * MiB, 1, fds[1]);

	v = 0x80001234;
	memcpy(d, &v, 4);
	machine_pio(&mc, 0xcf8, true, d, 4);
	memset(d, 0, 4);
	machine_pio(&mc, 0xcf8, false, d, 4);
	memcpy(&v, d, 4);
	check(v == 0x80001234, "pci: 0xcf8 stores and reads back 32 bits");
	machine_pio(&mc, 0xcfc, false, d, 4);
	memcpy(&v, d, 4);
	check(v == 0xffffffff, "pci: config data reads all ones (no device)");
	machine_pio(&mc, 0xcfe, false, d, 2);
	check(d[0] == 0xff && d[1] == 0xff, "pci: 16-bit data read at 0xcfe");
	machine_pio(&mc, 0xcf9, false, d, 1);
	check(d[0] == 0x00, "pci: a byte read of 0xcf9 is the reset control, not the address");

	v = 0;
	memcpy(d, &v, 2);
	machine_pio(&mc, 0x510, true, d, 2);
	machine_pio(&mc, 0x511, false, d, 1);
	machine_pio(&mc, 0x511, false, d + 1, 1);
	check(d[0] == 'Q' && d[1] == 'E', "fw_cfg: through ports 0x510/0x511");

	d[0] = 'o';
	d[1] = 'k';
	machine_pio(&mc, 0x3f8, true, d, 2);	/* THR, then IER */
	check(read(fds[0], got, sizeof(got)) == 1 && got[0] == 'o',
	      "uart: a 16-bit write is two byte writes (THR, IER)");
	machine_pio(&mc, 0x3fd, false, d, 1);
	check(d[0] == 0x60, "uart: LSR through port 0x3fd");

	fprintf(stderr, "# run_test: an unknown-port warning is expected next\n");
	machine_pio(&mc, 0x1234, false, d, 4);
	memcpy(&v, d, 4);
	machine_pio(&mc, 0x1234, true, d, 1);
	check(v == 0xffffffff && !mc.debug_exit.requested,
	      "pio: an unknown port reads all ones");
	check(mc.logged_ports[0x1234 / 8] & (1 << (0x1234 % 8)),
	      "pio: an unknown port is logged once");

	memset(d, 0xaa, 4);
	machine_mmio(&mc, 0xfee00000, false, d, 4);
	machine_mmio(&mc, 0xfee00000, true, d, 4);
	check(d[0] == 0xff && d[3] == 0xff && mc.nr_logged_mmio == 1,
	      "mmio: reads all ones, one address logged once");

	d[0] = 0x10;
	machine_pio(&mc, 0xf4, true, d, 1);
	check(mc.debug_exit.requested && mc.debug_exit.status == 33,
	      "debug-exit: writing 0x10 asks for status 33");
	v = 0x7f;
	memcpy(d, &v, 4);
	machine_pio(&mc, 0xf4, true, d, 4);
	check(mc.debug_exit.status == 255, "debug-exit: 32-bit write of 0x7f is 255");
	close(fds[0]);
	close(fds[1]);
}

/* ---- the vmctl binary ---- */

static int run_vmctl(const char *vmctl, const char *const *args, char *err,
		     size_t err_size)
{
	char err_path[PATH_MAX];
	posix_spawn_file_actions_t fa;
	char *argv[16];
	int i, status;
	ssize_t n;
	pid_t pid;

	argv[0] = (char *)vmctl;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	snprintf(err_path, sizeof(err_path), "%s/stderr", tmpdir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	i = posix_spawn(&pid, vmctl, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (i || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	n = read_file(err_path, err, err_size - 1);
	err[n > 0 ? n : 0] = '\0';
	return WEXITSTATUS(status);
}

#define VMCTL(...) \
	run_vmctl(vmctl, (const char *const[]){ __VA_ARGS__, NULL }, err, \
		  sizeof(err))

static void put_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		perror(path);
	if (fd >= 0)
		close(fd);
}

static void test_cli(const char *vmctl)
{
	static const uint8_t code[] = { 0xf4 };
	struct img_seg seg = { 0x100000, 0x100000, code, 1, 1 };
	char err[4096], elf[PATH_MAX], txt[PATH_MAX];
	int rc;

	snprintf(elf, sizeof(elf), "%s/k64.elf", tmpdir);
	snprintf(txt, sizeof(txt), "%s/notes.txt", tmpdir);
	put_file(elf, img_buf, build_elf(img_buf, true, 0x100000, &seg, 1));
	put_file(txt, "hello\n", 6);

	rc = VMCTL("run");
	check(rc == 2 && strstr(err, "no IMAGE") &&
	      strstr(err, "run 'vmctl run --help'"), "cli: run without an image: exit 2");
	rc = VMCTL("run", "--cpus", "4", elf);
	check(rc == 2 && strstr(err, "only 1 vCPU"), "cli: run --cpus 4: exit 2");
	rc = VMCTL("run", "/nonexistent/kernel");
	check(rc == 1 && strstr(err, "cannot read /nonexistent/kernel"),
	      "cli: a missing image: exit 1, named");
	rc = VMCTL("run", txt);
	check(rc == 1 && strstr(err, "--flat ADDR"),
	      "cli: a text file: exit 1, suggests --flat");
	rc = VMCTL("run", "--cmdline", "x", elf);
	check(rc == 2 && strstr(err, "Multiboot"),
	      "cli: --cmdline with a 64-bit ELF: exit 2");
	rc = VMCTL("run", "--module", "/nonexistent/mod", elf);
	check(rc == 1 && strstr(err, "cannot read module /nonexistent/mod"),
	      "cli: a missing module: exit 1, named");

	if (path_exists(MVM_DEV_PATH)) {
		skip("this machine has /dev/minivmm",
		     "cli: run without the module explains and exits 1");
		return;
	}
	rc = VMCTL("run", elf);
	check(rc == 1 && strstr(err, "vmctl: cannot open /dev/minivmm: ") &&
	      strstr(err, "\nvmctl: fix: "),
	      "cli: run without the module explains and exits 1");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-VMCTL\n", argv[0]);
		return 2;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/vmctl-run-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}

	test_parse();
	test_gmem();
	test_elf64();
	test_multiboot();
	test_big_ram();
	test_flat();
	test_uart();
	test_fw_cfg();
	test_machine();
	test_cli(argv[1]);

	{
		char path[PATH_MAX + 16];
		static const char *const names[] = { "k64.elf", "notes.txt",
						     "stderr" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++) {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
			unlink(path);
		}
		rmdir(tmpdir);
	}
	return tap_done("run_test");
}
