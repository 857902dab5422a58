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
 *
 * MINIVMM_RUN is the loop below: enter the guest through the backend,
 * handle the exit, and go round again until an exit needs userspace, a
 * signal is pending, or an error occurs.  The guest runs with preemption
 * and interrupts off; between entries both are on, so the thread can be
 * preempted or migrated, and the preempt notifiers move the backend's
 * per-CPU state (VMCS/VMCB, host MSRs) with it (HARDENING row 12).  Host
 * interrupts that forced an exit are taken when interrupts come back on,
 * before the exit is handled (row 13).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/fpu/api.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>

#include "minivmm.h"

static struct mvm_vcpu *mvm_preempt_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct mvm_vcpu, preempt_notifier);
}

static void mvm_sched_in(struct preempt_notifier *pn, int cpu)
{
	mvm_ops->vcpu_load(mvm_preempt_vcpu(pn), cpu);
}

static void mvm_sched_out(struct preempt_notifier *pn,
			  struct task_struct *next)
{
	mvm_ops->vcpu_put(mvm_preempt_vcpu(pn));
}

static struct preempt_ops mvm_preempt_ops = {
	.sched_in	= mvm_sched_in,
	.sched_out	= mvm_sched_out,
};

/* Make the vCPU current on this CPU and follow the thread if it moves. */
static void mvm_vcpu_load(struct mvm_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->preempt_notifier);
	mvm_ops->vcpu_load(vcpu, cpu);
	put_cpu();
}

static void mvm_vcpu_put(struct mvm_vcpu *vcpu)
{
	preempt_disable();
	mvm_ops->vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->preempt_notifier);
	preempt_enable();
}

static void mvm_kick_nop(void *info)
{
}

/*
 * Force every vCPU of @vm that is in guest mode out of it, and wait until
 * it is out.  The vCPU sets its mode before it checks vm->tlb_gen with
 * interrupts off, so a vCPU that misses the IPI sees the new generation.
 */
void mvm_vm_kick_vcpus(struct mvm_vm *vm)
{
	struct mvm_vcpu *vcpu;
	int i;

	smp_mb();
	for (i = 0; i < MVM_MAX_VCPUS; i++) {
		vcpu = READ_ONCE(vm->vcpus[i]);
		if (vcpu && READ_ONCE(vcpu->mode) == MVM_IN_GUEST)
			smp_call_function_single(READ_ONCE(vcpu->run_cpu),
						 mvm_kick_nop, NULL, 1);
	}
}

void mvm_exit_internal_error(struct mvm_vcpu *vcpu, u32 suberror,
			     u64 hw_reason, u64 extra)
{
	struct minivmm_run *run = vcpu->run;

	mvm_stat_exit(vcpu, MVM_EXIT_KIND_INTERNAL);
	mvm_nl_vcpu_event(vcpu, MINIVMM_CMD_VCPU_INTERNAL_ERROR, hw_reason,
			  suberror);
	memset(&run->internal, 0, sizeof(run->internal));
	run->exit_reason = MINIVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 2;
	run->internal.data[0] = hw_reason;
	run->internal.data[1] = extra;
}

void mvm_exit_fail_entry(struct mvm_vcpu *vcpu, u64 hw_reason)
{
	struct minivmm_run *run = vcpu->run;

	mvm_stat_exit(vcpu, MVM_EXIT_KIND_FAIL_ENTRY);
	mvm_nl_vcpu_event(vcpu, MINIVMM_CMD_VCPU_FAIL_ENTRY, hw_reason, 0);
	memset(&run->fail_entry, 0, sizeof(run->fail_entry));
	run->exit_reason = MINIVMM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = hw_reason;
	run->fail_entry.cpu = raw_smp_processor_id();
}

/*
 * A machine check that made the guest exit (VMX: an exception exit with
 * vector 18 or reason 41 during entry, SDM Vol. 3C 28.1; SVM: the #MC
 * intercept, APM Vol. 2 15.12) stopped at the exit and never reached the
 * host's handler.  Call it as the hardware would have, and from "user
 * mode": the machine check hit guest code, so the handler may recover by
 * signalling the current task instead of panicking.  Interrupts off.
 */
void mvm_host_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

	do_machine_check(&regs);
#endif
}

/*
 * HLT, with RIP already past it.  With the in-kernel irqchip the vCPU
 * sleeps in the kernel until an event can wake it (inject.c); without
 * one, nothing could ever wake it, so userspace decides.
 */
int mvm_handle_hlt(struct mvm_vcpu *vcpu)
{
	mvm_stat_exit(vcpu, MVM_EXIT_KIND_HLT);
	if (vcpu->apic) {
		/* Read by netlink (vCPU state "halted"). */
		WRITE_ONCE(vcpu->halted, true);
		return 1;
	}
	vcpu->run->exit_reason = MINIVMM_EXIT_HLT;
	return 0;
}

/* A triple fault (SDM vol 3A 6.15 "Double Fault", APM 15.9 SHUTDOWN). */
int mvm_handle_shutdown(struct mvm_vcpu *vcpu)
{
	mvm_stat_exit(vcpu, MVM_EXIT_KIND_SHUTDOWN);
	mvm_nl_vcpu_event(vcpu, MINIVMM_CMD_VCPU_SHUTDOWN, 0, 0);
	vcpu->run->exit_reason = MINIVMM_EXIT_SHUTDOWN;
	return 0;
}

/*
 * Time from an exit handled in the kernel to the next entry, into a
 * power-of-two histogram, and into host_ns.
 */
static void mvm_stat_latency(struct mvm_vcpu *vcpu, u64 ns)
{
	unsigned int b = ns ? min_t(unsigned int, ilog2(ns),
				    MVM_LATENCY_BUCKETS - 1) : 0;

	WRITE_ONCE(vcpu->stats.latency[b], vcpu->stats.latency[b] + 1);
	WRITE_ONCE(vcpu->stats.host_ns, vcpu->stats.host_ns + ns);
}

/*
 * Enter the guest once.  Returns false without entering when a signal or
 * a reschedule came in after the last check.
 */
static bool mvm_vcpu_enter(struct mvm_vcpu *vcpu)
{
	bool entered = false;

	preempt_disable();
	local_irq_disable();
	/* The guest's FPU registers must be live (fpu_swap_kvm_fpstate). */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	WRITE_ONCE(vcpu->run_cpu, smp_processor_id());
	WRITE_ONCE(vcpu->mode, MVM_IN_GUEST);
	/*
	 * Pairs with the barriers in mvm_vm_kick_vcpus() and
	 * mvm_vcpu_kick(): a kick that saw MVM_OUTSIDE_GUEST set its request
	 * first, and the request is seen here.
	 */
	smp_mb();
	if (!signal_pending(current) && !need_resched() &&
	    !test_bit(MVM_REQ_EVENT, &vcpu->requests)) {
		/*
		 * The statistics' clock is local_clock(): the TSC scaled
		 * per CPU, cheaper than ktime_get_ns() (no clocksource
		 * call, no timekeeper seqcount); between CPUs it may be
		 * off by a little, hence the check.
		 */
		u64 t0 = local_clock();

		if (vcpu->last_exit_ns)
			mvm_stat_latency(vcpu, t0 > vcpu->last_exit_ns ?
					 t0 - vcpu->last_exit_ns : 0);
		mvm_ops->vcpu_enter(vcpu);
		/*
		 * VMSCAPE: the branch predictor the guest trained must not
		 * steer the VMM, so the kernel issues an IBPB on this CPU's
		 * next return to user mode (entry-common.h).  Set here, on
		 * the CPU that ran the guest, as the kernel's KVM does.
		 */
		if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
			this_cpu_write(x86_ibpb_exit_to_user, true);
		vcpu->last_exit_ns = local_clock();
		WRITE_ONCE(vcpu->stats.guest_ns,
			   vcpu->stats.guest_ns + vcpu->last_exit_ns - t0);
		WRITE_ONCE(vcpu->stats.exits, vcpu->stats.exits + 1);
		entered = true;
	}
	WRITE_ONCE(vcpu->mode, MVM_OUTSIDE_GUEST);
	local_irq_enable();
	preempt_enable();
	return entered;
}

static int mvm_vcpu_run(struct mvm_vcpu *vcpu)
{
	struct minivmm_run *run = vcpu->run;
	mvm_complete_fn complete;
	int r = 1;

	/* For the netlink view: who runs it, and that it is in RUN. */
	WRITE_ONCE(vcpu->run_tid, task_pid_nr(current));
	WRITE_ONCE(vcpu->in_run, true);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	mvm_vcpu_load(vcpu);

	/*
	 * Finish the IN or MMIO read the VMM has just served -- unless the
	 * VMM has moved RIP since (it restarted the guest elsewhere): the
	 * instruction is abandoned then, as KVM does, and nothing of it is
	 * applied to the new state.
	 */
	complete = vcpu->complete;
	vcpu->complete = NULL;
	if (complete && vcpu->rip == vcpu->pending.exit_rip)
		r = complete(vcpu);

	if (r > 0 && READ_ONCE(run->immediate_exit))
		r = -EINTR;

	while (r > 0) {
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}
		if (READ_ONCE(vcpu->vm->dead)) {
			r = -EIO;
			break;
		}
		cond_resched();
		if (vcpu->apic) {
			if (vcpu->halted) {
				r = mvm_vcpu_halt(vcpu);
				if (r <= 0)
					break;
			}
			/*
			 * Only when something changed or an event waits: most
			 * exits change nothing (minivmm.h, MVM_REQ_EVENT).
			 * Cleared first: a kick from now on stops the entry.
			 */
			if (vcpu->events_pending ||
			    test_bit(MVM_REQ_EVENT, &vcpu->requests)) {
				clear_bit(MVM_REQ_EVENT, &vcpu->requests);
				smp_mb__after_atomic();
				mvm_inject_events(vcpu);
			}
		}
		if (mvm_vcpu_enter(vcpu)) {
			mvm_xcr0_stray(vcpu);
			r = mvm_ops->handle_exit(vcpu);
		}
	}
	/* Only exits handled in the kernel count towards the latency. */
	vcpu->last_exit_ns = 0;
	/* Where the instruction a completion would finish stands. */
	vcpu->pending.exit_rip = vcpu->rip;
	if (r == -EINTR)
		run->exit_reason = MINIVMM_EXIT_INTR;
	else if (!r)
		WRITE_ONCE(vcpu->stats.exits_to_user,
			   vcpu->stats.exits_to_user + 1);

	mvm_vcpu_put(vcpu);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	WRITE_ONCE(vcpu->in_run, false);
	return r;
}

/* struct minivmm_regs is KVM's order; vcpu->regs is the hardware's. */
static const u8 mvm_uapi_reg_order[MVM_NR_GPRS] = {
	MVM_RAX, MVM_RBX, MVM_RCX, MVM_RDX, MVM_RSI, MVM_RDI, MVM_RSP, MVM_RBP,
	MVM_R8, MVM_R9, MVM_R10, MVM_R11, MVM_R12, MVM_R13, MVM_R14, MVM_R15,
};

/* RFLAGS bits that must be 0 (SDM vol 1 3.4.3): 63:22, 15, 5, 3. */
#define MVM_RFLAGS_RESERVED	(~0x3fffffULL | BIT(15) | BIT(5) | BIT(3))
#define MVM_RFLAGS_FIXED	BIT(1)

static int mvm_get_regs(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_regs regs;
	u64 *out = (u64 *)&regs;
	int i;

	for (i = 0; i < MVM_NR_GPRS; i++)
		out[i] = vcpu->regs[mvm_uapi_reg_order[i]];
	regs.rip = vcpu->rip;
	regs.rflags = vcpu->rflags;
	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static int mvm_set_regs(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_regs regs;
	const u64 *in = (const u64 *)&regs;
	int i;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if ((regs.rflags & MVM_RFLAGS_RESERVED) ||
	    !(regs.rflags & MVM_RFLAGS_FIXED))
		return -EINVAL;
	for (i = 0; i < MVM_NR_GPRS; i++)
		vcpu->regs[mvm_uapi_reg_order[i]] = in[i];
	vcpu->rip = regs.rip;
	vcpu->rflags = regs.rflags;
	return 0;
}

static bool mvm_segment_ok(const struct minivmm_segment *s)
{
	return !s->padding;
}

static int mvm_get_sregs(struct mvm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_sregs sregs;

	memset(&sregs, 0, sizeof(sregs));
	mvm_vcpu_load(vcpu);
	mvm_ops->get_sregs(vcpu, &sregs);
	mvm_vcpu_put(vcpu);
	/* With the in-kernel APIC, CR8 is its TPR (SDM Vol. 3A 11.8.6). */
	if (vcpu->apic) {
		sregs.apic_base = vcpu->apic->base;
		sregs.cr8 = mvm_lapic_get_tpr(vcpu) >> 4;
	}
	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

static int mvm_set_sregs(struct mvm_vcpu *vcpu, void __user *argp)
{
	const struct minivmm_segment *segs[8];
	struct minivmm_sregs sregs;
	int i, r;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	segs[0] = &sregs.cs; segs[1] = &sregs.ds; segs[2] = &sregs.es;
	segs[3] = &sregs.fs; segs[4] = &sregs.gs; segs[5] = &sregs.ss;
	segs[6] = &sregs.tr; segs[7] = &sregs.ldt;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (!mvm_segment_ok(segs[i]))
			return -EINVAL;
	if (sregs.gdt.padding[0] || sregs.gdt.padding[1] ||
	    sregs.gdt.padding[2] || sregs.idt.padding[0] ||
	    sregs.idt.padding[1] || sregs.idt.padding[2])
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(sregs.interrupt_bitmap); i++)
		if (sregs.interrupt_bitmap[i])
			return -EINVAL;

	/* Checked first: a refused APIC base must leave nothing changed. */
	if (vcpu->apic &&
	    !mvm_apic_base_change_ok(MVM_APIC_BASE_ENABLE, sregs.apic_base,
				     boot_cpu_data.x86_phys_bits))
		return -EINVAL;

	mvm_vcpu_load(vcpu);
	r = mvm_ops->set_sregs(vcpu, &sregs);
	mvm_vcpu_put(vcpu);
	if (r || !vcpu->apic)
		return r;
	mvm_lapic_set_base(vcpu, sregs.apic_base, true);
	mvm_lapic_set_tpr(vcpu, sregs.cr8 << 4);
	return 0;
}

/*
 * The ioctls that reach the backend's VMCS/VMCB (MSRs, pending events):
 * load the vCPU around them.
 */
static int mvm_loaded_ioctl(struct mvm_vcpu *vcpu, void __user *argp,
			    int (*fn)(struct mvm_vcpu *, void __user *))
{
	int r;

	mvm_vcpu_load(vcpu);
	r = fn(vcpu, argp);
	mvm_vcpu_put(vcpu);
	return r;
}

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

	void __user *argp = (void __user *)arg;
	long r;

	r = mvm_vm_check_caller(vcpu->vm);
	if (r)
		return r;

	/* One ioctl at a time per vCPU; a kill -9 must not wait for RUN. */
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (ioctl) {
	case MINIVMM_RUN:
		r = arg ? -EINVAL : mvm_vcpu_run(vcpu);
		break;
	case MINIVMM_GET_REGS:
		r = mvm_get_regs(vcpu, argp);
		break;
	case MINIVMM_SET_REGS:
		r = mvm_set_regs(vcpu, argp);
		break;
	case MINIVMM_GET_SREGS:
		r = mvm_get_sregs(vcpu, argp);
		break;
	case MINIVMM_SET_SREGS:
		r = mvm_set_sregs(vcpu, argp);
		break;
	case MINIVMM_GET_MSRS:
		r = mvm_loaded_ioctl(vcpu, argp, mvm_get_msrs);
		break;
	case MINIVMM_SET_MSRS:
		r = mvm_loaded_ioctl(vcpu, argp, mvm_set_msrs);
		break;
	case MINIVMM_GET_LAPIC:
		r = mvm_get_lapic(vcpu, argp);
		break;
	case MINIVMM_SET_LAPIC:
		r = mvm_set_lapic(vcpu, argp);
		break;
	case MINIVMM_GET_VCPU_EVENTS:
		r = mvm_loaded_ioctl(vcpu, argp, mvm_get_vcpu_events);
		break;
	case MINIVMM_SET_VCPU_EVENTS:
		r = mvm_loaded_ioctl(vcpu, argp, mvm_set_vcpu_events);
		break;
	case MINIVMM_SET_CPUID2:
		r = mvm_set_cpuid(vcpu, argp);
		break;
	case MINIVMM_GET_FPU:
		r = mvm_get_fpu(vcpu, argp);
		break;
	case MINIVMM_SET_FPU:
		r = mvm_set_fpu(vcpu, argp);
		break;
	case MINIVMM_GET_XSAVE:
		r = mvm_get_xsave(vcpu, argp);
		break;
	case MINIVMM_SET_XSAVE:
		r = mvm_set_xsave(vcpu, argp);
		break;
	default:
		r = -ENOTTY;
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
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

/*
 * Only the run page, at offset 0, shared: a private copy would be useless.
 * VM_DONTEXPAND keeps the mapping one page: without it the kernel would
 * merge a later mmap() of offset 1 placed right after it into this VMA
 * without asking this function (vma_merge() runs first), and mremap()
 * could grow it.
 */
static int mvm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma_pages(vma) > 1 ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_flags |= VM_DONTEXPAND;
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
	mvm_lapic_free(vcpu);
	mvm_ops->vcpu_free(vcpu);
	mvm_cpuid_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
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
	bool irqchip;
	int fd, r;

	if (id >= MVM_MAX_VCPUS)
		return -EINVAL;

	/* Counted from here on, so that CREATE_IRQCHIP now fails. */
	mutex_lock(&vm->lock);
	vm->nr_vcpus++;
	irqchip = vm->ioapic;
	mutex_unlock(&vm->lock);

	r = -ENOMEM;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		goto err_uncount;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto err_free_vcpu;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	preempt_notifier_init(&vcpu->preempt_notifier, &mvm_preempt_ops);
	init_waitqueue_head(&vcpu->wq);
	vcpu->guest_xcr0 = XFEATURE_MASK_FP;	/* XCR0 at reset, SDM 13.3 */
	mvm_msr_reset(vcpu);			/* MISC_ENABLE, MTRR_DEF_TYPE */
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto err_free_run;
	if (irqchip) {
		vcpu->events_pending = true;	/* look at the first entry */
		r = mvm_lapic_create(vcpu);
		if (r)
			goto err_free_fpu;
	}
	r = mvm_ops->vcpu_create(vcpu);
	if (r)
		goto err_free_lapic;

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
	/* Complete before it is seen: interrupt delivery reads it unlocked. */
	smp_store_release(&vm->vcpus[id], vcpu);
	mutex_unlock(&vm->lock);

	fd_install(fd, file);
	return fd;

err_put_vm:
	mvm_vm_put(vm);
	put_unused_fd(fd);
err_unlock:
	mutex_unlock(&vm->lock);
	mvm_ops->vcpu_free(vcpu);
err_free_lapic:
	mvm_lapic_free(vcpu);
err_free_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err_free_run:
	free_page((unsigned long)vcpu->run);
err_free_vcpu:
	kfree(vcpu);
err_uncount:
	mutex_lock(&vm->lock);
	vm->nr_vcpus--;
	mutex_unlock(&vm->lock);
	return r;
}
