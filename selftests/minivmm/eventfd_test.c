// SPDX-License-Identifier: GPL-2.0
/*
 * The device fast paths (Documentation/irq.rst): MINIVMM_IOEVENTFD,
 * MINIVMM_IRQFD, MINIVMM_SET_GSI_ROUTING.  ioeventfds with guests/efd_pio.S
 * and efd_mmio.S: a matching OUT or MMIO write signals the eventfd and
 * never reaches userspace, anything else exits as before.  irqfds with
 * guests/efd_irq.S, which counts its interrupts and sleeps in HLT between
 * them: a write from another thread wakes it through a pin or an MSI,
 * resampling, deassign, closed eventfds, a VM closed under its irqfds, a
 * stress.  Then one negative case for every rule of the three ioctls.
 */
#define _GNU_SOURCE
#include "kselftest_harness.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "minivmm_util.h"
#include "guest.h"
#include "efd_guest.h"
#include "efd_util.h"

#define NR_GSIS		1024	/* MINIVMM_CAP_NR_GSIS, checked below */
#define MAX_IOEVENTFDS	1024
#define MAX_IRQFDS	1024

/* KVM's layouts, so that a KVM VMM's structures fit unchanged. */
_Static_assert(sizeof(struct minivmm_ioeventfd) == 64, "kvm_ioeventfd");
_Static_assert(sizeof(struct minivmm_irqfd) == 32, "kvm_irqfd");
_Static_assert(sizeof(struct minivmm_irq_routing) == 8, "kvm_irq_routing");
_Static_assert(sizeof(struct minivmm_irq_routing_entry) == 48,
	       "kvm_irq_routing_entry");

/* How long a guest may take to answer an interrupt (Bochs is slow). */
#define WATCHDOG_MS	20000

/*
 * efd_irq.S: program @pin (EFD_NO_PIN: none) with @low, wait for @n
 * interrupts; runs to its EFD_READY report.
 */
#define IRQ_GUEST_START(g, n, pin, low) do {				\
	GUEST_START(g, efd_irq, GUEST_LONG64);				\
	*param(g, EFD_P_N) = (n);					\
	*param(g, EFD_P_PIN) = (pin);					\
	*param(g, EFD_P_LOW) = (low);					\
	*param(g, EFD_P_COUNT) = 0;					\
	GUEST_RUN_REPORT(g, EFD_READY);					\
} while (0)

static struct kicker the_kicker;

/* The guest sleeps in HLT; a thread writes @fd; it reports @count. */
#define IRQ_BY_WRITE(g, fd, count) do {					\
	ASSERT_EQ(0, kicker_start(&the_kicker, fd, 50, WATCHDOG_MS));	\
	GUEST_RUN_REPORT(g, count);					\
	kicker_stop(&the_kicker);					\
	ASSERT_EQ(0, the_kicker.write_err);				\
} while (0)

/* The guest stays asleep (no interrupt) for @ms: RUN ends in EINTR. */
#define STAYS_HALTED(g, ms) do {					\
	int __r;							\
									\
	ASSERT_EQ(0, kicker_start(&the_kicker, -1, 0, ms));		\
	__r = guest_run(g);						\
	kicker_stop(&the_kicker);					\
	ASSERT_EQ(-EINTR, __r) {					\
		TH_LOG("the guest woke up: exit %s, data %u",		\
		       guest_exit_name((g)->run->exit_reason),		\
		       guest_io_data(g));				\
	}								\
} while (0)

/* A VM without an irqchip (ioeventfds work there too, as in KVM). */
FIXTURE(plain) {
	struct guest g;
	int efd;
};

FIXTURE_SETUP(plain)
{
	GUEST_OPEN(&self->g);
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(plain)
{
	close(self->efd);
	guest_close(&self->g);
}

/* A VM with an irqchip. */
FIXTURE(chip) {
	struct guest g;
	int efd;
};

FIXTURE_SETUP(chip)
{
	GUEST_OPEN_IRQCHIP(&self->g);
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(chip)
{
	close(self->efd);
	guest_close(&self->g);
}

TEST_F(plain, caps)
{
	EXPECT_EQ(1, mvm_check_extension(self->g.sys, MINIVMM_CAP_IOEVENTFD));
	EXPECT_EQ(1, mvm_check_extension(self->g.sys, MINIVMM_CAP_IRQFD));
	EXPECT_EQ(NR_GSIS, mvm_check_extension(self->g.sys,
					       MINIVMM_CAP_NR_GSIS));
}

/* N OUTs in the kernel; the 1-byte OUT after them exits. */
TEST_F(plain, pio_hit)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_PORT, 4, self->efd,
				   MINIVMM_IOEVENTFD_PIO, 0));
	GUEST_START(g, efd_pio, GUEST_LONG64);
	*param(g, EFD_P_N) = 5;
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 1);
	EXPECT_EQ(0x5a, guest_io_data(g));
	EXPECT_EQ(5, efd_take(self->efd));
	GUEST_RUN_REPORT(g, EFD_DONE);
	EXPECT_EQ(0, efd_take(self->efd));
}

/* Only the OUT of 2 is taken; 3 and 1 exit as before. */
TEST_F(plain, pio_datamatch)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_PORT, 4, self->efd,
				   MINIVMM_IOEVENTFD_PIO |
				   MINIVMM_IOEVENTFD_DATAMATCH, 2));
	GUEST_START(g, efd_pio, GUEST_LONG64);
	*param(g, EFD_P_N) = 3;
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 4);
	EXPECT_EQ(3, guest_io_data(g));
	EXPECT_EQ(0, efd_take(self->efd));
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 4);
	EXPECT_EQ(1, guest_io_data(g));
	EXPECT_EQ(1, efd_take(self->efd));
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 1);
	GUEST_RUN_REPORT(g, EFD_DONE);
	EXPECT_EQ(0, efd_take(self->efd));
}

/* Deassigned, the OUTs exit again; deassigning twice is ENOENT. */
TEST_F(plain, pio_deassign)
{
	struct guest *g = &self->g;
	uint32_t f = MINIVMM_IOEVENTFD_PIO;

	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_PORT, 4, self->efd, f, 0));
	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_PORT, 4, self->efd,
				   f | MINIVMM_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, set_ioeventfd(g->vm, EFD_PORT, 4, self->efd,
					 f | MINIVMM_IOEVENTFD_DEASSIGN, 0));
	GUEST_START(g, efd_pio, GUEST_LONG64);
	*param(g, EFD_P_N) = 2;
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 4);
	EXPECT_EQ(2, guest_io_data(g));
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 4);
	EXPECT_EQ(1, guest_io_data(g));
	GUEST_RUN_IO(g, MINIVMM_EXIT_IO_OUT, EFD_PORT, 1);
	GUEST_RUN_REPORT(g, EFD_DONE);
	EXPECT_EQ(0, efd_take(self->efd));
	/* And it can be assigned again. */
	EXPECT_EQ(0, set_ioeventfd(g->vm, EFD_PORT, 4, self->efd, f, 0));
}

/* The MMIO exits of efd_mmio.S that are not taken, in order. */
static void mmio_expect_write8(struct __test_metadata *_metadata,
			       struct guest *g)
{
	uint64_t data = 0;

	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(EFD_MMIO, g->run->mmio.phys_addr);
	EXPECT_EQ(8, g->run->mmio.len);
	EXPECT_EQ(1, g->run->mmio.is_write);
	memcpy(&data, g->run->mmio.data, 8);
	EXPECT_EQ(0x1122334455667788ULL, data);
}

static void mmio_expect_read(struct __test_metadata *_metadata,
			     struct guest *g)
{
	uint32_t v = 0xabcd1234;

	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(EFD_MMIO, g->run->mmio.phys_addr);
	EXPECT_EQ(4, g->run->mmio.len);
	ASSERT_EQ(0, g->run->mmio.is_write);
	memcpy(g->run->mmio.data, &v, 4);
	GUEST_RUN_REPORT(g, v);
}

/* 4-byte writes in the kernel; the 8-byte write and the read exit. */
TEST_F(plain, mmio_hit)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_MMIO, 4, self->efd, 0, 0));
	GUEST_START(g, efd_mmio, GUEST_LONG64);
	*param(g, EFD_P_N) = 4;
	mmio_expect_write8(_metadata, g);
	EXPECT_EQ(4, efd_take(self->efd));
	mmio_expect_read(_metadata, g);
	EXPECT_EQ(0, efd_take(self->efd));
}

/* Length 0 takes a write of any length, never a read. */
TEST_F(plain, mmio_any_length)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_MMIO, 0, self->efd, 0, 0));
	GUEST_START(g, efd_mmio, GUEST_LONG64);
	*param(g, EFD_P_N) = 3;
	mmio_expect_read(_metadata, g);
	EXPECT_EQ(4, efd_take(self->efd));
}

/* 8-byte datamatch: the 4-byte writes exit, the 8-byte one is taken. */
TEST_F(plain, mmio_datamatch)
{
	struct guest *g = &self->g;
	uint32_t i, data;

	ASSERT_EQ(0, set_ioeventfd(g->vm, EFD_MMIO, 8, self->efd,
				   MINIVMM_IOEVENTFD_DATAMATCH,
				   0x1122334455667788ULL));
	GUEST_START(g, efd_mmio, GUEST_LONG64);
	*param(g, EFD_P_N) = 2;
	for (i = 2; i > 0; i--) {
		GUEST_RUN_EXPECT(g, MINIVMM_EXIT_MMIO);
		EXPECT_EQ(4, g->run->mmio.len);
		EXPECT_EQ(1, g->run->mmio.is_write);
		memcpy(&data, g->run->mmio.data, 4);
		EXPECT_EQ(i, data);
	}
	mmio_expect_read(_metadata, g);
	EXPECT_EQ(1, efd_take(self->efd));
}

/* Every rule of MINIVMM_IOEVENTFD. */
TEST_F(plain, ioeventfd_invalid)
{
	static const struct {
		uint64_t addr;
		uint32_t len, flags;
		uint64_t datamatch;
		const char *why;
	} bad[] = {
		{ 0x100, 3, 0, 0, "length 3" },
		{ 0x100, 5, 0, 0, "length 5" },
		{ 0x100, 16, 0, 0, "length 16" },
		{ 0x100, ~0u, 0, 0, "length ~0" },
		{ 0x10, 8, MINIVMM_IOEVENTFD_PIO, 0, "PIO length 8" },
		{ 0x10, 0, MINIVMM_IOEVENTFD_PIO, 0, "PIO length 0" },
		{ 0x100, 0, MINIVMM_IOEVENTFD_DATAMATCH, 0,
		  "length 0 with DATAMATCH" },
		{ 0x100, 4, 1u << 3, 0, "flag bit 3" },
		{ 0x100, 4, 1u << 31, 0, "flag bit 31" },
		{ 0x100, 4, 0, 1, "datamatch without DATAMATCH" },
		{ 0x100, 1, MINIVMM_IOEVENTFD_DATAMATCH, 0x100,
		  "datamatch wider than 1 byte" },
		{ 0x100, 2, MINIVMM_IOEVENTFD_DATAMATCH, 0x10000,
		  "datamatch wider than 2 bytes" },
		{ 0x100, 4, MINIVMM_IOEVENTFD_DATAMATCH, 1ULL << 32,
		  "datamatch wider than 4 bytes" },
		{ 0x10000, 1, MINIVMM_IOEVENTFD_PIO, 0, "port 0x10000" },
		{ 0xffff, 2, MINIVMM_IOEVENTFD_PIO, 0, "ports past 0xffff" },
		{ 1ULL << 40, 1, MINIVMM_IOEVENTFD_PIO, 0, "port 2^40" },
		{ ~0ULL, 2, 0, 0, "MMIO wrapping around" },
		{ ~0ULL - 6, 8, 0, 0, "MMIO wrapping around, 8 bytes" },
	};
	struct minivmm_ioeventfd a;
	int vm = self->g.vm;
	size_t i;
	int p;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, set_ioeventfd(vm, bad[i].addr, bad[i].len,
						 self->efd, bad[i].flags,
						 bad[i].datamatch))
			TH_LOG("%s", bad[i].why);
		/* A deassign is checked the same way. */
		EXPECT_EQ(-EINVAL, set_ioeventfd(vm, bad[i].addr, bad[i].len,
						 self->efd, bad[i].flags |
						 MINIVMM_IOEVENTFD_DEASSIGN,
						 bad[i].datamatch))
			TH_LOG("deassign: %s", bad[i].why);
	}

	/* Each pad byte. */
	for (p = 0; p < 36; p++) {
		memset(&a, 0, sizeof(a));
		a.addr = 0x100;
		a.len = 4;
		a.fd = self->efd;
		a.pad[p] = 1;
		EXPECT_EQ(-1, ioctl(vm, MINIVMM_IOEVENTFD, &a)) TH_LOG("pad %d", p);
		EXPECT_EQ(EINVAL, errno) TH_LOG("pad %d", p);
	}

	/* The edges that are fine. */
	EXPECT_EQ(0, set_ioeventfd(vm, 0xfffc, 4, self->efd,
				   MINIVMM_IOEVENTFD_PIO, 0));
	EXPECT_EQ(0, set_ioeventfd(vm, ~0ULL - 7, 8, self->efd, 0, 0));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x200, 1, self->efd,
				   MINIVMM_IOEVENTFD_DATAMATCH, 0xff));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x200, 8, self->efd,
				   MINIVMM_IOEVENTFD_DATAMATCH, ~0ULL));

	errno = 0;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_IOEVENTFD, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* Which fd: an eventfd, nothing else. */
TEST_F(plain, ioeventfd_bad_fd)
{
	int vm = self->g.vm, pipefd[2];

	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-EINVAL, set_ioeventfd(vm, 0x100, 4, pipefd[0], 0, 0));
	EXPECT_EQ(-EINVAL, set_ioeventfd(vm, 0x100, 4, vm, 0, 0));
	EXPECT_EQ(-EBADF, set_ioeventfd(vm, 0x100, 4, -1, 0, 0));
	EXPECT_EQ(-EBADF, set_ioeventfd(vm, 0x100, 4, pipefd[1] + 100, 0, 0));
	EXPECT_EQ(-EINVAL, set_ioeventfd(vm, 0x100, 4, pipefd[0],
					 MINIVMM_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-EBADF, set_ioeventfd(vm, 0x100, 4, -1,
					MINIVMM_IOEVENTFD_DEASSIGN, 0));
	close(pipefd[0]);
	close(pipefd[1]);
}

/* KVM's collision rule, and a deassign must name exactly one. */
TEST_F(plain, ioeventfd_duplicates)
{
	const uint32_t pio = MINIVMM_IOEVENTFD_PIO;
	const uint32_t dm = MINIVMM_IOEVENTFD_DATAMATCH;
	const uint32_t de = MINIVMM_IOEVENTFD_DEASSIGN;
	int vm = self->g.vm, efd2 = efd_new();

	ASSERT_LE(0, efd2);
	ASSERT_EQ(0, set_ioeventfd(vm, 0x100, 4, self->efd, pio | dm, 1));
	EXPECT_EQ(-EEXIST, set_ioeventfd(vm, 0x100, 4, self->efd, pio | dm, 1));
	EXPECT_EQ(-EEXIST, set_ioeventfd(vm, 0x100, 4, efd2, pio | dm, 1));
	EXPECT_EQ(-EEXIST, set_ioeventfd(vm, 0x100, 4, efd2, pio, 0));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x100, 4, efd2, pio | dm, 2));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x100, 2, efd2, pio, 0));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x100, 4, efd2, 0, 0));	/* MMIO */
	EXPECT_EQ(-EEXIST, set_ioeventfd(vm, 0x100, 0, efd2, 0, 0));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x1000, 0, efd2, 0, 0));
	EXPECT_EQ(-EEXIST, set_ioeventfd(vm, 0x1000, 8, efd2, dm, 5));

	/* Not quite the one assigned: wrong datamatch, length, fd, space. */
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x100, 4, self->efd,
					 pio | dm | de, 3));
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x100, 4, self->efd,
					 pio | de, 0));
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x100, 1, self->efd,
					 pio | dm | de, 1));
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x100, 4, efd2,
					 pio | dm | de, 1));
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x100, 4, self->efd,
					 dm | de, 1));
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x104, 4, self->efd,
					 pio | dm | de, 1));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x100, 4, self->efd, pio | dm | de, 1));
	EXPECT_EQ(-ENOENT, set_ioeventfd(vm, 0x100, 4, self->efd,
					 pio | dm | de, 1));
	close(efd2);
}

/* At most MAX_IOEVENTFDS per VM. */
TEST_F(plain, ioeventfd_limit)
{
	int vm = self->g.vm, i;

	for (i = 0; i < MAX_IOEVENTFDS; i++)
		ASSERT_EQ(0, set_ioeventfd(vm, 0x10000000 + 8 * i, 4,
					   self->efd, 0, 0)) TH_LOG("#%d", i);
	EXPECT_EQ(-ENOSPC, set_ioeventfd(vm, 0x20000000, 4, self->efd, 0, 0));
	/* One freed, one more fits. */
	EXPECT_EQ(0, set_ioeventfd(vm, 0x10000000, 4, self->efd,
				   MINIVMM_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(0, set_ioeventfd(vm, 0x20000000, 4, self->efd, 0, 0));
}

/* IRQFD and SET_GSI_ROUTING need the irqchip; IOEVENTFD does not. */
TEST_F(plain, no_irqchip)
{
	struct minivmm_irq_routing_entry e = pin_route(0, 0);

	EXPECT_EQ(-ENXIO, set_irqfd(self->g.vm, self->efd, 0, 0, 0));
	EXPECT_EQ(-ENXIO, set_irqfd(self->g.vm, self->efd, 0,
				    MINIVMM_IRQFD_DEASSIGN, 0));
	EXPECT_EQ(-ENXIO, set_routing(self->g.vm, &e, 1));
	EXPECT_EQ(-ENXIO, set_routing(self->g.vm, NULL, 0));
}

/* GSI 5, the default route to pin 5, edge-triggered. */
TEST_F_TIMEOUT(chip, irqfd_pin, 90)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 5, 0, 0));
	IRQ_GUEST_START(g, 2, 5, EFD_VECTOR);
	IRQ_BY_WRITE(g, self->efd, 1);
	/* The irqfd consumed the count, as KVM's does. */
	EXPECT_EQ(0, efd_take(self->efd));
	IRQ_BY_WRITE(g, self->efd, 2);
}

/*
 * Level-triggered: an irqfd pulses the pin, so the EOI does not bring
 * the interrupt back (the guest reports 1, not 2, after one write).
 */
TEST_F_TIMEOUT(chip, irqfd_pin_level, 90)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 3, 0, 0));
	IRQ_GUEST_START(g, 2, 3, EFD_VECTOR | EFD_RTE_LEVEL);
	IRQ_BY_WRITE(g, self->efd, 1);
	IRQ_BY_WRITE(g, self->efd, 2);
}

/* A table: GSI 40 to pin 9, GSI 100 to an MSI. */
TEST_F_TIMEOUT(chip, irqfd_routes, 90)
{
	struct minivmm_irq_routing_entry e[] = {
		pin_route(40, 9), msi_route(100, EFD_VECTOR),
	};
	struct guest *g = &self->g;
	int efd2 = efd_new();

	ASSERT_LE(0, efd2);
	ASSERT_EQ(0, set_routing(g->vm, e, ARRAY_SIZE(e)));
	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 40, 0, 0));
	ASSERT_EQ(0, set_irqfd(g->vm, efd2, 100, 0, 0));
	IRQ_GUEST_START(g, 2, 9, EFD_VECTOR);
	IRQ_BY_WRITE(g, self->efd, 1);
	IRQ_BY_WRITE(g, efd2, 2);
	close(efd2);
}

/* An MSI route set after the irqfd: routes are looked up per write. */
TEST_F_TIMEOUT(chip, irqfd_msi_route_later, 90)
{
	struct minivmm_irq_routing_entry e = msi_route(7, EFD_VECTOR);
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 7, 0, 0));
	IRQ_GUEST_START(g, 1, EFD_NO_PIN, 0);
	/* No pin programmed, no MSI route yet: GSI 7 goes to masked pin 7. */
	ASSERT_EQ(0, efd_add(self->efd, 1));
	STAYS_HALTED(g, 300);
	ASSERT_EQ(0, set_routing(g->vm, &e, 1));
	IRQ_BY_WRITE(g, self->efd, 1);
}

/* Deassigned, a write stays in the eventfd and wakes nobody. */
TEST_F_TIMEOUT(chip, irqfd_deassign, 90)
{
	struct minivmm_irq_level line = { .irq = 5 };
	struct guest *g = &self->g;

	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 5, 0, 0));
	IRQ_GUEST_START(g, 2, 5, EFD_VECTOR);
	IRQ_BY_WRITE(g, self->efd, 1);

	EXPECT_EQ(-ENOENT, set_irqfd(g->vm, self->efd, 6,
				     MINIVMM_IRQFD_DEASSIGN, 0));
	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 5, MINIVMM_IRQFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, set_irqfd(g->vm, self->efd, 5,
				     MINIVMM_IRQFD_DEASSIGN, 0));
	ASSERT_EQ(0, efd_add(self->efd, 1));
	EXPECT_EQ(1, efd_take(self->efd));
	ASSERT_EQ(0, efd_add(self->efd, 1));
	STAYS_HALTED(g, 300);
	STAYS_HALTED(g, 300);

	/* The pin itself still works. */
	line.level = 1;
	ASSERT_EQ(0, ioctl(g->vm, MINIVMM_IRQ_LINE, &line));
	line.level = 0;
	ASSERT_EQ(0, ioctl(g->vm, MINIVMM_IRQ_LINE, &line));
	GUEST_RUN_REPORT(g, 2);
}

/* Closing the eventfd detaches its irqfd; a new one on the GSI works. */
TEST_F_TIMEOUT(chip, irqfd_close_eventfd, 90)
{
	struct guest *g = &self->g;
	int efd2, rfd;

	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 5, 0, 0));
	IRQ_GUEST_START(g, 2, 5, EFD_VECTOR);
	IRQ_BY_WRITE(g, self->efd, 1);
	close(self->efd);
	self->efd = efd_new();		/* likely the same number */
	ASSERT_LE(0, self->efd);
	/* The old irqfd is gone: nothing to deassign for the new eventfd. */
	EXPECT_EQ(-ENOENT, set_irqfd(g->vm, self->efd, 5,
				     MINIVMM_IRQFD_DEASSIGN, 0));
	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 5, 0, 0));
	IRQ_BY_WRITE(g, self->efd, 2);

	/*
	 * And a resampling one, closed while it holds its pin raised: the
	 * close lowers the pin (pin 11 is masked here, so nothing shows but
	 * a kernel that survives it).
	 */
	efd2 = efd_new();
	rfd = efd_new();
	ASSERT_LE(0, efd2);
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, set_irqfd(g->vm, efd2, 11, MINIVMM_IRQFD_RESAMPLE, rfd));
	ASSERT_EQ(0, efd_add(efd2, 1));
	close(efd2);
	EXPECT_EQ(-EBADF, set_irqfd(g->vm, efd2, 11, MINIVMM_IRQFD_DEASSIGN,
				    0));
	close(rfd);
}

/*
 * RESAMPLE on a level-triggered pin: the pin stays raised until the EOI,
 * which lowers it (the guest sees one interrupt per write, not a storm)
 * and signals the resample eventfd.
 */
TEST_F_TIMEOUT(chip, irqfd_resample, 90)
{
	struct guest *g = &self->g;
	int rfd = efd_new();

	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 7, MINIVMM_IRQFD_RESAMPLE,
			       rfd));
	IRQ_GUEST_START(g, 3, 7, EFD_VECTOR | EFD_RTE_LEVEL);
	EXPECT_EQ(0, efd_take(rfd));
	IRQ_BY_WRITE(g, self->efd, 1);
	EXPECT_EQ(1, efd_take(rfd));
	IRQ_BY_WRITE(g, self->efd, 2);
	EXPECT_EQ(1, efd_take(rfd));

	/*
	 * A write raises the pin and the interrupt is accepted; then the
	 * irqfd goes, and as the GSI's last resampler it lowers the pin: the
	 * EOI finds it low (else the interrupt would come back at once and
	 * the guest report 4) and signals no resample eventfd.
	 */
	ASSERT_EQ(0, efd_add(self->efd, 1));
	ASSERT_EQ(0, set_irqfd(g->vm, self->efd, 7, MINIVMM_IRQFD_DEASSIGN,
			       0));
	GUEST_RUN_REPORT(g, 3);
	EXPECT_EQ(0, efd_take(rfd));
	close(rfd);
}

/* The VM goes while irqfds are attached; their eventfds stay usable. */
TEST_F(chip, vm_close_with_irqfds)
{
	struct minivmm_irq_routing_entry e[] = {
		pin_route(1, 1), msi_route(2, EFD_VECTOR), pin_route(3, 3),
	};
	struct guest *g = &self->g;
	int fds[4], rfd = efd_new(), i;

	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, set_routing(g->vm, e, ARRAY_SIZE(e)));
	for (i = 0; i < 4; i++) {
		fds[i] = efd_new();
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(0, set_irqfd(g->vm, fds[0], 1, 0, 0));
	ASSERT_EQ(0, set_irqfd(g->vm, fds[1], 2, 0, 0));
	ASSERT_EQ(0, set_irqfd(g->vm, fds[2], 3, MINIVMM_IRQFD_RESAMPLE, rfd));
	ASSERT_EQ(0, set_irqfd(g->vm, fds[3], 900, 0, 0));	/* no route */
	ASSERT_EQ(0, efd_add(fds[0], 1));
	ASSERT_EQ(0, efd_add(fds[2], 1));
	ASSERT_EQ(0, set_ioeventfd(g->vm, 0x100, 4, fds[0],
				   MINIVMM_IOEVENTFD_PIO, 0));

	guest_close(g);		/* the last fds of the VM */

	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, efd_take(fds[i]));
		EXPECT_EQ(0, efd_add(fds[i], 1));
		/* Nobody consumes it any more. */
		EXPECT_EQ(1, efd_take(fds[i])) TH_LOG("eventfd %d", i);
		close(fds[i]);
	}
	close(rfd);
}

/* Every rule of MINIVMM_IRQFD. */
TEST_F(chip, irqfd_invalid)
{
	struct minivmm_irqfd a;
	int vm = self->g.vm, pipefd[2], efd2 = efd_new(), p;

	ASSERT_LE(0, efd2);
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, NR_GSIS, 0, 0));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, ~0u, 0, 0));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, 0, 1u << 2, 0));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, 0, 1u << 31, 0));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, 0, 0, efd2));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, 0,
				     MINIVMM_IRQFD_DEASSIGN |
				     MINIVMM_IRQFD_RESAMPLE, efd2));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, 0,
				     MINIVMM_IRQFD_DEASSIGN, efd2));
	for (p = 0; p < 16; p++) {
		memset(&a, 0, sizeof(a));
		a.fd = self->efd;
		a.pad[p] = 0x80;
		EXPECT_EQ(-1, ioctl(vm, MINIVMM_IRQFD, &a)) TH_LOG("pad %d", p);
		EXPECT_EQ(EINVAL, errno) TH_LOG("pad %d", p);
	}

	/* Not an eventfd, not an fd. */
	EXPECT_EQ(-EINVAL, set_irqfd(vm, pipefd[0], 0, 0, 0));
	EXPECT_EQ(-EBADF, set_irqfd(vm, pipefd[1] + 100, 0, 0, 0));
	EXPECT_EQ(-EBADF, set_irqfd(vm, -1, 0, 0, 0));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, self->efd, 0,
				     MINIVMM_IRQFD_RESAMPLE, pipefd[0]));
	EXPECT_EQ(-EBADF, set_irqfd(vm, self->efd, 0,
				    MINIVMM_IRQFD_RESAMPLE, pipefd[1] + 100));
	EXPECT_EQ(-EINVAL, set_irqfd(vm, pipefd[0], 0,
				     MINIVMM_IRQFD_DEASSIGN, 0));

	/* One GSI per eventfd; the highest GSI is fine without a route. */
	EXPECT_EQ(0, set_irqfd(vm, self->efd, NR_GSIS - 1, 0, 0));
	EXPECT_EQ(-EBUSY, set_irqfd(vm, self->efd, 3, 0, 0));
	EXPECT_EQ(-EBUSY, set_irqfd(vm, self->efd, NR_GSIS - 1, 0, 0));
	EXPECT_EQ(0, set_irqfd(vm, efd2, NR_GSIS - 1, 0, 0));
	EXPECT_EQ(-ENOENT, set_irqfd(vm, self->efd, 3,
				     MINIVMM_IRQFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, set_irqfd(vm, efd2, 0, MINIVMM_IRQFD_DEASSIGN, 0));

	errno = 0;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_IRQFD, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(pipefd[0]);
	close(pipefd[1]);
	close(efd2);
}

/* At most MAX_IRQFDS per VM (each needs its own eventfd). */
TEST_F(chip, irqfd_limit)
{
	struct rlimit rl;
	int fds[MAX_IRQFDS + 1], i, n = 0;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_cur < MAX_IRQFDS + 64) {
		rl.rlim_cur = MAX_IRQFDS + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			SKIP(return, "RLIMIT_NOFILE below %d", MAX_IRQFDS + 64);
	}
	for (n = 0; n <= MAX_IRQFDS; n++) {
		fds[n] = efd_new();
		ASSERT_LE(0, fds[n]) TH_LOG("eventfd #%d", n);
	}
	for (i = 0; i < MAX_IRQFDS; i++)
		ASSERT_EQ(0, set_irqfd(self->g.vm, fds[i], i % NR_GSIS, 0, 0))
			TH_LOG("irqfd #%d", i);
	EXPECT_EQ(-ENOSPC, set_irqfd(self->g.vm, fds[MAX_IRQFDS], 0, 0, 0));
	/* A closed eventfd frees its place. */
	close(fds[0]);
	EXPECT_EQ(0, set_irqfd(self->g.vm, fds[MAX_IRQFDS], 0, 0, 0));
	for (i = 1; i <= MAX_IRQFDS; i++)
		close(fds[i]);
}

/* Every rule of MINIVMM_SET_GSI_ROUTING. */
TEST_F(chip, routing_invalid)
{
	struct minivmm_irq_routing_entry good = pin_route(0, 0), e[2];
	struct minivmm_irq_routing_entry bad[24];
	struct minivmm_irq_routing *r;
	int vm = self->g.vm, n = 0, i;
	char *page;

#define BAD(entry, what) do { bad[n] = (entry); what; n++; } while (0)
	BAD(pin_route(NR_GSIS, 0), );
	BAD(pin_route(~0u, 0), );
	BAD(pin_route(1, 24), );
	BAD(pin_route(1, ~0u), );
	BAD(pin_route(1, 1), bad[n].u.irqchip.irqchip = 0);
	BAD(pin_route(1, 1), bad[n].u.irqchip.irqchip = 1);
	BAD(pin_route(1, 1), bad[n].u.irqchip.irqchip = 3);
	BAD(pin_route(1, 1), bad[n].type = 0);
	BAD(pin_route(1, 1), bad[n].type = 3);
	BAD(pin_route(1, 1), bad[n].type = ~0u);
	BAD(pin_route(1, 1), bad[n].flags = 1);
	BAD(pin_route(1, 1), bad[n].flags = 1u << 31);
	BAD(pin_route(1, 1), bad[n].pad = 1);
	BAD(pin_route(1, 1), bad[n].u.pad[2] = 1);
	BAD(pin_route(1, 1), bad[n].u.pad[7] = 1);
	BAD(msi_route(1, 0x40), bad[n].u.msi.devid = 1);
	BAD(msi_route(1, 0x40), bad[n].u.pad[4] = 1);
	BAD(msi_route(1, 0x40), bad[n].u.msi.address_lo = 0xfed00000);
	BAD(msi_route(1, 0x40), bad[n].u.msi.address_hi = 1);
	BAD(msi_route(1, 0x40), bad[n].u.msi.data = 0x340);
	BAD(msi_route(1, 0x40), bad[n].flags = 1);
#undef BAD
	for (i = 0; i < n; i++) {
		e[0] = good;
		e[1] = bad[i];
		EXPECT_EQ(-EINVAL, set_routing(vm, e, 2)) TH_LOG("entry %d", i);
	}

	/* One route per GSI. */
	e[0] = pin_route(4, 4);
	e[1] = msi_route(4, 0x40);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 2));

	/* Flags, and more entries than GSIs. */
	r = calloc(1, sizeof(*r) + sizeof(good));
	ASSERT_NE(NULL, r);
	r->nr = 1;
	r->entries[0] = good;
	r->flags = 1;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_SET_GSI_ROUTING, r));
	EXPECT_EQ(EINVAL, errno);
	r->flags = 0;
	r->nr = NR_GSIS + 1;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_SET_GSI_ROUTING, r));
	EXPECT_EQ(EINVAL, errno);
	r->nr = ~0u;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_SET_GSI_ROUTING, r));
	EXPECT_EQ(EINVAL, errno);
	r->nr = 1;
	EXPECT_EQ(0, ioctl(vm, MINIVMM_SET_GSI_ROUTING, r));
	free(r);

	/* Entries past the end of readable memory. */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, mprotect(page + 4096, 4096, PROT_NONE));
	r = (void *)(page + 4096 - sizeof(*r));
	r->nr = 1;
	r->flags = 0;
	errno = 0;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_SET_GSI_ROUTING, r));
	EXPECT_EQ(EFAULT, errno);
	munmap(page, 8192);
	errno = 0;
	EXPECT_EQ(-1, ioctl(vm, MINIVMM_SET_GSI_ROUTING, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* The sizes that are fine: none, and one route for every GSI. */
TEST_F(chip, routing_sizes)
{
	struct minivmm_irq_routing_entry *e;
	int i;

	EXPECT_EQ(0, set_routing(self->g.vm, NULL, 0));
	e = calloc(NR_GSIS, sizeof(*e));
	ASSERT_NE(NULL, e);
	for (i = 0; i < NR_GSIS; i++)
		e[i] = i % 2 ? msi_route(i, 0x20 + i % 0xd0) :
			       pin_route(i, i % 24);
	EXPECT_EQ(0, set_routing(self->g.vm, e, NR_GSIS));
	free(e);
}

/*
 * Two threads write an irqfd's eventfd while a third assigns and
 * deassigns it and the guest takes what arrives, for about a second.
 */
struct stress {
	struct guest *g;
	int efd;
	atomic_int stop;
	atomic_int errors;
	atomic_long writes, toggles;
	uint32_t last_count;
	int run_err;
};

static void *stress_writer(void *arg)
{
	struct stress *s = arg;
	uint64_t one = 1;

	while (!atomic_load(&s->stop)) {
		/* EAGAIN only if the count saturates, which it cannot here. */
		if (write(s->efd, &one, sizeof(one)) != sizeof(one))
			atomic_fetch_add(&s->errors, 1);
		atomic_fetch_add(&s->writes, 1);
	}
	return NULL;
}

static void *stress_toggler(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		if (set_irqfd(s->g->vm, s->efd, 5, 0, 0) ||
		    set_irqfd(s->g->vm, s->efd, 5, MINIVMM_IRQFD_DEASSIGN, 0))
			atomic_fetch_add(&s->errors, 1);
		atomic_fetch_add(&s->toggles, 1);
	}
	return NULL;
}

static void *stress_vcpu(void *arg)
{
	struct stress *s = arg;
	int r;

	while (!atomic_load(&s->stop)) {
		r = guest_run(s->g);
		if (r == -EINTR)
			continue;
		if (r || s->g->run->exit_reason != MINIVMM_EXIT_IO ||
		    s->g->run->io.port != PORT_REPORT) {
			s->run_err = r ? r : -EPROTO;
			break;
		}
		s->last_count = guest_io_data(s->g);
	}
	return NULL;
}

TEST_F_TIMEOUT(chip, irqfd_stress, 120)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	pthread_t w[2], t, v;
	struct stress s = { .g = &self->g, .efd = self->efd };
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	IRQ_GUEST_START(&self->g, ~0u, 5, EFD_VECTOR);
	ASSERT_EQ(0, pthread_create(&v, NULL, stress_vcpu, &s));
	ASSERT_EQ(0, pthread_create(&t, NULL, stress_toggler, &s));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&w[i], NULL, stress_writer, &s));
	sleep_ms(1000);
	atomic_store(&s.stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	pthread_join(t, NULL);
	/* The vCPU may sleep in HLT with nothing to wake it: a signal. */
	for (i = 0; i < 100 && pthread_tryjoin_np(v, NULL); i++) {
		pthread_kill(v, SIGUSR1);
		sleep_ms(50);
	}
	ASSERT_LT(i, 100) TH_LOG("the vCPU thread did not stop");

	TH_LOG("%ld writes, %ld assign/deassign pairs, %u interrupts",
	       atomic_load(&s.writes), atomic_load(&s.toggles), s.last_count);
	EXPECT_EQ(0, atomic_load(&s.errors));
	EXPECT_EQ(0, s.run_err) TH_LOG("RUN: %s", strerror(-s.run_err));
	EXPECT_LT(0, atomic_load(&s.toggles));
	/* Both sides ran; a write landed while assigned at least once. */
	EXPECT_LT(0, s.last_count);
	/* Whatever state the race left, the pair still works. */
	ASSERT_EQ(0, set_irqfd(self->g.vm, self->efd, 5, 0, 0));
	ASSERT_EQ(0, set_irqfd(self->g.vm, self->efd, 5,
			       MINIVMM_IRQFD_DEASSIGN, 0));
}

TEST_HARNESS_MAIN
