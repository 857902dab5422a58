// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_run.c: "vmctl run", which boots a guest image in a new VM and
 * services its I/O until the guest ends.
 *
 * The steps, each in its own file: parse the command line (run_opts.c),
 * read the image and modules (here, before any VM exists), build the VM
 * on the accelerator --accel names (accel.c: vm.c for /dev/minivmm, the
 * default, accel_kvm.c for the host's KVM; every format runs on both), load the image with the loader its format calls for
 * (boot/flat.c, boot/elf.c, boot/multiboot.c, boot/linux.c), set the
 * registers, and run (vcpu_loop.c) with the devices of ioport.c, stdin
 * feeding the UART for as long as the guest runs (term.c).
 *
 * The format is decided in this order (boot/image.c): --flat ADDR forces
 * a flat binary; otherwise a Multiboot header in the first 8192 bytes makes
 * it a Multiboot kernel (as GRUB's "multiboot" command would); then a
 * bzImage (boot_flag and "HdrS"), a vmlinux (an ELF64 with a "Linux" note),
 * and otherwise it must be a 64-bit ELF.  The image's headers are checked
 * there, and a Linux kernel against --mem, its initrd and its command line
 * here (linux_check()), so that an image that cannot boot is refused
 * before /dev/minivmm is opened.  --module is for Multiboot only, --initrd
 * and --no-default-cmdline for Linux only, --cmdline for both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vmctl.h"
#include "run.h"

struct run_images {
	struct run_file img;
	struct run_file mods[RUN_MAX_MODULES];
	unsigned int nr_mods;
	struct run_file initrd;		/* Linux: data NULL when none */
	char *cmdline;			/* Linux: the whole command line */
	enum run_format format;
};

static void run_free_images(struct run_images *im)
{
	unsigned int i;

	for (i = 0; i < im->nr_mods; i++)
		run_free_file(&im->mods[i]);
	run_free_file(&im->initrd);
	run_free_file(&im->img);
	free(im->cmdline);
}

/*
 * A Linux kernel: read the initrd, make the command line (the default,
 * then --cmdline, as kvmtool appends its -p), and check that it can boot
 * with this much RAM.  Returns a VMCTL_EXIT_* status, having said why not.
 */
static int run_read_linux(const struct run_opts *o, struct run_images *im)
{
	char err[512];
	int ret;

	if (o->initrd) {
		struct stat st;

		/* Refused before it is read: it could be bigger than our RAM. */
		if (!stat(o->initrd, &st) && (uint64_t)st.st_size >= o->mem_size) {
			pr_err("cannot load %s as a Linux kernel: the initrd %s (%llu MiB) is larger than the guest's RAM (%llu MiB); give a larger --mem",
			       o->image, o->initrd,
			       (unsigned long long)st.st_size / MiB,
			       (unsigned long long)o->mem_size / MiB);
			return VMCTL_EXIT_ERROR;
		}
		ret = run_read_file(o->initrd, &im->initrd);
		if (ret) {
			pr_err("cannot read initrd %s: %s", o->initrd,
			       strerror(-ret));
			return VMCTL_EXIT_ERROR;
		}
	}
	/* Checked with the longest clock option vm_guest_clock() may add. */
	im->cmdline = linux_cmdline(o->cmdline, o->no_default_cmdline,
				    LINUX_CMDLINE_CLOCK_MAX);
	if (!im->cmdline) {
		pr_err("cannot make the command line: %s", strerror(ENOMEM));
		return VMCTL_EXIT_ERROR;
	}
	ret = linux_check(&im->img, o->mem_size,
			  o->initrd ? &im->initrd : NULL, im->cmdline, err,
			  sizeof(err));
	if (ret) {
		pr_err("cannot load %s as a Linux kernel: %s", o->image, err);
		return VMCTL_EXIT_ERROR;
	}
	return VMCTL_EXIT_OK;
}

/*
 * Read the image and modules and decide the image's format, before any VM
 * exists: a wrong file is the user's to fix, not the module's.  Returns a
 * VMCTL_EXIT_* status, having said what is wrong.
 */
static int run_read_images(const char *cmd, const struct run_opts *o,
			   struct run_images *im)
{
	char why[256];
	int ret;

	memset(im, 0, sizeof(*im));
	ret = run_read_file(o->image, &im->img);
	if (ret) {
		pr_err("cannot read %s: %s", o->image, strerror(-ret));
		return VMCTL_EXIT_ERROR;
	}
	for (; im->nr_mods < o->nr_modules; im->nr_mods++) {
		ret = run_read_file(o->modules[im->nr_mods],
				    &im->mods[im->nr_mods]);
		if (ret) {
			pr_err("cannot read module %s: %s",
			       o->modules[im->nr_mods], strerror(-ret));
			return VMCTL_EXIT_ERROR;
		}
	}

	ret = image_check(&im->img, o->flat, &im->format, why, sizeof(why));
	if (im->format == RUN_UNKNOWN && ret) {
		pr_err("cannot load %s: %s", o->image, why);
		return VMCTL_EXIT_ERROR;
	}

	/* An option the format has no use for is a usage error first. */
	switch (im->format) {
	case RUN_MULTIBOOT:
		if (o->initrd || o->no_default_cmdline)
			return vmctl_usage_error(cmd, "--initrd and --no-default-cmdline are for Linux kernels; %s is a Multiboot kernel (give it --module)",
						 o->image);
		break;
	case RUN_LINUX:
		if (o->nr_modules)
			return vmctl_usage_error(cmd, "--module is for Multiboot kernels; %s is a Linux kernel (give it --initrd)",
						 o->image);
		break;
	case RUN_ELF64:
		if (o->cmdline || o->nr_modules || o->initrd ||
		    o->no_default_cmdline)
			return vmctl_usage_error(cmd, "--cmdline, --module, --initrd and --no-default-cmdline are for Multiboot or Linux kernels; %s is a 64-bit ELF",
						 o->image);
		break;
	default:
		break;
	}

	if (ret) {
		pr_err("cannot load %s as a %s: %s", o->image,
		       run_format_name(im->format), why);
		return VMCTL_EXIT_ERROR;
	}
	if (im->format == RUN_LINUX)
		return run_read_linux(o, im);
	return VMCTL_EXIT_OK;
}

/*
 * A Linux kernel gets a PC: the ACPI tables that describe it, and the
 * command line with the TSC's rate where the guest's CPUID cannot give it
 * (a non-Intel vendor).
 */
static int run_load_linux(struct vm *vm, const struct run_opts *o,
			  struct run_images *im, struct boot_state *bs)
{
	uint64_t rsdp;
	uint32_t khz;
	bool intel;
	int ret;

	ret = acpi_build(&vm->mem, o->cpus, &rsdp);
	if (ret)
		return ret;
	ret = vm_guest_clock(vm, &intel, &khz);
	if (ret)
		return ret;
	free(im->cmdline);
	im->cmdline = linux_cmdline(o->cmdline, o->no_default_cmdline,
				    intel ? 0 : khz);
	if (!im->cmdline)
		return -ENOMEM;
	return load_linux(&vm->mem, &im->img, o->initrd ? &im->initrd : NULL,
			  im->cmdline, rsdp, bs);
}

static int run_load(struct vm *vm, const struct run_opts *o,
		    struct run_images *im, struct boot_state *bs)
{
	switch (im->format) {
	case RUN_FLAT:
		return load_flat(&vm->mem, &im->img, o->flat_addr, bs);
	case RUN_MULTIBOOT:
		return load_multiboot(&vm->mem, &im->img, o->cmdline,
				      im->mods, im->nr_mods, bs);
	case RUN_ELF64:
		return load_elf64(&vm->mem, &im->img, bs);
	case RUN_LINUX:
		return run_load_linux(vm, o, im, bs);
	case RUN_UNKNOWN:
		break;
	}
	return -EINVAL;
}

/*
 * --trace-boot: when the guest reached each milestone the UART sees,
 * counted from vmctl's start (so the time to read the images and build
 * the VM is in the figures, as a user waiting for a prompt would count).
 */
static struct timespec run_start;

static double run_elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - run_start.tv_sec) +
	       (now.tv_nsec - run_start.tv_nsec) / 1e9;
}

static void run_boot_event(void *opaque, enum uart_event ev)
{
	(void)opaque;
	switch (ev) {
	case UART_EVENT_OUTPUT:
		pr_err("boot: %.3f s: first console output", run_elapsed());
		break;
	case UART_EVENT_RX_ON:
		pr_err("boot: %.3f s: console opened for input (Linux: just before /init)",
		       run_elapsed());
		break;
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_images im;
	struct boot_state bs;
	struct run_opts o;
	struct machine mc;
	struct term term;
	char err[256];
	struct vm vm;
	int ret, status;

	clock_gettime(CLOCK_MONOTONIC, &run_start);
	if (run_parse_args(argc, argv, &o, err, sizeof(err)))
		return vmctl_usage_error(argv[0], "%s", err);

	status = run_read_images(argv[0], &o, &im);
	if (status != VMCTL_EXIT_OK)
		goto out_free;

	status = VMCTL_EXIT_ERROR;
	/* A Linux kernel gets the in-kernel APICs; the older formats keep
	 * the bare machine whose HLT ends the run. */
	ret = vm_create(&vm, o.accel == RUN_ACCEL_KVM ? &vm_accel_kvm :
			&vm_accel_minivmm, o.mem_size,
			im.format == RUN_LINUX);
	if (ret) {
		vm_explain(&vm, -ret);
		goto out_free;
	}
	ret = vm_get_boot_state(&vm, &bs);
	if (ret) {
		vm_explain(&vm, -ret);
		goto out_destroy;
	}
	ret = run_load(&vm, &o, &im, &bs);
	if (ret) {
		pr_err("cannot load %s as a %s: %s", o.image,
		       run_format_name(im.format), image_error(im.format, ret));
		goto out_destroy;
	}
	ret = vm_set_boot_state(&vm, &bs);
	if (ret) {
		vm_explain(&vm, -ret);
		goto out_destroy;
	}
	if (o.trace_exits)
		pr_err("starting %s (%s) in %s mode at 0x%llx on %s", o.image,
		       run_format_name(im.format), bs.mode,
		       (unsigned long long)bs.regs.rip, vm.accel->display);

	machine_init(&mc, o.mem_size, o.cpus, STDOUT_FILENO);
	vm_connect_irqs(&vm, &mc);
	if (o.trace_boot) {
		uart_set_event_fn(&mc.uart, run_boot_event, NULL);
		pr_err("boot: %.3f s: the guest starts", run_elapsed());
	}
	/* stdin is the serial input, as with QEMU -nographic; this thread
	 * runs the vCPU.  Without input the guest still runs. */
	ret = term_start(&term, &mc, STDIN_FILENO, pthread_self());
	if (ret)
		pr_warn("the guest gets no input from stdin: %s",
			strerror(-ret));
	status = vcpu_loop(&vm, &mc, o.trace_exits);
	term_stop(&term);
	/* Before vm_destroy(): minivmm forgets a VM's counters with it. */
	if (o.exit_stats)
		vm_exit_stats(&vm, stderr);
	if (o.trace_boot)
		pr_err("boot: %.3f s: the guest ended", run_elapsed());
out_destroy:
	vm_destroy(&vm);
out_free:
	run_free_images(&im);
	return status;
}
