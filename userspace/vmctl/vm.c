// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c: the minivmm accelerator (struct vm_accel, run.h): the VM vmctl run
 * drives, built from /dev/minivmm in the order the ABI wants it
 * (Documentation/api.rst): system fd, VM fd, guest memory (mapped by
 * accel.c), irqchip, vCPU fd, run page.  accel_kvm.c is its twin on
 * /dev/kvm.
 *
 * Each function returns 0 or -errno and names the failed step in
 * vm->failed_op, for cmd_run.c to hand to mvm_explain().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmctl.h"
#include "nl.h"
#include "run.h"

static int vm_set_slot(struct vm *vm, uint32_t slot, uint64_t gpa,
		       uint64_t size, void *host)
{
	struct minivmm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return vm_ioctl(vm, vm->vm_fd, MINIVMM_SET_USER_MEMORY_REGION, &r,
			"MINIVMM_SET_USER_MEMORY_REGION");
}

/*
 * A device's interrupt line: one I/O APIC pin (accel.c's vm_irq_line()).
 * A failure cannot be given back to the device, so it is said once.
 */
static void mvm_irq_line(struct vm *vm, unsigned int gsi, bool level)
{
	struct minivmm_irq_level l = { .irq = gsi, .level = level };
	static bool said;

	if (ioctl(vm->vm_fd, MINIVMM_IRQ_LINE, &l) < 0 && !said) {
		said = true;
		pr_warn("MINIVMM_IRQ_LINE for GSI %u: %s; the guest may miss interrupts",
			gsi, strerror(errno));
	}
}

/*
 * Open /dev/minivmm and build a VM on vm->mem with one vCPU, with the
 * in-kernel local APIC and I/O APIC when @irqchip (before the vCPU:
 * MINIVMM_CREATE_IRQCHIP refuses a VM that has one).  accel.c's
 * vm_create() undoes what was done on failure.
 */
static int mvm_create(struct vm *vm, bool irqchip)
{
	struct guest_mem *m = &vm->mem;
	struct minivmm_run *run;
	int ret;

	ret = mvm_open_dev();
	if (ret < 0) {
		vm->failed_op = MVM_OP_OPEN;
		return ret;
	}
	vm->sys_fd = ret;
	ret = vm_ioctl(vm, vm->sys_fd, MINIVMM_GET_API_VERSION, NULL,
		       MVM_OP_GET_API_VERSION);
	if (ret < 0)
		return ret;
	if (ret != MINIVMM_API_VERSION)
		pr_warn("the module speaks API %d but vmctl was built for API %d; build both from the same tree",
			ret, MINIVMM_API_VERSION);

	ret = mvm_create_vm(vm->sys_fd);
	if (ret < 0) {
		vm->failed_op = MVM_OP_CREATE_VM;
		return ret;
	}
	vm->vm_fd = ret;

	ret = vm_set_slot(vm, 0, 0, m->low_size, m->host);
	if (!ret && m->size > m->low_size)
		ret = vm_set_slot(vm, 1, GMEM_HIGH_START, m->size - m->low_size,
				  m->host + m->low_size);
	if (ret)
		return ret;

	if (irqchip) {
		ret = vm_ioctl(vm, vm->vm_fd, MINIVMM_CREATE_IRQCHIP, NULL,
			       "MINIVMM_CREATE_IRQCHIP");
		if (ret < 0)
			return ret;
		vm->irqchip = true;
	}

	ret = vm_ioctl(vm, vm->vm_fd, MINIVMM_CREATE_VCPU, (void *)0,
		       "MINIVMM_CREATE_VCPU");
	if (ret < 0)
		return ret;
	vm->vcpu_fd = ret;

	ret = vm_ioctl(vm, vm->vm_fd, MINIVMM_GET_VCPU_MMAP_SIZE, NULL,
		       "MINIVMM_GET_VCPU_MMAP_SIZE");
	if (ret < 0)
		return ret;
	if ((size_t)ret < sizeof(struct minivmm_run)) {
		vm->failed_op = "MINIVMM_GET_VCPU_MMAP_SIZE";
		return -EPROTO;
	}
	vm->run_size = ret;
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vm->vcpu_fd, 0);
	if (run == MAP_FAILED) {
		vm->failed_op = "mmap of the vCPU run page";
		return -errno;
	}
	vm->run = run;
	vm->immediate_exit = &run->immediate_exit;
	return 0;
}

/*
 * What the guest's CPUID will say of its clock: its vendor, and the TSC
 * rate of leaf 0x40000010 EAX in kHz (0 when the host kernel does not
 * know it).  The guest sees the supported table (vmctl sets no CPUID of
 * its own), so that is the table read here.
 */
static int mvm_guest_clock(struct vm *vm, bool *intel, uint32_t *tsc_khz)
{
	struct minivmm_cpuid2 *c;
	uint32_t i, nent = MINIVMM_MAX_CPUID_ENTRIES;
	int ret;

	*intel = false;
	*tsc_khz = 0;
	c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = nent;
	ret = vm_ioctl(vm, vm->sys_fd, MINIVMM_GET_SUPPORTED_CPUID, c,
		       "MINIVMM_GET_SUPPORTED_CPUID");
	for (i = 0; ret >= 0 && i < c->nent && i < nent; i++) {
		const struct minivmm_cpuid_entry2 *e = &c->entries[i];

		/* "GenuineIntel" in EBX, EDX, ECX. */
		if (e->function == 0)
			*intel = e->ebx == 0x756e6547 && e->edx == 0x49656e69 &&
				 e->ecx == 0x6c65746e;
		else if (e->function == 0x40000010)
			*tsc_khz = e->eax;
	}
	free(c);
	return ret < 0 ? ret : 0;
}

/* Undo mvm_create(), in reverse; safe on a partly built VM. */
static void mvm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->run = NULL;
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

static int mvm_set_regs(struct vm *vm, const struct minivmm_regs *regs,
			const struct minivmm_sregs *sregs)
{
	struct minivmm_sregs s = *sregs;
	struct minivmm_regs r = *regs;
	int ret;

	ret = vm_ioctl(vm, vm->vcpu_fd, MINIVMM_SET_SREGS, &s,
		       "MINIVMM_SET_SREGS");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vcpu_fd, MINIVMM_SET_REGS, &r,
		       "MINIVMM_SET_REGS");
	return ret < 0 ? ret : 0;
}

static int mvm_get_regs(struct vm *vm, struct minivmm_regs *regs,
			struct minivmm_sregs *sregs)
{
	int ret;

	ret = vm_ioctl(vm, vm->vcpu_fd, MINIVMM_GET_REGS, regs,
		       "MINIVMM_GET_REGS");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vcpu_fd, MINIVMM_GET_SREGS, sregs,
		       "MINIVMM_GET_SREGS");
	return ret < 0 ? ret : 0;
}

static int mvm_run(struct vm *vm, struct vm_exit *exit)
{
	if (ioctl(vm->vcpu_fd, MINIVMM_RUN, 0) < 0) {
		vm->failed_op = "MINIVMM_RUN";
		return -errno;
	}
	vm_exit_from_mvm_run(vm->run, exit);
	return 0;
}

/*
 * This VM's exits by kind, from the netlink family (what "vmctl stats"
 * prints): the VM is the one this process created, the only one it has.
 */
static int mvm_exit_stats(struct vm *vm, struct vm_exit_stats *out)
{
	struct vmctl_vm_info *vms = NULL;
	struct vmctl_stats st;
	struct vmctl_nl nl;
	uint32_t id = 0;
	unsigned int i;
	size_t n = 0, j, found = 0;
	int ret;

	vm->failed_op = MVM_OP_GENL;
	ret = vmctl_nl_open(&nl);
	if (ret)
		return ret;
	ret = vmctl_nl_list(&nl, &vms, &n);
	for (j = 0; !ret && j < n; j++) {
		if (vms[j].pid != (uint32_t)getpid())
			continue;
		id = vms[j].id;
		found++;
	}
	free(vms);
	if (!ret && found != 1)
		ret = -ESRCH;
	if (!ret)
		ret = vmctl_nl_stats(&nl, id, -1, &st);
	vmctl_nl_close(&nl);
	if (ret)
		return ret;
	for (i = 0; i <= MINIVMM_A_EXIT_KIND_MAX; i++)
		if (vmctl_exit_kind_name(i))
			vm_exit_stats_add(out, vmctl_exit_kind_name(i),
					  st.kind[i]);
	out->total = st.exits;
	return 0;
}

const struct vm_accel vm_accel_minivmm = {
	.name		= "minivmm",
	.display	= "minivmm",
	.source		= "the module",
	.create		= mvm_create,
	.destroy	= mvm_destroy,
	.get_regs	= mvm_get_regs,
	.set_regs	= mvm_set_regs,
	.run		= mvm_run,
	.irq_line	= mvm_irq_line,
	.guest_clock	= mvm_guest_clock,
	.exit_stats	= mvm_exit_stats,
	.explain	= mvm_explain,
};
