/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flat real-mode guest for "vmctl run --flat 0x7c00": linked at 0x7c00,
 * where vmctl starts it with CS = DS = SS = 0.  It prints one line on the
 * UART, polling LSR as a real driver does, then ends in one of three ways,
 * chosen when it is built:
 *
 *   (default)   writes 0x12 to QEMU's debug-exit port: vmctl exits 37
 *   END_HALT    HLT with interrupts off: vmctl exits 0
 *   END_CRASH   an INT with a zero-limit IDT: #GP, then #DF, then a
 *               triple fault (Intel SDM vol 3A 6.15, interrupt 8): vmctl
 *               reports the SHUTDOWN and exits 4
 *   END_SPIN    spins without an exit until vmctl is stopped by a signal
 */
	.code16
	.text
	.globl _start
_start:
	cli
	mov	$msg, %si
	call	puts
#if defined(END_HALT)
	hlt
#elif defined(END_CRASH)
	lidt	null_idt
	int	$3
#elif defined(END_SPIN)
	jmp	.
#else
	mov	$0x12, %al
	out	%al, $0xf4
#endif
1:	hlt
	jmp	1b

/* Print the NUL-terminated string at DS:SI on COM1. */
puts:
	lodsb
	test	%al, %al
	jz	3f
	mov	%al, %bl
	mov	$0x3fd, %dx		/* LSR */
2:	in	%dx, %al
	test	$0x20, %al		/* THR empty */
	jz	2b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	puts
3:	ret

null_idt:
	.word	0
	.long	0

msg:
#if defined(END_HALT)
	.asciz	"vmctl flat guest: real mode ok, halting\n"
#elif defined(END_CRASH)
	.asciz	"vmctl flat guest: real mode ok, triple fault next\n"
#elif defined(END_SPIN)
	.asciz	"vmctl flat guest: real mode ok, spinning\n"
#else
	.asciz	"vmctl flat guest: real mode ok\n"
#endif
