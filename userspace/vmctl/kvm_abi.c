// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_abi.c: the pure half of the KVM accelerator (accel_kvm.c): KVM's
 * register structs to and from minivmm's, the CPUID table a KVM guest is
 * given, KVM's run page read into a struct vm_exit, and KVM's binary
 * statistics parsed for --exit-stats.  No ioctls, so tests/accel_test.c
 * drives every function with fabricated structs and buffers.
 *
 * minivmm's uapi was modelled on <linux/kvm.h> and its register structs
 * have the same layout, but the conversions go field by field all the same:
 * a field added to either side then shows up as a compiler warning or a
 * failed round-trip test, not as silently shifted registers.
 */
#include <errno.h>
#include <string.h>

#include <linux/kvm.h>

#include "vmctl.h"
#include "run.h"

/* vcpu_loop.c names exits and suberrors by minivmm's numbers. */
_Static_assert(KVM_EXIT_UNKNOWN == MINIVMM_EXIT_UNKNOWN &&
	       KVM_EXIT_IO == MINIVMM_EXIT_IO &&
	       KVM_EXIT_HLT == MINIVMM_EXIT_HLT &&
	       KVM_EXIT_MMIO == MINIVMM_EXIT_MMIO &&
	       KVM_EXIT_SHUTDOWN == MINIVMM_EXIT_SHUTDOWN &&
	       KVM_EXIT_FAIL_ENTRY == MINIVMM_EXIT_FAIL_ENTRY &&
	       KVM_EXIT_INTR == MINIVMM_EXIT_INTR &&
	       KVM_EXIT_INTERNAL_ERROR == MINIVMM_EXIT_INTERNAL_ERROR,
	       "KVM's exit numbers are minivmm's");
_Static_assert(KVM_INTERNAL_ERROR_EMULATION ==
		       MINIVMM_INTERNAL_ERROR_EMULATION &&
	       KVM_INTERNAL_ERROR_DELIVERY_EV ==
		       MINIVMM_INTERNAL_ERROR_DELIVERY_EV &&
	       KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON ==
		       MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
	       "KVM's suberror numbers are minivmm's");

#define COPY_REGS(D_, S_) do {						\
	(D_)->rax = (S_)->rax; (D_)->rbx = (S_)->rbx;			\
	(D_)->rcx = (S_)->rcx; (D_)->rdx = (S_)->rdx;			\
	(D_)->rsi = (S_)->rsi; (D_)->rdi = (S_)->rdi;			\
	(D_)->rsp = (S_)->rsp; (D_)->rbp = (S_)->rbp;			\
	(D_)->r8 = (S_)->r8; (D_)->r9 = (S_)->r9;			\
	(D_)->r10 = (S_)->r10; (D_)->r11 = (S_)->r11;			\
	(D_)->r12 = (S_)->r12; (D_)->r13 = (S_)->r13;			\
	(D_)->r14 = (S_)->r14; (D_)->r15 = (S_)->r15;			\
	(D_)->rip = (S_)->rip; (D_)->rflags = (S_)->rflags;		\
} while (0)

/* Padding is not copied: minivmm wants it 0, and so does KVM. */
#define COPY_SEG(D_, S_) do {						\
	memset((D_), 0, sizeof(*(D_)));					\
	(D_)->base = (S_)->base; (D_)->limit = (S_)->limit;		\
	(D_)->selector = (S_)->selector; (D_)->type = (S_)->type;	\
	(D_)->present = (S_)->present; (D_)->dpl = (S_)->dpl;		\
	(D_)->db = (S_)->db; (D_)->s = (S_)->s; (D_)->l = (S_)->l;	\
	(D_)->g = (S_)->g; (D_)->avl = (S_)->avl;			\
	(D_)->unusable = (S_)->unusable;				\
} while (0)

#define COPY_DTABLE(D_, S_) do {					\
	memset((D_), 0, sizeof(*(D_)));					\
	(D_)->base = (S_)->base; (D_)->limit = (S_)->limit;		\
} while (0)

/*
 * interrupt_bitmap: a pending external interrupt KVM has not injected
 * yet (KVM_GET_SREGS).  Both have 256 bits.
 */
_Static_assert(sizeof(((struct kvm_sregs *)0)->interrupt_bitmap) ==
	       sizeof(((struct minivmm_sregs *)0)->interrupt_bitmap),
	       "interrupt_bitmap sizes differ");

#define COPY_SREGS(D_, S_) do {						\
	unsigned int i_;						\
									\
	COPY_SEG(&(D_)->cs, &(S_)->cs); COPY_SEG(&(D_)->ds, &(S_)->ds);	\
	COPY_SEG(&(D_)->es, &(S_)->es); COPY_SEG(&(D_)->fs, &(S_)->fs);	\
	COPY_SEG(&(D_)->gs, &(S_)->gs); COPY_SEG(&(D_)->ss, &(S_)->ss);	\
	COPY_SEG(&(D_)->tr, &(S_)->tr); COPY_SEG(&(D_)->ldt, &(S_)->ldt); \
	COPY_DTABLE(&(D_)->gdt, &(S_)->gdt);				\
	COPY_DTABLE(&(D_)->idt, &(S_)->idt);				\
	(D_)->cr0 = (S_)->cr0; (D_)->cr2 = (S_)->cr2;			\
	(D_)->cr3 = (S_)->cr3; (D_)->cr4 = (S_)->cr4;			\
	(D_)->cr8 = (S_)->cr8; (D_)->efer = (S_)->efer;			\
	(D_)->apic_base = (S_)->apic_base;				\
	for (i_ = 0; i_ < ARRAY_SIZE((D_)->interrupt_bitmap); i_++)	\
		(D_)->interrupt_bitmap[i_] = (S_)->interrupt_bitmap[i_]; \
} while (0)

void kvm_regs_from_mvm(struct kvm_regs *k, const struct minivmm_regs *m)
{
	COPY_REGS(k, m);
}

void kvm_regs_to_mvm(struct minivmm_regs *m, const struct kvm_regs *k)
{
	COPY_REGS(m, k);
}

void kvm_sregs_from_mvm(struct kvm_sregs *k, const struct minivmm_sregs *m)
{
	COPY_SREGS(k, m);
}

void kvm_sregs_to_mvm(struct minivmm_sregs *m, const struct kvm_sregs *k)
{
	COPY_SREGS(m, k);
}

#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)	/* SDM Vol. 2A, CPUID, Table 3-10 */
#define CPUID_1_ECX_HYPERVISOR		(1u << 31)
#define CPUID_6_EAX_ARAT		(1u << 2)	/* Table 3-8, leaf 06H */

/*
 * From KVM_GET_SUPPORTED_CPUID to what a KVM guest is given, so that it
 * sees the machine a minivmm guest sees: no paravirtual leaves
 * (0x40000000-0x400000ff: KVM's signature, kvmclock, PV EOI...), so
 * Linux finds "bare hardware" with the hypervisor bit and its clocksource
 * is the TSC in both; the TSC-deadline timer of the in-kernel local APIC
 * when KVM has it (@tsc_deadline: KVM_CAP_TSC_DEADLINE_TIMER, which KVM
 * leaves out of the supported table because userspace chooses); the APIC
 * timer running in deep C-states (ARAT), which KVM's timer always does.
 * Nothing else changes.
 */
void kvm_cpuid_filter(struct kvm_cpuid2 *c, bool tsc_deadline)
{
	uint32_t i, n = 0;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 e = c->entries[i];

		if (e.function >= KVM_PV_LEAF_FIRST &&
		    e.function <= KVM_PV_LEAF_LAST)
			continue;
		if (e.function == 1) {
			e.ecx |= CPUID_1_ECX_HYPERVISOR;
			if (tsc_deadline)
				e.ecx |= CPUID_1_ECX_TSC_DEADLINE;
		} else if (e.function == 6) {
			e.eax |= CPUID_6_EAX_ARAT;
		}
		c->entries[n++] = e;
	}
	c->nent = n;
}

/*
 * KVM's run page as a struct vm_exit, each field read once; unchecked, as
 * vcpu_loop.c checks what it uses (Documentation/virt/kvm/api.rst,
 * "The kvm_run structure").
 */
void kvm_exit_from_run(struct kvm_run *run, struct vm_exit *exit)
{
	uint32_t reason = __atomic_load_n(&run->exit_reason, __ATOMIC_RELAXED);

	memset(exit, 0, sizeof(*exit));
	exit->reason = reason;
	switch (reason) {
	case KVM_EXIT_IO:
		exit->kind = VM_EXIT_IO;
		exit->io.out = run->io.direction == KVM_EXIT_IO_OUT;
		exit->io.size = run->io.size;
		exit->io.port = run->io.port;
		exit->io.count = run->io.count;
		exit->io.data_offset = run->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		exit->kind = VM_EXIT_MMIO;
		exit->mmio.addr = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len;
		exit->mmio.write = run->mmio.is_write;
		exit->mmio.data = run->mmio.data;
		break;
	case KVM_EXIT_HLT:
		exit->kind = VM_EXIT_HLT;
		break;
	case KVM_EXIT_SHUTDOWN:
		exit->kind = VM_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		exit->kind = VM_EXIT_FAIL_ENTRY;
		exit->fail_entry.reason =
			run->fail_entry.hardware_entry_failure_reason;
		exit->fail_entry.cpu = run->fail_entry.cpu;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		exit->kind = VM_EXIT_INTERNAL_ERROR;
		exit->internal.suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata;
		_Static_assert(sizeof(run->internal.data) ==
			       sizeof(exit->internal.data), "internal.data");
		memcpy(exit->internal.data, run->internal.data,
		       sizeof(exit->internal.data));
		break;
	case KVM_EXIT_INTR:
		exit->kind = VM_EXIT_INTR;
		break;
	default:
		exit->kind = VM_EXIT_UNKNOWN;
		exit->unknown.hardware_reason = run->hw.hardware_exit_reason;
		break;
	}
}

/* No KVM stat name comes close; a larger one is a broken file. */
#define KVM_STATS_NAME_MAX	4096
#define EXITS_SUFFIX		"_exits"

/*
 * A vCPU's binary statistics (KVM_GET_STATS_FD, read whole into @buf;
 * Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"): a header, the
 * descriptors at desc_offset (each a struct kvm_stats_desc followed by
 * name_size bytes of NUL-terminated name), the values at data_offset +
 * each descriptor's offset, size u64s each.  Every cumulative one-value
 * counter named "*_exits" becomes a kind (the name without the suffix) and
 * "exits" is the total.  Every offset is checked against @len: the file
 * is the kernel's, but a parser that trusts offsets is one bug away from
 * reading past the buffer.  Returns 0, -EPROTO for a malformed buffer,
 * -ENOENT without an "exits" counter, -ENOSPC with too many kinds.
 */
int kvm_stats_parse(const void *buf, size_t len, struct vm_exit_stats *st)
{
	const uint8_t *p = buf;
	struct kvm_stats_header h;
	uint64_t desc_size, i;
	bool has_total = false;
	int ret;

	memset(st, 0, sizeof(*st));
	if (len < sizeof(h))
		return -EPROTO;
	memcpy(&h, p, sizeof(h));
	if (!h.name_size || h.name_size > KVM_STATS_NAME_MAX)
		return -EPROTO;
	desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	if (h.desc_offset > len ||
	    (uint64_t)h.num_desc * desc_size > len - h.desc_offset ||
	    h.data_offset > len)
		return -EPROTO;

	for (i = 0; i < h.num_desc; i++) {
		const uint8_t *d = p + h.desc_offset + i * desc_size;
		const char *name = (const char *)d + sizeof(struct kvm_stats_desc);
		struct kvm_stats_desc desc;
		size_t name_len;
		uint64_t val;

		memcpy(&desc, d, sizeof(desc));
		name_len = strnlen(name, h.name_size);
		if (name_len == h.name_size)
			return -EPROTO;		/* no NUL */
		if ((desc.flags & KVM_STATS_TYPE_MASK) !=
		    KVM_STATS_TYPE_CUMULATIVE || desc.size != 1)
			continue;
		if (desc.offset > len - h.data_offset ||
		    len - h.data_offset - desc.offset < sizeof(val))
			return -EPROTO;
		memcpy(&val, p + h.data_offset + desc.offset, sizeof(val));

		if (!strcmp(name, "exits")) {
			st->total = val;
			has_total = true;
		} else if (name_len > strlen(EXITS_SUFFIX) &&
			   !strcmp(name + name_len - strlen(EXITS_SUFFIX),
				   EXITS_SUFFIX)) {
			char kind[VM_EXIT_KIND_LEN];

			snprintf(kind, sizeof(kind), "%.*s",
				 (int)(name_len - strlen(EXITS_SUFFIX)), name);
			ret = vm_exit_stats_add(st, kind, val);
			if (ret)
				return ret;
		}
	}
	return has_total ? 0 : -ENOENT;
}
