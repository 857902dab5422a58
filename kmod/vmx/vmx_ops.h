/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place raw VMX instructions appear (VMLAUNCH/VMRESUME excepted:
 * they live in vmenter.S, where the register switch is).  Each wrapper has
 * a defined result on failure instead of leaving the caller to read RFLAGS
 * or to take an unhandled fault.
 *
 * VMX instructions report failure in RFLAGS (Intel SDM Vol. 3C 31.2,
 * "Conventions"): CF=1 is VMfailInvalid, ZF=1 is VMfailValid, so "jna"
 * (CF=1 or ZF=1) catches both.  They fault (#UD, #GP) when VMX is not in the
 * state they need; the exception-table entry turns that into an error too.
 */
#ifndef MINIVMM_VMX_OPS_H
#define MINIVMM_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

/* vmcs.c: report a failed VMREAD/VMWRITE/VMCLEAR/... (a host bug). */
void vmx_insn_failed(const char *insn, unsigned long arg, bool fault);

/*
 * Enter VMX root operation with the VMXON region at physical address @pa
 * (SDM Vol. 3C 24.7, 25.11.5).  CR4.VMXE must already be set.
 * Returns 0, -EIO on VMfail (bad region, already in VMX operation) or
 * -EFAULT on a fault (CR0/CR4 fixed bits, IA32_FEATURE_CONTROL).
 */
static __always_inline int vmx_vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	return -EIO;
fault:
	return -EFAULT;
}

/*
 * Leave VMX operation (SDM Vol. 3C 24.7).  A fault means the CPU was not in
 * VMX operation (someone else turned it off, e.g. a reboot path): -EFAULT.
 */
static __always_inline int vmx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
	return 0;
fault:
	return -EFAULT;
}

/*
 * VMCLEAR (SDM Vol. 3C 25.11.3, 31.3): write the VMCS at @pa back to
 * memory and make it inactive and "clear", so it may be loaded on another
 * CPU.  VMPTRLD: make it the current VMCS of this CPU.  Both return 0 or
 * -EIO, having reported the failure.
 */
static __always_inline int vmx_vmclear(u64 pa)
{
	asm goto("1: vmclear %[pa]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	vmx_insn_failed("vmclear", pa, false);
	return -EIO;
fault:
	vmx_insn_failed("vmclear", pa, true);
	return -EIO;
}

static __always_inline int vmx_vmptrld(u64 pa)
{
	asm goto("1: vmptrld %[pa]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory"
		 : vmfail, fault);
	return 0;
vmfail:
	vmx_insn_failed("vmptrld", pa, false);
	return -EIO;
fault:
	vmx_insn_failed("vmptrld", pa, true);
	return -EIO;
}

/*
 * INVEPT / INVVPID (SDM Vol. 3C 31.3) with a 128-bit descriptor.  Return 0
 * or -EIO (an unsupported type is a VMfailValid).
 */
static __always_inline int vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[vmfail])
		 : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory"
		 : vmfail);
	return 0;
vmfail:
	return -EIO;
}

static __always_inline int vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm goto("1: invvpid %[desc], %[type]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[vmfail])
		 : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory"
		 : vmfail);
	return 0;
vmfail:
	return -EIO;
}

/*
 * VMCS field accessors.  Bits 14:13 of a field encoding give its width
 * (SDM Vol. 3D B, "Field Encoding in VMCS"): 0 16-bit, 1 64-bit, 2 32-bit,
 * 3 natural width; bit 0 of a 64-bit field selects its high half, a 32-bit
 * access.  The typed accessors refuse a constant field of the wrong width
 * at compile time.  A failed VMREAD reads as 0 and a failed VMWRITE is
 * dropped, both reported once: either means a host bug (a wrong field, or
 * no current VMCS), never something a guest caused.
 */
#define VMCS_FIELD_WIDTH(f)	(((f) >> 13) & 3)
#define VMCS_W16		0
#define VMCS_W64		1
#define VMCS_W32		2
#define VMCS_WNAT		3

#define vmcs_check(f, ok)						\
	BUILD_BUG_ON_MSG(__builtin_constant_p(f) && !(ok),		\
			 "VMCS field accessed with the wrong width")
#define vmcs_is16(f)	(VMCS_FIELD_WIDTH(f) == VMCS_W16)
#define vmcs_is32(f)	(VMCS_FIELD_WIDTH(f) == VMCS_W32 ||		\
			 (VMCS_FIELD_WIDTH(f) == VMCS_W64 && ((f) & 1)))
#define vmcs_is64(f)	(VMCS_FIELD_WIDTH(f) == VMCS_W64 && !((f) & 1))
#define vmcs_isnat(f)	(VMCS_FIELD_WIDTH(f) == VMCS_WNAT)

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm_goto_output("1: vmread %[field], %[value]\n\t"
			"jna %l[vmfail]\n\t"
			_ASM_EXTABLE(1b, %l[fault])
			: [value] "=rm" (value) : [field] "r" (field)
			: "cc" : vmfail, fault);
	return value;
vmfail:
	vmx_insn_failed("vmread", field, false);
	return 0;
fault:
	vmx_insn_failed("vmread", field, true);
	return 0;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [field] "r" (field), [value] "rm" (value)
		 : "cc" : vmfail, fault);
	return;
vmfail:
	vmx_insn_failed("vmwrite", field, false);
	return;
fault:
	vmx_insn_failed("vmwrite", field, true);
}

static __always_inline u16 vmcs_read16(unsigned long f)
{
	vmcs_check(f, vmcs_is16(f));
	return __vmcs_read(f);
}

static __always_inline u32 vmcs_read32(unsigned long f)
{
	vmcs_check(f, vmcs_is32(f));
	return __vmcs_read(f);
}

static __always_inline u64 vmcs_read64(unsigned long f)
{
	vmcs_check(f, vmcs_is64(f));
	return __vmcs_read(f);
}

static __always_inline unsigned long vmcs_readl(unsigned long f)
{
	vmcs_check(f, vmcs_isnat(f));
	return __vmcs_read(f);
}

static __always_inline void vmcs_write16(unsigned long f, u16 v)
{
	vmcs_check(f, vmcs_is16(f));
	__vmcs_write(f, v);
}

static __always_inline void vmcs_write32(unsigned long f, u32 v)
{
	vmcs_check(f, vmcs_is32(f));
	__vmcs_write(f, v);
}

static __always_inline void vmcs_write64(unsigned long f, u64 v)
{
	vmcs_check(f, vmcs_is64(f));
	__vmcs_write(f, v);
}

static __always_inline void vmcs_writel(unsigned long f, unsigned long v)
{
	vmcs_check(f, vmcs_isnat(f));
	__vmcs_write(f, v);
}

#endif /* MINIVMM_VMX_OPS_H */
