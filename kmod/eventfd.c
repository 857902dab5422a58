// SPDX-License-Identifier: GPL-2.0
/*
 * The device fast paths, in KVM's shape: two ways for a device model in
 * the VMM to talk to its guest without a trip through MINIVMM_RUN.
 *
 * ioeventfd (MINIVMM_IOEVENTFD): a guest OUT to a port, or a guest write
 * to an MMIO address, optionally of one value only, signals an eventfd
 * and completes in the kernel; the VMM's device thread wakes up on the
 * eventfd (a virtio queue notification, say) while the vCPU carries on.
 * vCPU threads look the VM's ioeventfds up on their exit path (io.c,
 * emulate.c) in an RCU list, without a lock; MINIVMM_IOEVENTFD changes it
 * under vm->eventfd_lock.
 *
 * irqfd (MINIVMM_IRQFD): a write to an eventfd raises a GSI, routed by
 * route.c to an I/O APIC pin or an MSI.  The interrupt is injected from
 * the eventfd's wait-queue callback itself, in whatever atomic context
 * the writer was in (a write(2), or another kernel user's
 * eventfd_signal(), perhaps in hard interrupt context): the delivery path
 * takes only spinlocks with interrupts off and sends at most a reschedule
 * IPI, so no work item is needed, and none exists to be flushed.  With
 * RESAMPLE the pin is left raised, the guest's EOI lowers it and signals a
 * second eventfd, and the VMM re-raises it if its device still needs
 * service: a level-triggered interrupt line (KVM's resampling irqfd).
 *
 * Lifetime, KVM's pattern.  The VM owns its irqfds; an irqfd holds no VM
 * reference, only references to its eventfds.  An irqfd is *active* while
 * it is on vm->irqfds; whoever makes it inactive, under vm->irqfds_lock,
 * takes it off the eventfd's wait queue and frees it after an RCU grace
 * period:
 *
 *  - the VMM's deassign (MINIVMM_IRQFD with DEASSIGN), synchronously;
 *  - the eventfd's release, when the VMM closes its last fd of it: the
 *    EPOLLHUP wakeup runs under the eventfd's wait-queue lock, so it
 *    unhooks the irqfd itself;
 *  - VM destruction, before the vCPUs and the irqchip go.
 *
 * Taking an irqfd off the wait queue takes that queue's lock, so it waits
 * for a callback running on another CPU: once off, nothing reaches the VM
 * through it.  VM destruction unhooks every irqfd still active; one that
 * the EPOLLHUP path made inactive first is unhooked by it under the lock,
 * before the VM can go.  So no callback can run on a freed VM.  The frees
 * wait for a grace period because the EOI path walks vm->irqfds under RCU
 * to signal resample eventfds; the module's exit waits for them with
 * rcu_barrier().
 *
 * Documentation/irq.rst ("Device fast paths") describes the behaviour,
 * Documentation/locking.rst the locks.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "minivmm.h"

#define IOEVENTFD_FLAGS		(MINIVMM_IOEVENTFD_DATAMATCH | \
				 MINIVMM_IOEVENTFD_PIO | \
				 MINIVMM_IOEVENTFD_DEASSIGN)
#define IRQFD_FLAGS		(MINIVMM_IRQFD_DEASSIGN | \
				 MINIVMM_IRQFD_RESAMPLE)

/* The I/O port space is 64 KiB (SDM Vol. 1, "I/O Port Addressing"). */
#define PIO_SPACE		0x10000ULL

/* One ioeventfd, on vm->ioeventfds. */
struct mvm_ioeventfd {
	struct list_head list;		/* RCU, written under eventfd_lock */
	u64 addr;			/* port or guest-physical address */
	u64 datamatch;			/* unless @wildcard */
	u32 len;			/* 0: a write of any length (MMIO) */
	bool pio;
	bool wildcard;			/* no DATAMATCH: any value */
	struct eventfd_ctx *eventfd;
	struct rcu_head rcu;
};

/* One irqfd, on vm->irqfds while active. */
struct mvm_irqfd {
	struct mvm_vm *vm;		/* no reference: see the top */
	struct list_head list;		/* RCU, written under irqfds_lock */
	u32 gsi;
	bool active;			/* written under irqfds_lock */
	struct eventfd_ctx *eventfd;
	struct eventfd_ctx *resamplefd;	/* NULL: not resampling */
	wait_queue_entry_t wait;	/* on the eventfd's wait queue ... */
	wait_queue_head_t *wqh;		/* ... which is this one */
	poll_table pt;			/* vfs_poll() hooks @wait by it */
	struct rcu_head rcu;
};

/* At VM creation. */
void mvm_eventfd_init(struct mvm_vm *vm)
{
	mutex_init(&vm->eventfd_lock);
	INIT_LIST_HEAD(&vm->ioeventfds);
	spin_lock_init(&vm->irqfds_lock);
	INIT_LIST_HEAD(&vm->irqfds);
}
EXPORT_SYMBOL_IF_KUNIT(mvm_eventfd_init);

/* ioeventfds */

static void ioeventfd_free(struct mvm_ioeventfd *p)
{
	eventfd_ctx_put(p->eventfd);
	kfree(p);
}

static void ioeventfd_free_rcu(struct rcu_head *head)
{
	ioeventfd_free(container_of(head, struct mvm_ioeventfd, rcu));
}

/*
 * The rules of a request, whichever way it goes.  Lengths are the sizes of
 * an access: 1, 2 or 4 for a port (OUT has no other), those and 8 for
 * MMIO, where 0 matches a write of any length at @addr and then takes no
 * DATAMATCH, as KVM's.  A value that cannot fit in @len bytes could never
 * match, and a datamatch without DATAMATCH would be ignored: both are
 * refused, as is a range past the port space or wrapping around.
 */
static int ioeventfd_check(const struct minivmm_ioeventfd *a)
{
	bool pio = a->flags & MINIVMM_IOEVENTFD_PIO;
	bool match = a->flags & MINIVMM_IOEVENTFD_DATAMATCH;

	if ((a->flags & ~IOEVENTFD_FLAGS) ||
	    memchr_inv(a->pad, 0, sizeof(a->pad)))
		return -EINVAL;
	switch (a->len) {
	case 0:
		if (pio || match)
			return -EINVAL;
		break;
	case 1:
	case 2:
	case 4:
		break;
	case 8:
		if (pio)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (match ? a->len < 8 && a->datamatch >> (a->len * 8) : a->datamatch)
		return -EINVAL;
	if (pio)
		return a->addr >= PIO_SPACE || a->addr + a->len > PIO_SPACE ?
		       -EINVAL : 0;
	return a->addr + max(a->len, 1U) - 1 < a->addr ? -EINVAL : 0;
}

/*
 * Two ioeventfds that some write would both match (KVM's rule): the same
 * space and address, and either of them of any length, or the same length
 * with either taking any value or both the same value.
 */
static bool ioeventfd_collide(const struct mvm_ioeventfd *a,
			      const struct mvm_ioeventfd *b)
{
	return a->pio == b->pio && a->addr == b->addr &&
	       (!a->len || !b->len ||
		(a->len == b->len && (a->wildcard || b->wildcard ||
				      a->datamatch == b->datamatch)));
}

static int ioeventfd_assign(struct mvm_vm *vm,
			    const struct minivmm_ioeventfd *a)
{
	struct mvm_ioeventfd *p, *q;
	int r = 0;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->eventfd = eventfd_ctx_fdget(a->fd);
	if (IS_ERR(p->eventfd)) {
		r = PTR_ERR(p->eventfd);
		kfree(p);
		return r;
	}
	p->addr = a->addr;
	p->len = a->len;
	p->pio = a->flags & MINIVMM_IOEVENTFD_PIO;
	p->wildcard = !(a->flags & MINIVMM_IOEVENTFD_DATAMATCH);
	p->datamatch = a->datamatch;

	mutex_lock(&vm->eventfd_lock);
	if (vm->nr_ioeventfds >= MVM_MAX_IOEVENTFDS) {
		r = -ENOSPC;
		goto out_unlock;
	}
	list_for_each_entry(q, &vm->ioeventfds, list) {
		if (ioeventfd_collide(p, q)) {
			r = -EEXIST;
			goto out_unlock;
		}
	}
	list_add_tail_rcu(&p->list, &vm->ioeventfds);
	vm->nr_ioeventfds++;
out_unlock:
	mutex_unlock(&vm->eventfd_lock);
	if (r)
		ioeventfd_free(p);
	return r;
}

/* Exactly the one assigned with these fields and this eventfd. */
static int ioeventfd_deassign(struct mvm_vm *vm,
			      const struct minivmm_ioeventfd *a)
{
	bool wildcard = !(a->flags & MINIVMM_IOEVENTFD_DATAMATCH);
	bool pio = a->flags & MINIVMM_IOEVENTFD_PIO;
	struct eventfd_ctx *eventfd;
	struct mvm_ioeventfd *p;
	int r = -ENOENT;

	eventfd = eventfd_ctx_fdget(a->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&vm->eventfd_lock);
	list_for_each_entry(p, &vm->ioeventfds, list) {
		if (p->eventfd != eventfd || p->pio != pio ||
		    p->addr != a->addr || p->len != a->len ||
		    p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != a->datamatch))
			continue;
		list_del_rcu(&p->list);
		vm->nr_ioeventfds--;
		/* A vCPU may be signalling it now: free it after. */
		call_rcu(&p->rcu, ioeventfd_free_rcu);
		r = 0;
		break;
	}
	mutex_unlock(&vm->eventfd_lock);
	eventfd_ctx_put(eventfd);
	return r;
}

/* MINIVMM_IOEVENTFD: works with or without an irqchip, as KVM's. */
int mvm_ioeventfd(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_ioeventfd a;
	int r;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	r = ioeventfd_check(&a);
	if (r)
		return r;
	if (a.flags & MINIVMM_IOEVENTFD_DEASSIGN)
		return ioeventfd_deassign(vm, &a);
	return ioeventfd_assign(vm, &a);
}

/*
 * A guest write of @len bytes of @val to port or address @addr: signal
 * the ioeventfd it matches and return true (the caller completes the
 * instruction in the kernel), or false (it goes to userspace as before).
 * Called on the vCPU's exit path, so it takes no lock: the list is read
 * under RCU.  At most one ioeventfd matches, since colliding ones are
 * refused.
 */
bool mvm_ioeventfd_write(struct mvm_vm *vm, bool pio, u64 addr,
			 unsigned int len, u64 val)
{
	struct mvm_ioeventfd *p;
	bool hit = false;

	if (len < 8)
		val &= (1ULL << (len * 8)) - 1;
	rcu_read_lock();
	list_for_each_entry_rcu(p, &vm->ioeventfds, list) {
		if (p->pio != pio || p->addr != addr ||
		    (p->len && (p->len != len ||
				(!p->wildcard && p->datamatch != val))))
			continue;
		eventfd_signal(p->eventfd, 1);
		hit = true;
		break;
	}
	rcu_read_unlock();
	return hit;
}

/* irqfds */

static void irqfd_free_rcu(struct rcu_head *head)
{
	struct mvm_irqfd *irqfd = container_of(head, struct mvm_irqfd, rcu);

	eventfd_ctx_put(irqfd->eventfd);
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
	kfree(irqfd);
}

/* Another active resampling irqfd raises @gsi. */
static bool irqfd_gsi_resampled(struct mvm_vm *vm, u32 gsi)
{
	struct mvm_irqfd *irqfd;

	lockdep_assert_held(&vm->irqfds_lock);
	list_for_each_entry(irqfd, &vm->irqfds, list)
		if (irqfd->resamplefd && irqfd->gsi == gsi)
			return true;
	return false;
}

/*
 * Take @irqfd off the VM's list; the caller now owns it and must unhook
 * it from its eventfd and free it.  A resampling irqfd may hold its pin
 * raised: the last one of its GSI lowers it, as KVM does, so that a line
 * nobody drives any more does not stay asserted.
 */
static void irqfd_deactivate(struct mvm_irqfd *irqfd)
{
	struct mvm_vm *vm = irqfd->vm;

	lockdep_assert_held(&vm->irqfds_lock);
	WRITE_ONCE(irqfd->active, false);
	list_del_rcu(&irqfd->list);
	vm->nr_irqfds--;
	if (irqfd->resamplefd) {
		WRITE_ONCE(vm->nr_resamplefds, vm->nr_resamplefds - 1);
		if (!irqfd_gsi_resampled(vm, irqfd->gsi))
			mvm_gsi_lower(vm, irqfd->gsi);
	}
}

/*
 * Unhook an inactive irqfd from its eventfd and free it.  Taking the wait
 * queue's lock waits for a callback running elsewhere; the counter the
 * eventfd holds is read and dropped, as KVM does.
 */
static void irqfd_detach(struct mvm_irqfd *irqfd)
{
	u64 cnt;

	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	call_rcu(&irqfd->rcu, irqfd_free_rcu);
}

/*
 * The eventfd's wait-queue callback, under its wait queue's lock with
 * interrupts off, in the context of whoever wrote to it.
 *
 * EPOLLIN: a write.  The count is consumed (so that it never saturates
 * and blocks the writer) and the GSI raised.  An inactive irqfd is being
 * deassigned: its write is dropped, as one just after the deassign would
 * be.
 *
 * EPOLLHUP: the eventfd is being released.  Unless the VM side has made
 * the irqfd inactive already (then it unhooks it, after this callback),
 * detach it here: the wait queue's lock is held, so the entry can be
 * removed directly; its memory goes after a grace period, well after the
 * wakeup loop has left it.
 */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
			void *key)
{
	struct mvm_irqfd *irqfd = container_of(wait, struct mvm_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct mvm_vm *vm = irqfd->vm;
	unsigned long iflags;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		if (READ_ONCE(irqfd->active))
			mvm_gsi_raise(vm, irqfd->gsi, !!irqfd->resamplefd);
	}

	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&vm->irqfds_lock, iflags);
		if (irqfd->active) {
			irqfd_deactivate(irqfd);
			__remove_wait_queue(irqfd->wqh, &irqfd->wait);
			call_rcu(&irqfd->rcu, irqfd_free_rcu);
		}
		/* The last access to @vm: it may go once this is released. */
		spin_unlock_irqrestore(&vm->irqfds_lock, iflags);
	}
	return 0;
}

/* vfs_poll()'s hook: put the irqfd on the eventfd's wait queue. */
static void irqfd_queue(struct file *file, wait_queue_head_t *wqh,
			poll_table *pt)
{
	struct mvm_irqfd *irqfd = container_of(pt, struct mvm_irqfd, pt);

	irqfd->wqh = wqh;
	add_wait_queue(wqh, &irqfd->wait);
}

/* Under irqfds_lock: put @irqfd on the VM's list, if there is room. */
static int irqfd_add(struct mvm_vm *vm, struct mvm_irqfd *irqfd)
{
	struct mvm_irqfd *tmp;

	lockdep_assert_held(&vm->irqfds_lock);
	if (vm->nr_irqfds >= MVM_MAX_IRQFDS)
		return -ENOSPC;
	/* One eventfd raises one GSI (KVM's rule). */
	list_for_each_entry(tmp, &vm->irqfds, list)
		if (tmp->eventfd == irqfd->eventfd)
			return -EBUSY;
	irqfd->active = true;
	list_add_tail_rcu(&irqfd->list, &vm->irqfds);
	vm->nr_irqfds++;
	if (irqfd->resamplefd)
		WRITE_ONCE(vm->nr_resamplefds, vm->nr_resamplefds + 1);
	return 0;
}

static int irqfd_assign(struct mvm_vm *vm, const struct minivmm_irqfd *a)
{
	struct mvm_irqfd *irqfd;
	__poll_t events;
	struct fd f;
	int r;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->gsi = a->gsi;
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_queue);

	/* The file, not just its eventfd: vfs_poll() needs it. */
	f = fdget(a->fd);
	if (!f.file) {
		r = -EBADF;
		goto err_free;
	}
	irqfd->eventfd = eventfd_ctx_fileget(f.file);
	if (IS_ERR(irqfd->eventfd)) {
		r = PTR_ERR(irqfd->eventfd);
		goto err_fdput;
	}
	if (a->flags & MINIVMM_IRQFD_RESAMPLE) {
		irqfd->resamplefd = eventfd_ctx_fdget(a->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			r = PTR_ERR(irqfd->resamplefd);
			goto err_put_eventfd;
		}
	}

	/*
	 * eventfd_lock keeps a deassign from finding the irqfd on the list
	 * before it is on the wait queue.  No EPOLLHUP can come meanwhile:
	 * the file is held until fdput().
	 */
	mutex_lock(&vm->eventfd_lock);
	spin_lock_irq(&vm->irqfds_lock);
	r = irqfd_add(vm, irqfd);
	spin_unlock_irq(&vm->irqfds_lock);
	if (!r) {
		events = vfs_poll(f.file, &irqfd->pt);
		/* A write before the assign raises the GSI once, as KVM's. */
		if (events & EPOLLIN)
			mvm_gsi_raise(vm, irqfd->gsi, !!irqfd->resamplefd);
	}
	mutex_unlock(&vm->eventfd_lock);
	if (r)
		goto err_put_resamplefd;
	fdput(f);
	return 0;

err_put_resamplefd:
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
err_put_eventfd:
	eventfd_ctx_put(irqfd->eventfd);
err_fdput:
	fdput(f);
err_free:
	kfree(irqfd);
	return r;
}

/* The irqfd of eventfd @a->fd and @a->gsi; -ENOENT if there is none. */
static int irqfd_deassign(struct mvm_vm *vm, const struct minivmm_irqfd *a)
{
	struct mvm_irqfd *irqfd = NULL, *tmp;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(a->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&vm->eventfd_lock);
	spin_lock_irq(&vm->irqfds_lock);
	list_for_each_entry(tmp, &vm->irqfds, list) {
		if (tmp->eventfd == eventfd && tmp->gsi == a->gsi) {
			irqfd = tmp;
			irqfd_deactivate(irqfd);
			break;
		}
	}
	spin_unlock_irq(&vm->irqfds_lock);
	/* Off the wait queue before returning: no write raises it now. */
	if (irqfd)
		irqfd_detach(irqfd);
	mutex_unlock(&vm->eventfd_lock);
	eventfd_ctx_put(eventfd);
	return irqfd ? 0 : -ENOENT;
}

/*
 * MINIVMM_IRQFD.  DEASSIGN takes no other flag and a zero resamplefd;
 * resamplefd must be 0 without RESAMPLE.
 */
int mvm_irqfd(struct mvm_vm *vm, void __user *argp)
{
	struct minivmm_irqfd a;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (!READ_ONCE(vm->ioapic))
		return -ENXIO;
	if ((a.flags & ~IRQFD_FLAGS) || memchr_inv(a.pad, 0, sizeof(a.pad)) ||
	    a.gsi >= MVM_NR_GSIS ||
	    ((a.flags & MINIVMM_IRQFD_DEASSIGN) &&
	     (a.flags & MINIVMM_IRQFD_RESAMPLE)) ||
	    (!(a.flags & MINIVMM_IRQFD_RESAMPLE) && a.resamplefd))
		return -EINVAL;
	if (a.flags & MINIVMM_IRQFD_DEASSIGN)
		return irqfd_deassign(vm, &a);
	return irqfd_assign(vm, &a);
}

/*
 * The guest acknowledged level-triggered interrupts on the I/O APIC pins
 * in @pins, whose remote IRR is still set (ioapic.c calls this between
 * seeing the EOI and clearing remote IRR, without its lock).  Each pin
 * that a resampling irqfd raises is lowered, once, before any of its
 * resample eventfds is signalled: the VMM re-raises it from there if its
 * device still wants service, and that must not be undone.  When remote
 * IRR clears, a pin raised again fires again.
 *
 * On a vCPU thread, with no lock held: signalling an eventfd runs its
 * waiters' callbacks, which may take the I/O APIC's lock.
 */
void mvm_irqfd_resample(struct mvm_vm *vm, u32 pins)
{
	struct mvm_irqfd *irqfd;
	u32 lowered = 0;
	int pin;

	rcu_read_lock();
	list_for_each_entry_rcu(irqfd, &vm->irqfds, list) {
		if (!irqfd->resamplefd || !READ_ONCE(irqfd->active))
			continue;
		pin = mvm_gsi_pin(vm, irqfd->gsi);
		if (pin < 0 || !(pins & BIT(pin)))
			continue;
		if (!(lowered & BIT(pin))) {
			mvm_ioapic_set_irq(vm->ioapic, pin, false);
			lowered |= BIT(pin);
		}
		eventfd_signal(irqfd->resamplefd, 1);
	}
	rcu_read_unlock();
}

/*
 * VM destruction, before the vCPUs and the irqchip go: detach every irqfd
 * (once off its wait queue, nothing reaches the VM through it) and free
 * the ioeventfds (no vCPU runs, so none reads them) and the routing table.
 */
void mvm_eventfd_release(struct mvm_vm *vm)
{
	struct mvm_ioeventfd *p, *tmp;
	struct mvm_irqfd *irqfd;

	for (;;) {
		spin_lock_irq(&vm->irqfds_lock);
		irqfd = list_first_entry_or_null(&vm->irqfds,
						  struct mvm_irqfd, list);
		if (irqfd)
			irqfd_deactivate(irqfd);
		spin_unlock_irq(&vm->irqfds_lock);
		if (!irqfd)
			break;
		irqfd_detach(irqfd);
	}

	list_for_each_entry_safe(p, tmp, &vm->ioeventfds, list) {
		list_del(&p->list);
		ioeventfd_free(p);
	}
	vm->nr_ioeventfds = 0;
	mvm_routing_free(vm);
}
