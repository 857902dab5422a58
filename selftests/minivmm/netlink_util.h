/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw generic netlink client for netlink_test.c: enough to talk to the
 * minivmm family (Documentation/netlink.rst) and to send what no library
 * would (unknown attributes, wrong sizes, broken lengths).  Functions
 * return 0 or -errno and never assert.  Include after minivmm_util.h.
 */
#ifndef MINIVMM_NETLINK_UTIL_H
#define MINIVMM_NETLINK_UTIL_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define NL_BUF		32768

struct nl {
	int fd;
	uint16_t family;
	uint32_t events_grp;
	uint32_t seq;
	/* the last error's extended ack */
	char errmsg[128];
	bool ext_ack;		/* NLM_F_ACK_TLVS was set */
	uint32_t bad_attr_offs;	/* NLMSGERR_ATTR_OFFS, 0 if none */
};

/* Attribute building, into a message being assembled in a buffer. */
static inline void *nl_put(struct nlmsghdr *nlh, uint16_t type,
			   const void *data, size_t len)
{
	struct nlattr *a = (void *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static inline void nl_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	nl_put(nlh, type, &v, sizeof(v));
}

static inline struct nlmsghdr *nl_start(struct nl *nl, void *buf,
					uint16_t type, uint16_t flags,
					uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = buf;
	struct genlmsghdr *g;

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static inline int nl_send(struct nl *nl, struct nlmsghdr *nlh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(nl->fd, nlh, nlh->nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static inline struct nlattr *nl_attrs(struct nlmsghdr *nlh, int *len)
{
	*len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return (void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
}

#define nla_for_each(a, head, len)					\
	for (a = head; (len) >= (int)NLA_HDRLEN &&			\
	     a->nla_len >= NLA_HDRLEN && a->nla_len <= (len);		\
	     (len) -= NLA_ALIGN(a->nla_len),				\
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))

static inline struct nlattr *nla_find(struct nlattr *head, int len,
				      uint16_t type)
{
	struct nlattr *a;

	nla_for_each(a, head, len)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

static inline uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

static inline uint64_t nla_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, (char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/* An error message: errno, and the extended ack's message and offset. */
static inline int nl_parse_err(struct nl *nl, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *a, *head;
	int len, off;

	nl->errmsg[0] = '\0';
	nl->bad_attr_offs = 0;
	nl->ext_ack = nlh->nlmsg_flags & NLM_F_ACK_TLVS;
	if (!nl->ext_ack)
		return e->error;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	len = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	head = (void *)((char *)e + off);
	a = nla_find(head, len, NLMSGERR_ATTR_MSG);
	if (a)
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%.*s",
			 (int)(a->nla_len - NLA_HDRLEN), (char *)a + NLA_HDRLEN);
	a = nla_find(head, len, NLMSGERR_ATTR_OFFS);
	if (a)
		nl->bad_attr_offs = nla_u32(a);
	return e->error;
}

/*
 * Receive replies to the last request until its ack or the end of a dump,
 * calling @fn for each data message.  Returns 0 or the kernel's -errno.
 */
static inline int nl_recv(struct nl *nl,
			  void (*fn)(struct nlmsghdr *, void *), void *arg)
{
	static char buf[NL_BUF];
	struct nlmsghdr *nlh;
	ssize_t n;

	for (;;) {
		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return nl_parse_err(nl, nlh);
			if (fn)
				fn(nlh, arg);
		}
	}
}

static inline void nl_family_cb(struct nlmsghdr *nlh, void *arg)
{
	struct nl *nl = arg;
	struct nlattr *head, *a, *grp, *g;
	int len, glen, len2;

	head = nl_attrs(nlh, &len);
	a = nla_find(head, len, CTRL_ATTR_FAMILY_ID);
	if (a)
		nl->family = *(uint16_t *)((char *)a + NLA_HDRLEN);
	len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	grp = nla_find(head, len, CTRL_ATTR_MCAST_GROUPS);
	if (!grp)
		return;
	glen = grp->nla_len - NLA_HDRLEN;
	nla_for_each(g, (struct nlattr *)((char *)grp + NLA_HDRLEN), glen) {
		struct nlattr *in = (void *)((char *)g + NLA_HDRLEN);
		struct nlattr *name, *id;

		len2 = g->nla_len - NLA_HDRLEN;
		name = nla_find(in, len2, CTRL_ATTR_MCAST_GRP_NAME);
		id = nla_find(in, len2, CTRL_ATTR_MCAST_GRP_ID);
		if (name && id && !strcmp((char *)name + NLA_HDRLEN,
					  MINIVMM_GENL_MCGRP_EVENTS))
			nl->events_grp = nla_u32(id);
	}
}

/* A socket with extended acks, and the family's id and events group. */
static inline int nl_open(struct nl *nl)
{
	char buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	int one = 1, r;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = nl_start(nl, buf, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	nl_put(nlh, CTRL_ATTR_FAMILY_NAME, MINIVMM_GENL_NAME,
	       sizeof(MINIVMM_GENL_NAME));
	r = nl_send(nl, nlh);
	if (!r)
		r = nl_recv(nl, nl_family_cb, nl);
	if (!r && (!nl->family || !nl->events_grp))
		r = -ENOENT;
	if (r)
		close(nl->fd);
	return r;
}

/* What a GET_VM reply says about one VM. */
struct vm_info {
	uint32_t id, pid, uid, nr_vcpus, state, nr_vcpu_nests;
	uint64_t mem_bytes, created_ns;
	uint32_t vcpu_id, vcpu_state;
};

struct vm_list {
	struct vm_info vm[64];
	int n;
};

static inline void vm_list_cb(struct nlmsghdr *nlh, void *arg)
{
	struct vm_list *l = arg;
	struct vm_info *v;
	struct nlattr *head, *a;
	int len;

	if (l->n == (int)ARRAY_SIZE(l->vm))
		return;
	v = &l->vm[l->n++];
	memset(v, 0, sizeof(*v));
	head = nl_attrs(nlh, &len);
	nla_for_each(a, head, len) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case MINIVMM_A_VM_ID:
			v->id = nla_u32(a);
			break;
		case MINIVMM_A_VM_PID:
			v->pid = nla_u32(a);
			break;
		case MINIVMM_A_VM_UID:
			v->uid = nla_u32(a);
			break;
		case MINIVMM_A_VM_NR_VCPUS:
			v->nr_vcpus = nla_u32(a);
			break;
		case MINIVMM_A_VM_STATE:
			v->state = nla_u32(a);
			break;
		case MINIVMM_A_VM_MEM_BYTES:
			v->mem_bytes = nla_u64(a);
			break;
		case MINIVMM_A_VM_CREATED_NS:
			v->created_ns = nla_u64(a);
			break;
		case MINIVMM_A_VM_VCPU: {
			struct nlattr *in = (void *)((char *)a + NLA_HDRLEN);
			int ilen = a->nla_len - NLA_HDRLEN;
			struct nlattr *id = nla_find(in, ilen, MINIVMM_A_VCPU_ID);
			struct nlattr *st = nla_find(in, ilen, MINIVMM_A_VCPU_STATE);

			v->nr_vcpu_nests++;
			v->vcpu_id = id ? nla_u32(id) : ~0u;
			v->vcpu_state = st ? nla_u32(st) : 0;
			break;
		}
		}
	}
}

static inline int nl_list(struct nl *nl, struct vm_list *l)
{
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	int r;

	l->n = 0;
	nlh = nl_start(nl, buf, nl->family, NLM_F_DUMP, MINIVMM_CMD_GET_VM,
		       MINIVMM_GENL_VERSION);
	r = nl_send(nl, nlh);
	return r ?: nl_recv(nl, vm_list_cb, l);
}

static inline const struct vm_info *find_pid(const struct vm_list *l, pid_t pid)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->vm[i].pid == (uint32_t)pid)
			return &l->vm[i];
	return NULL;
}

/* GET_STATS for @vm; fills *exits when the reply has it. */
static inline void stats_cb(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *head, *st, *e;
	int len;

	head = nl_attrs(nlh, &len);
	st = nla_find(head, len, MINIVMM_A_VM_STATS);
	if (!st)
		return;
	e = nla_find((void *)((char *)st + NLA_HDRLEN), st->nla_len - NLA_HDRLEN,
		     MINIVMM_A_STATS_EXITS);
	if (e)
		*(uint64_t *)arg = nla_u64(e);
}

static inline int nl_stats(struct nl *nl, uint32_t vm, uint64_t *exits)
{
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	int r;

	*exits = ~0ull;
	nlh = nl_start(nl, buf, nl->family, 0, MINIVMM_CMD_GET_STATS,
		       MINIVMM_GENL_VERSION);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, vm);
	r = nl_send(nl, nlh);
	return r ?: nl_recv(nl, stats_cb, exits);
}

static inline int nl_subscribe(struct nl *nl)
{
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &nl->events_grp, sizeof(nl->events_grp)) < 0)
		return -errno;
	return 0;
}

struct event {
	uint8_t cmd;
	uint32_t vm, pid;
};

/* The next minivmm event, waiting at most @ms.  0, -ETIMEDOUT or -errno. */
static inline int nl_next_event(struct nl *nl, struct event *ev, int ms)
{
	static char buf[NL_BUF];
	struct pollfd p = { .fd = nl->fd, .events = POLLIN };
	struct nlmsghdr *nlh;
	struct nlattr *head, *a;
	ssize_t n;
	int len;

	for (;;) {
		if (poll(&p, 1, ms) <= 0)
			return -ETIMEDOUT;
		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		nlh = (void *)buf;
		if (!NLMSG_OK(nlh, n) || nlh->nlmsg_type != nl->family)
			continue;
		ev->cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
		head = nl_attrs(nlh, &len);
		a = nla_find(head, len, MINIVMM_A_VM_ID);
		ev->vm = a ? nla_u32(a) : 0;
		len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		a = nla_find(head, len, MINIVMM_A_VM_PID);
		ev->pid = a ? nla_u32(a) : 0;
		/* Only this test's VMs: nothing else should run, but be sure. */
		if (ev->pid == (uint32_t)getpid())
			return 0;
	}
}

#ifdef __KSELFTEST_HARNESS_H
/* For the test bodies of netlink_test and netlink_scope_test. */
#define VM_MEM		(2UL << 20)
#define NOBODY		65534

/* A VM with a 2 MiB slot and one vCPU; returns the VM fd. */
static int make_vm(struct __test_metadata *_metadata, int sys, void **mem,
		   int *vcpu)
{
	struct minivmm_userspace_memory_region r = { 0 };
	int vm;

	vm = mvm_create_vm(sys);
	EXPECT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	if (vm < 0)
		return vm;
	*mem = mmap(NULL, VM_MEM, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_NE(MAP_FAILED, *mem);
	r.memory_size = VM_MEM;
	r.userspace_addr = (uintptr_t)*mem;
	EXPECT_EQ(0, ioctl(vm, MINIVMM_SET_USER_MEMORY_REGION, &r))
		TH_LOG("SET_USER_MEMORY_REGION: %s", strerror(errno));
	*vcpu = mvm_ioctl(vm, MINIVMM_CREATE_VCPU, 0);
	EXPECT_LE(0, *vcpu) TH_LOG("CREATE_VCPU: %s", strerror(errno));
	return vm;
}

FIXTURE(nl) {
	int sys;
	struct nl nl;
};

FIXTURE_SETUP(nl)
{
	int r;

	self->sys = mvm_open_dev();
	ASSERT_LE(0, self->sys) TH_LOG("open %s: %s", MVM_DEV_PATH,
				       strerror(-self->sys));
	r = nl_open(&self->nl);
	ASSERT_EQ(0, r) TH_LOG("the minivmm netlink family: %s", strerror(-r));
}

FIXTURE_TEARDOWN(nl)
{
	close(self->nl.fd);
	close(self->sys);
}
#endif /* __KSELFTEST_HARNESS_H */

#endif /* MINIVMM_NETLINK_UTIL_H */
