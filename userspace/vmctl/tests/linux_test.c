// SPDX-License-Identifier: GPL-2.0
/*
 * tests/linux_test.c: host-side tests for boot/linux.c, printing TAP.
 *
 * Fake bzImages (a setup header and a protected-mode part of a known
 * pattern) and a fake vmlinux (an ELF64 with a "Linux" note) are built in
 * memory and loaded into a buffer standing for guest RAM; the zero page,
 * the e820 map, the page tables and the registers are then read back as
 * the kernel would read them.  The offsets here are written out again from
 * Documentation/x86/boot.rst and bootparam.h rather than shared with the
 * loader, so a wrong offset there shows here.  Last, the vmctl binary named
 * by argv[1] is run on bad kernels: it must refuse them before any VM.
 *
 *	usage: linux_test PATH-TO-VMCTL
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

#define RAM_SIZE	(64 * MiB)
#define IMG_MAX		(64 * KiB)
#define PM_FILL		0x5a

static char tmpdir[256];
static uint8_t img_buf[IMG_MAX];
static uint8_t *ram;

/* The header fields a fake bzImage is made from. */
struct bz {
	uint8_t setup_sects, relocatable;
	uint16_t version, xloadflags;
	uint32_t syssize, init_size, kernel_alignment, cmdline_size;
	uint32_t initrd_addr_max;
	uint64_t pref_address;
};

static const struct bz bz_default = {
	.setup_sects = 4, .relocatable = 1, .version = 0x020f,
	.xloadflags = 0x3, .syssize = 0x100, .init_size = 4 * MiB,
	.kernel_alignment = 2 * MiB, .cmdline_size = 2047,
	.initrd_addr_max = 0x7fffffff, .pref_address = 16 * MiB,
};

static void put(uint8_t *p, unsigned int off, uint64_t v, unsigned int len)
{
	while (len--) {
		p[off++] = v;
		v >>= 8;
	}
}

static uint64_t get(const uint8_t *p, unsigned int off, unsigned int len)
{
	uint64_t v = 0;

	while (len--)
		v = v << 8 | p[off + len];
	return v;
}

/* A bzImage as arch/x86/boot/header.S lays it out; returns its size. */
static size_t build_bz(const struct bz *b)
{
	size_t pm = (b->setup_sects + 1) * 512;

	memset(img_buf, 0, IMG_MAX);
	img_buf[0x1f1] = b->setup_sects;
	put(img_buf, 0x1f4, b->syssize, 4);
	put(img_buf, 0x1fc, 0x0801, 2);			/* root_dev */
	put(img_buf, 0x1fe, 0xaa55, 2);
	img_buf[0x200] = 0xeb;
	img_buf[0x201] = 0x6a;				/* header ends 0x26c */
	memcpy(img_buf + 0x202, "HdrS", 4);
	put(img_buf, 0x206, b->version, 2);
	put(img_buf, 0x20e, 0x1234, 2);			/* kernel_version */
	img_buf[0x211] = 0x01;				/* LOADED_HIGH */
	put(img_buf, 0x22c, b->initrd_addr_max, 4);
	put(img_buf, 0x230, b->kernel_alignment, 4);
	img_buf[0x234] = b->relocatable;
	put(img_buf, 0x236, b->xloadflags, 2);
	put(img_buf, 0x238, b->cmdline_size, 4);
	put(img_buf, 0x258, b->pref_address, 8);
	put(img_buf, 0x260, b->init_size, 4);
	put(img_buf, 0x264, 0x11223344, 4);		/* handover_offset */
	put(img_buf, 0x270, 0xdeadbeef, 4);		/* past the header */
	memset(img_buf + pm, PM_FILL, b->syssize * 16);
	img_buf[pm] = 0xe9;				/* startup_32 */
	img_buf[pm + 0x200] = 0xf4;			/* startup_64 */
	return pm + b->syssize * 16;
}

static void fresh_ram(struct guest_mem *m)
{
	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0xcc, RAM_SIZE);
	gmem_init(m, ram, RAM_SIZE);
}

static uint64_t ram_get(struct guest_mem *m, uint64_t gpa, unsigned int len)
{
	return get(gmem_ptr(m, gpa, len), 0, len);
}

/* Translate @va as the guest's 4-level paging would, or ~0 if unmapped. */
static uint64_t walk(struct guest_mem *m, uint64_t cr3, uint64_t va)
{
	uint64_t e;

	e = ram_get(m, (cr3 & ~0xfffULL) + ((va >> 39) & 511) * 8, 8);
	if (!(e & 1))
		return ~0ULL;
	e = ram_get(m, (e & 0xffffffffff000ULL) + ((va >> 30) & 511) * 8, 8);
	if (!(e & 1))
		return ~0ULL;
	e = ram_get(m, (e & 0xffffffffff000ULL) + ((va >> 21) & 511) * 8, 8);
	if (!(e & 1) || !(e & 0x80) || !(e & 2))
		return ~0ULL;
	return (e & 0xfffffffe00000ULL) + (va & 0x1fffff);
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Load @b with @initrd (may be NULL); the zero page in @zp. */
static int load_bz(const struct bz *b, struct guest_mem *m,
		   const struct run_file *initrd, const char *cmdline,
		   struct boot_state *bs, uint8_t **zp)
{
	struct run_file img = { "bzImage", img_buf, build_bz(b) };
	int ret;

	fresh_ram(m);
	memset(bs, 0, sizeof(*bs));
	ret = load_linux(m, &img, initrd, cmdline, 0xe0000, bs);
	*zp = ret ? NULL : gmem_ptr(m, bs->regs.rsi, 4096);
	return ret;
}

static void test_cmdline(void)
{
	const char *def = linux_default_cmdline();
	char *s;

	check(!strcmp(def, "console=ttyS0 reboot=k panic=-1 pci=off tsc=reliable"),
	      "cmdline: the default is \"%s\"", def);
	s = linux_cmdline(NULL, false, 0);
	check(s && !strcmp(s, def), "cmdline: no --cmdline: the default");
	free(s);
	s = linux_cmdline("root=/dev/vda", false, 0);
	check(s && !strncmp(s, def, strlen(def)) &&
	      !strcmp(s + strlen(def), " root=/dev/vda"),
	      "cmdline: --cmdline is appended after a space: %s", s);
	free(s);
	s = linux_cmdline("quiet", true, 1234);
	check(s && !strcmp(s, "quiet"),
	      "cmdline: --no-default-cmdline: --cmdline is all of it");
	free(s);
	s = linux_cmdline(NULL, true, 0);
	check(s && !*s, "cmdline: --no-default-cmdline alone: empty");
	free(s);
	/* The TSC's rate joins the default, before the user's part. */
	s = linux_cmdline("quiet", false, 2994000);
	check(s && !strncmp(s, def, strlen(def)) &&
	      !strcmp(s + strlen(def), " tsc_early_khz=2994000 quiet"),
	      "cmdline: tsc_early_khz= after the default: %s", s);
	free(s);
	s = linux_cmdline(NULL, false, LINUX_CMDLINE_CLOCK_MAX);
	check(s && !strcmp(s + strlen(def), " tsc_early_khz=4294967295"),
	      "cmdline: the longest clock option: %s", s);
	free(s);
}

static void test_parse(void)
{
	char *ok_argv[] = { "run", "--initrd", "rd.cpio", "--no-default-cmdline",
			    "--cmdline", "quiet", "bzImage", NULL };
	char *twice[] = { "run", "--initrd", "a", "--initrd", "b", "k", NULL };
	char *flat[] = { "run", "--flat", "0", "--no-default-cmdline", "k",
			 NULL };
	struct run_opts o;
	char err[256];

	check(!run_parse_args(7, ok_argv, &o, err, sizeof(err)) &&
	      !strcmp(o.initrd, "rd.cpio") && o.no_default_cmdline &&
	      !strcmp(o.cmdline, "quiet") && !strcmp(o.image, "bzImage"),
	      "parse: --initrd, --no-default-cmdline, --cmdline");
	check(run_parse_args(6, twice, &o, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "only one initrd"), "parse: two --initrd: %s", err);
	check(run_parse_args(5, flat, &o, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "Linux kernels"),
	      "parse: --no-default-cmdline with --flat: %s", err);
}

static void test_detect(void)
{
	struct run_file img = { "bz", img_buf, build_bz(&bz_default) };

	check(linux_is_bzimage(&img) && !linux_is_vmlinux(&img),
	      "detect: a bzImage by boot_flag and HdrS");
	img_buf[0x1fe] = 0;
	check(!linux_is_bzimage(&img), "detect: no 0xAA55: not a bzImage");
	build_bz(&bz_default);
	img_buf[0x205] = 'T';
	check(!linux_is_bzimage(&img), "detect: no HdrS: not a bzImage");
	build_bz(&bz_default);
	img.size = 0x205;
	check(!linux_is_bzimage(&img), "detect: a file ending in the magic");
}

static void test_bzimage(void)
{
	static uint8_t initrd_data[3 * 4096 + 5];
	struct run_file initrd = { "initrd", initrd_data, sizeof(initrd_data) };
	struct bz b = bz_default;
	struct boot_state bs;
	struct guest_mem m;
	uint64_t load, rd, rd_size, cl, cr3, covered, end, gdt;
	unsigned int i, n;
	bool ok, hole;
	uint8_t *zp;
	int ret;

	memset(initrd_data, 0x77, sizeof(initrd_data));
	ret = load_bz(&b, &m, &initrd, "console=ttyS0 quiet", &bs, &zp);
	check(ret == 0, "bzImage: loads (%d)", ret);
	if (ret)
		return;
	load = bs.regs.rip - 0x200;
	check(load == 16 * MiB && bs.regs.rip == 16 * MiB + 0x200,
	      "bzImage: at pref_address, entered at +0x200 (rip 0x%llx)",
	      (unsigned long long)bs.regs.rip);
	ok = *(uint8_t *)gmem_ptr(&m, load, 1) == 0xe9 &&
	     *(uint8_t *)gmem_ptr(&m, load + 0x200, 1) == 0xf4 &&
	     *(uint8_t *)gmem_ptr(&m, load + 0xfff, 1) == PM_FILL &&
	     *(uint8_t *)gmem_ptr(&m, load + 0x1000, 1) == 0xcc;
	check(ok, "bzImage: the protected-mode part (syssize * 16) is copied");

	/* The zero page. */
	check(bs.regs.rsi >= 0x1000 && bs.regs.rsi % 4096 == 0 &&
	      bs.regs.rsi + 4096 <= 0x9fc00, "zero page: RSI, page aligned in low memory (0x%llx)",
	      (unsigned long long)bs.regs.rsi);
	check(get(zp, 0x1fc, 2) == 0x0801 && get(zp, 0x20e, 2) == 0x1234 &&
	      get(zp, 0x206, 2) == 0x020f && get(zp, 0x264, 4) == 0x11223344 &&
	      !memcmp(zp + 0x202, "HdrS", 4) && get(zp, 0x1fe, 2) == 0xaa55 &&
	      get(zp, 0x260, 4) == 4 * MiB,
	      "zero page: the setup header is copied");
	check(get(zp, 0x270, 4) == 0 && zp[0x1ef] == 0 && zp[0x1f0] == 0 &&
	      get(zp, 0, 8) == 0, "zero page: nothing past the header's end (0x202 + byte 0x201), sentinel 0");
	check(zp[0x210] == 0xff, "zero page: type_of_loader 0xff");
	check(zp[0x211] == 0x81 && get(zp, 0x224, 2) == 0xe000 - 0x200,
	      "zero page: loadflags LOADED_HIGH|CAN_USE_HEAP, heap_end_ptr");
	check(get(zp, 0x214, 4) == load, "zero page: code32_start = load");
	cl = get(zp, 0x228, 4) | get(zp, 0xc8, 4) << 32;
	check(cl >= 0x1000 && cl + 4096 <= 0x9fc00 && cl % 4096 == 0 &&
	      !overlap(cl, 4096, bs.regs.rsi, 4096) &&
	      !strcmp(gmem_ptr(&m, cl, 20), "console=ttyS0 quiet"),
	      "zero page: cmd_line_ptr, its own page, the string");
	rd = get(zp, 0x218, 4) | get(zp, 0xc0, 4) << 32;
	rd_size = get(zp, 0x21c, 4) | get(zp, 0xc4, 4) << 32;
	check(rd_size == sizeof(initrd_data) && rd % 4096 == 0 &&
	      !memcmp(gmem_ptr(&m, rd, rd_size), initrd_data, rd_size),
	      "zero page: ramdisk_image/size, the initrd copied");
	check(rd + rd_size <= RAM_SIZE && rd + rd_size + 4096 > RAM_SIZE &&
	      !overlap(rd, rd_size, load, 4 * MiB),
	      "initrd: as high as possible in RAM, clear of the kernel (0x%llx)",
	      (unsigned long long)rd);
	check(get(zp, 0x70, 8) == 0xe0000, "zero page: acpi_rsdp_addr");

	/* e820: every byte of RAM once, the EBDA-to-1M hole reserved. */
	n = zp[0x1e8];
	covered = 0;
	end = 0;
	hole = false;
	ok = n >= 3 && n <= 128;
	for (i = 0; ok && i < n; i++) {
		uint64_t a = get(zp, 0x2d0 + i * 20, 8);
		uint64_t s = get(zp, 0x2d0 + i * 20 + 8, 8);
		uint32_t t = get(zp, 0x2d0 + i * 20 + 16, 4);

		ok = a == end && s && (t == 1 || t == 2);
		if (t == 2)
			hole = a == 0x9fc00 && s == 0x100000 - 0x9fc00;
		else if (a < 1 * MiB && a + s > 0x9fc00)
			ok = false;
		covered += s;
		end = a + s;
	}
	check(ok && hole && covered == RAM_SIZE && end == RAM_SIZE,
	      "e820: %u entries cover RAM exactly, [0x9fc00, 1M) reserved", n);

	/* Paging, segments, registers. */
	cr3 = bs.sregs.cr3;
	check(walk(&m, cr3, 0) == 0 && walk(&m, cr3, load + 0x200) ==
	      load + 0x200 && walk(&m, cr3, bs.regs.rsi) == bs.regs.rsi &&
	      walk(&m, cr3, 0xfee00000) == 0xfee00000 &&
	      walk(&m, cr3, 4 * GiB - 1) == 4 * GiB - 1 &&
	      walk(&m, cr3, 4 * GiB) == ~0ULL,
	      "paging: [0, 4G) identity-mapped with 2M pages, no more");
	gdt = bs.sregs.gdt.base;
	check(bs.sregs.cs.selector == 0x10 && bs.sregs.cs.l &&
	      !bs.sregs.cs.db && bs.sregs.ds.selector == 0x18 &&
	      bs.sregs.ss.selector == 0x18 && bs.sregs.es.selector == 0x18 &&
	      bs.sregs.gdt.limit >= 0x1f &&
	      ram_get(&m, gdt + 0x10, 8) == 0x00af9b000000ffffULL &&
	      ram_get(&m, gdt + 0x18, 8) == 0x00cf93000000ffffULL,
	      "segments: __BOOT_CS 0x10 64-bit code, __BOOT_DS 0x18, in the GDT");
	check(bs.regs.rflags == 2 && (bs.sregs.cr0 & 0x80000031) == 0x80000031 &&
	      bs.sregs.cr4 == 0x20 && bs.sregs.efer == 0x500 &&
	      bs.sregs.tr.present && !strcmp(bs.mode, "long"),
	      "registers: IF clear, CR0 PE|ET|NE|PG, CR4 PAE, EFER LME|LMA");
	ok = cr3 >= 0x1000 && cr3 + 6 * 4096 <= 0x9fc00 && gdt >= 0x1000 &&
	     gdt < 0x9fc00 && !overlap(cr3, 6 * 4096, bs.regs.rsi, 4096) &&
	     !overlap(cr3, 6 * 4096, cl, 4096) && !overlap(gdt, 32, cr3, 6 * 4096) &&
	     bs.regs.rsp > 0x1000 && bs.regs.rsp <= 0x9fc00;
	check(ok, "layout: tables, GDT and stack between 4K and 0x9fc00, apart (cr3 0x%llx gdt 0x%llx rsp 0x%llx)",
	      (unsigned long long)cr3, (unsigned long long)gdt,
	      (unsigned long long)bs.regs.rsp);
}

static void test_placement(void)
{
	static uint8_t initrd_data[2 * MiB];
	struct run_file initrd = { "initrd", initrd_data, sizeof(initrd_data) };
	struct bz b = bz_default;
	struct boot_state bs;
	struct guest_mem m;
	uint64_t rd;
	uint8_t *zp;

	b.pref_address = 32 * MiB;
	check(!load_bz(&b, &m, NULL, "", &bs, &zp) &&
	      bs.regs.rip == 32 * MiB + 0x200 && !get(zp, 0x218, 4) &&
	      !get(zp, 0x21c, 4) && *(char *)gmem_ptr(&m, get(zp, 0x228, 4), 1) == 0,
	      "placement: another pref_address is honoured; no initrd: 0");
	b.pref_address = 0x10000;
	b.kernel_alignment = 0x10000;	/* so that only "taken" refuses it */
	check(!load_bz(&b, &m, NULL, "", &bs, &zp) &&
	      bs.regs.rip == 16 * MiB + 0x200,
	      "placement: pref_address in low memory is taken: relocated to 16M");
	b.kernel_alignment = 2 * MiB;
	b.pref_address = 1 * GiB;
	check(!load_bz(&b, &m, NULL, "", &bs, &zp) &&
	      bs.regs.rip == 16 * MiB + 0x200,
	      "placement: pref_address outside RAM: relocated to 16M");
	b.pref_address = 17 * MiB;
	b.kernel_alignment = 8 * MiB;
	check(!load_bz(&b, &m, NULL, "", &bs, &zp) &&
	      bs.regs.rip == 16 * MiB + 0x200,
	      "placement: a pref_address off kernel_alignment: relocated");
	b.kernel_alignment = 32 * MiB;
	check(!load_bz(&b, &m, NULL, "", &bs, &zp) &&
	      bs.regs.rip == 32 * MiB + 0x200,
	      "placement: relocated to kernel_alignment (32M)");
	b = bz_default;
	b.relocatable = 0;
	b.pref_address = 20 * MiB;
	check(!load_bz(&b, &m, NULL, "", &bs, &zp) &&
	      bs.regs.rip == 20 * MiB + 0x200,
	      "placement: a non-relocatable kernel at its pref_address");

	/* initrd_addr_max below the kernel's end: the initrd goes under it. */
	b = bz_default;
	b.initrd_addr_max = 18 * MiB - 1;
	rd = load_bz(&b, &m, &initrd, "", &bs, &zp) ? 0 : get(zp, 0x218, 4);
	check(rd >= 1 * MiB && rd % 4096 == 0 &&
	      rd + sizeof(initrd_data) <= 16 * MiB &&
	      rd + sizeof(initrd_data) + 4096 > 16 * MiB,
	      "initrd: below initrd_addr_max, under the kernel, page aligned (0x%llx)",
	      (unsigned long long)rd);
	b.initrd_addr_max = 40 * MiB - 1;
	rd = load_bz(&b, &m, &initrd, "", &bs, &zp) ? 0 : get(zp, 0x218, 4);
	check(rd && rd + sizeof(initrd_data) <= 40 * MiB &&
	      rd + sizeof(initrd_data) + 4096 > 40 * MiB,
	      "initrd: ends at initrd_addr_max + 1 when RAM goes higher");
}

/* linux_check() and load_linux() refuse @b with @want and @msg. */
static void refuse(const struct bz *b, size_t cut, uint64_t mem,
		   uint64_t initrd_size, const char *cmdline, int want,
		   const char *msg, const char *what)
{
	struct run_file initrd = { "big.cpio", NULL, initrd_size };
	struct run_file img = { "bz", img_buf, 0 };
	struct boot_state bs;
	struct guest_mem m;
	char err[512] = "";
	int ret, ret2 = 0;

	img.size = build_bz(b) - cut;
	ret = linux_check(&img, mem, initrd_size ? &initrd : NULL, cmdline,
			  err, sizeof(err));
	if (mem == RAM_SIZE && !initrd_size) {
		fresh_ram(&m);
		ret2 = load_linux(&m, &img, NULL, cmdline, 0, &bs);
	} else {
		ret2 = want;
	}
	check(ret == want && ret2 == want && strstr(err, msg),
	      "refused: %s (%d): %s", what, ret, err);
}

static void test_refusals(void)
{
	struct bz b = bz_default;
	char longline[128];

	refuse(&b, 0, RAM_SIZE, 0, "", 0, "", "nothing: a good kernel passes");
	refuse(&b, 1, RAM_SIZE, 0, "", -EINVAL, "truncated",
	       "one byte short of setup_sects and syssize");
	refuse(&b, build_bz(&b) - 0x250, RAM_SIZE, 0, "", -EINVAL,
	       "truncated", "cut inside the setup header");
	b.version = 0x020a;
	refuse(&b, 0, RAM_SIZE, 0, "", -EPROTONOSUPPORT,
	       "needs the 64-bit boot protocol, 2.12 or later; this kernel has 2.10",
	       "protocol 2.10");
	b = bz_default;
	b.xloadflags = 0x2;
	refuse(&b, 0, RAM_SIZE, 0, "", -EPROTONOSUPPORT,
	       "needs the 64-bit boot protocol, 2.12 or later; this kernel has 2.15",
	       "no XLF_KERNEL_64");
	b = bz_default;
	b.relocatable = 0;
	b.pref_address = 0x10000;
	refuse(&b, 0, RAM_SIZE, 0, "", -EADDRNOTAVAIL,
	       "not relocatable and must load at pref_address 0x10000",
	       "not relocatable, pref_address taken");
	b.pref_address = 128 * MiB;
	refuse(&b, 0, RAM_SIZE, 0, "", -EADDRNOTAVAIL,
	       "outside guest RAM", "not relocatable, pref_address outside RAM");
	b = bz_default;
	b.init_size = 60 * MiB;
	refuse(&b, 0, RAM_SIZE, 0, "", -ENOMEM,
	       "needs at least 76 MiB: use --mem", "init_size larger than --mem");
	b = bz_default;
	refuse(&b, 0, 32 * MiB, 30 * MiB, "", -EFBIG,
	       "larger than the RAM left below initrd_addr_max",
	       "initrd larger than RAM");
	b.initrd_addr_max = 20 * MiB - 1;
	refuse(&b, 0, RAM_SIZE, 16 * MiB, "", -EFBIG,
	       "larger than the RAM left below initrd_addr_max 0x13fffff (15 MiB",
	       "initrd larger than the RAM below initrd_addr_max");
	b = bz_default;
	b.cmdline_size = 64;
	memset(longline, 'x', 65);
	longline[65] = '\0';
	refuse(&b, 0, RAM_SIZE, 0, longline, -E2BIG,
	       "command line is 65 bytes, longer than the 64 this kernel accepts",
	       "command line longer than cmdline_size");
	longline[64] = '\0';
	refuse(&b, 0, RAM_SIZE, 0, longline, 0, "",
	       "a command line of exactly cmdline_size passes");
	b = bz_default;
	b.init_size = 0x100;
	refuse(&b, 0, RAM_SIZE, 0, "", -EINVAL, "init_size",
	       "init_size smaller than the kernel");
	b = bz_default;
	b.kernel_alignment = 3 * MiB;
	refuse(&b, 0, RAM_SIZE, 0, "", -EINVAL, "kernel_alignment",
	       "kernel_alignment not a power of two");
}

/* A vmlinux: one PT_LOAD at 16 MiB (virtual high), a PT_NOTE "Linux". */
static size_t build_vmlinux(const char *note_name, uint64_t entry)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)img_buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img_buf + sizeof(*e));
	uint8_t *note = img_buf + 0x800;
	size_t namesz = strlen(note_name) + 1;

	memset(img_buf, 0, IMG_MAX);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_entry = entry;
	e->e_phoff = sizeof(*e);
	e->e_ehsize = sizeof(*e);
	e->e_phentsize = sizeof(*ph);
	e->e_phnum = 2;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000,
		.p_vaddr = 0xffffffff81000000ULL, .p_paddr = 16 * MiB,
		.p_filesz = 0x1000, .p_memsz = 0x3000 };
	/* A GNU build-id note first, then the one vmlinux has. */
	put(note, 0, 4, 4);
	put(note, 4, 4, 4);
	put(note, 8, 3, 4);
	memcpy(note + 12, "GNU", 4);
	put(note, 20, namesz, 4);
	put(note, 24, 4, 4);
	put(note, 28, 0x100, 4);
	memcpy(note + 32, note_name, namesz);
	ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x800,
		.p_filesz = 32 + ((namesz + 3) & ~3) + 4 };
	memset(img_buf + 0x1000, 0x90, 0x1000);
	img_buf[0x1000] = 0xf4;
	return 0x2000;
}

static void test_vmlinux(void)
{
	struct run_file img = { "vmlinux", img_buf, 0 };
	struct boot_state bs;
	struct guest_mem m;
	char err[512] = "";
	uint8_t *zp;
	int ret;

	img.size = build_vmlinux("Linux", 16 * MiB);
	check(linux_is_vmlinux(&img) && !linux_is_bzimage(&img),
	      "vmlinux: an ELF64 with a \"Linux\" note");
	fresh_ram(&m);
	memset(&bs, 0, sizeof(bs));
	ret = load_linux(&m, &img, NULL, "console=ttyS0", 0, &bs);
	check(ret == 0, "vmlinux: loads (%d)", ret);
	if (ret)
		return;
	zp = gmem_ptr(&m, bs.regs.rsi, 4096);
	check(bs.regs.rip == 16 * MiB && bs.sregs.cs.l &&
	      *(uint8_t *)gmem_ptr(&m, 16 * MiB, 1) == 0xf4 &&
	      *(uint8_t *)gmem_ptr(&m, 16 * MiB + 0x2fff, 1) == 0 &&
	      *(uint8_t *)gmem_ptr(&m, 16 * MiB + 0x3000, 1) == 0xcc,
	      "vmlinux: the segment at p_paddr, .bss zeroed, RIP = e_entry");
	check(zp && get(zp, 0x1fe, 2) == 0xaa55 && !memcmp(zp + 0x202, "HdrS", 4) &&
	      get(zp, 0x206, 2) >= 0x020c && zp[0x210] == 0xff &&
	      (get(zp, 0x236, 2) & 1) && get(zp, 0x238, 4) == 2047 &&
	      !strcmp(gmem_ptr(&m, get(zp, 0x228, 4), 14), "console=ttyS0") &&
	      zp[0x1e8] == 3 && !get(zp, 0x70, 8),
	      "vmlinux: a made-up header (HdrS, 2.15, 64-bit), command line, e820");

	img.size = build_vmlinux("Xen", 16 * MiB);
	check(!linux_is_vmlinux(&img) && elf_is_elf64(&img),
	      "vmlinux: a note named otherwise: a plain ELF64");
	img.size = build_vmlinux("Linux", 16 * MiB);
	((Elf64_Phdr *)(img_buf + sizeof(Elf64_Ehdr)))[1].p_filesz = 0x100000;
	check(!linux_is_vmlinux(&img), "vmlinux: a note segment past the file");
	img.size = build_vmlinux("Linux", 0xffffffff81000000ULL);
	ret = linux_check(&img, RAM_SIZE, NULL, "", err, sizeof(err));
	check(ret == -EINVAL && strstr(err, "entry point"),
	      "vmlinux: a virtual e_entry is refused: %s", err);
	img.size = build_vmlinux("Linux", 16 * MiB);
	ret = linux_check(&img, 16 * MiB, NULL, "", err, sizeof(err));
	check(ret == -ENOMEM && strstr(err, "needs at least 17 MiB: use --mem"),
	      "vmlinux: segments past RAM: %s", err);
	img.size = 0x1800;
	ret = linux_check(&img, RAM_SIZE, NULL, "", err, sizeof(err));
	check(ret == -EINVAL && strstr(err, "truncated"),
	      "vmlinux: a segment past the end of the file: %s", err);
}

/* A real kernel, when the machine has one. */
static void test_stock(void)
{
	struct run_file img;
	char err[512] = "";
	glob_t g;
	int ret;

	if (glob("/root/.cache/minivmm/stock-*/vmlinuz", 0, NULL, &g) ||
	    !g.gl_pathc) {
		skip("no /root/.cache/minivmm/stock-*/vmlinuz",
		     "stock: a distribution kernel passes linux_check()");
		return;
	}
	ret = run_read_file(g.gl_pathv[0], &img);
	if (!ret)
		ret = linux_is_bzimage(&img) ? 0 : -ENOEXEC;
	if (!ret)
		ret = linux_check(&img, 256 * MiB, NULL,
				  linux_default_cmdline(), err, sizeof(err));
	check(ret == 0, "stock: %s is a bzImage that passes linux_check() (%d %s)",
	      g.gl_pathv[0], ret, err);
	run_free_file(&img);
	globfree(&g);
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
	posix_spawn_file_actions_addopen(&fa, 1, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
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

static void put_file(const char *name, const void *data, size_t len,
		     size_t sparse_len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len ||
	    (sparse_len && ftruncate(fd, sparse_len)))
		perror(path);
	if (fd >= 0)
		close(fd);
}

static const char *const files[] = { "good", "short", "old", "big.cpio",
	"k64.elf", "stderr" };

static void test_cli(const char *vmctl)
{
	char err[4096], good[PATH_MAX], bad[PATH_MAX], big[PATH_MAX];
	char elf[PATH_MAX], longline[3000];
	struct bz b = bz_default;
	int rc;

	snprintf(good, sizeof(good), "%s/good", tmpdir);
	snprintf(big, sizeof(big), "%s/big.cpio", tmpdir);
	snprintf(elf, sizeof(elf), "%s/k64.elf", tmpdir);
	put_file("good", img_buf, build_bz(&b), 0);
	put_file("short", img_buf, build_bz(&b) - 100, 0);
	put_file("big.cpio", "070701", 6, 40 * MiB);
	build_vmlinux("Xen", 16 * MiB);
	put_file("k64.elf", img_buf, 0x2000, 0);
	b.version = 0x0206;
	put_file("old", img_buf, build_bz(&b), 0);

	snprintf(bad, sizeof(bad), "%s/short", tmpdir);
	rc = VMCTL("run", bad);
	check(rc == 1 && strstr(err, "cannot load ") &&
	      strstr(err, "/short as a Linux kernel: the file is truncated"),
	      "cli: a truncated bzImage: exit 1, before any VM");
	snprintf(bad, sizeof(bad), "%s/old", tmpdir);
	rc = VMCTL("run", bad);
	check(rc == 1 && strstr(err, "needs the 64-bit boot protocol, 2.12 or later; this kernel has 2.06"),
	      "cli: protocol 2.06: exit 1, the versions named");
	rc = VMCTL("run", "--mem", "48M", "--initrd", big, good);
	check(rc == 1 && strstr(err, "big.cpio (40 MiB) is larger than the RAM left"),
	      "cli: an initrd larger than the RAM left: exit 1");
	rc = VMCTL("run", "--mem", "32M", "--initrd", big, good);
	check(rc == 1 && strstr(err, "big.cpio (40 MiB) is larger than the guest's RAM (32 MiB); give a larger --mem"),
	      "cli: an initrd larger than all of RAM: exit 1, before reading it");
	memset(longline, 'x', 2040);
	longline[2040] = '\0';
	rc = VMCTL("run", "--cmdline", longline, good);
	check(rc == 1 && strstr(err, "longer than the 2047 this kernel accepts") &&
	      strstr(err, "--no-default-cmdline"),
	      "cli: a command line past cmdline_size with the default: exit 1");
	rc = VMCTL("run", "--mem", "16M", good);
	check(rc == 1 && strstr(err, "needs at least 20 MiB: use --mem"),
	      "cli: --mem too small for init_size: exit 1");

	rc = VMCTL("run", "--initrd", big, elf);
	check(rc == 2 && strstr(err, "--initrd"), "cli: --initrd with a 64-bit ELF: exit 2");
	rc = VMCTL("run", "--flat", "0x7c00", "--initrd", big, good);
	check(rc == 2 && strstr(err, "--initrd"), "cli: --initrd with --flat: exit 2");
	rc = VMCTL("run", "--module", big, good);
	check(rc == 2 && strstr(err, "--module is for Multiboot"),
	      "cli: --module with a bzImage: exit 2");
	rc = VMCTL("run", "--initrd", "/nonexistent/initrd", good);
	check(rc == 1 && strstr(err, "cannot read initrd /nonexistent/initrd"),
	      "cli: a missing initrd: exit 1, named");
	rc = VMCTL("run", "--help");
	check(rc == 0 && strstr(err, "--initrd FILE") &&
	      strstr(err, "--no-default-cmdline") &&
	      strstr(err, linux_default_cmdline()),
	      "cli: --help names --initrd, --no-default-cmdline and the default command line");

	if (path_exists(MVM_DEV_PATH)) {
		skip("this machine has /dev/minivmm",
		     "cli: a good bzImage passes the checks and needs the module");
		return;
	}
	rc = VMCTL("run", "--initrd", big, "--cmdline", "quiet", good);
	check(rc == 1 && strstr(err, "cannot open /dev/minivmm"),
	      "cli: a good bzImage passes the checks and needs the module");
}

int main(int argc, char **argv)
{
	char path[PATH_MAX + 16];
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-VMCTL\n", argv[0]);
		return 2;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/vmctl-linux-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}

	test_cmdline();
	test_parse();
	test_detect();
	test_bzimage();
	test_placement();
	test_refusals();
	test_vmlinux();
	test_stock();
	test_cli(argv[1]);

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
	free(ram);
	return tap_done("linux_test");
}
