// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_help.c: vmctl about itself: "help", "version", and the usage text
 * every command's --help and usage errors print.  All of it is drawn from
 * the command table in main.c.
 */
#include <stdarg.h>
#include <string.h>

#include <linux/minivmm.h>

#include "vmctl.h"

void vmctl_print_usage(FILE *out)
{
	const char *help, *nl;
	size_t i;

	fprintf(out, "usage: vmctl COMMAND [ARGS]\n"
		     "       vmctl --help | --version\n"
		     "\n"
		     "Control minivmm, a hypervisor kernel module, through %s.\n"
		     "\n"
		     "Commands:\n", MVM_DEV_PATH);
	for (i = 0; i < vmctl_nr_cmds; i++) {
		/* The first line of a command's help is its summary. */
		help = vmctl_cmds[i].help;
		nl = strchr(help, '\n');
		fprintf(out, "  %-10s %.*s\n", vmctl_cmds[i].name,
			nl ? (int)(nl - help) : (int)strlen(help), help);
	}
	fprintf(out, "\nRun 'vmctl help COMMAND' or 'vmctl COMMAND --help' for more.\n");
}

void vmctl_print_cmd_help(const struct vmctl_cmd *cmd, FILE *out)
{
	fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->help);
}

/* Report a bad command line for @cmd; returns the exit status to use. */
int vmctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; run 'vmctl %s --help'\n", cmd);
	return VMCTL_EXIT_USAGE;
}

int cmd_help(int argc, char **argv)
{
	const struct vmctl_cmd *cmd;

	if (argc > 2)
		return vmctl_usage_error(argv[0], "too many arguments");
	if (argc < 2) {
		vmctl_print_usage(stdout);
		return VMCTL_EXIT_OK;
	}

	cmd = vmctl_find_cmd(argv[1]);
	if (!cmd) {
		pr_err("'%s' is not a vmctl command; run 'vmctl --help'",
		       argv[1]);
		return VMCTL_EXIT_USAGE;
	}
	vmctl_print_cmd_help(cmd, stdout);
	return VMCTL_EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
	if (argc > 1)
		return vmctl_usage_error(argv[0], "unexpected argument '%s'",
					 argv[1]);
	printf("vmctl %s (minivmm API %d)\n", VMCTL_VERSION,
	       MINIVMM_API_VERSION);
	return VMCTL_EXIT_OK;
}
