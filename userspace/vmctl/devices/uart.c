// SPDX-License-Identifier: GPL-2.0
/*
 * devices/uart.c: a 16550A UART, the guest's serial console.
 *
 * Registers as in the National Semiconductor PC16550D data sheet, table
 * II.  Everything the guest transmits is written to out_fd (vmctl's
 * stdout) at once, so the transmitter is never busy: LSR always reports
 * the holding and shift registers empty (THRE | TEMT) and there is no
 * transmit FIFO to model.  Input comes from uart_receive() (term.c feeds
 * it from stdin) into a 16-byte receive FIFO, or a 1-byte holding
 * register while FCR bit 0 is clear (16450 mode).
 *
 * Interrupts (data sheet, table IV, highest priority first):
 *
 *   IIR 0x6  receiver line status   LSR.OE with IER.ELSI; reading LSR ends it
 *   IIR 0x4  received data          the FIFO at or above its trigger level
 *   IIR 0xc  character timeout      data below the trigger level
 *   IIR 0x2  THR empty              see below
 *   IIR 0x0  modem status           an MSR delta bit with IER.EDSSI
 *
 * THR empty is pending when IER.ETBEI goes from 0 to 1 (the transmitter
 * is always empty), and after each transmitted byte; reading IIR while it
 * is the source, writing THR, or clearing ETBEI ends it.  Linux's 8250
 * driver relies on the first rule: serial8250_do_startup() sets ETBEI and
 * expects IIR to show the interrupt, twice (its "THRE test").  QEMU and
 * Bochs resample THRE on the rising edge of ETBEI the same way.
 *
 * The character timeout: a real chip reports it when no character has
 * arrived or been read for four character times.  vmctl's input thread
 * hands the UART all the bytes it has in one call, so data left below the
 * trigger level has nothing following it: the timeout is reported at
 * once, with no timer.  Either way the guest reads until LSR.DR clears.
 *
 * The interrupt output is the OR of the enabled pending conditions, given
 * to the irq callback (IRQ 4 through machine_set_irq()) only when it
 * changes.  As in QEMU it is not gated by MCR.OUT2, which on a PC board
 * enables the chip's INTR onto the ISA bus: Linux always sets OUT2, and
 * drivers that do not never enable interrupts either.  A write to THR
 * lowers the line and the transmitted byte raises it again, so an
 * edge-triggered I/O APIC input sees a new edge for each THR empty.
 *
 * Loopback (MCR bit 4), which Linux's driver uses to probe the chip: a
 * transmitted byte is received (with an overrun when the FIFO is full),
 * uart_receive() takes nothing, and the modem outputs DTR, RTS, OUT1,
 * OUT2 read back as the inputs DSR, CTS, RI, DCD.  Outside loopback the
 * inputs read as a connected line (DCD, DSR, CTS).  A change of the
 * inputs seen by the guest sets MSR's delta bits (RI only on its trailing
 * edge), which reading MSR clears.
 *
 * Locking: u->lock protects all the state.  The vCPU thread takes it for
 * each port access, the input thread in uart_receive(); the irq callback
 * is called with it held, so the line's level changes in the order the
 * state does (the callback must not come back into the UART).  The room
 * callback is called after it is dropped.
 */
#include <errno.h>
#include <string.h>
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

#define UART_IER_ERBFI		0x01	/* received data (and timeout) */
#define UART_IER_ETBEI		0x02	/* THR empty */
#define UART_IER_ELSI		0x04	/* receiver line status */
#define UART_IER_EDSSI		0x08	/* modem status */

#define UART_IIR_NO_INT		0x01
#define UART_IIR_MSI		0x00
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_RLSI		0x06
#define UART_IIR_CTI		0x0c
#define UART_IIR_FIFO		0xc0	/* FIFOs enabled */

#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_FCR_CLEAR_TX	0x04
#define UART_FCR_DMA		0x08
#define UART_FCR_TRIGGER	0xc0

#define UART_LCR_DLAB		0x80
#define UART_MCR_LOOP		0x10

#define UART_LSR_DR		0x01
#define UART_LSR_OE		0x02
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40

#define UART_MSR_TERI		0x04
#define UART_MSR_RI		0x40
/* Modem status: CTS, DSR, RI, DCD in bits 4-7. */
#define UART_MSR_CONNECTED	0xb0	/* DCD | DSR | CTS */

void uart_init(struct uart16550 *u, int out_fd, uart_irq_fn irq,
	       void *irq_opaque)
{
	*u = (struct uart16550){
		.out_fd = out_fd,
		.dll = 0x0c,		/* 9600 baud, as a PC BIOS leaves it */
		.irq = irq,
		.irq_opaque = irq_opaque,
	};
	pthread_mutex_init(&u->lock, NULL);
}

void uart_set_room_fn(struct uart16550 *u, uart_room_fn fn, void *opaque)
{
	pthread_mutex_lock(&u->lock);
	u->room = fn;
	u->room_opaque = opaque;
	pthread_mutex_unlock(&u->lock);
}

void uart_set_event_fn(struct uart16550 *u, uart_event_fn fn, void *opaque)
{
	pthread_mutex_lock(&u->lock);
	u->event = fn;
	u->event_opaque = opaque;
	pthread_mutex_unlock(&u->lock);
}

static void uart_event(struct uart16550 *u, enum uart_event ev, bool *said)
{
	if (*said)
		return;
	*said = true;
	if (u->event)
		u->event(u->event_opaque, ev);
}

static bool uart_fifo_on(const struct uart16550 *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* 16450 mode has one holding register, not a FIFO. */
static unsigned int uart_rx_capacity(const struct uart16550 *u)
{
	return uart_fifo_on(u) ? UART_FIFO_SIZE : 1;
}

/* FCR bits 6-7, data sheet table III: 1, 4, 8 or 14 bytes. */
static unsigned int uart_rx_trigger(const struct uart16550 *u)
{
	static const unsigned int levels[] = { 1, 4, 8, 14 };

	return uart_fifo_on(u) ? levels[u->fcr >> 6] : 1;
}

/* How many bytes uart_receive() could take now. */
static unsigned int uart_rx_room(const struct uart16550 *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return 0;	/* the serial input is cut off in loopback */
	return uart_rx_capacity(u) - u->rx_count;
}

/* The interrupt identification, the highest priority source first. */
static uint8_t uart_iir_id(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_ELSI) && (u->lsr_err & UART_LSR_OE))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_ERBFI) && u->rx_count)
		return u->rx_count >= uart_rx_trigger(u) ? UART_IIR_RDI
							 : UART_IIR_CTI;
	if ((u->ier & UART_IER_ETBEI) && u->thr_ipending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_EDSSI) && u->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* Give the interrupt line its new level, if it has one. */
static void uart_update_irq(struct uart16550 *u)
{
	bool level = uart_iir_id(u) != UART_IIR_NO_INT;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->irq)
		u->irq(u->irq_opaque, level);
}

/*
 * Update the line and drop the lock; then, if the feeder was refused
 * bytes and there is room now, tell it (outside the lock: it may take
 * the lock again through uart_receive()).
 */
static void uart_unlock(struct uart16550 *u)
{
	uart_room_fn room = NULL;
	void *opaque = u->room_opaque;

	uart_update_irq(u);
	if (u->rx_backlog && uart_rx_room(u)) {
		u->rx_backlog = false;
		room = u->room;
	}
	pthread_mutex_unlock(&u->lock);
	if (room)
		room(opaque);
}

static void uart_rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

static void uart_rx_push(struct uart16550 *u, uint8_t c)
{
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = c;
	u->rx_count++;
}

static uint8_t uart_rx_pop(struct uart16550 *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return c;
}

/*
 * A byte received in loopback.  When there is no room it is an overrun
 * (data sheet, LSR bit 1): in FIFO mode the byte is lost and the FIFO
 * kept; in 16450 mode it overwrites the holding register.
 */
static void uart_rx_loop(struct uart16550 *u, uint8_t c)
{
	if (u->rx_count < uart_rx_capacity(u)) {
		uart_rx_push(u, c);
		return;
	}
	u->lsr_err |= UART_LSR_OE;
	if (!uart_fifo_on(u))
		u->rx[u->rx_head] = c;
}

size_t uart_receive(struct uart16550 *u, const uint8_t *buf, size_t n)
{
	size_t i, took;

	pthread_mutex_lock(&u->lock);
	took = uart_rx_room(u);
	if (took > n)
		took = n;
	for (i = 0; i < took; i++)
		uart_rx_push(u, buf[i]);
	if (took < n)
		u->rx_backlog = true;
	uart_unlock(u);
	return took;
}

static void uart_transmit(struct uart16550 *u, uint8_t c)
{
	ssize_t n;

	if (u->mcr & UART_MCR_LOOP) {
		uart_rx_loop(u, c);
		return;
	}
	uart_event(u, UART_EVENT_OUTPUT, &u->said_output);
	/* Unbuffered, and a slow or closed stdout does not stop the guest. */
	do {
		n = write(u->out_fd, &c, 1);
	} while (n < 0 && errno == EINTR);
}

/* The modem inputs the guest sees; in loopback DTR, RTS, OUT1, OUT2 read
 * back as DSR, CTS, RI, DCD (data sheet, MCR bit 4). */
static uint8_t uart_msr_inputs(uint8_t mcr)
{
	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_CONNECTED;
	return ((mcr & 0x01) << 5) | ((mcr & 0x02) << 3) |
	       ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
}

static void uart_write_mcr(struct uart16550 *u, uint8_t val)
{
	uint8_t old = uart_msr_inputs(u->mcr), now;
	uint8_t delta;

	u->mcr = val & 0x1f;		/* bits 5-7 are always 0 */
	now = uart_msr_inputs(u->mcr);
	delta = (old ^ now) >> 4;
	/* TERI: RI went from on to off, not the other way. */
	if (now & UART_MSR_RI)
		delta &= ~UART_MSR_TERI;
	u->msr_delta |= delta;
}

static void uart_write_ier(struct uart16550 *u, uint8_t val)
{
	uint8_t changed = (u->ier ^ val) & UART_IER_ETBEI;

	u->ier = val & 0x0f;		/* bits 4-7 are always 0 */
	if (u->ier & UART_IER_ERBFI)
		uart_event(u, UART_EVENT_RX_ON, &u->said_rx);
	/* The transmitter is always empty: the rising edge of ETBEI
	 * reports it, the falling edge forgets it. */
	if (changed)
		u->thr_ipending = u->ier & UART_IER_ETBEI;
}

/*
 * FCR (data sheet, FIFO control register): the other bits are only
 * programmed while bit 0 is written as 1; turning the FIFOs on or off
 * clears them; bits 1 and 2 are actions that clear themselves.
 */
static void uart_write_fcr(struct uart16550 *u, uint8_t val)
{
	if ((val ^ u->fcr) & UART_FCR_ENABLE)
		val |= UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX;
	if (val & UART_FCR_CLEAR_RX)
		uart_rx_clear(u);
	/* CLEAR_TX: the transmitter holds nothing; THRE stays as it is. */
	if (val & UART_FCR_ENABLE)
		u->fcr = val & (UART_FCR_ENABLE | UART_FCR_DMA |
				UART_FCR_TRIGGER);
	else
		u->fcr = 0;
}

uint8_t uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab;
	uint8_t val = 0xff;

	pthread_mutex_lock(&u->lock);
	dlab = u->lcr & UART_LCR_DLAB;
	switch (reg) {
	case UART_RBR_THR_DLL:
		val = dlab ? u->dll : uart_rx_pop(u);
		break;
	case UART_IER_DLM:
		val = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR_FCR:
		val = uart_iir_id(u);
		if (val == UART_IIR_THRI)
			u->thr_ipending = false;
		if (uart_fifo_on(u))
			val |= UART_IIR_FIFO;
		break;
	case UART_LCR:
		val = u->lcr;
		break;
	case UART_MCR:
		val = u->mcr;
		break;
	case UART_LSR:
		val = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_err |
		      (u->rx_count ? UART_LSR_DR : 0);
		u->lsr_err = 0;		/* OE is cleared by reading LSR */
		break;
	case UART_MSR:
		val = uart_msr_inputs(u->mcr) | u->msr_delta;
		u->msr_delta = 0;
		break;
	case UART_SCR:
		val = u->scr;
		break;
	}
	uart_unlock(u);
	return val;
}

void uart_write(struct uart16550 *u, unsigned int reg, uint8_t val)
{
	bool dlab;

	pthread_mutex_lock(&u->lock);
	dlab = u->lcr & UART_LCR_DLAB;
	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab) {
			u->dll = val;
			break;
		}
		/* Writing THR ends THR empty; sending the byte brings it
		 * back: the line drops and rises, a new edge. */
		u->thr_ipending = false;
		uart_update_irq(u);
		uart_transmit(u, val);
		u->thr_ipending = true;
		break;
	case UART_IER_DLM:
		if (dlab)
			u->dlm = val;
		else
			uart_write_ier(u, val);
		break;
	case UART_IIR_FCR:
		uart_write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		uart_write_mcr(u, val);
		break;
	case UART_SCR:
		u->scr = val;
		break;
	}
	/* LSR and MSR are read-only: writes are ignored. */
	uart_unlock(u);
}
