// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects and the VM fd.
 *
 * A VM is owned by its fd: MINIVMM_CREATE_VM builds the VM, takes its
 * hardware reference, and only then creates and installs the fd, so
 * userspace never sees a half-built VM (the ordering KVM adopted after
 * CVE-2019-6974).  The fd's file_operations carry .owner = THIS_MODULE, so
 * every open VM pins the module.  The fd may be shared by fork() or dup();
 * the VM lives until the last copy is closed.
 *
 * vCPU fds hold a VM reference too, so a VM lives until its last fd of
 * either kind is closed.
 *
 * Only the process that created a VM may drive it: its ioctls check that
 * the caller's mm is the creator's and return -EIO otherwise, as KVM does.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <asm/msr.h>

#include "minivmm.h"

static void mvm_vm_destroy(struct mvm_vm *vm)
{
	int i;

	/* Out of the netlink view before anything is torn down. */
	mvm_registry_remove(vm);
	mvm_nl_vm_event(vm, MINIVMM_CMD_VM_DESTROYED);
	/*
	 * Detach the irqfds first: an eventfd write injects into the vCPUs'
	 * APICs through them, from any thread, until they are unhooked.
	 */
	mvm_eventfd_release(vm);
	for (i = 0; i < MVM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			mvm_vcpu_free(vm->vcpus[i]);
	mvm_irqchip_free(vm);
	/* No vCPU is left to use a mapping: unpin and free the table. */
	mvm_mmu_destroy(vm);
	put_pid(vm->owner_pid);
	mmdrop(vm->mm);
	kfree(vm);
	mvm_hw_put();
}

void mvm_vm_get(struct mvm_vm *vm)
{
	refcount_inc(&vm->users);
}

void mvm_vm_put(struct mvm_vm *vm)
{
	if (refcount_dec_and_test(&vm->users))
		mvm_vm_destroy(vm);
}

static int mvm_vm_release(struct inode *inode, struct file *filp)
{
	mvm_vm_put(filp->private_data);
	return 0;
}


/*
 * The kernel found its own state for @vm broken -- a nested page-table
 * entry the CPU calls malformed, say: a host bug, not something the guest
 * or the VMM did.  Nothing about the VM can be trusted any more, so from
 * now on every ioctl on its VM and vCPU fds answers -EIO (HARDENING.md:
 * "an inconsistent VM is marked dead"), a vCPU in RUN leaves it with -EIO,
 * and netlink shows the VM as dead.  The host carries on; the VMM can only
 * close the VM.
 */
void mvm_vm_mark_dead(struct mvm_vm *vm, const char *why)
{
	struct mvm_vcpu *vcpu;
	int i;

	if (READ_ONCE(vm->dead))
		return;
	WRITE_ONCE(vm->dead, true);
	pr_err_ratelimited(MVM_NAME ": VM %u marked dead: %s\n", vm->id, why);
	/*
	 * A kick, not only an IPI to the vCPUs in the guest: a vCPU halted
	 * in the kernel (mvm_vcpu_halt()) sleeps on its wait queue and must
	 * wake to see the VM dead.
	 */
	for (i = 0; i < MVM_MAX_VCPUS; i++) {
		vcpu = READ_ONCE(vm->vcpus[i]);
		if (vcpu)
			mvm_vcpu_kick(vcpu);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvm_vm_mark_dead);

/*
 * Whether the calling process may drive @vm: only the one that created it
 * (the same mm), and only while the VM is not dead.  Every ioctl on a VM
 * or vCPU fd asks this first, whatever the command.
 */
int mvm_vm_check_caller(const struct mvm_vm *vm)
{
	if (vm->mm != current->mm || READ_ONCE(vm->dead))
		return -EIO;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvm_vm_check_caller);

static long mvm_vm_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	struct mvm_vm *vm = filp->private_data;
	int r = mvm_vm_check_caller(vm);

	if (r)
		return r;

	switch (ioctl) {
	case MINIVMM_SET_USER_MEMORY_REGION:
		return mvm_set_memory_region(vm, (void __user *)arg);
	case MINIVMM_CREATE_VCPU:
		return mvm_vcpu_create(vm, arg);
	case MINIVMM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return PAGE_SIZE;
	case MINIVMM_CREATE_IRQCHIP:
		if (arg)
			return -EINVAL;
		return mvm_create_irqchip(vm);
	case MINIVMM_IRQ_LINE:
		return mvm_irq_line(vm, (void __user *)arg);
	case MINIVMM_SIGNAL_MSI:
		return mvm_signal_msi(vm, (void __user *)arg);
	case MINIVMM_GET_IRQCHIP:
		return mvm_get_irqchip(vm, (void __user *)arg);
	case MINIVMM_SET_IRQCHIP:
		return mvm_set_irqchip(vm, (void __user *)arg);
	case MINIVMM_IOEVENTFD:
		return mvm_ioeventfd(vm, (void __user *)arg);
	case MINIVMM_IRQFD:
		return mvm_irqfd(vm, (void __user *)arg);
	case MINIVMM_SET_GSI_ROUTING:
		return mvm_set_gsi_routing(vm, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mvm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= mvm_vm_release,
	.unlocked_ioctl	= mvm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * MINIVMM_CREATE_VM.  Returns the new fd or -errno; -EBUSY when another
 * hypervisor holds VMX/SVM (hw.c logs which CPU and what to do).
 */
int mvm_vm_create(unsigned long type)
{
	struct mvm_vm *vm;
	struct file *file;
	int fd, r;

	if (type)
		return -EINVAL;

	/* Charged to the caller's memory cgroup, like every per-VM object. */
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->users, 1);
	mutex_init(&vm->lock);
	mutex_init(&vm->slots_lock);
	mvm_eventfd_init(vm);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	/* The guest's TSC starts near 0, the same on every vCPU. */
	vm->tsc_offset = -(s64)rdtsc();
	r = mvm_pt_init(&vm->pt, mvm_ops->pt_fmt);
	if (r)
		goto err_drop_mm;

	r = mvm_hw_get();
	if (r)
		goto err_destroy_pt;

	/* Whole now: netlink readers may see it from here on. */
	r = mvm_registry_add(vm);
	if (r)
		goto err_put_hw;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_unregister;
	}
	file = anon_inode_getfile("minivmm-vm", &mvm_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_put_fd;
	}

	/* Before the fd: its close sends VM_DESTROYED, which must come after. */
	mvm_nl_vm_event(vm, MINIVMM_CMD_VM_CREATED);
	/* Nothing may touch @vm after this: userspace can close it at once. */
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_unregister:
	mvm_registry_remove(vm);
	put_pid(vm->owner_pid);
err_put_hw:
	mvm_hw_put();
err_destroy_pt:
	mvm_mmu_destroy(vm);
err_drop_mm:
	mmdrop(vm->mm);
	kfree(vm);
	return r;
}
