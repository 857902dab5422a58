// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's ioctl operations (fuzz.h): one function per ioctl, each
 * building its argument (mostly valid, mutated at the edges, sometimes
 * behind a bad pointer), checking what came back against
 * Documentation/api.rst and recording the first unexpected result; and
 * the weighted choice among them, the irqchip's operations (fuzz_irq.c,
 * fuzz_lapic.c, fuzz_efd.c) included.
 *
 * The QEMU filter.  In the rig's QEMU (TCG, AMD SVM) a guest with
 * EFER.LME = 1 and CR0.PG = 0 that executes HLT wedges the whole emulated
 * host.  That is an emulator bug, not minivmm's, so on SVM the fuzzer
 * never builds that state:
 *  - SET_SREGS: a request with EFER.LME and without CR0.PG has LME (and
 *    LMA) cleared before the call; with EFER.LME, CS.L is forced on, so
 *    no SET_SREGS leaves the vCPU in compatibility mode, the only mode
 *    where a MOV to CR0 could clear PG with LME still set;
 *  - SET_MSRS: an EFER value never carries LME (long mode is entered
 *    through SET_SREGS only, with paging on);
 *  - guest code: no WRMSR but the APIC's and no CR0 snippets are
 *    generated, and the whole generated buffer is scanned: every 0x0f
 *    0x30 (WRMSR), 0x0f 0x22 (MOV to CR) and 0x0f 0x01 (LMSW, LGDT,
 *    VMRUN, ...) loses its 0x0f, wherever a jump could land, but the
 *    APIC's WRMSRs, whose ECX is loaded just before them and never with
 *    EFER anywhere (fuzz_gen.c, wrmsr_kept()); and the long-mode GDT has
 *    no 32-bit code segment to far-return into.
 * What is left is a guest that rewrites its own code (or its GDT) into
 * one of those instructions at run time, or jumps straight onto an APIC
 * WRMSR with EFER in ECX (only a mutated SET_REGS could leave it there),
 * which the random stores and jumps do not come near in practice.
 *
 * The same QEMU aborts the whole emulated host ("qemu: fatal: invalid tss
 * type") when a guest in 16- or 32-bit protected mode at CPL > 0 takes an
 * interrupt or exception into ring 0 while TR holds a busy TSS type (11
 * or 3): it reads the ring-0 stack from the TSS only for the available
 * types (9 and 1), although a loaded TR is busy on real processors
 * (SDM Vol. 3A 8.2.2) and minivmm, like KVM, starts TR busy.  Every
 * SET_SREGS on SVM therefore carries TR as the available type of the same
 * size (svm_sregs_filter()); SVM checks no TR type at VMRUN (APM Vol. 2
 * 15.5.1), so the vCPU still runs.  The guest's own LTR loads TR as QEMU
 * wants it.  On VMX (Bochs) none of this applies.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/minivmm.h>

#include "fuzz_vmm.h"
#include "guest_layout.h"

static const char *const op_names[FZ_OP_NR] = {
	[FZ_API_VERSION] = "api_version", [FZ_CHECK_EXTENSION] = "check_extension",
	[FZ_CREATE_VM] = "create_vm", [FZ_SUPPORTED_CPUID] = "supported_cpuid",
	[FZ_MEMORY_REGION] = "memory_region", [FZ_CREATE_VCPU] = "create_vcpu",
	[FZ_MMAP_SIZE] = "mmap_size", [FZ_RUN] = "run",
	[FZ_GET_REGS] = "get_regs", [FZ_SET_REGS] = "set_regs",
	[FZ_GET_SREGS] = "get_sregs", [FZ_SET_SREGS] = "set_sregs",
	[FZ_GET_FPU] = "get_fpu", [FZ_SET_FPU] = "set_fpu",
	[FZ_GET_XSAVE] = "get_xsave", [FZ_SET_XSAVE] = "set_xsave",
	[FZ_GET_MSRS] = "get_msrs", [FZ_SET_MSRS] = "set_msrs",
	[FZ_SET_CPUID] = "set_cpuid2", [FZ_BOGUS] = "bogus_ioctl",
	[FZ_MAP_RUN] = "map_run", [FZ_CLOSE] = "close",
	[FZ_GUEST_MEM] = "guest_mem", [FZ_CODE] = "guest_code",
	[FZ_SETUP] = "setup", [FZ_CREATE_IRQCHIP] = "create_irqchip",
	[FZ_IRQ_LINE] = "irq_line", [FZ_SIGNAL_MSI] = "signal_msi",
	[FZ_GET_IRQCHIP] = "get_irqchip", [FZ_SET_IRQCHIP] = "set_irqchip",
	[FZ_GET_LAPIC] = "get_lapic", [FZ_SET_LAPIC] = "set_lapic",
	[FZ_GET_EVENTS] = "get_vcpu_events", [FZ_SET_EVENTS] = "set_vcpu_events",
	[FZ_IOEVENTFD] = "ioeventfd", [FZ_IRQFD] = "irqfd",
	[FZ_EVENTFD] = "eventfd", [FZ_GSI_ROUTING] = "gsi_routing",
};

const char *fz_op_name(enum fz_op op)
{
	return op < FZ_OP_NR ? op_names[op] : "?";
}

/* Callable with fz->lock held. */
void fz_fail(struct fz *fz, const char *fmt, ...)
{
	static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
	va_list ap;

	pthread_mutex_lock(&fail_lock);
	if (!fz->sh->failed) {
		va_start(ap, fmt);
		vsnprintf(fz->sh->why, sizeof(fz->sh->why), fmt, ap);
		va_end(ap);
		fz->sh->failed = 1;
	}
	fz->stop = 1;
	pthread_mutex_unlock(&fail_lock);
}

/*
 * The errnos an ioctl may fail with (Documentation/api.rst), for any
 * argument the fuzzer builds.  EBADF only when another worker may have
 * closed the fd.  ENOMEM only where the kernel allocates per call.
 */
static bool errno_expected(struct fz *fz, enum fz_op op, int err)
{
	if (err == EBADF)
		return fz->cfg->threads > 1;
	switch (op) {
	case FZ_RUN:
		return err == EINTR || err == EFAULT || err == EIO ||
		       err == EINVAL || err == ENOTTY;
	case FZ_CREATE_VM:
		return err == EINVAL || err == EBUSY || err == ENOMEM;
	case FZ_CREATE_VCPU:
		return err == EINVAL || err == EEXIST || err == EIO ||
		       err == ENOMEM || err == ENOTTY;
	default:
		return err == EINVAL || err == EFAULT || err == E2BIG ||
		       err == EEXIST || err == ENOTTY || err == EIO ||
		       err == EINTR;
	}
}

/* One operation done: counted by kind and in the total. */
void fz_count(struct fz *fz, enum fz_op op)
{
	uint32_t pos = __atomic_fetch_add(&fz->sh->last_pos, 1, __ATOMIC_RELAXED);

	fz->sh->last_ops[pos % FZ_LAST_OPS] = op;
	__atomic_add_fetch(&fz->sh->calls[op], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&fz->sh->ops, 1, __ATOMIC_RELAXED);
}

/* One counted ioctl; returns its result, errno kept. */
long fz_ioctl(struct fz *fz, enum fz_op op, int fd, unsigned long cmd,
		     unsigned long arg)
{
	long r = ioctl(fd, cmd, arg);
	int err = errno;

	fz_count(fz, op);
	if (r < 0) {
		__atomic_add_fetch(&fz->sh->errors[op], 1, __ATOMIC_RELAXED);
		if (!errno_expected(fz, op, err))
			fz_fail(fz, "%s: ioctl(fd %d, %#lx, %#lx): unexpected errno %d (%s)",
				fz_op_name(op), fd, cmd, arg, err, strerror(err));
	}
	errno = err;
	return r;
}

/*
 * Pointers: mostly the buffer, sometimes NULL, unmapped or straddling;
 * @kind says which.
 */
unsigned long fz_ptr_kind(struct fz_worker *w, void *p, size_t len,
			  enum fz_ptr *kind)
{
	struct fz *fz = w->fz;

	*kind = FZ_PTR_BAD;
	switch (fz_below(&w->rng, 40)) {
	case 0:
		return 0;
	case 1:
		return (unsigned long)fz->hole;
	case 2:
		return fz_chance(&w->rng, 50) ? 0xffff888000000000UL : 0x10000UL;
	case 3:
		/* The last bytes readable, the rest in the unmapped page. */
		if (len > 8)
			return (unsigned long)(fz->edge + PAGE - len / 2);
		return (unsigned long)fz->hole;
	case 4:
		*kind = FZ_PTR_SHIFTED;
		return (unsigned long)p + 1;
	default:
		*kind = FZ_PTR_OK;
		return (unsigned long)p;
	}
}

static unsigned long fz_ptr(struct fz_worker *w, void *p, size_t len)
{
	enum fz_ptr kind;

	return fz_ptr_kind(w, p, len, &kind);
}

static void fill_data(struct fz_worker *w, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		p[i] = fz_rand(&w->rng);
		if (w->fz->cfg->svm && p[i] == 0x0f)
			p[i] = 0x90;
	}
}

static void op_api_version(struct fz_worker *w)
{
	struct fz *fz = w->fz;
	unsigned long arg = fz_chance(&w->rng, 80) ? 0 : fz_u64(&w->rng);
	long r = fz_ioctl(fz, FZ_API_VERSION, fz->sys, MINIVMM_GET_API_VERSION, arg);

	if (!arg && r != MINIVMM_API_VERSION && !(r < 0 && errno == EBADF))
		fz_fail(fz, "GET_API_VERSION returned %ld", r);
}

static void op_check_extension(struct fz_worker *w)
{
	struct fz *fz = w->fz;
	unsigned long cap = fz_chance(&w->rng, 70) ? fz_below(&w->rng, 10) :
			    fz_u64(&w->rng);
	long r = fz_ioctl(fz, FZ_CHECK_EXTENSION, fz->sys, MINIVMM_CHECK_EXTENSION,
			  cap);

	if (cap >= MINIVMM_CAP_NR_CAPS && r > 0)
		fz_fail(fz, "CHECK_EXTENSION(%#lx) = %ld for no capability", cap, r);
}

static void op_supported_cpuid(struct fz_worker *w)
{
	struct minivmm_cpuid2 *c = (void *)w->buf;
	struct fz *fz = w->fz;
	uint32_t room = (sizeof(w->buf) - sizeof(*c)) / sizeof(c->entries[0]);

	memset(c, 0, sizeof(*c));
	c->nent = fz_chance(&w->rng, 70) ? fz_below(&w->rng, room + 1) :
		  (uint32_t)fz_u64(&w->rng);
	if (c->nent > room)	/* bigger claims only with a bad pointer */
		c->nent = fz_chance(&w->rng, 50) ? room : c->nent;
	if (fz_chance(&w->rng, 5))
		c->padding = 1;
	fz_ioctl(fz, FZ_SUPPORTED_CPUID, fz->sys, MINIVMM_GET_SUPPORTED_CPUID,
		 c->nent > room ? (unsigned long)fz->hole :
		 fz_ptr(w, c, sizeof(*c) + c->nent * sizeof(c->entries[0])));
}

static void op_memory_region(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_userspace_memory_region r;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	uint32_t c = fz_below(g, NCHUNKS);

	r.slot = fz_below(g, NSLOTS_FUZZ);
	r.flags = fz_chance(g, 10) ? MINIVMM_MEM_READONLY : 0;
	switch (fz_below(g, 4)) {
	case 0:
		r.guest_phys_addr = 0;
		break;
	case 1:
		r.guest_phys_addr = c * CHUNK;
		break;
	case 2:
		r.guest_phys_addr = 0x100000000ULL + c * CHUNK;
		break;
	default:
		r.guest_phys_addr = (fz_rand(g) & ((1ULL << 36) - 1)) & ~(PAGE - 1);
		break;
	}
	r.memory_size = fz_chance(g, 15) ? 0 :
			fz_chance(g, 70) ? CHUNK : (1 + fz_below(g, 512)) * PAGE;
	r.userspace_addr = (unsigned long)fz_chunk(fz, c);
	if (fz_chance(g, 30)) {
		switch (fz_below(g, 8)) {
		case 0:
			r.slot = fz_chance(g, 50) ? 32 : (uint32_t)fz_u64(g);
			break;
		case 1:
			r.flags = fz_rand(g);
			break;
		case 2:
			r.guest_phys_addr = fz_u64(g);
			break;
		case 3:
			r.memory_size = fz_u64(g);
			break;
		case 4:
			r.userspace_addr = fz_u64(g);
			break;
		case 5:
			r.guest_phys_addr += 1 + fz_below(g, PAGE - 1);
			break;
		case 6:
			r.userspace_addr = (unsigned long)fz->hole;
			break;
		default:
			fz_mutate(g, &r, sizeof(r));
			break;
		}
	}
	if (vm->fd >= 0)
		fz_ioctl(fz, FZ_MEMORY_REGION, vm->fd, MINIVMM_SET_USER_MEMORY_REGION,
			 fz_ptr(w, &r, sizeof(r)));
}

static void op_mmap_size(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	unsigned long arg = fz_chance(&w->rng, 85) ? 0 : fz_u64(&w->rng);
	long r;

	if (vm->fd < 0)
		return;
	r = fz_ioctl(fz, FZ_MMAP_SIZE, vm->fd, MINIVMM_GET_VCPU_MMAP_SIZE, arg);
	if (!arg && r >= 0 && r != (long)PAGE)
		fz_fail(fz, "GET_VCPU_MMAP_SIZE returned %ld", r);
}

/*
 * Kicks a spinning guest out: a SIGUSR1 to this thread 1-4 ms from now,
 * then every millisecond.  Periodic, because the first can come before
 * the thread is in RUN (preempted on the way), and would be spent.
 */
static void arm_kick(struct fz_worker *w, bool on)
{
	struct itimerspec its = { 0 };

	if (on) {
		its.it_value.tv_nsec = (1 + fz_below(&w->rng, 4)) * 1000000L;
		its.it_interval.tv_nsec = 1000000L;
	}
	timer_settime(w->timer, 0, &its, NULL);
}

static void svm_repair(struct fz *fz, int vcpu, const char *after);

static void op_run(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	struct minivmm_run *run;
	unsigned long arg = fz_chance(&w->rng, 97) ? 0 : fz_u64(&w->rng);
	unsigned int gen, before, seq;
	uint32_t reason;
	int err, vcpu;
	bool chip;
	long r;

	pthread_mutex_lock(&fz->lock);
	vcpu = vm->vcpu;
	gen = vm->vcpu_gen;
	chip = vm->vcpu_chip;
	pthread_mutex_unlock(&fz->lock);
	if (vcpu < 0)
		return;
	pthread_rwlock_rdlock(&vm->run_lock);
	/* Another vCPU's run page says nothing about this RUN. */
	run = vm->run_gen == gen ? vm->run : NULL;
	if (run && fz_chance(&w->rng, 5))
		run->immediate_exit = 1;
	else if (run)
		run->immediate_exit = 0;
	before = __atomic_fetch_add(&vm->in_run, 1, __ATOMIC_SEQ_CST);
	seq = __atomic_add_fetch(&vm->run_seq, 1, __ATOMIC_SEQ_CST);
	arm_kick(w, true);
	r = fz_ioctl(fz, FZ_RUN, vcpu, MINIVMM_RUN, arg);
	err = errno;
	arm_kick(w, false);
	__atomic_sub_fetch(&vm->in_run, 1, __ATOMIC_SEQ_CST);
	if (before || __atomic_load_n(&vm->run_seq, __ATOMIC_SEQ_CST) != seq ||
	    __atomic_load_n(&vm->vcpu_gen, __ATOMIC_SEQ_CST) != gen)
		run = NULL;	/* overlapped: the page may be another RUN's */
	if (r < 0) {
		if (err == EINVAL && !arg)
			fz_fail(fz, "RUN: EINVAL with argument 0");
		goto out;
	}
	if (arg) {
		fz_fail(fz, "RUN(%#lx) accepted a nonzero argument", arg);
		goto out;
	}
	if (!run)
		goto out;
	reason = run->exit_reason;
	if (reason < FZ_EXIT_NR)
		__atomic_add_fetch(&fz->sh->exits[reason], 1, __ATOMIC_RELAXED);
	switch (reason) {
	case MINIVMM_EXIT_IO:
		if (run->io.direction == MINIVMM_EXIT_IO_IN &&
		    run->io.data_offset >= sizeof(*run) && run->io.data_offset < PAGE &&
		    (uint64_t)run->io.size * run->io.count <= PAGE - run->io.data_offset)
			fill_data(w, (uint8_t *)run + run->io.data_offset,
				  run->io.size * run->io.count);
		else if (run->io.data_offset < sizeof(*run) || run->io.data_offset >= PAGE ||
			 (run->io.size != 1 && run->io.size != 2 && run->io.size != 4))
			fz_fail(fz, "RUN: I/O exit with size %u data_offset %llu",
				run->io.size, (unsigned long long)run->io.data_offset);
		break;
	case MINIVMM_EXIT_MMIO:
		if (!run->mmio.is_write)
			fill_data(w, run->mmio.data, sizeof(run->mmio.data));
		if (run->mmio.len != 1 && run->mmio.len != 2 && run->mmio.len != 4 &&
		    run->mmio.len != 8)
			fz_fail(fz, "RUN: MMIO exit of %u bytes", run->mmio.len);
		break;
	case MINIVMM_EXIT_HLT:
		/* With an irqchip HLT sleeps in the kernel, it never exits. */
		if (chip && fz->cfg->threads == 1)
			fz_fail(fz, "RUN: a HLT exit from a VM with an irqchip");
		break;
	case MINIVMM_EXIT_SHUTDOWN:
	case MINIVMM_EXIT_FAIL_ENTRY:
	case MINIVMM_EXIT_INTERNAL_ERROR:
		break;
	default:
		/*
		 * With several workers, the run page mapped for this vCPU fd
		 * number may be another vCPU's: a worker that closed the fd
		 * lets a new vCPU (of any VM) take the number between another
		 * worker's read of it and its mmap().  Such a page still says
		 * 0 (UNKNOWN) if its vCPU never ran, so 0 is a failure only
		 * where one worker owns every fd (seen once in debug-svm's
		 * two_vmms; every path of RUN that returns 0 sets a reason).
		 */
		if (reason || fz->cfg->threads == 1)
			fz_fail(fz, "RUN returned 0 with exit reason %u", reason);
		break;
	}
out:
	pthread_rwlock_unlock(&vm->run_lock);
	if (fz->cfg->svm) {
		pthread_rwlock_wrlock(&vm->run_lock);
		svm_repair(fz, vcpu, "run");
		pthread_rwlock_unlock(&vm->run_lock);
	}
}

static void op_regs(struct fz_worker *w, struct fz_vm *vm, bool set)
{
	struct minivmm_regs *regs = (void *)w->buf;
	struct fz *fz = w->fz;

	if (vm->vcpu < 0)
		return;
	if (fz_ioctl(fz, FZ_GET_REGS, vm->vcpu, MINIVMM_GET_REGS,
		     set ? (unsigned long)regs : fz_ptr(w, regs, sizeof(*regs))) < 0 || !set)
		return;
	if (fz_chance(&w->rng, 50))
		regs->rip = GUEST_CODE;
	if (fz_chance(&w->rng, 40))
		fz_mutate(&w->rng, regs, sizeof(*regs));
	if (fz_chance(&w->rng, 10))
		regs->rflags = fz_u64(&w->rng);
	fz_ioctl(fz, FZ_SET_REGS, vm->vcpu, MINIVMM_SET_REGS,
		 fz_ptr(w, regs, sizeof(*regs)));
}

#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define CR0_PG		(1ULL << 31)

/* The QEMU filter on SET_SREGS (top of the file). */
static void svm_sregs_filter(struct fz *fz, struct minivmm_sregs *s)
{
	if (!fz->cfg->svm)
		return;
	if ((s->efer & EFER_LME) && !(s->cr0 & CR0_PG)) {
		s->efer &= ~(EFER_LME | EFER_LMA);
		__atomic_add_fetch(&fz->sh->svm_filtered, 1, __ATOMIC_RELAXED);
	}
	if (s->efer & EFER_LME)
		s->cs.l = 1;
	/* Not counted: every request that keeps minivmm's TR is rewritten. */
	if ((s->tr.type & 7) != 1)
		s->tr.type = (s->tr.type & 8) | 1;
}

/*
 * The QEMU filter, second line: after a SET_SREGS or SET_MSRS (a request
 * the kernel refuses may still have been half applied) and after a RUN,
 * read the state back and, if EFER.LME is set without CR0.PG all the
 * same, clear LME before the next RUN.  Every such repair is counted
 * and the first one printed: it means the kernel or the guest built the
 * state the filter keeps out.  Called with vm->run_lock held for writing,
 * so no RUN of the slot is in progress.
 */
static void svm_repair(struct fz *fz, int vcpu, const char *after)
{
	struct minivmm_sregs s;

	if (!fz->cfg->svm || vcpu < 0 ||
	    ioctl(vcpu, MINIVMM_GET_SREGS, (unsigned long)&s) < 0 ||
	    !((s.efer & EFER_LME) && !(s.cr0 & CR0_PG)))
		return;
	if (__atomic_fetch_add(&fz->sh->svm_repaired, 1, __ATOMIC_RELAXED) < 3)
		fprintf(stderr, "# fuzz: SVM: EFER %#llx with CR0 %#llx after %s: repaired\n",
			(unsigned long long)s.efer, (unsigned long long)s.cr0, after);
	s.efer &= ~(EFER_LME | EFER_LMA);
	s.cs.l = 0;
	if (ioctl(vcpu, MINIVMM_SET_SREGS, (unsigned long)&s) < 0)
		fz_fail(fz, "SVM: cannot clear EFER.LME without CR0.PG: %s",
			strerror(errno));
}

/* A SET that can touch EFER or CR0: on SVM, exclusive of RUN, then checked. */
static long svm_set(struct fz *fz, struct fz_vm *vm, enum fz_op op, int vcpu,
		    unsigned long cmd, unsigned long arg)
{
	long r;

	if (!fz->cfg->svm)
		return fz_ioctl(fz, op, vcpu, cmd, arg);
	pthread_rwlock_wrlock(&vm->run_lock);
	r = fz_ioctl(fz, op, vcpu, cmd, arg);
	svm_repair(fz, vcpu, fz_op_name(op));
	pthread_rwlock_unlock(&vm->run_lock);
	return r;
}

static void op_sregs(struct fz_worker *w, struct fz_vm *vm, bool set)
{
	struct minivmm_sregs *s = (void *)w->buf;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	unsigned long p;

	if (vm->vcpu < 0)
		return;
	if (fz_ioctl(fz, FZ_GET_SREGS, vm->vcpu, MINIVMM_GET_SREGS,
		     set ? (unsigned long)s : fz_ptr(w, s, sizeof(*s))) < 0 || !set)
		return;
	if (fz_chance(g, 60))
		fz_mode_sregs(s, fz_below(g, FZ_MODE_NR));
	if (fz_chance(g, 40))
		fz_mutate(g, s, sizeof(*s));
	if (fz_chance(g, 10))
		s->cr0 ^= 1ULL << fz_below(g, 64);
	if (fz_chance(g, 10))
		s->cr4 ^= 1ULL << fz_below(g, 32);
	if (fz_chance(g, 10))
		s->efer ^= 1ULL << fz_below(g, 16);
	svm_sregs_filter(fz, s);
	p = fz_ptr(w, s, sizeof(*s));
	/* A partial copy must not be half-applied either: keep it filtered. */
	if (fz->cfg->svm && p != (unsigned long)s)
		p = fz_chance(g, 50) ? 0 : (unsigned long)fz->hole;
	svm_set(fz, vm, FZ_SET_SREGS, vm->vcpu, MINIVMM_SET_SREGS, p);
}

static void op_fpu(struct fz_worker *w, struct fz_vm *vm, bool set, bool xsave)
{
	size_t len = xsave ? sizeof(struct minivmm_xsave) : sizeof(struct minivmm_fpu);
	struct fz *fz = w->fz;
	enum fz_op get_op = xsave ? FZ_GET_XSAVE : FZ_GET_FPU;

	if (vm->vcpu < 0)
		return;
	if (fz_ioctl(fz, get_op, vm->vcpu, xsave ? MINIVMM_GET_XSAVE : MINIVMM_GET_FPU,
		     set ? (unsigned long)w->buf : fz_ptr(w, w->buf, len)) < 0 || !set)
		return;
	if (fz_chance(&w->rng, 50))
		fz_mutate(&w->rng, w->buf, fz_chance(&w->rng, 50) ? 576 + 64 : len);
	fz_ioctl(fz, xsave ? FZ_SET_XSAVE : FZ_SET_FPU, vm->vcpu,
		 xsave ? MINIVMM_SET_XSAVE : MINIVMM_SET_FPU, fz_ptr(w, w->buf, len));
}

static void op_msrs(struct fz_worker *w, struct fz_vm *vm, bool set)
{
	struct minivmm_msrs *m = (void *)w->buf;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	uint32_t room = (sizeof(w->buf) - sizeof(*m)) / sizeof(m->entries[0]);
	uint32_t i, n = fz_chance(g, 90) ? fz_below(g, 5) : fz_below(g, room + 1);
	unsigned long p;

	if (vm->vcpu < 0)
		return;
	memset(m, 0, sizeof(*m));
	m->nmsrs = n;
	for (i = 0; i < n; i++) {
		m->entries[i].index = fz_msr_index(g);
		m->entries[i].reserved = fz_chance(g, 3);
		m->entries[i].data = fz_u64(g);
		/* The QEMU filter: EFER.LME only through SET_SREGS. */
		if (fz->cfg->svm && m->entries[i].index == 0xc0000080)
			m->entries[i].data &= ~EFER_LME;
	}
	p = fz_ptr(w, m, sizeof(*m) + n * sizeof(m->entries[0]));
	/*
	 * The QEMU filter: a shifted or straddling pointer would hand the
	 * kernel unfiltered bytes (what an earlier GET left there, an EFER
	 * with LME among them).
	 */
	if (set && fz->cfg->svm && p != (unsigned long)m && p > 0x10000UL &&
	    p < 0xffff800000000000UL)
		p = (unsigned long)fz->hole;
	if (fz_chance(g, 3))
		m->pad = 1;
	if (fz_chance(g, 3)) {
		m->nmsrs = fz_chance(g, 50) ? MINIVMM_MAX_MSR_ENTRIES + 1 : (uint32_t)fz_u64(g);
		p = (unsigned long)m;
		if (m->nmsrs > room)	/* the kernel must refuse before reading */
			m->nmsrs = MINIVMM_MAX_MSR_ENTRIES + 1 + fz_below(g, 1000);
	}
	if (set)
		svm_set(fz, vm, FZ_SET_MSRS, vm->vcpu, MINIVMM_SET_MSRS, p);
	else
		fz_ioctl(fz, FZ_GET_MSRS, vm->vcpu, MINIVMM_GET_MSRS, p);
}

/* The supported table, cut, mutated, or with bad flags and indexes. */
static void op_set_cpuid(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_cpuid2 *c = (void *)w->buf;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	uint32_t room = (sizeof(w->buf) - sizeof(*c)) / sizeof(c->entries[0]);
	unsigned long p;

	if (vm->vcpu < 0)
		return;
	memset(c, 0, sizeof(*c));
	c->nent = room;
	if (ioctl(fz->sys, MINIVMM_GET_SUPPORTED_CPUID, c) < 0)
		c->nent = 0;
	if (c->nent && fz_chance(g, 50))
		c->nent = fz_below(g, c->nent + 1);
	if (fz_chance(g, 40))
		fz_mutate(g, c->entries, c->nent * sizeof(c->entries[0]));
	p = fz_ptr(w, c, sizeof(*c) + c->nent * sizeof(c->entries[0]));
	if (fz_chance(g, 3))
		c->nent = MINIVMM_MAX_CPUID_ENTRIES + 1 + fz_below(g, 1000);
	fz_ioctl(fz, FZ_SET_CPUID, vm->vcpu, MINIVMM_SET_CPUID2, p);
}

/* Numbers 0x00-0x1f: system fd (0), 0x20-0x5f: VM fd (1), 0x60-: vCPU (2). */
static unsigned int fd_type(unsigned long cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	return nr < 0x20 ? 0 : nr < 0x60 ? 1 : 2;
}

/*
 * Unknown numbers, known numbers with the wrong direction or size, and
 * each fd type's numbers on the other types.  Never a CREATE_* on its own
 * fd type: a new fd would go unnoticed.
 */
static void op_bogus(struct fz_worker *w, struct fz_vm *vm)
{
	static const unsigned long known[] = {
		MINIVMM_GET_API_VERSION, MINIVMM_CHECK_EXTENSION, MINIVMM_CREATE_VM,
		MINIVMM_GET_SUPPORTED_CPUID, MINIVMM_SET_USER_MEMORY_REGION,
		MINIVMM_CREATE_VCPU, MINIVMM_GET_VCPU_MMAP_SIZE, MINIVMM_RUN,
		MINIVMM_GET_REGS, MINIVMM_SET_REGS, MINIVMM_GET_SREGS,
		MINIVMM_SET_SREGS, MINIVMM_GET_FPU, MINIVMM_SET_FPU,
		MINIVMM_GET_XSAVE, MINIVMM_SET_XSAVE, MINIVMM_GET_MSRS,
		MINIVMM_SET_MSRS, MINIVMM_SET_CPUID2, MINIVMM_CREATE_IRQCHIP,
		MINIVMM_IRQ_LINE, MINIVMM_SIGNAL_MSI, MINIVMM_GET_IRQCHIP,
		MINIVMM_SET_IRQCHIP, MINIVMM_IOEVENTFD, MINIVMM_IRQFD,
		MINIVMM_SET_GSI_ROUTING, MINIVMM_GET_LAPIC, MINIVMM_SET_LAPIC,
		MINIVMM_GET_VCPU_EVENTS, MINIVMM_SET_VCPU_EVENTS,
	};
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	int fds[3] = { fz->sys, vm->fd, vm->vcpu };
	unsigned int type = fz_below(g, 3);
	unsigned long cmd;
	unsigned int i;

	switch (fz_below(g, 4)) {
	case 0:
		cmd = _IOC(fz_below(g, 4), MINIVMM_IO, fz_rand(g) & 0xff,
			   fz_below(g, 1 << 14));
		break;
	case 1:
		/* A known number with its size or direction changed. */
		cmd = known[fz_below(g, sizeof(known) / sizeof(known[0]))];
		cmd ^= fz_chance(g, 50) ? 1UL << (16 + fz_below(g, 14)) :
		       1UL << (30 + fz_below(g, 2));
		break;
	case 2:
		cmd = known[fz_below(g, sizeof(known) / sizeof(known[0]))];
		break;
	default:
		cmd = fz_rand(g) & 0xffffffff;
		break;
	}
	/*
	 * The VFS answers some numbers itself on any fd: FIONBIO, FIOCLEX and
	 * friends ('T'), FIFREEZE ('X'), FIGETBSZ (0), FS_IOC_* ('f'),
	 * FICLONE (0x94).  Those are not minivmm's to answer: move them away.
	 */
	switch (_IOC_TYPE(cmd)) {
	case 0: case 'T': case 'X': case 'f': case 0x94:
		cmd ^= 0x80UL << _IOC_TYPESHIFT;
		break;
	}
	/* A known number on its own fd type is another op's (and unfiltered). */
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (cmd == known[i] && fd_type(cmd) == type)
			return;
	if (fds[type] < 0)
		return;
	if (fz_ioctl(fz, FZ_BOGUS, fds[type], cmd, fz_chance(g, 50) ?
		     (unsigned long)w->buf : fz_u64(g)) < 0)
		return;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (cmd == known[i])
			return;
	fz_fail(fz, "ioctl %#lx, no minivmm number, succeeded on fd type %u", cmd, type);
}

static void op_setup(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_userspace_memory_region r = {
		.memory_size = CHUNK,
		.userspace_addr = (unsigned long)fz_chunk(w->fz, 0),
	};
	struct minivmm_sregs s;
	struct minivmm_regs regs = { .rip = GUEST_CODE, .rsp = GUEST_STACK,
				     .rflags = 2 };
	struct fz *fz = w->fz;
	int mode = fz_below(&w->rng, FZ_MODE_NR);

	/* RFLAGS.IF: interrupts from the irqchip, if the VM has one. */
	if (fz_chance(&w->rng, 50))
		regs.rflags |= 1 << 9;
	/* Its ioctls count as operations; the setup itself only by kind. */
	__atomic_add_fetch(&fz->sh->calls[FZ_SETUP], 1, __ATOMIC_RELAXED);
	if (vm->fd >= 0)
		fz_ioctl(fz, FZ_MEMORY_REGION, vm->fd, MINIVMM_SET_USER_MEMORY_REGION,
			 (unsigned long)&r);
	if (vm->vcpu < 0)
		return;
	if (fz_ioctl(fz, FZ_GET_SREGS, vm->vcpu, MINIVMM_GET_SREGS,
		     (unsigned long)&s) < 0)
		return;
	fz_mode_sregs(&s, mode);
	svm_sregs_filter(fz, &s);
	if (svm_set(fz, vm, FZ_SET_SREGS, vm->vcpu, MINIVMM_SET_SREGS,
		    (unsigned long)&s) == 0)
		vm->mode = mode;
	fz_ioctl(fz, FZ_SET_REGS, vm->vcpu, MINIVMM_SET_REGS, (unsigned long)&regs);
	fz_irq_setup(w, vm);
}

/*
 * How often each operation is picked.  On SVM (the rig's QEMU) RUN is
 * picked less: about once in 14,000 RUNs there a CPU stayed in the guest
 * with host interrupts no longer making it exit, until the RCU stall
 * detector's NMI (Documentation/testing.rst, "What it has found"); the
 * cause, emulator or minivmm, is open, and until it is known the CI runs
 * must not depend on that chance.
 */
#define FZ_RUN_WEIGHT_SVM	3
static uint8_t weights[FZ_OP_NR] = {
	[FZ_API_VERSION] = 2, [FZ_CHECK_EXTENSION] = 3, [FZ_CREATE_VM] = 1,
	[FZ_SUPPORTED_CPUID] = 2, [FZ_MEMORY_REGION] = 8, [FZ_CREATE_VCPU] = 3,
	[FZ_MMAP_SIZE] = 2, [FZ_RUN] = 14, [FZ_GET_REGS] = 3, [FZ_SET_REGS] = 4,
	[FZ_GET_SREGS] = 3, [FZ_SET_SREGS] = 5, [FZ_GET_FPU] = 2, [FZ_SET_FPU] = 2,
	[FZ_GET_XSAVE] = 2, [FZ_SET_XSAVE] = 2, [FZ_GET_MSRS] = 4,
	[FZ_SET_MSRS] = 5, [FZ_SET_CPUID] = 2, [FZ_BOGUS] = 8, [FZ_MAP_RUN] = 2,
	[FZ_CLOSE] = 1, [FZ_GUEST_MEM] = 2, [FZ_CODE] = 6, [FZ_SETUP] = 4,
	[FZ_CREATE_IRQCHIP] = 1, [FZ_IRQ_LINE] = 4, [FZ_SIGNAL_MSI] = 3,
	[FZ_GET_IRQCHIP] = 2, [FZ_SET_IRQCHIP] = 3, [FZ_GET_LAPIC] = 2,
	[FZ_SET_LAPIC] = 4, [FZ_GET_EVENTS] = 2, [FZ_SET_EVENTS] = 3,
	[FZ_IOEVENTFD] = 3, [FZ_IRQFD] = 3, [FZ_EVENTFD] = 3,
	[FZ_GSI_ROUTING] = 1,
};

enum fz_op fz_pick_op(struct fz_worker *w)
{
	static unsigned int total;
	unsigned int i, n;

	if (!total) {
		if (w->fz->cfg->svm)
			weights[FZ_RUN] = FZ_RUN_WEIGHT_SVM;
		for (i = 0; i < FZ_OP_NR; i++)
			total += weights[i];
	}
	n = fz_below(&w->rng, total);
	for (i = 0; n >= weights[i]; i++)
		n -= weights[i];
	return i;
}

void fz_do_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op)
{
	switch (op) {
	case FZ_API_VERSION:	op_api_version(w); break;
	case FZ_CHECK_EXTENSION: op_check_extension(w); break;
	case FZ_CREATE_VM:	fz_create_vm(w, vm); break;
	case FZ_SUPPORTED_CPUID: op_supported_cpuid(w); break;
	case FZ_MEMORY_REGION:	op_memory_region(w, vm); break;
	case FZ_CREATE_VCPU:	fz_create_vcpu(w, vm); break;
	case FZ_MMAP_SIZE:	op_mmap_size(w, vm); break;
	case FZ_RUN:		op_run(w, vm); break;
	case FZ_GET_REGS:	op_regs(w, vm, false); break;
	case FZ_SET_REGS:	op_regs(w, vm, true); break;
	case FZ_GET_SREGS:	op_sregs(w, vm, false); break;
	case FZ_SET_SREGS:	op_sregs(w, vm, true); break;
	case FZ_GET_FPU:	op_fpu(w, vm, false, false); break;
	case FZ_SET_FPU:	op_fpu(w, vm, true, false); break;
	case FZ_GET_XSAVE:	op_fpu(w, vm, false, true); break;
	case FZ_SET_XSAVE:	op_fpu(w, vm, true, true); break;
	case FZ_GET_MSRS:	op_msrs(w, vm, false); break;
	case FZ_SET_MSRS:	op_msrs(w, vm, true); break;
	case FZ_SET_CPUID:	op_set_cpuid(w, vm); break;
	case FZ_BOGUS:		op_bogus(w, vm); break;
	case FZ_MAP_RUN:	fz_map_run(w, vm); break;
	case FZ_CLOSE:		fz_close(w, vm); break;
	case FZ_GUEST_MEM:	fz_guest_mem(w); break;
	case FZ_CODE:		fz_code(w, vm); break;
	case FZ_SETUP:		op_setup(w, vm); break;
	case FZ_IOEVENTFD:
	case FZ_IRQFD:
	case FZ_EVENTFD:
	case FZ_GSI_ROUTING:	fz_efd_op(w, vm, op); break;
	case FZ_GET_LAPIC:
	case FZ_SET_LAPIC:
	case FZ_GET_EVENTS:
	case FZ_SET_EVENTS:	fz_lapic_op(w, vm, op); break;
	default:		fz_irq_op(w, vm, op); break;
	}
}
