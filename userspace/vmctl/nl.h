/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h: vmctl's side of the minivmm generic netlink family
 * (Documentation/netlink.rst), and the tiny JSON writer its commands use
 * for --json.  nl.c speaks libnl the way iw does: genl_connect(),
 * genl_ctrl_resolve(), one request, callbacks that parse each reply with a
 * policy.  Functions return 0 or -errno; the kernel's extended-ack message,
 * when it sent one, is kept in vmctl_nl.errmsg for the caller to show.
 */
#ifndef VMCTL_NL_H
#define VMCTL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/minivmm.h>

struct nl_sock;

struct vmctl_nl {
	struct nl_sock *sk;
	int family;			/* the family's id */
	char errmsg[256];		/* the last extended ack's message */
};

#define VMCTL_NL_MAX_VCPUS	64

struct vmctl_vcpu_info {
	uint32_t id, tid, cpu, state;
	bool has_cpu;
};

struct vmctl_vm_info {
	uint32_t id, pid, uid, nr_vcpus, state;
	uint64_t mem_bytes, created_ns;
	unsigned int nr;		/* entries in vcpu[] */
	struct vmctl_vcpu_info vcpu[VMCTL_NL_MAX_VCPUS];
};

struct vmctl_stats {
	uint64_t exits, exits_to_user, halts, injected, guest_ns, host_ns;
	uint64_t kind[MINIVMM_A_EXIT_KIND_MAX + 1];	/* by attribute */
	uint64_t latency[MINIVMM_LATENCY_BUCKETS];
};

struct vmctl_event {
	uint8_t cmd;			/* MINIVMM_CMD_VM_CREATED, ... */
	uint32_t vm, pid, uid, vcpu, suberror;
	uint64_t hw_reason;
	bool has_vcpu, has_hw_reason, has_suberror;
};

/* nl.c */
int vmctl_nl_open(struct vmctl_nl *nl);
void vmctl_nl_close(struct vmctl_nl *nl);
void vmctl_nl_report(const struct vmctl_nl *nl, int err, const char *what);
int vmctl_nl_list(struct vmctl_nl *nl, struct vmctl_vm_info **vms, size_t *n);
int vmctl_nl_stats(struct vmctl_nl *nl, uint32_t vm, int vcpu,
		   struct vmctl_stats *st);
int vmctl_nl_subscribe(struct vmctl_nl *nl);
int vmctl_nl_next_event(struct vmctl_nl *nl,
			int (*fn)(const struct vmctl_event *ev, void *arg),
			void *arg);
const char *vmctl_vm_state_name(uint32_t state);
const char *vmctl_vcpu_state_name(uint32_t state);
const char *vmctl_event_name(uint8_t cmd);
const char *vmctl_exit_kind_name(unsigned int attr);

/* json.c: a streaming writer; it places the commas itself */
#define JSON_MAX_DEPTH		16

struct json {
	FILE *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_double(struct json *j, double v);
void json_null(struct json *j);

/* The netlink commands, and the helpers they share */
int cmd_list(int argc, char **argv);	/* cmd_list.c */
void vmctl_format_bytes(char *buf, size_t size, uint64_t bytes);
void vmctl_format_age(char *buf, size_t size, uint64_t created_ns);
int cmd_stats(int argc, char **argv);	/* cmd_stats.c */
int vmctl_parse_id(const char *s);
void vmctl_json_stats(struct json *j, const struct vmctl_stats *st);
int cmd_top(int argc, char **argv);	/* cmd_top.c */
int cmd_events(int argc, char **argv);	/* cmd_events.c */

#endif /* VMCTL_NL_H */
