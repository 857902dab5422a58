// SPDX-License-Identifier: GPL-2.0
/*
 * term.c: vmctl's standard input as the guest's serial input, as QEMU's
 * -nographic and kvmtool's console do.
 *
 * An input thread poll()s stdin and hands what it reads to the UART
 * (uart_receive()).  What the receive FIFO cannot take yet waits in a
 * ring of TERM_RING_SIZE bytes; the UART calls back when the guest has
 * read RBR and there is room, and while the ring is full stdin is not
 * read at all, so a fast producer waits instead of losing bytes.  At end
 * of file stdin is no longer read: the guest just sees no more input.
 * A closed stdin, or /dev/null, gives no input and no error.
 *
 * When stdin is a terminal in the foreground, it is put in raw mode for
 * the run: no line editing, no echo, no signal characters, no input
 * translation (cfmakeraw(3)'s input side), so every key, Ctrl-C
 * included, reaches the guest, whose own tty layer echoes and edits.
 * Output processing (OPOST) is left as it was, as QEMU leaves it, so a
 * guest ending its lines with a bare newline still prints readable lines.
 * The terminal's settings are put back on every way out vmctl has:
 * term_stop(), exit() (an atexit handler), SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT, and the fatal SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT
 * (their handler restores the terminal, then raises the signal again with
 * its default action).  SIGKILL cannot be caught: "stty sane" repairs
 * the terminal then.  A terminal in the background is left alone: no
 * raw mode and no input (reading it would stop vmctl with SIGTTIN).
 *
 * On a terminal, Ctrl-A is an escape, as in QEMU: Ctrl-A x quits
 * (machine_request_stop(MACHINE_QUIT), then the vCPU thread is kicked out
 * of MINIVMM_RUN), Ctrl-A h or ? prints the keys on stderr, Ctrl-A Ctrl-A
 * sends one Ctrl-A, and any other key after Ctrl-A is dropped.  Input
 * from a pipe or a file has no escape: every byte goes to the guest, so
 * tests can script any input.
 *
 * Threads: the input thread touches only the ring, the escape state and
 * the UART (through its lock); it blocks the asynchronous signals, so
 * SIGINT and the rest reach the vCPU thread, whose RUN they must end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmctl.h"
#include "run.h"

#define TERM_ESCAPE		0x01	/* Ctrl-A */

static const char term_help[] =
	"\n"
	"C-a h    print this help\n"
	"C-a x    quit vmctl (the guest is stopped)\n"
	"C-a C-a  send C-a to the guest\n";

/*
 * Run @n bytes of terminal input through the escape state @e, which
 * carries a Ctrl-A over from one read to the next.  The bytes for the
 * guest go to @out (room for @n); the commands seen are OR'ed into
 * *@cmds (TERM_CMD_*).  After a quit the rest is dropped.  Returns the
 * number of bytes in @out.  Pure: tests/uart_test.c drives it.
 */
size_t term_escape_filter(struct term_escape *e, const uint8_t *in, size_t n,
			  uint8_t *out, unsigned int *cmds)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (!e->pending) {
			if (c == TERM_ESCAPE)
				e->pending = true;
			else
				out[len++] = c;
			continue;
		}
		e->pending = false;
		switch (c) {
		case TERM_ESCAPE:
			out[len++] = c;
			break;
		case 'x':
			*cmds |= TERM_CMD_QUIT;
			return len;
		case 'h':
		case '?':
			*cmds |= TERM_CMD_HELP;
			break;
		}
		/* Any other key after Ctrl-A is dropped, as QEMU does. */
	}
	return len;
}

/* ---- the terminal's settings, and putting them back ---- */

static struct termios term_saved;
static volatile sig_atomic_t term_raw_fd = -1;	/* -1: not raw */
static bool term_atexit_done;

/* Async-signal-safe: tcsetattr() is on POSIX's list. */
static void term_restore_tty(void)
{
	int fd = term_raw_fd;

	if (fd < 0)
		return;
	term_raw_fd = -1;
	tcsetattr(fd, TCSANOW, &term_saved);
}

static void term_atexit(void)
{
	term_restore_tty();
}

static const int term_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
};
_Static_assert(ARRAY_SIZE(term_signals) ==
	       ARRAY_SIZE(((struct term *)0)->old_sa),
	       "struct term keeps one old action per signal");

/*
 * Restore the terminal, then die of the signal as if it had not been
 * caught (SA_RESETHAND put back the default action on entry).  vcpu_loop()
 * takes SIGINT and SIGTERM over for the run and ends it cleanly instead.
 */
static void term_on_signal(int sig)
{
	term_restore_tty();
	raise(sig);
}

static void term_no_op(int sig)
{
	(void)sig;
}

static int term_raw(struct term *t, int fd)
{
	struct termios raw;
	struct sigaction sa;
	size_t i;

	if (tcgetattr(fd, &term_saved))
		return -errno;
	if (!term_atexit_done) {
		if (atexit(term_atexit))
			return -ENOMEM;
		term_atexit_done = true;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_on_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(term_signals); i++)
		sigaction(term_signals[i], &sa, &t->old_sa[i]);
	t->handlers = true;

	raw = term_saved;
	raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
			 ICRNL | IXON | IXOFF);
	raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	term_raw_fd = fd;
	if (tcsetattr(fd, TCSANOW, &raw)) {
		term_raw_fd = -1;
		return -errno;
	}
	return 0;
}

/* ---- the input thread ---- */

/* The UART has room again: wake the input thread (from the vCPU thread). */
static void term_on_room(void *opaque)
{
	struct term *t = opaque;
	ssize_t n;

	do {
		n = write(t->wake[1], "r", 1);
	} while (n < 0 && errno == EINTR);
	/* EAGAIN: the pipe is full of wake-ups already. */
}

/* Give the UART what it takes from the ring. */
static void term_flush(struct term *t)
{
	while (t->ring_count) {
		size_t chunk = TERM_RING_SIZE - t->ring_head, took;

		if (chunk > t->ring_count)
			chunk = t->ring_count;
		took = uart_receive(&t->mc->uart, t->ring + t->ring_head,
				    chunk);
		t->ring_head = (t->ring_head + took) % TERM_RING_SIZE;
		t->ring_count -= took;
		if (took < chunk)
			break;
	}
}

static void term_write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

static void term_commands(struct term *t, unsigned int cmds)
{
	if (cmds & TERM_CMD_HELP)
		term_write_all(STDERR_FILENO, term_help, strlen(term_help));
	if (cmds & TERM_CMD_QUIT) {
		machine_request_stop(t->mc, MACHINE_QUIT);
		pthread_kill(t->vcpu, VCPU_KICK_SIGNAL);
		t->eof = true;		/* read no more */
	}
}

/* Read what stdin has, at most what the ring has room for. */
static void term_read(struct term *t)
{
	uint8_t buf[TERM_RING_SIZE], out[TERM_RING_SIZE];
	size_t room = TERM_RING_SIZE - t->ring_count, len, i;
	unsigned int cmds = 0;
	const uint8_t *p = buf;
	ssize_t n;

	n = read(t->in_fd, buf, room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		t->eof = true;		/* end of file, or an error */
		return;
	}
	len = n;
	if (t->tty) {
		len = term_escape_filter(&t->esc, buf, len, out, &cmds);
		p = out;
	}
	for (i = 0; i < len; i++)
		t->ring[(t->ring_head + t->ring_count + i) % TERM_RING_SIZE] =
			p[i];
	t->ring_count += len;
	term_commands(t, cmds);
}

static void *term_thread(void *opaque)
{
	struct term *t = opaque;
	struct pollfd pfd[2];
	char drain[64];

	for (;;) {
		term_flush(t);
		pfd[0] = (struct pollfd){ .fd = t->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = -1, .events = POLLIN };
		if (!t->eof && t->ring_count < TERM_RING_SIZE)
			pfd[1].fd = t->in_fd;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents) {
			while (read(t->wake[0], drain, sizeof(drain)) > 0)
				;
			if (__atomic_load_n(&t->stopping, __ATOMIC_ACQUIRE))
				break;
		}
		if (pfd[1].revents & POLLNVAL)
			t->eof = true;
		else if (pfd[1].revents)
			term_read(t);
	}
	return NULL;
}

/* Is @fd open at all?  A closed stdin is "no input", not an error. */
static bool term_fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFL) != -1;
}

/*
 * Start feeding @in_fd to @mc's UART, @vcpu being the thread that will
 * run the guest (kicked on Ctrl-A x).  Call before vcpu_loop(), and
 * term_stop() after it, even on failure.  Returns 0 or -errno; on an
 * error the guest just gets no input.
 */
int term_start(struct term *t, struct machine *mc, int in_fd, pthread_t vcpu)
{
	struct sigaction sa;
	sigset_t all, old;
	int ret;

	memset(t, 0, sizeof(*t));
	t->mc = mc;
	t->vcpu = vcpu;
	t->wake[0] = t->wake[1] = -1;
	t->in_fd = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_no_op;
	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL))
		return -errno;

	if (!term_fd_open(in_fd))
		return 0;
	if (isatty(in_fd)) {
		/* In the background: leave the terminal to the shell. */
		if (tcgetpgrp(in_fd) != getpgrp())
			return 0;
		ret = term_raw(t, in_fd);
		if (ret)
			return ret;
		t->tty = true;
	}
	t->in_fd = in_fd;

	if (pipe2(t->wake, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	uart_set_room_fn(&mc->uart, term_on_room, t);

	/* The asynchronous signals go to the vCPU thread: they end its RUN.
	 * The synchronous ones cannot be blocked usefully. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&t->thread, NULL, term_thread, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	t->running = true;
	return 0;
}

/*
 * Stop the input thread and put the terminal back.  Call once the vCPU
 * thread does no more port I/O (the UART's room callback writes to the
 * pipe closed here).
 */
void term_stop(struct term *t)
{
	size_t i;

	if (t->running) {
		__atomic_store_n(&t->stopping, true, __ATOMIC_RELEASE);
		term_on_room(t);
		pthread_join(t->thread, NULL);
		t->running = false;
	}
	if (t->mc)
		uart_set_room_fn(&t->mc->uart, NULL, NULL);
	for (i = 0; i < 2; i++)
		if (t->wake[i] >= 0)
			close(t->wake[i]);
	t->wake[0] = t->wake[1] = -1;
	term_restore_tty();
	if (t->handlers)
		for (i = 0; i < ARRAY_SIZE(term_signals); i++)
			sigaction(term_signals[i], &t->old_sa[i], NULL);
	t->handlers = false;
}
