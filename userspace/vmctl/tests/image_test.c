// SPDX-License-Identifier: GPL-2.0
/*
 * tests/image_test.c: host-side tests of what "vmctl run" decides about
 * its arguments before any VM exists, printing TAP: the --mem size parser
 * and its messages, and boot/image.c's choice of loader for an image with
 * the refusal it words for each kind of wrong file.  Images are built here
 * in memory; the vmctl binary is driven by tools/vmctl-check.sh instead.
 *
 *	usage: image_test [PATH-TO-VMCTL]	(make test passes it; unused)
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

/* ---- --mem ---- */

static int parse_mem(const char *size, char *err)
{
	char *argv[] = { "run", "--mem", (char *)size, "k", NULL };
	struct run_opts o;

	return run_parse_args(4, argv, &o, err, 256);
}

static void test_size(void)
{
	char err[256];
	uint64_t v;

	check(!run_parse_size("1T", &v) && v == 1ULL << 40 &&
	      !run_parse_size("2t", &v) && v == 2ULL << 40 &&
	      !run_parse_size("1TiB", &v) && v == 1ULL << 40 &&
	      !run_parse_size("1TB", &v) && v == 1ULL << 40,
	      "size: T, t, TiB and TB are tebibytes");
	check(!run_parse_size("16777215T", &v) && v == 16777215ULL << 40,
	      "size: the largest T that fits in 64 bits");
	check(run_parse_size("16777216T", &v) == -ERANGE &&
	      run_parse_size("99999999999999999999", &v) == -ERANGE &&
	      run_parse_size("99999999999999999999T", &v) == -ERANGE,
	      "size: a size past 64 bits is out of range, not malformed");
	check(run_parse_size("1P", &v) == -EINVAL &&
	      run_parse_size("T", &v) == -EINVAL &&
	      run_parse_size("1TT", &v) == -EINVAL &&
	      run_parse_size("1.5G", &v) == -EINVAL &&
	      run_parse_size("", &v) == -EINVAL &&
	      run_parse_size("-1T", &v) == -EINVAL,
	      "size: malformed sizes are -EINVAL");

	check(parse_mem("1T", err) == -EINVAL &&
	      !strcmp(err, "--mem: 1T is out of range (1M to 256G)"),
	      "--mem 1T: out of range: %s", err);
	check(parse_mem("99999999999999999999T", err) == -EINVAL &&
	      !strcmp(err, "--mem: 99999999999999999999T is out of range (1M to 256G)"),
	      "--mem past 64 bits: out of range: %s", err);
	check(parse_mem("1P", err) == -EINVAL &&
	      !strcmp(err, "--mem: '1P' is not a size (e.g. 128M, 2G)"),
	      "--mem 1P: not a size: %s", err);
	check(!parse_mem("256G", err) && !parse_mem("1M", err),
	      "--mem: the range's ends are accepted");
}

/* ---- images ---- */

#define IMG_SIZE	16384

static uint8_t buf[IMG_SIZE];

static struct run_file file(size_t size)
{
	return (struct run_file){ .name = "img", .data = buf, .size = size };
}

/*
 * An ELF64 x86-64 executable with one PT_LOAD of 16 bytes at 1 MiB (file
 * offset 0x1000) and, with @note, a PT_NOTE holding a "Linux" note.
 */
static size_t build_elf64(bool note)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	static const uint32_t linux_note[] = { 6, 4, 1 };

	memset(buf, 0, sizeof(buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x100000;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = note ? 2 : 1;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000,
		.p_paddr = 0x100000, .p_vaddr = 0x100000, .p_filesz = 16,
		.p_memsz = 16 };
	buf[0x1000] = 0xf4;		/* hlt */
	if (note) {
		ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x800,
			.p_filesz = 24 };
		memcpy(buf + 0x800, linux_note, sizeof(linux_note));
		memcpy(buf + 0x80c, "Linux", 6);
	}
	return 0x1010;
}

/* The same with the ELF32 i386 header fields. */
static size_t build_elf32(void)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(buf + sizeof(*eh));

	memset(buf, 0, sizeof(buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x100000;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000,
		.p_paddr = 0x100000, .p_vaddr = 0x100000, .p_filesz = 16,
		.p_memsz = 16 };
	buf[0x1000] = 0xf4;
	return 0x1010;
}

/* A Multiboot header with @flags at @off (its checksum made right). */
static void put_mb_header(size_t off, uint32_t flags)
{
	uint32_t h[3] = { MB_MAGIC, flags, -(MB_MAGIC + flags) };

	memcpy(buf + off, h, sizeof(h));
}

static int classify(size_t size, bool flat, enum run_format *fmt, char *why)
{
	struct run_file img = file(size);

	return image_check(&img, flat, fmt, why, 256);
}

static void test_formats(void)
{
	enum run_format fmt;
	char why[256];
	size_t size;

	memset(buf, 0, sizeof(buf));
	check(classify(0, false, &fmt, why) == -ENODATA &&
	      fmt == RUN_UNKNOWN && !strcmp(why, "it is empty"),
	      "image: empty: 'it is empty', not 'not ELF': %s", why);
	check(classify(0, true, &fmt, why) == -ENODATA &&
	      fmt == RUN_UNKNOWN && !strcmp(why, "it is empty"),
	      "image: empty with --flat: 'it is empty' too");

	memcpy(buf, "hello\n", 6);
	check(classify(6, false, &fmt, why) == -ENOEXEC &&
	      fmt == RUN_UNKNOWN &&
	      !strcmp(why, "not a Multiboot kernel, a Linux bzImage or vmlinux, nor a 64-bit x86 ELF executable (for a flat binary, give --flat ADDR)"),
	      "image: a text file: none of the formats, --flat suggested");
	check(!classify(6, true, &fmt, why) && fmt == RUN_FLAT,
	      "image: --flat takes any bytes");

	size = build_elf64(false);
	check(!classify(size, false, &fmt, why) && fmt == RUN_ELF64,
	      "image: a 64-bit ELF");
	check(!classify(size, true, &fmt, why) && fmt == RUN_FLAT,
	      "image: --flat wins over an ELF header");
	((Elf64_Ehdr *)buf)->e_type = ET_DYN;
	check(classify(size, false, &fmt, why) == -ENOEXEC && fmt == RUN_ELF64 &&
	      !strcmp(why, "it is not an executable (e_type 3, not ET_EXEC): link it at a fixed address, without -pie"),
	      "image: a 64-bit ELF that is PIE: %s", why);
	build_elf64(false);
	((Elf64_Ehdr *)buf)->e_machine = EM_AARCH64;
	check(classify(size, false, &fmt, why) == -ENOEXEC && fmt == RUN_ELF64 &&
	      !strcmp(why, "it is for another architecture (e_machine 183), not x86-64 (62)"),
	      "image: a 64-bit ELF for arm64: %s", why);
	build_elf64(false);
	buf[EI_DATA] = ELFDATA2MSB;
	check(classify(size, false, &fmt, why) == -ENOEXEC && fmt == RUN_ELF64 &&
	      !strcmp(why, "it is big-endian; x86-64 is little-endian"),
	      "image: a big-endian 64-bit ELF: %s", why);
	build_elf64(false);
	check(classify(0x40, false, &fmt, why) == -EINVAL && fmt == RUN_ELF64 &&
	      !strcmp(why, "its headers are inconsistent (sizes or offsets outside the file, or an entry point outside its segments)"),
	      "image: a 64-bit ELF cut inside its program headers: %s", why);
	check(classify(0x1008, false, &fmt, why) == -EINVAL && fmt == RUN_ELF64,
	      "image: a 64-bit ELF cut inside its segment");
	((Elf64_Ehdr *)buf)->e_entry = 0x200000;
	check(classify(size, false, &fmt, why) == -EINVAL && fmt == RUN_ELF64,
	      "image: a 64-bit ELF entered outside its segments");
	check(classify(0x30, false, &fmt, why) == -ENOEXEC && fmt == RUN_ELF64 &&
	      !strcmp(why, "it is cut short: 48 bytes, less than an ELF64 header (64)"),
	      "image: a 64-bit ELF shorter than its header: %s", why);

	size = build_elf64(true);
	check(!classify(size, false, &fmt, why) && fmt == RUN_LINUX,
	      "image: an ELF64 with a Linux note is a Linux vmlinux");

	memset(buf, 0, sizeof(buf));
	buf[0x1fe] = 0x55;
	buf[0x1ff] = 0xaa;
	memcpy(buf + 0x202, "HdrS", 4);
	check(!classify(0x1000, false, &fmt, why) && fmt == RUN_LINUX &&
	      !strcmp(run_format_name(fmt), "Linux kernel"),
	      "image: boot_flag and HdrS make a Linux bzImage, named 'Linux kernel'");
	buf[0x1ff] = 0;
	check(classify(0x1000, false, &fmt, why) == -ENOEXEC &&
	      fmt == RUN_UNKNOWN, "image: HdrS without boot_flag is no bzImage");

	size = build_elf32();
	check(classify(size, false, &fmt, why) == -ENOEXEC && fmt == RUN_UNKNOWN &&
	      !strcmp(why, "it is a 32-bit ELF without a Multiboot header; vmctl starts 32-bit kernels by Multiboot only"),
	      "image: a 32-bit ELF without Multiboot: %s", why);
	put_mb_header(0x1004, 0);
	check(!classify(size, false, &fmt, why) && fmt == RUN_MULTIBOOT,
	      "image: a 32-bit ELF with a Multiboot header");
	put_mb_header(0x1004, 0x4);
	check(classify(size, false, &fmt, why) == -EOPNOTSUPP &&
	      fmt == RUN_MULTIBOOT &&
	      !strcmp(why, "its Multiboot header requires a feature vmctl does not offer (a video mode, or an unknown flag in bits 2-15)"),
	      "image: Multiboot asking for a video mode: %s", why);
	put_mb_header(0x1004, 0);
	buf[0x100c] ^= 1;
	check(classify(size, false, &fmt, why) == -EBADMSG &&
	      fmt == RUN_MULTIBOOT &&
	      !strcmp(why, "its Multiboot header has a bad checksum or is cut short"),
	      "image: Multiboot with a bad checksum: %s", why);
	put_mb_header(0x1004, 0);
	((Elf32_Phdr *)(buf + sizeof(Elf32_Ehdr)))->p_filesz = 0x10000;
	check(classify(size, false, &fmt, why) == -EINVAL &&
	      fmt == RUN_MULTIBOOT,
	      "image: Multiboot whose ELF32 segment is outside the file");

	memset(buf, 0, sizeof(buf));
	put_mb_header(0, 0);
	check(classify(4096, false, &fmt, why) == -ENOEXEC &&
	      fmt == RUN_MULTIBOOT &&
	      !strcmp(why, "its Multiboot header gives no load addresses (flag 16) and it is not an ELF32 i386 executable"),
	      "image: Multiboot, neither a.out kludge nor ELF32: %s", why);
	put_mb_header(0, 1u << 16);
	check(classify(20, false, &fmt, why) == -EBADMSG && fmt == RUN_MULTIBOOT,
	      "image: a.out kludge fields cut off");
	check(!classify(4096, false, &fmt, why) && fmt == RUN_MULTIBOOT,
	      "image: a.out kludge: its addresses are checked when loaded");
}

int main(void)
{
	test_size();
	test_formats();
	return tap_done("image_test");
}
