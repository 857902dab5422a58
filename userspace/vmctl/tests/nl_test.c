// SPDX-License-Identifier: GPL-2.0
/*
 * tests/nl_test.c: host-side tests for the pure parts of vmctl's netlink
 * commands, printing TAP: the JSON writer (commas, nesting, escaping, no
 * NaN), the size and age formats, id parsing and the name tables.  Then
 * the vmctl binary named by argv[1]: its netlink commands' usage errors,
 * and, where the minivmm family is absent (the build machines), the
 * "module not loaded" message.
 *
 *	usage: nl_test PATH-TO-VMCTL
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "vmctl.h"
#include "tap.h"
#include "nl.h"


/*
 * cmd_list.o and cmd_stats.o are linked for their helpers; their command
 * functions are run through the binary instead, so the usage printer
 * (cmd_help.c, which needs main.c's table) is only a stand-in here.
 */
int vmctl_usage_error(const char *cmd, const char *fmt, ...)
{
	(void)cmd;
	(void)fmt;
	return VMCTL_EXIT_USAGE;
}

/* Runs @fn against a json writer on a memory stream; returns the text. */
static char *json_text(void (*fn)(struct json *j))
{
	static char buf[4096];
	struct json j;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f)
		return strcpy(buf, "(fmemopen failed)");
	json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static void nested(struct json *j)
{
	json_begin_object(j);
	json_key(j, "a");
	json_u64(j, 1);
	json_key(j, "b");
	json_begin_array(j);
	json_u64(j, 2);
	json_begin_object(j);
	json_end_object(j);
	json_begin_array(j);
	json_end_array(j);
	json_null(j);
	json_end_array(j);
	json_key(j, "c");
	json_string(j, "x");
	json_end_object(j);
}

static void escapes(struct json *j)
{
	json_begin_array(j);
	json_string(j, "q\"b\\n\n\x01");
	json_double(j, 1.5);
	json_double(j, NAN);
	json_u64(j, UINT64_MAX);
	json_end_array(j);
}

static void two_lines(struct json *j)
{
	json_begin_object(j);
	json_end_object(j);
	json_begin_object(j);
	json_key(j, "k");
	json_u64(j, 0);
	json_end_object(j);
}

static void test_json(void)
{
	const char *s;

	s = json_text(nested);
	check(!strcmp(s, "{\"a\":1,\"b\":[2,{},[],null],\"c\":\"x\"}\n"),
	      "json: commas and nesting: %s", s);
	s = json_text(escapes);
	check(!strcmp(s, "[\"q\\\"b\\\\n\\u000a\\u0001\",1.500,null,18446744073709551615]\n"),
	      "json: escapes, doubles, NaN as null, u64 max: %s", s);
	s = json_text(two_lines);
	check(!strcmp(s, "{}\n{\"k\":0}\n"),
	      "json: top-level values one per line: %s", s);
}

static void test_formats(void)
{
	struct timespec now;
	char buf[32];
	uint64_t ns;

	vmctl_format_bytes(buf, sizeof(buf), 0);
	check(!strcmp(buf, "0B"), "bytes 0: %s", buf);
	vmctl_format_bytes(buf, sizeof(buf), 128ull << 20);
	check(!strcmp(buf, "128M"), "bytes 128M: %s", buf);
	vmctl_format_bytes(buf, sizeof(buf), 1536);
	check(!strcmp(buf, "1.5K"), "bytes 1.5K: %s", buf);
	vmctl_format_bytes(buf, sizeof(buf), 4ull << 30);
	check(!strcmp(buf, "4G"), "bytes 4G: %s", buf);

	clock_gettime(CLOCK_REALTIME, &now);
	ns = (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec;
	vmctl_format_age(buf, sizeof(buf), ns - 125 * 1000000000ull);
	check(!strcmp(buf, "2m05s"), "age 125 s: %s", buf);
	vmctl_format_age(buf, sizeof(buf), ns - 90000 * 1000000000ull);
	check(!strcmp(buf, "1d01h"), "age 25 h: %s", buf);
	vmctl_format_age(buf, sizeof(buf), ns + 5000000000ull);
	check(!strcmp(buf, "0s"), "age in the future: %s", buf);
}

static void test_ids_and_names(void)
{
	check(vmctl_parse_id("7") == 7, "id 7");
	check(vmctl_parse_id("0") == 0, "id 0 parses (callers refuse it)");
	check(vmctl_parse_id("-1") < 0, "id -1 refused");
	check(vmctl_parse_id("7x") < 0, "id 7x refused");
	check(vmctl_parse_id("") < 0, "empty id refused");
	check(vmctl_parse_id("99999999999") < 0, "id above INT_MAX refused");

	check(!strcmp(vmctl_vm_state_name(MINIVMM_VM_STATE_RUNNING), "running"),
	      "vm state name");
	check(!strcmp(vmctl_vm_state_name(99), "unknown"), "unknown vm state");
	check(!strcmp(vmctl_vcpu_state_name(MINIVMM_VCPU_STATE_CREATED), "created"),
	      "vcpu state name");
	check(!strcmp(vmctl_event_name(MINIVMM_CMD_VCPU_SHUTDOWN), "vcpu-shutdown"),
	      "event name");
	check(!strcmp(vmctl_event_name(MINIVMM_CMD_GET_VM), "unknown"),
	      "a request is not an event");
	check(!strcmp(vmctl_exit_kind_name(MINIVMM_A_EXIT_KIND_CPUID), "cpuid"),
	      "exit kind name");
	check(!vmctl_exit_kind_name(MINIVMM_A_EXIT_KIND_PAD), "pad has no name");
}

/* Runs "vmctl ARGS" and returns its exit status and combined output. */
static int run(const char *vmctl, const char *args, char *out, size_t size)
{
	char cmd[512];
	size_t n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", vmctl, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(const char *vmctl)
{
	/* The rest is diag_test's: the cause, as "vmctl info" gives it. */
	static const char list_why[] = "vmctl: list: the 'minivmm' netlink family is not registered: minivmm is ";
	static const char *const usage[] = {
		"list extra", "list --bogus", "stats", "stats abc", "stats 0",
		"stats 1 2", "stats --vcpu x 1", "top --delay 0", "top --delay x",
		"top --iterations 0", "events --count 0", "events extra",
	};
	char out[4096];
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(usage); i++) {
		r = run(vmctl, usage[i], out, sizeof(out));
		check(r == VMCTL_EXIT_USAGE && strstr(out, "--help"),
		      "vmctl %s: usage error (%d)", usage[i], r);
	}
	r = run(vmctl, "help stats", out, sizeof(out));
	check(r == 0 && strstr(out, "--vcpu"), "vmctl help stats");

	/* Only meaningful where the family is absent: the build machines. */
	r = run(vmctl, "list", out, sizeof(out));
	if (r == VMCTL_EXIT_ERROR && strstr(out, "not registered"))
		check(!strncmp(out, list_why, strlen(list_why)) &&
		      strstr(out, "\nvmctl: fix: ") != NULL,
		      "vmctl list without the module says why and what to do");
	else
		skip("the family is there", "module message");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-VMCTL\n", argv[0]);
		return 2;
	}
	test_json();
	test_formats();
	test_ids_and_names();
	test_cli(argv[1]);
	return tap_done("nl_test");
}
