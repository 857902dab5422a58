// SPDX-License-Identifier: GPL-2.0
/*
 * devices/rtc.c: the PC's MC146818 real-time clock and its CMOS RAM, at
 * ports 0x70 (index) and 0x71 (data).
 *
 * Registers as in the Motorola MC146818A data sheet ("Address map",
 * "Register A" to "Register D"), the same layout Linux names in
 * include/linux/mc146818rtc.h:
 *
 *   0x00-0x09  seconds, alarm seconds, minutes, alarm minutes, hours,
 *              alarm hours, day of week (1 = Sunday), day of month,
 *              month, year (00-99)
 *   0x0a       A: UIP (bit 7), divider (bits 4-6), rate (bits 0-3)
 *   0x0b       B: SET (7), PIE (6), AIE (5), UIE (4), SQWE (3),
 *              DM (2: binary, else BCD), 24/12 (1), DSE (0)
 *   0x0c       C: interrupt flags; reading clears them
 *   0x0d       D: VRT (bit 7), "the RAM and time are valid"
 *   0x32       the century, as IBM's PC AT BIOS kept it (and the ACPI
 *              FADT's CENTURY field points here)
 *   the rest   plain CMOS RAM
 *
 * The clock is the host's wall clock in UTC plus an offset, read through
 * a time source function so tests can fake it.  The time registers are
 * computed when read, so the update cycle is instantaneous: UIP is never
 * set and Linux's mc146818_get_time() never waits for it.  A write to a
 * time register sets the offset, so the guest's "hwclock -w" holds for
 * the rest of the run (nothing is saved across runs):
 *
 *   - with SET (register B bit 7) clear, the written field replaces that
 *     field of the current time at once;
 *   - with SET set, as Linux's mc146818_set_time() does, the clock is
 *     frozen: writes are latched in the registers and the time they
 *     describe becomes the clock's when the guest clears SET.  Without
 *     the latch, writing the fields one by one would pass through
 *     impossible dates (31 February while the month is written before
 *     the day) and lose the day.
 *
 * The encoding follows register B at the time of the access: BCD unless
 * DM is set, and in 12-hour mode (bit 1 clear) hours 1-12 with bit 7 for
 * PM (data sheet table 3).  Linux's reader handles only 24-hour mode (the
 * default here, register B 0x02) and decodes the century register in the
 * same encoding as the others, so the century is BCD too unless DM is set.
 *
 * Not implemented: interrupts (IRQ 8).  PIE, AIE, UIE and SQWE are stored
 * in register B and read back, the alarm registers are plain RAM, but no
 * periodic, alarm or update-ended interrupt is ever raised and register C
 * always reads 0.  The divider bits of register A are stored and read back;
 * holding the divider in reset does not stop the clock.  Linux's rtc-cmos
 * driver works without the interrupt (it is used for alarms and
 * /dev/rtc's periodic mode, not for reading the time).
 */
#include <string.h>
#include <time.h>

#include "vmctl.h"
#include "run.h"

enum {
	RTC_SEC = 0x00,
	RTC_SEC_ALARM = 0x01,
	RTC_MIN = 0x02,
	RTC_MIN_ALARM = 0x03,
	RTC_HOUR = 0x04,
	RTC_HOUR_ALARM = 0x05,
	RTC_WDAY = 0x06,
	RTC_MDAY = 0x07,
	RTC_MON = 0x08,
	RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a,
	RTC_REG_B = 0x0b,
	RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32,
};

#define RTC_A_UIP		0x80
#define RTC_A_DEFAULT		0x26	/* 32.768 kHz time base, 1024 Hz rate */
#define RTC_B_SET		0x80
#define RTC_B_DM_BINARY		0x04
#define RTC_B_24H		0x02
#define RTC_B_DEFAULT		RTC_B_24H	/* BCD, 24-hour, no interrupts */
#define RTC_D_VRT		0x80
#define RTC_HOUR_PM		0x80

/* The registers that hold the time, computed from the clock on reads. */
static bool rtc_is_time_reg(unsigned int reg)
{
	switch (reg) {
	case RTC_SEC:
	case RTC_MIN:
	case RTC_HOUR:
	case RTC_WDAY:
	case RTC_MDAY:
	case RTC_MON:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	}
	return false;
}

int64_t rtc_host_time(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	if (clock_gettime(CLOCK_REALTIME, &ts))
		return 0;
	return ts.tv_sec;
}

void rtc_init(struct cmos_rtc *r, rtc_time_fn now, void *opaque)
{
	memset(r, 0, sizeof(*r));
	r->now = now;
	r->now_opaque = opaque;
	r->ram[RTC_REG_A] = RTC_A_DEFAULT;
	r->ram[RTC_REG_B] = RTC_B_DEFAULT;
	r->ram[RTC_REG_D] = RTC_D_VRT;
}

static bool rtc_binary(const struct cmos_rtc *r)
{
	return r->ram[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t rtc_encode(const struct cmos_rtc *r, unsigned int v)
{
	v %= 100;
	return rtc_binary(r) ? v : ((v / 10) << 4) | (v % 10);
}

/* A guest may write any byte: a bad BCD digit decodes to a large value. */
static unsigned int rtc_decode(const struct cmos_rtc *r, uint8_t v)
{
	return rtc_binary(r) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t rtc_encode_hour(const struct cmos_rtc *r, unsigned int h)
{
	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_encode(r, h);
	/* 0 is 12 AM, 12 is 12 PM, 13 is 1 PM. */
	return rtc_encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? RTC_HOUR_PM : 0);
}

static unsigned int rtc_decode_hour(const struct cmos_rtc *r, uint8_t v)
{
	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_decode(r, v);
	return rtc_decode(r, v & ~RTC_HOUR_PM) % 12 +
	       (v & RTC_HOUR_PM ? 12 : 0);
}

/* Fill the time registers from the clock, in register B's encoding. */
static void rtc_latch_clock(struct cmos_rtc *r)
{
	time_t t = (time_t)(r->now(r->now_opaque) + r->offset);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return;
	r->ram[RTC_SEC] = rtc_encode(r, tm.tm_sec);
	r->ram[RTC_MIN] = rtc_encode(r, tm.tm_min);
	r->ram[RTC_HOUR] = rtc_encode_hour(r, tm.tm_hour);
	r->ram[RTC_WDAY] = rtc_encode(r, tm.tm_wday + 1);
	r->ram[RTC_MDAY] = rtc_encode(r, tm.tm_mday);
	r->ram[RTC_MON] = rtc_encode(r, tm.tm_mon + 1);
	r->ram[RTC_YEAR] = rtc_encode(r, (tm.tm_year + 1900) % 100);
	r->ram[RTC_CENTURY] = rtc_encode(r, (tm.tm_year + 1900) / 100);
}

/*
 * Make the time in the registers the clock's.  timegm() normalises a
 * date that does not exist (31 April is 1 May); one it cannot represent
 * leaves the clock as it was.  The day of week is ignored, as the data
 * sheet's clock ignores it when counting (it only increments it).
 */
static void rtc_commit(struct cmos_rtc *r)
{
	struct tm tm = {
		.tm_sec = rtc_decode(r, r->ram[RTC_SEC]),
		.tm_min = rtc_decode(r, r->ram[RTC_MIN]),
		.tm_hour = rtc_decode_hour(r, r->ram[RTC_HOUR]),
		.tm_mday = rtc_decode(r, r->ram[RTC_MDAY]),
		.tm_mon = (int)rtc_decode(r, r->ram[RTC_MON]) - 1,
		.tm_year = rtc_decode(r, r->ram[RTC_CENTURY]) * 100 +
			   rtc_decode(r, r->ram[RTC_YEAR]) - 1900,
	};
	time_t t;

	t = timegm(&tm);
	if (t == (time_t)-1)
		return;
	r->offset = (int64_t)t - r->now(r->now_opaque);
}

/* Port 0x70: the index (bit 7 masks NMIs on a PC; nothing to mask here). */
void rtc_index_write(struct cmos_rtc *r, uint8_t val)
{
	r->index = val & 0x7f;
}

uint8_t rtc_data_read(struct cmos_rtc *r)
{
	unsigned int reg = r->index;
	uint8_t val;

	if (rtc_is_time_reg(reg) && !(r->ram[RTC_REG_B] & RTC_B_SET))
		rtc_latch_clock(r);
	switch (reg) {
	case RTC_REG_A:
		return r->ram[reg] & ~RTC_A_UIP;
	case RTC_REG_C:
		/* Reading acknowledges the flags; none is ever raised. */
		val = r->ram[reg];
		r->ram[reg] = 0;
		return val;
	case RTC_REG_D:
		return RTC_D_VRT;
	}
	return r->ram[reg];
}

void rtc_data_write(struct cmos_rtc *r, uint8_t val)
{
	unsigned int reg = r->index;
	bool set = r->ram[RTC_REG_B] & RTC_B_SET;

	if (rtc_is_time_reg(reg)) {
		/* Start from the current time so the other fields hold. */
		if (!set)
			rtc_latch_clock(r);
		r->ram[reg] = val;
		if (!set)
			rtc_commit(r);
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		r->ram[reg] = val & ~RTC_A_UIP;	/* UIP is read-only */
		break;
	case RTC_REG_B:
		/*
		 * Commit in the encoding the fields were written in; freeze
		 * in the encoding the guest will read them in.
		 */
		if (set && !(val & RTC_B_SET))
			rtc_commit(r);
		r->ram[reg] = val;
		if (!set && (val & RTC_B_SET))
			rtc_latch_clock(r);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;				/* read-only */
	default:
		r->ram[reg] = val;
	}
}
