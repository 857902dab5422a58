// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU objects, the vCPU fd and its run page.
 *
 * A vCPU belongs to its VM and is freed with it; the vCPU fd holds a VM
 * reference, so the VM outlives every fd that can reach it.  As with the
 * VM fd, the vCPU is complete and published before fd_install(), and
 * nothing touches it after.
 *
 * The run page (struct minivmm_run) is one zeroed page, shared with
 * userspace through mmap() of the vCPU fd at offset 0.  Userspace can
 * change it at any moment, so the kernel reads each input once
 * (READ_ONCE) and checks it before use (CVE-2019-14821 came from indexing
 * with a value in such a shared page).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "minivmm.h"

static int mvm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct mvm_vcpu *vcpu = filp->private_data;

	mvm_vm_put(vcpu->vm);
	return 0;
}

static long mvm_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	struct mvm_vcpu *vcpu = filp->private_data;

	if (vcpu->vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	default:
		return -ENOTTY;
	}
}

static vm_fault_t mvm_vcpu_fault(struct vm_fault *vmf)
{
	struct mvm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct mvm_vcpu_vm_ops = {
	.fault = mvm_vcpu_fault,
};

/* Only the run page, at offset 0, shared: a private copy would be useless. */
static int mvm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma_pages(vma) > 1 ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_ops = &mvm_vcpu_vm_ops;
	return 0;
}

static const struct file_operations mvm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= mvm_vcpu_release,
	.unlocked_ioctl	= mvm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= mvm_vcpu_mmap,
	.llseek		= noop_llseek,
};

/* Called from VM destruction, when no vCPU fd is left. */
void mvm_vcpu_free(struct mvm_vcpu *vcpu)
{
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/*
 * MINIVMM_CREATE_VCPU.  Returns the vCPU fd, -EINVAL for an id out of
 * range, -EEXIST for an id in use.
 */
int mvm_vcpu_create(struct mvm_vm *vm, unsigned long id)
{
	struct mvm_vcpu *vcpu;
	struct file *file;
	int fd, r;

	if (id >= MVM_MAX_VCPUS)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		r = -ENOMEM;
		goto err_free_vcpu;
	}
	vcpu->vm = vm;
	vcpu->id = id;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		r = -EEXIST;
		goto err_unlock;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_unlock;
	}
	/* The fd's reference on the VM, dropped by mvm_vcpu_release(). */
	mvm_vm_get(vm);
	file = anon_inode_getfile("minivmm-vcpu", &mvm_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_put_vm;
	}
	vm->vcpus[id] = vcpu;
	mutex_unlock(&vm->lock);

	fd_install(fd, file);
	return fd;

err_put_vm:
	mvm_vm_put(vm);
	put_unused_fd(fd);
err_unlock:
	mutex_unlock(&vm->lock);
	free_page((unsigned long)vcpu->run);
err_free_vcpu:
	kfree(vcpu);
	return r;
}
