// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory slots: which range of guest-physical addresses is backed by
 * which range of the VMM's own memory.
 *
 * MINIVMM_SET_USER_MEMORY_REGION follows KVM's rules, because they close
 * real holes (CVE-2020-36313 came from a slot lookup that trusted a stale
 * layout): every address and size is page aligned, ranges may not wrap or
 * leave the guest-physical space nested paging can map, slots may not
 * overlap (-EEXIST), and an existing slot can only be deleted (size 0) or
 * moved to a new guest-physical address; its size, backing address and
 * read-only flag never change in place.
 *
 * The decision is a pure function of the current slots and the request
 * (mvm_memslot_check()), so it can be tested without a VM.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include <linux/minivmm.h>

#include "minivmm.h"

/*
 * Guest-physical addresses nested paging can map with 4-level tables:
 * 48 bits (Intel SDM Vol. 3C 29.3.2, AMD APM Vol. 2 15.25.5).
 */
#define MVM_GPA_LIMIT		(1ULL << 48)

static bool mvm_ranges_overlap(u64 a, u64 a_len, u64 b, u64 b_len)
{
	return a < b + b_len && b < a + a_len;
}

/*
 * Decide what @r asks of @slots.  Returns the operation, or -EINVAL for a
 * malformed request and -EEXIST for one that overlaps another slot.
 * @uaddr_ok says whether the backing range lies in user space (access_ok()),
 * which the caller checks because it depends on the calling process.
 */
VISIBLE_IF_KUNIT int mvm_memslot_check(const struct mvm_memslots *slots,
				       const struct minivmm_userspace_memory_region *r,
				       bool uaddr_ok)
{
	const struct mvm_memslot *old, *s;
	u64 npages = r->memory_size >> PAGE_SHIFT;
	int i;

	if (r->flags & ~MINIVMM_MEM_READONLY)
		return -EINVAL;
	if (r->slot >= MVM_MAX_MEMSLOTS)
		return -EINVAL;
	if (!PAGE_ALIGNED(r->memory_size) || !PAGE_ALIGNED(r->guest_phys_addr))
		return -EINVAL;

	old = &slots->slot[r->slot];
	if (!r->memory_size)
		return old->npages ? MVM_MEMSLOT_DELETE : -EINVAL;

	if (!PAGE_ALIGNED(r->userspace_addr) || !uaddr_ok)
		return -EINVAL;
	if (r->guest_phys_addr + r->memory_size < r->guest_phys_addr ||
	    r->userspace_addr + r->memory_size < r->userspace_addr)
		return -EINVAL;
	if (r->guest_phys_addr + r->memory_size > MVM_GPA_LIMIT)
		return -EINVAL;

	if (old->npages) {
		if (r->userspace_addr != old->uaddr || npages != old->npages ||
		    r->flags != old->flags)
			return -EINVAL;
		if (r->guest_phys_addr >> PAGE_SHIFT == old->base_gfn)
			return MVM_MEMSLOT_UNCHANGED;
	}

	for (i = 0; i < MVM_MAX_MEMSLOTS; i++) {
		s = &slots->slot[i];
		if (i == r->slot || !s->npages)
			continue;
		if (mvm_ranges_overlap(r->guest_phys_addr, r->memory_size,
				       s->base_gfn << PAGE_SHIFT,
				       s->npages << PAGE_SHIFT))
			return -EEXIST;
	}
	return old->npages ? MVM_MEMSLOT_MOVE : MVM_MEMSLOT_CREATE;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_memslot_check);

/* The slot holding guest frame @gfn, or NULL.  Caller holds slots_lock. */
const struct mvm_memslot *mvm_memslot_find(struct mvm_vm *vm, u64 gfn)
{
	const struct mvm_memslot *s;
	int i;

	lockdep_assert_held(&vm->slots_lock);
	for (i = 0; i < MVM_MAX_MEMSLOTS; i++) {
		s = &vm->slots.slot[i];
		if (s->npages && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

/*
 * Keep vm->mem_pages, the guest memory size netlink reports, in step with
 * the slots.  It is read without slots_lock, because slots_lock can be
 * held across a fault that never finishes and netlink readers hold the
 * host-wide registry lock (Documentation/locking.rst).
 */
static void mvm_memslot_account(struct mvm_vm *vm, s64 npages)
{
	lockdep_assert_held(&vm->slots_lock);
	WRITE_ONCE(vm->mem_pages, vm->mem_pages + npages);
}

/* MINIVMM_SET_USER_MEMORY_REGION */
int mvm_set_memory_region(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_userspace_memory_region r;
	struct mvm_memslot *s;
	int op;

	/* One copy, validated and used: never read the user's struct twice. */
	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;

	mutex_lock(&vm->slots_lock);
	op = mvm_memslot_check(&vm->slots, &r,
			       access_ok((void __user *)(unsigned long)r.userspace_addr,
					 r.memory_size));
	if (op < 0)
		goto out_unlock;

	s = &vm->slots.slot[r.slot];
	switch (op) {
	case MVM_MEMSLOT_CREATE:
		s->uaddr = r.userspace_addr;
		s->npages = r.memory_size >> PAGE_SHIFT;
		s->flags = r.flags;
		mvm_memslot_account(vm, s->npages);
		fallthrough;
	case MVM_MEMSLOT_MOVE:
		/* Nothing may stay mapped at the old place (HARDENING row 7). */
		if (op == MVM_MEMSLOT_MOVE)
			mvm_unmap_gpa_range(vm, s->base_gfn << PAGE_SHIFT,
					    s->npages << PAGE_SHIFT);
		s->base_gfn = r.guest_phys_addr >> PAGE_SHIFT;
		break;
	case MVM_MEMSLOT_DELETE:
		mvm_unmap_gpa_range(vm, s->base_gfn << PAGE_SHIFT,
				    s->npages << PAGE_SHIFT);
		mvm_memslot_account(vm, -(s64)s->npages);
		memset(s, 0, sizeof(*s));
		break;
	}
	op = 0;
out_unlock:
	mutex_unlock(&vm->slots_lock);
	return op;
}
