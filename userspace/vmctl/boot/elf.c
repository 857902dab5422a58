// SPDX-License-Identifier: GPL-2.0
/*
 * boot/elf.c: ELF images, and a 64-bit ELF started in long mode.
 *
 * elf_parse() reads the program headers of an ELF32 or ELF64 x86 image
 * into one common form that both this loader and boot/multiboot.c use,
 * checking every offset and size against the file before anything is
 * copied.  Segments (PT_LOAD) are loaded at their physical address
 * (p_paddr), as GRUB and QEMU's -kernel do; e_entry is a virtual address
 * and is turned physical through the segment that holds it, so a kernel
 * linked to run high but loaded low starts at the right byte.
 *
 * A 64-bit ELF (ELFCLASS64, EM_X86_64) starts the way a 64-bit boot stub
 * would leave it: long mode with paging on, every byte of guest RAM (and
 * the first 4 GiB, MMIO window included) identity-mapped with 2 MiB pages,
 * a GDT of null, 64-bit code (0x08) and data (0x10), a 16 KiB stack,
 * interrupts off, and RDI = RSI = 0: there is no boot information to pass.
 * The page tables, GDT and stack go in the first free RAM from 4 KiB up
 * that the image does not use (Intel SDM vol 3A 4.5, "4-level paging").
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

/* Page-table entry bits, Intel SDM vol 3A 4.5 tables 4-15 to 4-18. */
#define PTE_P			(1ULL << 0)
#define PTE_RW			(1ULL << 1)
#define PTE_PS			(1ULL << 7)

/* CR0, CR4 and EFER bits, Intel SDM vol 3A 2.5 and 2.2.1. */
#define CR0_PE			(1ULL << 0)
#define CR0_MP			(1ULL << 1)
#define CR0_ET			(1ULL << 4)
#define CR0_NE			(1ULL << 5)
#define CR0_PG			(1ULL << 31)
#define CR4_PAE			(1ULL << 5)
#define CR4_OSFXSR		(1ULL << 9)
#define CR4_OSXMMEXCPT		(1ULL << 10)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)

#define PAGE_SIZE		4096ULL
#define BOOT_STACK_SIZE		(16 * KiB)

bool elf_is_elf64(const struct run_file *img)
{
	return img->size >= EI_NIDENT &&
	       !memcmp(img->data, ELFMAG, SELFMAG) &&
	       img->data[EI_CLASS] == ELFCLASS64;
}

/* Does [off, off + len) lie inside the file? */
static bool in_file(const struct run_file *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

static int elf_parse_header(const struct run_file *img, bool is64,
			    uint64_t *phoff, unsigned int *phnum,
			    uint64_t *entry)
{
	const Elf64_Ehdr *e64 = (const Elf64_Ehdr *)img->data;
	const Elf32_Ehdr *e32 = (const Elf32_Ehdr *)img->data;

	if (img->size < EI_NIDENT || memcmp(img->data, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (img->data[EI_CLASS] != (is64 ? ELFCLASS64 : ELFCLASS32) ||
	    img->data[EI_DATA] != ELFDATA2LSB)
		return -ENOEXEC;
	if (is64) {
		if (img->size < sizeof(*e64) || e64->e_machine != EM_X86_64 ||
		    e64->e_phentsize != sizeof(Elf64_Phdr))
			return -ENOEXEC;
		*phoff = e64->e_phoff;
		*phnum = e64->e_phnum;
		*entry = e64->e_entry;
		return e64->e_type == ET_EXEC ? 0 : -ENOEXEC;
	}
	if (img->size < sizeof(*e32) || e32->e_machine != EM_386 ||
	    e32->e_phentsize != sizeof(Elf32_Phdr))
		return -ENOEXEC;
	*phoff = e32->e_phoff;
	*phnum = e32->e_phnum;
	*entry = e32->e_entry;
	return e32->e_type == ET_EXEC ? 0 : -ENOEXEC;
}

/*
 * Read the loadable segments of @img (ELF64 x86-64 if @is64, else ELF32
 * i386) into @e, with e->entry left as e_entry says.  Returns 0, -ENOEXEC
 * when it is not such an ELF executable, -EINVAL when its headers point
 * outside the file or it has no loadable segment, or -E2BIG for more than
 * ELF_MAX_SEGS loadable segments.
 */
int elf_parse_segments(const struct run_file *img, bool is64,
		       struct elf_image *e)
{
	size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	uint64_t phoff, entry;
	unsigned int phnum, i;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = elf_parse_header(img, is64, &phoff, &phnum, &entry);
	if (ret)
		return ret;
	if (!phnum || !in_file(img, phoff, (uint64_t)phnum * phsize))
		return -EINVAL;

	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = img->data + phoff + i * phsize;
		struct elf_seg seg;
		Elf64_Phdr p64;
		Elf32_Phdr p32;

		/* memcpy: e_phoff need not be aligned. */
		if (is64) {
			memcpy(&p64, ph, sizeof(p64));
			if (p64.p_type != PT_LOAD)
				continue;
			seg = (struct elf_seg){ p64.p_offset, p64.p_filesz,
				p64.p_memsz, p64.p_paddr, p64.p_vaddr };
		} else {
			memcpy(&p32, ph, sizeof(p32));
			if (p32.p_type != PT_LOAD)
				continue;
			seg = (struct elf_seg){ p32.p_offset, p32.p_filesz,
				p32.p_memsz, p32.p_paddr, p32.p_vaddr };
		}
		if (seg.filesz > seg.memsz || !in_file(img, seg.offset, seg.filesz))
			return -EINVAL;
		if (seg.paddr + seg.memsz < seg.paddr ||
		    seg.vaddr + seg.memsz < seg.vaddr)
			return -EINVAL;
		if (e->nr_segs == ELF_MAX_SEGS)
			return -E2BIG;
		e->segs[e->nr_segs++] = seg;
	}
	if (!e->nr_segs)
		return -EINVAL;
	e->entry = entry;
	return 0;
}

/*
 * elf_parse_segments(), then e_entry turned physical.  Returns its
 * errors, or -EINVAL when the entry point is outside every segment.
 */
int elf_parse(const struct run_file *img, bool is64, struct elf_image *e)
{
	uint64_t entry;
	struct elf_seg *s;
	bool entry_found = false;
	unsigned int i;
	int ret;

	ret = elf_parse_segments(img, is64, e);
	if (ret)
		return ret;

	/* e_entry is virtual: find the segment it is in (GRUB does too). */
	entry = e->entry;
	for (i = 0; i < e->nr_segs && !entry_found; i++) {
		s = &e->segs[i];
		if (entry >= s->vaddr && entry - s->vaddr < s->memsz) {
			e->entry = entry - s->vaddr + s->paddr;
			entry_found = true;
		}
	}
	return entry_found ? 0 : -EINVAL;
}

/*
 * Copy each segment to its physical address and zero its tail (.bss), and
 * record it in @l.  Returns 0, or -ERANGE when a segment is not wholly in
 * guest RAM.
 */
int elf_load_segments(struct guest_mem *m, const struct run_file *img,
		      const struct elf_image *e, struct boot_layout *l)
{
	const struct elf_seg *s;
	unsigned int i;
	uint8_t *dst;

	for (i = 0; i < e->nr_segs; i++) {
		s = &e->segs[i];
		if (!s->memsz)
			continue;
		dst = gmem_ptr(m, s->paddr, s->memsz);
		if (!dst)
			return -ERANGE;
		memcpy(dst, img->data + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
		if (layout_reserve(l, s->paddr, s->memsz))
			return -E2BIG;
	}
	return 0;
}

/*
 * A flat segment as a boot loader leaves it: base 0, limit 4 GiB, ring 0,
 * accessed (the CPU would set the bit on the first load anyway).  Types
 * from Intel SDM vol 3A 3.4.5.1: 0xb execute/read code, 0x3 read/write
 * data.
 */
void boot_seg_flat(struct minivmm_segment *s, uint16_t sel, bool code,
		   bool long_mode)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 0xb : 0x3;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code && long_mode;
	s->db = !s->l;
}

/*
 * TR and LDTR as the reset state has them (a busy TSS and an LDT, both
 * empty): VMX requires a usable TR in protected mode (Intel SDM vol 3C
 * 26.3.1.2), and a guest loads its own before it needs either.
 */
void boot_seg_system(struct boot_state *bs)
{
	struct minivmm_segment *tr = &bs->sregs.tr, *ldt = &bs->sregs.ldt;

	memset(tr, 0, sizeof(*tr));
	tr->limit = 0xffff;
	tr->type = 0xb;
	tr->present = 1;
	memset(ldt, 0, sizeof(*ldt));
	ldt->limit = 0xffff;
	ldt->type = 0x2;
	ldt->present = 1;
}

/* GDT descriptors (Intel SDM vol 3A 3.4.5) matching boot_seg_flat(). */
#define GDT_CODE64		0x00af9b000000ffffULL
#define GDT_DATA		0x00cf93000000ffffULL

/*
 * Build the GDT, the identity map and the stack in one block of free RAM
 * and point @bs at them.  Returns 0 or -ENOMEM.
 */
static int elf64_boot_tables(struct guest_mem *m, struct boot_layout *l,
			     struct boot_state *bs)
{
	/* Map the MMIO window too, so that guest accesses there exit. */
	uint64_t top = gmem_top(m) > 4 * GiB ? gmem_top(m) : 4 * GiB;
	uint64_t nr_pds = (top + GiB - 1) / GiB;
	uint64_t size = (3 + nr_pds) * PAGE_SIZE + BOOT_STACK_SIZE;
	uint64_t base, gdt, pml4, pdpt, pd, i;
	uint64_t *gdt_p, *pml4_p, *pdpt_p, *pd_p;
	int ret;

	ret = layout_alloc(l, m, size, PAGE_SIZE, PAGE_SIZE, ~0ULL, &base);
	if (ret)
		return ret;
	gdt = base;
	pml4 = base + PAGE_SIZE;
	pdpt = pml4 + PAGE_SIZE;
	pd = pdpt + PAGE_SIZE;
	memset(gmem_ptr(m, base, size), 0, size);

	gdt_p = gmem_ptr(m, gdt, PAGE_SIZE);
	gdt_p[1] = GDT_CODE64;
	gdt_p[2] = GDT_DATA;

	pml4_p = gmem_ptr(m, pml4, PAGE_SIZE);
	pdpt_p = gmem_ptr(m, pdpt, PAGE_SIZE);
	pd_p = gmem_ptr(m, pd, nr_pds * PAGE_SIZE);
	pml4_p[0] = pdpt | PTE_P | PTE_RW;
	for (i = 0; i < nr_pds; i++)
		pdpt_p[i] = (pd + i * PAGE_SIZE) | PTE_P | PTE_RW;
	for (i = 0; i < nr_pds * 512; i++)
		pd_p[i] = (i * 2 * MiB) | PTE_P | PTE_RW | PTE_PS;

	bs->sregs.gdt.base = gdt;
	bs->sregs.gdt.limit = 3 * 8 - 1;
	bs->sregs.cr3 = pml4;
	bs->regs.rsp = base + size;
	return 0;
}

/*
 * Set @bs to enter @entry in 64-bit mode, on identity-mapped page tables,
 * a flat GDT and a stack built in free RAM of @l (as a 64-bit ELF is
 * started; vmctl bench's guest too).  Returns 0 or -ENOMEM.
 */
int boot_long_mode(struct guest_mem *m, struct boot_layout *l, uint64_t entry,
		   struct boot_state *bs)
{
	int ret;

	memset(&bs->regs, 0, sizeof(bs->regs));
	ret = elf64_boot_tables(m, l, bs);
	if (ret)
		return ret;
	bs->regs.rip = entry;
	bs->regs.rflags = 0x2;		/* bit 1 is always set; IF off */

	boot_seg_flat(&bs->sregs.cs, 0x08, true, true);
	boot_seg_flat(&bs->sregs.ds, 0x10, false, true);
	bs->sregs.es = bs->sregs.ds;
	bs->sregs.fs = bs->sregs.ds;
	bs->sregs.gs = bs->sregs.ds;
	bs->sregs.ss = bs->sregs.ds;
	boot_seg_system(bs);
	bs->sregs.idt.base = 0;
	bs->sregs.idt.limit = 0;

	/*
	 * Long mode needs PAE paging with EFER.LME, and EFER.LMA is what the
	 * CPU would have set on turning paging on (Intel SDM vol 3A 9.8.5).
	 * OSFXSR/OSXMMEXCPT: compiled x86-64 code uses SSE freely.
	 */
	bs->sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	bs->sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	bs->sregs.efer = EFER_LME | EFER_LMA;
	bs->mode = "long";
	return 0;
}

/*
 * Load a 64-bit ELF and set @bs to enter it in long mode.  Returns 0,
 * -ENOEXEC (not an x86-64 ELF executable), -EINVAL (bad headers), -ERANGE
 * (a segment outside RAM), or -ENOMEM (no room left for the page tables).
 */
int load_elf64(struct guest_mem *m, const struct run_file *img,
	       struct boot_state *bs)
{
	struct boot_layout l;
	struct elf_image e;
	int ret;

	ret = elf_parse(img, true, &e);
	if (ret)
		return ret;
	layout_init(&l);
	/* Keep page 0 out of it: a NULL pointer should not hit boot data. */
	layout_reserve(&l, 0, PAGE_SIZE);
	ret = elf_load_segments(m, img, &e, &l);
	if (ret)
		return ret;

	return boot_long_mode(m, &l, e.entry, bs);
}
