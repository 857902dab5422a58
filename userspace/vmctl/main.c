// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: vmctl's entry point and its command table.
 *
 * Each command lives in its own file and is listed once below; help, the
 * usage lines and "vmctl CMD --help" all come from this table, so a new
 * command needs one line here and its cmd_*.c file.  This is the only file
 * that decides vmctl's exit status.
 */
#include <string.h>

#include "vmctl.h"
#include "nl.h"

const struct vmctl_cmd vmctl_cmds[] = {
	{ "info", cmd_info, "vmctl info",
	  "Show what minivmm offers here and check that a VM can be created.\n"
	  "\n"
	  "Prints the module's API version, its backend (Intel VMX or AMD SVM)\n"
	  "and capabilities, the CPUs on which it has hardware virtualization\n"
	  "turned on, then creates and closes a VM.  When something is missing\n"
	  "(the module, the device node, permission, the CPU feature or, inside\n"
	  "a VM, nested virtualization, or the hardware is held by another\n"
	  "hypervisor) it says why and how to fix it; list, stats, top, events\n"
	  "and run say the same.\n"
	  "\n"
	  "Exit status: 0 when a VM could be created, 1 otherwise." },
	{ "run", cmd_run, "vmctl run [--accel minivmm|kvm] [--mem SIZE] [--cpus 1] [--cmdline STR] [--no-default-cmdline] [--initrd FILE] [--module FILE]... [--trace-exits] [--trace-boot] [--exit-stats] [--flat ADDR] IMAGE",
	  "Boot a guest image in a new VM, its serial console on stdout/stdin.\n"
	  "\n"
	  "IMAGE is a Multiboot (v1) kernel, booted as GRUB boots it, a Linux\n"
	  "bzImage or vmlinux, started by the 64-bit boot protocol, a 64-bit\n"
	  "ELF, started in long mode on identity-mapped page tables, or, with\n"
	  "--flat ADDR, a flat binary copied to ADDR and started in real mode.\n"
	  "\n"
	  "  --mem SIZE      guest RAM, 1M to 256G, with a K, M, G or T suffix\n"
	  "                  (default 128M)\n"
	  "  --cpus N        vCPUs; only 1 for now\n"
	  "  --cmdline STR   Multiboot: the kernel's command line, after its name;\n"
	  "                  Linux: appended to the default command line\n"
	  "                  \"console=ttyS0 reboot=k panic=-1 pci=off tsc=reliable\"\n"
	  "  --no-default-cmdline\n"
	  "                  Linux: --cmdline STR is the whole command line\n"
	  "  --initrd FILE   Linux: load FILE as the initial ramdisk\n"
	  "  --module FILE   Multiboot: load FILE as a boot module (repeatable)\n"
	  "  --trace-exits   log every exit from the guest on stderr\n"
	  "  --trace-boot    say on stderr when the guest starts, first prints,\n"
	  "                  opens its console (Linux: just before /init) and\n"
	  "                  ends, in seconds from vmctl's start\n"
	  "  --exit-stats    at the end, the guest's exits by kind on stderr:\n"
	  "                  \"exits: KIND COUNT\" lines, then \"exits: total N\"\n"
	  "  --accel ACCEL   what runs the guest: minivmm (/dev/minivmm, the\n"
	  "                  default) or kvm (/dev/kvm, the host's KVM, for\n"
	  "                  comparison: the same machine, loader and devices)\n"
	  "  --flat ADDR     IMAGE is a flat binary to start at ADDR (below 1M)\n"
	  "\n"
	  "The guest sees a 16550A UART at 0x3f8 (COM1, IRQ 4), QEMU's debug-exit\n"
	  "port 0xf4 and fw_cfg at 0x510, and PCI config ports with no devices.\n"
	  "\n"
	  "stdin is the UART's input.  A terminal is put in raw mode for the run\n"
	  "(Ctrl-C goes to the guest) and restored after; on it Ctrl-A x quits,\n"
	  "Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends Ctrl-A.  A pipe or file\n"
	  "has no escape: every byte goes to the guest.\n"
	  "\n"
	  "Exit status: (v << 1) | 1 when the guest writes v to port 0xf4; 0 when\n"
	  "it halts or powers off, or on Ctrl-A x; 6 when it resets the machine;\n"
	  "4 when it crashes (triple fault, entry failure, internal error), with\n"
	  "its registers on stderr; 128 + N on signal N; 1 when the VM could not\n"
	  "be set up; 2 for a wrong command line." },
	{ "list", cmd_list, "vmctl list [--json]",
	  "List the VMs on this host.\n"
	  "\n"
	  "Shows each VM's id, the process and user that created it, its vCPUs,\n"
	  "guest memory, state and age, read from the minivmm netlink family.\n"
	  "A user sees the VMs it created; with CAP_NET_ADMIN (root), every VM.\n"
	  "\n"
	  "  --json   one JSON object: {\"vms\": [...]}, fields as in\n"
	  "           Documentation/netlink.rst\n"
	  "\n"
	  "Exit status: 0 on success, 1 when the list could not be read." },
	{ "stats", cmd_stats, "vmctl stats [--vcpu N] [--json] VM",
	  "Show a VM's exit counters, summed over its vCPUs, or one vCPU's.\n"
	  "\n"
	  "Exits in total and by reason, exits to the VMM, halts, injected\n"
	  "events, time in the guest and in the kernel's exit handling, and a\n"
	  "histogram of the time from an exit to the next entry.  VM is the id\n"
	  "'vmctl list' shows.\n"
	  "\n"
	  "  --vcpu N   only vCPU N\n"
	  "  --json     one JSON object\n"
	  "\n"
	  "Exit status: 0 on success, 1 when the VM is not there (or not yours)." },
	{ "top", cmd_top, "vmctl top [--delay SECONDS] [--iterations N] [--json]",
	  "Show the VMs sorted by exits per second, refreshed like top(1).\n"
	  "\n"
	  "  --delay SECONDS   time between refreshes (default 1)\n"
	  "  --iterations N    stop after N refreshes\n"
	  "  --json            one JSON object per refresh and line\n"
	  "\n"
	  "Runs until interrupted.  Exit status: 0 after --iterations, 1 on error." },
	{ "events", cmd_events, "vmctl events [--count N] [--json]",
	  "Print VM events as they happen, until interrupted.\n"
	  "\n"
	  "VM created and destroyed, vCPU shutdown (triple fault), entry failure\n"
	  "and internal error, each with the VM id and its owner's pid and uid.\n"
	  "Needs CAP_NET_ADMIN (root): events name every VM on the host.\n"
	  "\n"
	  "  --count N   stop after N events\n"
	  "  --json      one JSON object per event and line\n"
	  "\n"
	  "Exit status: 0 after --count events, 1 on error." },
	{ "bench", cmd_bench, "vmctl bench [--accel minivmm|kvm|both] [--rounds N] [--iters N] [--irqchip]",
	  "Measure minivmm's exits next to the host's KVM, on one guest.\n"
	  "\n"
	  "Runs a small guest that times, with its own TSC, ITERS operations of\n"
	  "each case: CPUID, RDMSR and WRMSR handled in the kernel; OUT, IN,\n"
	  "MMIO read and write and HLT, each an exit to vmctl and back; the first\n"
	  "touch of a 4 KiB page; and (on the host's clock) a VM built and\n"
	  "destroyed.  Each round runs every case on a fresh VM under each\n"
	  "accelerator, the order alternating; the table gives the median over\n"
	  "the rounds in ns per operation, the spread, and minivmm/kvm.\n"
	  "Documentation/performance.rst says what each case measures.\n"
	  "\n"
	  "  --accel WHICH   minivmm, kvm or both (the default; both need\n"
	  "                  /dev/minivmm and /dev/kvm, e.g. modprobe kvm_intel)\n"
	  "  --rounds N      rounds, 1 to 100 (default 5)\n"
	  "  --iters N       operations per case, 8 to 100000 (default 1000)\n"
	  "  --irqchip       VMs with the in-kernel local APIC and I/O APIC, as\n"
	  "                  a Linux guest runs (then HLT, which would wait in\n"
	  "                  the kernel, is not measured)\n"
	  "\n"
	  "Nothing is judged on speed.  Exit status: 0 when every case ran as\n"
	  "it should under each accelerator; 1 when one could not be set up, or\n"
	  "gave an exit, a count or a value the case does not make (said on\n"
	  "stderr); 2 for a wrong command line." },
	{ "help", cmd_help, "vmctl help [COMMAND]",
	  "Show vmctl's commands, or one command's help." },
	{ "version", cmd_version, "vmctl version",
	  "Show vmctl's version and the minivmm API it was built for." },
};

const size_t vmctl_nr_cmds = ARRAY_SIZE(vmctl_cmds);

const struct vmctl_cmd *vmctl_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < vmctl_nr_cmds; i++)
		if (!strcmp(vmctl_cmds[i].name, name))
			return &vmctl_cmds[i];
	return NULL;
}

/*
 * "--help" anywhere among a command's options asks for its help, so every
 * command gets it without parsing it.  Stop at "--": what follows may be
 * a guest's command line.
 */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	const struct vmctl_cmd *cmd;
	const char *name;

	if (argc < 2) {
		vmctl_print_usage(stderr);
		return VMCTL_EXIT_USAGE;
	}

	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		vmctl_print_usage(stdout);
		return VMCTL_EXIT_OK;
	}
	if (!strcmp(name, "--version"))
		name = "version";

	cmd = vmctl_find_cmd(name);
	if (!cmd) {
		pr_err("'%s' is not a vmctl %s; run 'vmctl --help'", name,
		       name[0] == '-' ? "option" : "command");
		return VMCTL_EXIT_USAGE;
	}

	if (wants_help(argc - 1, argv + 1)) {
		vmctl_print_cmd_help(cmd, stdout);
		return VMCTL_EXIT_OK;
	}
	return cmd->fn(argc - 1, argv + 1);
}
