// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's irqchip operations on the VM fd (fuzz.h):
 * MINIVMM_CREATE_IRQCHIP, on half of the VMs as they are created and at
 * any time after (twice, after the vCPU, with an argument); IRQ_LINE and
 * SIGNAL_MSI; GET/SET_IRQCHIP, mostly a GET then a mutated SET.  The
 * vCPU's side is in fuzz_lapic.c, the eventfd paths in fuzz_efd.c.
 *
 * The oracle of all three files.  Each request is built mostly valid and
 * mutated at the edges, and the answer is checked against
 * Documentation/api.rst: every thing wrong in a request names an errno,
 * and the call must fail with one of them, or succeed when nothing is
 * wrong (fz_call()); which of several comes back is the kernel's choice.
 * What a GET returns is checked against the rules the API states for it
 * (here: what SET_IRQCHIP would take back) and, with one worker, a SET is
 * read back.
 *
 * The VM ioctls run under fz->lock, so that the VM behind the fd is the
 * one whose irqchip the fuzzer knows of.  The vCPU ioctls do not (they
 * wait for a RUN in progress), so with several workers the vCPU fd may be
 * another object's by then: ENXIO, EBADF and ENOTTY are tolerated there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/minivmm.h>

#include "fuzz_vmm.h"
#include "guests/apic.h"

#define E(e)		FZ_E(e)
#define IOAPIC_ID_BITS	0x0f000000u		/* IOAPICID 27:24 */
#define REDIR_DELIVS	(1ULL << 12)		/* delivery status, read-only */
#define REDIR_RESERVED	(((1ULL << 56) - 1) & ~((1ULL << 17) - 1)) /* 55:17 */

static void mask_str(uint64_t m, char *buf, size_t len)
{
	size_t n = 0;
	int e;

	buf[0] = 0;
	for (e = 0; e < 64 && n < len; e++)
		if (m & E(e))
			n += snprintf(buf + n, len - n, " %d", e);
}

/* The whole request, on the console, after a failure. */
void fz_dump(const char *what, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	fprintf(stderr, "# fuzz: %s (%zu bytes):", what, len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n#  ", b[i]);
	fprintf(stderr, "\n");
}

/*
 * One counted ioctl, its answer checked against @want (fuzz_vmm.h).  @req
 * and @len: the request as built, shown if the answer is wrong.
 */
long fz_call(struct fz_worker *w, enum fz_op op, int fd, unsigned long cmd,
	     unsigned long arg, const void *req, size_t len, struct fz_want *want)
{
	struct fz *fz = w->fz;
	long r = ioctl(fd, cmd, arg);
	int err = errno;
	const char *bad = NULL;
	char exp[96], head[2 * 24 + 1];
	size_t i;

	fz_count(fz, op);
	if (r < 0) {
		__atomic_add_fetch(&fz->sh->errors[op], 1, __ATOMIC_RELAXED);
		if (err >= 64 || !((want->fail | want->may) & E(err)))
			bad = "unexpected errno";
	} else if (want->fail && !want->any) {
		bad = "succeeded";
	}
	if (bad) {
		mask_str(want->fail | want->may, exp, sizeof(exp));
		for (i = 0; i < len && i < 24; i++)
			snprintf(head + 2 * i, 3, "%02x", ((const uint8_t *)req)[i]);
		head[2 * i] = 0;
		fz_fail(fz, "%s: ioctl(fd %d, %#lx, %#lx) %s: %ld, errno %d; wanted%s%s%s; request %s",
			fz_op_name(op), fd, cmd, arg, bad, r, r < 0 ? err : 0,
			want->fail ? " one of" : " success or", exp,
			want->any ? " or success" : "", head);
		if (len)
			fz_dump(fz_op_name(op), req, len);
	}
	errno = err;
	return r;
}

/* A bad pointer must give EFAULT; a shifted one makes any answer possible. */
void fz_want_ptr(struct fz_want *want, enum fz_ptr kind, uint64_t documented)
{
	if (kind == FZ_PTR_BAD) {
		want->fail |= E(EFAULT);
	} else if (kind == FZ_PTR_SHIFTED) {
		want->any = true;
		want->fail |= documented | E(EFAULT);
	}
}

/*
 * The VM has an irqchip (1), has none (0), or either (-1): the fd may be
 * another VM's.  Called last, once the other failures are in @want.
 */
void fz_want_chip(struct fz_want *want, int chip)
{
	if (!chip || (chip < 0 && want->fail))
		want->fail |= E(ENXIO);
	else if (chip < 0)
		want->may |= E(ENXIO);
}

/* What may come back whatever the request; @locked: the fd is sure. */
void fz_want_init(struct fz_worker *w, struct fz_want *want, bool locked)
{
	memset(want, 0, sizeof(*want));
	want->may = E(ENOMEM);
	if (!locked && w->fz->cfg->threads > 1)
		want->may |= E(EBADF) | E(ENOTTY);
}

/* The slot's vCPU fd and whether its VM has an irqchip (-1: unsure). */
int fz_vcpu_of(struct fz_worker *w, struct fz_vm *vm, int *chip)
{
	struct fz *fz = w->fz;
	int fd;

	pthread_mutex_lock(&fz->lock);
	fd = vm->vcpu;
	*chip = fz->cfg->threads > 1 ? -1 : vm->vcpu_chip;
	pthread_mutex_unlock(&fz->lock);
	return fd;
}

static long create_irqchip(struct fz_worker *w, int fd, unsigned long arg,
			   uint64_t fail, uint64_t may)
{
	struct fz_want want;

	fz_want_init(w, &want, true);
	want.fail = (arg ? E(EINVAL) : 0) | fail;
	want.may |= may;
	return fz_call(w, FZ_CREATE_IRQCHIP, fd, MINIVMM_CREATE_IRQCHIP, arg,
		       NULL, 0, &want);
}

static unsigned long nonzero(struct fz_rng *g)
{
	unsigned long v = fz_u64(g);

	return v ? v : 1;
}

/*
 * Half of the VMs get an irqchip as they are created, before anything
 * else and before any other worker knows the fd: sometimes after a call
 * with an argument, sometimes followed by a second call.
 */
void fz_irqchip_at_create(struct fz_worker *w, int fd, bool *chip)
{
	struct fz_rng *g = &w->rng;

	*chip = false;
	if (!fz_chance(g, 50))
		return;
	if (fz_chance(g, 10))
		create_irqchip(w, fd, nonzero(g), 0, 0);
	*chip = create_irqchip(w, fd, 0, 0, 0) == 0;
	if (*chip && fz_chance(g, 10))
		create_irqchip(w, fd, 0, E(EEXIST), 0);
}

/* At any time: once there, with a vCPU, with an argument. */
static void op_create_irqchip(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;
	unsigned long arg = fz_chance(&w->rng, 80) ? 0 : nonzero(&w->rng);
	uint64_t fail = 0, may = 0;

	pthread_mutex_lock(&fz->lock);
	if (vm->fd < 0)
		goto out;
	/*
	 * With several workers, had_vcpu can be stale either way: vCPUs are
	 * created outside the lock, and a worker may mark a VM that took the
	 * fd number of the one it created a vCPU in.
	 */
	if (vm->irqchip)
		fail = E(EEXIST);
	else if (fz->cfg->threads > 1)
		may = E(EINVAL);
	else if (vm->had_vcpu)
		fail = E(EINVAL);
	if (create_irqchip(w, vm->fd, arg, fail, may) == 0)
		vm->irqchip = true;
out:
	pthread_mutex_unlock(&fz->lock);
}

/* Pins 0-30, levels 0-2: the 24 pins and the two levels, and beyond. */
static void op_irq_line(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_irq_level *l = (void *)w->buf;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	long r;

	l->irq = fz_chance(g, 95) ? fz_below(g, 31) : (uint32_t)fz_u64(g);
	l->level = fz_chance(g, 90) ? fz_below(g, 2) :
		   fz_chance(g, 50) ? 2 : (uint32_t)fz_u64(g);
	p = fz_ptr_kind(w, l, sizeof(*l), &kind);
	fz_want_init(w, &want, true);
	if (l->irq >= fz->pins || l->level > 1)
		want.fail |= E(EINVAL);
	fz_want_ptr(&want, kind, E(EINVAL));
	pthread_mutex_lock(&fz->lock);
	if (vm->fd >= 0) {
		fz_want_chip(&want, vm->irqchip);
		r = fz_call(w, FZ_IRQ_LINE, vm->fd, MINIVMM_IRQ_LINE, p, l,
			    sizeof(*l), &want);
		if (r > 0)
			fz_fail(fz, "IRQ_LINE returned %ld", r);
	}
	pthread_mutex_unlock(&fz->lock);
}

/* What SIGNAL_MSI refuses (api.rst): fields, window, delivery modes 3, 6. */
static bool msi_bad(const struct minivmm_msi *m)
{
	static const uint8_t zero[sizeof(m->pad)];
	unsigned int dm = (m->data >> 8) & 7;

	return (m->address_lo & 0xfff00000) != APIC_BASE || m->address_hi ||
	       m->flags || m->devid || memcmp(m->pad, zero, sizeof(zero)) ||
	       dm == 3 || dm == 6;
}

static void op_signal_msi(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_msi *m = (void *)w->buf;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	long r;

	memset(m, 0, sizeof(*m));
	m->address_lo = fz_msi_addr(g);
	m->data = fz_msi_data(g);
	switch (fz_below(g, 40)) {
	case 0:
		m->address_hi = nonzero(g);
		break;
	case 1:
		m->flags = nonzero(g);
		break;
	case 2:
		m->devid = nonzero(g);
		break;
	case 3:
		m->pad[fz_below(g, sizeof(m->pad))] = 1 + fz_below(g, 255);
		break;
	}
	p = fz_ptr_kind(w, m, sizeof(*m), &kind);
	fz_want_init(w, &want, true);
	if (msi_bad(m))
		want.fail |= E(EINVAL);
	fz_want_ptr(&want, kind, E(EINVAL));
	pthread_mutex_lock(&fz->lock);
	if (vm->fd >= 0) {
		fz_want_chip(&want, vm->irqchip);
		r = fz_call(w, FZ_SIGNAL_MSI, vm->fd, MINIVMM_SIGNAL_MSI, p, m,
			    sizeof(*m), &want);
		/* The number of local APICs that took it: none without a vCPU. */
		if (r > (long)fz->max_vcpus ||
		    (r > 0 && !vm->had_vcpu && fz->cfg->threads == 1))
			fz_fail(fz, "SIGNAL_MSI returned %ld with %s vCPU", r,
				vm->had_vcpu ? "a" : "no");
	}
	pthread_mutex_unlock(&fz->lock);
}

/* What SET_IRQCHIP refuses (api.rst). */
static bool irqchip_bad(const struct minivmm_irqchip *c, unsigned int pins)
{
	const struct minivmm_ioapic_state *st = &c->chip.ioapic;
	size_t i;

	if (c->chip_id != MINIVMM_IRQCHIP_IOAPIC || c->pad ||
	    st->base_address != IOAPIC_BASE || st->pad || st->ioregsel > 0xff ||
	    (st->id & ~IOAPIC_ID_BITS) || (pins < 32 && st->irr >> pins))
		return true;
	for (i = 0; i < 24; i++)
		if (st->redirtbl[i] & (REDIR_RESERVED | REDIR_DELIVS))
			return true;
	for (i = sizeof(*st); i < sizeof(c->chip.dummy); i++)
		if (c->chip.dummy[i])
			return true;
	return false;
}

/* A state GET_IRQCHIP returned: what SET would take, and no stale bytes. */
static void irqchip_check(struct fz *fz, const struct minivmm_irqchip *c)
{
	if (irqchip_bad(c, fz->pins)) {
		fz_fail(fz, "GET_IRQCHIP: a state SET_IRQCHIP would refuse");
		fz_dump("GET_IRQCHIP", c, sizeof(*c));
	}
}

/* GET_IRQCHIP into @c (built by the caller), checked; under fz->lock. */
static long get_irqchip(struct fz_worker *w, struct fz_vm *vm,
			struct minivmm_irqchip *c, bool hostile)
{
	struct fz_rng *g = &w->rng;
	struct fz_want want;
	enum fz_ptr kind = FZ_PTR_OK;
	unsigned long p = (unsigned long)c;
	long r;

	memset(c, 0, sizeof(*c));
	c->chip_id = MINIVMM_IRQCHIP_IOAPIC;
	if (hostile) {
		/* Only chip_id and pad are read: the rest is overwritten. */
		if (fz_chance(g, 30))
			memset(&c->chip, 0xa5, sizeof(c->chip));
		if (fz_chance(g, 5))
			c->chip_id = fz_chance(g, 50) ? fz_below(g, 4) : (uint32_t)fz_u64(g);
		if (fz_chance(g, 3))
			c->pad = nonzero(g);
		p = fz_ptr_kind(w, c, sizeof(*c), &kind);
	}
	fz_want_init(w, &want, true);
	if (c->chip_id != MINIVMM_IRQCHIP_IOAPIC || c->pad)
		want.fail |= E(EINVAL);
	fz_want_ptr(&want, kind, E(EINVAL));
	fz_want_chip(&want, vm->irqchip);
	r = fz_call(w, FZ_GET_IRQCHIP, vm->fd, MINIVMM_GET_IRQCHIP, p, c, 8, &want);
	if (!r && kind == FZ_PTR_OK)
		irqchip_check(w->fz, c);
	return kind == FZ_PTR_OK ? r : -1;
}

static void op_get_irqchip(struct fz_worker *w, struct fz_vm *vm)
{
	struct fz *fz = w->fz;

	pthread_mutex_lock(&fz->lock);
	if (vm->fd >= 0)
		get_irqchip(w, vm, (void *)w->buf, true);
	pthread_mutex_unlock(&fz->lock);
}

/* Something SET_IRQCHIP must refuse, or anything, in @c. */
static void irqchip_spoil(struct fz_rng *g, struct minivmm_irqchip *c,
			  unsigned int pins)
{
	struct minivmm_ioapic_state *st = &c->chip.ioapic;
	__u64 *e = &st->redirtbl[fz_below(g, 24)];

	switch (fz_below(g, 11)) {
	case 0:
		*e |= 1ULL << (17 + fz_below(g, 39));
		break;
	case 1:
		*e |= REDIR_DELIVS;
		break;
	case 2:
		st->irr |= 1u << (pins + fz_below(g, 32 - pins));
		break;
	case 3:
		st->base_address = fz_u64(g);
		break;
	case 4:
		st->pad = nonzero(g);
		break;
	case 5:
		c->chip.dummy[sizeof(*st) + fz_below(g, sizeof(c->chip.dummy) - sizeof(*st))] =
			1 + fz_below(g, 255);
		break;
	case 6:
		c->chip_id = fz_below(g, 2) ? fz_below(g, 2) : (uint32_t)fz_u64(g);
		break;
	case 7:
		c->pad = nonzero(g);
		break;
	case 8:
		st->ioregsel |= 1u << (8 + fz_below(g, 24));
		break;
	case 9:
		st->id |= ~IOAPIC_ID_BITS & (1u << fz_below(g, 32));
		break;
	default:
		fz_mutate(g, c, sizeof(c->chip_id) + sizeof(c->pad) + sizeof(*st));
		break;
	}
}

/*
 * Mostly a GET then a SET of new redirection entries (remote IRR too) and
 * line levels, which makes level pins fire at once; sometimes something
 * the API refuses.  With one worker the state is read back.
 */
static void op_set_irqchip(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_irqchip *c = (void *)w->buf;
	struct minivmm_irqchip *back = c + 1;
	struct minivmm_ioapic_state *st = &c->chip.ioapic;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	unsigned int i, n = 1 + fz_below(g, 4), pins = fz->pins;
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	long r;

	pthread_mutex_lock(&fz->lock);
	if (vm->fd < 0)
		goto out;
	if (!fz_chance(g, 80) || get_irqchip(w, vm, c, false)) {
		memset(c, 0, sizeof(*c));
		c->chip_id = MINIVMM_IRQCHIP_IOAPIC;
		st->base_address = IOAPIC_BASE;
	}
	while (n--) {
		switch (fz_below(g, 5)) {
		case 0:
		case 1:
			i = fz_below(g, 24);
			st->redirtbl[i] = fz_redir(g);
			if (fz_chance(g, 20))
				st->redirtbl[i] |= IOAPIC_REMOTE_IRR;
			break;
		case 2:
			st->irr ^= 1u << fz_below(g, pins);
			break;
		case 3:
			st->irr = fz_rand(g) & ((1u << pins) - 1);
			break;
		default:
			st->ioregsel = fz_below(g, 256);
			st->id = fz_below(g, 16) << 24;
			break;
		}
	}
	if (fz_chance(g, 25))
		irqchip_spoil(g, c, pins);
	p = fz_ptr_kind(w, c, sizeof(*c), &kind);
	fz_want_init(w, &want, true);
	if (irqchip_bad(c, pins))
		want.fail |= E(EINVAL);
	fz_want_ptr(&want, kind, E(EINVAL));
	fz_want_chip(&want, vm->irqchip);
	r = fz_call(w, FZ_SET_IRQCHIP, vm->fd, MINIVMM_SET_IRQCHIP, p, c,
		    sizeof(*c), &want);
	if (r || kind != FZ_PTR_OK || fz->cfg->threads > 1 ||
	    get_irqchip(w, vm, back, false))
		goto out;
	/* Delivery may set remote IRR; nothing else changes the state. */
	for (i = 0; i < 24; i++)
		back->chip.ioapic.redirtbl[i] ^= (back->chip.ioapic.redirtbl[i] ^
						  st->redirtbl[i]) & IOAPIC_REMOTE_IRR;
	if (memcmp(&back->chip.ioapic, st, sizeof(*st))) {
		fz_fail(fz, "GET_IRQCHIP after SET_IRQCHIP: another state");
		fz_dump("set", st, sizeof(*st));
		fz_dump("got", &back->chip.ioapic, sizeof(*st));
	}
out:
	pthread_mutex_unlock(&fz->lock);
}

/*
 * After FZ_SETUP, half the time in a VM with an irqchip: the local APIC
 * enabled with its timer running (fz_lapic_setup()) and a few I/O APIC
 * pins unmasked, edge or level, to vCPU 0, so that interrupts reach the
 * guest (fz_write_tables() gives it handlers).
 */
void fz_irq_setup(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_irqchip *c = (void *)w->buf;
	struct fz_rng *g = &w->rng;
	struct fz *fz = w->fz;
	struct fz_want want;
	int i;

	if (fz_chance(g, 50))
		return;
	fz_lapic_setup(w, vm);
	pthread_mutex_lock(&fz->lock);
	if (vm->fd >= 0 && vm->irqchip && !get_irqchip(w, vm, c, false)) {
		for (i = fz_below(g, 5); i > 0; i--)
			c->chip.ioapic.redirtbl[fz_below(g, fz->pins)] =
				(0x30 + fz_below(g, 0xc0)) |
				(fz_chance(g, 40) ? IOAPIC_LEVEL : 0);
		fz_want_init(w, &want, true);
		fz_call(w, FZ_SET_IRQCHIP, vm->fd, MINIVMM_SET_IRQCHIP,
			(unsigned long)c, c, sizeof(*c), &want);
	}
	pthread_mutex_unlock(&fz->lock);
}

void fz_irq_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op)
{
	switch (op) {
	case FZ_CREATE_IRQCHIP:	op_create_irqchip(w, vm); break;
	case FZ_IRQ_LINE:	op_irq_line(w, vm); break;
	case FZ_SIGNAL_MSI:	op_signal_msi(w, vm); break;
	case FZ_GET_IRQCHIP:	op_get_irqchip(w, vm); break;
	case FZ_SET_IRQCHIP:	op_set_irqchip(w, vm); break;
	default:		break;
	}
}
