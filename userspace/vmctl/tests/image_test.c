// SPDX-License-Identifier: GPL-2.0
/*
 * tests/image_test.c: host-side tests of what "vmctl run" decides about
 * its arguments before any VM exists, printing TAP: the --mem size parser
 * and its messages.
 *
 *	usage: image_test [PATH-TO-VMCTL]	(make test passes it; unused)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

/* ---- --mem ---- */

static int parse_mem(const char *size, char *err)
{
	char *argv[] = { "run", "--mem", (char *)size, "k", NULL };
	struct run_opts o;

	return run_parse_args(4, argv, &o, err, 256);
}

static void test_size(void)
{
	char err[256];
	uint64_t v;

	check(!run_parse_size("1T", &v) && v == 1ULL << 40 &&
	      !run_parse_size("2t", &v) && v == 2ULL << 40 &&
	      !run_parse_size("1TiB", &v) && v == 1ULL << 40 &&
	      !run_parse_size("1TB", &v) && v == 1ULL << 40,
	      "size: T, t, TiB and TB are tebibytes");
	check(!run_parse_size("16777215T", &v) && v == 16777215ULL << 40,
	      "size: the largest T that fits in 64 bits");
	check(run_parse_size("16777216T", &v) == -ERANGE &&
	      run_parse_size("99999999999999999999", &v) == -ERANGE &&
	      run_parse_size("99999999999999999999T", &v) == -ERANGE,
	      "size: a size past 64 bits is out of range, not malformed");
	check(run_parse_size("1P", &v) == -EINVAL &&
	      run_parse_size("T", &v) == -EINVAL &&
	      run_parse_size("1TT", &v) == -EINVAL &&
	      run_parse_size("1.5G", &v) == -EINVAL &&
	      run_parse_size("", &v) == -EINVAL &&
	      run_parse_size("-1T", &v) == -EINVAL,
	      "size: malformed sizes are -EINVAL");

	check(parse_mem("1T", err) == -EINVAL &&
	      !strcmp(err, "--mem: 1T is out of range (1M to 256G)"),
	      "--mem 1T: out of range: %s", err);
	check(parse_mem("99999999999999999999T", err) == -EINVAL &&
	      !strcmp(err, "--mem: 99999999999999999999T is out of range (1M to 256G)"),
	      "--mem past 64 bits: out of range: %s", err);
	check(parse_mem("1P", err) == -EINVAL &&
	      !strcmp(err, "--mem: '1P' is not a size (e.g. 128M, 2G)"),
	      "--mem 1P: not a size: %s", err);
	check(!parse_mem("256G", err) && !parse_mem("1M", err),
	      "--mem: the range's ends are accepted");
}

int main(void)
{
	test_size();
	return tap_done("image_test");
}
