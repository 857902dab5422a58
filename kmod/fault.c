// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory behind the nested page table (EPT on VMX, NPT on SVM).
 *
 * Guest memory is the VMM's own anonymous, shmem or hugetlbfs memory
 * (below), described by memory slots (memslot.c).  The nested page table
 * starts empty; the first guest access to a page faults (EPT violation /
 * NPF) and lands here, where the backing page is pinned
 * (pin_user_pages_fast with FOLL_LONGTERM) and mapped.  A pinned page
 * stays pinned until its slot is deleted or moved, or the VM is destroyed.
 *
 * Why pin and not follow the host's mappings with an MMU notifier: a pin
 * is simple to get right and is what HARDENING.md row 8 asks at minimum:
 * the guest can only ever reach pages the host holds a reference on, and
 * GUP refuses VM_IO / VM_PFNMAP mappings, so device memory cannot be
 * mapped into a guest.  The cost is that guest memory the guest has
 * touched cannot be swapped, migrated or merged while the slot exists.
 * An MMU notifier (zap on invalidate_range_start, refault later) is the
 * planned replacement; Documentation/design.rst says so.
 *
 * A pin is locked memory the VMM did not mlock(), so, as VFIO and RDMA do,
 * every pinned page is charged to the VMM's RLIMIT_MEMLOCK through
 * account_locked_vm() on vm->mm (held by vm.c with mmgrab() for the VM's
 * life, so the charge can be dropped after the process has exited).  A
 * fault past the limit fails RUN with -ENOMEM, as the pin would with
 * mlock().  vm->nr_pinned counts what is charged.
 *
 * Only anonymous, shmem/memfd and hugetlbfs memory may back guest RAM.  A
 * long-term writable pin of a page-cache page of a disk filesystem breaks
 * the filesystem's writeback (the page is written behind its back, with
 * no page_mkwrite); 6.1's GUP refuses only FS DAX.  The check is made on
 * the page just pinned, at each fault, since the VMM can change what is
 * mapped behind a slot at any time: a refused page fails RUN with -EFAULT.
 *
 * Unmapping must not unpin a page the guest can still reach through a
 * stale TLB entry.  So mvm_unmap_gpa_range() clears entries, bumps
 * vm->tlb_gen, kicks every vCPU out of guest mode (the backend flushes the
 * guest TLB tag before it enters again), and only then unpins.
 *
 * Everything here runs under vm->slots_lock, which also serializes fault
 * handling against slot changes.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/magic.h>
#include <asm/io.h>

#include "minivmm.h"

/* The leaves (pages) unmapped before one flush. */
#define MVM_ZAP_BATCH	64

static bool mvm_leaf_writable(const struct mvm_pt_fmt *fmt, u64 leaf)
{
	return (leaf & fmt->leaf_write) == fmt->leaf_write;
}

static void mvm_unpin_leaf(const struct mvm_pt_fmt *fmt, u64 leaf)
{
	struct page *page = pfn_to_page((leaf & fmt->addr_mask) >> PAGE_SHIFT);

	/* A writable page may have been written by the guest. */
	unpin_user_pages_dirty_lock(&page, 1, mvm_leaf_writable(fmt, leaf));
}

/* Return the RLIMIT_MEMLOCK charge of @n pages that are no longer pinned. */
static void mvm_uncharge(struct mvm_vm *vm, unsigned long n)
{
	WARN_ON_ONCE(n > vm->nr_pinned);
	vm->nr_pinned -= n;
	account_locked_vm(vm->mm, n, false);
}

/*
 * Unmap [gpa, gpa + size) from the nested page table and unpin what was
 * mapped there, after every vCPU has stopped using it.
 *
 * The cost follows what is mapped, not the size: a slot may span 2^46
 * bytes for the price of an access_ok(), so the walk skips absent tables
 * (mvm_pt_next_mapped()) and yields the CPU between batches.  slots_lock
 * is a mutex, so sleeping here is allowed; the vCPUs it keeps waiting
 * sleep on it as well.
 */
void mvm_unmap_gpa_range(struct mvm_vm *vm, u64 gpa, u64 size)
{
	const struct mvm_pt_fmt *fmt = vm->pt.fmt;
	u64 end = gpa + size;
	u64 batch[MVM_ZAP_BATCH];
	unsigned int n, i;

	lockdep_assert_held(&vm->slots_lock);

	while (gpa < end) {
		for (n = 0; n < MVM_ZAP_BATCH; n++) {
			gpa = mvm_pt_next_mapped(&vm->pt, gpa, end);
			if (gpa >= end)
				break;
			batch[n] = mvm_pt_lookup(&vm->pt, gpa);
			mvm_pt_unmap_range(&vm->pt, gpa, PAGE_SIZE, NULL);
			gpa += PAGE_SIZE;
		}
		if (n) {
			/* No vCPU may hold a translation when a page is unpinned. */
			WRITE_ONCE(vm->tlb_gen, vm->tlb_gen + 1);
			mvm_vm_kick_vcpus(vm);
			for (i = 0; i < n; i++)
				mvm_unpin_leaf(fmt, batch[i]);
			mvm_uncharge(vm, n);
		}
		cond_resched();
	}
}

/*
 * VM destruction: no vCPU exists any more, so nothing can use a mapping.
 * vm->mm may have exited already; mvm_vm_destroy() still holds its
 * mmgrab() reference, which is all account_locked_vm() needs.
 */
void mvm_mmu_destroy(struct mvm_vm *vm)
{
	if (vm->pt.root)
		mvm_pt_destroy(&vm->pt, mvm_unpin_leaf);
	mvm_uncharge(vm, vm->nr_pinned);
}

/*
 * May @page, just pinned for @hva, back guest RAM?  Anonymous memory (and
 * the zero page a read of it may pin), hugetlbfs, and shmem (tmpfs files,
 * memfd, MAP_SHARED|MAP_ANONYMOUS): nothing whose page cache a disk
 * filesystem writes back.  vma_is_shmem() and shmem_mapping() are not
 * exported on 6.1, so shmem is recognised as a page of the tmpfs file
 * mapped at @hva now, under mmap_lock (which keeps that file alive).
 */
static bool mvm_page_pinnable(struct mm_struct *mm, unsigned long hva,
			      struct page *page)
{
	struct vm_area_struct *vma;
	struct file *file;
	bool ok = false;

	if (PageAnon(page) || PageHuge(page) || is_zero_pfn(page_to_pfn(page)))
		return true;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, hva);
	file = vma ? vma->vm_file : NULL;
	if (file && file_inode(file)->i_sb->s_magic == TMPFS_MAGIC)
		ok = folio_mapping(page_folio(page)) == file->f_mapping;
	mmap_read_unlock(mm);
	return ok;
}

/*
 * Pin the page behind @gpa and map it.  A slot whose backing memory the
 * VMM mapped read-only (or made so since) is mapped read-only for reads;
 * a write to it then fails the RUN with -EFAULT, as on KVM.  -ENOMEM when
 * the pin would take the VMM past RLIMIT_MEMLOCK, -EFAULT for memory of a
 * kind guest RAM may not be (mvm_page_pinnable()).
 */
static int mvm_map_page(struct mvm_vm *vm, const struct mvm_memslot *slot,
			u64 gpa, bool write)
{
	unsigned long hva = slot->uaddr +
			    ((gpa >> PAGE_SHIFT) - slot->base_gfn) * PAGE_SIZE;
	bool writable = !(slot->flags & MINIVMM_MEM_READONLY);
	struct page *page;
	int r;

	lockdep_assert_held(&vm->slots_lock);

	/* Charge first: past the limit, nothing is pinned at all. */
	r = account_locked_vm(vm->mm, 1, true);
	if (r)
		return r;
	vm->nr_pinned++;

	r = pin_user_pages_fast(hva, 1, FOLL_LONGTERM |
				(writable ? FOLL_WRITE : 0), &page);
	if (r != 1 && writable && !write) {
		writable = false;
		r = pin_user_pages_fast(hva, 1, FOLL_LONGTERM, &page);
	}
	if (r != 1) {
		r = r < 0 ? r : -EFAULT;
		goto err_uncharge;
	}

	if (!mvm_page_pinnable(vm->mm, hva, page)) {
		r = -EFAULT;
		goto err_unpin;
	}

	r = mvm_pt_map(&vm->pt, gpa,
		       mvm_pt_make_leaf(vm->pt.fmt, page_to_phys(page),
					writable, true));
	if (r)
		goto err_unpin;
	return 0;

err_unpin:
	unpin_user_pages_dirty_lock(&page, 1, false);
err_uncharge:
	mvm_uncharge(vm, 1);
	return r;
}

/*
 * An EPT violation or NPF, decoded into @f.  Returns 1 to re-enter the
 * guest, 0 when the access became an MMIO exit for userspace (or an
 * internal error), -errno to fail RUN.
 */
int mvm_handle_page_fault(struct mvm_vcpu *vcpu, struct mvm_gpa_fault *f)
{
	struct mvm_vm *vm = vcpu->vm;
	const struct mvm_memslot *slot;
	u64 gpa = f->gpa, leaf, page_gpa = gpa & PAGE_MASK;
	bool write = f->write;
	int r;

	mutex_lock(&vm->slots_lock);
	slot = mvm_memslot_find(vm, gpa >> PAGE_SHIFT);
	if (!slot || (write && (slot->flags & MINIVMM_MEM_READONLY))) {
		/* Not RAM (or not writable RAM): the VMM emulates it. */
		mutex_unlock(&vm->slots_lock);
		f->emulated = true;
		mvm_stat_exit(vcpu, MVM_EXIT_KIND_MMIO);
		/*
		 * Unless the CPU made the access while delivering an event
		 * (an IDT, GDT or stack in MMIO): the instruction at RIP did
		 * not make it, and decoding it would emulate the wrong access.
		 * KVM reports this case the same way.
		 */
		if (f->in_delivery) {
			mvm_exit_internal_error(vcpu,
						MINIVMM_INTERNAL_ERROR_DELIVERY_EV,
						f->hw_reason, gpa);
			return 0;
		}
		return mvm_handle_mmio(vcpu, gpa, write);
	}

	mvm_stat_exit(vcpu, MVM_EXIT_KIND_NPF);
	leaf = mvm_pt_lookup(&vm->pt, page_gpa);
	if (!leaf) {
		r = mvm_map_page(vm, slot, page_gpa, write);
	} else if (write && !mvm_leaf_writable(vm->pt.fmt, leaf)) {
		/* Mapped read-only because the host mapping was: still is. */
		r = -EFAULT;
	} else {
		/* Already mapped: a stale translation; flush it. */
		WRITE_ONCE(vm->tlb_gen, vm->tlb_gen + 1);
		r = 0;
	}
	mutex_unlock(&vm->slots_lock);
	return r ? r : 1;
}

/*
 * Copy guest memory through the slots' userspace mappings.  Only the VM's
 * own process reaches here (the ioctls check vm->mm), so copy_*_user()
 * sees the right address space.  -EFAULT when part of the range is not in
 * a slot or not mapped by the VMM.
 */
static int mvm_guest_copy(struct mvm_vm *vm, u64 gpa, void *buf,
			  unsigned int len, bool to_guest)
{
	const struct mvm_memslot *slot;
	unsigned int n;
	void __user *hva;
	int r = 0;

	mutex_lock(&vm->slots_lock);
	while (len) {
		slot = mvm_memslot_find(vm, gpa >> PAGE_SHIFT);
		if (!slot || (to_guest && (slot->flags & MINIVMM_MEM_READONLY))) {
			r = -EFAULT;
			break;
		}
		n = min_t(u64, len, PAGE_SIZE - offset_in_page(gpa));
		hva = (void __user *)(unsigned long)(slot->uaddr +
			(gpa - (slot->base_gfn << PAGE_SHIFT)));
		if (to_guest ? copy_to_user(hva, buf, n) :
			       copy_from_user(buf, hva, n)) {
			r = -EFAULT;
			break;
		}
		gpa += n;
		buf += n;
		len -= n;
	}
	mutex_unlock(&vm->slots_lock);
	return r;
}

int mvm_read_guest(struct mvm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return mvm_guest_copy(vm, gpa, buf, len, false);
}

int mvm_write_guest(struct mvm_vm *vm, u64 gpa, const void *buf,
		    unsigned int len)
{
	return mvm_guest_copy(vm, gpa, (void *)buf, len, true);
}
