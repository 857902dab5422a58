// SPDX-License-Identifier: GPL-2.0
/*
 * tests/accel_test.c: host-side tests of the two accelerators of "vmctl
 * run", printing TAP.
 *
 * No guest runs here (end-to-end runs on /dev/kvm and /dev/minivmm are
 * the emulators' job).  What is tested is everything around the ioctls:
 * --accel and --exit-stats, KVM's register structs to minivmm's and back,
 * the CPUID table a KVM guest gets, both run pages read into a struct
 * vm_exit, KVM's binary stats parsed from a fabricated file, and the vCPU
 * loop itself driven by a scripted accelerator, for the checks it makes
 * of every exit whichever accelerator sent it.
 *
 *	usage: accel_test PATH-TO-VMCTL
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

/* ---- the options ---- */

static int parse(struct run_opts *o, char *err, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = "run";
	va_start(ap, err);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return run_parse_args(argc, argv, o, err, 256);
}

static void test_parse(void)
{
	struct run_opts o;
	char err[256];

	check(!parse(&o, err, "k", NULL) && o.accel == RUN_ACCEL_MINIVMM &&
	      !o.exit_stats, "parse: minivmm and no exit stats by default");
	check(!parse(&o, err, "--accel", "kvm", "k", NULL) &&
	      o.accel == RUN_ACCEL_KVM, "parse: --accel kvm");
	check(!parse(&o, err, "--accel=kvm", "--accel=minivmm", "k", NULL) &&
	      o.accel == RUN_ACCEL_MINIVMM, "parse: the last --accel wins");
	check(!parse(&o, err, "--exit-stats", "--accel", "kvm", "k", NULL) &&
	      o.exit_stats && o.accel == RUN_ACCEL_KVM,
	      "parse: --exit-stats");
	check(parse(&o, err, "--accel", "qemu", "k", NULL) == -EINVAL &&
	      strstr(err, "--accel: 'qemu'") && strstr(err, "minivmm or kvm"),
	      "parse: --accel qemu is refused: %s", err);
	check(parse(&o, err, "--accel", "KVM", "k", NULL) == -EINVAL,
	      "parse: --accel is case-sensitive");
	check(parse(&o, err, "k", "--accel", NULL) == -EINVAL &&
	      strstr(err, "needs a value"), "parse: --accel without a value: %s",
	      err);
	check(parse(&o, err, "--exit-stats=1", "k", NULL) == -EINVAL,
	      "parse: --exit-stats takes no value");
}

/* ---- registers, both ways ---- */

static void fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7 + 1);
}

static void zero_mvm_padding(struct minivmm_sregs *s)
{
	struct minivmm_segment *segs[] = { &s->cs, &s->ds, &s->es, &s->fs,
					   &s->gs, &s->ss, &s->tr, &s->ldt };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		segs[i]->padding = 0;
	memset(s->gdt.padding, 0, sizeof(s->gdt.padding));
	memset(s->idt.padding, 0, sizeof(s->idt.padding));
}

static void zero_kvm_padding(struct kvm_sregs *s)
{
	struct kvm_segment *segs[] = { &s->cs, &s->ds, &s->es, &s->fs,
				       &s->gs, &s->ss, &s->tr, &s->ldt };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		segs[i]->padding = 0;
	memset(s->gdt.padding, 0, sizeof(s->gdt.padding));
	memset(s->idt.padding, 0, sizeof(s->idt.padding));
}

static void test_regs(void)
{
	struct minivmm_regs mr, mr2;
	struct minivmm_sregs ms, ms2;
	struct kvm_regs kr, kr2;
	struct kvm_sregs ks, ks2;

	fill(&mr, sizeof(mr), 3);
	memset(&kr, 0, sizeof(kr));
	kvm_regs_from_mvm(&kr, &mr);
	check(kr.rax == mr.rax && kr.r15 == mr.r15 && kr.rip == mr.rip &&
	      kr.rflags == mr.rflags && kr.rsp == mr.rsp && kr.r8 == mr.r8,
	      "regs: minivmm to KVM, by name");
	memset(&mr2, 0, sizeof(mr2));
	kvm_regs_to_mvm(&mr2, &kr);
	check(!memcmp(&mr, &mr2, sizeof(mr)), "regs: the round trip keeps every field");

	fill(&kr, sizeof(kr), 9);
	kvm_regs_to_mvm(&mr, &kr);
	kvm_regs_from_mvm(&kr2, &mr);
	check(!memcmp(&kr, &kr2, sizeof(kr)), "regs: KVM's round trip too");

	fill(&ms, sizeof(ms), 5);
	zero_mvm_padding(&ms);
	memset(&ks, 0xee, sizeof(ks));
	kvm_sregs_from_mvm(&ks, &ms);
	check(ks.cs.base == ms.cs.base && ks.cs.l == ms.cs.l &&
	      ks.ss.db == ms.ss.db && ks.tr.unusable == ms.tr.unusable &&
	      ks.ldt.selector == ms.ldt.selector && ks.fs.s == ms.fs.s &&
	      ks.gs.avl == ms.gs.avl && ks.es.g == ms.es.g &&
	      ks.ds.type == ms.ds.type && ks.ds.dpl == ms.ds.dpl &&
	      ks.ds.present == ms.ds.present && ks.ds.limit == ms.ds.limit,
	      "sregs: segments, minivmm to KVM, by name");
	check(ks.gdt.base == ms.gdt.base && ks.idt.limit == ms.idt.limit &&
	      ks.cr0 == ms.cr0 && ks.cr2 == ms.cr2 && ks.cr3 == ms.cr3 &&
	      ks.cr4 == ms.cr4 && ks.cr8 == ms.cr8 && ks.efer == ms.efer &&
	      ks.apic_base == ms.apic_base &&
	      ks.interrupt_bitmap[3] == ms.interrupt_bitmap[3],
	      "sregs: tables, control registers, EFER, APIC base, bitmap");
	check(!ks.cs.padding && !ks.ldt.padding && !ks.gdt.padding[0] &&
	      !ks.idt.padding[2], "sregs: KVM's padding is zeroed, not left");
	memset(&ms2, 0, sizeof(ms2));
	kvm_sregs_to_mvm(&ms2, &ks);
	check(!memcmp(&ms, &ms2, sizeof(ms)), "sregs: the round trip keeps every field");

	fill(&ks, sizeof(ks), 11);
	zero_kvm_padding(&ks);
	kvm_sregs_to_mvm(&ms, &ks);
	kvm_sregs_from_mvm(&ks2, &ms);
	check(!memcmp(&ks, &ks2, sizeof(ks)), "sregs: KVM's round trip too");

	/* A padding byte set on one side does not reach the other. */
	ms.cs.padding = 0x5a;
	kvm_sregs_from_mvm(&ks, &ms);
	check(!ks.cs.padding, "sregs: minivmm's padding does not reach KVM");
}

/* ---- KVM's CPUID ---- */

static struct kvm_cpuid_entry2 leaf(uint32_t fn, uint32_t idx, uint32_t eax,
				    uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	struct kvm_cpuid_entry2 e;

	memset(&e, 0, sizeof(e));
	e.function = fn;
	e.index = idx;
	e.eax = eax;
	e.ebx = ebx;
	e.ecx = ecx;
	e.edx = edx;
	return e;
}

#define NR_LEAVES	10

static struct kvm_cpuid2 *make_table(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
				      NR_LEAVES * sizeof(c->entries[0]));
	unsigned int n = 0;

	c->entries[n++] = leaf(0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	c->entries[n++] = leaf(1, 0, 0xa20f10, 0x800, 0x7ed8320b, 0x178bfbff);
	c->entries[n++] = leaf(6, 0, 0, 0, 1, 0);
	c->entries[n++] = leaf(7, 0, 0, 0x219c91a9, 0x40068c, 0x10);
	c->entries[n++] = leaf(0x40000000, 0, 0x40000001, 0x4b4d564b,
			       0x564b4d56, 0x4d);
	c->entries[n++] = leaf(0x40000001, 0, 0x1000cefb, 0, 0, 0);
	c->entries[n++] = leaf(0x400000ff, 0, 1, 2, 3, 4);
	c->entries[n++] = leaf(0x40000100, 0, 5, 6, 7, 8);
	c->entries[n++] = leaf(0x80000001, 0, 0xa20f10, 0, 0x75c237ff,
			       0x2fd3fbff);
	c->entries[n++] = leaf(0x3fffffff, 0, 9, 9, 9, 9);
	c->nent = n;
	return c;
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid2 *c,
					   uint32_t fn)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn)
			return &c->entries[i];
	return NULL;
}

static void test_cpuid(void)
{
	struct kvm_cpuid2 *orig = make_table(), *c = make_table();
	const struct kvm_cpuid_entry2 *e1, *e6;
	uint32_t i, j, fn;
	bool others = true, order = true;

	kvm_cpuid_filter(c, true);
	check(c->nent == NR_LEAVES - 3, "cpuid: three KVM leaves removed (%u left)",
	      c->nent);
	check(!find(c, 0x40000000) && !find(c, 0x40000001) &&
	      !find(c, 0x400000ff), "cpuid: no leaf in 0x40000000-0x400000ff");
	check(find(c, 0x40000100) && find(c, 0x3fffffff),
	      "cpuid: the leaves just outside the range stay");
	e1 = find(c, 1);
	e6 = find(c, 6);
	check(e1 && e1->ecx == (orig->entries[1].ecx | 1u << 24 | 1u << 31) &&
	      e1->eax == orig->entries[1].eax &&
	      e1->ebx == orig->entries[1].ebx &&
	      e1->edx == orig->entries[1].edx,
	      "cpuid: leaf 1 gets TSC-deadline and the hypervisor bit, no more");
	check(e6 && e6->eax == (orig->entries[2].eax | 1u << 2) &&
	      e6->ecx == orig->entries[2].ecx, "cpuid: leaf 6 gets ARAT, no more");
	/* Every other leaf is untouched and in its order. */
	for (i = 0, j = 0; i < orig->nent; i++) {
		fn = orig->entries[i].function;
		if (fn >= 0x40000000 && fn <= 0x400000ff)
			continue;
		if (j >= c->nent || c->entries[j].function != fn)
			order = false;
		else if (fn != 1 && fn != 6 &&
			 memcmp(&c->entries[j], &orig->entries[i],
				sizeof(orig->entries[i])))
			others = false;
		j++;
	}
	check(order && others, "cpuid: every other leaf unchanged, in order");

	free(c);
	c = make_table();
	kvm_cpuid_filter(c, false);
	e1 = find(c, 1);
	check(e1 && !(e1->ecx & 1u << 24) && (e1->ecx & 1u << 31),
	      "cpuid: no TSC-deadline bit without the capability");
	free(c);
	free(orig);
}

/* ---- both run pages as a struct vm_exit ---- */

static void test_exits(void)
{
	static struct kvm_run kr;
	static struct minivmm_run mr;
	struct vm_exit e;

	memset(&kr, 0, sizeof(kr));
	kr.exit_reason = KVM_EXIT_IO;
	kr.io.direction = KVM_EXIT_IO_OUT;
	kr.io.size = 2;
	kr.io.port = 0x3f8;
	kr.io.count = 3;
	kr.io.data_offset = 4096;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_IO && e.io.out && e.io.size == 2 &&
	      e.io.port == 0x3f8 && e.io.count == 3 &&
	      e.io.data_offset == 4096 && e.reason == KVM_EXIT_IO,
	      "kvm exit: I/O");
	kr.io.direction = KVM_EXIT_IO_IN;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_IO && !e.io.out, "kvm exit: I/O in");

	memset(&kr, 0, sizeof(kr));
	kr.exit_reason = KVM_EXIT_MMIO;
	kr.mmio.phys_addr = 0xfed00000;
	kr.mmio.len = 4;
	kr.mmio.is_write = 1;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_MMIO && e.mmio.addr == 0xfed00000 &&
	      e.mmio.len == 4 && e.mmio.write && e.mmio.data == kr.mmio.data,
	      "kvm exit: MMIO, its data in the run page");

	memset(&kr, 0, sizeof(kr));
	kr.exit_reason = KVM_EXIT_FAIL_ENTRY;
	kr.fail_entry.hardware_entry_failure_reason = 0x80000021;
	kr.fail_entry.cpu = 3;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_FAIL_ENTRY && e.fail_entry.reason == 0x80000021 &&
	      e.fail_entry.cpu == 3, "kvm exit: FAIL_ENTRY");

	memset(&kr, 0, sizeof(kr));
	kr.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	kr.internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	kr.internal.ndata = 2;
	kr.internal.data[0] = 0x11;
	kr.internal.data[15] = 0x22;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_INTERNAL_ERROR &&
	      e.internal.suberror == MINIVMM_INTERNAL_ERROR_EMULATION &&
	      e.internal.ndata == 2 && e.internal.data[0] == 0x11 &&
	      e.internal.data[15] == 0x22, "kvm exit: INTERNAL_ERROR");

	kr.exit_reason = KVM_EXIT_HLT;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_HLT, "kvm exit: HLT");
	kr.exit_reason = KVM_EXIT_SHUTDOWN;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_SHUTDOWN, "kvm exit: SHUTDOWN");
	kr.exit_reason = KVM_EXIT_INTR;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_INTR, "kvm exit: INTR");
	memset(&kr, 0, sizeof(kr));
	kr.exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	kr.hw.hardware_exit_reason = 0x77;
	kvm_exit_from_run(&kr, &e);
	check(e.kind == VM_EXIT_UNKNOWN && e.reason == KVM_EXIT_IRQ_WINDOW_OPEN &&
	      e.unknown.hardware_reason == 0x77,
	      "kvm exit: any other reason is unknown, with its number");

	memset(&mr, 0, sizeof(mr));
	mr.exit_reason = MINIVMM_EXIT_IO;
	mr.io.direction = MINIVMM_EXIT_IO_OUT;
	mr.io.size = 4;
	mr.io.port = 0xf4;
	mr.io.count = 1;
	mr.io.data_offset = MINIVMM_RUN_IO_DATA_OFFSET;
	vm_exit_from_mvm_run(&mr, &e);
	check(e.kind == VM_EXIT_IO && e.io.out && e.io.size == 4 &&
	      e.io.port == 0xf4 && e.io.count == 1 &&
	      e.io.data_offset == MINIVMM_RUN_IO_DATA_OFFSET,
	      "minivmm exit: I/O");
	memset(&mr, 0, sizeof(mr));
	mr.exit_reason = MINIVMM_EXIT_MMIO;
	mr.mmio.phys_addr = 0xfee00000;
	mr.mmio.len = 8;
	vm_exit_from_mvm_run(&mr, &e);
	check(e.kind == VM_EXIT_MMIO && !e.mmio.write && e.mmio.len == 8 &&
	      e.mmio.addr == 0xfee00000 && e.mmio.data == mr.mmio.data,
	      "minivmm exit: MMIO");
	memset(&mr, 0, sizeof(mr));
	mr.exit_reason = MINIVMM_EXIT_INTERNAL_ERROR;
	mr.internal.suberror = MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT;
	mr.internal.ndata = 99;
	mr.internal.data[15] = 7;
	vm_exit_from_mvm_run(&mr, &e);
	check(e.kind == VM_EXIT_INTERNAL_ERROR && e.internal.ndata == 99 &&
	      e.internal.data[15] == 7,
	      "minivmm exit: INTERNAL_ERROR, ndata passed on for the loop to clamp");
	memset(&mr, 0, sizeof(mr));
	mr.exit_reason = 42;
	mr.hw.hardware_exit_reason = 0x1234;
	vm_exit_from_mvm_run(&mr, &e);
	check(e.kind == VM_EXIT_UNKNOWN && e.reason == 42 &&
	      e.unknown.hardware_reason == 0x1234, "minivmm exit: unknown");
}

/* ---- KVM's binary stats ---- */

#define NAME_SIZE	48
#define DESC_SIZE	(sizeof(struct kvm_stats_desc) + NAME_SIZE)

struct fake_stat {
	const char *name;
	uint32_t flags;
	uint16_t size;
	uint64_t value;
};

static const struct fake_stat fake_stats[] = {
	{ "halt_successful_poll", KVM_STATS_TYPE_CUMULATIVE, 1, 50 },
	{ "halt_wait_hist", KVM_STATS_TYPE_LOG_HIST, 32, 0 },
	{ "io_exits", KVM_STATS_TYPE_CUMULATIVE, 1, 300 },
	{ "exits", KVM_STATS_TYPE_CUMULATIVE, 1, 1000 },
	{ "mmio_exits", KVM_STATS_TYPE_CUMULATIVE, 1, 100 },
	{ "guest_mode", KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BOOLEAN, 1, 0 },
	{ "peak_exits", KVM_STATS_TYPE_PEAK, 1, 7 },
	{ "halt_exits", KVM_STATS_TYPE_CUMULATIVE, 1, 5 },
	{ "irq_window_exits", KVM_STATS_TYPE_CUMULATIVE, 1, 12 },
};

/*
 * A stats file as api.rst lays it out: header, id, descriptors, data.
 * Returns its length.
 */
static size_t build_stats(uint8_t *buf, size_t size, struct kvm_stats_header *h)
{
	uint32_t off = 0, i;
	size_t nr = ARRAY_SIZE(fake_stats), data;

	memset(buf, 0, size);
	h->flags = 0;
	h->name_size = NAME_SIZE;
	h->num_desc = nr;
	h->id_offset = sizeof(*h);
	h->desc_offset = h->id_offset + NAME_SIZE;
	h->data_offset = h->desc_offset + nr * DESC_SIZE;
	memcpy(buf, h, sizeof(*h));
	strcpy((char *)buf + h->id_offset, "kvm-1234/vcpu-0");
	for (i = 0; i < nr; i++) {
		struct kvm_stats_desc d = { 0 };
		uint8_t *p = buf + h->desc_offset + i * DESC_SIZE;

		d.flags = fake_stats[i].flags;
		d.size = fake_stats[i].size;
		d.offset = off;
		memcpy(p, &d, sizeof(d));
		strcpy((char *)p + sizeof(d), fake_stats[i].name);
		memcpy(buf + h->data_offset + off, &fake_stats[i].value, 8);
		off += 8 * fake_stats[i].size;
	}
	data = h->data_offset + off;
	return data;
}

static void test_stats(void)
{
	static uint8_t buf[8192];
	struct kvm_stats_header h, bad;
	struct vm_exit_stats st;
	char out[512];
	size_t len, n;
	FILE *f;
	int ret;

	len = build_stats(buf, sizeof(buf), &h);
	ret = kvm_stats_parse(buf, len, &st);
	check(!ret && st.total == 1000 && st.nr == 4,
	      "stats: exits and four *_exits counters (%d, %u)", ret, st.nr);
	f = fmemopen(out, sizeof(out), "w");
	vm_exit_stats_print(&st, f);
	n = ftell(f);
	fclose(f);
	out[n < sizeof(out) ? n : sizeof(out) - 1] = '\0';
	check(!strcmp(out, "exits: io 300\nexits: mmio 100\nexits: halt 5\n"
			   "exits: irq_window 12\nexits: total 1000\n"),
	      "stats: printed one kind a line, then the total");

	check(kvm_stats_parse(buf, len - 1, &st) == -EPROTO,
	      "stats: the data cut short is refused");
	check(kvm_stats_parse(buf, sizeof(h) - 1, &st) == -EPROTO,
	      "stats: a header cut short is refused");

	bad = h;
	bad.num_desc = 0x10000000;
	memcpy(buf, &bad, sizeof(bad));
	check(kvm_stats_parse(buf, len, &st) == -EPROTO,
	      "stats: descriptors past the end are refused");
	bad = h;
	bad.name_size = 0;
	memcpy(buf, &bad, sizeof(bad));
	check(kvm_stats_parse(buf, len, &st) == -EPROTO,
	      "stats: a zero name_size is refused");
	bad = h;
	bad.data_offset = len + 1;
	memcpy(buf, &bad, sizeof(bad));
	check(kvm_stats_parse(buf, len, &st) == -EPROTO,
	      "stats: a data block past the end is refused");

	len = build_stats(buf, sizeof(buf), &h);
	memset(buf + h.desc_offset + sizeof(struct kvm_stats_desc), 'x',
	       NAME_SIZE);
	check(kvm_stats_parse(buf, len, &st) == -EPROTO,
	      "stats: a name without its NUL is refused");

	len = build_stats(buf, sizeof(buf), &h);
	{
		struct kvm_stats_desc d;
		uint8_t *p = buf + h.desc_offset + 2 * DESC_SIZE;

		memcpy(&d, p, sizeof(d));
		d.offset = len;
		memcpy(p, &d, sizeof(d));
	}
	check(kvm_stats_parse(buf, len, &st) == -EPROTO,
	      "stats: a counter's offset past the end is refused");

	len = build_stats(buf, sizeof(buf), &h);
	strcpy((char *)buf + h.desc_offset + 3 * DESC_SIZE +
	       sizeof(struct kvm_stats_desc), "exit");
	check(kvm_stats_parse(buf, len, &st) == -ENOENT,
	      "stats: without an \"exits\" counter, not available");
}

/* ---- the generic VM and the loop, on a scripted accelerator ---- */

#define SCRIPT_MAX	8

struct script_step {
	int ret;		/* what run() returns */
	struct vm_exit exit;
	uint32_t value;		/* written at the I/O data offset */
};

static struct {
	struct script_step steps[SCRIPT_MAX];
	unsigned int nr, next;
	bool destroyed;
	int create_ret;
} script;

static uint8_t run_page[4096];

static int fake_create(struct vm *vm, bool irqchip)
{
	vm->irqchip = irqchip;
	vm->run = run_page;
	vm->run_size = sizeof(run_page);
	vm->immediate_exit = &run_page[1];
	return script.create_ret;
}

static void fake_destroy(struct vm *vm)
{
	(void)vm;
	script.destroyed = true;
}

static int fake_get_regs(struct vm *vm, struct minivmm_regs *regs,
			 struct minivmm_sregs *sregs)
{
	(void)vm;
	memset(regs, 0, sizeof(*regs));
	memset(sregs, 0, sizeof(*sregs));
	regs->rip = 0x1234;
	return 0;
}

static int fake_set_regs(struct vm *vm, const struct minivmm_regs *regs,
			 const struct minivmm_sregs *sregs)
{
	(void)vm; (void)regs; (void)sregs;
	return 0;
}

static int fake_run(struct vm *vm, struct vm_exit *exit)
{
	struct script_step *s;

	if (script.next == script.nr) {
		vm->failed_op = "end of script";
		return -EIO;
	}
	s = &script.steps[script.next++];
	if (s->ret == -EINTR)
		*vm->immediate_exit = 1;
	if (s->ret)
		return s->ret;
	*exit = s->exit;
	if (exit->kind == VM_EXIT_IO && exit->io.data_offset + 4 <= sizeof(run_page))
		memcpy(run_page + exit->io.data_offset, &s->value, 4);
	return 0;
}

static void fake_irq_line(struct vm *vm, unsigned int gsi, bool level)
{
	(void)vm; (void)gsi; (void)level;
}

static int fake_clock(struct vm *vm, bool *intel, uint32_t *khz)
{
	(void)vm;
	*intel = false;
	*khz = 2000000;
	return 0;
}

static int fake_exit_stats(struct vm *vm, struct vm_exit_stats *st)
{
	if (script.create_ret) {
		vm->failed_op = "FAKE_STATS";
		return -ENOTTY;
	}
	vm_exit_stats_add(st, "io", 3);
	st->total = 4;
	return 0;
}

static void fake_explain(int err, const char *op)
{
	(void)err; (void)op;
}

static const struct vm_accel fake_accel = {
	.name = "fake", .display = "Fake", .source = "the script",
	.create = fake_create, .destroy = fake_destroy,
	.get_regs = fake_get_regs, .set_regs = fake_set_regs,
	.run = fake_run, .irq_line = fake_irq_line,
	.guest_clock = fake_clock, .exit_stats = fake_exit_stats,
	.explain = fake_explain,
};

static struct vm_exit io_exit(uint16_t port, uint8_t size, uint32_t count,
			      uint64_t off)
{
	struct vm_exit e = { .kind = VM_EXIT_IO, .reason = 2 };

	e.io.port = port;
	e.io.out = true;
	e.io.size = size;
	e.io.count = count;
	e.io.data_offset = off;
	return e;
}

static struct vm_exit kind_exit(enum vm_exit_kind kind, uint32_t reason)
{
	struct vm_exit e = { .kind = kind, .reason = reason };

	return e;
}

/* Run the loop over @n steps; returns its status. */
static int run_script(const struct script_step *steps, unsigned int n)
{
	struct machine mc;
	struct vm vm;
	int null_fd = open("/dev/null", O_WRONLY), err_fd, status;

	memset(&script, 0, sizeof(script));
	memcpy(script.steps, steps, n * sizeof(*steps));
	script.nr = n;
	memset(run_page, 0, sizeof(run_page));
	if (vm_create(&vm, &fake_accel, 2 * MiB, true))
		return -1000;
	machine_init(&mc, 2 * MiB, 1, null_fd);
	vm_connect_irqs(&vm, &mc);
	/* The loop's messages are for a person; keep TAP's output clean. */
	fflush(stderr);
	err_fd = dup(2);
	dup2(null_fd, 2);
	status = vcpu_loop(&vm, &mc, false);
	fflush(stderr);
	dup2(err_fd, 2);
	close(err_fd);
	vm_destroy(&vm);
	close(null_fd);
	return status;
}

#define STEP(...)	{ .ret = 0, .exit = __VA_ARGS__ }

static void test_loop(void)
{
	struct script_step s[SCRIPT_MAX];
	struct vm vm;
	FILE *f;
	char out[256];
	size_t n;
	int st;

	s[0] = (struct script_step)STEP(io_exit(0xf4, 1, 1, 512));
	s[0].value = 0x10;
	st = run_script(s, 1);
	check(st == (0x10 << 1 | 1), "loop: a debug-exit write ends the run (%d)", st);

	/*
	 * Port 0x80 (POST codes) is harmless: were a bad exit not refused,
	 * the HLT after it would end the run with 0 instead.
	 */
	s[1] = (struct script_step)STEP(kind_exit(VM_EXIT_HLT, 5));
	s[0] = (struct script_step)STEP(io_exit(0x80, 1, 1, 600));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_OK && script.next == 2,
	      "loop: a good I/O exit, then HLT: 0");
	s[0] = (struct script_step)STEP(io_exit(0x80, 4, 1, sizeof(run_page) - 3));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: I/O data past the run page is refused");
	s[0] = (struct script_step)STEP(io_exit(0x80, 1, 4, sizeof(run_page) - 3));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: rep I/O past the run page is refused");
	s[0] = (struct script_step)STEP(io_exit(0x80, 4, 0x40000001, 512));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: an I/O count past the run page is refused");
	s[0] = (struct script_step)STEP(io_exit(0x80, 3, 1, 512));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: an I/O size of 3 is refused");
	s[0] = (struct script_step)STEP(io_exit(0x80, 1, 0, 512));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: an I/O count of 0 is refused");
	s[0] = (struct script_step)STEP(io_exit(0x80, 1, 1, sizeof(run_page) + 8));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: an I/O offset past the run page is refused");

	s[0] = (struct script_step)STEP(kind_exit(VM_EXIT_MMIO, 6));
	s[0].exit.mmio.addr = 0xfed00000;
	s[0].exit.mmio.len = 4;
	s[0].exit.mmio.data = run_page + 64;
	s[1] = (struct script_step)STEP(kind_exit(VM_EXIT_HLT, 5));
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_OK && run_page[64] == 0xff && run_page[67] == 0xff &&
	      run_page[68] == 0, "loop: an MMIO read is answered in the run page, then HLT ends it");
	s[0].exit.mmio.len = 9;
	st = run_script(s, 2);
	check(st == VMCTL_EXIT_ERROR, "loop: an MMIO length of 9 is refused");

	s[0] = (struct script_step){ .ret = -EINTR };
	s[1] = (struct script_step)STEP(kind_exit(VM_EXIT_INTR, 10));
	s[2] = (struct script_step)STEP(kind_exit(VM_EXIT_HLT, 5));
	st = run_script(s, 3);
	check(st == VMCTL_EXIT_OK && script.next == 3 && !run_page[1],
	      "loop: -EINTR and INTR enter again, immediate_exit cleared");
	s[0] = (struct script_step){ .ret = -EIO };
	st = run_script(s, 1);
	check(st == VMCTL_EXIT_ERROR, "loop: a RUN error ends the run");
	s[0] = (struct script_step)STEP(kind_exit(VM_EXIT_SHUTDOWN, 8));
	st = run_script(s, 1);
	check(st == VMCTL_EXIT_GUEST_FAULT, "loop: SHUTDOWN is a guest fault");
	s[0] = (struct script_step)STEP(kind_exit(VM_EXIT_INTERNAL_ERROR, 17));
	s[0].exit.internal.ndata = 1000;	/* clamped, not trusted */
	st = run_script(s, 1);
	check(st == VMCTL_EXIT_GUEST_FAULT, "loop: INTERNAL_ERROR with a huge ndata is a guest fault");
	s[0] = (struct script_step)STEP(kind_exit(VM_EXIT_UNKNOWN, 33));
	st = run_script(s, 1);
	check(st == VMCTL_EXIT_GUEST_FAULT, "loop: an unknown exit is a guest fault");
	check(script.destroyed, "vm: vm_destroy() reaches the accelerator");

	/* vm_create() undoes itself when the accelerator fails. */
	memset(&script, 0, sizeof(script));
	script.create_ret = -ENODEV;
	check(vm_create(&vm, &fake_accel, 2 * MiB, false) == -ENODEV &&
	      script.destroyed && !vm.mem.host,
	      "vm: a failed create is destroyed and its RAM unmapped");

	script.create_ret = 0;
	check(!vm_create(&vm, &fake_accel, 2 * MiB, false) && vm.mem.host &&
	      vm.mem.size == 2 * MiB, "vm: create maps the RAM");
	f = fmemopen(out, sizeof(out), "w");
	check(!vm_exit_stats(&vm, f), "vm: exit stats from the accelerator");
	n = ftell(f);
	fclose(f);
	out[n < sizeof(out) ? n : sizeof(out) - 1] = '\0';
	check(!strcmp(out, "exits: io 3\nexits: total 4\n"),
	      "vm: exit stats printed as scripts read them");
	script.create_ret = -1;		/* makes fake_exit_stats fail */
	fflush(stderr);
	{
		int err_fd = dup(2), null_fd = open("/dev/null", O_WRONLY);

		dup2(null_fd, 2);
		st = vm_exit_stats(&vm, stdout);
		fflush(stderr);
		dup2(err_fd, 2);
		close(err_fd);
		close(null_fd);
	}
	check(st == -ENOTTY, "vm: exit stats not available: the error comes back");
	vm_destroy(&vm);
}

/* ---- the vmctl binary ---- */

static int run_vmctl(const char *vmctl, const char *const *args, char *err,
		     size_t err_size)
{
	char path[] = "/tmp/accel-test-XXXXXX";
	posix_spawn_file_actions_t fa;
	char *argv[16];
	int i, status, fd;
	ssize_t n;
	pid_t pid;

	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	argv[0] = (char *)vmctl;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
	i = posix_spawn(&pid, vmctl, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (i || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		close(fd);
		unlink(path);
		return -1;
	}
	n = pread(fd, err, err_size - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return WEXITSTATUS(status);
}

#define VMCTL(...) \
	run_vmctl(vmctl, (const char *const[]){ __VA_ARGS__, NULL }, err, \
		  sizeof(err))

static void test_cli(const char *vmctl)
{
	char err[4096];
	int rc;

	rc = VMCTL("run", "--accel", "xen", "/nonexistent/k");
	check(rc == 2 && strstr(err, "--accel: 'xen'") &&
	      strstr(err, "vmctl run --help"), "cli: --accel xen: exit 2");
	rc = VMCTL("run", "--accel", "kvm", "--exit-stats", "/nonexistent/k");
	check(rc == 1 && strstr(err, "cannot read /nonexistent/k"),
	      "cli: --accel kvm --exit-stats parse, the image is read first");
	rc = run_vmctl(vmctl, (const char *const[]){ "run", "--help", NULL },
		       err, sizeof(err));
	check(rc == 0, "cli: run --help");
}

static void test_help(const char *vmctl)
{
	char cmd[PATH_MAX + 32], buf[8192];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "'%s' help run", vmctl);
	p = popen(cmd, "r");
	n = p ? fread(buf, 1, sizeof(buf) - 1, p) : 0;
	if (p)
		pclose(p);
	buf[n] = '\0';
	check(strstr(buf, "--accel minivmm|kvm") && strstr(buf, "--exit-stats") &&
	      strstr(buf, "exits: KIND COUNT"),
	      "cli: run's help has --accel and --exit-stats");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-VMCTL\n", argv[0]);
		return 2;
	}
	test_parse();
	test_regs();
	test_cpuid();
	test_exits();
	test_stats();
	test_loop();
	test_cli(argv[1]);
	test_help(argv[1]);
	return tap_done("accel_test");
}
