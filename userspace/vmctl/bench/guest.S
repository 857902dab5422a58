/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.S: the guest of vmctl bench, 64-bit code that cmd_bench.c copies
 * to BENCH_CODE and starts in long mode (boot_long_mode(): identity map,
 * flat segments, interrupts off).  It is data in vmctl, never run there.
 *
 * Each case times ITERS operations with RDTSC, the guest's own clock
 * (under Bochs it counts the emulated machine's instructions, so it is
 * repeatable; under QEMU it follows the host's TSC).  The loop counter
 * lives in %r9, which no measured instruction touches, and the start time
 * in %r8.  Only relative jumps and absolute addresses below 2 GiB: the
 * bytes run wherever they are copied.  The ports are above 0xff, so every
 * IN and OUT goes through %dx.
 */
#include "bench.h"

/* %r8 = TSC now */
.macro	tsc_start
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r8
.endm

/* mailbox TICKS = TSC now - %r8 */
.macro	tsc_stop
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	sub	%r8, %rax
	mov	%rax, BENCH_MAILBOX + BENCH_MB_TICKS
.endm

	.section .rodata.bench_guest, "a"
	.code64
	.globl	bench_guest_start, bench_guest_end
bench_guest_start:
next:
	mov	$BENCH_PORT_NEXT, %dx
	out	%al, (%dx)		/* vmctl fills the mailbox */
	mov	BENCH_MAILBOX + BENCH_MB_ITERS, %r9
	mov	BENCH_MAILBOX + BENCH_MB_CASE, %rax
	cmp	$BENCH_CPUID, %rax
	je	cpuid_case
	cmp	$BENCH_RDMSR, %rax
	je	rdmsr_case
	cmp	$BENCH_WRMSR, %rax
	je	wrmsr_case
	cmp	$BENCH_OUT, %rax
	je	out_case
	cmp	$BENCH_IN, %rax
	je	in_case
	cmp	$BENCH_MMIO_READ, %rax
	je	mmio_read_case
	cmp	$BENCH_MMIO_WRITE, %rax
	je	mmio_write_case
	cmp	$BENCH_HLT, %rax
	je	hlt_case
	cmp	$BENCH_TOUCH, %rax
	je	touch_case
	ud2				/* vmctl sent no such case */

/* CPUID leaf 0; checked: its EAX, the highest basic leaf. */
cpuid_case:
	tsc_start
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r9
	jnz	1b
	mov	%rax, %r10
	tsc_stop
	jmp	done

rdmsr_case:
	tsc_start
1:	mov	$BENCH_MSR, %ecx
	rdmsr
	dec	%r9
	jnz	1b
	mov	%rax, %r10
	tsc_stop
	jmp	done

/* Writes back the value the MSR holds, so nothing changes. */
wrmsr_case:
	mov	$BENCH_MSR, %ecx
	rdmsr
	mov	%rax, %r10
	mov	%rdx, %r11
	tsc_start
1:	mov	$BENCH_MSR, %ecx
	mov	%r10, %rax
	mov	%r11, %rdx
	wrmsr
	dec	%r9
	jnz	1b
	tsc_stop
	jmp	done

out_case:
	tsc_start
	mov	$BENCH_PORT_OUT, %dx
1:	out	%al, (%dx)
	dec	%r9
	jnz	1b
	xor	%r10, %r10
	tsc_stop
	jmp	done

in_case:
	tsc_start
	mov	$BENCH_PORT_IN, %dx
	xor	%eax, %eax
1:	in	(%dx), %al
	dec	%r9
	jnz	1b
	movzbq	%al, %r10
	tsc_stop
	jmp	done

mmio_read_case:
	mov	$BENCH_MMIO, %ebx
	tsc_start
1:	mov	(%rbx), %ecx
	dec	%r9
	jnz	1b
	mov	%rcx, %r10
	tsc_stop
	jmp	done

mmio_write_case:
	mov	$BENCH_MMIO, %ebx
	tsc_start
1:	mov	%eax, (%rbx)
	dec	%r9
	jnz	1b
	xor	%r10, %r10
	tsc_stop
	jmp	done

/* Interrupts are off and there is no irqchip: each HLT exits to vmctl. */
hlt_case:
	tsc_start
1:	hlt
	dec	%r9
	jnz	1b
	xor	%r10, %r10
	tsc_stop
	jmp	done

/* One byte in each page from BENCH_TOUCH_BASE up, none touched before. */
touch_case:
	mov	$BENCH_TOUCH_BASE, %ebx
	tsc_start
1:	movb	$1, (%rbx)
	add	$4096, %rbx
	dec	%r9
	jnz	1b
	mov	%rbx, %r10
	tsc_stop
	jmp	done

done:
	mov	%r10, BENCH_MAILBOX + BENCH_MB_CHECK
	jmp	next
bench_guest_end:

/* vmctl's own stack stays non-executable: this object asks for nothing. */
	.section .note.GNU-stack, "", @progbits
