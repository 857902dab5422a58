// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "minivmm": a read-only, host-wide view of the
 * VMs in the registry (registry.c), their counters, and their events.
 *
 * The protocol is described once, in Documentation/netlink/minivmm.yaml,
 * and explained in Documentation/netlink.rst; uapi/linux/minivmm.h mirrors
 * its enums.  tools/netlink-spec-check.sh checks that this file registers
 * the spec's operations and groups with its flags, policies and types.
 * Nothing here changes a VM: the family only reads.
 *
 * Who sees what: a VM is visible to the user (effective uid) that created
 * it, when both the sender and the process that opened the socket run as
 * that user (a socket opened by someone else, then handed over, does not
 * show it), and to holders of CAP_NET_ADMIN (checked with
 * netlink_capable(), so both the socket's opener and the sender need it).
 * Process and thread ids are given as the reader's pid namespace numbers
 * them (0: not in it); events, which have no one reader, use the initial
 * namespace's.  A VM the caller may
 * not see answers -ENOENT, the same as one that does not exist, so ids do
 * not leak who runs what.  The "events" group carries every VM's events,
 * so joining it needs CAP_NET_ADMIN (GENL_MCAST_CAP_NET_ADMIN; the spec's
 * admin-perm on the group).
 *
 * Validation is the strict kind: resv_start_op is 0, so every command has
 * a policy, the core rejects unknown attributes, wrong lengths and a
 * non-zero reserved header field, and reports the offending attribute in
 * the extended ack; the family adds messages of its own for missing or
 * out-of-range ids.
 *
 * The counters are read here with READ_ONCE() while the vCPU thread may be
 * writing them (struct mvm_vcpu_stats): a reply can be one exit behind,
 * and nothing on the exit path waits for a reader.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "minivmm.h"

static struct genl_family mvm_nl_family;

enum {
	MVM_NL_MCGRP_EVENTS,
};

static const struct genl_multicast_group mvm_nl_mcgrps[] = {
	[MVM_NL_MCGRP_EVENTS] = {
		.name = MINIVMM_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* VM ids start at 1; vCPU ids are checked against the VM's own limit. */
static const struct nla_policy mvm_nl_get_vm_policy[MINIVMM_A_VM_ID + 1] = {
	[MINIVMM_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy mvm_nl_get_stats_policy[MINIVMM_A_VM_VCPU_ID + 1] = {
	[MINIVMM_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[MINIVMM_A_VM_VCPU_ID] = NLA_POLICY_MAX(NLA_U32, MVM_MAX_VCPUS - 1),
};

/* uapi attribute for each enum mvm_exit_kind */
static const u16 mvm_nl_exit_kind_attr[MVM_EXIT_KIND_NR] = {
	[MVM_EXIT_KIND_IO]		= MINIVMM_A_EXIT_KIND_IO,
	[MVM_EXIT_KIND_MMIO]		= MINIVMM_A_EXIT_KIND_MMIO,
	[MVM_EXIT_KIND_NPF]		= MINIVMM_A_EXIT_KIND_NPF,
	[MVM_EXIT_KIND_CPUID]		= MINIVMM_A_EXIT_KIND_CPUID,
	[MVM_EXIT_KIND_MSR]		= MINIVMM_A_EXIT_KIND_MSR,
	[MVM_EXIT_KIND_HLT]		= MINIVMM_A_EXIT_KIND_HLT,
	[MVM_EXIT_KIND_SHUTDOWN]	= MINIVMM_A_EXIT_KIND_SHUTDOWN,
	[MVM_EXIT_KIND_FAIL_ENTRY]	= MINIVMM_A_EXIT_KIND_FAIL_ENTRY,
	[MVM_EXIT_KIND_INTERNAL]	= MINIVMM_A_EXIT_KIND_INTERNAL,
	[MVM_EXIT_KIND_OTHER]		= MINIVMM_A_EXIT_KIND_OTHER,
};

/*
 * The credentials of whoever opened the socket @skb came from, as
 * netlink_ns_capable() finds them; NULL for a kernel socket.
 */
static const struct cred *mvm_nl_opener_cred(struct sk_buff *skb)
{
	const struct socket *sock = NETLINK_CB(skb).sk->sk_socket;

	return sock && sock->file ? sock->file->f_cred : NULL;
}

static bool mvm_nl_visible(struct sk_buff *skb, const struct mvm_vm *vm)
{
	const struct cred *opener = mvm_nl_opener_cred(skb);

	if (netlink_capable(skb, CAP_NET_ADMIN))
		return true;
	return opener && uid_eq(vm->owner_uid, current_euid()) &&
	       uid_eq(vm->owner_uid, opener->euid);
}

/*
 * Thread @tid of the initial pid namespace as the reader's namespace
 * numbers it; 0 if it is gone or not in that namespace.
 */
static u32 mvm_nl_tid(pid_t tid)
{
	pid_t nr;

	if (!tid)
		return 0;
	rcu_read_lock();
	nr = pid_nr_ns(find_pid_ns(tid, &init_pid_ns),
		       task_active_pid_ns(current));
	rcu_read_unlock();
	return nr;
}

/* A vCPU of @vm, or NULL.  vCPUs live as long as their VM. */
static struct mvm_vcpu *mvm_nl_vcpu(struct mvm_vm *vm, unsigned int i)
{
	return i < MVM_MAX_VCPUS ? READ_ONCE(vm->vcpus[i]) : NULL;
}

static u32 mvm_nl_vcpu_state(struct mvm_vcpu *vcpu)
{
	if (READ_ONCE(vcpu->in_run))
		return READ_ONCE(vcpu->halted) ? MINIVMM_VCPU_STATE_HALTED :
						 MINIVMM_VCPU_STATE_RUNNING;
	if (!READ_ONCE(vcpu->run_tid))
		return MINIVMM_VCPU_STATE_CREATED;
	return MINIVMM_VCPU_STATE_IDLE;
}

static int mvm_nl_put_vcpu(struct sk_buff *skb, struct mvm_vcpu *vcpu)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, MINIVMM_A_VM_VCPU);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MINIVMM_A_VCPU_ID, vcpu->id) ||
	    nla_put_u32(skb, MINIVMM_A_VCPU_TID,
			mvm_nl_tid(READ_ONCE(vcpu->run_tid))) ||
	    nla_put_u32(skb, MINIVMM_A_VCPU_STATE, mvm_nl_vcpu_state(vcpu)))
		goto err_cancel;
	/* run_cpu is meaningful once the vCPU has entered the guest. */
	if (READ_ONCE(vcpu->stats.exits) &&
	    nla_put_u32(skb, MINIVMM_A_VCPU_CPU, READ_ONCE(vcpu->run_cpu)))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * One MINIVMM_CMD_GET_VM message.  Caller holds the registry lock, so this
 * takes none of the VM's locks: a VM whose slots_lock is stuck behind a
 * fault that never ends must not stop every netlink reader and every VM
 * creation on the host.  The memory size is the counter memslot.c keeps.
 */
static int mvm_nl_fill_vm(struct sk_buff *skb, struct mvm_vm *vm, u32 portid,
			  u32 seq, int flags)
{
	u32 nr_vcpus = 0, state = MINIVMM_VM_STATE_IDLE;
	struct mvm_vcpu *vcpu;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &mvm_nl_family, flags,
			  MINIVMM_CMD_GET_VM);
	if (!hdr)
		return -EMSGSIZE;

	for (i = 0; i < MVM_MAX_VCPUS; i++) {
		vcpu = mvm_nl_vcpu(vm, i);
		if (!vcpu)
			continue;
		nr_vcpus++;
		if (READ_ONCE(vcpu->in_run))
			state = MINIVMM_VM_STATE_RUNNING;
	}
	if (READ_ONCE(vm->dead))
		state = MINIVMM_VM_STATE_DEAD;

	if (nla_put_u32(skb, MINIVMM_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, MINIVMM_A_VM_PID,
			pid_nr_ns(vm->owner_pid, task_active_pid_ns(current))) ||
	    nla_put_u32(skb, MINIVMM_A_VM_UID,
			from_kuid_munged(current_user_ns(), vm->owner_uid)) ||
	    nla_put_u32(skb, MINIVMM_A_VM_NR_VCPUS, nr_vcpus) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_VM_MEM_BYTES,
			      READ_ONCE(vm->mem_pages) << PAGE_SHIFT,
			      MINIVMM_A_VM_PAD) ||
	    nla_put_u32(skb, MINIVMM_A_VM_STATE, state) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_VM_CREATED_NS, vm->created_ns,
			      MINIVMM_A_VM_PAD))
		goto err_cancel;

	for (i = 0; i < MVM_MAX_VCPUS; i++) {
		vcpu = mvm_nl_vcpu(vm, i);
		if (vcpu && mvm_nl_put_vcpu(skb, vcpu))
			goto err_cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The VM named by a request's MINIVMM_A_VM_ID, if the caller may see it. */
static struct mvm_vm *mvm_nl_find_vm(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *attr = info->attrs[MINIVMM_A_VM_ID];
	struct mvm_vm *vm;

	vm = mvm_registry_find(nla_get_u32(attr));
	if (!vm || !mvm_nl_visible(skb, vm)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such VM");
		return NULL;
	}
	return vm;
}

static int mvm_nl_get_vm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct mvm_vm *vm;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, MINIVMM_A_VM_ID))
		return -EINVAL;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mvm_registry_lock();
	vm = mvm_nl_find_vm(skb, info);
	r = vm ? mvm_nl_fill_vm(msg, vm, info->snd_portid, info->snd_seq, 0) :
		 -ENOENT;
	mvm_registry_unlock();
	if (r) {
		nlmsg_free(msg);
		return r;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Every visible VM, in id order.  cb->args[0] is the id to resume from when
 * the reply takes more than one skb.
 */
static int mvm_nl_get_vm_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	unsigned long id = cb->args[0] ?: 1;
	struct mvm_vm *vm;
	int r = 0;

	mvm_registry_lock();
	for (vm = mvm_registry_next(&id); vm; id++, vm = mvm_registry_next(&id)) {
		if (!mvm_nl_visible(cb->skb, vm))
			continue;
		r = mvm_nl_fill_vm(skb, vm, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (r)
			break;
	}
	mvm_registry_unlock();
	cb->args[0] = id;

	/* A VM too large for an empty skb is an error, not the end. */
	if (r && !skb->len)
		return r;
	return skb->len;
}

struct mvm_nl_stats {
	u64 exits, exits_to_user, injected, guest_ns, host_ns;
	u64 by_kind[MVM_EXIT_KIND_NR];
	u64 latency[MVM_LATENCY_BUCKETS];
};

/* Add @vcpu's counters to @s, one READ_ONCE() per counter. */
static void mvm_nl_add_stats(struct mvm_nl_stats *s, struct mvm_vcpu *vcpu)
{
	const struct mvm_vcpu_stats *v = &vcpu->stats;
	int i;

	s->exits += READ_ONCE(v->exits);
	s->exits_to_user += READ_ONCE(v->exits_to_user);
	s->injected += READ_ONCE(v->injected);
	s->guest_ns += READ_ONCE(v->guest_ns);
	s->host_ns += READ_ONCE(v->host_ns);
	for (i = 0; i < MVM_EXIT_KIND_NR; i++)
		s->by_kind[i] += READ_ONCE(v->by_kind[i]);
	for (i = 0; i < MVM_LATENCY_BUCKETS; i++)
		s->latency[i] += READ_ONCE(v->latency[i]);
}

/*
 * Exits no handler counted under a kind (host interrupts, exceptions,
 * the backends' own exits) are "other": the total minus the kinds.  The
 * total is counted at entry and the kinds in the handlers, so a read in
 * between can see the total one ahead; never report less than was counted.
 */
static u64 mvm_nl_other_exits(const struct mvm_nl_stats *s)
{
	u64 counted = 0;
	int i;

	for (i = 0; i < MVM_EXIT_KIND_NR; i++)
		if (i != MVM_EXIT_KIND_OTHER)
			counted += s->by_kind[i];
	return max(s->by_kind[MVM_EXIT_KIND_OTHER],
		   s->exits > counted ? s->exits - counted : 0);
}

static int mvm_nl_put_stats(struct sk_buff *skb, const struct mvm_nl_stats *s)
{
	struct nlattr *stats, *nest;
	int i;

	stats = nla_nest_start(skb, MINIVMM_A_VM_STATS);
	if (!stats)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, MINIVMM_A_STATS_EXITS, s->exits,
			      MINIVMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_STATS_EXITS_TO_USER,
			      s->exits_to_user, MINIVMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_STATS_HALTS,
			      s->by_kind[MVM_EXIT_KIND_HLT],
			      MINIVMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_STATS_INJECTED, s->injected,
			      MINIVMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_STATS_GUEST_NS, s->guest_ns,
			      MINIVMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MINIVMM_A_STATS_HOST_NS, s->host_ns,
			      MINIVMM_A_STATS_PAD))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, MINIVMM_A_STATS_EXIT_KINDS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MVM_EXIT_KIND_NR; i++)
		if (nla_put_u64_64bit(skb, mvm_nl_exit_kind_attr[i],
				      i == MVM_EXIT_KIND_OTHER ?
				      mvm_nl_other_exits(s) : s->by_kind[i],
				      MINIVMM_A_EXIT_KIND_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	/* Attribute type 0 in this nest can only be padding. */
	nest = nla_nest_start(skb, MINIVMM_A_STATS_LATENCY);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MVM_LATENCY_BUCKETS; i++)
		if (nla_put_u64_64bit(skb, i + 1, s->latency[i], 0))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nla_nest_end(skb, stats);
	return 0;
}

/*
 * Counters of one vCPU (MINIVMM_A_VM_VCPU_ID given) or the sum over the
 * VM's vCPUs.
 */
static int mvm_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *vcpu_attr = info->attrs[MINIVMM_A_VM_VCPU_ID];
	struct mvm_nl_stats *s;
	struct mvm_vcpu *vcpu;
	struct sk_buff *msg;
	struct mvm_vm *vm;
	void *hdr;
	int i, r;

	if (GENL_REQ_ATTR_CHECK(info, MINIVMM_A_VM_ID))
		return -EINVAL;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	r = -ENOMEM;
	if (!s || !msg)
		goto err_free;

	mvm_registry_lock();
	vm = mvm_nl_find_vm(skb, info);
	r = -ENOENT;
	if (!vm)
		goto err_unlock;
	if (vcpu_attr) {
		vcpu = mvm_nl_vcpu(vm, nla_get_u32(vcpu_attr));
		if (!vcpu) {
			NL_SET_ERR_MSG_ATTR(info->extack, vcpu_attr,
					    "no such vCPU");
			goto err_unlock;
		}
		mvm_nl_add_stats(s, vcpu);
	} else {
		for (i = 0; i < MVM_MAX_VCPUS; i++) {
			vcpu = mvm_nl_vcpu(vm, i);
			if (vcpu)
				mvm_nl_add_stats(s, vcpu);
		}
	}
	r = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &mvm_nl_family, 0,
				MINIVMM_CMD_GET_STATS);
	if (!hdr ||
	    nla_put_u32(msg, MINIVMM_A_VM_ID, vm->id) ||
	    (vcpu_attr && nla_put_u32(msg, MINIVMM_A_VM_VCPU_ID,
				      nla_get_u32(vcpu_attr))) ||
	    mvm_nl_put_stats(msg, s))
		goto err_unlock;
	mvm_registry_unlock();
	genlmsg_end(msg, hdr);
	kfree(s);
	return genlmsg_reply(msg, info);

err_unlock:
	mvm_registry_unlock();
err_free:
	nlmsg_free(msg);
	kfree(s);
	return r;
}

static const struct genl_ops mvm_nl_ops[] = {
	{
		.cmd		= MINIVMM_CMD_GET_VM,
		.doit		= mvm_nl_get_vm_doit,
		.dumpit		= mvm_nl_get_vm_dumpit,
		.policy		= mvm_nl_get_vm_policy,
		.maxattr	= ARRAY_SIZE(mvm_nl_get_vm_policy) - 1,
	},
	{
		.cmd		= MINIVMM_CMD_GET_STATS,
		.doit		= mvm_nl_get_stats_doit,
		.policy		= mvm_nl_get_stats_policy,
		.maxattr	= ARRAY_SIZE(mvm_nl_get_stats_policy) - 1,
	},
};

static struct genl_family mvm_nl_family = {
	.name		= MINIVMM_GENL_NAME,
	.version	= MINIVMM_GENL_VERSION,
	.module		= THIS_MODULE,
	.ops		= mvm_nl_ops,
	.n_ops		= ARRAY_SIZE(mvm_nl_ops),
	.mcgrps		= mvm_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mvm_nl_mcgrps),
	.resv_start_op	= 0,	/* strict validation for every command */
	.parallel_ops	= true,	/* the registry lock is all it needs */
};

/*
 * Start an event message for @vm.  NULL when nobody listens (the common
 * case, one cheap check) or on allocation failure: events are best effort,
 * and a lost one is never a reason to fail the VM.
 */
static struct sk_buff *mvm_nl_event_start(const struct mvm_vm *vm, u8 cmd,
					  void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&mvm_nl_family, &init_net, MVM_NL_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &mvm_nl_family, 0, cmd);
	if (!*hdr ||
	    nla_put_u32(msg, MINIVMM_A_VM_ID, vm->id) ||
	    nla_put_u32(msg, MINIVMM_A_VM_PID, pid_nr(vm->owner_pid)) ||
	    nla_put_u32(msg, MINIVMM_A_VM_UID,
			from_kuid_munged(&init_user_ns, vm->owner_uid))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void mvm_nl_event_send(struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mvm_nl_family, msg, 0, MVM_NL_MCGRP_EVENTS,
			  GFP_KERNEL);
}

/* MINIVMM_CMD_VM_CREATED or _DESTROYED, from vm.c. */
void mvm_nl_vm_event(const struct mvm_vm *vm, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	msg = mvm_nl_event_start(vm, cmd, &hdr);
	if (msg)
		mvm_nl_event_send(msg, hdr);
}

/*
 * A vCPU event (shutdown, entry failure, internal error), from the exit
 * handlers in vcpu.c: process context, vCPU loaded, so it may sleep.
 */
void mvm_nl_vcpu_event(struct mvm_vcpu *vcpu, u8 cmd, u64 hw_reason,
		       u32 suberror)
{
	struct sk_buff *msg;
	void *hdr;

	msg = mvm_nl_event_start(vcpu->vm, cmd, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, MINIVMM_A_VM_VCPU_ID, vcpu->id) ||
	    (cmd != MINIVMM_CMD_VCPU_SHUTDOWN &&
	     nla_put_u64_64bit(msg, MINIVMM_A_VM_HW_REASON, hw_reason,
			       MINIVMM_A_VM_PAD)) ||
	    (cmd == MINIVMM_CMD_VCPU_INTERNAL_ERROR &&
	     nla_put_u32(msg, MINIVMM_A_VM_SUBERROR, suberror))) {
		nlmsg_free(msg);
		return;
	}
	mvm_nl_event_send(msg, hdr);
}

int mvm_nl_init(void)
{
	return genl_register_family(&mvm_nl_family);
}

void mvm_nl_exit(void)
{
	genl_unregister_family(&mvm_nl_family);
}
