// SPDX-License-Identifier: GPL-2.0
/*
 * The minivmm generic netlink family (Documentation/netlink.rst): a VM
 * shows up in the list with its owner, vCPUs and memory; events come in
 * order with each VM's own id; another user sees neither our VMs nor our
 * events; malformed requests are refused with an extended ack and leave
 * the family working; 'vmctl list --json' prints valid JSON with the
 * documented fields; and with a guest running (guests/counters.S), the
 * counters show at least its exits, exits to userspace exactly as many
 * as the VMM saw, and a triple fault's event comes between the VM's
 * created and destroyed events.
 *
 * The tests speak raw netlink (netlink_util.h, no libnl) so that they can
 * send what no library would: unknown attributes, wrong sizes, broken
 * lengths.
 */
#include "kselftest_harness.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "minivmm_util.h"
#include "guest.h"
#include "json_check.h"
#include "netlink_util.h"

/* Listed with this process as owner, root's uid, one vCPU, the slot's size. */
TEST_F(nl, list_shows_vm)
{
	struct vm_list *l = calloc(1, sizeof(*l));
	const struct vm_info *v;
	void *mem;
	int vm, vcpu;
	uint64_t exits;

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	ASSERT_EQ(NULL, find_pid(l, getpid()));

	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	v = find_pid(l, getpid());
	ASSERT_NE(NULL, v) TH_LOG("our VM is not in the list of %d", l->n);
	EXPECT_LT(0, v->id);
	EXPECT_EQ(getuid(), v->uid);
	EXPECT_EQ(1, v->nr_vcpus);
	EXPECT_EQ(1, v->nr_vcpu_nests);
	EXPECT_EQ(0, v->vcpu_id);
	EXPECT_EQ(MINIVMM_VCPU_STATE_CREATED, v->vcpu_state);
	EXPECT_EQ(VM_MEM, v->mem_bytes);
	EXPECT_EQ(MINIVMM_VM_STATE_IDLE, v->state);
	EXPECT_LT(0, v->created_ns);

	/* Counters exist and are zero before the first RUN. */
	EXPECT_EQ(0, nl_stats(&self->nl, v->id, &exits)) TH_LOG("%s", self->nl.errmsg);
	EXPECT_EQ(0, exits);

	/* Gone from the list once its fds are closed. */
	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	EXPECT_EQ(NULL, find_pid(l, getpid()));
	free(l);
}

/*
 * created(A) created(B) destroyed(A) destroyed(B), each with its own id,
 * and the ids are the ones the list shows.
 */
TEST_F(nl, events_in_order)
{
	struct vm_list *l = calloc(1, sizeof(*l));
	struct event ev;
	uint32_t id_a, id_b;
	void *mem_a, *mem_b;
	int a, b, va, vb, r;

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, nl_subscribe(&self->nl));

	a = make_vm(_metadata, self->sys, &mem_a, &va);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, nl_next_event(&self->nl, &ev, 5000));
	EXPECT_EQ(MINIVMM_CMD_VM_CREATED, ev.cmd);
	id_a = ev.vm;

	b = make_vm(_metadata, self->sys, &mem_b, &vb);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, nl_next_event(&self->nl, &ev, 5000));
	EXPECT_EQ(MINIVMM_CMD_VM_CREATED, ev.cmd);
	id_b = ev.vm;
	EXPECT_NE(id_a, id_b);

	/*
	 * The ids in the events are the ones in the list (no event is
	 * pending now: a request on this socket would skip it).
	 */
	r = nl_list(&self->nl, l);
	ASSERT_EQ(0, r);
	for (r = 0; r < l->n && l->vm[r].id != id_a; r++)
		;
	EXPECT_LT(r, l->n) TH_LOG("VM %u of the event is not listed", id_a);

	/* A VM lives until its last fd: the vCPU fd keeps it. */
	close(a);
	EXPECT_EQ(-ETIMEDOUT, nl_next_event(&self->nl, &ev, 200));
	close(va);
	ASSERT_EQ(0, nl_next_event(&self->nl, &ev, 5000));
	EXPECT_EQ(MINIVMM_CMD_VM_DESTROYED, ev.cmd);
	EXPECT_EQ(id_a, ev.vm);

	close(vb);
	close(b);
	ASSERT_EQ(0, nl_next_event(&self->nl, &ev, 5000));
	EXPECT_EQ(MINIVMM_CMD_VM_DESTROYED, ev.cmd);
	EXPECT_EQ(id_b, ev.vm);
	munmap(mem_a, VM_MEM);
	munmap(mem_b, VM_MEM);
	free(l);
}

/*
 * Another user (nobody, no capabilities) sees none of root's VMs: not in
 * the list, not by id, no counters, no events; root still sees them.
 */
TEST_F(nl, other_user_cannot_see)
{
	struct vm_list *l = calloc(1, sizeof(*l));
	const struct vm_info *v;
	uint32_t id;
	void *mem;
	int vm, vcpu, status;
	pid_t child, parent = getpid();

	ASSERT_NE(NULL, l);
	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	v = find_pid(l, parent);
	ASSERT_NE(NULL, v);
	id = v->id;

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct nl nl;
		uint64_t exits;
		int r, bad = 0;

		close(self->nl.fd);
		/* Leaving uid 0 drops every capability (capabilities(7)). */
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		r = nl_open(&nl);
		if (r) {
			fprintf(stderr, "nobody: open: %s\n", strerror(-r));
			_exit(11);
		}
		if (nl_list(&nl, l) || find_pid(l, parent)) {
			fprintf(stderr, "nobody: root's VM is listed\n");
			bad |= 1;
		}
		r = nl_stats(&nl, id, &exits);
		if (r != -ENOENT || !nl.ext_ack) {
			fprintf(stderr, "nobody: stats of root's VM: %d (%s)\n",
				r, nl.errmsg);
			bad |= 2;
		}
		r = nl_subscribe(&nl);
		if (r != -EPERM) {
			fprintf(stderr, "nobody: joined events: %d\n", r);
			bad |= 4;
		}
		_exit(bad ? 20 + bad : 0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* Root still sees it. */
	ASSERT_EQ(0, nl_list(&self->nl, l));
	EXPECT_NE(NULL, find_pid(l, parent));
	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
	free(l);
}

/*
 * What the extended ack must hold: the core sends none for an unknown
 * command; everything the policies or the family refuse has one.
 */
enum { ACK_NONE, ACK_TLVS, ACK_MSG };

/* Send @nlh; expect -@err with an extended ack, then a working family. */
static void expect_refused(struct __test_metadata *_metadata, struct nl *nl,
			   struct nlmsghdr *nlh, int err, int ack,
			   const char *what)
{
	struct vm_list *l;
	int r;

	r = nl_send(nl, nlh);
	if (!r)
		r = nl_recv(nl, NULL, NULL);
	EXPECT_EQ(-err, r) TH_LOG("%s: %s (%s)", what, strerror(-r), nl->errmsg);
	if (ack >= ACK_TLVS)
		EXPECT_TRUE(nl->ext_ack) TH_LOG("%s: no extended ack", what);
	if (ack >= ACK_MSG)
		EXPECT_TRUE(nl->errmsg[0] || nl->bad_attr_offs)
			TH_LOG("%s: the ack names no message or attribute", what);
	TH_LOG("%s: %s: \"%s\" offset %u", what, strerror(-r), nl->errmsg,
	       nl->bad_attr_offs);

	l = calloc(1, sizeof(*l));
	EXPECT_EQ(0, nl_list(nl, l)) TH_LOG("%s: the family broke", what);
	free(l);
}

TEST_F(nl, malformed_refused)
{
	static char buf[NL_BUF + 4096] __attribute__((aligned(8)));
	struct nl *nl = &self->nl;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	uint64_t big = 1;
	uint16_t small = 1;
	uint32_t v;
	void *mem;
	int vm, vcpu;
	struct vm_list *l = calloc(1, sizeof(*l));
	const struct vm_info *info;

	ASSERT_NE(NULL, l);
	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, nl_list(nl, l));
	info = find_pid(l, getpid());
	ASSERT_NE(NULL, info);
	v = info->id;

#define REQ(cmd) nl_start(nl, buf, nl->family, 0, cmd, MINIVMM_GENL_VERSION)

	/* An attribute number the family does not have. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, v);
	nl_put_u32(nlh, MINIVMM_A_VM_MAX + 7, 0);
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "unknown attribute");

	/* A known attribute that is not a request attribute. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, v);
	nl_put_u32(nlh, MINIVMM_A_VM_PID, 1);
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "reply-only attribute");

	/* The id as a u64 and as a u16. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	nl_put(nlh, MINIVMM_A_VM_ID, &big, sizeof(big));
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "u64 id");
	nlh = REQ(MINIVMM_CMD_GET_VM);
	nl_put(nlh, MINIVMM_A_VM_ID, &small, sizeof(small));
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "u16 id");

	/* Oversized: 16 KiB where a u32 belongs. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	a = nl_put(nlh, MINIVMM_A_VM_ID, NULL, 0);
	memset((char *)a + NLA_HDRLEN, 0x41, 16384);
	a->nla_len = NLA_HDRLEN + 16384;
	nlh->nlmsg_len += 16384;
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "oversized id");

	/* An attribute whose length runs past the message. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	a = nl_put(nlh, MINIVMM_A_VM_ID, &v, sizeof(v));
	a->nla_len = 200;
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "truncated attribute");

	/* Nested where a u32 belongs. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	a = nl_put(nlh, MINIVMM_A_VM_ID | NLA_F_NESTED, &v, sizeof(v));
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "nested flag");

	/* Missing id, id 0, an id nobody has, a vCPU out of range. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_TLVS, "missing id");
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, 0);
	expect_refused(_metadata, nl, nlh, ERANGE, ACK_MSG, "id 0");
	nlh = REQ(MINIVMM_CMD_GET_VM);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, 0x7ffffff0);
	expect_refused(_metadata, nl, nlh, ENOENT, ACK_MSG, "no such VM");
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, v);
	nl_put_u32(nlh, MINIVMM_A_VM_VCPU_ID, 4096);
	expect_refused(_metadata, nl, nlh, ERANGE, ACK_MSG, "vCPU 4096");

	/* The reserved genetlink header field must be zero. */
	nlh = REQ(MINIVMM_CMD_GET_STATS);
	((struct genlmsghdr *)NLMSG_DATA(nlh))->reserved = 1;
	nl_put_u32(nlh, MINIVMM_A_VM_ID, v);
	expect_refused(_metadata, nl, nlh, EINVAL, ACK_MSG, "reserved field");

	/* Commands the family does not take: events, and a number past all. */
	nlh = REQ(MINIVMM_CMD_VM_CREATED);
	expect_refused(_metadata, nl, nlh, EOPNOTSUPP, ACK_NONE, "event as request");
	nlh = REQ(200);
	expect_refused(_metadata, nl, nlh, EOPNOTSUPP, ACK_NONE, "command 200");

#undef REQ
	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
	free(l);
}


/* The checker itself must tell good from bad, or the next test proves nothing. */
TEST(json_checker)
{
	static const char *const good[] = {
		"{}", "[]", "{\"a\":[1,2.5,-3e2,true,false,null,\"x\\n\\u00e9\"]}",
		" {\"vms\" : [ {\"id\":1} ] }\n",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "[01]", "{a:1}",
		"[\"\x01\"]", "[1 2]", "{\"a\":1}}", "[.5]", "[tru]",
	};
	struct json_seen s = { .nkeys = 0 };
	const char *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		end = json_value(good[i], &s, 0);
		EXPECT_TRUE(end && !*json_ws(end)) TH_LOG("refused: %s", good[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		end = json_value(bad[i], &s, 0);
		EXPECT_FALSE(end && !*json_ws(end)) TH_LOG("accepted: %s", bad[i]);
	}
}

/* vmctl: $VMCTL, else the rig's /usr/bin/vmctl, else the build tree's. */
static const char *vmctl_path(void)
{
	const char *p = getenv("VMCTL");

	if (p)
		return p;
	if (!access("/usr/bin/vmctl", X_OK))
		return "/usr/bin/vmctl";
	if (!access("../../userspace/vmctl/vmctl", X_OK))
		return "../../userspace/vmctl/vmctl";
	return NULL;
}

/* 'vmctl list --json' is valid JSON with the documented fields. */
TEST_F(nl, vmctl_list_json)
{
	static const char *const keys[] = {
		"vms", "id", "pid", "uid", "vcpus", "memory_bytes", "state",
		"created_ns", "vcpu", "tid", "cpu",
	};
	struct json_seen s = { .nkeys = ARRAY_SIZE(keys) };
	const char *vmctl = vmctl_path(), *end;
	char cmd[512], pidstr[32];
	static char out[65536];
	size_t n, i;
	void *mem;
	int vm, vcpu, status;
	FILE *f;

	if (!vmctl) {
		if (mvm_on_rig())
			ASSERT_NE(NULL, vmctl) TH_LOG("no vmctl on the rig");
		SKIP(return, "no vmctl binary (set VMCTL=path)");
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		s.keys[i] = keys[i];

	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);
	snprintf(cmd, sizeof(cmd), "%s list --json", vmctl);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	status = pclose(f);
	EXPECT_EQ(0, status) TH_LOG("%s: status %d", cmd, status);
	TH_LOG("%s", out);

	end = json_value(out, &s, 0);
	ASSERT_TRUE(end && !*json_ws(end)) TH_LOG("not JSON at offset %ld",
						   end ? (long)(end - out) : -1L);
	EXPECT_EQ('{', *json_ws(out));
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *key = keys[i] ?: "?";

		EXPECT_TRUE(s.seen[i]) TH_LOG("no \"%s\" field", key);
	}
	snprintf(pidstr, sizeof(pidstr), "\"pid\":%d,", getpid());
	EXPECT_NE(NULL, strstr(out, pidstr)) TH_LOG("our VM is not listed");
	EXPECT_NE(NULL, strstr(out, "\"memory_bytes\":2097152,"));

	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
}

/* Runs "vmctl ARGS" into @out; returns its wait status. */
static int run_vmctl(const char *vmctl, const char *args, char *out,
		     size_t size)
{
	char cmd[512];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s", vmctl, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	return pclose(f);
}

/* 'vmctl stats --json' and 'vmctl top --json' print valid JSON too. */
TEST_F(nl, vmctl_stats_top_json)
{
	static const char *const keys[] = {
		"vm", "exits", "exits_to_user", "halts", "injected", "guest_ns",
		"host_ns", "exits_by_reason", "latency_ns", "cpuid", "io",
		"vcpu_state",
	};
	struct json_seen s = { .nkeys = ARRAY_SIZE(keys) };
	const char *vmctl = vmctl_path(), *end;
	struct vm_list *l = calloc(1, sizeof(*l));
	const struct vm_info *v;
	static char out[65536];
	char args[64];
	size_t i;
	void *mem;
	int vm, vcpu, status;

	ASSERT_NE(NULL, l);
	if (!vmctl) {
		if (mvm_on_rig())
			ASSERT_NE(NULL, vmctl) TH_LOG("no vmctl on the rig");
		SKIP(return, "no vmctl binary (set VMCTL=path)");
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		s.keys[i] = keys[i];
	vm = make_vm(_metadata, self->sys, &mem, &vcpu);
	ASSERT_LE(0, vm);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	v = find_pid(l, getpid());
	ASSERT_NE(NULL, v);

	snprintf(args, sizeof(args), "stats --json --vcpu 0 %u", v->id);
	status = run_vmctl(vmctl, args, out, sizeof(out));
	EXPECT_EQ(0, status) TH_LOG("vmctl %s: status %d", args, status);
	TH_LOG("%s", out);
	end = json_value(out, &s, 0);
	EXPECT_TRUE(end && !*json_ws(end)) TH_LOG("stats: not JSON");
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *key = keys[i] ?: "?";

		EXPECT_TRUE(s.seen[i]) TH_LOG("no \"%s\" field", key);
	}

	/* Two refreshes: the second has rates. */
	status = run_vmctl(vmctl, "top --json --iterations 2 --delay 0.2", out,
			   sizeof(out));
	EXPECT_EQ(0, status) TH_LOG("vmctl top: status %d", status);
	TH_LOG("%s", out);
	end = json_value(out, &s, 0);
	EXPECT_TRUE(end && *json_ws(end) == '{') TH_LOG("top: not JSON lines");
	end = end ? json_value(end, &s, 0) : NULL;
	EXPECT_TRUE(end && !*json_ws(end)) TH_LOG("top: not two JSON lines");
	EXPECT_NE(NULL, strstr(out, "\"exits_per_sec\":0.000"));

	/* A VM that is not there: an error, not empty output. */
	status = run_vmctl(vmctl, "stats 2147483000 2>/dev/null", out,
			   sizeof(out));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1)
		TH_LOG("stats of no VM: status %d", status);

	close(vcpu);
	close(vm);
	munmap(mem, VM_MEM);
	free(l);
}

/* Tests that run a guest: skipped only when the module has no RUN. */
FIXTURE(nlg) {
	struct nl nl;
	struct nl ev;		/* events only: requests on @nl would drop them */
	struct guest g;
	uint32_t id;		/* the guest's VM */
};

FIXTURE_SETUP(nlg)
{
	struct vm_list *l;
	int i, r;

	r = nl_open(&self->nl);
	ASSERT_EQ(0, r) TH_LOG("the minivmm netlink family: %s", strerror(-r));
	r = nl_open(&self->ev);
	ASSERT_EQ(0, r);
	/* Before the VM exists, to see its VM_CREATED. */
	ASSERT_EQ(0, nl_subscribe(&self->ev));
	GUEST_OPEN(&self->g);

	/* Ours is the newest VM of this process (ids only grow here). */
	l = calloc(1, sizeof(*l));
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, nl_list(&self->nl, l));
	self->id = 0;
	for (i = 0; i < l->n; i++)
		if (l->vm[i].pid == (uint32_t)getpid() && l->vm[i].id > self->id)
			self->id = l->vm[i].id;
	free(l);
	ASSERT_NE(0, self->id);
}

FIXTURE_TEARDOWN(nlg)
{
	guest_close(&self->g);
	close(self->ev.fd);
	close(self->nl.fd);
}

struct guest_stats {
	uint64_t exits, to_user, halts, injected, io, cpuid;
};

static void guest_stats_cb(struct nlmsghdr *nlh, void *arg)
{
	struct guest_stats *gs = arg;
	struct nlattr *head, *st, *a, *k;
	int len, slen, klen;

	head = nl_attrs(nlh, &len);
	st = nla_find(head, len, MINIVMM_A_VM_STATS);
	if (!st)
		return;
	slen = st->nla_len - NLA_HDRLEN;
	nla_for_each(a, (struct nlattr *)((char *)st + NLA_HDRLEN), slen) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case MINIVMM_A_STATS_EXITS:
			gs->exits = nla_u64(a);
			break;
		case MINIVMM_A_STATS_EXITS_TO_USER:
			gs->to_user = nla_u64(a);
			break;
		case MINIVMM_A_STATS_HALTS:
			gs->halts = nla_u64(a);
			break;
		case MINIVMM_A_STATS_INJECTED:
			gs->injected = nla_u64(a);
			break;
		case MINIVMM_A_STATS_EXIT_KINDS:
			klen = a->nla_len - NLA_HDRLEN;
			nla_for_each(k, (struct nlattr *)((char *)a + NLA_HDRLEN), klen) {
				if (k->nla_type == MINIVMM_A_EXIT_KIND_IO)
					gs->io = nla_u64(k);
				if (k->nla_type == MINIVMM_A_EXIT_KIND_CPUID)
					gs->cpuid = nla_u64(k);
			}
			break;
		}
	}
}

/* MINIVMM_CMD_GET_STATS of VM @id (of its vCPU @vcpu if >= 0) into @gs. */
static int get_guest_stats(struct nl *nl, uint32_t id, int vcpu,
			   struct guest_stats *gs)
{
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	int r;

	nlh = nl_start(nl, buf, nl->family, 0, MINIVMM_CMD_GET_STATS,
		       MINIVMM_GENL_VERSION);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, id);
	if (vcpu >= 0)
		nl_put_u32(nlh, MINIVMM_A_VM_VCPU_ID, vcpu);
	r = nl_send(nl, nlh);
	return r ? r : nl_recv(nl, guest_stats_cb, gs);
}

/*
 * guests/counters.S: N OUTs, M CPUIDs, HLT.  Every OUT is an exit to the
 * VMM, every CPUID an exit handled in the kernel.
 */
TEST_F_TIMEOUT(nlg, counters_match_guest, 240)
{
	const uint32_t N = 50, M = 200;
	struct guest *g = &self->g;
	struct guest_stats gs = { 0 }, vcpu0 = { 0 };
	struct minivmm_regs regs;
	uint64_t runs = 0;
	uint32_t outs = 0;
	int r;

	GUEST_START(g, counters, GUEST_PROT32);
	GUEST_GET_REGS(g, &regs);
	regs.rcx = N;
	regs.rdx = M;
	GUEST_SET_REGS(g, &regs);

	for (;;) {
		r = guest_run(g);
		if (r == -EINTR)
			continue;	/* not an exit the VMM saw */
		ASSERT_EQ(0, r) TH_LOG("MINIVMM_RUN: %s", strerror(-r));
		runs++;
		if (g->run->exit_reason == MINIVMM_EXIT_HLT)
			break;
		ASSERT_EQ(MINIVMM_EXIT_IO, g->run->exit_reason) guest_dump(g);
		ASSERT_EQ(PORT_REPORT, g->run->io.port) guest_dump(g);
		ASSERT_EQ(N - outs, guest_io_data(g));
		outs++;
	}
	ASSERT_EQ(N, outs);

	ASSERT_EQ(0, get_guest_stats(&self->nl, self->id, -1, &gs))
		TH_LOG("GET_STATS: %s", self->nl.errmsg);
	TH_LOG("exits %llu, to user %llu (VMM saw %llu), io %llu, cpuid %llu, halts %llu",
	       (unsigned long long)gs.exits, (unsigned long long)gs.to_user,
	       (unsigned long long)runs, (unsigned long long)gs.io,
	       (unsigned long long)gs.cpuid, (unsigned long long)gs.halts);
	EXPECT_LE(N, gs.io);
	EXPECT_LE(M, gs.cpuid);
	EXPECT_EQ(1, gs.halts);
	EXPECT_EQ(runs, gs.to_user);
	EXPECT_LE(gs.io + gs.cpuid + gs.halts, gs.exits);

	/* The same through vCPU 0 alone: a VM of one vCPU. */
	ASSERT_EQ(0, get_guest_stats(&self->nl, self->id, 0, &vcpu0));
	EXPECT_EQ(gs.to_user, vcpu0.to_user);
	EXPECT_EQ(gs.cpuid, vcpu0.cpuid);
}

/*
 * guests/wbinvd.S: sixteen WBINVDs and a HLT.  Both vendors intercept
 * WBINVD and run it as a no-op, so the vCPU counts at least 17 exits; run
 * natively (VMX before WBINVD exiting was turned on) it counted the HLT,
 * the first-touch fault and the odd host interrupt.
 */
TEST_F_TIMEOUT(nlg, wbinvd_exits, 120)
{
	struct guest *g = &self->g;
	struct guest_stats gs = { 0 };

	GUEST_START(g, wbinvd, GUEST_PROT32);
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, get_guest_stats(&self->nl, self->id, -1, &gs))
		TH_LOG("GET_STATS: %s", self->nl.errmsg);
	EXPECT_LE(17, gs.exits) TH_LOG("WBINVD did not exit: %llu exits",
				       (unsigned long long)gs.exits);
}

/*
 * guests/msr.S with an MSR nobody has: its WRMSR and RDMSR each get a #GP,
 * which the guest's handler reports: exactly two injected exceptions.
 */
TEST_F_TIMEOUT(nlg, injected_exceptions, 120)
{
	char buf[64] __attribute__((aligned(4)));
	struct guest *g = &self->g;
	struct guest_stats gs = { 0 };
	struct minivmm_regs regs;
	struct nlmsghdr *nlh;
	int reports = 0;

	GUEST_START(g, msr, GUEST_LONG64);
	GUEST_GET_REGS(g, &regs);
	regs.rcx = 0xdeadbeef;		/* no CPU or hypervisor has it */
	GUEST_SET_REGS(g, &regs);
	for (;;) {
		ASSERT_EQ(0, guest_run(g));
		if (g->run->exit_reason == MINIVMM_EXIT_HLT)
			break;
		ASSERT_EQ(MINIVMM_EXIT_IO, g->run->exit_reason) guest_dump(g);
		ASSERT_EQ(PORT_EXCEPTION, g->run->io.port) guest_dump(g);
		ASSERT_GT(10, ++reports);
	}

	nlh = nl_start(&self->nl, buf, self->nl.family, 0,
		       MINIVMM_CMD_GET_STATS, MINIVMM_GENL_VERSION);
	nl_put_u32(nlh, MINIVMM_A_VM_ID, self->id);
	ASSERT_EQ(0, nl_send(&self->nl, nlh));
	ASSERT_EQ(0, nl_recv(&self->nl, guest_stats_cb, &gs));
	TH_LOG("%d exception reports, %llu injected", reports,
	       (unsigned long long)gs.injected);
	EXPECT_LT(0, reports);
	EXPECT_EQ(2, gs.injected);
}

/* The next event of VM @id, skipping other VMs' (the RUN probe's). */
static int next_event_of(struct nl *nl, uint32_t id, struct event *ev)
{
	int r;

	do
		r = nl_next_event(nl, ev, 5000);
	while (!r && ev->vm != id);
	return r;
}

/* created -> vcpu-shutdown -> destroyed, for this VM's id. */
TEST_F(nlg, events_shutdown)
{
	struct guest *g = &self->g;
	struct minivmm_sregs sregs;
	struct event ev;

	GUEST_START(g, triple_fault, GUEST_PROT32);
	GUEST_GET_SREGS(g, &sregs);
	sregs.idt.limit = 0;
	ASSERT_EQ(0, ioctl(g->vcpu, MINIVMM_SET_SREGS, &sregs))
		TH_LOG("MINIVMM_SET_SREGS: %s", strerror(errno));
	GUEST_RUN_EXPECT(g, MINIVMM_EXIT_SHUTDOWN);
	guest_close(g);

	ASSERT_EQ(0, next_event_of(&self->ev, self->id, &ev));
	EXPECT_EQ(MINIVMM_CMD_VM_CREATED, ev.cmd);
	ASSERT_EQ(0, next_event_of(&self->ev, self->id, &ev));
	EXPECT_EQ(MINIVMM_CMD_VCPU_SHUTDOWN, ev.cmd);
	ASSERT_EQ(0, next_event_of(&self->ev, self->id, &ev));
	EXPECT_EQ(MINIVMM_CMD_VM_DESTROYED, ev.cmd);
}

static void halted_nop(int sig)
{
	(void)sig;
}

static void *halted_run(void *arg)
{
	return (void *)(long)guest_run(arg);
}

/*
 * guests/hlt_cli.S in a VM with the irqchip: the vCPU sleeps in HLT inside
 * MINIVMM_RUN, and GET_VM says so (HALTED, not RUNNING); out of RUN it is
 * IDLE again.
 */
TEST(vcpu_state_halted)
{
	struct sigaction sa = { .sa_handler = halted_nop };
	struct vm_list *l = calloc(1, sizeof(*l));
	struct guest g = { 0 };
	const struct vm_info *v = NULL;
	struct nl nl;
	pthread_t t;
	void *ret;
	int i, r;

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, nl_open(&nl));
	r = guest_open_irqchip(&g);
	ASSERT_EQ(0, r) TH_LOG("guest_open_irqchip: %s", strerror(-r));
	ASSERT_EQ(0, guest_start(&g, GUEST_IMAGE(hlt_cli), GUEST_LONG64));
	ASSERT_EQ(0, pthread_create(&t, NULL, halted_run, &g));
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, nl_list(&nl, l));
		v = find_pid(l, getpid());
		ASSERT_NE(NULL, v);
		if (v->vcpu_state == MINIVMM_VCPU_STATE_HALTED)
			break;
		usleep(10000);
	}
	EXPECT_EQ(MINIVMM_VCPU_STATE_HALTED, v->vcpu_state);
	EXPECT_EQ(MINIVMM_VM_STATE_RUNNING, v->state);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, &ret);
	EXPECT_EQ(-EINTR, (long)ret);
	ASSERT_EQ(0, nl_list(&nl, l));
	v = find_pid(l, getpid());
	ASSERT_NE(NULL, v);
	EXPECT_EQ(MINIVMM_VCPU_STATE_IDLE, v->vcpu_state);
	guest_close(&g);
	close(nl.fd);
	free(l);
}

TEST_HARNESS_MAIN
