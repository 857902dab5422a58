/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eventfd_test.c's helpers: a VM with an irqchip (guest_open()'s steps
 * with MINIVMM_CREATE_IRQCHIP first), wrappers of the three ioctls and of
 * eventfds, and a watchdog thread for guests that wait for interrupts.
 * Functions return 0 or -errno and never assert.
 */
#ifndef MINIVMM_EFD_UTIL_H
#define MINIVMM_EFD_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/minivmm.h>

#include "guest.h"

/* ioctl wrappers: 0 or -errno. */
static int set_ioeventfd(int vm, uint64_t addr, uint32_t len, int fd,
			 uint32_t flags, uint64_t datamatch)
{
	struct minivmm_ioeventfd a = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = flags,
	};

	return ioctl(vm, MINIVMM_IOEVENTFD, &a) < 0 ? -errno : 0;
}

static int set_irqfd(int vm, int fd, uint32_t gsi, uint32_t flags,
		     int resamplefd)
{
	struct minivmm_irqfd a = {
		.fd = fd, .gsi = gsi, .flags = flags, .resamplefd = resamplefd,
	};

	return ioctl(vm, MINIVMM_IRQFD, &a) < 0 ? -errno : 0;
}

static int set_routing(int vm, const struct minivmm_irq_routing_entry *e,
		       uint32_t nr)
{
	struct minivmm_irq_routing *r;
	int ret;

	r = calloc(1, sizeof(*r) + (nr + 1) * sizeof(*e));
	if (!r)
		return -ENOMEM;
	r->nr = nr;
	if (nr)
		memcpy(r->entries, e, nr * sizeof(*e));
	ret = ioctl(vm, MINIVMM_SET_GSI_ROUTING, r) < 0 ? -errno : 0;
	free(r);
	return ret;
}

static struct minivmm_irq_routing_entry pin_route(uint32_t gsi, uint32_t pin)
{
	struct minivmm_irq_routing_entry e = {
		.gsi = gsi, .type = MINIVMM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = MINIVMM_IRQCHIP_IOAPIC, .pin = pin },
	};

	return e;
}

/* An MSI to APIC 0, fixed, edge (SDM Vol. 3A 11.11). */
static struct minivmm_irq_routing_entry msi_route(uint32_t gsi, uint8_t vector)
{
	struct minivmm_irq_routing_entry e = {
		.gsi = gsi, .type = MINIVMM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = 0xfee00000, .data = vector },
	};

	return e;
}

static int efd_new(void)
{
	return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

/* The eventfd's count (reading resets it), 0 if none, -errno. */
static int64_t efd_take(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return errno == EAGAIN ? 0 : -errno;
	return v;
}

static int efd_add(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -errno;
}

static uint32_t *param(struct guest *g, uint64_t gpa)
{
	return guest_gpa(g, gpa, 4);
}

/*
 * A helper thread that writes an eventfd after @write_ms (unless fd < 0)
 * and, if the main thread has not said it is done @kick_ms later, sends
 * it SIGUSR1, which ends a MINIVMM_RUN with EINTR: a missing interrupt
 * fails the test instead of hanging it.  One at a time, in static
 * storage: a failed ASSERT leaves the test function with the thread still
 * running.
 */
struct kicker {
	pthread_t thread, target;
	int fd;
	int write_ms, kick_ms;
	atomic_int done;
	int write_err;
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *kicker_fn(void *arg)
{
	struct kicker *k = arg;
	int waited;

	sleep_ms(k->write_ms);
	if (k->fd >= 0)
		k->write_err = efd_add(k->fd, 1);
	for (waited = 0; waited < k->kick_ms && !atomic_load(&k->done);
	     waited += 10)
		sleep_ms(10);
	if (!atomic_load(&k->done))
		pthread_kill(k->target, SIGUSR1);
	return NULL;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static int kicker_start(struct kicker *k, int fd, int write_ms, int kick_ms)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };

	/* No SA_RESTART: the signal must end the RUN. */
	sigaction(SIGUSR1, &sa, NULL);
	memset(k, 0, sizeof(*k));
	k->target = pthread_self();
	k->fd = fd;
	k->write_ms = write_ms;
	k->kick_ms = kick_ms;
	return -pthread_create(&k->thread, NULL, kicker_fn, k);
}

static void kicker_stop(struct kicker *k)
{
	atomic_store(&k->done, 1);
	pthread_join(k->thread, NULL);
}

#endif /* MINIVMM_EFD_UTIL_H */
