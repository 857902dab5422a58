// SPDX-License-Identifier: GPL-2.0
/*
 * devices/i8042.c: the PC keyboard controller (Intel 8042) at ports 0x60
 * (data) and 0x64 (status on reads, commands on writes), with no keyboard
 * and no mouse behind it.
 *
 * It is here for one job: resetting the machine.  Linux's reboot path
 * (arch/x86/kernel/reboot.c, native_machine_emergency_restart(), the
 * BOOT_KBD case and "reboot=k") waits for the input buffer to be empty
 * (status bit 1) and writes command 0xfe, "pulse output port bit 0", which
 * on a PC is wired to the CPU's reset line.  That reaches this model even
 * though the ACPI tables say there is no 8042 (FADT IAPC_BOOT_ARCH bit 1
 * clear, so the i8042 driver does not probe it): the reboot code writes
 * the port directly and never asks whether a controller is there.
 *
 * The rest is what a guest that does talk to the controller needs so it
 * does not spin or misread (IBM PC AT Technical Reference, "Keyboard
 * Controller"; the commands as Linux's include/linux/i8042.h names them):
 *
 *   status     input buffer always empty (the controller takes a byte at
 *              once), output buffer full only after a command that
 *              answers, system flag as the command byte has it (set)
 *   0x20       read the command byte: it goes to the output buffer
 *   0x60       write the command byte: the next byte on port 0x60
 *   0xaa       self test: 0x55 (passed) in the output buffer
 *   0xad/0xae  disable/enable the keyboard interface (command byte bit 4)
 *   0xf0-0xff  pulse the output port lines whose bits are clear in the
 *              low nibble: bit 0 is the reset line, so 0xfe (and any
 *              even one) resets the machine; the other lines (A20 gate
 *              and the buffer-full wires) mean nothing here
 *   others     ignored without a word; a byte for the keyboard (port 0x60
 *              with no command waiting for it) is dropped, since there is
 *              no keyboard to take it
 *
 * It never interrupts (IRQ 1 and IRQ 12 stay low): there is nothing to
 * report.
 */
#include <string.h>

#include "vmctl.h"
#include "run.h"

#define I8042_DATA		0x60
#define I8042_STATUS		0x64

#define I8042_STR_OBF		0x01	/* output buffer full */
#define I8042_STR_SYS		0x04	/* system flag (POST passed) */

#define I8042_CMD_READ_CTR	0x20
#define I8042_CMD_WRITE_CTR	0x60
#define I8042_CMD_SELF_TEST	0xaa
#define I8042_CMD_KBD_DISABLE	0xad
#define I8042_CMD_KBD_ENABLE	0xae
#define I8042_CMD_PULSE_MASK	0xf0	/* 0xf0-0xff: pulse output lines */
#define I8042_OUT_RESET		0x01	/* output port bit 0: CPU reset */

#define I8042_CTR_SYS		0x04	/* mirrored in the status register */
#define I8042_CTR_KBD_DISABLE	0x10
/*
 * The command byte at power-on: system flag (the BIOS ran its self test)
 * and scan code translation, as a PC BIOS leaves it, with the keyboard and
 * mouse interrupts off since nothing is there to interrupt.
 */
#define I8042_CTR_DEFAULT	0x44

#define I8042_SELF_TEST_OK	0x55

void i8042_init(struct i8042 *k)
{
	memset(k, 0, sizeof(*k));
	k->ctr = I8042_CTR_DEFAULT;
}

static void i8042_answer(struct i8042 *k, uint8_t val)
{
	k->out = val;
	k->out_full = true;
}

uint8_t i8042_read(struct i8042 *k, unsigned int port)
{
	if (port == I8042_STATUS)
		return (k->out_full ? I8042_STR_OBF : 0) |
		       (k->ctr & I8042_CTR_SYS ? I8042_STR_SYS : 0);
	/* The data port: an empty buffer still reads its last byte. */
	k->out_full = false;
	return k->out;
}

/* Returns true when the guest pulsed the reset line. */
bool i8042_write(struct i8042 *k, unsigned int port, uint8_t val)
{
	if (port == I8042_DATA) {
		if (k->pending == I8042_CMD_WRITE_CTR)
			k->ctr = val;
		k->pending = 0;
		return false;
	}

	k->pending = 0;
	switch (val) {
	case I8042_CMD_READ_CTR:
		i8042_answer(k, k->ctr);
		break;
	case I8042_CMD_WRITE_CTR:
		k->pending = val;
		break;
	case I8042_CMD_SELF_TEST:
		i8042_answer(k, I8042_SELF_TEST_OK);
		break;
	case I8042_CMD_KBD_DISABLE:
		k->ctr |= I8042_CTR_KBD_DISABLE;
		break;
	case I8042_CMD_KBD_ENABLE:
		k->ctr &= ~I8042_CTR_KBD_DISABLE;
		break;
	}
	/* A line is pulsed when its bit is 0 in the command's low nibble. */
	return (val & 0xf0) == I8042_CMD_PULSE_MASK && !(val & I8042_OUT_RESET);
}
