// SPDX-License-Identifier: GPL-2.0
/*
 * accel_kvm.c: the KVM accelerator (vmctl run --accel kvm), vm.c's twin on
 * /dev/kvm.  It exists for comparison: the same kernel, initramfs, loader,
 * ACPI tables and userspace devices run under the host's KVM, so boot
 * times and exit counts can be set next to minivmm's.
 *
 * The VM is built as Documentation/virt/kvm/api.rst orders it: system fd
 * (API version 12), VM fd, the TSS address (needed on Intel, 3 pages in
 * the [3 GiB, 4 GiB) hole where no RAM is), the two memory slots of vm.c,
 * KVM's irqchip (before any vCPU), the vCPU with its CPUID, the run page.
 * KVM's irqchip is a PIC, an I/O APIC and local APICs: its PIC takes ports
 * 0x20/0xa0/0x4d0 in the kernel, so vmctl's register model of it is not
 * reached.  There is no PIT, as under minivmm: its ports still come to
 * devices/legacy.c.
 *
 * The guest's CPUID is KVM's supported table through kvm_cpuid_filter()
 * (kvm_abi.c): no paravirtual leaves, hence no kvmclock, and the TSC's rate
 * is given on the command line (tsc_early_khz=, from KVM_GET_TSC_KHZ), as
 * KVM has no leaf 0x15 to give.
 *
 * Each function returns 0 or -errno with vm->failed_op naming the step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "vmctl.h"
#include "run.h"

#define KVM_DEV_PATH		"/dev/kvm"
#define KVM_OP_OPEN		"open " KVM_DEV_PATH
#define KVM_OP_CREATE_VM	"KVM_CREATE_VM"
/* api.rst, KVM_GET_API_VERSION: "applications should refuse to run if
 * KVM_GET_API_VERSION returns a value other than 12". */
#define KVM_API_VERSION_WANTED	12
/* Where QEMU puts it too: three pages just below the BIOS, in the hole. */
#define KVM_TSS_ADDR		0xfffbd000UL
/* Ample for any CPU KVM knows; -E2BIG doubles it. */
#define KVM_CPUID_NENT		256
#define KVM_CPUID_NENT_MAX	4096
/* A vCPU's stats file is a few KiB. */
#define KVM_STATS_MAX_SIZE	(1 << 20)

static int kvm_set_slot(struct vm *vm, uint32_t slot, uint64_t gpa,
			uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return vm_ioctl(vm, vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r,
			 "KVM_SET_USER_MEMORY_REGION");
}

/* The supported table, filtered (kvm_abi.c), as the vCPU's CPUID. */
static int kvm_set_cpuid(struct vm *vm)
{
	struct kvm_cpuid2 *c = NULL;
	uint32_t nent = KVM_CPUID_NENT;
	bool deadline = false;
	int ret;

	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		ret = vm_ioctl(vm, vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c,
				"KVM_GET_SUPPORTED_CPUID");
		if (ret != -E2BIG || nent >= KVM_CPUID_NENT_MAX)
			break;
		nent *= 2;
	}
	if (ret < 0)
		goto out;
	/* The deadline timer is the in-kernel local APIC's. */
	if (vm->irqchip)
		deadline = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION,
				 KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	kvm_cpuid_filter(c, deadline);
	ret = vm_ioctl(vm, vm->vcpu_fd, KVM_SET_CPUID2, c, "KVM_SET_CPUID2");
out:
	free(c);
	return ret < 0 ? ret : 0;
}

/* Build the VM on vm->mem (accel.c maps it and undoes this on failure). */
static int kvm_create(struct vm *vm, bool irqchip)
{
	struct guest_mem *m = &vm->mem;
	struct kvm_run *run;
	int ret;

	ret = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		vm->failed_op = KVM_OP_OPEN;
		return -errno;
	}
	vm->sys_fd = ret;
	ret = vm_ioctl(vm, vm->sys_fd, KVM_GET_API_VERSION, NULL,
			"KVM_GET_API_VERSION");
	if (ret < 0)
		return ret;
	if (ret != KVM_API_VERSION_WANTED) {
		vm->failed_op = "KVM_GET_API_VERSION (not 12)";
		return -EPROTO;
	}

	ret = vm_ioctl(vm, vm->sys_fd, KVM_CREATE_VM, (void *)0,
			KVM_OP_CREATE_VM);
	if (ret < 0)
		return ret;
	vm->vm_fd = ret;
	ret = vm_ioctl(vm, vm->vm_fd, KVM_SET_TSS_ADDR, (void *)KVM_TSS_ADDR,
			"KVM_SET_TSS_ADDR");
	if (ret < 0)
		return ret;

	ret = kvm_set_slot(vm, 0, 0, m->low_size, m->host);
	if (!ret && m->size > m->low_size)
		ret = kvm_set_slot(vm, 1, GMEM_HIGH_START,
				   m->size - m->low_size,
				   m->host + m->low_size);
	if (ret)
		return ret;

	if (irqchip) {
		ret = vm_ioctl(vm, vm->vm_fd, KVM_CREATE_IRQCHIP, NULL,
				"KVM_CREATE_IRQCHIP");
		if (ret < 0)
			return ret;
		vm->irqchip = true;
	}

	ret = vm_ioctl(vm, vm->vm_fd, KVM_CREATE_VCPU, (void *)0,
			"KVM_CREATE_VCPU");
	if (ret < 0)
		return ret;
	vm->vcpu_fd = ret;
	ret = kvm_set_cpuid(vm);
	if (ret)
		return ret;

	/* A system ioctl on KVM (minivmm has it on the VM fd). */
	ret = vm_ioctl(vm, vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, NULL,
			"KVM_GET_VCPU_MMAP_SIZE");
	if (ret < 0)
		return ret;
	if ((size_t)ret < sizeof(struct kvm_run)) {
		vm->failed_op = "KVM_GET_VCPU_MMAP_SIZE";
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

/* Undo kvm_create(), in reverse; safe on a partly built VM. */
static void kvm_destroy(struct vm *vm)
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

static int kvm_get_regs(struct vm *vm, struct minivmm_regs *regs,
			struct minivmm_sregs *sregs)
{
	struct kvm_sregs ks;
	struct kvm_regs kr;
	int ret;

	ret = vm_ioctl(vm, vm->vcpu_fd, KVM_GET_REGS, &kr, "KVM_GET_REGS");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vcpu_fd, KVM_GET_SREGS, &ks, "KVM_GET_SREGS");
	if (ret < 0)
		return ret;
	kvm_regs_to_mvm(regs, &kr);
	kvm_sregs_to_mvm(sregs, &ks);
	return 0;
}

static int kvm_set_regs(struct vm *vm, const struct minivmm_regs *regs,
			const struct minivmm_sregs *sregs)
{
	struct kvm_sregs ks;
	struct kvm_regs kr;
	int ret;

	kvm_sregs_from_mvm(&ks, sregs);
	kvm_regs_from_mvm(&kr, regs);
	ret = vm_ioctl(vm, vm->vcpu_fd, KVM_SET_SREGS, &ks, "KVM_SET_SREGS");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vcpu_fd, KVM_SET_REGS, &kr, "KVM_SET_REGS");
	return ret < 0 ? ret : 0;
}

static int kvm_run_vcpu(struct vm *vm, struct vm_exit *exit)
{
	if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
		vm->failed_op = "KVM_RUN";
		return -errno;
	}
	kvm_exit_from_run(vm->run, exit);
	return 0;
}

/* One I/O APIC (and PIC) input; a failure is said once, as in vm.c. */
static void kvm_irq_line(struct vm *vm, unsigned int gsi, bool level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };
	static bool said;

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0 && !said) {
		said = true;
		pr_warn("KVM_IRQ_LINE for GSI %u: %s; the guest may miss interrupts",
			gsi, strerror(errno));
	}
}

/*
 * KVM's guest clock: never Intel's leaf 0x15 (the supported table has
 * none), so the rate always goes on the command line; it is the vCPU's TSC
 * rate, which KVM knows from the host's calibration.
 */
static int kvm_guest_clock(struct vm *vm, bool *intel, uint32_t *tsc_khz)
{
	int ret;

	*intel = false;
	*tsc_khz = 0;
	ret = vm_ioctl(vm, vm->vcpu_fd, KVM_GET_TSC_KHZ, NULL,
			"KVM_GET_TSC_KHZ");
	if (ret < 0)
		return ret;
	if (!ret) {
		vm->failed_op = "KVM_GET_TSC_KHZ";
		return -EIO;
	}
	*tsc_khz = ret;
	return 0;
}

/* The vCPU's binary stats file, read whole into a malloc()ed buffer. */
static int kvm_read_stats(int fd, uint8_t **buf, size_t *len)
{
	size_t size = 0, n = 0;
	uint8_t *b = NULL, *nb;
	ssize_t r;

	for (;;) {
		if (n == size) {
			nb = size < KVM_STATS_MAX_SIZE ?
			     realloc(b, size ? 2 * size : 16384) : NULL;
			if (!nb) {
				free(b);
				return size < KVM_STATS_MAX_SIZE ? -ENOMEM : -EFBIG;
			}
			b = nb;
			size = size ? 2 * size : 16384;
		}
		r = pread(fd, b + n, size - n, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return -errno;
		}
		if (!r)
			break;
		n += r;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int kvm_exit_stats(struct vm *vm, struct vm_exit_stats *st)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, ret;

	fd = vm_ioctl(vm, vm->vcpu_fd, KVM_GET_STATS_FD, NULL,
		       "KVM_GET_STATS_FD");
	if (fd < 0)
		return fd;
	ret = kvm_read_stats(fd, &buf, &len);
	close(fd);
	if (ret) {
		vm->failed_op = "read of the KVM stats file";
		return ret;
	}
	ret = kvm_stats_parse(buf, len, st);
	free(buf);
	if (ret)
		vm->failed_op = "the KVM stats file";
	return ret;
}

/* Why a KVM step failed, and the fix where there is a usual one. */
static void kvm_explain(int err, const char *op)
{
	pr_err("%s: %s", op, strerror(err));
	if (!strcmp(op, KVM_OP_OPEN) && err == ENOENT)
		pr_err("fix: load kvm_intel or kvm_amd (modprobe kvm_amd); KVM needs VMX or SVM, enabled in the firmware");
	else if (!strcmp(op, KVM_OP_OPEN) && err == EACCES)
		pr_err("fix: give this user read-write access to %s (usually the kvm group)",
		       KVM_DEV_PATH);
	else if (!strcmp(op, KVM_OP_CREATE_VM) && err == EBUSY)
		pr_err("note: another hypervisor holds VMX/SVM (minivmm while it has a VM, VirtualBox); end its VMs first");
}

const struct vm_accel vm_accel_kvm = {
	.name		= "kvm",
	.display	= "KVM",
	.source		= "KVM",
	.create		= kvm_create,
	.destroy	= kvm_destroy,
	.get_regs	= kvm_get_regs,
	.set_regs	= kvm_set_regs,
	.run		= kvm_run_vcpu,
	.irq_line	= kvm_irq_line,
	.guest_clock	= kvm_guest_clock,
	.exit_stats	= kvm_exit_stats,
	.explain	= kvm_explain,
};
