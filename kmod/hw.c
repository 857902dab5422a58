// SPDX-License-Identifier: GPL-2.0
/*
 * Turning hardware virtualization on and off across CPUs.
 *
 * minivmm holds VMX/SVM only while at least one VM exists: the first VM
 * turns it on on every online CPU, the last one to go turns it off again, so
 * an idle minivmm never stands in the way of another hypervisor.  While it is
 * on, CPUs that come online are enabled from a CPU hotplug callback, CPUs
 * that go offline are disabled first, suspend/resume turns it off and back on
 * (syscore ops), and reboot/kexec turn it off everywhere (reboot notifier),
 * because a CPU in VMX operation blocks INIT (Intel SDM Vol. 3C 24.8,
 * "Restrictions on VMX Operation") and the next kernel could not start its
 * APs.
 *
 * Crash (kdump) shutdown: on this kernel the emergency-disable path has a
 * single callback slot (cpu_emergency_register_virt_callback), which
 * kvm_intel takes when it loads; a second registration WARNs.  minivmm
 * therefore does not use it.  SVM is still turned off on crash by the
 * kernel's own cpu_emergency_svm_disable(); VMX on CPUs minivmm enabled is
 * not (see Documentation/design.rst, "Known limitations").
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/syscore_ops.h>

#include "minivmm.h"

/*
 * mvm_hw_lock protects mvm_hw_users and every transition of the per-CPU
 * state below made from process context (first/last VM, CPU hotplug).
 * Lock order: cpu_hotplug_lock (cpus_read_lock) -> mvm_hw_lock.  The hotplug
 * callbacks are entered with cpu_hotplug_lock held for write and take
 * mvm_hw_lock; mvm_hw_get/put take cpus_read_lock first, the same order.
 * Syscore callbacks run with one CPU online and interrupts off, after tasks
 * are frozen, so they read mvm_hw_users without the lock (they cannot sleep
 * to take it, and nobody can be changing it).
 */
static DEFINE_MUTEX(mvm_hw_lock);
static unsigned int mvm_hw_users;
static bool mvm_rebooting;

/*
 * Whether minivmm turned VMX/SVM on on this CPU.  Written only on its own
 * CPU with interrupts off, so it needs no lock of its own.
 */
static DEFINE_PER_CPU(bool, mvm_cpu_on);

/*
 * Per CPU: the page the hardware needs while VMX/SVM is on (the VMXON
 * region, or the SVM host save area).  Both vendors need exactly one 4 KiB
 * page, so it is allocated here, for every possible CPU, at module load:
 * turning a CPU on from IPI or hotplug context then cannot fail for memory.
 */
static DEFINE_PER_CPU(struct page *, mvm_cpu_area);

/* Results of one on_each_cpu() enable round. */
static atomic_t mvm_enable_failed;
static atomic_t mvm_enable_err;

static int mvm_cpuhp_state;

/*
 * mvm_hw_cpus_on()'s last answer.  Every change of mvm_cpu_on happens under
 * mvm_hw_lock (or in syscore callbacks, when no reader runs) and drops it.
 */
#define MVM_HW_READ_CACHE	(HZ / 50)
static struct cpumask mvm_hw_read_mask;
static unsigned long mvm_hw_read_at;	/* jiffies; under mvm_hw_lock */
static bool mvm_hw_read_valid;

static int mvm_cpu_enable(void)
{
	int r;

	lockdep_assert_irqs_disabled();
	if (__this_cpu_read(mvm_cpu_on))
		return 0;
	r = mvm_ops->cpu_enable(__this_cpu_read(mvm_cpu_area));
	if (r == -EBUSY)
		pr_err_ratelimited(MVM_NAME ": CPU %d: %s is already in use by another hypervisor; close its VMs or unload it (e.g. 'modprobe -r %s') and retry\n",
				   smp_processor_id(), mvm_ops->name,
				   mvm_ops->holder_hint);
	else if (r)
		pr_err_ratelimited(MVM_NAME ": CPU %d: turning %s on failed (%d)\n",
				   smp_processor_id(), mvm_ops->name, r);
	else
		__this_cpu_write(mvm_cpu_on, true);
	WRITE_ONCE(mvm_hw_read_valid, false);
	return r;
}

static void mvm_cpu_disable(void)
{
	lockdep_assert_irqs_disabled();
	if (!__this_cpu_read(mvm_cpu_on))
		return;
	mvm_ops->cpu_disable();
	__this_cpu_write(mvm_cpu_on, false);
	WRITE_ONCE(mvm_hw_read_valid, false);
}

static void mvm_cpu_enable_ipi(void *unused)
{
	int r = mvm_cpu_enable();

	if (r) {
		atomic_inc(&mvm_enable_failed);
		atomic_cmpxchg(&mvm_enable_err, 0, r);
	}
}

static void mvm_cpu_disable_ipi(void *unused)
{
	mvm_cpu_disable();
}

/*
 * Take a hardware reference for a new VM.  The first one turns VMX/SVM on
 * on every online CPU; if any CPU refuses, the CPUs already enabled are
 * turned off again and the error (-EBUSY for a competing hypervisor) is
 * returned.
 */
int mvm_hw_get(void)
{
	int r = 0;

	cpus_read_lock();
	mutex_lock(&mvm_hw_lock);
	if (mvm_rebooting) {
		r = -ESHUTDOWN;
		goto out_unlock;
	}
	if (mvm_hw_users++)
		goto out_unlock;

	atomic_set(&mvm_enable_failed, 0);
	atomic_set(&mvm_enable_err, 0);
	on_each_cpu(mvm_cpu_enable_ipi, NULL, 1);
	if (atomic_read(&mvm_enable_failed)) {
		on_each_cpu(mvm_cpu_disable_ipi, NULL, 1);
		mvm_hw_users--;
		r = atomic_read(&mvm_enable_err);
	}
out_unlock:
	mutex_unlock(&mvm_hw_lock);
	cpus_read_unlock();
	return r;
}

/* Drop a VM's hardware reference; the last one turns VMX/SVM off. */
void mvm_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&mvm_hw_lock);
	if (!WARN_ON_ONCE(!mvm_hw_users) && !--mvm_hw_users)
		on_each_cpu(mvm_cpu_disable_ipi, NULL, 1);
	mutex_unlock(&mvm_hw_lock);
	cpus_read_unlock();
}

static void mvm_cpu_read_ipi(void *mask)
{
	if (__this_cpu_read(mvm_cpu_on) && mvm_ops->cpu_hw_on())
		cpumask_set_cpu(smp_processor_id(), mask);
}

/*
 * Fill @mask with the CPUs on which minivmm has VMX/SVM on, as the hardware
 * itself reports it (CR4.VMXE / EFER.SVME), not just our bookkeeping.
 *
 * Anyone may read this (sysfs), so asking the CPUs must not become a way
 * to flood them with IPIs: only CPUs minivmm's record says are on are
 * asked (none while no VM exists), and the answer is reused for
 * MVM_HW_READ_CACHE unless minivmm turned a CPU on or off meanwhile.
 */
int mvm_hw_cpus_on(struct cpumask *mask)
{
	int cpu;

	cpus_read_lock();
	mutex_lock(&mvm_hw_lock);
	if (!mvm_hw_read_valid ||
	    time_after(jiffies, mvm_hw_read_at + MVM_HW_READ_CACHE)) {
		cpumask_clear(&mvm_hw_read_mask);
		for_each_online_cpu(cpu)
			if (per_cpu(mvm_cpu_on, cpu))
				smp_call_function_single(cpu, mvm_cpu_read_ipi,
							 &mvm_hw_read_mask, 1);
		mvm_hw_read_at = jiffies;
		mvm_hw_read_valid = true;
	}
	cpumask_copy(mask, &mvm_hw_read_mask);
	mutex_unlock(&mvm_hw_lock);
	cpus_read_unlock();
	return 0;
}

/*
 * CPU hotplug.  CPUHP_AP_ONLINE_DYN callbacks run on the CPU concerned, in
 * its hotplug thread, below CPUHP_AP_ACTIVE: no other task runs there yet
 * when it comes up, and none any more when it goes down.
 */
static int mvm_cpu_online(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&mvm_hw_lock);
	/* After the reboot notifier, VMX/SVM stays off for good. */
	if (mvm_hw_users && !mvm_rebooting) {
		local_irq_disable();
		r = mvm_cpu_enable();
		local_irq_enable();
	}
	mutex_unlock(&mvm_hw_lock);
	return r;
}

static int mvm_cpu_offline(unsigned int cpu)
{
	mutex_lock(&mvm_hw_lock);
	local_irq_disable();
	mvm_cpu_disable();
	local_irq_enable();
	mutex_unlock(&mvm_hw_lock);
	return 0;
}

/* Suspend and resume: only the boot CPU is online, interrupts are off. */
static int mvm_suspend(void)
{
	mvm_cpu_disable();
	return 0;
}

static void mvm_resume(void)
{
	if (READ_ONCE(mvm_hw_users) && !READ_ONCE(mvm_rebooting) &&
	    mvm_cpu_enable())
		pr_err(MVM_NAME ": CPU %d stays without %s after resume; its VMs cannot run there\n",
		       smp_processor_id(), mvm_ops->name);
}

static struct syscore_ops mvm_syscore_ops = {
	.suspend	= mvm_suspend,
	.resume		= mvm_resume,
};

/*
 * Reboot, halt, power-off and kexec.  Turn VMX/SVM off everywhere and refuse
 * new VMs from here on: running VMs fail their next entry rather than stop
 * the next kernel from booting its CPUs.
 */
static int mvm_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	mutex_lock(&mvm_hw_lock);
	mvm_rebooting = true;
	on_each_cpu(mvm_cpu_disable_ipi, NULL, 1);
	mutex_unlock(&mvm_hw_lock);
	return NOTIFY_OK;
}

static struct notifier_block mvm_reboot_nb = {
	.notifier_call = mvm_reboot,
};

static void mvm_cpu_areas_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(mvm_cpu_area, cpu))
			__free_page(per_cpu(mvm_cpu_area, cpu));
		per_cpu(mvm_cpu_area, cpu) = NULL;
	}
}

static int mvm_cpu_areas_alloc(void)
{
	struct page *page;
	int cpu;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			mvm_cpu_areas_free();
			return -ENOMEM;
		}
		per_cpu(mvm_cpu_area, cpu) = page;
	}
	return 0;
}

int mvm_hw_init(void)
{
	int r;

	r = mvm_cpu_areas_alloc();
	if (r)
		return r;
	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "minivmm:online",
				      mvm_cpu_online, mvm_cpu_offline);
	if (r < 0)
		goto err_free_areas;
	mvm_cpuhp_state = r;
	register_syscore_ops(&mvm_syscore_ops);
	r = register_reboot_notifier(&mvm_reboot_nb);
	if (r)
		goto err_unregister_syscore;
	return 0;

err_unregister_syscore:
	unregister_syscore_ops(&mvm_syscore_ops);
	cpuhp_remove_state_nocalls(mvm_cpuhp_state);
err_free_areas:
	mvm_cpu_areas_free();
	return r;
}

/*
 * Every VM holds a module reference (its fd's fops owner), so by the time
 * the module goes away no VM and no hardware reference is left.
 */
void mvm_hw_exit(void)
{
	WARN_ON_ONCE(mvm_hw_users);
	unregister_reboot_notifier(&mvm_reboot_nb);
	unregister_syscore_ops(&mvm_syscore_ops);
	cpuhp_remove_state_nocalls(mvm_cpuhp_state);
	mvm_cpu_areas_free();
}
