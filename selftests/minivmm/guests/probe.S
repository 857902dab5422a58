/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 64-bit guest that reads and writes guest-physical memory on the test's
 * command (guest_layout.h, PROBE_*), so the memory tests can aim it
 * anywhere.  Commands and arguments arrive as 4-byte INs from PORT_CMD
 * (64-bit values as two, low half first); results leave as two 4-byte OUTs
 * to PORT_REPORT, low half first.  Memory is identity-mapped.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	mov	$GUEST_STACK, %esp
next:
	in	$PORT_CMD, %eax
	cmp	$PROBE_READ, %eax
	je	read
	cmp	$PROBE_WRITE, %eax
	je	write
	cmp	$PROBE_INVERT, %eax
	je	invert
	hlt
	jmp	next

read:
	in	$PORT_CMD, %eax
	mov	%eax, %r8d			/* size */
	call	arg64
	mov	%rax, %rbx			/* address */
	xor	%eax, %eax
	cmp	$1, %r8d
	jne	1f
	mov	(%rbx), %al
	jmp	report
1:	cmp	$2, %r8d
	jne	1f
	mov	(%rbx), %ax
	jmp	report
1:	cmp	$4, %r8d
	jne	1f
	mov	(%rbx), %eax
	jmp	report
1:	mov	(%rbx), %rax
report:
	out	%eax, $PORT_REPORT
	shr	$32, %rax
	out	%eax, $PORT_REPORT
	jmp	next

write:
	in	$PORT_CMD, %eax
	mov	%eax, %r8d			/* size */
	call	arg64
	mov	%rax, %rbx			/* address */
	call	arg64				/* value */
	cmp	$1, %r8d
	jne	1f
	mov	%al, (%rbx)
	jmp	next
1:	cmp	$2, %r8d
	jne	1f
	mov	%ax, (%rbx)
	jmp	next
1:	cmp	$4, %r8d
	jne	1f
	mov	%eax, (%rbx)
	jmp	next
1:	mov	%rax, (%rbx)
	jmp	next

invert:
	call	arg64
	mov	%rax, %rsi			/* source */
	call	arg64
	mov	%rax, %rdi			/* destination */
	in	$PORT_CMD, %eax
	mov	%eax, %ecx			/* qwords */
	xor	%edx, %edx			/* sum of the source */
1:	mov	(%rsi), %rax
	add	%rax, %rdx
	not	%rax
	mov	%rax, (%rdi)
	add	$8, %rsi
	add	$8, %rdi
	dec	%ecx
	jnz	1b
	mov	%rdx, %rax
	jmp	report

/* Two INs, low half first, into RAX; clobbers RDX. */
arg64:
	in	$PORT_CMD, %eax
	mov	%eax, %edx
	in	$PORT_CMD, %eax
	shl	$32, %rax
	or	%rdx, %rax
	ret
