// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's operations on a vCPU's interrupt state (fuzz.h):
 * MINIVMM_GET/SET_LAPIC, the local APIC's register page, mutated the way
 * a guest would write it (timer modes and counts, SVR, TPR, ICR) and with
 * IRR, ISR and TMR bits no guest could set; and MINIVMM_GET/SET_VCPU_EVENTS
 * with valid and invalid combinations of exceptions, interrupts, NMIs and
 * shadows.  The oracle is fuzz_irq.c's: SET_LAPIC refuses nothing and
 * puts right what the guest could not have written, which the page read
 * back shows; SET_VCPU_EVENTS refuses what api.rst lists, takes back what
 * GET gives, and (with one worker) gives back what it took.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/minivmm.h>

#include "fuzz_vmm.h"
#include "guests/apic.h"

#define E(e)		FZ_E(e)
#define APIC_DELIVS	(1u << 12)

static unsigned long nonzero(struct fz_rng *g)
{
	unsigned long v = fz_u64(g);

	return v ? v : 1;
}

static uint32_t apic_get(const uint8_t *regs, uint32_t reg)
{
	uint32_t v;

	memcpy(&v, regs + reg, sizeof(v));
	return v;
}

static void apic_put(uint8_t *regs, uint32_t reg, uint32_t v)
{
	memcpy(regs + reg, &v, sizeof(v));
}

/* The highest vector set in ISR/TMR/IRR at @base, or 0. */
static unsigned int apic_highest(const uint8_t *regs, uint32_t base)
{
	int v;

	for (v = 255; v > 0; v--)
		if (apic_get(regs, base + (v >> 5) * 16) & (1u << (v & 31)))
			return v;
	return 0;
}

/*
 * A page GET_LAPIC returned: minivmm's version, the PPR of SDM Vol. 3A
 * 11.8.3.1 (the TPR if its class is at least the highest in-service
 * vector's, else that class), and the values SET_LAPIC puts right
 * (api.rst): no ICR delivery status, no reserved SVR, TPR, divide and
 * timer LVT bits (SDM Figures 11-8, 11-10, 11-18, 11-23).
 */
static void lapic_check(struct fz *fz, const uint8_t *regs, const char *when)
{
	uint32_t tpr = apic_get(regs, APIC_TPR), isrv = apic_highest(regs, APIC_ISR);
	uint32_t ppr = (tpr & 0xf0) >= (isrv & 0xf0) ? tpr & 0xff : isrv & 0xf0;
	const char *bad = NULL;

	if (apic_get(regs, APIC_VERSION) != APIC_VERSION_RESET)
		bad = "version";
	else if (apic_get(regs, APIC_PPR) != ppr)
		bad = "PPR";
	else if (apic_get(regs, APIC_ICR) & APIC_DELIVS)
		bad = "ICR delivery status";
	else if (apic_get(regs, APIC_SVR) & ~0x3ffu)
		bad = "SVR";
	else if (tpr & ~0xffu)
		bad = "TPR";
	else if (apic_get(regs, APIC_TDCR) & ~0xbu)
		bad = "TDCR";
	else if (apic_get(regs, APIC_LVTT) & ~(0xffu | APIC_DELIVS | APIC_LVT_MASKED | 3u << 17))
		bad = "LVT timer";
	if (bad) {
		fz_fail(fz, "GET_LAPIC %s: %s reads wrong (TPR %#x, ISRV %#x, PPR %#x)",
			when, bad, tpr, isrv, apic_get(regs, APIC_PPR));
		fz_dump("GET_LAPIC", regs, 1024);
	}
}

static long get_lapic(struct fz_worker *w, int fd, int chip, uint8_t *regs,
		      bool hostile, const char *when)
{
	struct fz_want want;
	enum fz_ptr kind = FZ_PTR_OK;
	unsigned long p = (unsigned long)regs;
	long r;

	if (hostile)
		p = fz_ptr_kind(w, regs, 1024, &kind);
	fz_want_init(w, &want, false);
	fz_want_ptr(&want, kind, 0);
	fz_want_chip(&want, chip);
	r = fz_call(w, FZ_GET_LAPIC, fd, MINIVMM_GET_LAPIC, p, NULL, 0, &want);
	if (!r && kind == FZ_PTR_OK)
		lapic_check(w->fz, regs, when);
	return kind == FZ_PTR_OK ? r : -1;
}

static void op_get_lapic(struct fz_worker *w, struct fz_vm *vm)
{
	int chip, fd = fz_vcpu_of(w, vm, &chip);

	if (fd >= 0)
		get_lapic(w, fd, chip, w->buf, true, "");
}

/* Registers as a guest would write them, and bits it could not set. */
static void lapic_mutate(struct fz_rng *g, uint8_t *regs)
{
	unsigned int n = 1 + fz_below(g, 6), v;
	uint32_t reg;

	while (n--) {
		switch (fz_below(g, 11)) {
		case 0: case 1: case 2: case 3:
			reg = fz_apic_reg(g) & 0x3f0;
			apic_put(regs, reg, fz_apic_val(g, reg));
			break;
		case 4: case 5: case 6:
			/* A vector requested, in service, or level-triggered. */
			reg = (const uint32_t[]){ APIC_IRR, APIC_ISR, APIC_TMR }[fz_below(g, 3)];
			v = fz_vector(g);
			reg += (v >> 5) * 16;
			apic_put(regs, reg, apic_get(regs, reg) ^ 1u << (v & 31));
			break;
		case 7:
			for (v = 0; v < 8; v++)
				apic_put(regs, APIC_ISR + v * 16, 0);
			break;
		case 8:
			/* A timer mid-period: the count left, and the period. */
			apic_put(regs, APIC_TMCCT, fz_apic_val(g, APIC_TMICT));
			apic_put(regs, APIC_TMICT, fz_apic_val(g, APIC_TMICT));
			apic_put(regs, APIC_LVTT, fz_apic_val(g, APIC_LVTT));
			break;
		case 9:
			apic_put(regs, APIC_SVR, fz_apic_val(g, APIC_SVR));
			break;
		default:
			fz_mutate(g, regs, 1024);
			break;
		}
	}
}

/*
 * A GET, registers changed, a SET: SET_LAPIC refuses nothing, it puts
 * right what the guest could not have written (api.rst); the page read
 * back says so.
 */
static void op_set_lapic(struct fz_worker *w, struct fz_vm *vm)
{
	uint8_t *regs = w->buf;
	struct fz_rng *g = &w->rng;
	int chip, fd = fz_vcpu_of(w, vm, &chip);
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	long r;

	if (fd < 0)
		return;
	if (fz_chance(g, 10) || get_lapic(w, fd, chip, regs, false, "before SET"))
		memset(regs, 0, 1024);
	lapic_mutate(g, regs);
	p = fz_ptr_kind(w, regs, 1024, &kind);
	fz_want_init(w, &want, false);
	fz_want_ptr(&want, kind, 0);
	fz_want_chip(&want, chip);
	r = fz_call(w, FZ_SET_LAPIC, fd, MINIVMM_SET_LAPIC, p, NULL, 0, &want);
	if (!r && fz_chance(g, 50))
		get_lapic(w, fd, chip, regs + 1024, false, "after SET");
}

/* Exceptions that push an error code (SDM Vol. 3A Table 6-1). */
static bool has_error(unsigned int nr)
{
	return nr == 8 || (nr >= 10 && nr <= 14) || nr == 17 || nr == 21 ||
	       nr == 29 || nr == 30;
}

enum { EV_OK, EV_BAD, EV_UNSURE };

/*
 * What SET_VCPU_EVENTS must do with @ev, from its list in api.rst.  An
 * error code without has_error_code on an exception is not covered there.
 */
static int events_verdict(const struct minivmm_vcpu_events *ev)
{
	static const struct minivmm_vcpu_events zero;
	const uint32_t valid = MINIVMM_VCPUEVENT_VALID_NMI_PENDING |
			       MINIVMM_VCPUEVENT_VALID_SHADOW;
	bool exc = ev->exception.injected || ev->exception.pending;

	if ((ev->flags & ~valid) || ev->sipi_vector ||
	    memcmp(&ev->smi, &zero.smi, sizeof(ev->smi)) || ev->triple_fault.pending ||
	    memcmp(ev->reserved, zero.reserved, sizeof(ev->reserved)) ||
	    ev->exception_has_payload || ev->exception_payload ||
	    ev->nmi.pad || ev->interrupt.soft)
		return EV_BAD;
	if (ev->exception.injected > 1 || ev->exception.pending > 1 ||
	    ev->exception.has_error_code > 1 || ev->interrupt.injected > 1 ||
	    ev->nmi.injected > 1 || ev->nmi.pending > 1 || ev->nmi.masked > 1)
		return EV_BAD;
	if (exc + ev->interrupt.injected + ev->nmi.injected > 1)
		return EV_BAD;
	if (exc && (ev->exception.nr >= 32 || ev->exception.nr == 2 ||
		    (ev->exception.has_error_code && !has_error(ev->exception.nr))))
		return EV_BAD;
	if (!exc && (ev->exception.nr || ev->exception.has_error_code ||
		     ev->exception.error_code))
		return EV_BAD;
	if (ev->interrupt.injected ? ev->interrupt.nr < 16 : ev->interrupt.nr)
		return EV_BAD;
	if ((ev->interrupt.shadow & ~(MINIVMM_SHADOW_MOV_SS | MINIVMM_SHADOW_STI)) ||
	    (ev->interrupt.shadow && (ev->interrupt.injected || ev->nmi.injected ||
				      !(ev->flags & MINIVMM_VCPUEVENT_VALID_SHADOW))))
		return EV_BAD;
	if (ev->nmi.pending && !(ev->flags & MINIVMM_VCPUEVENT_VALID_NMI_PENDING))
		return EV_BAD;
	if (exc && !ev->exception.has_error_code && ev->exception.error_code)
		return EV_UNSURE;
	return EV_OK;
}

/*
 * GET_VCPU_EVENTS: both flags, no pending exception (it is reported as
 * injected), and a state that SET takes back: what save and restore need.
 */
static void events_check(struct fz *fz, const struct minivmm_vcpu_events *ev)
{
	if (ev->flags != (MINIVMM_VCPUEVENT_VALID_NMI_PENDING |
			  MINIVMM_VCPUEVENT_VALID_SHADOW) ||
	    ev->exception.pending || events_verdict(ev) == EV_BAD) {
		fz_fail(fz, "GET_VCPU_EVENTS: a state SET_VCPU_EVENTS would refuse");
		fz_dump("GET_VCPU_EVENTS", ev, sizeof(*ev));
	}
}

static long get_events(struct fz_worker *w, int fd, struct minivmm_vcpu_events *ev,
		       bool hostile)
{
	struct fz_want want;
	enum fz_ptr kind = FZ_PTR_OK;
	unsigned long p = (unsigned long)ev;
	long r;

	if (hostile)
		p = fz_ptr_kind(w, ev, sizeof(*ev), &kind);
	fz_want_init(w, &want, false);
	fz_want_ptr(&want, kind, 0);
	r = fz_call(w, FZ_GET_EVENTS, fd, MINIVMM_GET_VCPU_EVENTS, p, NULL, 0, &want);
	if (!r && kind == FZ_PTR_OK)
		events_check(w->fz, ev);
	return kind == FZ_PTR_OK ? r : -1;
}

static void op_get_events(struct fz_worker *w, struct fz_vm *vm)
{
	int chip, fd = fz_vcpu_of(w, vm, &chip);

	if (fd >= 0)
		get_events(w, fd, (void *)w->buf, true);
}

/* One event or none, NMI state and a shadow: mostly what SET takes. */
static void events_build(struct fz_rng *g, struct minivmm_vcpu_events *ev)
{
	unsigned int nr;

	memset(ev, 0, sizeof(*ev));
	ev->flags = fz_chance(g, 80) ? MINIVMM_VCPUEVENT_VALID_NMI_PENDING |
				       MINIVMM_VCPUEVENT_VALID_SHADOW : fz_below(g, 2) << 2;
	switch (fz_below(g, 5)) {
	case 0:
		nr = fz_below(g, 32);
		if (nr == 2 && fz_chance(g, 90))
			nr = 6;
		ev->exception.nr = nr;
		if (fz_chance(g, 20))
			ev->exception.pending = 1;
		else
			ev->exception.injected = 1;
		ev->exception.has_error_code = fz_chance(g, 95) ? has_error(nr) : 1;
		if (ev->exception.has_error_code)
			ev->exception.error_code = fz_u64(g);
		break;
	case 1:
		ev->interrupt.injected = 1;
		ev->interrupt.nr = fz_chance(g, 90) ? 0x20 + fz_below(g, 0xe0) :
				   16 + fz_below(g, 16);
		break;
	case 2:
		ev->nmi.injected = 1;
		break;
	}
	ev->nmi.masked = fz_chance(g, 30);
	if (ev->flags & MINIVMM_VCPUEVENT_VALID_NMI_PENDING)
		ev->nmi.pending = fz_chance(g, 30);
	if ((ev->flags & MINIVMM_VCPUEVENT_VALID_SHADOW) && !ev->interrupt.injected &&
	    fz_chance(g, 30))
		ev->interrupt.shadow = 1 + fz_below(g, 3);
}

/* One thing api.rst says SET_VCPU_EVENTS refuses, or anything. */
static void events_spoil(struct fz_rng *g, struct minivmm_vcpu_events *ev)
{
	uint8_t *bools[] = {
		&ev->exception.injected, &ev->exception.pending,
		&ev->exception.has_error_code, &ev->interrupt.injected,
		&ev->nmi.injected, &ev->nmi.pending, &ev->nmi.masked,
	};

	switch (fz_below(g, 14)) {
	case 0:
		ev->flags |= 1u << fz_below(g, 32);
		break;
	case 1:
		ev->reserved[fz_below(g, sizeof(ev->reserved))] = 1 + fz_below(g, 255);
		break;
	case 2:
		ev->sipi_vector = nonzero(g);
		break;
	case 3:
		((uint8_t *)&ev->smi)[fz_below(g, sizeof(ev->smi))] = 1;
		break;
	case 4:
		ev->triple_fault.pending = 1;
		break;
	case 5:
		if (fz_chance(g, 50))
			ev->exception_has_payload = 1;
		else
			ev->exception_payload = nonzero(g);
		break;
	case 6:
		ev->nmi.pad = 1;
		ev->interrupt.soft = fz_below(g, 2);
		break;
	case 7:
		*bools[fz_below(g, sizeof(bools) / sizeof(bools[0]))] = 2 + fz_below(g, 254);
		break;
	case 8:
		/* A second event to inject. */
		ev->nmi.injected = 1;
		ev->interrupt.injected = fz_chance(g, 50);
		ev->interrupt.nr = ev->interrupt.injected ? 0x40 : 0;
		break;
	case 9:
		ev->exception.injected = 1;
		ev->exception.nr = fz_chance(g, 50) ? 2 : 32 + fz_below(g, 224);
		break;
	case 10:
		ev->interrupt.injected = 1;
		ev->interrupt.nr = fz_below(g, 16);
		break;
	case 11:
		ev->interrupt.shadow = fz_chance(g, 50) ? 4u << fz_below(g, 6) : 1;
		ev->interrupt.injected = ev->interrupt.shadow == 1;
		ev->interrupt.nr = 0x40;
		break;
	case 12:
		ev->nmi.pending = 1;
		ev->flags &= ~MINIVMM_VCPUEVENT_VALID_NMI_PENDING;
		break;
	default:
		fz_mutate(g, ev, sizeof(*ev));
		break;
	}
}

/*
 * With one worker, a SET read back before the vCPU runs: the event, its
 * vector and error code, the NMI state, a shadow (SVM reports any as STI).
 * Two liberties are allowed, since the guest could not tell: in real mode
 * (@real) no exception pushes an error code (SDM Vol. 3A 20.1.4), so it
 * may be dropped; with an NMI queued, the blocking it brings may read
 * either way (it starts when the NMI is delivered).
 */
static void events_compare(struct fz *fz, const struct minivmm_vcpu_events *set,
			   const struct minivmm_vcpu_events *got, bool real)
{
	bool exc = set->exception.injected || set->exception.pending;
	bool err = set->exception.has_error_code;
	bool same = got->exception.injected == exc &&
		    got->interrupt.injected == set->interrupt.injected &&
		    got->interrupt.nr == set->interrupt.nr &&
		    got->nmi.injected == set->nmi.injected &&
		    (set->nmi.injected || got->nmi.masked == set->nmi.masked);

	if (exc && real && err && !got->exception.has_error_code)
		err = false;
	if (exc)
		same = same && got->exception.nr == set->exception.nr &&
		       got->exception.has_error_code == err &&
		       (!err || got->exception.error_code == set->exception.error_code);
	if (set->flags & MINIVMM_VCPUEVENT_VALID_NMI_PENDING)
		same = same && got->nmi.pending == set->nmi.pending;
	if (set->flags & MINIVMM_VCPUEVENT_VALID_SHADOW)
		same = same && !got->interrupt.shadow == !set->interrupt.shadow;
	if (!same) {
		fz_fail(fz, "GET_VCPU_EVENTS after SET_VCPU_EVENTS: other events");
		fz_dump("set", set, sizeof(*set));
		fz_dump("got", got, sizeof(*got));
	}
}

/* Real mode, for events_compare(); the mode does not change without RUN. */
static bool vcpu_real(struct fz_worker *w, int fd)
{
	struct minivmm_sregs s;

	return fz_ioctl(w->fz, FZ_GET_SREGS, fd, MINIVMM_GET_SREGS,
			(unsigned long)&s) == 0 && !(s.cr0 & 1);
}

static void op_set_events(struct fz_worker *w, struct fz_vm *vm)
{
	struct minivmm_vcpu_events *ev = (void *)w->buf, *back = ev + 1;
	struct fz_rng *g = &w->rng;
	int chip, fd = fz_vcpu_of(w, vm, &chip), verdict;
	struct fz_want want;
	enum fz_ptr kind;
	unsigned long p;
	long r;

	if (fd < 0)
		return;
	if (fz_chance(g, 30) && !get_events(w, fd, ev, false)) {
		/* A state read back, a little changed. */
		if (fz_chance(g, 50))
			ev->nmi.pending ^= 1;
		if (fz_chance(g, 30))
			ev->nmi.masked ^= 1;
	} else {
		events_build(g, ev);
	}
	if (fz_chance(g, 30))
		events_spoil(g, ev);
	verdict = events_verdict(ev);
	p = fz_ptr_kind(w, ev, sizeof(*ev), &kind);
	fz_want_init(w, &want, false);
	if (verdict != EV_OK)
		want.fail |= E(EINVAL);
	want.any = verdict == EV_UNSURE;
	fz_want_ptr(&want, kind, E(EINVAL));
	r = fz_call(w, FZ_SET_EVENTS, fd, MINIVMM_SET_VCPU_EVENTS, p, ev,
		    sizeof(*ev), &want);
	if (r || verdict != EV_OK || kind != FZ_PTR_OK || w->fz->cfg->threads > 1)
		return;
	if (!get_events(w, fd, back, false) && !w->fz->sh->failed)
		events_compare(w->fz, ev, back, vcpu_real(w, fd));
	if (w->fz->sh->failed)
		fz_dump("SET_VCPU_EVENTS before", ev, sizeof(*ev));
}

/*
 * The local APIC software-enabled, nothing in service, TPR 0, and its
 * timer running (one-shot, periodic or TSC-deadline, 20 us to 2 ms), for
 * fz_irq_setup().
 */
void fz_lapic_setup(struct fz_worker *w, struct fz_vm *vm)
{
	uint8_t *regs = w->buf;
	struct fz_rng *g = &w->rng;
	int chip, fd = fz_vcpu_of(w, vm, &chip), i;
	struct fz_want want;

	if (fd < 0 || !chip || get_lapic(w, fd, chip, regs, false, "at setup"))
		return;
	for (i = 0; i < 8; i++)
		apic_put(regs, APIC_ISR + i * 16, 0);
	apic_put(regs, APIC_SVR, APIC_SVR_ENABLE | 0xff);
	apic_put(regs, APIC_TPR, 0);
	apic_put(regs, APIC_TDCR, APIC_TDCR_DIV1);
	apic_put(regs, APIC_LVTT, (0x30 + fz_below(g, 0xc0)) | fz_below(g, 3) << 17);
	apic_put(regs, APIC_TMICT, 20000 + fz_below(g, 2000000));
	apic_put(regs, APIC_TMCCT, 0);
	fz_want_init(w, &want, false);
	fz_want_chip(&want, chip);
	fz_call(w, FZ_SET_LAPIC, fd, MINIVMM_SET_LAPIC, (unsigned long)regs, NULL, 0, &want);
}

void fz_lapic_op(struct fz_worker *w, struct fz_vm *vm, enum fz_op op)
{
	switch (op) {
	case FZ_GET_LAPIC:	op_get_lapic(w, vm); break;
	case FZ_SET_LAPIC:	op_set_lapic(w, vm); break;
	case FZ_GET_EVENTS:	op_get_events(w, vm); break;
	case FZ_SET_EVENTS:	op_set_events(w, vm); break;
	default:		break;
	}
}
