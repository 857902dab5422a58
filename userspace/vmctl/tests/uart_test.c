// SPDX-License-Identifier: GPL-2.0
/*
 * tests/uart_test.c: host-side tests of the serial console, printing TAP:
 * the 16550A model (devices/uart.c) register by register, its interrupt
 * line as a fake callback records it, the Ctrl-A escape parser, and the
 * input thread of term.c fed from a pipe and from a pseudo-terminal (raw
 * mode, Ctrl-A x, and the terminal put back on each way out).
 *
 *	usage: uart_test
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6 };

/* The interrupt line as the fake callback saw it: each change in turn. */
struct irq_rec {
	unsigned int n;
	bool level[64];
};

static void rec_irq(void *opaque, bool level)
{
	struct irq_rec *r = opaque;

	if (r->n < ARRAY_SIZE(r->level))
		r->level[r->n] = level;
	r->n++;
}

/* The transitions since @from, as "1", "10", ... */
static const char *rec_since(const struct irq_rec *r, unsigned int from)
{
	static char s[65];
	unsigned int i, k = 0;

	for (i = from; i < r->n && i < ARRAY_SIZE(r->level); i++)
		s[k++] = r->level[i] ? '1' : '0';
	s[k] = '\0';
	return s;
}

static int out_pipe[2];

static void setup(struct uart16550 *u, struct irq_rec *r)
{
	char drain[64];

	while (read(out_pipe[0], drain, sizeof(drain)) > 0)
		;
	memset(r, 0, sizeof(*r));
	uart_init(u, out_pipe[1], rec_irq, r);
	uart_write(u, LCR, 0x03);		/* 8N1, DLAB off */
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the model ---- */

/* serial8250_do_startup(): the THRE test, then the TXEN test. */
static void test_thre_linux(void)
{
	struct uart16550 u;
	struct irq_rec r;
	uint8_t iir1, iir2, lsr;

	setup(&u, &r);
	check(uart_read(&u, IIR) == 0x01 && r.n == 0,
	      "thre: at reset no interrupt, the line untouched");
	uart_write(&u, IER, 0x02);
	iir1 = uart_read(&u, IIR);
	uart_write(&u, IER, 0x00);
	uart_write(&u, IER, 0x02);
	iir2 = uart_read(&u, IIR);
	uart_write(&u, IER, 0x00);
	check(iir1 == 0x02 && iir2 == 0x02,
	      "thre: ETBEI set with THR empty shows THRI, twice (0x%02x 0x%02x): no UART_BUG_THRE",
	      iir1, iir2);
	check(!strcmp(rec_since(&r, 0), "1010"),
	      "thre: the line rose on ETBEI and fell on the IIR read, twice (%s)",
	      rec_since(&r, 0));

	uart_write(&u, IER, 0x02);
	lsr = uart_read(&u, LSR);
	iir1 = uart_read(&u, IIR);
	uart_write(&u, IER, 0x00);
	check((lsr & 0x40) && !(iir1 & 0x01),
	      "thre: TEMT and an interrupt pending: no UART_BUG_TXEN");

	uart_write(&u, IER, 0x02);
	uart_read(&u, IIR);
	uart_write(&u, IER, 0x02);
	check(uart_read(&u, IIR) == 0x01,
	      "thre: rewriting ETBEI without an edge does not re-arm it");
	r.n = 0;
	uart_write(&u, THR, 'a');
	check(!strcmp(rec_since(&r, 0), "1") && uart_read(&u, IIR) == 0x02,
	      "thre: a transmitted byte raises THRI again");
	uart_write(&u, THR, 'a');		/* THRI pending again */
	r.n = 0;
	uart_write(&u, THR, 'b');
	check(!strcmp(rec_since(&r, 0), "01"),
	      "thre: a THR write with THRI pending lowers then raises (a new edge) (%s)",
	      rec_since(&r, 0));
	uart_write(&u, IER, 0x00);
	check(r.level[r.n - 1] == false && uart_read(&u, IIR) == 0x01,
	      "thre: clearing ETBEI lowers the line");
	uart_write(&u, THR, 'c');
	check(uart_read(&u, IIR) == 0x01,
	      "thre: with ETBEI clear a transmitted byte interrupts nobody");
}

/* Data sheet table IV: line status > data > THR empty > modem status. */
static void test_iir_priority(void)
{
	struct uart16550 u;
	struct irq_rec r;
	uint8_t lsr, iir[6];
	int i, n = 0;

	setup(&u, &r);
	uart_write(&u, FCR, 0x01);		/* FIFO, trigger 1 */
	uart_write(&u, MCR, 0x10);		/* loopback */
	for (i = 0; i < 17; i++)		/* one too many: overrun */
		uart_write(&u, THR, 'A' + i);
	uart_write(&u, MCR, 0x11);		/* DTR: DSR changes */
	check(uart_read(&u, IIR) == 0xc1 && r.n == 0,
	      "iir: nothing enabled, nothing pending, however much is there");
	uart_write(&u, IER, 0x0f);
	iir[n++] = uart_read(&u, IIR);
	lsr = uart_read(&u, LSR);
	iir[n++] = uart_read(&u, IIR);
	for (i = 0; i < 16; i++)
		uart_read(&u, RBR);
	iir[n++] = uart_read(&u, IIR);	/* THRI: cleared by this read */
	iir[n++] = uart_read(&u, IIR);
	uart_read(&u, MSR);
	iir[n++] = uart_read(&u, IIR);
	check(iir[0] == 0xc6, "iir: line status first (0x%02x)", iir[0]);
	check(lsr == 0x63, "iir: LSR: DR, OE, THRE, TEMT (0x%02x)", lsr);
	check(iir[1] == 0xc4, "iir: then received data (0x%02x)", iir[1]);
	check(iir[2] == 0xc2, "iir: then THR empty (0x%02x)", iir[2]);
	check(iir[3] == 0xc0, "iir: then modem status (0x%02x)", iir[3]);
	check(iir[4] == 0xc1, "iir: reading MSR ends the last (0x%02x)",
	      iir[4]);
	check(!strcmp(rec_since(&r, 0), "10"),
	      "iir: one rise and one fall through all of it (%s)",
	      rec_since(&r, 0));

	uart_write(&u, IER, 0x0b);		/* all but ELSI */
	uart_write(&u, THR, 'z');
	uart_write(&u, THR, 'z');
	uart_read(&u, IIR);
	for (i = 0; i < 14; i++)
		uart_write(&u, THR, 'z');
	uart_write(&u, THR, 'z');		/* overrun, not enabled */
	check(uart_read(&u, IIR) == 0xc4,
	      "iir: an overrun without ELSI is no line status interrupt");
}

static void test_rx_fifo(void)
{
	static const uint8_t in[] = "0123456789abcdefXYZ";
	struct uart16550 u;
	struct irq_rec r;
	uint8_t got[20] = { 0 };
	size_t took;
	int i;

	setup(&u, &r);
	uart_write(&u, FCR, 0x01);
	took = uart_receive(&u, in, 19);
	check(took == 16, "rx: the FIFO takes 16 of 19 (%zu)", took);
	check(uart_read(&u, LSR) == 0x61,
	      "rx: LSR: data ready, no overrun when input is refused");
	for (i = 0; i < 16; i++)
		got[i] = uart_read(&u, RBR);
	check(!memcmp(got, in, 16), "rx: bytes come out in order");
	check(uart_read(&u, LSR) == 0x60 && uart_read(&u, RBR) == 0,
	      "rx: drained: no data ready, RBR reads 0");

	uart_write(&u, FCR, 0x00);
	took = uart_receive(&u, in, 3);
	check(took == 1 && uart_read(&u, RBR) == '0',
	      "rx: 16450 mode holds one byte (%zu)", took);

	uart_write(&u, MCR, 0x10);
	check(uart_receive(&u, in, 3) == 0,
	      "rx: loopback cuts the serial input off");
	uart_write(&u, THR, 'p');
	uart_write(&u, THR, 'q');
	check(uart_read(&u, LSR) == 0x63 && uart_read(&u, RBR) == 'q',
	      "rx: 16450 overrun: OE, the new byte overwrites");
	uart_write(&u, FCR, 0x01);
	for (i = 0; i < 17; i++)
		uart_write(&u, THR, 'a' + i);
	check(uart_read(&u, LSR) == 0x63 && uart_read(&u, LSR) == 0x61,
	      "rx: FIFO overrun sets OE, reading LSR clears it");
	for (i = 0; i < 16; i++)
		got[i] = uart_read(&u, RBR);
	check(got[0] == 'a' && got[15] == 'p' && uart_read(&u, LSR) == 0x60,
	      "rx: the FIFO keeps the first 16, the 17th is lost");
}

static void test_fcr(void)
{
	static const uint8_t in[16] = "abcdefghijklmnop";
	struct uart16550 u;
	struct irq_rec r;

	setup(&u, &r);
	uart_write(&u, IER, 0x01);
	uart_write(&u, FCR, 0x81);		/* trigger 8 */
	uart_receive(&u, in, 5);
	check(uart_read(&u, IIR) == 0xcc,
	      "fcr: below the trigger level: character timeout");
	uart_receive(&u, in, 3);
	check(uart_read(&u, IIR) == 0xc4,
	      "fcr: at the trigger level (8): received data");
	uart_write(&u, FCR, 0x83);		/* clear RX */
	check(uart_read(&u, LSR) == 0x60 && uart_read(&u, IIR) == 0xc1 &&
	      r.level[r.n - 1] == false,
	      "fcr: clearing the receive FIFO empties it and lowers the line");
	uart_write(&u, FCR, 0xc1);		/* trigger 14 */
	uart_receive(&u, in, 13);
	check(uart_read(&u, IIR) == 0xcc, "fcr: 13 of 14: timeout");
	uart_receive(&u, in, 1);
	check(uart_read(&u, IIR) == 0xc4, "fcr: 14 of 14: received data");
	uart_write(&u, FCR, 0x00);
	check(uart_read(&u, LSR) == 0x60 && uart_read(&u, IIR) == 0x01,
	      "fcr: turning the FIFOs off clears them, IIR bits 6-7 clear");
	uart_write(&u, FCR, 0xc0);
	check(uart_read(&u, IIR) == 0x01,
	      "fcr: other bits are not programmed without bit 0");
	uart_receive(&u, in, 1);
	check(uart_read(&u, IIR) == 0x04,
	      "fcr: 16450 mode: one byte is received data, not a timeout");
	uart_write(&u, FCR, 0x01);
	check(uart_read(&u, LSR) == 0x60,
	      "fcr: turning the FIFOs on clears the receiver");
}

static unsigned int rooms;

static void count_room(void *opaque)
{
	(void)opaque;
	rooms++;
}

static void test_irq_line(void)
{
	static const uint8_t in[20] = "abcdefghijklmnopqrst";
	struct uart16550 u;
	struct irq_rec r;
	int i;

	setup(&u, &r);
	uart_set_room_fn(&u, count_room, NULL);
	uart_write(&u, FCR, 0x01);
	uart_write(&u, IER, 0x01);
	check(r.n == 0, "line: ERBFI with nothing received stays low");
	uart_receive(&u, in, 1);
	check(!strcmp(rec_since(&r, 0), "1"), "line: raised on receive");
	uart_receive(&u, in + 1, 19);
	check(r.n == 1 && rooms == 0,
	      "line: more input changes nothing while it is high");
	uart_read(&u, RBR);
	check(rooms == 1, "line: a read makes room: the feeder is told once");
	uart_receive(&u, in, 1);
	for (i = 0; i < 15; i++)
		uart_read(&u, RBR);
	check(r.n == 1 && rooms == 1,
	      "line: high until the last byte; no call unless refused");
	uart_read(&u, RBR);
	check(!strcmp(rec_since(&r, 0), "10"), "line: lowered when drained");
	uart_write(&u, IER, 0x0f);
	uart_write(&u, MCR, 0x08);		/* OUT2 off */
	check(!strcmp(rec_since(&r, 2), "1"),
	      "line: not gated by MCR.OUT2, as in QEMU");
	uart_write(&u, IER, 0x00);
	check(!strcmp(rec_since(&r, 2), "10"),
	      "line: clearing IER lowers it");
}

static void test_loopback(void)
{
	struct uart16550 u;
	struct irq_rec r;
	char got[4];

	setup(&u, &r);
	uart_write(&u, MCR, 0x1a);		/* Linux's probe */
	check((uart_read(&u, MSR) & 0xf0) == 0x90,
	      "loop: RTS and OUT2 read back as CTS and DCD");
	uart_write(&u, MCR, 0x1f);
	check(uart_read(&u, MSR) == 0xf0 + 0x02,
	      "loop: all outputs on; DSR's change is a delta, RI's rise is not");
	uart_write(&u, MCR, 0x1b);
	check(uart_read(&u, MSR) == 0xb4,
	      "loop: RI's fall sets TERI");
	uart_write(&u, THR, 'x');
	check(uart_read(&u, LSR) == 0x61 && uart_read(&u, RBR) == 'x' &&
	      read(out_pipe[0], got, sizeof(got)) < 0,
	      "loop: a sent byte comes back, not to the output");
	uart_write(&u, MCR, 0x00);
	uart_write(&u, THR, 'y');
	check(read(out_pipe[0], got, sizeof(got)) == 1 && got[0] == 'y',
	      "loop: off again, bytes reach the output");
}

/* ---- the escape parser ---- */

static size_t esc(struct term_escape *e, const char *in, char *out,
		  unsigned int *cmds)
{
	*cmds = 0;
	return term_escape_filter(e, (const uint8_t *)in, strlen(in),
				  (uint8_t *)out, cmds);
}

/* --trace-boot's milestones: each once, and only for what they mean. */
static unsigned int ev_count[2];

static void rec_event(void *opaque, enum uart_event ev)
{
	(void)opaque;
	if (ev <= UART_EVENT_RX_ON)
		ev_count[ev]++;
}

static void test_events(void)
{
	struct uart16550 u;
	struct irq_rec r;

	setup(&u, &r);
	memset(ev_count, 0, sizeof(ev_count));
	uart_set_event_fn(&u, rec_event, NULL);
	/* Loopback traffic (the 8250 probe) is not output. */
	uart_write(&u, MCR, 0x10);
	uart_write(&u, THR, 'p');
	uart_write(&u, MCR, 0x00);
	check(ev_count[UART_EVENT_OUTPUT] == 0,
	      "events: a byte sent in loopback is not console output");
	uart_write(&u, THR, 'a');
	uart_write(&u, THR, 'b');
	check(ev_count[UART_EVENT_OUTPUT] == 1,
	      "events: the first byte out is reported, once (%u)",
	      ev_count[UART_EVENT_OUTPUT]);
	uart_write(&u, IER, 0x02);
	check(ev_count[UART_EVENT_RX_ON] == 0,
	      "events: enabling THR empty alone is not opening for input");
	uart_write(&u, IER, 0x03);
	uart_write(&u, IER, 0x00);
	uart_write(&u, IER, 0x01);
	check(ev_count[UART_EVENT_RX_ON] == 1,
	      "events: the first ERBFI is reported, once (%u)",
	      ev_count[UART_EVENT_RX_ON]);
}

static void test_escape(void)
{
	struct term_escape e = { 0 };
	unsigned int cmds;
	char out[16];
	size_t n;

	n = esc(&e, "ab\x01xcd", out, &cmds);
	check(n == 2 && !memcmp(out, "ab", 2) && cmds == TERM_CMD_QUIT,
	      "escape: Ctrl-A x quits; the bytes before it pass, after it not");
	n = esc(&e, "q\x01\x01r", out, &cmds);
	check(n == 3 && !memcmp(out, "q\x01r", 3) && !cmds && !e.pending,
	      "escape: Ctrl-A Ctrl-A sends one Ctrl-A");
	n = esc(&e, "s\x01", out, &cmds);
	check(n == 1 && out[0] == 's' && !cmds && e.pending,
	      "escape: a trailing Ctrl-A is held, not sent");
	n = esc(&e, "x", out, &cmds);
	check(n == 0 && cmds == TERM_CMD_QUIT,
	      "escape: Ctrl-A and x split across two reads still quit");
	e.pending = false;
	n = esc(&e, "\x01h\x01?t", out, &cmds);
	check(n == 1 && out[0] == 't' && cmds == TERM_CMD_HELP,
	      "escape: Ctrl-A h and Ctrl-A ? print the help");
	n = esc(&e, "\x01zX\x03", out, &cmds);
	check(n == 2 && !memcmp(out, "X\x03", 2) && !cmds,
	      "escape: another key after Ctrl-A is dropped; Ctrl-C passes");
	n = esc(&e, "\x01", out, &cmds);
	n += esc(&e, "\x01", out + n, &cmds);
	check(n == 1 && out[0] == 1 && !e.pending,
	      "escape: Ctrl-A, Ctrl-A split across reads sends one");
}

/* ---- the input thread ---- */

static struct irq_rec gsi_rec;
static unsigned int gsi_seen = ~0u;

static void rec_gsi(void *opaque, unsigned int gsi, bool level)
{
	gsi_seen = gsi;
	rec_irq(opaque, level);
}

/* Wait up to 2 s for the UART to have data; false if it never came. */
static bool wait_data(struct machine *mc)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (uart_read(&mc->uart, LSR) & 0x01)
			return true;
		sleep_ms(1);
	}
	return false;
}

static void test_term_pipe(void)
{
	struct machine mc;
	struct term t;
	uint8_t in[600], got[600];
	int fds[2], ret;
	size_t n = 0;

	if (pipe(fds)) {
		skip("no pipe", "term: pipe");
		return;
	}
	machine_init(&mc, 64 * MiB, 1, out_pipe[1]);
	mc.irq = rec_gsi;
	mc.irq_opaque = &gsi_rec;
	uart_write(&mc.uart, FCR, 0x01);
	uart_write(&mc.uart, IER, 0x01);
	for (n = 0; n < sizeof(in); n++)
		in[n] = n * 7 + (n >> 8);
	in[10] = 0x01;				/* Ctrl-A x: data in a pipe */
	in[11] = 'x';
	check(write(fds[1], in, sizeof(in)) == sizeof(in), "term: fill pipe");
	ret = term_start(&t, &mc, fds[0], pthread_self());
	check(!ret && t.running && !t.tty,
	      "term: a pipe starts the thread, not raw mode (%d)", ret);
	for (n = 0; n < sizeof(in) && wait_data(&mc); )
		while (n < sizeof(in) && (uart_read(&mc.uart, LSR) & 0x01))
			got[n++] = uart_read(&mc.uart, RBR);
	check(n == sizeof(in) && !memcmp(got, in, n),
	      "term: %zu bytes through a 16-byte FIFO, in order, none lost", n);
	check(__atomic_load_n(&mc.stop, __ATOMIC_ACQUIRE) == MACHINE_RUNNING,
	      "term: Ctrl-A x from a pipe is data, not a quit");
	check(gsi_seen == UART_IRQ && gsi_rec.n >= 2 && gsi_rec.level[0],
	      "term: the input raised and lowered IRQ 4 (%u changes)",
	      gsi_rec.n);
	close(fds[1]);
	term_stop(&t);
	check(!t.running, "term: stopped after EOF");
	close(fds[0]);

	ret = term_start(&t, &mc, fds[0], pthread_self());
	check(!ret && !t.running, "term: a closed stdin gives no input, no error");
	term_stop(&t);
	fds[0] = open("/dev/null", O_RDONLY);
	ret = term_start(&t, &mc, fds[0], pthread_self());
	sleep_ms(10);
	check(!ret && t.running && !(uart_read(&mc.uart, LSR) & 0x01),
	      "term: /dev/null starts the thread and gives no input");
	term_stop(&t);
	close(fds[0]);
}

/*
 * In a child, on a pseudo-terminal that is its controlling terminal:
 * start the terminal, check it went raw, then leave in way @how.
 * Returns (to the parent, as its status) 0 when the checks before
 * leaving passed.
 */
enum { LEAVE_QUIT, LEAVE_EXIT, LEAVE_SIGHUP, LEAVE_SIGSEGV, LEAVE_ABORT,
       LEAVE_NR };
static const char *const leave_names[] = {
	"Ctrl-A x and term_stop()", "exit()", "SIGHUP", "SIGSEGV", "abort()",
};
static volatile sig_atomic_t kicked;

static void on_kick(int sig)
{
	(void)sig;
	kicked = 1;
}

static int tty_child(const char *slave, int how, int ready)
{
	struct rlimit no_core = { 0, 0 };
	struct termios tio;
	struct machine mc;
	struct term t;
	int fd, i;

	setrlimit(RLIMIT_CORE, &no_core);
	if (setsid() < 0)
		return 10;
	fd = open(slave, O_RDWR);	/* becomes the controlling tty */
	if (fd < 0)
		return 11;
	machine_init(&mc, 64 * MiB, 1, STDOUT_FILENO);
	if (term_start(&t, &mc, fd, pthread_self()) || !t.tty)
		return 12;
	signal(VCPU_KICK_SIGNAL, on_kick);	/* as vcpu_loop() would */
	if (tcgetattr(fd, &tio) || (tio.c_lflag & (ICANON | ECHO | ISIG)) ||
	    (tio.c_iflag & (ICRNL | IXON)))
		return 13;
	if (write(ready, "r", 1) != 1)
		return 14;
	switch (how) {
	case LEAVE_QUIT:
		for (i = 0; i < 2000 && !kicked; i++)
			sleep_ms(1);
		if (__atomic_load_n(&mc.stop, __ATOMIC_ACQUIRE) !=
		    MACHINE_QUIT || !kicked)
			return 15;
		term_stop(&t);
		return 0;
	case LEAVE_EXIT:
		exit(0);
	case LEAVE_SIGHUP:
		raise(SIGHUP);
		return 16;
	case LEAVE_SIGSEGV:
		raise(SIGSEGV);
		return 16;
	case LEAVE_ABORT:
		abort();
	}
	return 17;
}

static void test_term_tty(void)
{
	static const int want_sig[LEAVE_NR] = {
		[LEAVE_SIGHUP] = SIGHUP, [LEAVE_SIGSEGV] = SIGSEGV,
		[LEAVE_ABORT] = SIGABRT,
	};
	struct termios tio, sane;
	int master, slave_fd, how, status, ready[2];
	const char *slave;
	char c;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    !(slave = ptsname(master))) {
		skip("no pseudo-terminals", "term: raw mode");
		return;
	}
	/* Held open here so the terminal and its settings outlive each child. */
	slave_fd = open(slave, O_RDWR | O_NOCTTY);
	if (slave_fd < 0 || tcgetattr(slave_fd, &sane) || pipe(ready)) {
		skip("cannot open the pseudo-terminal", "term: raw mode");
		return;
	}
	for (how = 0; how < LEAVE_NR; how++) {
		/* Each way out starts from a cooked terminal. */
		tcsetattr(slave_fd, TCSANOW, &sane);
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			_exit(tty_child(slave, how, ready[1]));
		if (pid < 0 || read(ready[0], &c, 1) != 1)
			c = 0;
		if (how == LEAVE_QUIT && c &&
		    write(master, "ab\x01x", 4) != 4)
			c = 0;
		waitpid(pid, &status, 0);
		check(c && (want_sig[how] ?
			    WIFSIGNALED(status) &&
			    WTERMSIG(status) == want_sig[how] :
			    WIFEXITED(status) && !WEXITSTATUS(status)),
		      "term: raw on a terminal, then %s (status 0x%x)",
		      leave_names[how], status);
		check(!tcgetattr(slave_fd, &tio) && (tio.c_lflag & ICANON) &&
		      (tio.c_lflag & ECHO) && (tio.c_lflag & ISIG),
		      "term: the terminal is put back after %s",
		      leave_names[how]);
	}
	close(ready[0]);
	close(ready[1]);
	close(slave_fd);
	close(master);
}

int main(void)
{
	if (pipe2(out_pipe, O_NONBLOCK)) {
		perror("pipe");
		return 1;
	}
	test_thre_linux();
	test_iir_priority();
	test_rx_fifo();
	test_fcr();
	test_irq_line();
	test_loopback();
	test_events();
	test_escape();
	test_term_pipe();
	test_term_tty();
	return tap_done("uart_test");
}
