/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APIC timer in TSC-deadline mode (SDM Vol. 3A 11.5.4.1), R14 = guest
 * TSC ticks per millisecond.  The guest stores
 *   IRQ_DATA(1)  CPUID.1:ECX (bit 24: TSC-deadline offered),
 *   IRQ_DATA(2)  a deadline 20 ms ahead, written to IA32_TSC_DEADLINE,
 *   IRQ_DATA(3)  the MSR read back while armed (the deadline),
 *   IRQ_DATA(4)  the MSR after the interrupt (0: it disarms itself),
 *   IRQ_DATA(5), IRQ_DATA(6)  the TSC in the handler, interrupts 1 and 2,
 *   IRQ_DATA(7)  the TSC before it writes a deadline in the past (the
 *                TSC of interrupt 1), which must fire at once,
 *   IRQ_DATA(8)  the MSR after a deadline 10 ms ahead is replaced by 0,
 *   IRQ_DATA(9)  the attempts step 3 took (below),
 *   IRQ_DATA(10) 1 when its last attempt was a fair one, else 0.
 * It reports the count twice: after waiting at most 10 ms for the
 * deadline in the past (2: it fired), and after spinning 3 ms past the
 * deadline that 0 replaced (still 2: it did not).
 *
 * Step 3 is only a test when the 0 is written before the deadline: two
 * WRMSR exits on a slow host (a debug kernel under an emulator) took
 * longer than 1 ms in each of 8 attempts once, so the deadline is 10 ms
 * ahead, and a deadline that passed while armed rightly fires.
 * So both writes run with IF = 0 and the TSC is read after the second; when
 * it is past the deadline the attempt is discarded (its interrupt, if any,
 * taken within 10 ms and uncounted) and step 3 is tried again, at most STEP3_TRIES
 * times.  The host fails the test if no attempt was a fair one.
 */
#include "apic.h"

#define STEP3_TRIES	8

	.text
	.code64
guest_start:
	IDT_GATE64(VEC_TIMER, timer)
	APIC_INIT
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rcx, IRQ_DATA(1)
	movl	$(APIC_TIMER_TSC_DEADLINE | VEC_TIMER), APIC_LVTT(%r15)

	/*
	 * 1: 20 ms ahead, sleep until it fires.  Far enough that the read
	 * back comes before it: a debug kernel under an emulator took over
	 * 2 ms for the WRMSR and RDMSR exits once.
	 */
	RDTSC64
	imul	$20, %r14, %rcx
	add	%rcx, %rax
	mov	%rax, IRQ_DATA(2)
	WRMSR64(MSR_TSC_DEADLINE)
	RDMSR64(MSR_TSC_DEADLINE)
	mov	%rax, IRQ_DATA(3)
	HLT_UNTIL(IRQ_COUNT, $1)
	RDMSR64(MSR_TSC_DEADLINE)
	mov	%rax, IRQ_DATA(4)

	/* 2: in the past, with IF = 1; wait at most 10 ms for it. */
	RDTSC64
	mov	%rax, IRQ_DATA(7)
	mov	IRQ_DATA(5), %rax
	WRMSR64(MSR_TSC_DEADLINE)
	RDTSC64
	imul	$10, %r14, %rcx
	add	%rax, %rcx
1:	cmpq	$2, IRQ_COUNT
	jae	2f
	RDTSC64
	cmp	%rcx, %rax
	jb	1b
2:	REPORT_MEM(IRQ_COUNT)

	/* 3: 10 ms ahead, then 0: disarmed. */
	xor	%ebx, %ebx
	movq	$0, IRQ_DATA(10)
3:	inc	%ebx
	mov	%rbx, IRQ_DATA(9)
	cli
	RDTSC64
	imul	$10, %r14, %rcx
	add	%rcx, %rax
	mov	%rax, %rsi
	WRMSR64(MSR_TSC_DEADLINE)
	xor	%eax, %eax
	WRMSR64(MSR_TSC_DEADLINE)
	RDTSC64
	sti
	cmp	%rsi, %rax
	jb	4f
	/*
	 * The deadline passed before the 0: take what it sent (an exit that
	 * slow may take milliseconds to deliver it too), try again.
	 */
	SPIN_MS(10)
	movq	$2, IRQ_COUNT
	cmp	$STEP3_TRIES, %ebx
	jb	3b
	jmp	5f
4:	movq	$1, IRQ_DATA(10)
5:	RDMSR64(MSR_TSC_DEADLINE)
	mov	%rax, IRQ_DATA(8)
	/* Until 3 ms past the deadline that 0 replaced. */
	lea	(%rsi, %r14, 2), %rcx
	add	%r14, %rcx
6:	RDTSC64
	cmp	%rcx, %rax
	jb	6b
	REPORT_MEM(IRQ_COUNT)
	GUEST_END

timer:
	push	%rax
	push	%rdx
	RDTSC64
	incq	IRQ_COUNT
	cmpq	$1, IRQ_COUNT
	jne	1f
	mov	%rax, IRQ_DATA(5)
	jmp	2f
1:	cmpq	$2, IRQ_COUNT
	jne	2f
	mov	%rax, IRQ_DATA(6)
2:	APIC_EOI_WRITE
	pop	%rdx
	pop	%rax
	iretq
