/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by minivmm's selftests: opening the device, reading the
 * hardware state the module exports in sysfs, parsing /proc/cpuinfo, and
 * following the kernel log from the moment a test starts.
 *
 * Everything here returns a value or -errno and never asserts: the tests
 * decide what a result means and report it with the harness macros.
 * Include this after kselftest_harness.h.
 */
#ifndef MINIVMM_SELFTEST_UTIL_H
#define MINIVMM_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/minivmm.h>

#define MVM_DEV_PATH		"/dev/minivmm"
#define MVM_HW_ENABLED_PATH	"/sys/class/misc/minivmm/hw_enabled_cpus"
#define MVM_CPU_ONLINE_PATH	"/sys/devices/system/cpu/online"
#define MVM_MODULE_PATH		"/sys/module/minivmm"

/* Enough for any machine these tests boot; larger CPU numbers are an error. */
#define MVM_MAX_CPUS		4096
#define MVM_LONG_BITS		(8 * sizeof(unsigned long))

/*
 * run.sh merges stderr (where TH_LOG writes) into stdout (where the harness
 * prints results).  Line-buffer stdout so the two stay in order in a pipe.
 */
static void __attribute__((constructor)) mvm_line_buffer_stdout(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* The rig sets MINIVMM_RIG=1: there, a missing dependency is a failure. */
static inline bool mvm_on_rig(void)
{
	const char *v = getenv("MINIVMM_RIG");

	return v && !strcmp(v, "1");
}

/* Opens the system fd; returns the fd or -errno. */
static inline int mvm_open_dev(void)
{
	int fd = open(MVM_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * ioctl's third argument is variadic: always pass an unsigned long, so the
 * upper half of the register is defined when the module checks the whole
 * value.
 */
static inline int mvm_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	return ioctl(fd, cmd, arg);
}

static inline int mvm_create_vm(int sys_fd)
{
	return mvm_ioctl(sys_fd, MINIVMM_CREATE_VM, 0);
}

static inline int mvm_check_extension(int sys_fd, unsigned long cap)
{
	return mvm_ioctl(sys_fd, MINIVMM_CHECK_EXTENSION, cap);
}

/*
 * Reads a whole (small) file into buf, NUL-terminated.  Returns the length
 * or -errno; -EFBIG if it does not fit.
 */
static inline ssize_t mvm_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (len + 1 >= size) {
			close(fd);
			return -EFBIG;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			err = errno;
			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Writes a short string to a sysfs/procfs file; returns 0 or -errno. */
static inline int mvm_write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

/* Reads a file holding one decimal number; returns 0 or -errno. */
static inline int mvm_read_long(const char *path, long *val)
{
	char buf[64], *end;
	ssize_t len;

	len = mvm_read_file(path, buf, sizeof(buf));
	if (len < 0)
		return len;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0'))
		return -EINVAL;
	return 0;
}

static inline bool mvm_path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

struct mvm_cpulist {
	unsigned long bits[MVM_MAX_CPUS / (8 * sizeof(unsigned long))];
};

/*
 * Parses the kernel's cpulist format ("0-3,5\n", or "\n" for none), the
 * format of both the online mask and hw_enabled_cpus.  Strict: anything
 * else is -EINVAL, so a malformed sysfs file fails the test instead of
 * reading as "no CPUs".
 */
static inline int mvm_cpulist_parse(const char *s, struct mvm_cpulist *cl)
{
	unsigned long first, last, cpu;
	char *end;

	memset(cl, 0, sizeof(*cl));
	if (*s == '\n' && s[1] == '\0')
		return 0;
	for (;;) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		first = strtoul(s, &end, 10);
		last = first;
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			last = strtoul(s, &end, 10);
			s = end;
		}
		if (last < first || last >= MVM_MAX_CPUS)
			return -EINVAL;
		for (cpu = first; cpu <= last; cpu++)
			cl->bits[cpu / MVM_LONG_BITS] |= 1UL << (cpu % MVM_LONG_BITS);
		if (*s == ',') {
			s++;
			continue;
		}
		return (s[0] == '\n' && s[1] == '\0') ? 0 : -EINVAL;
	}
}

static inline bool mvm_cpulist_empty(const struct mvm_cpulist *cl)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cl->bits); i++)
		if (cl->bits[i])
			return false;
	return true;
}

/* What hw_enabled_cpus says, compared with the online CPUs. */
enum mvm_hw_state {
	MVM_HW_OFF,	/* no CPU has minivmm's VMX/SVM on */
	MVM_HW_ON,	/* exactly the online CPUs have it on */
	MVM_HW_PARTIAL,	/* anything else: some, or offline ones */
	MVM_HW_ERROR,	/* a file could not be read or parsed */
};

static inline const char *mvm_hw_state_name(int state)
{
	switch (state) {
	case MVM_HW_OFF:	return "off";
	case MVM_HW_ON:		return "on";
	case MVM_HW_PARTIAL:	return "partial";
	default:		return "error";
	}
}

/*
 * Returns an mvm_hw_state and writes both raw files into desc, for the
 * test's failure message.
 */
static inline int mvm_hw_state(char *desc, size_t desc_size)
{
	char hw[512], online[512];
	struct mvm_cpulist hw_cl, online_cl;
	ssize_t len;

	len = mvm_read_file(MVM_HW_ENABLED_PATH, hw, sizeof(hw));
	if (len < 0) {
		snprintf(desc, desc_size, "cannot read %s: %s",
			 MVM_HW_ENABLED_PATH, strerror(-len));
		return MVM_HW_ERROR;
	}
	len = mvm_read_file(MVM_CPU_ONLINE_PATH, online, sizeof(online));
	if (len < 0) {
		snprintf(desc, desc_size, "cannot read %s: %s",
			 MVM_CPU_ONLINE_PATH, strerror(-len));
		return MVM_HW_ERROR;
	}
	snprintf(desc, desc_size, "hw_enabled_cpus=\"%.*s\" online=\"%.*s\"",
		 (int)strcspn(hw, "\n"), hw, (int)strcspn(online, "\n"), online);
	if (mvm_cpulist_parse(hw, &hw_cl) || mvm_cpulist_parse(online, &online_cl)) {
		strncat(desc, " (malformed cpulist)", desc_size - strlen(desc) - 1);
		return MVM_HW_ERROR;
	}
	if (mvm_cpulist_empty(&online_cl)) {
		strncat(desc, " (no online CPU?)", desc_size - strlen(desc) - 1);
		return MVM_HW_ERROR;
	}
	if (mvm_cpulist_empty(&hw_cl))
		return MVM_HW_OFF;
	if (!memcmp(&hw_cl, &online_cl, sizeof(hw_cl)))
		return MVM_HW_ON;
	return MVM_HW_PARTIAL;
}

/*
 * Checks the hardware state inside a test: an EXPECT or ASSERT on the state's
 * name that prints both sysfs files, and the optional printf-style context
 * after @expected, when the state is not the expected one:
 *
 *	ASSERT_HW(MVM_HW_ON, "iteration %d", i);
 */
#define __MVM_HW_CHECK(kind, expected, fmt, ...) do {			\
	char __desc[1200];						\
	int __st = mvm_hw_state(__desc, sizeof(__desc));		\
	kind##_STREQ(mvm_hw_state_name(expected), mvm_hw_state_name(__st)) \
		TH_LOG("%s; " fmt, __desc, ##__VA_ARGS__);		\
} while (0)

#define ASSERT_HW(expected, ...) __MVM_HW_CHECK(ASSERT, expected, "" __VA_ARGS__)
#define EXPECT_HW(expected, ...) __MVM_HW_CHECK(EXPECT, expected, "" __VA_ARGS__)

/*
 * Looks for a whole word in the first CPU's "flags" and "vmx flags" lines of
 * /proc/cpuinfo.  Returns 1 if present, 0 if absent, -errno on error.
 */
static inline int mvm_cpuinfo_has(const char *flag)
{
	char *line = NULL, *colon, *tok, *save;
	size_t cap = 0, keylen;
	int found = 0, lines = 0;
	FILE *f;

	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		/* A blank line ends the first CPU's block. */
		if (line[0] == '\n')
			break;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		/* The key is padded with tabs up to the colon. */
		keylen = colon - line;
		while (keylen && (line[keylen - 1] == ' ' || line[keylen - 1] == '\t'))
			keylen--;
		if (!(keylen == 5 && !strncmp(line, "flags", 5)) &&
		    !(keylen == 9 && !strncmp(line, "vmx flags", 9)))
			continue;
		lines++;
		for (tok = strtok_r(colon + 1, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			if (!strcmp(tok, flag))
				found = 1;
	}
	free(line);
	fclose(f);
	return lines ? found : -ENODATA;
}

/*
 * Following /dev/kmsg from the moment a test starts.  Each record reads as
 * "prio,seq,usec,flags;text\n" followed by optional " KEY=value" lines; only
 * the text is kept, one message per line, in a growing buffer.
 */
struct mvm_kmsg {
	int fd;
	char *text;
	size_t len, cap;
};

/* Returns 0 or -errno.  Messages logged before this call are ignored. */
static inline int mvm_kmsg_open(struct mvm_kmsg *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(k->fd);
		k->fd = -1;
		return err;
	}
	return 0;
}

static inline void mvm_kmsg_close(struct mvm_kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->text);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

/* Appends every record logged since the last call.  Returns 0 or -errno. */
static inline int mvm_kmsg_update(struct mvm_kmsg *k)
{
	char rec[8192 + 1], *text;
	size_t tlen;
	ssize_t n;

	for (;;) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EAGAIN)
				return 0;
			/* Overwritten records: the next read continues after them. */
			if (errno == EPIPE || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		tlen = strcspn(text, "\n");
		if (k->len + tlen + 2 > k->cap) {
			size_t cap = (k->cap ? k->cap * 2 : 65536) + tlen;
			char *p = realloc(k->text, cap);

			if (!p)
				return -ENOMEM;
			k->text = p;
			k->cap = cap;
		}
		memcpy(k->text + k->len, text, tlen);
		k->len += tlen;
		k->text[k->len++] = '\n';
		k->text[k->len] = '\0';
	}
}

static inline bool mvm_kmsg_contains(const struct mvm_kmsg *k, const char *s)
{
	return k->text && strstr(k->text, s);
}

/*
 * Counts the kernel's signs of a host-side bug (a warning, a BUG or oops, a
 * sanitizer or kmemleak report) among the messages collected so far, and
 * prints each such line to stderr.
 */
static inline int mvm_kmsg_count_bugs(const struct mvm_kmsg *k)
{
	static const char *const markers[] = {
		"WARNING:", "BUG:", "kernel BUG at", "Oops:",
		"general protection fault", "UBSAN:", "unreferenced object",
	};
	const char *line, *eol;
	int count = 0;
	size_t i;

	if (!k->text)
		return 0;
	for (line = k->text; *line; line = eol + 1) {
		eol = strchr(line, '\n');
		for (i = 0; i < ARRAY_SIZE(markers); i++) {
			const char *hit = strstr(line, markers[i]);

			if (hit && hit < eol) {
				fprintf(stderr, "# kmsg: %.*s\n", (int)(eol - line), line);
				count++;
				break;
			}
		}
	}
	return count;
}

#endif /* MINIVMM_SELFTEST_UTIL_H */
