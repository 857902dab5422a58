/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupt controllers as irq_test.c and its guests see them: register
 * addresses and bits, the vectors and pins the guests use, where they leave
 * their results, and a few lines of guest code every one of them needs.
 * Included by the guest sources, by irq_test.c and by the fuzzer
 * (fuzz_*.c), so #defines only.
 *
 * Register conventions of these guests (64-bit, GUEST_LONG64):
 *   R15       the xAPIC base, 0xfee00000 (APIC_INIT sets it)
 *   RBX       the I/O APIC base, 0xfec00000 (IOAPIC_INIT sets it)
 *   R14       guest TSC ticks per millisecond, set by the test
 *   R12, R13  parameters from the test, as each guest says
 * An interrupt handler saves every register it changes.  The macros use
 * the local labels 7, 8 and 9: a guest uses other numbers.
 */
#ifndef MINIVMM_GUEST_APIC_H
#define MINIVMM_GUEST_APIC_H

#include "../guest_layout.h"

/* Local APIC registers, offsets in the xAPIC page (SDM Vol. 3A Table 11-1). */
#define APIC_BASE		0xfee00000
#define APIC_ID			0x20
#define APIC_VERSION		0x30
#define APIC_TPR		0x80
#define APIC_PPR		0xa0
#define APIC_EOI		0xb0
#define APIC_LDR		0xd0
#define APIC_DFR		0xe0
#define APIC_SVR		0xf0
#define APIC_ISR		0x100	/* 8 registers, 16 bytes apart */
#define APIC_TMR		0x180
#define APIC_IRR		0x200
#define APIC_ESR		0x280
#define APIC_LVT_CMCI		0x2f0
#define APIC_ICR		0x300
#define APIC_ICR2		0x310	/* xAPIC: the destination, 31:24 */
#define APIC_LVTT		0x320
#define APIC_LVT_THERMAL	0x330
#define APIC_LVT_PMC		0x340
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TMICT		0x380	/* timer initial count */
#define APIC_TMCCT		0x390	/* timer current count */
#define APIC_TDCR		0x3e0	/* timer divide configuration */
#define APIC_SELF_IPI		0x3f0	/* x2APIC mode only */

/* SVR, LVT and divide bits (SDM Vol. 3A 11.5.1, 11.5.4, 11.9). */
#define APIC_SVR_ENABLE		0x100
#define APIC_LVT_MASKED		0x10000
#define APIC_TIMER_PERIODIC	0x20000
#define APIC_TIMER_TSC_DEADLINE	0x40000
#define APIC_TDCR_DIV1		0xb

/* What the reset state reads (SDM Vol. 3A 11.4.7.1, 11.4.8; minivmm's version). */
#define APIC_VERSION_RESET	0x00050014
#define APIC_SVR_RESET		0xff

/* IA32_APIC_BASE (SDM Vol. 3A 11.4.4, 11.12.1). */
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_BSP		0x100
#define APIC_BASE_EXTD		0x400	/* x2APIC mode */
#define APIC_BASE_EN		0x800
#define APIC_BASE_RESET		(APIC_BASE | APIC_BASE_EN | APIC_BASE_BSP)

/* x2APIC MSRs: 0x800 + xAPIC offset / 16 (SDM Vol. 3A 11.12.1.2). */
#define MSR_X2APIC(reg)		(0x800 + ((reg) >> 4))
#define MSR_X2APIC_SELF_IPI	0x83f

#define MSR_TSC_DEADLINE	0x6e0	/* SDM Vol. 3A 11.5.4.1 */

/* The I/O APIC (82093AA datasheet, 3.0 and 3.2.4). */
#define IOAPIC_BASE		0xfec00000
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WIN		0x10
#define IOAPIC_VER		0x01	/* the version register */
#define IOAPIC_REDIR_LO(pin)	(0x10 + 2 * (pin))
#define IOAPIC_REDIR_HI(pin)	(0x11 + 2 * (pin))	/* destination: 31:24 */
#define IOAPIC_REMOTE_IRR	0x4000
#define IOAPIC_LEVEL		0x8000
#define IOAPIC_MASKED		0x10000
#define IOAPIC_VERSION_RESET	0x00170011	/* 24 pins, version 0x11 */

/* The vectors and pins the guests use. */
#define VEC_TIMER		0x40
#define VEC_IOAPIC_EDGE		0x50
#define VEC_IOAPIC_LEVEL	0x51
#define VEC_MSI			0x60
#define VEC_MSI_SHADOW		0x61
#define VEC_SELF_IPI		0x62
#define VEC_NOT_PRESENT		0x70	/* no IDT gate */
#define PIN_EDGE		4
#define PIN_LEVEL		10

/* Results: 64-bit slots from GUEST_DATA; slot 0 counts interrupts. */
#define IRQ_DATA(n)		(GUEST_DATA + 8 * (n))
#define IRQ_COUNT		IRQ_DATA(0)

/* Report values that are not counts. */
#define IRQ_READY		0x5e00	/* | a round number */
#define IRQ_DONE		0xd0e0
#define NMI_ENTRY		0x100	/* | the handler's number */
#define NMI_EXIT		0x200

/* ---- Guest code: for the assembler only ---- */
#ifdef __ASSEMBLER__

/* RAX = the TSC as one 64-bit value; changes RDX. */
#define RDTSC64		rdtsc; shl $32, %rdx; or %rdx, %rax

/* RAX = MSR @msr; changes RCX, RDX. */
#define RDMSR64(msr)	mov $(msr), %ecx; rdmsr; shl $32, %rdx; or %rdx, %rax

/* MSR @msr = RAX; changes RCX, RDX. */
#define WRMSR64(msr)	mov $(msr), %ecx; mov %rax, %rdx; shr $32, %rdx; wrmsr

/*
 * R15 = the xAPIC base, and the APIC software-enabled with spurious vector
 * 0xff: at reset SVR bit 8 is clear and the APIC accepts no interrupt
 * (SDM Vol. 3A 11.4.7.2).
 */
#define APIC_INIT							\
	mov	$APIC_BASE, %r15d;					\
	movl	$(APIC_SVR_ENABLE | 0xff), APIC_SVR(%r15)

#define APIC_EOI_WRITE	movl $0, APIC_EOI(%r15)

#define IOAPIC_INIT	mov $IOAPIC_BASE, %ebx

/* I/O APIC register @reg = @val (an immediate with its $, or a register). */
#define IOAPIC_WRITE(reg, val)						\
	movl	$(reg), IOAPIC_REGSEL(%rbx);				\
	movl	val, IOAPIC_WIN(%rbx)

/* EAX = I/O APIC register @reg. */
#define IOAPIC_READ(reg)						\
	movl	$(reg), IOAPIC_REGSEL(%rbx);				\
	mov	IOAPIC_WIN(%rbx), %eax

/* A 4-byte OUT of @val to PORT_REPORT; changes RAX. */
#define REPORT(val)	mov $(val), %eax; out %eax, $PORT_REPORT

/* The same of the u64 at @addr. */
#define REPORT_MEM(addr) mov addr, %rax; out %eax, $PORT_REPORT

/* Spin @ms milliseconds of guest TSC (R14 ticks each); changes RAX, RCX, RDX. */
#define SPIN_MS(ms)							\
	RDTSC64; imul $(ms), %r14, %rcx; add %rax, %rcx;		\
9:	RDTSC64; cmp %rcx, %rax; jb 9b

/*
 * Sleep in HLT, taking interrupts, until the u64 at @addr is at least @n
 * (an immediate with its $, or a register); ends with IF = 1.  The check
 * runs with IF = 0 and STI's one-instruction shadow covers the HLT (SDM
 * Vol. 2B, STI), so an interrupt that comes after the check is still
 * pending when HLT starts, and wakes it.
 */
#define HLT_UNTIL(addr, n)						\
8:	cli; cmpq n, addr; jae 7f; sti; hlt; jmp 8b;			\
7:	sti

/*
 * The last instruction of a guest.  The tests never run a guest past its
 * last report; if one did, a #UD with no IDT gate becomes #NP, #DF and a
 * triple fault, a SHUTDOWN exit, where a HLT could sleep in the kernel
 * until the case's timeout.
 */
#define GUEST_END	ud2

#endif /* __ASSEMBLER__ */
#endif /* MINIVMM_GUEST_APIC_H */
