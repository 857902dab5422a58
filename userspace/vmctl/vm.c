// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c: the VM vmctl run drives, built from /dev/minivmm in the order the
 * ABI wants it (Documentation/api.rst): system fd, VM fd, guest memory,
 * vCPU fd, run page.
 *
 * Guest RAM is anonymous private memory mapped with MAP_NORESERVE: a guest
 * given 4 GiB that touches 10 MiB costs 10 MiB, as with any VMM.  It is one
 * mapping; with more than 3 GiB it is split over two slots around the
 * [3 GiB, 4 GiB) hole (guest_mem.c).
 *
 * Each function returns 0 or -errno and names the failed step in
 * vm->failed_op, for cmd_run.c to hand to mvm_explain().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmctl.h"
#include "run.h"

static int vm_ioctl(struct vm *vm, int fd, unsigned long req, void *arg,
		    const char *op)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0) {
		vm->failed_op = op;
		return -errno;
	}
	return ret;
}

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
 * A device's interrupt line (machine_set_irq()): one I/O APIC pin.  It may
 * be called from any thread; the module serialises the I/O APIC itself.
 * A failure cannot be given back to the device, so it is said once.
 */
static void vm_irq_line(void *opaque, unsigned int gsi, bool level)
{
	struct vm *vm = opaque;
	struct minivmm_irq_level l = { .irq = gsi, .level = level };
	static bool said;

	if (ioctl(vm->vm_fd, MINIVMM_IRQ_LINE, &l) < 0 && !said) {
		said = true;
		pr_warn("MINIVMM_IRQ_LINE for GSI %u: %s; the guest may miss interrupts",
			gsi, strerror(errno));
	}
}

void vm_connect_irqs(struct vm *vm, struct machine *mc)
{
	if (!vm->irqchip)
		return;
	mc->irq = vm_irq_line;
	mc->irq_opaque = vm;
}

/*
 * Open /dev/minivmm and build a VM with @mem_size bytes of RAM and one
 * vCPU, with the in-kernel local APIC and I/O APIC when @irqchip (before
 * the vCPU: MINIVMM_CREATE_IRQCHIP refuses a VM that has one).  On
 * failure everything done so far is undone.
 */
int vm_create(struct vm *vm, uint64_t mem_size, bool irqchip)
{
	struct guest_mem *m = &vm->mem;
	void *host;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;

	ret = mvm_open_dev();
	if (ret < 0) {
		vm->failed_op = MVM_OP_OPEN;
		return ret;
	}
	vm->sys_fd = ret;
	ret = vm_ioctl(vm, vm->sys_fd, MINIVMM_GET_API_VERSION, NULL,
		       MVM_OP_GET_API_VERSION);
	if (ret < 0)
		goto err_destroy;
	if (ret != MINIVMM_API_VERSION)
		pr_warn("the module speaks API %d but vmctl was built for API %d; build both from the same tree",
			ret, MINIVMM_API_VERSION);

	ret = mvm_create_vm(vm->sys_fd);
	if (ret < 0) {
		vm->failed_op = MVM_OP_CREATE_VM;
		goto err_destroy;
	}
	vm->vm_fd = ret;

	host = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED) {
		vm->failed_op = "mmap of guest RAM";
		ret = -errno;
		goto err_destroy;
	}
	gmem_init(m, host, mem_size);
	ret = vm_set_slot(vm, 0, 0, m->low_size, m->host);
	if (!ret && m->size > m->low_size)
		ret = vm_set_slot(vm, 1, GMEM_HIGH_START, m->size - m->low_size,
				  m->host + m->low_size);
	if (ret)
		goto err_destroy;

	if (irqchip) {
		ret = vm_ioctl(vm, vm->vm_fd, MINIVMM_CREATE_IRQCHIP, NULL,
			       "MINIVMM_CREATE_IRQCHIP");
		if (ret < 0)
			goto err_destroy;
		vm->irqchip = true;
	}

	ret = vm_ioctl(vm, vm->vm_fd, MINIVMM_CREATE_VCPU, (void *)0,
		       "MINIVMM_CREATE_VCPU");
	if (ret < 0)
		goto err_destroy;
	vm->vcpu_fd = ret;

	ret = vm_ioctl(vm, vm->vm_fd, MINIVMM_GET_VCPU_MMAP_SIZE, NULL,
		       "MINIVMM_GET_VCPU_MMAP_SIZE");
	if (ret < 0)
		goto err_destroy;
	if ((size_t)ret < sizeof(struct minivmm_run)) {
		vm->failed_op = "MINIVMM_GET_VCPU_MMAP_SIZE";
		ret = -EPROTO;
		goto err_destroy;
	}
	vm->run_size = ret;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		vm->failed_op = "mmap of the vCPU run page";
		ret = -errno;
		goto err_destroy;
	}
	return 0;

err_destroy:
	vm_destroy(vm);
	return ret;
}

/*
 * What the guest's CPUID will say of its clock: its vendor, and the TSC
 * rate of leaf 0x40000010 EAX in kHz (0 when the host kernel does not
 * know it).  The guest sees the supported table (vmctl sets no CPUID of
 * its own), so that is the table read here.
 */
int vm_guest_clock(struct vm *vm, bool *intel, uint32_t *tsc_khz)
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

/* Undo vm_create(), in reverse; safe on a partly built VM. */
void vm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->run = NULL;
	vm->mem.host = NULL;
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

/* The vCPU's reset state, for a loader to start from. */
int vm_get_boot_state(struct vm *vm, struct boot_state *bs)
{
	return vm_get_regs(vm, &bs->regs, &bs->sregs);
}

int vm_set_boot_state(struct vm *vm, const struct boot_state *bs)
{
	struct minivmm_sregs sregs = bs->sregs;
	struct minivmm_regs regs = bs->regs;
	int ret;

	ret = vm_ioctl(vm, vm->vcpu_fd, MINIVMM_SET_SREGS, &sregs,
		       "MINIVMM_SET_SREGS");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vcpu_fd, MINIVMM_SET_REGS, &regs,
		       "MINIVMM_SET_REGS");
	return ret < 0 ? ret : 0;
}

int vm_get_regs(struct vm *vm, struct minivmm_regs *regs,
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
