// SPDX-License-Identifier: GPL-2.0
/*
 * util.c: how vmctl speaks to the user, and the few file helpers every
 * part needs.  Every message starts with "vmctl: " so that it stands out
 * in a log that mixes several programs' output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmctl.h"

static void vpr(const char *prefix, const char *fmt, va_list ap)
{
	/* Keep the order of stdout and stderr in a combined log. */
	fflush(stdout);
	fprintf(stderr, "vmctl: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr("", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr("warning: ", fmt, ap);
	va_end(ap);
}

/*
 * Read up to @size bytes of @path.  Files in /proc and /sys report a size
 * of 0 and may come in several reads, so read until EOF or a full buffer.
 * Returns the byte count or -errno.
 */
ssize_t read_file(const char *path, void *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	while (done < size) {
		n = read(fd, (char *)buf + done, size - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		done += n;
	}
	close(fd);
	return done;
}

/*
 * Read the first line of a one-value file (sysfs attributes), without its
 * newline, into a NUL-terminated @buf.  Returns 0 or -errno.
 */
int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (!size)
		return -EINVAL;
	n = read_file(path, buf, size - 1);
	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* lstat, not stat: a dangling /dev node is still "there" to a user. */
bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}
