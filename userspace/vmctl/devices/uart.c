// SPDX-License-Identifier: GPL-2.0
/*
 * devices/uart.c: a 16550A UART, enough of it for a guest to print.
 *
 * Registers as in the National Semiconductor PC16550D data sheet, table
 * II.  Everything the guest transmits is written to out_fd (vmctl's
 * stdout) at once, so the line is never "busy": LSR always reports the
 * transmit holding register and the shift register empty (THRE | TEMT),
 * and a driver polling for them never spins.  There is no input: RBR
 * reads 0 and LSR never reports data ready, except in loopback mode
 * (MCR bit 4), which Linux's 8250 driver uses to probe the chip: there a
 * transmitted byte comes back in RBR and the modem outputs come back as
 * the modem status inputs.  No interrupts are raised (minivmm has no
 * interrupt injection yet), so IIR always reads "none pending".
 */
#include <errno.h>
#include <unistd.h>

#include "vmctl.h"
#include "run.h"

enum {
	UART_RBR_THR_DLL = 0,
	UART_IER_DLM = 1,
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define UART_LCR_DLAB		0x80
#define UART_MCR_LOOP		0x10
#define UART_LSR_DR		0x01
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
#define UART_IIR_NO_INT		0x01
#define UART_IIR_FIFO		0xc0	/* FIFOs enabled */
#define UART_FCR_ENABLE		0x01
/* Modem status: CTS, DSR, RI, DCD in bits 4-7. */
#define UART_MSR_CONNECTED	0xb0	/* DCD | DSR | CTS */

void uart_init(struct uart16550 *u, int out_fd)
{
	*u = (struct uart16550){ .out_fd = out_fd, .dll = 0x0c };
}

static void uart_transmit(struct uart16550 *u, uint8_t c)
{
	ssize_t n;

	if (u->mcr & UART_MCR_LOOP) {
		u->rbr = c;
		u->rbr_full = true;
		return;
	}
	/* Unbuffered, and a slow or closed stdout does not stop the guest. */
	do {
		n = write(u->out_fd, &c, 1);
	} while (n < 0 && errno == EINTR);
}

/* Loopback: the outputs DTR, RTS, OUT1, OUT2 read as DSR, CTS, RI, DCD. */
static uint8_t uart_msr(const struct uart16550 *u)
{
	uint8_t m = u->mcr;

	if (!(m & UART_MCR_LOOP))
		return UART_MSR_CONNECTED;
	return ((m & 0x01) << 5) | ((m & 0x02) << 3) | ((m & 0x04) << 4) |
	       ((m & 0x08) << 4);
}

uint8_t uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t val;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		val = u->rbr_full ? u->rbr : 0;
		u->rbr_full = false;
		return val;
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return UART_IIR_NO_INT |
		       (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (u->rbr_full ? UART_LSR_DR : 0);
	case UART_MSR:
		return uart_msr(u);
	case UART_SCR:
		return u->scr;
	}
	return 0xff;
}

void uart_write(struct uart16550 *u, unsigned int reg, uint8_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = val;
		else
			uart_transmit(u, val);
		break;
	case UART_IER_DLM:
		if (dlab)
			u->dlm = val;
		else
			u->ier = val & 0x0f;	/* bits 4-7 are always 0 */
		break;
	case UART_IIR_FCR:
		u->fcr = val & UART_FCR_ENABLE;	/* the rest are actions */
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;		/* bits 5-7 are always 0 */
		break;
	case UART_SCR:
		u->scr = val;
		break;
	}
	/* LSR and MSR are read-only: writes are ignored. */
}
