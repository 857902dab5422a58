/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 64-bit ELF guest for "vmctl run", linked at 2 MiB.  vmctl enters it
 * in long mode on identity-mapped page tables with a stack; it uses them:
 * prints its line with one `rep outsb` (the UART never needs waiting for),
 * writes and reads back memory near the top of the default 128 MiB, and
 * reads the RAM size from fw_cfg with a `rep insb`:
 *
 *   vmctl elf64 guest: long mode ok
 *   fw_cfg: ram 128M
 *
 * then writes 0x11 to the debug-exit port (vmctl exits 35).  A failed
 * check prints "FAIL" and writes 1 (vmctl exits 3).
 */
	.code64
	.text
	.globl _start
_start:
	lea	m_ok(%rip), %rsi
	mov	$m_ok_len, %ecx
	call	write

	/* RAM at 112 MiB, through the 2 MiB identity mapping. */
	mov	$0x7000000, %rdi
	mov	$0x0123456789abcdef, %rax
	mov	%rax, (%rdi)
	cmp	(%rdi), %rax
	jne	fail

	/* fw_cfg key 3: the RAM size, 8 bytes little-endian. */
	mov	$0x510, %dx
	mov	$3, %ax
	out	%ax, %dx
	mov	$0x511, %dx
	lea	ram_size(%rip), %rdi
	mov	$8, %ecx
	cld
	rep insb
	cmpq	$0x8000000, ram_size(%rip)
	jne	fail
	lea	m_ram(%rip), %rsi
	mov	$m_ram_len, %ecx
	call	write

	mov	$0x11, %al
	out	%al, $0xf4
halt:	hlt
	jmp	halt

fail:
	lea	m_fail(%rip), %rsi
	mov	$m_fail_len, %ecx
	call	write
	mov	$1, %al
	out	%al, $0xf4
	jmp	halt

/* Send RCX bytes at RSI to COM1. */
write:
	mov	$0x3f8, %dx
	cld
	rep outsb
	ret

	.section .rodata
m_ok:	.ascii	"vmctl elf64 guest: long mode ok\n"
	.set	m_ok_len, . - m_ok
m_ram:	.ascii	"fw_cfg: ram 128M\n"
	.set	m_ram_len, . - m_ram
m_fail:	.ascii	"FAIL\n"
	.set	m_fail_len, . - m_fail

	.bss
	.align	8
ram_size:
	.space	8
