/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/tap.h: the TAP output the host-side tests share.  Each test is one
 * program (one .c file) that includes this once: check() and skip() print
 * a numbered result line, tap_done() the plan and the summary line test
 * runners read, and returns the exit status.
 */
#ifndef VMCTL_TESTS_TAP_H
#define VMCTL_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int nr_run, nr_failed;

static void check(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), unused));

static void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	nr_run++;
	if (!cond)
		nr_failed++;
	printf("%sok %d - ", cond ? "" : "not ", nr_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static __attribute__((unused)) void skip(const char *why, const char *what)
{
	nr_run++;
	printf("ok %d - %s # SKIP %s\n", nr_run, what, why);
}

/* The plan, then "NAME: N passed, N failed"; returns the exit status. */
static int tap_done(const char *name)
{
	printf("1..%d\n", nr_run);
	printf("%s: %d passed, %d failed\n", name, nr_run - nr_failed,
	       nr_failed);
	return nr_failed ? 1 : 0;
}

#endif
