/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer VMM's state (fuzz.h): its fd table, guest memory and
 * workers, shared by the operations (fuzz_ops.c) and the VMM that runs
 * them (fuzz_vmm.c).
 */
#ifndef MINIVMM_FUZZ_VMM_H
#define MINIVMM_FUZZ_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <linux/minivmm.h>

#include "fuzz.h"
#include "fuzz_gen.h"

#define PAGE		4096UL
#define CHUNK		0x200000UL	/* one slot's worth of guest memory */
#define NCHUNKS		4
#define NSLOTS_FUZZ	6		/* slots tried: the 4 used and 2 more */
#define FZ_EFDS		4		/* eventfds each worker owns */
/* Per VM (Documentation/api.rst, ENOSPC of MINIVMM_IOEVENTFD and _IRQFD). */
#define FZ_MAX_IOEVENTFDS	1024
#define FZ_MAX_IRQFDS		1024

/* An ioeventfd or irqfd the fuzzer assigned: what the VM should hold. */
struct fz_ioeventfd {
	uint64_t addr, datamatch;
	uint32_t len, efd;		/* efd: the eventfd's fz_worker.efd_id */
	bool pio, wildcard;
};

struct fz_irqfd {
	uint32_t efd, gsi;
};

/*
 * The ioeventfds and irqfds of a slot's VM, kept by the operations that
 * change them (all under fz->lock), so that EEXIST, EBUSY, ENOENT and
 * ENOSPC are known exactly.
 */
struct fz_assigned {
	unsigned int nio, nirq;
	struct fz_ioeventfd io[FZ_MAX_IOEVENTFDS];
	struct fz_irqfd irq[FZ_MAX_IRQFDS];
};

struct fz_vm {
	int fd, vcpu;			/* -1: none */
	struct minivmm_run *run;	/* NULL: not mapped */
	/*
	 * Which vCPU the run page belongs to: a mapping outlives its vCPU
	 * fd, and the next vCPU of this slot has a page of its own.
	 */
	unsigned int vcpu_gen, run_gen;
	/*
	 * RUNs in progress and started: the run page tells about a RUN
	 * only if no other RUN of the slot overlapped it.
	 */
	unsigned int in_run, run_seq;
	int mode;			/* the last mode FZ_SETUP gave it */
	pthread_rwlock_t run_lock;	/* run page: readers use, writer unmaps */
	/*
	 * What the fuzzer knows of the VM behind fd, under fz->lock: it has
	 * an irqchip, it has a vCPU (which it keeps after the vCPU fd is
	 * closed).  vcpu_chip: the VM of the vCPU behind vcpu (maybe an
	 * older VM of the slot) had one.  With several workers, an fd read
	 * outside the lock may be another object's by the time it is used.
	 */
	bool irqchip, had_vcpu, vcpu_chip;
	struct fz_assigned efds;
};

struct fz {
	const struct fz_config *cfg;
	struct fz_shared *sh;
	pthread_mutex_t lock;		/* the table, the chunks' state */
	int sys;
	struct fz_vm vm[FZ_MAX_VMS];
	uint8_t *arena;			/* NCHUNKS chunks of guest memory */
	int chunk_prot[NCHUNKS];	/* PROT_* now, -1: unmapped */
	uint8_t *hole;			/* a PROT_NONE page */
	uint8_t *edge;			/* a page followed by the hole */
	struct timespec end;
	volatile int stop;
	/* The capabilities the irqchip operations check against. */
	unsigned int pins, nr_gsis, max_vcpus;
	uint32_t efd_seq;		/* the last eventfd id handed out */
};

struct fz_worker {
	struct fz *fz;
	struct fz_rng rng;
	timer_t timer;
	pthread_t thread;
	/* Its eventfds (-1: none), each with an id that changes on reopen. */
	int efd[FZ_EFDS];
	uint32_t efd_id[FZ_EFDS];
	uint8_t buf[2 * PAGE] __attribute__((aligned(64)));
};

/* What a pointer from fz_ptr_kind() points at. */
enum fz_ptr {
	FZ_PTR_OK,			/* the buffer */
	FZ_PTR_BAD,			/* not readable in full: EFAULT for a fixed size */
	FZ_PTR_SHIFTED,			/* the buffer + 1: contents unknown */
};

/*
 * What an ioctl of the irqchip operations may answer: one of the errnos
 * in @fail (each stands for something wrong in the request; none: it
 * must succeed), or one in @may whatever the request.  @any: the request
 * is not what was built (a shifted pointer), so success or any of them.
 */
struct fz_want {
	uint64_t fail, may;
	bool any;
};

#define FZ_E(e)		(1ULL << (e))

/* fuzz_ops.c: checked ioctls and the operations on them */
void fz_fail(struct fz *fz, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fz_count(struct fz *fz, enum fz_op op);
long fz_ioctl(struct fz *fz, enum fz_op op, int fd, unsigned long cmd,
	      unsigned long arg);
unsigned long fz_ptr_kind(struct fz_worker *w, void *p, size_t len,
			  enum fz_ptr *kind);
enum fz_op fz_pick_op(struct fz_worker *w);
void fz_do_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op);

/* fuzz_vmm.c: the fd table, guest memory, the workers */
void fz_close_vm(struct fz *fz, struct fz_vm *vm);
void fz_create_vm(struct fz_worker *w, struct fz_vm *vm);
long fz_create_vcpu(struct fz_worker *w, struct fz_vm *vm);
void fz_map_run(struct fz_worker *w, struct fz_vm *vm);
uint8_t *fz_chunk(struct fz *fz, int c);
bool fz_chunk_writable(struct fz *fz, int c);
void fz_close(struct fz_worker *w, struct fz_vm *vm);
void fz_guest_mem(struct fz_worker *w);
void fz_code(struct fz_worker *w, struct fz_vm *vm);

/* fuzz_irq.c: the irqchip's VM ioctls, and the new operations' oracle */
long fz_call(struct fz_worker *w, enum fz_op op, int fd, unsigned long cmd,
	     unsigned long arg, const void *req, size_t len, struct fz_want *want);
void fz_want_init(struct fz_worker *w, struct fz_want *want, bool locked);
void fz_want_ptr(struct fz_want *want, enum fz_ptr kind, uint64_t documented);
void fz_want_chip(struct fz_want *want, int chip);
int fz_vcpu_of(struct fz_worker *w, struct fz_vm *vm, int *chip);
void fz_dump(const char *what, const void *p, size_t len);
void fz_irqchip_at_create(struct fz_worker *w, int fd, bool *chip);
void fz_irq_setup(struct fz_worker *w, struct fz_vm *vm);
void fz_irq_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op);

/* fuzz_lapic.c: a vCPU's local APIC and pending events */
void fz_lapic_setup(struct fz_worker *w, struct fz_vm *vm);
void fz_lapic_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op);

/* fuzz_efd.c: ioeventfds, irqfds, their eventfds and the GSI routes */
void fz_efd_init(struct fz_worker *w);
void fz_efd_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op);

#endif /* MINIVMM_FUZZ_VMM_H */
