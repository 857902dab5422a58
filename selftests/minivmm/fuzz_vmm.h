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
};

struct fz_worker {
	struct fz *fz;
	struct fz_rng rng;
	timer_t timer;
	pthread_t thread;
	uint8_t buf[2 * PAGE] __attribute__((aligned(64)));
};

/* fuzz_ops.c: checked ioctls and the operations on them */
void fz_fail(struct fz *fz, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fz_count(struct fz *fz, enum fz_op op);
long fz_ioctl(struct fz *fz, enum fz_op op, int fd, unsigned long cmd,
	      unsigned long arg);
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

#endif /* MINIVMM_FUZZ_VMM_H */
