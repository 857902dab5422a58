// SPDX-License-Identifier: GPL-2.0
/*
 * accel.c: the VM as cmd_run.c and vcpu_loop.c see it, whichever
 * accelerator runs it: /dev/minivmm (vm.c) or, for side-by-side figures,
 * the host's own KVM (accel_kvm.c).  Both get the same machine: this file
 * maps guest RAM once for either, the loaders and the ACPI tables fill it,
 * and the devices of ioport.c answer the exits either sends.
 *
 * Guest RAM is anonymous private memory mapped with MAP_NORESERVE: a guest
 * given 4 GiB that touches 10 MiB costs 10 MiB, as with any VMM.  It is one
 * mapping; with more than 3 GiB each accelerator splits it over two slots
 * around the [3 GiB, 4 GiB) hole (guest_mem.c).
 *
 * The accelerator's calls go through vm->accel (struct vm_accel in run.h);
 * nothing here issues an ioctl, so the pure parts (the run page of
 * minivmm read into a struct vm_exit, the --exit-stats report) are tested
 * by tests/accel_test.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmctl.h"
#include "run.h"

/*
 * Build a VM with @mem_size bytes of RAM and one vCPU on @accel, with the
 * in-kernel local APIC and I/O APIC when @irqchip.  On failure everything
 * done so far is undone and vm->failed_op names the step.
 */
int vm_create(struct vm *vm, const struct vm_accel *accel, uint64_t mem_size,
	      bool irqchip)
{
	void *host;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->accel = accel;
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;

	host = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED) {
		vm->failed_op = "mmap of guest RAM";
		return -errno;
	}
	gmem_init(&vm->mem, host, mem_size);
	ret = accel->create(vm, irqchip);
	if (ret)
		vm_destroy(vm);
	return ret;
}

/* Undo vm_create(); the VM is gone before its RAM is unmapped. */
void vm_destroy(struct vm *vm)
{
	if (vm->accel)
		vm->accel->destroy(vm);
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	vm->mem.host = NULL;
	vm->run = NULL;
	vm->immediate_exit = NULL;
}

/* Why the last step failed (vm->failed_op), in the accelerator's terms. */
void vm_explain(const struct vm *vm, int err)
{
	vm->accel->explain(err, vm->failed_op ? vm->failed_op : "?");
}

/*
 * A device's interrupt line (machine_set_irq()): one I/O APIC pin.  It may
 * be called from any thread; the kernel serialises the I/O APIC itself.
 */
static void vm_irq_line(void *opaque, unsigned int gsi, bool level)
{
	struct vm *vm = opaque;

	vm->accel->irq_line(vm, gsi, level);
}

void vm_connect_irqs(struct vm *vm, struct machine *mc)
{
	if (!vm->irqchip)
		return;
	mc->irq = vm_irq_line;
	mc->irq_opaque = vm;
}

/*
 * What the guest's CPUID says of its clock: whether its vendor is Intel
 * (Linux then reads the TSC rate from leaf 0x15) and the TSC rate in kHz
 * for tsc_early_khz= otherwise (0: unknown).
 */
int vm_guest_clock(struct vm *vm, bool *intel, uint32_t *tsc_khz)
{
	return vm->accel->guest_clock(vm, intel, tsc_khz);
}

/* The vCPU's reset state, for a loader to start from. */
int vm_get_boot_state(struct vm *vm, struct boot_state *bs)
{
	return vm_get_regs(vm, &bs->regs, &bs->sregs);
}

int vm_set_boot_state(struct vm *vm, const struct boot_state *bs)
{
	return vm->accel->set_regs(vm, &bs->regs, &bs->sregs);
}

int vm_get_regs(struct vm *vm, struct minivmm_regs *regs,
		struct minivmm_sregs *sregs)
{
	return vm->accel->get_regs(vm, regs, sregs);
}

int vm_run(struct vm *vm, struct vm_exit *exit)
{
	return vm->accel->run(vm, exit);
}

/*
 * An ioctl of either accelerator: its result, or -errno with @op kept as
 * what failed (vm_explain() and the accelerators' messages name it).
 */
int vm_ioctl(struct vm *vm, int fd, unsigned long req, void *arg,
	     const char *op)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0) {
		vm->failed_op = op;
		return -errno;
	}
	return ret;
}

/*
 * minivmm's run page as a struct vm_exit.  Each field is read once (the
 * page is shared with the kernel); nothing is checked here: vcpu_loop.c
 * checks what it uses, for both accelerators alike.
 */
void vm_exit_from_mvm_run(struct minivmm_run *run, struct vm_exit *exit)
{
	uint32_t reason = __atomic_load_n(&run->exit_reason, __ATOMIC_RELAXED);

	memset(exit, 0, sizeof(*exit));
	exit->reason = reason;
	switch (reason) {
	case MINIVMM_EXIT_IO:
		exit->kind = VM_EXIT_IO;
		exit->io.out = run->io.direction == MINIVMM_EXIT_IO_OUT;
		exit->io.size = run->io.size;
		exit->io.port = run->io.port;
		exit->io.count = run->io.count;
		exit->io.data_offset = run->io.data_offset;
		break;
	case MINIVMM_EXIT_MMIO:
		exit->kind = VM_EXIT_MMIO;
		exit->mmio.addr = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len;
		exit->mmio.write = run->mmio.is_write;
		exit->mmio.data = run->mmio.data;
		break;
	case MINIVMM_EXIT_HLT:
		exit->kind = VM_EXIT_HLT;
		break;
	case MINIVMM_EXIT_SHUTDOWN:
		exit->kind = VM_EXIT_SHUTDOWN;
		break;
	case MINIVMM_EXIT_FAIL_ENTRY:
		exit->kind = VM_EXIT_FAIL_ENTRY;
		exit->fail_entry.reason =
			run->fail_entry.hardware_entry_failure_reason;
		exit->fail_entry.cpu = run->fail_entry.cpu;
		break;
	case MINIVMM_EXIT_INTERNAL_ERROR:
		exit->kind = VM_EXIT_INTERNAL_ERROR;
		exit->internal.suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata;
		memcpy(exit->internal.data, run->internal.data,
		       sizeof(exit->internal.data));
		break;
	case MINIVMM_EXIT_INTR:
		exit->kind = VM_EXIT_INTR;
		break;
	default:
		exit->kind = VM_EXIT_UNKNOWN;
		exit->unknown.hardware_reason = run->hw.hardware_exit_reason;
		break;
	}
}

/* Append one kind; -ENOSPC when the table is full. */
int vm_exit_stats_add(struct vm_exit_stats *st, const char *kind,
		      uint64_t count)
{
	if (st->nr == VM_EXIT_STATS_MAX)
		return -ENOSPC;
	snprintf(st->kinds[st->nr].kind, sizeof(st->kinds[0].kind), "%s",
		 kind);
	st->kinds[st->nr].count = count;
	st->nr++;
	return 0;
}

/*
 * One line per kind, "exits: KIND COUNT", then "exits: total N": the format
 * scripts read, the same for both accelerators (the kinds are each one's
 * own: minivmm's netlink names, KVM's stats names without "_exits").
 */
void vm_exit_stats_print(const struct vm_exit_stats *st, FILE *out)
{
	unsigned int i;

	for (i = 0; i < st->nr; i++)
		fprintf(out, "exits: %s %llu\n", st->kinds[i].kind,
			(unsigned long long)st->kinds[i].count);
	fprintf(out, "exits: total %llu\n", (unsigned long long)st->total);
	fflush(out);
}

/*
 * --exit-stats: the guest's exits by kind on @out, read before the VM is
 * destroyed.  When the accelerator cannot give them, say so and return
 * its -errno.
 */
int vm_exit_stats(struct vm *vm, FILE *out)
{
	struct vm_exit_stats st;
	int ret;

	memset(&st, 0, sizeof(st));
	ret = vm->accel->exit_stats(vm, &st);
	if (ret) {
		pr_warn("exit statistics not available: %s: %s",
			vm->failed_op ? vm->failed_op : vm->accel->display,
			strerror(-ret));
		return ret;
	}
	vm_exit_stats_print(&st, out);
	return 0;
}
