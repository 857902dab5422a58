// SPDX-License-Identifier: GPL-2.0
/*
 * run_opts.c: the command line of "vmctl run", parsed into struct run_opts
 * without side effects, so tests/run_test.c can check every rule.  Each
 * refusal comes with a one-line message naming the option and the reason;
 * cmd_run.c prints it as a usage error (exit status 2).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

/*
 * A size with an optional K, M, G or T suffix (powers of 1024; "MiB" style
 * suffixes and a trailing "B" are accepted too).  Returns 0, -EINVAL when
 * @s is not a size, or -ERANGE when it is one too big for 64 bits, so that
 * "--mem 99999T" is called out of range like "--mem 1T", not "not a size".
 */
int run_parse_size(const char *s, uint64_t *out)
{
	unsigned long long val;
	uint64_t mult = 1;
	bool too_big;
	char *end;

	if (!s[0] || s[0] == '-')
		return -EINVAL;
	errno = 0;
	val = strtoull(s, &end, 0);
	if (end == s || (errno && errno != ERANGE))
		return -EINVAL;
	too_big = errno == ERANGE;
	switch (*end) {
	case 'k': case 'K':
		mult = KiB;
		end++;
		break;
	case 'm': case 'M':
		mult = MiB;
		end++;
		break;
	case 'g': case 'G':
		mult = GiB;
		end++;
		break;
	case 't': case 'T':
		mult = TiB;
		end++;
		break;
	}
	if (mult > 1 && *end == 'i')
		end++;
	if (*end == 'B' && (mult > 1 || end[1] == '\0'))
		end++;
	if (*end)
		return -EINVAL;
	if (too_big || val > UINT64_MAX / mult)
		return -ERANGE;
	*out = val * mult;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long val;
	char *end;

	if (!s[0] || s[0] == '-')
		return -EINVAL;
	errno = 0;
	val = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = val;
	return 0;
}

enum {
	OPT_MEM = 0x100,
	OPT_CPUS,
	OPT_CMDLINE,
	OPT_MODULE,
	OPT_TRACE_EXITS,
	OPT_FLAT,
	OPT_INITRD,
	OPT_NO_DEFAULT_CMDLINE,
	OPT_TRACE_BOOT,
	OPT_ACCEL,
	OPT_EXIT_STATS,
};

static const struct option run_options[] = {
	{ "mem",	 required_argument, NULL, OPT_MEM },
	{ "cpus",	 required_argument, NULL, OPT_CPUS },
	{ "cmdline",	 required_argument, NULL, OPT_CMDLINE },
	{ "module",	 required_argument, NULL, OPT_MODULE },
	{ "trace-exits", no_argument,	    NULL, OPT_TRACE_EXITS },
	{ "flat",	 required_argument, NULL, OPT_FLAT },
	{ "initrd",	 required_argument, NULL, OPT_INITRD },
	{ "no-default-cmdline", no_argument, NULL, OPT_NO_DEFAULT_CMDLINE },
	{ "trace-boot",	 no_argument,	    NULL, OPT_TRACE_BOOT },
	{ "accel",	 required_argument, NULL, OPT_ACCEL },
	{ "exit-stats",	 no_argument,	    NULL, OPT_EXIT_STATS },
	{ NULL, 0, NULL, 0 },
};

#define ERR(...)	(snprintf(err, err_size, __VA_ARGS__), -EINVAL)

static int run_parse_opt(int opt, const char *arg, struct run_opts *o,
			 char *err, size_t err_size)
{
	uint64_t val;
	int ret;

	switch (opt) {
	case OPT_MEM:
		ret = run_parse_size(arg, &val);
		if (ret == -EINVAL)
			return ERR("--mem: '%s' is not a size (e.g. 128M, 2G)", arg);
		if (ret || val < GMEM_MIN_SIZE || val > GMEM_MAX_SIZE)
			return ERR("--mem: %s is out of range (1M to 256G)", arg);
		if (val % 4096)
			return ERR("--mem: %s is not a multiple of 4K", arg);
		o->mem_size = val;
		return 0;
	case OPT_CPUS:
		if (parse_u64(arg, &val) || !val)
			return ERR("--cpus: '%s' is not a CPU count", arg);
		if (val != 1)
			return ERR("--cpus: only 1 vCPU is supported for now, not %s", arg);
		o->cpus = val;
		return 0;
	case OPT_CMDLINE:
		o->cmdline = arg;
		return 0;
	case OPT_MODULE:
		if (o->nr_modules == RUN_MAX_MODULES)
			return ERR("--module: at most %d modules", RUN_MAX_MODULES);
		o->modules[o->nr_modules++] = arg;
		return 0;
	case OPT_INITRD:
		if (o->initrd)
			return ERR("--initrd: only one initrd");
		o->initrd = arg;
		return 0;
	case OPT_NO_DEFAULT_CMDLINE:
		o->no_default_cmdline = true;
		return 0;
	case OPT_TRACE_EXITS:
		o->trace_exits = true;
		return 0;
	case OPT_TRACE_BOOT:
		o->trace_boot = true;
		return 0;
	case OPT_ACCEL:
		if (!strcmp(arg, "minivmm"))
			o->accel = RUN_ACCEL_MINIVMM;
		else if (!strcmp(arg, "kvm"))
			o->accel = RUN_ACCEL_KVM;
		else
			return ERR("--accel: '%s' is not an accelerator (minivmm or kvm)", arg);
		return 0;
	case OPT_EXIT_STATS:
		o->exit_stats = true;
		return 0;
	case OPT_FLAT:
		if (parse_u64(arg, &val))
			return ERR("--flat: '%s' is not an address", arg);
		if (val >= MiB)
			return ERR("--flat: %s is not below 1M, where real mode starts", arg);
		o->flat = true;
		o->flat_addr = val;
		return 0;
	}
	return ERR("unknown option");
}

/*
 * Parse "run [options] IMAGE" (@argv[0] is "run") into @o.  Returns 0, or
 * -EINVAL with a one-line message in @err.  Options may come after IMAGE
 * too; "--" ends them.
 */
int run_parse_args(int argc, char **argv, struct run_opts *o, char *err,
		   size_t err_size)
{
	int opt, ret;

	memset(o, 0, sizeof(*o));
	o->mem_size = RUN_DEFAULT_MEM;
	o->cpus = 1;
	err[0] = '\0';

	optind = 0;		/* a full reset of GNU getopt, for the tests */
	opterr = 0;		/* the messages are ours */
	while ((opt = getopt_long(argc, argv, ":", run_options, NULL)) != -1) {
		if (opt == '?')
			return ERR("unknown option '%s'", argv[optind - 1]);
		if (opt == ':')
			return ERR("option '%s' needs a value", argv[optind - 1]);
		ret = run_parse_opt(opt, optarg, o, err, err_size);
		if (ret)
			return ret;
	}
	if (optind >= argc)
		return ERR("no IMAGE given");
	if (optind + 1 < argc)
		return ERR("unexpected argument '%s' after the image",
			   argv[optind + 1]);
	o->image = argv[optind];
	if (o->flat && (o->cmdline || o->nr_modules))
		return ERR("--cmdline and --module are for Multiboot kernels, not --flat");
	if (o->flat && (o->initrd || o->no_default_cmdline))
		return ERR("--initrd and --no-default-cmdline are for Linux kernels, not --flat");
	return 0;
}
