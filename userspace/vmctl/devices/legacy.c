// SPDX-License-Identifier: GPL-2.0
/*
 * devices/legacy.c: the PC ports a stock Linux kernel touches on its way
 * up that need a fixed answer and no device behind them.  Each is here
 * because of the code that touches it; they answer silently, where an
 * unknown port would be reported (ioport.c).
 *
 *   0x80       POST code port.  Linux's outb_p()/inb_p() delay by writing
 *              it (arch/x86/kernel/io_delay.c, the default io_delay type),
 *              e.g. around every 8259A initialisation word.  Writes are
 *              ignored; reads return all ones, as from an empty bus.
 *   0xed       the other I/O delay port ("io_delay=0xed"): the same.
 *   0x40-0x43  the 8254 PIT.  This machine has none (the LAPIC timer is the
 *              clock), but Linux's TSC calibration programs channel 2 and
 *              reads it back without asking whether it exists.  Reads
 *              return 0 and writes are ignored; see pit_read() for why 0
 *              and not all ones.
 *   0x61       system control port B (NMI status and control on a PC AT):
 *              reads 0x20, "channel 2 output high", writes are ignored;
 *              see sysctl_read().
 *
 * Left out on purpose, after reading what a Debian 6.1 kernel does:
 *
 *   - the 8237 DMA controllers (0x00-0x1f, 0xc0-0xdf) and their page
 *     registers (0x81-0x8f): the x86 boot path only reserves them as
 *     resources (arch/x86/kernel/setup.c, standard_io_resources[]); their
 *     only users are the ISA DMA drivers, floppy and parport_pc, which are
 *     modules the initramfs need not load and which the ACPI tables give
 *     no device to bind;
 *   - port 0x92 (fast A20 and reset): only arch/x86/boot's real-mode
 *     code, which the 64-bit boot protocol skips, and a 32-bit reboot
 *     fixup for one Geode board, write it;
 *   - 0xf0-0xff (the x87 error latch): 32-bit kernels only.
 *
 * A port not here, and not another device's, is logged once by ioport.c,
 * which is how a guest that wants something more shows itself.
 */
#include "vmctl.h"
#include "run.h"

/*
 * Port 0x42 is what the kernel reads to watch the PIT count down.
 * quick_pit_calibrate() (arch/x86/kernel/tsc.c; the TSC frequency source
 * when CPUID leaf 0x15/0x16 and the MSRs do not give it, i.e. on every
 * non-Intel CPU, and still run when tsc_early_khz= is given, since that
 * only sets tsc_khz) programs channel 2 for a count from 0xffff, then
 * calls pit_verify_msb(0) once (two reads, result unused) and
 * pit_expect_msb(0xff), which loops up to 50000 times while the counter's
 * high byte reads 0xff, two reads of port 0x42 each:
 *
 *   - reading 0xff (an absent device) the high byte "stays" at 0xff, so
 *     the loop runs its full 50000 rounds, 100000 port reads, each an exit
 *     to vmctl, before the next step (expecting 0xfe) fails;
 *   - reading 0 the first comparison fails, pit_expect_msb() returns with
 *     count 0 (it wants more than 5), and the calibration gives up after 4
 *     reads with "Fast TSC calibration failed".
 */
static uint8_t pit_read(unsigned int port)
{
	(void)port;
	return 0;
}

/*
 * Bit 5 of port 0x61 is the PIT channel 2 output (PC AT Technical
 * Reference, "System control port B"; Linux's NMI code reads the same
 * port for bits 6-7, which stay 0: no I/O check or parity error NMI).
 * pit_calibrate_tsc() (arch/x86/kernel/tsc.c) runs from tsc_init() when
 * the early calibration found no TSC frequency (no CPUID leaf 0x15/0x16,
 * no tsc_early_khz=, quick_pit_calibrate() failed) and there is a legacy
 * PIC (there is: pic.c).  It loads channel 2 with a 50 ms one-shot count
 * and loops, with no bound and no timeout, while bit 5 reads 0.  With it
 * set the loop ends at once having counted 0 rounds, fewer than its
 * loopmin, so the function reports failure (ULONG_MAX) and
 * pit_hpet_ptimer_calibrate_cpu() falls back on its HPET or ACPI PM timer
 * reference.  The bits the guest writes (gate, speaker) are not kept.
 */
static uint8_t sysctl_read(void)
{
	return 0x20;
}

uint8_t legacy_read(uint16_t port)
{
	switch (port) {
	case 0x40 ... 0x43:
		return pit_read(port);
	case 0x61:
		return sysctl_read();
	}
	return 0xff;		/* 0x80 and 0xed: nothing to read */
}

/* Every write to these ports is dropped: none has state worth keeping. */
void legacy_write(uint16_t port, uint8_t val)
{
	(void)port;
	(void)val;
}
