// SPDX-License-Identifier: GPL-2.0
/*
 * boot/linux.c: a Linux kernel, bzImage or vmlinux, started by the 64-bit
 * boot protocol.  References are to the kernel's
 * Documentation/x86/boot.rst ("THE REAL-MODE KERNEL HEADER", "64-bit BOOT
 * PROTOCOL") and Documentation/x86/zero-page.rst, with the offsets of
 * arch/x86/include/uapi/asm/bootparam.h.
 *
 * A bzImage has boot_flag 0xAA55 at 0x1FE and "HdrS" at 0x202.  Its first
 * (setup_sects ?: 4) + 1 sectors are the real-mode part, which the 64-bit
 * protocol never runs: only its setup header is read, and copied into the
 * zero page (struct boot_params).  The rest, syssize * 16 bytes, is the
 * protected-mode part, loaded at pref_address or, for a relocatable kernel
 * when that is not usable, at the lowest kernel_alignment-aligned address
 * from 16 MiB up, with [load, load + init_size) kept free for the kernel
 * to decompress itself in.  It is entered at load + 0x200.
 *
 * A vmlinux is a 64-bit ELF whose PT_NOTE holds a note named "Linux":
 * init/version.c emits BUILD_SALT and BUILD_LTO_INFO unconditionally, both
 * ELFNOTE32("Linux", ...), and arch/x86/kernel/vmlinux.lds.S puts .notes
 * in a PT_NOTE segment.  Its PT_LOAD segments go at their p_paddr and it
 * is entered at e_entry, which the linker script sets to the physical
 * phys_startup_64.  It has no setup header, so one is made up here with
 * the fields the kernel reads.
 *
 * linux_check() does every check that needs no guest RAM, so that
 * "vmctl run" can refuse a kernel, an initrd or a command line with a
 * message naming cause and fix before any VM exists; load_linux() makes
 * the same decisions again and then writes guest RAM:
 *
 *	[0, 4 KiB)		reserved: real-mode IVT and BDA
 *	[4 KiB, 0x9FC00)	zero page, command line, GDT, page tables, stack
 *	[0x9FC00, 1 MiB)	reserved: EBDA, VGA hole, BIOS area (ACPI)
 *	[load, load+init_size)	the kernel (16 MiB for a stock kernel)
 *	below initrd_addr_max	the initrd, page aligned, as high as it fits
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

/*
 * The setup header, at the same offsets in the file and in the zero page
 * (boot.rst, "THE REAL-MODE KERNEL HEADER"; bootparam.h struct
 * setup_header at boot_params offset 0x1f1).
 */
#define HDR_START		0x1f1
#define HDR_SETUP_SECTS		0x1f1	/* u8 */
#define HDR_SYSSIZE		0x1f4	/* u32, 16-byte units */
#define HDR_BOOT_FLAG		0x1fe	/* u16, 0xAA55 */
#define HDR_JUMP		0x200	/* u8 0xEB, then the header's length */
#define HDR_MAGIC		0x202	/* "HdrS" */
#define HDR_VERSION		0x206	/* u16 */
#define HDR_TYPE_OF_LOADER	0x210	/* u8 */
#define HDR_LOADFLAGS		0x211	/* u8 */
#define HDR_CODE32_START	0x214	/* u32 */
#define HDR_RAMDISK_IMAGE	0x218	/* u32 */
#define HDR_RAMDISK_SIZE	0x21c	/* u32 */
#define HDR_HEAP_END_PTR	0x224	/* u16 */
#define HDR_CMD_LINE_PTR	0x228	/* u32 */
#define HDR_INITRD_ADDR_MAX	0x22c	/* u32 */
#define HDR_KERNEL_ALIGNMENT	0x230	/* u32 */
#define HDR_RELOCATABLE		0x234	/* u8 */
#define HDR_XLOADFLAGS		0x236	/* u16 */
#define HDR_CMDLINE_SIZE	0x238	/* u32 */
#define HDR_PREF_ADDRESS	0x258	/* u64 */
#define HDR_INIT_SIZE		0x260	/* u32 */
#define HDR_NEEDED		0x264	/* the fields above, all there */
#define HDR_LIMIT		0x290	/* the zero page's next field */

#define BOOT_FLAG		0xaa55
#define HDR_MAGIC_VAL		"HdrS"
#define LOADED_HIGH		(1u << 0)
#define CAN_USE_HEAP		(1u << 7)
#define XLF_KERNEL_64		(1u << 0)
/* type_of_loader: no assigned id (boot.rst, "type_of_loader"). */
#define LOADER_UNDEFINED	0xff
/* boot.rst "Sample Boot Configuration": heap_end = 0xe000. */
#define HEAP_END		0xe000

/* The zero page outside the header (zero-page.rst, bootparam.h). */
#define ZP_SIZE			4096
#define ZP_ACPI_RSDP_ADDR	0x070	/* u64 */
#define ZP_EXT_RAMDISK_IMAGE	0x0c0	/* u32, bits 63:32 */
#define ZP_EXT_RAMDISK_SIZE	0x0c4
#define ZP_EXT_CMD_LINE_PTR	0x0c8
#define ZP_E820_ENTRIES		0x1e8	/* u8 */
#define ZP_E820_TABLE		0x2d0	/* struct boot_e820_entry[128] */

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct e820_entry) == 20, "boot_e820_entry");

#define E820_RAM		1
#define E820_RESERVED		2
#define E820_MAX		4	/* of the 128 the zero page holds */

/* The protocol this loader speaks: 2.12 added xloadflags. */
#define PROTO_64BIT		0x020c
/* What a made-up vmlinux header claims (fields up to 2.15 filled). */
#define VMLINUX_VERSION		0x020f
/* x86 COMMAND_LINE_SIZE is 2048, with the NUL. */
#define VMLINUX_CMDLINE_MAX	2047
/* boot.rst "initrd_addr_max": 0x37FFFFFF before 2.03; x86-64 says 2G-1. */
#define VMLINUX_INITRD_MAX	0x7fffffffULL

/* Where things go; see the table at the top. */
#define LOW_RESERVED_END	(4 * KiB)
#define EBDA_START		0x9fc00ULL
#define HIGH_START		(1 * MiB)
#define RELOC_MIN		(16 * MiB)
#define PAGE_SIZE		4096ULL
#define STACK_SIZE		(16 * KiB)

/* __BOOT_CS and __BOOT_DS (boot.rst, "64-bit BOOT PROTOCOL"). */
#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define GDT_CODE64		0x00af9b000000ffffULL
#define GDT_DATA		0x00cf93000000ffffULL

/* Intel SDM vol 3A 4.5 (paging), 2.5 (CR0, CR4) and 2.2.1 (EFER). */
#define PTE_P			(1ULL << 0)
#define PTE_RW			(1ULL << 1)
#define PTE_PS			(1ULL << 7)
#define CR0_PE			(1ULL << 0)
#define CR0_ET			(1ULL << 4)
#define CR0_NE			(1ULL << 5)
#define CR0_PG			(1ULL << 31)
#define CR4_PAE			(1ULL << 5)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)

/*
 * The serial console; reboot through the 8042 (vmctl ends); a panic
 * reboots rather than hangs; no PCI bus to probe yet; the TSC needs no
 * watchdog (the hypervisor gives the host's TSC).  Why each is there:
 * Documentation/linux-boot.rst, "Command line".
 */
static const char default_cmdline[] = "console=ttyS0 reboot=k panic=-1 pci=off tsc=reliable";

const char *linux_default_cmdline(void)
{
	return default_cmdline;
}

/* What linux_plan() decided, for load_linux() to carry out. */
struct linux_kernel {
	bool vmlinux;
	uint16_t version;
	uint64_t load, init_size, entry;
	uint64_t initrd;		/* 0: no initrd */
	uint32_t cmdline_max;
	uint32_t initrd_addr_max;
	size_t hdr_end;			/* bzImage: end of the setup header */
	size_t pm_offset, pm_size;	/* bzImage: protected-mode part */
	struct elf_image elf;		/* vmlinux */
};

static uint64_t get_le(const uint8_t *p, unsigned int len)
{
	uint64_t v = 0;

	while (len--)
		v = v << 8 | p[len];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int len)
{
	while (len--) {
		*p++ = v;
		v >>= 8;
	}
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static uint64_t mib_up(uint64_t x)
{
	return (x + MiB - 1) / MiB;
}

/* boot.rst: boot_flag 0xAA55 at 0x1FE and "HdrS" at 0x202. */
bool linux_is_bzimage(const struct run_file *img)
{
	return img->size >= HDR_MAGIC + 4 &&
	       get_le(img->data + HDR_BOOT_FLAG, 2) == BOOT_FLAG &&
	       !memcmp(img->data + HDR_MAGIC, HDR_MAGIC_VAL, 4);
}

/* Is there an ELF note named "Linux" in [off, off + len) of @img? */
static bool has_linux_note(const struct run_file *img, uint64_t off,
			   uint64_t len)
{
	uint64_t end, namesz, descsz;

	if (off > img->size || len > img->size - off)
		return false;
	end = off + len;
	/* Each note: namesz, descsz, type, then name and desc, 4-aligned. */
	while (end - off >= 12) {
		namesz = get_le(img->data + off, 4);
		descsz = get_le(img->data + off + 4, 4);
		off += 12;
		if (namesz == 6 && end - off >= 6 &&
		    !memcmp(img->data + off, "Linux", 6))
			return true;
		namesz = align_up(namesz, 4);
		descsz = align_up(descsz, 4);
		if (namesz > end - off || descsz > end - off - namesz)
			return false;
		off += namesz + descsz;
	}
	return false;
}

/* An x86-64 ELF with a "Linux" note in a PT_NOTE segment (see the top). */
bool linux_is_vmlinux(const struct run_file *img)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;
	Elf64_Phdr ph;
	unsigned int i;

	if (!elf_is_elf64(img) || img->size < sizeof(*eh) ||
	    eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(ph) ||
	    eh->e_phoff > img->size ||
	    (uint64_t)eh->e_phnum * sizeof(ph) > img->size - eh->e_phoff)
		return false;
	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, img->data + eh->e_phoff + i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type == PT_NOTE &&
		    has_linux_note(img, ph.p_offset, ph.p_filesz))
			return true;
	}
	return false;
}

/*
 * The kernel's command line: the default, a space and @extra (--cmdline),
 * or @extra alone with @no_default.  Returns a string to free(), or NULL
 * when out of memory.
 */
char *linux_cmdline(const char *extra, bool no_default, uint32_t tsc_khz)
{
	const char *a = no_default ? "" : default_cmdline;
	const char *b = extra ? extra : "";
	char clock[40] = "";
	size_t len;
	char *s;

	/*
	 * The TSC's rate for a kernel that would otherwise measure it against
	 * a PIT this machine does not have: Linux reads CPUID 0x15/0x16 only
	 * on Intel CPUs (native_calibrate_tsc(), arch/x86/kernel/tsc.c), so
	 * on others the rate comes as tsc_early_khz=, part of the default.
	 */
	if (!no_default && tsc_khz)
		snprintf(clock, sizeof(clock), " tsc_early_khz=%u", tsc_khz);
	len = strlen(a) + strlen(clock) + 1 + strlen(b) + 1;
	s = malloc(len);
	if (s)
		snprintf(s, len, "%s%s%s%s", a, clock, *a && *b ? " " : "", b);
	return s;
}

#define ERR(ret, ...)	(snprintf(err, err_size, __VA_ARGS__), (ret))

/* The bzImage's header: sizes, protocol, where it wants to go. */
static int plan_bzimage(const struct run_file *img, uint64_t low_size,
			struct linux_kernel *k, char *err, size_t err_size)
{
	const uint8_t *d = img->data;
	uint64_t setup_sects, syssize, need, align, pref;
	bool reloc;

	if (img->size < HDR_NEEDED)
		return ERR(-EINVAL, "the file is truncated: %zu bytes, shorter than the setup header (0x%x bytes); copy the whole bzImage again",
			   img->size, HDR_NEEDED);
	k->version = get_le(d + HDR_VERSION, 2);
	if (k->version < PROTO_64BIT)
		return ERR(-EPROTONOSUPPORT, "it needs the 64-bit boot protocol, 2.12 or later; this kernel has %u.%02u: use a 64-bit kernel from Linux 3.8 or later",
			   k->version >> 8, k->version & 0xff);
	if (!(get_le(d + HDR_XLOADFLAGS, 2) & XLF_KERNEL_64))
		return ERR(-EPROTONOSUPPORT, "it needs the 64-bit boot protocol, 2.12 or later; this kernel has %u.%02u but no 64-bit entry point (xloadflags bit 0, XLF_KERNEL_64, is clear): use a kernel built for x86-64",
			   k->version >> 8, k->version & 0xff);

	setup_sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
	syssize = get_le(d + HDR_SYSSIZE, 4);
	k->pm_offset = (setup_sects + 1) * 512;
	k->pm_size = syssize * 16;
	need = k->pm_offset + k->pm_size;
	if (!syssize || img->size < need)
		return ERR(-EINVAL, "the file is truncated: its header (setup_sects %llu, syssize 0x%llx) says %llu bytes, the file has %zu; copy the whole bzImage again",
			   (unsigned long long)setup_sects,
			   (unsigned long long)syssize,
			   (unsigned long long)need, img->size);
	/* The header's own length: 0x202 + the jump's offset byte. */
	k->hdr_end = HDR_MAGIC + d[HDR_JUMP + 1];
	if (k->hdr_end < HDR_NEEDED || k->hdr_end > HDR_LIMIT ||
	    k->hdr_end > k->pm_offset)
		return ERR(-EINVAL, "its setup header is inconsistent (it ends at 0x%zx)",
			   k->hdr_end);

	k->init_size = get_le(d + HDR_INIT_SIZE, 4);
	k->cmdline_max = get_le(d + HDR_CMDLINE_SIZE, 4);
	k->initrd_addr_max = get_le(d + HDR_INITRD_ADDR_MAX, 4);
	align = get_le(d + HDR_KERNEL_ALIGNMENT, 4);
	pref = get_le(d + HDR_PREF_ADDRESS, 8);
	reloc = d[HDR_RELOCATABLE];
	if (k->init_size < k->pm_size)
		return ERR(-EINVAL, "its setup header is inconsistent: init_size 0x%llx is smaller than the kernel (0x%zx bytes)",
			   (unsigned long long)k->init_size, k->pm_size);

	if (!reloc) {
		/* boot.rst "pref_address": it runs there, wherever loaded. */
		if (pref < HIGH_START || pref >= 4 * GiB)
			return ERR(-EADDRNOTAVAIL, "it is not relocatable and must load at pref_address 0x%llx, which is not free (below 1 MiB is the BIOS area and the boot data): use a relocatable kernel",
				   (unsigned long long)pref);
		if (pref + k->init_size > low_size)
			return ERR(-EADDRNOTAVAIL, "it is not relocatable and must load at pref_address 0x%llx, outside guest RAM (%llu MiB): it needs at least %llu MiB: use --mem",
				   (unsigned long long)pref,
				   (unsigned long long)(low_size / MiB),
				   (unsigned long long)mib_up(pref + k->init_size));
		k->load = pref;
		return 0;
	}
	if (!align || align & (align - 1) || align > GiB)
		return ERR(-EINVAL, "its setup header is inconsistent: kernel_alignment 0x%llx is not a power of two up to 1 GiB",
			   (unsigned long long)align);
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	/* pref_address when it is usable, else the first aligned spot. */
	if (pref >= HIGH_START && !(pref & (align - 1)) &&
	    pref + k->init_size <= low_size)
		k->load = pref;
	else
		k->load = align_up(RELOC_MIN, align);
	if (k->load + k->init_size > low_size)
		return ERR(-ENOMEM, "it needs at least %llu MiB: use --mem %lluM or more (init_size %llu MiB from 0x%llx)",
			   (unsigned long long)mib_up(k->load + k->init_size),
			   (unsigned long long)mib_up(k->load + k->init_size),
			   (unsigned long long)mib_up(k->init_size),
			   (unsigned long long)k->load);
	return 0;
}

/* A vmlinux: its segments say where it goes; it cannot move. */
static int plan_vmlinux(const struct run_file *img, uint64_t low_size,
			struct linux_kernel *k, char *err, size_t err_size)
{
	uint64_t lo = ~0ULL, hi = 0;
	const struct elf_seg *s;
	unsigned int i;
	bool entry_ok = false;

	if (elf_parse_segments(img, true, &k->elf))
		return ERR(-EINVAL, "its ELF headers are inconsistent or the file is truncated (program headers or segments outside the file)");
	for (i = 0; i < k->elf.nr_segs; i++) {
		s = &k->elf.segs[i];
		if (!s->memsz)
			continue;
		if (s->paddr < lo)
			lo = s->paddr;
		if (s->paddr + s->memsz > hi)
			hi = s->paddr + s->memsz;
		if (k->elf.entry >= s->paddr &&
		    k->elf.entry - s->paddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return ERR(-EINVAL, "its entry point 0x%llx is in none of its segments (a vmlinux's e_entry is physical)",
			   (unsigned long long)k->elf.entry);
	if (lo < HIGH_START || hi > 4 * GiB)
		return ERR(-EADDRNOTAVAIL, "it is not relocatable and its segments (0x%llx-0x%llx) are not free: below 1 MiB is the BIOS area and the boot data",
			   (unsigned long long)lo, (unsigned long long)hi);
	if (hi > low_size)
		return ERR(-ENOMEM, "it needs at least %llu MiB: use --mem %lluM or more (its segments end at 0x%llx)",
			   (unsigned long long)mib_up(hi),
			   (unsigned long long)mib_up(hi),
			   (unsigned long long)hi);
	k->version = VMLINUX_VERSION;
	k->load = lo;
	k->init_size = hi - lo;
	k->entry = k->elf.entry;
	k->cmdline_max = VMLINUX_CMDLINE_MAX;
	k->initrd_addr_max = VMLINUX_INITRD_MAX;
	return 0;
}

/*
 * The initrd: page aligned, as high as it fits below initrd_addr_max and
 * the top of low RAM, from 1 MiB up and clear of the kernel (boot.rst,
 * "initrd_addr_max": the highest byte it may occupy).  Returns 0 with its
 * address, or the size of the largest free gap in @gap.
 */
static int plan_initrd(const struct linux_kernel *k, uint64_t low_size,
		       uint64_t size, uint64_t *gpa, uint64_t *gap)
{
	uint64_t top = (uint64_t)k->initrd_addr_max + 1;
	uint64_t kend = k->load + k->init_size, lo_gap;

	if (top > low_size)
		top = low_size;
	top &= ~(PAGE_SIZE - 1);
	/* Above the kernel first, then between 1 MiB and the kernel. */
	*gap = top > kend ? top - align_up(kend, PAGE_SIZE) : 0;
	if (top > kend && size <= *gap) {
		*gpa = (top - size) & ~(PAGE_SIZE - 1);
		return 0;
	}
	lo_gap = (k->load < top ? k->load : top) & ~(PAGE_SIZE - 1);
	lo_gap = lo_gap > HIGH_START ? lo_gap - HIGH_START : 0;
	if (lo_gap > *gap)
		*gap = lo_gap;
	if (size <= lo_gap) {
		*gpa = (HIGH_START + lo_gap - size) & ~(PAGE_SIZE - 1);
		return 0;
	}
	return -EFBIG;
}

static int linux_plan(const struct run_file *img, uint64_t mem_size,
		      const struct run_file *initrd, const char *cmdline,
		      struct linux_kernel *k, char *err, size_t err_size)
{
	uint64_t low_size = mem_size > GMEM_HOLE_START ? GMEM_HOLE_START :
							 mem_size;
	size_t len = strlen(cmdline);
	uint64_t gap;
	int ret;

	memset(k, 0, sizeof(*k));
	if (linux_is_bzimage(img)) {
		ret = plan_bzimage(img, low_size, k, err, err_size);
	} else if (linux_is_vmlinux(img)) {
		k->vmlinux = true;
		ret = plan_vmlinux(img, low_size, k, err, err_size);
	} else {
		ret = ERR(-ENOEXEC, "it is neither a bzImage nor a vmlinux");
	}
	if (ret)
		return ret;

	/* cmdline_size counts the characters, not the NUL. */
	if (len > k->cmdline_max)
		return ERR(-E2BIG, "the command line is %zu bytes, longer than the %u this kernel accepts (cmdline_size): shorten --cmdline, or drop the default part with --no-default-cmdline",
			   len, k->cmdline_max);
	if (initrd && plan_initrd(k, low_size, initrd->size, &k->initrd, &gap))
		return ERR(-EFBIG, "the initrd %s (%llu MiB) is larger than the RAM left below initrd_addr_max 0x%x (%llu MiB free in one piece): use a larger --mem or a smaller initrd",
			   initrd->name, (unsigned long long)mib_up(initrd->size),
			   k->initrd_addr_max, (unsigned long long)(gap / MiB));
	return 0;
}

/*
 * Can @img boot with @mem_size bytes of RAM, @initrd (NULL: none; only its
 * size and name are used) and @cmdline?  Needs no guest RAM.  Returns 0,
 * or a -errno with a one-line reason and its fix in @err: -ENOEXEC not a
 * Linux kernel, -EINVAL truncated or an inconsistent header,
 * -EPROTONOSUPPORT no 64-bit boot protocol, -EADDRNOTAVAIL not relocatable
 * and pref_address not free, -ENOMEM not enough RAM for init_size,
 * -EFBIG the initrd does not fit, -E2BIG the command line is too long.
 */
int linux_check(const struct run_file *img, uint64_t mem_size,
		const struct run_file *initrd, const char *cmdline,
		char *err, size_t err_size)
{
	struct linux_kernel k;

	return linux_plan(img, mem_size, initrd, cmdline, &k, err, err_size);
}

/*
 * The memory map: all of RAM, with [0x9FC00, 1 MiB) reserved for the EBDA,
 * the VGA hole and the BIOS area where the ACPI tables live.
 */
static unsigned int linux_e820(const struct guest_mem *m,
			       struct e820_entry *map)
{
	unsigned int n = 0;

	map[n++] = (struct e820_entry){ 0, EBDA_START, E820_RAM };
	map[n++] = (struct e820_entry){ EBDA_START, HIGH_START - EBDA_START,
					E820_RESERVED };
	if (m->low_size > HIGH_START)
		map[n++] = (struct e820_entry){ HIGH_START,
			m->low_size - HIGH_START, E820_RAM };
	if (m->size > m->low_size)
		map[n++] = (struct e820_entry){ GMEM_HIGH_START,
			m->size - m->low_size, E820_RAM };
	return n;
}

/* Boot data: in [4 KiB, 0x9FC00), page aligned, zeroed. */
static int alloc_low(struct boot_layout *l, struct guest_mem *m,
		     uint64_t len, uint64_t *gpa)
{
	len = align_up(len, PAGE_SIZE);
	if (layout_alloc(l, m, len, PAGE_SIZE, LOW_RESERVED_END, EBDA_START,
			 gpa))
		return -ENOMEM;
	memset(gmem_ptr(m, *gpa, len), 0, len);
	return 0;
}

/* The zero page: the setup header, then what a boot loader fills in. */
static void fill_zero_page(uint8_t *zp, const struct run_file *img,
			   const struct linux_kernel *k,
			   const struct guest_mem *m, uint64_t cmdline_gpa,
			   uint64_t initrd_size, uint64_t rsdp_gpa)
{
	struct e820_entry map[E820_MAX];
	unsigned int n;

	if (!k->vmlinux) {
		memcpy(zp + HDR_START, img->data + HDR_START,
		       k->hdr_end - HDR_START);
	} else {
		put_le(zp + HDR_BOOT_FLAG, BOOT_FLAG, 2);
		memcpy(zp + HDR_MAGIC, HDR_MAGIC_VAL, 4);
		put_le(zp + HDR_VERSION, k->version, 2);
		zp[HDR_LOADFLAGS] = LOADED_HIGH;
		put_le(zp + HDR_INITRD_ADDR_MAX, k->initrd_addr_max, 4);
		put_le(zp + HDR_KERNEL_ALIGNMENT, 2 * MiB, 4);
		put_le(zp + HDR_XLOADFLAGS, XLF_KERNEL_64, 2);
		put_le(zp + HDR_CMDLINE_SIZE, k->cmdline_max, 4);
		put_le(zp + HDR_PREF_ADDRESS, k->load, 8);
		put_le(zp + HDR_INIT_SIZE, k->init_size, 4);
	}
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	/* boot.rst "Sample Boot Configuration", protocol 2.02+ with LOADED_HIGH. */
	put_le(zp + HDR_HEAP_END_PTR, HEAP_END - 0x200, 2);
	zp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	/* boot.rst "relocatable_kernel": code32_start is the load address. */
	put_le(zp + HDR_CODE32_START, k->load, 4);
	put_le(zp + HDR_CMD_LINE_PTR, cmdline_gpa, 4);
	put_le(zp + ZP_EXT_CMD_LINE_PTR, cmdline_gpa >> 32, 4);
	if (k->initrd) {
		put_le(zp + HDR_RAMDISK_IMAGE, k->initrd, 4);
		put_le(zp + HDR_RAMDISK_SIZE, initrd_size, 4);
		put_le(zp + ZP_EXT_RAMDISK_IMAGE, k->initrd >> 32, 4);
		put_le(zp + ZP_EXT_RAMDISK_SIZE, initrd_size >> 32, 4);
	}
	put_le(zp + ZP_ACPI_RSDP_ADDR, rsdp_gpa, 8);

	n = linux_e820(m, map);
	zp[ZP_E820_ENTRIES] = n;
	memcpy(zp + ZP_E820_TABLE, map, n * sizeof(map[0]));
}

/* GDT and identity map of [0, 4 GiB) with 2 MiB pages, and a stack. */
static int linux_boot_tables(struct guest_mem *m, struct boot_layout *l,
			     struct boot_state *bs)
{
	uint64_t gdt, pml4, stack, i, *p, *pdpt, *pd;
	int ret;

	ret = alloc_low(l, m, PAGE_SIZE, &gdt);
	if (!ret)
		ret = alloc_low(l, m, 6 * PAGE_SIZE, &pml4);
	if (!ret)
		ret = alloc_low(l, m, STACK_SIZE, &stack);
	if (ret)
		return ret;

	p = gmem_ptr(m, gdt, PAGE_SIZE);
	p[BOOT_CS / 8] = GDT_CODE64;
	p[BOOT_DS / 8] = GDT_DATA;
	bs->sregs.gdt.base = gdt;
	bs->sregs.gdt.limit = BOOT_DS + 8 - 1;

	/* PML4, PDPT, then four page directories of 1 GiB each. */
	p = gmem_ptr(m, pml4, 6 * PAGE_SIZE);
	pdpt = p + 512;
	pd = p + 1024;
	p[0] = (pml4 + PAGE_SIZE) | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (pml4 + (2 + i) * PAGE_SIZE) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i * 2 * MiB) | PTE_P | PTE_RW | PTE_PS;
	bs->sregs.cr3 = pml4;
	bs->regs.rsp = stack + STACK_SIZE;
	return 0;
}

/* The entry state of boot.rst "64-bit BOOT PROTOCOL"; RSP is already set. */
static void linux_regs(struct boot_state *bs, uint64_t entry, uint64_t zp)
{
	bs->regs.rip = entry;
	bs->regs.rsi = zp;
	bs->regs.rflags = 0x2;		/* bit 1 is always set; IF off */

	boot_seg_flat(&bs->sregs.cs, BOOT_CS, true, true);
	boot_seg_flat(&bs->sregs.ds, BOOT_DS, false, true);
	bs->sregs.es = bs->sregs.ds;
	bs->sregs.fs = bs->sregs.ds;
	bs->sregs.gs = bs->sregs.ds;
	bs->sregs.ss = bs->sregs.ds;
	boot_seg_system(bs);
	bs->sregs.idt.base = 0;
	bs->sregs.idt.limit = 0;
	/* Long mode: PAE paging with LME; LMA as the CPU sets it (SDM 9.8.5). */
	bs->sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	bs->sregs.cr4 = CR4_PAE;
	bs->sregs.efer = EFER_LME | EFER_LMA;
	bs->mode = "long";
}

/*
 * Load @img, @initrd (NULL: none) and @cmdline into @m and set @bs for the
 * 64-bit entry; @rsdp_gpa is the ACPI RSDP for the zero page (0: none).
 * Returns 0, linux_check()'s errors, -ERANGE (not in RAM after all) or
 * -ENOMEM (no room for the boot data below 0x9FC00).
 */
int load_linux(struct guest_mem *m, const struct run_file *img,
	       const struct run_file *initrd, const char *cmdline,
	       uint64_t rsdp_gpa, struct boot_state *bs)
{
	struct linux_kernel k;
	struct boot_layout l;
	uint64_t zp, cl, len;
	char err[256];
	uint8_t *dst;
	int ret;

	ret = linux_plan(img, m->size, initrd, cmdline, &k, err, sizeof(err));
	if (ret)
		return ret;

	layout_init(&l);
	layout_reserve(&l, 0, LOW_RESERVED_END);
	layout_reserve(&l, EBDA_START, HIGH_START - EBDA_START);
	layout_reserve(&l, k.load, k.init_size);
	if (k.vmlinux) {
		ret = elf_load_segments(m, img, &k.elf, &l);
		if (ret)
			return ret;
	} else {
		dst = gmem_ptr(m, k.load, k.init_size);
		if (!dst)
			return -ERANGE;
		memcpy(dst, img->data + k.pm_offset, k.pm_size);
		k.entry = k.load + 0x200;	/* boot.rst: 64-bit entry */
	}
	if (initrd) {
		dst = gmem_ptr(m, k.initrd, initrd->size);
		if (!dst)
			return -ERANGE;
		memcpy(dst, initrd->data, initrd->size);
		if (layout_reserve(&l, k.initrd, initrd->size))
			return -ENOMEM;
	}

	memset(&bs->regs, 0, sizeof(bs->regs));
	len = strlen(cmdline) + 1;
	ret = alloc_low(&l, m, ZP_SIZE, &zp);
	if (!ret)
		ret = alloc_low(&l, m, len, &cl);
	if (!ret)
		ret = linux_boot_tables(m, &l, bs);
	if (ret)
		return ret;
	memcpy(gmem_ptr(m, cl, len), cmdline, len);
	fill_zero_page(gmem_ptr(m, zp, ZP_SIZE), img, &k, m, cl,
		       initrd ? initrd->size : 0, rsdp_gpa);
	linux_regs(bs, k.entry, zp);
	return 0;
}
