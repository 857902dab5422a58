// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c: vmctl's client of the minivmm generic netlink family, over libnl.
 *
 * The pattern is iw's: genl_connect(), genl_ctrl_resolve() to find the
 * family's id, one request per call, and a libnl callback set whose valid
 * handler parses each reply with a policy (so a reply with a wrong-sized
 * attribute is refused here too) while the finish, ack and error handlers
 * end the receive loop.  The error handler keeps the kernel's errno and its
 * extended-ack message (NETLINK_EXT_ACK), so vmctl can say what the kernel
 * said rather than libnl's paraphrase.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "vmctl.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/*
 * The parse-side policies: what vmctl accepts from the kernel, in the
 * spec's types (tools/netlink-spec-check.sh compares them).
 */
static struct nla_policy vm_policy[MINIVMM_A_VM_MAX + 1] = {
	[MINIVMM_A_VM_ID]		= { .type = NLA_U32 },
	[MINIVMM_A_VM_PID]		= { .type = NLA_U32 },
	[MINIVMM_A_VM_UID]		= { .type = NLA_U32 },
	[MINIVMM_A_VM_NR_VCPUS]		= { .type = NLA_U32 },
	[MINIVMM_A_VM_MEM_BYTES]	= { .type = NLA_U64 },
	[MINIVMM_A_VM_STATE]		= { .type = NLA_U32 },
	[MINIVMM_A_VM_CREATED_NS]	= { .type = NLA_U64 },
	[MINIVMM_A_VM_VCPU]		= { .type = NLA_NESTED },
	[MINIVMM_A_VM_VCPU_ID]		= { .type = NLA_U32 },
	[MINIVMM_A_VM_STATS]		= { .type = NLA_NESTED },
	[MINIVMM_A_VM_HW_REASON]	= { .type = NLA_U64 },
	[MINIVMM_A_VM_SUBERROR]		= { .type = NLA_U32 },
};

static struct nla_policy vcpu_policy[MINIVMM_A_VCPU_MAX + 1] = {
	[MINIVMM_A_VCPU_ID]		= { .type = NLA_U32 },
	[MINIVMM_A_VCPU_TID]		= { .type = NLA_U32 },
	[MINIVMM_A_VCPU_CPU]		= { .type = NLA_U32 },
	[MINIVMM_A_VCPU_STATE]		= { .type = NLA_U32 },
};

static struct nla_policy stats_policy[MINIVMM_A_STATS_MAX + 1] = {
	[MINIVMM_A_STATS_EXITS]		= { .type = NLA_U64 },
	[MINIVMM_A_STATS_EXITS_TO_USER]	= { .type = NLA_U64 },
	[MINIVMM_A_STATS_HALTS]		= { .type = NLA_U64 },
	[MINIVMM_A_STATS_INJECTED]	= { .type = NLA_U64 },
	[MINIVMM_A_STATS_GUEST_NS]	= { .type = NLA_U64 },
	[MINIVMM_A_STATS_HOST_NS]	= { .type = NLA_U64 },
	[MINIVMM_A_STATS_EXIT_KINDS]	= { .type = NLA_NESTED },
	[MINIVMM_A_STATS_LATENCY]	= { .type = NLA_NESTED },
};

static const char *const vm_states[] = {
	[MINIVMM_VM_STATE_IDLE]		= "idle",
	[MINIVMM_VM_STATE_RUNNING]	= "running",
	[MINIVMM_VM_STATE_DEAD]		= "dead",
};

static const char *const vcpu_states[] = {
	[MINIVMM_VCPU_STATE_CREATED]	= "created",
	[MINIVMM_VCPU_STATE_IDLE]	= "idle",
	[MINIVMM_VCPU_STATE_RUNNING]	= "running",
	[MINIVMM_VCPU_STATE_HALTED]	= "halted",
};

static const char *const event_names[] = {
	[MINIVMM_CMD_VM_CREATED]		= "vm-created",
	[MINIVMM_CMD_VM_DESTROYED]		= "vm-destroyed",
	[MINIVMM_CMD_VCPU_SHUTDOWN]		= "vcpu-shutdown",
	[MINIVMM_CMD_VCPU_FAIL_ENTRY]		= "vcpu-fail-entry",
	[MINIVMM_CMD_VCPU_INTERNAL_ERROR]	= "vcpu-internal-error",
};

static const char *const exit_kind_names[] = {
	[MINIVMM_A_EXIT_KIND_IO]		= "io",
	[MINIVMM_A_EXIT_KIND_MMIO]		= "mmio",
	[MINIVMM_A_EXIT_KIND_NPF]		= "npf",
	[MINIVMM_A_EXIT_KIND_CPUID]		= "cpuid",
	[MINIVMM_A_EXIT_KIND_MSR]		= "msr",
	[MINIVMM_A_EXIT_KIND_HLT]		= "hlt",
	[MINIVMM_A_EXIT_KIND_SHUTDOWN]		= "shutdown",
	[MINIVMM_A_EXIT_KIND_FAIL_ENTRY]	= "fail_entry",
	[MINIVMM_A_EXIT_KIND_INTERNAL]		= "internal",
	[MINIVMM_A_EXIT_KIND_OTHER]		= "other",
};

#define NAME_OR(tbl, i, dflt) \
	((i) < ARRAY_SIZE(tbl) && (tbl)[i] ? (tbl)[i] : (dflt))

const char *vmctl_vm_state_name(uint32_t state)
{
	return NAME_OR(vm_states, state, "unknown");
}

const char *vmctl_vcpu_state_name(uint32_t state)
{
	return NAME_OR(vcpu_states, state, "unknown");
}

const char *vmctl_event_name(uint8_t cmd)
{
	return NAME_OR(event_names, cmd, "unknown");
}

const char *vmctl_exit_kind_name(unsigned int attr)
{
	return NAME_OR(exit_kind_names, attr, NULL);
}

/* libnl's own error codes, for the few calls that give nothing better. */
static int nlerr_to_errno(int err)
{
	switch (-err) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_PERM:		return -EPERM;
	case NLE_INVAL:		return -EINVAL;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	default:		return -EPROTO;
	}
}

/*
 * Open a socket and find the family.  -ENOENT: the family is not
 * registered (the module is not loaded).
 */
int vmctl_nl_open(struct vmctl_nl *nl)
{
	int one = 1, r;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	r = genl_connect(nl->sk);
	if (r < 0) {
		r = nlerr_to_errno(r);
		goto err_free;
	}
	/* Errors come back with the kernel's message; failing is harmless. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, MINIVMM_GENL_NAME);
	if (nl->family < 0) {
		r = nlerr_to_errno(nl->family);
		goto err_free;
	}
	return 0;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return r;
}

void vmctl_nl_close(struct vmctl_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* Say what went wrong in words an operator can act on. */
void vmctl_nl_report(const struct vmctl_nl *nl, int err, const char *what)
{
	const char *msg = nl && nl->errmsg[0] ? nl->errmsg : NULL;

	switch (err) {
	case -ENOENT:
		/* No family: the module is not there, as info would say. */
		if (!nl || !nl->sk) {
			mvm_explain_for(what, ENOENT, MVM_OP_GENL);
			return;
		}
		pr_err("%s: %s", what, msg ?: "no such VM or vCPU (or not yours)");
		return;
	case -EPERM:
	case -EACCES:
		pr_err("%s: refused by the kernel%s%s (this needs CAP_NET_ADMIN, e.g. root)",
		       what, msg ? ": " : "", msg ?: "");
		return;
	default:
		pr_err("%s: %s%s%s", what, strerror(-err), msg ? ": " : "",
		       msg ?: "");
	}
}

/* One request's state, shared by its callbacks. */
struct nl_req {
	struct vmctl_nl *nl;
	int err;			/* 1 while running, then 0 or -errno */
	int (*parse)(struct nlattr **tb, struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static int nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nl_req *req = arg;
	struct nlattr *tb[MINIVMM_A_VM_MAX + 1];
	int r;

	r = genlmsg_parse(nlmsg_hdr(msg), 0, tb, MINIVMM_A_VM_MAX, vm_policy);
	if (r < 0) {
		req->err = -EPROTO;
		return NL_STOP;
	}
	r = req->parse(tb, nlmsg_hdr(msg), req->arg);
	if (r < 0) {
		req->err = r;
		return NL_STOP;
	}
	return NL_OK;
}

static int nl_finish_cb(struct nl_msg *msg __attribute__((unused)), void *arg)
{
	struct nl_req *req = arg;

	if (req->err > 0)
		req->err = 0;
	return NL_SKIP;
}

/* The error message and errno, from an NLMSG_ERROR and its TLVs. */
static int nl_error_cb(struct sockaddr_nl *nla __attribute__((unused)),
		       struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nl_req *req = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	req->err = e->error ?: -EPROTO;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + NLMSG_ALIGN(off)),
		      nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off),
		      NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(req->nl->errmsg, sizeof(req->nl->errmsg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int nl_ack_cb(struct nl_msg *msg __attribute__((unused)), void *arg)
{
	struct nl_req *req = arg;

	if (req->err > 0)
		req->err = 0;
	return NL_STOP;
}

/*
 * Send @msg (consumed) and feed every reply to @parse until the kernel's
 * ack or the end of a dump.
 */
static int nl_transact(struct vmctl_nl *nl, struct nl_msg *msg,
		       int (*parse)(struct nlattr **tb, struct nlmsghdr *nlh,
				    void *arg),
		       void *arg)
{
	struct nl_req req = { .nl = nl, .err = 1, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int r;

	nl->errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_valid_cb, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nl_finish_cb, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_ack_cb, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, nl_error_cb, &req);

	r = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		nl_cb_put(cb);
		return nlerr_to_errno(r);
	}
	while (req.err > 0) {
		r = nl_recvmsgs(nl->sk, cb);
		if (r < 0 && req.err > 0)
			req.err = nlerr_to_errno(r);
	}
	nl_cb_put(cb);
	return req.err;
}

static struct nl_msg *nl_request(struct vmctl_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, MINIVMM_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

struct list_arg {
	struct vmctl_vm_info *vms;
	size_t n, cap;
};

static int parse_vcpu(struct nlattr *nest, struct vmctl_vcpu_info *v)
{
	struct nlattr *tb[MINIVMM_A_VCPU_MAX + 1];

	if (nla_parse_nested(tb, MINIVMM_A_VCPU_MAX, nest, vcpu_policy) < 0 ||
	    !tb[MINIVMM_A_VCPU_ID])
		return -EPROTO;
	memset(v, 0, sizeof(*v));
	v->id = nla_get_u32(tb[MINIVMM_A_VCPU_ID]);
	if (tb[MINIVMM_A_VCPU_TID])
		v->tid = nla_get_u32(tb[MINIVMM_A_VCPU_TID]);
	if (tb[MINIVMM_A_VCPU_STATE])
		v->state = nla_get_u32(tb[MINIVMM_A_VCPU_STATE]);
	if (tb[MINIVMM_A_VCPU_CPU]) {
		v->cpu = nla_get_u32(tb[MINIVMM_A_VCPU_CPU]);
		v->has_cpu = true;
	}
	return 0;
}

#define GET_U32(tb, a)	((tb)[a] ? nla_get_u32((tb)[a]) : 0)
#define GET_U64(tb, a)	((tb)[a] ? nla_get_u64((tb)[a]) : 0)

static int parse_vm(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct list_arg *l = arg;
	struct vmctl_vm_info *vm;
	struct nlattr *a;
	int rem, r;

	if (!tb[MINIVMM_A_VM_ID])
		return -EPROTO;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		void *p = realloc(l->vms, cap * sizeof(*l->vms));

		if (!p)
			return -ENOMEM;
		l->vms = p;
		l->cap = cap;
	}
	vm = &l->vms[l->n];
	memset(vm, 0, sizeof(*vm));
	vm->id = GET_U32(tb, MINIVMM_A_VM_ID);
	vm->pid = GET_U32(tb, MINIVMM_A_VM_PID);
	vm->uid = GET_U32(tb, MINIVMM_A_VM_UID);
	vm->nr_vcpus = GET_U32(tb, MINIVMM_A_VM_NR_VCPUS);
	vm->state = GET_U32(tb, MINIVMM_A_VM_STATE);
	vm->mem_bytes = GET_U64(tb, MINIVMM_A_VM_MEM_BYTES);
	vm->created_ns = GET_U64(tb, MINIVMM_A_VM_CREATED_NS);

	/* MINIVMM_A_VM_VCPU repeats; the parse above kept only the last. */
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
			  rem) {
		if (nla_type(a) != MINIVMM_A_VM_VCPU ||
		    vm->nr == VMCTL_NL_MAX_VCPUS)
			continue;
		r = parse_vcpu(a, &vm->vcpu[vm->nr]);
		if (r)
			return r;
		vm->nr++;
	}
	l->n++;
	return 0;
}

/* Every VM this user may see, in id order; *vms is malloc()ed. */
int vmctl_nl_list(struct vmctl_nl *nl, struct vmctl_vm_info **vms, size_t *n)
{
	struct list_arg l = { 0 };
	struct nl_msg *msg;
	int r;

	msg = nl_request(nl, MINIVMM_CMD_GET_VM, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	r = nl_transact(nl, msg, parse_vm, &l);
	if (r) {
		free(l.vms);
		return r;
	}
	*vms = l.vms;
	*n = l.n;
	return 0;
}

static int parse_stats(struct nlattr **tb,
		       struct nlmsghdr *nlh __attribute__((unused)), void *arg)
{
	struct nlattr *st[MINIVMM_A_STATS_MAX + 1];
	struct vmctl_stats *s = arg;
	struct nlattr *a;
	int rem;

	if (!tb[MINIVMM_A_VM_STATS] ||
	    nla_parse_nested(st, MINIVMM_A_STATS_MAX, tb[MINIVMM_A_VM_STATS],
			     stats_policy) < 0)
		return -EPROTO;
	memset(s, 0, sizeof(*s));
	s->exits = GET_U64(st, MINIVMM_A_STATS_EXITS);
	s->exits_to_user = GET_U64(st, MINIVMM_A_STATS_EXITS_TO_USER);
	s->halts = GET_U64(st, MINIVMM_A_STATS_HALTS);
	s->injected = GET_U64(st, MINIVMM_A_STATS_INJECTED);
	s->guest_ns = GET_U64(st, MINIVMM_A_STATS_GUEST_NS);
	s->host_ns = GET_U64(st, MINIVMM_A_STATS_HOST_NS);

	/* Both nests hold u64 counters; anything else is a broken reply. */
	if (st[MINIVMM_A_STATS_EXIT_KINDS])
		nla_for_each_nested(a, st[MINIVMM_A_STATS_EXIT_KINDS], rem) {
			if (nla_type(a) == MINIVMM_A_EXIT_KIND_PAD)
				continue;
			if (nla_len(a) != sizeof(uint64_t))
				return -EPROTO;
			if (nla_type(a) <= MINIVMM_A_EXIT_KIND_MAX)
				s->kind[nla_type(a)] = nla_get_u64(a);
		}
	if (st[MINIVMM_A_STATS_LATENCY])
		nla_for_each_nested(a, st[MINIVMM_A_STATS_LATENCY], rem) {
			if (!nla_type(a))
				continue;
			if (nla_len(a) != sizeof(uint64_t))
				return -EPROTO;
			if (nla_type(a) <= MINIVMM_LATENCY_BUCKETS)
				s->latency[nla_type(a) - 1] = nla_get_u64(a);
		}
	return 0;
}

/* One VM's counters, or one vCPU's when @vcpu >= 0. */
int vmctl_nl_stats(struct vmctl_nl *nl, uint32_t vm, int vcpu,
		   struct vmctl_stats *st)
{
	struct nl_msg *msg;

	msg = nl_request(nl, MINIVMM_CMD_GET_STATS, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, MINIVMM_A_VM_ID, vm) < 0 ||
	    (vcpu >= 0 && nla_put_u32(msg, MINIVMM_A_VM_VCPU_ID, vcpu) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return nl_transact(nl, msg, parse_stats, st);
}

/*
 * Join the events group.  Straight setsockopt() rather than
 * nl_socket_add_membership(), to keep the kernel's errno (EPERM without
 * CAP_NET_ADMIN).
 */
int vmctl_nl_subscribe(struct vmctl_nl *nl)
{
	int grp;

	grp = genl_ctrl_resolve_grp(nl->sk, MINIVMM_GENL_NAME,
				    MINIVMM_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return nlerr_to_errno(grp);
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	/* Notifications carry no sequence number of ours. */
	nl_socket_disable_seq_check(nl->sk);
	return 0;
}

struct event_arg {
	int (*fn)(const struct vmctl_event *ev, void *arg);
	void *arg;
	int family;
	int r;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[MINIVMM_A_VM_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct event_arg *ea = arg;
	struct vmctl_event ev = { 0 };

	/* Another family's message could only come from a bug: skip it. */
	if (nlh->nlmsg_type != ea->family ||
	    genlmsg_parse(nlh, 0, tb, MINIVMM_A_VM_MAX, vm_policy) < 0 ||
	    !tb[MINIVMM_A_VM_ID])
		return NL_SKIP;
	ev.cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	ev.vm = GET_U32(tb, MINIVMM_A_VM_ID);
	ev.pid = GET_U32(tb, MINIVMM_A_VM_PID);
	ev.uid = GET_U32(tb, MINIVMM_A_VM_UID);
	if (tb[MINIVMM_A_VM_VCPU_ID]) {
		ev.vcpu = nla_get_u32(tb[MINIVMM_A_VM_VCPU_ID]);
		ev.has_vcpu = true;
	}
	if (tb[MINIVMM_A_VM_HW_REASON]) {
		ev.hw_reason = nla_get_u64(tb[MINIVMM_A_VM_HW_REASON]);
		ev.has_hw_reason = true;
	}
	if (tb[MINIVMM_A_VM_SUBERROR]) {
		ev.suberror = nla_get_u32(tb[MINIVMM_A_VM_SUBERROR]);
		ev.has_suberror = true;
	}
	ea->r = ea->fn(&ev, ea->arg);
	return ea->r ? NL_STOP : NL_OK;
}

/*
 * Wait for the next batch of events and hand each to @fn; a non-zero
 * return from @fn stops and is returned.  -EINTR when a signal came.
 */
int vmctl_nl_next_event(struct vmctl_nl *nl,
			int (*fn)(const struct vmctl_event *ev, void *arg),
			void *arg)
{
	struct event_arg ea = { .fn = fn, .arg = arg, .family = nl->family };
	struct nl_cb *cb;
	int r;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &ea);
	r = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (ea.r)
		return ea.r;
	/* libnl retries EINTR itself; NLE_INTR is what is left of it. */
	return r < 0 ? nlerr_to_errno(r) : 0;
}
