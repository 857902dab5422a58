// SPDX-License-Identifier: GPL-2.0
/*
 * The module: picking a backend, /dev/minivmm and the system fd ioctls.
 *
 * Loading does not touch VMX/SVM: it checks that one of them is usable,
 * sets up hw.c (which allocates the per-CPU areas the hardware will need)
 * and registers the device.  The hardware is turned on by the first VM (hw.c).
 *
 * /dev/minivmm is a misc device with a fixed minor (MVM_MINOR), group kvm
 * and mode 0660 by the udev rule in 60-minivmm.rules.  Its sysfs directory
 * carries hw_enabled_cpus, the CPUs on which minivmm has VMX/SVM on right
 * now, read from the hardware.
 */
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include <linux/minivmm.h>

#include "minivmm.h"

const struct mvm_vendor_ops *mvm_ops;

static long mvm_check_extension(unsigned long cap)
{
	const struct mvm_caps *caps = &mvm_ops->caps;

	switch (cap) {
	case MINIVMM_CAP_VENDOR:
		return mvm_ops->vendor;
	case MINIVMM_CAP_NESTED_PAGING:
		return caps->nested_paging;
	case MINIVMM_CAP_TAGGED_TLB:
		return caps->tagged_tlb;
	case MINIVMM_CAP_UNRESTRICTED_GUEST:
		return caps->unrestricted_guest;
	case MINIVMM_CAP_NEXT_RIP:
		return caps->next_rip;
	case MINIVMM_CAP_NR_MEMSLOTS:
		return MVM_MAX_MEMSLOTS;
	case MINIVMM_CAP_MAX_VCPUS:
		return MVM_MAX_VCPUS;
	case MINIVMM_CAP_IRQCHIP:
		return MVM_IOAPIC_PINS;
	case MINIVMM_CAP_IOEVENTFD:
	case MINIVMM_CAP_IRQFD:
		return 1;
	case MINIVMM_CAP_NR_GSIS:
		return MVM_NR_GSIS;
	default:
		return 0;
	}
}

static long mvm_dev_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	switch (ioctl) {
	case MINIVMM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return MINIVMM_API_VERSION;
	case MINIVMM_CHECK_EXTENSION:
		return mvm_check_extension(arg);
	case MINIVMM_CREATE_VM:
		return mvm_vm_create(arg);
	case MINIVMM_GET_SUPPORTED_CPUID:
		return mvm_get_supported_cpuid((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mvm_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= mvm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static ssize_t hw_enabled_cpus_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	cpumask_var_t mask;
	ssize_t n;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	mvm_hw_cpus_on(mask);
	n = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return n;
}
static DEVICE_ATTR_RO(hw_enabled_cpus);

/* What minivmm does against speculative execution (security.rst). */
static ssize_t mitigations_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	int n;

	n = sysfs_emit(buf, "backend: %s\n", mvm_ops->name);
	n += sysfs_emit_at(buf, n, "ibpb_exit_to_user: %s\n",
			   cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER) ?
			   "on" : "off");
	return n + mvm_ops->show_mitigations(buf, n);
}
static DEVICE_ATTR_RO(mitigations);

static struct attribute *mvm_dev_attrs[] = {
	&dev_attr_hw_enabled_cpus.attr,
	&dev_attr_mitigations.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mvm_dev);

/*
 * A fixed minor lets the first open of /dev/minivmm load the module, as
 * with /dev/kvm; a dynamic one is not known until the module is loaded.
 * depmod turns the aliases at the end of this file into a line of
 * modules.devname, from which systemd creates /dev/minivmm at boot with no
 * module loaded (kmod static-nodes), udev applies the rule's group and tags
 * to it (static_node= in 60-minivmm.rules), and opening it makes
 * misc_open() request char-major-10-248.
 *
 * 248 lies in 243-254, which Documentation/admin-guide/devices.txt
 * reserves for local use on major 10.  <linux/miscdevice.h> assigns none of
 * them (its fixed minors end at RFKILL_MINOR, 242), and 6.1 hands out
 * dynamic minors from 127 down, so no driver is given it at runtime
 * either.  Not 243: the first of the range is the likeliest pick of another
 * local driver.
 */
#define MVM_MINOR	248

static struct miscdevice mvm_dev = {
	.minor	= MVM_MINOR,
	.name	= MVM_NAME,
	.fops	= &mvm_dev_fops,
	.groups	= mvm_dev_groups,
	.mode	= 0660,
};

/*
 * Pick the backend.  A probe returns NULL with *why set when its extension
 * exists but cannot be used, and NULL with *why untouched when the CPU does
 * not have it at all.
 */
static void mvm_vendor_teardown(void)
{
	if (mvm_ops->teardown)
		mvm_ops->teardown();
}

static const struct mvm_vendor_ops *mvm_probe(void)
{
	const char *why_vmx = NULL, *why_svm = NULL;
	const struct mvm_vendor_ops *ops;

	ops = vmx_probe(&why_vmx);
	if (!ops)
		ops = svm_probe(&why_svm);
	if (ops)
		return ops;

	pr_err(MVM_NAME ": no usable hardware virtualization: %s\n",
	       why_vmx ?: why_svm ?:
	       "the CPU has neither VMX nor SVM (enable VT-x/AMD-V in the firmware setup, or nested virtualization in a VM)");
	return NULL;
}

static int __init mvm_init(void)
{
	int r;

	mvm_ops = mvm_probe();
	if (!mvm_ops)
		return -ENODEV;

	r = mvm_hw_init();
	if (r) {
		mvm_vendor_teardown();
		return r;
	}

	/* vCPU threads follow their CPU with preempt notifiers (vcpu.c). */
	preempt_notifier_inc();

	/*
	 * The netlink family before the device: a VM can exist as soon as
	 * the device does, and its VM_CREATED event needs the family.
	 */
	r = mvm_nl_init();
	if (r)
		goto err_notifier_dec;

	r = misc_register(&mvm_dev);
	if (r) {
		if (r == -EBUSY)
			pr_err(MVM_NAME ": misc minor %d is taken by another driver\n",
			       MVM_MINOR);
		goto err_nl_exit;
	}

	pr_info(MVM_NAME ": %s backend ready%s%s%s%s\n", mvm_ops->name,
		mvm_ops->caps.nested_paging ? ", nested paging" : "",
		mvm_ops->caps.tagged_tlb ? ", tagged TLB" : "",
		mvm_ops->caps.unrestricted_guest ? ", unrestricted guest" : "",
		mvm_ops->caps.next_rip ? ", next-RIP" : "");
	return 0;

err_nl_exit:
	mvm_nl_exit();
err_notifier_dec:
	preempt_notifier_dec();
	mvm_hw_exit();
	mvm_vendor_teardown();
	return r;
}

static void __exit mvm_exit(void)
{
	misc_deregister(&mvm_dev);
	mvm_nl_exit();
	preempt_notifier_dec();
	mvm_hw_exit();
	mvm_vendor_teardown();
	/*
	 * eventfd.c frees irqfds and ioeventfds with call_rcu(): the last
	 * VM may have queued callbacks, which are this module's code.
	 */
	rcu_barrier();
}

module_init(mvm_init);
module_exit(mvm_exit);

MODULE_DESCRIPTION("minivmm: a small type-2 hypervisor for Intel VMX and AMD SVM");
MODULE_LICENSE("GPL");
MODULE_VERSION(MINIVMM_VERSION);
MODULE_ALIAS_MISCDEV(MVM_MINOR);
MODULE_ALIAS("devname:" MVM_NAME);
