// SPDX-License-Identifier: GPL-2.0
/*
 * boot/image.c: which loader an image is for, and whether that loader can
 * take it, decided from the file alone before any VM exists: a wrong file
 * is the user's to fix, and should be said before /dev/minivmm is opened
 * (a missing module would otherwise hide it).
 *
 * The order is the one cmd_run.c documents: --flat ADDR forces a flat
 * binary; a Multiboot header in the first 8192 bytes makes a Multiboot
 * kernel (as GRUB's "multiboot" command would); then a Linux bzImage or
 * vmlinux (boot/linux.c); then a 64-bit ELF.  What a loader checks only
 * with guest RAM in hand (a segment outside RAM, no room for the boot
 * data) is left to it, and Linux's checks that need --mem, the initrd and
 * the command line to linux_check().
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

static const char *const format_names[] = {
	[RUN_UNKNOWN]	= "image",
	[RUN_FLAT]	= "flat binary",
	[RUN_MULTIBOOT]	= "Multiboot kernel",
	[RUN_ELF64]	= "64-bit ELF",
	[RUN_LINUX]	= "Linux kernel",
};

const char *run_format_name(enum run_format fmt)
{
	return format_names[fmt];
}

/*
 * Why a loader refused an image of format @fmt with @err, in words to
 * follow "cannot load IMAGE as a FORMAT: ".
 */
const char *image_error(enum run_format fmt, int err)
{
	switch (err) {
	case -ENODATA:
		return "it is empty";
	case -ENOEXEC:
		if (fmt == RUN_MULTIBOOT)
			return "its Multiboot header gives no load addresses (flag 16) and it is not an ELF32 i386 executable";
		return "not a Multiboot kernel, a Linux bzImage or vmlinux, nor a 64-bit x86 ELF executable (for a flat binary, give --flat ADDR)";
	case -EBADMSG:
		return "its Multiboot header has a bad checksum or is cut short";
	case -EINVAL:
		return "its headers are inconsistent (sizes or offsets outside the file, or an entry point outside its segments)";
	case -ERANGE:
		return "it does not fit in guest RAM where it asks to be loaded (try a larger --mem)";
	case -ENOMEM:
		return "no room left in guest RAM for the boot data (try a larger --mem)";
	case -E2BIG:
		return "it has too many segments";
	case -EOPNOTSUPP:
		return "its Multiboot header requires a feature vmctl does not offer (a video mode, or an unknown flag in bits 2-15)";
	}
	return strerror(-err);
}

/*
 * An ELF64 that elf_parse() called no x86-64 executable: say which of its
 * header fields is wrong, as the generic words would fit it badly.
 */
static void elf64_why(const struct run_file *img, char *why, size_t size)
{
	Elf64_Ehdr eh;

	if (img->size < sizeof(eh)) {
		snprintf(why, size, "it is cut short: %zu bytes, less than an ELF64 header (%zu)",
			 img->size, sizeof(eh));
		return;
	}
	memcpy(&eh, img->data, sizeof(eh));
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		snprintf(why, size, "it is big-endian; x86-64 is little-endian");
	else if (eh.e_machine != EM_X86_64)
		snprintf(why, size, "it is for another architecture (e_machine %u), not x86-64 (%u)",
			 eh.e_machine, EM_X86_64);
	else if (eh.e_type != ET_EXEC)
		snprintf(why, size, "it is not an executable (e_type %u, not ET_EXEC): link it at a fixed address, without -pie",
			 eh.e_type);
	else
		snprintf(why, size, "its program header entries are %u bytes, not %zu (e_phentsize)",
			 eh.e_phentsize, sizeof(Elf64_Phdr));
}

static bool elf_is_elf32(const struct run_file *img)
{
	return img->size >= EI_NIDENT &&
	       !memcmp(img->data, ELFMAG, SELFMAG) &&
	       img->data[EI_CLASS] == ELFCLASS32;
}

/*
 * Decide the format of @img (--flat ADDR given: @flat) into @fmt and check
 * it as far as the file alone allows.  Returns 0, or -errno with the
 * reason in @why (to follow "cannot load IMAGE: " when @fmt is
 * RUN_UNKNOWN, "cannot load IMAGE as a FORMAT: " otherwise).
 */
int image_check(const struct run_file *img, bool flat, enum run_format *fmt,
		char *why, size_t why_size)
{
	struct elf_image e;
	int ret;

	*fmt = RUN_UNKNOWN;
	why[0] = '\0';
	if (!img->size) {
		ret = -ENODATA;
		goto out;
	}
	if (flat) {
		*fmt = RUN_FLAT;
		return 0;
	}

	ret = mb_check(img);
	if (ret != -ENOENT) {
		*fmt = RUN_MULTIBOOT;
		goto out;
	}
	if (linux_is_bzimage(img) || linux_is_vmlinux(img)) {
		*fmt = RUN_LINUX;
		return 0;
	}
	if (elf_is_elf64(img)) {
		*fmt = RUN_ELF64;
		ret = elf_parse(img, true, &e);
		if (ret == -ENOEXEC) {
			elf64_why(img, why, why_size);
			return ret;
		}
		goto out;
	}
	ret = -ENOEXEC;
	if (elf_is_elf32(img)) {
		snprintf(why, why_size, "it is a 32-bit ELF without a Multiboot header; vmctl starts 32-bit kernels by Multiboot only");
		return ret;
	}
out:
	if (ret)
		snprintf(why, why_size, "%s", image_error(*fmt, ret));
	return ret;
}
