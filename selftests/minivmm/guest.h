/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small library the guest-running selftests share (guest.c): a VM
 * with one memory slot of the test's own memory at GPA 0, one vCPU and its
 * run page; loading a guest image (guests/NAME.S, embedded at build time);
 * putting the vCPU in real, protected or long mode with MINIVMM_SET_SREGS;
 * running it; and printing its state when a test fails.
 *
 * Functions return 0 or -errno and never assert.  The GUEST_* macros at
 * the end are for test bodies (they need kselftest_harness.h first).
 */
#ifndef MINIVMM_GUEST_H
#define MINIVMM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/minivmm.h>

#include "guest_layout.h"

/* A guest image: guest_image_NAME from guests/NAME.S. */
struct guest_image {
	const char *name;
	const uint8_t *start, *end;
};

#define GUEST_IMAGE(n) ({						\
	extern const uint8_t guest_image_##n[], guest_image_##n##_end[]; \
	(struct guest_image){ #n, guest_image_##n, guest_image_##n##_end }; \
})

enum guest_mode {
	GUEST_REAL,		/* 16-bit real mode, CS = DS = ... = 0 */
	GUEST_PROT32,		/* 32-bit protected mode, flat, no paging */
	GUEST_LONG64,		/* 64-bit mode, 4 GiB identity-mapped */
};

struct guest {
	int sys, vm, vcpu;
	struct minivmm_run *run;
	size_t run_size;
	uint8_t *mem;		/* slot 0: GPA 0 .. GUEST_MEM_SIZE */
	size_t mem_size;
};

/*
 * -ENOTTY when the module has no MINIVMM_RUN (no backend yet), 0 when it
 * has one; tried on a VM of its own.  Other -errno: something is broken.
 */
int guest_run_supported(void);

/* VM, slot 0, vCPU 0, run page.  Cleans up after itself on error. */
int guest_open(struct guest *g);
/*
 * The same with the in-kernel irqchip (MINIVMM_CREATE_IRQCHIP between the
 * VM and its vCPU): a local APIC, an I/O APIC, and HLT handled in the kernel.
 */
int guest_open_irqchip(struct guest *g);
void guest_close(struct guest *g);

/* MINIVMM_SET_USER_MEMORY_REGION; 0 or -errno. */
int guest_set_slot(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		   uint64_t size, void *hva);

/* Copies an image to GUEST_CODE.  -E2BIG if it does not fit below the stack. */
int guest_load(struct guest *g, struct guest_image image);

/*
 * The special registers for @mode, from the vCPU's current ones: segments,
 * CR0/CR3/CR4, EFER, GDT and IDT.  guest_set_mode() applies them; tests
 * that want to change something first call this and MINIVMM_SET_SREGS.
 */
int guest_mode_sregs(struct guest *g, enum guest_mode mode,
		     struct minivmm_sregs *sregs);

/*
 * Writes the GDT (protected and long mode) and the page tables (long
 * mode), sets the special registers, and RIP = GUEST_CODE, RSP =
 * GUEST_STACK, RFLAGS = 2, every other GPR 0.
 */
int guest_set_mode(struct guest *g, enum guest_mode mode);

/* guest_load() then guest_set_mode(). */
int guest_start(struct guest *g, struct guest_image image, enum guest_mode mode);

/* One MINIVMM_RUN: 0 or -errno. */
int guest_run(struct guest *g);

int guest_get_regs(struct guest *g, struct minivmm_regs *regs);
int guest_set_regs(struct guest *g, const struct minivmm_regs *regs);
int guest_get_sregs(struct guest *g, struct minivmm_sregs *sregs);
int guest_get_msr(struct guest *g, uint32_t index, uint64_t *data);
int guest_set_msr(struct guest *g, uint32_t index, uint64_t data);

/* The data of the current I/O exit, as a little-endian value of io.size. */
uint32_t guest_io_data(struct guest *g);
void guest_set_io_data(struct guest *g, uint32_t value);
uint8_t *guest_io_buf(struct guest *g);

/* Guest memory of slot 0 at @gpa, or NULL if outside it. */
void *guest_gpa(struct guest *g, uint64_t gpa, size_t len);

const char *guest_exit_name(uint32_t reason);

/* The exit, the GPRs and the main special registers, on stderr. */
void guest_dump(struct guest *g);

/*
 * Runs until an exit of @reason, at most @max_exits RUNs; other exits are
 * skipped only if they are I/O to @skip_port (-1: none).  Returns the
 * number of RUNs, -EPROTO on another exit (g->run tells which), or -errno.
 */
int guest_run_until(struct guest *g, uint32_t reason, int skip_port,
		    int max_exits);

#ifdef __KSELFTEST_HARNESS_H
/*
 * For FIXTURE_SETUP: opens the guest, or skips the test when the module
 * has no MINIVMM_RUN yet.  The 6.1 harness runs the test body after a
 * SKIP in the setup, so this one ends the test's process instead (exit
 * 255 is how the harness's child reports a skip).
 */
#define GUEST_OPEN(g) do {						\
	int __r = guest_run_supported();				\
									\
	if (__r == -ENOTTY)						\
		SKIP(_exit(255), "MINIVMM_RUN: ENOTTY (no backend)");	\
	ASSERT_EQ(0, __r) TH_LOG("MINIVMM_RUN probe: %s", strerror(-__r)); \
	__r = guest_open(g);						\
	ASSERT_EQ(0, __r) TH_LOG("guest_open: %s", strerror(-__r));	\
} while (0)

/* GUEST_OPEN with the in-kernel irqchip. */
#define GUEST_OPEN_IRQCHIP(g) do {					\
	int __r = guest_run_supported();				\
									\
	if (__r == -ENOTTY)						\
		SKIP(_exit(255), "MINIVMM_RUN: ENOTTY (no backend)");	\
	ASSERT_EQ(0, __r) TH_LOG("MINIVMM_RUN probe: %s", strerror(-__r)); \
	__r = guest_open_irqchip(g);					\
	ASSERT_EQ(0, __r) TH_LOG("guest_open_irqchip: %s", strerror(-__r)); \
} while (0)

#define GUEST_START(g, name, mode) do {					\
	int __r = guest_start(g, GUEST_IMAGE(name), mode);		\
									\
	ASSERT_EQ(0, __r) TH_LOG("guest_start(%s): %s", #name, strerror(-__r)); \
} while (0)

/* One RUN that must end in an exit of @reason. */
#define GUEST_RUN_EXPECT(g, reason) do {				\
	int __r = guest_run(g);						\
									\
	ASSERT_EQ(0, __r) {						\
		TH_LOG("MINIVMM_RUN: %s", strerror(-__r));		\
		guest_dump(g);						\
	}								\
	ASSERT_STREQ(guest_exit_name(reason),				\
		     guest_exit_name((g)->run->exit_reason))		\
		guest_dump(g);						\
} while (0)

/* One RUN that must end in I/O of @dir on @port, @size bytes, count 1. */
#define GUEST_RUN_IO(g, _dir, _port, _size) do {			\
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_IO);				\
	ASSERT_EQ(_dir, (g)->run->io.direction) guest_dump(g);		\
	ASSERT_EQ(_port, (g)->run->io.port) guest_dump(g);		\
	ASSERT_EQ(_size, (g)->run->io.size) guest_dump(g);		\
	ASSERT_EQ(1, (g)->run->io.count) guest_dump(g);			\
} while (0)

/* A 4-byte OUT to PORT_REPORT carrying @value. */
#define GUEST_RUN_REPORT(g, value) do {					\
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, PORT_REPORT, 4);		\
	ASSERT_EQ((uint32_t)(value), guest_io_data(g)) guest_dump(g);	\
} while (0)

#define GUEST_GET_REGS(g, regs) do {					\
	int __r = guest_get_regs(g, regs);				\
									\
	ASSERT_EQ(0, __r) TH_LOG("MINIVMM_GET_REGS: %s", strerror(-__r)); \
} while (0)

#define GUEST_SET_REGS(g, regs) do {					\
	int __r = guest_set_regs(g, regs);				\
									\
	ASSERT_EQ(0, __r) TH_LOG("MINIVMM_SET_REGS: %s", strerror(-__r)); \
} while (0)

#define GUEST_GET_SREGS(g, sregs) do {					\
	int __r = guest_get_sregs(g, sregs);				\
									\
	ASSERT_EQ(0, __r) TH_LOG("MINIVMM_GET_SREGS: %s", strerror(-__r)); \
} while (0)
#endif /* __KSELFTEST_HARNESS_H */

#endif /* MINIVMM_GUEST_H */
