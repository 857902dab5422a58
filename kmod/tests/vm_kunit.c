// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the VM's life rules (kmod/vm.c): who may drive a VM, and
 * what marking it dead does.  A dead VM refuses every ioctl with -EIO, and
 * a vCPU halted in the kernel when its VM dies must wake and leave RUN
 * with -EIO, not sleep until some interrupt comes (Documentation/api.rst,
 * "dead").  The VM and vCPU are zeroed structs: the rules read only the
 * fields set here.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "../minivmm.h"

static struct mvm_vm *fake_vm(struct kunit *test)
{
	struct mvm_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vm);
	vm->mm = current->mm;
	return vm;
}

/* The creator may, anyone else may not; nobody may once it is dead. */
static void vm_check_caller(struct kunit *test)
{
	struct mvm_vm *vm = fake_vm(test);
	static struct mm_struct other;

	KUNIT_EXPECT_EQ(test, mvm_vm_check_caller(vm), 0);
	vm->mm = &other;
	KUNIT_EXPECT_EQ(test, mvm_vm_check_caller(vm), -EIO);
	vm->mm = current->mm;
	mvm_vm_mark_dead(vm, "KUnit");
	KUNIT_EXPECT_TRUE(test, READ_ONCE(vm->dead));
	KUNIT_EXPECT_EQ(test, mvm_vm_check_caller(vm), -EIO);
	/* Marking it again changes nothing. */
	mvm_vm_mark_dead(vm, "KUnit, again");
	KUNIT_EXPECT_EQ(test, mvm_vm_check_caller(vm), -EIO);
}

struct halter {
	struct mvm_vcpu *vcpu;
	struct completion done;
	int r;
};

static int halter_fn(void *data)
{
	struct halter *h = data;

	h->r = mvm_vcpu_halt(h->vcpu);
	complete(&h->done);
	return 0;
}

/*
 * A vCPU halted with RFLAGS.IF = 0 and no NMI has nothing to wake for but
 * the VM's death: the halt must end with -EIO when the VM is marked dead.
 */
static void vm_dead_wakes_halted_vcpu(struct kunit *test)
{
	struct mvm_vm *vm = fake_vm(test);
	struct mvm_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);
	struct halter *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	KUNIT_ASSERT_NOT_NULL(test, h);
	vcpu->vm = vm;
	vcpu->rflags = X86_EFLAGS_FIXED;
	init_waitqueue_head(&vcpu->wq);
	vm->vcpus[0] = vcpu;
	h->vcpu = vcpu;
	init_completion(&h->done);

	t = kthread_run(halter_fn, h, "mvm-kunit-halt");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* Asleep, and staying so while nothing happens. */
	KUNIT_EXPECT_EQ(test,
			wait_for_completion_timeout(&h->done,
						    msecs_to_jiffies(100)), 0UL);

	mvm_vm_mark_dead(vm, "KUnit");
	if (!wait_for_completion_timeout(&h->done, msecs_to_jiffies(2000))) {
		KUNIT_FAIL(test, "the halted vCPU did not wake when its VM died");
		/* Let the thread go, so the test can end. */
		wake_up_interruptible(&vcpu->wq);
		wait_for_completion(&h->done);
	}
	KUNIT_EXPECT_EQ(test, h->r, -EIO);
}

static struct kunit_case vm_cases[] = {
	KUNIT_CASE(vm_check_caller),
	KUNIT_CASE(vm_dead_wakes_halted_vcpu),
	{}
};

static struct kunit_suite vm_suite = {
	.name = "minivmm_vm",
	.test_cases = vm_cases,
};
kunit_test_suite(vm_suite);
