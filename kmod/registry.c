// SPDX-License-Identifier: GPL-2.0
/*
 * The host-wide registry of VMs, which the netlink family (netlink.c) reads.
 *
 * A VM's fds belong to the process that made it; the registry is how an
 * operator finds every VM on the host without attaching to that process.
 * Each VM gets an id here when it is created (from 1, cyclic, so an id is
 * not handed out again soon after its VM is gone: a script that looked at
 * VM 7 a moment ago does not read a stranger's VM 7) and records who made
 * it and when.  The VM is registered before its fd exists and removed
 * first thing in its destruction, so a reader under mvm_vms_lock only ever
 * sees whole VMs.
 */
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include "minivmm.h"

/*
 * mvm_vms_lock protects mvm_vms' membership: a VM found in mvm_vms while
 * it is held stays allocated (with its vCPUs) until it is dropped, because
 * mvm_registry_remove() waits for it.  It is never taken inside another
 * minivmm lock, and no VM lock is taken inside it: a VM's slots_lock can
 * be held across a fault that never finishes, and one VM must not block
 * every other VM's creation or destruction and every netlink reader
 * (Documentation/locking.rst).
 * The xarray's own spinlock only guards its nodes.
 */
static DEFINE_MUTEX(mvm_vms_lock);
static DEFINE_XARRAY_ALLOC1(mvm_vms);
static u32 mvm_vms_next;		/* xa_alloc_cyclic()'s cursor */

void mvm_registry_lock(void)
{
	mutex_lock(&mvm_vms_lock);
}

void mvm_registry_unlock(void)
{
	mutex_unlock(&mvm_vms_lock);
}

/*
 * Give @vm an id and record its owner: the calling thread's process (a
 * struct pid reference, put by vm.c after mvm_registry_remove()) and
 * effective uid, and the wall-clock time.  Called from MINIVMM_CREATE_VM
 * before the fd exists.  Returns 0 or -ENOMEM / -EBUSY (ids exhausted).
 */
int mvm_registry_add(struct mvm_vm *vm)
{
	u32 id;
	int r;

	vm->owner_uid = current_euid();
	vm->created_ns = ktime_get_real_ns();

	mutex_lock(&mvm_vms_lock);
	r = xa_alloc_cyclic(&mvm_vms, &id, vm, XA_LIMIT(1, INT_MAX),
			    &mvm_vms_next, GFP_KERNEL_ACCOUNT);
	if (r >= 0) {
		vm->id = id;
		/* A reference, not a number: read in the reader's namespace. */
		vm->owner_pid = get_pid(task_tgid(current));
	}
	mutex_unlock(&mvm_vms_lock);
	/* 1 means the ids wrapped: fine. */
	return r < 0 ? r : 0;
}

/* Take @vm out; after this no reader can reach it.  Safe if never added. */
void mvm_registry_remove(struct mvm_vm *vm)
{
	if (!vm->id)
		return;
	mutex_lock(&mvm_vms_lock);
	xa_erase(&mvm_vms, vm->id);
	mutex_unlock(&mvm_vms_lock);
}

/* The VM with @id, or NULL.  Caller holds the registry lock. */
struct mvm_vm *mvm_registry_find(u32 id)
{
	lockdep_assert_held(&mvm_vms_lock);
	return xa_load(&mvm_vms, id);
}

/*
 * The VM with the lowest id >= *@id, or NULL; *@id is set to its id.
 * Caller holds the registry lock.
 */
struct mvm_vm *mvm_registry_next(unsigned long *id)
{
	lockdep_assert_held(&mvm_vms_lock);
	return xa_find(&mvm_vms, id, ULONG_MAX, XA_PRESENT);
}
