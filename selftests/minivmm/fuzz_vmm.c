// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's VMM (fuzz.h): its fd table and guest memory, the
 * operations that fill the table (a VM, a vCPU, a run page mapping) and
 * those that change it under the VMs' feet (close, munmap, mprotect, new
 * guest code), and the workers that pick operations until the budget is
 * spent.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "fuzz_vmm.h"
#include "guest_layout.h"

void fz_close_vm(struct fz *fz, struct fz_vm *vm)
{
	pthread_rwlock_wrlock(&vm->run_lock);
	if (vm->run)
		munmap(vm->run, PAGE);
	vm->run = NULL;
	pthread_rwlock_unlock(&vm->run_lock);
	pthread_mutex_lock(&fz->lock);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	vm->vcpu = vm->fd = -1;
	pthread_mutex_unlock(&fz->lock);
}

void fz_create_vm(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	unsigned long type = fz_chance(&w->rng, 90) ? 0 : fz_u64(&w->rng);
	long r = fz_ioctl(fz, FZ_CREATE_VM, fz->sys, MINIVMM_CREATE_VM, type);
	bool chip = false;

	if (r < 0)
		return;
	if (type) {
		close(r);
		fz_fail(fz, "CREATE_VM(%#lx) accepted a nonzero type", type);
		return;
	}
	fz_irqchip_at_create(w, r, &chip);
	pthread_mutex_lock(&fz->lock);
	if (vm->fd < 0) {
		vm->fd = r;
		vm->irqchip = chip;
		vm->had_vcpu = false;
		vm->efds.nio = vm->efds.nirq = 0;
		r = -1;
	}
	pthread_mutex_unlock(&fz->lock);
	if (r >= 0)
		close(r);	/* the slot is taken: a VM created and destroyed */
}

long fz_create_vcpu(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	unsigned long id = fz_chance(&w->rng, 85) ? fz_below(&w->rng, 2) :
			   fz_u64(&w->rng);
	int fd = vm->fd, err;
	long r;

	if (fd < 0)
		return 0;
	r = fz_ioctl(fz, FZ_CREATE_VCPU, fd, MINIVMM_CREATE_VCPU, id);
	err = errno;
	pthread_mutex_lock(&fz->lock);
	/* The VM keeps its vCPU, whatever becomes of the fd (irqchip rules). */
	if (vm->fd == fd && (r >= 0 || err == EEXIST))
		vm->had_vcpu = true;
	if (r < 0) {
		pthread_mutex_unlock(&fz->lock);
		return -err;
	}
	if (vm->vcpu < 0) {
		vm->vcpu = r;
		vm->vcpu_gen++;
		vm->vcpu_chip = vm->irqchip;
		r = -1;
	}
	pthread_mutex_unlock(&fz->lock);
	if (r >= 0)
		close(r);
	return 0;
}

/* A run page: mapped, unmapped, or a mapping the kernel must refuse. */
void fz_map_run(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	int vcpu = vm->vcpu;
	void *p;

	if (vcpu < 0)
		return;
	fz_count(fz, FZ_MAP_RUN);
	if (fz_chance(&w->rng, 25)) {
		/* Private, two pages, an offset, or read-only: only the last works. */
		static const struct { size_t len; int prot, flags; off_t off; } bad[] = {
			{ PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0 },
			{ 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0 },
			{ PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, PAGE },
			{ PAGE, PROT_READ, MAP_SHARED, 0 },
		};
		unsigned int i = fz_below(&w->rng, 4);

		p = mmap(NULL, bad[i].len, bad[i].prot, bad[i].flags, vcpu, bad[i].off);
		if (p == MAP_FAILED)
			return;
		/*
		 * Only the read-only mapping of offset 0 is allowed.  Offset 1
		 * right above the run page, once merged into its mapping, is
		 * refused since the mapping is VM_DONTEXPAND
		 * (run_page_offset_refused checks that case alone).
		 */
		if (i != 3)
			fz_fail(fz, "mmap of a vCPU fd accepted case %u", i);
		munmap(p, bad[i].len);
		return;
	}
	pthread_rwlock_wrlock(&vm->run_lock);
	if (vm->run) {
		munmap(vm->run, PAGE);
		vm->run = NULL;
	} else {
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
		if (p != MAP_FAILED) {
			vm->run = p;
			vm->run_gen = vm->vcpu_gen;
		} else if ((errno != EBADF && errno != ENODEV) || fz->cfg->threads == 1) {
			/* Else closed by another worker, the number maybe reused. */
			fz_fail(fz, "mmap of a run page: %s", strerror(errno));
		}
	}
	pthread_rwlock_unlock(&vm->run_lock);
}

/* Guest memory is shared by every VM: chunk c backs the slots of c. */
uint8_t *fz_chunk(struct fz *fz, int c)
{
	return fz->arena + c * CHUNK;
}

/* Writes to a chunk only while it is mapped writable; under fz->lock. */
bool fz_chunk_writable(struct fz *fz, int c)
{
	return fz->chunk_prot[c] == (PROT_READ | PROT_WRITE);
}


void fz_close(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	int fd = -1, sys;

	switch (fz_below(&w->rng, 8)) {
	case 0:
		fz_count(fz, FZ_CLOSE);
		fz_close_vm(fz, vm);
		return;
	case 1:
	case 2:
		pthread_mutex_lock(&fz->lock);
		fd = vm->vcpu;
		vm->vcpu = -1;
		pthread_mutex_unlock(&fz->lock);
		break;
	case 3:
	case 4:
		pthread_mutex_lock(&fz->lock);
		fd = vm->fd;
		vm->fd = -1;
		pthread_mutex_unlock(&fz->lock);
		break;
	case 5:
		/* A new system fd; the old one's VMs live on. */
		sys = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
		if (sys < 0) {
			fz_fail(fz, "open /dev/minivmm: %s", strerror(errno));
			return;
		}
		pthread_mutex_lock(&fz->lock);
		fd = fz->sys;
		fz->sys = sys;
		pthread_mutex_unlock(&fz->lock);
		break;
	default:
		return;
	}
	if (fd >= 0) {
		fz_count(fz, FZ_CLOSE);
		close(fd);
	}
}

/*
 * Guest memory under the VMs' feet: munmap and map again (fresh zeros),
 * munmap alone (mapped again later), mprotect, madvise(DONTNEED).  Every
 * chunk is put back at the same address with MAP_FIXED_NOREPLACE, so
 * nothing else of this process lands in a slot's range.
 */
void fz_guest_mem(struct fz_worker *w)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	struct fz *fz = w->fz;
	int c = fz_below(&w->rng, NCHUNKS), prot;
	uint8_t *p = fz_chunk(fz, c);

	fz_count(fz, FZ_GUEST_MEM);
	pthread_mutex_lock(&fz->lock);
	switch (fz_below(&w->rng, 5)) {
	case 0:
	case 1:
		if (fz->chunk_prot[c] >= 0) {
			munmap(p, CHUNK);
			fz->chunk_prot[c] = -1;
			if (fz_chance(&w->rng, 60))
				break;
		}
		/* map it again */
		__attribute__((__fallthrough__));
	case 2:
		if (fz->chunk_prot[c] < 0 &&
		    mmap(p, CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == p) {
			fz->chunk_prot[c] = PROT_READ | PROT_WRITE;
			if (c == 0)
				fz_write_tables(p);
		}
		break;
	case 3:
		prot = prots[fz_below(&w->rng, 3)];
		if (fz->chunk_prot[c] >= 0 && !mprotect(p, CHUNK, prot))
			fz->chunk_prot[c] = prot;
		break;
	default:
		if (fz->chunk_prot[c] >= 0)
			madvise(p + fz_below(&w->rng, CHUNK / PAGE) * PAGE, PAGE,
				MADV_DONTNEED);
		break;
	}
	pthread_mutex_unlock(&fz->lock);
}

#define CODE_MAX	0x400

void fz_code(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	int mode = fz_chance(&w->rng, 80) ? vm->mode : (int)fz_below(&w->rng, FZ_MODE_NR);
	uint8_t *code = w->buf;

	fz_count(fz, FZ_CODE);
	memset(code, 0, CODE_MAX);
	fz_gen_code(&w->rng, code, CODE_MAX, mode, fz->cfg->svm);
	pthread_mutex_lock(&fz->lock);
	if (fz_chunk_writable(fz, 0))
		memcpy(fz_chunk(fz, 0) + GUEST_CODE, code, CODE_MAX);
	pthread_mutex_unlock(&fz->lock);
}

/*
 * A vCPU for a VM without one.  The VM has one vCPU (MINIVMM_CAP_MAX_VCPUS)
 * and keeps it after its fd is closed: then EEXIST, and the VM fd goes too.
 */
static void new_vcpu(struct fz_worker *w, struct fz_vm *vm)
{
	int fd = -1;

	if (fz_create_vcpu(w, vm) != -EEXIST)
		return;
	pthread_mutex_lock(&w->fz->lock);
	if (vm->vcpu < 0) {
		fd = vm->fd;
		vm->fd = -1;
	}
	pthread_mutex_unlock(&w->fz->lock);
	if (fd >= 0) {
		fz_count(w->fz, FZ_CLOSE);
		close(fd);
	}
}

static bool time_up(struct fz *fz)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > fz->end.tv_sec ||
	       (now.tv_sec == fz->end.tv_sec && now.tv_nsec >= fz->end.tv_nsec);
}

static void *worker(void *arg)
{
	struct fz_worker *w = arg;
	struct fz *fz = w->fz;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};
	unsigned long n = 0;
	struct fz_vm *vm;

	sev._sigev_un._tid = syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->timer)) {
		fz_fail(fz, "timer_create: %s", strerror(errno));
		return NULL;
	}
	fz_efd_init(w);
	while (!fz->stop) {
		if (__atomic_load_n(&fz->sh->ops, __ATOMIC_RELAXED) >= fz->cfg->ops ||
		    (!(++n % 64) && time_up(fz)))
			break;
		vm = &fz->vm[fz_below(&w->rng, fz->cfg->vms)];
		/* Mostly build up to a VM that can run, then pick at random. */
		if (vm->fd < 0 && fz_chance(&w->rng, 90))
			fz_create_vm(w, vm);
		else if (vm->vcpu < 0 && vm->fd >= 0 && fz_chance(&w->rng, 90))
			new_vcpu(w, vm);
		else if (vm->vcpu >= 0 && (!vm->run || vm->run_gen != vm->vcpu_gen) &&
			 fz_chance(&w->rng, 80))
			fz_map_run(w, vm);
		else
			fz_do_op(w, vm, fz_pick_op(w));
	}
	return NULL;
}

static void nop_handler(int sig)
{
	(void)sig;
}

void fz_vmm(const struct fz_config *cfg, struct fz_shared *sh)
{
	struct sigaction sa = { .sa_handler = nop_handler };	/* no SA_RESTART */
	static struct fz_worker workers[FZ_MAX_THREADS];
	static struct fz fz;
	pthread_rwlockattr_t ra;
	unsigned int i, n = cfg->threads;
	uint8_t *p;
	int c;

	fz.cfg = cfg;
	fz.sh = sh;
	pthread_mutex_init(&fz.lock, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* A worker unmapping a run page must not wait behind a stream of RUNs. */
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (i = 0; i < FZ_MAX_VMS; i++) {
		fz.vm[i].fd = fz.vm[i].vcpu = -1;
		pthread_rwlock_init(&fz.vm[i].run_lock, &ra);
	}
	fz.sys = open("/dev/minivmm", O_RDWR | O_CLOEXEC);
	fz.arena = mmap(NULL, NCHUNKS * CHUNK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fz.sys < 0 || fz.arena == MAP_FAILED || p == MAP_FAILED ||
	    mprotect(p + PAGE, PAGE, PROT_NONE)) {
		fz_fail(&fz, "setting up the VMM: %s", strerror(errno));
		return;
	}
	fz.edge = p;
	fz.hole = p + PAGE;
	/*
	 * The limits the irqchip operations check against (api.rst); the
	 * I/O APIC state of the ABI has room for 24 pins.
	 */
	fz.pins = ioctl(fz.sys, MINIVMM_CHECK_EXTENSION, MINIVMM_CAP_IRQCHIP);
	fz.nr_gsis = ioctl(fz.sys, MINIVMM_CHECK_EXTENSION, MINIVMM_CAP_NR_GSIS);
	fz.max_vcpus = ioctl(fz.sys, MINIVMM_CHECK_EXTENSION, MINIVMM_CAP_MAX_VCPUS);
	if (fz.pins < 1 || fz.pins > 24 || fz.nr_gsis < fz.pins ||
	    fz.nr_gsis > 4096 || fz.max_vcpus < 1) {
		fz_fail(&fz, "capabilities: %u pins, %u GSIs, %u vCPUs",
			fz.pins, fz.nr_gsis, fz.max_vcpus);
		return;
	}
	for (c = 0; c < NCHUNKS; c++)
		fz.chunk_prot[c] = PROT_READ | PROT_WRITE;
	fz_write_tables(fz.arena);
	clock_gettime(CLOCK_MONOTONIC, &fz.end);
	fz.end.tv_sec += cfg->seconds;

	if (n < 1)
		n = 1;
	if (n > FZ_MAX_THREADS)
		n = FZ_MAX_THREADS;
	for (i = 0; i < n; i++) {
		workers[i].fz = &fz;
		fz_seed(&workers[i].rng, cfg->seed + i);
	}
	for (i = 1; i < n; i++)
		if (pthread_create(&workers[i].thread, NULL, worker, &workers[i]))
			fz_fail(&fz, "pthread_create: %s", strerror(errno));
	/*
	 * Worker 0 is this thread.  When it is done the VMM returns without
	 * waiting for the others, and its caller exits with them mid-operation,
	 * possibly in RUN: process exit must tear all of it down.
	 */
	worker(&workers[0]);
}

