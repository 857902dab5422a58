// SPDX-License-Identifier: GPL-2.0
/*
 * tests/legacy_test.c: host-side tests of the legacy PC devices (the RTC,
 * the 8042, the 8259A pair and ELCR, and the fixed-answer ports), printing
 * TAP.
 *
 * Most tests go through machine_pio(), the way a guest's in and out
 * instructions reach the devices, and replay the exact port sequences of
 * the Linux 6.1 code they exist for (cited at each test), so a model that
 * drifts from what that code needs fails here.  The RTC runs on a fake
 * clock.
 *
 *	usage: legacy_test
 */
#include <string.h>
#include <unistd.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

static struct machine mc;

static void outb(uint8_t val, uint16_t port)
{
	machine_pio(&mc, port, true, &val, 1);
}

static uint8_t inb(uint16_t port)
{
	uint8_t val;

	machine_pio(&mc, port, false, &val, 1);
	return val;
}

static uint32_t in_size(uint16_t port, unsigned int size)
{
	uint32_t val = 0;

	machine_pio(&mc, port, false, (uint8_t *)&val, size);
	return val;
}

static bool port_logged(uint16_t port)
{
	return mc.logged_ports[port / 8] & (1u << (port % 8));
}

static void machine_fresh(void)
{
	machine_init(&mc, 64 * MiB, 1, STDOUT_FILENO);
}

/* ---- RTC ---- */

static int64_t fake_time;

static int64_t fake_clock(void *opaque)
{
	(void)opaque;
	return fake_time;
}

/* 2026-03-14 15:09:26 UTC, a Saturday */
#define T_2026		1773500966LL

static uint8_t cmos_read(uint8_t reg)
{
	outb(reg, 0x70);
	return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t val)
{
	outb(reg, 0x70);
	outb(val, 0x71);
}

struct rtc_tm {
	int sec, min, hour, mday, mon, year;	/* mon 1-12, full year */
};

static unsigned int bcd2bin(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/*
 * What Linux 6.1's mc146818_get_time() (drivers/rtc/rtc-mc146818-lib.c,
 * behind mach_get_cmos_time() and rtc-cmos) does: seconds, UIP in A,
 * seconds again, the other fields, the century at the FADT's CENTURY
 * index, B; UIP and seconds again; decode as B says.  Returns false where
 * Linux would retry (it gives up after its timeout).
 */
static bool linux_get_time(struct rtc_tm *tm)
{
	uint8_t sec, century, ctrl;

	sec = cmos_read(0);
	if (cmos_read(0x0a) & 0x80)
		return false;
	if (sec != cmos_read(0))
		return false;
	tm->sec = sec;
	tm->min = cmos_read(2);
	tm->hour = cmos_read(4);
	tm->mday = cmos_read(7);
	tm->mon = cmos_read(8);
	tm->year = cmos_read(9);
	century = cmos_read(0x32);
	ctrl = cmos_read(0x0b);
	if ((cmos_read(0x0a) & 0x80) || sec != cmos_read(0))
		return false;
	if (!(ctrl & 0x04)) {
		tm->sec = bcd2bin(tm->sec);
		tm->min = bcd2bin(tm->min);
		tm->hour = bcd2bin(tm->hour);
		tm->mday = bcd2bin(tm->mday);
		tm->mon = bcd2bin(tm->mon);
		tm->year = bcd2bin(tm->year);
		century = bcd2bin(century);
	}
	/* Linux: tm_year is years since 1900, century > 20 adds to it. */
	tm->year += century > 20 ? (century - 19) * 100 : 0;
	if (tm->year <= 69)
		tm->year += 100;
	tm->year += 1900;
	return true;
}

/*
 * Linux 6.1's mc146818_set_time(): SET in B, the divider reset in A, the
 * fields year first, the century, then A and B restored.
 */
static void linux_set_time(const struct rtc_tm *tm)
{
	uint8_t ctrl = cmos_read(0x0b), freq;
	bool bcd = !(ctrl & 0x04);
	int yrs = tm->year % 100, century = tm->year / 100;
#define ENC(v) ((uint8_t)(bcd ? (((v) / 10) << 4) | ((v) % 10) : (v)))

	cmos_write(0x0b, ctrl | 0x80);
	freq = cmos_read(0x0a);
	cmos_write(0x0a, freq | 0x70);
	cmos_write(9, ENC(yrs));
	cmos_write(8, ENC(tm->mon));
	cmos_write(7, ENC(tm->mday));
	cmos_write(4, ENC(tm->hour));
	cmos_write(2, ENC(tm->min));
	cmos_write(0, ENC(tm->sec));
	cmos_write(0x32, ENC(century));
	cmos_write(0x0b, ctrl);
	cmos_write(0x0a, freq);
#undef ENC
}

static bool tm_is(const struct rtc_tm *tm, int year, int mon, int mday,
		  int hour, int min, int sec)
{
	return tm->year == year && tm->mon == mon && tm->mday == mday &&
	       tm->hour == hour && tm->min == min && tm->sec == sec;
}

static void test_rtc_read(void)
{
	struct rtc_tm tm;

	machine_fresh();
	rtc_init(&mc.rtc, fake_clock, NULL);
	fake_time = T_2026;

	check(cmos_read(0x0a) == 0x26 && cmos_read(0x0b) == 0x02 &&
	      cmos_read(0x0c) == 0 && cmos_read(0x0d) == 0x80,
	      "rtc: A 0x26, B 0x02 (BCD, 24h), C 0, D VRT at power-on");
	check(cmos_read(0) == 0x26 && cmos_read(2) == 0x09 &&
	      cmos_read(4) == 0x15 && cmos_read(6) == 0x07 &&
	      cmos_read(7) == 0x14 && cmos_read(8) == 0x03 &&
	      cmos_read(9) == 0x26 && cmos_read(0x32) == 0x20,
	      "rtc: BCD: 2026-03-14 15:09:26, Saturday = 7, century 0x20");
	check(linux_get_time(&tm) && tm_is(&tm, 2026, 3, 14, 15, 9, 26),
	      "rtc: Linux's mc146818_get_time() reads 2026-03-14 15:09:26 (BCD)");
	fake_time += 3600 * 24 * 365;
	check(linux_get_time(&tm) && tm_is(&tm, 2027, 3, 14, 15, 9, 26),
	      "rtc: follows the clock: a year later reads 2027");
	fake_time = T_2026;

	cmos_write(0x0b, 0x06);			/* binary, 24h */
	check(cmos_read(0) == 26 && cmos_read(4) == 15 && cmos_read(9) == 26 &&
	      cmos_read(0x32) == 20 && cmos_read(6) == 7,
	      "rtc: binary mode: 26 s, 15 h, year 26, century 20");
	check(linux_get_time(&tm) && tm_is(&tm, 2026, 3, 14, 15, 9, 26),
	      "rtc: Linux reads the same date in binary mode");

	cmos_write(0x0b, 0x00);			/* BCD, 12h */
	check(cmos_read(4) == 0x83, "rtc: 12h BCD: 15 h reads 0x83 (3, PM)");
	cmos_write(0x0b, 0x04);			/* binary, 12h */
	check(cmos_read(4) == 0x83, "rtc: 12h binary: 15 h reads 0x83");
	fake_time = 1773446700LL;		/* 00:05 */
	check(cmos_read(4) == 12, "rtc: 12h: 00:05 is 12 AM (12, no PM)");
	fake_time = 1773489600LL;		/* 12:00 */
	cmos_write(0x0b, 0x00);
	check(cmos_read(4) == 0x92, "rtc: 12h: noon is 12 PM (0x92)");
	cmos_write(0x0b, 0x02);
	check(cmos_read(4) == 0x12, "rtc: back in 24h mode noon is 0x12");

	cmos_write(0x0a, 0xa6);
	check(cmos_read(0x0a) == 0x26, "rtc: UIP is never set, even written");
	cmos_write(0x0a, 0x2f);
	check(cmos_read(0x0a) == 0x2f, "rtc: A's divider and rate read back");
	cmos_write(0x0b, 0x72);
	check(cmos_read(0x0b) == 0x72 && cmos_read(0x0c) == 0,
	      "rtc: interrupt enables are stored; C never has a flag");
	cmos_write(0x0c, 0xff);
	cmos_write(0x0d, 0x00);
	check(cmos_read(0x0c) == 0 && cmos_read(0x0d) == 0x80,
	      "rtc: C and D are read-only");
}

static void test_rtc_write(void)
{
	struct rtc_tm tm = { 50, 59, 23, 31, 1, 2030 };

	machine_fresh();
	rtc_init(&mc.rtc, fake_clock, NULL);
	fake_time = T_2026;

	linux_set_time(&tm);
	check(linux_get_time(&tm) && tm_is(&tm, 2030, 1, 31, 23, 59, 50),
	      "rtc: Linux's mc146818_set_time() sets 2030-01-31 23:59:50");
	fake_time += 20;
	check(linux_get_time(&tm) && tm_is(&tm, 2030, 2, 1, 0, 0, 10),
	      "rtc: the set clock runs on: 20 s later is 2030-02-01 00:00:10");
	check(mc.rtc.offset == 1896134390LL - T_2026,
	      "rtc: the write became an offset from the host clock");

	/*
	 * From 31 January, the month is written before the day: without the
	 * SET latch the clock would pass through 31 February (3 March).
	 */
	fake_time -= 20;
	tm = (struct rtc_tm){ 0, 30, 8, 15, 2, 2030 };
	linux_set_time(&tm);
	check(linux_get_time(&tm) && tm_is(&tm, 2030, 2, 15, 8, 30, 0),
	      "rtc: 31 Jan -> 15 Feb: SET latches the fields, no 31 February");

	tm = (struct rtc_tm){ 59, 59, 23, 31, 12, 1999 };
	cmos_write(0x0b, 0x06);
	linux_set_time(&tm);
	cmos_write(0x0b, 0x02);
	check(linux_get_time(&tm) && tm_is(&tm, 1999, 12, 31, 23, 59, 59) &&
	      cmos_read(0x32) == 0x19,
	      "rtc: set in binary mode, read in BCD: 1999, century 0x19");

	/* With SET clear one field changes and the others hold. */
	fake_time = T_2026;
	mc.rtc.offset = 0;
	cmos_write(2, 0x45);
	check(linux_get_time(&tm) && tm_is(&tm, 2026, 3, 14, 15, 45, 26),
	      "rtc: a minutes write without SET changes only the minutes");
	cmos_write(0x0b, 0x00);		/* 12h: write 1 PM */
	cmos_write(4, 0x81);
	cmos_write(0x0b, 0x02);
	check(cmos_read(4) == 0x13, "rtc: 12h write of 0x81 (1 PM) is 13 h");
	cmos_write(0x0b, 0x82);		/* SET: frozen */
	fake_time += 5;
	check(cmos_read(0) == 0x26, "rtc: with SET held the clock reads frozen");
	cmos_write(0x0b, 0x02);
	check(cmos_read(0) == 0x26,
	      "rtc: clearing SET takes the frozen time (no updates under SET)");
	fake_time += 5;
	check(cmos_read(0) == 0x31, "rtc: and the clock runs on from there");
	cmos_write(8, 0x13);		/* month 13: not a date */
	check(linux_get_time(&tm) && tm.year == 2027 && tm.mon == 1,
	      "rtc: month 13 normalises (to January next year), no garbage");
}

static void test_cmos_ram(void)
{
	machine_fresh();
	rtc_init(&mc.rtc, fake_clock, NULL);
	cmos_write(0x40, 0x5a);
	cmos_write(0x7f, 0xa5);
	check(cmos_read(0x40) == 0x5a && cmos_read(0x7f) == 0xa5,
	      "cmos: RAM bytes read back");
	check(cmos_read(0xc0) == 0x5a,
	      "cmos: bit 7 of the index (NMI mask) is dropped");
	cmos_write(0x01, 0x33);
	check(cmos_read(0x01) == 0x33, "cmos: the alarm seconds are plain RAM");
	check(inb(0x70) == 0xff, "cmos: the index port is write-only");
	check(!port_logged(0x70) && !port_logged(0x71),
	      "cmos: 0x70 and 0x71 are not unknown ports");
}

/* ---- 8042 ---- */

static void test_i8042(void)
{
	machine_fresh();
	check(inb(0x64) == 0x04,
	      "i8042: status: input empty, output empty, system flag");
	outb(0xaa, 0x64);
	check(inb(0x64) & 0x01, "i8042: self test fills the output buffer");
	check(inb(0x60) == 0x55 && !(inb(0x64) & 0x01),
	      "i8042: self test answers 0x55, reading empties the buffer");
	outb(0x20, 0x64);
	check(inb(0x60) == 0x44, "i8042: command byte 0x44 at power-on");
	outb(0x60, 0x64);
	outb(0x47, 0x60);
	outb(0x20, 0x64);
	check(inb(0x60) == 0x47, "i8042: 0x60 then a data byte writes it");
	outb(0x00, 0x60);
	outb(0x20, 0x64);
	check(inb(0x60) == 0x47,
	      "i8042: a data byte with no command waiting is dropped");
	outb(0xad, 0x64);
	outb(0x20, 0x64);
	check(inb(0x60) == 0x57, "i8042: 0xad disables the keyboard (bit 4)");
	outb(0xae, 0x64);
	outb(0x20, 0x64);
	check(inb(0x60) == 0x47, "i8042: 0xae enables it again");
	outb(0xd4, 0x64);
	outb(0xff, 0x64);
	outb(0xa7, 0x64);
	check(mc.stop == MACHINE_RUNNING && !(inb(0x64) & 0x01),
	      "i8042: other commands (0xd4, 0xff, 0xa7) do nothing");
	check(!port_logged(0x60) && !port_logged(0x64),
	      "i8042: no unknown-port warning");

	/* arch/x86/kernel/reboot.c, BOOT_KBD: kb_wait(), then 0xfe. */
	check(!(inb(0x64) & 0x02), "i8042: kb_wait() sees the input empty");
	outb(0xfe, 0x64);
	check(mc.stop == MACHINE_RESET, "i8042: 0xfe pulses reset: a reset");
	machine_fresh();
	outb(0xf0, 0x64);
	check(mc.stop == MACHINE_RESET, "i8042: 0xf0 pulses reset too");
}

/* ---- 8259A pair and ELCR ---- */

static void test_pic(void)
{
	machine_fresh();

	/* probe_8259A() (arch/x86/kernel/i8259.c) */
	outb(0xff, 0xa1);
	outb(0xfb, 0x21);
	check(inb(0x21) == 0xfb, "pic: probe_8259A's 0xfb reads back");
	check(inb(0xa1) == 0xff, "pic: the slave's IMR is its own");

	/*
	 * init_8259A(0): every outb_pic() is followed by the I/O delay
	 * write to port 0x80.
	 */
	outb(0xff, 0x21);
	outb(0x11, 0x20); outb(0, 0x80);
	outb(0x30, 0x21); outb(0, 0x80);
	outb(0x04, 0x21); outb(0, 0x80);
	outb(0x01, 0x21); outb(0, 0x80);
	outb(0x11, 0xa0); outb(0, 0x80);
	outb(0x38, 0xa1); outb(0, 0x80);
	outb(0x02, 0xa1); outb(0, 0x80);
	outb(0x01, 0xa1); outb(0, 0x80);
	check(inb(0x21) == 0 && inb(0xa1) == 0,
	      "pic: ICW1 clears the IMR; ICW2-4 are not taken as IMR writes");
	check(mc.pic.chip[0].vector_base == 0x30 &&
	      mc.pic.chip[1].vector_base == 0x38 &&
	      mc.pic.chip[0].cascade == 0x04 && mc.pic.chip[1].cascade == 2 &&
	      mc.pic.chip[0].mode == 1 && !mc.pic.chip[0].icw_next,
	      "pic: ICW2, ICW3, ICW4 land where they belong");
	outb(0xfb, 0x21);
	outb(0xff, 0xa1);
	check(inb(0x21) == 0xfb && inb(0xa1) == 0xff,
	      "pic: after init the IMR writes read back");

	/* print_PIC(): OCW3 selects the ISR, then back to the IRR */
	outb(0x0b, 0xa0);
	outb(0x0b, 0x20);
	check(mc.pic.chip[0].read_isr && inb(0x20) == 0 && inb(0xa0) == 0,
	      "pic: OCW3 read-ISR: no interrupt in service");
	outb(0x0a, 0x20);
	check(!mc.pic.chip[0].read_isr && inb(0x20) == 0,
	      "pic: OCW3 read-IRR: no request");
	outb(0x20, 0x20);
	outb(0x62, 0x20);
	check(inb(0x21) == 0xfb, "pic: EOIs (OCW2) leave the IMR alone");

	/* ICW1 without ICW4, single: only ICW2 follows */
	outb(0x12, 0x20);
	outb(0x08, 0x21);
	outb(0x5a, 0x21);
	check(inb(0x21) == 0x5a && mc.pic.chip[0].vector_base == 0x08,
	      "pic: single, no ICW4: the write after ICW2 is the IMR");

	outb(0xff, 0x4d0);
	outb(0xff, 0x4d1);
	check(inb(0x4d0) == 0xf8 && inb(0x4d1) == 0xde,
	      "pic: ELCR: IRQ 0, 1, 2, 8, 13 stay edge-triggered");
	outb(0x80, 0x4d1);
	check(in_size(0x4d0, 2) == 0x80f8, "pic: ELCR read 16 bits wide");
	check(!port_logged(0x20) && !port_logged(0x21) && !port_logged(0xa0) &&
	      !port_logged(0xa1) && !port_logged(0x4d0) && !port_logged(0x80),
	      "pic: no unknown-port warning (nor for port 0x80)");
}

/* ---- fixed-answer ports ---- */

/*
 * quick_pit_calibrate() (arch/x86/kernel/tsc.c) up to its first failure:
 * pit_verify_msb(0), then pit_expect_msb(0xff).  Returns the reads of
 * port 0x42 it made; *ok is pit_expect_msb()'s verdict.
 */
static unsigned int quick_pit_reads(uint8_t (*rd)(void), bool *ok)
{
	unsigned int reads = 0;
	int count;

	outb((inb(0x61) & ~0x02) | 0x01, 0x61);
	outb(0xb0, 0x43);
	outb(0xff, 0x42);
	outb(0xff, 0x42);
	rd();				/* pit_verify_msb(0) */
	rd();
	reads += 2;
	for (count = 0; count < 50000; count++) {
		rd();
		reads += 2;
		if (rd() != 0xff)
			break;
	}
	*ok = count > 5;
	return reads;
}

static uint8_t read_pit2(void)
{
	return inb(0x42);
}

static uint8_t read_absent(void)
{
	return 0xff;
}

static void test_legacy(void)
{
	unsigned int n;
	bool ok;
	int loops;

	machine_fresh();
	check(inb(0x40) == 0 && inb(0x41) == 0 && inb(0x42) == 0 &&
	      inb(0x43) == 0, "pit: 0x40-0x43 read 0");
	n = quick_pit_reads(read_pit2, &ok);
	check(!ok && n == 4,
	      "pit: quick_pit_calibrate gives up after 4 reads of 0x42 (%u)", n);
	n = quick_pit_reads(read_absent, &ok);
	check(n == 100002,
	      "pit: reading 0xff instead would cost %u port reads", n);

	/* pit_calibrate_tsc(): the unbounded wait for bit 5 of port 0x61 */
	outb((inb(0x61) & ~0x02) | 0x01, 0x61);
	outb(0xb0, 0x43);
	outb(0x9b, 0x42);
	outb(0x2e, 0x42);
	for (loops = 0; loops < 1000 && !(inb(0x61) & 0x20); loops++)
		;
	check(loops == 0,
	      "port 0x61: OUT2 set, pit_calibrate_tsc's wait ends at once");
	check(inb(0x61) == 0x20, "port 0x61: reads 0x20 whatever was written");
	check(in_size(0x42, 2) == 0 && in_size(0x42, 4) == 0xffff0000,
	      "pit: wide reads: 0 from the PIT's ports, all ones past 0x43");

	outb(0x12, 0x80);
	outb(0x34, 0xed);
	check(inb(0x80) == 0xff && inb(0xed) == 0xff && mc.stop == MACHINE_RUNNING,
	      "0x80, 0xed: writes ignored, reads all ones");
	check(!port_logged(0x40) && !port_logged(0x42) && !port_logged(0x43) &&
	      !port_logged(0x61) && !port_logged(0x80) && !port_logged(0xed),
	      "legacy: no unknown-port warning for 0x40-0x43, 0x61, 0x80, 0xed");

	fprintf(stderr,
		"# legacy_test: two unknown-port warnings are expected next\n");
	check(inb(0x62) == 0xff && port_logged(0x62),
	      "legacy: port 0x62 is not claimed: all ones, logged");
	check(inb(0x00) == 0xff && port_logged(0x00),
	      "legacy: the DMA controller (0x00) is not modelled");
}

int main(void)
{
	test_rtc_read();
	test_rtc_write();
	test_cmos_ram();
	test_i8042();
	test_pic();
	test_legacy();
	return tap_done("legacy_test");
}
