// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_loop.c: run the vCPU and service its exits, until the guest ends.
 *
 * The same loop serves both accelerators: each fills a struct vm_exit from
 * its own run page (vm.c for minivmm, accel_kvm.c for KVM) and the checks
 * below apply to both.  One switch on the exit's kind calls one helper per
 * exit; each returns 1 to enter the guest again or 0 to stop with *status
 * set (the same contract the module's exit handlers have).  How a run
 * ends:
 *
 *   write v to port 0xf4        status (v << 1) | 1       (devices/debug_exit.c)
 *   HLT                         0, "the guest halted"
 *   SHUTDOWN, FAIL_ENTRY,       VMCTL_EXIT_GUEST_FAULT, with the reason and
 *   INTERNAL_ERROR, unknown     the registers on stderr
 *   SIGINT, SIGTERM             128 + the signal's number
 *   a RUN error but EINTR       VMCTL_EXIT_ERROR
 *   machine_request_stop():     checked after every exit and every EINTR
 *     MACHINE_POWER_OFF         0, "the guest powered off"
 *     MACHINE_RESET             VMCTL_EXIT_RESET, "the guest reset the machine"
 *     MACHINE_QUIT              0, "quit at the console (Ctrl-A x)"
 *
 * A stop requested from another thread (the console's Ctrl-A x, in
 * term.c) must end a RUN that may be asleep in the kernel, in an in-kernel
 * HLT: that thread sends VCPU_KICK_SIGNAL to the vCPU thread, whose
 * handler sets immediate_exit as SIGINT's does, so RUN returns -EINTR and
 * the loop sees the request (both run pages have the byte, with the same
 * meaning).  term_start() installs a no-op handler for it first, so a
 * kick before vcpu_loop() takes the signal over cannot kill vmctl (the
 * loop checks mc->stop before its first RUN).
 *
 * An HLT exit only comes from a VM without the in-kernel irqchip (the
 * bare machine of the Multiboot, ELF and flat formats; with the irqchip,
 * as for Linux, HLT sleeps in the kernel until an interrupt).  There it
 * ends the run whatever RFLAGS.IF says: nothing could raise an interrupt,
 * so a halted vCPU would sleep forever (kvmtool, with no interrupt
 * source, ends its VM the same way).
 *
 * The run page is shared with the kernel; the accelerator reads each field
 * once into the struct vm_exit and the I/O data is bounds-checked against
 * the page here before use.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

struct vcpu_ctx {
	struct vm *vm;
	struct machine *mc;
	bool trace;
	int status;
};

static volatile sig_atomic_t stop_signal;
static volatile uint8_t *volatile signal_immediate_exit;

/*
 * A signal arriving just before RUN must still stop it: immediate_exit
 * makes the next RUN return -EINTR at once (the pattern KVM documents).
 */
static void vcpu_on_signal(int sig)
{
	volatile uint8_t *ie = signal_immediate_exit;

	stop_signal = sig;
	if (ie)
		*ie = 1;
}

/* A kick: leave RUN, and let the loop look at mc->stop. */
static void vcpu_on_kick(int sig)
{
	volatile uint8_t *ie = signal_immediate_exit;

	(void)sig;
	if (ie)
		*ie = 1;
}

static int vcpu_catch_signals(volatile uint8_t *immediate_exit)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vcpu_on_signal;
	/* No SA_RESTART: RUN must come back with -EINTR. */
	sigemptyset(&sa.sa_mask);
	signal_immediate_exit = immediate_exit;
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	sa.sa_handler = vcpu_on_kick;
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL))
		return -errno;
	return 0;
}

/* Both run pages number their exits as KVM does (accel_kvm.c checks). */
static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case MINIVMM_EXIT_UNKNOWN:		return "UNKNOWN";
	case MINIVMM_EXIT_IO:			return "IO";
	case MINIVMM_EXIT_HLT:			return "HLT";
	case MINIVMM_EXIT_MMIO:			return "MMIO";
	case MINIVMM_EXIT_SHUTDOWN:		return "SHUTDOWN";
	case MINIVMM_EXIT_FAIL_ENTRY:		return "FAIL_ENTRY";
	case MINIVMM_EXIT_INTR:			return "INTR";
	case MINIVMM_EXIT_INTERNAL_ERROR:	return "INTERNAL_ERROR";
	}
	return "?";
}

static void dump_seg(const char *name, const struct minivmm_segment *s)
{
	pr_err("  %-3s sel 0x%04x base 0x%016llx limit 0x%08x type 0x%x s %u dpl %u p %u l %u db %u g %u%s",
	       name, s->selector, (unsigned long long)s->base, s->limit,
	       s->type, s->s, s->dpl, s->present, s->l, s->db, s->g,
	       s->unusable ? " unusable" : "");
}

/* The guest's registers, on stderr, after it ended badly. */
void vcpu_dump_regs(struct vm *vm)
{
	struct minivmm_sregs s;
	struct minivmm_regs r;
	int ret;

	ret = vm_get_regs(vm, &r, &s);
	if (ret) {
		pr_err("cannot read the registers: %s: %s", vm->failed_op,
		       strerror(-ret));
		return;
	}
	pr_err("  rip 0x%016llx rsp 0x%016llx rflags 0x%llx",
	       (unsigned long long)r.rip, (unsigned long long)r.rsp,
	       (unsigned long long)r.rflags);
	pr_err("  rax 0x%016llx rbx 0x%016llx rcx 0x%016llx rdx 0x%016llx",
	       (unsigned long long)r.rax, (unsigned long long)r.rbx,
	       (unsigned long long)r.rcx, (unsigned long long)r.rdx);
	pr_err("  rsi 0x%016llx rdi 0x%016llx rbp 0x%016llx",
	       (unsigned long long)r.rsi, (unsigned long long)r.rdi,
	       (unsigned long long)r.rbp);
	pr_err("  cr0 0x%llx cr2 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx",
	       (unsigned long long)s.cr0, (unsigned long long)s.cr2,
	       (unsigned long long)s.cr3, (unsigned long long)s.cr4,
	       (unsigned long long)s.efer);
	dump_seg("cs", &s.cs);
	dump_seg("ss", &s.ss);
	dump_seg("ds", &s.ds);
	pr_err("  gdt base 0x%llx limit 0x%x, idt base 0x%llx limit 0x%x",
	       (unsigned long long)s.gdt.base, s.gdt.limit,
	       (unsigned long long)s.idt.base, s.idt.limit);
}

static int vcpu_exit_io(struct vcpu_ctx *c, const struct vm_exit *e)
{
	uint8_t size = e->io.size;
	uint16_t port = e->io.port;
	uint32_t count = e->io.count;
	uint64_t off = e->io.data_offset;
	uint8_t *data;
	uint32_t first = 0;
	uint32_t i;

	if ((size != 1 && size != 2 && size != 4) || !count ||
	    off > c->vm->run_size ||
	    (uint64_t)count * size > c->vm->run_size - off) {
		pr_err("malformed I/O exit from %s: port 0x%x size %u count %u offset %llu",
		       c->vm->accel->source, port, size, count,
		       (unsigned long long)off);
		c->status = VMCTL_EXIT_ERROR;
		return 0;
	}
	data = (uint8_t *)c->vm->run + off;
	for (i = 0; i < count; i++)
		machine_pio(c->mc, port, e->io.out, data + i * size, size);
	if (c->trace) {
		memcpy(&first, data, size);
		pr_err("exit IO %s port 0x%x size %u count %u value 0x%x",
		       e->io.out ? "out" : "in", port, size, count, first);
	}
	if (c->mc->debug_exit.requested) {
		c->status = c->mc->debug_exit.status;
		return 0;
	}
	return 1;
}

static int vcpu_exit_mmio(struct vcpu_ctx *c, const struct vm_exit *e)
{
	uint64_t addr = e->mmio.addr, val = 0;
	uint32_t len = e->mmio.len;
	bool write = e->mmio.write;
	uint8_t data[8];

	if (!len || len > sizeof(data)) {
		pr_err("malformed MMIO exit from %s: address 0x%llx length %u",
		       c->vm->accel->source, (unsigned long long)addr, len);
		c->status = VMCTL_EXIT_ERROR;
		return 0;
	}
	memcpy(data, e->mmio.data, len);
	machine_mmio(c->mc, addr, write, data, len);
	if (!write)
		memcpy(e->mmio.data, data, len);
	if (c->trace) {
		memcpy(&val, data, len);
		pr_err("exit MMIO %s addr 0x%llx size %u value 0x%llx",
		       write ? "write" : "read", (unsigned long long)addr, len,
		       (unsigned long long)val);
	}
	return 1;
}

static int vcpu_exit_hlt(struct vcpu_ctx *c)
{
	struct minivmm_sregs s;
	struct minivmm_regs r;

	if (!vm_get_regs(c->vm, &r, &s))
		pr_err("the guest halted at rip 0x%llx", (unsigned long long)r.rip);
	else
		pr_err("the guest halted");
	c->status = VMCTL_EXIT_OK;
	return 0;
}

static int vcpu_exit_shutdown(struct vcpu_ctx *c)
{
	pr_err("the guest shut down (triple fault: an exception it could not handle)");
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

static int vcpu_exit_fail_entry(struct vcpu_ctx *c, const struct vm_exit *e)
{
	pr_err("the CPU refused to enter the guest (FAIL_ENTRY): hardware reason 0x%llx on CPU %u",
	       (unsigned long long)e->fail_entry.reason, e->fail_entry.cpu);
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

static int vcpu_exit_internal_error(struct vcpu_ctx *c,
				    const struct vm_exit *e)
{
	uint32_t suberror = e->internal.suberror;
	uint32_t ndata = e->internal.ndata, i;
	char line[VM_EXIT_INTERNAL_DATA * 20], *p = line;

	/* KVM's and minivmm's suberror numbers are the same. */
	if (ndata > VM_EXIT_INTERNAL_DATA)
		ndata = VM_EXIT_INTERNAL_DATA;
	line[0] = '\0';
	for (i = 0; i < ndata; i++)
		p += snprintf(p, line + sizeof(line) - p, " 0x%llx",
			      (unsigned long long)e->internal.data[i]);
	pr_err("%s could not handle the guest (INTERNAL_ERROR %u%s)%s%s",
	       c->vm->accel->display, suberror,
	       suberror == MINIVMM_INTERNAL_ERROR_EMULATION ? ", emulation" :
	       suberror == MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT ?
	       ", unhandled exit" :
	       suberror == MINIVMM_INTERNAL_ERROR_DELIVERY_EV ?
	       ", MMIO during event delivery" : "", ndata ? ", data:" : "", line);
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

static int vcpu_exit_unknown(struct vcpu_ctx *c, const struct vm_exit *e)
{
	pr_err("unexpected exit reason %u (%s), hardware reason 0x%llx",
	       e->reason, exit_name(e->reason),
	       (unsigned long long)e->unknown.hardware_reason);
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

/*
 * The machine asked to stop (a device, or the person at the console):
 * say why and return 0 with c->status set; 1 when it runs on.
 */
static int vcpu_machine_stop(struct vcpu_ctx *c)
{
	enum machine_stop why = __atomic_load_n(&c->mc->stop,
						__ATOMIC_ACQUIRE);

	switch (why) {
	case MACHINE_RUNNING:
		return 1;
	case MACHINE_POWER_OFF:
		pr_err("the guest powered off");
		c->status = VMCTL_EXIT_OK;
		break;
	case MACHINE_RESET:
		pr_err("the guest reset the machine");
		c->status = VMCTL_EXIT_RESET;
		break;
	case MACHINE_QUIT:
		pr_err("quit at the console (Ctrl-A x)");
		c->status = VMCTL_EXIT_OK;
		break;
	}
	return 0;
}

/*
 * Run the guest until it ends; returns the status vmctl should exit with.
 */
int vcpu_loop(struct vm *vm, struct machine *mc, bool trace)
{
	struct vcpu_ctx c = { .vm = vm, .mc = mc, .trace = trace };
	struct vm_exit e;
	int ret, cont = 1;

	ret = vcpu_catch_signals(vm->immediate_exit);
	if (ret) {
		pr_err("cannot catch SIGINT, SIGTERM and SIGUSR1: %s",
		       strerror(-ret));
		return VMCTL_EXIT_ERROR;
	}

	do {
		if (stop_signal || !vcpu_machine_stop(&c))
			break;
		ret = vm_run(vm, &e);
		if (ret < 0) {
			if (ret == -EINTR) {
				/* A kick or a signal vmctl does not stop
				 * for: the loop's top decides. */
				*vm->immediate_exit = 0;
				cont = 1;
				continue;
			}
			pr_err("%s: %s", vm->failed_op, strerror(-ret));
			vcpu_dump_regs(vm);
			return VMCTL_EXIT_ERROR;
		}

		if (trace && e.kind != VM_EXIT_IO && e.kind != VM_EXIT_MMIO)
			pr_err("exit %s", exit_name(e.reason));

		switch (e.kind) {
		case VM_EXIT_IO:
			cont = vcpu_exit_io(&c, &e);
			break;
		case VM_EXIT_MMIO:
			cont = vcpu_exit_mmio(&c, &e);
			break;
		case VM_EXIT_HLT:
			cont = vcpu_exit_hlt(&c);
			break;
		case VM_EXIT_SHUTDOWN:
			cont = vcpu_exit_shutdown(&c);
			break;
		case VM_EXIT_FAIL_ENTRY:
			cont = vcpu_exit_fail_entry(&c, &e);
			break;
		case VM_EXIT_INTERNAL_ERROR:
			cont = vcpu_exit_internal_error(&c, &e);
			break;
		case VM_EXIT_INTR:
			/* RUN returned 0 with it: treat as a plain re-entry. */
			cont = 1;
			break;
		case VM_EXIT_UNKNOWN:
		default:
			cont = vcpu_exit_unknown(&c, &e);
			break;
		}
		/* The exit's own ending (HLT, debug exit, a fault) wins. */
		if (cont)
			cont = vcpu_machine_stop(&c);
	} while (cont);

	signal_immediate_exit = NULL;
	if (stop_signal) {
		struct minivmm_sregs sregs;
		struct minivmm_regs regs;

		/* Where the guest was: what a hung guest's stop shows. */
		if (!vm_get_regs(vm, &regs, &sregs))
			pr_err("stopped by signal %d (%s); the guest was at rip 0x%llx, rflags 0x%llx",
			       (int)stop_signal, strsignal(stop_signal),
			       (unsigned long long)regs.rip,
			       (unsigned long long)regs.rflags);
		else
			pr_err("stopped by signal %d (%s)", (int)stop_signal,
			       strsignal(stop_signal));
		return 128 + stop_signal;
	}
	return c.status;
}
