// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_loop.c: run the vCPU and service its exits, until the guest ends.
 *
 * One switch on run->exit_reason calls one helper per exit; each returns
 * 1 to enter the guest again or 0 to stop with *status set (the same
 * contract the module's exit handlers have).  How a run ends:
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
 * the loop sees the request.  term_start() installs a no-op handler for
 * it first, so a kick before vcpu_loop() takes the signal over cannot
 * kill vmctl (the loop checks mc->stop before its first RUN).
 *
 * HLT ends the run whatever RFLAGS.IF says: minivmm injects no interrupts
 * yet and vmctl has no timer or device that could raise one, so a halted
 * vCPU would sleep forever (kvmtool, with no interrupt source, ends its
 * VM the same way).
 *
 * The run page is shared with the kernel; each field is read once into a
 * local and the I/O data is bounds-checked against the page before use.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmctl.h"
#include "run.h"

struct vcpu_ctx {
	struct vm *vm;
	struct machine *mc;
	bool trace;
	int status;
};

static volatile sig_atomic_t stop_signal;
static struct minivmm_run *volatile signal_run;

/*
 * A signal arriving just before RUN must still stop it: immediate_exit
 * makes the next RUN return -EINTR at once (the pattern KVM documents).
 */
static void vcpu_on_signal(int sig)
{
	stop_signal = sig;
	if (signal_run)
		signal_run->immediate_exit = 1;
}

/* A kick: leave RUN, and let the loop look at mc->stop. */
static void vcpu_on_kick(int sig)
{
	struct minivmm_run *run = signal_run;

	(void)sig;
	if (run)
		run->immediate_exit = 1;
}

static int vcpu_catch_signals(struct minivmm_run *run)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vcpu_on_signal;
	/* No SA_RESTART: RUN must come back with -EINTR. */
	sigemptyset(&sa.sa_mask);
	signal_run = run;
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	sa.sa_handler = vcpu_on_kick;
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL))
		return -errno;
	return 0;
}

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

static int vcpu_exit_io(struct vcpu_ctx *c, struct minivmm_run *run)
{
	uint8_t dir = run->io.direction, size = run->io.size;
	uint16_t port = run->io.port;
	uint32_t count = run->io.count;
	uint64_t off = run->io.data_offset;
	uint8_t *data = (uint8_t *)run + off;
	uint32_t first = 0;
	uint32_t i;

	if ((size != 1 && size != 2 && size != 4) || !count ||
	    off > c->vm->run_size ||
	    (uint64_t)count * size > c->vm->run_size - off) {
		pr_err("malformed I/O exit from the module: port 0x%x size %u count %u offset %llu",
		       port, size, count, (unsigned long long)off);
		c->status = VMCTL_EXIT_ERROR;
		return 0;
	}
	for (i = 0; i < count; i++)
		machine_pio(c->mc, port, dir == MINIVMM_EXIT_IO_OUT,
			    data + i * size, size);
	if (c->trace) {
		memcpy(&first, data, size);
		pr_err("exit IO %s port 0x%x size %u count %u value 0x%x",
		       dir == MINIVMM_EXIT_IO_OUT ? "out" : "in", port, size,
		       count, first);
	}
	if (c->mc->debug_exit.requested) {
		c->status = c->mc->debug_exit.status;
		return 0;
	}
	return 1;
}

static int vcpu_exit_mmio(struct vcpu_ctx *c, struct minivmm_run *run)
{
	uint64_t addr = run->mmio.phys_addr, val = 0;
	uint32_t len = run->mmio.len;
	bool write = run->mmio.is_write;
	uint8_t data[8];

	if (!len || len > sizeof(data)) {
		pr_err("malformed MMIO exit from the module: address 0x%llx length %u",
		       (unsigned long long)addr, len);
		c->status = VMCTL_EXIT_ERROR;
		return 0;
	}
	memcpy(data, run->mmio.data, len);
	machine_mmio(c->mc, addr, write, data, len);
	if (!write)
		memcpy(run->mmio.data, data, len);
	if (c->trace) {
		memcpy(&val, data, len);
		pr_err("exit MMIO %s addr 0x%llx size %u value 0x%llx",
		       write ? "write" : "read", (unsigned long long)addr, len,
		       (unsigned long long)val);
	}
	return 1;
}

static int vcpu_exit_hlt(struct vcpu_ctx *c, struct minivmm_run *run)
{
	struct minivmm_sregs s;
	struct minivmm_regs r;

	(void)run;
	if (!vm_get_regs(c->vm, &r, &s))
		pr_err("the guest halted at rip 0x%llx", (unsigned long long)r.rip);
	else
		pr_err("the guest halted");
	c->status = VMCTL_EXIT_OK;
	return 0;
}

static int vcpu_exit_shutdown(struct vcpu_ctx *c, struct minivmm_run *run)
{
	(void)run;
	pr_err("the guest shut down (triple fault: an exception it could not handle)");
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

static int vcpu_exit_fail_entry(struct vcpu_ctx *c, struct minivmm_run *run)
{
	uint64_t reason = run->fail_entry.hardware_entry_failure_reason;
	uint32_t cpu = run->fail_entry.cpu;

	pr_err("the CPU refused to enter the guest (FAIL_ENTRY): hardware reason 0x%llx on CPU %u",
	       (unsigned long long)reason, cpu);
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

static int vcpu_exit_internal_error(struct vcpu_ctx *c,
				    struct minivmm_run *run)
{
	uint32_t suberror = run->internal.suberror;
	uint32_t ndata = run->internal.ndata, i;
	uint64_t data[ARRAY_SIZE(run->internal.data)];
	char line[ARRAY_SIZE(data) * 20], *p = line;

	if (ndata > ARRAY_SIZE(data))
		ndata = ARRAY_SIZE(data);
	memcpy(data, run->internal.data, sizeof(data));
	line[0] = '\0';
	for (i = 0; i < ndata; i++)
		p += snprintf(p, line + sizeof(line) - p, " 0x%llx",
			      (unsigned long long)data[i]);
	pr_err("minivmm could not handle the guest (INTERNAL_ERROR %u%s)%s%s",
	       suberror,
	       suberror == MINIVMM_INTERNAL_ERROR_EMULATION ? ", emulation" :
	       suberror == MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT ?
	       ", unhandled exit" :
	       suberror == MINIVMM_INTERNAL_ERROR_DELIVERY_EV ?
	       ", MMIO during event delivery" : "", ndata ? ", data:" : "", line);
	vcpu_dump_regs(c->vm);
	c->status = VMCTL_EXIT_GUEST_FAULT;
	return 0;
}

static int vcpu_exit_unknown(struct vcpu_ctx *c, struct minivmm_run *run,
			     uint32_t reason)
{
	pr_err("unexpected exit reason %u (%s), hardware reason 0x%llx",
	       reason, exit_name(reason),
	       (unsigned long long)run->hw.hardware_exit_reason);
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
	struct minivmm_run *run = vm->run;
	uint32_t reason;
	int ret, cont = 1;

	ret = vcpu_catch_signals(run);
	if (ret) {
		pr_err("cannot catch SIGINT, SIGTERM and SIGUSR1: %s",
		       strerror(-ret));
		return VMCTL_EXIT_ERROR;
	}

	do {
		if (stop_signal || !vcpu_machine_stop(&c))
			break;
		ret = ioctl(vm->vcpu_fd, MINIVMM_RUN, 0);
		if (ret < 0) {
			if (errno == EINTR) {
				/* A kick or a signal vmctl does not stop
				 * for: the loop's top decides. */
				run->immediate_exit = 0;
				cont = 1;
				continue;
			}
			pr_err("MINIVMM_RUN: %s", strerror(errno));
			vcpu_dump_regs(vm);
			return VMCTL_EXIT_ERROR;
		}

		reason = run->exit_reason;
		if (trace && reason != MINIVMM_EXIT_IO &&
		    reason != MINIVMM_EXIT_MMIO)
			pr_err("exit %s", exit_name(reason));

		switch (reason) {
		case MINIVMM_EXIT_IO:
			cont = vcpu_exit_io(&c, run);
			break;
		case MINIVMM_EXIT_MMIO:
			cont = vcpu_exit_mmio(&c, run);
			break;
		case MINIVMM_EXIT_HLT:
			cont = vcpu_exit_hlt(&c, run);
			break;
		case MINIVMM_EXIT_SHUTDOWN:
			cont = vcpu_exit_shutdown(&c, run);
			break;
		case MINIVMM_EXIT_FAIL_ENTRY:
			cont = vcpu_exit_fail_entry(&c, run);
			break;
		case MINIVMM_EXIT_INTERNAL_ERROR:
			cont = vcpu_exit_internal_error(&c, run);
			break;
		case MINIVMM_EXIT_INTR:
			/* RUN returned 0 with it: treat as a plain re-entry. */
			cont = 1;
			break;
		default:
			cont = vcpu_exit_unknown(&c, run, reason);
			break;
		}
		/* The exit's own ending (HLT, debug exit, a fault) wins. */
		if (cont)
			cont = vcpu_machine_stop(&c);
	} while (cont);

	signal_run = NULL;
	if (stop_signal) {
		pr_err("stopped by signal %d (%s)", (int)stop_signal,
		       strsignal(stop_signal));
		return 128 + stop_signal;
	}
	return c.status;
}
