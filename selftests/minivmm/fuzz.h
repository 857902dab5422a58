/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl fuzzer of fuzz_test.c, in the spirit of syzkaller's dev_kvm
 * descriptions: random sequences over every ioctl of the system, VM and
 * vCPU fds with mostly valid arguments mutated at the edges, random guest
 * code in random CPU modes, and RUN.  The engine (fuzz_ops.c, with the
 * irqchip's ioctls in fuzz_irq.c and fuzz_lapic.c and the eventfd paths
 * in fuzz_efd.c) runs in a child process, the "VMM", with one or more
 * worker threads; the test (fuzz_test.c) forks it, watches it for
 * progress and reads its counts from a shared mapping once it is gone.
 *
 * Replay: everything a worker chooses comes from its own generator,
 * seeded from the run's seed and the worker's number.  With one worker the
 * same seed and op count give the same sequence of operations, as long as
 * the kernel answers the same; what a spinning guest has done when the
 * watchdog timer kicks it out is timing, so the guest state can differ.
 * With several workers only each worker's own choices repeat.
 */
#ifndef MINIVMM_FUZZ_H
#define MINIVMM_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

/* The operations, each counted on its own. */
enum fz_op {
	FZ_API_VERSION,
	FZ_CHECK_EXTENSION,
	FZ_CREATE_VM,
	FZ_SUPPORTED_CPUID,
	FZ_MEMORY_REGION,
	FZ_CREATE_VCPU,
	FZ_MMAP_SIZE,
	FZ_RUN,
	FZ_GET_REGS,
	FZ_SET_REGS,
	FZ_GET_SREGS,
	FZ_SET_SREGS,
	FZ_GET_FPU,
	FZ_SET_FPU,
	FZ_GET_XSAVE,
	FZ_SET_XSAVE,
	FZ_GET_MSRS,
	FZ_SET_MSRS,
	FZ_SET_CPUID,
	FZ_BOGUS,		/* unknown numbers, the wrong fd type */
	FZ_MAP_RUN,		/* mmap/munmap of a run page, bad mappings */
	FZ_CLOSE,		/* close a VM, vCPU or system fd */
	FZ_GUEST_MEM,		/* munmap, mprotect, madvise guest memory */
	FZ_CODE,		/* write random guest code */
	FZ_SETUP,		/* a sane slot, mode and RIP */
	/* The irqchip (fuzz_irq.c) and the device fast paths (fuzz_efd.c). */
	FZ_CREATE_IRQCHIP,
	FZ_IRQ_LINE,
	FZ_SIGNAL_MSI,
	FZ_GET_IRQCHIP,
	FZ_SET_IRQCHIP,
	FZ_GET_LAPIC,
	FZ_SET_LAPIC,
	FZ_GET_EVENTS,
	FZ_SET_EVENTS,
	FZ_IOEVENTFD,
	FZ_IRQFD,
	FZ_EVENTFD,		/* write, read, close a worker's eventfd */
	FZ_GSI_ROUTING,
	FZ_OP_NR
};

#define FZ_EXIT_NR	32	/* exit reasons counted (KVM's numbers) */
#define FZ_WHY_LEN	512
#define FZ_LAST_OPS	32

/* Written by the VMM, read by the test: MAP_SHARED anonymous memory. */
struct fz_shared {
	uint64_t calls[FZ_OP_NR];
	uint64_t errors[FZ_OP_NR];	/* calls that returned -1 */
	uint64_t exits[FZ_EXIT_NR];	/* RUN returned 0 with this reason */
	uint64_t ops;			/* all operations, counted as done */
	uint64_t svm_filtered;		/* LME-without-PG states refused */
	uint64_t svm_repaired;		/* ... found in the vCPU all the same */
	/* The last operations, for a hang: op numbers, oldest first from last_pos. */
	uint8_t last_ops[FZ_LAST_OPS];
	uint32_t last_pos;
	int failed;			/* an unexpected result: see why */
	char why[FZ_WHY_LEN];
};

struct fz_config {
	uint64_t seed;
	uint64_t ops;		/* stop after this many operations ... */
	unsigned int seconds;	/* ... or this long, whichever comes first */
	unsigned int threads;	/* workers, 1 for a replayable sequence */
	unsigned int vms;	/* VM slots in the table, 1..FZ_MAX_VMS */
	bool svm;		/* AMD SVM backend: keep the QEMU filter on */
};

#define FZ_MAX_VMS	4
#define FZ_MAX_THREADS	8

const char *fz_op_name(enum fz_op op);

/*
 * The VMM: runs the workers until the op budget or the time is spent,
 * then returns (its fds, mappings and any vCPU still in RUN are left to
 * process exit: the caller _exit()s at once).  Failures land in @sh.
 */
void fz_vmm(const struct fz_config *cfg, struct fz_shared *sh);

#endif /* MINIVMM_FUZZ_H */
