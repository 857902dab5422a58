// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's device fast paths (fuzz.h): MINIVMM_IOEVENTFD and
 * MINIVMM_IRQFD, assigned and deassigned with eventfds each worker owns;
 * writes to those eventfds (an irqfd raises its GSI in the writer's
 * context, while another worker may be in RUN); closing them while they
 * are assigned (an irqfd goes with its eventfd, an ioeventfd stays); and
 * MINIVMM_SET_GSI_ROUTING with random tables, valid and not.
 *
 * Which ioeventfds and irqfds a VM holds decides EEXIST, EBUSY, ENOENT and
 * ENOSPC, so the fuzzer keeps a copy of them per slot (struct
 * fz_assigned), changed only under fz->lock together with the ioctl or
 * the close() that changes the VM's: the copy is exact whatever the
 * number of workers.  An eventfd is known by an id that a reopen changes,
 * as the kernel matches eventfds, not fd numbers.  The routing ioctl
 * waits for an RCU grace period, so it runs outside the lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include <linux/minivmm.h>

#include "fuzz_vmm.h"
#include "guests/apic.h"

#define E(e)		FZ_E(e)
#define PIO_PORTS	0x10000
#define MAX_GSIS	4096		/* the routing check's bitmap */

static uint32_t nonzero_u32(struct fz_rng *g)
{
	uint32_t v = fz_u64(g);

	return v ? v : 1;
}

static void efd_open(struct fz_worker *w, int i)
{
	w->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->efd_id[i] = __atomic_add_fetch(&w->fz->efd_seq, 1, __ATOMIC_RELAXED);
	if (w->efd[i] < 0)
		fz_fail(w->fz, "eventfd: %s", strerror(errno));
}

void fz_efd_init(struct fz_worker *w)
{
	int i;

	for (i = 0; i < FZ_EFDS; i++)
		efd_open(w, i);
}

/* The worker's eventfd with id @id, or -1. */
static int efd_by_id(struct fz_worker *w, uint32_t id)
{
	int i;

	for (i = 0; i < FZ_EFDS; i++)
		if (w->efd_id[i] == id)
			return i;
	return -1;
}

/*
 * Close an eventfd, maybe assigned, and open a new one.  The release of
 * its last fd unhooks its irqfds from every VM before close() returns
 * (api.rst); its ioeventfds hold their own reference and stay.
 */
static void efd_reopen(struct fz_worker *w, int i)
{
	struct fz *fz = w->fz;
	struct fz_assigned *a;
	unsigned int v, k;

	pthread_mutex_lock(&fz->lock);
	close(w->efd[i]);
	for (v = 0; v < FZ_MAX_VMS; v++) {
		a = &fz->vm[v].efds;
		for (k = 0; k < a->nirq; )
			if (a->irq[k].efd == w->efd_id[i])
				a->irq[k] = a->irq[--a->nirq];
			else
				k++;
	}
	pthread_mutex_unlock(&fz->lock);
	efd_open(w, i);
}

/* Writes (an irqfd raises its GSI now), reads, a close while assigned. */
static void op_eventfd(struct fz_worker *w)
{
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	int i = fz_below(g, FZ_EFDS), err;
	uint64_t v = 1;
	ssize_t n;
	bool bad;

	fz_count(fz, FZ_EVENTFD);
	switch (fz_below(g, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		if (fz_chance(g, 15))
			v = fz_chance(g, 50) ? fz_u64(g) : ~0ULL;
		n = write(w->efd[i], &v, sizeof(v));
		err = errno;
		/* eventfd(2): 2^64 - 1 is refused; a full counter would block. */
		bad = v == ~0ULL ? !(n < 0 && err == EINVAL) :
		      n != sizeof(v) && !(n < 0 && err == EAGAIN);
		break;
	case 6: case 7:
		n = read(w->efd[i], &v, sizeof(v));
		err = errno;
		bad = n != sizeof(v) && !(n < 0 && err == EAGAIN);
		break;
	case 8:
		n = write(w->efd[i], &v, 4);
		err = errno;
		bad = !(n < 0 && err == EINVAL);
		break;
	default:
		efd_reopen(w, i);
		return;
	}
	if (n < 0)
		__atomic_add_fetch(&fz->sh->errors[FZ_EVENTFD], 1, __ATOMIC_RELAXED);
	if (bad)
		fz_fail(fz, "eventfd %d (value %#llx): %zd, errno %d", w->efd[i],
			(unsigned long long)v, n, n < 0 ? err : 0);
}

/*
 * An fd for a request: one of the worker's eventfds mostly (@slot), else
 * one that is not open or not an eventfd, which adds its errno to @fail.
 * Under fz->lock, where the table's fds are open.
 */
static int pick_fd(struct fz_worker *w, struct fz_vm *vm, int *slot, uint64_t *fail)
{
	struct fz_rng *g = &w->rng;

	*slot = fz_below(g, FZ_EFDS);
	switch (fz_below(g, 25)) {
	case 0:
		*fail |= E(EBADF);
		return -1;
	case 1:
		*fail |= E(EBADF);
		return 1000000 + fz_below(g, 1000);	/* past any fd table */
	case 2:
		*fail |= E(EINVAL);
		return fz_chance(g, 50) || vm->fd < 0 ? w->fz->sys : vm->fd;
	default:
		return w->efd[*slot];
	}
}

/* An address a guest writes: a port it uses, its hot MMIO, the APICs. */
static uint64_t io_addr(struct fz_rng *g, bool pio)
{
	if (pio) {
		switch (fz_below(g, 6)) {
		case 0: case 1:
			return PORT_REPORT;
		case 2: case 3:
			return fz_below(g, 256);
		case 4:
			return PIO_PORTS - 1 - fz_below(g, 4);
		default:
			return fz_u64(g);
		}
	}
	switch (fz_below(g, 8)) {
	case 0: case 1: case 2: case 3:
		return FZ_MMIO_HOT(fz_below(g, 16));
	case 4:
		return APIC_BASE + (fz_apic_reg(g) & 0x3f0);
	case 5:
		return IOAPIC_BASE + (fz_chance(g, 50) ? IOAPIC_WIN : IOAPIC_REGSEL);
	case 6:
		return GUEST_DATA;		/* RAM: never a hit */
	default:
		return fz_u64(g);
	}
}

static uint32_t io_len(struct fz_rng *g, bool pio)
{
	static const uint8_t lens[] = { 1, 2, 4, 4, 0, 8 };

	if (fz_chance(g, 90))
		return lens[fz_below(g, pio ? 4 : 6)];
	return fz_chance(g, 70) ? fz_below(g, 17) : (uint32_t)fz_u64(g);
}

/* What api.rst refuses in an ioeventfd request, whatever the VM holds. */
static bool io_bad(const struct minivmm_ioeventfd *a)
{
	static const uint8_t zero[sizeof(a->pad)];
	bool pio = a->flags & MINIVMM_IOEVENTFD_PIO;
	bool match = a->flags & MINIVMM_IOEVENTFD_DATAMATCH;

	if ((a->flags & ~(MINIVMM_IOEVENTFD_DATAMATCH | MINIVMM_IOEVENTFD_PIO |
			  MINIVMM_IOEVENTFD_DEASSIGN)) ||
	    memcmp(a->pad, zero, sizeof(zero)))
		return true;
	switch (a->len) {
	case 0:
		if (pio || match)
			return true;
		break;
	case 1: case 2: case 4:
		break;
	case 8:
		if (pio)
			return true;
		break;
	default:
		return true;
	}
	if (match ? a->len < 8 && a->datamatch >> (a->len * 8) : a->datamatch != 0)
		return true;
	if (pio)
		return a->addr >= PIO_PORTS || a->addr + a->len > PIO_PORTS;
	return a->addr + (a->len ? a->len : 1) - 1 < a->addr;
}

/* A write could match both (api.rst, EEXIST). */
static bool io_collide(const struct fz_ioeventfd *x, const struct fz_ioeventfd *y)
{
	return x->pio == y->pio && x->addr == y->addr &&
	       (!x->len || !y->len ||
		(x->len == y->len && (x->wildcard || y->wildcard ||
				      x->datamatch == y->datamatch)));
}

/* The request built: one of the VM's to take back, or a new one. */
static void io_build(struct fz_worker *w, struct fz_vm *vm,
		     struct minivmm_ioeventfd *a, uint64_t *fail)
{
	struct fz_assigned *as = &vm->efds;
	struct fz_rng *g = &w->rng;
	bool deassign = fz_chance(g, 35), pio;
	struct fz_ioeventfd *e;
	int slot;

	memset(a, 0, sizeof(*a));
	if (deassign && as->nio && fz_chance(g, 70)) {
		e = &as->io[fz_below(g, as->nio)];
		slot = efd_by_id(w, e->efd);
		a->fd = w->efd[slot >= 0 ? slot : (int)fz_below(g, FZ_EFDS)];
		a->addr = e->addr;
		a->len = e->len;
		a->datamatch = e->datamatch;
		a->flags = (e->pio ? MINIVMM_IOEVENTFD_PIO : 0) |
			   (e->wildcard ? 0 : MINIVMM_IOEVENTFD_DATAMATCH);
	} else {
		pio = fz_chance(g, 50);
		a->fd = pick_fd(w, vm, &slot, fail);
		a->addr = io_addr(g, pio);
		a->len = io_len(g, pio);
		a->flags = pio ? MINIVMM_IOEVENTFD_PIO : 0;
		if (fz_chance(g, 40)) {
			a->flags |= MINIVMM_IOEVENTFD_DATAMATCH;
			a->datamatch = fz_chance(g, 60) ? fz_below(g, 4) : fz_u64(g);
			if (a->len && a->len < 8 && fz_chance(g, 80))
				a->datamatch &= (1ULL << (a->len * 8)) - 1;
		}
	}
	if (deassign)
		a->flags |= MINIVMM_IOEVENTFD_DEASSIGN;
	switch (fz_below(g, 40)) {
	case 0:
		a->flags |= 1u << fz_below(g, 32);
		break;
	case 1:
		a->pad[fz_below(g, sizeof(a->pad))] = 1 + fz_below(g, 255);
		break;
	case 2:
		a->datamatch = fz_u64(g);
		break;
	case 3:
		a->addr = fz_u64(g);
		break;
	}
}

/*
 * Assign or deassign; what the VM holds says which of EEXIST, ENOENT,
 * ENOSPC or success.  Any number of the worker's eventfds, assigned or
 * not, closed or not.
 */
static void op_ioeventfd(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_ioeventfd *a = (void *)w->buf;
	struct fz_assigned *as = &vm->efds;
	struct fz *fz = w->fz;
	struct fz_ioeventfd x;
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	uint64_t fdfail = 0;
	unsigned int k, found;
	int slot;
	long r;

	pthread_mutex_lock(&fz->lock);
	if (vm->fd < 0)
		goto out;
	found = as->nio;
	io_build(w, vm, a, &fdfail);
	x.addr = a->addr;
	x.datamatch = a->datamatch;
	x.len = a->len;
	x.pio = a->flags & MINIVMM_IOEVENTFD_PIO;
	x.wildcard = !(a->flags & MINIVMM_IOEVENTFD_DATAMATCH);
	slot = -1;
	for (k = 0; k < FZ_EFDS; k++)
		if (w->efd[k] == a->fd)
			slot = k;
	x.efd = slot >= 0 ? w->efd_id[slot] : 0;

	fz_want_init(w, &want, true);
	want.fail = fdfail | (io_bad(a) ? E(EINVAL) : 0);
	if (!want.fail && (a->flags & MINIVMM_IOEVENTFD_DEASSIGN)) {
		for (k = 0; k < as->nio && found == as->nio; k++)
			if (as->io[k].efd == x.efd && as->io[k].pio == x.pio &&
			    as->io[k].addr == x.addr && as->io[k].len == x.len &&
			    as->io[k].wildcard == x.wildcard &&
			    (x.wildcard || as->io[k].datamatch == x.datamatch))
				found = k;
		if (found == as->nio)
			want.fail |= E(ENOENT);
	} else if (!want.fail) {
		if (as->nio >= FZ_MAX_IOEVENTFDS)
			want.fail |= E(ENOSPC);
		for (k = 0; k < as->nio; k++)
			if (io_collide(&as->io[k], &x))
				want.fail |= E(EEXIST);
	}
	/* A shifted request would change the VM unseen: a bad one instead. */
	p = fz_ptr_kind(w, a, sizeof(*a), &kind);
	if (kind != FZ_PTR_OK) {
		p = (unsigned long)fz->hole;
		want.fail |= E(EFAULT);
	}
	r = fz_call(w, FZ_IOEVENTFD, vm->fd, MINIVMM_IOEVENTFD, p, a, sizeof(*a), &want);
	if (r || want.fail)
		goto out;
	if (a->flags & MINIVMM_IOEVENTFD_DEASSIGN)
		as->io[found] = as->io[--as->nio];
	else
		as->io[as->nio++] = x;
out:
	pthread_mutex_unlock(&fz->lock);
}

/* GSIs: the pins' mostly, any, and past the last. */
static uint32_t pick_gsi(struct fz_rng *g, struct fz *fz)
{
	if (fz_chance(g, 70))
		return fz_below(g, fz->pins);
	if (fz_chance(g, 60))
		return fz_below(g, fz->nr_gsis);
	return fz_chance(g, 50) ? fz->nr_gsis + fz_below(g, 16) : (uint32_t)fz_u64(g);
}

/*
 * Assign (with RESAMPLE sometimes, its resample eventfd maybe the same
 * one) or deassign an irqfd; what the VM holds says which of EBUSY,
 * ENOENT or success.
 */
static void op_irqfd(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_irqfd *a = (void *)w->buf;
	struct fz_assigned *as = &vm->efds;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	bool deassign = fz_chance(g, 30), resample;
	uint64_t fdfail = 0, rsfail = 0;
	unsigned int k, found;
	struct fz_want want;
	int slot, rslot;
	uint32_t id;
	long r;

	pthread_mutex_lock(&fz->lock);
	if (vm->fd < 0)
		goto out;
	memset(a, 0, sizeof(*a));
	found = as->nirq;
	/* Mostly one the VM holds, when deassigning. */
	k = as->nirq ? fz_below(g, as->nirq) : 0;
	slot = as->nirq ? efd_by_id(w, as->irq[k].efd) : -1;
	if (deassign && slot >= 0 && fz_chance(g, 60)) {
		a->fd = w->efd[slot];
		a->gsi = as->irq[k].gsi;
	} else {
		a->fd = pick_fd(w, vm, &slot, &fdfail);
		a->gsi = pick_gsi(g, fz);
	}
	id = fdfail ? 0 : w->efd_id[slot];
	a->flags = deassign ? MINIVMM_IRQFD_DEASSIGN :
		   fz_chance(g, 35) ? MINIVMM_IRQFD_RESAMPLE : 0;
	if ((a->flags & MINIVMM_IRQFD_RESAMPLE) && fz_chance(g, 10)) {
		a->resamplefd = a->fd;		/* its own resample eventfd */
		rsfail = fdfail;
	} else if (a->flags & MINIVMM_IRQFD_RESAMPLE) {
		a->resamplefd = pick_fd(w, vm, &rslot, &rsfail);
	}
	/* Refused whatever the fds are: no new fd to classify. */
	switch (fz_below(g, 40)) {
	case 0:
		a->flags |= 4u << fz_below(g, 30);
		break;
	case 1:
		a->pad[fz_below(g, sizeof(a->pad))] = 1 + fz_below(g, 255);
		break;
	case 2:
		if (!(a->flags & MINIVMM_IRQFD_RESAMPLE))
			a->resamplefd = 1 + fz_below(g, 1000);
		break;
	case 3:
		if (deassign)
			a->flags |= MINIVMM_IRQFD_RESAMPLE;
		break;
	}
	resample = a->flags & MINIVMM_IRQFD_RESAMPLE;

	fz_want_init(w, &want, true);
	for (k = 0; k < sizeof(a->pad) && !a->pad[k]; k++)
		;
	if ((a->flags & ~(MINIVMM_IRQFD_DEASSIGN | MINIVMM_IRQFD_RESAMPLE)) ||
	    k < sizeof(a->pad) || a->gsi >= fz->nr_gsis ||
	    ((a->flags & MINIVMM_IRQFD_DEASSIGN) && resample) ||
	    (!resample && a->resamplefd))
		want.fail |= E(EINVAL);
	want.fail |= fdfail | (resample ? rsfail : 0);
	if (!want.fail && vm->irqchip && (a->flags & MINIVMM_IRQFD_DEASSIGN)) {
		for (k = 0; k < as->nirq && found == as->nirq; k++)
			if (as->irq[k].efd == id && as->irq[k].gsi == a->gsi)
				found = k;
		if (found == as->nirq)
			want.fail |= E(ENOENT);
	} else if (!want.fail && vm->irqchip) {
		if (as->nirq >= FZ_MAX_IRQFDS)
			want.fail |= E(ENOSPC);
		for (k = 0; k < as->nirq; k++)
			if (as->irq[k].efd == id)
				want.fail |= E(EBUSY);
	}
	fz_want_chip(&want, vm->irqchip);
	if (fz_chance(g, 3)) {
		want.fail |= E(EFAULT);
		r = fz_call(w, FZ_IRQFD, vm->fd, MINIVMM_IRQFD, (unsigned long)fz->hole,
			    a, sizeof(*a), &want);
		goto out;
	}
	r = fz_call(w, FZ_IRQFD, vm->fd, MINIVMM_IRQFD, (unsigned long)a, a,
		    sizeof(*a), &want);
	if (r || want.fail)
		goto out;
	if (a->flags & MINIVMM_IRQFD_DEASSIGN)
		as->irq[found] = as->irq[--as->nirq];
	else
		as->irq[as->nirq++] = (struct fz_irqfd){ .efd = id, .gsi = a->gsi };
out:
	pthread_mutex_unlock(&fz->lock);
}

/* What SET_GSI_ROUTING refuses (api.rst). */
static bool routing_bad(const struct minivmm_irq_routing *t, uint32_t nr,
			const struct fz *fz)
{
	uint64_t seen[MAX_GSIS / 64] = { 0 };
	const struct minivmm_irq_routing_entry *e;
	uint32_t i, k, used, dm;

	if (t->flags || nr > fz->nr_gsis)
		return true;
	for (i = 0; i < nr; i++) {
		e = &t->entries[i];
		if (e->gsi >= fz->nr_gsis || (seen[e->gsi / 64] & 1ULL << e->gsi % 64) ||
		    e->flags || e->pad)
			return true;
		seen[e->gsi / 64] |= 1ULL << e->gsi % 64;
		switch (e->type) {
		case MINIVMM_IRQ_ROUTING_IRQCHIP:
			if (e->u.irqchip.irqchip != MINIVMM_IRQCHIP_IOAPIC ||
			    e->u.irqchip.pin >= fz->pins)
				return true;
			used = 2;
			break;
		case MINIVMM_IRQ_ROUTING_MSI:
			dm = (e->u.msi.data >> 8) & 7;
			if ((e->u.msi.address_lo & 0xfff00000) != APIC_BASE ||
			    e->u.msi.address_hi || e->u.msi.devid || dm == 3 || dm == 6)
				return true;
			used = 4;
			break;
		default:
			return true;
		}
		for (k = used; k < 8; k++)
			if (e->u.pad[k])
				return true;
	}
	return false;
}

static void route_spoil(struct fz_rng *g, struct minivmm_irq_routing_entry *e)
{
	switch (fz_below(g, 7)) {
	case 0:
		e->flags = nonzero_u32(g);
		break;
	case 1:
		e->pad = nonzero_u32(g);
		break;
	case 2:
		e->type = fz_below(g, 2) ? 0 : 3 + fz_below(g, 100);
		break;
	case 3:
		e->u.pad[2 + fz_below(g, 6)] = nonzero_u32(g);
		break;
	case 4:
		e->u.msi.devid = nonzero_u32(g);
		break;
	case 5:
		e->gsi = fz_u64(g);
		break;
	default:
		fz_mutate(g, e, sizeof(*e));
		break;
	}
}

/*
 * A routing table: GSIs in a row from 0 or anywhere, to pins or MSIs;
 * sometimes with something api.rst refuses, longer than the limit, or
 * claiming more entries than follow it before an unmapped page.
 */
static void op_gsi_routing(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_irq_routing *t = (void *)w->buf;
	struct minivmm_irq_routing_entry *e;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	uint32_t room = (sizeof(w->buf) - sizeof(*t) - 1) / sizeof(*e);
	uint32_t i, nr, base, claim;
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	size_t len;
	int fd, chip;

	nr = fz_chance(g, 10) ? 0 : fz_chance(g, 85) ? 1 + fz_below(g, 24) :
	     fz_below(g, room + 1);
	len = sizeof(*t) + nr * sizeof(*e);
	memset(t, 0, len);
	t->nr = nr;
	base = fz_chance(g, 60) ? 0 : fz_below(g, fz->nr_gsis);
	for (i = 0; i < nr; i++) {
		e = &t->entries[i];
		e->gsi = fz_chance(g, 95) ? base + i : fz_below(g, 64);
		if (fz_chance(g, 60)) {
			e->type = MINIVMM_IRQ_ROUTING_IRQCHIP;
			e->u.irqchip.irqchip = MINIVMM_IRQCHIP_IOAPIC;
			e->u.irqchip.pin = fz_chance(g, 95) ? fz_below(g, fz->pins) :
					   fz_below(g, 64);
		} else {
			e->type = MINIVMM_IRQ_ROUTING_MSI;
			e->u.msi.address_lo = fz_msi_addr(g);
			e->u.msi.data = fz_msi_data(g);
			if (fz_chance(g, 3))
				e->u.msi.address_hi = nonzero_u32(g);
		}
	}
	if (nr && fz_chance(g, 15))
		route_spoil(g, &t->entries[fz_below(g, nr)]);
	if (fz_chance(g, 3))
		t->flags = nonzero_u32(g);

	pthread_mutex_lock(&fz->lock);
	fd = vm->fd;
	chip = fz->cfg->threads > 1 ? -1 : vm->irqchip;
	pthread_mutex_unlock(&fz->lock);
	if (fd < 0)
		return;
	fz_want_init(w, &want, false);

	switch (fz_below(g, 30)) {
	case 0:
		/* Past the limit: refused before any entry is read. */
		t->nr = fz->nr_gsis + 1 + fz_below(g, 1000);
		p = (unsigned long)t;
		want.fail |= E(EINVAL);
		break;
	case 1:
		/*
		 * More entries claimed than there are before the hole; the
		 * page is every worker's, so with one worker only.  Whether a
		 * bad entry in the readable part is seen first is not said.
		 */
		if (fz->cfg->threads > 1)
			return;
		claim = nr < 64 ? nr : 64;
		p = (unsigned long)(fz->edge + PAGE - sizeof(*t) - claim * sizeof(*e));
		memcpy((void *)p, t, sizeof(*t) + claim * sizeof(*e));
		((struct minivmm_irq_routing *)p)->nr = claim + 1 + fz_below(g, 16);
		want.fail |= E(EFAULT);
		want.may |= E(EINVAL);
		break;
	default:
		p = fz_ptr_kind(w, t, len, &kind);
		/*
		 * A table straddling the hole is read from what lies in the
		 * page before it, whose nr may well fit: not a sure EFAULT.
		 */
		if (kind == FZ_PTR_BAD && p >= (unsigned long)fz->edge &&
		    p < (unsigned long)fz->hole)
			kind = FZ_PTR_SHIFTED;
		if (routing_bad(t, nr, fz))
			want.fail |= E(EINVAL);
		fz_want_ptr(&want, kind, E(EINVAL));
		break;
	}
	fz_want_chip(&want, chip);
	fz_call(w, FZ_GSI_ROUTING, fd, MINIVMM_SET_GSI_ROUTING, p, t,
		len < 64 ? len : 64, &want);
}

void fz_efd_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op)
{
	switch (op) {
	case FZ_IOEVENTFD:	op_ioeventfd(w, vm); break;
	case FZ_IRQFD:		op_irqfd(w, vm); break;
	case FZ_EVENTFD:	op_eventfd(w); break;
	case FZ_GSI_ROUTING:	op_gsi_routing(w, vm); break;
	default:		break;
	}
}
