// SPDX-License-Identifier: GPL-2.0
/*
 * boot/multiboot.c: a Multiboot (version 1) kernel, booted as GRUB boots
 * it.  References are to the Multiboot Specification 0.6.96.
 *
 * 3.1  The header is a 4-byte-aligned {magic 0x1BADB002, flags, checksum}
 *      in the first 8192 bytes, with magic + flags + checksum == 0.  Flag
 *      bits 0-15 are requirements: vmctl honours bit 0 (modules page
 *      aligned: always so) and bit 1 (memory information: always given),
 *      and refuses any other (bit 2, a video mode, it cannot give).
 *      Bits 16-31 are optional; bit 16 (the "a.out kludge": load addresses
 *      in the header) is supported and, when set, wins over the ELF headers,
 *      as in GRUB.  Without it the image must be an ELF32 i386 executable
 *      whose PT_LOAD segments are loaded at their p_paddr.
 * 3.2  The machine state: 32-bit protected mode with paging off; CS a
 *      flat execute/read code segment (selector 0x08), DS/ES/FS/GS/SS flat
 *      read/write data (0x10), both base 0 and limit 4 GiB, backed by a GDT
 *      vmctl leaves in guest RAM (the kernel must still load its own, the
 *      specification leaves GDTR undefined); EFLAGS with IF and VM clear;
 *      EAX = 0x2BADB002; EBX = the physical address of the boot information.
 *      ESP is undefined by the specification, vmctl leaves it 0.
 * 3.3  The boot information: mem_lower/mem_upper (flag 0), the command line
 *      (flag 2) whose first word is the image's path as given to vmctl, as
 *      GRUB gives it, then --cmdline; modules (flag 3) from --module, each
 *      page aligned above the kernel with its path as its string; a memory
 *      map (flag 6): RAM up to 640 KiB, reserved up to 1 MiB, RAM from 1 MiB
 *      (and from 4 GiB when there is that much); and the boot loader name
 *      "vmctl" (flag 9).  The information, the map and the strings sit in
 *      low memory where the kernel is not, or above the modules.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

#define MB_FLAG_PAGE_ALIGN	(1u << 0)
#define MB_FLAG_MEMORY_INFO	(1u << 1)
#define MB_FLAG_AOUT_KLUDGE	(1u << 16)
#define MB_FLAGS_KNOWN_REQ	(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO)

/* multiboot_info.flags, 3.3 */
#define MBI_MEM			(1u << 0)
#define MBI_CMDLINE		(1u << 2)
#define MBI_MODS		(1u << 3)
#define MBI_MMAP		(1u << 6)
#define MBI_LOADER_NAME		(1u << 9)

#define MB_MMAP_RAM		1
#define MB_MMAP_RESERVED	2

#define LOW_MEM_END		(640 * KiB)
#define HIGH_MEM_START		(1 * MiB)
#define PAGE_SIZE		4096ULL

/* The boot information (3.3), without the framebuffer fields. */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off;
	uint16_t vbe_interface_len;
};

/* Offsets of 3.3: boot_loader_name at 64, the VBE fields end at 88. */
_Static_assert(offsetof(struct mb_info, boot_loader_name) == 64 &&
	       sizeof(struct mb_info) == 88, "multiboot_info layout");

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};

/* Each entry's size field counts the bytes after itself. */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr, length;
	uint32_t type;
} __attribute__((packed));

#define MB_LOADER_NAME		"vmctl"
#define MB_MAX_MMAP		4

/*
 * Find the Multiboot header in the first 8192 bytes of @img.  Returns 0
 * with it in @h and its file offset in @offset; -ENOENT when there is none;
 * -EINVAL when its checksum is wrong or the a.out kludge fields are cut off.
 */
int mb_find_header(const struct run_file *img, struct mb_header *h,
		   size_t *offset)
{
	size_t limit = img->size < MB_SEARCH ? img->size : MB_SEARCH;
	size_t off;
	uint32_t w[3];

	for (off = 0; off + 12 <= limit; off += 4) {
		memcpy(w, img->data + off, sizeof(w));
		if (w[0] != MB_MAGIC)
			continue;
		if ((uint32_t)(w[0] + w[1] + w[2]))
			return -EINVAL;
		memset(h, 0, sizeof(*h));
		if (w[1] & MB_FLAG_AOUT_KLUDGE) {
			if (off + sizeof(*h) > img->size)
				return -EINVAL;
			memcpy(h, img->data + off, sizeof(*h));
		} else {
			memcpy(h, img->data + off, 12);
		}
		*offset = off;
		return 0;
	}
	return -ENOENT;
}

/* Flag bits 0-15 are requirements (3.1.2): is one set that vmctl cannot meet? */
static bool mb_unsupported(const struct mb_header *h)
{
	return (h->flags & 0xffff) & ~MB_FLAGS_KNOWN_REQ;
}

/*
 * What load_multiboot() would refuse before it needs guest RAM, for
 * "vmctl run" to say before any VM exists.  Returns 0; -ENOENT when @img
 * has no Multiboot header; -EBADMSG when its checksum is wrong or the
 * a.out kludge fields are cut off; -EOPNOTSUPP for a required feature
 * vmctl does not offer; or, without the a.out kludge, what elf_parse()
 * refuses in it as an ELF32.
 */
int mb_check(const struct run_file *img)
{
	struct elf_image e;
	struct mb_header h;
	size_t off;
	int ret;

	ret = mb_find_header(img, &h, &off);
	if (ret)
		return ret == -EINVAL ? -EBADMSG : ret;
	if (mb_unsupported(&h))
		return -EOPNOTSUPP;
	if (h.flags & MB_FLAG_AOUT_KLUDGE)
		return 0;
	return elf_parse(img, false, &e);
}

/*
 * The a.out kludge (3.1.3): the file from the header back to load_addr is
 * loaded at load_addr, up to load_end_addr (0: the end of the file), then
 * zeroed up to bss_end_addr (0: none).
 */
static int mb_load_kludge(struct guest_mem *m, const struct run_file *img,
			  const struct mb_header *h, size_t hdr_off,
			  struct boot_layout *l, uint32_t *entry)
{
	uint64_t file_off, load_len, mem_len;
	uint8_t *dst;

	if (h->load_addr > h->header_addr ||
	    h->header_addr - h->load_addr > hdr_off)
		return -EINVAL;
	file_off = hdr_off - (h->header_addr - h->load_addr);
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr)
			return -EINVAL;
		load_len = h->load_end_addr - h->load_addr;
		if (load_len > img->size - file_off)
			return -EINVAL;
	} else {
		load_len = img->size - file_off;
	}
	mem_len = load_len;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + load_len)
			return -EINVAL;
		mem_len = h->bss_end_addr - h->load_addr;
	}
	dst = gmem_ptr(m, h->load_addr, mem_len);
	if (!dst || !mem_len)
		return -ERANGE;
	memcpy(dst, img->data + file_off, load_len);
	memset(dst + load_len, 0, mem_len - load_len);
	if (h->entry_addr < h->load_addr ||
	    h->entry_addr - h->load_addr >= mem_len)
		return -EINVAL;
	*entry = h->entry_addr;
	return layout_reserve(l, h->load_addr, mem_len) ? -E2BIG : 0;
}

static int mb_load_elf(struct guest_mem *m, const struct run_file *img,
		       struct boot_layout *l, uint32_t *entry)
{
	struct elf_image e;
	unsigned int i;
	int ret;

	ret = elf_parse(img, false, &e);
	if (ret)
		return ret;
	/* Everything must be reachable with paging off. */
	for (i = 0; i < e.nr_segs; i++)
		if (e.segs[i].paddr + e.segs[i].memsz > 4 * GiB)
			return -ERANGE;
	ret = elf_load_segments(m, img, &e, l);
	if (ret)
		return ret;
	*entry = e.entry;
	return 0;
}

/* The end of everything reserved so far: modules go above the kernel. */
static uint64_t layout_end(const struct boot_layout *l)
{
	uint64_t end = 0;
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (l->used[i].end > end)
			end = l->used[i].end;
	return end;
}

/* Room for @len bytes of boot information: low memory first, as GRUB. */
static int mb_alloc_info(struct boot_layout *l, const struct guest_mem *m,
			 uint64_t len, uint64_t *gpa)
{
	if (!layout_alloc(l, m, len, 16, PAGE_SIZE, LOW_MEM_END, gpa))
		return 0;
	return layout_alloc(l, m, len, 16, HIGH_MEM_START, 4 * GiB, gpa);
}

static int mb_put_string(struct boot_layout *l, struct guest_mem *m,
			 const char *a, const char *b, uint32_t *gpa_out)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	uint64_t gpa;
	char *p;
	int ret;

	ret = mb_alloc_info(l, m, la + (b ? 1 + lb : 0) + 1, &gpa);
	if (ret)
		return ret;
	p = gmem_ptr(m, gpa, la + 1);
	memcpy(p, a, la + 1);
	if (b) {
		p[la] = ' ';
		memcpy(p + la + 1, b, lb + 1);
	}
	*gpa_out = gpa;
	return 0;
}

static unsigned int mb_memory_map(const struct guest_mem *m,
				  struct mb_mmap_entry *map)
{
	unsigned int n = 0;

	map[n++] = (struct mb_mmap_entry){ 20, 0, LOW_MEM_END, MB_MMAP_RAM };
	map[n++] = (struct mb_mmap_entry){ 20, LOW_MEM_END,
		HIGH_MEM_START - LOW_MEM_END, MB_MMAP_RESERVED };
	map[n++] = (struct mb_mmap_entry){ 20, HIGH_MEM_START,
		m->low_size - HIGH_MEM_START, MB_MMAP_RAM };
	if (m->size > m->low_size)
		map[n++] = (struct mb_mmap_entry){ 20, GMEM_HIGH_START,
			m->size - m->low_size, MB_MMAP_RAM };
	return n;
}

/* Fill in the boot information; returns 0 with its address in @gpa_out. */
static int mb_build_info(struct guest_mem *m, struct boot_layout *l,
			 const char *image_name, const char *cmdline,
			 const struct run_file *mods, unsigned int nr_mods,
			 uint32_t *gpa_out)
{
	struct mb_mmap_entry map[MB_MAX_MMAP];
	uint64_t info_gpa, mods_gpa = 0, map_gpa, mod_gpa;
	struct mb_module *mod_p;
	struct mb_info *info;
	unsigned int i, nr_map;
	int ret;

	ret = mb_alloc_info(l, m, sizeof(*info), &info_gpa);
	if (ret)
		return ret;
	info = gmem_ptr(m, info_gpa, sizeof(*info));
	memset(info, 0, sizeof(*info));

	info->flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	info->mem_lower = LOW_MEM_END / KiB;
	info->mem_upper = (m->low_size - HIGH_MEM_START) / KiB;

	ret = mb_put_string(l, m, image_name, cmdline, &info->cmdline);
	if (!ret)
		ret = mb_put_string(l, m, MB_LOADER_NAME, NULL,
				    &info->boot_loader_name);
	if (ret)
		return ret;

	nr_map = mb_memory_map(m, map);
	ret = mb_alloc_info(l, m, nr_map * sizeof(map[0]), &map_gpa);
	if (ret)
		return ret;
	memcpy(gmem_ptr(m, map_gpa, nr_map * sizeof(map[0])), map,
	       nr_map * sizeof(map[0]));
	info->mmap_addr = map_gpa;
	info->mmap_length = nr_map * sizeof(map[0]);

	if (nr_mods) {
		ret = mb_alloc_info(l, m, nr_mods * sizeof(*mod_p), &mods_gpa);
		if (ret)
			return ret;
		info->flags |= MBI_MODS;
		info->mods_count = nr_mods;
		info->mods_addr = mods_gpa;
	}
	/* Modules: one after the other, page aligned, above the kernel. */
	for (i = 0; i < nr_mods; i++) {
		ret = layout_alloc(l, m, mods[i].size ? mods[i].size : 1,
				   PAGE_SIZE, layout_end(l), 4 * GiB, &mod_gpa);
		if (ret)
			return ret;
		memcpy(gmem_ptr(m, mod_gpa, mods[i].size), mods[i].data,
		       mods[i].size);
		mod_p = gmem_ptr(m, mods_gpa + i * sizeof(*mod_p),
				 sizeof(*mod_p));
		mod_p->mod_start = mod_gpa;
		mod_p->mod_end = mod_gpa + mods[i].size;
		mod_p->reserved = 0;
		ret = mb_put_string(l, m, mods[i].name, NULL, &mod_p->string);
		if (ret)
			return ret;
	}
	*gpa_out = info_gpa;
	return 0;
}

/* The GDT behind the selectors of 3.2: null, 32-bit code, data. */
#define GDT_CODE32		0x00cf9b000000ffffULL
#define GDT_DATA		0x00cf93000000ffffULL

static int mb_gdt(struct guest_mem *m, struct boot_layout *l,
		  struct boot_state *bs)
{
	uint64_t gpa, *gdt;
	int ret;

	ret = mb_alloc_info(l, m, 3 * 8, &gpa);
	if (ret)
		return ret;
	gdt = gmem_ptr(m, gpa, 3 * 8);
	gdt[0] = 0;
	gdt[1] = GDT_CODE32;
	gdt[2] = GDT_DATA;
	bs->sregs.gdt.base = gpa;
	bs->sregs.gdt.limit = 3 * 8 - 1;
	return 0;
}

/*
 * Load the Multiboot kernel @img, its modules, and the boot information,
 * and set @bs for its entry.  Returns 0; -ENOENT: no Multiboot header;
 * -EINVAL: a bad header or ELF; -EOPNOTSUPP: a required feature vmctl
 * does not offer; -ENOEXEC: not ELF32 and no a.out kludge; -ERANGE: the
 * kernel does not fit in guest RAM below 4 GiB; -ENOMEM: no room left.
 */
int load_multiboot(struct guest_mem *m, const struct run_file *img,
		   const char *cmdline, const struct run_file *mods,
		   unsigned int nr_mods, struct boot_state *bs)
{
	struct boot_layout l;
	struct mb_header h;
	uint32_t entry, info;
	size_t off;
	int ret;

	ret = mb_find_header(img, &h, &off);
	if (ret)
		return ret;
	if (mb_unsupported(&h))
		return -EOPNOTSUPP;
	if (m->low_size < 2 * MiB)
		return -ERANGE;

	layout_init(&l);
	/* Page 0 (real-mode IVT) and the 640K-1M hole of the memory map. */
	layout_reserve(&l, 0, PAGE_SIZE);
	layout_reserve(&l, LOW_MEM_END, HIGH_MEM_START - LOW_MEM_END);
	if (h.flags & MB_FLAG_AOUT_KLUDGE)
		ret = mb_load_kludge(m, img, &h, off, &l, &entry);
	else
		ret = mb_load_elf(m, img, &l, &entry);
	if (ret)
		return ret;

	ret = mb_build_info(m, &l, img->name, cmdline, mods, nr_mods, &info);
	if (!ret)
		ret = mb_gdt(m, &l, bs);
	if (ret)
		return ret;

	memset(&bs->regs, 0, sizeof(bs->regs));
	bs->regs.rax = MB_BOOT_MAGIC;
	bs->regs.rbx = info;
	bs->regs.rip = entry;
	bs->regs.rflags = 0x2;

	boot_seg_flat(&bs->sregs.cs, 0x08, true, false);
	boot_seg_flat(&bs->sregs.ds, 0x10, false, false);
	bs->sregs.es = bs->sregs.ds;
	bs->sregs.fs = bs->sregs.ds;
	bs->sregs.gs = bs->sregs.ds;
	bs->sregs.ss = bs->sregs.ds;
	boot_seg_system(bs);
	bs->sregs.idt.base = 0;
	bs->sregs.idt.limit = 0;
	/* PE, ET and NE (NE: x87 errors as #MF, as every OS wants). */
	bs->sregs.cr0 = 0x31;
	bs->sregs.cr3 = 0;
	bs->sregs.cr4 = 0;
	bs->sregs.efer = 0;
	bs->mode = "protected";
	return 0;
}
