// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables: the guest-physical to host-physical translation the
 * CPU walks on every guest memory access (Intel EPT, AMD NPT).
 *
 * Both vendors use the same shape, four levels of 512 eight-byte entries
 * indexed by guest-physical address bits 47:39, 38:30, 29:21 and 20:12
 * (Intel SDM Vol. 3C 29.3.2, AMD APM Vol. 2 15.25.5), and differ only in
 * how an entry is encoded.  So the walk lives here once, and each backend
 * describes its encoding as data (struct mvm_pt_fmt in vmx/ept.c and
 * svm/npt.c).
 *
 * Only 4 KiB leaves for now.  Nothing here flushes the TLB: after removing
 * or narrowing a leaf the caller must invalidate the VM's translations
 * (INVEPT / an ASID flush) before the page it pointed to can be reused.
 * The caller serializes all calls on one table (vm->mmu_lock, later).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/io.h>

#include "minivmm.h"

#define MVM_PT_LEVELS		4
#define MVM_PT_ENTRIES		512
#define MVM_PT_GPA_BITS		48

static unsigned int mvm_pt_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (MVM_PT_ENTRIES - 1);
}

static u64 *mvm_pt_table_of(const struct mvm_pt_fmt *fmt, u64 pte)
{
	return phys_to_virt(pte & fmt->addr_mask);
}

static bool mvm_pt_present(const struct mvm_pt_fmt *fmt, u64 pte)
{
	return pte & fmt->present_mask;
}

/* The leaf entry for host-physical page @hpa with the given rights. */
u64 mvm_pt_make_leaf(const struct mvm_pt_fmt *fmt, phys_addr_t hpa,
		     bool writable, bool exec)
{
	return (hpa & fmt->addr_mask) | fmt->leaf_read |
	       (writable ? fmt->leaf_write : 0) | (exec ? fmt->leaf_exec : 0);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_make_leaf);

int mvm_pt_init(struct mvm_pt *pt, const struct mvm_pt_fmt *fmt)
{
	pt->fmt = fmt;
	pt->root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!pt->root)
		return -ENOMEM;
	pt->nr_tables = 1;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_init);

/* The physical address the CPU is given (EPTP / nCR3 add their own bits). */
phys_addr_t mvm_pt_root_pa(const struct mvm_pt *pt)
{
	return virt_to_phys(pt->root);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_root_pa);

static bool mvm_pt_gpa_ok(u64 gpa)
{
	return PAGE_ALIGNED(gpa) && gpa < (1ULL << MVM_PT_GPA_BITS);
}

/*
 * The level-1 entry for @gpa, allocating missing tables when @alloc.
 * Returns NULL when a table is missing and !@alloc, or on -ENOMEM.
 */
static u64 *mvm_pt_leaf_slot(struct mvm_pt *pt, u64 gpa, bool alloc)
{
	const struct mvm_pt_fmt *fmt = pt->fmt;
	u64 *table = pt->root, *pte;
	int level;

	for (level = MVM_PT_LEVELS; level > 1; level--) {
		pte = &table[mvm_pt_index(gpa, level)];
		if (!mvm_pt_present(fmt, *pte)) {
			u64 *next;

			if (!alloc)
				return NULL;
			next = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
			if (!next)
				return NULL;
			pt->nr_tables++;
			/* The CPU may walk it as soon as it is linked. */
			WRITE_ONCE(*pte, (virt_to_phys(next) & fmt->addr_mask) |
					 fmt->table);
		}
		table = mvm_pt_table_of(fmt, *pte);
	}
	return &table[mvm_pt_index(gpa, 1)];
}

/*
 * Map guest page @gpa to @leaf (from mvm_pt_make_leaf()).  Returns 0,
 * -EINVAL for an unaligned or out-of-range @gpa, -EEXIST if the page is
 * already mapped (the caller owns what the old leaf points to and must
 * unmap it first), or -ENOMEM.
 */
int mvm_pt_map(struct mvm_pt *pt, u64 gpa, u64 leaf)
{
	u64 *pte;

	if (!mvm_pt_gpa_ok(gpa))
		return -EINVAL;
	pte = mvm_pt_leaf_slot(pt, gpa, true);
	if (!pte)
		return -ENOMEM;
	if (mvm_pt_present(pt->fmt, *pte))
		return -EEXIST;
	WRITE_ONCE(*pte, leaf);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_map);

/* The leaf entry mapping @gpa, or 0. */
u64 mvm_pt_lookup(struct mvm_pt *pt, u64 gpa)
{
	u64 *pte;

	if (!mvm_pt_gpa_ok(gpa))
		return 0;
	pte = mvm_pt_leaf_slot(pt, gpa, false);
	return pte && mvm_pt_present(pt->fmt, *pte) ? *pte : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_lookup);

/* The bytes of guest-physical space one entry at @level covers. */
static u64 mvm_pt_span(int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (level - 1));
}

/*
 * The lowest guest page in [@gpa, @end) that has a leaf, or @end if none.
 *
 * A walk over a range must not cost time in proportion to its size: a
 * memory slot can span 2^46 bytes of which the guest touched a few pages,
 * and the VMM pays nothing to create it.  So absent entries above level 1
 * are skipped whole (512 GiB, 1 GiB, 2 MiB at a time), and a walk costs at
 * most one restart from the root per absent entry it steps over plus one
 * per leaf it finds: in proportion to the tables present, not to the range.
 */
u64 mvm_pt_next_mapped(struct mvm_pt *pt, u64 gpa, u64 end)
{
	const struct mvm_pt_fmt *fmt = pt->fmt;
	u64 limit = min_t(u64, end, 1ULL << MVM_PT_GPA_BITS);
	u64 *table;
	int level;

	gpa &= PAGE_MASK;
	while (gpa < limit) {
		table = pt->root;
		for (level = MVM_PT_LEVELS; level >= 1; level--) {
			u64 pte = table[mvm_pt_index(gpa, level)];

			if (!mvm_pt_present(fmt, pte)) {
				/* Nothing below this entry: go past its span. */
				gpa = (gpa & ~(mvm_pt_span(level) - 1)) +
				      mvm_pt_span(level);
				break;
			}
			if (level == 1)
				return gpa;
			table = mvm_pt_table_of(fmt, pte);
		}
	}
	return end;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_next_mapped);

/*
 * Unmap the guest pages in [@gpa, @gpa + @size), calling @put on each leaf
 * removed (to release the page it mapped).  Tables stay allocated: they
 * are freed with the whole table.  Returns the number of leaves removed.
 * Costs time in proportion to what is mapped (mvm_pt_next_mapped()).
 */
unsigned long mvm_pt_unmap_range(struct mvm_pt *pt, u64 gpa, u64 size,
				 void (*put)(const struct mvm_pt_fmt *, u64))
{
	unsigned long removed = 0;
	u64 end = gpa + size, old, *pte;

	for (gpa = mvm_pt_next_mapped(pt, gpa, end); gpa < end;
	     gpa = mvm_pt_next_mapped(pt, gpa + PAGE_SIZE, end)) {
		pte = mvm_pt_leaf_slot(pt, gpa, false);
		old = *pte;
		WRITE_ONCE(*pte, 0);
		if (put)
			put(pt->fmt, old);
		removed++;
	}
	return removed;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_unmap_range);

static void mvm_pt_free_table(struct mvm_pt *pt, u64 *table, int level,
			      void (*put)(const struct mvm_pt_fmt *, u64))
{
	int i;

	for (i = 0; i < MVM_PT_ENTRIES; i++) {
		if (!mvm_pt_present(pt->fmt, table[i]))
			continue;
		if (level == 1) {
			if (put)
				put(pt->fmt, table[i]);
		} else {
			mvm_pt_free_table(pt, mvm_pt_table_of(pt->fmt, table[i]),
					  level - 1, put);
		}
	}
	free_page((unsigned long)table);
	pt->nr_tables--;
}

/*
 * Free every table, calling @put on each leaf still mapped.  The CPU must
 * no longer use the table (no vCPU runs, translations flushed).
 */
void mvm_pt_destroy(struct mvm_pt *pt,
		    void (*put)(const struct mvm_pt_fmt *, u64))
{
	if (!pt->root)
		return;
	mvm_pt_free_table(pt, pt->root, MVM_PT_LEVELS, put);
	pt->root = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_pt_destroy);
